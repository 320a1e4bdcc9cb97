/**
 * `ecr-fp-ts digest <image>`: the digest of the image a reference names: one BatchGetImage either
 * way (`Image.fromUri` looks a tag up; for a digest, `Image.getManifest` checks that the image is
 * there).
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Image from '../../Image'
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
    TE.tap(({ env, ref }) => (ref.imageManifest === undefined ? Image.getManifest(ref)(env) : TE.right(ref.imageManifest))),
    TE.map(({ ref }) => ref),
    finishWith(ctx, toOutput)
  )
