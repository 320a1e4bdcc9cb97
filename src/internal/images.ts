/**
 * ECR's image records, fetched: BatchGetImage with every manifest type accepted and DescribeImages
 * by id, their answers decoded (`./output`). Repository, Image and resolve share these so each call
 * is made in one place.
 *
 * @internal
 */
import { BatchGetImageCommand, DescribeImagesCommand } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import type { EcrEnv } from '../Env'
import * as EcrError from '../EcrError'
import { isImageTag, type ImageTag } from '../Primitives'
import { showValue } from './codec'
import { archivedFailure } from './imageState'
import { manifestMediaTypes } from './mediaType'
import * as Output from './output'
import { algorithmOf, digestOf } from './sha256Stream'
import type { ImageDetail, ImageRef, RepositoryRef } from './refs'
import { send } from './send'

/** One image identifier of a batch call: by tag or by digest. */
export type ImageId = { readonly imageTag: string } | { readonly imageDigest: string }

/** Per-item failure codes that say to try again later. */
const RETRYABLE_FAILURES = new Set(['UpstreamTooManyRequests', 'UpstreamUnavailable'])

/** `name:tag` or `name@digest`, the id of `NotFound('Image', ...)` errors. */
export const imageLabel = (ref: RepositoryRef, id: ImageId): string =>
  'imageTag' in id ? `${ref.repositoryName}:${id.imageTag}` : `${ref.repositoryName}@${id.imageDigest}`

const idOf = (failure: Output.ImageFailure): ImageId | undefined =>
  failure.imageDigest !== undefined
    ? { imageDigest: failure.imageDigest }
    : failure.imageTag !== undefined
    ? { imageTag: failure.imageTag }
    : undefined

/** `ImageNotFound` is `NotFound('Image')`; any other per-item failure is an `AwsError` naming its code. */
export const failureError = (ref: RepositoryRef, failure: Output.ImageFailure, fallback?: ImageId): EcrError.EcrError => {
  const id = idOf(failure) ?? fallback
  const label = id === undefined ? ref.repositoryName : imageLabel(ref, id)
  // an archived image: the one error every read of one gives, saying how to restore it
  const archived = archivedFailure('BatchGetImage', ref, { ...id, ...failure })
  if (archived !== undefined) return archived
  return failure.failureCode === 'ImageNotFound'
    ? EcrError.notFound('Image', label, `Image not found: ${label}${failure.failureReason === '' ? '' : ` (${failure.failureReason})`}`)
    : EcrError.awsError(
        'BatchGetImage',
        failure.failureCode,
        `${label}: ${failure.failureReason === '' ? failure.failureCode : failure.failureReason}`,
        RETRYABLE_FAILURES.has(failure.failureCode)
      )
}

/** A tag the caller gave, checked before any call: `InvalidArgument` unless it is a Docker tag. */
export const checkTag = (tag: string): E.Either<EcrError.EcrError, ImageTag> =>
  isImageTag(tag) ? E.right(tag) : E.left(EcrError.invalidArgument(`not a valid image tag: ${showValue(tag)}`))

/** The `ImageRef` of a fetched image, carrying its manifest. */
export const toImageRef = (repo: RepositoryRef, image: Output.FetchedImage): ImageRef => ({
  accountId: repo.accountId,
  region: repo.region,
  repositoryName: repo.repositoryName,
  imageDigest: image.imageDigest,
  imageManifest: image.imageManifest,
  ...(image.imageManifestMediaType === undefined ? {} : { imageManifestMediaType: image.imageManifestMediaType })
})

/**
 * The answer, if every manifest in it hashes to the digest ECR reports for it (`imageId.imageDigest`);
 * else a `DigestMismatch` for the first that does not, so no such manifest is ever used.
 */
export const checkDigests =
  (repo: RepositoryRef) =>
  (result: Output.BatchGetImageResult): E.Either<EcrError.EcrError, Output.BatchGetImageResult> => {
    for (const image of result.images) {
      const actual = digestOf(image.imageManifest, algorithmOf(image.imageDigest) ?? 'sha256')
      if (actual !== image.imageDigest)
        return E.left(
          EcrError.digestMismatch(image.imageDigest, actual, {
            subject: `${repo.repositoryName}@${image.imageDigest}`,
            operation: 'BatchGetImage',
            message: `BatchGetImage answered a manifest for ${image.imageDigest} whose content is ${actual}`
          })
        )
    }
    return E.right(result)
  }

/**
 * One BatchGetImage call (at most 100 ids), every manifest type accepted; every manifest in the
 * answer is checked against the digest it is reported with (`checkDigests`).
 */
export const batchGetImage = (
  repo: RepositoryRef,
  imageIds: ReadonlyArray<ImageId>
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, Output.BatchGetImageResult> =>
  pipe(
    send(
      new BatchGetImageCommand({
        registryId: repo.accountId,
        repositoryName: repo.repositoryName,
        imageIds: imageIds.map((id) => ({ ...id })),
        acceptedMediaTypes: [...manifestMediaTypes]
      }),
      repo.repositoryName
    ),
    RTE.flatMapEither(Output.batchGetImage),
    RTE.flatMapEither(checkDigests(repo))
  )

/**
 * The one image `id` names, with its manifest, in one BatchGetImage call. Missing: `NotFound('Image')`.
 * Asked by digest, an answer for another digest is a `DecodeError`.
 */
export const getOne = (repo: RepositoryRef, id: ImageId): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, Output.FetchedImage> =>
  pipe(
    batchGetImage(repo, [id]),
    RTE.flatMapEither(({ images, failures }) => {
      const image = images.find((i) => ('imageDigest' in id ? i.imageDigest === id.imageDigest : true))
      if (image !== undefined) return E.right(image)
      const failure = failures[0]
      if (failure !== undefined) return E.left(failureError(repo, failure, id))
      const label = imageLabel(repo, id)
      return E.left(
        images.length > 0
          ? EcrError.decodeError('Image', [`BatchGetImage answered ${images[0]?.imageDigest ?? '?'} for ${label}`])
          : EcrError.notFound('Image', label)
      )
    })
  )

/** DescribeImages for one image id (one call). Missing: `NotFound('Image')`. */
export const describeOne = (repo: RepositoryRef, id: ImageId): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ImageDetail> => {
  const label = imageLabel(repo, id)
  return pipe(
    send(
      new DescribeImagesCommand({ registryId: repo.accountId, repositoryName: repo.repositoryName, imageIds: [{ ...id }] }),
      repo.repositoryName
    ),
    RTE.mapLeft((e) => (e._tag === 'NotFound' && e.resource === 'Image' ? EcrError.notFound('Image', label, e.message) : e)),
    RTE.flatMapEither(Output.describeImages),
    RTE.flatMapEither(({ items }) => {
      const match = items.find((d) => ('imageDigest' in id ? d.imageDigest === id.imageDigest : d.imageTags.includes(id.imageTag)))
      const found = match ?? items[0]
      return found === undefined ? E.left(EcrError.notFound('Image', label)) : E.right(found)
    })
  )
}
