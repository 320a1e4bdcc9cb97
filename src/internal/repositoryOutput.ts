/**
 * Decoders of the ECR API outputs the repository operations of 0.2 read: a repository's settings
 * (CreateRepository, DescribeRepositories), BatchDeleteImage, GetRepositoryPolicy and
 * GetLifecyclePolicyPreview. Applied once, right after `send`; a field of the wrong type is a
 * `DecodeError` naming its JSON path.
 *
 * @internal
 */
import type {
  BatchDeleteImageCommandOutput,
  CreateRepositoryCommandOutput,
  DescribeRepositoriesCommandOutput,
  GetLifecyclePolicyPreviewCommandOutput,
  GetRepositoryPolicyCommandOutput
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import * as EcrError from '../EcrError'
import type { ImageDetail } from '../Image'
import type { Action } from '../LifecyclePolicy'
import { ImageDigestC, type ImageDigest } from '../Primitives'
import { decode, struct } from './codec'
import type { Page } from './paginate'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Tag mutability as ECR states it. */
export type AwsTagMutability = 'MUTABLE' | 'IMMUTABLE' | 'MUTABLE_WITH_EXCLUSION' | 'IMMUTABLE_WITH_EXCLUSION'

/** A repository record's settings, as ECR states them (defaults filled in where it is silent). */
export interface RepositoryRecord {
  readonly repositoryArn?: string
  readonly repositoryUri?: string
  readonly createdAt?: Date
  readonly imageTagMutability: AwsTagMutability
  readonly exclusionFilters: ReadonlyArray<string>
  readonly encryptionType: 'AES256' | 'KMS' | 'KMS_DSSE'
  readonly kmsKey?: string
  readonly scanOnPush: boolean
}

/** An image BatchDeleteImage deleted (one per tag it removed). */
export interface DeletedId {
  readonly imageDigest: ImageDigest
  readonly imageTag?: string
}

/** A per-item failure of BatchDeleteImage. */
export interface DeleteFailure {
  readonly imageTag?: string
  readonly imageDigest?: string
  readonly failureCode: string
  readonly failureReason: string
}

/** What one BatchDeleteImage call answered. */
export interface DeleteAnswer {
  readonly deleted: ReadonlyArray<DeletedId>
  readonly failures: ReadonlyArray<DeleteFailure>
}

/** One page of a lifecycle policy preview. */
export interface PreviewPage extends Page<{ readonly image: ImageDetail; readonly rulePriority: number; readonly action: Action }> {
  readonly status: string
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const isDate = (u: unknown): u is Date => u instanceof Date && !Number.isNaN(u.getTime())

const DateC = /*#__PURE__*/ new t.Type<Date, Date, unknown>('a date', isDate, (u, c) => (isDate(u) ? t.success(u) : t.failure(u, c)), (d) => d)

const list = <C extends t.Mixed>(codec: C) => t.readonlyArray(codec, `an array of ${codec.name}`)

const MutabilityC = /*#__PURE__*/ t.keyof(
  { MUTABLE: null, IMMUTABLE: null, MUTABLE_WITH_EXCLUSION: null, IMMUTABLE_WITH_EXCLUSION: null },
  'MUTABLE, IMMUTABLE, MUTABLE_WITH_EXCLUSION or IMMUTABLE_WITH_EXCLUSION'
)

const RepositoryC = /*#__PURE__*/ struct(
  'Repository',
  {},
  {
    repositoryArn: t.string,
    repositoryUri: t.string,
    createdAt: DateC,
    imageTagMutability: MutabilityC,
    imageTagMutabilityExclusionFilters: list(struct('ImageTagMutabilityExclusionFilter', { filter: t.string }, { filterType: t.string })),
    encryptionConfiguration: struct(
      'EncryptionConfiguration',
      { encryptionType: t.keyof({ AES256: null, KMS: null, KMS_DSSE: null }, 'AES256, KMS or KMS_DSSE') },
      { kmsKey: t.string }
    ),
    imageScanningConfiguration: struct('ImageScanningConfiguration', {}, { scanOnPush: t.boolean })
  }
)

const CreateRepositoryC = /*#__PURE__*/ struct('CreateRepository', { repository: RepositoryC }, {})

const DescribeRepositoriesC = /*#__PURE__*/ struct('DescribeRepositories', {}, { repositories: list(RepositoryC) })

const IdC = /*#__PURE__*/ struct('ImageIdentifier', {}, { imageDigest: t.string, imageTag: t.string })

const BatchDeleteImageC = /*#__PURE__*/ struct(
  'BatchDeleteImage',
  {},
  {
    imageIds: list(struct('ImageIdentifier', { imageDigest: ImageDigestC }, { imageTag: t.string })),
    failures: list(struct('ImageFailure', {}, { imageId: IdC, failureCode: t.string, failureReason: t.string }))
  }
)

const GetRepositoryPolicyC = /*#__PURE__*/ struct('GetRepositoryPolicy', { policyText: t.string }, {})

const PreviewResultC = /*#__PURE__*/ struct(
  'LifecyclePolicyPreviewResult',
  { imageDigest: ImageDigestC, appliedRulePriority: t.number, action: struct('LifecyclePolicyRuleAction', { type: t.string }, { targetStorageClass: t.string }) },
  { imageTags: list(t.string), imagePushedAt: DateC, storageClass: t.string }
)

const GetLifecyclePolicyPreviewC = /*#__PURE__*/ struct(
  'GetLifecyclePolicyPreview',
  { status: t.string },
  { previewResults: list(PreviewResultC), nextToken: t.string }
)

// -------------------------------------------------------------------------------------
// decoders
// -------------------------------------------------------------------------------------

const recordOf = (r: t.TypeOf<typeof RepositoryC>): RepositoryRecord => ({
  ...(r.repositoryArn === undefined ? {} : { repositoryArn: r.repositoryArn }),
  ...(r.repositoryUri === undefined ? {} : { repositoryUri: r.repositoryUri }),
  ...(r.createdAt === undefined ? {} : { createdAt: r.createdAt }),
  imageTagMutability: r.imageTagMutability ?? 'MUTABLE',
  exclusionFilters: (r.imageTagMutabilityExclusionFilters ?? []).map((f) => f.filter),
  encryptionType: r.encryptionConfiguration?.encryptionType ?? 'AES256',
  ...(r.encryptionConfiguration?.kmsKey === undefined ? {} : { kmsKey: r.encryptionConfiguration.kmsKey }),
  scanOnPush: r.imageScanningConfiguration?.scanOnPush ?? false
})

/** CreateRepository: the new repository's settings. */
export const createRepository = (out: CreateRepositoryCommandOutput): E.Either<EcrError.EcrError, RepositoryRecord> =>
  pipe(
    decode('CreateRepository response', CreateRepositoryC)(out),
    E.map((o) => recordOf(o.repository))
  )

/** DescribeRepositories for one name: that repository's settings. */
export const describeRepository =
  (name: string) =>
  (out: DescribeRepositoriesCommandOutput): E.Either<EcrError.EcrError, RepositoryRecord> =>
    pipe(
      decode('DescribeRepositories response', DescribeRepositoriesC)(out),
      E.flatMap((o) => {
        const first = (o.repositories ?? [])[0]
        return first === undefined
          ? E.left(EcrError.decodeError('DescribeRepositories response', [`/repositories: no repository, asked for ${name}`]))
          : E.right(recordOf(first))
      })
    )

/** BatchDeleteImage: what was deleted and the per-item failures. */
export const batchDeleteImage = (
  out: BatchDeleteImageCommandOutput
): E.Either<EcrError.EcrError, DeleteAnswer> =>
  pipe(
    decode('BatchDeleteImage response', BatchDeleteImageC)(out),
    E.map((o) => ({
      deleted: (o.imageIds ?? []).map((id) => ({
        imageDigest: id.imageDigest,
        ...(id.imageTag === undefined || id.imageTag === '' ? {} : { imageTag: id.imageTag })
      })),
      failures: (o.failures ?? []).map((f) => ({
        ...(f.imageId?.imageTag === undefined ? {} : { imageTag: f.imageId.imageTag }),
        ...(f.imageId?.imageDigest === undefined ? {} : { imageDigest: f.imageId.imageDigest }),
        failureCode: f.failureCode ?? 'UnknownFailure',
        failureReason: f.failureReason ?? ''
      }))
    }))
  )

/** GetRepositoryPolicy: the policy's text. */
export const getRepositoryPolicy = (out: GetRepositoryPolicyCommandOutput): E.Either<EcrError.EcrError, string> =>
  pipe(
    decode('GetRepositoryPolicy response', GetRepositoryPolicyC)(out),
    E.map((o) => o.policyText)
  )

const actionOf = (a: { readonly type: string; readonly targetStorageClass?: string | undefined }, at: number): E.Either<string, Action> =>
  a.type.toUpperCase() === 'EXPIRE'
    ? E.right({ type: 'expire' })
    : a.type.toUpperCase() === 'TRANSITION' && (a.targetStorageClass ?? 'ARCHIVE').toUpperCase() === 'ARCHIVE'
    ? E.right({ type: 'transition', targetStorageClass: 'archive' })
    : E.left(`/previewResults/${at}/action: not EXPIRE or TRANSITION to ARCHIVE: ${JSON.stringify(a)}`)

/** GetLifecyclePolicyPreview: the status and one page of results, in `LifecyclePolicy.evaluate`'s shape. */
export const getLifecyclePolicyPreview = (out: GetLifecyclePolicyPreviewCommandOutput): E.Either<EcrError.EcrError, PreviewPage> =>
  pipe(
    decode('GetLifecyclePolicyPreview response', GetLifecyclePolicyPreviewC)(out),
    E.flatMap((o) => {
      const items: Array<PreviewPage['items'][number]> = []
      const errors: Array<string> = []
      ;(o.previewResults ?? []).forEach((r, i) => {
        const action = actionOf(r.action, i)
        if (E.isLeft(action)) {
          errors.push(action.left)
          return
        }
        items.push({
          image: {
            imageDigest: r.imageDigest,
            imageTags: r.imageTags ?? [],
            ...(r.imagePushedAt === undefined ? {} : { imagePushedAt: r.imagePushedAt }),
            status: r.storageClass?.toUpperCase() === 'ARCHIVE' ? 'ARCHIVED' : 'ACTIVE'
          },
          rulePriority: r.appliedRulePriority,
          action: action.right
        })
      })
      return errors.length > 0
        ? E.left(EcrError.decodeError('GetLifecyclePolicyPreview response', errors))
        : E.right({ status: o.status, items, nextToken: o.nextToken === '' ? undefined : o.nextToken })
    })
  )
