// Long-copy resilience on the twin: a 401 to a login the cache still holds gets one fresh login
// (one GetAuthorizationToken, shared) and the request again; a second 401 is the error. Pacing by
// ECR's quotas: a burst of manifest PUTs against a twin that throttles PutImage at 10/s is never
// throttled when paced, and is (then retried) when not.
import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as Env from '../src/Env'
import * as Image from '../src/Image'
import * as ImageUri from '../src/ImageUri'
import type { ImageDigest, ImageTag, RepositoryName } from '../src/Primitives'
import * as Repository from '../src/Repository'
import * as Retry from '../src/Retry'
import { getLogin } from '../src/internal/login'
import { putManifest } from '../src/internal/registry'
import { replicateImage, type Progress } from '../src/replicate'
import * as InMemoryEcr from '../src/testing/InMemoryEcr'
import { countedAs } from '../src/testing/registryApi'

const instant = (): Promise<void> => Promise.resolve()

/** An env of `twin` from `Env.make`, with `options` over it. */
const envOf = (twin: InMemoryEcr.InMemoryEcr, options: Partial<Env.MakeOptions> = {}): Env.Env =>
  Env.make({
    ecr: twin.ecr,
    fetch: twin.fetch,
    dispatcher: twin.dispatcher,
    accountId: twin.accountId,
    region: twin.region,
    sleep: instant,
    ...options
  })

const configOf = (env: Env.Env, uri: string) =>
  pipe(Image.fromUri(uri), RTE.flatMap((ref) => Image.getConfig(ref)))(env)()

describe('a 401 to a cached login', () => {
  it.each([1, 8])('replicateImage (concurrency %i): a token that expires after the first blob gets exactly one fresh login, and the copy completes', async (concurrency) => {
    const source = InMemoryEcr.make({ accountId: '111111111111', region: 'us-east-1' })
    const destination = InMemoryEcr.make({ accountId: '222222222222', region: 'eu-west-1', redirectBlobs: true })
    const pushed = source.pushImage('app', { tag: 'v1', layers: 4, layerBytes: 4096 })
    destination.createRepository('mirror/app')
    const uri = ImageUri.parse('111111111111.dkr.ecr.us-east-1.amazonaws.com/app:v1')
    const repo = Repository.fromUri('222222222222.dkr.ecr.eu-west-1.amazonaws.com/mirror/app')
    if (E.isLeft(pushed) || E.isLeft(uri) || E.isLeft(repo)) throw new Error('setup')
    let expired = 0
    const onProgress = (p: Progress): void => {
      if (p._tag === 'blob' && p.status === 'copied' && expired++ === 0) destination.expireTokens()
    }
    const r = await replicateImage({ source: uri.right, destination: repo.right })({
      source: envOf(source),
      destination: envOf(destination, { concurrency }),
      onProgress
    })()
    expect(E.map((i: { imageDigest: string }) => i.imageDigest)(r)).toEqual(E.right(pushed.right.imageDigest))
    expect(expired).toBeGreaterThan(1)
    expect(destination.callCount('GetAuthorizationToken')).toBe(2)
    expect(source.callCount('GetAuthorizationToken')).toBe(1)
    // the requests refused were sent again with the fresh login: every byte is there
    for (const d of [pushed.right.configDigest ?? '', ...pushed.right.layerDigests]) expect(destination.hasBlob('mirror/app', d)).toBe(true)
    expect(destination.getManifestText('mirror/app', 'v1')).toEqual(source.getManifestText('app', 'v1'))
    // and the cache keeps the fresh login: a read afterwards makes no further login
    const config = await configOf(envOf(destination), '222222222222.dkr.ecr.eu-west-1.amazonaws.com/mirror/app:v1')
    expect(E.isRight(config)).toBe(true)
  })

  it('a streamed upload whose PUT is refused opens its source again and sends it with the fresh login', async () => {
    const source = InMemoryEcr.make({ accountId: '111111111111', region: 'us-east-1' })
    const destination = InMemoryEcr.make({ accountId: '222222222222', region: 'eu-west-1' })
    const pushed = source.pushImage('app', { tag: 'v1', layers: 1, layerBytes: 64 * 1024 })
    destination.createRepository('mirror/app')
    const uri = ImageUri.parse('111111111111.dkr.ecr.us-east-1.amazonaws.com/app:v1')
    const repo = Repository.fromUri('222222222222.dkr.ecr.eu-west-1.amazonaws.com/mirror/app')
    if (E.isLeft(pushed) || E.isLeft(uri) || E.isLeft(repo)) throw new Error('setup')
    let refused = 0
    destination.setFault((call) =>
      call.kind === 'http' && call.method === 'PUT' && /\/blobs\/uploads\//.test(call.url) && refused++ === 0 ? { status: 401 } : undefined
    )
    const r = await replicateImage({ source: uri.right, destination: repo.right })({ source: envOf(source), destination: envOf(destination) })()
    expect(E.isRight(r)).toBe(true)
    expect(refused).toBeGreaterThan(1)
    expect(destination.callCount('GetAuthorizationToken')).toBe(2)
    const blobs = [pushed.right.configDigest ?? '', ...pushed.right.layerDigests]
    for (const d of blobs) expect(destination.hasBlob('mirror/app', d)).toBe(true)
    // a source blob was read once per PUT: the refused one and the one that went through
    expect(source.httpCallCount('GET', /\/blobs\/sha256:/)).toBe(blobs.length + 1)
  })

  it('getConfig with a cached login the registry no longer takes logs in once more, then reuses the fresh one', async () => {
    const twin = InMemoryEcr.make()
    twin.pushImage('app', { tag: 'v1', labels: { team: 'infra' } })
    const env = envOf(twin)
    expect(E.isRight(await getLogin()(env)())).toBe(true)
    twin.expireTokens()
    const uri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'
    const first = await configOf(env, uri)
    expect(pipe(first, E.map((c) => c.config?.Labels))).toEqual(E.right({ team: 'infra' }))
    expect(twin.callCount('GetAuthorizationToken')).toBe(2)
    expect(E.isRight(await configOf(env, uri))).toBe(true)
    expect(twin.callCount('GetAuthorizationToken')).toBe(2)
  })

  it('a permanent 401: one fresh login and one more request, then HttpError 401 without any secret', async () => {
    const twin = InMemoryEcr.make({ password: 'hunter2-very-secret' })
    twin.pushImage('app', { tag: 'v1' })
    const env = envOf(twin)
    const uri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'
    const ref = await Image.fromUri(uri)(env)()
    if (E.isLeft(ref)) throw new Error('setup')
    twin.resetCalls()
    twin.setFault((call) => (call.kind === 'http' && /\/blobs\//.test(call.url) ? { status: 401 } : undefined))
    const r = await Image.getConfig(ref.right)(env)()
    expect(E.isLeft(r) && r.left._tag === 'HttpError' && r.left.status).toBe(401)
    expect(twin.callCount('GetAuthorizationToken')).toBe(2)
    expect(twin.httpCallCount('GET', /\/blobs\//)).toBe(2)
    const shown = JSON.stringify(r)
    const token = Buffer.from(`AWS:${twin.password}`).toString('base64')
    expect(shown).not.toContain(twin.password)
    expect(shown).not.toContain(token)
  })

  it('a login made by hand is not renewed: its 401 is the error at once', async () => {
    const twin = InMemoryEcr.make({ password: 'pw' })
    const pushed = twin.pushImage('app', { tag: 'v1' })
    if (E.isLeft(pushed)) throw new Error('setup')
    const env = envOf(twin)
    twin.expireTokens()
    const login: Env.EcrLogin = { username: 'AWS', password: 'pw', proxyEndpoint: twin.proxyEndpoint, expiresAt: new Date(Date.now() + 60_000) }
    const r = await putManifest(login, 'app' as RepositoryName, 'v2' as ImageTag, pushed.right.manifest, pushed.right.mediaType)(env)()
    expect(E.isLeft(r) && r.left._tag === 'HttpError' && r.left.status).toBe(401)
    expect(twin.callCount('GetAuthorizationToken')).toBe(0)
  })
})

/**
 * Virtual time: `sleep` waits until the clock reaches its end, and the clock moves to the
 * earliest sleeper's end only when no request is in flight, so requests arrive at the times they
 * were paced for.
 */
const virtualTime = () => {
  const start = Date.parse('2025-01-01T00:00:00Z')
  const state = { clock: start, inflight: 0, throttled: 0, requests: 0 }
  const sleepers: Array<{ readonly at: number; readonly wake: () => void }> = []
  let driving = false
  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
  const drive = async (): Promise<void> => {
    if (driving) return
    driving = true
    while (sleepers.length > 0) {
      await turn()
      await turn()
      if (state.inflight > 0) continue
      sleepers.sort((a, b) => a.at - b.at)
      const next = sleepers.shift()
      if (next === undefined) break
      state.clock = Math.max(state.clock, next.at)
      next.wake()
    }
    driving = false
  }
  const sleep = (ms: number): Promise<void> =>
    new Promise((wake) => {
      sleepers.push({ at: state.clock + ms, wake })
      void drive()
    })
  const fetchOf = (twin: InMemoryEcr.InMemoryEcr): Env.HttpEnv['fetch'] => async (input, init) => {
    state.inflight++
    state.requests++
    try {
      const res = await twin.fetch(input, init)
      if (res.status === 429) state.throttled++
      return res
    } finally {
      state.inflight--
    }
  }
  return { state, sleep, fetchOf, now: () => new Date(state.clock) }
}

describe('pacing against a twin that throttles PutImage at 10/s', () => {
  const burst = async (rateLimits: Env.RateLimits | undefined) => {
    const time = virtualTime()
    const twin = InMemoryEcr.make({ now: time.now, rateLimits: { PutImage: 10 } })
    const pushed = twin.pushImage('app', { tag: 'v0' })
    if (E.isLeft(pushed)) throw new Error('setup')
    const env = envOf(twin, {
      fetch: time.fetchOf(twin),
      sleep: time.sleep,
      now: time.now,
      retry: { http: Retry.concat(Retry.limitRetries(40), Retry.constantDelay(100)) },
      ...(rateLimits === undefined ? {} : { rateLimits })
    })
    const login = await getLogin()(env)()
    if (E.isLeft(login)) throw new Error('setup')
    const tags = Array.from({ length: 50 }, (_, i) => `t${i}` as ImageTag)
    const results = await Promise.all(
      tags.map((tag) => putManifest(login.right, 'app' as RepositoryName, tag, pushed.right.manifest, pushed.right.mediaType)(env)())
    )
    return { twin, results, state: time.state, start: Date.parse('2025-01-01T00:00:00Z'), digest: pushed.right.imageDigest as ImageDigest }
  }

  it('paced (the defaults): 50 PUTs, no throttled answer, in about 5 seconds of the twin clock', async () => {
    const { twin, results, state, start, digest } = await burst(undefined)
    expect(results.every(E.isRight)).toBe(true)
    expect(state.throttled).toBe(0)
    expect(twin.httpCallCount('PUT', /\/manifests\//)).toBe(50)
    expect([...twin.tagsOf('app').values()].filter((d) => d === digest)).toHaveLength(51)
    expect(state.clock - start).toBe(4000)
  })

  it('unpaced: the same burst is throttled, and retried after Retry-After until it goes through', async () => {
    const { twin, results, state } = await burst({ PutImage: Env.unpaced })
    expect(results.every(E.isRight)).toBe(true)
    expect(state.throttled).toBeGreaterThan(0)
    expect(twin.httpCallCount('PUT', /\/manifests\//)).toBe(50 + state.throttled)
  })
})

describe('the twin counts registry requests against ECR operations', () => {
  it('maps each request to the operation ECR counts it against', () => {
    const cases: ReadonlyArray<readonly [string, string, string | undefined]> = [
      ['PUT', '/v2/team/app/manifests/v1', 'PutImage'],
      ['GET', '/v2/team/app/manifests/sha256:ab', 'BatchGetImage'],
      ['HEAD', '/v2/app/manifests/v1', 'BatchGetImage'],
      ['DELETE', '/v2/app/manifests/v1', undefined],
      ['HEAD', '/v2/app/blobs/sha256:ab', 'BatchCheckLayerAvailability'],
      ['GET', '/v2/app/blobs/sha256:ab', 'GetDownloadUrlForLayer'],
      ['POST', '/v2/app/blobs/uploads/', 'InitiateLayerUpload'],
      ['PATCH', '/v2/app/blobs/uploads/some-id', 'UploadLayerPart'],
      ['PUT', '/v2/app/blobs/uploads/some-id', 'CompleteLayerUpload'],
      ['GET', '/v2/app/tags/list', undefined],
      ['GET', '/v2/', undefined]
    ]
    for (const [method, path, op] of cases) expect([method, path, countedAs(method, path)]).toEqual([method, path, op])
  })

  it('answers 429 TOOMANYREQUESTS with Retry-After over a quota, on the twin clock', async () => {
    let t = Date.parse('2025-01-01T00:00:00Z')
    const twin = InMemoryEcr.make({ now: () => new Date(t), rateLimits: { BatchCheckLayerAvailability: 2 } })
    const pushed = twin.pushImage('app', { tag: 'v1' })
    if (E.isLeft(pushed)) throw new Error('setup')
    const login = await getLogin()(twin.env)()
    if (E.isLeft(login)) throw new Error('setup')
    const head = () =>
      twin.fetch(`${twin.proxyEndpoint}/v2/app/blobs/${pushed.right.layerDigests[0] ?? ''}`, {
        method: 'HEAD',
        headers: { authorization: `Basic ${Buffer.from(`AWS:${twin.password}`).toString('base64')}` }
      })
    expect((await head()).status).toBe(200)
    expect((await head()).status).toBe(200)
    const over = await head()
    expect([over.status, over.headers.get('retry-after')]).toEqual([429, '1'])
    t += 1000
    expect((await head()).status).toBe(200)
  })
})
