/**
 * The ECR API boundary: `send` runs one SDK command through `env.ecr.send`, typed by the command's
 * own input and output types, and turns a rejection (or a synchronous throw) into an `EcrError`.
 * The environment middleware (`Env.withEcrRetries`, `Env.withEcrLogging`) wraps `env.ecr.send`
 * with `retryingSend` and `loggingSend`; `send` itself neither retries nor logs.
 *
 * Every attempt of an ECR call has a deadline, `env.callTimeoutMs` (default 30 s): an abort signal
 * passed to the client, and the attempt given up when the deadline passes even if the client
 * ignores the signal (a retryable `TimeoutError`). `retryingSend` bounds each of its attempts;
 * `send` bounds a call made through a capability that does not bound its attempts itself.
 *
 * @internal
 */
import type {
  $Command,
  ECRClientResolvedConfig,
  ServiceInputTypes,
  ServiceOutputTypes
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import * as TE from 'fp-ts/TaskEither'
import type { EcrEnv, Logger, Timeouts } from '../Env'
import type { EcrError } from '../EcrError'
import type { RetryPolicy } from '../Retry'
import { fromAwsError } from './awsError'
import { withPermits } from './limiter'
import { pace } from './pacer'
import { retrying } from './retry'

/** An ECR command whose input is `I` and output `O` (what `new DescribeImagesCommand(...)` is). */
export type EcrCommand<I extends ServiceInputTypes, O extends ServiceOutputTypes> = $Command<
  I,
  O,
  ECRClientResolvedConfig,
  ServiceInputTypes,
  ServiceOutputTypes
>

/**
 * The promise form of `ECRClient['send']`: what the middleware builds. Its second argument is the
 * SDK's handler options (the library passes `{ abortSignal }`); being untyped in the overloads of
 * `send`, it is read with `abortSignalOf`.
 */
export type EcrSend = <I extends ServiceInputTypes, O extends ServiceOutputTypes>(command: EcrCommand<I, O>, options?: unknown) => Promise<O>

/** The `abortSignal` of a `send`'s options, if it has one. */
export const abortSignalOf = (options: unknown): AbortSignal | undefined =>
  typeof options === 'object' && options !== null && 'abortSignal' in options && options.abortSignal instanceof AbortSignal
    ? options.abortSignal
    : undefined

// -------------------------------------------------------------------------------------
// deadlines
// -------------------------------------------------------------------------------------

/** The deadline of one attempt of an ECR call when the environment sets none. */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000

/** The longest delay `setTimeout` honours (about 24.8 days); a longer deadline is this one. */
const MAX_TIMER_MS = 2_147_483_647

/**
 * The deadline of one attempt: `callTimeoutMs` when it is a number of milliseconds of at least 1
 * (at most `setTimeout`'s longest delay), else the default.
 */
export const callTimeoutOf = (env: Pick<EcrEnv, 'callTimeoutMs'>): number => {
  const ms = env.callTimeoutMs
  return ms !== undefined && ms >= 1 ? Math.min(ms, MAX_TIMER_MS) : DEFAULT_CALL_TIMEOUT_MS
}

/** The connect deadline of a request when the environment sets none (`HttpEnv.timeouts.connectMs`). */
export const DEFAULT_CONNECT_MS = 10_000

/**
 * The SDK clients' own deadlines (their request handler's options, for `Env.fromDefaults`):
 * `connectionTimeout` from `timeouts.connectMs` (default 10 s), `requestTimeout` from `callTimeoutMs`
 * (default 30 s), and a missed `requestTimeout` made an error (by default the SDK only warns).
 */
export const sdkTimeouts = (
  options: Pick<EcrEnv, 'callTimeoutMs'> & { readonly timeouts?: Timeouts }
): { readonly connectionTimeout: number; readonly requestTimeout: number; readonly throwOnRequestTimeout: true } => {
  const connectMs = options.timeouts?.connectMs
  return {
    connectionTimeout: connectMs !== undefined && connectMs >= 1 ? Math.min(connectMs, MAX_TIMER_MS) : DEFAULT_CONNECT_MS,
    requestTimeout: callTimeoutOf(options),
    throwOnRequestTimeout: true
  }
}

/** What an attempt that missed its deadline rejects with: a `TimeoutError`, which is retryable. */
export const timeoutError = (operation: string, ms: number): Error =>
  Object.assign(new Error(`${operation}: no answer within ${ms} ms (callTimeoutMs)`), { name: 'TimeoutError' })

/**
 * Runs `call` with a fresh abort signal and settles with it, unless `ms` pass first: then the signal
 * is aborted and the result is a rejection with `timeoutError`, whether or not `call` heeds the
 * signal (its late settlement is ignored, and handled). An abort of `outer` gives the attempt up in
 * the same way, with the signal's reason. The timer is cleared when the attempt settles.
 */
export const within = <O>(ms: number, operation: string, call: (abortSignal: AbortSignal) => Promise<O>, outer?: AbortSignal): Promise<O> =>
  new Promise<O>((resolve, reject) => {
    if (outer?.aborted === true) return reject(outer.reason)
    const controller = new AbortController()
    const timer = setTimeout(() => giveUp(timeoutError(operation, ms)), ms)
    function done(): void {
      clearTimeout(timer)
      outer?.removeEventListener('abort', onOuterAbort)
    }
    function giveUp(reason: unknown): void {
      done()
      controller.abort(reason)
      reject(reason)
    }
    function onOuterAbort(): void {
      giveUp(outer?.reason)
    }
    outer?.addEventListener('abort', onOuterAbort, { once: true })
    // a call that throws synchronously rejects as one that fails
    Promise.resolve()
      .then(() => call(controller.signal))
      .then(
        (o) => {
          done()
          resolve(o)
        },
        (e: unknown) => {
          done()
          reject(e)
        }
      )
  })

/** The capabilities whose `send` bounds each of its attempts by itself (the library's middleware). */
const bounded = new WeakSet<object>()

/** Records that `ecr`'s `send` bounds each attempt by itself, so `send` adds no deadline; answers `ecr`. */
export const boundingAttempts = <A extends object>(ecr: A): A => {
  bounded.add(ecr)
  return ecr
}

/** Whether `ecr`'s `send` bounds each attempt by itself. */
export const boundsAttempts = (ecr: object): boolean => bounded.has(ecr)

/** `wrapper`, which calls `inner`, recorded as bounding its attempts when `inner` does. */
export const likeInner = <A extends object>(inner: object, wrapper: A): A => (bounded.has(inner) ? boundingAttempts(wrapper) : wrapper)

/** One attempt of `command` through `ecr`, within `ms` unless `ecr` bounds its attempts itself. */
const attempt = <I extends ServiceInputTypes, O extends ServiceOutputTypes>(
  ecr: EcrEnv['ecr'],
  command: EcrCommand<I, O>,
  ms: number,
  options?: unknown
): Promise<O> => {
  const outer = abortSignalOf(options)
  if (bounded.has(ecr)) return ecr.send(command, outer === undefined ? {} : { abortSignal: outer })
  return within(ms, operationName(command), (abortSignal) => ecr.send(command, { abortSignal }), outer)
}

/** The operation a command runs (`DescribeImages`), from its schema, else from its class name. */
export const operationName = <I extends ServiceInputTypes, O extends ServiceOutputTypes>(command: EcrCommand<I, O>): string => {
  const schema = command.schema
  if (schema === undefined) return command.constructor.name.replace(/Command$/, '')
  return Array.isArray(schema) ? schema[2] : schema.name
}

/**
 * `inner` with each call within `ms` (a capability that bounds its attempts), unless `inner` bounds
 * its attempts itself.
 */
export const boundedEcr = (inner: EcrEnv['ecr'], ms: number): EcrEnv['ecr'] => {
  if (bounded.has(inner)) return inner
  const timed: EcrSend = (command, options) => attempt(inner, command, ms, options)
  return boundingAttempts({ send: timed })
}

/**
 * `send(new DescribeImagesCommand(input), id)`: the output type is the command's. `id` names the
 * repository or image for `NotFound` / `AlreadyExists` errors. The call first waits for its turn
 * under `env.rateLimits` (holding no permit), then takes a permit of `env.limiter`; an abort of
 * `env.signal` while it waits fails the call.
 */
export const send =
  <I extends ServiceInputTypes, O extends ServiceOutputTypes>(
    command: EcrCommand<I, O>,
    id?: string
  ): RTE.ReaderTaskEither<Pick<EcrEnv, 'ecr' | 'callTimeoutMs' | 'limiter' | 'rateLimits'> & { readonly signal?: AbortSignal }, EcrError, O> =>
  (env) => {
    const operation = operationName(command)
    return TE.tryCatch(
      () =>
        pace(env.rateLimits, [operation], env.signal)
          .then(E.getOrElseW(rejected))
          .then(() => withPermits(env.limiter, 1, () => attempt(env.ecr, command, callTimeoutOf(env))))
          .then(E.getOrElseW(rejected)),
      fromAwsError(operation, id)
    )
  }

/** Whether a rejection of `send` is worth another try (throttling, a transient service or network failure). */
export const isRetryable = (e: unknown): boolean => {
  const error = fromAwsError('')(e)
  return error._tag === 'AwsError' && error.retryable
}

const codeOf = (e: unknown): string | undefined => {
  const error = fromAwsError('')(e)
  return error._tag === 'AwsError' ? error.code : error._tag
}

const rejected = (e: unknown): Promise<never> =>
  // the capability's contract is the SDK's: a failed call rejects with the SDK's error, as it is
  Promise.reject(e)

/**
 * `inner`, calling again under `policy` while a call fails with a retryable error; `logger` hears of
 * each retry. Each attempt has `callTimeoutMs` (unless `inner` bounds its attempts itself): one that
 * misses it is a retryable `TimeoutError`, so the whole call is bounded by the policy.
 */
export const retryingSend =
  (inner: EcrEnv['ecr'], policy: RetryPolicy, sleep: (ms: number) => Promise<void>, logger?: Logger, callTimeoutMs: number = DEFAULT_CALL_TIMEOUT_MS): EcrSend =>
  async (command, options) => {
    const result = await retrying(
      policy,
      () => TE.tryCatch(() => attempt(inner, command, callTimeoutMs, options), (e) => e),
      (r) => E.isLeft(r) && isRetryable(r.left),
      {
        sleep,
        onRetry: (r, delayMs, status) =>
          logger?.debug('ecr retry', {
            operation: operationName(command),
            attempt: status.iterNumber + 1,
            delayMs,
            code: E.isLeft(r) ? codeOf(r.left) : undefined
          })
      }
    )()
    return E.isRight(result) ? result.right : rejected(result.left)
  }

/** `inner`, telling `logger` of every call and of every failure (its operation and error code). */
export const loggingSend =
  (inner: EcrEnv['ecr'], logger: Logger): EcrSend =>
  async (command, options) => {
    const operation = operationName(command)
    logger.debug('ecr call', { operation })
    try {
      const abortSignal = abortSignalOf(options)
      return await inner.send(command, abortSignal === undefined ? {} : { abortSignal })
    } catch (e) {
      logger.debug('ecr call failed', { operation, code: codeOf(e) })
      return rejected(e)
    }
  }
