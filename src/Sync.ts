/**
 * Repository sync as a plan: `plan` reads both sides and says, as plain JSON-serialisable data,
 * what a copy of a repository's tags would do (the blobs to send, mount or skip, the manifests,
 * tags and referrers to put, the bytes and the calls); `apply` does what a plan says, re-checking
 * the destination as it goes; `replicateRepository` is the two in one.
 *
 * A plan can be written to a file, reviewed, and read back (`PlanC` checks it where it enters).
 *
 * @since 0.2.0
 */
import { DescribeImagesCommand } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as t from 'io-ts'
import type { EcrEnv, EcrLogin, HttpEnv } from './Env'
import * as EcrError from './EcrError'
import type * as Manifest from './Manifest'
import * as Platform from './Platform'
import { ImageDigestC, ImageTagC, type ImageDigest, type ImageTag } from './Primitives'
import { replicateImageSharing, type Progress as ReplicateProgress, type ReplicateRequest, type Summary as ReplicateSummary } from './replicate'
import * as Repository from './Repository'
import type { RepositoryRef } from './Repository'
import * as RepositoryUri from './RepositoryUri'
import { decode, showValue, struct, nonNegativeSafeInteger } from './internal/codec'
import { allBounded, DEFAULT_CONCURRENCY, traverseRTE } from './internal/concurrency'
import { sameRegistry, type InFlight } from './internal/copyBlob'
import { batchGetImage, failureError } from './internal/images'
import { blobSizes } from './internal/layers'
import { getLogin } from './internal/login'
import { BATCH_LIMIT, chunksOf, MAX_RESULTS, paginate } from './internal/paginate'
import { registryIn } from './internal/region'
import { send } from './internal/send'
import { following } from './internal/signal'
import * as SyncPlan from './internal/syncPlan'
import type { PlannedManifest as Fetched } from './internal/imagePlan'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Which tags to sync: `'all'` (the default), a list of tags, or the tags a regular expression
 * matches (`RegExp.test`). Tag-schema fallback tags (`sha256-<hex>`, the referrers of registries
 * without the referrers API) are never selected as tags: they come with their subject's referrers.
 *
 * @category model
 * @since 0.2.0
 */
export type TagSelection = SyncPlan.TagSelection

/**
 * Which referrers (signatures, SBOMs, attestations: manifests whose `subject` is an image or one of
 * its platform manifests) go with each image: all (`true`, the default), none (`false`), or the
 * image's referrers of some artifact types (`{ artifactTypes }`); the referrers of a referrer that
 * goes, go too (a copied SBOM keeps all its signatures), as `replicateImage` copies them.
 *
 * @category model
 * @since 0.2.0
 */
export type ReferrerSelection = SyncPlan.ReferrerSelection

/**
 * What to sync, and where.
 *
 * @category model
 * @since 0.2.0
 */
export interface PlanRequest {
  /** The repository to copy from (a ref, or its URI). */
  readonly source: RepositoryRef | RepositoryUri.RepositoryUri
  /** The repository to copy into. */
  readonly destination: RepositoryRef
  /** Which tags; default `'all'`. */
  readonly tags?: TagSelection
  /** `'all'` (default) copies indexes as they are; a list narrows each index to those platforms (a new index). */
  readonly platforms?: 'all' | ReadonlyArray<Manifest.Platform>
  /** Which referrers go with each image; default `true` (all). */
  readonly referrers?: ReferrerSelection
  /** A missing destination repository is created (with the source's tag mutability and encryption); default false: `NotFound`. */
  readonly createRepository?: boolean
}

/**
 * Each side's environment: the source is read, the destination read (by `plan`) and written (by `apply`).
 *
 * @category model
 * @since 0.2.0
 */
export interface PlanEnv {
  /** The source registry's environment. */
  readonly source: EcrEnv & HttpEnv
  /** The destination registry's environment. */
  readonly destination: EcrEnv & HttpEnv
}

/**
 * `PlanEnv`, and who is told about the sync's progress, and how to cancel it.
 *
 * @category model
 * @since 0.2.0
 */
export interface ApplyEnv extends PlanEnv {
  /** One stream of events for the whole sync (a callback that throws is ignored). */
  readonly onProgress?: (p: SyncProgress) => void
  /** Aborting it cancels the sync: no image starts after it, images in flight stop before their tags. */
  readonly signal?: AbortSignal
}

/**
 * What happens to a blob: `send` (streamed from the source), `mount` (same registry: mounted from
 * the source repository, falling back to a send where the registry will not mount), `skip` (the
 * destination has it).
 *
 * @category model
 * @since 0.2.0
 */
export type BlobAction = 'send' | 'mount' | 'skip'

/**
 * What happens to a manifest or a tag: `put`, or `skip` (the destination has it already).
 *
 * @category model
 * @since 0.2.0
 */
export type PutAction = 'put' | 'skip'

/**
 * A blob (config or layer) of a planned copy.
 *
 * @category model
 * @since 0.2.0
 */
export interface PlannedBlob {
  /** The blob's digest. */
  readonly digest: ImageDigest
  /** Its size in bytes, as its manifest declares it. */
  readonly size: number
  /** What the sync does with it. */
  readonly action: BlobAction
}

/**
 * A manifest (image manifest or index) of a planned copy.
 *
 * @category model
 * @since 0.2.0
 */
export interface PlannedManifest {
  /** The manifest's digest (the same at the destination: its exact bytes are copied). */
  readonly digest: ImageDigest
  /** Its media type. */
  readonly mediaType: string
  /** Its size in bytes. */
  readonly size: number
  /** Whether it is put. */
  readonly action: PutAction
}

/**
 * A tag of a planned copy.
 *
 * @category model
 * @since 0.2.0
 */
export interface PlannedTag {
  /** The tag. */
  readonly tag: ImageTag
  /** `skip`: it names the image at the destination already. */
  readonly action: PutAction
  /** The digest it names at the destination now, when it names another image (the tag moves). */
  readonly current?: ImageDigest
}

/**
 * A referrer copied with its subject (after it), with its own manifests and blobs.
 *
 * @category model
 * @since 0.2.0
 */
export interface PlannedReferrer {
  /** The manifest it refers to: the image, or another referrer. */
  readonly subject: ImageDigest
  /** The referrer's digest. */
  readonly digest: ImageDigest
  /** Its media type. */
  readonly mediaType: string
  /** Its artifact type (`artifactType`, else its config's media type). */
  readonly artifactType: string
  /** `skip`: the destination has it. */
  readonly action: PutAction
  /** Its manifests (children first, itself last). */
  readonly manifests: ReadonlyArray<PlannedManifest>
  /** Its blobs. */
  readonly blobs: ReadonlyArray<PlannedBlob>
}

/**
 * One image of a plan: a source digest and the tags that name it.
 *
 * @category model
 * @since 0.2.0
 */
export interface PlannedImage {
  /** The digest the tags will name at the destination (the source's, or the narrowed index's). */
  readonly digest: ImageDigest
  /** The source image's digest. */
  readonly sourceDigest: ImageDigest
  /** The media type of the top manifest. */
  readonly mediaType: string
  /** Its tags. */
  readonly tags: ReadonlyArray<PlannedTag>
  /** Its manifests, in push order (an index after the manifests it lists). */
  readonly manifests: ReadonlyArray<PlannedManifest>
  /** Its blobs, each once. A blob shared by several images is listed in each, and counted once in the totals. */
  readonly blobs: ReadonlyArray<PlannedBlob>
  /** Its referrers, subjects before the referrers that refer to them. */
  readonly referrers: ReadonlyArray<PlannedReferrer>
}

/**
 * The settings a plan was made with: how `apply` copies each image.
 *
 * @category model
 * @since 0.2.0
 */
export interface PlanSettings {
  /** The tag selection (a regular expression as its `source` and `flags`). */
  readonly tags: 'all' | ReadonlyArray<string> | { readonly pattern: string; readonly flags: string }
  /** The platforms kept. */
  readonly platforms: 'all' | ReadonlyArray<Manifest.Platform>
  /** The referrers copied with each image. */
  readonly referrers: ReferrerSelection
}

/**
 * The destination repository to create, with these settings.
 *
 * @category model
 * @since 0.2.0
 */
export interface CreateRepositoryPlan {
  /** The source repository's tag mutability. */
  readonly imageTagMutability: Repository.TagMutability
  /** The source repository's encryption type (its KMS key only when both are one registry). */
  readonly encryption: Repository.Encryption
}

/**
 * The counts of a plan. Blobs, manifests and referrers shared by several images are counted once.
 *
 * @category model
 * @since 0.2.0
 */
export interface Totals {
  /** Images (selected digests). */
  readonly images: number
  /** Blobs by action. */
  readonly blobs: { readonly send: number; readonly mount: number; readonly skip: number }
  /** Bytes by blob action. */
  readonly bytes: { readonly send: number; readonly mount: number; readonly skip: number }
  /** Manifests by action (images, their index children, referrers). */
  readonly manifests: { readonly put: number; readonly skip: number }
  /** Tags by action. */
  readonly tags: { readonly put: number; readonly skip: number }
  /** Referrers by action. */
  readonly referrers: { readonly put: number; readonly skip: number }
  /**
   * The calls `apply` is expected to make on a destination unchanged since the plan, by operation,
   * both sides together: ECR API operations by name (the logins `plan` made are cached in the
   * environments; blobs are checked by `BatchCheckLayerAvailability`), registry requests as
   * `<METHOD> <kind>`: `GET blob`, `POST upload` and `PUT upload` (a blob sent), `POST mount`,
   * `GET manifest`, `HEAD manifest`, `PUT manifest` (manifests and tags), `GET referrers`. An
   * estimate for review, not a limit: a destination without the referrers API also gets its
   * fallback indexes read and merged.
   */
  readonly calls: Readonly<Record<string, number>>
}

/**
 * What a sync will do: plain data (no functions, dates or classes), so `JSON.parse(JSON.stringify(plan))`
 * is the same plan, and `PlanC` reads it back.
 *
 * @category model
 * @since 0.2.0
 */
export interface Plan {
  /** The plan format's version: 1. */
  readonly version: 1
  /** The source repository. */
  readonly source: RepositoryUri.RepositoryUri
  /** The destination repository. */
  readonly destination: RepositoryUri.RepositoryUri
  /** How each image is copied. */
  readonly settings: PlanSettings
  /** Present when the destination repository is missing and is to be created. */
  readonly createRepository?: CreateRepositoryPlan
  /** The images, one per source digest. */
  readonly images: ReadonlyArray<PlannedImage>
  /** The counts. */
  readonly totals: Totals
}

/**
 * What the copy of one image did (`replicate`'s `Summary`: its blobs, bytes, manifests, tags and
 * referrers).
 *
 * @category model
 * @since 0.2.0
 */
export type ImageSummary = ReplicateSummary

/**
 * The outcome of one image of a sync.
 *
 * @category model
 * @since 0.2.0
 */
export type ImageOutcome =
  | {
      readonly _tag: 'copied'
      /** The image's digest at the destination. */
      readonly digest: ImageDigest
      /** Its tags. */
      readonly tags: ReadonlyArray<ImageTag>
      /** What its copy did. */
      readonly summary: ImageSummary
    }
  | {
      readonly _tag: 'failed'
      /** The image's digest at the destination. */
      readonly digest: ImageDigest
      /** Its tags (none of them was moved to an incomplete image). */
      readonly tags: ReadonlyArray<ImageTag>
      /** Why. */
      readonly error: EcrError.EcrError
    }

/**
 * What a sync did: every image's outcome, and the sums.
 *
 * @category model
 * @since 0.2.0
 */
export interface SyncReport {
  /** The source repository. */
  readonly source: RepositoryUri.RepositoryUri
  /** The destination repository. */
  readonly destination: RepositoryUri.RepositoryUri
  /** Whether the destination repository was created by this sync. */
  readonly createdRepository: boolean
  /** One outcome per planned image, in plan order. */
  readonly images: ReadonlyArray<ImageOutcome>
  /** The sums over the images. */
  readonly totals: {
    /** Images copied, and failed. */
    readonly images: { readonly copied: number; readonly failed: number }
  } & ImageSummary
}

/**
 * The events of a sync, in one stream:
 * - `start`: the plan's totals (recomputed from its images), before anything is written;
 * - `repository`: the destination repository was created;
 * - `image`: an event of one image's copy (`replicate`'s `Progress`), with the image's digest;
 * - `imageDone` / `imageFailed`: one image's outcome;
 * - `done`: the report.
 *
 * @category model
 * @since 0.2.0
 */
export type SyncProgress =
  | { readonly _tag: 'start'; readonly source: RepositoryUri.RepositoryUri; readonly destination: RepositoryUri.RepositoryUri; readonly totals: Totals }
  | { readonly _tag: 'repository'; readonly destination: RepositoryUri.RepositoryUri; readonly status: 'created' }
  | { readonly _tag: 'image'; readonly digest: ImageDigest; readonly progress: ReplicateProgress }
  | { readonly _tag: 'imageDone'; readonly digest: ImageDigest; readonly tags: ReadonlyArray<ImageTag>; readonly summary: ImageSummary }
  | { readonly _tag: 'imageFailed'; readonly digest: ImageDigest; readonly tags: ReadonlyArray<ImageTag>; readonly error: EcrError.EcrError }
  | { readonly _tag: 'done'; readonly report: SyncReport }

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const list = <C extends t.Mixed>(codec: C) => t.readonlyArray(codec, `an array of ${codec.name}`)

const BlobC = /*#__PURE__*/ struct(
  'a planned blob',
  { digest: ImageDigestC, size: nonNegativeSafeInteger, action: /*#__PURE__*/ t.keyof({ send: null, mount: null, skip: null }, "'send', 'mount' or 'skip'") },
  {}
)

const PutActionC = /*#__PURE__*/ t.keyof({ put: null, skip: null }, "'put' or 'skip'")

const ManifestC = /*#__PURE__*/ struct(
  'a planned manifest',
  { digest: ImageDigestC, mediaType: t.string, size: nonNegativeSafeInteger, action: PutActionC },
  {}
)

const TagC = /*#__PURE__*/ struct('a planned tag', { tag: ImageTagC, action: PutActionC }, { current: ImageDigestC })

const ReferrerC = /*#__PURE__*/ struct(
  'a planned referrer',
  {
    subject: ImageDigestC,
    digest: ImageDigestC,
    mediaType: t.string,
    artifactType: t.string,
    action: PutActionC,
    manifests: /*#__PURE__*/ list(ManifestC),
    blobs: /*#__PURE__*/ list(BlobC)
  },
  {}
)

const ImageC = /*#__PURE__*/ struct(
  'a planned image',
  {
    digest: ImageDigestC,
    sourceDigest: ImageDigestC,
    mediaType: t.string,
    tags: /*#__PURE__*/ list(TagC),
    manifests: /*#__PURE__*/ list(ManifestC),
    blobs: /*#__PURE__*/ list(BlobC),
    referrers: /*#__PURE__*/ list(ReferrerC)
  },
  {}
)

const ReferrerSelectionC: t.Type<ReferrerSelection, ReferrerSelection, unknown> = /*#__PURE__*/ t.union([
  t.boolean,
  /*#__PURE__*/ t.readonly(t.type({ artifactTypes: /*#__PURE__*/ t.readonlyArray(t.string) }))
])

const TagsSettingC = /*#__PURE__*/ t.union([
  /*#__PURE__*/ t.literal('all'),
  /*#__PURE__*/ t.readonlyArray(t.string),
  /*#__PURE__*/ t.readonly(t.type({ pattern: t.string, flags: t.string }))
])

const SettingsC = /*#__PURE__*/ struct(
  'plan settings',
  {
    tags: TagsSettingC,
    platforms: /*#__PURE__*/ t.union([t.literal('all'), /*#__PURE__*/ list(Platform.PlatformC)]),
    referrers: ReferrerSelectionC
  },
  {}
)

const MutabilityC: t.Type<Repository.TagMutability, Repository.TagMutability, unknown> = /*#__PURE__*/ t.union([
  t.literal('MUTABLE'),
  t.literal('IMMUTABLE'),
  /*#__PURE__*/ t.readonly(
    t.type({ mode: t.union([t.literal('MUTABLE'), t.literal('IMMUTABLE')]), exceptFor: /*#__PURE__*/ t.readonlyArray(t.string) })
  )
])

const EncryptionC: t.Type<Repository.Encryption, Repository.Encryption, unknown> = /*#__PURE__*/ t.union([
  /*#__PURE__*/ t.readonly(t.type({ type: t.literal('AES256') })),
  /*#__PURE__*/ struct('KMS encryption', { type: t.union([t.literal('KMS'), t.literal('KMS_DSSE')]) }, { kmsKey: t.string })
])

const BlobCountsC = /*#__PURE__*/ struct(
  'counts by blob action',
  { send: nonNegativeSafeInteger, mount: nonNegativeSafeInteger, skip: nonNegativeSafeInteger },
  {}
)

const PutCountsC = /*#__PURE__*/ struct('counts by action', { put: nonNegativeSafeInteger, skip: nonNegativeSafeInteger }, {})

const TotalsC = /*#__PURE__*/ struct(
  'plan totals',
  {
    images: nonNegativeSafeInteger,
    blobs: BlobCountsC,
    bytes: BlobCountsC,
    manifests: PutCountsC,
    tags: PutCountsC,
    referrers: PutCountsC,
    calls: /*#__PURE__*/ t.readonly(t.record(t.string, nonNegativeSafeInteger))
  },
  {}
)

const PlanStructC = /*#__PURE__*/ struct(
  'Plan',
  {
    version: /*#__PURE__*/ t.literal(1),
    source: RepositoryUri.codec,
    destination: RepositoryUri.codec,
    settings: SettingsC,
    images: /*#__PURE__*/ list(ImageC),
    totals: TotalsC
  },
  { createRepository: /*#__PURE__*/ struct('repository settings', { imageTagMutability: MutabilityC, encryption: EncryptionC }, {}) }
)

/**
 * The codec of a plan (its JSON form is itself): decoding checks every field (digests, tags, URIs,
 * actions, sizes), so a plan read back from a file is checked where it enters.
 *
 * @category codecs
 * @since 0.2.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import * as Sync from 'ecr-fp-ts/Sync'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const source = InMemoryEcr.make({ accountId: '111111111111' })
 * const destination = InMemoryEcr.make({ accountId: '222222222222' })
 * source.pushImage('app', { tags: ['v1', 'latest'] })
 * destination.createRepository('mirror')
 * const from = Repository.fromUri('111111111111.dkr.ecr.us-east-1.amazonaws.com/app')
 * const to = Repository.fromUri('222222222222.dkr.ecr.us-east-1.amazonaws.com/mirror')
 * assert.ok(E.isRight(from) && E.isRight(to))
 * Sync.plan({ source: from.right, destination: to.right })({ source: source.env, destination: destination.env })().then((r) => {
 *   assert.ok(E.isRight(r))
 *   // plain data: through JSON and back, the same plan
 *   assert.deepStrictEqual(Sync.PlanC.decode(JSON.parse(JSON.stringify(r.right))), E.right(r.right))
 *   assert.ok(E.isLeft(Sync.PlanC.decode({ ...r.right, images: [{ digest: 'sha256:nope' }] })))
 * })
 */
export const PlanC: t.Type<Plan, Plan, unknown> = /*#__PURE__*/ new t.Type<Plan, Plan, unknown>(
  'Plan',
  (u): u is Plan => PlanStructC.is(u),
  (u, c) => PlanStructC.validate(u, c),
  (p) => p
)

/**
 * A plan from JSON text (a reviewed plan read back from a file): a `DecodeError` naming each bad
 * field's JSON path when it is not a plan.
 *
 * @category codecs
 * @since 0.2.0
 * @example
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as Sync from 'ecr-fp-ts/Sync'
 * import * as E from 'fp-ts/Either'
 *
 * const source = RepositoryUri.parse('111111111111.dkr.ecr.us-east-1.amazonaws.com/app')
 * const destination = RepositoryUri.parse('222222222222.dkr.ecr.us-east-1.amazonaws.com/mirror')
 * assert.ok(E.isRight(source) && E.isRight(destination))
 * const plan: Sync.Plan = {
 *   version: 1,
 *   source: source.right,
 *   destination: destination.right,
 *   settings: { tags: 'all', platforms: 'all', referrers: true },
 *   images: [],
 *   totals: Sync.totals([], false)
 * }
 * assert.deepStrictEqual(Sync.decodePlan(JSON.stringify(plan, null, 2)), E.right(plan))
 * const bad = Sync.decodePlan(JSON.stringify({ ...plan, version: 2 }))
 * assert.ok(E.isLeft(bad) && bad.left._tag === 'DecodeError')
 * assert.ok(E.isLeft(Sync.decodePlan('not json')))
 */
export const decodePlan = (json: string): E.Either<EcrError.EcrError, Plan> =>
  pipe(
    E.tryCatch(
      () => JSON.parse(json) as unknown,
      (e) => EcrError.decodeError('Plan', [`/: not JSON: ${e instanceof Error ? e.message : showValue(e)}`])
    ),
    E.flatMap(decode('Plan', PlanC))
  )

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

type Counted<K extends string> = { [k in K]: number }

const BLOB_RANK: Readonly<Record<BlobAction, number>> = { skip: 0, mount: 1, send: 2 }

const zero3 = (): Counted<BlobAction> => ({ send: 0, mount: 0, skip: 0 })
const zero2 = (): Counted<PutAction> => ({ put: 0, skip: 0 })

const add = (calls: Record<string, number>, key: string, n: number): void => {
  if (n > 0) calls[key] = (calls[key] ?? 0) + n
}

/**
 * The counts of a plan's images: blobs, manifests and referrers shared by images counted once (a
 * blob is `skip` only when every image skips it), and the calls `apply` is expected to make.
 *
 * @category utils
 * @since 0.2.0
 * @example
 * import type { ImageDigest, ImageTag } from 'ecr-fp-ts/Primitives'
 * import * as Sync from 'ecr-fp-ts/Sync'
 *
 * const d = (c: string) => `sha256:${c.repeat(64)}` as ImageDigest
 * const image = (digest: ImageDigest, tag: string): Sync.PlannedImage => ({
 *   digest,
 *   sourceDigest: digest,
 *   mediaType: 'application/vnd.oci.image.manifest.v1+json',
 *   tags: [{ tag: tag as ImageTag, action: 'put' }],
 *   manifests: [{ digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 400, action: 'put' }],
 *   // a shared base layer, and a layer of its own
 *   blobs: [{ digest: d('b'), size: 1000, action: 'send' }, { digest: d(tag === 'v1' ? 'c' : 'e'), size: 10, action: 'send' }],
 *   referrers: []
 * })
 * const t = Sync.totals([image(d('1'), 'v1'), image(d('2'), 'v2')], false)
 * assert.deepStrictEqual(t.blobs, { send: 3, mount: 0, skip: 0 }) // the shared layer once
 * assert.deepStrictEqual(t.bytes, { send: 1020, mount: 0, skip: 0 })
 * assert.deepStrictEqual([t.manifests.put, t.tags.put, t.calls['PUT upload']], [2, 2, 3])
 */
export const totals = (images: ReadonlyArray<PlannedImage>, createRepository: boolean): Totals => {
  const blobs = new Map<string, { size: number; action: BlobAction }>()
  const manifests = new Map<string, PutAction>()
  const referrers = new Map<string, PutAction>()
  const tags = zero2()
  const calls: Record<string, number> = {}
  // a blob's action is the one of the image that does most with it, whatever the images' order
  const noteBlob = (b: PlannedBlob): void => {
    const seen = blobs.get(b.digest)
    if (seen === undefined) blobs.set(b.digest, { size: b.size, action: b.action })
    else blobs.set(b.digest, { size: Math.max(seen.size, b.size), action: BLOB_RANK[b.action] > BLOB_RANK[seen.action] ? b.action : seen.action })
  }
  const noteManifest = (m: PlannedManifest): void => {
    if (manifests.get(m.digest) !== 'put') manifests.set(m.digest, m.action)
  }
  /**
   * The reads of one copy (`replicateImage`'s): each manifest read and checked; the blobs checked at
   * the destination, and those it lacks at the source, by BatchCheckLayerAvailability of 100.
   */
  const copyReads = (ms: ReadonlyArray<PlannedManifest>, bs: ReadonlyArray<PlannedBlob>): void => {
    add(calls, 'GET manifest', ms.length)
    add(calls, 'HEAD manifest', ms.length)
    const batches = (n: number): number => Math.ceil(n / BATCH_LIMIT)
    add(calls, 'BatchCheckLayerAvailability', batches(bs.length) + batches(bs.filter((b) => b.action !== 'skip').length))
  }
  for (const image of images) {
    image.blobs.forEach(noteBlob)
    image.manifests.forEach(noteManifest)
    copyReads(image.manifests, image.blobs)
    for (const tag of image.tags) {
      tags[tag.action]++
      add(calls, 'HEAD manifest', 1)
      add(calls, 'PUT manifest', tag.action === 'put' ? 1 : 0)
    }
    // the referrers of every source manifest of the copy are listed, and those of each referrer copied
    const narrowed = image.digest !== image.sourceDigest
    add(calls, 'GET referrers', image.manifests.filter((m) => !(narrowed && m.digest === image.digest)).length + image.referrers.length)
    if (image.referrers.length > 0) add(calls, 'GET referrers', 1) // the destination's referrers API, probed once
    for (const r of image.referrers) {
      if (referrers.get(r.digest) !== 'put') referrers.set(r.digest, r.action)
      r.blobs.forEach(noteBlob)
      r.manifests.forEach(noteManifest)
      // a referrer the destination has is looked at (HEAD), not read
      if (r.action === 'put') copyReads(r.manifests, r.blobs)
      add(calls, 'HEAD manifest', 1)
    }
  }
  const blobCounts = zero3()
  const bytes = zero3()
  for (const b of blobs.values()) {
    blobCounts[b.action]++
    bytes[b.action] += b.size
  }
  const manifestCounts = zero2()
  for (const a of manifests.values()) manifestCounts[a]++
  const referrerCounts = zero2()
  for (const a of referrers.values()) referrerCounts[a]++
  add(calls, 'PUT manifest', manifestCounts.put)
  add(calls, 'POST mount', blobCounts.mount)
  add(calls, 'GET blob', blobCounts.send)
  add(calls, 'POST upload', blobCounts.send)
  add(calls, 'PUT upload', blobCounts.send)
  add(calls, createRepository ? 'CreateRepository' : 'DescribeRepositories', 1)
  return {
    images: images.length,
    blobs: blobCounts,
    bytes,
    manifests: manifestCounts,
    tags,
    referrers: referrerCounts,
    calls: Object.fromEntries(Object.entries(calls).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  }
}

// -------------------------------------------------------------------------------------
// planning
// -------------------------------------------------------------------------------------

type Side = EcrEnv & HttpEnv

const repositoryOf = (ref: RepositoryRef): RepositoryRef => ({ accountId: ref.accountId, region: ref.region, repositoryName: ref.repositoryName })

/** Every image of a repository, active ones of any tag status (one paginated DescribeImages, pages of 1000). */
const listAll = (ref: RepositoryRef): RTE.ReaderTaskEither<Side, EcrError.EcrError, ReadonlyArray<SyncPlan.Listed>> =>
  paginate('DescribeImages', (nextToken) =>
    pipe(
      send(
        new DescribeImagesCommand({
          registryId: ref.accountId,
          repositoryName: ref.repositoryName,
          filter: { tagStatus: 'ANY' },
          maxResults: MAX_RESULTS,
          ...(nextToken === undefined ? {} : { nextToken })
        }),
        ref.repositoryName
      ),
      RTE.flatMapEither(SyncPlan.listing)
    )
  )

/** Manifests by digest: BatchGetImage by 100, at most `concurrency` calls at once; each checked against its digest. */
const fetchManifests = (
  ref: RepositoryRef,
  digests: ReadonlyArray<ImageDigest>
): RTE.ReaderTaskEither<Side, EcrError.EcrError, ReadonlyArray<Fetched>> =>
  pipe(
    chunksOf(digests, BATCH_LIMIT),
    traverseRTE((chunk: ReadonlyArray<ImageDigest>): RTE.ReaderTaskEither<Side, EcrError.EcrError, ReadonlyArray<Fetched>> =>
      pipe(
        batchGetImage(ref, chunk.map((imageDigest) => ({ imageDigest }))),
        RTE.flatMapEither(({ images, failures }) => {
          const failure = failures[0]
          if (failure !== undefined) return E.left(failureError(ref, failure))
          return pipe(
            images,
            E.traverseArray((i) => SyncPlan.fetchedOf(i.imageDigest, i.imageManifest, i.imageManifestMediaType))
          )
        })
      )
    ),
    RTE.map((batches) => batches.flat())
  )

/** The destination repository: its settings, or `undefined` when it does not exist. */
const settingsIfAny = (ref: RepositoryRef): RTE.ReaderTaskEither<Side, EcrError.EcrError, Repository.RepositorySettings | undefined> =>
  pipe(
    Repository.getSettings(ref),
    RTE.orElse((e) =>
      e._tag === 'NotFound' && e.resource === 'Repository' ? RTE.right<Side, EcrError.EcrError, Repository.RepositorySettings | undefined>(undefined) : RTE.left(e)
    )
  )

/** Blob availability at the destination: BatchCheckLayerAvailability by 100, at most `concurrency` at once. */
const availableBlobs = (ref: RepositoryRef, digests: ReadonlyArray<string>): RTE.ReaderTaskEither<Side, EcrError.EcrError, ReadonlySet<string>> =>
  pipe(
    blobSizes(ref, digests),
    RTE.map((sizes) => new Set(sizes.keys()))
  )

const checkRequest = (request: PlanRequest): E.Either<EcrError.EcrError, { readonly source: RepositoryRef; readonly platforms: 'all' | ReadonlyArray<Manifest.Platform> }> => {
  const source = typeof request.source === 'string' ? Repository.fromUri(request.source) : E.right(repositoryOf(request.source))
  if (E.isLeft(source)) return source
  const platforms = request.platforms ?? 'all'
  if (platforms !== 'all' && platforms.length === 0)
    return E.left(EcrError.invalidArgument(`platforms: expected 'all' or a non-empty list of platforms, got []`))
  return E.right({ source: source.right, platforms })
}

const settingsOf = (request: PlanRequest, platforms: 'all' | ReadonlyArray<Manifest.Platform>): PlanSettings => {
  const tags = request.tags ?? 'all'
  const referrers = request.referrers ?? true
  return {
    tags: tags instanceof RegExp ? { pattern: tags.source, flags: tags.flags } : tags === 'all' ? 'all' : [...tags],
    platforms: platforms === 'all' ? 'all' : platforms.map((p) => ({ ...p })),
    referrers: typeof referrers === 'boolean' ? referrers : { artifactTypes: [...referrers.artifactTypes] }
  }
}

/** Fetches what the walk asks for, round after round (each round's reads batched), until it asks for nothing. */
const walkSource = (
  source: RepositoryRef,
  listed: ReadonlyArray<SyncPlan.Listed>,
  selected: ReadonlyArray<{ readonly digest: ImageDigest; readonly tags: ReadonlyArray<ImageTag> }>,
  platforms: 'all' | ReadonlyArray<Manifest.Platform>,
  referrers: ReferrerSelection
): RTE.ReaderTaskEither<Side, EcrError.EcrError, ReadonlyArray<SyncPlan.WalkedImage>> => (env) => async () => {
  const referrersOf = new Map<string, Array<ImageDigest>>()
  const fallbackOf = new Map<string, ImageDigest>()
  for (const image of listed) {
    if (image.subject !== undefined) referrersOf.set(image.subject, [...(referrersOf.get(image.subject) ?? []), image.imageDigest])
    for (const tag of image.imageTags) {
      const subject = SyncPlan.subjectOfFallbackTag(tag)
      if (subject._tag === 'Some') fallbackOf.set(subject.value, image.imageDigest)
    }
  }
  const fetched = new Map<string, Fetched>()
  // each round fetches a level deeper; a graph deeper than this is not one a registry holds
  for (let round = 0; round < 64; round++) {
    const missing = new Set<ImageDigest>()
    const walked = SyncPlan.walk({ fetched, referrersOf, fallbackOf }, selected, platforms, referrers, source.repositoryName, missing)
    if (E.isLeft(walked) || missing.size === 0) return walked
    const got = await fetchManifests(source, [...missing])(env)()
    if (E.isLeft(got)) return got
    for (const m of got.right) fetched.set(m.digest, m)
    const unanswered = [...missing].find((d) => !fetched.has(d))
    if (unanswered !== undefined) return E.left(EcrError.notFound('Image', `${source.repositoryName}@${unanswered}`))
  }
  return E.left(EcrError.decodeError('Manifest', ['the images and their referrers nest deeper than 64 levels']))
}

const planBlobs = (
  blobs: ReadonlyArray<Manifest.Descriptor>,
  allSkip: boolean,
  available: ReadonlySet<string>,
  move: 'send' | 'mount'
): ReadonlyArray<PlannedBlob> =>
  blobs.map((b) => ({ digest: b.digest, size: b.size, action: allSkip || available.has(b.digest) ? 'skip' : move }))

const planManifests = (manifests: ReadonlyArray<SyncPlan.TreeManifest>, existing: ReadonlySet<string>): ReadonlyArray<PlannedManifest> =>
  manifests.map((m) => ({ digest: m.digest, mediaType: m.mediaType, size: m.size, action: existing.has(m.digest) ? 'skip' : 'put' }))

/**
 * The plan of a sync: what `apply` would do, read from both sides, nothing written.
 *
 * Reads, with the fewest round trips:
 * - source: one paginated DescribeImages (all active images: tags, digests, and the referrers
 *   ECR reports with `subjectManifestDigest`; tag-schema fallback tags `sha256-<hex>` name the
 *   referrer indexes of registries without the referrers API), then BatchGetImage by 100 (at most
 *   `concurrency` at once) for the selected images, their referrers, and level by level the
 *   manifests indexes list; every manifest checked against its digest, every child against its
 *   entry's size;
 * - destination: the repository (DescribeRepositories), its images and tags (one paginated
 *   DescribeImages: a manifest listed there is `skip`), and for the blobs of the manifests to put,
 *   BatchCheckLayerAvailability by 100;
 * - one login each side (cached for `apply`): both sides one registry (the same registry endpoint)
 *   means blobs are mounted, not sent.
 *
 * A missing destination is `NotFound('Repository')` unless `createRepository` (then the plan says
 * to create it with the source's tag mutability and encryption, one more DescribeRepositories). A
 * listed tag the source does not have is `NotFound('Image')`. Archived images are not synced.
 * With `platforms` narrowing an index, the copy is a new index: the source index's referrers do not
 * refer to it and are not planned.
 *
 * @category planning
 * @since 0.2.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import * as Sync from 'ecr-fp-ts/Sync'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const source = InMemoryEcr.make({ accountId: '111111111111' })
 * const destination = InMemoryEcr.make({ accountId: '222222222222' })
 * source.pushImage('app', { tags: ['v1', 'latest'], layers: 2 })
 * source.pushImage('app', { tag: 'v2' })
 * source.pushImage('app', { tag: 'dev' })
 * destination.createRepository('mirror')
 * const from = Repository.fromUri('111111111111.dkr.ecr.us-east-1.amazonaws.com/app')
 * const to = Repository.fromUri('222222222222.dkr.ecr.us-east-1.amazonaws.com/mirror')
 * assert.ok(E.isRight(from) && E.isRight(to))
 * const env = { source: source.env, destination: destination.env }
 * Sync.plan({ source: from.right, destination: to.right, tags: /^(v\d+|latest)$/ })(env)().then((r) => {
 *   assert.ok(E.isRight(r))
 *   // one image per digest, with its tags
 *   assert.deepStrictEqual(r.right.images.map((i) => i.tags.map((t) => t.tag)), [['v1', 'latest'], ['v2']])
 *   assert.deepStrictEqual(r.right.totals.blobs, { send: 5, mount: 0, skip: 0 }) // 2 configs, 3 layers
 *   assert.deepStrictEqual(r.right.totals.tags, { put: 3, skip: 0 })
 *   // reads only: one listing, one BatchGetImage, nothing written
 *   assert.deepStrictEqual([source.callCount('DescribeImages'), source.callCount('BatchGetImage')], [1, 1])
 *   assert.strictEqual(destination.tagsOf('mirror').size, 0)
 * })
 */
export const plan =
  (request: PlanRequest): RTE.ReaderTaskEither<PlanEnv, EcrError.EcrError, Plan> =>
  (env) =>
  async () => {
    const checked = checkRequest(request)
    if (E.isLeft(checked)) return checked
    const { source, platforms } = checked.right
    const destination = repositoryOf(request.destination)
    const regions = pipe(
      registryIn(env.source, source),
      E.flatMap(() => registryIn(env.destination, destination))
    )
    if (E.isLeft(regions)) return regions
    const settings = settingsOf(request, platforms)
    // the two sides are read at once
    const [src, dst] = await Promise.all([readSource(source)(env.source)(), readDestination(destination)(env.destination)()])
    if (E.isLeft(src)) return src
    if (E.isLeft(dst)) return dst
    const create = dst.right.settings === undefined
    if (create && request.createRepository !== true)
      return E.left(
        EcrError.notFound(
          'Repository',
          destination.repositoryName,
          `the destination repository does not exist: ${destination.repositoryName} (createRepository: true creates it)`
        )
      )
    const selected = SyncPlan.selectImages(source.repositoryName, src.right.listed, request.tags ?? 'all')
    if (E.isLeft(selected)) return selected
    const [walked, createPlan] = await Promise.all([
      walkSource(source, src.right.listed, selected.right, platforms, settings.referrers)(env.source)(),
      create ? createSettings(source, destination)(env.source)() : Promise.resolve(E.right(undefined))
    ])
    if (E.isLeft(walked)) return walked
    if (E.isLeft(createPlan)) return createPlan
    const existing = new Set(dst.right.listed.map((i) => i.imageDigest))
    const tagged = new Map<string, ImageDigest>()
    for (const i of dst.right.listed) for (const tag of i.imageTags) tagged.set(tag, i.imageDigest)
    // the blobs to check: those of the manifests to put
    const toCheck = new Set<string>()
    const note = (tree: SyncPlan.Tree): void => {
      if (tree.manifests.some((m) => !existing.has(m.digest))) for (const b of tree.blobs) toCheck.add(b.digest)
    }
    for (const image of walked.right) {
      note(image)
      image.referrers.forEach(note)
    }
    const available = create || toCheck.size === 0 ? E.right(new Set<string>()) : await availableBlobs(destination, [...toCheck])(env.destination)()
    if (E.isLeft(available)) return available
    const move = sameRegistry(src.right.login, dst.right.login) && source.repositoryName !== destination.repositoryName ? 'mount' : 'send'
    const blobsOf = (tree: SyncPlan.Tree): ReadonlyArray<PlannedBlob> =>
      planBlobs(tree.blobs, tree.manifests.every((m) => existing.has(m.digest)), available.right, move)
    const images = walked.right.map(
      (image): PlannedImage => ({
        digest: image.digest,
        sourceDigest: image.sourceDigest,
        mediaType: image.mediaType,
        tags: image.tags.map((tag): PlannedTag => {
          const current = tagged.get(tag)
          return current === image.digest
            ? { tag, action: 'skip' }
            : { tag, action: 'put', ...(current === undefined ? {} : { current }) }
        }),
        manifests: planManifests(image.manifests, existing),
        blobs: blobsOf(image),
        referrers: image.referrers.map(
          (r): PlannedReferrer => ({
            subject: r.subject,
            digest: r.digest,
            mediaType: r.mediaType,
            artifactType: r.artifactType,
            action: existing.has(r.digest) ? 'skip' : 'put',
            manifests: planManifests(r.manifests, existing),
            blobs: blobsOf(r)
          })
        )
      })
    )
    return E.right({
      version: 1,
      source: Repository.toUri(source),
      destination: Repository.toUri(destination),
      settings,
      ...(createPlan.right === undefined ? {} : { createRepository: createPlan.right }),
      images,
      totals: totals(images, create)
    })
  }

interface SideRead {
  readonly login: EcrLogin
  readonly listed: ReadonlyArray<SyncPlan.Listed>
}

const readSource = (ref: RepositoryRef): RTE.ReaderTaskEither<Side, EcrError.EcrError, SideRead> =>
  pipe(
    RTE.Do,
    RTE.apS('login', getLogin(ref)),
    RTE.apS('listed', listAll(ref))
  )

const readDestination = (
  ref: RepositoryRef
): RTE.ReaderTaskEither<Side, EcrError.EcrError, SideRead & { readonly settings: Repository.RepositorySettings | undefined }> =>
  pipe(
    RTE.Do,
    RTE.apS('login', getLogin(ref)),
    RTE.apS('settings', settingsIfAny(ref)),
    RTE.bind('listed', ({ settings }) => (settings === undefined ? RTE.right([]) : listAll(ref)))
  )

/** The settings of a repository created by the sync: the source's tag mutability and encryption (its KMS key within one registry only). */
const createSettings = (source: RepositoryRef, destination: RepositoryRef): RTE.ReaderTaskEither<Side, EcrError.EcrError, CreateRepositoryPlan> =>
  pipe(
    Repository.getSettings(source),
    RTE.map((s) => {
      const sameRegistryRef = s.ref.accountId === destination.accountId && s.ref.region === destination.region
      const encryption: Repository.Encryption =
        s.encryption.type === 'AES256' || sameRegistryRef || s.encryption.kmsKey === undefined ? s.encryption : { type: s.encryption.type }
      return { imageTagMutability: s.tagMutability, encryption }
    })
  )

// -------------------------------------------------------------------------------------
// applying
// -------------------------------------------------------------------------------------

/** Tells `onProgress`; a callback that throws must not break the sync, so its throw is dropped. */
const tell = (env: ApplyEnv, p: SyncProgress): void => {
  try {
    env.onProgress?.(p)
  } catch {
    // the sync goes on
  }
}

const cancelled = (): EcrError.EcrError =>
  EcrError.awsError('Sync.apply', 'Cancelled', 'the sync was cancelled (its AbortSignal was aborted)', false)

const emptySummary: ImageSummary = {
  blobs: { exists: 0, mounted: 0, copied: 0 },
  bytesCopied: 0,
  manifests: { exists: 0, pushed: 0 },
  tags: { exists: 0, pushed: 0 },
  referrers: { exists: 0, pushed: 0 }
}

const addSummaries = (a: ImageSummary, b: ImageSummary): ImageSummary => ({
  blobs: { exists: a.blobs.exists + b.blobs.exists, mounted: a.blobs.mounted + b.blobs.mounted, copied: a.blobs.copied + b.blobs.copied },
  bytesCopied: a.bytesCopied + b.bytesCopied,
  manifests: { exists: a.manifests.exists + b.manifests.exists, pushed: a.manifests.pushed + b.manifests.pushed },
  tags: { exists: a.tags.exists + b.tags.exists, pushed: a.tags.pushed + b.tags.pushed },
  referrers: { exists: a.referrers.exists + b.referrers.exists, pushed: a.referrers.pushed + b.referrers.pushed }
})

/** The destination, ready: created when the plan says so (found is as good), else it must exist. */
const prepareDestination = (plan: Plan, destination: RepositoryRef): RTE.ReaderTaskEither<Side, EcrError.EcrError, boolean> => {
  const create = plan.createRepository
  if (create !== undefined)
    return pipe(
      Repository.create(destination, { imageTagMutability: create.imageTagMutability, encryption: create.encryption, existsOk: true }),
      RTE.map(() => true)
    )
  return pipe(
    Repository.exists(destination),
    RTE.flatMap((exists) =>
      exists
        ? RTE.right(false)
        : RTE.left(
            EcrError.notFound('Repository', destination.repositoryName, `the destination repository does not exist: ${destination.repositoryName}`)
          )
    )
  )
}

/** One image's copy: never a `Left`, its failure is its outcome. */
const copyImage =
  (plan: Plan, source: RepositoryRef, destination: RepositoryRef, image: PlannedImage, inFlight: InFlight) =>
  async (env: ApplyEnv): Promise<ImageOutcome> => {
    const tags = image.tags.map((t) => t.tag)
    const failed = (error: EcrError.EcrError): ImageOutcome => ({ _tag: 'failed', digest: image.digest, tags, error })
    if (env.signal?.aborted === true) return failed(cancelled())
    let summary: ImageSummary = emptySummary
    const request: ReplicateRequest = {
      source: { ...source, imageDigest: image.sourceDigest },
      destination,
      tags,
      platforms: plan.settings.platforms,
      referrers: plan.settings.referrers
    }
    const copied = await replicateImageSharing(request, inFlight)({
      source: env.source,
      destination: env.destination,
      onProgress: (progress) => {
        if (progress._tag === 'done') summary = progress.summary
        tell(env, { _tag: 'image', digest: image.digest, progress })
      },
      ...(env.signal === undefined ? {} : { signal: env.signal })
    })()
    return E.isLeft(copied) ? failed(copied.left) : { _tag: 'copied', digest: image.digest, tags, summary }
  }

/**
 * Does what a plan says: creates the destination repository when the plan says to (or checks that
 * it exists), then copies every image with `replicateImage` (by source digest, with the plan's tags,
 * platforms and referrers), images at once up to the destination's `concurrency`.
 *
 * - The destination is re-checked as the copy goes (each blob, manifest and tag is looked at before
 *   it is sent), so a plan that is out of date does no harm: what is there is skipped, what is
 *   missing is sent.
 * - A blob shared by several images is sent once: the other copies wait for it.
 * - One image's failure does not stop the others: the report lists every image's outcome. The
 *   result is a `Left` only when nothing could start (the destination missing and not to be
 *   created, the plan's repositories in another region than their environment, or a cancelled
 *   signal before the start).
 * - Each image's tags are put after its manifests, blobs and referrers: a failed or cancelled sync
 *   leaves no tag on an incomplete image, and running it again finishes it.
 * - `onProgress` gets one stream: `start`, each image's events, `imageDone` / `imageFailed`, `done`.
 *
 * @category applying
 * @since 0.2.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import * as Sync from 'ecr-fp-ts/Sync'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const source = InMemoryEcr.make({ accountId: '111111111111' })
 * const destination = InMemoryEcr.make({ accountId: '222222222222' })
 * const v1 = source.pushImage('app', { tag: 'v1', platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] })
 * const v2 = source.pushImage('app', { tag: 'v2' })
 * const from = Repository.fromUri('111111111111.dkr.ecr.us-east-1.amazonaws.com/app')
 * const to = Repository.fromUri('222222222222.dkr.ecr.us-east-1.amazonaws.com/mirror')
 * assert.ok(E.isRight(v1) && E.isRight(v2) && E.isRight(from) && E.isRight(to))
 * const env = { source: source.env, destination: destination.env }
 * const events: Array<Sync.SyncProgress['_tag']> = []
 * Sync.plan({ source: from.right, destination: to.right, createRepository: true })(env)()
 *   .then((planned) => {
 *     assert.ok(E.isRight(planned))
 *     // a reviewed plan, read back from its JSON text
 *     const reviewed = Sync.decodePlan(JSON.stringify(planned.right))
 *     assert.ok(E.isRight(reviewed))
 *     return Sync.apply(reviewed.right)({ ...env, onProgress: (p) => events.push(p._tag) })()
 *   })
 *   .then((report) => {
 *     assert.ok(E.isRight(report))
 *     assert.strictEqual(report.right.createdRepository, true)
 *     assert.deepStrictEqual(report.right.totals.images, { copied: 2, failed: 0 })
 *     assert.deepStrictEqual(report.right.images.map((i) => i._tag), ['copied', 'copied'])
 *     assert.strictEqual(destination.tagsOf('mirror').get('v1'), v1.right.imageDigest)
 *     assert.strictEqual(destination.tagsOf('mirror').get('v2'), v2.right.imageDigest)
 *     assert.deepStrictEqual([events[0], events[1], events[events.length - 1]], ['start', 'repository', 'done'])
 *   })
 */
export const apply =
  (plan: Plan): RTE.ReaderTaskEither<ApplyEnv, EcrError.EcrError, SyncReport> =>
  (env) =>
  () =>
    // one listener on the caller's signal; the copies listen to the sync's own
    following(env.signal, (signal) => applyWith(plan, signal === undefined ? env : { ...env, signal }))

const applyWith = async (plan: Plan, env: ApplyEnv): Promise<E.Either<EcrError.EcrError, SyncReport>> => {
  const refs = pipe(
    E.Do,
    E.apS('source', Repository.fromUri(plan.source)),
    E.apS('destination', Repository.fromUri(plan.destination)),
    E.tap(({ source }) => registryIn(env.source, source)),
    E.tap(({ destination }) => registryIn(env.destination, destination))
  )
  if (E.isLeft(refs)) return refs
  const { source, destination } = refs.right
  if (env.signal?.aborted === true) return E.left(cancelled())
  tell(env, { _tag: 'start', source: plan.source, destination: plan.destination, totals: totals(plan.images, plan.createRepository !== undefined) })
  const created = await prepareDestination(plan, destination)(env.destination)()
  if (E.isLeft(created)) return created
  if (created.right) tell(env, { _tag: 'repository', destination: plan.destination, status: 'created' })
  const inFlight: InFlight = new Map()
  const outcomes = await allBounded(Math.max(1, env.destination.concurrency ?? DEFAULT_CONCURRENCY))(
    plan.images.map((image) => async (): Promise<E.Either<never, ImageOutcome>> => {
      const outcome = await copyImage(plan, source, destination, image, inFlight)(env)
      tell(
        env,
        outcome._tag === 'copied'
          ? { _tag: 'imageDone', digest: outcome.digest, tags: outcome.tags, summary: outcome.summary }
          : { _tag: 'imageFailed', digest: outcome.digest, tags: outcome.tags, error: outcome.error }
      )
      return E.right(outcome)
    })
  )()
  const images = E.isRight(outcomes) ? outcomes.right : []
  const copied = images.filter((i): i is Extract<ImageOutcome, { _tag: 'copied' }> => i._tag === 'copied')
  const report: SyncReport = {
    source: plan.source,
    destination: plan.destination,
    createdRepository: created.right,
    images,
    totals: {
      images: { copied: copied.length, failed: images.length - copied.length },
      ...copied.reduce((sum, i) => addSummaries(sum, i.summary), emptySummary)
    }
  }
  tell(env, { _tag: 'done', report })
  return E.right(report)
}

// -------------------------------------------------------------------------------------
// workflows
// -------------------------------------------------------------------------------------

/**
 * Syncs a repository's tags into another repository: `plan`, then `apply` (the same request as
 * `plan`, the environment of `apply`).
 *
 * @category workflows
 * @since 0.2.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import * as Sync from 'ecr-fp-ts/Sync'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const source = InMemoryEcr.make({ accountId: '111111111111' })
 * const destination = InMemoryEcr.make({ accountId: '222222222222' })
 * source.pushImage('app', { tags: ['v1', 'latest'], layers: 3 })
 * destination.createRepository('mirror')
 * const from = Repository.fromUri('111111111111.dkr.ecr.us-east-1.amazonaws.com/app')
 * const to = Repository.fromUri('222222222222.dkr.ecr.us-east-1.amazonaws.com/mirror')
 * assert.ok(E.isRight(from) && E.isRight(to))
 * const env = { source: source.env, destination: destination.env }
 * const sync = Sync.replicateRepository({ source: from.right, destination: to.right })
 * sync(env)()
 *   .then((first) => {
 *     assert.ok(E.isRight(first))
 *     assert.deepStrictEqual(first.right.totals.blobs, { exists: 0, mounted: 0, copied: 4 })
 *     return sync(env)()
 *   })
 *   .then((second) => {
 *     // run again: everything is there, nothing is sent
 *     assert.ok(E.isRight(second))
 *     assert.deepStrictEqual(second.right.totals.blobs, { exists: 4, mounted: 0, copied: 0 })
 *     assert.strictEqual(second.right.totals.bytesCopied, 0)
 *   })
 */
export const replicateRepository = (request: PlanRequest): RTE.ReaderTaskEither<ApplyEnv, EcrError.EcrError, SyncReport> =>
  pipe(plan(request), RTE.flatMap(apply))
