/**
 * `ecr-fp-ts tag <image> <tag...>`: adds tags to an image (`Image.fromUri`, then `Image.addTags`)
 * and prints the image's new URIs, one per tag.
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Image from '../../Image'
import * as Repository from '../../Repository'
import type { Output, Register } from '../context'
import { finishWith, image } from '../targets'

export interface Tagged {
  readonly image: Image.ImageRef
  readonly tags: ReadonlyArray<string>
}

export const toOutput = ({ image, tags }: Tagged): Output => {
  const uris = tags.map((t) => `${Repository.toUri(image)}:${t}`)
  return {
    text: uris,
    json: {
      image: Image.toUri(image),
      imageDigest: image.imageDigest,
      tags,
      uris
    }
  }
}

export const register: Register = (program, ctx) => {
  program
    .command('tag')
    .description("add tags to an image and print the image's new URIs")
    .argument('<image>', 'image URI, or name:tag / name@digest in the default registry (a bare name: its latest tagged image)')
    .argument('<tag...>', 'tags to add')
    .action((arg: string, tags: ReadonlyArray<string>) => {
      const distinct = Array.from(new Set(tags))
      return pipe(
        image(ctx, arg),
        TE.tap(({ env, ref }) => Image.addTags(ref, distinct)(env)),
        TE.map(({ ref }): Tagged => ({ image: ref, tags: distinct })),
        finishWith(ctx, toOutput)
      )
    })
}
