/**
 * The registry (OCI distribution) operations over the wire layer: manifests (get, head, put) and
 * small blobs (get, head, mount) at a login's `proxyEndpoint`, through `env.fetch`. Digests are
 * computed from the bytes and checked, and so are the sizes the caller's descriptors declare.
 * Streamed blob transfers (`openBlob`, `uploadBlob`) are in `registryStream`, the one registry
 * module that loads undici.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type { EcrLogin } from '../Env'
import * as EcrError from '../EcrError'
import { isImageDigest, type ImageDigest, type ImageTag, type RepositoryName } from '../Primitives'
import type { Release } from './limiter'
import { acceptManifests, MediaType } from './mediaType'
import { algorithmOf, digestOf } from './sha256Stream'
import {
  contentLength,
  exchange,
  fatal,
  networkFailure,
  operation,
  paced,
  statusFailure,
  viaFetch,
  type Answer,
  type Attempt,
  type Failure,
  type RegistryHttp,
  type RegistryHttpEnv,
  type Target,
  type Transport,
  type Wire
} from './wire'

export type { RegistryHttp, RegistryHttpEnv } from './wire'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Manifest {
  readonly text: string
  readonly mediaType: string
  readonly digest: ImageDigest
}

export interface ManifestHead {
  readonly digest: ImageDigest
  readonly mediaType: string
  readonly size: number
}

/** A manifest reference: a tag or a digest. */
export type Reference = ImageTag | ImageDigest

export interface GetManifestOptions {
  /** The size its descriptor declares: other bytes are a `DigestMismatch` (size mismatch). */
  readonly expectedSize?: number
}

export interface GetBlobOptions {
  /** Refuse a blob bigger than this (default 64 MiB). */
  readonly maxBytes?: number
  /** The size its descriptor declares: other bytes are a `DigestMismatch` (size mismatch). */
  readonly expectedSize?: number
}

// -------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------

/** Manifests larger than this are refused (the OCI spec asks registries to accept at least 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024

/** Default ceiling for `getBlob`, which buffers (config blobs are small). */
export const DEFAULT_MAX_BLOB_BYTES = 64 * 1024 * 1024

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const manifestUrl = (t: Target, repo: RepositoryName, reference: Reference): string => `${t.base}/v2/${repo}/manifests/${reference}`

export const blobUrl = (t: Target, repo: RepositoryName, digest: ImageDigest): string => `${t.base}/v2/${repo}/blobs/${digest}`

export const uploadsUrl = (t: Target, repo: RepositoryName): string => `${t.base}/v2/${repo}/blobs/uploads/`

const mediaTypeOf = (contentType: string | undefined): string | undefined => {
  if (contentType === undefined) return undefined
  const t = contentType.split(';')[0]?.trim().toLowerCase()
  return t === undefined || t === '' ? undefined : t
}

/** The media type a manifest declares, or the one its shape implies, when the header says nothing useful. */
const declaredMediaType = (text: string): string | undefined => {
  try {
    const json = JSON.parse(text) as unknown
    if (typeof json !== 'object' || json === null) return undefined
    const mt = (json as { mediaType?: unknown }).mediaType
    if (typeof mt === 'string' && mt !== '') return mt
    if (Array.isArray((json as { manifests?: unknown }).manifests)) return 'application/vnd.oci.image.index.v1+json'
    if (Array.isArray((json as { layers?: unknown }).layers)) return 'application/vnd.oci.image.manifest.v1+json'
    return undefined
  } catch {
    return undefined
  }
}

const referenceId = (repo: RepositoryName, reference: Reference): string =>
  isImageDigest(reference) ? `${repo}@${reference}` : `${repo}:${reference}`

/** Where a manifest read found a mismatch. */
const manifestRead = (repo: RepositoryName, reference: Reference): EcrError.DigestMismatchContext => ({
  subject: referenceId(repo, reference),
  operation: 'GET manifest'
})

/** The `Docker-Content-Digest` of an answer, when it uses `algorithm` (other algorithms are not compared). */
const claimedDigest = (wire: Pick<Wire, 'header'>, algorithm: string): string | undefined => {
  const claimed = wire.header('docker-content-digest')?.trim()
  return claimed !== undefined && claimed !== '' && algorithmOf(claimed) === algorithm ? claimed : undefined
}

/** Content whose byte count is not the one its descriptor declares. */
export const sizeMismatch = (
  digest: ImageDigest,
  expected: number,
  actual: number,
  context: EcrError.DigestMismatchContext = {}
): EcrError.EcrError =>
  EcrError.digestMismatch(`${digest} (${expected} bytes)`, `${digest} (${actual} bytes)`, {
    ...context,
    message: `size mismatch for ${digest}: its descriptor says ${expected} bytes, the registry has ${actual}`
  })

/** A declared `Content-Length` that contradicts the descriptor's size, before reading the body. */
export const declaredSizeFailure = async (
  wire: Wire,
  digest: ImageDigest,
  expectedSize: number | undefined,
  context: EcrError.DigestMismatchContext = {}
): Promise<E.Either<Failure, void>> => {
  const declared = contentLength(wire)
  if (expectedSize === undefined || declared === undefined || declared === expectedSize) return E.right(undefined)
  await wire.discard()
  return E.left(fatal(sizeMismatch(digest, expectedSize, declared, context)))
}

const failWith =
  <A>(error: EcrError.EcrError): RegistryHttp<A> =>
  () =>
  async () =>
    E.left(error)

// -------------------------------------------------------------------------------------
// manifests
// -------------------------------------------------------------------------------------

const manifestFromBytes = (
  bytes: Buffer,
  reference: Reference,
  wire: Wire,
  expectedSize: number | undefined,
  context: EcrError.DigestMismatchContext
): E.Either<Failure, Manifest> => {
  const algorithm = isImageDigest(reference) ? (algorithmOf(reference) ?? 'sha256') : 'sha256'
  const digest = digestOf(bytes, algorithm) as ImageDigest
  if (isImageDigest(reference) && digest !== reference) return E.left(fatal(EcrError.digestMismatch(reference, digest, context)))
  const claimed = claimedDigest(wire, algorithm)
  if (claimed !== undefined && claimed !== digest) {
    const shown = wire.redact.text(claimed)
    return E.left(
      fatal(
        EcrError.digestMismatch(shown, digest, {
          ...context,
          message: `manifest digest mismatch: the registry says ${shown}, the bytes hash to ${digest}`
        })
      )
    )
  }
  if (expectedSize !== undefined && bytes.length !== expectedSize)
    return E.left(fatal(sizeMismatch(digest, expectedSize, bytes.length, context)))
  const text = bytes.toString('utf8')
  const fromHeader = mediaTypeOf(wire.header('content-type'))
  const mediaType =
    fromHeader !== undefined && fromHeader !== 'application/json' && fromHeader !== 'text/plain' && fromHeader !== 'application/octet-stream'
      ? fromHeader
      : declaredMediaType(text)
  if (mediaType === undefined)
    return E.left(fatal(EcrError.decodeError('manifest', ['the response says neither its media type nor its shape'])))
  return E.right({ text, mediaType, digest })
}

/**
 * A manifest by tag or digest, with its digest computed from the bytes (a digest reference that
 * does not match is a `DigestMismatch`). With `expectedSize` (its descriptor's), other bytes are a
 * `DigestMismatch` too. 404: `NotFound('Image')`.
 */
export const getManifest = (
  login: EcrLogin,
  repositoryName: RepositoryName,
  reference: Reference,
  options: GetManifestOptions = {}
): RegistryHttp<Manifest> =>
  paced(['BatchGetImage'], `GET manifest ${referenceId(repositoryName, reference)}`, operation(login, `GET manifest ${referenceId(repositoryName, reference)}`, async (env, t) => {
    const url = manifestUrl(t, repositoryName, reference)
    const res = await exchange(env, t, { transport: viaFetch, method: 'GET', url, headers: { accept: acceptManifests } })
    if (E.isLeft(res)) return res
    const wire = res.right
    if (wire.status === 404) {
      await wire.discard()
      return E.left(fatal(EcrError.notFound('Image', referenceId(repositoryName, reference))))
    }
    if (wire.status !== 200) return E.left(await statusFailure('GET', wire))
    if (isImageDigest(reference)) {
      const declared = await declaredSizeFailure(wire, reference, options.expectedSize, manifestRead(repositoryName, reference))
      if (E.isLeft(declared)) return declared
    }
    const bytes = await wire.bytes(MAX_MANIFEST_BYTES)
    if (E.isLeft(bytes))
      return E.left(
        bytes.left === 'too-large'
          ? fatal(EcrError.httpError('GET', wire.redact.url(url), 200, `manifest larger than ${MAX_MANIFEST_BYTES} bytes`))
          : networkFailure('GET', url, bytes.left.error, wire.redact)
      )
    return manifestFromBytes(bytes.right, reference, wire, options.expectedSize, manifestRead(repositoryName, reference))
  }))

/**
 * Whether a manifest exists, with its digest, media type and size; 404: `None`. When the registry
 * does not send `Docker-Content-Digest`, the manifest is fetched to compute it.
 */
export const headManifest = (
  login: EcrLogin,
  repositoryName: RepositoryName,
  reference: Reference
): RegistryHttp<O.Option<ManifestHead>> =>
  paced(['BatchGetImage'], `HEAD manifest ${referenceId(repositoryName, reference)}`, operation(login, `HEAD manifest ${referenceId(repositoryName, reference)}`, async (env, t) => {
    const url = manifestUrl(t, repositoryName, reference)
    const res = await exchange(env, t, { transport: viaFetch, method: 'HEAD', url, headers: { accept: acceptManifests } })
    if (E.isLeft(res)) return res
    const wire = res.right
    await wire.discard()
    if (wire.status === 404) return E.right(O.none)
    if (wire.status !== 200) return E.left(await statusFailure('HEAD', wire))
    const claimed = wire.header('docker-content-digest')?.trim()
    const size = contentLength(wire)
    const mediaType = mediaTypeOf(wire.header('content-type'))
    if (claimed !== undefined && isImageDigest(claimed) && size !== undefined && mediaType !== undefined && mediaType !== 'application/json') {
      if (isImageDigest(reference) && algorithmOf(reference) === algorithmOf(claimed) && claimed !== reference)
        return E.left(
          fatal(EcrError.digestMismatch(reference, claimed, { subject: referenceId(repositoryName, reference), operation: 'HEAD manifest' }))
        )
      return E.right(O.some({ digest: claimed, mediaType, size }))
    }
    const full = await getManifest(login, repositoryName, reference)(env)()
    if (E.isLeft(full)) return E.left(fatal(full.left))
    return E.right(O.some({ digest: full.right.digest, mediaType: full.right.mediaType, size: Buffer.byteLength(full.right.text, 'utf8') }))
  }))

/**
 * Stores a manifest under a tag or digest; returns its digest (checked against a digest reference
 * before anything is sent, and against the registry's `Docker-Content-Digest`). An empty media
 * type is an `InvalidArgument`.
 */
export const putManifest = (
  login: EcrLogin,
  repositoryName: RepositoryName,
  reference: Reference,
  text: string,
  mediaType: string
): RegistryHttp<ImageDigest> => {
  const bytes = Buffer.from(text, 'utf8')
  const algorithm = isImageDigest(reference) ? (algorithmOf(reference) ?? 'sha256') : 'sha256'
  const digest = digestOf(bytes, algorithm) as ImageDigest
  const where = { subject: referenceId(repositoryName, reference), operation: 'PUT manifest' }
  if (isImageDigest(reference) && reference !== digest) return failWith(EcrError.digestMismatch(reference, digest, where))
  if (mediaType.trim() === '') return failWith(EcrError.invalidArgument('a manifest needs a media type'))
  return paced(['PutImage'], `PUT manifest ${referenceId(repositoryName, reference)}`, operation(login, `PUT manifest ${referenceId(repositoryName, reference)}`, async (env, t) => {
    const url = manifestUrl(t, repositoryName, reference)
    const res = await exchange(env, t, {
      transport: viaFetch,
      method: 'PUT',
      url,
      headers: { 'content-type': mediaType },
      body: () => E.right(bytes)
    })
    if (E.isLeft(res)) return res
    const wire = res.right
    if (wire.status !== 201 && wire.status !== 200) return E.left(await statusFailure('PUT', wire))
    await wire.discard()
    const claimed = claimedDigest(wire, algorithm)
    if (claimed !== undefined && claimed !== digest) {
      const shown = wire.redact.text(claimed)
      return E.left(
        fatal(EcrError.digestMismatch(digest, shown, { ...where, message: `the registry stored the manifest as ${shown}, expected ${digest}` }))
      )
    }
    return E.right(digest)
  }))
}

// -------------------------------------------------------------------------------------
// referrers
// -------------------------------------------------------------------------------------

/** One page of the referrers API: the index's text, and the next page's URL (`Link: <...>; rel="next"`). */
export interface ReferrersPage {
  readonly text: string
  readonly next?: string
}

/** The target of a `Link` header's `rel="next"` entry, resolved against `base`; `undefined` when none. */
export const nextLink = (link: string | undefined, base: string): string | undefined => {
  if (link === undefined) return undefined
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part)
    if (m === null || !/;\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(m[2] ?? '')) continue
    try {
      return new URL(m[1] ?? '', base).toString()
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * One page of `GET /v2/<name>/referrers/<digest>` (OCI 1.1), `artifactType=` in the query when
 * given; `pageUrl` (a `Link` the previous page gave) instead of the first page. `None`: the registry
 * has no referrers API (a 404 that is not `NAME_UNKNOWN`; docker-registry 2.8 answers a plain 404
 * for the unknown route). A missing repository (`NAME_UNKNOWN`) is `NotFound('Repository')`.
 */
export const getReferrersPage = (
  login: EcrLogin,
  repositoryName: RepositoryName,
  digest: ImageDigest,
  options: { readonly artifactType?: string; readonly pageUrl?: string } = {}
): RegistryHttp<O.Option<ReferrersPage>> =>
  operation(login, `GET referrers ${repositoryName}@${digest}`, async (env, t) => {
    const first = `${t.base}/v2/${repositoryName}/referrers/${digest}`
    const url =
      options.pageUrl ?? (options.artifactType === undefined ? first : `${first}?artifactType=${encodeURIComponent(options.artifactType)}`)
    const res = await exchange(env, t, { transport: viaFetch, method: 'GET', url, headers: { accept: MediaType.ociIndex } })
    if (E.isLeft(res)) return res
    const wire = res.right
    if (wire.status === 404) {
      const failure = await statusFailure('GET', wire)
      return /\bNAME_UNKNOWN\b/.test(EcrError.message(failure.error))
        ? E.left(fatal(EcrError.notFound('Repository', repositoryName)))
        : E.right(O.none)
    }
    if (wire.status !== 200) return E.left(await statusFailure('GET', wire))
    const bytes = await wire.bytes(MAX_MANIFEST_BYTES)
    if (E.isLeft(bytes))
      return E.left(
        bytes.left === 'too-large'
          ? fatal(EcrError.httpError('GET', wire.redact.url(url), 200, `referrers index larger than ${MAX_MANIFEST_BYTES} bytes`))
          : networkFailure('GET', url, bytes.left.error, wire.redact)
      )
    const next = nextLink(wire.header('link'), wire.url)
    return E.right(O.some({ text: bytes.right.toString('utf8'), ...(next === undefined ? {} : { next }) }))
  })

// -------------------------------------------------------------------------------------
// blobs
// -------------------------------------------------------------------------------------

/**
 * A blob GET through `transport`, its 404 (`NotFound('Layer')`) and other non-200 answers handled;
 * `read` takes the 200 answer. Shared by the buffered read here and the streamed one (whose `hold`
 * keeps the request's permit until the stream is done).
 */
export const blobOperation = <W extends Answer, A>(
  login: EcrLogin,
  repositoryName: RepositoryName,
  digest: ImageDigest,
  transport: Transport<W>,
  read: (wire: W & Wire) => Attempt<A>,
  hold?: (a: A, release: Release, env: RegistryHttpEnv) => void
): RegistryHttp<A> =>
  paced(['GetDownloadUrlForLayer'], `GET blob ${repositoryName}@${digest}`, operation(
    login,
    `GET blob ${repositoryName}@${digest}`,
    async (env, t) => {
    const res = await exchange(env, t, { transport, method: 'GET', url: blobUrl(t, repositoryName, digest) })
    if (E.isLeft(res)) return res
    const wire = res.right
    if (wire.status === 404) {
      await wire.discard()
      return E.left(fatal(EcrError.notFound('Layer', `${repositoryName}@${digest}`)))
    }
    if (wire.status !== 200) return E.left(await statusFailure('GET', wire))
    return read(wire)
    },
    hold
  ))

/**
 * A (small) blob, buffered and verified against its digest, and against `expectedSize` when given
 * (`DigestMismatch`); bigger than `maxBytes` (default 64 MiB): `InvalidArgument`. 404:
 * `NotFound('Layer')`.
 */
export const getBlob = (
  login: EcrLogin,
  repositoryName: RepositoryName,
  digest: ImageDigest,
  options: GetBlobOptions = {}
): RegistryHttp<Buffer> => {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BLOB_BYTES
  return blobOperation(login, repositoryName, digest, viaFetch, async (wire) => {
    const declared = contentLength(wire)
    const tooLarge = fatal(EcrError.invalidArgument(`blob ${digest} is larger than ${maxBytes} bytes; stream it with openBlob instead`))
    const where = { subject: `${repositoryName}@${digest}`, operation: 'GET blob' }
    const lying = await declaredSizeFailure(wire, digest, options.expectedSize, where)
    if (E.isLeft(lying)) return lying
    if (declared !== undefined && declared > maxBytes) {
      await wire.discard()
      return E.left(tooLarge)
    }
    const bytes = await wire.bytes(maxBytes)
    if (E.isLeft(bytes)) return E.left(bytes.left === 'too-large' ? tooLarge : networkFailure('GET', wire.url, bytes.left.error, wire.redact))
    const actual = digestOf(bytes.right, algorithmOf(digest) ?? 'sha256')
    if (actual !== digest) return E.left(fatal(EcrError.digestMismatch(digest, actual, where)))
    if (options.expectedSize !== undefined && bytes.right.length !== options.expectedSize)
      return E.left(fatal(sizeMismatch(digest, options.expectedSize, bytes.right.length, where)))
    return E.right(bytes.right)
  })
}

/**
 * The size of a blob, or `None` when the registry does not have it. A redirect is followed by HEAD
 * (without credentials off the registry's origin); when the target will not answer a HEAD (a
 * pre-signed URL signed for GET), a one-byte ranged GET tells the size.
 */
export const headBlob = (login: EcrLogin, repositoryName: RepositoryName, digest: ImageDigest): RegistryHttp<O.Option<number>> =>
  paced(['BatchCheckLayerAvailability'], `HEAD blob ${repositoryName}@${digest}`, operation(login, `HEAD blob ${repositoryName}@${digest}`, async (env, t) => {
    const url = blobUrl(t, repositoryName, digest)
    const first = await exchange(env, t, { transport: viaFetch, method: 'HEAD', url })
    if (E.isLeft(first)) return first
    const wire = first.right
    await wire.discard()
    if (wire.status === 404) return E.right(O.none)
    const size = contentLength(wire)
    if (wire.status === 200 && size !== undefined) return E.right(O.some(size))
    const redirected = wire.url !== url
    if (!(wire.status === 200 || (redirected && (wire.status === 403 || wire.status === 405 || wire.status === 400))))
      return E.left(await statusFailure('HEAD', wire))
    // the blob exists but its size is not known yet: ask for one byte
    const ranged = await exchange(env, t, { transport: viaFetch, method: 'GET', url, headers: { range: 'bytes=0-0' } })
    if (E.isLeft(ranged)) return ranged
    const r = ranged.right
    if (r.status === 404) {
      await r.discard()
      return E.right(O.none)
    }
    if (r.status === 206) {
      const total = /\/(\d+)\s*$/.exec(r.header('content-range') ?? '')?.[1]
      await r.discard()
      if (total !== undefined) return E.right(O.some(Number(total)))
      return E.left(fatal(EcrError.httpError('GET', r.redact.url(r.url), 206, 'a ranged answer without the total size')))
    }
    if (r.status === 200) {
      const n = contentLength(r)
      await r.discard()
      if (n !== undefined) return E.right(O.some(n))
      return E.left(fatal(EcrError.httpError('GET', r.redact.url(r.url), 200, 'the blob size is not known (no Content-Length)')))
    }
    return E.left(await statusFailure('GET', r))
  }))

/** Best effort: DELETE an upload session nobody will use. */
const cancelUpload = async (env: RegistryHttpEnv, t: Target, location: string, base: string): Promise<void> => {
  try {
    const url = new URL(location, base).toString()
    const res = await exchange(env, t, { transport: viaFetch, method: 'DELETE', url })
    if (E.isRight(res)) await res.right.discard()
  } catch {
    // ignored: the registry expires abandoned sessions
  }
}

/**
 * Tries to mount `digest` from `fromRepository` (same registry): `true` when the registry mounted it
 * (201). `false` when it opened an upload instead (202); that upload session is cancelled.
 */
export const mountBlob = (
  login: EcrLogin,
  repositoryName: RepositoryName,
  digest: ImageDigest,
  fromRepository: RepositoryName
): RegistryHttp<boolean> =>
  paced(['InitiateLayerUpload'], `mount blob ${digest} into ${repositoryName}`, operation(login, `mount blob ${digest} into ${repositoryName}`, async (env, t) => {
    const url = `${uploadsUrl(t, repositoryName)}?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromRepository)}`
    const res = await exchange(env, t, { transport: viaFetch, method: 'POST', url, body: () => E.right(undefined) })
    if (E.isLeft(res)) return res
    const wire = res.right
    if (wire.status === 201) {
      await wire.discard()
      return E.right(true)
    }
    if (wire.status === 202) {
      await wire.discard()
      const location = wire.header('location')
      if (location !== undefined && location !== '') await cancelUpload(env, t, location, wire.url)
      return E.right(false)
    }
    return E.left(await statusFailure('POST', wire))
  }))
