// Referrers: the pure parts (fallback tag, Link parsing, selection, fallback merge), the listing over
// a loopback registry (pages, filters, 404 without the API, NAME_UNKNOWN), and Image.listReferrers on the twin.
import { afterEach, describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type * as http from 'node:http'
import * as Arb from '../src/arbitraries'
import * as Env from '../src/Env'
import * as Image from '../src/Image'
import { isImageTag, type AccountId, type ImageDigest, type Region, type RepositoryName } from '../src/Primitives'
import { fallbackTag, listReferrers, mergeFallback, putFallbackIndex, referrersOf, selectReferrers } from '../src/internal/referrers'
import { nextLink } from '../src/internal/registry'
import * as InMemoryEcr from '../src/testing/InMemoryEcr'
import { closeServers, envWith, json, loginFor, name, ociError, serve } from './internal/registryServer'

afterEach(closeServers)

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

const artifactType: fc.Arbitrary<string> = fc.constantFrom('application/vnd.dev.cosign.artifact.sig.v1+json', 'application/spdx+json', 'application/vnd.in-toto+json', 'text/plain')

const referrer: fc.Arbitrary<Image.Referrer> = fc.record(
  {
    digest: Arb.imageDigest,
    mediaType: fc.constantFrom(OCI_MANIFEST, OCI_INDEX),
    artifactType,
    size: fc.nat({ max: 1_000_000 }),
    annotations: fc.dictionary(fc.constantFrom('a', 'b', 'org.example.x'), fc.string({ maxLength: 8 }), { maxKeys: 2 })
  },
  { requiredKeys: ['digest', 'mediaType', 'size'] }
)

const indexText = (rs: ReadonlyArray<Image.Referrer>, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: rs, ...extra })

// -------------------------------------------------------------------------------------
// pure parts
// -------------------------------------------------------------------------------------

describe('fallbackTag', () => {
  it('is <alg>-<hex> (hex cut to 64), a valid tag', () => {
    fc.assert(
      fc.property(Arb.imageDigest, (d) => {
        const tag = fallbackTag(d)
        const [alg, hex] = d.split(':')
        expect(tag).toBe(`${alg ?? ''}-${(hex ?? '').slice(0, 64)}`)
        expect(tag !== undefined && isImageTag(tag)).toBe(true)
      })
    )
  })
})

describe('nextLink', () => {
  it('finds rel="next" among other links and resolves it against the page', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9=&]{0,12}$/), fc.boolean(), (query, withPrev) => {
        const link = [...(withPrev ? ['</v2/a/referrers/x?p=0>; rel="prev"'] : []), `</v2/a/referrers/x?${query}>; rel="next"`].join(', ')
        expect(nextLink(link, 'http://r.example/v2/a/referrers/x')).toBe(new URL(`/v2/a/referrers/x?${query}`, 'http://r.example').toString())
      })
    )
    expect(nextLink(undefined, 'http://r.example/')).toBeUndefined()
    expect(nextLink('</x>; rel="prev"', 'http://r.example/')).toBeUndefined()
    expect(nextLink('<https://other.example/p2>; rel=next', 'http://r.example/')).toBe('https://other.example/p2')
  })
})

describe('selectReferrers', () => {
  it('keeps each digest once, in order, of the asked types only', () => {
    fc.assert(
      fc.property(fc.array(referrer, { maxLength: 12 }), fc.option(fc.array(artifactType, { maxLength: 3 }), { nil: undefined }), (rs, types) => {
        const doubled = [...rs, ...rs]
        const out = selectReferrers(doubled, types)
        expect(new Set(out.map((r) => r.digest)).size).toBe(out.length)
        for (const r of out) expect(doubled).toContain(r)
        if (types !== undefined) for (const r of out) expect(types).toContain(r.artifactType)
        const firsts = rs.filter((r, i) => rs.findIndex((x) => x.digest === r.digest) === i)
        expect(out).toEqual(types === undefined ? firsts : firsts.filter((r) => r.artifactType !== undefined && types.includes(r.artifactType)))
      })
    )
  })
})

describe('mergeFallback', () => {
  it('nothing to add: None; with no index yet: a new OCI index of the referrers', () => {
    expect(mergeFallback(O.none, [])).toEqual(E.right(O.none))
    fc.assert(
      fc.property(fc.array(referrer, { minLength: 1, maxLength: 6 }), (rs) => {
        const merged = mergeFallback(O.none, rs)
        expect(E.isRight(merged) && O.isSome(merged.right)).toBe(true)
        if (E.isRight(merged) && O.isSome(merged.right)) {
          const listed = referrersOf(merged.right.value, 'x')
          expect(listed).toEqual(E.right(selectReferrers(rs, undefined)))
          expect((JSON.parse(merged.right.value) as { mediaType: string }).mediaType).toBe(OCI_INDEX)
        }
      })
    )
  })

  it('keeps the existing entries and fields as they are, appends the new digests once, and is idempotent', () => {
    fc.assert(
      fc.property(fc.array(referrer, { maxLength: 6 }), fc.array(referrer, { maxLength: 6 }), (existing, added) => {
        const before = indexText(selectReferrers(existing, undefined), { annotations: { 'org.example.tool': 'other' } })
        const merged = mergeFallback(O.some(before), added)
        expect(E.isRight(merged)).toBe(true)
        if (E.isLeft(merged)) return
        const known = new Set(existing.map((r) => r.digest))
        const fresh = selectReferrers(added, undefined).filter((r) => !known.has(r.digest))
        if (fresh.length === 0) {
          expect(merged.right).toEqual(O.none)
          return
        }
        expect(O.isSome(merged.right)).toBe(true)
        if (O.isNone(merged.right)) return
        const after = JSON.parse(merged.right.value) as { manifests: ReadonlyArray<unknown>; annotations: unknown }
        const was = JSON.parse(before) as { manifests: ReadonlyArray<unknown>; annotations: unknown }
        expect(after.manifests.slice(0, was.manifests.length)).toEqual(was.manifests)
        expect(after.annotations).toEqual(was.annotations)
        expect(E.map((rs: ReadonlyArray<Image.Referrer>) => rs.slice(was.manifests.length))(referrersOf(merged.right.value, 'x'))).toEqual(E.right(fresh))
        expect(mergeFallback(merged.right, added)).toEqual(E.right(O.none))
      })
    )
  })

  it('an existing tag that is not an index is a DecodeError, not overwritten', () => {
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: `sha256:${'4'.repeat(64)}`, size: 2 }, layers: [] })
    const r = mergeFallback(O.some(manifest), [{ digest: `sha256:${'a'.repeat(64)}` as ImageDigest, mediaType: OCI_MANIFEST, size: 3 }])
    expect(E.isLeft(r) && r.left._tag).toBe('DecodeError')
  })
})

// -------------------------------------------------------------------------------------
// over a loopback registry
// -------------------------------------------------------------------------------------

const SUBJECT = `sha256:${'5'.repeat(64)}` as ImageDigest
const sig = (n: number, type = 'application/vnd.dev.cosign.artifact.sig.v1+json'): Image.Referrer => ({
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}` as ImageDigest,
  mediaType: OCI_MANIFEST,
  artifactType: type,
  size: 100 + n
})

const indexHeaders = { 'content-type': OCI_INDEX }
const answer = (res: http.ServerResponse, status: number, body: string, headers: http.OutgoingHttpHeaders = {}) => {
  res.writeHead(status, headers)
  res.end(body)
}

describe('listReferrers over the registry API', () => {
  it('follows Link rel="next" pages; asks for the type when one is given and filters anyway', async () => {
    const server = await serve((req, _body, res) => {
      const url = new URL(req.url ?? '', 'http://x')
      if (url.searchParams.get('page') === '2') return json(res, 200, JSON.parse(indexText([sig(3, 'application/spdx+json')])) as unknown, indexHeaders)
      // the registry ignores the filter: both types on the first page
      return json(res, 200, JSON.parse(indexText([sig(1), sig(2, 'application/spdx+json')])) as unknown, {
        ...indexHeaders,
        link: `<${url.pathname}?page=2>; rel="next"`
      })
    })
    const login = loginFor(server.url)
    const all = await listReferrers(login, name('app'), SUBJECT)(envWith())()
    expect(all).toEqual(E.right({ referrers: [sig(1), sig(2, 'application/spdx+json'), sig(3, 'application/spdx+json')], api: true }))
    const sboms = await listReferrers(login, name('app'), SUBJECT, ['application/spdx+json'])(envWith())()
    expect(sboms).toEqual(E.right({ referrers: [sig(2, 'application/spdx+json'), sig(3, 'application/spdx+json')], api: true }))
    expect(server.seen[2]?.url).toBe(`/v2/app/referrers/${SUBJECT}?artifactType=${encodeURIComponent('application/spdx+json')}`)
    // two types: the registry is not asked to filter
    await listReferrers(login, name('app'), SUBJECT, ['a/b', 'c/d'])(envWith())()
    expect(server.seen[4]?.url).toBe(`/v2/app/referrers/${SUBJECT}`)
  })

  it('pages that link back are a Left, not a loop', async () => {
    const server = await serve((req, _body, res) =>
      json(res, 200, JSON.parse(indexText([sig(1)])) as unknown, { ...indexHeaders, link: `<${req.url ?? ''}>; rel="next"` })
    )
    const r = await listReferrers(loginFor(server.url), name('app'), SUBJECT)(envWith())()
    expect(E.isLeft(r) && r.left._tag).toBe('DecodeError')
    expect(server.seen.length).toBeLessThanOrEqual(3)
  })

  it('a plain 404 (no referrers API) reads the fallback tag; absent: none; NAME_UNKNOWN is NotFound(Repository)', async () => {
    const state: { fallback?: string } = {}
    const server = await serve((req, _body, res) => {
      const url = req.url ?? ''
      if (url.startsWith('/v2/gone/')) return json(res, 404, ociError('NAME_UNKNOWN', 'repository name not known to registry'))
      if (url.includes('/referrers/')) return answer(res, 404, '404 page not found\n', { 'content-type': 'text/plain' })
      if (url === `/v2/app/manifests/sha256-${'5'.repeat(64)}` && state.fallback !== undefined) return answer(res, 200, state.fallback, indexHeaders)
      return json(res, 404, ociError('MANIFEST_UNKNOWN', 'manifest unknown'))
    })
    const login = loginFor(server.url)
    expect(await listReferrers(login, name('app'), SUBJECT)(envWith())()).toEqual(E.right({ referrers: [], api: false }))
    state.fallback = indexText([sig(1), sig(2, 'application/spdx+json')])
    expect(await listReferrers(login, name('app'), SUBJECT, ['application/spdx+json'])(envWith())()).toEqual(
      E.right({ referrers: [sig(2, 'application/spdx+json')], api: false })
    )
    const gone = await listReferrers(login, name('gone'), SUBJECT)(envWith())()
    expect(E.isLeft(gone) && gone.left._tag === 'NotFound' && gone.left.resource).toBe('Repository')
  })
})

// -------------------------------------------------------------------------------------
// Image.listReferrers and the fallback index on the twin
// -------------------------------------------------------------------------------------

const ref = (twin: InMemoryEcr.InMemoryEcr, digest: string): Image.ImageRef => ({
  accountId: twin.accountId as AccountId,
  region: twin.region as Region,
  repositoryName: 'app' as RepositoryName,
  imageDigest: digest as ImageDigest
})

const envOf = (twin: InMemoryEcr.InMemoryEcr) =>
  Env.make({ ecr: twin.ecr, fetch: twin.fetch, dispatcher: twin.dispatcher, accountId: twin.accountId, region: twin.region })

const pushed = (twin: InMemoryEcr.InMemoryEcr, options: InMemoryEcr.PushImageOptions) => {
  const r = twin.pushImage('app', options)
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

describe('Image.listReferrers on the twin', () => {
  it('lists what the referrers API answers, filtered by artifact type', async () => {
    const twin = InMemoryEcr.make()
    const image = pushed(twin, { tag: 'v1', format: 'oci' })
    const s = pushed(twin, { subject: image.imageDigest, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' })
    const b = pushed(twin, { subject: image.imageDigest, artifactType: 'application/spdx+json', annotations: { k: 'v' } })
    const all = await Image.listReferrers(ref(twin, image.imageDigest))(envOf(twin))()
    expect(E.map((rs: ReadonlyArray<Image.Referrer>) => rs.map((r) => r.digest))(all)).toEqual(E.right([s.imageDigest, b.imageDigest]))
    const sboms = await Image.listReferrers(ref(twin, image.imageDigest), { artifactTypes: ['application/spdx+json'] })(envOf(twin))()
    expect(sboms).toEqual(
      E.right([{ digest: b.imageDigest, mediaType: OCI_MANIFEST, artifactType: 'application/spdx+json', size: Buffer.byteLength(b.manifest), annotations: { k: 'v' } }])
    )
  })

  it('without the referrers API: the fallback index putFallbackIndex writes, merged, sent only when something is new', async () => {
    const twin = InMemoryEcr.make({ referrersApi: false })
    const env = envOf(twin)
    const image = pushed(twin, { tag: 'v1', format: 'oci' })
    const s = pushed(twin, { subject: image.imageDigest, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' })
    const b = pushed(twin, { subject: image.imageDigest, artifactType: 'application/spdx+json' })
    expect(await Image.listReferrers(ref(twin, image.imageDigest))(env)()).toEqual(E.right([]))
    const login = { username: 'AWS', password: twin.password, proxyEndpoint: twin.proxyEndpoint, expiresAt: new Date(Date.now() + 3600_000) }
    const asReferrer = (p: InMemoryEcr.PushedImage, artifactType: string): Image.Referrer => ({
      digest: p.imageDigest as ImageDigest,
      mediaType: OCI_MANIFEST,
      artifactType,
      size: Buffer.byteLength(p.manifest)
    })
    const put = (rs: ReadonlyArray<Image.Referrer>) => putFallbackIndex(login, name('app'), image.imageDigest as ImageDigest, rs)(env)()
    expect(await put([asReferrer(s, 'application/vnd.dev.cosign.artifact.sig.v1+json')])).toEqual(E.right(true))
    expect(await put([asReferrer(s, 'application/vnd.dev.cosign.artifact.sig.v1+json'), asReferrer(b, 'application/spdx+json')])).toEqual(E.right(true))
    twin.resetCalls()
    expect(await put([asReferrer(b, 'application/spdx+json')])).toEqual(E.right(false))
    expect(twin.httpCallCount('PUT')).toBe(0)
    const listed = await Image.listReferrers(ref(twin, image.imageDigest))(env)()
    expect(E.map((rs: ReadonlyArray<Image.Referrer>) => rs.map((r) => r.digest))(listed)).toEqual(E.right([s.imageDigest, b.imageDigest]))
    expect(O.isSome(twin.getManifestText('app', `sha256-${image.imageDigest.slice(7)}`))).toBe(true)
  })
})
