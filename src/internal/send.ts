/**
 * Sends one ECR API command through `env.ecr.send`, turning every rejection (and a synchronous
 * throw) into an `EcrError`, and retrying throttling and transient failures a few times with capped
 * exponential backoff and jitter. All ECR calls of the library go through here.
 *
 * A real `ECRClient` (as built by `Env.fromDefaults`) also retries inside the SDK; the retries here
 * are modest (5 attempts, about 1.5 s in the worst case) and cover clients that do not retry, such
 * as the in-memory twin or a bare `send` function.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import type { EcrEnv } from '../Env'
import type { EcrError } from '../EcrError'
import { fromAwsError } from './awsError'

/** How `send` retries; every field is optional. Tests pass `sleep: () => Promise.resolve()`. */
export interface SendRetry {
  /** Attempts in all, the first included (default 5; 1 disables retries). */
  readonly maxAttempts?: number
  /** Delay before the first retry, doubled for each further one (default 100 ms). */
  readonly baseDelayMs?: number
  /** Upper bound of one delay (default 2 s). */
  readonly maxDelayMs?: number
  /** Waits the given milliseconds (default a timer). */
  readonly sleep?: (ms: number) => Promise<void>
  /** A number in [0, 1) for jitter (default `Math.random`). */
  readonly random?: () => number
}

/** An environment may carry `ecrRetry` to tune `send`'s retries; without it the defaults apply. */
export interface RetryEnv {
  readonly ecrRetry?: SendRetry
}

export const DEFAULT_MAX_ATTEMPTS = 5
export const DEFAULT_BASE_DELAY_MS = 100
export const DEFAULT_MAX_DELAY_MS = 2000

const timer = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The delay before retry number `retry` (1 for the first retry): half of the capped exponential
 * delay, plus a random part of up to the other half ("equal jitter").
 */
export const backoffDelay = (retry: number, baseMs: number, maxMs: number, random: number): number => {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1))
  const r = Math.min(Math.max(random, 0), 1)
  return Math.max(0, Math.round(exp / 2 + (exp / 2) * r))
}

const isRetryable = (e: EcrError): boolean => e._tag === 'AwsError' && e.retryable

const sendOnce = async <O>(env: EcrEnv, operation: string, command: unknown, id?: string): Promise<E.Either<EcrError, O>> => {
  try {
    const out = await (env.ecr.send as (c: unknown) => Promise<unknown>)(command)
    return E.right((out ?? {}) as O)
  } catch (e) {
    return E.left(fromAwsError(operation, id)(e))
  }
}

/**
 * `send<DescribeImagesCommandOutput>('DescribeImages', new DescribeImagesCommand(input), id)`: `id` names
 * the repository or image for `NotFound` / `AlreadyExists` errors.
 */
export const send =
  <O>(operation: string, command: unknown, id?: string): RTE.ReaderTaskEither<EcrEnv & RetryEnv, EcrError, O> =>
  (env) =>
  async () => {
    const settings = env.ecrRetry ?? {}
    const maxAttempts = Math.max(1, Math.floor(settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS))
    const baseMs = settings.baseDelayMs ?? DEFAULT_BASE_DELAY_MS
    const maxMs = settings.maxDelayMs ?? DEFAULT_MAX_DELAY_MS
    const sleep = settings.sleep ?? timer
    const random = settings.random ?? Math.random
    for (let attempt = 1; ; attempt++) {
      env.logger?.debug('ecr call', { operation, attempt })
      const result = await sendOnce<O>(env, operation, command, id)
      if (E.isRight(result) || attempt >= maxAttempts || !isRetryable(result.left)) return result
      const delay = backoffDelay(attempt, baseMs, maxMs, random())
      env.logger?.debug('ecr retry', {
        operation,
        attempt,
        delayMs: delay,
        code: result.left._tag === 'AwsError' ? result.left.code : result.left._tag
      })
      try {
        await sleep(delay)
      } catch {
        return result
      }
    }
  }
