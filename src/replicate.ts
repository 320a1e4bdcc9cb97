/**
 * Copying an image from one ECR repository to another, over the registry HTTP API (OCI
 * distribution): across accounts and regions, single-platform images and indexes alike.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import { identity, pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as TE from 'fp-ts/TaskEither'
import type { EcrEnv, EcrLogin, HttpEnv } from './Env'
import * as EcrError from './EcrError'
import * as Image from './Image'
import type { ImageRef } from './Image'
import * as ImageUri from './ImageUri'
import * as Manifest from './Manifest'
import { isImageTag, type ImageDigest, type ImageTag } from './Primitives'
import * as Repository from './Repository'
import type { RepositoryRef } from './Repository'
import { showValue } from './internal/codec'
import { allBounded, DEFAULT_CONCURRENCY } from './internal/concurrency'
import { copyBlobs, sameRegistry, type BlobStatus, type InFlight, type Side } from './internal/copyBlob'
import { declaredMediaType, fromText, plan, type Plan, type PlannedManifest } from './internal/imagePlan'
import { imageLabel } from './internal/images'
import { blobSizes } from './internal/layers'
import { getLogin } from './internal/login'
import { hasReferrersApi, listReferrers, putFallbackIndex } from './internal/referrers'
import { inRegion } from './internal/region'
import { getManifest, headManifest, putManifest, type RegistryHttpEnv } from './internal/registry'
import { dispatchingSmallRequests } from './internal/registryStream'
import { following } from './internal/signal'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What to copy, and where.
 * - `source`: an image (by digest), or an image URI (a tag is resolved with the source's ECR API).
 * - `destination`: the repository to copy into (it must exist, unless `createRepository`).
 * - `tags`: the tags to give the copy; default: the source image's tags.
 * - `platforms`: `'all'` (default) copies an index as it is; a list keeps only those platforms
 *   (see `replicateImage`). Ignored for a single-platform image.
 * - `referrers`: whether to copy the image's referrers (signatures, SBOMs, attestations), and
 *   theirs; `{ artifactTypes }` copies only the image's referrers of those types (and all of theirs).
 * - `createRepository`: create the destination repository when it is missing.
 * - `repositorySettings`: the settings of a repository `createRepository` creates, over the source's.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { ReplicateRequest } from 'ecr-fp-ts/replicate'
 * import { replicateImage } from 'ecr-fp-ts/replicate'
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * const pushed = twin.pushImage('app', { tag: 'v1' })
 * twin.createRepository('mirror')
 * const source = ImageUri.parse('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1')
 * const destination = Repository.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror')
 * assert.ok(E.isRight(pushed) && E.isRight(source) && E.isRight(destination))
 * const request: ReplicateRequest = { source: source.right, destination: destination.right, tags: ['copy'] }
 * replicateImage(request)({ source: twin.env, destination: twin.env })().then((r) => {
 *   assert.ok(E.isRight(r))
 *   assert.deepStrictEqual([...twin.tagsOf('mirror')], [['copy', pushed.right.imageDigest]])
 * })
 */
export interface ReplicateRequest {
  readonly source: ImageRef | ImageUri.ImageUri
  readonly destination: RepositoryRef
  readonly tags?: ReadonlyArray<string>
  readonly platforms?: 'all' | ReadonlyArray<Manifest.Platform>
  /** Default `true`: referrers are copied (recursively); `false`: none; `{ artifactTypes }`: the image's referrers of those types. */
  readonly referrers?: boolean | { readonly artifactTypes: ReadonlyArray<string> }
  /** Default `false`: a missing destination repository is `NotFound('Repository')`; `true`: it is created. */
  readonly createRepository?: boolean
  /**
   * With `createRepository`, settings for the new repository; what is not given is the source
   * repository's (tag mutability with its exclusions, encryption).
   */
  readonly repositorySettings?: Pick<Repository.CreateOptions, 'imageTagMutability' | 'encryption' | 'scanOnPush' | 'tags'>
}

/**
 * Each side's environment (they may be different accounts and regions), and who is told about the
 * copy's progress.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { ReplicateEnv } from 'ecr-fp-ts/replicate'
 * import { replicateImage } from 'ecr-fp-ts/replicate'
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const source = InMemoryEcr.make({ accountId: '111111111111', region: 'us-east-1' })
 * const destination = InMemoryEcr.make({ accountId: '222222222222', region: 'eu-west-1' })
 * source.pushImage('app', { tag: 'v1', layers: 3 })
 * destination.createRepository('app')
 * const copied: Array<string> = []
 * const env: ReplicateEnv = {
 *   source: source.env,
 *   destination: destination.env,
 *   onProgress: (p) => (p._tag === 'blob' && p.status === 'copied' ? copied.push(p.digest) : undefined)
 * }
 * const uri = ImageUri.parse('111111111111.dkr.ecr.us-east-1.amazonaws.com/app:v1')
 * const repo = Repository.fromUri('222222222222.dkr.ecr.eu-west-1.amazonaws.com/app')
 * assert.ok(E.isRight(uri) && E.isRight(repo))
 * replicateImage({ source: uri.right, destination: repo.right })(env)().then((r) => {
 *   assert.ok(E.isRight(r))
 *   assert.strictEqual(copied.length, 4) // the config and 3 layers
 *   assert.ok(copied.every((digest) => destination.hasBlob('app', digest)))
 * })
 */
export interface ReplicateEnv {
  readonly source: EcrEnv & HttpEnv
  readonly destination: EcrEnv & HttpEnv
  readonly onProgress?: (p: Progress) => void
  /**
   * Cancels the copy when aborted: no new request starts, requests in flight (streamed transfers
   * included) are aborted, and the result is an `AwsError` with code `Cancelled`. No tag is put
   * once it is aborted, so a cancelled copy never leaves a tag on an incomplete image.
   */
  readonly signal?: AbortSignal
}

/**
 * How a copy goes, phase by phase:
 * - `resolve`: the source image (by digest) and the tags the copy will get;
 * - `blobs`: how many blobs (configs and layers, each once) and their total size;
 * - `blob`: one blob's status: `exists` (the destination has it), `mounted` (same registry),
 *   `copying` (bytes so far, about every MiB, from 0 again when an upload is retried) or `copied`;
 * - `manifest`: a manifest `pushed` by digest, or found there (`exists`);
 * - `tag`: a tag `pushed`, or already on the digest (`exists`);
 * - `repository`: with `createRepository`, the destination repository `created`, or found (`exists`);
 * - `referrer`: a referrer of `subject` (its manifests, blobs and bytes) `pushed`, or found (`exists`);
 *   its blobs and manifests are not told one by one (`blobs` counts the image's only);
 * - `done`: the destination image, with counts.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { Progress } from 'ecr-fp-ts/replicate'
 * import { replicateImage } from 'ecr-fp-ts/replicate'
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1' })
 * twin.createRepository('mirror')
 * const uri = ImageUri.parse('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1')
 * const repo = Repository.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror')
 * assert.ok(E.isRight(uri) && E.isRight(repo))
 * const events: Array<Progress> = []
 * const env = { source: twin.env, destination: twin.env, onProgress: (p: Progress) => events.push(p) }
 * replicateImage({ source: uri.right, destination: repo.right })(env)().then(() => {
 *   const phases = events.map((p) => p._tag).filter((tag, i, all) => all.indexOf(tag) === i)
 *   assert.deepStrictEqual(phases, ['resolve', 'blobs', 'blob', 'manifest', 'tag', 'done'])
 * })
 */
export type Progress =
  | {
      readonly _tag: 'resolve'
      readonly source: ImageRef
      readonly destination: RepositoryRef
      readonly tags: ReadonlyArray<string>
    }
  | { readonly _tag: 'blobs'; readonly count: number; readonly bytes: number }
  | {
      readonly _tag: 'blob'
      readonly digest: ImageDigest
      readonly status: BlobStatus
      readonly bytes: number
      readonly total: number
    }
  | {
      readonly _tag: 'manifest'
      readonly digest: ImageDigest
      readonly mediaType: string
      readonly status: 'pushed' | 'exists'
    }
  | { readonly _tag: 'tag'; readonly tag: string; readonly digest: ImageDigest; readonly status: 'pushed' | 'exists' }
  | { readonly _tag: 'repository'; readonly repository: RepositoryRef; readonly status: 'created' | 'exists' }
  | {
      readonly _tag: 'referrer'
      readonly subject: ImageDigest
      readonly digest: ImageDigest
      readonly mediaType: string
      readonly artifactType?: string
      readonly status: 'pushed' | 'exists'
      /** Bytes of its blobs streamed from the source. */
      readonly bytes: number
    }
  | { readonly _tag: 'done'; readonly image: ImageRef; readonly summary: Summary }

/**
 * What a copy did.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { Progress, Summary } from 'ecr-fp-ts/replicate'
 * import { replicateImage } from 'ecr-fp-ts/replicate'
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const source = InMemoryEcr.make({ accountId: '111111111111' })
 * const destination = InMemoryEcr.make({ accountId: '222222222222' })
 * source.pushImage('app', { tag: 'v1', layers: 2 })
 * destination.createRepository('app')
 * const uri = ImageUri.parse('111111111111.dkr.ecr.us-east-1.amazonaws.com/app:v1')
 * const repo = Repository.fromUri('222222222222.dkr.ecr.us-east-1.amazonaws.com/app')
 * assert.ok(E.isRight(uri) && E.isRight(repo))
 * const summaries: Array<Summary> = []
 * const onProgress = (p: Progress) => (p._tag === 'done' ? summaries.push(p.summary) : undefined)
 * const copy = replicateImage({ source: uri.right, destination: repo.right })
 * copy({ source: source.env, destination: destination.env, onProgress })()
 *   .then(() => copy({ source: source.env, destination: destination.env, onProgress })())
 *   .then(() => {
 *     assert.deepStrictEqual(summaries.map((s) => [s.blobs.copied, s.blobs.exists, s.manifests.pushed, s.tags.exists]), [[3, 0, 1, 0], [0, 3, 0, 1]])
 *     assert.strictEqual(summaries[1]?.bytesCopied, 0)
 *   })
 */
export interface Summary {
  /** The image's blobs (its referrers' are not counted here). */
  readonly blobs: { readonly exists: number; readonly mounted: number; readonly copied: number }
  /** Bytes streamed from the source to the destination, the referrers' included. */
  readonly bytesCopied: number
  /** The image's manifests. */
  readonly manifests: { readonly exists: number; readonly pushed: number }
  /** The tags put on the copy. */
  readonly tags: { readonly exists: number; readonly pushed: number }
  /** Referrers (of the image, and theirs) found at the destination or pushed. */
  readonly referrers: { readonly exists: number; readonly pushed: number }
}

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Exhaustive case analysis of a `Progress` event.
 *
 * @category pattern matching
 * @since 0.1.0
 * @example
 * import { matchProgress, type Progress } from 'ecr-fp-ts/replicate'
 * import { isImageDigest } from 'ecr-fp-ts/Primitives'
 *
 * const line = matchProgress<string>({
 *   resolve: (p) => `copying ${p.source.imageDigest}`,
 *   blobs: (p) => `${p.count} blobs, ${p.bytes} bytes`,
 *   blob: (p) => `${p.digest} ${p.status}`,
 *   manifest: (p) => `manifest ${p.digest} ${p.status}`,
 *   tag: (p) => `tag ${p.tag} ${p.status}`,
 *   repository: (p) => `repository ${p.repository.repositoryName} ${p.status}`,
 *   referrer: (p) => `referrer ${p.artifactType ?? p.mediaType} ${p.status}`,
 *   done: (p) => `done: ${p.image.imageDigest}`
 * })
 * const p: Progress = { _tag: 'blobs', count: 3, bytes: 1024 }
 * assert.strictEqual(line(p), '3 blobs, 1024 bytes')
 * const digest = `sha256:${'5'.repeat(64)}`
 * assert.ok(isImageDigest(digest))
 * const signed: Progress = { _tag: 'referrer', subject: digest, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json', status: 'pushed', bytes: 0 }
 * assert.strictEqual(line(signed), 'referrer application/vnd.dev.cosign.artifact.sig.v1+json pushed')
 */
export const matchProgress =
  <R>(handlers: {
    readonly resolve: (p: Extract<Progress, { readonly _tag: 'resolve' }>) => R
    readonly blobs: (p: Extract<Progress, { readonly _tag: 'blobs' }>) => R
    readonly blob: (p: Extract<Progress, { readonly _tag: 'blob' }>) => R
    readonly manifest: (p: Extract<Progress, { readonly _tag: 'manifest' }>) => R
    readonly tag: (p: Extract<Progress, { readonly _tag: 'tag' }>) => R
    readonly repository: (p: Extract<Progress, { readonly _tag: 'repository' }>) => R
    readonly referrer: (p: Extract<Progress, { readonly _tag: 'referrer' }>) => R
    readonly done: (p: Extract<Progress, { readonly _tag: 'done' }>) => R
  }) =>
  (p: Progress): R => {
    switch (p._tag) {
      case 'resolve':
        return handlers.resolve(p)
      case 'blobs':
        return handlers.blobs(p)
      case 'blob':
        return handlers.blob(p)
      case 'manifest':
        return handlers.manifest(p)
      case 'tag':
        return handlers.tag(p)
      case 'repository':
        return handlers.repository(p)
      case 'referrer':
        return handlers.referrer(p)
      case 'done':
        return handlers.done(p)
    }
  }

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

type Program<A> = RTE.ReaderTaskEither<ReplicateEnv, EcrError.EcrError, A>

interface Logins {
  readonly source: EcrLogin
  readonly destination: EcrLogin
}

/** A side's environment, with the copy's signal for its registry requests. */
type SideEnv = EcrEnv & RegistryHttpEnv

const sideOf = (r: ReplicateEnv, side: 'source' | 'destination'): SideEnv =>
  r.signal === undefined ? r[side] : { ...r[side], signal: r.signal }

const onSource = <A>(rte: RTE.ReaderTaskEither<SideEnv, EcrError.EcrError, A>): Program<A> =>
  RTE.local((r: ReplicateEnv) => sideOf(r, 'source'))(rte)

const onDestination = <A>(rte: RTE.ReaderTaskEither<SideEnv, EcrError.EcrError, A>): Program<A> =>
  RTE.local((r: ReplicateEnv) => sideOf(r, 'destination'))(rte)

/** The error of a cancelled copy. */
const cancelledCopy = (): EcrError.EcrError =>
  EcrError.awsError('replicateImage', 'Cancelled', 'the copy was cancelled (its AbortSignal was aborted)', false)

const isCancelled = (r: ReplicateEnv): boolean => r.signal?.aborted === true

/** Fails with `cancelledCopy` once the copy's signal is aborted; nothing otherwise. */
const notCancelled: Program<void> = (r) => () => Promise.resolve(isCancelled(r) ? E.left(cancelledCopy()) : E.right(undefined))

/** Whatever went wrong, a copy whose signal is aborted answers `cancelledCopy`. */
const cancellable =
  <A>(program: Program<A>): Program<A> =>
  (r) =>
  async () => {
    if (isCancelled(r)) return E.left(cancelledCopy())
    const result = await program(r)()
    return E.isLeft(result) && isCancelled(r) ? E.left(cancelledCopy()) : result
  }

/** Tells `onProgress`; a callback that throws must not break the copy, so its throw is dropped. */
const tell = (r: ReplicateEnv, p: Progress): void => {
  try {
    r.onProgress?.(p)
  } catch {
    // the copy goes on
  }
}

const emit =
  (p: Progress): Program<void> =>
  (r) =>
    TE.fromIO(() => tell(r, p))

const repositoryOf = (ref: RepositoryRef): RepositoryRef => ({
  accountId: ref.accountId,
  region: ref.region,
  repositoryName: ref.repositoryName
})

/** The source image by digest: a digest URI or ref as it is, a tag URI resolved (one ECR call). */
const resolveSource = (source: ImageRef | ImageUri.ImageUri): Program<ImageRef> =>
  typeof source === 'string'
    ? onSource(Image.fromUri(source))
    : pipe(
        onSource(inRegion(source)),
        RTE.map(() => source)
      )

const resolveDestination = (destination: RepositoryRef): Program<RepositoryRef> =>
  pipe(
    onDestination(inRegion(destination)),
    RTE.map(() => destination)
  )

/** The tags given (checked, each once), else the source image's (one DescribeImages). */
const tagsFor = (source: ImageRef, tags: ReadonlyArray<string> | undefined): Program<ReadonlyArray<string>> => {
  if (tags === undefined) return onSource(Image.getTags(source))
  const bad = tags.find((t) => !isImageTag(t))
  return bad !== undefined
    ? RTE.left(EcrError.invalidArgument(`not a valid image tag: ${showValue(bad)}`))
    : RTE.right([...new Set(tags)])
}

const checkPlatforms = (platforms: ReplicateRequest['platforms']): E.Either<EcrError.EcrError, 'all' | ReadonlyArray<Manifest.Platform>> => {
  if (platforms === undefined || platforms === 'all') return E.right('all')
  return platforms.length === 0
    ? E.left(EcrError.invalidArgument(`platforms: expected 'all' or a non-empty list of platforms, got []`))
    : E.right(platforms)
}

/** The source's top manifest: from the ref when it carries the exact bytes, else a registry GET by digest. */
const topManifest = (source: ImageRef, login: EcrLogin): Program<PlannedManifest> => {
  const text = source.imageManifest
  if (text !== undefined && source.imageDigest.startsWith('sha256:') && Manifest.digest(text) === source.imageDigest) {
    const mediaType = source.imageManifestMediaType ?? declaredMediaType(text)
    if (mediaType !== undefined) return RTE.fromEither(fromText(text, mediaType, source.imageDigest))
  }
  return pipe(
    onSource(getManifest(login, source.repositoryName, source.imageDigest)),
    RTE.flatMapEither((m) => fromText(m.text, m.mediaType, m.digest))
  )
}

/** A 404 `NAME_UNKNOWN` at the destination: its repository does not exist. */
/** A missing destination repository, as the registry (404 `NAME_UNKNOWN`) or the ECR API says it, told as such. */
const destinationError =
  (destination: RepositoryRef) =>
  (e: EcrError.EcrError): EcrError.EcrError =>
    (e._tag === 'HttpError' && e.status === 404 && /NAME_UNKNOWN/.test(e.message)) ||
    (e._tag === 'NotFound' && e.resource === 'Repository' && e.id === destination.repositoryName)
      ? EcrError.notFound('Repository', destination.repositoryName, `the destination repository does not exist: ${destination.repositoryName}`)
      : e

const onDestinationRegistry = <A>(destination: RepositoryRef, rte: RTE.ReaderTaskEither<SideEnv, EcrError.EcrError, A>): Program<A> =>
  pipe(onDestination(rte), RTE.mapLeft(destinationError(destination)))

/** Runs programs at most `limit` at once; the first failure is the result once the others settled. */
const parallel =
  <A>(limit: number, programs: ReadonlyArray<Program<A>>): Program<ReadonlyArray<A>> =>
  (r) =>
    allBounded(limit)(programs.map((p): TE.TaskEither<EcrError.EcrError, A> => p(r)))

const concurrencyOf = (r: ReplicateEnv): number => r.destination.concurrency ?? DEFAULT_CONCURRENCY

/** One manifest by digest: HEAD first, PUT (the exact bytes and media type) when missing. */
const pushManifest = (destination: RepositoryRef, login: EcrLogin, m: PlannedManifest, quiet = false): Program<'pushed' | 'exists'> =>
  pipe(
    onDestinationRegistry(destination, headManifest(login, destination.repositoryName, m.digest)),
    RTE.flatMap(
      O.match(
        () =>
          pipe(
            onDestinationRegistry(destination, putManifest(login, destination.repositoryName, m.digest, m.text, m.mediaType)),
            RTE.map((): 'pushed' | 'exists' => 'pushed')
          ),
        (): Program<'pushed' | 'exists'> => RTE.right('exists')
      )
    ),
    RTE.tap((status) => (quiet ? RTE.right(undefined) : emit({ _tag: 'manifest', digest: m.digest, mediaType: m.mediaType, status })))
  )

/** Manifests by digest: every manifest of one height in parallel, lower heights first (`quiet`: no events). */
const pushManifests = (destination: RepositoryRef, login: EcrLogin, p: Plan, quiet = false): Program<ReadonlyArray<'pushed' | 'exists'>> => {
  const heights = [...new Set(p.manifests.map((m) => m.height))].sort((a, b) => a - b)
  return (r) => async () => {
    const out: Array<'pushed' | 'exists'> = []
    for (const h of heights) {
      const level = p.manifests.filter((m) => m.height === h)
      const done = await parallel(concurrencyOf(r), level.map((m) => pushManifest(destination, login, m, quiet)))(r)()
      if (E.isLeft(done)) return done
      out.push(...done.right)
    }
    return E.right(out)
  }
}

/**
 * One tag: nothing to do when it already names the digest (HEAD); else PUT the manifest under it.
 * A refused PUT with the tag on another digest (an immutable repository) is `AlreadyExists`.
 */
const pushTag = (destination: RepositoryRef, login: EcrLogin, top: PlannedManifest, tag: ImageTag): Program<'pushed' | 'exists'> => {
  const head = onDestinationRegistry(destination, headManifest(login, destination.repositoryName, tag))
  const taken = (e: EcrError.EcrError): Program<'pushed' | 'exists'> =>
    e._tag === 'HttpError' && (e.status === 400 || e.status === 409)
      ? pipe(
          head,
          RTE.flatMap(
            O.match(
              () => RTE.left(e),
              (h) =>
                h.digest === top.digest
                  ? RTE.right('exists' as const)
                  : RTE.left(
                      EcrError.alreadyExists(
                        'ImageTag',
                        `${destination.repositoryName}:${tag}`,
                        `the tag ${destination.repositoryName}:${tag} names ${h.digest} and cannot be moved to ${top.digest} (immutable tags)`
                      )
                    )
            )
          )
        )
      : RTE.left(e)
  return pipe(
    head,
    RTE.flatMap((current) =>
      O.isSome(current) && current.value.digest === top.digest
        ? RTE.right('exists' as const)
        : pipe(
            onDestinationRegistry(destination, putManifest(login, destination.repositoryName, tag, top.text, top.mediaType)),
            RTE.map(() => 'pushed' as const),
            RTE.orElse(taken)
          )
    ),
    RTE.tap((status) => emit({ _tag: 'tag', tag, digest: top.digest, status }))
  )
}

const count = <A extends string>(xs: ReadonlyArray<string>, x: A): number => xs.filter((y) => y === x).length

/** Blob copies, at most the destination's concurrency at once, with their events as `Progress` (`quiet`: none). */
const copyAll = (
  source: RepositoryRef,
  destination: RepositoryRef,
  logins: Logins,
  p: Plan,
  quiet = false
): Program<ReadonlyArray<Exclude<BlobStatus, 'copying'>>> =>
  pipe(
    RTE.ask<ReplicateEnv>(),
    RTE.flatMapTaskEither((r) => {
      const side = (env: SideEnv, login: EcrLogin, ref: RepositoryRef, mapError: (e: EcrError.EcrError) => EcrError.EcrError): Side => ({
        env,
        login,
        repositoryName: ref.repositoryName,
        sizes: (digests) => pipe(blobSizes(ref, digests)(env), TE.mapLeft(mapError))
      })
      return copyBlobs(
        {
          source: side(sideOf(r, 'source'), logins.source, source, identity),
          destination: side(sideOf(r, 'destination'), logins.destination, destination, destinationError(destination)),
          sameRegistry: sameRegistry(logins.source, logins.destination),
          onEvent: (e) => (quiet ? undefined : tell(r, { _tag: 'blob', ...e })),
          ...inFlightOf(r)
        },
        p.blobs,
        concurrencyOf(r)
      )
    }),
    RTE.mapLeft(destinationError(destination))
  )

/** Referrers of referrers are followed this deep (the image's own referrers are depth 0). */
const MAX_REFERRER_DEPTH = 4

interface ReferrerOutcome {
  readonly status: 'pushed' | 'exists'
  readonly bytes: number
}

/**
 * One referrer (found in the source's listing), as an untagged image by digest: nothing when the
 * destination has its manifest (HEAD); else its manifest fetched by digest (checked against the
 * listing's size), its blobs copied and its manifests pushed, the same steps as the image's.
 */
const copyReferrer = (source: RepositoryRef, destination: RepositoryRef, logins: Logins, subject: ImageDigest, referrer: Image.Referrer): Program<ReferrerOutcome> =>
  pipe(
    notCancelled,
    RTE.flatMap(() => onDestinationRegistry(destination, headManifest(logins.destination, destination.repositoryName, referrer.digest))),
    RTE.flatMap(
      O.match(
        (): Program<ReferrerOutcome> =>
          pipe(
            onSource(getManifest(logins.source, source.repositoryName, referrer.digest, { expectedSize: referrer.size })),
            RTE.flatMapEither((m) => fromText(m.text, m.mediaType, m.digest)),
            RTE.flatMap((top) => onSource(plan(logins.source, source.repositoryName, top, 'all', `${source.repositoryName}@${referrer.digest}`))),
            RTE.flatMap((p) =>
              pipe(
                copyAll(source, destination, logins, p, true),
                RTE.tap(() => notCancelled),
                RTE.tap(() => pushManifests(destination, logins.destination, p, true)),
                RTE.map((blobs) => ({
                  status: 'pushed' as const,
                  bytes: p.blobs.reduce((n, d, i) => (blobs[i] === 'copied' ? n + d.size : n), 0)
                }))
              )
            )
          ),
        (): Program<ReferrerOutcome> => RTE.right({ status: 'exists', bytes: 0 })
      )
    ),
    RTE.tap((o) =>
      emit({
        _tag: 'referrer',
        subject,
        digest: referrer.digest,
        mediaType: referrer.mediaType,
        ...(referrer.artifactType === undefined ? {} : { artifactType: referrer.artifactType }),
        status: o.status,
        bytes: o.bytes
      })
    )
  )

/**
 * The referrers of `subjects` (digests the destination now has), and theirs, level by level: at
 * each level the referrers of every subject are listed at the source (`artifactTypes` narrows the
 * first level only: a copied SBOM keeps all its signatures), each new digest copied once (a visited
 * set: no cycle, no repeat), then, at a destination without the referrers API (probed once, at the
 * first referrer), each subject's fallback index is merged with what was copied for it. Nothing is
 * sent for what the destination already has.
 */
const copyReferrers = (
  source: RepositoryRef,
  destination: RepositoryRef,
  logins: Logins,
  subjects: ReadonlyArray<ImageDigest>,
  artifactTypes: ReadonlyArray<string> | undefined
): Program<ReadonlyArray<ReferrerOutcome>> =>
  (r) => async () => {
    const limit = concurrencyOf(r)
    const visited = new Set<string>(subjects)
    const out: Array<ReferrerOutcome> = []
    let destinationApi: boolean | undefined
    let level = subjects
    for (let depth = 0; level.length > 0; depth++) {
      if (depth > MAX_REFERRER_DEPTH)
        return E.left(EcrError.decodeError('Manifest', [`referrers nested more than ${MAX_REFERRER_DEPTH + 1} deep under ${subjects.join(', ')}`]))
      const types = depth === 0 ? artifactTypes : undefined
      const listed = await parallel(
        limit,
        level.map((subject) =>
          pipe(
            onSource(listReferrers(logins.source, source.repositoryName, subject, types)),
            RTE.map((l) => ({ subject, referrers: l.referrers.filter((x) => !visited.has(x.digest)) }))
          )
        )
      )(r)()
      if (E.isLeft(listed)) return listed
      const found = listed.right.filter((l) => l.referrers.length > 0)
      if (found.length === 0) break
      const jobs: Array<Program<ReferrerOutcome>> = []
      const next: Array<ImageDigest> = []
      for (const l of found)
        for (const x of l.referrers) {
          if (visited.has(x.digest)) continue
          visited.add(x.digest)
          next.push(x.digest)
          jobs.push(copyReferrer(source, destination, logins, l.subject, x))
        }
      const copied = await parallel(limit, jobs)(r)()
      if (E.isLeft(copied)) return copied
      out.push(...copied.right)
      if (destinationApi === undefined) {
        const first = found[0]?.subject ?? subjects[0]
        if (first === undefined) break
        const probe = await onDestinationRegistry(destination, hasReferrersApi(logins.destination, destination.repositoryName, first))(r)()
        if (E.isLeft(probe)) return probe
        destinationApi = probe.right
      }
      if (!destinationApi) {
        const written = await parallel(
          limit,
          found.map((l) => onDestinationRegistry(destination, putFallbackIndex(logins.destination, destination.repositoryName, l.subject, l.referrers)))
        )(r)()
        if (E.isLeft(written)) return written
      }
      level = next
    }
    return E.right(out)
  }

/** What `request.referrers` asks for: `false` (none), or the artifact types of the first level (`undefined`: all). */
const referrerSelection = (referrers: ReplicateRequest['referrers']): false | { readonly artifactTypes: ReadonlyArray<string> | undefined } =>
  referrers === false ? false : { artifactTypes: referrers === undefined || referrers === true ? undefined : referrers.artifactTypes }

/**
 * The digests whose referrers the copy carries: every manifest pushed that is the source's (a
 * narrowed index is new: the source's referrers of the whole index do not apply to it).
 */
const subjectsOf = (source: ImageRef, p: Plan): ReadonlyArray<ImageDigest> =>
  p.manifests.filter((m) => m.digest !== p.top.digest || m.digest === source.imageDigest).map((m) => m.digest)

/** An encryption as it can be asked for in another account or region: a KMS key only where it exists. */
const carriedEncryption = (from: RepositoryRef, to: RepositoryRef, e: Repository.Encryption): Repository.Encryption =>
  e.type === 'AES256' || (from.accountId === to.accountId && from.region === to.region) ? e : { type: e.type }

/** The settings of a created destination: the request's, else the source repository's (one DescribeRepositories when needed). */
const settingsFor = (request: ReplicateRequest, source: RepositoryRef, destination: RepositoryRef): Program<Repository.CreateOptions> => {
  const asked = request.repositorySettings ?? {}
  if (asked.imageTagMutability !== undefined && asked.encryption !== undefined) return RTE.right(asked)
  return pipe(
    onSource(Repository.getSettings(source)),
    RTE.map((s) => ({
      ...asked,
      imageTagMutability: asked.imageTagMutability ?? s.tagMutability,
      encryption: asked.encryption ?? carriedEncryption(source, destination, s.encryption)
    }))
  )
}

/**
 * With `createRepository`, the destination repository, created when DescribeRepositories says it
 * is missing (with `settingsFor`); told as a `repository` event. Without it: nothing (a missing
 * destination is found at its first registry request, before any byte is sent).
 */
const ensureDestination = (request: ReplicateRequest, source: RepositoryRef, destination: RepositoryRef): Program<void> =>
  request.createRepository !== true
    ? RTE.right(undefined)
    : pipe(
        onDestination(Repository.getSettings(destination)),
        RTE.map((): 'created' | 'exists' => 'exists'),
        RTE.orElse((e) =>
          e._tag === 'NotFound' && e.resource === 'Repository'
            ? pipe(
                settingsFor(request, source, destination),
                RTE.flatMap((options) => onDestination(Repository.create(destination, options))),
                RTE.map((): 'created' | 'exists' => 'created')
              )
            : RTE.left(e)
        ),
        RTE.flatMap((status) => emit({ _tag: 'repository', repository: destination, status }))
      )

// -------------------------------------------------------------------------------------
// workflows
// -------------------------------------------------------------------------------------

/**
 * Copies an image into another repository, possibly in another account and region, over the
 * registry HTTP API with each side's ECR login; each side uses its own environment (`source`,
 * `destination`), each with its region guard.
 *
 * - The source is an image ref or image URI; a tag is resolved with the source's ECR API (one
 *   call). Without `tags`, the copy gets the source image's tags (one DescribeImages).
 * - Blobs (configs and layers, each once) are checked at the destination first (one
 *   BatchCheckLayerAvailability per 100, not a HEAD each) and skipped when there; those it lacks
 *   are checked at the source the same way (their sizes confirmed); then mounted when both sides are one registry (falling back to a copy when the registry
 *   will not mount); else streamed from the source GET into the destination PUT, never held
 *   whole in memory, the digest and size checked on the way (a mismatch aborts the upload before
 *   its last byte: `DigestMismatch`, nothing committed). At most `destination.concurrency`
 *   (default 8) at once; transient failures are retried per request.
 * - Then manifests, by digest, with the exact bytes and media type fetched (so their digests are
 *   the source's): the manifests an index lists before the index. Then the referrers (below), then
 *   the tags. So a failure at any point leaves no destination tag on an incomplete image (nor on
 *   one whose signatures are missing), and running the copy again finishes it, sending nothing the
 *   destination already has.
 * - Referrers (OCI 1.1 artifacts whose `subject` is a manifest copied: signatures, SBOMs,
 *   attestations), unless `referrers: false`: listed at the source (its referrers API, else the
 *   tag-schema fallback index `sha256-<hex>`), and theirs, recursively (4 levels under the image's
 *   own, each digest once); each copied as an untagged image by digest, through the same steps
 *   (blobs checked first, manifests HEAD before PUT). `{ artifactTypes }` narrows the image's own
 *   referrers (a copied SBOM keeps all of its signatures). With `platforms` narrowing an index,
 *   the referrers of each platform image kept are copied (the new index has none at the source).
 *   A destination without the referrers API (one GET tells, at the first referrer) gets each
 *   subject's fallback index, merged by digest with the one there: existing entries are kept, and
 *   nothing is sent when nothing is new. Told as `referrer` events; counted in `summary.referrers`.
 * - `createRepository: true`: before anything is read from the source registry, a DescribeRepositories
 *   at the destination; a missing repository is created with the source repository's tag mutability
 *   (exclusions included) and encryption, or `repositorySettings` (a KMS key is carried only within
 *   one account and region; elsewhere ECR's managed key of that type is used). Without it, a missing
 *   destination is `NotFound('Repository')` at its first blob check, before any blob is read or
 *   sent.
 * - A tag already on the digest is left alone (even when immutable); a tag on another digest in
 *   an immutable repository is `AlreadyExists('ImageTag')`.
 * - `platforms` (a list) narrows an index to those platforms (and the attestations that refer to
 *   them): the copy is a new index, so its digest differs from the source's. A platform the index
 *   does not have is `NotFound('Image')`. A single-platform image is copied as it is.
 *
 * - Every manifest and blob fetched is checked against its descriptor's digest and size (an index
 *   child against its entry, configs and layers against the manifest; blob sizes are confirmed with
 *   ECR's BatchCheckLayerAvailability before any blob is sent): a lying descriptor is a `DigestMismatch` before anything is
 *   pushed.
 * - Each side's `limiter` (`Env.make` gives one of `concurrency` permits) bounds what the copy has
 *   in flight there, with everything else running through that environment.
 * - `signal` (in the environment) cancels: no new request, requests in flight aborted, an
 *   `AwsError` with code `Cancelled`, and no tag put.
 *
 * The result is the destination image: the source's digest, or the narrowed index's.
 *
 * @category workflows
 * @since 0.1.0
 * @example
 * import { replicateImage, type Progress } from 'ecr-fp-ts/replicate'
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const source = InMemoryEcr.make({ accountId: '111111111111', region: 'us-east-1' })
 * const destination = InMemoryEcr.make({ accountId: '222222222222', region: 'eu-west-1' })
 * const pushed = source.pushImage('app', {
 *   tag: 'v1',
 *   platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }]
 * })
 * destination.createRepository('mirror/app')
 *
 * const uri = ImageUri.parse('111111111111.dkr.ecr.us-east-1.amazonaws.com/app:v1')
 * const repo = Repository.fromUri('222222222222.dkr.ecr.eu-west-1.amazonaws.com/mirror/app')
 * assert.ok(E.isRight(pushed) && E.isRight(uri) && E.isRight(repo))
 *
 * const events: Array<Progress> = []
 * replicateImage({ source: uri.right, destination: repo.right })({
 *   source: source.env,
 *   destination: destination.env,
 *   onProgress: (p) => events.push(p)
 * })().then((r) => {
 *   assert.deepStrictEqual(E.map((ref: { imageDigest: string }) => ref.imageDigest)(r), E.right(pushed.right.imageDigest))
 *   assert.strictEqual(destination.tagsOf('mirror/app').get('v1'), pushed.right.imageDigest)
 *   assert.strictEqual(events[events.length - 1]._tag, 'done')
 * })
 */
export const replicateImage =
  (request: ReplicateRequest): RTE.ReaderTaskEither<ReplicateEnv, EcrError.EcrError, ImageRef> =>
  (r) =>
  () =>
    following(r.signal, (signal) => cancellable(copy(request))(prepared(r, signal))())

/**
 * The copy's environment: both sides with their small registry requests through their dispatchers
 * when their `fetch` is the built-in one (a copy loads undici for its blobs anyway), the copy's
 * own signal (following the caller's), and the transfers in flight it shares (a sync's, else its own).
 */
const prepared = (r: ReplicateEnv, signal: AbortSignal | undefined): ReplicateEnv => {
  const out: ReplicateEnv = {
    ...r,
    source: dispatchingSmallRequests(r.source),
    destination: dispatchingSmallRequests(r.destination),
    ...(signal === undefined ? {} : { signal })
  }
  // the image's blobs and its referrers' (copied concurrently, often sharing a config) go through
  // one memo: a blob one of them is sending is waited for by the others, not uploaded twice at once
  sharedTransfers.set(out, sharedTransfers.get(r) ?? new Map())
  return out
}

/** Before anything is sent: the request checked, both sides resolved, the destination ensured, the logins and the plan. */
const prepare = (request: ReplicateRequest) =>
  pipe(
    RTE.Do,
    RTE.apS('platforms', RTE.fromEither(checkPlatforms(request.platforms))),
    RTE.apS('destination', resolveDestination(request.destination)),
    RTE.bind('source', () => resolveSource(request.source)),
    RTE.bind('tags', ({ source }) => tagsFor(source, request.tags)),
    RTE.tap(({ source, destination }) => ensureDestination(request, repositoryOf(source), destination)),
    RTE.tap(({ source, destination, tags }) =>
      emit({ _tag: 'resolve', source: { ...repositoryOf(source), imageDigest: source.imageDigest }, destination, tags })
    ),
    RTE.bind('logins', ({ source, destination }) =>
      pipe(
        RTE.Do,
        RTE.apS('source', onSource(getLogin(source))),
        RTE.apS('destination', onDestination(getLogin(destination)))
      )
    ),
    RTE.bind('plan', ({ source, logins, platforms }) =>
      pipe(
        topManifest(source, logins.source),
        RTE.flatMap((top) => onSource(plan(logins.source, source.repositoryName, top, platforms, imageLabel(source, { imageDigest: source.imageDigest }))))
      )
    )
  )

const copy = (request: ReplicateRequest): Program<ImageRef> =>
  pipe(
    prepare(request),
    RTE.tap(({ plan }) => emit({ _tag: 'blobs', count: plan.blobs.length, bytes: plan.blobs.reduce((n, d) => n + d.size, 0) })),
    RTE.tap(() => notCancelled),
    RTE.bind('blobs', ({ source, destination, logins, plan }) => copyAll(source, destination, logins, plan)),
    RTE.tap(() => notCancelled),
    RTE.bind('manifests', ({ destination, logins, plan }) => pushManifests(destination, logins.destination, plan)),
    RTE.tap(() => notCancelled),
    RTE.bind('referrers', ({ source, destination, logins, plan }) => {
      const selection = referrerSelection(request.referrers)
      return selection === false
        ? RTE.right<ReplicateEnv, EcrError.EcrError, ReadonlyArray<ReferrerOutcome>>([])
        : copyReferrers(repositoryOf(source), destination, logins, subjectsOf(source, plan), selection.artifactTypes)
    }),
    RTE.tap(() => notCancelled),
    RTE.bind('tagged', ({ destination, logins, plan, tags }) => (r: ReplicateEnv) =>
      parallel(concurrencyOf(r), tags.filter(isImageTag).map((tag) => pushTag(destination, logins.destination, plan.top, tag)))(r)
    ),
    RTE.map(({ destination, plan, blobs, manifests, tagged, referrers }) => {
      const image: ImageRef = {
        ...destination,
        imageDigest: plan.top.digest,
        imageManifest: plan.top.text,
        imageManifestMediaType: plan.top.mediaType
      }
      const summary: Summary = {
        blobs: { exists: count(blobs, 'exists'), mounted: count(blobs, 'mounted'), copied: count(blobs, 'copied') },
        bytesCopied: plan.blobs.reduce((n, d, i) => (blobs[i] === 'copied' ? n + d.size : n), 0) + referrers.reduce((n, o) => n + o.bytes, 0),
        manifests: { exists: count(manifests, 'exists'), pushed: count(manifests, 'pushed') },
        tags: { exists: count(tagged, 'exists'), pushed: count(tagged, 'pushed') },
        referrers: {
          exists: count(referrers.map((o) => o.status), 'exists'),
          pushed: count(referrers.map((o) => o.status), 'pushed')
        }
      }
      return { image, summary }
    }),
    RTE.tap(({ image, summary }) => emit({ _tag: 'done', image, summary })),
    RTE.map(({ image }) => image)
  )

// -------------------------------------------------------------------------------------
// sharing blob transfers between copies
// -------------------------------------------------------------------------------------

/**
 * The blob transfers in flight, by the environment a copy runs with (one `prepared` made, so a
 * user's environment never has one): the copy's own, or those of a whole sync
 * (`replicateImageSharing`).
 */
const sharedTransfers = new WeakMap<ReplicateEnv, InFlight>()

/** The `inFlight` field of `copyBlobs` for a copy's environment, if it shares transfers. */
function inFlightOf(r: ReplicateEnv): { readonly inFlight?: InFlight } {
  const inFlight = sharedTransfers.get(r)
  return inFlight === undefined ? {} : { inFlight }
}

/**
 * `replicateImage`, with the blob transfers in flight shared with the other copies given the same
 * `inFlight`: a blob one copy is sending into the destination is waited for by the others, not
 * sent again. For `Sync.apply`, which copies a repository's images concurrently.
 *
 * @internal
 */
export const replicateImageSharing =
  (request: ReplicateRequest, inFlight: InFlight): RTE.ReaderTaskEither<ReplicateEnv, EcrError.EcrError, ImageRef> =>
  (r) => {
    const env: ReplicateEnv = { ...r }
    sharedTransfers.set(env, inFlight)
    return replicateImage(request)(env)
  }
