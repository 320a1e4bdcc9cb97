/**
 * The last-resort safety net of the exported operations: argument checks first, then the program is
 * built and run so that a synchronous throw while building it, or a throw or rejection while running
 * it, becomes a `Left` naming the operation instead of an exception.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import type * as TE from 'fp-ts/TaskEither'
import type { EcrError } from '../EcrError'
import * as EcrErrors from '../EcrError'
import { show } from './guard'

const reason = (e: unknown): string => (e instanceof Error ? e.message : show(e))

/** The error of an unforeseen throw in `operation` (a bug or an input no guard foresaw). */
export const unexpected = (operation: string, e: unknown): EcrError =>
  EcrErrors.invalidArgument(`${operation}: unexpected failure on this input: ${reason(e)}`)

/** Runs a task so that a throw or a rejection resolves to a `Left`. */
export const safeTask =
  <A>(operation: string, task: TE.TaskEither<EcrError, A>): TE.TaskEither<EcrError, A> =>
  () => {
    try {
      return task().then(
        (r) => r,
        (e: unknown) => E.left(unexpected(operation, e))
      )
    } catch (e) {
      return Promise.resolve(E.left(unexpected(operation, e)))
    }
  }

/**
 * `checks` are the argument guards' results (the first `Left` wins, before anything is built);
 * `build` makes the program, which runs under `safeTask`.
 */
export const total = <R, A>(
  operation: string,
  checks: ReadonlyArray<E.Either<EcrError, unknown>>,
  build: () => RTE.ReaderTaskEither<R, EcrError, A>
): RTE.ReaderTaskEither<R, EcrError, A> => {
  for (const c of checks) if (E.isLeft(c)) return () => () => Promise.resolve(E.left(c.left))
  let program: RTE.ReaderTaskEither<R, EcrError, A>
  try {
    program = build()
  } catch (e) {
    const err = unexpected(operation, e)
    return () => () => Promise.resolve(E.left(err))
  }
  return (r) => {
    try {
      return safeTask(operation, program(r))
    } catch (e) {
      return () => Promise.resolve(E.left(unexpected(operation, e)))
    }
  }
}

/** An Either-returning function made total: a throw becomes a `Left`. */
export const totalEither = <A>(operation: string, f: () => E.Either<EcrError, A>): E.Either<EcrError, A> => {
  try {
    return f()
  } catch (e) {
    return E.left(unexpected(operation, e))
  }
}
