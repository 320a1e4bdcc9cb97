/**
 * `ecr-fp-ts digest <image>`: the digest of the image a reference names (`Image.fromUri`: a tag is
 * looked up with BatchGetImage; a digest is checked to exist).
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type * as Image from '../../Image'
import type { Context, Output } from '../context'
import { imageJson } from '../json'
import { finishWith, image } from '../targets'

/** The digest; `--json`: the image. */
export const toOutput = (ref: Image.ImageRef): Output => ({
  text: [ref.imageDigest],
  json: imageJson(ref)
})

/** `digest <image>` */
export const run = (ctx: Context, arg: string): Promise<void> =>
  pipe(
    image(ctx, arg),
    TE.map(({ ref }) => ref),
    finishWith(ctx, toOutput)
  )
