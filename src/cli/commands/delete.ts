/**
 * `ecr-fp-ts delete <repo> [--force]`: deletes a repository (`Repository.delete`) and prints its
 * URI. Without `--force`, a repository that still holds images is not deleted (exit 1).
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Repository from '../../Repository'
import type { Register } from '../context'
import { finishWith, repository } from '../targets'
import { refOutput } from './create'

export const register: Register = (program, ctx) => {
  program
    .command('delete')
    .description('delete a repository and print its URI')
    .argument('<repo>', 'repository name (default registry) or repository URI')
    .option('--force', 'also when it still holds images (they are deleted with it)')
    .action((repo: string, options: { readonly force?: boolean }) =>
      pipe(
        repository(ctx, repo),
        TE.tap(({ env, ref }) => Repository.delete(ref, { force: options.force === true })(env)),
        TE.map(({ ref }) => ref),
        finishWith(ctx, refOutput)
      )
    )
}
