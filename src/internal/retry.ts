/**
 * Retry policies as data (after `retry-ts`): a policy maps the status of a retry loop to the delay
 * before the next attempt, or `None` to stop; policies combine with `concat` (both must agree to
 * go on; the longer delay wins). `retrying` runs a `TaskEither` under a policy.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type { Monoid } from 'fp-ts/Monoid'
import * as O from 'fp-ts/Option'
import { pipe } from 'fp-ts/function'
import type * as TE from 'fp-ts/TaskEither'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface RetryStatus {
  /** How many retries have happened so far: `0` when the first attempt has just failed. */
  readonly iterNumber: number
  /** Sum of the delays waited so far. */
  readonly cumulativeDelay: number
  /** The delay waited before the latest attempt; `None` before the first retry. */
  readonly previousDelay: O.Option<number>
}

/** `Some(ms)`: wait that long, then try again; `None`: give up. */
export interface RetryPolicy {
  (status: RetryStatus): O.Option<number>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const defaultRetryStatus: RetryStatus = { iterNumber: 0, cumulativeDelay: 0, previousDelay: O.none }

/** Retries right away, at most `n` times. */
export const limitRetries =
  (n: number): RetryPolicy =>
  (status) =>
    status.iterNumber >= n ? O.none : O.some(0)

/** Waits `delayMs` between attempts, forever. */
export const constantDelay =
  (delayMs: number): RetryPolicy =>
  () =>
    O.some(Math.max(0, delayMs))

/** `baseMs`, `2 * baseMs`, `4 * baseMs`, ... forever (combine with `limitRetries` to stop). */
export const exponentialBackoff =
  (baseMs: number): RetryPolicy =>
  (status) =>
    O.some(Math.max(0, baseMs) * Math.pow(2, status.iterNumber))

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** Never waits longer than `maxMs` per attempt; does not stop the retrying. */
export const capDelay =
  (maxMs: number, policy: RetryPolicy): RetryPolicy =>
  (status) =>
    pipe(
      policy(status),
      O.map((d) => Math.min(Math.max(0, maxMs), d))
    )

/**
 * "Equal jitter": each delay `d` becomes a value in `[d / 2, d]`, so many clients retrying at once
 * spread out, and a cap applied before or after still holds. `random` returns a number in [0, 1).
 */
export const jittered =
  (policy: RetryPolicy, random: () => number = Math.random): RetryPolicy =>
  (status) =>
    pipe(
      policy(status),
      O.map((d) => {
        const r = random()
        const u = Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0
        return d / 2 + (d / 2) * u
      })
    )

/** Both policies must go on; the longer delay wins. */
export const concat =
  (first: RetryPolicy, second: RetryPolicy): RetryPolicy =>
  (status) =>
    pipe(
      first(status),
      O.chain((a) =>
        pipe(
          second(status),
          O.map((b) => Math.max(a, b))
        )
      )
    )

/** `concat`, with the policy that retries at once forever as its unit. */
export const monoid: Monoid<RetryPolicy> = {
  concat,
  empty: () => O.some(0)
}

/** The status after one more retry decided by `policy`. */
export const applyPolicy = (policy: RetryPolicy, status: RetryStatus): RetryStatus => {
  const previousDelay = policy(status)
  return {
    iterNumber: status.iterNumber + 1,
    cumulativeDelay: status.cumulativeDelay + O.getOrElse(() => 0)(previousDelay),
    previousDelay
  }
}

/** The delays a policy would wait, attempt after attempt, until it stops (at most `limit`). */
export const delays = (policy: RetryPolicy, limit = 100): ReadonlyArray<number> => {
  const out: Array<number> = []
  let status = defaultRetryStatus
  for (let i = 0; i < limit; i++) {
    const d = policy(status)
    if (O.isNone(d)) break
    out.push(d.value)
    status = applyPolicy(policy, status)
  }
  return out
}

// -------------------------------------------------------------------------------------
// defaults
// -------------------------------------------------------------------------------------

/** The registry HTTP default: 5 retries, exponential from 200 ms, jittered, at most 5 s apart. */
export const httpDefault: RetryPolicy = /*#__PURE__*/ concat(
  limitRetries(5),
  capDelay(5_000, jittered(exponentialBackoff(200)))
)

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

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

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
