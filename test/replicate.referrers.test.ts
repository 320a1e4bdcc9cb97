// replicateImage carrying referrers (signatures, SBOMs) and creating the destination repository, on twins.
import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as Env from '../src/Env'
import type { EcrEnv, HttpEnv } from '../src/Env'
import * as Image from '../src/Image'
import * as ImageUri from '../src/ImageUri'
import type { AccountId, ImageDigest, Region, RepositoryName } from '../src/Primitives'
import * as Repository from '../src/Repository'
import { replicateImage, type Progress, type ReplicateEnv, type ReplicateRequest, type Summary } from '../src/replicate'
import { fallbackTag, putFallbackIndex } from '../src/internal/referrers'
import * as Retry from '../src/Retry'
import * as InMemoryEcr from '../src/testing/InMemoryEcr'

// -------------------------------------------------------------------------------------
// fixtures
// -------------------------------------------------------------------------------------

const SRC = { accountId: '111111111111', region: 'us-east-1' }
const DST = { accountId: '222222222222', region: 'eu-west-1' }
const SIG = 'application/vnd.dev.cosign.artifact.sig.v1+json'
const SBOM = 'application/spdx+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'

const fast = Retry.concat(Retry.limitRetries(3), Retry.constantDelay(0))

const sideEnv = (twin: InMemoryEcr.InMemoryEcr): EcrEnv & HttpEnv =>
  Env.make({
    ecr: twin.ecr,
    fetch: twin.fetch,
    dispatcher: twin.dispatcher,
    accountId: twin.accountId,
    region: twin.region,
    retry: { ecr: fast, http: fast },
    sleep: () => Promise.resolve()
  })

const repoRef = (side: { accountId: string; region: string }, repositoryName: string): Repository.RepositoryRef => ({
  accountId: side.accountId as AccountId,
  region: side.region as Region,
  repositoryName: repositoryName as RepositoryName
})

const imageRef = (side: { accountId: string; region: string }, repositoryName: string, digest: string): Image.ImageRef => ({
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
  return { src, dst, env: { source: sideEnv(src), destination: sideEnv(dst) } }
}

/** A signed image with an SBOM, in the source's `app`. */
const signedImage = (src: InMemoryEcr.InMemoryEcr, options: InMemoryEcr.PushImageOptions = {}) => {
  const image = push(src, 'app', { tag: 'v1', format: 'oci', ...options })
  const sig = push(src, 'app', { subject: image.imageDigest, artifactType: SIG, annotations: { 'dev.cosignproject.cosign/signature': 'MEUC' } })
  const sbom = push(src, 'app', { subject: image.imageDigest, artifactType: SBOM, layers: 1 })
  return { image, sig, sbom }
}

const copyWith = async (
  env: { source: EcrEnv & HttpEnv; destination: EcrEnv & HttpEnv },
  request: Partial<ReplicateRequest> = {}
) => {
  const events: Array<Progress> = []
  const r = await replicateImage({ source: uri(SRC, 'app:v1'), destination: repoRef(DST, 'app'), ...request })({
    ...env,
    onProgress: (p) => events.push(p)
  } satisfies ReplicateEnv)()
  const done = events.find((p): p is Extract<Progress, { _tag: 'done' }> => p._tag === 'done')
  return { r, events, summary: done?.summary as Summary }
}

const writes = (twin: InMemoryEcr.InMemoryEcr) =>
  twin.httpCallCount('PUT') + twin.httpCallCount('POST') + twin.httpCallCount('PATCH') + twin.httpCallCount('DELETE')

const listed = async (twin: InMemoryEcr.InMemoryEcr, side: typeof SRC, digest: string, artifactTypes?: ReadonlyArray<string>) => {
  const r = await Image.listReferrers(imageRef(side, 'app', digest), artifactTypes === undefined ? {} : { artifactTypes })(sideEnv(twin))()
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

const fallbackOf = (twin: InMemoryEcr.InMemoryEcr, digest: string): O.Option<{ manifests: ReadonlyArray<{ digest: string; artifactType?: string }> }> =>
  O.map((text: string) => JSON.parse(text) as { manifests: ReadonlyArray<{ digest: string; artifactType?: string }> })(
    twin.getManifestText('app', fallbackTag(digest as ImageDigest) ?? '')
  )

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

describe('replicateImage copies referrers', () => {
  it('through the referrers API: signature and SBOM arrive by digest, after the manifests and before the tags', async () => {
    const { src, dst, env } = twins()
    const { image, sig, sbom } = signedImage(src)
    dst.createRepository('app')
    const { r, events, summary } = await copyWith(env)
    expect(E.isRight(r)).toBe(true)
    expect(summary.referrers).toEqual({ exists: 0, pushed: 2 })
    for (const a of [sig, sbom]) {
      expect(dst.getManifestText('app', a.imageDigest)).toEqual(O.some(a.manifest))
      for (const b of a.layerDigests) expect(dst.hasBlob('app', b)).toBe(true)
    }
    const found = await listed(dst, DST, image.imageDigest)
    expect(found.map((x) => [x.digest, x.artifactType]).sort()).toEqual(
      [
        [sig.imageDigest, SIG],
        [sbom.imageDigest, SBOM]
      ].sort()
    )
    expect(found.find((x) => x.digest === sig.imageDigest)?.annotations).toEqual({ 'dev.cosignproject.cosign/signature': 'MEUC' })
    // order: the image's manifest, then the referrers, then the tag
    const order = events.map((p) => p._tag).filter((t) => t === 'manifest' || t === 'referrer' || t === 'tag')
    expect(order).toEqual(['manifest', 'referrer', 'referrer', 'tag'])
    // the destination has the referrers API: no fallback tag written
    expect(O.isNone(fallbackOf(dst, image.imageDigest))).toBe(true)
    expect(summary.bytesCopied).toBeGreaterThan(0)
  })

  it('referrers sharing a blob (an artifact config) upload it once, though they are copied at the same time', async () => {
    const { src, dst, env } = twins()
    const { image, sig, sbom } = signedImage(src)
    dst.createRepository('app')
    const blobsOf = (p: InMemoryEcr.PushedImage): ReadonlyArray<string> => [...(p.configDigest === undefined ? [] : [p.configDigest]), ...p.layerDigests]
    const shared = blobsOf(sig).filter((d) => blobsOf(sbom).includes(d))
    expect(shared.length).toBeGreaterThan(0)
    const { r } = await copyWith(env)
    expect(E.isRight(r)).toBe(true)
    // every blob uploaded once: as many blob uploads as distinct blobs
    const distinct = new Set([...blobsOf(image), ...blobsOf(sig), ...blobsOf(sbom)])
    expect(dst.httpCallCount('PUT', /\/blobs\/uploads\//)).toBe(distinct.size)
  })

  it('an artifact-type filter copies only those referrers; referrers: false copies none and lists none', async () => {
    const { src, dst, env } = twins()
    const { image, sig, sbom } = signedImage(src)
    dst.createRepository('app')
    const { summary } = await copyWith(env, { referrers: { artifactTypes: [SIG] } })
    expect(summary.referrers).toEqual({ exists: 0, pushed: 1 })
    expect(O.isSome(dst.getManifestText('app', sig.imageDigest))).toBe(true)
    expect(O.isNone(dst.getManifestText('app', sbom.imageDigest))).toBe(true)
    expect((await listed(dst, DST, image.imageDigest)).map((x) => x.digest)).toEqual([sig.imageDigest])

    const other = twins()
    signedImage(other.src)
    other.dst.createRepository('app')
    other.src.resetCalls()
    const none = await copyWith(other.env, { referrers: false })
    expect(none.summary.referrers).toEqual({ exists: 0, pushed: 0 })
    expect(other.src.httpCallCount('GET', /\/referrers\//)).toBe(0)
    expect(other.src.httpCallCount('GET', /\/manifests\/sha256-/)).toBe(0)
    expect(await listed(other.dst, DST, image.imageDigest)).toEqual([])
  })

  it('recursively: the signature of an SBOM comes along', async () => {
    const { src, dst, env } = twins()
    const { image, sbom } = signedImage(src)
    const sbomSig = push(src, 'app', { subject: sbom.imageDigest, artifactType: SIG })
    dst.createRepository('app')
    const { summary, events } = await copyWith(env, { referrers: { artifactTypes: [SBOM] } })
    expect(summary.referrers).toEqual({ exists: 0, pushed: 2 })
    expect((await listed(dst, DST, image.imageDigest)).map((x) => x.digest)).toEqual([sbom.imageDigest])
    expect((await listed(dst, DST, sbom.imageDigest)).map((x) => x.digest)).toEqual([sbomSig.imageDigest])
    const referrerEvents = events.filter((p): p is Extract<Progress, { _tag: 'referrer' }> => p._tag === 'referrer')
    expect(referrerEvents.map((p) => [p.subject, p.digest])).toEqual([
      [image.imageDigest, sbom.imageDigest],
      [sbom.imageDigest, sbomSig.imageDigest]
    ])
  })

  it('a rerun re-sends nothing (referrers API): no PUT, POST or PATCH', async () => {
    const { src, dst, env } = twins()
    signedImage(src)
    dst.createRepository('app')
    await copyWith(env)
    dst.resetCalls()
    const again = await copyWith(env)
    expect(E.isRight(again.r)).toBe(true)
    expect(again.summary.referrers).toEqual({ exists: 2, pushed: 0 })
    expect(again.summary.bytesCopied).toBe(0)
    expect(writes(dst)).toBe(0)
  })
})

describe('replicateImage to a registry without the referrers API', () => {
  it('writes the fallback index sha256-<hex> listing the referrers; a rerun sends nothing', async () => {
    const { src, dst, env } = twins({ dst: { referrersApi: false } })
    const { image, sig, sbom } = signedImage(src)
    dst.createRepository('app')
    const { r, summary } = await copyWith(env)
    expect(E.isRight(r)).toBe(true)
    expect(summary.referrers).toEqual({ exists: 0, pushed: 2 })
    const index = fallbackOf(dst, image.imageDigest)
    expect(O.isSome(index)).toBe(true)
    if (O.isSome(index)) expect(index.value.manifests.map((m) => m.digest).sort()).toEqual([sig.imageDigest, sbom.imageDigest].sort())
    expect((await listed(dst, DST, image.imageDigest, [SBOM])).map((x) => x.digest)).toEqual([sbom.imageDigest])
    dst.resetCalls()
    const again = await copyWith(env)
    expect(again.summary.referrers).toEqual({ exists: 2, pushed: 0 })
    expect(writes(dst)).toBe(0)
  })

  it('merges into an existing fallback index: entries already there are kept as they are, never clobbered', async () => {
    const { src, dst, env } = twins({ dst: { referrersApi: false } })
    const { image, sig, sbom } = signedImage(src)
    // the destination already has the image, with a referrer of its own listed in its fallback index
    dst.createRepository('app')
    const first = await copyWith(env, { referrers: false })
    expect(E.isRight(first.r)).toBe(true)
    const own = push(dst, 'app', { subject: image.imageDigest, artifactType: 'application/vnd.example.own' })
    const existing = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: own.mediaType, digest: own.imageDigest, size: Buffer.byteLength(own.manifest), artifactType: 'application/vnd.example.own', annotations: { keep: 'me' } }],
      annotations: { 'org.example.written-by': 'another tool' }
    }
    const tag = fallbackTag(image.imageDigest as ImageDigest) ?? ''
    const put = await dst.fetch(`${dst.proxyEndpoint}/v2/app/manifests/${tag}`, {
      method: 'PUT',
      headers: { authorization: `Basic ${Buffer.from(`AWS:${dst.password}`).toString('base64')}`, 'content-type': OCI_INDEX },
      body: JSON.stringify(existing)
    })
    expect(put.status).toBe(201)
    const { summary } = await copyWith(env)
    expect(summary.referrers).toEqual({ exists: 0, pushed: 2 })
    const merged = O.map((t: string) => JSON.parse(t) as typeof existing)(dst.getManifestText('app', tag))
    expect(O.isSome(merged)).toBe(true)
    if (O.isSome(merged)) {
      expect(merged.value.manifests[0]).toEqual(existing.manifests[0])
      expect(merged.value.annotations).toEqual(existing.annotations)
      expect(merged.value.manifests.map((m) => m.digest).slice(1).sort()).toEqual([sig.imageDigest, sbom.imageDigest].sort())
    }
    dst.resetCalls()
    await copyWith(env)
    expect(writes(dst)).toBe(0)
  })

  it('reads a source without the referrers API through its fallback index', async () => {
    const { src, dst, env } = twins({ src: { referrersApi: false } })
    const { image, sig } = signedImage(src)
    // the source lists only the signature in its fallback index (the SBOM was pushed without one)
    const tag = fallbackTag(image.imageDigest as ImageDigest) ?? ''
    const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: sig.mediaType, digest: sig.imageDigest, size: Buffer.byteLength(sig.manifest), artifactType: SIG }] }
    const put = await src.fetch(`${src.proxyEndpoint}/v2/app/manifests/${tag}`, {
      method: 'PUT',
      headers: { authorization: `Basic ${Buffer.from(`AWS:${src.password}`).toString('base64')}`, 'content-type': OCI_INDEX },
      body: JSON.stringify(index)
    })
    expect(put.status).toBe(201)
    dst.createRepository('app')
    const { summary } = await copyWith(env, { tags: ['v1'] })
    expect(summary.referrers).toEqual({ exists: 0, pushed: 1 })
    expect((await listed(dst, DST, image.imageDigest)).map((x) => x.digest)).toEqual([sig.imageDigest])
  })
})

describe('replicateImage referrers with platforms and immutable tags', () => {
  const AMD = { os: 'linux', architecture: 'amd64' }
  const ARM = { os: 'linux', architecture: 'arm64' }

  it('an index copied whole carries the referrers of the index and of each platform image', async () => {
    const { src, dst, env } = twins()
    const image = push(src, 'app', { tag: 'v1', format: 'oci', platforms: [AMD, ARM] })
    for (const subject of [image.imageDigest, ...image.children.map((c) => c.imageDigest)]) push(src, 'app', { subject, artifactType: SIG })
    dst.createRepository('app')
    const { summary } = await copyWith(env)
    expect(summary.referrers).toEqual({ exists: 0, pushed: 3 })
    for (const subject of [image.imageDigest, ...image.children.map((c) => c.imageDigest)]) expect(await listed(dst, DST, subject)).toHaveLength(1)
  })

  it('a narrowed index (a new digest) carries the referrers of the platform images kept, not those of the source index', async () => {
    const { src, dst, env } = twins()
    const image = push(src, 'app', { tag: 'v1', format: 'oci', platforms: [AMD, ARM] })
    push(src, 'app', { subject: image.imageDigest, artifactType: SIG })
    const amd = image.children.find((c) => c.platform.architecture === 'amd64')
    const arm = image.children.find((c) => c.platform.architecture === 'arm64')
    if (amd === undefined || arm === undefined) throw new Error('no children')
    const amdSig = push(src, 'app', { subject: amd.imageDigest, artifactType: SIG })
    push(src, 'app', { subject: arm.imageDigest, artifactType: SIG })
    dst.createRepository('app')
    const { r, summary } = await copyWith(env, { platforms: [AMD] })
    expect(E.isRight(r) && r.right.imageDigest).not.toBe(image.imageDigest)
    expect(summary.referrers).toEqual({ exists: 0, pushed: 1 })
    expect((await listed(dst, DST, amd.imageDigest)).map((x) => x.digest)).toEqual([amdSig.imageDigest])
  })

  it('an immutable destination without the referrers API: the fallback index cannot grow (AlreadyExists naming sha256-*) unless excluded', async () => {
    const { src, dst, env } = twins({ dst: { referrersApi: false } })
    const image = push(src, 'app', { tag: 'v1', format: 'oci' })
    push(src, 'app', { subject: image.imageDigest, artifactType: SIG })
    const strict = await Repository.create(repoRef(DST, 'app'), { imageTagMutability: 'IMMUTABLE' })(sideEnv(dst))()
    expect(E.isRight(strict)).toBe(true)
    expect(E.isRight((await copyWith(env)).r)).toBe(true)
    // a new signature at the source: the fallback tag must move to a new index
    push(src, 'app', { subject: image.imageDigest, artifactType: SBOM })
    const refused = await copyWith(env)
    expect(E.isLeft(refused.r) && refused.r.left._tag === 'AlreadyExists' && refused.r.left.message).toContain('sha256-*')
    // no tag moved: the image's tag is still the first copy's, the new referrer's manifest is there
    expect(refused.events.some((p) => p._tag === 'tag')).toBe(false)
    const excepted = await Repository.setTagMutability(repoRef(DST, 'app'), { mode: 'IMMUTABLE', exceptFor: ['sha256-*'] })(sideEnv(dst))()
    expect(E.isRight(excepted)).toBe(true)
    const { r, summary } = await copyWith(env)
    expect(E.isRight(r)).toBe(true)
    expect(summary.referrers).toEqual({ exists: 2, pushed: 0 })
    expect(await listed(dst, DST, image.imageDigest)).toHaveLength(2)
  })
})

describe('replicateImage and the destination repository', () => {
  it('createRepository: true creates a missing destination with the source repository\'s mutability and encryption', async () => {
    const { src, dst, env } = twins()
    const kmsKey = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'
    const made = await Repository.create(repoRef(SRC, 'app'), {
      imageTagMutability: { mode: 'IMMUTABLE', exceptFor: ['latest', 'sha256-*'] },
      encryption: { type: 'KMS', kmsKey }
    })(sideEnv(src))()
    expect(E.isRight(made)).toBe(true)
    signedImage(src)
    const { r, events } = await copyWith(env, { createRepository: true })
    expect(E.isRight(r)).toBe(true)
    expect(events.filter((p) => p._tag === 'repository')).toEqual([{ _tag: 'repository', repository: repoRef(DST, 'app'), status: 'created' }])
    // the repository came before any byte
    expect(events.findIndex((p) => p._tag === 'repository')).toBeLessThan(events.findIndex((p) => p._tag === 'blob'))
    const settings = await Repository.getSettings(repoRef(DST, 'app'))(sideEnv(dst))()
    expect(E.map((s: Repository.RepositorySettings) => [s.tagMutability, s.encryption.type])(settings)).toEqual(
      E.right([{ mode: 'IMMUTABLE', exceptFor: ['latest', 'sha256-*'] }, 'KMS'])
    )
    // another account and region: the source's key does not exist there, ECR's managed key there is used
    const key = E.isRight(settings) && settings.right.encryption.type === 'KMS' ? settings.right.encryption.kmsKey : undefined
    expect(key).not.toBe(kmsKey)
    expect(key).toContain(':kms:eu-west-1:222222222222:')
    expect(dst.tagsOf('app').get('v1')).toBeDefined()
    // a second copy finds it
    const again = await copyWith(env, { createRepository: true })
    expect(again.events.filter((p) => p._tag === 'repository').map((p) => p._tag === 'repository' && p.status)).toEqual(['exists'])
  })

  it('within one account and region the KMS key is carried; repositorySettings override the source\'s', async () => {
    const twin = InMemoryEcr.make(SRC)
    const kmsKey = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'
    const env = sideEnv(twin)
    expect(E.isRight(await Repository.create(repoRef(SRC, 'app'), { imageTagMutability: 'IMMUTABLE', encryption: { type: 'KMS', kmsKey } })(env)())).toBe(true)
    push(twin, 'app', { tag: 'v1' })
    const copy = (name: string, request: Partial<ReplicateRequest>) =>
      replicateImage({ source: uri(SRC, 'app:v1'), destination: repoRef(SRC, name), createRepository: true, ...request })({ source: env, destination: env })()
    expect(E.isRight(await copy('mirror', {}))).toBe(true)
    expect(E.isRight(await copy('other', { repositorySettings: { imageTagMutability: 'MUTABLE' } }))).toBe(true)
    const settings = async (name: string) => {
      const s = await Repository.getSettings(repoRef(SRC, name))(env)()
      return E.map((x: Repository.RepositorySettings) => [x.tagMutability, x.encryption])(s)
    }
    expect(await settings('mirror')).toEqual(E.right(['IMMUTABLE', { type: 'KMS', kmsKey }]))
    expect(await settings('other')).toEqual(E.right(['MUTABLE', { type: 'KMS', kmsKey }]))
    // both settings given: the source repository is not read
    twin.resetCalls()
    expect(E.isRight(await copy('third', { repositorySettings: { imageTagMutability: 'MUTABLE', encryption: { type: 'AES256' } } }))).toBe(true)
    expect(twin.calls.filter((c) => c.operation === 'DescribeRepositories').map((c) => (c.input as { repositoryNames?: ReadonlyArray<string> }).repositoryNames)).toEqual([['third']])
  })

  it('without createRepository a missing destination is NotFound(Repository): no upload, no source blob read, no DescribeRepositories', async () => {
    const { src, dst, env } = twins()
    signedImage(src, { layers: 3 })
    src.resetCalls()
    const { r, events } = await copyWith(env)
    expect(E.isLeft(r) && r.left._tag === 'NotFound' && r.left.resource).toBe('Repository')
    expect(dst.httpCallCount('PUT') + dst.httpCallCount('PATCH')).toBe(0)
    expect(src.httpCallCount('GET', /\/blobs\/sha256:/)).toBe(0)
    expect(dst.callCount('DescribeRepositories')).toBe(0)
    expect(events.some((p) => p._tag === 'blob' && p.status !== 'exists')).toBe(false)
  })
})

// -------------------------------------------------------------------------------------
// property: any referrer graph copies to an identical one
// -------------------------------------------------------------------------------------

/** Referrers to push: each with an artifact type and its subject (-1: the image, else an earlier referrer). */
const graphSpec = fc
  .array(fc.tuple(fc.constantFrom(SIG, SBOM, 'application/vnd.in-toto+json', 'application/vnd.example.thing+json'), fc.nat()), { maxLength: 6 })
  .map((rows) => {
    const depth: Array<number> = []
    return rows.map(([type, pick], i) => {
      // a subject of depth < 2: the image (depth 0) or a referrer of depth 1
      const candidates = [-1, ...depth.map((d, j) => (d === 1 ? j : -2)).filter((j) => j >= 0 && j < i)]
      const parent = candidates[pick % candidates.length] ?? -1
      depth.push(parent === -1 ? 1 : 2)
      return { type, parent }
    })
  })

/** Every (subject, referrer, artifact type) reachable from `digest`, by listing. */
const graphOf = async (twin: InMemoryEcr.InMemoryEcr, side: typeof SRC, digest: string): Promise<ReadonlyArray<string>> => {
  const edges: Array<string> = []
  const todo = [digest]
  for (let d = todo.pop(); d !== undefined; d = todo.pop()) {
    for (const x of await listed(twin, side, d)) {
      edges.push(`${d} -> ${x.digest} ${x.artifactType ?? ''} ${x.size}`)
      todo.push(x.digest)
    }
  }
  return edges.sort()
}

describe('replicateImage referrer graphs (property)', () => {
  it('any set of referrers (nesting up to 2) copies to an identical referrer graph; a rerun writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(graphSpec, fc.boolean(), fc.boolean(), async (spec, srcApi, dstApi) => {
        const { src, dst, env } = twins({ src: { referrersApi: srcApi }, dst: { referrersApi: dstApi } })
        const image = push(src, 'app', { tag: 'v1', format: 'oci' })
        const digests: Array<string> = []
        for (const { type, parent } of spec) {
          const subject = parent === -1 ? image.imageDigest : (digests[parent] as string)
          digests.push(push(src, 'app', { subject, artifactType: type }).imageDigest)
        }
        if (!srcApi) {
          // the source lists its referrers in fallback indexes, as a registry without the API does
          const login = { username: 'AWS', password: src.password, proxyEndpoint: src.proxyEndpoint, expiresAt: new Date(Date.now() + 3600_000) }
          for (const [i, { type, parent }] of spec.entries()) {
            const subject = (parent === -1 ? image.imageDigest : digests[parent]) as ImageDigest
            const manifest = src.getManifestText('app', digests[i] as string)
            const size = O.isSome(manifest) ? Buffer.byteLength(manifest.value) : 0
            const put = await putFallbackIndex(login, 'app' as RepositoryName, subject, [
              { digest: digests[i] as ImageDigest, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: type, size }
            ])(env.source)()
            expect(E.isRight(put)).toBe(true)
          }
        }
        dst.createRepository('app')
        const { r, summary } = await copyWith(env)
        expect(E.isRight(r)).toBe(true)
        expect(summary.referrers).toEqual({ exists: 0, pushed: spec.length })
        expect(await graphOf(dst, DST, image.imageDigest)).toEqual(await graphOf(src, SRC, image.imageDigest))
        dst.resetCalls()
        await copyWith(env)
        expect(writes(dst)).toBe(0)
      }),
      { numRuns: 10 }
    )
  })
})
