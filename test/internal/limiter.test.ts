// The limiter of an environment: a weighted semaphore bounding every ECR call and registry request
// made through the environment, across concurrent operations (and without a deadlock when one
// copy holds a source GET and a destination PUT through the same environment).
import { afterEach, describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as Env from '../../src/Env'
import * as Image from '../../src/Image'
import * as ImageUri from '../../src/ImageUri'
import type { ImageRef } from '../../src/Image'
import type { AccountId, ImageDigest, Region, RepositoryName } from '../../src/Primitives'
import * as Retry from '../../src/Retry'
import { acquireAll, held, makeLimiter, withPermits } from '../../src/internal/limiter'
import { replicateImage } from '../../src/replicate'
import * as InMemoryEcr from '../../src/testing/InMemoryEcr'
import { Agent } from 'undici'
import { dispatcherOf, openBlob } from '../../src/internal/registryStream'
import { closeServers, collect, loginFor, name, serve, sha256 } from './registryServer'

afterEach(closeServers)

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('makeLimiter', () => {
  it('never grants more than its capacity (weights clamped), and grants every request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.record({ weight: fc.integer({ min: 1, max: 9 }), hold: fc.integer({ min: 0, max: 3 }) }), { maxLength: 40 }),
        async (capacity, jobs) => {
          const limiter = makeLimiter(capacity)
          let inUse = 0
          let max = 0
          const done = await Promise.all(
            jobs.map(async ({ weight, hold }) => {
              const permit = await limiter.acquire(weight)
              if (E.isLeft(permit)) return false
              const w = Math.min(weight, capacity)
              inUse += w
              max = Math.max(max, inUse)
              await tick(hold)
              inUse -= w
              permit.right()
              permit.right() // a second release gives nothing back
              return true
            })
          )
          expect(done.every((d) => d)).toBe(true)
          expect(max).toBeLessThanOrEqual(capacity)
          expect(inUse).toBe(0)
        }
      ),
      { numRuns: 40 }
    )
  })

  it('a wait ended by its signal is a Left, and its permits are not lost', async () => {
    const limiter = makeLimiter(1)
    const first = await limiter.acquire(1)
    const controller = new AbortController()
    const waiting = limiter.acquire(1, controller.signal)
    controller.abort()
    const r = await waiting
    expect(E.isLeft(r) && r.left.message).toBe('cancelled')
    if (E.isRight(first)) first.right()
    const again = await limiter.acquire(1)
    expect(E.isRight(again)).toBe(true)
    const aborted = await withPermits(makeLimiter(1), 1, () => Promise.resolve(1), AbortSignal.abort())
    expect(E.isLeft(aborted)).toBe(true)
  })

  it('acquireAll takes distinct limiters in one order: opposite copies at capacity 1 never deadlock', async () => {
    const a = makeLimiter(1)
    const b = makeLimiter(1)
    const jobs = Array.from({ length: 50 }, (_, i) => async () => {
      const r = await acquireAll(i % 2 === 0 ? [a, b] : [b, a])
      await tick(0)
      if (E.isRight(r)) r.right()
      return E.isRight(r)
    })
    const all = await Promise.race([Promise.all(jobs.map((j) => j())), tick(5000).then(() => 'deadlock')])
    expect(all).toEqual(jobs.map(() => true))
    // the same limiter twice: two permits, clamped to the capacity (1), so it still runs
    const twice = await acquireAll([a, a])
    expect(E.isRight(twice)).toBe(true)
  })
})

// -------------------------------------------------------------------------------------
// one environment, many operations
// -------------------------------------------------------------------------------------

/** A loopback registry in front of the twin's: it counts requests (and connections) in flight. */
const countingProxy = async (twin: InMemoryEcr.InMemoryEcr) => {
  const counts = { inFlight: 0, max: 0, requests: 0, connections: 0 }
  const server = http.createServer((req, res) => {
    counts.inFlight++
    counts.requests++
    counts.max = Math.max(counts.max, counts.inFlight)
    res.on('close', () => counts.inFlight--)
    const chunks: Array<Buffer> = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v
      const body = chunks.length === 0 ? undefined : Buffer.concat(chunks)
      void twin
        .fetch(`${twin.proxyEndpoint}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body === undefined ? {} : { body }) })
        .then(async (answer) => {
          const bytes = Buffer.from(await answer.arrayBuffer())
          const out: Record<string, string> = {}
          answer.headers.forEach((v, k) => {
            if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v
          })
          res.writeHead(answer.status, { ...out, 'content-length': bytes.length })
          res.end(bytes)
        })
    })
  })
  server.on('connection', () => counts.connections++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return { counts, url, close }
}

describe('env.concurrency bounds everything in flight through one environment', () => {
  it('200 concurrent Image.getConfig with concurrency 8: at most 8 ECR calls and 8 registry requests at once', async () => {
    const twin = InMemoryEcr.make({ latencyMs: 3, httpLatencyMs: 3 })
    const pushed = twin.pushImage('app', { tag: 'v1', labels: { team: 'infra' } })
    if (E.isLeft(pushed)) throw new Error(pushed.left.message)
    const proxy = await countingProxy(twin)
    try {
      const ecr = { inFlight: 0, max: 0, calls: 0 }
      const send = ((command: never) => {
        ecr.inFlight++
        ecr.calls++
        ecr.max = Math.max(ecr.max, ecr.inFlight)
        return twin.ecr.send(command).finally(() => ecr.inFlight--)
      }) as Env.EcrEnv['ecr']['send']
      const env = Env.make({
        ecr: { send },
        // every registry request goes to the loopback registry, which asks the twin
        fetch: (input, init) => globalThis.fetch(input.replace(twin.proxyEndpoint, proxy.url), init),
        accountId: twin.accountId as AccountId,
        region: twin.region as Region,
        concurrency: 8
      })
      const ref: ImageRef = {
        accountId: twin.accountId as AccountId,
        region: twin.region as Region,
        repositoryName: 'app' as RepositoryName,
        imageDigest: pushed.right.imageDigest as ImageDigest
      }
      const results = await Promise.all(Array.from({ length: 200 }, () => Image.getConfig(ref)(env)()))
      expect(results.every((r) => E.isRight(r) && r.right.config?.Labels?.['team'] === 'infra')).toBe(true)
      expect(proxy.counts.requests).toBeGreaterThanOrEqual(200)
      expect(ecr.calls).toBeGreaterThan(0)
      expect(proxy.counts.max).toBeLessThanOrEqual(8)
      expect(ecr.max).toBeLessThanOrEqual(8)
      expect(proxy.counts.max + ecr.max).toBeGreaterThan(1)
      // fetch (Node's global one) does not go through the env's Agent, so its pool is not capped; a
      // socket goes back to that pool a moment after its body is read (and its permit released),
      // so it may open more than 8 (16 measured), never one per read (200 before the limiter)
      expect(proxy.counts.connections).toBeLessThanOrEqual(24)
      console.log(
        `limiter: ${proxy.counts.requests} registry requests (max ${proxy.counts.max} in flight, ${proxy.counts.connections} connections), ${ecr.calls} ECR calls (max ${ecr.max} in flight)`
      )
    } finally {
      await proxy.close()
    }
  }, 60_000)
})

describe('the default dispatcher of Env.make', () => {
  it('streamed reads through an env without a dispatcher use an Agent of `concurrency` connections', async () => {
    const blob = Buffer.alloc(50_000, 7)
    const digest = sha256(blob)
    let inFlight = 0
    let max = 0
    const server = await serve((_req, _body, res) => {
      inFlight++
      max = Math.max(max, inFlight)
      res.on('close', () => inFlight--)
      setTimeout(() => {
        res.writeHead(200, { 'content-length': blob.length })
        res.end(blob)
      }, 5)
    })
    const env = Env.make({ ecr: { send: (() => Promise.resolve({})) as never }, accountId: '123456789012' as AccountId, region: 'us-west-2' as Region, concurrency: 2 })
    const reads = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const opened = await openBlob(loginFor(server.url), name('app'), digest)(env)()
        if (E.isLeft(opened)) return opened
        const bytes = await collect(opened.right.body)
        return E.right(bytes.length)
      })
    )
    expect(reads.every((r) => E.isRight(r) && r.right === blob.length)).toBe(true)
    // each read holds its permit until its stream is read: at most 2 at the server at once
    expect(max).toBeLessThanOrEqual(2)
    expect(max).toBeGreaterThan(0)
    // the env's own Agent, made once, of 2 connections per origin; none without a limiter
    const agent = dispatcherOf(env)
    expect(agent).toBeInstanceOf(Agent)
    expect(dispatcherOf(env)).toBe(agent)
    expect(dispatcherOf({ ...env, limiter: held(env.limiter ?? makeLimiter(1)) })).toBe(agent)
    expect(dispatcherOf({ fetch: globalThis.fetch })).toBeUndefined()
    expect(dispatcherOf(Env.make({ ecr: env.ecr, accountId: env.accountId, region: env.region }))).not.toBe(agent)
  })
})

describe('streamed copies under the limiter', () => {
  const fast = Retry.concat(Retry.limitRetries(2), Retry.constantDelay(0))
  const envOf = (twin: InMemoryEcr.InMemoryEcr, concurrency: number): Env.Env =>
    Env.make({
      ecr: twin.ecr,
      fetch: twin.fetch,
      dispatcher: twin.dispatcher,
      accountId: twin.accountId as AccountId,
      region: twin.region as Region,
      concurrency,
      retry: { ecr: fast, http: fast },
      sleep: () => Promise.resolve()
    })
  const repo = (twin: InMemoryEcr.InMemoryEcr, name: string) => ({
    accountId: twin.accountId as AccountId,
    region: twin.region as Region,
    repositoryName: name as RepositoryName
  })
  const uriOf = (twin: InMemoryEcr.InMemoryEcr, rest: string): ImageUri.ImageUri => {
    const u = ImageUri.parse(`${twin.proxyEndpoint.replace('https://', '')}/${rest}`)
    if (E.isLeft(u)) throw new Error(u.left.message)
    return u.right
  }
  const within = <A>(p: Promise<A>, ms: number) => Promise.race([p, tick(ms).then(() => 'timed out' as const)])

  it('a copy through one environment at concurrency 1 finishes (no deadlock)', async () => {
    const twin = InMemoryEcr.make({ blobMounting: false })
    const pushed = twin.pushImage('app', { tag: 'v1', layers: 3 })
    if (E.isLeft(pushed)) throw new Error(pushed.left.message)
    twin.createRepository('copy')
    const env = envOf(twin, 1)
    const r = await within(replicateImage({ source: uriOf(twin, 'app:v1'), destination: repo(twin, 'copy'), tags: ['v1'] })({ source: env, destination: env })(), 20_000)
    expect(r !== 'timed out' && E.isRight(r)).toBe(true)
    expect(twin.tagsOf('copy').get('v1')).toBe(pushed.right.imageDigest)
  }, 30_000)

  it('two copies in opposite directions at concurrency 1 at once both finish', async () => {
    const a = InMemoryEcr.make({ accountId: '111111111111' })
    const b = InMemoryEcr.make({ accountId: '222222222222' })
    const pa = a.pushImage('one', { tag: 'v1', layers: 3 })
    const pb = b.pushImage('two', { tag: 'v1', layers: 3 })
    if (E.isLeft(pa) || E.isLeft(pb)) throw new Error('push')
    a.createRepository('two')
    b.createRepository('one')
    const [ea, eb] = [envOf(a, 1), envOf(b, 1)]
    const both = Promise.all([
      replicateImage({ source: uriOf(a, 'one:v1'), destination: repo(b, 'one') })({ source: ea, destination: eb })(),
      replicateImage({ source: uriOf(b, 'two:v1'), destination: repo(a, 'two') })({ source: eb, destination: ea })()
    ])
    const r = await within(both, 20_000)
    expect(r !== 'timed out' && r.every(E.isRight)).toBe(true)
    expect(b.tagsOf('one').get('v1')).toBe(pa.right.imageDigest)
    expect(a.tagsOf('two').get('v1')).toBe(pb.right.imageDigest)
  }, 30_000)
})
