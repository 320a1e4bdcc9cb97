/**
 * The registry (OCI distribution) HTTP API client over `env.fetch`: manifests and small blobs at a
 * login's `proxyEndpoint`, with Basic auth sent only to the registry's own origin, redirects
 * followed by hand, digests verified, and transient failures retried. It never loads undici:
 * streamed blob transfers (`openBlob`, `uploadBlob`) live in `registryStream`, which plugs its
 * dispatcher transport into the same exchange, retry and error helpers exported here.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import { Readable } from 'node:stream'
import type { EcrLogin, HttpEnv, Logger } from '../Env'
import * as EcrError from '../EcrError'
import { isImageDigest, isImageTag, isRepositoryName, type ImageDigest } from '../Primitives'
import { acceptManifests } from './mediaType'
import { redactUrl } from './redact'
import { httpDefault, retrying, type RetryPolicy } from './retry'
import { algorithmOf, digestOf } from './sha256Stream'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What the registry client reads from the environment. */
export interface RegistryHttpEnv extends HttpEnv {
  readonly logger?: Logger
  /** Retry policy for transient failures (default: `retry.httpDefault`). */
  readonly retryPolicy?: RetryPolicy
}

export type RegistryHttp<A> = RTE.ReaderTaskEither<RegistryHttpEnv, EcrError.EcrError, A>

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

// -------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------

/** Manifests larger than this are refused (the OCI spec asks registries to accept at least 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024

/** Default ceiling for `getBlob`, which buffers (config blobs are small). */
export const DEFAULT_MAX_BLOB_BYTES = 64 * 1024 * 1024

/** Redirects followed per request. */
export const MAX_REDIRECTS = 5

const MAX_ERROR_BODY = 64 * 1024

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504])

const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308])

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT'
])

// -------------------------------------------------------------------------------------
// failures
// -------------------------------------------------------------------------------------

/** One attempt's failure: the error, whether another attempt may help, and the server's wish. */
export interface Failure {
  readonly error: EcrError.EcrError
  readonly retryable: boolean
  readonly retryAfterMs?: number
}

export type Attempt<A> = Promise<E.Either<Failure, A>>

export const fatal = (error: EcrError.EcrError): Failure => ({ error, retryable: false })

const errorCodeOf = (e: unknown): string | undefined => {
  let cur: unknown = e
  for (let i = 0; i < 4 && typeof cur === 'object' && cur !== null; i++) {
    const code = (cur as { code?: unknown }).code
    if (typeof code === 'string') return code
    cur = (cur as { cause?: unknown }).cause
  }
  return undefined
}

export const errorText = (e: unknown): string => {
  const code = errorCodeOf(e)
  const msg = e instanceof Error ? e.message : String(e)
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : undefined
  return [msg, cause, code === undefined ? undefined : `(${code})`].filter((s) => s !== undefined && s !== '').join(': ')
}

/** What `Env.make`'s default fetch fails with when the runtime has no global `fetch`. */
const NO_GLOBAL_FETCH = 'ERR_ECR_NO_GLOBAL_FETCH'

/**
 * A request that did not get an answer (status 0); retryable for connection resets, refusals and
 * timeouts. A missing global `fetch` is the environment's fault: an `InvalidArgument`, not retried.
 */
const networkFailure = (method: string, url: string, e: unknown): Failure => {
  const code = errorCodeOf(e)
  if (code === NO_GLOBAL_FETCH) return fatal(EcrError.invalidArgument(e instanceof Error ? e.message : String(e)))
  const retryable =
    (code !== undefined && TRANSIENT_CODES.has(code)) ||
    (e instanceof Error && (e.name === 'TimeoutError' || /other side closed|socket hang up/i.test(e.message)))
  return { error: EcrError.httpError(method, url, 0, `network error: ${errorText(e)}`), retryable }
}

const parseRetryAfter = (value: string | undefined, now: number = Date.now()): number | undefined => {
  if (value === undefined) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const t = Date.parse(v)
  return Number.isNaN(t) ? undefined : Math.max(0, t - now)
}

/** `CODE: message` of an OCI error body (`{"errors":[{"code","message"}]}`), else a short excerpt. */
export const ociErrorMessage = (status: number, body: string): string => {
  try {
    const json: unknown = JSON.parse(body)
    const errors = (json as { errors?: unknown }).errors
    if (Array.isArray(errors) && errors.length > 0) {
      const parts = errors.map((e: unknown) => {
        const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'UNKNOWN'
        const message = typeof (e as { message?: unknown })?.message === 'string' ? (e as { message: string }).message : ''
        return message === '' ? code : `${code}: ${message}`
      })
      return parts.join('; ')
    }
  } catch {
    // not JSON: fall through
  }
  const excerpt = body.replace(/\s+/g, ' ').trim().slice(0, 200)
  return excerpt === '' ? `HTTP ${status}` : `HTTP ${status}: ${excerpt}`
}

// -------------------------------------------------------------------------------------
// wire: one request, any transport
// -------------------------------------------------------------------------------------

/** A response of any transport, read the same way. */
export interface Wire {
  readonly status: number
  readonly url: string
  readonly header: (name: string) => string | undefined
  /** The body as bytes, at most `limit` of them (`too-large` otherwise). */
  readonly bytes: (limit: number) => Promise<E.Either<'too-large' | { readonly error: unknown }, Buffer>>
  /** The body as a Node stream (fetch bodies are converted). */
  readonly stream: () => Readable
  /** Drops the body so the connection can be reused. */
  readonly discard: () => Promise<void>
}

const readWebStream = async (
  body: ReadableStream<Uint8Array> | null,
  limit: number
): Promise<E.Either<'too-large' | { readonly error: unknown }, Buffer>> => {
  if (body === null) return E.right(Buffer.alloc(0))
  const reader = body.getReader()
  const chunks: Array<Uint8Array> = []
  let n = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      n += value.byteLength
      if (n > limit) {
        await reader.cancel().catch(() => undefined)
        return E.left('too-large')
      }
      chunks.push(value)
    }
  } catch (error) {
    return E.left({ error })
  }
  return E.right(Buffer.concat(chunks))
}

export const readNodeStream = async (
  body: Readable,
  limit: number
): Promise<E.Either<'too-large' | { readonly error: unknown }, Buffer>> => {
  const chunks: Array<Buffer> = []
  let n = 0
  try {
    for await (const chunk of body) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
      n += buf.length
      if (n > limit) {
        body.destroy()
        return E.left('too-large')
      }
      chunks.push(buf)
    }
  } catch (error) {
    return E.left({ error })
  }
  return E.right(Buffer.concat(chunks))
}

const fromFetch = (url: string, res: Response): Wire => ({
  status: res.status,
  url,
  header: (name) => res.headers.get(name) ?? undefined,
  bytes: (limit) => readWebStream(res.body, limit),
  stream: () =>
    res.body === null
      ? Readable.from([])
      : Readable.fromWeb(res.body as unknown as import('node:stream/web').ReadableStream<Uint8Array>),
  discard: async () => {
    try {
      await res.body?.cancel()
    } catch {
      // already consumed or errored: nothing to release
    }
  }
})

/** A request body for one hop; `undefined` for none. */
export type HopBody = string | Uint8Array | Readable | undefined

export interface Hop {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: HopBody
}

/**
 * How one hop reaches the network: `viaFetch` here, undici's dispatcher in `registryStream`. Resolves
 * to the response whatever its status; `E.left` with the raw error when no answer came.
 */
export type Transport = (env: RegistryHttpEnv, hop: Hop) => Promise<E.Either<unknown, Wire>>

/** One hop through `env.fetch`, redirects left to `exchange`. */
export const viaFetch: Transport = async (env, hop) => {
  try {
    const init: RequestInit = { method: hop.method, headers: { ...hop.headers }, redirect: 'manual' }
    if (hop.body !== undefined) init.body = hop.body as BodyInit
    const res = await env.fetch(hop.url, init)
    return E.right(fromFetch(hop.url, res))
  } catch (e) {
    return E.left(e)
  }
}

// -------------------------------------------------------------------------------------
// registry target
// -------------------------------------------------------------------------------------

export interface Target {
  /** `proxyEndpoint` without a trailing `/`. */
  readonly base: string
  /** Only requests to this origin carry the Authorization header. */
  readonly origin: string
  readonly authorization: string
}

const targetOf = (login: EcrLogin): E.Either<EcrError.EcrError, Target> => {
  try {
    const u = new URL(login.proxyEndpoint)
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      return E.left(EcrError.invalidArgument(`the registry endpoint must be http(s): ${redactUrl(login.proxyEndpoint)}`))
    const base = `${u.origin}${u.pathname}`.replace(/\/+$/, '')
    return E.right({
      base,
      origin: u.origin,
      authorization: `Basic ${Buffer.from(`${login.username}:${login.password}`, 'utf8').toString('base64')}`
    })
  } catch {
    return E.left(EcrError.invalidArgument(`not a valid registry endpoint: ${redactUrl(String(login.proxyEndpoint))}`))
  }
}

export const checkRepository = (repositoryName: string): E.Either<EcrError.EcrError, string> =>
  isRepositoryName(repositoryName)
    ? E.right(repositoryName)
    : E.left(EcrError.invalidArgument(`not a valid repository name: ${JSON.stringify(String(repositoryName).slice(0, 300))}`))

const checkReference = (reference: string): E.Either<EcrError.EcrError, string> =>
  isImageTag(reference) || isImageDigest(reference)
    ? E.right(reference)
    : E.left(EcrError.invalidArgument(`not a valid tag or digest: ${JSON.stringify(String(reference).slice(0, 300))}`))

export const checkDigest = (digest: string): E.Either<EcrError.EcrError, ImageDigest> =>
  isImageDigest(digest)
    ? E.right(digest)
    : E.left(EcrError.invalidArgument(`not a valid digest: ${JSON.stringify(String(digest).slice(0, 300))}`))

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

// -------------------------------------------------------------------------------------
// exchange: redirects, status classification, retries
// -------------------------------------------------------------------------------------

export interface Exchange {
  readonly transport: Transport
  readonly method: string
  readonly url: string
  readonly headers?: Readonly<Record<string, string>>
  /** Called for every hop that sends a body; `E.left` when the body cannot be sent again. */
  readonly body?: () => E.Either<Failure, HopBody>
}

/**
 * Sends a request and follows redirects by hand (at most `MAX_REDIRECTS`), with the Authorization
 * header only for the registry's origin. Resolves to the final response, whatever its status.
 */
export const exchange = async (env: RegistryHttpEnv, target: Target, x: Exchange): Attempt<Wire> => {
  let method = x.method
  let url = x.url
  let withBody = x.body !== undefined
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { ...(x.headers ?? {}) }
    if (originOf(url) === target.origin) headers['authorization'] = target.authorization
    let body: HopBody = undefined
    if (withBody && x.body !== undefined) {
      const b = x.body()
      if (E.isLeft(b)) return b
      body = b.right
    }
    if (!withBody) {
      delete headers['content-type']
      delete headers['content-length']
    }
    const res = await x.transport(env, { method, url, headers, body })
    if (E.isLeft(res)) {
      env.logger?.debug('registry request failed', { method, url: redactUrl(url), error: errorCodeOf(res.left) })
      return E.left(networkFailure(method, url, res.left))
    }
    const wire = res.right
    env.logger?.debug('registry request', { method, url: redactUrl(url), status: wire.status })
    if (!REDIRECT_STATUS.has(wire.status)) return E.right(wire)
    const location = wire.header('location')
    await wire.discard()
    if (location === undefined || location === '')
      return E.left(fatal(EcrError.httpError(method, url, wire.status, 'redirect without a Location header')))
    if (hop >= MAX_REDIRECTS)
      return E.left(fatal(EcrError.httpError(method, url, wire.status, `more than ${MAX_REDIRECTS} redirects`)))
    let next: string
    try {
      next = new URL(location, url).toString()
    } catch {
      return E.left(fatal(EcrError.httpError(method, url, wire.status, 'redirect to an invalid Location')))
    }
    if (!/^https?:$/.test(new URL(next).protocol))
      return E.left(fatal(EcrError.httpError(method, url, wire.status, 'redirect to a non-HTTP location')))
    if (wire.status === 303 || ((wire.status === 301 || wire.status === 302) && method === 'POST')) {
      if (method !== 'HEAD') method = 'GET'
      withBody = false
    }
    url = next
  }
}

/** The failure for a status the operation does not handle itself. */
export const statusFailure = async (method: string, wire: Wire): Promise<Failure> => {
  const status = wire.status
  const raw = method === 'HEAD' ? E.right(Buffer.alloc(0)) : await wire.bytes(MAX_ERROR_BODY)
  if (E.isLeft(raw)) await wire.discard()
  const body = E.isRight(raw) ? raw.right.toString('utf8') : ''
  if (status === 401) {
    const challenge = wire.header('www-authenticate') ?? ''
    if (/^\s*bearer\b/i.test(challenge))
      return fatal(
        EcrError.httpError(
          method,
          wire.url,
          401,
          'the registry asks for Bearer token authentication, which is not supported (only Basic auth with an ECR login)'
        )
      )
    return fatal(EcrError.httpError(method, wire.url, 401, `unauthorized: ${ociErrorMessage(status, body)}`))
  }
  if (status === 403) return fatal(EcrError.httpError(method, wire.url, 403, `forbidden: ${ociErrorMessage(status, body)}`))
  const retryAfter = parseRetryAfter(wire.header('retry-after'))
  return {
    error: EcrError.httpError(method, wire.url, status, ociErrorMessage(status, body)),
    retryable: RETRYABLE_STATUS.has(status),
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter })
  }
}

/** Runs `attempt` under the environment's retry policy; retryable failures are tried again. */
const withRetries = async <A>(env: RegistryHttpEnv, what: string, attempt: () => Attempt<A>): Promise<E.Either<EcrError.EcrError, A>> => {
  const result = await retrying<Failure, A>(
    env.retryPolicy ?? httpDefault,
    () => () =>
      attempt().catch((e: unknown) => E.left<Failure, A>(fatal(EcrError.httpError('?', what, 0, `unexpected failure: ${errorText(e)}`)))),
    (r) => E.isLeft(r) && r.left.retryable,
    {
      delayHint: (r) => (E.isLeft(r) ? r.left.retryAfterMs : undefined),
      onRetry: (r, delayMs, status) => {
        if (E.isLeft(r))
          env.logger?.warn('registry request will be retried', {
            what,
            error: EcrError.message(r.left.error),
            attempt: status.iterNumber + 1,
            delayMs: Math.round(delayMs)
          })
      }
    }
  )()
  return E.isLeft(result) ? E.left(result.left.error) : result
}

/** One operation: validate, then attempt (with retries) against the login's registry. */
export const operation =
  <A>(
    login: EcrLogin,
    what: string,
    validate: () => E.Either<EcrError.EcrError, unknown>,
    attempt: (env: RegistryHttpEnv, target: Target) => Attempt<A>
  ): RegistryHttp<A> =>
  (env) =>
  async () => {
    try {
      const ok = validate()
      if (E.isLeft(ok)) return ok
      const target = targetOf(login)
      if (E.isLeft(target)) return target
      return await withRetries(env, what, () => attempt(env, target.right))
    } catch (e) {
      return E.left(EcrError.httpError('?', what, 0, `unexpected failure: ${errorText(e)}`))
    }
  }

const manifestUrl = (t: Target, repo: string, reference: string): string => `${t.base}/v2/${repo}/manifests/${reference}`

export const blobUrl = (t: Target, repo: string, digest: string): string => `${t.base}/v2/${repo}/blobs/${digest}`

export const uploadsUrl = (t: Target, repo: string): string => `${t.base}/v2/${repo}/blobs/uploads/`

export const contentLength = (wire: Wire): number | undefined => {
  const v = wire.header('content-length')
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined
  return Number(v.trim())
}

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

const referenceId = (repo: string, reference: string): string =>
  isImageDigest(reference) ? `${repo}@${reference}` : `${repo}:${reference}`

// -------------------------------------------------------------------------------------
// manifests
// -------------------------------------------------------------------------------------

/**
 * A manifest by tag or digest, with its digest computed from the bytes (a digest reference that
 * does not match is a `DigestMismatch`). 404: `NotFound('Image')`.
 */
export const getManifest = (login: EcrLogin, repositoryName: string, reference: string): RegistryHttp<Manifest> =>
  operation(
    login,
    `GET manifest ${referenceId(repositoryName, reference)}`,
    () => E.flatMap(checkRepository(repositoryName), () => checkReference(reference)),
    async (env, t) => {
      const url = manifestUrl(t, repositoryName, reference)
      const res = await exchange(env, t, { transport: viaFetch, method: 'GET', url, headers: { accept: acceptManifests } })
      if (E.isLeft(res)) return res
      const wire = res.right
      if (wire.status === 404) {
        await wire.discard()
        return E.left(fatal(EcrError.notFound('Image', referenceId(repositoryName, reference))))
      }
      if (wire.status !== 200) return E.left(await statusFailure('GET', wire))
      const bytes = await wire.bytes(MAX_MANIFEST_BYTES)
      if (E.isLeft(bytes))
        return E.left(
          bytes.left === 'too-large'
            ? fatal(EcrError.httpError('GET', url, 200, `manifest larger than ${MAX_MANIFEST_BYTES} bytes`))
            : networkFailure('GET', url, bytes.left.error)
        )
      return manifestFromBytes(bytes.right, reference, wire)
    }
  )

const manifestFromBytes = (bytes: Buffer, reference: string, wire: Wire): E.Either<Failure, Manifest> => {
  const algorithm = isImageDigest(reference) ? (algorithmOf(reference) ?? 'sha256') : 'sha256'
  const digest = digestOf(bytes, algorithm) as ImageDigest
  if (isImageDigest(reference) && digest !== reference) return E.left(fatal(EcrError.digestMismatch(reference, digest)))
  const claimed = wire.header('docker-content-digest')?.trim()
  if (claimed !== undefined && claimed !== '' && algorithmOf(claimed) === algorithm && claimed !== digest)
    return E.left(fatal(EcrError.digestMismatch(claimed, digest, `manifest digest mismatch: the registry says ${claimed}, the bytes hash to ${digest}`)))
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
 * Whether a manifest exists, with its digest, media type and size; 404: `None`. When the registry
 * does not send `Docker-Content-Digest`, the manifest is fetched to compute it.
 */
export const headManifest = (login: EcrLogin, repositoryName: string, reference: string): RegistryHttp<O.Option<ManifestHead>> =>
  operation(
    login,
    `HEAD manifest ${referenceId(repositoryName, reference)}`,
    () => E.flatMap(checkRepository(repositoryName), () => checkReference(reference)),
    async (env, t) => {
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
          return E.left(fatal(EcrError.digestMismatch(reference, claimed)))
        return E.right(O.some({ digest: claimed, mediaType, size }))
      }
      const full = await getManifest(login, repositoryName, reference)(env)()
      if (E.isLeft(full)) return E.left(fatal(full.left))
      return E.right(
        O.some({ digest: full.right.digest, mediaType: full.right.mediaType, size: Buffer.byteLength(full.right.text, 'utf8') })
      )
    }
  )

/**
 * Stores a manifest under a tag or digest; returns its digest (checked against a digest reference
 * and against the registry's `Docker-Content-Digest`).
 */
export const putManifest = (
  login: EcrLogin,
  repositoryName: string,
  reference: string,
  text: string,
  mediaType: string
): RegistryHttp<ImageDigest> => {
  const bytes = Buffer.from(text, 'utf8')
  const algorithm = isImageDigest(reference) ? (algorithmOf(reference) ?? 'sha256') : 'sha256'
  const digest = digestOf(bytes, algorithm) as ImageDigest
  return operation(
    login,
    `PUT manifest ${referenceId(repositoryName, reference)}`,
    () =>
      E.flatMap(
        E.flatMap(checkRepository(repositoryName), () => checkReference(reference)),
        (): E.Either<EcrError.EcrError, unknown> =>
          isImageDigest(reference) && reference !== digest
            ? E.left(EcrError.digestMismatch(reference, digest))
            : typeof mediaType !== 'string' || mediaType.trim() === ''
              ? E.left(EcrError.invalidArgument('a manifest needs a media type'))
              : E.right(undefined)
      ),
    async (env, t) => {
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
      const claimed = wire.header('docker-content-digest')?.trim()
      if (claimed !== undefined && claimed !== '' && algorithmOf(claimed) === algorithm && claimed !== digest)
        return E.left(fatal(EcrError.digestMismatch(digest, claimed, `the registry stored the manifest as ${claimed}, expected ${digest}`)))
      return E.right(digest)
    }
  )
}

// -------------------------------------------------------------------------------------
// blobs
// -------------------------------------------------------------------------------------

/**
 * A blob GET through `transport`, its 404 (`NotFound('Layer')`) and other non-200 answers handled;
 * `read` takes the 200 answer. Shared by the buffered read here and the streamed one.
 */
export const blobOperation = <A>(
  login: EcrLogin,
  repositoryName: string,
  digest: string,
  transport: Transport,
  read: (wire: Wire) => Attempt<A>
): RegistryHttp<A> =>
  operation(
    login,
    `GET blob ${repositoryName}@${digest}`,
    () => E.flatMap(checkRepository(repositoryName), () => checkDigest(digest)),
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
    }
  )

/**
 * A (small) blob, buffered and verified against its digest; bigger than `maxBytes` (default
 * 64 MiB): `InvalidArgument`. 404: `NotFound('Layer')`.
 */
export const getBlob = (
  login: EcrLogin,
  repositoryName: string,
  digest: string,
  options: { readonly maxBytes?: number } = {}
): RegistryHttp<Buffer> => {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BLOB_BYTES
  return blobOperation(login, repositoryName, digest, viaFetch, async (wire) => {
    const declared = contentLength(wire)
    const tooLarge = fatal(
      EcrError.invalidArgument(`blob ${digest} is larger than ${maxBytes} bytes; stream it with openBlob instead`)
    )
    if (declared !== undefined && declared > maxBytes) {
      await wire.discard()
      return E.left(tooLarge)
    }
    const bytes = await wire.bytes(maxBytes)
    if (E.isLeft(bytes)) return E.left(bytes.left === 'too-large' ? tooLarge : networkFailure('GET', wire.url, bytes.left.error))
    const actual = digestOf(bytes.right, algorithmOf(digest) ?? 'sha256')
    if (actual !== digest) return E.left(fatal(EcrError.digestMismatch(digest, actual)))
    return E.right(bytes.right)
  })
}

/**
 * The size of a blob, or `None` when the registry does not have it. A redirect is followed by HEAD
 * (without credentials off the registry's origin); when the target will not answer a HEAD (a
 * pre-signed URL signed for GET), a one-byte ranged GET tells the size.
 */
export const headBlob = (login: EcrLogin, repositoryName: string, digest: string): RegistryHttp<O.Option<number>> =>
  operation(
    login,
    `HEAD blob ${repositoryName}@${digest}`,
    () => E.flatMap(checkRepository(repositoryName), () => checkDigest(digest)),
    async (env, t) => {
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
        return E.left(fatal(EcrError.httpError('GET', r.url, 206, 'a ranged answer without the total size')))
      }
      if (r.status === 200) {
        const n = contentLength(r)
        await r.discard()
        if (n !== undefined) return E.right(O.some(n))
        return E.left(fatal(EcrError.httpError('GET', r.url, 200, 'the blob size is not known (no Content-Length)')))
      }
      return E.left(await statusFailure('GET', r))
    }
  )

/**
 * Tries to mount `digest` from `fromRepository` (same registry): `true` when the registry mounted it
 * (201). `false` when it opened an upload instead (202); that upload session is cancelled.
 */
export const mountBlob = (
  login: EcrLogin,
  repositoryName: string,
  digest: string,
  fromRepository: string
): RegistryHttp<boolean> =>
  operation(
    login,
    `mount blob ${digest} into ${repositoryName}`,
    () => E.flatMap(E.flatMap(checkRepository(repositoryName), () => checkRepository(fromRepository)), () => checkDigest(digest)),
    async (env, t) => {
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
    }
  )

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

/** `location` with `name=value` appended to its query, the existing query kept byte for byte. */
export const withQueryParam = (location: string, name: string, value: string): string => {
  const hash = location.indexOf('#')
  const bare = hash >= 0 ? location.slice(0, hash) : location
  const sep = bare.includes('?') ? (bare.endsWith('?') || bare.endsWith('&') ? '' : '&') : '?'
  return `${bare}${sep}${encodeURIComponent(name)}=${encodeURIComponent(value)}`
}
