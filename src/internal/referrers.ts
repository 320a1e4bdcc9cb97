/**
 * OCI 1.1 referrers (signatures, SBOMs, attestations: manifests whose `subject` is an image): the
 * referrers API (`GET /v2/<name>/referrers/<digest>`, pages followed through `Link: rel="next"`),
 * and, where a registry answers it with 404, the tag schema: an index under the tag
 * `<alg>-<hex>` of the subject's digest lists its referrers. Listing reads either; the fallback
 * index is written by merging (existing entries are kept, never clobbered, and nothing is sent
 * when nothing is new).
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as t from 'io-ts'
import type { EcrLogin } from '../Env'
import * as EcrError from '../EcrError'
import type { Referrer } from '../Image'
import * as Manifest from '../Manifest'
import { isImageTag, type ImageDigest, type ImageTag, type RepositoryName } from '../Primitives'
import { decodeJson, struct } from './codec'
import { MediaType } from './mediaType'
import { getManifest, getReferrersPage, putManifest, type RegistryHttp, type RegistryHttpEnv } from './registry'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What a listing found, and where: the referrers API, or the tag-schema fallback index. */
export interface Listing {
  readonly referrers: ReadonlyArray<Referrer>
  /** Whether the registry answered the referrers API (else the fallback tag was read). */
  readonly api: boolean
}

// -------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------

/** Pages of the referrers API followed at most (a registry that keeps linking is cut off: a `Left`). */
export const MAX_PAGES = 100

// -------------------------------------------------------------------------------------
// pure parts
// -------------------------------------------------------------------------------------

/**
 * The tag of the fallback index of `digest`: `<alg>-<hex>` (the hex cut to 64 characters, as the
 * OCI distribution spec says); `undefined` for a digest whose tag would not be a valid tag.
 */
export const fallbackTag = (digest: ImageDigest): ImageTag | undefined => {
  const [alg, hex] = digest.split(':')
  const tag = `${alg ?? ''}-${(hex ?? '').slice(0, 64)}`
  return isImageTag(tag) ? tag : undefined
}

/** A referrer as the descriptor an index lists. */
export const toReferrer = (d: Manifest.Descriptor): Referrer => ({
  digest: d.digest,
  mediaType: d.mediaType,
  size: d.size,
  ...(d.artifactType === undefined ? {} : { artifactType: d.artifactType }),
  ...(d.annotations === undefined ? {} : { annotations: { ...d.annotations } })
})

/** The descriptors an index text lists, as referrers; a manifest that is not an index is a `DecodeError`. */
export const referrersOf = (text: string, what: string): E.Either<EcrError.EcrError, ReadonlyArray<Referrer>> =>
  pipe(
    Manifest.parse(text),
    E.filterOrElse(Manifest.isIndex, () => EcrError.decodeError('Manifest', [`${what}: expected an image index of referrers`])),
    E.map((index) => Manifest.children(index).map(toReferrer))
  )

/** Keeps the referrers of one of `artifactTypes` (all when undefined), each digest once, in order. */
export const selectReferrers = (
  referrers: ReadonlyArray<Referrer>,
  artifactTypes: ReadonlyArray<string> | undefined
): ReadonlyArray<Referrer> => {
  const seen = new Set<string>()
  return referrers.filter((r) => {
    if (seen.has(r.digest)) return false
    seen.add(r.digest)
    return artifactTypes === undefined || (r.artifactType !== undefined && artifactTypes.includes(r.artifactType))
  })
}

/** The JSON of a referrer as an index entry (the fields OCI 1.1 puts in a referrers index). */
const entryJson = (r: Referrer): Readonly<Record<string, unknown>> => ({
  mediaType: r.mediaType,
  digest: r.digest,
  size: r.size,
  ...(r.artifactType === undefined ? {} : { artifactType: r.artifactType }),
  ...(r.annotations === undefined ? {} : { annotations: r.annotations })
})

const RawIndexC = /*#__PURE__*/ struct('Manifest', { manifests: /*#__PURE__*/ t.readonlyArray(t.unknown, 'an array') }, {})

/**
 * The fallback index after adding `referrers` to `existing` (its text, if any): the existing
 * entries and fields kept as they are, the new referrers (by digest) appended. `None` when every
 * referrer is already listed: nothing to write.
 */
export const mergeFallback = (
  existing: O.Option<string>,
  referrers: ReadonlyArray<Referrer>
): E.Either<EcrError.EcrError, O.Option<string>> => {
  if (O.isNone(existing)) {
    const fresh = selectReferrers(referrers, undefined)
    return E.right(
      fresh.length === 0
        ? O.none
        : O.some(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: fresh.map(entryJson) }))
    )
  }
  return pipe(
    E.Do,
    E.apS('listed', referrersOf(existing.value, 'the fallback index')),
    E.apS('raw', decodeJson('Manifest', RawIndexC, existing.value)),
    E.map(({ listed, raw }) => {
      const known = new Set<string>(listed.map((r) => r.digest))
      const added = selectReferrers(referrers, undefined).filter((r) => !known.has(r.digest))
      return added.length === 0 ? O.none : O.some(JSON.stringify({ ...raw, manifests: [...raw.manifests, ...added.map(entryJson)] }))
    })
  )
}

// -------------------------------------------------------------------------------------
// registry
// -------------------------------------------------------------------------------------

/** The fallback index of `digest` in the repository: its text, `None` when the tag is absent. */
const getFallback = (login: EcrLogin, repositoryName: RepositoryName, digest: ImageDigest): RegistryHttp<O.Option<string>> => {
  const tag = fallbackTag(digest)
  if (tag === undefined) return () => async () => E.right(O.none)
  return (env) => async () => {
    const got = await getManifest(login, repositoryName, tag)(env)()
    if (E.isRight(got)) return E.right(O.some(got.right.text))
    return got.left._tag === 'NotFound' && got.left.resource === 'Image' ? E.right(O.none) : got
  }
}

/** Every page of the referrers API for `digest`; `None` when the registry has no referrers API. */
const fromApi = (
  login: EcrLogin,
  repositoryName: RepositoryName,
  digest: ImageDigest,
  artifactType: string | undefined
): RegistryHttp<O.Option<ReadonlyArray<Referrer>>> =>
  (env: RegistryHttpEnv) => async () => {
    const out: Array<Referrer> = []
    const visited = new Set<string>()
    let pageUrl: string | undefined
    for (let page = 0; page < MAX_PAGES; page++) {
      const got = await getReferrersPage(login, repositoryName, digest, {
        ...(artifactType === undefined ? {} : { artifactType }),
        ...(pageUrl === undefined ? {} : { pageUrl })
      })(env)()
      if (E.isLeft(got)) return got
      if (O.isNone(got.right)) return page === 0 ? E.right(O.none) : E.left(EcrError.notFound('Image', `${repositoryName}@${digest} referrers page`))
      const referrers = referrersOf(got.right.value.text, `the referrers of ${repositoryName}@${digest}`)
      if (E.isLeft(referrers)) return referrers
      out.push(...referrers.right)
      const next = got.right.value.next
      if (next === undefined) return E.right(O.some(out))
      if (visited.has(next)) return E.left(EcrError.decodeError('Manifest', [`the referrers of ${repositoryName}@${digest}: the pages link back`]))
      visited.add(next)
      pageUrl = next
    }
    return E.left(EcrError.decodeError('Manifest', [`the referrers of ${repositoryName}@${digest}: more than ${MAX_PAGES} pages`]))
  }

/**
 * The referrers of `digest` in the repository, of one of `artifactTypes` (all when undefined):
 * from the referrers API (asked to filter when exactly one type is given; filtered here too,
 * since emulators ignore the filter), else from the fallback index (absent: none). `api` says
 * which answered.
 */
export const listReferrers = (
  login: EcrLogin,
  repositoryName: RepositoryName,
  digest: ImageDigest,
  artifactTypes?: ReadonlyArray<string>
): RegistryHttp<Listing> =>
  (env) => async () => {
    const asked = artifactTypes?.length === 1 ? artifactTypes[0] : undefined
    const api = await fromApi(login, repositoryName, digest, asked)(env)()
    if (E.isLeft(api)) return api
    if (O.isSome(api.right)) return E.right({ referrers: selectReferrers(api.right.value, artifactTypes), api: true })
    const fallback = await getFallback(login, repositoryName, digest)(env)()
    if (E.isLeft(fallback)) return fallback
    if (O.isNone(fallback.right)) return E.right({ referrers: [], api: false })
    const listed = referrersOf(fallback.right.value, `the fallback index ${repositoryName}:${fallbackTag(digest) ?? ''}`)
    return E.isLeft(listed) ? listed : E.right({ referrers: selectReferrers(listed.right, artifactTypes), api: false })
  }

/**
 * Whether the registry serves the referrers API: one GET of the referrers of `digest` in the
 * repository (a 404 that is not `NAME_UNKNOWN`: no).
 */
export const hasReferrersApi = (login: EcrLogin, repositoryName: RepositoryName, digest: ImageDigest): RegistryHttp<boolean> =>
  (env) => async () => {
    const page = await getReferrersPage(login, repositoryName, digest)(env)()
    return E.isLeft(page) ? page : E.right(O.isSome(page.right))
  }

/**
 * Adds `referrers` to the fallback index of `subject` (tag `<alg>-<hex>`): the existing index (if
 * any) is read and merged by digest, existing entries kept; PUT only when something was added.
 * Answers whether it wrote. An immutable repository refuses to move the tag: `AlreadyExists`
 * (exclude `sha256-*` from immutability to allow it).
 */
export const putFallbackIndex = (
  login: EcrLogin,
  repositoryName: RepositoryName,
  subject: ImageDigest,
  referrers: ReadonlyArray<Referrer>
): RegistryHttp<boolean> =>
  (env) => async () => {
    const tag = fallbackTag(subject)
    if (tag === undefined) return E.left(EcrError.invalidArgument(`no fallback tag for the digest ${subject}`))
    const existing = await getFallback(login, repositoryName, subject)(env)()
    if (E.isLeft(existing)) return existing
    const merged = mergeFallback(existing.right, referrers)
    if (E.isLeft(merged)) return merged
    if (O.isNone(merged.right)) return E.right(false)
    const put = await putManifest(login, repositoryName, tag, merged.right.value, MediaType.ociIndex)(env)()
    if (E.isRight(put)) return E.right(true)
    const e = put.left
    return e._tag === 'HttpError' && (e.status === 400 || e.status === 409) && O.isSome(existing.right)
      ? E.left(
          EcrError.alreadyExists(
            'ImageTag',
            `${repositoryName}:${tag}`,
            `the referrers fallback index ${repositoryName}:${tag} cannot be updated (${e.message}); an immutable repository needs the exclusion filter sha256-*`
          )
        )
      : E.left(e)
  }
