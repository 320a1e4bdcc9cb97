// `--timeout <ms>`: a usage error when it is not a whole number of at least 1 (exit 2, no call), and
// the CLI pointed at an endpoint that accepts connections and never answers exits 1 within the
// bound instead of hanging.
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SDK_WARNING_SWITCH, TWIN_SWITCH } from '../../src/cli/main'
import * as InMemoryEcr from '../../src/testing/InMemoryEcr'
import { cliOver, expectUsageError } from './harness'

const ROOT = path.resolve(__dirname, '../..')
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx')
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts')

describe('--timeout: a usage error unless a whole number of milliseconds of at least 1', () => {
  it.each([['0'], ['-5'], ['1.5'], ['abc'], ['1e3'], ['']])('--timeout %j exits 2 before any call', async (value) => {
    const twin = InMemoryEcr.make()
    const r = await cliOver(twin)('--timeout', value, 'repos')
    expect(expectUsageError(r)).toContain('expected a whole number of at least 1')
    expect(r.envRequests).toEqual([])
    expect(twin.callCount('DescribeRepositories')).toBe(0)
  })

  it('a valid value reaches the environment options', async () => {
    const r = await cliOver(InMemoryEcr.make())('--timeout', '250', 'repos')
    expect(r.code).toBe(0)
    expect(r.envRequests.map((o) => o.timeout)).toEqual([250])
  })
})

interface Exit {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-fp-ts-timeout-'))

/** Runs the CLI as a process (killed after 60 s: a hang fails the test instead of stalling it). */
const exec = (argv: ReadonlyArray<string>): Promise<Exit> =>
  new Promise((resolve, reject) => {
    const { [SDK_WARNING_SWITCH]: _drop, [TWIN_SWITCH]: _twin, ...inherited } = process.env
    const env = {
      ...inherited,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_CONFIG_FILE: path.join(scratch, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true'
    }
    const t0 = performance.now()
    const p = spawn(TSX, [MAIN, ...argv], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => p.kill(), 60_000)
    p.on('error', reject)
    p.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, ms: performance.now() - t0 })
    })
  })

describe('the CLI pointed at a silent endpoint', () => {
  const sockets: Array<net.Socket> = []
  // accepts every connection, reads what comes, and never answers
  const server = net.createServer((socket) => {
    sockets.push(socket)
    socket.on('data', () => undefined)
    socket.on('error', () => undefined)
  })
  let endpoint = ''
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
  })
  afterAll(async () => {
    for (const s of sockets) s.destroy()
    await new Promise((resolve) => server.close(resolve))
    fs.rmSync(scratch, { recursive: true, force: true })
  })

  // the SDK makes 6 attempts of 300 ms each, with its backoff between them (about 3 s at most)
  const BOUND_MS = 15_000

  it('with --account: the ECR call times out on every attempt, and the CLI exits 1 within the bound', async () => {
    const before = sockets.length
    const r = await exec(['--region', 'us-west-2', '--account', '123456789012', '--endpoint', endpoint, '--timeout', '300', 'repos'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/DescribeRepositories.*(no answer within 300 ms|timeout|timed out)/i)
    expect(sockets.length - before).toBeGreaterThanOrEqual(2)
    expect(r.ms).toBeLessThan(BOUND_MS)
  }, 60_000)

  it('without --account: the STS call is bounded too', async () => {
    const r = await exec(['--region', 'us-west-2', '--endpoint', endpoint, '--timeout', '300', '--json', 'repos'])
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { _tag: 'AwsError' } })
    expect(r.ms).toBeLessThan(BOUND_MS)
  }, 60_000)
})
