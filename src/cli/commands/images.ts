/**
 * `ecr-fp-ts images <repo> [--tagged|--untagged]`: the images of a repository
 * (`Repository.listImageDetails`), newest first: digest, tags, push time and size.
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Repository from '../../Repository'
import type { Context, Output } from '../context'
import { formatBytes, formatTime, table } from '../format'
import { imageJson } from '../json'
import { finishWith, repository } from '../targets'
import type { ImagesOptions } from './index'

export type { ImagesOptions } from './index'

export const tagStatusOf = (options: ImagesOptions): Repository.TagStatus =>
  options.tagged === true ? 'TAGGED' : options.untagged === true ? 'UNTAGGED' : 'ANY'

/** Newest first; images without a push time last; ties by digest. */
export const newestFirst = (details: ReadonlyArray<Repository.ImageDetail>): ReadonlyArray<Repository.ImageDetail> =>
  [...details].sort((a, b) => {
    const ta = a.imagePushedAt?.getTime() ?? -Infinity
    const tb = b.imagePushedAt?.getTime() ?? -Infinity
    return ta !== tb ? (tb > ta ? 1 : -1) : a.imageDigest < b.imageDigest ? -1 : a.imageDigest > b.imageDigest ? 1 : 0
  })

/** The images of a repository. */
export interface Listed {
  readonly repository: Repository.RepositoryRef
  readonly details: ReadonlyArray<Repository.ImageDetail>
}

/**
 * A table; `--json`: an array of images, each with its `tags` (sorted) and, when ECR knows them,
 * `pushedAt` (ISO text), `sizeInBytes` and `mediaType`.
 */
export const toOutput = ({ repository, details }: Listed): Output => {
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
      ...imageJson({ ...repository, imageDigest: d.imageDigest }),
      tags: [...d.imageTags].sort(),
      ...(d.imagePushedAt === undefined ? {} : { pushedAt: d.imagePushedAt.toISOString() }),
      ...(d.imageSizeInBytes === undefined ? {} : { sizeInBytes: d.imageSizeInBytes }),
      ...(d.imageManifestMediaType === undefined ? {} : { mediaType: d.imageManifestMediaType })
    }))
  }
}

/** `images <repo> [--tagged | --untagged]` */
export const run = (ctx: Context, repo: string, options: ImagesOptions): Promise<void> =>
  pipe(
    repository(ctx, repo),
    TE.flatMap(({ env, ref }) =>
      pipe(
        Repository.listImageDetails(ref, { tagStatus: tagStatusOf(options) })(env),
        TE.map((details): Listed => ({ repository: ref, details }))
      )
    ),
    finishWith(ctx, toOutput)
  )
