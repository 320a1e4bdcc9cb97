import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/Either'
import { Dispatcher } from 'undici'
import * as Env from '../src/Env'
import type { EcrEnv, HttpEnv } from '../src/Env'
import * as ImageUri from '../src/ImageUri'
import * as Manifest from '../src/Manifest'
import type { AccountId, ImageDigest, Region, RepositoryName } from '../src/Primitives'
import { replicateImage, type Progress, type ReplicateEnv, type ReplicateRequest } from '../src/replicate'
import type { ImageRef } from '../src/Image'
import type { RepositoryRef } from '../src/Repository'
import { getLogin } from '../src/internal/login'
import { putManifest } from '../src/internal/registry'
import { name, tag } from './internal/registryServer'
import * as Retry from '../src/Retry'
import * as InMemoryEcr from '../src/testing/InMemoryEcr'
import { countingSignal } from './countingSignal'

// -------------------------------------------------------------------------------------
// fixtures
// -------------------------------------------------------------------------------------

const SRC = { accountId: '111111111111', region: 'us-east-1' }
const DST = { accountId: '222222222222', region: 'eu-west-1' }

const fast = Retry.concat(Retry.limitRetries(3), Retry.constantDelay(0))

type SideEnv = EcrEnv & HttpEnv

/** A side's environment with quick retries (tests should not wait for backoff). */
const sideEnv = (twin: InMemoryEcr.InMemoryEcr, extra: Partial<Env.MakeOptions> = {}): SideEnv =>
  Env.make({
    ecr: twin.ecr,
    fetch: twin.fetch,
    dispatcher: twin.dispatcher,
    accountId: twin.accountId,
    region: twin.region,
    retry: { ecr: fast, http: fast },
    sleep: () => Promise.resolve(),
    ...extra
  })

const repoRef = (side: { accountId: string; region: string }, repositoryName: string): RepositoryRef => ({
  accountId: side.accountId as AccountId,
  region: side.region as Region,
  repositoryName: repositoryName as RepositoryName
})

const imageRef = (side: { accountId: string; region: string }, repositoryName: string, digest: string): ImageRef => ({
  ...repoRef(side, repositoryName),
  imageDigest: digest as ImageDigest
})

const uri = (side: { accountId: string; region: string }, rest: string): ImageUri.ImageUri => {
  const u = ImageUri.parse(`${side.accountId}.dkr.ecr.${side.region}.amazonaws.com/${rest}`)
  if (E.isLeft(u)) throw new Error(u.left.message)
  return u.right
}

const push = (twin: InMemoryEcr.InMemoryEcr, repo: string, options?: InMemoryEcr.PushImageOptions): InMemoryEcr.PushedImage => {
  const r = twin.pushImage(repo, options)
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

const twins = (options: { src?: InMemoryEcr.Options; dst?: InMemoryEcr.Options } = {}) => {
  const src = InMemoryEcr.make({ ...SRC, ...options.src })
  const dst = InMemoryEcr.make({ ...DST, ...options.dst })
  return { src, dst }
}

const run = (request: ReplicateRequest, env: ReplicateEnv) => replicateImage(request)(env)()

const allBlobs = (image: InMemoryEcr.PushedImage): ReadonlyArray<string> => [
  ...new Set([
    ...(image.configDigest === undefined ? [] : [image.configDigest]),
    ...image.layerDigests,
    ...image.children.flatMap((c) => [c.configDigest, ...c.layerDigests])
  ])
]

const uploads = (twin: InMemoryEcr.InMemoryEcr) => twin.httpCallCount('POST', /\/blobs\/uploads\/?$/)
const blobGets = (twin: InMemoryEcr.InMemoryEcr) => twin.httpCallCount('GET', /\/blobs\/sha256:/)
const manifestPuts = (twin: InMemoryEcr.InMemoryEcr) => twin.httpCallCount('PUT', /\/manifests\//)

/** A dispatcher that flips one byte of every blob body it delivers (a tampering source). */
const tampering = (inner: Dispatcher): Dispatcher => {
  const flip = (chunk: Buffer, first: { done: boolean }): Buffer => {
    if (first.done || chunk.length === 0) return chunk
    first.done = true
    const copy = Buffer.from(chunk)
    copy[0] = (copy[0] as number) ^ 0xff
    return copy
  }
  class Tampering extends Dispatcher {
    dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      if (opts.method !== 'GET' || !/\/blobs\/sha256:/.test(opts.path)) return inner.dispatch(opts, handler)
      const first = { done: false }
      const h = handler as Record<string, unknown>
      const wrapped = new Proxy(h, {
        get(target, prop) {
          const v = target[prop as string]
          if (prop === 'onData' && typeof v === 'function') return (chunk: Buffer) => v.call(target, flip(chunk, first))
          if (prop === 'onResponseData' && typeof v === 'function')
            return (c: unknown, chunk: Buffer) => v.call(target, c, flip(chunk, first))
          return typeof v === 'function' ? v.bind(target) : v
        }
      })
      return inner.dispatch(opts, wrapped as Dispatcher.DispatchHandler)
    }
    close(): Promise<void> {
      return inner.close()
    }
    destroy(): Promise<void> {
      return inner.destroy()
    }
  }
  return new Tampering()
}

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

describe('replicateImage across registries', () => {
  it('copies a single-platform image by tag URI with its tags, byte for byte', async () => {
    const { src, dst } = twins()
    const image = push(src, 'app', { tags: ['v1', 'latest'], layers: 3 })
    dst.createRepository('mirror/app')
    src.resetCalls()
    const r = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'mirror/app') }, { source: sideEnv(src), destination: sideEnv(dst) })
    expect(E.isRight(r) && r.right).toMatchObject({ ...repoRef(DST, 'mirror/app'), imageDigest: image.imageDigest })
    expect(Object.fromEntries(dst.tagsOf('mirror/app'))).toEqual({ v1: image.imageDigest, latest: image.imageDigest })
    expect(dst.getManifestText('mirror/app', image.imageDigest)).toEqual({ _tag: 'Some', value: image.manifest })
    for (const b of allBlobs(image)) expect(dst.hasBlob('mirror/app', b)).toBe(true)
    // the source's ECR API: one call to resolve the tag, one for the tags, one login, one check of
    // the blobs the destination lacks (their sizes, before any is sent)
    expect(src.calls.map((c) => c.operation).sort()).toEqual(['BatchCheckLayerAvailability', 'BatchGetImage', 'DescribeImages', 'GetAuthorizationToken'])
    // the destination's: its login, and one check of all the blobs (no HEAD per blob)
    expect(dst.callCount('BatchCheckLayerAvailability')).toBe(1)
    expect(dst.httpCalls.filter((c) => c.method === 'HEAD' && /\/blobs\//.test(c.url))).toEqual([])
    expect(blobGets(src)).toBe(allBlobs(image).length)
  })

  it('a copy with a signal adds one abort listener to it, however many requests it makes', async () => {
    const { src, dst } = twins()
    push(src, 'app', { tag: 'v1', layers: 30 })
    dst.createRepository('app')
    const counting = countingSignal()
    const r = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') }, { source: sideEnv(src), destination: sideEnv(dst), signal: counting.signal })
    expect(E.isRight(r)).toBe(true)
    expect(counting.abortListeners()).toBe(1)
  })

  it('copies an OCI index: children by digest before the index, digests kept', async () => {
    const { src, dst } = twins()
    const platforms = [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'linux', architecture: 'arm', variant: 'v7' }
    ]
    const image = push(src, 'multi', { tag: 'v2', platforms, format: 'oci', layers: 2 })
    dst.createRepository('multi')
    const order: Array<string> = []
    const r = await run(
      { source: imageRef(SRC, 'multi', image.imageDigest), destination: repoRef(DST, 'multi'), tags: ['copy'] },
      {
        source: sideEnv(src),
        destination: sideEnv(dst),
        onProgress: (p) => {
          if (p._tag === 'manifest') order.push(p.digest)
        }
      }
    )
    expect(E.isRight(r) && r.right.imageDigest).toBe(image.imageDigest)
    expect(order).toEqual([...image.children.map((c) => c.imageDigest), image.imageDigest])
    for (const c of image.children) expect(dst.getManifestText('multi', c.imageDigest)).toEqual({ _tag: 'Some', value: c.manifest })
    expect(Object.fromEntries(dst.tagsOf('multi'))).toEqual({ copy: image.imageDigest })
    for (const b of allBlobs(image)) expect(dst.hasBlob('multi', b)).toBe(true)
  })

  it('narrows an index to the platforms asked for: a new index with a new digest', async () => {
    const { src, dst } = twins()
    const image = push(src, 'multi', {
      tag: 'v1',
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' }
      ]
    })
    dst.createRepository('multi')
    const r = await run(
      { source: uri(SRC, 'multi:v1'), destination: repoRef(DST, 'multi'), platforms: [{ os: 'linux', architecture: 'arm64' }] },
      { source: sideEnv(src), destination: sideEnv(dst) }
    )
    if (E.isLeft(r)) throw new Error(r.left.message)
    expect(r.right.imageDigest).not.toBe(image.imageDigest)
    expect(r.right.imageDigest).toBe(Manifest.digest(r.right.imageManifest ?? ''))
    const parsed = Manifest.parse(r.right.imageManifest ?? '')
    const arm = image.children[1]
    const amd = image.children[0]
    if (arm === undefined || amd === undefined) throw new Error('two children expected')
    expect(E.isRight(parsed) && Manifest.children(parsed.right).map((d) => d.digest)).toEqual([arm.imageDigest])
    expect(dst.tagsOf('multi').get('v1')).toBe(r.right.imageDigest)
    expect(dst.getManifestText('multi', arm.imageDigest)._tag).toBe('Some')
    expect(dst.getManifestText('multi', amd.imageDigest)._tag).toBe('None')
    expect(dst.hasBlob('multi', amd.configDigest)).toBe(false)
    expect(dst.hasBlob('multi', arm.configDigest)).toBe(true)

    const missing = await run(
      { source: uri(SRC, 'multi:v1'), destination: repoRef(DST, 'multi'), platforms: [{ os: 'windows', architecture: 'amd64' }] },
      { source: sideEnv(src), destination: sideEnv(dst) }
    )
    expect(E.isLeft(missing) && missing.left._tag).toBe('NotFound')
    expect(E.isLeft(missing) && missing.left.message).toMatch(/linux\/amd64, linux\/arm64/)
  })

  it('narrowing to every platform keeps the index as it is', async () => {
    const { src, dst } = twins()
    const image = push(src, 'multi', {
      tag: 'v1',
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' }
      ]
    })
    dst.createRepository('multi')
    const r = await run(
      {
        source: uri(SRC, 'multi:v1'),
        destination: repoRef(DST, 'multi'),
        platforms: [
          { os: 'linux', architecture: 'arm64' },
          { os: 'linux', architecture: 'amd64' }
        ]
      },
      { source: sideEnv(src), destination: sideEnv(dst) }
    )
    expect(E.isRight(r) && r.right.imageDigest).toBe(image.imageDigest)
  })

  it('skips what the destination has: a second copy transfers no blob and pushes no manifest', async () => {
    const { src, dst } = twins()
    const image = push(src, 'app', { tag: 'v1', platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }], layers: 2 })
    dst.createRepository('app')
    const env = { source: sideEnv(src), destination: sideEnv(dst) }
    const first = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') }, env)
    expect(E.isRight(first)).toBe(true)
    src.resetCalls()
    dst.resetCalls()
    const events: Array<Progress> = []
    const second = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') }, { ...env, onProgress: (p) => events.push(p) })
    expect(E.isRight(second) && second.right.imageDigest).toBe(image.imageDigest)
    expect(blobGets(src)).toBe(0)
    expect(uploads(dst)).toBe(0)
    expect(manifestPuts(dst)).toBe(0)
    expect(dst.httpCalls.every((c) => c.method === 'HEAD')).toBe(true)
    const done = events.find((p) => p._tag === 'done')
    expect(done?._tag === 'done' && done.summary).toEqual({
      blobs: { exists: allBlobs(image).length, mounted: 0, copied: 0 },
      bytesCopied: 0,
      manifests: { exists: 3, pushed: 0 },
      tags: { exists: 1, pushed: 0 },
      referrers: { exists: 0, pushed: 0 }
    })
  })

  it('round trips when the blobs are there but not the manifests: existence checks and manifest PUTs only', async () => {
    const { src, dst } = twins()
    const image = push(src, 'app', { tag: 'v1', platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }], layers: 2 })
    dst.createRepository('app')
    const env = { source: sideEnv(src), destination: sideEnv(dst) }
    // the first copy fails at the first manifest PUT (after every blob is there)
    dst.setFault((call) => (call.kind === 'http' && call.method === 'PUT' && /\/manifests\//.test(call.url) ? { status: 400 } : undefined))
    const failed = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') }, env)
    expect(E.isLeft(failed)).toBe(true)
    expect(dst.tagsOf('app').size).toBe(0)
    for (const b of allBlobs(image)) expect(dst.hasBlob('app', b)).toBe(true)
    dst.setFault(undefined)
    src.resetCalls()
    dst.resetCalls()
    const r = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') }, env)
    expect(E.isRight(r)).toBe(true)
    expect(blobGets(src)).toBe(0)
    expect(uploads(dst)).toBe(0)
    const byMethod = (m: string) => dst.httpCalls.filter((c) => c.method === m).length
    // the blobs: one BatchCheckLayerAvailability for all of them, no HEAD; nothing asked of the source
    expect(dst.callCount('BatchCheckLayerAvailability')).toBe(1)
    expect(src.callCount('BatchCheckLayerAvailability')).toBe(0)
    // HEAD: each manifest by digest, the tag before its PUT
    expect(byMethod('HEAD')).toBe(3 + 1)
    // PUT: two children, the index, the tag
    expect(byMethod('PUT')).toBe(4)
    expect(dst.httpCalls.length).toBe(byMethod('HEAD') + byMethod('PUT'))
  })

  it('retries a transient upload failure by opening the source again', async () => {
    const { src, dst } = twins()
    const image = push(src, 'app', { tag: 'v1', layers: 1, layerBytes: 4096 })
    dst.createRepository('app')
    let failures = 0
    dst.setFault((call) => {
      if (call.kind === 'http' && call.method === 'PUT' && /\/blobs\/uploads\//.test(call.url) && failures < 2) {
        failures++
        return failures === 1 ? 'server-error' : 'network'
      }
      return undefined
    })
    const r = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') }, { source: sideEnv(src), destination: sideEnv(dst) })
    expect(E.isRight(r)).toBe(true)
    expect(failures).toBe(2)
    expect(blobGets(src)).toBe(allBlobs(image).length + 2)
    for (const b of allBlobs(image)) expect(dst.hasBlob('app', b)).toBe(true)
  })

  it('a failure is told as the side it happened on: source GET or destination PUT', async () => {
    const { src, dst } = twins()
    push(src, 'app', { tag: 'v1', layers: 1, layerBytes: 100_000 })
    dst.createRepository('app')
    const env = { source: sideEnv(src), destination: sideEnv(dst) }
    dst.setFault((call) => (call.kind === 'http' && call.method === 'PUT' && /\/blobs\/uploads\//.test(call.url) ? { status: 500 } : undefined))
    const put = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') }, env)
    expect(E.isLeft(put) && put.left).toMatchObject({ _tag: 'HttpError', method: 'PUT', status: 500 })
    dst.setFault(undefined)
    src.setFault((call) => (call.kind === 'http' && call.method === 'GET' && /\/blobs\//.test(call.url) ? 'network' : undefined))
    const get = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') }, env)
    expect(E.isLeft(get) && get.left).toMatchObject({ _tag: 'HttpError', method: 'GET', status: 0 })
    expect(E.isLeft(get) && get.left._tag === 'HttpError' && get.left.url).toContain(src.proxyEndpoint)
    expect(dst.tagsOf('app').size).toBe(0)
  })

  it('reports per-blob byte counts about every MiB, phases in order', async () => {
    const { src, dst } = twins()
    push(src, 'big', { tag: 'v1', layers: 1, layerBytes: 3 * 1024 * 1024 + 5 })
    dst.createRepository('big')
    const events: Array<Progress> = []
    const r = await run(
      { source: uri(SRC, 'big:v1'), destination: repoRef(DST, 'big') },
      { source: sideEnv(src), destination: sideEnv(dst), onProgress: (p) => events.push(p) }
    )
    expect(E.isRight(r)).toBe(true)
    const phases = events.map((p) => p._tag).filter((t, i, all) => all[i - 1] !== t)
    expect(phases).toEqual(['resolve', 'blobs', 'blob', 'manifest', 'tag', 'done'])
    const big = events.filter((p): p is Extract<Progress, { _tag: 'blob' }> => p._tag === 'blob' && p.total > 1024 * 1024)
    const copying = big.filter((p) => p.status === 'copying').map((p) => p.bytes)
    expect(copying[0]).toBe(0)
    expect(copying.length).toBeGreaterThanOrEqual(3)
    expect(copying.length).toBeLessThanOrEqual(5)
    for (let i = 1; i < copying.length; i++) expect((copying[i] as number) - (copying[i - 1] as number)).toBeGreaterThanOrEqual(1024 * 1024)
    expect(big[big.length - 1]).toMatchObject({ status: 'copied', bytes: 3 * 1024 * 1024 + 5, total: 3 * 1024 * 1024 + 5 })
    const blobs = events.find((p) => p._tag === 'blobs')
    expect(blobs?._tag === 'blobs' && blobs.count).toBe(2)
  })

  it('a throwing progress callback does not break the copy', async () => {
    const { src, dst } = twins()
    const image = push(src, 'app', { tag: 'v1' })
    dst.createRepository('app')
    const r = await run(
      { source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') },
      {
        source: sideEnv(src),
        destination: sideEnv(dst),
        onProgress: () => {
          throw new Error('boom')
        }
      }
    )
    expect(E.isRight(r) && r.right.imageDigest).toBe(image.imageDigest)
  })

  it('follows blob redirects without sending the Authorization header to the storage origin', async () => {
    const { src, dst } = twins({ src: { redirectBlobs: true } })
    const image = push(src, 'app', { tag: 'v1', layers: 2 })
    dst.createRepository('app')
    const r = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') }, { source: sideEnv(src), destination: sideEnv(dst) })
    expect(E.isRight(r)).toBe(true)
    const storage = src.httpCalls.filter((c) => c.url.startsWith(src.storageOrigin))
    expect(storage.length).toBe(allBlobs(image).length)
    expect(storage.every((c) => !c.authorization)).toBe(true)
    expect(src.httpCalls.filter((c) => c.url.startsWith(src.proxyEndpoint)).every((c) => c.authorization)).toBe(true)
  })

  it('a source serving tampered bytes: DigestMismatch, nothing committed, no tag', async () => {
    const { src, dst } = twins()
    const image = push(src, 'app', { tag: 'v1', layers: 2, layerBytes: 200_000 })
    dst.createRepository('app')
    const r = await run(
      { source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') },
      { source: sideEnv(src, { dispatcher: tampering(src.dispatcher) }), destination: sideEnv(dst) }
    )
    expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
    for (const b of allBlobs(image)) expect(dst.hasBlob('app', b)).toBe(false)
    expect(dst.tagsOf('app').size).toBe(0)
    expect(dst.getManifestText('app', image.imageDigest)._tag).toBe('None')
  })
})

describe('replicateImage limits and checks', () => {
  /** The twin's dispatcher, counting blob uploads in flight. */
  const counting = (inner: Dispatcher) => {
    const stats = { now: 0, peak: 0 }
    class Counting extends Dispatcher {
      dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
        if (opts.method !== 'PUT' || !/\/blobs\/uploads\//.test(opts.path)) return inner.dispatch(opts, handler)
        stats.now++
        stats.peak = Math.max(stats.peak, stats.now)
        let open = true
        const end = () => {
          if (open) stats.now--
          open = false
        }
        const h = handler as Record<string, unknown>
        const wrapped = new Proxy(h, {
          get(target, prop) {
            const v = target[prop as string]
            if (typeof v !== 'function') return v
            if (prop === 'onComplete' || prop === 'onError' || prop === 'onResponseEnd' || prop === 'onResponseError')
              return (...args: Array<unknown>) => {
                end()
                return v.apply(target, args)
              }
            return v.bind(target)
          }
        })
        return inner.dispatch(opts, wrapped as Dispatcher.DispatchHandler)
      }
      close(): Promise<void> {
        return inner.close()
      }
      destroy(): Promise<void> {
        return inner.destroy()
      }
    }
    return { stats, dispatcher: new Counting() }
  }

  it('copies blobs in parallel, at most destination.concurrency at once', async () => {
    // [destination.concurrency, the most uploads at once allowed, the fewest expected with 13 blobs]
    for (const [concurrency, atMost, atLeast] of [
      [2, 2, 2],
      [undefined, 8, 4]
    ] as const) {
      const { src, dst } = twins({ dst: { httpLatencyMs: 15 } })
      const image = push(src, 'app', { tag: 'v1', layers: 12 })
      dst.createRepository('app')
      const c = counting(dst.dispatcher)
      const r = await run(
        { source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') },
        {
          source: sideEnv(src),
          destination: sideEnv(dst, { dispatcher: c.dispatcher, ...(concurrency === undefined ? {} : { concurrency }) })
        }
      )
      expect(E.isRight(r)).toBe(true)
      expect(c.stats.peak).toBeLessThanOrEqual(atMost)
      expect(c.stats.peak).toBeGreaterThanOrEqual(atLeast)
      expect(allBlobs(image).every((b) => dst.hasBlob('app', b))).toBe(true)
    }
  })

  it('a descriptor size that differs from the bytes is a DigestMismatch, nothing committed', async () => {
    const { src, dst } = twins()
    const image = push(src, 'app', { tag: 'v1', layers: 1, layerBytes: 1000, format: 'oci' })
    dst.createRepository('app')
    const wrong = image.manifest.replace('"size":1000', '"size":1001')
    expect(wrong).not.toBe(image.manifest)
    const login = await getLogin()(src.env)()
    if (E.isLeft(login)) throw new Error(login.left.message)
    const put = await putManifest(login.right, name('app'), tag('bad'), wrong, image.mediaType)(src.env)()
    if (E.isLeft(put)) throw new Error(put.left.message)
    const r = await run({ source: uri(SRC, 'app:bad'), destination: repoRef(DST, 'app') }, { source: sideEnv(src), destination: sideEnv(dst) })
    expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
    expect(E.isLeft(r) && r.left.message).toMatch(/size/)
    expect(dst.hasBlob('app', image.layerDigests[0] ?? '')).toBe(false)
    expect(dst.tagsOf('app').size).toBe(0)
  })
})

describe('replicateImage within one registry', () => {
  it('mounts blobs across repositories when the registry allows it', async () => {
    const twin = InMemoryEcr.make(SRC)
    const image = push(twin, 'app', { tag: 'v1', layers: 3 })
    twin.createRepository('copy')
    twin.resetCalls()
    const events: Array<Progress> = []
    const r = await run(
      { source: uri(SRC, 'app:v1'), destination: repoRef(SRC, 'copy'), tags: ['mounted'] },
      { source: sideEnv(twin), destination: sideEnv(twin), onProgress: (p) => events.push(p) }
    )
    expect(E.isRight(r) && r.right.imageDigest).toBe(image.imageDigest)
    const statuses = events.flatMap((p) => (p._tag === 'blob' ? [p.status] : []))
    expect(statuses).toEqual(allBlobs(image).map(() => 'mounted'))
    expect(blobGets(twin)).toBe(0)
    expect(twin.httpCallCount('POST', /\/v2\/copy\/blobs\/uploads\/?$/)).toBe(allBlobs(image).length)
    expect(twin.tagsOf('copy').get('mounted')).toBe(image.imageDigest)
  })

  it('streams instead when the mount answers 202 (mounting off), cancelling the opened session', async () => {
    const twin = InMemoryEcr.make({ ...SRC, blobMounting: false })
    const image = push(twin, 'app', { tag: 'v1', layers: 2 })
    twin.createRepository('copy')
    twin.resetCalls()
    const events: Array<Progress> = []
    const r = await run(
      { source: uri(SRC, 'app:v1'), destination: repoRef(SRC, 'copy'), tags: ['v1'] },
      { source: sideEnv(twin), destination: sideEnv(twin), onProgress: (p) => events.push(p) }
    )
    expect(E.isRight(r)).toBe(true)
    const finals = events.flatMap((p) => (p._tag === 'blob' && p.status !== 'copying' ? [p.status] : []))
    expect(finals).toEqual(allBlobs(image).map(() => 'copied'))
    expect(blobGets(twin)).toBe(allBlobs(image).length)
    expect(twin.httpCallCount('DELETE', /\/blobs\/uploads\//)).toBe(allBlobs(image).length)
    for (const b of allBlobs(image)) expect(twin.hasBlob('copy', b)).toBe(true)
  })
})

describe('replicateImage and destination tags', () => {
  it('an immutable tag already on the digest is success; on another digest AlreadyExists', async () => {
    const { src, dst } = twins()
    const image = push(src, 'app', { tag: 'v1' })
    dst.createRepository('app', { imageTagMutability: 'IMMUTABLE' })
    const other = push(dst, 'app', { tag: 'taken' })
    const env = { source: sideEnv(src), destination: sideEnv(dst) }
    const first = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') }, env)
    expect(E.isRight(first)).toBe(true)
    const again = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') }, env)
    expect(E.isRight(again) && again.right.imageDigest).toBe(image.imageDigest)
    dst.resetCalls()
    const clash = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app'), tags: ['taken'] }, env)
    expect(E.isLeft(clash) && clash.left).toMatchObject({ _tag: 'AlreadyExists', resource: 'ImageTag', id: 'app:taken' })
    expect(dst.tagsOf('app').get('taken')).toBe(other.imageDigest)
    // the manifest itself is there: only the tag was refused
    expect(dst.getManifestText('app', image.imageDigest)._tag).toBe('Some')
  })

  it('moves a mutable tag to the copied digest', async () => {
    const { src, dst } = twins()
    const image = push(src, 'app', { tag: 'v1' })
    push(dst, 'app', { tag: 'v1' })
    const r = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') }, { source: sideEnv(src), destination: sideEnv(dst) })
    expect(E.isRight(r)).toBe(true)
    expect(dst.tagsOf('app').get('v1')).toBe(image.imageDigest)
  })

  it('an untagged source image with no tags given is copied by digest only', async () => {
    const { src, dst } = twins()
    const image = push(src, 'app', {})
    dst.createRepository('app')
    const r = await run(
      { source: imageRef(SRC, 'app', image.imageDigest), destination: repoRef(DST, 'app') },
      { source: sideEnv(src), destination: sideEnv(dst) }
    )
    expect(E.isRight(r) && r.right.imageDigest).toBe(image.imageDigest)
    expect(dst.tagsOf('app').size).toBe(0)
    expect(dst.getManifestText('app', image.imageDigest)._tag).toBe('Some')
  })
})

describe('replicateImage refusals', () => {
  it('checks each side against its own environment region before any call', async () => {
    const { src, dst } = twins()
    const image = push(src, 'app', { tag: 'v1' })
    const r = await run(
      { source: imageRef(SRC, 'app', image.imageDigest), destination: repoRef({ ...DST, region: 'us-west-2' }, 'app'), tags: [] },
      { source: sideEnv(src), destination: sideEnv(dst) }
    )
    expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
    const wrongSource = await run(
      { source: imageRef({ ...SRC, region: 'ap-south-1' }, 'app', image.imageDigest), destination: repoRef(DST, 'app'), tags: [] },
      { source: sideEnv(src), destination: sideEnv(dst) }
    )
    expect(E.isLeft(wrongSource) && wrongSource.left._tag).toBe('InvalidArgument')
    expect(src.calls.length + dst.calls.length + src.httpCalls.length + dst.httpCalls.length).toBe(0)
  })

  it('invalid tags and an empty platform list are InvalidArgument', async () => {
    const { src, dst } = twins()
    const image = push(src, 'app', { tag: 'v1' })
    const env = { source: sideEnv(src), destination: sideEnv(dst) }
    const source = imageRef(SRC, 'app', image.imageDigest)
    const cases: ReadonlyArray<ReplicateRequest> = [
      { source, destination: repoRef(DST, 'app'), tags: ['bad tag'] },
      { source, destination: repoRef(DST, 'app'), platforms: [] }
    ]
    for (const c of cases) {
      const r = await run(c, env)
      expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
    }
  })

  it('a missing destination repository is NotFound(Repository); a missing source image NotFound(Image)', async () => {
    const { src, dst } = twins()
    const image = push(src, 'app', { tag: 'v1' })
    const env = { source: sideEnv(src), destination: sideEnv(dst) }
    const r = await run({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'nowhere') }, env)
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'NotFound', resource: 'Repository', id: 'nowhere' })
    const gone = await run({ source: uri(SRC, 'app:nope'), destination: repoRef(DST, 'app') }, env)
    expect(E.isLeft(gone) && gone.left).toMatchObject({ _tag: 'NotFound', resource: 'Image' })
    const byDigest = await run(
      { source: imageRef(SRC, 'app', `sha256:${'0'.repeat(64)}`), destination: repoRef(DST, 'app'), tags: [] },
      env
    )
    expect(E.isLeft(byDigest) && byDigest.left).toMatchObject({ _tag: 'NotFound', resource: 'Image' })
    expect(image.imageDigest).toMatch(/^sha256:/)
  })
})
