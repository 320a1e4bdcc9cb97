/**
 * Runs tasks with at most `limit` in flight, keeping input order in the output. The first `Left`
 * stops new tasks from starting, and is the result once the tasks already running have settled:
 * nothing is left working in the background when the result arrives.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'

export const allBounded =
  (limit: number) =>
  <E0, A>(tasks: ReadonlyArray<TE.TaskEither<E0, A>>): TE.TaskEither<E0, ReadonlyArray<A>> =>
  () =>
    new Promise((resolve) => {
      const n = Number.isFinite(limit) ? Math.max(1, Math.floor(limit)) : 1
      const out: Array<A> = new Array(tasks.length)
      let next = 0
      let running = 0
      let failure: E.Left<E0> | undefined
      const settle = (): void => {
        if (running > 0) return
        if (failure !== undefined) return resolve(failure)
        if (next >= tasks.length) resolve(E.right(out))
      }
      const launch = (): void => {
        while (failure === undefined && running < n && next < tasks.length) {
          const i = next++
          running++
          let started: Promise<E.Either<E0, A>>
          try {
            started = (tasks[i] as TE.TaskEither<E0, A>)()
          } catch (e) {
            started = Promise.reject(e)
          }
          started.then(
            (r) => {
              running--
              if (E.isLeft(r)) failure = failure ?? r
              else out[i] = r.right
              launch()
              settle()
            },
            (e: unknown) => {
              running--
              failure = failure ?? { _tag: 'Left', left: e as E0 }
              settle()
            }
          )
        }
        settle()
      }
      launch()
    })
