/**
 * Runs independent effects with at most `limit` in flight, keeping input order in the output.
 * The first `Left` stops new work from starting and is the result.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type * as RTE from 'fp-ts/ReaderTaskEither'

export const DEFAULT_CONCURRENCY = 8

export const traverseTE =
  (limit: number) =>
  <A, E0, B>(f: (a: A, i: number) => TE.TaskEither<E0, B>) =>
  (as: ReadonlyArray<A>): TE.TaskEither<E0, ReadonlyArray<B>> =>
  () =>
    new Promise((resolve) => {
      const n = Math.max(1, Math.floor(limit))
      const out: Array<B> = new Array(as.length)
      let next = 0
      let running = 0
      let done = false
      const finish = (r: E.Either<E0, ReadonlyArray<B>>) => {
        if (!done) {
          done = true
          resolve(r)
        }
      }
      const launch = (): void => {
        if (done) return
        if (next >= as.length && running === 0) return finish(E.right(out))
        while (!done && running < n && next < as.length) {
          const i = next++
          running++
          let task: Promise<E.Either<E0, B>>
          try {
            task = f(as[i] as A, i)()
          } catch (e) {
            task = Promise.reject(e)
          }
          task.then(
            (r) => {
              running--
              if (E.isLeft(r)) return finish(r)
              out[i] = r.right
              launch()
            },
            (e: unknown) => {
              running--
              finish(E.left(e as E0))
            }
          )
        }
      }
      launch()
    })

/** `traverseTE` in the reader: the limit is `env.concurrency` (default 8). */
export const traverseRTE =
  <R extends { readonly concurrency?: number }, A, E0, B>(f: (a: A, i: number) => RTE.ReaderTaskEither<R, E0, B>) =>
  (as: ReadonlyArray<A>): RTE.ReaderTaskEither<R, E0, ReadonlyArray<B>> =>
  (r) =>
    traverseTE(r.concurrency ?? DEFAULT_CONCURRENCY)((a: A, i: number) => f(a, i)(r))(as)
