/**
 * Decoders of the ECR API outputs the library reads, applied once where an output enters (right
 * after `send`): a field of the wrong type is a `DecodeError` naming its JSON path; a list the SDK
 * leaves out (it omits empty lists) reads as empty. Each decoder takes its command's output type and
 * answers a value of the library's own types.
 *
 * @internal
 */
import type {
  BatchGetImageCommandOutput,
  DescribeRegistryCommandOutput,
  DescribeImagesCommandOutput,
  DescribeRepositoriesCommandOutput,
  GetLifecyclePolicyCommandOutput,
  ListImagesCommandOutput,
  ListTagsForResourceCommandOutput,
  PutReplicationConfigurationCommandOutput
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import type { EcrError } from '../EcrError'
import { ImageDigestC, RepositoryNameC, type ImageDigest, type RepositoryName, type ResourceTag } from '../Primitives'
import { decode, struct } from './codec'
import type { Page } from './paginate'
import type { ImageDetail } from './refs'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

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

/** What one BatchGetImage call answered. */
export interface BatchGetImageResult {
  readonly images: ReadonlyArray<FetchedImage>
  readonly failures: ReadonlyArray<ImageFailure>
}

/** An image id of ListImages: its digest, and whether this id names a tag. */
export interface ListedImage {
  readonly imageDigest: ImageDigest
  readonly tagged: boolean
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const isDate = (u: unknown): u is Date => u instanceof Date && !Number.isNaN(u.getTime())

const DateC = /*#__PURE__*/ new t.Type<Date, Date, unknown>('a date', isDate, (u, c) => (isDate(u) ? t.success(u) : t.failure(u, c)), (d) => d)

const list = <C extends t.Mixed>(codec: C) => t.readonlyArray(codec, `an array of ${codec.name}`)

const ImageDetailC = /*#__PURE__*/ struct(
  'ImageDetail',
  { imageDigest: ImageDigestC },
  {
    imageTags: list(t.string),
    imagePushedAt: DateC,
    imageSizeInBytes: t.number,
    imageManifestMediaType: t.string,
    imageStatus: t.keyof({ ACTIVE: null, ARCHIVED: null, ACTIVATING: null }, 'ACTIVE | ARCHIVED | ACTIVATING'),
    lastRecordedPullTime: DateC,
    lastArchivedAt: DateC
  }
)

const DescribeImagesC = /*#__PURE__*/ struct('DescribeImages', {}, { imageDetails: list(ImageDetailC), nextToken: t.string })

const ImageIdC = /*#__PURE__*/ struct('ImageIdentifier', {}, { imageDigest: t.string, imageTag: t.string })

const ImageC = /*#__PURE__*/ struct(
  'Image',
  { imageId: struct('ImageIdentifier', { imageDigest: ImageDigestC }, { imageTag: t.string }), imageManifest: t.string },
  { imageManifestMediaType: t.string }
)

const ImageFailureC = /*#__PURE__*/ struct('ImageFailure', {}, { imageId: ImageIdC, failureCode: t.string, failureReason: t.string })

const BatchGetImageC = /*#__PURE__*/ struct('BatchGetImage', {}, { images: list(ImageC), failures: list(ImageFailureC) })

const DescribeRepositoriesC = /*#__PURE__*/ struct(
  'DescribeRepositories',
  {},
  { repositories: list(struct('Repository', { repositoryName: RepositoryNameC }, {})), nextToken: t.string }
)

const ListImagesC = /*#__PURE__*/ struct(
  'ListImages',
  {},
  { imageIds: list(struct('ImageIdentifier', { imageDigest: ImageDigestC }, { imageTag: t.string })), nextToken: t.string }
)

const ListTagsForResourceC = /*#__PURE__*/ struct(
  'ListTagsForResource',
  {},
  { tags: list(struct('Tag', {}, { Key: t.string, Value: t.string })) }
)

const ReplicationC = /*#__PURE__*/ struct('Registry', {}, { replicationConfiguration: t.unknown })

const GetLifecyclePolicyC = /*#__PURE__*/ struct('GetLifecyclePolicy', { lifecyclePolicyText: t.string }, {})

// -------------------------------------------------------------------------------------
// decoders
// -------------------------------------------------------------------------------------

const nonEmpty = (s: string | undefined): string | undefined => (s === '' ? undefined : s)

/** DescribeImages: one page of image details. */
export const describeImages = (out: DescribeImagesCommandOutput): E.Either<EcrError, Page<ImageDetail>> =>
  pipe(
    decode('DescribeImages response', DescribeImagesC)(out),
    E.map((o) => ({
      items: (o.imageDetails ?? []).map(
        (d): ImageDetail => ({
          imageDigest: d.imageDigest,
          imageTags: d.imageTags ?? [],
          ...(d.imagePushedAt === undefined ? {} : { imagePushedAt: d.imagePushedAt }),
          ...(d.imageSizeInBytes === undefined ? {} : { imageSizeInBytes: d.imageSizeInBytes }),
          ...(d.imageManifestMediaType === undefined ? {} : { imageManifestMediaType: d.imageManifestMediaType }),
          ...(d.imageStatus === undefined ? {} : { status: d.imageStatus }),
          ...(d.lastRecordedPullTime === undefined ? {} : { lastRecordedPullTime: d.lastRecordedPullTime }),
          ...(d.lastArchivedAt === undefined ? {} : { lastArchivedAt: d.lastArchivedAt })
        })
      ),
      nextToken: nonEmpty(o.nextToken)
    }))
  )

/** BatchGetImage: the images (each with its manifest) and the per-item failures. */
export const batchGetImage = (out: BatchGetImageCommandOutput): E.Either<EcrError, BatchGetImageResult> =>
  pipe(
    decode('BatchGetImage response', BatchGetImageC)(out),
    E.map((o) => ({
      images: (o.images ?? []).map(
        (i): FetchedImage => ({
          imageDigest: i.imageId.imageDigest,
          imageManifest: i.imageManifest,
          ...(i.imageId.imageTag === undefined ? {} : { imageTag: i.imageId.imageTag }),
          ...(i.imageManifestMediaType === undefined ? {} : { imageManifestMediaType: i.imageManifestMediaType })
        })
      ),
      failures: (o.failures ?? []).map(
        (f): ImageFailure => ({
          ...(f.imageId?.imageTag === undefined ? {} : { imageTag: f.imageId.imageTag }),
          ...(f.imageId?.imageDigest === undefined ? {} : { imageDigest: f.imageId.imageDigest }),
          failureCode: f.failureCode ?? 'UnknownFailure',
          failureReason: f.failureReason ?? ''
        })
      )
    }))
  )

/** DescribeRepositories: one page of repository names. */
export const describeRepositories = (out: DescribeRepositoriesCommandOutput): E.Either<EcrError, Page<RepositoryName>> =>
  pipe(
    decode('DescribeRepositories response', DescribeRepositoriesC)(out),
    E.map((o) => ({ items: (o.repositories ?? []).map((r) => r.repositoryName), nextToken: nonEmpty(o.nextToken) }))
  )

/** ListImages: one page of image ids (one per tag, and one per untagged image). */
export const listImages = (out: ListImagesCommandOutput): E.Either<EcrError, Page<ListedImage>> =>
  pipe(
    decode('ListImages response', ListImagesC)(out),
    E.map((o) => ({
      items: (o.imageIds ?? []).map((id) => ({ imageDigest: id.imageDigest, tagged: nonEmpty(id.imageTag) !== undefined })),
      nextToken: nonEmpty(o.nextToken)
    }))
  )

/** ListTagsForResource: the resource's tags (a tag the SDK gives without a key or a value is left out). */
export const listTagsForResource = (out: ListTagsForResourceCommandOutput): E.Either<EcrError, ReadonlyArray<ResourceTag>> =>
  pipe(
    decode('ListTagsForResource response', ListTagsForResourceC)(out),
    E.map((o) =>
      (o.tags ?? []).flatMap(({ Key, Value }) => (Key === undefined || Value === undefined ? [] : [{ Key, Value }]))
    )
  )

/** GetLifecyclePolicy: the policy's text. */
export const getLifecyclePolicy = (out: GetLifecyclePolicyCommandOutput): E.Either<EcrError, string> =>
  pipe(
    decode('GetLifecyclePolicy response', GetLifecyclePolicyC)(out),
    E.map((o) => o.lifecyclePolicyText)
  )

/**
 * DescribeRegistry, PutReplicationConfiguration: the replication configuration, as it came (for
 * `ReplicationConfiguration.fromAwsShape`); `undefined` when the answer has none.
 */
export const replicationConfiguration =
  (operation: 'DescribeRegistry' | 'PutReplicationConfiguration') =>
  (out: DescribeRegistryCommandOutput | PutReplicationConfigurationCommandOutput): E.Either<EcrError, unknown> =>
    pipe(
      decode(`${operation} response`, ReplicationC)(out),
      E.map((o) => o.replicationConfiguration)
    )
