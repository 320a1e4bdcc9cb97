/**
 * `ecr-fp-ts images <repo> [--tagged|--untagged]`: the images of a repository
 * (`Repository.listImageDetails`), newest first: digest, tags, push time and size.
 */
import { Option } from 'commander'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Repository from '../../Repository'
import type { Output, Register } from '../context'
import { formatBytes, formatTime, table } from '../format'
import { finishWith, repository } from '../targets'

export interface ImagesOptions {
  readonly tagged?: boolean
  readonly untagged?: boolean
}

export const tagStatusOf = (options: ImagesOptions): Repository.TagStatus =>
  options.tagged === true ? 'TAGGED' : options.untagged === true ? 'UNTAGGED' : 'ANY'

/** Newest first; images without a push time last; ties by digest. */
export const newestFirst = (details: ReadonlyArray<Repository.ImageDetail>): ReadonlyArray<Repository.ImageDetail> =>
  [...details].sort((a, b) => {
    const ta = a.imagePushedAt?.getTime() ?? -Infinity
    const tb = b.imagePushedAt?.getTime() ?? -Infinity
    return ta !== tb ? (tb > ta ? 1 : -1) : a.imageDigest < b.imageDigest ? -1 : a.imageDigest > b.imageDigest ? 1 : 0
  })

export const toOutput = (details: ReadonlyArray<Repository.ImageDetail>): Output => {
  const sorted = newestFirst(details)
  return {
    text: table(
      ['DIGEST', 'TAGS', 'PUSHED', 'SIZE'],
      sorted.map((d) => [
        d.imageDigest,
        d.imageTags.length === 0 ? '-' : [...d.imageTags].sort().join(','),
        d.imagePushedAt === undefined ? '-' : formatTime(d.imagePushedAt),
        d.imageSizeInBytes === undefined ? '-' : formatBytes(d.imageSizeInBytes)
      ])
    ),
    json: sorted.map((d) => ({
      imageDigest: d.imageDigest,
      imageTags: [...d.imageTags].sort(),
      ...(d.imagePushedAt === undefined ? {} : { imagePushedAt: d.imagePushedAt.toISOString() }),
      ...(d.imageSizeInBytes === undefined ? {} : { imageSizeInBytes: d.imageSizeInBytes }),
      ...(d.imageManifestMediaType === undefined ? {} : { imageManifestMediaType: d.imageManifestMediaType })
    }))
  }
}

export const register: Register = (program, ctx) => {
  program
    .command('images')
    .description('list the images of a repository, newest first: digest, tags, push time, size')
    .argument('<repo>', 'repository name (default registry) or repository URI')
    .addOption(new Option('--tagged', 'only images with at least one tag').conflicts('untagged'))
    .addOption(new Option('--untagged', 'only images without tags'))
    .action((repo: string, options: ImagesOptions) =>
      pipe(
        repository(ctx, repo),
        TE.flatMap(({ env, ref }) => Repository.listImageDetails(ref, { tagStatus: tagStatusOf(options) })(env)),
        finishWith(ctx, toOutput)
      )
    )
}
