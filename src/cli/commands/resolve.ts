/**
 * `ecr-fp-ts resolve <name> [--tag T]`: the full image URI a name stands for (`resolveImageUri`).
 * A full image URI, `name:tag` and `name@digest` need no call; a repository name or URI gives the
 * image tagged T, else its most recently pushed tagged image, in digest form.
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as ImageUri from '../../ImageUri'
import type { Output, Register } from '../context'
import { finishWith, imageUri } from '../targets'

export const toOutput = (uri: ImageUri.ImageUri): Output => ({
  text: [uri],
  json: { uri, ...ImageUri.toRef(uri) }
})

export const register: Register = (program, ctx) => {
  program
    .command('resolve')
    .description('print the full image URI of a name (a repository: its latest tagged image, digest form)')
    .argument('<name>', 'repository name or URI, name:tag, name@digest, or an image URI')
    .option('--tag <tag>', 'for a repository: the image with this tag (default: the most recently pushed tagged image)')
    .action((name: string, options: { readonly tag?: string }) =>
      pipe(
        imageUri(ctx, name, options.tag),
        TE.map(({ uri }) => uri),
        finishWith(ctx, toOutput)
      )
    )
}
