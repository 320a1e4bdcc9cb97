/**
 * The data types of the in-memory ECR twin: its options, what it records, the faults it injects,
 * the synthetic images it pushes and the state a test may seed (scan findings, replication
 * statuses). Every other module of the twin imports its types from here, so none imports another
 * one back.
 *
 * @since 0.2.0
 */
import type { EnhancedImageScanFinding, ImageScanFinding, ScanStatus } from '@aws-sdk/client-ecr'
import type { ResourceTag } from '../Primitives'
import type * as Retry from '../Retry'
import type * as Env from '../Env'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * An image platform, as in an image index: the same fields as `Manifest.Platform`.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const platforms: ReadonlyArray<InMemoryEcr.Platform> = [
 *   { os: 'linux', architecture: 'amd64' },
 *   { os: 'linux', architecture: 'arm64', variant: 'v8' }
 * ]
 * const pushed = InMemoryEcr.make().pushImage('app', { platforms })
 * assert.ok(E.isRight(pushed))
 * assert.deepStrictEqual(pushed.right.children.map((c) => c.platform), platforms)
 */
export interface Platform {
  /** The operating system, e.g. `linux`. */
  readonly os: string
  /** The CPU architecture, e.g. `amd64`, `arm64`. */
  readonly architecture: string
  /** The CPU variant, e.g. `v8`. */
  readonly variant?: string
  /** The operating system version (Windows images). */
  readonly 'os.version'?: string
  /** Required operating system features (Windows images). */
  readonly 'os.features'?: ReadonlyArray<string>
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const options: InMemoryEcr.Options = { accountId: '111122223333', region: 'eu-west-1', password: 'secret', redirectBlobs: true }
 * const twin = InMemoryEcr.make(options)
 * assert.strictEqual(twin.proxyEndpoint, 'https://111122223333.dkr.ecr.eu-west-1.amazonaws.com')
 * assert.strictEqual(twin.password, 'secret')
 * twin.pushImage('app', { tag: 'v1' })
 * pipe(Image.fromUri('111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfig(ref)))(twin.env)().then((r) => {
 *   assert.ok(E.isRight(r))
 *   // the blob GET was redirected to the storage origin, as ECR does
 *   assert.strictEqual(twin.httpCalls.filter((c) => c.url.startsWith(twin.storageOrigin)).length, 1)
 * })
 */
export interface Options {
  /** Default `'123456789012'`. */
  readonly accountId?: string
  /** Default `'us-east-1'`. */
  readonly region?: string
  /** Default `https://<accountId>.dkr.ecr.<region>.amazonaws.com`. */
  readonly proxyEndpoint?: string
  /** The registry password; the login token is `base64('AWS:' + password)`. Default: random, ECR-like. */
  readonly password?: string
  /** Blob GETs answer 307 to the storage origin with a pre-signed query (as ECR does). Default false. */
  readonly redirectBlobs?: boolean
  /** Default `https://prod-<region>-starport-layer-bucket.s3.<region>.amazonaws.com`. */
  readonly storageOrigin?: string
  /** Added to every ECR API call (benchmarks use 20). Default 0. */
  readonly latencyMs?: number
  /** Added to every HTTP request. Default 0. */
  readonly httpLatencyMs?: number
  /** Lifetime of a login token. Default 12 hours. */
  readonly tokenTtlMs?: number
  /** Cross-repository mounts answer 201 when on (the registry's BLOB_MOUNTING setting). Default true. */
  readonly blobMounting?: boolean
  /** Clock for imagePushedAt and token expiry. Default the system clock. */
  readonly now?: () => Date
  /** Seed of the generated layer contents (together with account and region). Default `''`. */
  readonly seed?: string
  /**
   * How long, on the twin's clock (`now`), a restore from archive stays `ACTIVATING` before the
   * image is `ACTIVE` again (ECR: up to 20 minutes). Default 0: done by the next call.
   */
  readonly restoreMs?: number
  /** How long an image scan stays `IN_PROGRESS` on the twin's clock. Default 0: done by the next call. */
  readonly scanMs?: number
  /** How long a replication backfill runs on the twin's clock. Default 0: done by the next call. */
  readonly backfillMs?: number
  /**
   * Whether the registry API serves `GET /v2/<name>/referrers/<digest>` (OCI 1.1), as ECR does. When
   * false it answers 404, as a registry without the referrers API does. Default true.
   */
  readonly referrersApi?: boolean
  /**
   * Request-rate quotas of ECR API operations, in calls per second on the twin's clock (e.g.
   * `{ PutImage: 10 }`, ECR's default): a call over the quota fails with `ThrottlingException`, as
   * ECR's do. Registry requests count against the operation ECR counts them against (a manifest
   * PUT against `PutImage`, a manifest GET or HEAD against `BatchGetImage`, a blob HEAD against
   * `BatchCheckLayerAvailability`, an upload POST against `InitiateLayerUpload`, a PATCH against
   * `UploadLayerPart`, an upload's PUT against `CompleteLayerUpload`, a blob GET against
   * `GetDownloadUrlForLayer`); one over the quota is answered 429 `TOOMANYREQUESTS` with
   * `Retry-After: 1`. Default: no quota.
   */
  readonly rateLimits?: Readonly<Record<string, number>>
  /**
   * The `rateLimits` of `env` (`Env.make`'s, paced on the twin's clock `now`). Default: every
   * operation of `Env.defaultRateLimits` `Env.unpaced`, so tests run at full speed; pass
   * `Env.defaultRateLimits` for an `env` that paces itself as against ECR.
   */
  readonly pacing?: Env.RateLimits
  /**
   * Retry policies of `env` (`Env.make`'s `retry`): `ecr` for ECR calls (default `Retry.ecrDefault`),
   * `http` for registry requests (default `Retry.httpDefault`).
   */
  readonly retry?: { readonly ecr?: Retry.RetryPolicy; readonly http?: Retry.RetryPolicy }
  /** How the retries of `env` wait (`Env.make`'s `sleep`); `() => Promise.resolve()` retries at once. Default `setTimeout`. */
  readonly sleep?: (ms: number) => Promise<void>
}

/**
 * What a fault-injection function is asked about: an ECR API call, or an HTTP request (URL without
 * its query).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const asked: Array<InMemoryEcr.FaultCall> = []
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * twin.setFault((call) => {
 *   asked.push(call)
 *   return undefined
 * })
 * pipe(Repository.make('app'), RTE.flatMap(Repository.exists))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(true))
 *   assert.deepStrictEqual(asked.map((c) => (c.kind === 'ecr' ? c.operation : c.method)), ['DescribeRepositories'])
 * })
 */
export type FaultCall =
  | { readonly kind: 'ecr'; readonly operation: string; readonly input: unknown }
  | { readonly kind: 'http'; readonly method: string; readonly url: string }

/**
 * The injected failure: `throttle` (ECR: `ThrottlingException`; HTTP: 429), `server-error` (ECR:
 * `ServerException`; HTTP: 503), `network` (a connection reset), `missing-fields` (ECR: the call
 * resolves with `{ $metadata: {} }`; HTTP: 200 with `{}`), or an HTTP status. `undefined`: no fault.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1' })
 * const notFound: InMemoryEcr.FaultAnswer = { status: 404 }
 * twin.setFault((call) => (call.kind === 'http' ? notFound : undefined))
 * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfig(ref)))(twin.env)().then((r) => {
 *   assert.strictEqual(E.isLeft(r) && r.left._tag, 'NotFound')
 * })
 */
export type FaultAnswer =
  | undefined
  | 'throttle'
  | 'server-error'
  | 'network'
  | 'missing-fields'
  | { readonly status: number }

/**
 * Asked before every call; may keep state (fail the first n calls, fail one operation, ...).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * let throttled = 0
 * const throttleOnce: InMemoryEcr.Fault = (call) => (call.kind === 'ecr' && throttled++ === 0 ? 'throttle' : undefined)
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * twin.setFault(throttleOnce)
 * pipe(Repository.make('app'), RTE.flatMap(Repository.exists))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(true)) // retried after the throttling
 *   assert.strictEqual(twin.callCount('DescribeRepositories'), 2)
 * })
 */
export type Fault = (call: FaultCall) => FaultAnswer

/**
 * @category model
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const options: InMemoryEcr.PushImageOptions = { tags: ['v1', 'latest'], format: 'oci', layers: 3, layerBytes: 100 }
 * const pushed = InMemoryEcr.make().pushImage('app', options)
 * assert.ok(E.isRight(pushed))
 * assert.strictEqual(pushed.right.mediaType, 'application/vnd.oci.image.manifest.v1+json')
 * assert.strictEqual(pushed.right.layerDigests.length, 3)
 * assert.deepStrictEqual([...pushed.right.tags].sort(), ['latest', 'v1'])
 */
export interface PushImageOptions {
  /** A tag to apply (with `tags`); none at all: the image is untagged. */
  readonly tag?: string
  /** Tags to apply. */
  readonly tags?: ReadonlyArray<string>
  /** Given: an index with one child per platform (one platform and `index: false`: a plain manifest for it). */
  readonly platforms?: ReadonlyArray<Platform>
  /** With one platform, whether to wrap it in an index. Default true when `platforms` is given. */
  readonly index?: boolean
  /** Default `'docker'` (v2 schema 2 manifest / manifest list); `'oci'`: OCI manifest / index. */
  readonly format?: 'docker' | 'oci'
  /** Number of layers, at most 128 (more: an `InvalidArgument`). Default 1. */
  readonly layers?: number
  /**
   * Size of each layer in bytes, at most 64 MiB (more: an `InvalidArgument`). Default 32 to 64.
   * Layers of 8 bytes or more are unique.
   */
  readonly layerBytes?: number
  /** Labels of the image config. */
  readonly labels?: Readonly<Record<string, string>>
  /** `Env` of the image config. Default a `PATH`. */
  readonly env?: ReadonlyArray<string>
  /** Default: now, but after every earlier push, so "most recently pushed" is always well defined. */
  readonly pushedAt?: Date
  /** Create the repository when missing. Default true. */
  readonly createRepository?: boolean
  /** When the image was last pulled (ECR's `lastRecordedPullTime`). Default: never. */
  readonly pulledAt?: Date
  /** The image is archived, at that time (ECR's `lastArchivedAt`). Default: active. */
  readonly archivedAt?: Date
  /**
   * Pushes an OCI artifact that refers to this image digest of the same repository (a signature,
   * an SBOM...): an OCI manifest with this `subject`, an empty config and `artifactType`. Not with
   * an index.
   */
  readonly subject?: string
  /** The artifact type of a referrer (with `subject`). Default `application/vnd.example+type`. */
  readonly artifactType?: string
  /** Annotations of the pushed manifest. */
  readonly annotations?: Readonly<Record<string, string>>
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 *
 * const twin = InMemoryEcr.make()
 * const pushed = twin.pushImage('app', { platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] })
 * assert.ok(E.isRight(pushed))
 * const children: ReadonlyArray<InMemoryEcr.PushedChild> = pushed.right.children
 * const arm = children.find((c) => c.platform.architecture === 'arm64')
 * assert.ok(arm !== undefined)
 * assert.deepStrictEqual(twin.getManifestText('app', arm.imageDigest), O.some(arm.manifest))
 * assert.ok(twin.hasBlob('app', arm.configDigest))
 */
export interface PushedChild {
  /** The platform of this child. */
  readonly platform: Platform
  /** The digest of the child manifest. */
  readonly imageDigest: string
  /** The child manifest's exact text. */
  readonly manifest: string
  /** Its media type. */
  readonly mediaType: string
  /** The digest of its config blob. */
  readonly configDigest: string
  /** The digests of its layers, in order. */
  readonly layerDigests: ReadonlyArray<string>
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 *
 * const twin = InMemoryEcr.make()
 * const result = twin.pushImage('app', { tag: 'v1', layers: 2 })
 * assert.ok(E.isRight(result))
 * const pushed: InMemoryEcr.PushedImage = result.right
 * assert.strictEqual(twin.tagsOf('app').get('v1'), pushed.imageDigest)
 * assert.deepStrictEqual(twin.getManifestText('app', 'v1'), O.some(pushed.manifest))
 * assert.ok([pushed.configDigest ?? '', ...pushed.layerDigests].every((d) => twin.hasBlob('app', d)))
 * assert.deepStrictEqual(pushed.children, [])
 */
export interface PushedImage {
  /** The repository it was pushed to. */
  readonly repositoryName: string
  /** The digest of the manifest (or index). */
  readonly imageDigest: string
  /** The manifest's (or index's) exact text. */
  readonly manifest: string
  /** Its media type. */
  readonly mediaType: string
  /** The tags now pointing at it. */
  readonly tags: ReadonlyArray<string>
  /** Absent for an index. */
  readonly configDigest?: string
  /** Empty for an index. */
  readonly layerDigests: ReadonlyArray<string>
  /** One per platform for an index, else empty. */
  readonly children: ReadonlyArray<PushedChild>
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * pipe(Repository.make('app'), RTE.flatMap(Repository.exists))(twin.env)().then(() => {
 *   const calls: ReadonlyArray<InMemoryEcr.EcrCall> = twin.calls
 *   assert.deepStrictEqual(calls, [
 *     { operation: 'DescribeRepositories', input: { registryId: '123456789012', repositoryNames: ['app'] } }
 *   ])
 * })
 */
export interface EcrCall {
  /** The operation name, e.g. `DescribeImages`. */
  readonly operation: string
  /** The command's input, as sent. */
  readonly input: unknown
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 *
 * const twin = InMemoryEcr.make()
 * twin.fetch(`${twin.proxyEndpoint}/v2/?probe=1`).then((response) => {
 *   const calls: ReadonlyArray<InMemoryEcr.HttpCall> = twin.httpCalls
 *   assert.strictEqual(response.status, 401)
 *   assert.deepStrictEqual(calls, [{ method: 'GET', url: `${twin.proxyEndpoint}/v2/`, authorization: false }])
 * })
 */
export interface HttpCall {
  /** The HTTP method, upper case. */
  readonly method: string
  /** Without the query string. */
  readonly url: string
  /** Whether an Authorization header was sent. */
  readonly authorization: boolean
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const options: InMemoryEcr.CreateRepositoryOptions = { imageTagMutability: 'IMMUTABLE', tags: [{ Key: 'team', Value: 'infra' }] }
 * assert.deepStrictEqual(twin.createRepository('app', options), E.right(undefined))
 * assert.ok(E.isRight(twin.pushImage('app', { tag: 'v1' })))
 * assert.ok(E.isLeft(twin.pushImage('app', { tag: 'v1' }))) // the tag is immutable
 * pipe(Repository.make('app'), RTE.flatMap(Repository.getResourceTags))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right([{ Key: 'team', Value: 'infra' }]))
 * })
 */
export interface CreateRepositoryOptions {
  /** Resource tags. */
  readonly tags?: ReadonlyArray<ResourceTag>
  /** Default `MUTABLE`. The `*_WITH_EXCLUSION` modes need `exclusionFilters`. */
  readonly imageTagMutability?: TagMutabilityMode
  /** ECR's WILDCARD tag filters exempted from the mutability mode: 1 to 5 of `[0-9a-zA-Z._*-]{1,128}`. */
  readonly exclusionFilters?: ReadonlyArray<string>
  /** Default AES256. */
  readonly encryption?: Encryption
  /** Default false. */
  readonly scanOnPush?: boolean
}

/**
 * ECR's tag mutability modes.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * const mode: InMemoryEcr.TagMutabilityMode = 'IMMUTABLE_WITH_EXCLUSION'
 * twin.createRepository('app', { imageTagMutability: mode, exclusionFilters: ['latest'] })
 * assert.ok(E.isRight(twin.pushImage('app', { tags: ['v1', 'latest'] })))
 * assert.ok(E.isRight(twin.pushImage('app', { tag: 'latest' }))) // excluded: mutable
 * assert.ok(E.isLeft(twin.pushImage('app', { tag: 'v1' }))) // immutable
 */
export type TagMutabilityMode = 'MUTABLE' | 'IMMUTABLE' | 'MUTABLE_WITH_EXCLUSION' | 'IMMUTABLE_WITH_EXCLUSION'

/**
 * A repository's encryption at rest: AES256, or KMS / KMS_DSSE with an optional key (without one,
 * ECR uses its AWS managed key and reports that key's ARN).
 *
 * @category model
 * @since 0.2.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * const encryption: InMemoryEcr.Encryption = { type: 'KMS', kmsKey: 'alias/app' }
 * assert.ok(E.isRight(twin.createRepository('app', { encryption })))
 * twin.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['app'] })).then((out) => {
 *   assert.deepStrictEqual(out.repositories?.[0]?.encryptionConfiguration, { encryptionType: 'KMS', kmsKey: 'alias/app' })
 * })
 */
export type Encryption =
  | { readonly type: 'AES256' }
  | { readonly type: 'KMS' | 'KMS_DSSE'; readonly kmsKey?: string }

/**
 * What a test seeds as the result of an image's scan (`twin.setScanFindings`): the status and the
 * findings, in the SDK's own shapes. The next `StartImageScan` of the image finds the same.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import { DescribeImageScanFindingsCommand } from '@aws-sdk/client-ecr'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1' })
 * const seed: InMemoryEcr.ScanFindingsSeed = { findings: [{ name: 'CVE-2024-0001', severity: 'HIGH' }] }
 * assert.ok(E.isRight(twin.setScanFindings('app', 'v1', seed)))
 * twin.ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'app', imageId: { imageTag: 'v1' } })).then((out) => {
 *   assert.strictEqual(out.imageScanStatus?.status, 'COMPLETE')
 *   assert.deepStrictEqual(out.imageScanFindings?.findingSeverityCounts, { HIGH: 1 })
 * })
 */
export interface ScanFindingsSeed {
  /** Default `COMPLETE`. */
  readonly status?: ScanStatus
  /** Basic scanning findings. */
  readonly findings?: ReadonlyArray<ImageScanFinding>
  /** Enhanced scanning (Amazon Inspector) findings. */
  readonly enhancedFindings?: ReadonlyArray<EnhancedImageScanFinding>
  /** When the vulnerability data was last updated. Default: the scan's completion time. */
  readonly vulnerabilitySourceUpdatedAt?: Date
}

/**
 * The replication status of an image to one destination, as a test sets it
 * (`twin.setReplicationStatus`); the twin otherwise reports `COMPLETE` for every destination that a
 * replication rule gave the image when it was pushed.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import { DescribeImageReplicationStatusCommand } from '@aws-sdk/client-ecr'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1' })
 * const status: InMemoryEcr.ReplicationStatusSeed = { region: 'eu-west-1', registryId: '123456789012', status: 'FAILED', failureCode: 'KMS_ERROR' }
 * assert.ok(E.isRight(twin.setReplicationStatus('app', 'v1', status)))
 * twin.ecr.send(new DescribeImageReplicationStatusCommand({ repositoryName: 'app', imageId: { imageTag: 'v1' } })).then((out) => {
 *   assert.deepStrictEqual(out.replicationStatuses, [status])
 * })
 */
export interface ReplicationStatusSeed {
  /** The destination region. */
  readonly region: string
  /** The destination registry (account). */
  readonly registryId: string
  /** ECR's replication status. */
  readonly status: 'IN_PROGRESS' | 'COMPLETE' | 'FAILED'
  /** Why it failed. */
  readonly failureCode?: string
}
