/**
 * Sends one ECR API command through `env.ecr.send`, turning every rejection (and a synchronous
 * throw) into an `EcrError`, and retrying throttling and transient failures under a retry policy
 * (`env.ecrRetryPolicy`, default `ecrDefault`). All ECR calls of the library go through here.
 *
 * A real `ECRClient` (as built by `Env.fromDefaults`) also retries inside the SDK; the default here
 * is modest (5 attempts, about 1.5 s of waiting at worst) and covers clients that do not retry,
 * such as the in-memory twin or a bare `send` function.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import type { EcrEnv } from '../Env'
import type { EcrError } from '../EcrError'
import { fromAwsError } from './awsError'
import { capDelay, concat, exponentialBackoff, jittered, limitRetries, retrying, type RetryPolicy } from './retry'

/** An environment may carry `ecrRetryPolicy` to tune `send`'s retries (tests: `limitRetries(4)`). */
export interface RetryEnv {
  readonly ecrRetryPolicy?: RetryPolicy
}

/** ECR calls: 4 retries (5 attempts), exponential from 100 ms, jittered, at most 2 s apart. */
export const ecrDefault: RetryPolicy = /*#__PURE__*/ concat(
  limitRetries(4),
  capDelay(2_000, jittered(exponentialBackoff(100)))
)

const isRetryable = <O>(r: E.Either<EcrError, O>): boolean => E.isLeft(r) && r.left._tag === 'AwsError' && r.left.retryable

/**
 * `send<DescribeImagesCommandOutput>('DescribeImages', new DescribeImagesCommand(input), id)`: `id` names
 * the repository or image for `NotFound` / `AlreadyExists` errors.
 */
export const send =
  <O>(operation: string, command: unknown, id?: string): RTE.ReaderTaskEither<EcrEnv & RetryEnv, EcrError, O> =>
  (env) =>
    retrying<EcrError, O>(
      env.ecrRetryPolicy ?? ecrDefault,
      (status) => async () => {
        try {
          env.logger?.debug('ecr call', { operation, attempt: status.iterNumber + 1 })
          const out = await (env.ecr.send as (c: unknown) => Promise<unknown>)(command)
          return E.right((out ?? {}) as O)
        } catch (e) {
          return E.left(fromAwsError(operation, id)(e))
        }
      },
      isRetryable,
      {
        onRetry: (result, delayMs, status) =>
          env.logger?.debug('ecr retry', {
            operation,
            attempt: status.iterNumber + 1,
            delayMs,
            code: E.isLeft(result) && result.left._tag === 'AwsError' ? result.left.code : undefined
          })
      }
    )
