// The CLI as a process: what each command loads, the AWS SDK's Node.js version warning (off; one
// line with --verbose), and the hidden in-memory backing used by the benchmarks.
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SDK_WARNING_SWITCH, TWIN_SWITCH } from '../../src/cli/main'

const ROOT = path.resolve(__dirname, '../..')
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx')
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts')
const LOADED = path.join(__dirname, 'fixtures', 'loaded.ts')
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-fp-ts-cli-'))
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }))

interface Exit {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a TypeScript file with tsx (asynchronously: a server in this process may have to answer it). */
const exec = (file: string, argv: ReadonlyArray<string>, vars: NodeJS.ProcessEnv = {}): Promise<Exit> =>
  new Promise((resolve, reject) => {
    const { [SDK_WARNING_SWITCH]: _drop, [TWIN_SWITCH]: _twin, ...inherited } = process.env
    const p = spawn(TSX, [file, ...argv], { cwd: ROOT, env: { ...inherited, ...vars }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => p.kill(), 60_000)
    p.on('error', reject)
    p.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })

/** The packages a run of the CLI loaded. */
const loadedBy = async (argv: ReadonlyArray<string>, vars: NodeJS.ProcessEnv = {}): Promise<{ exit: Exit; packages: ReadonlyArray<string> }> => {
  const out = path.join(scratch, `loaded-${Math.random().toString(36).slice(2)}.json`)
  const exit = await exec(LOADED, argv, { ...vars, LOADED_OUT: out })
  return { exit, packages: JSON.parse(fs.readFileSync(out, 'utf8')) as ReadonlyArray<string> }
}

const isSdk = (p: string): boolean => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/')

describe('each command loads only what it uses', () => {
  it('parse, version and a usage error load neither the AWS SDK nor undici', async () => {
    for (const argv of [['parse', '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:v1'], ['version'], ['--region', 'mars-1', 'repos']]) {
      const { exit, packages } = await loadedBy(argv)
      expect(exit.code).not.toBe(null)
      expect(packages).toContain('commander')
      expect(packages.filter(isSdk)).toEqual([])
      expect(packages).not.toContain('undici')
      expect(packages).not.toContain('cli-progress')
    }
  }, 120_000)

  it('(the check sees them when they are loaded: resolve on the in-memory twin loads both)', async () => {
    const { exit, packages } = await loadedBy(['resolve', 'team/app'], { [TWIN_SWITCH]: 'demo' })
    expect(exit.code).toBe(0)
    expect(packages).toContain('@aws-sdk/client-ecr')
    expect(packages).toContain('undici')
  }, 60_000)
})

describe(`${TWIN_SWITCH}=demo`, () => {
  it('runs commands against the demo registry; another region or account is an error', async () => {
    const ok = await exec(MAIN, ['--json', 'digest', 'team/app:v1.2.3'], { [TWIN_SWITCH]: 'demo' })
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({ repositoryName: 'team/app', region: 'us-west-2', digest: expect.stringMatching(/^sha256:/) })
    const elsewhere = await exec(MAIN, ['--region', 'eu-west-1', 'repos'], { [TWIN_SWITCH]: 'demo' })
    expect(elsewhere.code).toBe(1)
    expect(elsewhere.stderr).toMatch(/in-memory registry/)
  }, 60_000)
})

describe("the AWS SDK's Node.js version warning", () => {
  // a stand-in for the ECR API: DescribeRepositories answers one repository
  let server: http.Server
  let endpoint = ''
  const targets: Array<string> = []
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      targets.push(String(req.headers['x-amz-target']))
      req.resume()
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
        res.end(
          JSON.stringify({
            repositories: [
              {
                registryId: '123456789012',
                repositoryName: 'team/app',
                repositoryArn: 'arn:aws:ecr:us-west-2:123456789012:repository/team/app',
                repositoryUri: '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app',
                createdAt: 1_700_000_000
              }
            ]
          })
        )
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const aws = {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_CONFIG_FILE: path.join(scratch, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true'
  }
  const argv = (...more: ReadonlyArray<string>) => ['--region', 'us-west-2', '--account', '123456789012', '--endpoint', endpoint, ...more, 'repos']

  it('does not reach stderr: an AWS command prints its result and nothing else', async () => {
    const r = await exec(MAIN, argv(), aws)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app\n')
    expect(targets.at(-1)).toBe('AmazonEC2ContainerRegistry_V20150921.DescribeRepositories')
    expect(targets).not.toContain(expect.stringContaining('GetCallerIdentity')) // --account: no STS call
  }, 60_000)

  it('--verbose says it once, in one line, before the log lines', async () => {
    const r = await exec(MAIN, argv('--verbose'), aws)
    expect(r.code).toBe(0)
    const lines = r.stderr.split('\n').filter((l) => l !== '')
    const notes = lines.filter((l) => /Node\.js/.test(l))
    if (Number(process.versions.node.split('.')[0]) < 22) expect(notes).toEqual([`note: Node.js ${process.version}: AWS SDK releases after January 2027 need Node.js 22 or later`])
    else expect(notes).toEqual([])
    expect(lines.filter((l) => !notes.includes(l))).toEqual(['debug: ecr call {"operation":"DescribeRepositories"}'])
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning/)
  }, 60_000)
})
