/**
 * `ecr-fp-ts tag <image> <tag...>`: adds tags to an image (`Image.fromUri`, then `Image.addTags`)
 * and prints the image's new URIs, one per tag.
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Image from '../../Image'
import * as Repository from '../../Repository'
import type { Context, Output } from '../context'
import { imageJson } from '../json'
import { finishWith, image } from '../targets'

export interface Tagged {
  readonly image: Image.ImageRef
  readonly tags: ReadonlyArray<string>
}

/** A URI per new tag; `--json`: the image, the tags `added` and their `uris`. */
export const toOutput = ({ image, tags }: Tagged): Output => {
  const uris = tags.map((t) => `${Repository.toUri(image)}:${t}`)
  return {
    text: uris,
    json: { ...imageJson(image), added: tags, uris }
  }
}

/** `tag <image> <tag...>` (the tags already parsed); a tag given twice is added once. */
export const run = (ctx: Context, arg: string, tags: ReadonlyArray<string>): Promise<void> => {
  const distinct = Array.from(new Set(tags))
  return pipe(
    image(ctx, arg),
    TE.tap(({ env, ref }) => Image.addTags(ref, distinct)(env)),
    TE.map(({ ref }): Tagged => ({ image: ref, tags: distinct })),
    finishWith(ctx, toOutput)
  )
}
