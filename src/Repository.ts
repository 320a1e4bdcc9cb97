/**
 * ECR repositories: references to them (by name, URI or ARN) and the operations on one repository:
 * create, test, delete, list its images, get one image, its resource tags and its lifecycle policy.
 *
 * Every operation is a `ReaderTaskEither` over `EcrEnv`. A reference in another region than the
 * environment's gives `InvalidArgument` before any call is made. Listing is paginated with
 * ECR's largest page (1000); manifests are fetched in batches of 100, never one call per image.
 *
 * @since 0.1.0
 */
import {
  BatchDeleteImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DeleteRepositoryPolicyCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand,
  GetRepositoryPolicyCommand,
  ListImagesCommand,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  SetRepositoryPolicyCommand,
  StartLifecyclePolicyPreviewCommand,
  TagResourceCommand,
  UntagResourceCommand
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as RA from 'fp-ts/ReadonlyArray'
import type { EcrEnv, HttpEnv, RegistryEnv } from './Env'
import * as EcrError from './EcrError'
import type * as Image from './Image'
import * as LifecyclePolicy from './LifecyclePolicy'
import * as PolicyDocument from './PolicyDocument'
import { isImageDigest, isRepositoryName, type ImageDigest, type RepositoryName, type ResourceTag } from './Primitives'
import type { RegistryRef } from './Registry'
import type { RepositoryUri } from './RepositoryUri'
import * as arn from './internal/arn'
import { showValue } from './internal/codec'
import { traverseRTE } from './internal/concurrency'
import { batchGetImage, checkTag, failureError, getOne, toImageRef, type ImageId } from './internal/images'
import * as Output from './internal/output'
import { BATCH_LIMIT, MAX_RESULTS, paginate } from './internal/paginate'
import * as RepositoryOutput from './internal/repositoryOutput'
import { inRegion } from './internal/region'
import { send } from './internal/send'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A repository of a registry.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { RepositoryRef } from 'ecr-fp-ts/Repository'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import * as E from 'fp-ts/Either'
 *
 * const ref = Repository.fromArn('arn:aws:ecr:us-west-2:123456789012:repository/team/app')
 * assert.ok(E.isRight(ref))
 * const repo: RepositoryRef = ref.right
 * assert.deepStrictEqual([repo.accountId, repo.region, repo.repositoryName], ['123456789012', 'us-west-2', 'team/app'])
 * assert.strictEqual(Repository.toUri(repo), '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app')
 */
export interface RepositoryRef extends RegistryRef {
  /** The repository's name, such as `team/app`. */
  readonly repositoryName: RepositoryName
}

/**
 * An image of a repository, by digest (the same type as `Image.ImageRef`).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { ImageRef } from 'ecr-fp-ts/Repository'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const pushed = twin.pushImage('app', { tag: 'v1' })
 * pipe(Repository.make('app'), RTE.flatMap((repo) => Repository.getImage(repo, { tag: 'v1' })))(twin.env)().then((r) => {
 *   assert.ok(E.isRight(r) && E.isRight(pushed))
 *   const image: ImageRef = r.right
 *   assert.strictEqual(image.imageDigest, pushed.right.imageDigest)
 *   assert.strictEqual(image.imageManifestMediaType, pushed.right.mediaType)
 * })
 */
export type ImageRef = Image.ImageRef

/**
 * What DescribeImages tells about an image (the same type as `Image.ImageDetail`).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { ImageDetail } from 'ecr-fp-ts/Repository'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tags: ['v1', 'latest'] })
 * twin.pushImage('app')
 * pipe(Repository.make('app'), RTE.flatMap((repo) => Repository.listImageDetails(repo)))(twin.env)().then((r) => {
 *   assert.ok(E.isRight(r))
 *   const details: ReadonlyArray<ImageDetail> = r.right
 *   assert.deepStrictEqual(details.map((d) => [...d.imageTags].sort()).sort(), [[], ['latest', 'v1']])
 * })
 */
export type ImageDetail = Image.ImageDetail

/**
 * Which images a listing returns: those with at least one tag, those without, or all.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { TagStatus } from 'ecr-fp-ts/Repository'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1' })
 * const untagged = twin.pushImage('app')
 * const tagStatus: TagStatus = 'UNTAGGED'
 * pipe(Repository.make('app'), RTE.flatMap((ref) => Repository.listImageDetails(ref, { tagStatus })))(twin.env)().then((r) => {
 *   assert.ok(E.isRight(untagged))
 *   assert.deepStrictEqual(pipe(r, E.map((ds) => ds.map((d) => d.imageDigest))), E.right([untagged.right.imageDigest]))
 * })
 */
export type TagStatus = 'TAGGED' | 'UNTAGGED' | 'ANY'

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { CreateOptions } from 'ecr-fp-ts/Repository'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const options: CreateOptions = { imageTagMutability: 'IMMUTABLE', existsOk: false }
 * const create = pipe(Repository.make('app'), RTE.flatMap((ref) => Repository.create(ref, options)))
 * pipe(create, RTE.flatMap(() => create))(twin.env)().then((r) => {
 *   assert.strictEqual(E.isLeft(r) && r.left._tag, 'AlreadyExists')
 *   // the tag is immutable: a second push of `v1` is refused
 *   assert.ok(E.isRight(twin.pushImage('app', { tag: 'v1', createRepository: false })))
 *   assert.ok(E.isLeft(twin.pushImage('app', { tag: 'v1', createRepository: false })))
 * })
 */
export interface CreateOptions {
  /** Resource tags of the repository; appended to an existing repository's tags. */
  readonly tags?: ReadonlyArray<ResourceTag>
  /** Default `MUTABLE`. */
  readonly imageTagMutability?: TagMutability
  /** Default `AES256`; set at creation only (ECR cannot change it later). */
  readonly encryption?: Encryption
  /** Scan each pushed image; default `false`. */
  readonly scanOnPush?: boolean
  /** Default `true`: an existing repository is a success (and gets the given tags). */
  readonly existsOk?: boolean
}

/**
 * An image of a repository, by tag or by digest: exactly one of the two.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { ImageIdentifier } from 'ecr-fp-ts/Repository'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const pushed = twin.pushImage('app', { tag: 'v1' })
 * assert.ok(E.isRight(pushed))
 * const ids: ReadonlyArray<ImageIdentifier> = [{ tag: 'v1' }, { digest: pushed.right.imageDigest }]
 * pipe(Repository.make('app'), RTE.flatMap((ref) => RTE.sequenceArray(ids.map((id) => Repository.getImage(ref, id)))))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((images) => images.map((i) => i.imageDigest))), E.right([pushed.right.imageDigest, pushed.right.imageDigest]))
 * })
 */
export type ImageIdentifier = { readonly tag: string } | { readonly digest: string }

/**
 * `append` adds the given tags (replacing values of the same keys); `overwrite` also removes every
 * key not in the given set.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { TagMode } from 'ecr-fp-ts/Repository'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app', { tags: [{ Key: 'team', Value: 'infra' }, { Key: 'old', Value: 'x' }] })
 * const mode: TagMode = 'overwrite'
 * const program = pipe(
 *   Repository.make('app'),
 *   RTE.tap((ref) => Repository.updateResourceTags(ref, [{ Key: 'team', Value: 'data' }], mode)),
 *   RTE.flatMap(Repository.getResourceTags)
 * )
 * program(twin.env)().then((r) => assert.deepStrictEqual(r, E.right([{ Key: 'team', Value: 'data' }])))
 */
export type TagMode = 'append' | 'overwrite'

/**
 * Which images a listing returns by storage state: `ACTIVE` (ECR's default), `ARCHIVED`,
 * `ACTIVATING` (being restored) or `ANY`.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { ImageStatusFilter } from 'ecr-fp-ts/Repository'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1' })
 * const status: ImageStatusFilter = 'ANY'
 * pipe(Repository.make('app'), RTE.flatMap((ref) => Repository.listImageDetails(ref, { status })))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((ds) => ds.map((d) => d.status))), E.right(['ACTIVE']))
 * })
 */
export type ImageStatusFilter = 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING' | 'ANY'

/**
 * What `listImageDetails` lists.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { ListOptions } from 'ecr-fp-ts/Repository'
 *
 * const options: ListOptions = { tagStatus: 'TAGGED', status: 'ARCHIVED' }
 * assert.strictEqual(options.status, 'ARCHIVED')
 */
export interface ListOptions {
  /** Tagged images, untagged ones, or both (the default). */
  readonly tagStatus?: TagStatus
  /** Images by storage state; default `ACTIVE`, as ECR. */
  readonly status?: ImageStatusFilter
}

/**
 * Whether a tag, once on an image, may be moved to another: `MUTABLE`, `IMMUTABLE`, or a mode with
 * exceptions, ECR's `*_WITH_EXCLUSION` settings: `exceptFor` lists wildcard filters (`*` matches
 * any run of characters; letters, digits, `.`, `_`, `-` and `*`, 1-128 characters each, at most
 * `maxExclusionFilters` of them) whose tags follow the opposite rule. An empty `exceptFor` is the
 * plain mode.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { TagMutability } from 'ecr-fp-ts/Repository'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * // release tags never move; `latest` and cosign's `sha256-*` signature tags may
 * const tagMutability: TagMutability = { mode: 'IMMUTABLE', exceptFor: ['latest', 'sha256-*'] }
 * pipe(Repository.make('app'), RTE.flatMap((ref) => Repository.create(ref, { imageTagMutability: tagMutability })))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((s) => s.tagMutability)), E.right(tagMutability))
 *   assert.ok(E.isRight(twin.pushImage('app', { tags: ['v1', 'latest'], createRepository: false })))
 *   assert.ok(E.isRight(twin.pushImage('app', { tag: 'latest', createRepository: false })))
 *   assert.ok(E.isLeft(twin.pushImage('app', { tag: 'v1', createRepository: false })))
 * })
 */
export type TagMutability =
  | 'MUTABLE'
  | 'IMMUTABLE'
  | { readonly mode: 'MUTABLE' | 'IMMUTABLE'; readonly exceptFor: ReadonlyArray<string> }

/**
 * How ECR encrypts a repository's images at rest: S3-managed keys (`AES256`, the default), or a
 * KMS key (`KMS`, or dual-layer `KMS_DSSE`): the given one, else ECR's AWS-managed key.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { Encryption } from 'ecr-fp-ts/Repository'
 *
 * const encryption: Encryption = { type: 'KMS', kmsKey: 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' }
 * assert.strictEqual(encryption.type, 'KMS')
 */
export type Encryption =
  | { readonly type: 'AES256' }
  | { readonly type: 'KMS' | 'KMS_DSSE'; /** The key's ARN, id or alias. */ readonly kmsKey?: string }

/**
 * The settings a repository has.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { RepositorySettings } from 'ecr-fp-ts/Repository'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-west-2' })
 * twin.createRepository('app')
 * pipe(Repository.make('app'), RTE.flatMap(Repository.getSettings))(twin.env)().then((r) => {
 *   assert.ok(E.isRight(r))
 *   const settings: RepositorySettings = r.right
 *   assert.strictEqual(settings.uri, '123456789012.dkr.ecr.us-west-2.amazonaws.com/app')
 *   assert.deepStrictEqual([settings.tagMutability, settings.encryption, settings.scanOnPush], ['MUTABLE', { type: 'AES256' }, false])
 * })
 */
export interface RepositorySettings {
  /** The repository. */
  readonly ref: RepositoryRef
  /** Its URI. */
  readonly uri: RepositoryUri
  /** Its ARN. */
  readonly arn: string
  /** When it was created, if ECR says. */
  readonly createdAt?: Date
  /** Whether its tags may move. */
  readonly tagMutability: TagMutability
  /** How its images are encrypted at rest. */
  readonly encryption: Encryption
  /** Whether each pushed image is scanned (basic scanning). */
  readonly scanOnPush: boolean
}

/**
 * An image (tag) `deleteImages` deleted: one entry per tag removed, or the digest alone for an
 * untagged image.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { DeletedImage } from 'ecr-fp-ts/Repository'
 * import { isImageDigest } from 'ecr-fp-ts/Primitives'
 *
 * const imageDigest = `sha256:${'a'.repeat(64)}`
 * assert.ok(isImageDigest(imageDigest))
 * const deleted: DeletedImage = { imageDigest, imageTag: 'v1' }
 * assert.strictEqual(deleted.imageTag, 'v1')
 */
export interface DeletedImage {
  /** The image's digest. */
  readonly imageDigest: ImageDigest
  /** The tag removed, when the id named one (or when deleting by digest removed it). */
  readonly imageTag?: string
}

/**
 * An id `deleteImages` could not delete, with ECR's failure code (`ImageNotFound`,
 * `ImageReferencedByManifestList`, ...) and reason.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { DeleteFailure } from 'ecr-fp-ts/Repository'
 *
 * const failure: DeleteFailure = { id: { tag: 'v9' }, code: 'ImageNotFound', reason: 'Requested image not found' }
 * assert.strictEqual(failure.code, 'ImageNotFound')
 */
export interface DeleteFailure {
  /** The id as it was asked. */
  readonly id: ImageIdentifier
  /** ECR's failure code. */
  readonly code: string
  /** ECR's reason. */
  readonly reason: string
}

/**
 * What `deleteImages` did: the images deleted and, per id, the failures.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { DeleteImagesResult } from 'ecr-fp-ts/Repository'
 *
 * const nothing: DeleteImagesResult = { deleted: [], failures: [] }
 * assert.strictEqual(nothing.failures.length, 0)
 */
export interface DeleteImagesResult {
  /** One entry per tag removed, or per untagged image deleted. */
  readonly deleted: ReadonlyArray<DeletedImage>
  /** The ids ECR refused, with its reasons. */
  readonly failures: ReadonlyArray<DeleteFailure>
}

/**
 * How `previewLifecyclePolicy` waits for ECR's preview: it asks every `pollMs` (default 2000) and
 * gives up after `timeoutMs` of waiting (default 300000, five minutes).
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { PreviewOptions } from 'ecr-fp-ts/Repository'
 *
 * const options: PreviewOptions = { pollMs: 5_000, timeoutMs: 600_000 }
 * assert.strictEqual(options.timeoutMs, 600_000)
 */
export interface PreviewOptions {
  /** Milliseconds between two GetLifecyclePolicyPreview calls; default 2000. */
  readonly pollMs?: number
  /** Milliseconds of waiting after which the preview is given up (an `AwsError`); default 300000. */
  readonly timeoutMs?: number
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A reference to the repository `repositoryName` in `registry` (default: the environment's). No
 * call is made: the repository need not exist. An invalid name is an `InvalidArgument`.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-west-2' })
 * Repository.make('team/app')(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right({ accountId: '123456789012', region: 'us-west-2', repositoryName: 'team/app' }))
 * })
 * Repository.make('Team/App')(twin.env)().then((r) => {
 *   assert.strictEqual(E.isLeft(r) && r.left._tag, 'InvalidArgument')
 * })
 */
export const make = (repositoryName: string, registry?: RegistryRef): RTE.ReaderTaskEither<RegistryEnv, EcrError.EcrError, RepositoryRef> =>
  pipe(
    inRegion(registry),
    RTE.flatMapEither((r) =>
      isRepositoryName(repositoryName)
        ? E.right({ accountId: r.accountId, region: r.region, repositoryName })
        : E.left(
            EcrError.invalidArgument(
              `not a valid repository name: ${showValue(repositoryName)} (2-256 characters: lower-case letters, digits and . _ - separators, components joined by /)`
            )
          )
    )
  )

/**
 * Parses a repository URI such as `123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app`.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import * as E from 'fp-ts/Either'
 *
 * assert.deepStrictEqual(
 *   Repository.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app'),
 *   E.right({ accountId: '123456789012', region: 'us-west-2', repositoryName: 'team/app' })
 * )
 * assert.strictEqual(E.isLeft(Repository.fromUri('team/app')), true)
 */
export const fromUri: (s: string) => E.Either<EcrError.EcrError, RepositoryRef> = arn.fromUri

/**
 * Parses a repository ARN (`arn:aws:ecr:<region>:<account>:repository/<name>`; partitions `aws`,
 * `aws-cn` and `aws-us-gov`).
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import * as E from 'fp-ts/Either'
 *
 * assert.deepStrictEqual(
 *   Repository.fromArn('arn:aws:ecr:us-west-2:123456789012:repository/team/app'),
 *   E.right({ accountId: '123456789012', region: 'us-west-2', repositoryName: 'team/app' })
 * )
 * assert.strictEqual(E.isLeft(Repository.fromArn('arn:aws:s3:::bucket')), true)
 */
export const fromArn: (s: string) => E.Either<EcrError.EcrError, RepositoryRef> = arn.fromArn

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The repository's URI.
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const uri = '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app'
 * assert.deepStrictEqual(pipe(Repository.fromUri(uri), E.map(Repository.toUri)), E.right(uri))
 */
export const toUri: (ref: RepositoryRef) => RepositoryUri = arn.toUri

/**
 * The repository's ARN; the partition follows the region (`aws-cn` for `cn-*`, `aws-us-gov` for
 * `us-gov-*`).
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * assert.deepStrictEqual(
 *   pipe(Repository.fromUri('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app'), E.map(Repository.toArn)),
 *   E.right('arn:aws-cn:ecr:cn-north-1:123456789012:repository/app')
 * )
 */
export const toArn: (ref: RepositoryRef) => string = arn.toArn

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

const unit: RTE.ReaderTaskEither<unknown, never, void> = RTE.of(undefined)

const dedupeTags = (tags: ReadonlyArray<ResourceTag>): ReadonlyArray<ResourceTag> => {
  const byKey = new Map<string, string>()
  for (const t of tags) byKey.set(t.Key, t.Value)
  return Array.from(byKey, ([Key, Value]) => ({ Key, Value }))
}

/**
 * The most exclusion filters a repository's tag mutability may have.
 *
 * @category constants
 * @since 0.2.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 *
 * assert.strictEqual(Repository.maxExclusionFilters, 5)
 */
export const maxExclusionFilters = 5

const EXCLUSION_FILTER = /^[0-9a-zA-Z._*-]{1,128}$/

/** ECR's fields for a tag mutability, checked: `InvalidArgument` (no call) for a filter ECR refuses. */
const mutabilityInput = (
  m: TagMutability
): E.Either<
  EcrError.EcrError,
  {
    readonly imageTagMutability: RepositoryOutput.AwsTagMutability
    readonly imageTagMutabilityExclusionFilters?: Array<{ filterType: 'WILDCARD'; filter: string }>
  }
> => {
  if (typeof m === 'string' || m.exceptFor.length === 0) return E.right({ imageTagMutability: typeof m === 'string' ? m : m.mode })
  const filters = Array.from(new Set(m.exceptFor))
  if (filters.length > maxExclusionFilters)
    return E.left(EcrError.invalidArgument(`at most ${maxExclusionFilters} tag mutability exclusion filters, got ${filters.length}`))
  const bad = filters.find((f) => !EXCLUSION_FILTER.test(f))
  return bad !== undefined
    ? E.left(
        EcrError.invalidArgument(
          `not a valid tag mutability exclusion filter: ${showValue(bad)} (1-128 letters, digits, '.', '_', '-' and '*' wildcards)`
        )
      )
    : E.right({
        imageTagMutability: m.mode === 'MUTABLE' ? 'MUTABLE_WITH_EXCLUSION' : 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: filters.map((filter) => ({ filterType: 'WILDCARD', filter }))
      })
}

const settingsOf =
  (ref: RepositoryRef) =>
  (r: RepositoryOutput.RepositoryRecord): RepositorySettings => ({
    ref: { accountId: ref.accountId, region: ref.region, repositoryName: ref.repositoryName },
    uri: arn.toUri(ref),
    arn: arn.toArn(ref),
    ...(r.createdAt === undefined ? {} : { createdAt: r.createdAt }),
    tagMutability:
      r.imageTagMutability === 'MUTABLE' || r.imageTagMutability === 'IMMUTABLE'
        ? r.imageTagMutability
        : { mode: r.imageTagMutability === 'MUTABLE_WITH_EXCLUSION' ? 'MUTABLE' : 'IMMUTABLE', exceptFor: r.exclusionFilters },
    encryption:
      r.encryptionType === 'AES256'
        ? { type: 'AES256' }
        : { type: r.encryptionType, ...(r.kmsKey === undefined ? {} : { kmsKey: r.kmsKey }) },
    scanOnPush: r.scanOnPush
  })

/**
 * Creates the repository with the given settings and returns the settings it has. An existing
 * repository is a success when `existsOk` (the default): the given tags are then appended to its
 * tags, and the settings returned are its own, which may differ from those asked (see
 * `unmetSettings`); otherwise it is `AlreadyExists('Repository')`. An exclusion filter ECR would
 * refuse is an `InvalidArgument`, without a call.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const program = pipe(
 *   Repository.make('team/app'),
 *   RTE.tap((ref) => Repository.create(ref, { tags: [{ Key: 'team', Value: 'infra' }], scanOnPush: true })),
 *   RTE.tap((ref) => Repository.create(ref, { tags: [{ Key: 'cost', Value: 'ml' }] })),
 *   RTE.flatMap(Repository.getResourceTags)
 * )
 * program(twin.env)()
 *   .then((r) => {
 *     assert.deepStrictEqual(r, E.right([{ Key: 'team', Value: 'infra' }, { Key: 'cost', Value: 'ml' }]))
 *     // an existing repository answers with its own settings
 *     return pipe(Repository.make('team/app'), RTE.flatMap((ref) => Repository.create(ref, { scanOnPush: false })))(twin.env)()
 *   })
 *   .then((r) => assert.deepStrictEqual(pipe(r, E.map((s) => s.scanOnPush)), E.right(true)))
 */
export const create = (ref: RepositoryRef, options: CreateOptions = {}): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, RepositorySettings> => {
  const tags = dedupeTags(options.tags ?? [])
  const encryption = options.encryption
  return pipe(
    RTE.fromEither(mutabilityInput(options.imageTagMutability ?? 'MUTABLE')),
    RTE.tap(() => inRegion(ref)),
    RTE.flatMap((mutability) =>
      send(
        new CreateRepositoryCommand({
          registryId: ref.accountId,
          repositoryName: ref.repositoryName,
          ...mutability,
          ...(encryption === undefined
            ? {}
            : {
                encryptionConfiguration: {
                  encryptionType: encryption.type,
                  ...(encryption.type !== 'AES256' && encryption.kmsKey !== undefined ? { kmsKey: encryption.kmsKey } : {})
                }
              }),
          ...(options.scanOnPush === undefined ? {} : { imageScanningConfiguration: { scanOnPush: options.scanOnPush } }),
          ...(tags.length > 0 ? { tags: tags.map((t) => ({ Key: t.Key, Value: t.Value })) } : {})
        }),
        ref.repositoryName
      )
    ),
    RTE.flatMapEither(RepositoryOutput.createRepository),
    RTE.map(settingsOf(ref)),
    RTE.orElse((e) =>
      e._tag === 'AlreadyExists' && e.resource === 'Repository' && (options.existsOk ?? true)
        ? pipe(
            updateResourceTags(ref, tags, 'append'),
            RTE.flatMap(() => getSettings(ref))
          )
        : RTE.left(e)
    )
  )
}

/**
 * The repository's settings (one DescribeRepositories call). Missing: `NotFound('Repository')`.
 *
 * @category operations
 * @since 0.2.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const program = pipe(
 *   Repository.make('app'),
 *   RTE.tap((ref) => Repository.create(ref, { imageTagMutability: 'IMMUTABLE', encryption: { type: 'KMS' } })),
 *   RTE.flatMap(Repository.getSettings)
 * )
 * program(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((s) => [s.tagMutability, s.encryption.type])), E.right(['IMMUTABLE', 'KMS']))
 * })
 */
export const getSettings = (ref: RepositoryRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, RepositorySettings> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      send(new DescribeRepositoriesCommand({ registryId: ref.accountId, repositoryNames: [ref.repositoryName] }), ref.repositoryName)
    ),
    RTE.flatMapEither(RepositoryOutput.describeRepository(ref.repositoryName)),
    RTE.map(settingsOf(ref))
  )

/**
 * Sets whether the repository's tags may move (PutImageTagMutability). An exclusion filter ECR
 * would refuse is an `InvalidArgument`, without a call.
 *
 * @category operations
 * @since 0.2.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * const program = pipe(
 *   Repository.make('app'),
 *   RTE.tap((ref) => Repository.setTagMutability(ref, { mode: 'IMMUTABLE', exceptFor: ['latest'] })),
 *   RTE.flatMap(Repository.getSettings)
 * )
 * program(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((s) => s.tagMutability)), E.right({ mode: 'IMMUTABLE', exceptFor: ['latest'] }))
 * })
 * pipe(Repository.make('app'), RTE.flatMap((ref) => Repository.setTagMutability(ref, { mode: 'IMMUTABLE', exceptFor: ['v1/*'] })))(twin.env)().then((r) => {
 *   assert.strictEqual(E.isLeft(r) && r.left._tag, 'InvalidArgument')
 * })
 */
export const setTagMutability = (ref: RepositoryRef, mutability: TagMutability): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  pipe(
    RTE.fromEither(mutabilityInput(mutability)),
    RTE.tap(() => inRegion(ref)),
    RTE.flatMap((input) =>
      send(
        new PutImageTagMutabilityCommand({ registryId: ref.accountId, repositoryName: ref.repositoryName, ...input }),
        ref.repositoryName
      )
    ),
    RTE.map(() => undefined)
  )

/**
 * Sets whether each image pushed to the repository is scanned (PutImageScanningConfiguration).
 *
 * @category operations
 * @since 0.2.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * const program = pipe(
 *   Repository.make('app'),
 *   RTE.tap((ref) => Repository.setScanOnPush(ref, true)),
 *   RTE.flatMap(Repository.getSettings)
 * )
 * program(twin.env)().then((r) => assert.deepStrictEqual(pipe(r, E.map((s) => s.scanOnPush)), E.right(true)))
 */
export const setScanOnPush = (ref: RepositoryRef, scanOnPush: boolean): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      send(
        new PutImageScanningConfigurationCommand({
          registryId: ref.accountId,
          repositoryName: ref.repositoryName,
          imageScanningConfiguration: { scanOnPush }
        }),
        ref.repositoryName
      )
    ),
    RTE.map(() => undefined)
  )

const mutabilityText = (m: TagMutability): string =>
  typeof m === 'string' || m.exceptFor.length === 0
    ? typeof m === 'string'
      ? m
      : m.mode
    : `${m.mode} except ${[...new Set(m.exceptFor)].sort().join(',')}`

/**
 * The settings asked for in `options` that `settings` does not have, one line each (empty when
 * all are met). What `create` returns for an existing repository can be held against what was
 * asked this way. A KMS key is compared only when it was asked by ARN (ECR reports ARNs).
 *
 * @category utils
 * @since 0.2.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * const asked: Repository.CreateOptions = { imageTagMutability: 'IMMUTABLE', scanOnPush: false }
 * pipe(Repository.make('app'), RTE.flatMap((ref) => Repository.create(ref, asked)))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((s) => Repository.unmetSettings(asked, s))), E.right(['tag mutability: asked IMMUTABLE, has MUTABLE']))
 * })
 */
export const unmetSettings = (options: CreateOptions, settings: RepositorySettings): ReadonlyArray<string> => {
  const out: Array<string> = []
  if (options.imageTagMutability !== undefined) {
    const asked = mutabilityText(options.imageTagMutability)
    const has = mutabilityText(settings.tagMutability)
    if (asked !== has) out.push(`tag mutability: asked ${asked}, has ${has}`)
  }
  const enc = options.encryption
  if (enc !== undefined) {
    const hasKey = settings.encryption.type === 'AES256' ? undefined : settings.encryption.kmsKey
    if (enc.type !== settings.encryption.type) out.push(`encryption: asked ${enc.type}, has ${settings.encryption.type}`)
    else if (enc.type !== 'AES256' && enc.kmsKey !== undefined && enc.kmsKey.startsWith('arn:') && enc.kmsKey !== hasKey)
      out.push(`encryption: asked KMS key ${enc.kmsKey}, has ${hasKey ?? 'the AWS-managed key'}`)
  }
  if (options.scanOnPush !== undefined && options.scanOnPush !== settings.scanOnPush)
    out.push(`scan on push: asked ${String(options.scanOnPush)}, has ${String(settings.scanOnPush)}`)
  return out
}

/**
 * Whether the repository exists (one DescribeRepositories call).
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * pipe(Repository.make('app'), RTE.flatMap(Repository.exists))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(true))
 * })
 * pipe(Repository.make('nope'), RTE.flatMap(Repository.exists))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(false))
 * })
 */
export const exists = (ref: RepositoryRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, boolean> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      send(
        new DescribeRepositoriesCommand({ registryId: ref.accountId, repositoryNames: [ref.repositoryName] }),
        ref.repositoryName
      )
    ),
    RTE.map(() => true),
    RTE.orElse((e) => (e._tag === 'NotFound' && e.resource === 'Repository' ? RTE.right(false) : RTE.left(e)))
  )

const delete_ = (ref: RepositoryRef, options: { readonly force?: boolean } = {}): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      send(
        new DeleteRepositoryCommand({ registryId: ref.accountId, repositoryName: ref.repositoryName, force: options.force ?? false }),
        ref.repositoryName
      )
    ),
    RTE.map(() => undefined)
  )

export {
  /**
   * Deletes the repository; with `force: true`, also when it still holds images.
   *
   * @category operations
   * @since 0.1.0
   * @example
   * import * as Repository from 'ecr-fp-ts/Repository'
   * import * as testing from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   * import * as fn from 'fp-ts/function'
   * import * as RTE from 'fp-ts/ReaderTaskEither'
   *
   * const twin = testing.InMemoryEcr.make()
   * twin.createRepository('app')
   * const program = fn.pipe(
   *   Repository.make('app'),
   *   RTE.tap((ref) => Repository.delete(ref)),
   *   RTE.flatMap(Repository.exists)
   * )
   * program(twin.env)().then((r) => assert.deepStrictEqual(r, E.right(false)))
   */
  delete_ as delete
}

const keepByTagStatus =
  (tagStatus: TagStatus) =>
  (tagged: boolean): boolean =>
    tagStatus === 'ANY' || (tagStatus === 'TAGGED') === tagged

/** One page's request to DescribeImages or ListImages: the repository's images with `tagStatus`, the largest page. */
const imagesPage = (ref: RepositoryRef, tagStatus: TagStatus, nextToken: string | undefined) => ({
  repositoryName: ref.repositoryName,
  registryId: ref.accountId,
  filter: { tagStatus },
  maxResults: MAX_RESULTS,
  ...(nextToken === undefined ? {} : { nextToken })
})

/**
 * DescribeImages over the whole repository (pages of 1000). `tagStatus` (default `ANY`) and
 * `status` (default `ACTIVE`, as ECR: archived images are left out unless asked for) are sent to
 * ECR and also applied to the answer, since some emulators ignore the filters. Each detail carries
 * the image's `status`, and `lastRecordedPullTime` / `lastArchivedAt` when ECR gives them.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tags: ['v1', 'latest'] })
 * twin.pushImage('app')
 * const program = pipe(
 *   Repository.make('app'),
 *   RTE.flatMap((ref) => Repository.listImageDetails(ref, { tagStatus: 'TAGGED' }))
 * )
 * program(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((ds) => ds.map((d) => [...d.imageTags].sort()))), E.right([['latest', 'v1']]))
 * })
 */
export const listImageDetails = (
  ref: RepositoryRef,
  options: ListOptions = {}
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ReadonlyArray<ImageDetail>> => {
  const tagStatus = options.tagStatus ?? 'ANY'
  const status = options.status ?? 'ACTIVE'
  const keep = keepByTagStatus(tagStatus)
  const keepStatus = (d: ImageDetail): boolean => status === 'ANY' || d.status === status
  return pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      paginate('DescribeImages', (nextToken) => {
        const page = imagesPage(ref, tagStatus, nextToken)
        return pipe(
          send(
            // ECR's default is ACTIVE: the filter is sent only when another status is asked
            new DescribeImagesCommand(status === 'ACTIVE' ? page : { ...page, filter: { tagStatus, imageStatus: status } }),
            ref.repositoryName
          ),
          RTE.flatMapEither(Output.describeImages)
        )
      })
    ),
    RTE.map((details) => details.filter((d) => keep(d.imageTags.length > 0) && keepStatus(d)))
  )
}

/** The distinct digests ListImages names, in first-seen order, kept by `tagStatus` (applied here too). */
const listDigests = (ref: RepositoryRef, tagStatus: TagStatus): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ReadonlyArray<ImageDigest>> =>
  pipe(
    paginate('ListImages', (nextToken) =>
      pipe(
        send(new ListImagesCommand(imagesPage(ref, tagStatus, nextToken)), ref.repositoryName),
        RTE.flatMapEither(Output.listImages)
      )
    ),
    RTE.map((ids) => {
      const tagged = new Map<ImageDigest, boolean>()
      for (const id of ids) tagged.set(id.imageDigest, (tagged.get(id.imageDigest) ?? false) || id.tagged)
      const keep = keepByTagStatus(tagStatus)
      return Array.from(tagged).flatMap(([digest, t]) => (keep(t) ? [digest] : []))
    })
  )

/** Merges BatchGetImage answers: one manifest per digest; images deleted meanwhile are skipped. */
const mergeBatches = (
  ref: RepositoryRef,
  order: ReadonlyArray<ImageDigest>,
  batches: ReadonlyArray<Output.BatchGetImageResult>
): E.Either<EcrError.EcrError, ReadonlyArray<ImageRef>> => {
  const byDigest = new Map<string, Output.FetchedImage>()
  for (const batch of batches) {
    const failure = batch.failures.find((f) => f.failureCode !== 'ImageNotFound')
    if (failure !== undefined) return E.left(failureError(ref, failure))
    for (const image of batch.images) {
      const seen = byDigest.get(image.imageDigest)
      if (seen === undefined) byDigest.set(image.imageDigest, image)
      else if (seen.imageManifest !== image.imageManifest)
        return E.left(
          EcrError.awsError(
            'BatchGetImage',
            'InconsistentManifest',
            `${ref.repositoryName}@${image.imageDigest}: ECR returned two different manifests for one digest`,
            false
          )
        )
    }
  }
  return E.right(order.flatMap((d) => {
    const image = byDigest.get(d)
    return image === undefined ? [] : [toImageRef(ref, image)]
  }))
}

/**
 * Every image of the repository with its manifest: ListImages (pages of 1000), then BatchGetImage
 * for the distinct digests in batches of 100 (at most `env.concurrency` at once). An image deleted
 * between the two steps is left out; two different manifests for one digest are an error.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const pushed = twin.pushImage('app', { tags: ['v1', 'latest'] })
 * twin.pushImage('app')
 * const program = pipe(Repository.make('app'), RTE.flatMap((ref) => Repository.getImages(ref, { tagStatus: 'TAGGED' })))
 * program(twin.env)().then((r) => {
 *   assert.ok(E.isRight(r) && E.isRight(pushed))
 *   assert.strictEqual(r.right.length, 1)
 *   assert.strictEqual(r.right[0]?.imageDigest, pushed.right.imageDigest)
 *   assert.strictEqual(r.right[0]?.imageManifest, pushed.right.manifest)
 * })
 */
export const getImages = (
  ref: RepositoryRef,
  options: { readonly tagStatus?: TagStatus } = {}
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ReadonlyArray<ImageRef>> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() => listDigests(ref, options.tagStatus ?? 'ANY')),
    RTE.flatMap((digests) =>
      pipe(
        RA.chunksOf(BATCH_LIMIT)(digests),
        traverseRTE((chunk: ReadonlyArray<ImageDigest>) => batchGetImage(ref, chunk.map((imageDigest) => ({ imageDigest })))),
        RTE.flatMapEither((batches) => mergeBatches(ref, digests, batches))
      )
    )
  )

const imageIdOf = (id: ImageIdentifier): E.Either<EcrError.EcrError, ImageId> =>
  'tag' in id
    ? 'digest' in id
      ? E.left(EcrError.invalidArgument('give exactly one of tag or digest'))
      : pipe(checkTag(id.tag), E.map((imageTag) => ({ imageTag })))
    : isImageDigest(id.digest)
    ? E.right({ imageDigest: id.digest })
    : E.left(EcrError.invalidArgument(`not a valid image digest: ${showValue(id.digest)}`))

/**
 * The image with the given tag or digest, with its manifest, in one BatchGetImage call. Both or
 * neither, or a malformed tag or digest: `InvalidArgument` (no call). Missing: `NotFound('Image')`.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const pushed = twin.pushImage('app', { tag: 'v1' })
 * pipe(Repository.make('app'), RTE.flatMap((ref) => Repository.getImage(ref, { tag: 'v1' })))(twin.env)().then((r) => {
 *   assert.ok(E.isRight(pushed))
 *   assert.deepStrictEqual(pipe(r, E.map((i) => i.imageDigest)), E.right(pushed.right.imageDigest))
 * })
 * pipe(Repository.make('app'), RTE.flatMap((ref) => Repository.getImage(ref, { tag: 'v2' })))(twin.env)().then((r) => {
 *   assert.strictEqual(E.isLeft(r) && r.left._tag, 'NotFound')
 * })
 */
export const getImage = (ref: RepositoryRef, id: ImageIdentifier): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ImageRef> =>
  pipe(
    RTE.fromEither(imageIdOf(id)),
    RTE.tap(() => inRegion(ref)),
    RTE.flatMap((imageId) => getOne(ref, imageId)),
    RTE.map((image) => toImageRef(ref, image))
  )

/**
 * The repository's resource tags (ListTagsForResource on its ARN).
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app', { tags: [{ Key: 'team', Value: 'infra' }] })
 * pipe(Repository.make('app'), RTE.flatMap(Repository.getResourceTags))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right([{ Key: 'team', Value: 'infra' }]))
 * })
 */
export const getResourceTags = (ref: RepositoryRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ReadonlyArray<ResourceTag>> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() => send(new ListTagsForResourceCommand({ resourceArn: arn.toArn(ref) }), ref.repositoryName)),
    RTE.flatMapEither(Output.listTagsForResource)
  )

/**
 * Sets resource tags. `append` (the default) adds them, replacing the values of keys already
 * there; `overwrite` also removes every other key (UntagResource, only when some key is to go).
 * No TagResource call is made for an empty list.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app', { tags: [{ Key: 'team', Value: 'infra' }, { Key: 'old', Value: 'x' }] })
 * const program = pipe(
 *   Repository.make('app'),
 *   RTE.tap((ref) => Repository.updateResourceTags(ref, [{ Key: 'team', Value: 'ml' }], 'overwrite')),
 *   RTE.flatMap(Repository.getResourceTags)
 * )
 * program(twin.env)().then((r) => assert.deepStrictEqual(r, E.right([{ Key: 'team', Value: 'ml' }])))
 */
export const updateResourceTags = (
  ref: RepositoryRef,
  tags: ReadonlyArray<ResourceTag>,
  mode: TagMode = 'append'
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> => {
  const wanted = dedupeTags(tags)
  const resourceArn = arn.toArn(ref)
  const tagAll: RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =
    wanted.length === 0
      ? unit
      : pipe(
          send(new TagResourceCommand({ resourceArn, tags: wanted.map((t) => ({ Key: t.Key, Value: t.Value })) }), ref.repositoryName),
          RTE.map(() => undefined)
        )
  const removeOthers: RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =
    mode === 'append'
      ? unit
      : pipe(
          getResourceTags(ref),
          RTE.flatMap((existing) => {
            const keep = new Set(wanted.map((t) => t.Key))
            const tagKeys = Array.from(new Set(existing.map((t) => t.Key).filter((k) => !keep.has(k))))
            return tagKeys.length === 0
              ? unit
              : pipe(send(new UntagResourceCommand({ resourceArn, tagKeys }), ref.repositoryName), RTE.map(() => undefined))
          })
        )
  return pipe(
    inRegion(ref),
    RTE.flatMap(() => removeOthers),
    RTE.flatMap(() => tagAll)
  )
}

/**
 * Sets the repository's lifecycle policy (the text of `LifecyclePolicy.toJson`). A policy ECR would
 * reject (see `LifecyclePolicy.validate`) is an `InvalidArgument`, without a call.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * const policy = LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged({ days: 7 }))
 * const program = pipe(
 *   Repository.make('app'),
 *   RTE.tap((ref) => Repository.putLifecyclePolicy(ref, policy)),
 *   RTE.flatMap(Repository.getLifecyclePolicy)
 * )
 * program(twin.env)().then((r) => assert.deepStrictEqual(r, E.right(O.some(policy))))
 */
export const putLifecyclePolicy = (
  ref: RepositoryRef,
  policy: LifecyclePolicy.LifecyclePolicy
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  pipe(
    RTE.fromEither(LifecyclePolicy.toJsonChecked(policy)),
    RTE.tap(() => inRegion(ref)),
    RTE.flatMap((lifecyclePolicyText) =>
      send(
        new PutLifecyclePolicyCommand({ registryId: ref.accountId, repositoryName: ref.repositoryName, lifecyclePolicyText }),
        ref.repositoryName
      )
    ),
    RTE.map(() => undefined)
  )

/**
 * The repository's lifecycle policy: `None` when it has none; a missing repository stays
 * `NotFound('Repository')`.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * pipe(Repository.make('app'), RTE.flatMap(Repository.getLifecyclePolicy))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(O.none))
 * })
 * pipe(Repository.make('nope'), RTE.flatMap(Repository.getLifecyclePolicy))(twin.env)().then((r) => {
 *   assert.strictEqual(E.isLeft(r) && r.left._tag === 'NotFound' && r.left.resource, 'Repository')
 * })
 */
export const getLifecyclePolicy = (
  ref: RepositoryRef
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, O.Option<LifecyclePolicy.LifecyclePolicy>> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      send(new GetLifecyclePolicyCommand({ registryId: ref.accountId, repositoryName: ref.repositoryName }), ref.repositoryName)
    ),
    RTE.flatMapEither(Output.getLifecyclePolicy),
    RTE.flatMapEither((text) => pipe(LifecyclePolicy.fromJson(text), E.map(O.some))),
    RTE.orElse((e) => (e._tag === 'NotFound' && e.resource === 'LifecyclePolicy' ? RTE.right(O.none) : RTE.left(e)))
  )

const failureIdOf = (f: RepositoryOutput.DeleteFailure): ImageIdentifier =>
  f.imageTag !== undefined ? { tag: f.imageTag } : { digest: f.imageDigest ?? '' }

/**
 * Deletes images by tag or digest (BatchDeleteImage, in chunks of 100, at most `env.concurrency`
 * at once). By tag, the tag is removed, and the image with it when it was its last tag; by digest,
 * the image and all its tags go. What ECR refuses (a missing image, one an index still refers to)
 * is listed in `failures`, not a failure of the whole: the others are deleted. A malformed tag or
 * digest is an `InvalidArgument` before any call; no ids, no call.
 *
 * @category operations
 * @since 0.2.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const v1 = twin.pushImage('app', { tags: ['v1', 'latest'] })
 * const program = pipe(
 *   Repository.make('app'),
 *   RTE.flatMap((ref) => Repository.deleteImages(ref, [{ tag: 'latest' }, { tag: 'v9' }]))
 * )
 * program(twin.env)().then((r) => {
 *   assert.ok(E.isRight(r) && E.isRight(v1))
 *   assert.deepStrictEqual(r.right.deleted, [{ imageDigest: v1.right.imageDigest, imageTag: 'latest' }])
 *   assert.deepStrictEqual(r.right.failures.map((f) => [f.id, f.code]), [[{ tag: 'v9' }, 'ImageNotFound']])
 * })
 */
export const deleteImages = (
  ref: RepositoryRef,
  ids: ReadonlyArray<ImageIdentifier>
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, DeleteImagesResult> =>
  pipe(
    RTE.fromEither(E.traverseArray(imageIdOf)(ids)),
    RTE.tap(() => inRegion(ref)),
    RTE.flatMap((imageIds) => {
      const distinct = Array.from(new Map(imageIds.map((id) => [JSON.stringify(id), id])).values())
      return pipe(
        RA.chunksOf(BATCH_LIMIT)(distinct),
        traverseRTE((chunk: ReadonlyArray<ImageId>): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, RepositoryOutput.DeleteAnswer> =>
          pipe(
            send(
              new BatchDeleteImageCommand({
                registryId: ref.accountId,
                repositoryName: ref.repositoryName,
                imageIds: chunk.map((id) => ({ ...id }))
              }),
              ref.repositoryName
            ),
            RTE.flatMapEither(RepositoryOutput.batchDeleteImage)
          )
        )
      )
    }),
    RTE.map((answers) => ({
      deleted: answers.flatMap((a) => a.deleted),
      failures: answers.flatMap((a) => a.failures.map((f) => ({ id: failureIdOf(f), code: f.failureCode, reason: f.failureReason })))
    }))
  )

const isPolicyNotFound = (e: EcrError.EcrError): boolean =>
  e._tag === 'AwsError' && e.code === 'RepositoryPolicyNotFoundException'

/**
 * The repository's policy (GetRepositoryPolicy): `None` when it has none; a missing repository is
 * `NotFound('Repository')`; a policy text that is not an IAM policy document a `DecodeError`.
 *
 * @category operations
 * @since 0.2.0
 * @example
 * import * as PolicyDocument from 'ecr-fp-ts/PolicyDocument'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * const policy = PolicyDocument.allowPull(['210987654321'])
 * const program = pipe(
 *   Repository.make('app'),
 *   RTE.flatMap((ref) =>
 *     pipe(
 *       Repository.getPolicy(ref),
 *       RTE.bindTo('before'),
 *       RTE.tap(() => Repository.setPolicy(ref, policy)),
 *       RTE.bind('after', () => Repository.getPolicy(ref))
 *     )
 *   )
 * )
 * program(twin.env)().then((r) => assert.deepStrictEqual(r, E.right({ before: O.none, after: O.some(policy) })))
 */
export const getPolicy = (ref: RepositoryRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, O.Option<PolicyDocument.PolicyDocument>> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      send(new GetRepositoryPolicyCommand({ registryId: ref.accountId, repositoryName: ref.repositoryName }), ref.repositoryName)
    ),
    RTE.flatMapEither(RepositoryOutput.getRepositoryPolicy),
    RTE.flatMapEither((text) => pipe(PolicyDocument.fromJson(text), E.map(O.some))),
    RTE.orElse((e) => (isPolicyNotFound(e) ? RTE.right(O.none) : RTE.left(e)))
  )

/**
 * Sets the repository's policy (SetRepositoryPolicy, the text of `PolicyDocument.toJson`).
 *
 * @category operations
 * @since 0.2.0
 * @example
 * import * as PolicyDocument from 'ecr-fp-ts/PolicyDocument'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * const policy: PolicyDocument.PolicyDocument = {
 *   Version: '2012-10-17',
 *   Statement: [{ Sid: 'ci', Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: ['ecr:BatchGetImage'] }]
 * }
 * pipe(Repository.make('app'), RTE.tap((ref) => Repository.setPolicy(ref, policy)), RTE.flatMap(Repository.getPolicy))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(O.some(policy)))
 * })
 */
export const setPolicy = (ref: RepositoryRef, policy: PolicyDocument.PolicyDocument): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      send(
        new SetRepositoryPolicyCommand({
          registryId: ref.accountId,
          repositoryName: ref.repositoryName,
          policyText: PolicyDocument.toJson(policy)
        }),
        ref.repositoryName
      )
    ),
    RTE.map(() => undefined)
  )

/**
 * Deletes the repository's policy (DeleteRepositoryPolicy). A repository without one is a success
 * too; a missing repository is `NotFound('Repository')`.
 *
 * @category operations
 * @since 0.2.0
 * @example
 * import * as PolicyDocument from 'ecr-fp-ts/PolicyDocument'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * const program = pipe(
 *   Repository.make('app'),
 *   RTE.tap((ref) => Repository.setPolicy(ref, PolicyDocument.allowPull(['210987654321']))),
 *   RTE.tap(Repository.deletePolicy),
 *   RTE.tap(Repository.deletePolicy),
 *   RTE.flatMap(Repository.getPolicy)
 * )
 * program(twin.env)().then((r) => assert.deepStrictEqual(r, E.right(O.none)))
 */
export const deletePolicy = (ref: RepositoryRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      send(new DeleteRepositoryPolicyCommand({ registryId: ref.accountId, repositoryName: ref.repositoryName }), ref.repositoryName)
    ),
    RTE.map(() => undefined),
    RTE.orElse((e) => (isPolicyNotFound(e) ? unit : RTE.left(e)))
  )

const DEFAULT_POLL_MS = 2_000
const DEFAULT_PREVIEW_TIMEOUT_MS = 300_000
/** ECR's largest page of GetLifecyclePolicyPreview. */
const PREVIEW_PAGE = 100

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const byOutcomeOrder = (x: LifecyclePolicy.Outcome, y: LifecyclePolicy.Outcome): number =>
  x.rulePriority - y.rulePriority ||
  (x.image.imagePushedAt?.getTime() ?? Number.MAX_SAFE_INTEGER) - (y.image.imagePushedAt?.getTime() ?? Number.MAX_SAFE_INTEGER) ||
  (x.image.imageDigest < y.image.imageDigest ? -1 : x.image.imageDigest > y.image.imageDigest ? 1 : 0)

/**
 * What a lifecycle policy would do to the repository's images now, as ECR computes it:
 * StartLifecyclePolicyPreview (with `policy`, else the repository's own policy), then
 * GetLifecyclePolicyPreview every `pollMs` until it is complete (at most `timeoutMs` of waiting,
 * then an `AwsError` with code `PreviewTimeout`), every page read. The result has the shape of
 * `LifecyclePolicy.evaluate`'s and its order (by rule priority, then oldest push first, then
 * digest), so the two can be held against each other. Waits use `env.sleep` when the environment
 * has one (tests pass an instant one).
 *
 * No policy given and none set: `NotFound('LifecyclePolicy')`; a preview already running for the
 * repository: an `AwsError` with code `LifecyclePolicyPreviewInProgressException`; a policy ECR
 * would reject: `InvalidArgument`, without a call.
 *
 * @category operations
 * @since 0.2.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1' })
 * twin.pushImage('app', { tag: 'v2' })
 * const policy = LifecyclePolicy.fromRules(LifecyclePolicy.keepLastN({ count: 1, tagPatternList: ['v*'] }))
 * const env = { ...twin.env, sleep: () => Promise.resolve() }
 * const program = pipe(
 *   Repository.make('app'),
 *   RTE.flatMap((ref) =>
 *     pipe(
 *       Repository.previewLifecyclePolicy(ref, policy),
 *       RTE.bindTo('preview'),
 *       RTE.bind('images', () => Repository.listImageDetails(ref))
 *     )
 *   )
 * )
 * program(env)().then((r) => {
 *   assert.ok(E.isRight(r))
 *   assert.deepStrictEqual(r.right.preview.map((o) => [o.image.imageTags, o.action.type]), [[['v1'], 'expire']])
 *   // ECR's answer and the offline evaluation agree
 *   const offline = LifecyclePolicy.evaluate(policy, r.right.images, new Date())
 *   assert.deepStrictEqual(offline.map((o) => o.image.imageDigest), r.right.preview.map((o) => o.image.imageDigest))
 * })
 */
export const previewLifecyclePolicy = (
  ref: RepositoryRef,
  policy?: LifecyclePolicy.LifecyclePolicy,
  options: PreviewOptions = {}
): RTE.ReaderTaskEither<EcrEnv & Partial<Pick<HttpEnv, 'sleep'>>, EcrError.EcrError, ReadonlyArray<LifecyclePolicy.Outcome>> => {
  const pollMs = Math.max(0, options.pollMs ?? DEFAULT_POLL_MS)
  const timeoutMs = Math.max(0, options.timeoutMs ?? DEFAULT_PREVIEW_TIMEOUT_MS)
  const getPage = (nextToken: string | undefined) =>
    pipe(
      send(
        new GetLifecyclePolicyPreviewCommand({
          registryId: ref.accountId,
          repositoryName: ref.repositoryName,
          maxResults: PREVIEW_PAGE,
          ...(nextToken === undefined ? {} : { nextToken })
        }),
        ref.repositoryName
      ),
      RTE.flatMapEither(RepositoryOutput.getLifecyclePolicyPreview)
    )
  const complete: RTE.ReaderTaskEither<EcrEnv & Partial<Pick<HttpEnv, 'sleep'>>, EcrError.EcrError, RepositoryOutput.PreviewPage> =
    (env) => async () => {
      const sleep = env.sleep ?? defaultSleep
      let waited = 0
      for (;;) {
        const page = await getPage(undefined)(env)()
        if (E.isLeft(page) || page.right.status === 'COMPLETE') return page
        if (page.right.status !== 'IN_PROGRESS')
          return E.left(
            EcrError.awsError(
              'GetLifecyclePolicyPreview',
              `LifecyclePolicyPreview${page.right.status}`,
              `${ref.repositoryName}: the lifecycle policy preview ended ${page.right.status}`,
              page.right.status === 'EXPIRED'
            )
          )
        if (waited >= timeoutMs)
          return E.left(
            EcrError.awsError(
              'GetLifecyclePolicyPreview',
              'PreviewTimeout',
              `${ref.repositoryName}: the lifecycle policy preview was not complete after ${timeoutMs} ms`,
              true
            )
          )
        const wait = Math.min(pollMs, timeoutMs - waited)
        await sleep(wait)
        waited += Math.max(wait, 1)
      }
    }
  return pipe(
    RTE.fromEither<EcrError.EcrError, string | undefined>(policy === undefined ? E.right(undefined) : LifecyclePolicy.toJsonChecked(policy)),
    RTE.tap(() => inRegion(ref)),
    RTE.flatMap((lifecyclePolicyText) =>
      send(
        new StartLifecyclePolicyPreviewCommand({
          registryId: ref.accountId,
          repositoryName: ref.repositoryName,
          ...(lifecyclePolicyText === undefined ? {} : { lifecyclePolicyText })
        }),
        ref.repositoryName
      )
    ),
    RTE.flatMap(() => complete),
    RTE.flatMap((first) =>
      first.nextToken === undefined
        ? RTE.right(first.items)
        : pipe(
            paginate('GetLifecyclePolicyPreview', (token) => getPage(token ?? first.nextToken)),
            RTE.map((rest) => [...first.items, ...rest])
          )
    ),
    RTE.map((outcomes) => [...outcomes].sort(byOutcomeOrder))
  )
}
