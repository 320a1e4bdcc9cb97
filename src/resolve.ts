/**
 * Turning what a user types (`my-app`, `my-app:v1`, a repository URI, a full image URI) into a
 * full image URI.
 *
 * @since 0.1.0
 */
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as E from 'fp-ts/Either'
import type { EcrEnv } from './Env'
import * as EcrError from './EcrError'
import * as Image from './Image'
import type { ImageDetail } from './Image'
import * as ImageUri from './ImageUri'
import * as RegistryUri from './RegistryUri'
import * as Repository from './Repository'
import type { RepositoryRef } from './Repository'
import { checkTag, describeOne } from './internal/images'
import { archivedError } from './internal/imageState'
import { inRegion } from './internal/region'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { ResolveOptions } from 'ecr-fp-ts/resolve'
 * import { resolveImageUri } from 'ecr-fp-ts/resolve'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-west-2' })
 * const stable = twin.pushImage('app', { tag: 'stable', pushedAt: new Date('2024-01-01T00:00:00Z') })
 * twin.pushImage('app', { tag: 'nightly', pushedAt: new Date('2024-02-01T00:00:00Z') })
 * const options: ResolveOptions = { defaultTag: 'stable' }
 * resolveImageUri('app', options)(twin.env)().then((r) => {
 *   assert.ok(E.isRight(stable))
 *   assert.deepStrictEqual(r, E.right(`123456789012.dkr.ecr.us-west-2.amazonaws.com/app@${stable.right.imageDigest}`))
 * })
 */
export interface ResolveOptions {
  /** For a repository name or URI: the tag whose image to return. */
  readonly defaultTag?: string
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Whether an image can be pulled: ECR lists ACTIVE images only by default; a detail without a status is from before archives. */
const isActive = (d: ImageDetail): boolean => d.status === undefined || d.status === 'ACTIVE'

/**
 * The most recently pushed of `details` among the active ones with a tag; ties go to the larger
 * digest, so the choice does not depend on the order ECR lists images in. Images without a push
 * time come last; archived (or restoring) images are never chosen.
 */
const latestTagged = (details: ReadonlyArray<ImageDetail>): ImageDetail | undefined => {
  let best: ImageDetail | undefined
  let bestTime = -Infinity
  for (const d of details) {
    if (d.imageTags.length === 0 || !isActive(d)) continue
    const time = d.imagePushedAt?.getTime() ?? -Infinity
    if (best === undefined || time > bestTime || (time === bestTime && d.imageDigest > best.imageDigest)) {
      best = d
      bestTime = time
    }
  }
  return best
}

const digestUri = (repo: RepositoryRef, d: ImageDetail): ImageUri.ImageUri => Image.toUri({ ...repo, imageDigest: d.imageDigest })

/** The image a repository resolves to: `defaultTag`'s (one call), else the latest tagged one. */
const resolveRepository = (
  repo: RepositoryRef,
  defaultTag: string | undefined
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ImageUri.ImageUri> =>
  pipe(
    inRegion(repo),
    RTE.flatMap(() =>
      defaultTag !== undefined
        ? pipe(
            RTE.fromEither(checkTag(defaultTag)),
            RTE.flatMap((imageTag) =>
              pipe(
                describeOne(repo, { imageTag }),
                RTE.flatMapEither((d) =>
                  isActive(d)
                    ? E.right(digestUri(repo, d))
                    : E.left(archivedError('DescribeImages', repo, { imageTag }, `its status is ${d.status ?? 'unknown'}`))
                )
              )
            )
          )
        : pipe(
            Repository.listImageDetails(repo, { tagStatus: 'TAGGED' }),
            RTE.flatMapEither((details) => {
              const latest = latestTagged(details)
              return latest === undefined
                ? E.left(EcrError.notFound('Image', repo.repositoryName, `no tagged image in repository ${repo.repositoryName}`))
                : E.right(digestUri(repo, latest))
            })
          )
    )
  )

// -------------------------------------------------------------------------------------
// workflows
// -------------------------------------------------------------------------------------

/**
 * Resolves a name to a full image URI:
 * - a full image URI (tag or digest) is returned as it is, without a call;
 * - `name:tag` or `name@digest` gets the environment's registry in front, without a call;
 * - a repository name or repository URI resolves to an image in digest form: the image tagged
 *   `defaultTag` when given (one DescribeImages call), else the most recently pushed tagged image
 *   (DescribeImages over the repository, pages of 1000; ties go to the larger digest).
 *
 * Anything else is `InvalidUri`; no tagged image (or no `defaultTag` image) is `NotFound('Image')`;
 * a repository URI in another region than the environment's is `InvalidArgument`. An archived image
 * is never the answer: the latest tagged image is the latest *active* one, and a `defaultTag` whose
 * image is archived is `AwsError` with `code: 'ImageArchived'` (its message says how to restore it).
 *
 * @category workflows
 * @since 0.1.0
 * @example
 * import { resolveImageUri } from 'ecr-fp-ts/resolve'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-west-2' })
 * twin.pushImage('app', { tag: 'v1', pushedAt: new Date('2024-01-01T00:00:00Z') })
 * const v2 = twin.pushImage('app', { tag: 'v2', pushedAt: new Date('2024-02-01T00:00:00Z') })
 * assert.ok(E.isRight(v2))
 *
 * resolveImageUri('app')(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(`123456789012.dkr.ecr.us-west-2.amazonaws.com/app@${v2.right.imageDigest}`))
 * })
 * resolveImageUri('app:v1')(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right('123456789012.dkr.ecr.us-west-2.amazonaws.com/app:v1'))
 * })
 */
export const resolveImageUri = (
  name: string,
  options: ResolveOptions = {}
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ImageUri.ImageUri> =>
  pipe(
    RTE.asks((env: EcrEnv) =>
      RegistryUri.isPrefixed(name) ? name : `${RegistryUri.fromRef({ accountId: env.accountId, region: env.region })}/${name}`
    ),
    RTE.flatMap((uri) => {
      const image = ImageUri.parse(uri)
      if (E.isRight(image)) return RTE.right(image.right)
      const repo = Repository.fromUri(uri)
      if (E.isRight(repo)) return resolveRepository(repo.right, options.defaultTag)
      return RTE.left(
        EcrError.invalidUri(name, 'ImageUri', 'expected an image URI, a repository URI, a repository name, name:tag or name@digest')
      )
    })
  )
