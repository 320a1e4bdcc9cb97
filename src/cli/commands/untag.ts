/**
 * `ecr-fp-ts untag <image> <tag...>`: removes tags from an image (`Image.removeTags`) and prints the
 * URIs that no longer exist, one per tag. ECR's rule: removing an image's last tag deletes the
 * image; the output says so (`--json`: `deleted: true`).
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Image from '../../Image'
import * as Repository from '../../Repository'
import type { Context, Output } from '../context'
import { imageJson } from '../json'
import { finishWith, imageAnyStatus } from '../targets'

export interface Untagged {
  readonly image: Image.ImageRef
  readonly tags: ReadonlyArray<string>
  /** Whether the image went with its last tag. */
  readonly deleted: boolean
}

/** A removed URI per tag, and a line when the image was deleted; `--json`: the image, `removed`, `uris`, `deleted`. */
export const toOutput = ({ image, tags, deleted }: Untagged): Output => {
  const uris = tags.map((t) => `${Repository.toUri(image)}:${t}`)
  return {
    text: [...uris, ...(deleted ? [`deleted ${Image.toUri(image)} (its last tag was removed)`] : [])],
    json: { ...imageJson(image), removed: tags, uris, deleted }
  }
}

/** `untag <image> <tag...>` (the tags already parsed); a tag given twice is removed once. */
export const run = (ctx: Context, arg: string, tags: ReadonlyArray<string>): Promise<void> => {
  const distinct = Array.from(new Set(tags))
  return pipe(
    imageAnyStatus(ctx, arg),
    TE.bind('before', ({ env, ref }) => Image.getTags(ref)(env)),
    TE.tap(({ env, ref }) => Image.removeTags(ref, distinct)(env)),
    TE.map(({ ref, before }): Untagged => ({ image: ref, tags: distinct, deleted: before.every((t) => distinct.includes(t)) })),
    finishWith(ctx, toOutput)
  )
}
