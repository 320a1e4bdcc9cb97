/**
 * The one place where AWS SDK exceptions become `EcrError` values.
 *
 * @internal
 */
import * as EcrError from '../EcrError'
import { showValue } from './codec'

const NOT_FOUND: Readonly<Record<string, 'Repository' | 'Image' | 'LifecyclePolicy' | 'Layer'>> = {
  RepositoryNotFoundException: 'Repository',
  ImageNotFoundException: 'Image',
  LifecyclePolicyNotFoundException: 'LifecyclePolicy',
  LayersNotFoundException: 'Layer',
  LayerInaccessibleException: 'Layer'
}

const ALREADY_EXISTS: Readonly<Record<string, 'Repository' | 'ImageTag'>> = {
  RepositoryAlreadyExistsException: 'Repository',
  ImageTagAlreadyExistsException: 'ImageTag'
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException'
])

const TRANSIENT = new Set([
  'ServerException',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'NetworkingError'
])

const stringField = (u: unknown, key: string): string | undefined => {
  if (typeof u !== 'object' || u === null) return undefined
  const v = (u as Record<string, unknown>)[key]
  return typeof v === 'string' && v.length > 0 ? v : undefined
}

// Names that say nothing about the failure: a Node network error is an `Error` whose `code` is
// `ECONNRESET`, `ETIMEDOUT`, ...
const GENERIC_NAMES = new Set(['Error', 'TypeError', 'SystemError'])

/**
 * The AWS error code of anything a client may reject with: its `name`, unless that is a generic
 * `Error` carrying a `Code` / `code` (a network error), else `Code` / `code`, else `UnknownError`.
 */
export const errorCode = (e: unknown): string => {
  const name = stringField(e, 'name')
  const code = stringField(e, 'Code') ?? stringField(e, 'code')
  if (name !== undefined && (code === undefined || !GENERIC_NAMES.has(name))) return name
  return code ?? (e instanceof Error ? 'Error' : 'UnknownError')
}

/** True for throttling and transient service or network failures, which are worth another try. */
export const isRetryableCode = (code: string): boolean => THROTTLING.has(code) || TRANSIENT.has(code)

const retryableOf = (e: unknown, code: string): boolean => {
  if (isRetryableCode(code)) return true
  if (typeof e === 'object' && e !== null) {
    const meta = (e as { $metadata?: { httpStatusCode?: unknown } }).$metadata
    const status = meta?.httpStatusCode
    if (typeof status === 'number' && (status === 429 || status >= 500)) return true
    if ((e as { $retryable?: unknown }).$retryable !== undefined) return true
  }
  return false
}

/**
 * Maps an exception from `operation` to an `EcrError`; `id` names the resource the call was about,
 * for `NotFound` and `AlreadyExists`.
 */
export const fromAwsError =
  (operation: string, id?: string) =>
  (e: unknown): EcrError.EcrError => {
    const code = errorCode(e)
    const raw = stringField(e, 'message') ?? stringField(e, 'Message') ?? (typeof e === 'string' ? e : code)
    const nf = NOT_FOUND[code]
    if (nf !== undefined) return EcrError.notFound(nf, id ?? 'unknown', raw)
    const ae = ALREADY_EXISTS[code]
    if (ae !== undefined) return EcrError.alreadyExists(ae, id ?? 'unknown', raw)
    return EcrError.awsError(operation, code, raw, retryableOf(e, code))
  }

/**
 * What a throw no table foresees becomes (a bug in the SDK, the client configuration or a user
 * callback, inside `operation`): an `AwsError` that says the failure was unexpected.
 */
export const unexpected =
  (operation: string) =>
  (e: unknown): EcrError.EcrError =>
    EcrError.awsError(operation, 'UnexpectedError', `unexpected failure: ${e instanceof Error ? e.message : showValue(e)}`, false)
