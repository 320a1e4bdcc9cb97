/**
 * `ecr-fp-ts resolve <name> [--tag T]`: the full image URI a name stands for (`resolveImageUri`).
 * A full image URI, `name:tag` and `name@digest` need no call; a repository name or URI gives the
 * image tagged T, else its most recently pushed tagged image, in digest form.
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as ImageUri from '../../ImageUri'
import type { Context, Output } from '../context'
import { finishWith, imageUri } from '../targets'

/** The URI; `--json`: the URI and its parts (a reference: `tag` or `digest`, whichever it names). */
export const toOutput = (uri: ImageUri.ImageUri): Output => ({
  text: [uri],
  json: { uri, ...ImageUri.toRef(uri) }
})

/** `resolve <name> [--tag T]` */
export const run = (ctx: Context, name: string, options: { readonly tag?: string }): Promise<void> =>
  pipe(
    imageUri(ctx, name, options.tag),
    TE.map(({ uri }) => uri),
    finishWith(ctx, toOutput)
  )
