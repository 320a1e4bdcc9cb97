/**
 * The ECR API boundary: `send` runs one SDK command through `env.ecr.send`, typed by the command's
 * own input and output types, and turns a rejection (or a synchronous throw) into an `EcrError`.
 * The environment middleware (`Env.withEcrRetries`, `Env.withEcrLogging`) wraps `env.ecr.send`
 * with `retryingSend` and `loggingSend`; `send` itself neither retries nor logs.
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
import type { EcrEnv, Logger } from '../Env'
import type { EcrError } from '../EcrError'
import type { RetryPolicy } from '../Retry'
import { fromAwsError } from './awsError'
import { withPermits } from './limiter'
import { retrying } from './retry'

/** An ECR command whose input is `I` and output `O` (what `new DescribeImagesCommand(...)` is). */
export type EcrCommand<I extends ServiceInputTypes, O extends ServiceOutputTypes> = $Command<
  I,
  O,
  ECRClientResolvedConfig,
  ServiceInputTypes,
  ServiceOutputTypes
>

/** The promise form of `ECRClient['send']`: what the middleware builds. */
export type EcrSend = <I extends ServiceInputTypes, O extends ServiceOutputTypes>(command: EcrCommand<I, O>) => Promise<O>

/** The operation a command runs (`DescribeImages`), from its schema, else from its class name. */
export const operationName = <I extends ServiceInputTypes, O extends ServiceOutputTypes>(command: EcrCommand<I, O>): string => {
  const schema = command.schema
  if (schema === undefined) return command.constructor.name.replace(/Command$/, '')
  return Array.isArray(schema) ? schema[2] : schema.name
}

/**
 * `send(new DescribeImagesCommand(input), id)`: the output type is the command's. `id` names the
 * repository or image for `NotFound` / `AlreadyExists` errors.
 */
export const send =
  <I extends ServiceInputTypes, O extends ServiceOutputTypes>(
    command: EcrCommand<I, O>,
    id?: string
  ): RTE.ReaderTaskEither<Pick<EcrEnv, 'ecr' | 'limiter'>, EcrError, O> =>
  (env) =>
    TE.tryCatch(() => withPermits(env.limiter, 1, () => env.ecr.send(command)).then(E.getOrElseW(rejected)), fromAwsError(operationName(command), id))

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

/** `inner`, calling again under `policy` while a call fails with a retryable error; `logger` hears of each retry. */
export const retryingSend =
  (inner: EcrEnv['ecr'], policy: RetryPolicy, sleep: (ms: number) => Promise<void>, logger?: Logger): EcrSend =>
  async (command) => {
    const result = await retrying(
      policy,
      () => TE.tryCatch(() => inner.send(command), (e) => e),
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
  async (command) => {
    const operation = operationName(command)
    logger.debug('ecr call', { operation })
    try {
      return await inner.send(command)
    } catch (e) {
      logger.debug('ecr call failed', { operation, code: codeOf(e) })
      return rejected(e)
    }
  }
