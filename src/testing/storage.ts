/**
 * The blob storage origin of the in-memory ECR twin, standing in for ECR's S3 layer bucket: it
 * issues pre-signed URLs (for registry redirects and `GetDownloadUrlForLayer`) and serves a blob
 * only for a valid, unexpired signature, failing like S3 when any Authorization header comes along.
 *
 * @since 0.1.0
 */
import { createHash, randomBytes } from 'crypto'
import type { HttpRequest, HttpResponse } from './dispatcher'
import type * as Store from './store'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** @internal */
export interface Storage {
  readonly origin: string
  readonly region: string
  /** Object key (path) -> blob digest. */
  readonly objects: Map<string, string>
  /** Signature -> what it was issued for. */
  readonly signatures: Map<string, { readonly key: string; readonly issuedAt: number; readonly expiresSeconds: number }>
}

/** @internal `origin` is the URL's origin (a text that is no URL stands for itself). */
export const make = (origin: string, region: string): Storage => ({
  origin,
  region,
  objects: new Map(),
  signatures: new Map()
})

/** @internal How long a pre-signed URL stays valid. */
export const EXPIRES_SECONDS = 3600

/** Expired signatures are dropped once this many have been issued. */
const PRUNE_AT = 10_000

const amzDate = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

const keyOf = (storage: Storage, digest: string): string => {
  const h = createHash('sha256').update(`${storage.origin}\n${digest}`).digest('hex')
  const key = `/${h.slice(0, 32)}/${h.slice(32, 40)}-${h.slice(40, 44)}-${h.slice(44, 48)}-${h.slice(48, 52)}-${h.slice(
    52,
    64
  )}`
  storage.objects.set(key, digest)
  return key
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** @internal A fresh pre-signed GET URL for a blob. */
export const presign = (storage: Storage, digest: string, now: Date): string => {
  if (storage.signatures.size >= PRUNE_AT) {
    for (const [sig, issued] of storage.signatures)
      if (now.getTime() > issued.issuedAt + issued.expiresSeconds * 1000) storage.signatures.delete(sig)
  }
  const key = keyOf(storage, digest)
  const signature = randomBytes(32).toString('hex')
  storage.signatures.set(signature, { key, issuedAt: now.getTime(), expiresSeconds: EXPIRES_SECONDS })
  const date = amzDate(now)
  const query = new URLSearchParams([
    ['X-Amz-Security-Token', randomBytes(96).toString('base64')],
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Date', date],
    ['X-Amz-SignedHeaders', 'host'],
    ['X-Amz-Expires', String(EXPIRES_SECONDS)],
    [
      'X-Amz-Credential',
      `ASIA${randomBytes(8).toString('hex').toUpperCase()}/${date.slice(0, 8)}/${storage.region}/s3/aws4_request`
    ],
    ['X-Amz-Signature', signature]
  ])
  return `${storage.origin}${key}?${query.toString()}`
}

// -------------------------------------------------------------------------------------
// serving
// -------------------------------------------------------------------------------------

const s3Error = (status: number, code: string, message: string, extra = ''): HttpResponse => {
  const body = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>${randomBytes(
      8
    )
      .toString('hex')
      .toUpperCase()}</RequestId></Error>`
  )
  return {
    status,
    headers: [
      ['content-type', 'application/xml'],
      ['content-length', String(body.length)],
      ['x-amz-request-id', randomBytes(8).toString('hex').toUpperCase()]
    ],
    body
  }
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** @internal `bytes=a-b`, `bytes=a-`, `bytes=-n` against a length; undefined when absent, 'invalid' when unsatisfiable. */
export const parseRange = (
  header: string | undefined,
  length: number
): { readonly start: number; readonly end: number } | 'invalid' | undefined => {
  if (header === undefined) return undefined
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (m === null) return undefined
  const [, a = '', b = ''] = m
  if (a === '' && b === '') return 'invalid'
  if (a === '') {
    const n = Number(b)
    if (n === 0 || length === 0) return 'invalid'
    return { start: Math.max(0, length - n), end: length - 1 }
  }
  const start = Number(a)
  const end = b === '' ? length - 1 : Math.min(Number(b), length - 1)
  return start >= length || start > end ? 'invalid' : { start, end }
}

/** @internal Serves bytes, whole or in part (Range), with the given extra headers. */
export const bytesResponse = (
  request: HttpRequest,
  bytes: Buffer,
  headers: ReadonlyArray<readonly [string, string]>
): HttpResponse => {
  const range = parseRange(request.headers.get('range'), bytes.length)
  if (range === 'invalid')
    return {
      status: 416,
      headers: [
        ['content-range', `bytes */${bytes.length}`],
        ['content-length', '0']
      ],
      body: Buffer.alloc(0)
    }
  if (range === undefined)
    return {
      status: 200,
      headers: [...headers, ['accept-ranges', 'bytes'], ['content-length', String(bytes.length)]],
      body: bytes
    }
  const part = bytes.subarray(range.start, range.end + 1)
  return {
    status: 206,
    headers: [
      ...headers,
      ['accept-ranges', 'bytes'],
      ['content-range', `bytes ${range.start}-${range.end}/${bytes.length}`],
      ['content-length', String(part.length)]
    ],
    body: part
  }
}

/** @internal Answers a request to the storage origin. */
export const serve = (storage: Storage, store: Store.Store, request: HttpRequest): HttpResponse => {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return s3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.')
  const authorization = request.headers.get('authorization')
  if (authorization !== undefined)
    return s3Error(
      400,
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      `<ArgumentName>Authorization</ArgumentName><ArgumentValue>${xmlEscape(authorization)}</ArgumentValue>`
    )
  const signature = request.url.searchParams.get('X-Amz-Signature')
  const issued = signature === null ? undefined : storage.signatures.get(signature)
  const key = request.url.pathname
  if (issued === undefined || issued.key !== key)
    return s3Error(
      403,
      signature === null ? 'AccessDenied' : 'SignatureDoesNotMatch',
      signature === null
        ? 'Access Denied'
        : 'The request signature we calculated does not match the signature you provided.'
    )
  if (store.now().getTime() > issued.issuedAt + issued.expiresSeconds * 1000)
    return s3Error(403, 'AccessDenied', 'Request has expired')
  const digest = storage.objects.get(key)
  const blob = digest === undefined ? undefined : store.blobs.get(digest)
  if (digest === undefined || blob === undefined) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.')
  return bytesResponse(request, blob.bytes, [
    ['content-type', 'application/octet-stream'],
    ['etag', `"${digest.slice('sha256:'.length, 'sha256:'.length + 32)}"`],
    ['x-amz-request-id', randomBytes(8).toString('hex').toUpperCase()]
  ])
}
