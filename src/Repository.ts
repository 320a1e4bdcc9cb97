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
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  ListImagesCommand,
  ListTagsForResourceCommand,
  PutLifecyclePolicyCommand,
  TagResourceCommand,
  UntagResourceCommand
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as RA from 'fp-ts/ReadonlyArray'
import type { EcrEnv, RegistryEnv } from './Env'
import * as EcrError from './EcrError'
import type * as Image from './Image'
import * as LifecyclePolicy from './LifecyclePolicy'
import { isImageDigest, isRepositoryName, type ImageDigest, type RepositoryName, type ResourceTag } from './Primitives'
import type { RegistryRef } from './Registry'
import type { RepositoryUri } from './RepositoryUri'
import * as arn from './internal/arn'
import { showValue } from './internal/codec'
import { traverseRTE } from './internal/concurrency'
import { batchGetImage, checkTag, failureError, getOne, toImageRef, type ImageId } from './internal/images'
import * as Output from './internal/output'
import { BATCH_LIMIT, MAX_RESULTS, paginate } from './internal/paginate'
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
  readonly imageTagMutability?: 'MUTABLE' | 'IMMUTABLE'
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
 * Creates the repository. An existing repository is a success when `existsOk` (the default), and
 * the given tags are then appended to its tags; otherwise it is `AlreadyExists('Repository')`.
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
 *   RTE.tap((ref) => Repository.create(ref, { tags: [{ Key: 'team', Value: 'infra' }] })),
 *   RTE.tap((ref) => Repository.create(ref, { tags: [{ Key: 'cost', Value: 'ml' }] })),
 *   RTE.flatMap(Repository.getResourceTags)
 * )
 * program(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right([{ Key: 'team', Value: 'infra' }, { Key: 'cost', Value: 'ml' }]))
 * })
 */
export const create = (ref: RepositoryRef, options: CreateOptions = {}): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> => {
  const tags = dedupeTags(options.tags ?? [])
  return pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      send(
        new CreateRepositoryCommand({
          registryId: ref.accountId,
          repositoryName: ref.repositoryName,
          imageTagMutability: options.imageTagMutability ?? 'MUTABLE',
          ...(tags.length > 0 ? { tags: tags.map((t) => ({ Key: t.Key, Value: t.Value })) } : {})
        }),
        ref.repositoryName
      )
    ),
    RTE.map(() => undefined),
    RTE.orElse((e) =>
      e._tag === 'AlreadyExists' && e.resource === 'Repository' && (options.existsOk ?? true)
        ? updateResourceTags(ref, tags, 'append')
        : RTE.left(e)
    )
  )
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
 * DescribeImages over the whole repository (pages of 1000). `tagStatus` is sent to ECR and also
 * applied to the answer, since some emulators ignore the filter.
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
  options: { readonly tagStatus?: TagStatus } = {}
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ReadonlyArray<ImageDetail>> => {
  const tagStatus = options.tagStatus ?? 'ANY'
  const keep = keepByTagStatus(tagStatus)
  return pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      paginate('DescribeImages', (nextToken) =>
        pipe(
          send(new DescribeImagesCommand(imagesPage(ref, tagStatus, nextToken)), ref.repositoryName),
          RTE.flatMapEither(Output.describeImages)
        )
      )
    ),
    RTE.map((details) => details.filter((d) => keep(d.imageTags.length > 0)))
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
