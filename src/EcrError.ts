/**
 * The one error type of the library: a tagged union with a constructor per variant, an exhaustive
 * `match` and a human-readable `message`. No message or URL carries a credential, an Authorization
 * value or a pre-signed query string: constructors redact them.
 *
 * @since 0.1.0
 */
import { redactText, redactUrl } from './internal/redact'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { UriKind } from 'ecr-fp-ts/EcrError'
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * // an InvalidUri names the kind of URI that was expected
 * const r = ImageUri.parse('my-app:latest')
 * const expected: UriKind | undefined = E.isLeft(r) && r.left._tag === 'InvalidUri' ? r.left.expected : undefined
 * assert.strictEqual(expected, 'ImageUri')
 */
export type UriKind = 'RegistryUri' | 'RepositoryUri' | 'ImageUri' | 'RepositoryArn'

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { InvalidUri } from 'ecr-fp-ts/EcrError'
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 *
 * const r = RepositoryUri.parse('123456789012.dkr.ecr.us-west-2.amazonaws.com/My-App')
 * assert.ok(E.isLeft(r) && r.left._tag === 'InvalidUri')
 * const e: InvalidUri = r.left
 * assert.strictEqual(e.expected, 'RepositoryUri')
 * assert.strictEqual(e.input, '123456789012.dkr.ecr.us-west-2.amazonaws.com/My-App')
 */
export interface InvalidUri {
  readonly _tag: 'InvalidUri'
  readonly input: string
  readonly expected: UriKind
  readonly message: string
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { InvalidArgument } from 'ecr-fp-ts/EcrError'
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const r = Manifest.parsePlatform('arm64')
 * assert.ok(E.isLeft(r) && r.left._tag === 'InvalidArgument')
 * const e: InvalidArgument = r.left
 * assert.ok(e.message.startsWith('not a platform: "arm64"'))
 */
export interface InvalidArgument {
  readonly _tag: 'InvalidArgument'
  readonly message: string
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { NotFound } from 'ecr-fp-ts/EcrError'
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * const e = EcrError.notFound('Image', 'team/api:v9')
 * assert.ok(e._tag === 'NotFound')
 * const notFound: NotFound = e
 * assert.deepStrictEqual([notFound.resource, notFound.id], ['Image', 'team/api:v9'])
 * assert.strictEqual(notFound.message, 'Image not found: team/api:v9')
 */
export interface NotFound {
  readonly _tag: 'NotFound'
  readonly resource: 'Repository' | 'Image' | 'LifecyclePolicy' | 'Layer'
  readonly id: string
  readonly message: string
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { AlreadyExists } from 'ecr-fp-ts/EcrError'
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * const e = EcrError.alreadyExists('ImageTag', 'team/api:v1', 'tag v1 is immutable and already exists')
 * assert.ok(e._tag === 'AlreadyExists')
 * const exists: AlreadyExists = e
 * assert.strictEqual(exists.resource, 'ImageTag')
 * assert.strictEqual(EcrError.message(exists), 'tag v1 is immutable and already exists')
 */
export interface AlreadyExists {
  readonly _tag: 'AlreadyExists'
  readonly resource: 'Repository' | 'ImageTag'
  readonly id: string
  readonly message: string
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { AwsError } from 'ecr-fp-ts/EcrError'
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * const e = EcrError.awsError('PutImage', 'ThrottlingException', 'Rate exceeded', true)
 * assert.ok(e._tag === 'AwsError')
 * const aws: AwsError = e
 * // worth another try later
 * assert.strictEqual(aws.retryable, true)
 * assert.strictEqual(aws.code, 'ThrottlingException')
 */
export interface AwsError {
  readonly _tag: 'AwsError'
  readonly operation: string
  readonly code: string
  readonly message: string
  readonly retryable: boolean
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { HttpError } from 'ecr-fp-ts/EcrError'
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * const e = EcrError.httpError('GET', 'https://bucket.s3.amazonaws.com/layer?X-Amz-Signature=secret', 403, 'Forbidden')
 * assert.ok(e._tag === 'HttpError')
 * const http: HttpError = e
 * assert.strictEqual(http.status, 403)
 * // the pre-signed query is not kept
 * assert.strictEqual(http.url.includes('secret'), false)
 */
export interface HttpError {
  readonly _tag: 'HttpError'
  readonly method: string
  readonly url: string
  readonly status: number
  readonly message: string
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { DecodeError } from 'ecr-fp-ts/EcrError'
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const r = Manifest.parse('{"schemaVersion":3,"manifests":[]}')
 * assert.ok(E.isLeft(r) && r.left._tag === 'DecodeError')
 * const e: DecodeError = r.left
 * assert.strictEqual(e.what, 'Manifest')
 * assert.ok(e.errors.some((line) => line.startsWith('/schemaVersion: ')))
 */
export interface DecodeError {
  readonly _tag: 'DecodeError'
  readonly what: string
  readonly message: string
  readonly errors: ReadonlyArray<string>
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { DigestMismatch } from 'ecr-fp-ts/EcrError'
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 *
 * const expected = Manifest.digest('{"a":1}')
 * const actual = Manifest.digest('{"a": 1}')
 * const e = EcrError.digestMismatch(expected, actual, { subject: `team/app@${expected}`, operation: 'GET manifest' })
 * assert.ok(e._tag === 'DigestMismatch')
 * const mismatch: DigestMismatch = e
 * assert.notStrictEqual(mismatch.expected, mismatch.actual)
 * // which image or blob, and which operation found it
 * assert.deepStrictEqual([mismatch.subject, mismatch.operation], [`team/app@${expected}`, 'GET manifest'])
 * assert.strictEqual(mismatch.message, `digest mismatch: expected ${expected}, got ${actual} (GET manifest of team/app@${expected})`)
 */
export interface DigestMismatch {
  readonly _tag: 'DigestMismatch'
  /** The digest (or, for a size mismatch, the digest and size) the content should have had. */
  readonly expected: string
  /** What the content turned out to have. */
  readonly actual: string
  /** What was read or written: an image reference (`repo:tag`, `repo@digest`) or a blob (`repo@digest`), when known. */
  readonly subject?: string
  /** The operation that found the mismatch (e.g. `BatchGetImage`, `GET manifest`, `upload blob`), when known. */
  readonly operation?: string
  /** A one-line description, naming the operation and the subject when they are known. */
  readonly message: string
}

/**
 * Where a `DigestMismatch` was found, for `digestMismatch`: references are repository names, tags
 * and digests, never credentials.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { DigestMismatchContext } from 'ecr-fp-ts/EcrError'
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * const context: DigestMismatchContext = { subject: 'team/app:v1', operation: 'GET manifest' }
 * const e = EcrError.digestMismatch('sha256:' + 'a'.repeat(64), 'sha256:' + 'b'.repeat(64), context)
 * assert.ok(e._tag === 'DigestMismatch' && e.message.endsWith('(GET manifest of team/app:v1)'))
 */
export interface DigestMismatchContext {
  /** What was read or written: an image reference (`repo:tag`, `repo@digest`) or a blob (`repo@digest`). */
  readonly subject?: string
  /** The operation that found the mismatch, e.g. `BatchGetImage`, `GET manifest`, `upload blob`. */
  readonly operation?: string
  /** The message's first part, instead of `digest mismatch: expected <expected>, got <actual>`. */
  readonly message?: string
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * const retryable = (e: EcrError.EcrError): boolean => e._tag === 'AwsError' && e.retryable
 * const bad = ImageUri.parse('team/api:v1')
 * assert.ok(E.isLeft(bad))
 * const errors: ReadonlyArray<EcrError.EcrError> = [
 *   bad.left,
 *   EcrError.awsError('DescribeImages', 'ThrottlingException', 'Rate exceeded', true)
 * ]
 * assert.deepStrictEqual(errors.map((e) => e._tag), ['InvalidUri', 'AwsError'])
 * assert.deepStrictEqual(errors.map(retryable), [false, true])
 */
export type EcrError =
  | InvalidUri
  | InvalidArgument
  | NotFound
  | AlreadyExists
  | AwsError
  | HttpError
  | DecodeError
  | DigestMismatch

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const MAX_INPUT = 300

const clip = (s: string): string => (s.length > MAX_INPUT ? `${s.slice(0, MAX_INPUT)}…` : s)

/**
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * const e = EcrError.invalidUri('nope', 'ImageUri')
 * assert.strictEqual(e._tag, 'InvalidUri')
 * assert.strictEqual(e.message, 'not a valid ImageUri: "nope"')
 */
export const invalidUri = (input: string, expected: UriKind, reason?: string): EcrError => {
  const shown = redactText(clip(input))
  return {
    _tag: 'InvalidUri',
    input: shown,
    expected,
    message: `not a valid ${expected}: ${JSON.stringify(shown)}${reason === undefined ? '' : ` (${reason})`}`
  }
}

/**
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * assert.deepStrictEqual(EcrError.invalidArgument('tag and digest given'), {
 *   _tag: 'InvalidArgument',
 *   message: 'tag and digest given'
 * })
 */
export const invalidArgument = (message: string): EcrError => ({ _tag: 'InvalidArgument', message: redactText(message) })

/**
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * assert.strictEqual(EcrError.notFound('Repository', 'my-repo').message, 'Repository not found: my-repo')
 */
export const notFound = (resource: NotFound['resource'], id: string, message?: string): EcrError => ({
  _tag: 'NotFound',
  resource,
  id,
  message: redactText(message ?? `${resource} not found: ${id}`)
})

/**
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * assert.strictEqual(EcrError.alreadyExists('Repository', 'my-repo').message, 'Repository already exists: my-repo')
 */
export const alreadyExists = (resource: AlreadyExists['resource'], id: string, message?: string): EcrError => ({
  _tag: 'AlreadyExists',
  resource,
  id,
  message: redactText(message ?? `${resource} already exists: ${id}`)
})

/**
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * const e = EcrError.awsError('DescribeImages', 'ThrottlingException', 'Rate exceeded', true)
 * assert.strictEqual(EcrError.message(e), 'DescribeImages failed: ThrottlingException: Rate exceeded')
 */
export const awsError = (operation: string, code: string, message: string, retryable: boolean): EcrError => ({
  _tag: 'AwsError',
  operation,
  code,
  message: redactText(message),
  retryable
})

/**
 * The URL is stored without its query string or user-info, so a pre-signed URL never shows.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * const e = EcrError.httpError('GET', 'https://bucket.s3.amazonaws.com/blob?X-Amz-Signature=abc', 403, 'Forbidden')
 * assert.strictEqual(e._tag === 'HttpError' && e.url, 'https://bucket.s3.amazonaws.com/blob')
 */
export const httpError = (method: string, url: string, status: number, message: string): EcrError => ({
  _tag: 'HttpError',
  method,
  url: redactUrl(url),
  status,
  message: redactText(message)
})

/**
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * const e = EcrError.decodeError('Manifest', ['/layers: expected an array'])
 * assert.strictEqual(e.message, 'cannot decode Manifest: /layers: expected an array')
 */
export const decodeError = (what: string, errors: ReadonlyArray<string>, message?: string): EcrError => {
  const clean = errors.map((e) => redactText(e))
  return {
    _tag: 'DecodeError',
    what,
    errors: clean,
    message: redactText(message ?? `cannot decode ${what}: ${clean.slice(0, 5).join('; ')}${clean.length > 5 ? '; …' : ''}`)
  }
}

/**
 * The third argument is a message (the old form) or a `DigestMismatchContext`: the subject and the
 * operation are kept as fields, and the message ends with them.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * const a = 'sha256:' + 'a'.repeat(64)
 * const b = 'sha256:' + 'b'.repeat(64)
 * const e = EcrError.digestMismatch(a, b)
 * assert.strictEqual(e._tag, 'DigestMismatch')
 * assert.strictEqual(e.message, `digest mismatch: expected ${a}, got ${b}`)
 * // with where it was found
 * const blob = EcrError.digestMismatch(a, b, { subject: `team/app@${a}`, operation: 'GET blob' })
 * assert.strictEqual(blob.message, `digest mismatch: expected ${a}, got ${b} (GET blob of team/app@${a})`)
 * assert.strictEqual(EcrError.digestMismatch(a, b, { operation: 'BatchGetImage' }).message, `digest mismatch: expected ${a}, got ${b} (BatchGetImage)`)
 */
export const digestMismatch = (expected: string, actual: string, context?: string | DigestMismatchContext): EcrError => {
  const { subject, operation, message } = typeof context === 'string' ? { message: context } : (context ?? {})
  const where =
    operation !== undefined && subject !== undefined
      ? ` (${operation} of ${subject})`
      : operation !== undefined
      ? ` (${operation})`
      : subject !== undefined
      ? ` (${subject})`
      : ''
  return {
    _tag: 'DigestMismatch',
    expected,
    actual,
    ...(subject === undefined ? {} : { subject: redactText(subject) }),
    ...(operation === undefined ? {} : { operation: redactText(operation) }),
    message: redactText(`${message ?? `digest mismatch: expected ${expected}, got ${actual}`}${where}`)
  }
}

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Exhaustive pattern matching: one handler per variant.
 *
 * @category pattern matching
 * @since 0.1.0
 * @example
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * const status = EcrError.match({
 *   InvalidUri: () => 2,
 *   InvalidArgument: () => 2,
 *   NotFound: () => 1,
 *   AlreadyExists: () => 1,
 *   AwsError: () => 1,
 *   HttpError: () => 1,
 *   DecodeError: () => 1,
 *   DigestMismatch: () => 1
 * })
 * assert.strictEqual(status(EcrError.invalidArgument('x')), 2)
 */
export const match =
  <R>(handlers: {
    readonly InvalidUri: (e: InvalidUri) => R
    readonly InvalidArgument: (e: InvalidArgument) => R
    readonly NotFound: (e: NotFound) => R
    readonly AlreadyExists: (e: AlreadyExists) => R
    readonly AwsError: (e: AwsError) => R
    readonly HttpError: (e: HttpError) => R
    readonly DecodeError: (e: DecodeError) => R
    readonly DigestMismatch: (e: DigestMismatch) => R
  }) =>
  (e: EcrError): R => {
    switch (e._tag) {
      case 'InvalidUri':
        return handlers.InvalidUri(e)
      case 'InvalidArgument':
        return handlers.InvalidArgument(e)
      case 'NotFound':
        return handlers.NotFound(e)
      case 'AlreadyExists':
        return handlers.AlreadyExists(e)
      case 'AwsError':
        return handlers.AwsError(e)
      case 'HttpError':
        return handlers.HttpError(e)
      case 'DecodeError':
        return handlers.DecodeError(e)
      case 'DigestMismatch':
        return handlers.DigestMismatch(e)
    }
  }

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * A one-line description of the error, fit for a log line or a CLI's stderr.
 *
 * @category utils
 * @since 0.1.0
 * @example
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * assert.strictEqual(
 *   EcrError.message(EcrError.httpError('GET', 'https://r.example/v2/x/blobs/y', 404, 'blob unknown')),
 *   'GET https://r.example/v2/x/blobs/y failed with 404: blob unknown'
 * )
 */
export const message: (e: EcrError) => string = /*#__PURE__*/ match({
  InvalidUri: (e) => e.message,
  InvalidArgument: (e) => `invalid argument: ${e.message}`,
  NotFound: (e) => e.message,
  AlreadyExists: (e) => e.message,
  AwsError: (e) => `${e.operation} failed: ${e.code}: ${e.message}`,
  HttpError: (e) => `${e.method} ${e.url} failed with ${e.status}: ${e.message}`,
  DecodeError: (e) => e.message,
  DigestMismatch: (e) => e.message
})

/**
 * @category refinements
 * @since 0.1.0
 * @example
 * import * as EcrError from 'ecr-fp-ts/EcrError'
 *
 * assert.strictEqual(EcrError.isEcrError(EcrError.invalidArgument('x')), true)
 * assert.strictEqual(EcrError.isEcrError(new Error('x')), false)
 */
export const isEcrError = (u: unknown): u is EcrError =>
  typeof u === 'object' &&
  u !== null &&
  typeof (u as { _tag?: unknown })._tag === 'string' &&
  [
    'InvalidUri',
    'InvalidArgument',
    'NotFound',
    'AlreadyExists',
    'AwsError',
    'HttpError',
    'DecodeError',
    'DigestMismatch'
  ].includes((u as { _tag: string })._tag) &&
  typeof (u as { message?: unknown }).message === 'string'
