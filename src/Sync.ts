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
import { BatchCheckLayerAvailabilityCommand, DescribeImagesCommand } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as t from 'io-ts'
import type { EcrEnv, EcrLogin, HttpEnv } from './Env'
import * as EcrError from './EcrError'
import type * as Manifest from './Manifest'
import * as Platform from './Platform'
import { ImageDigestC, ImageTagC, type ImageDigest, type ImageTag } from './Primitives'
import type { Progress as ReplicateProgress } from './replicate'
import * as Repository from './Repository'
import type { RepositoryRef } from './Repository'
import * as RepositoryUri from './RepositoryUri'
import { decode, showValue, struct, nonNegativeSafeInteger } from './internal/codec'
import { traverseRTE } from './internal/concurrency'
import { sameRegistry } from './internal/copyBlob'
import { batchGetImage, failureError } from './internal/images'
import { getLogin } from './internal/login'
import { BATCH_LIMIT, MAX_RESULTS, paginate } from './internal/paginate'
import { registryIn } from './internal/region'
import { send } from './internal/send'
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
 * Which referrers (signatures, SBOMs, attestations: manifests whose `subject` is an image) go with
 * each image: all (`true`, the default), none (`false`), or those of some artifact types; followed
 * recursively (a signature of an SBOM goes with the SBOM).
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
   * The calls `apply` is expected to make on a destination unchanged since the plan, by operation:
   * ECR API operations by name, registry requests as `<METHOD> <kind>` (`HEAD blob`, `PUT blob`,
   * `POST mount`, `GET manifest`, `PUT manifest`, ...). An estimate for review, not a limit.
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
 * What the copy of one image did (`replicate`'s `Summary`).
 *
 * @category model
 * @since 0.2.0
 */
export interface ImageSummary {
  /** Blobs found at the destination, mounted, and copied. */
  readonly blobs: { readonly exists: number; readonly mounted: number; readonly copied: number }
  /** Bytes streamed from the source to the destination. */
  readonly bytesCopied: number
  /** Manifests found, and pushed. */
  readonly manifests: { readonly exists: number; readonly pushed: number }
  /** Tags found on the digest, and pushed. */
  readonly tags: { readonly exists: number; readonly pushed: number }
}

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

const literals = <A extends string>(name: string, values: ReadonlyArray<A>): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(
    name,
    (u): u is A => typeof u === 'string' && (values as ReadonlyArray<string>).includes(u),
    (u, c) => (typeof u === 'string' && (values as ReadonlyArray<string>).includes(u) ? t.success(u as A) : t.failure(u, c)),
    (a) => a
  )

const list = <C extends t.Mixed>(codec: C) => t.readonlyArray(codec, `an array of ${codec.name}`)

const BlobC = /*#__PURE__*/ struct(
  'a planned blob',
  { digest: ImageDigestC, size: nonNegativeSafeInteger, action: /*#__PURE__*/ literals<BlobAction>("'send', 'mount' or 'skip'", ['send', 'mount', 'skip']) },
  {}
)

const PutActionC = /*#__PURE__*/ literals<PutAction>("'put' or 'skip'", ['put', 'skip'])

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

const CountsC = <K extends string>(keys: ReadonlyArray<K>) =>
  t.readonly(t.type(Object.fromEntries(keys.map((k) => [k, nonNegativeSafeInteger])) as Record<K, typeof nonNegativeSafeInteger>))

const TotalsC = /*#__PURE__*/ struct(
  'plan totals',
  {
    images: nonNegativeSafeInteger,
    blobs: /*#__PURE__*/ CountsC(['send', 'mount', 'skip']),
    bytes: /*#__PURE__*/ CountsC(['send', 'mount', 'skip']),
    manifests: /*#__PURE__*/ CountsC(['put', 'skip']),
    tags: /*#__PURE__*/ CountsC(['put', 'skip']),
    referrers: /*#__PURE__*/ CountsC(['put', 'skip']),
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
 */
export const totals = (images: ReadonlyArray<PlannedImage>, createRepository: boolean): Totals => {
  const blobs = new Map<string, { size: number; action: BlobAction }>()
  const manifests = new Map<string, PutAction>()
  const referrers = new Map<string, PutAction>()
  const tags = zero2()
  const calls: Record<string, number> = {}
  const noteBlob = (b: PlannedBlob): void => {
    const seen = blobs.get(b.digest)
    if (seen === undefined || seen.action === 'skip') blobs.set(b.digest, { size: b.size, action: b.action })
  }
  const noteManifest = (m: PlannedManifest): void => {
    if (manifests.get(m.digest) !== 'put') manifests.set(m.digest, m.action)
  }
  /** Reads of one copy: each blob checked at the destination (and at the source when missing), each manifest read and checked. */
  const copyReads = (ms: ReadonlyArray<PlannedManifest>, bs: ReadonlyArray<PlannedBlob>): void => {
    add(calls, 'HEAD blob', bs.length + bs.filter((b) => b.action !== 'skip').length)
    add(calls, 'GET manifest', ms.length)
    add(calls, 'HEAD manifest', ms.length)
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
    for (const r of image.referrers) {
      if (referrers.get(r.digest) !== 'put') referrers.set(r.digest, r.action)
      r.blobs.forEach(noteBlob)
      r.manifests.forEach(noteManifest)
      copyReads(r.manifests, r.blobs)
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
  add(calls, 'PUT blob', blobCounts.send)
  add(calls, createRepository ? 'CreateRepository' : 'DescribeRepositories', 1)
  add(calls, 'GetAuthorizationToken', images.length > 0 ? 2 : 0)
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
    SyncPlan.chunksOf(digests, BATCH_LIMIT),
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
    SyncPlan.chunksOf(digests, BATCH_LIMIT),
    traverseRTE((chunk: ReadonlyArray<string>): RTE.ReaderTaskEither<Side, EcrError.EcrError, SyncPlan.Availability> =>
      pipe(
        send(
          new BatchCheckLayerAvailabilityCommand({ registryId: ref.accountId, repositoryName: ref.repositoryName, layerDigests: [...chunk] }),
          ref.repositoryName
        ),
        RTE.flatMapEither(SyncPlan.availability)
      )
    ),
    RTE.map((answers) => new Set(answers.flatMap((a) => a.available.map((b) => b.digest))))
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
