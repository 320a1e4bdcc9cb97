/**
 * The state of the in-memory ECR twin: repositories, images, tags, blobs and upload sessions of one
 * registry, and the rules every way of writing to it shares (the ECR API's `PutImage`, the registry
 * API's manifest `PUT` and `pushImage`). Both APIs read and write this one store.
 *
 * @since 0.1.0
 */
import { createHash } from 'crypto'
import * as E from 'fp-ts/Either'
import { isIndexMediaType, isManifestMediaType, MediaType } from '../internal/mediaType'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** @internal */
export { isIndexMediaType, isManifestMediaType, MediaType } from '../internal/mediaType'

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

/** @internal */
export interface ImageRecord {
  readonly digest: string
  readonly manifest: string
  readonly mediaType: string
  readonly artifactMediaType: string | undefined
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
}

/** @internal */
export type TagMutability = 'MUTABLE' | 'IMMUTABLE'

/** @internal */
export interface RepositoryRecord {
  readonly name: string
  readonly seq: number
  readonly createdAt: Date
  imageTagMutability: TagMutability
  /** Resource tags, key -> value, in insertion order. */
  readonly resourceTags: Map<string, string>
  lifecyclePolicy: string | undefined
  readonly images: Map<string, ImageRecord>
  readonly order: SeqList<ImageRecord>
  /** Image tag -> digest. */
  readonly tags: Map<string, string>
  /** Digests of the blobs this repository holds. */
  readonly blobs: Set<string>
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
  seq: number
  lastPushedAt: number
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
}): Store => ({
  accountId: options.accountId,
  region: options.region,
  now: options.now,
  repositories: new Map(),
  repositoryOrder: seqList(),
  blobs: new Map(),
  uploads: new Map(),
  replicationConfiguration: { rules: [] },
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

/** @internal Creates a repository; tags are applied as given (the caller validates them). */
export const createRepository = (
  store: Store,
  name: string,
  options: {
    readonly imageTagMutability?: TagMutability
    readonly tags?: ReadonlyArray<{ readonly Key: string; readonly Value: string }>
  }
): E.Either<StoreError, RepositoryRecord> => {
  if (store.repositories.has(name)) return E.left({ _tag: 'RepositoryAlreadyExists', name })
  const repo: RepositoryRecord = {
    name,
    seq: nextSeq(store),
    createdAt: store.now(),
    imageTagMutability: options.imageTagMutability ?? 'MUTABLE',
    resourceTags: new Map((options.tags ?? []).map((t) => [t.Key, t.Value] as const)),
    lifecyclePolicy: undefined,
    images: new Map(),
    order: seqList(),
    tags: new Map(),
    blobs: new Set()
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
// manifests
// -------------------------------------------------------------------------------------

/** @internal What the store needs to know of a manifest. */
export interface ManifestInfo {
  readonly mediaType: string
  readonly config: Descriptor | undefined
  readonly layers: ReadonlyArray<Descriptor>
  readonly children: ReadonlyArray<Descriptor>
  readonly artifactMediaType: string | undefined
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
  if (isIndexMediaType(mediaType)) {
    if (!Array.isArray(json.manifests)) return E.left('an index needs a manifests array')
    return E.map((children: ReadonlyArray<Descriptor>) => ({
      mediaType,
      config: undefined,
      layers: [],
      children,
      artifactMediaType: undefined
    }))(traverse(json.manifests, 'manifests', descriptorOf))
  }
  if (isManifestMediaType(mediaType)) {
    if (!Array.isArray(json.layers)) return E.left('a manifest needs a layers array')
    const config = descriptorOf(json.config, 'config')
    if (E.isLeft(config)) return config
    const layers = traverse(json.layers, 'layers', descriptorOf)
    if (E.isLeft(layers)) return layers
    const artifactType = typeof json.artifactType === 'string' ? json.artifactType : undefined
    return E.right({
      mediaType,
      config: config.right,
      layers: layers.right,
      children: [],
      artifactMediaType: artifactType ?? (config.right.mediaType === '' ? undefined : config.right.mediaType)
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
  if (existing !== undefined && (tag === undefined || tagged === digest))
    return E.left({ _tag: 'ImageAlreadyExists', digest, tag })
  if (tag !== undefined && tagged !== undefined && tagged !== digest && repo.imageTagMutability === 'IMMUTABLE')
    return E.left({ _tag: 'TagImmutable', tag, repositoryName: repo.name })
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
  const image: ImageRecord = {
    digest,
    manifest: text,
    mediaType: info.mediaType,
    artifactMediaType: info.artifactMediaType,
    pushedAt: nextPushedAt(store, pushedAt),
    seq: nextSeq(store),
    tags: new Set(),
    sizeInBytes,
    config: info.config,
    layers: info.layers,
    children,
    parents: new Set()
  }
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
