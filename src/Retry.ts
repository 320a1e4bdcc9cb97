/**
 * Retry policies as data (after `retry-ts`): a policy maps the status of a retry loop to the delay
 * before the next attempt, or `None` to stop. Policies combine with `concat` (both must agree to go
 * on; the longer delay wins). The environment takes them as options: `Env.make({ retry: { ecr, http } })`,
 * `Env.withEcrRetries(policy)` and `HttpEnv.retryPolicy`.
 *
 * @since 0.2.0
 */
import type { Monoid } from 'fp-ts/Monoid'
import * as O from 'fp-ts/Option'
import { pipe } from 'fp-ts/function'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Where a retry loop is: how many retries so far, how long it has waited in all, and its last wait.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 * import * as O from 'fp-ts/Option'
 *
 * const status: Retry.RetryStatus = { iterNumber: 2, cumulativeDelay: 300, previousDelay: O.some(200) }
 * assert.deepStrictEqual(Retry.exponentialBackoff(100)(status), O.some(400))
 */
export interface RetryStatus {
  /** How many retries have happened so far: `0` when the first attempt has just failed. */
  readonly iterNumber: number
  /** The sum of the delays waited so far, in milliseconds. */
  readonly cumulativeDelay: number
  /** The delay waited before the latest attempt; `None` before the first retry. */
  readonly previousDelay: O.Option<number>
}

/**
 * A retry policy: `Some(ms)` waits that long, then tries again; `None` gives up.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 * import * as O from 'fp-ts/Option'
 *
 * // three quick retries, then give up
 * const policy: Retry.RetryPolicy = (status) => (status.iterNumber < 3 ? O.some(10) : O.none)
 * assert.deepStrictEqual(Retry.delays(policy), [10, 10, 10])
 */
export interface RetryPolicy {
  (status: RetryStatus): O.Option<number>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The status of a loop whose first attempt has just failed.
 *
 * @category constructors
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 * import * as O from 'fp-ts/Option'
 *
 * assert.deepStrictEqual(Retry.defaultRetryStatus, { iterNumber: 0, cumulativeDelay: 0, previousDelay: O.none })
 */
export const defaultRetryStatus: RetryStatus = { iterNumber: 0, cumulativeDelay: 0, previousDelay: O.none }

/**
 * Retries right away, at most `n` times.
 *
 * @category constructors
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 *
 * assert.deepStrictEqual(Retry.delays(Retry.limitRetries(3)), [0, 0, 0])
 */
export const limitRetries =
  (n: number): RetryPolicy =>
  (status) =>
    status.iterNumber >= n ? O.none : O.some(0)

/**
 * Waits `delayMs` between attempts, forever (combine with `limitRetries` to stop).
 *
 * @category constructors
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 *
 * assert.deepStrictEqual(Retry.delays(Retry.concat(Retry.limitRetries(2), Retry.constantDelay(50))), [50, 50])
 */
export const constantDelay =
  (delayMs: number): RetryPolicy =>
  () =>
    O.some(Math.max(0, delayMs))

/**
 * `baseMs`, `2 * baseMs`, `4 * baseMs`, ... forever (combine with `limitRetries` to stop).
 *
 * @category constructors
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 *
 * assert.deepStrictEqual(Retry.delays(Retry.concat(Retry.limitRetries(4), Retry.exponentialBackoff(100))), [100, 200, 400, 800])
 */
export const exponentialBackoff =
  (baseMs: number): RetryPolicy =>
  (status) =>
    O.some(Math.max(0, baseMs) * Math.pow(2, status.iterNumber))

/**
 * Never retries: the first failure is the result.
 *
 * @category constructors
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 *
 * assert.deepStrictEqual(Retry.delays(Retry.none), [])
 */
export const none: RetryPolicy = /*#__PURE__*/ limitRetries(0)

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Never waits longer than `maxMs` per attempt; does not stop the retrying.
 *
 * @category combinators
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 *
 * const policy = Retry.concat(Retry.limitRetries(5), Retry.capDelay(500, Retry.exponentialBackoff(100)))
 * assert.deepStrictEqual(Retry.delays(policy), [100, 200, 400, 500, 500])
 */
export const capDelay =
  (maxMs: number, policy: RetryPolicy): RetryPolicy =>
  (status) =>
    pipe(
      policy(status),
      O.map((d) => Math.min(Math.max(0, maxMs), d))
    )

/**
 * "Equal jitter": each delay `d` becomes a value in `[d / 2, d]`, so many clients retrying at once
 * spread out, and a cap applied before or after still holds. `random` returns a number in [0, 1)
 * (`Math.random` by default); a value outside is clamped.
 *
 * @category combinators
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 *
 * const policy = Retry.concat(Retry.limitRetries(3), Retry.jittered(Retry.constantDelay(100)))
 * assert.ok(Retry.delays(policy).every((d) => d >= 50 && d <= 100))
 * assert.deepStrictEqual(Retry.delays(Retry.concat(Retry.limitRetries(2), Retry.jittered(Retry.constantDelay(100), () => 0))), [50, 50])
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

/**
 * Both policies must go on; the longer delay wins.
 *
 * @category combinators
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 *
 * assert.deepStrictEqual(Retry.delays(Retry.concat(Retry.limitRetries(2), Retry.constantDelay(30))), [30, 30])
 */
export const concat =
  (first: RetryPolicy, second: RetryPolicy): RetryPolicy =>
  (status) =>
    pipe(
      first(status),
      O.flatMap((a) =>
        pipe(
          second(status),
          O.map((b) => Math.max(a, b))
        )
      )
    )

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * `concat`, with the policy that retries at once forever as its unit.
 *
 * @category instances
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 * import { concatAll } from 'fp-ts/Monoid'
 *
 * const policy = concatAll(Retry.monoid)([Retry.limitRetries(3), Retry.constantDelay(10), Retry.exponentialBackoff(5)])
 * assert.deepStrictEqual(Retry.delays(policy), [10, 10, 20])
 */
export const monoid: Monoid<RetryPolicy> = {
  concat,
  empty: () => O.some(0)
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The status after one more retry decided by `policy`.
 *
 * @category utils
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 * import * as O from 'fp-ts/Option'
 *
 * assert.deepStrictEqual(Retry.applyPolicy(Retry.constantDelay(7), Retry.defaultRetryStatus), {
 *   iterNumber: 1,
 *   cumulativeDelay: 7,
 *   previousDelay: O.some(7)
 * })
 */
export const applyPolicy = (policy: RetryPolicy, status: RetryStatus): RetryStatus => {
  const previousDelay = policy(status)
  return {
    iterNumber: status.iterNumber + 1,
    cumulativeDelay: status.cumulativeDelay + O.getOrElse(() => 0)(previousDelay),
    previousDelay
  }
}

/**
 * The delays a policy would wait, attempt after attempt, until it stops (at most `limit` of them).
 *
 * @category utils
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 *
 * assert.deepStrictEqual(Retry.delays(Retry.constantDelay(1), 3), [1, 1, 1])
 */
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

/**
 * The ECR API default of `Env.make`: 4 retries (5 attempts), exponential from 100 ms, jittered, at
 * most 2 s apart (about 1.5 s of waiting at worst).
 *
 * @category defaults
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 *
 * const ds = Retry.delays(Retry.ecrDefault)
 * assert.strictEqual(ds.length, 4)
 * assert.ok(ds[0] >= 50 && ds[0] <= 100)
 * assert.ok(ds.every((d) => d <= 2_000))
 */
export const ecrDefault: RetryPolicy = /*#__PURE__*/ concat(
  limitRetries(4),
  capDelay(2_000, jittered(exponentialBackoff(100)))
)

/**
 * The registry HTTP default (`HttpEnv.retryPolicy` when absent): 5 retries, exponential from
 * 200 ms, jittered, at most 5 s apart.
 *
 * @category defaults
 * @since 0.2.0
 * @example
 * import * as Retry from 'ecr-fp-ts/Retry'
 *
 * const ds = Retry.delays(Retry.httpDefault)
 * assert.strictEqual(ds.length, 5)
 * assert.ok(ds[0] >= 100 && ds[0] <= 200)
 * assert.ok(ds.every((d) => d <= 5_000))
 */
export const httpDefault: RetryPolicy = /*#__PURE__*/ concat(
  limitRetries(5),
  capDelay(5_000, jittered(exponentialBackoff(200)))
)
