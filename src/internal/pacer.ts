/**
 * Pacing: calls that count against a request-rate quota wait for their turn instead of being
 * throttled. One window per operation: a rate of `r` per second lets `n = ⌊r⌋` calls (at least 1,
 * at most `MAX_SLOTS`) start in any window of `n / r` seconds, so for a whole rate no 1-second
 * window ever holds more than `r` calls, and a call made while fewer than `r` started in the last
 * second never waits (a burst of a full second's worth goes at once). It is a bucket of `n` tokens
 * where each token taken comes back exactly one window later (a sliding-window log), rather than a
 * token bucket refilled continuously: a bucket of `r` tokens refilled at `r` per second lets `2r`
 * calls through in one second, which ECR's per-second quotas throttle.
 *
 * A call reserves its time slot when it asks (first come, first served), then waits with the
 * environment's `sleep` until then; an abort of its signal ends the wait (the slot stays used). The
 * windows of an environment live in a `WeakMap` keyed by its `rateLimits` object, which spread
 * copies of the environment share: everything using one environment counts against one set of
 * windows. `Env.make` registers the clock and the `sleep` of the environment it builds; a
 * `rateLimits` object made elsewhere gets the system clock and `setTimeout` on first use.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import { cancelled } from './limiter'
import { defaultSleep } from './retry'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Calls per second, by ECR operation name; `Infinity` (or a value that is not a positive number): not paced. */
export type Rates = Readonly<Partial<Record<string, number>>>

/** The time source and the way to wait of a set of windows. */
export interface Clock {
  /** Milliseconds (any origin; only differences count). */
  readonly now: () => number
  readonly sleep: (ms: number) => Promise<void>
}

/**
 * The window of one operation: the start times of its last `slots.length` calls (a ring, `next`
 * the oldest once full), each call at least `windowMs` after the one `slots.length` calls before it.
 */
export interface Window {
  readonly windowMs: number
  readonly slots: Float64Array
  next: number
  count: number
  last: number
}

/** A set of windows, one per paced operation, made on first use. */
export interface Pacer {
  readonly rates: Rates
  readonly clock: Clock
  readonly windows: Map<string, Window | undefined>
}

// -------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------

/** The most calls one window keeps; a faster rate gets a shorter window (still `r` per second). */
export const MAX_SLOTS = 10_000

const systemClock: Clock = { now: () => Date.now(), sleep: defaultSleep }

// -------------------------------------------------------------------------------------
// windows
// -------------------------------------------------------------------------------------

/** Whether `rate` paces at all: a positive, finite number. */
export const isPaced = (rate: number | undefined): rate is number => rate !== undefined && rate > 0 && Number.isFinite(rate)

/** The window of a rate per second; `undefined` for a rate that does not pace. */
export const makeWindow = (rate: number | undefined): Window | undefined => {
  if (!isPaced(rate)) return undefined
  const n = Math.min(MAX_SLOTS, Math.max(1, Math.floor(rate)))
  return { windowMs: (n / rate) * 1000, slots: new Float64Array(n), next: 0, count: 0, last: Number.NEGATIVE_INFINITY }
}

/**
 * Reserves the earliest start at or after `now` that keeps the window's rule (and the order of
 * earlier reservations); returns it. Reservations are never earlier than `now`.
 */
export const reserve = (w: Window, now: number): number => {
  const full = w.count === w.slots.length
  const oldest = full ? (w.slots[w.next] ?? Number.NEGATIVE_INFINITY) + w.windowMs : Number.NEGATIVE_INFINITY
  const at = Math.max(now, w.last, oldest)
  w.slots[w.next] = at
  w.next = (w.next + 1) % w.slots.length
  w.count = Math.min(w.count + 1, w.slots.length)
  w.last = at
  return at
}

// -------------------------------------------------------------------------------------
// pacers
// -------------------------------------------------------------------------------------

const pacers = new WeakMap<Rates, Pacer>()

/** The pacer of `rates` (made with `clock` when it has none yet). */
export const pacerOf = (rates: Rates, clock: Clock = systemClock): Pacer => {
  const known = pacers.get(rates)
  if (known !== undefined) return known
  const pacer: Pacer = { rates, clock, windows: new Map() }
  pacers.set(rates, pacer)
  return pacer
}

/** `rates`, registered with `clock`: the environment that carries it paces on that clock. */
export const withClock = <R extends Rates>(rates: R, clock: Clock): R => {
  pacerOf(rates, clock)
  return rates
}

const windowOf = (pacer: Pacer, operation: string): Window | undefined => {
  if (pacer.windows.has(operation)) return pacer.windows.get(operation)
  const w = makeWindow(pacer.rates[operation])
  pacer.windows.set(operation, w)
  return w
}

/** Waits `ms` with `sleep`, ended early by an abort of `signal`; a `sleep` that fails has waited. */
const wait = (sleep: (ms: number) => Promise<void>, ms: number, signal?: AbortSignal): Promise<E.Either<Error, void>> => {
  if (signal?.aborted === true) return Promise.resolve(E.left(cancelled(signal)))
  const slept = Promise.resolve()
    .then(() => sleep(ms))
    .then(
      () => E.right(undefined),
      () => E.right(undefined)
    )
  if (signal === undefined) return slept
  let onAbort: () => void = () => undefined
  const aborted = new Promise<E.Either<Error, void>>((resolve) => {
    onAbort = () => resolve(E.left(cancelled(signal)))
    signal.addEventListener('abort', onAbort, { once: true })
  })
  return Promise.race([slept, aborted]).finally(() => signal.removeEventListener('abort', onAbort))
}

/**
 * Takes a turn of each of `operations` (one call counts against each) under `rates`, waiting with
 * `sleep` (default: the pacer's) until the latest of them; `E.left` with a cancellation error when
 * `signal` is aborted first. No `rates`, or no paced operation among them: no wait.
 */
export const pace = (
  rates: Rates | undefined,
  operations: ReadonlyArray<string>,
  signal?: AbortSignal,
  sleep?: (ms: number) => Promise<void>
): Promise<E.Either<Error, void>> => {
  if (rates === undefined) return Promise.resolve(E.right(undefined))
  const pacer = pacerOf(rates)
  const windows = operations.map((op) => windowOf(pacer, op)).filter((w): w is Window => w !== undefined)
  if (windows.length === 0) return Promise.resolve(E.right(undefined))
  const now = pacer.clock.now()
  const at = Math.max(...windows.map((w) => reserve(w, now)))
  return at > now ? wait(sleep ?? pacer.clock.sleep, at - now, signal) : Promise.resolve(E.right(undefined))
}
