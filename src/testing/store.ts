/**
 * The state of the in-memory ECR twin: repositories, images, tags, blobs and upload sessions of one
 * registry, and the rules every way of writing to it shares (the ECR API's `PutImage`, the registry
 * API's manifest `PUT` and `pushImage`). Both APIs read and write this one store.
 *
 * @since 0.1.0
 */
import { createHash } from 'crypto'
import * as E from 'fp-ts/Either'
import * as MediaTypes from '../internal/mediaType'
import type { ReplicationStatusSeed, ScanFindingsSeed, TagMutabilityMode } from './types'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** @internal The one media-type table (`internal/mediaType`), for the twin's modules. */
export const MediaType = MediaTypes.MediaType

/** @internal */
export const isIndexMediaType = MediaTypes.isIndexMediaType

/** @internal */
export const isManifestMediaType = MediaTypes.isManifestMediaType

/** @internal */
export interface PlatformSpec {
  readonly os: string
  readonly architecture: string
  readonly variant?: string
}

/** @internal A content descriptor as manifests write them. */
export interface Descriptor {
  readonly digest: string
  readonly size: number
  readonly mediaType: string
  readonly platform?: PlatformSpec
  readonly external: boolean
}

/** @internal A blob, stored once for the whole registry. */
export interface BlobRecord {
  readonly bytes: Buffer
  /** The media type of the first manifest reference seen; layers only know theirs through manifests. */
  mediaType: string | undefined
}

/** @internal ECR's image status (storage class): archived images cannot be pulled. */
export type ImageStatus = 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING'

/** @internal An image scan: when it started, when it ends, and what it finds. */
export interface ScanRecord {
  readonly startedAt: number
  readonly endsAt: number
  readonly seed: ScanFindingsSeed
  /** Whether it counts toward ECR's quota of one scan per image per day (a seeded result does not). */
  readonly counts: boolean
}

/** @internal */
export interface ImageRecord {
  readonly digest: string
  readonly manifest: string
  readonly mediaType: string
  readonly artifactMediaType: string | undefined
  /** The manifest's own `artifactType` (what the referrers API reports, else the config media type). */
  readonly artifactType: string | undefined
  /** The digest of the manifest's `subject` (a referrer), if any. */
  readonly subject: string | undefined
  readonly annotations: Readonly<Record<string, string>> | undefined
  readonly pushedAt: Date
  readonly seq: number
  /** In the order they were applied. */
  readonly tags: Set<string>
  readonly sizeInBytes: number
  readonly config: Descriptor | undefined
  readonly layers: ReadonlyArray<Descriptor>
  readonly children: ReadonlyArray<Descriptor>
  /** Digests of the indexes in the same repository that list this image. */
  readonly parents: Set<string>
  status: ImageStatus
  /** While `ACTIVATING`: when (store clock, ms) the restore is done. */
  activeAt: number
  lastArchivedAt: Date | undefined
  lastActivatedAt: Date | undefined
  lastRecordedPullTime: Date | undefined
  scan: ScanRecord | undefined
  /** What the next scan finds (set by a test). */
  scanSeed: ScanFindingsSeed
  /** `region/registryId` -> replication status to that destination. */
  readonly replications: Map<string, ReplicationStatusSeed>
}

/** @internal */
export type TagMutability = TagMutabilityMode

/** @internal */
export interface RepositoryRecord {
  readonly name: string
  readonly seq: number
  readonly createdAt: Date
  imageTagMutability: TagMutability
  /** WILDCARD filters exempted from the mutability mode. */
  exclusionFilters: ReadonlyArray<string>
  scanOnPush: boolean
  readonly encryption: { readonly type: 'AES256' | 'KMS' | 'KMS_DSSE'; readonly kmsKey?: string }
  /** Resource tags, key -> value, in insertion order. */
  readonly resourceTags: Map<string, string>
  lifecyclePolicy: string | undefined
  /** The repository policy text. */
  policy: string | undefined
  readonly images: Map<string, ImageRecord>
  readonly order: SeqList<ImageRecord>
  /** Image tag -> digest. */
  readonly tags: Map<string, string>
  /** Digests of the blobs this repository holds. */
  readonly blobs: Set<string>
  /** How many images are not ACTIVE (0: no blob is archived, nothing to settle). */
  inactive: number
}

/** @internal An upload session of the registry API (or of the ECR layer upload calls). */
export interface UploadSession {
  readonly id: string
  readonly repositoryName: string
  readonly chunks: Array<Buffer>
  size: number
}

/** @internal */
export interface Store {
  readonly accountId: string
  readonly region: string
  readonly now: () => Date
  readonly repositories: Map<string, RepositoryRecord>
  readonly repositoryOrder: SeqList<RepositoryRecord>
  readonly blobs: Map<string, BlobRecord>
  readonly uploads: Map<string, UploadSession>
  replicationConfiguration: { readonly rules: ReadonlyArray<unknown> }
  /** Replication backfills, oldest first. */
  readonly backfills: Array<BackfillRecord>
  /** How long restores, scans and backfills take on the store's clock. */
  readonly timing: Timing
  seq: number
  lastPushedAt: number
}

/** @internal */
export interface Timing {
  readonly restoreMs: number
  readonly scanMs: number
  readonly backfillMs: number
}

/** @internal A replication destination: a region of a registry. */
export interface Destination {
  readonly region: string
  readonly registryId: string
}

/** @internal One image-and-tag replication of a backfill (an untagged image counts once). */
export interface BackfillItem {
  readonly repositoryName: string
  readonly imageDigest: string
  readonly imageTag: string | undefined
}

/** @internal */
export interface BackfillRecord {
  readonly id: string
  readonly destination: Destination
  readonly startedAt: number
  /** When it completes (moved to now when a test finishes it early). */
  endsAt: number
  /** What it replicates, fixed when it starts. */
  readonly items: ReadonlyArray<BackfillItem>
  stoppedAt: number | undefined
  /** Whether its replications were recorded on the images (once, when it completes). */
  applied: boolean
}

// -------------------------------------------------------------------------------------
// an append-only list keyed by increasing sequence numbers, with cheap removal and resumption
// -------------------------------------------------------------------------------------

/** @internal */
export interface SeqList<A> {
  seqs: Array<number>
  items: Array<A | undefined>
  live: number
}

/** @internal */
export const seqList = <A>(): SeqList<A> => ({ seqs: [], items: [], live: 0 })

const upperBound = (xs: ReadonlyArray<number>, x: number): number => {
  let lo = 0
  let hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((xs[mid] as number) <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** @internal `seq` must be larger than every sequence number already in the list. */
export const seqListAppend = <A>(list: SeqList<A>, seq: number, a: A): void => {
  list.seqs.push(seq)
  list.items.push(a)
  list.live++
}

/** @internal */
export const seqListRemove = <A>(list: SeqList<A>, seq: number): void => {
  const i = upperBound(list.seqs, seq) - 1
  if (i >= 0 && list.seqs[i] === seq && list.items[i] !== undefined) {
    list.items[i] = undefined
    list.live--
    if (list.seqs.length > 64 && list.live * 2 < list.seqs.length) {
      const seqs: Array<number> = []
      const items: Array<A | undefined> = []
      list.items.forEach((item, j) => {
        if (item !== undefined) {
          seqs.push(list.seqs[j] as number)
          items.push(item)
        }
      })
      list.seqs = seqs
      list.items = items
    }
  }
}

/** @internal The live items with a sequence number greater than `afterSeq` (all when undefined), in order. */
export function* seqListFrom<A>(list: SeqList<A>, afterSeq?: number): Generator<A> {
  const start = afterSeq === undefined ? 0 : upperBound(list.seqs, afterSeq)
  for (let i = start; i < list.items.length; i++) {
    const item = list.items[i]
    if (item !== undefined) yield item
  }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** @internal */
export const make = (options: {
  readonly accountId: string
  readonly region: string
  readonly now: () => Date
  readonly timing?: Timing
}): Store => ({
  accountId: options.accountId,
  region: options.region,
  now: options.now,
  repositories: new Map(),
  repositoryOrder: seqList(),
  blobs: new Map(),
  uploads: new Map(),
  replicationConfiguration: { rules: [] },
  backfills: [],
  timing: options.timing ?? { restoreMs: 0, scanMs: 0, backfillMs: 0 },
  seq: 0,
  lastPushedAt: Number.NEGATIVE_INFINITY
})

// -------------------------------------------------------------------------------------
// errors
// -------------------------------------------------------------------------------------

/** @internal What can go wrong when writing to the store; each API words it its own way. */
export type StoreError =
  | { readonly _tag: 'RepositoryNotFound'; readonly name: string }
  | { readonly _tag: 'RepositoryAlreadyExists'; readonly name: string }
  | { readonly _tag: 'InvalidManifest'; readonly reason: string }
  | { readonly _tag: 'DigestMismatch'; readonly expected: string; readonly actual: string }
  | { readonly _tag: 'LayersNotFound'; readonly digests: ReadonlyArray<string> }
  | { readonly _tag: 'ReferencedImagesNotFound'; readonly digests: ReadonlyArray<string> }
  | { readonly _tag: 'TagImmutable'; readonly tag: string; readonly repositoryName: string }
  | { readonly _tag: 'ImageAlreadyExists'; readonly digest: string; readonly tag: string | undefined }

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** @internal The sha256 digest of exact bytes, `sha256:<hex>`. */
export const sha256 = (bytes: Buffer | string): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

/** @internal */
export const DIGEST = /^sha256:[a-f0-9]{64}$/

/** @internal */
export const nextSeq = (store: Store): number => ++store.seq

/**
 * @internal The time to record for a push: the explicit one, or now, but always after every time
 * recorded before, so "most recently pushed" is well defined.
 */
export const nextPushedAt = (store: Store, explicit?: Date): Date => {
  if (explicit !== undefined) {
    store.lastPushedAt = Math.max(store.lastPushedAt, explicit.getTime())
    return new Date(explicit.getTime())
  }
  const t = Math.max(store.now().getTime(), store.lastPushedAt + 1)
  store.lastPushedAt = t
  return new Date(t)
}

/** @internal */
export const getRepository = (store: Store, name: string): E.Either<StoreError, RepositoryRecord> => {
  const repo = store.repositories.get(name)
  return repo === undefined ? E.left({ _tag: 'RepositoryNotFound', name }) : E.right(repo)
}

/** @internal What a new repository is created with (the caller validates it). */
export interface RepositorySettings {
  readonly imageTagMutability?: TagMutability
  readonly exclusionFilters?: ReadonlyArray<string>
  readonly scanOnPush?: boolean
  readonly encryption?: RepositoryRecord['encryption']
  readonly tags?: ReadonlyArray<{ readonly Key: string; readonly Value: string }>
}

/** @internal Creates a repository; settings are applied as given (the caller validates them). */
export const createRepository = (
  store: Store,
  name: string,
  options: RepositorySettings
): E.Either<StoreError, RepositoryRecord> => {
  if (store.repositories.has(name)) return E.left({ _tag: 'RepositoryAlreadyExists', name })
  const repo: RepositoryRecord = {
    name,
    seq: nextSeq(store),
    createdAt: store.now(),
    imageTagMutability: options.imageTagMutability ?? 'MUTABLE',
    exclusionFilters: options.exclusionFilters ?? [],
    scanOnPush: options.scanOnPush ?? false,
    encryption: options.encryption ?? { type: 'AES256' },
    resourceTags: new Map((options.tags ?? []).map((t) => [t.Key, t.Value] as const)),
    lifecyclePolicy: undefined,
    policy: undefined,
    images: new Map(),
    order: seqList(),
    tags: new Map(),
    blobs: new Set(),
    inactive: 0
  }
  store.repositories.set(name, repo)
  seqListAppend(store.repositoryOrder, repo.seq, repo)
  return E.right(repo)
}

/** @internal Removes a repository with its images and blob memberships. */
export const deleteRepository = (store: Store, repo: RepositoryRecord): void => {
  store.repositories.delete(repo.name)
  seqListRemove(store.repositoryOrder, repo.seq)
  for (const [id, upload] of store.uploads) if (upload.repositoryName === repo.name) store.uploads.delete(id)
}

/** @internal Adds a blob to the registry (once) and to the repository. Returns its digest. */
export const addBlob = (store: Store, repo: RepositoryRecord, bytes: Buffer, digest?: string): string => {
  const d = digest ?? sha256(bytes)
  if (!store.blobs.has(d)) store.blobs.set(d, { bytes, mediaType: undefined })
  repo.blobs.add(d)
  return d
}

/** @internal The bytes of a blob the repository holds. */
export const getBlob = (store: Store, repo: RepositoryRecord, digest: string): BlobRecord | undefined =>
  repo.blobs.has(digest) ? store.blobs.get(digest) : undefined

/** @internal An image by tag or digest. */
export const findImage = (repo: RepositoryRecord, reference: string): ImageRecord | undefined => {
  if (reference.includes(':')) return repo.images.get(reference)
  const digest = repo.tags.get(reference)
  return digest === undefined ? undefined : repo.images.get(digest)
}

// -------------------------------------------------------------------------------------
// tag mutability
// -------------------------------------------------------------------------------------

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')

/** @internal ECR's WILDCARD filter: `*` stands for any run of characters, everything else for itself. */
export const wildcardMatches = (filter: string, tag: string): boolean =>
  new RegExp('^' + filter.split('*').map(escapeRegExp).join('.*') + '$').test(tag)

/** @internal ECR's pattern of a WILDCARD exclusion filter. */
export const EXCLUSION_FILTER = /^[0-9a-zA-Z._*-]{1,128}$/

/** @internal ECR's limit on exclusion filters per repository. */
export const MAX_EXCLUSION_FILTERS = 5

/** @internal Why ECR refuses a mutability mode with these exclusion filters, if it does. */
export const exclusionProblem = (mode: TagMutability, filters: ReadonlyArray<string>): string | undefined => {
  const withExclusion = mode === 'IMMUTABLE_WITH_EXCLUSION' || mode === 'MUTABLE_WITH_EXCLUSION'
  if (withExclusion && filters.length === 0)
    return `imageTagMutabilityExclusionFilters must be specified when imageTagMutability is ${mode}`
  if (!withExclusion && filters.length > 0)
    return `imageTagMutabilityExclusionFilters can only be specified when imageTagMutability is IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION, not ${mode}`
  if (filters.length > MAX_EXCLUSION_FILTERS)
    return `at most ${MAX_EXCLUSION_FILTERS} imageTagMutabilityExclusionFilters are allowed, got ${filters.length}`
  const bad = filters.find((f) => !EXCLUSION_FILTER.test(f))
  return bad === undefined
    ? undefined
    : `the exclusion filter '${bad}' must satisfy regular expression pattern: ${EXCLUSION_FILTER.source}`
}

/** @internal Whether an existing `tag` may not be moved to another image in this repository. */
export const isTagImmutable = (repo: RepositoryRecord, tag: string): boolean => {
  const excluded = () => repo.exclusionFilters.some((f) => wildcardMatches(f, tag))
  switch (repo.imageTagMutability) {
    case 'MUTABLE':
      return false
    case 'IMMUTABLE':
      return true
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded()
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded()
  }
}

// -------------------------------------------------------------------------------------
// archive and restore
// -------------------------------------------------------------------------------------

/** @internal The image's status now: a restore whose time has come is done. */
export const statusOf = (store: Store, repo: RepositoryRecord, image: ImageRecord): ImageStatus => {
  if (image.status === 'ACTIVATING' && store.now().getTime() >= image.activeAt) activate(repo, image, new Date(image.activeAt))
  return image.status
}

const activate = (repo: RepositoryRecord, image: ImageRecord, at: Date): void => {
  if (image.status === 'ACTIVE') return
  image.status = 'ACTIVE'
  image.lastActivatedAt = at
  repo.inactive--
}

/** @internal Moves an active image to the archive. */
export const archive = (repo: RepositoryRecord, image: ImageRecord, at: Date): void => {
  if (image.status !== 'ACTIVE') return
  image.status = 'ARCHIVED'
  image.lastArchivedAt = at
  repo.inactive++
}

/** @internal Starts restoring an archived image: `ACTIVATING` for the store's restore time. */
export const restore = (store: Store, image: ImageRecord): void => {
  if (image.status !== 'ARCHIVED') return
  image.status = 'ACTIVATING'
  image.activeAt = store.now().getTime() + store.timing.restoreMs
}

/** @internal Finishes every restore of the repository now. */
export const finishRestores = (store: Store, repo: RepositoryRecord): void => {
  if (repo.inactive === 0) return
  for (const image of repo.images.values()) if (image.status === 'ACTIVATING') activate(repo, image, store.now())
}

/**
 * @internal Whether a blob of the repository can only be read through images that are not active
 * (ECR's `ARCHIVED` layer availability). A blob no image references (an upload) is available.
 */
export const isBlobArchived = (store: Store, repo: RepositoryRecord, digest: string): boolean => {
  if (repo.inactive === 0) return false
  let referenced = false
  for (const image of repo.images.values()) {
    const uses = image.config?.digest === digest || image.layers.some((l) => l.digest === digest)
    if (!uses) continue
    if (statusOf(store, repo, image) === 'ACTIVE') return false
    referenced = true
  }
  return referenced
}

/** @internal Starts a scan of the image now; it finds what the image's seed says. */
export const startScan = (store: Store, image: ImageRecord): void => {
  const now = store.now().getTime()
  image.scan = { startedAt: now, endsAt: now + store.timing.scanMs, seed: image.scanSeed, counts: true }
}

/** @internal Records a pull of the image now (ECR's `lastRecordedPullTime`). */
export const recordPull = (store: Store, image: ImageRecord): void => {
  image.lastRecordedPullTime = store.now()
}

// -------------------------------------------------------------------------------------
// replication
// -------------------------------------------------------------------------------------

/** @internal A destination's key in `ImageRecord.replications`. */
export const destinationKey = (d: Destination): string => `${d.region}/${d.registryId}`

/** @internal The destinations the replication configuration gives a repository (every rule whose filters match). */
export const destinationsOf = (store: Store, repositoryName: string): ReadonlyArray<Destination> => {
  const out = new Map<string, Destination>()
  for (const rule of store.replicationConfiguration.rules) {
    if (!isRecord(rule)) continue
    const filters = Array.isArray(rule.repositoryFilters) ? rule.repositoryFilters.filter(isRecord) : []
    const matches =
      filters.length === 0 ||
      filters.some((f) => typeof f.filter === 'string' && repositoryName.startsWith(f.filter))
    if (!matches || !Array.isArray(rule.destinations)) continue
    for (const d of rule.destinations) {
      if (isRecord(d) && typeof d.region === 'string' && typeof d.registryId === 'string') {
        const destination = { region: d.region, registryId: d.registryId }
        out.set(destinationKey(destination), destination)
      }
    }
  }
  return [...out.values()]
}

// -------------------------------------------------------------------------------------
// manifests
// -------------------------------------------------------------------------------------

/** @internal What the store needs to know of a manifest. */
export interface ManifestInfo {
  readonly mediaType: string
  readonly config: Descriptor | undefined
  readonly layers: ReadonlyArray<Descriptor>
  readonly children: ReadonlyArray<Descriptor>
  readonly artifactMediaType: string | undefined
  /** The manifest's own `artifactType`. */
  readonly artifactType: string | undefined
  /** The digest of its `subject`. */
  readonly subject: string | undefined
  readonly annotations: Readonly<Record<string, string>> | undefined
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u)

const descriptorOf = (u: unknown, where: string): E.Either<string, Descriptor> => {
  if (!isRecord(u)) return E.left(`${where} is not an object`)
  const { digest, size, mediaType, platform, urls } = u
  if (typeof digest !== 'string' || !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest))
    return E.left(`${where}.digest is not a digest`)
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) return E.left(`${where}.size is not a size`)
  if (mediaType !== undefined && typeof mediaType !== 'string') return E.left(`${where}.mediaType is not a string`)
  const p =
    isRecord(platform) && typeof platform.os === 'string' && typeof platform.architecture === 'string'
      ? {
          os: platform.os,
          architecture: platform.architecture,
          ...(typeof platform.variant === 'string' ? { variant: platform.variant } : {})
        }
      : undefined
  const mt = typeof mediaType === 'string' ? mediaType : ''
  const external =
    (Array.isArray(urls) && urls.length > 0) ||
    mt === MediaType.dockerForeignLayer ||
    mt === MediaType.ociForeignLayerGzip
  return E.right({ digest, size, mediaType: mt, ...(p === undefined ? {} : { platform: p }), external })
}

const traverse = <A>(
  us: ReadonlyArray<unknown>,
  where: string,
  f: (u: unknown, where: string) => E.Either<string, A>
) => {
  const out: Array<A> = []
  for (let i = 0; i < us.length; i++) {
    const r = f(us[i], `${where}[${i}]`)
    if (E.isLeft(r)) return r
    out.push(r.right)
  }
  return E.right(out) as E.Either<string, ReadonlyArray<A>>
}

/**
 * @internal Parses a manifest or index. `mediaType` is the type the writer declared (PutImage's
 * `imageManifestMediaType`, the registry PUT's `Content-Type`); without one, the manifest's own
 * `mediaType` field decides, and without that ECR answers "Invalid JSON syntax".
 */
export const parseManifest = (text: string, declared: string | undefined): E.Either<string, ManifestInfo> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return E.left('Invalid JSON syntax')
  }
  if (!isRecord(json)) return E.left('Invalid JSON syntax')
  const own = typeof json.mediaType === 'string' ? json.mediaType : undefined
  const declaredType = declared === undefined ? undefined : declared.split(';')[0]?.trim()
  const mediaType = declaredType !== undefined && declaredType !== '' ? declaredType : own
  if (mediaType === undefined) return E.left('Invalid JSON syntax')
  if (own !== undefined && own !== mediaType)
    return E.left(`the manifest's mediaType ${own} does not match the declared media type ${mediaType}`)
  if (json.schemaVersion !== 2) return E.left('Invalid JSON syntax: schemaVersion must be 2')
  const subject = json.subject === undefined ? E.right(undefined) : descriptorOf(json.subject, 'subject')
  if (E.isLeft(subject)) return subject
  const artifactType = typeof json.artifactType === 'string' ? json.artifactType : undefined
  const annotations = isRecord(json.annotations)
    ? Object.fromEntries(Object.entries(json.annotations).filter((kv): kv is [string, string] => typeof kv[1] === 'string'))
    : undefined
  const referrer = { artifactType, subject: subject.right?.digest, annotations }
  if (isIndexMediaType(mediaType)) {
    if (!Array.isArray(json.manifests)) return E.left('an index needs a manifests array')
    return E.map((children: ReadonlyArray<Descriptor>) => ({
      mediaType,
      config: undefined,
      layers: [],
      children,
      artifactMediaType: undefined,
      ...referrer
    }))(traverse(json.manifests, 'manifests', descriptorOf))
  }
  if (isManifestMediaType(mediaType)) {
    if (!Array.isArray(json.layers)) return E.left('a manifest needs a layers array')
    const config = descriptorOf(json.config, 'config')
    if (E.isLeft(config)) return config
    const layers = traverse(json.layers, 'layers', descriptorOf)
    if (E.isLeft(layers)) return layers
    return E.right({
      mediaType,
      config: config.right,
      layers: layers.right,
      children: [],
      artifactMediaType: artifactType ?? (config.right.mediaType === '' ? undefined : config.right.mediaType),
      ...referrer
    })
  }
  return E.left(`unsupported manifest media type ${mediaType}`)
}

/** @internal */
export interface PutManifestInput {
  readonly text: string
  /** The declared media type (see `parseManifest`). */
  readonly mediaType?: string
  readonly tag?: string
  /** When given, must equal the digest of the manifest's bytes. */
  readonly digest?: string
  readonly pushedAt?: Date
  /** What `parseManifest` would say of `text`, when the caller built it (saves parsing it again). */
  readonly parsed?: ManifestInfo
}

/**
 * @internal Stores a manifest and moves its tag, after every check: digest, references (blobs of a
 * manifest, child manifests of an index) and tag immutability. Nothing changes when a check fails.
 * An image that is there already under the same tag (or without a tag) is `ImageAlreadyExists`:
 * PutImage reports it, the registry API answers 201 as for a new one.
 */
export const putManifest = (
  store: Store,
  repo: RepositoryRecord,
  input: PutManifestInput
): E.Either<StoreError, ImageRecord> => {
  const digest = sha256(input.text)
  if (input.digest !== undefined && input.digest !== digest)
    return E.left({ _tag: 'DigestMismatch', expected: input.digest, actual: digest })
  const parsed = input.parsed === undefined ? parseManifest(input.text, input.mediaType) : E.right(input.parsed)
  if (E.isLeft(parsed)) return E.left({ _tag: 'InvalidManifest', reason: parsed.left })
  const info = parsed.right
  const missingBlobs = [...(info.config === undefined ? [] : [info.config]), ...info.layers]
    .filter((d) => !d.external && !repo.blobs.has(d.digest))
    .map((d) => d.digest)
  if (missingBlobs.length > 0) return E.left({ _tag: 'LayersNotFound', digests: [...new Set(missingBlobs)] })
  const missingChildren = info.children.filter((d) => !repo.images.has(d.digest)).map((d) => d.digest)
  if (missingChildren.length > 0)
    return E.left({ _tag: 'ReferencedImagesNotFound', digests: [...new Set(missingChildren)] })
  const tag = input.tag
  const tagged = tag === undefined ? undefined : repo.tags.get(tag)
  const existing = repo.images.get(digest)
  // ECR: pushing an image that is archived (or being restored) restores it at once.
  const restoring = existing !== undefined && statusOf(store, repo, existing) !== 'ACTIVE'
  if (existing !== undefined && !restoring && (tag === undefined || tagged === digest))
    return E.left({ _tag: 'ImageAlreadyExists', digest, tag })
  if (tag !== undefined && tagged !== undefined && tagged !== digest && isTagImmutable(repo, tag))
    return E.left({ _tag: 'TagImmutable', tag, repositoryName: repo.name })
  if (existing !== undefined && restoring) activate(repo, existing, store.now())
  const image = existing ?? insertImage(store, repo, digest, input.text, info, input.pushedAt)
  if (tag !== undefined) setTag(repo, tag, image)
  return E.right(image)
}

const insertImage = (
  store: Store,
  repo: RepositoryRecord,
  digest: string,
  text: string,
  info: ManifestInfo,
  pushedAt: Date | undefined
): ImageRecord => {
  for (const d of [...(info.config === undefined ? [] : [info.config]), ...info.layers]) {
    const blob = store.blobs.get(d.digest)
    if (blob !== undefined && blob.mediaType === undefined && d.mediaType !== '') blob.mediaType = d.mediaType
  }
  const children = info.children
  const sizeInBytes =
    children.length > 0
      ? children.reduce((n, c) => n + (repo.images.get(c.digest)?.sizeInBytes ?? 0), 0)
      : info.layers.reduce((n, l) => n + l.size, 0)
  const at = nextPushedAt(store, pushedAt)
  const image: ImageRecord = {
    digest,
    manifest: text,
    mediaType: info.mediaType,
    artifactMediaType: info.artifactMediaType,
    artifactType: info.artifactType,
    subject: info.subject,
    annotations: info.annotations,
    pushedAt: at,
    seq: nextSeq(store),
    tags: new Set(),
    sizeInBytes,
    config: info.config,
    layers: info.layers,
    children,
    parents: new Set(),
    status: 'ACTIVE',
    activeAt: 0,
    lastArchivedAt: undefined,
    lastActivatedAt: undefined,
    lastRecordedPullTime: undefined,
    scan: undefined,
    scanSeed: {},
    replications: new Map(
      destinationsOf(store, repo.name).map((d) => [destinationKey(d), { ...d, status: 'COMPLETE' as const }])
    )
  }
  // scan on push: images only (ECR does not scan an index itself)
  if (repo.scanOnPush && children.length === 0) startScan(store, image)
  repo.images.set(digest, image)
  seqListAppend(repo.order, image.seq, image)
  for (const c of children) repo.images.get(c.digest)?.parents.add(digest)
  return image
}

/** @internal Points `tag` at `image`, taking it from the image that had it. */
export const setTag = (repo: RepositoryRecord, tag: string, image: ImageRecord): void => {
  const previous = repo.tags.get(tag)
  if (previous === image.digest) return
  if (previous !== undefined) repo.images.get(previous)?.tags.delete(tag)
  repo.tags.set(tag, image.digest)
  image.tags.add(tag)
}

/** @internal Removes a tag; the image stays, untagged if it was its last. */
export const removeTag = (repo: RepositoryRecord, tag: string): void => {
  const digest = repo.tags.get(tag)
  if (digest === undefined) return
  repo.tags.delete(tag)
  repo.images.get(digest)?.tags.delete(tag)
}

/** @internal Deletes an image with all its tags. The caller checks `parents` first. */
export const deleteImage = (repo: RepositoryRecord, image: ImageRecord): void => {
  if (image.status !== 'ACTIVE') repo.inactive--
  for (const tag of image.tags) repo.tags.delete(tag)
  repo.images.delete(image.digest)
  seqListRemove(repo.order, image.seq)
  for (const c of image.children) repo.images.get(c.digest)?.parents.delete(image.digest)
}

/** @internal The child an old client gets for an index: linux/amd64 if there is one, else the first. */
export const defaultChild = (repo: RepositoryRecord, index: ImageRecord): ImageRecord | undefined => {
  const pick =
    index.children.find((c) => c.platform?.os === 'linux' && c.platform.architecture === 'amd64') ?? index.children[0]
  return pick === undefined ? undefined : repo.images.get(pick.digest)
}
