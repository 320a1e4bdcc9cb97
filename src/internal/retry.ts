/**
 * The retry loop: `retrying` runs a `TaskEither` under a `RetryPolicy` (see the public `Retry`
 * module for the policies).
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type * as TE from 'fp-ts/TaskEither'
import { defaultRetryStatus, type RetryPolicy, type RetryStatus } from '../Retry'

/** The longest `Retry-After` honoured (a server asking for more is waited on this long). */
export const MAX_RETRY_AFTER_MS = 30_000

// -------------------------------------------------------------------------------------
// running
// -------------------------------------------------------------------------------------

export interface RetryingOptions<E0, A> {
  /** How to wait; `setTimeout` by default (tests pass a fake). */
  readonly sleep?: (ms: number) => Promise<void>
  /** A delay the server asked for (such as `Retry-After`), waited instead when longer than the policy's. */
  readonly delayHint?: (result: E.Either<E0, A>) => number | undefined
  /** Upper bound for `delayHint` (default `MAX_RETRY_AFTER_MS`). */
  readonly maxHintMs?: number
  /** Called before each wait, e.g. to log the retry. */
  readonly onRetry?: (result: E.Either<E0, A>, delayMs: number, status: RetryStatus) => void
}

/** Waits with `setTimeout`: how retries wait unless told otherwise. */
export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs `action` and, while `shouldRetry` holds for its result and the policy agrees, waits and runs
 * it again. The last result is returned as is. `action` is told the current retry status.
 */
export const retrying =
  <E0, A>(
    policy: RetryPolicy,
    action: (status: RetryStatus) => TE.TaskEither<E0, A>,
    shouldRetry: (result: E.Either<E0, A>) => boolean,
    options: RetryingOptions<E0, A> = {}
  ): TE.TaskEither<E0, A> =>
  async () => {
    const sleep = options.sleep ?? defaultSleep
    const maxHint = options.maxHintMs ?? MAX_RETRY_AFTER_MS
    let status = defaultRetryStatus
    for (;;) {
      const result = await action(status)()
      if (!shouldRetry(result)) return result
      const decision = policy(status)
      if (O.isNone(decision)) return result
      const hint = options.delayHint?.(result)
      const wait =
        hint !== undefined && Number.isFinite(hint) && hint > decision.value
          ? Math.min(hint, Math.max(maxHint, decision.value))
          : decision.value
      options.onRetry?.(result, wait, status)
      await sleep(wait)
      status = {
        iterNumber: status.iterNumber + 1,
        cumulativeDelay: status.cumulativeDelay + wait,
        previousDelay: O.some(wait)
      }
    }
  }
