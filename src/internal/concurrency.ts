/**
 * The one bounded-concurrency traversal: at most `limit` effects in flight, results in input order.
 * The first `Left` stops new work from starting and is the result once the work already running
 * has settled, so nothing is left working in the background when the result arrives.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import type * as TE from 'fp-ts/TaskEither'

export const DEFAULT_CONCURRENCY = 8

export const traverseTE =
  (limit: number) =>
  <A, E0, B>(f: (a: A, i: number) => TE.TaskEither<E0, B>) =>
  (as: ReadonlyArray<A>): TE.TaskEither<E0, ReadonlyArray<B>> =>
  () =>
    new Promise((resolve) => {
      const n = Number.isFinite(limit) ? Math.max(1, Math.floor(limit)) : 1
      const out: Array<B> = new Array(as.length)
      let next = 0
      let running = 0
      let failure: E.Left<E0> | undefined
      const settle = (): void => {
        if (running > 0) return
        if (failure !== undefined) return resolve(failure)
        if (next >= as.length) resolve(E.right(out))
      }
      const launch = (): void => {
        while (failure === undefined && running < n && next < as.length) {
          const i = next++
          running++
          f(as[i] as A, i)().then((r) => {
            running--
            if (E.isLeft(r)) failure = failure ?? r
            else out[i] = r.right
            launch()
            settle()
          })
        }
        settle()
      }
      launch()
    })

/** Runs tasks with `traverseTE`'s rules. */
export const allBounded =
  (limit: number) =>
  <E0, A>(tasks: ReadonlyArray<TE.TaskEither<E0, A>>): TE.TaskEither<E0, ReadonlyArray<A>> =>
    traverseTE(limit)((t: TE.TaskEither<E0, A>) => t)(tasks)

/** `traverseTE` in the reader: the limit is `env.concurrency` (default 8). */
export const traverseRTE =
  <R extends { readonly concurrency?: number }, A, E0, B>(f: (a: A, i: number) => RTE.ReaderTaskEither<R, E0, B>) =>
  (as: ReadonlyArray<A>): RTE.ReaderTaskEither<R, E0, ReadonlyArray<B>> =>
  (r) =>
    traverseTE(r.concurrency ?? DEFAULT_CONCURRENCY)((a: A, i: number) => f(a, i)(r))(as)
