// replicateImage against lying descriptors (nothing reaches the destination), a 100,000-entry
// index (linear planning), and cancellation by AbortSignal (no tag on an incomplete image).
import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as Env from '../src/Env'
import * as ImageUri from '../src/ImageUri'
import * as Manifest from '../src/Manifest'
import type { AccountId, ImageDigest, Region, RepositoryName } from '../src/Primitives'
import { replicateImage, type Progress, type ReplicateEnv } from '../src/replicate'
import type { RepositoryRef } from '../src/Repository'
import * as Retry from '../src/Retry'
import { consistentBlobSizes, distinctEntries, fromText, narrowIndex, plan } from '../src/internal/imagePlan'
import { getLogin } from '../src/internal/login'
import { putManifest } from '../src/internal/registry'
import * as InMemoryEcr from '../src/testing/InMemoryEcr'
import { name, tag } from './internal/registryServer'

const SRC = { accountId: '111111111111', region: 'us-east-1' }
const DST = { accountId: '222222222222', region: 'eu-west-1' }
const fast = Retry.concat(Retry.limitRetries(2), Retry.constantDelay(0))

const envOf = (twin: InMemoryEcr.InMemoryEcr): Env.Env =>
  Env.make({
    ecr: twin.ecr,
    fetch: twin.fetch,
    dispatcher: twin.dispatcher,
    accountId: twin.accountId as AccountId,
    region: twin.region as Region,
    retry: { ecr: fast, http: fast },
    sleep: () => Promise.resolve()
  })

const uri = (side: { accountId: string; region: string }, rest: string): ImageUri.ImageUri => {
  const u = ImageUri.parse(`${side.accountId}.dkr.ecr.${side.region}.amazonaws.com/${rest}`)
  if (E.isLeft(u)) throw new Error(u.left.message)
  return u.right
}

const repoRef = (side: { accountId: string; region: string }, repositoryName: string): RepositoryRef => ({
  accountId: side.accountId as AccountId,
  region: side.region as Region,
  repositoryName: repositoryName as RepositoryName
})

const push = (twin: InMemoryEcr.InMemoryEcr, repo: string, options?: InMemoryEcr.PushImageOptions): InMemoryEcr.PushedImage => {
  const r = twin.pushImage(repo, options)
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

/** Stores `text` under `tagName` in the source twin, as a registry client would. */
const putRaw = async (twin: InMemoryEcr.InMemoryEcr, repo: string, tagName: string, text: string, mediaType: string) => {
  const login = await getLogin()(envOf(twin))()
  if (E.isLeft(login)) throw new Error(login.left.message)
  const put = await putManifest(login.right, name(repo), tag(tagName), text, mediaType)(envOf(twin))()
  if (E.isLeft(put)) throw new Error(put.left.message)
  return { login: login.right, digest: put.right }
}

/** What reached the destination: anything but reads. */
const writes = (twin: InMemoryEcr.InMemoryEcr) => twin.httpCalls.filter((c) => c.method !== 'HEAD' && c.method !== 'GET')

describe('replicateImage and lying descriptors: a Left before anything is pushed', () => {
  it('an index child declaring 1 byte for its manifest', async () => {
    const src = InMemoryEcr.make(SRC)
    const dst = InMemoryEcr.make(DST)
    const image = push(src, 'app', {
      tag: 'v1',
      platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }]
    })
    dst.createRepository('app')
    const index = JSON.parse(image.manifest) as { manifests: Array<{ size: number }> }
    const child = index.manifests[0]
    if (child === undefined) throw new Error('no child')
    const realSize = child.size
    child.size = 1
    await putRaw(src, 'app', 'bad', JSON.stringify(index), image.mediaType)
    dst.resetCalls()
    const r = await replicateImage({ source: uri(SRC, 'app:bad'), destination: repoRef(DST, 'app') })({ source: envOf(src), destination: envOf(dst) })()
    expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
    expect(E.isLeft(r) && r.left.message).toMatch(new RegExp(`says 1 bytes, the registry has ${realSize}`))
    expect(writes(dst)).toEqual([])
    expect(dst.tagsOf('app').size).toBe(0)
  })

  it('a config declaring 5 bytes', async () => {
    const src = InMemoryEcr.make(SRC)
    const dst = InMemoryEcr.make(DST)
    const image = push(src, 'app', { tag: 'v1', layers: 3, format: 'oci' })
    dst.createRepository('app')
    const m = JSON.parse(image.manifest) as { config: { size: number } }
    m.config.size = 5
    await putRaw(src, 'app', 'bad', JSON.stringify(m), image.mediaType)
    dst.resetCalls()
    const r = await replicateImage({ source: uri(SRC, 'app:bad'), destination: repoRef(DST, 'app') })({ source: envOf(src), destination: envOf(dst) })()
    expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
    expect(E.isLeft(r) && r.left.message).toMatch(/size mismatch/)
    // no upload session, no blob, no manifest, no tag
    expect(writes(dst)).toEqual([])
    for (const b of [image.configDigest ?? '', ...image.layerDigests]) expect(dst.hasBlob('app', b)).toBe(false)
    expect(dst.tagsOf('app').size).toBe(0)
  })

  it('two descriptors of one blob that disagree on its size', () => {
    const layer = (size: number) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'a'.repeat(64)}`, size })
    const manifest = (size: number) =>
      Manifest.parse(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'b'.repeat(64)}`, size: 10 },
          layers: [layer(size)]
        })
      )
    const [a, b] = [manifest(100), manifest(101)]
    if (E.isLeft(a) || E.isLeft(b)) throw new Error('parse')
    expect(E.isRight(consistentBlobSizes([a.right, a.right]))).toBe(true)
    const r = consistentBlobSizes([a.right, b.right])
    expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
  })
})

describe('index entries: linear de-duplication', () => {
  const digestArb = fc.constantFrom(...['a', 'b', 'c', 'd'].map((c) => `sha256:${c.repeat(64)}` as ImageDigest))
  const entryArb = fc.record({ mediaType: fc.constant('application/vnd.oci.image.manifest.v1+json'), digest: digestArb, size: fc.integer({ min: 1, max: 3 }) })

  it('distinctEntries keeps each digest once in first-seen order, or refuses disagreeing sizes', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 30 }), (entries) => {
        const naive = entries.filter((d, i, all) => all.findIndex((x) => x.digest === d.digest) === i)
        const agree = entries.every((d) => naive.find((x) => x.digest === d.digest)?.size === d.size)
        const r = distinctEntries(entries)
        if (agree) expect(r).toEqual(E.right(naive))
        else expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
      })
    )
  })

  it('plans an index of 100,000 entries in well under a second', async () => {
    const twin = InMemoryEcr.make(SRC)
    const one = push(twin, 'app', { tag: 'amd64', format: 'oci', platforms: [{ os: 'linux', architecture: 'amd64' }], index: false })
    const two = push(twin, 'app', { tag: 'arm64', format: 'oci', platforms: [{ os: 'linux', architecture: 'arm64' }], index: false })
    const entry = (p: InMemoryEcr.PushedImage, architecture: string) => ({
      mediaType: p.mediaType,
      digest: p.imageDigest,
      size: Buffer.byteLength(p.manifest),
      platform: { os: 'linux', architecture }
    })
    const entries = Array.from({ length: 100_000 }, (_, i) => (i % 2 === 0 ? entry(one, 'amd64') : entry(two, 'arm64')))
    const text = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries })
    const top = fromText(text, 'application/vnd.oci.image.index.v1+json', Manifest.digest(text))
    if (E.isLeft(top)) throw new Error(top.left.message)
    const login = await getLogin()(envOf(twin))()
    if (E.isLeft(login)) throw new Error(login.left.message)
    const started = performance.now()
    const planned = await plan(login.right, name('app'), top.right, 'all', 'app:big')(envOf(twin))()
    const narrowed = narrowIndex(top.right, [{ os: 'linux', architecture: 'arm64' }], 'app:big')
    const ms = performance.now() - started
    expect(E.isRight(planned) && planned.right.manifests.map((m) => m.digest)).toEqual([one.imageDigest, two.imageDigest, top.right.digest])
    expect(E.isRight(planned) && planned.right.blobs.length).toBe(new Set([one.configDigest, ...one.layerDigests, two.configDigest, ...two.layerDigests]).size)
    expect(E.isRight(narrowed) && Manifest.children(narrowed.right.manifest).length).toBe(1)
    console.log(`imagePlan: 100,000-entry index planned and narrowed in ${Math.round(ms)} ms`)
    expect(ms).toBeLessThan(3000)
  }, 60_000)
})

describe('replicateImage and its AbortSignal', () => {
  it('an aborted signal: Cancelled, and nothing is asked of the destination', async () => {
    const src = InMemoryEcr.make(SRC)
    const dst = InMemoryEcr.make(DST)
    push(src, 'app', { tag: 'v1' })
    dst.createRepository('app')
    dst.resetCalls()
    const r = await replicateImage({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') })({
      source: envOf(src),
      destination: envOf(dst),
      signal: AbortSignal.abort()
    })()
    expect(E.isLeft(r) && r.left._tag === 'AwsError' && r.left.code).toBe('Cancelled')
    expect(dst.httpCalls).toEqual([])
  })

  it('aborted while blobs stream: in-flight transfers stop, a Cancelled Left, no manifest and no tag', async () => {
    const src = InMemoryEcr.make({ ...SRC, httpLatencyMs: 20 })
    const dst = InMemoryEcr.make(DST)
    push(src, 'app', { tag: 'v1', layers: 6, layerBytes: 3 * 1024 * 1024 })
    dst.createRepository('app')
    const controller = new AbortController()
    const events: Array<Progress> = []
    const env: ReplicateEnv = {
      source: envOf(src),
      destination: envOf(dst),
      signal: controller.signal,
      onProgress: (p) => {
        events.push(p)
        if (p._tag === 'blob' && p.status === 'copying' && p.bytes > 0) controller.abort()
      }
    }
    const started = performance.now()
    const r = await replicateImage({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app') })(env)()
    const ms = performance.now() - started
    expect(E.isLeft(r) && r.left._tag === 'AwsError' && r.left.code).toBe('Cancelled')
    expect(events.some((p) => p._tag === 'blob' && p.status === 'copying')).toBe(true)
    expect(events.filter((p) => p._tag === 'blob' && p.status === 'copied').length).toBeLessThan(7)
    expect(dst.httpCallCount('PUT', /\/manifests\//)).toBe(0)
    expect(dst.tagsOf('app').size).toBe(0)
    expect(ms).toBeLessThan(10_000)
  }, 30_000)
})
