/**
 * The limiter of an environment: a weighted semaphore of `capacity` permits, owned by the
 * environment (`Env.make` creates one per environment; nothing here is module-global). Every ECR
 * call and every registry request made through the environment holds a permit for its whole
 * duration (a streamed body included), so `capacity` bounds what is in flight across concurrent
 * operations. Waiters are served first come, first served; a weight above the capacity is clamped
 * to it, so a request for more permits than exist still runs (alone).
 *
 * Work that already holds its permits runs the operations it is made of in an environment whose
 * limiter is `held` (they take no further permit), which is how a streamed copy holds a source GET
 * and a destination PUT at once without a deadlock at capacity 1.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type { Limiter, Release } from '../Env'

export type { Limiter, Release } from '../Env'

/** The error a wait for permits ends with when its signal is aborted. */
export const CANCELLED = 'ERR_ECR_CANCELLED'

/** An error saying the operation was cancelled (the signal's reason, when it is an `Error`, as `cause`). */
export const cancelled = (signal: AbortSignal): Error =>
  Object.assign(new Error('cancelled'), {
    name: 'AbortError',
    code: CANCELLED,
    ...(signal.reason instanceof Error ? { cause: signal.reason } : {})
  })

const noop: Release = () => undefined

interface Waiter {
  readonly weight: number
  readonly grant: (release: Release) => void
}

/** A limiter of `capacity` permits (at least 1; a fraction is rounded down). */
export const makeLimiter = (capacity: number): Limiter => {
  const size = Number.isFinite(capacity) ? Math.max(1, Math.floor(capacity)) : 1
  let free = size
  const queue: Array<Waiter> = []
  let head = 0
  const releaser = (weight: number): Release => {
    let released = false
    return () => {
      if (released) return
      released = true
      free += weight
      drain()
    }
  }
  const drain = (): void => {
    while (head < queue.length) {
      const w = queue[head]
      if (w === undefined || w.weight > free) break
      head++
      free -= w.weight
      w.grant(releaser(w.weight))
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head)
      head = 0
    }
  }
  return {
    capacity: size,
    acquire: (weight, signal) => {
      const n = Math.min(size, Math.max(1, Math.floor(weight)))
      if (signal?.aborted === true) return Promise.resolve(E.left(cancelled(signal)))
      if (head >= queue.length && n <= free) {
        free -= n
        return Promise.resolve(E.right(releaser(n)))
      }
      return new Promise((resolve) => {
        let settled = false
        const onAbort = (): void => {
          if (settled || signal === undefined) return
          settled = true
          // the waiter stays in the queue; granted later, its permits go straight back
          resolve(E.left(cancelled(signal)))
        }
        queue.push({
          weight: n,
          grant: (release) => {
            signal?.removeEventListener('abort', onAbort)
            if (settled) return release()
            settled = true
            resolve(E.right(release))
          }
        })
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    }
  }
}

const helds = new WeakMap<Limiter, Limiter>()
const owners = new WeakMap<Limiter, Limiter>()

/**
 * The limiter of work whose permits of `limiter` are already held: it grants at once and counts
 * nothing; its `owner` is `limiter` (one per limiter, so it can key what belongs to the environment).
 */
export const held = (limiter: Limiter): Limiter => {
  const known = helds.get(limiter)
  if (known !== undefined) return known
  const h: Limiter = { capacity: limiter.capacity, acquire: () => Promise.resolve(E.right(noop)) }
  helds.set(limiter, h)
  owners.set(h, ownerOf(limiter))
  return h
}

/** The limiter a `held` one stands for; any other is its own owner. */
export const ownerOf = (limiter: Limiter): Limiter => owners.get(limiter) ?? limiter

/**
 * Runs `f` holding `weight` permits of `limiter` (none without a limiter), released when `f`'s
 * promise settles; `E.left` with a cancellation error when `signal` is aborted while waiting.
 */
export const withPermits = async <A>(
  limiter: Limiter | undefined,
  weight: number,
  f: () => Promise<A>,
  signal?: AbortSignal
): Promise<E.Either<Error, A>> => {
  if (limiter === undefined) return E.right(await f())
  const permit = await limiter.acquire(weight, signal)
  if (E.isLeft(permit)) return permit
  try {
    return E.right(await f())
  } finally {
    permit.right()
  }
}

/**
 * Takes permits of several limiters at once: `weight` of each distinct limiter, the same limiter
 * counted once per use (`[a, a]` takes 2 of `a`, clamped to its capacity). Distinct limiters are
 * taken one after the other in a fixed order (by their `rank`), so two copies in opposite
 * directions cannot each hold one and wait for the other.
 */
export const acquireAll = async (
  uses: ReadonlyArray<Limiter | undefined>,
  signal?: AbortSignal
): Promise<E.Either<Error, Release>> => {
  const weights = new Map<Limiter, number>()
  for (const l of uses) if (l !== undefined) weights.set(l, (weights.get(l) ?? 0) + 1)
  const ordered = [...weights.entries()].sort((a, b) => rankOf(a[0]) - rankOf(b[0]))
  const releases: Array<Release> = []
  const releaseAll: Release = () => {
    for (const r of releases.splice(0).reverse()) r()
  }
  for (const [limiter, weight] of ordered) {
    const permit = await limiter.acquire(weight, signal)
    if (E.isLeft(permit)) {
      releaseAll()
      return permit
    }
    releases.push(permit.right)
  }
  return E.right(releaseAll)
}

/** A stable order of limiters, assigned on first use. */
const ranks = new WeakMap<Limiter, number>()
let nextRank = 0
const rankOf = (l: Limiter): number => {
  const known = ranks.get(l)
  if (known !== undefined) return known
  const r = nextRank++
  ranks.set(l, r)
  return r
}
