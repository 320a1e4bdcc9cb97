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
import { unexpected } from './awsError'
import { makeBatcher } from './batcher'
import { showValue } from './codec'
import { archivedFailure } from './imageState'
import { manifestMediaTypes } from './mediaType'
import * as Output from './output'
import { BATCH_LIMIT } from './paginate'
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
 * The image, if its manifest hashes to the digest ECR reports for it (`imageId.imageDigest`); else a
 * `DigestMismatch` naming the image and the operation, so no such manifest is ever used.
 */
export const checkDigest =
  (repo: RepositoryRef) =>
  (image: Output.FetchedImage): E.Either<EcrError.EcrError, Output.FetchedImage> => {
    const actual = digestOf(image.imageManifest, algorithmOf(image.imageDigest) ?? 'sha256')
    return actual === image.imageDigest
      ? E.right(image)
      : E.left(
          EcrError.digestMismatch(image.imageDigest, actual, {
            subject: `${repo.repositoryName}@${image.imageDigest}`,
            operation: 'BatchGetImage',
            message: `BatchGetImage answered a manifest for ${image.imageDigest} whose content is ${actual}`
          })
        )
  }

/**
 * The answer, if every manifest in it hashes to the digest ECR reports for it (`checkDigest`); else
 * the `DigestMismatch` of the first that does not.
 */
export const checkDigests =
  (repo: RepositoryRef) =>
  (result: Output.BatchGetImageResult): E.Either<EcrError.EcrError, Output.BatchGetImageResult> => {
    for (const image of result.images) {
      const checked = checkDigest(repo)(image)
      if (E.isLeft(checked)) return checked
    }
    return E.right(result)
  }

/** One BatchGetImage call (at most 100 ids) accepting `acceptedMediaTypes`, its answer decoded. */
const batchGetImageRaw = (
  repo: RepositoryRef,
  imageIds: ReadonlyArray<ImageId>,
  acceptedMediaTypes: ReadonlyArray<string>
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, Output.BatchGetImageResult> =>
  pipe(
    send(
      new BatchGetImageCommand({
        registryId: repo.accountId,
        repositoryName: repo.repositoryName,
        imageIds: imageIds.map((id) => ({ ...id })),
        acceptedMediaTypes: [...acceptedMediaTypes]
      }),
      repo.repositoryName
    ),
    RTE.flatMapEither(Output.batchGetImage)
  )

/**
 * One BatchGetImage call (at most 100 ids), every manifest type accepted; every manifest in the
 * answer is checked against the digest it is reported with (`checkDigests`).
 */
export const batchGetImage = (
  repo: RepositoryRef,
  imageIds: ReadonlyArray<ImageId>
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, Output.BatchGetImageResult> =>
  pipe(batchGetImageRaw(repo, imageIds, manifestMediaTypes), RTE.flatMapEither(checkDigests(repo)))

/** One read of a single image: which image, in which repository, accepting which manifest types. */
interface ImageRead {
  readonly repo: RepositoryRef
  readonly id: ImageId
  readonly acceptedMediaTypes: ReadonlyArray<string>
}

/** `id`'s own image or failure in an answer to a batch, if the answer names it. */
const ownOutcome = (
  repo: RepositoryRef,
  id: ImageId,
  { images, failures }: Output.BatchGetImageResult
): E.Either<EcrError.EcrError, Output.FetchedImage> | undefined => {
  const image = images.find((i) => ('imageDigest' in id ? i.imageDigest === id.imageDigest : i.imageTag === id.imageTag))
  if (image !== undefined) return checkDigest(repo)(image)
  const failure = failures.find((f) => ('imageDigest' in id ? f.imageDigest === id.imageDigest : f.imageTag === id.imageTag))
  return failure === undefined ? undefined : E.left(failureError(repo, failure, id))
}

/**
 * The outcome of a read that was alone in its call: its own image or failure, else (a server that
 * does not echo the ids) the answer's only image or failure. Asked by digest, an answer for another
 * digest is a `DecodeError`.
 */
const aloneOutcome = (
  repo: RepositoryRef,
  id: ImageId,
  result: Output.BatchGetImageResult
): E.Either<EcrError.EcrError, Output.FetchedImage> => {
  const own = ownOutcome(repo, id, result)
  if (own !== undefined) return own
  const image = 'imageDigest' in id ? undefined : result.images[0]
  if (image !== undefined) return checkDigest(repo)(image)
  const failure = result.failures[0]
  if (failure !== undefined) return E.left(failureError(repo, failure, id))
  const label = imageLabel(repo, id)
  return E.left(
    result.images.length > 0
      ? EcrError.decodeError('Image', [`BatchGetImage answered ${result.images[0]?.imageDigest ?? '?'} for ${label}`])
      : EcrError.notFound('Image', label)
  )
}

/** One read in a call of its own. */
const readAlone = (read: ImageRead): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, Output.FetchedImage> =>
  pipe(
    batchGetImageRaw(read.repo, [read.id], read.acceptedMediaTypes),
    RTE.flatMapEither((result) => aloneOutcome(read.repo, read.id, result))
  )

/**
 * The reads of one batch (one repository, one set of accepted types, at most 100 distinct ids) in one
 * BatchGetImage call. Each read gets its own image (its digest checked) or its own failure; a failure
 * of the whole call goes to every read. A read the answer does not name (a server that does not echo
 * the ids it was asked) is asked again alone, so it is answered as it would be without batching.
 */
const runReads = (
  env: EcrEnv,
  reads: ReadonlyArray<ImageRead>
): Promise<ReadonlyArray<E.Either<EcrError.EcrError, Output.FetchedImage>>> => {
  const first = reads[0]
  if (first === undefined) return Promise.resolve([])
  if (reads.length === 1) return readAlone(first)(env)().then((r) => [r])
  return batchGetImageRaw(
    first.repo,
    reads.map((r) => r.id),
    first.acceptedMediaTypes
  )(env)().then((result) =>
    Promise.all(
      reads.map((read) => {
        if (E.isLeft(result)) return Promise.resolve(E.left(result.left))
        const own = ownOutcome(read.repo, read.id, result.right)
        return own !== undefined ? Promise.resolve(own) : readAlone(read)(env)()
      })
    )
  )
}

const idKey = (id: ImageId): string => ('imageDigest' in id ? `@${id.imageDigest}` : `:${id.imageTag}`)

/**
 * Single-image reads, batched (`./batcher`): the reads started in one tick through one ECR capability
 * (`env.ecr`) for one repository and one set of accepted manifest types share BatchGetImage calls of
 * at most 100 distinct ids, sent with the environment of the batch's first read.
 */
const loadImage = /*#__PURE__*/ makeBatcher<EcrEnv, ImageRead, E.Either<EcrError.EcrError, Output.FetchedImage>>({
  ownerOf: (env) => env.ecr,
  groupOf: (read) =>
    JSON.stringify([read.repo.accountId, read.repo.region, read.repo.repositoryName, [...read.acceptedMediaTypes].sort()]),
  keyOf: (read) => idKey(read.id),
  maxBatch: BATCH_LIMIT,
  run: runReads,
  onFailure: (e) => E.left(unexpected('BatchGetImage')(e))
})

/**
 * The one image `id` names, with its manifest (checked against its digest), every manifest type
 * accepted. Reads made concurrently through one environment are batched: those started in one tick
 * for one repository share one BatchGetImage call per 100 distinct ids; each gets its own image or
 * its own failure. Missing: `NotFound('Image')`. Asked by digest, an answer for another digest is a
 * `DecodeError`.
 */
export const getOne =
  (repo: RepositoryRef, id: ImageId): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, Output.FetchedImage> =>
  (env) =>
    loadImage({ repo, id, acceptedMediaTypes: manifestMediaTypes })(env)

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
