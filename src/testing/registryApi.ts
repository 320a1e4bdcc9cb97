/**
 * The registry HTTP API (OCI distribution) of the in-memory ECR twin at the registry's origin, plus
 * the storage origin blobs are redirected to: Basic auth with the login password, manifests by tag
 * or digest, blobs (direct or by redirect), chunked and monolithic uploads, cross-repository mounts
 * tag lists and the OCI 1.1 referrers API, over the same store as the ECR API. An archived image
 * cannot be pulled: its manifest and the blobs only archived images use answer 404, as in ECR.
 *
 * @since 0.1.0
 */
import { randomUUID } from 'crypto'
import * as E from 'fp-ts/Either'
import { isImageTag, isRepositoryName } from '../Primitives'
import type { HttpRequest, HttpResponse, Outcome, Serve } from './dispatcher'
import * as Storage from './storage'
import * as Store from './store'
import type { FaultAnswer, FaultCall } from './types'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** @internal */
export interface Context {
  readonly store: Store.Store
  readonly storage: Storage.Storage
  readonly registryOrigin: string
  readonly redirectBlobs: boolean
  readonly blobMounting: boolean
  /** Whether `GET /v2/<name>/referrers/<digest>` is served (else 404, as without the referrers API). */
  readonly referrersApi: boolean
  readonly latencyMs: number
  /** True when the Authorization header carries a valid, unexpired login. */
  readonly isAuthorized: (authorization: string | undefined) => boolean
  /** Whether a call of an ECR operation goes over its quota now (and counts it when not). */
  readonly overQuota: (operation: string) => boolean
  readonly record: (call: { readonly method: string; readonly url: string; readonly authorization: boolean }) => void
  readonly fault: (call: FaultCall) => FaultAnswer
}

// -------------------------------------------------------------------------------------
// responses
// -------------------------------------------------------------------------------------

const API_VERSION: readonly [string, string] = ['docker-distribution-api-version', 'registry/2.0']

const respond = (status: number, headers: ReadonlyArray<readonly [string, string]>, body?: Buffer): HttpResponse => ({
  status,
  headers: [API_VERSION, ...headers, ['content-length', String(body?.length ?? 0)]],
  body: body ?? Buffer.alloc(0)
})

const json = (status: number, value: unknown, headers: ReadonlyArray<readonly [string, string]> = []): HttpResponse =>
  respond(status, [['content-type', 'application/json; charset=utf-8'], ...headers], Buffer.from(JSON.stringify(value)))

/** @internal An OCI error body: `{"errors":[{"code","message","detail"}]}`. */
export const ociError = (
  status: number,
  code: string,
  message: string,
  detail?: unknown,
  headers: ReadonlyArray<readonly [string, string]> = []
): HttpResponse => json(status, { errors: [{ code, message, ...(detail === undefined ? {} : { detail }) }] }, headers)

const networkError = (code: string, message: string): Outcome => ({
  _tag: 'error',
  error: Object.assign(new Error(message), {
    code,
    errno: code === 'ECONNRESET' ? -104 : -3008,
    syscall: code === 'ECONNRESET' ? 'read' : 'getaddrinfo'
  })
})

const repositoryNotFound = (ctx: Context, name: string): HttpResponse =>
  ociError(
    404,
    'NAME_UNKNOWN',
    `The repository with name '${name}' does not exist in the registry with id '${ctx.store.accountId}'`
  )

const acceptsType = (accept: string | undefined, mediaType: string): boolean =>
  accept !== undefined &&
  accept
    .split(',')
    .map((a) => (a.split(';')[0] ?? '').trim().toLowerCase())
    .some((a) => a === '*/*' || a === mediaType || a === `${mediaType.split('/')[0]}/*`)

// -------------------------------------------------------------------------------------
// routes
// -------------------------------------------------------------------------------------

const decode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s)
  } catch {
    return undefined
  }
}

const withRepository = (
  ctx: Context,
  rawName: string,
  f: (repo: Store.RepositoryRecord) => HttpResponse
): HttpResponse => {
  const name = decode(rawName)
  if (name === undefined || !isRepositoryName(name))
    return ociError(400, 'NAME_INVALID', 'invalid repository name', { name: rawName })
  const repo = ctx.store.repositories.get(name)
  return repo === undefined ? repositoryNotFound(ctx, name) : f(repo)
}

const manifestHeaders = (image: Store.ImageRecord): ReadonlyArray<readonly [string, string]> => [
  ['content-type', image.mediaType],
  ['docker-content-digest', image.digest],
  ['etag', `"${image.digest}"`]
]

/** ECR's answer to a pull of an image that is archived or being restored: 404, saying why. */
const archivedManifest = (image: Store.ImageRecord, status: Store.ImageStatus): HttpResponse =>
  ociError(
    404,
    'MANIFEST_UNKNOWN',
    status === 'ACTIVATING'
      ? `The image with digest '${image.digest}' is being restored from archive and cannot be pulled until the restore completes`
      : `The image with digest '${image.digest}' is archived and cannot be pulled. Restore it with UpdateImageStorageClass (targetStorageClass STANDARD) first`,
    { digest: image.digest, imageStatus: status }
  )

const getManifest = (
  ctx: Context,
  request: HttpRequest,
  repo: Store.RepositoryRecord,
  reference: string
): HttpResponse => {
  const found = Store.findImage(repo, reference)
  if (found === undefined)
    return ociError(404, 'MANIFEST_UNKNOWN', 'Requested image not found', {
      Tag: reference.includes(':') ? undefined : reference
    })
  // By tag, an index goes only to a client that lists its type; others get one platform (by digest: never).
  const image =
    !reference.includes(':') &&
    Store.isIndexMediaType(found.mediaType) &&
    !acceptsType(request.headers.get('accept'), found.mediaType)
      ? Store.defaultChild(repo, found) ?? found
      : found
  const status = Store.statusOf(ctx.store, repo, image)
  if (status !== 'ACTIVE') return archivedManifest(image, status)
  if (request.method === 'GET') Store.recordPull(ctx.store, image)
  return respond(200, manifestHeaders(image), Buffer.from(image.manifest))
}

const putManifest = (
  ctx: Context,
  request: HttpRequest,
  repo: Store.RepositoryRecord,
  reference: string
): HttpResponse => {
  const contentType = request.headers.get('content-type')
  if (contentType === undefined || contentType.trim() === '')
    return ociError(
      400,
      'MANIFEST_INVALID',
      'manifest invalid',
      'a Content-Type header naming the manifest media type is required'
    )
  const text = request.body.toString('utf8')
  if (!Buffer.from(text).equals(request.body))
    return ociError(400, 'MANIFEST_INVALID', 'manifest invalid', 'the manifest is not UTF-8')
  const byDigest = reference.includes(':')
  if (!byDigest && !isImageTag(reference))
    return ociError(400, 'TAG_INVALID', 'manifest tag did not match URI', { tag: reference })
  const put = Store.putManifest(ctx.store, repo, {
    text,
    mediaType: contentType,
    ...(byDigest ? { digest: reference } : { tag: reference })
  })
  const stored = E.isRight(put)
    ? E.right(put.right)
    : put.left._tag === 'ImageAlreadyExists'
    ? E.right(repo.images.get(put.left.digest) as Store.ImageRecord)
    : E.left(put.left)
  if (E.isRight(stored)) {
    const digest = stored.right.digest
    const subject = stored.right.subject
    return respond(201, [
      ['location', `/v2/${repo.name}/manifests/${digest}`],
      ['docker-content-digest', digest],
      // OCI 1.1: a registry with the referrers API says it saw the subject
      ...(subject !== undefined && ctx.referrersApi ? [['oci-subject', subject] as const] : [])
    ])
  }
  const e = stored.left
  switch (e._tag) {
    case 'DigestMismatch':
      return ociError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', {
        expected: e.expected,
        actual: e.actual
      })
    case 'LayersNotFound':
      return ociError(400, 'MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digests: e.digests })
    case 'ReferencedImagesNotFound':
      return ociError(400, 'MANIFEST_BLOB_UNKNOWN', 'manifest references images that do not exist in the repository', {
        digests: e.digests
      })
    case 'TagImmutable':
      return ociError(
        400,
        'TAG_INVALID',
        `The image tag '${e.tag}' already exists in the '${e.repositoryName}' repository and cannot be overwritten because the repository is immutable.`
      )
    case 'InvalidManifest':
      return ociError(400, 'MANIFEST_INVALID', 'manifest invalid', e.reason)
    default:
      return ociError(400, 'MANIFEST_INVALID', 'manifest invalid')
  }
}

const deleteManifest = (repo: Store.RepositoryRecord, reference: string): HttpResponse => {
  if (!reference.includes(':')) return ociError(400, 'UNSUPPORTED', 'The operation is unsupported.', 'delete by digest')
  const image = repo.images.get(reference)
  if (image === undefined) return ociError(404, 'MANIFEST_UNKNOWN', 'Requested image not found')
  if (image.parents.size > 0)
    return ociError(400, 'DENIED', `Requested image referenced by manifest list: [${[...image.parents].join(', ')}]`)
  Store.deleteImage(repo, image)
  return respond(202, [])
}

const getBlob = (ctx: Context, request: HttpRequest, repo: Store.RepositoryRecord, digest: string): HttpResponse => {
  const blob = Store.getBlob(ctx.store, repo, digest)
  if (blob === undefined) return ociError(404, 'BLOB_UNKNOWN', 'blob unknown to registry', { digest })
  if (Store.isBlobArchived(ctx.store, repo, digest))
    return ociError(
      404,
      'BLOB_UNKNOWN',
      `The blob with digest '${digest}' belongs to archived images only and cannot be pulled. Restore an image that uses it first`,
      { digest }
    )
  if (ctx.redirectBlobs && request.method === 'GET')
    return respond(307, [
      ['location', Storage.presign(ctx.storage, digest, ctx.store.now())],
      ['docker-content-digest', digest]
    ])
  return Storage.bytesResponse(request, blob.bytes, [
    API_VERSION,
    ['content-type', 'application/octet-stream'],
    ['docker-content-digest', digest]
  ])
}

const uploadLocation = (repo: Store.RepositoryRecord, id: string) => `/v2/${repo.name}/blobs/uploads/${id}`

const rangeHeader = (size: number): string => `0-${Math.max(0, size - 1)}`

/** An answer about an upload: where it is, its id and the bytes received so far. */
const sessionResponse = (status: number, repo: Store.RepositoryRecord, session: Store.UploadSession): HttpResponse =>
  respond(status, [
    ['location', uploadLocation(repo, session.id)],
    ['docker-upload-uuid', session.id],
    ['range', rangeHeader(session.size)]
  ])

const blobCreated = (repo: Store.RepositoryRecord, digest: string): HttpResponse =>
  respond(201, [
    ['location', `/v2/${repo.name}/blobs/${digest}`],
    ['docker-content-digest', digest]
  ])

const digestInvalid = (expected: string, actual?: string) =>
  ociError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', {
    expected,
    ...(actual === undefined ? {} : { actual })
  })

const finishUpload = (
  ctx: Context,
  repo: Store.RepositoryRecord,
  bytes: Buffer,
  digest: string | null
): HttpResponse => {
  if (digest === null || !Store.DIGEST.test(digest)) return digestInvalid(digest ?? '')
  const actual = Store.sha256(bytes)
  if (actual !== digest) return digestInvalid(digest, actual)
  Store.addBlob(ctx.store, repo, bytes, digest)
  return blobCreated(repo, digest)
}

const newSession = (ctx: Context, repo: Store.RepositoryRecord): Store.UploadSession => {
  const session: Store.UploadSession = { id: randomUUID(), repositoryName: repo.name, chunks: [], size: 0 }
  ctx.store.uploads.set(session.id, session)
  return session
}

/** Adds `body` (when not empty) to the upload and answers 202 with where the next chunk goes. */
const acceptChunk = (repo: Store.RepositoryRecord, session: Store.UploadSession, body: Buffer): HttpResponse => {
  if (body.length > 0) {
    session.chunks.push(body)
    session.size += body.length
  }
  return sessionResponse(202, repo, session)
}

const startUpload = (ctx: Context, request: HttpRequest, repo: Store.RepositoryRecord): HttpResponse => {
  const q = request.url.searchParams
  const mount = q.get('mount')
  if (mount !== null) {
    const from = q.get('from')
    const source = from === null ? undefined : ctx.store.repositories.get(from)
    if (ctx.blobMounting && source !== undefined && source.blobs.has(mount) && ctx.store.blobs.has(mount)) {
      repo.blobs.add(mount)
      return blobCreated(repo, mount)
    }
    return sessionResponse(202, repo, newSession(ctx, repo))
  }
  const digest = q.get('digest')
  if (digest !== null) return finishUpload(ctx, repo, request.body, digest)
  return acceptChunk(repo, newSession(ctx, repo), request.body)
}

const withSession = (
  ctx: Context,
  repo: Store.RepositoryRecord,
  id: string,
  f: (session: Store.UploadSession) => HttpResponse
): HttpResponse => {
  const session = ctx.store.uploads.get(id)
  return session === undefined || session.repositoryName !== repo.name
    ? ociError(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { uuid: id })
    : f(session)
}

const patchUpload = (
  request: HttpRequest,
  repo: Store.RepositoryRecord,
  session: Store.UploadSession
): HttpResponse => {
  const contentRange = request.headers.get('content-range')
  if (contentRange !== undefined) {
    const m = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(contentRange.trim())
    if (m === null || Number(m[1]) !== session.size)
      return sessionResponse(416, repo, session)
  }
  return acceptChunk(repo, session, request.body)
}

const completeUpload = (
  ctx: Context,
  request: HttpRequest,
  repo: Store.RepositoryRecord,
  session: Store.UploadSession
): HttpResponse => {
  ctx.store.uploads.delete(session.id)
  const chunks = request.body.length > 0 ? [...session.chunks, request.body] : session.chunks
  const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)
  return finishUpload(ctx, repo, bytes, request.url.searchParams.get('digest'))
}

const listTags = (request: HttpRequest, repo: Store.RepositoryRecord): HttpResponse => {
  const all = [...repo.tags.keys()].sort()
  const last = request.url.searchParams.get('last')
  const nParam = request.url.searchParams.get('n')
  const from = last === null ? all : all.filter((t) => t > last)
  const n = nParam === null ? from.length : Math.max(0, Number(nParam) || 0)
  const page = from.slice(0, n)
  const more = from.length > page.length && page.length > 0
  const link: ReadonlyArray<readonly [string, string]> = more
    ? [
        [
          'link',
          `</v2/${repo.name}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1] as string)}>; rel="next"`
        ]
      ]
    : []
  return json(200, { name: repo.name, tags: page }, link)
}

/**
 * OCI 1.1 referrers: an image index of the descriptors of the (active) manifests whose `subject` is
 * `digest`, filtered by `artifactType` when asked (saying so in `OCI-Filters-Applied`). An unknown
 * subject has none: 200 with an empty index, never 404.
 */
const listReferrers = (ctx: Context, request: HttpRequest, repo: Store.RepositoryRecord, digest: string): HttpResponse => {
  if (!Store.DIGEST.test(digest)) return ociError(400, 'DIGEST_INVALID', 'invalid digest', { digest })
  const types = request.url.searchParams.getAll('artifactType')
  const manifests = [...Store.seqListFrom(repo.order)]
    .filter((image) => image.subject === digest && Store.statusOf(ctx.store, repo, image) === 'ACTIVE')
    .map((image) => {
      const artifactType =
        image.artifactType ?? (image.config === undefined || image.config.mediaType === '' ? undefined : image.config.mediaType)
      return {
        mediaType: image.mediaType,
        digest: image.digest,
        size: Buffer.byteLength(image.manifest),
        ...(artifactType === undefined ? {} : { artifactType }),
        ...(image.annotations === undefined ? {} : { annotations: { ...image.annotations } })
      }
    })
    .filter((d) => types.length === 0 || (d.artifactType !== undefined && types.includes(d.artifactType)))
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: Store.MediaType.ociIndex, manifests }))
  return respond(
    200,
    [['content-type', Store.MediaType.ociIndex], ...(types.length === 0 ? [] : [['oci-filters-applied', 'artifactType'] as const])],
    body
  )
}

const UNSUPPORTED = (): HttpResponse => ociError(405, 'UNSUPPORTED', 'The operation is unsupported.')

/** @internal Routes one authorized request at the registry origin. */
export const route = (ctx: Context, request: HttpRequest): HttpResponse => {
  const path = request.url.pathname
  const method = request.method
  if (path === '/v2/' || path === '/v2') return method === 'GET' || method === 'HEAD' ? json(200, {}) : UNSUPPORTED()
  let m = /^\/v2\/(.+)\/blobs\/uploads\/?$/.exec(path)
  if (m !== null) {
    const name = m[1] as string
    return method === 'POST' ? withRepository(ctx, name, (repo) => startUpload(ctx, request, repo)) : UNSUPPORTED()
  }
  m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/.exec(path)
  if (m !== null) {
    const id = m[2] as string
    return withRepository(ctx, m[1] as string, (repo) =>
      withSession(ctx, repo, id, (session) => {
        switch (method) {
          case 'PATCH':
            return patchUpload(request, repo, session)
          case 'PUT':
            return completeUpload(ctx, request, repo, session)
          case 'GET':
            return sessionResponse(204, repo, session)
          case 'DELETE':
            ctx.store.uploads.delete(session.id)
            return respond(204, [])
          default:
            return UNSUPPORTED()
        }
      })
    )
  }
  m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(path)
  if (m !== null) {
    const digest = decode(m[2] as string) ?? ''
    return method === 'GET' || method === 'HEAD'
      ? withRepository(ctx, m[1] as string, (repo) => getBlob(ctx, request, repo, digest))
      : UNSUPPORTED()
  }
  m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path)
  if (m !== null) {
    const reference = decode(m[2] as string) ?? ''
    return withRepository(ctx, m[1] as string, (repo) => {
      switch (method) {
        case 'GET':
        case 'HEAD':
          return getManifest(ctx, request, repo, reference)
        case 'PUT':
          return putManifest(ctx, request, repo, reference)
        case 'DELETE':
          return deleteManifest(repo, reference)
        default:
          return UNSUPPORTED()
      }
    })
  }
  m = /^\/v2\/(.+)\/tags\/list$/.exec(path)
  if (m !== null)
    return method === 'GET' ? withRepository(ctx, m[1] as string, (repo) => listTags(request, repo)) : UNSUPPORTED()
  m = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(path)
  if (m !== null && ctx.referrersApi) {
    const digest = decode(m[2] as string) ?? ''
    return method === 'GET'
      ? withRepository(ctx, m[1] as string, (repo) => listReferrers(ctx, request, repo, digest))
      : UNSUPPORTED()
  }
  return ociError(404, 'NOT_FOUND', '404 page not found')
}

/**
 * @internal The ECR operation a registry request counts against for request-rate quotas (as ECR
 * bills them), by method and path; `undefined` for requests without one.
 */
export const countedAs = (method: string, path: string): string | undefined => {
  if (/^\/v2\/.+\/manifests\/[^/]+$/.test(path))
    return method === 'PUT' ? 'PutImage' : method === 'GET' || method === 'HEAD' ? 'BatchGetImage' : undefined
  if (/^\/v2\/.+\/blobs\/uploads\/?$/.test(path)) return method === 'POST' ? 'InitiateLayerUpload' : undefined
  if (/^\/v2\/.+\/blobs\/uploads\/[^/]+$/.test(path))
    return method === 'PATCH' ? 'UploadLayerPart' : method === 'PUT' ? 'CompleteLayerUpload' : undefined
  if (/^\/v2\/.+\/blobs\/[^/]+$/.test(path))
    return method === 'HEAD' ? 'BatchCheckLayerAvailability' : method === 'GET' ? 'GetDownloadUrlForLayer' : undefined
  return undefined
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const faultResponse = (answer: Exclude<FaultAnswer, undefined>, request: HttpRequest): Outcome => {
  if (answer === 'network') return networkError('ECONNRESET', 'read ECONNRESET')
  if (answer === 'throttle')
    return {
      _tag: 'response',
      response: ociError(429, 'TOOMANYREQUESTS', 'Rate exceeded', undefined, [['retry-after', '1']])
    }
  if (answer === 'server-error')
    return { _tag: 'response', response: ociError(503, 'UNAVAILABLE', 'service unavailable') }
  if (answer === 'missing-fields')
    return { _tag: 'response', response: request.method === 'HEAD' ? respond(200, []) : json(200, {}) }
  const status = Number.isInteger(answer.status) && answer.status >= 200 && answer.status <= 599 ? answer.status : 500
  return {
    _tag: 'response',
    response: ociError(status, status === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN', `injected status ${status}`)
  }
}

/**
 * @internal The twin's HTTP side: records the call, applies an injected fault, then answers from the
 * registry origin or the storage origin; any other origin is unreachable.
 */
export const makeServe =
  (ctx: Context): Serve =>
  async (request) => {
    const url = `${request.url.origin}${request.url.pathname}`
    ctx.record({ method: request.method, url, authorization: request.headers.has('authorization') })
    if (ctx.latencyMs > 0) await sleep(ctx.latencyMs)
    const answer = ctx.fault({ kind: 'http', method: request.method, url })
    if (answer !== undefined) return faultResponse(answer, request)
    const origin = request.url.origin
    if (origin === ctx.storage.origin)
      return { _tag: 'response', response: Storage.serve(ctx.storage, ctx.store, request) }
    if (origin !== ctx.registryOrigin) return networkError('ENOTFOUND', `getaddrinfo ENOTFOUND ${request.url.hostname}`)
    if (!ctx.isAuthorized(request.headers.get('authorization')))
      return {
        _tag: 'response',
        response: ociError(401, 'UNAUTHORIZED', 'Not Authorized', undefined, [
          ['www-authenticate', `Basic realm="${ctx.registryOrigin}/",service="ecr.amazonaws.com"`]
        ])
      }
    const counted = countedAs(request.method, request.url.pathname)
    if (counted !== undefined && ctx.overQuota(counted))
      return { _tag: 'response', response: ociError(429, 'TOOMANYREQUESTS', 'Rate exceeded', undefined, [['retry-after', '1']]) }
    return { _tag: 'response', response: route(ctx, request) }
  }
