/**
 * `ecr-fp-ts archive <image>` and `ecr-fp-ts restore <image>`: moves an image to ECR's archive
 * storage class, or starts restoring it (`Image.archive`, `Image.restore`), and prints the image's
 * URI (digest form) and its status now (`ARCHIVED`; `ACTIVATING` while ECR restores, then `ACTIVE`).
 * The image is found by DescribeImages, so a tag of an archived image works.
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Image from '../../Image'
import type { Context, Output } from '../context'
import { imageJson } from '../json'
import { finishWith, imageAnyStatus } from '../targets'

export interface Stored {
  readonly image: Image.ImageRef
  readonly status: string
}

/** `<uri> <STATUS>`; `--json`: the image and its `status`. */
export const toOutput = ({ image, status }: Stored): Output => ({
  text: [`${Image.toUri(image)} ${status}`],
  json: { ...imageJson(image), status }
})

const change = (ctx: Context, arg: string, op: (ref: Image.ImageRef) => ReturnType<typeof Image.archive>): Promise<void> =>
  pipe(
    imageAnyStatus(ctx, arg),
    TE.tap(({ env, ref }) => op(ref)(env)),
    TE.bind('detail', ({ env, ref }) => Image.getDetail(ref)(env)),
    TE.map(({ ref, detail }): Stored => ({ image: ref, status: detail.status ?? 'UNKNOWN' })),
    finishWith(ctx, toOutput)
  )

/** `archive <image>` */
export const archive = (ctx: Context, arg: string): Promise<void> => change(ctx, arg, Image.archive)

/** `restore <image>` */
export const restore = (ctx: Context, arg: string): Promise<void> => change(ctx, arg, Image.restore)
