/**
 * What an image copy consists of: the manifests to push (each after the manifests it lists) and
 * the blobs they reference, read from the source registry by digest. An index narrowed to some
 * platforms is rewritten to list only their entries (a new index, with its own digest).
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import type { EcrLogin } from '../Env'
import * as EcrError from '../EcrError'
import * as Manifest from '../Manifest'
import type { ImageDigest, RepositoryName } from '../Primitives'
import * as t from 'io-ts'
import { decodeJson, struct } from './codec'
import { allBounded, DEFAULT_CONCURRENCY } from './concurrency'
import { getManifest, sizeMismatch, type RegistryHttpEnv } from './registry'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A manifest as fetched: its exact text, media type and digest, and its parsed form. */
export interface PlannedManifest {
  readonly digest: ImageDigest
  readonly mediaType: string
  readonly text: string
  readonly manifest: Manifest.Manifest
  /** 0 for an image manifest; for an index, one more than the highest of the manifests it lists. */
  readonly height: number
}

export interface Plan {
  /** What the tags will name: the source's manifest or index, or the narrowed index. */
  readonly top: PlannedManifest
  /** Every manifest once, lowest `height` first (so a manifest comes after those it lists); `top` last. */
  readonly manifests: ReadonlyArray<PlannedManifest>
  /** Config and layer blobs, each digest once, in first-seen order. */
  readonly blobs: ReadonlyArray<Manifest.Descriptor>
}

export type PlatformSelection = 'all' | ReadonlyArray<Manifest.Platform>

/** Indexes inside indexes are followed this deep (the top is depth 0). */
export const MAX_DEPTH = 4

// -------------------------------------------------------------------------------------
// pure parts
// -------------------------------------------------------------------------------------

/** A planned manifest from its text; `height` is 0 until the children are known. */
export const fromText = (text: string, mediaType: string, digest: ImageDigest): E.Either<EcrError.EcrError, PlannedManifest> =>
  pipe(
    Manifest.parse(text),
    E.map((manifest) => ({ digest, mediaType, text, manifest, height: 0 }))
  )

const DeclaredC = /*#__PURE__*/ struct('Manifest', {}, { mediaType: t.string })

/** The media type a manifest's JSON declares (`mediaType`), if any. */
export const declaredMediaType = (text: string): string | undefined =>
  pipe(
    decodeJson('Manifest', DeclaredC, text),
    E.match(
      () => undefined,
      (m) => (m.mediaType === '' ? undefined : m.mediaType)
    )
  )

const IndexC = /*#__PURE__*/ struct('Manifest', { manifests: /*#__PURE__*/ t.readonlyArray(t.unknown, 'an array') }, {})

const REFERENCE_DIGEST = 'vnd.docker.reference.digest'

/** The indentation a JSON text uses (`undefined` for compact JSON). */
const indentationOf = (text: string): string | number | undefined => {
  const m = /\n([ \t]+)"/.exec(text)
  return m?.[1]
}

/**
 * The entries of an index to keep for `platforms`: for each platform the entry
 * `Manifest.selectPlatform` picks, plus the attestations that refer to a kept entry
 * (annotation `vnd.docker.reference.digest`); in index order. A platform with no entry is
 * `NotFound('Image')`.
 */
export const selectEntries = (
  index: Manifest.Manifest,
  platforms: ReadonlyArray<Manifest.Platform>,
  label: string
): E.Either<EcrError.EcrError, ReadonlyArray<number>> => {
  const entries = Manifest.children(index)
  const picked = new Set<number>()
  for (const p of platforms) {
    const chosen = Manifest.selectPlatform(index, p)
    if (O.isNone(chosen)) {
      const offered = Manifest.platforms(index).map(Manifest.platformToString).join(', ') || 'none'
      return E.left(
        EcrError.notFound(
          'Image',
          `${label} for ${Manifest.platformToString(p)}`,
          `no ${Manifest.platformToString(p)} image in the index ${label} (platforms: ${offered})`
        )
      )
    }
    const at = entries.indexOf(chosen.value)
    picked.add(at >= 0 ? at : entries.findIndex((d) => d.digest === chosen.value.digest))
  }
  const keptDigests = new Set([...picked].map((i) => entries[i]?.digest))
  entries.forEach((d, i) => {
    const ref = d.annotations?.[REFERENCE_DIGEST]
    if (Manifest.isAttestation(d) && ref !== undefined && keptDigests.has(ref as ImageDigest)) picked.add(i)
  })
  return E.right([...picked].sort((a, b) => a - b))
}

/**
 * The index `top` narrowed to `platforms`: a new index listing only the selected entries (the
 * other fields and the key order kept), or `top` itself when every entry is kept or `top` is an
 * image manifest (one platform only: nothing to narrow).
 */
export const narrowIndex = (
  top: PlannedManifest,
  platforms: ReadonlyArray<Manifest.Platform>,
  label: string
): E.Either<EcrError.EcrError, PlannedManifest> => {
  if (!Manifest.isIndex(top.manifest)) return E.right(top)
  const entries = Manifest.children(top.manifest)
  return pipe(
    selectEntries(top.manifest, platforms, label),
    E.flatMap((keep) => {
      if (keep.length === entries.length) return E.right(top)
      return pipe(
        decodeJson('Manifest', IndexC, top.text),
        E.filterOrElse(
          (raw) => raw.manifests.length === entries.length,
          () => EcrError.decodeError('Manifest', ['/manifests: expected the entries the index was parsed with'])
        ),
        E.flatMap((raw) => {
          // the other fields of the index are kept, in their order: only `manifests` is replaced
          const text = JSON.stringify({ ...raw, manifests: keep.map((i) => raw.manifests[i]) }, null, indentationOf(top.text))
          return fromText(text, top.mediaType, Manifest.digest(text))
        }),
        E.map((m) => ({ ...m, height: top.height }))
      )
    })
  )
}

const FOREIGN = /(?:\.foreign\.|\.nondistributable\.)/

/** A layer registries do not store (a foreign / non-distributable layer with download URLs). */
export const isForeign = (d: Manifest.Descriptor): boolean => FOREIGN.test(d.mediaType) && (d.urls?.length ?? 0) > 0

/** The config and layer blobs of the image manifests, each digest once, foreign layers left out. */
export const blobsOf = (manifests: ReadonlyArray<Manifest.Manifest>): ReadonlyArray<Manifest.Descriptor> => {
  const seen = new Set<string>()
  const out: Array<Manifest.Descriptor> = []
  for (const m of manifests) {
    const config = Manifest.config(m)
    const all = [...(O.isSome(config) ? [config.value] : []), ...Manifest.layers(m)]
    for (const d of all) {
      if (seen.has(d.digest) || isForeign(d)) continue
      seen.add(d.digest)
      out.push(d)
    }
  }
  return out
}

/**
 * The entries of an index, each digest once (first-seen order), in one pass. Two entries with one
 * digest and different sizes cannot both tell the truth: a `DigestMismatch` (size mismatch).
 */
export const distinctEntries = (
  entries: ReadonlyArray<Manifest.Descriptor>
): E.Either<EcrError.EcrError, ReadonlyArray<Manifest.Descriptor>> => {
  const sizes = new Map<string, number>()
  const out: Array<Manifest.Descriptor> = []
  for (const d of entries) {
    const size = sizes.get(d.digest)
    if (size === undefined) {
      sizes.set(d.digest, d.size)
      out.push(d)
    } else if (size !== d.size) return E.left(sizeMismatch(d.digest, size, d.size))
  }
  return E.right(out)
}

/**
 * The config and layer descriptors of the image manifests, checked for agreement in one pass: two
 * descriptors of one digest with different sizes cannot both tell the truth, a `DigestMismatch`
 * (size mismatch); so the one blob copied (`blobsOf` keeps the first) is checked for all of them.
 */
export const consistentBlobSizes = (manifests: ReadonlyArray<Manifest.Manifest>): E.Either<EcrError.EcrError, void> => {
  const sizes = new Map<string, number>()
  for (const m of manifests) {
    const config = Manifest.config(m)
    for (const d of [...(O.isSome(config) ? [config.value] : []), ...Manifest.layers(m)]) {
      const size = sizes.get(d.digest)
      if (size === undefined) sizes.set(d.digest, d.size)
      else if (size !== d.size) return E.left(sizeMismatch(d.digest, size, d.size))
    }
  }
  return E.right(undefined)
}

/** Manifests in push order: lowest height first, then first-seen order; each digest once. */
export const pushOrder = (manifests: ReadonlyArray<PlannedManifest>): ReadonlyArray<PlannedManifest> => {
  const seen = new Set<string>()
  const unique = manifests.filter((m) => (seen.has(m.digest) ? false : (seen.add(m.digest), true)))
  return unique.map((m, i) => [m, i] as const).sort((a, b) => a[0].height - b[0].height || a[1] - b[1]).map(([m]) => m)
}

// -------------------------------------------------------------------------------------
// fetching
// -------------------------------------------------------------------------------------

interface Walked {
  /** The manifest with its height, and every manifest under it (post-order, itself last). */
  readonly self: PlannedManifest
  readonly all: ReadonlyArray<PlannedManifest>
}

type Source = RTE.ReaderTaskEither<RegistryHttpEnv & { readonly concurrency?: number }, EcrError.EcrError, Walked>

/**
 * A manifest an index lists, by digest from the source registry: its bytes checked against the
 * entry's digest and size (an entry that lies about either is a `DigestMismatch`).
 */
const fetchChild = (login: EcrLogin, repositoryName: RepositoryName, d: Manifest.Descriptor) =>
  (env: RegistryHttpEnv) =>
  async (): Promise<E.Either<EcrError.EcrError, PlannedManifest>> => {
    const got = await getManifest(login, repositoryName, d.digest, { expectedSize: d.size })(env)()
    return E.isLeft(got) ? got : fromText(got.right.text, got.right.mediaType, got.right.digest)
  }

const walk =
  (login: EcrLogin, repositoryName: RepositoryName, m: PlannedManifest, depth: number): Source =>
  (env) =>
  async () => {
    if (!Manifest.isIndex(m.manifest)) return E.right({ self: m, all: [m] })
    if (depth >= MAX_DEPTH)
      return E.left(EcrError.decodeError('Manifest', [`${m.digest}: indexes nested more than ${MAX_DEPTH} deep`]))
    const distinct = distinctEntries(Manifest.children(m.manifest))
    if (E.isLeft(distinct)) return distinct
    const children = await allBounded(env.concurrency ?? DEFAULT_CONCURRENCY)(
      distinct.right.map((d) => async (): Promise<E.Either<EcrError.EcrError, Walked>> => {
        const child = await fetchChild(login, repositoryName, d)(env)()
        return E.isLeft(child) ? child : walk(login, repositoryName, child.right, depth + 1)(env)()
      })
    )()
    if (E.isLeft(children)) return children
    const height = children.right.reduce((h, c) => Math.max(h, c.self.height + 1), 1)
    const self = { ...m, height }
    return E.right({ self, all: [...children.right.flatMap((c) => c.all), self] })
  }

/**
 * The plan for copying `top` (fetched from `repositoryName` at `login`): narrowed to `platforms`
 * unless `'all'`, the manifests an index lists fetched by digest (in parallel, at most
 * `env.concurrency`), each checked against its entry's digest and size, and the blobs they
 * reference (descriptors of one digest agreeing on its size). Linear in the number of entries
 * and descriptors: de-duplication is by `Set` / `Map`.
 */
export const plan =
  (
    login: EcrLogin,
    repositoryName: RepositoryName,
    top: PlannedManifest,
    platforms: PlatformSelection,
    label: string
  ): RTE.ReaderTaskEither<RegistryHttpEnv & { readonly concurrency?: number }, EcrError.EcrError, Plan> =>
  (env) =>
  async () => {
    const narrowed = platforms === 'all' ? E.right(top) : narrowIndex(top, platforms, label)
    if (E.isLeft(narrowed)) return narrowed
    const walked = await walk(login, repositoryName, narrowed.right, 0)(env)()
    if (E.isLeft(walked)) return walked
    const manifests = pushOrder(walked.right.all)
    const agreed = consistentBlobSizes(manifests.map((m) => m.manifest))
    if (E.isLeft(agreed)) return agreed
    return E.right({
      top: walked.right.self,
      manifests,
      blobs: blobsOf(manifests.map((m) => m.manifest))
    })
  }
