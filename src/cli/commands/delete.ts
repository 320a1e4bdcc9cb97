/**
 * `ecr-fp-ts delete <repo> [--force]`: deletes a repository (`Repository.delete`) and prints its
 * URI. Without `--force`, a repository that still holds images is not deleted (exit 1).
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Repository from '../../Repository'
import type { Context } from '../context'
import { finishWith, repository } from '../targets'
import { refOutput } from './create'

/** `delete <repo> [--force]` */
export const run = (ctx: Context, repo: string, options: { readonly force?: boolean }): Promise<void> =>
  pipe(
    repository(ctx, repo),
    TE.tap(({ env, ref }) => Repository.delete(ref, { force: options.force === true })(env)),
    TE.map(({ ref }) => ref),
    finishWith(ctx, refOutput)
  )
