/**
 * The pure parts of `Sync.plan`: the source listing decoded (with the referrer fields ECR gives),
 * tag selection, the tag-schema fallback tags, the manifest graph walked level by level from the
 * manifests fetched so far, the destination's answers turned into actions, and the totals.
 *
 * @internal
 */
import type { DescribeImagesCommandOutput } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as t from 'io-ts'
import * as EcrError from '../EcrError'
import * as Manifest from '../Manifest'
import { ImageDigestC, isImageTag, type ImageDigest, type ImageTag } from '../Primitives'
import { decode, struct } from './codec'
import { blobsOf, declaredMediaType, fromText, MAX_DEPTH, narrowIndex, type PlannedManifest as Fetched, type PlatformSelection } from './imagePlan'
import type { Page } from './paginate'
import { sizeMismatch } from './registry'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One image of a repository listing (DescribeImages), with the referrer fields ECR fills. */
export interface Listed {
  readonly imageDigest: ImageDigest
  readonly imageTags: ReadonlyArray<string>
  readonly imageManifestMediaType?: string
  readonly artifactMediaType?: string
  /** The image this one refers to (an OCI 1.1 referrer's `subject`). */
  readonly subject?: ImageDigest
}

/** How referrers are selected: all, none, or those of some artifact types. */
export type ReferrerSelection = boolean | { readonly artifactTypes: ReadonlyArray<string> }

// -------------------------------------------------------------------------------------
// decoders
// -------------------------------------------------------------------------------------

const ListedC = /*#__PURE__*/ struct(
  'ImageDetail',
  { imageDigest: ImageDigestC },
  {
    imageTags: /*#__PURE__*/ t.readonlyArray(t.string, 'an array of strings'),
    imageManifestMediaType: t.string,
    artifactMediaType: t.string,
    subjectManifestDigest: ImageDigestC
  }
)

const ListingC = /*#__PURE__*/ struct(
  'DescribeImages',
  {},
  { imageDetails: /*#__PURE__*/ t.readonlyArray(ListedC, 'an array of image details'), nextToken: t.string }
)

/** DescribeImages: one page of images, with `subjectManifestDigest` and `artifactMediaType` kept. */
export const listing = (out: DescribeImagesCommandOutput): E.Either<EcrError.EcrError, Page<Listed>> =>
  pipe(
    decode('DescribeImages response', ListingC)(out),
    E.map((o) => ({
      items: (o.imageDetails ?? []).map(
        (d): Listed => ({
          imageDigest: d.imageDigest,
          imageTags: d.imageTags ?? [],
          ...(d.imageManifestMediaType === undefined ? {} : { imageManifestMediaType: d.imageManifestMediaType }),
          ...(d.artifactMediaType === undefined || d.artifactMediaType === '' ? {} : { artifactMediaType: d.artifactMediaType }),
          ...(d.subjectManifestDigest === undefined ? {} : { subject: d.subjectManifestDigest })
        })
      ),
      nextToken: o.nextToken === '' ? undefined : o.nextToken
    }))
  )

// -------------------------------------------------------------------------------------
// tags
// -------------------------------------------------------------------------------------

const FALLBACK_TAG = /^(sha256)-([0-9a-f]{64})$/

/** Whether a tag is a tag-schema fallback index (`sha256-<hex>`): never a user's tag. */
export const isFallbackTag = (tag: string): boolean => FALLBACK_TAG.test(tag)

/** The subject a fallback tag stands for (`sha256-<hex>` -> `sha256:<hex>`). */
export const subjectOfFallbackTag = (tag: string): O.Option<ImageDigest> => {
  const m = FALLBACK_TAG.exec(tag)
  return m === null ? O.none : O.some(`${m[1] ?? 'sha256'}:${m[2] ?? ''}` as ImageDigest)
}

/** Which tags to sync: every tag, these tags, or the tags a regular expression matches. */
export type TagSelection = 'all' | ReadonlyArray<string> | RegExp

/** A copy of `re` without the `g` and `y` flags, so `test` keeps no state between tags. */
const stateless = (re: RegExp): RegExp => new RegExp(re.source, re.flags.replace(/[gy]/g, ''))

/**
 * The images to copy, one per digest, with their selected tags (in listing order); fallback tags
 * are never selected. A listed tag that the repository does not have is `NotFound('Image')`, an
 * invalid one `InvalidArgument`.
 */
export const selectImages = (
  repositoryName: string,
  images: ReadonlyArray<Listed>,
  selection: TagSelection
): E.Either<EcrError.EcrError, ReadonlyArray<{ readonly digest: ImageDigest; readonly tags: ReadonlyArray<ImageTag> }>> => {
  const byTag = new Map<string, ImageDigest>()
  for (const image of images) for (const tag of image.imageTags) if (isImageTag(tag) && !isFallbackTag(tag)) byTag.set(tag, image.imageDigest)
  let chosen: ReadonlyArray<string>
  if (selection === 'all') chosen = [...byTag.keys()]
  else if (selection instanceof RegExp) {
    const re = stateless(selection)
    chosen = [...byTag.keys()].filter((tag) => re.test(tag))
  } else {
    const bad = selection.find((tag) => !isImageTag(tag) || isFallbackTag(tag))
    if (bad !== undefined) return E.left(EcrError.invalidArgument(`not a tag to sync: ${JSON.stringify(bad).slice(0, 140)}`))
    const missing = selection.find((tag) => !byTag.has(tag))
    if (missing !== undefined)
      return E.left(EcrError.notFound('Image', `${repositoryName}:${missing}`, `no active image is tagged ${repositoryName}:${missing}`))
    chosen = [...new Set(selection)]
  }
  const keep = new Set(chosen)
  const grouped = new Map<ImageDigest, Array<ImageTag>>()
  for (const [tag, digest] of byTag) {
    if (!keep.has(tag) || !isImageTag(tag)) continue
    const tags = grouped.get(digest) ?? []
    tags.push(tag)
    grouped.set(digest, tags)
  }
  return E.right([...grouped].map(([digest, tags]) => ({ digest, tags })))
}

// -------------------------------------------------------------------------------------
// the manifest graph
// -------------------------------------------------------------------------------------

/** What the walk learns from the source: the manifests fetched so far, and the referrer edges. */
export interface Graph {
  readonly fetched: ReadonlyMap<string, Fetched>
  /** Referrers by subject, from the listing (`subjectManifestDigest`). */
  readonly referrersOf: ReadonlyMap<string, ReadonlyArray<ImageDigest>>
  /** Fallback index (`sha256-<hex>` tag) by subject. */
  readonly fallbackOf: ReadonlyMap<string, ImageDigest>
}

/** A manifest of a copy: its digest, media type, size, and the descriptors it lists. */
export interface TreeManifest {
  readonly digest: ImageDigest
  readonly mediaType: string
  readonly size: number
  readonly manifest: Manifest.Manifest
}

/** A copy's tree: manifests in push order (children first), and its blobs (each once). */
export interface Tree {
  readonly manifests: ReadonlyArray<TreeManifest>
  readonly blobs: ReadonlyArray<Manifest.Descriptor>
}

export interface WalkedReferrer extends Tree {
  readonly subject: ImageDigest
  readonly digest: ImageDigest
  readonly mediaType: string
  readonly artifactType: string
}

export interface WalkedImage extends Tree {
  readonly sourceDigest: ImageDigest
  readonly digest: ImageDigest
  readonly mediaType: string
  readonly tags: ReadonlyArray<ImageTag>
  readonly referrers: ReadonlyArray<WalkedReferrer>
}

/** The bytes of a text, as a registry stores it. */
const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8')

/** A manifest fetched by digest from its text and the media type ECR reported (else the one it declares). */
export const fetchedOf = (digest: ImageDigest, text: string, mediaType: string | undefined): E.Either<EcrError.EcrError, Fetched> =>
  fromText(text, mediaType ?? declaredMediaType(text) ?? '', digest)

const treeManifest = (m: Fetched): TreeManifest => ({ digest: m.digest, mediaType: m.mediaType, size: byteLength(m.text), manifest: m.manifest })

/** The artifact type of a referrer: its `artifactType`, else its config's media type. */
export const artifactTypeOf = (m: Manifest.Manifest): string => {
  const declared = m._tag === 'OciManifest' || m._tag === 'OciIndex' ? m.artifactType : undefined
  if (declared !== undefined && declared !== '') return declared
  const config = Manifest.config(m)
  return O.isSome(config) ? config.value.mediaType : ''
}

const subjectDigestOf = (m: Manifest.Manifest): string | undefined =>
  m._tag === 'OciManifest' || m._tag === 'OciIndex' ? m.subject?.digest : undefined

const wanted = (selection: ReferrerSelection, artifactType: string): boolean =>
  selection === true || (selection !== false && selection.artifactTypes.includes(artifactType))

/**
 * Walks the graph from the selected images: the manifests each copy consists of (an index narrowed to
 * `platforms`), and the referrers of each image (recursively, those `referrers` selects). Digests
 * still to fetch are added to `missing`; the result is complete once `missing` stays empty. Child
 * manifests are checked against their entry's size; indexes nest at most `MAX_DEPTH` deep.
 */
export const walk = (
  graph: Graph,
  images: ReadonlyArray<{ readonly digest: ImageDigest; readonly tags: ReadonlyArray<ImageTag> }>,
  platforms: PlatformSelection,
  referrers: ReferrerSelection,
  repositoryName: string,
  missing: Set<ImageDigest>
): E.Either<EcrError.EcrError, ReadonlyArray<WalkedImage>> => {
  const need = (digest: ImageDigest): Fetched | undefined => {
    const m = graph.fetched.get(digest)
    if (m === undefined) missing.add(digest)
    return m
  }
  /** The manifests under `m` (itself last), or `undefined` while some are not fetched yet. */
  const tree = (m: Fetched, depth: number): E.Either<EcrError.EcrError, ReadonlyArray<TreeManifest> | undefined> => {
    if (!Manifest.isIndex(m.manifest)) return E.right([treeManifest(m)])
    if (depth >= MAX_DEPTH) return E.left(EcrError.decodeError('Manifest', [`${m.digest}: indexes nested more than ${MAX_DEPTH} deep`]))
    const out: Array<TreeManifest> = []
    let complete = true
    for (const d of Manifest.children(m.manifest)) {
      const child = need(d.digest)
      if (child === undefined) {
        complete = false
        continue
      }
      if (byteLength(child.text) !== d.size) return E.left(sizeMismatch(d.digest, d.size, byteLength(child.text)))
      const sub = tree(child, depth + 1)
      if (E.isLeft(sub)) return sub
      if (sub.right === undefined) complete = false
      else out.push(...sub.right)
    }
    if (!complete) return E.right(undefined)
    const seen = new Set<string>()
    const unique = out.filter((x) => (seen.has(x.digest) ? false : (seen.add(x.digest), true)))
    return E.right([...unique, treeManifest(m)])
  }
  const treeOf = (manifests: ReadonlyArray<TreeManifest>): Tree => ({ manifests, blobs: blobsOf(manifests.map((x) => x.manifest)) })

  /**
   * The referrers of `subject`, and theirs (recursively), while they can be known: `referrers`
   * selects by artifact type at the first level only (a copied SBOM keeps all its signatures), as
   * `replicateImage` does; `visited` holds what the image has already (each referrer once).
   */
  const referrersOf = (subject: ImageDigest, first: boolean, visited: Set<string>): E.Either<EcrError.EcrError, ReadonlyArray<WalkedReferrer>> => {
    if (referrers === false) return E.right([])
    const candidates = [...(graph.referrersOf.get(subject) ?? [])]
    const fallback = graph.fallbackOf.get(subject)
    if (fallback !== undefined) {
      const index = need(fallback)
      if (index !== undefined) for (const d of Manifest.children(index.manifest)) candidates.push(d.digest)
    }
    const out: Array<WalkedReferrer> = []
    for (const digest of candidates) {
      if (visited.has(digest)) continue
      const m = need(digest)
      if (m === undefined || subjectDigestOf(m.manifest) !== subject) continue
      const artifactType = artifactTypeOf(m.manifest)
      if (first && !wanted(referrers, artifactType)) continue
      visited.add(digest)
      const manifests = tree(m, 0)
      if (E.isLeft(manifests)) return manifests
      if (manifests.right !== undefined) out.push({ subject, digest, mediaType: m.mediaType, artifactType, ...treeOf(manifests.right) })
      const more = referrersOf(digest, false, visited)
      if (E.isLeft(more)) return more
      out.push(...more.right)
    }
    return E.right(out)
  }

  const out: Array<WalkedImage> = []
  for (const image of images) {
    const source = need(image.digest)
    if (source === undefined) continue
    const top = platforms === 'all' ? E.right(source) : narrowIndex(source, platforms, `${repositoryName}@${image.digest}`)
    if (E.isLeft(top)) return top
    const manifests = tree(top.right, 0)
    if (E.isLeft(manifests)) return manifests
    if (manifests.right === undefined) continue
    // the referrers of every manifest of the copy that is the source's: a narrowed index is new,
    // the referrers of the whole source index do not refer to it
    const subjects = manifests.right.filter((m) => m.digest !== top.right.digest || m.digest === image.digest).map((m) => m.digest)
    const visited = new Set<string>(subjects)
    const refs: Array<WalkedReferrer> = []
    for (const subject of subjects) {
      const found = referrersOf(subject, true, visited)
      if (E.isLeft(found)) return found
      refs.push(...found.right)
    }
    out.push({
      sourceDigest: image.digest,
      digest: top.right.digest,
      mediaType: top.right.mediaType,
      tags: image.tags,
      referrers: refs,
      ...treeOf(manifests.right)
    })
  }
  return E.right(out)
}
