/**
 * Amazon ECR the fp-ts way: every public module as a namespace, and the workflows by name.
 *
 * For the smallest bundles import per module instead (`import * as ImageUri from 'ecr-fp-ts/ImageUri'`).
 * The in-memory ECR twin for tests is its own entry point, `ecr-fp-ts/testing`.
 *
 * @since 0.1.0
 * @example
 * import { EcrError, ImageUri, Repository } from 'ecr-fp-ts'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const uri = '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:v1'
 * assert.deepStrictEqual(
 *   pipe(ImageUri.parse(uri), E.map(ImageUri.toRef)),
 *   E.right({ accountId: '123456789012', region: 'us-west-2', repositoryName: 'team/app', tag: 'v1' })
 * )
 * assert.strictEqual(
 *   pipe(Repository.fromArn('arn:aws:s3:::bucket'), E.mapLeft(EcrError.message), E.isLeft),
 *   true
 * )
 */

/**
 * Branded strings (account id, region, repository name, image tag, digest) with io-ts codecs.
 *
 * @category modules
 * @since 0.1.0
 */
export * as Primitives from './Primitives'

/**
 * The one error type: a tagged union with constructors, `match` and `message`.
 *
 * @category modules
 * @since 0.1.0
 */
export * as EcrError from './EcrError'

/**
 * Registry URIs (`<account>.dkr.ecr.<region>.amazonaws.com`), pure.
 *
 * @category modules
 * @since 0.1.0
 */
export * as RegistryUri from './RegistryUri'

/**
 * Repository URIs (`<registry>/<name>`), pure.
 *
 * @category modules
 * @since 0.1.0
 */
export * as RepositoryUri from './RepositoryUri'

/**
 * Image URIs (`<repository>:<tag>` or `<repository>@<digest>`), pure.
 *
 * @category modules
 * @since 0.1.0
 */
export * as ImageUri from './ImageUri'

/**
 * Image manifests and indexes (Docker and OCI): parse, digest, layers, platforms. Pure.
 *
 * @category modules
 * @since 0.1.0
 */
export * as Manifest from './Manifest'

/**
 * Image platforms (`os/architecture[/variant]`): parse, format, normalise, match, and pick an
 * index entry. Pure.
 *
 * @category modules
 * @since 0.2.0
 */
export * as Platform from './Platform'

/**
 * Lifecycle policies as data: rules, codecs, `removeUntagged`, stable JSON. Pure.
 *
 * @category modules
 * @since 0.1.0
 */
export * as LifecyclePolicy from './LifecyclePolicy'

/**
 * Registry replication configurations as data: rules, codecs with ECR's limits, builders. Pure.
 *
 * @category modules
 * @since 0.1.0
 */
export * as ReplicationConfiguration from './ReplicationConfiguration'

/**
 * IAM policy documents (repository policies) as data: a codec, JSON text in a stable form. Pure.
 *
 * @category modules
 * @since 0.2.0
 */
export * as PolicyDocument from './PolicyDocument'

/**
 * Retry policies as data: `limitRetries`, `exponentialBackoff`, `capDelay`, `jittered`, the defaults.
 *
 * @category modules
 * @since 0.2.0
 */
export * as Retry from './Retry'

/**
 * The environment programs run in: the ECR API client and the HTTP functions, and their middleware.
 *
 * @category modules
 * @since 0.1.0
 */
export * as Env from './Env'

/**
 * A registry: its login and its repositories.
 *
 * @category modules
 * @since 0.1.0
 */
export * as Registry from './Registry'

/**
 * Repositories: create, delete, images, resource tags, lifecycle policy.
 *
 * @category modules
 * @since 0.1.0
 */
export * as Repository from './Repository'

/**
 * Images: manifest, details, layers, config, tagging.
 *
 * @category modules
 * @since 0.1.0
 */
export * as Image from './Image'

/**
 * Image configs (the JSON blob a manifest's `config` points at): the type and its codec. Pure.
 *
 * @category modules
 * @since 0.2.0
 */
export * as ImageConfig from './ImageConfig'

/**
 * Repository sync as a plan: `plan` (reads only; plain JSON data), `apply`, and the plan's codec.
 *
 * @category modules
 * @since 0.2.0
 */
export * as Sync from './Sync'

export {
  /**
   * Resolves a repository name, repository URI or image reference to a full image URI.
   *
   * @category workflows
   * @since 0.1.0
   * @example
   * import { resolveImageUri } from 'ecr-fp-ts'
   * import * as E from 'fp-ts/Either'
   *
   * // a full image URI resolves to itself, without a call to ECR
   * const uri = '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:v1'
   * const env = {
   *   ecr: { send: () => Promise.reject(new Error('no call expected')) },
   *   accountId: '123456789012',
   *   region: 'us-west-2'
   * } as any
   * resolveImageUri(uri)(env)().then((r) => assert.deepStrictEqual(r, E.right(uri)))
   */
  resolveImageUri
} from './resolve'

export {
  /**
   * Copies an image (all platforms, or some) to a repository of another registry, account or
   * region, and tags it there.
   *
   * @category workflows
   * @since 0.1.0
   * @example
   * import { ImageUri, RepositoryUri, replicateImage } from 'ecr-fp-ts'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   *
   * const source = InMemoryEcr.make({ accountId: '111111111111', region: 'us-east-1' })
   * const destination = InMemoryEcr.make({ accountId: '222222222222', region: 'eu-west-1' })
   * const pushed = source.pushImage('app', { tag: 'v1' })
   * destination.createRepository('mirror/app')
   * const uri = ImageUri.parse('111111111111.dkr.ecr.us-east-1.amazonaws.com/app:v1')
   * const repo = RepositoryUri.parse('222222222222.dkr.ecr.eu-west-1.amazonaws.com/mirror/app')
   * assert.ok(E.isRight(pushed) && E.isRight(uri) && E.isRight(repo))
   *
   * replicateImage({
   *   source: uri.right,
   *   destination: RepositoryUri.toRef(repo.right)
   * })({ source: source.env, destination: destination.env })().then((r) => {
   *   assert.ok(E.isRight(r))
   *   assert.strictEqual(destination.tagsOf('mirror/app').get('v1'), pushed.right.imageDigest)
   * })
   */
  replicateImage
} from './replicate'

export {
  /**
   * Syncs a repository's tags (with their referrers) into another repository: `Sync.plan`, then
   * `Sync.apply`.
   *
   * @category workflows
   * @since 0.2.0
   * @example
   * import { RepositoryUri, replicateRepository } from 'ecr-fp-ts'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   *
   * const source = InMemoryEcr.make({ accountId: '111111111111', region: 'us-east-1' })
   * const destination = InMemoryEcr.make({ accountId: '222222222222', region: 'eu-west-1' })
   * const v1 = source.pushImage('app', { tag: 'v1' })
   * const v2 = source.pushImage('app', { tag: 'v2' })
   * const from = RepositoryUri.parse('111111111111.dkr.ecr.us-east-1.amazonaws.com/app')
   * const to = RepositoryUri.parse('222222222222.dkr.ecr.eu-west-1.amazonaws.com/mirror/app')
   * assert.ok(E.isRight(v1) && E.isRight(v2) && E.isRight(from) && E.isRight(to))
   *
   * replicateRepository({ source: from.right, destination: RepositoryUri.toRef(to.right), createRepository: true })({
   *   source: source.env,
   *   destination: destination.env
   * })().then((r) => {
   *   assert.deepStrictEqual(E.map((report: { totals: { images: unknown } }) => report.totals.images)(r), E.right({ copied: 2, failed: 0 }))
   *   assert.strictEqual(destination.tagsOf('mirror/app').get('v2'), v2.right.imageDigest)
   * })
   */
  replicateRepository
} from './Sync'
