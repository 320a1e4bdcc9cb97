/**
 * ECR's image records, fetched and mapped: BatchGetImage with every manifest type accepted,
 * DescribeImages by id, and the mapping of their answers to `ImageRef` / `ImageDetail` values.
 * Repository, Image and resolve share these so each call is made in one place.
 *
 * @internal
 */
import {
  BatchGetImageCommand,
  type BatchGetImageCommandOutput,
  DescribeImagesCommand,
  type DescribeImagesCommandOutput,
  type ImageDetail as SdkImageDetail
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import type { EcrEnv } from '../Env'
import { manifestMediaTypes } from './mediaType'
import * as EcrError from '../EcrError'
import { isImageDigest, isImageTag, type ImageDigest, type ImageTag } from '../Primitives'
import type { ImageRef, RepositoryRef } from './refs'
import { listOf, stringOf } from './output'
import { send } from './send'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What DescribeImages tells about one image. */
export interface ImageDetail {
  readonly imageDigest: ImageDigest
  readonly imageTags: ReadonlyArray<string>
  readonly imagePushedAt?: Date
  readonly imageSizeInBytes?: number
  readonly imageManifestMediaType?: string
  readonly status?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING'
  readonly lastRecordedPullTime?: Date
  readonly lastArchivedAt?: Date
}

/** A layer (or the config blob) of an image, in the shape of ECR's `Layer`. */
export interface Layer {
  readonly layerDigest: ImageDigest
  readonly layerSize: number
  readonly mediaType: string
  readonly layerAvailability: 'AVAILABLE'
}

/** One image identifier of a batch call: by tag or by digest. */
export type ImageId = { readonly imageTag: string } | { readonly imageDigest: string }

/** An image BatchGetImage returned. */
export interface FetchedImage {
  readonly imageDigest: ImageDigest
  readonly imageTag?: string
  readonly imageManifest: string
  readonly imageManifestMediaType?: string
}

/** A per-item failure of a batch call. */
export interface ImageFailure {
  readonly imageTag?: string
  readonly imageDigest?: string
  readonly failureCode: string
  readonly failureReason: string
}

export interface BatchGetImageResult {
  readonly images: ReadonlyArray<FetchedImage>
  readonly failures: ReadonlyArray<ImageFailure>
}

// -------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------

/**
 * Every manifest type ECR stores. BatchGetImage given all four returns each manifest as stored;
 * without them ECR may convert a manifest or answer with one platform of an index.
 */
export const ACCEPTED_MEDIA_TYPES: ReadonlyArray<string> = manifestMediaTypes

/** Per-item failure codes that say to try again later. */
const RETRYABLE_FAILURES = new Set(['UpstreamTooManyRequests', 'UpstreamUnavailable'])

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** `name:tag` or `name@digest`, the id of `NotFound('Image', ...)` errors. */
export const imageLabel = (ref: RepositoryRef, id: ImageId): string =>
  'imageTag' in id ? `${ref.repositoryName}:${id.imageTag}` : `${ref.repositoryName}@${id.imageDigest}`

const idOf = (failure: ImageFailure): ImageId | undefined =>
  failure.imageDigest !== undefined
    ? { imageDigest: failure.imageDigest }
    : failure.imageTag !== undefined
    ? { imageTag: failure.imageTag }
    : undefined

/** `ImageNotFound` is `NotFound('Image')`; any other per-item failure is an `AwsError` naming its code. */
export const failureError = (ref: RepositoryRef, failure: ImageFailure, fallback?: ImageId): EcrError.EcrError => {
  const id = idOf(failure) ?? fallback
  const label = id === undefined ? ref.repositoryName : imageLabel(ref, id)
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

const decodeFailure = (what: string, problem: string): EcrError.EcrError => EcrError.decodeError(what, [problem])

const showValue = (u: unknown): string => {
  try {
    return (JSON.stringify(u) ?? String(u)).slice(0, 80)
  } catch {
    return typeof u
  }
}

/** The tags of a DescribeImages record (strings only). */
export const tagsOf = (d: { readonly imageTags?: ReadonlyArray<string> } | null | undefined): ReadonlyArray<string> =>
  listOf(d?.imageTags).filter((t): t is string => typeof t === 'string' && t !== '')

/** The `ImageRef` of a fetched image, carrying its manifest. */
export const toImageRef = (repo: RepositoryRef, image: FetchedImage): ImageRef => ({
  accountId: repo.accountId,
  region: repo.region,
  repositoryName: repo.repositoryName,
  imageDigest: image.imageDigest,
  imageManifest: image.imageManifest,
  ...(image.imageManifestMediaType === undefined ? {} : { imageManifestMediaType: image.imageManifestMediaType })
})

/** Maps one of DescribeImages' records; a record without a valid digest is a `DecodeError`. */
export const toImageDetail = (d: SdkImageDetail | null | undefined): E.Either<EcrError.EcrError, ImageDetail> => {
  const digest = d?.imageDigest
  if (!isImageDigest(digest))
    return E.left(decodeFailure('ImageDetail', `/imageDigest: not a digest: ${showValue(digest)}`))
  const pushedAt = d?.imagePushedAt instanceof Date && !Number.isNaN(d.imagePushedAt.getTime()) ? d.imagePushedAt : undefined
  const mediaType = stringOf(d?.imageManifestMediaType)
  return E.right({
    imageDigest: digest,
    imageTags: tagsOf(d),
    ...(pushedAt === undefined ? {} : { imagePushedAt: pushedAt }),
    ...(typeof d?.imageSizeInBytes === 'number' ? { imageSizeInBytes: d.imageSizeInBytes } : {}),
    ...(mediaType === undefined ? {} : { imageManifestMediaType: mediaType })
  })
}

const toFetched = (
  i: NonNullable<BatchGetImageCommandOutput['images']>[number] | null | undefined
): E.Either<EcrError.EcrError, FetchedImage> => {
  const digest = i?.imageId?.imageDigest
  if (!isImageDigest(digest)) return E.left(decodeFailure('Image', `/imageId/imageDigest: not a digest: ${showValue(digest)}`))
  const manifest = stringOf(i?.imageManifest)
  if (manifest === undefined) return E.left(decodeFailure('Image', `/imageManifest: missing for ${digest}`))
  const tag = stringOf(i?.imageId?.imageTag)
  const mediaType = stringOf(i?.imageManifestMediaType)
  return E.right({
    imageDigest: digest,
    imageManifest: manifest,
    ...(tag === undefined ? {} : { imageTag: tag }),
    ...(mediaType === undefined ? {} : { imageManifestMediaType: mediaType })
  })
}

const toFailure = (f: NonNullable<BatchGetImageCommandOutput['failures']>[number] | null | undefined): ImageFailure => {
  const tag = stringOf(f?.imageId?.imageTag)
  const digest = stringOf(f?.imageId?.imageDigest)
  return {
    ...(tag === undefined ? {} : { imageTag: tag }),
    ...(digest === undefined ? {} : { imageDigest: digest }),
    failureCode: stringOf(f?.failureCode) ?? 'UnknownFailure',
    failureReason: stringOf(f?.failureReason) ?? ''
  }
}

// -------------------------------------------------------------------------------------
// calls
// -------------------------------------------------------------------------------------

/** One BatchGetImage call (at most 100 ids), every manifest type accepted. */
export const batchGetImage = (
  repo: RepositoryRef,
  imageIds: ReadonlyArray<ImageId>
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, BatchGetImageResult> =>
  pipe(
    send<BatchGetImageCommandOutput>(
      'BatchGetImage',
      new BatchGetImageCommand({
        registryId: repo.accountId,
        repositoryName: repo.repositoryName,
        imageIds: imageIds.map((id) => ({ ...id })),
        acceptedMediaTypes: [...ACCEPTED_MEDIA_TYPES]
      }),
      repo.repositoryName
    ),
    RTE.flatMapEither((out) =>
      pipe(
        E.traverseArray(toFetched)(listOf(out.images)),
        E.map((images) => ({ images, failures: listOf(out.failures).map(toFailure) }))
      )
    )
  )

/**
 * The one image `id` names, with its manifest, in one BatchGetImage call. Missing: `NotFound('Image')`.
 * Asked by digest, an answer for another digest is a `DecodeError`.
 */
export const getOne = (repo: RepositoryRef, id: ImageId): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, FetchedImage> =>
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
          ? decodeFailure('Image', `BatchGetImage answered ${images[0]?.imageDigest ?? '?'} for ${label}`)
          : EcrError.notFound('Image', label)
      )
    })
  )

/** DescribeImages for one image id (one call). Missing: `NotFound('Image')`. */
export const describeOne = (repo: RepositoryRef, id: ImageId): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ImageDetail> => {
  const label = imageLabel(repo, id)
  return pipe(
    send<DescribeImagesCommandOutput>(
      'DescribeImages',
      new DescribeImagesCommand({
        registryId: repo.accountId,
        repositoryName: repo.repositoryName,
        imageIds: [{ ...id }]
      }),
      repo.repositoryName
    ),
    RTE.mapLeft((e) => (e._tag === 'NotFound' && e.resource === 'Image' ? EcrError.notFound('Image', label, e.message) : e)),
    RTE.flatMapEither((out) => {
      const details = listOf(out.imageDetails)
      const match = details.find((d) =>
        'imageDigest' in id ? d?.imageDigest === id.imageDigest : tagsOf(d).includes(id.imageTag)
      )
      const found = match ?? details[0]
      return found === undefined ? E.left(EcrError.notFound('Image', label)) : toImageDetail(found)
    })
  )
}
