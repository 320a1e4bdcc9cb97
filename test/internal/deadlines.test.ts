// Registries that stall: they never send headers, stop in the middle of a body, or stop in the
// middle of a streamed layer. Each request gets a Left within the configured deadlines (small here),
// retried under the policy, and nothing left behind keeps a process alive.
import { afterEach, describe, expect, it } from 'vitest'
import { build } from 'esbuild'
import * as E from 'fp-ts/Either'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import { copyBlob } from '../../src/internal/copyBlob'
import { getBlob, getManifest } from '../../src/internal/registry'
import { openBlob, streamError, uploadBlob } from '../../src/internal/registryStream'
import { limitRetries } from '../../src/Retry'
import type { RegistryHttpEnv } from '../../src/internal/wire'
import { acceptsUploads, closeServers, collect, envWith, loginFor, name, serve, sha256, tag, type Logged } from './registryServer'

afterEach(closeServers)

const TIMEOUTS = { connectMs: 100, headersMs: 200, idleMs: 200 }

/** Three attempts (two retries), waiting 1 ms between them, with the small deadlines. */
const stalling = (logs: Array<Logged> = []): RegistryHttpEnv => ({ ...envWith(logs), retryPolicy: limitRetries(2), timeouts: TIMEOUTS })

const elapsed = async <A>(run: () => Promise<A>): Promise<{ readonly result: A; readonly ms: number }> => {
  const t0 = performance.now()
  const result = await run()
  return { result, ms: performance.now() - t0 }
}

/** A server that takes the request and never answers. */
const silent = () => serve(() => undefined)

/** A server that sends headers and `sent` of `size` bytes, then stops. */
const stallsBody = (size: number, sent: number) =>
  serve((_req, _b, res) => {
    res.writeHead(200, { 'content-length': size, 'content-type': 'application/vnd.oci.image.manifest.v1+json' })
    res.write(Buffer.alloc(sent, 1))
  })

const BLOB = Buffer.alloc(300_000, 5)
const BLOB_DIGEST = sha256(BLOB)

describe('a registry that never sends headers', () => {
  it('a buffered request (fetch) is a retryable Left within the headers deadline of each attempt', async () => {
    const s = await silent()
    const logs: Array<Logged> = []
    const { result, ms } = await elapsed(() => getManifest(loginFor(s.url), name('app'), tag('v1'))(stalling(logs))())
    expect(E.isLeft(result) && result.left._tag === 'HttpError' && result.left.status).toBe(0)
    expect(E.isLeft(result) && result.left.message).toMatch(/timed out: no response headers within 300 ms/)
    expect(s.seen).toHaveLength(3)
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(2)
    expect(ms).toBeGreaterThanOrEqual(3 * 250)
    expect(ms).toBeLessThan(3000)
  })

  it('a streamed request (dispatcher) too', async () => {
    const s = await silent()
    const { result, ms } = await elapsed(() => openBlob(loginFor(s.url), name('app'), BLOB_DIGEST)(stalling())())
    expect(E.isLeft(result) && result.left._tag === 'HttpError' && result.left.status).toBe(0)
    expect(s.seen).toHaveLength(3)
    expect(ms).toBeGreaterThanOrEqual(3 * 150)
    expect(ms).toBeLessThan(3000)
  })

  it('a fetch that ignores the abort signal and never settles is given up all the same', async () => {
    let calls = 0
    const env: RegistryHttpEnv = { ...stalling(), fetch: () => (calls++, new Promise<Response>(() => undefined)) }
    const { result, ms } = await elapsed(() => getManifest(loginFor('http://127.0.0.1:9'), name('app'), tag('v1'))(env)())
    expect(E.isLeft(result) && result.left._tag === 'HttpError' && result.left.message).toMatch(/timed out/)
    expect(calls).toBe(3)
    expect(ms).toBeLessThan(3000)
  })

  it('the default deadlines are 10 s, 30 s and 60 s', async () => {
    const { DEFAULT_TIMEOUTS, timeoutsOf } = await import('../../src/internal/wire')
    expect(DEFAULT_TIMEOUTS).toEqual({ connectMs: 10_000, headersMs: 30_000, idleMs: 60_000 })
    expect(timeoutsOf({ fetch: globalThis.fetch, timeouts: { idleMs: 5 } })).toEqual({ connectMs: 10_000, headersMs: 30_000, idleMs: 5 })
  })
})

describe('a registry that stalls a body', () => {
  it('a manifest body that stops is a retryable Left within the idle deadline', async () => {
    const s = await stallsBody(1000, 100)
    const { result, ms } = await elapsed(() => getManifest(loginFor(s.url), name('app'), tag('v1'))(stalling())())
    expect(E.isLeft(result) && result.left._tag === 'HttpError' && result.left.message).toMatch(/timed out: no response body bytes within 200 ms/)
    expect(s.seen).toHaveLength(3)
    expect(ms).toBeGreaterThanOrEqual(3 * 150)
    expect(ms).toBeLessThan(3000)
  })

  it('a blob body that stops (fetch) too', async () => {
    const s = await stallsBody(BLOB.length, 50_000)
    const { result, ms } = await elapsed(() => getBlob(loginFor(s.url), name('app'), BLOB_DIGEST)(stalling())())
    expect(E.isLeft(result) && result.left._tag === 'HttpError' && result.left.status).toBe(0)
    expect(s.seen).toHaveLength(3)
    expect(ms).toBeLessThan(3000)
  })

  it('a body that keeps coming, slower than the idle deadline in total but not between chunks, is read whole', async () => {
    const s = await serve((_req, _b, res) => {
      res.writeHead(200, { 'content-length': BLOB.length })
      let i = 0
      const next = (): void => {
        res.write(BLOB.subarray(i * 30_000, (i + 1) * 30_000))
        i++
        if (i * 30_000 >= BLOB.length) res.end()
        else setTimeout(next, 60)
      }
      next()
    })
    const { result, ms } = await elapsed(() => getBlob(loginFor(s.url), name('app'), BLOB_DIGEST)(stalling())())
    expect(E.isRight(result) && result.right.equals(BLOB)).toBe(true)
    expect(ms).toBeGreaterThan(TIMEOUTS.idleMs)
    expect(s.seen).toHaveLength(1)
  })
})

describe('a registry that stalls a streamed layer', () => {
  it('the opened stream errors within the idle deadline; streamError makes it an HttpError', async () => {
    const s = await stallsBody(BLOB.length, 100_000)
    const opened = await openBlob(loginFor(s.url), name('app'), BLOB_DIGEST)(stalling())()
    expect(E.isRight(opened)).toBe(true)
    if (E.isLeft(opened)) return
    const { result, ms } = await elapsed(() => collect(opened.right.body).then(() => undefined, (e: unknown) => e))
    expect(result).toBeDefined()
    expect(streamError(result)._tag).toBe('HttpError')
    expect(ms).toBeLessThan(2000)
  })

  it('a consumer that holds the stream back longer than the idle deadline still gets every byte', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 7)
    const s = await serve((_req, _b, res) => {
      res.writeHead(200, { 'content-length': big.length })
      res.end(big)
    })
    const opened = await openBlob(loginFor(s.url), name('app'), sha256(big))(stalling())()
    expect(E.isRight(opened)).toBe(true)
    if (E.isLeft(opened)) return
    await new Promise((r) => setTimeout(r, 3 * TIMEOUTS.idleMs))
    expect((await collect(opened.right.body)).equals(big)).toBe(true)
  })

  it('a blob copy from a source that stalls mid-way is a Left within the bound, and nothing is committed', async () => {
    const source = await stallsBody(BLOB.length, 100_000)
    const destination = await acceptsUploads()
    const side = (url: string) => ({ env: stalling(), login: loginFor(url), repositoryName: name('app') })
    const { result, ms } = await elapsed(() =>
      copyBlob(
        { source: side(source.url), destination: side(destination.url), sameRegistry: false },
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: BLOB_DIGEST, size: BLOB.length }
      )()
    )
    expect(E.isLeft(result) && result.left._tag).toBe('HttpError')
    expect(ms).toBeLessThan(5000)
    expect(destination.seen.filter((x) => x.method === 'PUT' && x.complete)).toHaveLength(0)
  })

  it('an upload the registry reads slowly but steadily is not cut short; one it stops reading is', async () => {
    const data = Buffer.alloc(64 * 1024, 3)
    const s = await acceptsUploads()
    // the source gives 8 chunks, 80 ms apart: 640 ms in all, more than the 300 ms answer deadline
    const slow = () =>
      Readable.from(
        (async function* () {
          for (let i = 0; i < 8; i++) {
            await new Promise((r) => setTimeout(r, 80))
            yield data.subarray(i * 8192, (i + 1) * 8192)
          }
        })()
      )
    const r = await uploadBlob(loginFor(s.url), name('app'), sha256(data), slow, data.length)(stalling())()
    expect(r).toEqual(E.right(undefined))
    const stuck = () =>
      Readable.from(
        (async function* () {
          yield data.subarray(0, 8192)
          await new Promise((r) => setTimeout(r, 60_000))
        })()
      )
    const { result, ms } = await elapsed(() => uploadBlob(loginFor(s.url), name('app'), sha256(data), stuck, data.length)(stalling())())
    expect(E.isLeft(result) && result.left._tag === 'HttpError' && result.left.message).toMatch(/timed out/)
    expect(ms).toBeLessThan(3000)
  })
})

// -------------------------------------------------------------------------------------
// nothing keeps the process alive
// -------------------------------------------------------------------------------------

const ROOT = path.resolve(__dirname, '..', '..')

const SCENARIO = `
import { getBlob, getManifest } from './src/internal/registry'
import { openBlob } from './src/internal/registryStream'
import { limitRetries } from './src/Retry'

const [url, mode] = process.argv.slice(2)
const env = { fetch: globalThis.fetch, retryPolicy: limitRetries(1), timeouts: { connectMs: 100, headersMs: 200, idleMs: 200 } }
const login = { username: 'AWS', password: 'pw', proxyEndpoint: url, expiresAt: new Date(Date.now() + 3600000) }
const digest = 'sha256:' + '0'.repeat(64)
const consume = (body) => new Promise((resolve) => { body.on('data', () => undefined); body.on('error', (e) => resolve('stream error: ' + e.code)); body.on('end', () => resolve('end')) })
const run = async () => {
  if (mode === 'headers') return getManifest(login, 'app', 'v1')(env)()
  if (mode === 'body') return getBlob(login, 'app', digest)(env)()
  const opened = await openBlob(login, 'app', digest)(env)()
  return opened._tag === 'Left' ? opened : { _tag: 'Streamed', outcome: await consume(opened.right.body) }
}
run().then((r) => console.log(JSON.stringify({ tag: r._tag, left: r.left && r.left._tag, outcome: r.outcome })))
`

describe('after a deadline passes', () => {
  it.each(['headers', 'body', 'stream'])('%s: no timer or socket keeps the process alive', async (mode) => {
    const s = mode === 'headers' ? await silent() : await stallsBody(1_000_000, 100_000)
    const dir = mkdtempSync(path.join(tmpdir(), 'deadlines-'))
    try {
      const file = path.join(dir, 'scenario.js')
      const out = await build({
        stdin: { contents: SCENARIO, resolveDir: ROOT, sourcefile: 'scenario.ts', loader: 'ts' },
        bundle: true,
        platform: 'node',
        target: 'node20',
        write: false,
        logLevel: 'silent'
      })
      writeFileSync(file, out.outputFiles[0]?.contents ?? '')
      const t0 = performance.now()
      const child = spawn(process.execPath, [file, s.url, mode], { stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
      clearTimeout(killer)
      const ms = performance.now() - t0
      expect(code).toBe(0)
      const printed = JSON.parse(stdout.trim()) as { tag: string; left?: string; outcome?: string }
      if (mode === 'stream') expect(printed.outcome).toMatch(/stream error/)
      else expect(printed).toMatchObject({ tag: 'Left', left: 'HttpError' })
      // the node start-up included; a leaked timer or socket would hold the child until the kill at 10 s
      expect(ms).toBeLessThan(6000)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
