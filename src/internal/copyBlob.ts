/**
 * Copies blobs from one registry repository to another: skipped when the destination has the
 * blob (HEAD), mounted when both are the same registry, else streamed from a source GET into a
 * destination PUT (both through each side's undici dispatcher, never held whole in memory), the
 * digest and size checked on the way. Every descriptor's size is confirmed (a HEAD at the
 * destination, else at the source) before any blob is sent. A retried upload opens the source
 * again.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type * as TE from 'fp-ts/TaskEither'
import { pipeline, Transform, type TransformCallback } from 'node:stream'
import type { EcrLogin } from '../Env'
import * as EcrError from '../EcrError'
import type { Descriptor } from '../Manifest'
import type { ImageDigest, RepositoryName } from '../Primitives'
import { traverseTE } from './concurrency'
import { acquireAll, held } from './limiter'
import { loginRedactor } from './redact'
import { headBlob, mountBlob, sizeMismatch, type RegistryHttpEnv } from './registry'
import { openBlob, streamError, uploadBlob } from './registryStream'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** `copying` is reported while bytes flow; the others are final. */
export type BlobStatus = 'exists' | 'mounted' | 'copying' | 'copied'

export interface BlobEvent {
  readonly digest: ImageDigest
  readonly status: BlobStatus
  /** Bytes sent so far (of this attempt) for `copying`; `total` for the final statuses. */
  readonly bytes: number
  readonly total: number
}

/**
 * The sizes of the blobs of `digests` a repository has (absent: it lacks them; `undefined`: it has
 * them, size not told), asked in bulk.
 */
export type BlobSizes = (digests: ReadonlyArray<ImageDigest>) => TE.TaskEither<EcrError.EcrError, ReadonlyMap<string, number | undefined>>

/** One side of a copy: the registry (a login), the repository, and the HTTP environment to reach it. */
export interface Side {
  readonly env: RegistryHttpEnv
  readonly login: EcrLogin
  readonly repositoryName: RepositoryName
  /** Blob checks in bulk (ECR's BatchCheckLayerAvailability); without it, a HEAD per blob. */
  readonly sizes?: BlobSizes
}

export interface CopyBlobs {
  readonly source: Side
  readonly destination: Side
  /** Both sides are one registry: blobs are mounted across repositories. */
  readonly sameRegistry: boolean
  readonly onEvent?: (e: BlobEvent) => void
  /** `copying` events at most once per this many bytes (default 1 MiB). */
  readonly reportEvery?: number
  /**
   * Transfers in flight into the destination, by digest, shared by concurrent copies (of one sync):
   * a blob another copy is sending is waited for, not sent again (`exists` once it is there).
   */
  readonly inFlight?: InFlight
}

/** Blob transfers in flight, by digest: what each will end as. */
export type InFlight = Map<string, Promise<E.Either<EcrError.EcrError, 'mounted' | 'copied'>>>

export const REPORT_EVERY = 1024 * 1024

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** The origin of a registry endpoint, or `undefined` when it is not a URL. */
export const originOf = (endpoint: string): string | undefined => {
  try {
    return new URL(endpoint).origin
  } catch {
    return undefined
  }
}

/** Whether two logins are for the same registry (the same `proxyEndpoint` origin). */
export const sameRegistry = (a: EcrLogin, b: EcrLogin): boolean => {
  const x = originOf(a.proxyEndpoint)
  return x !== undefined && x === originOf(b.proxyEndpoint)
}

/**
 * A pass-through that counts bytes and calls `report` when at least `every` more bytes have gone
 * by since the last call (and never for the same count twice).
 */
export const countingStream = (every: number, report: (bytes: number) => void): Transform => {
  let seen = 0
  let reported = 0
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback) {
      seen += chunk.length
      if (seen - reported >= every) {
        reported = seen
        report(seen)
      }
      callback(null, chunk)
    }
  })
}

const SOURCE_FAILED = 'ERR_REPLICATE_SOURCE_FAILED'

/** The registry URL of a blob, for error messages. */
const blobUrlOf = (side: Side, digest: string): string =>
  `${side.login.proxyEndpoint.replace(/\/+$/, '')}/v2/${side.repositoryName}/blobs/${digest}`

const safely = (f: (() => void) | undefined): void => {
  try {
    f?.()
  } catch {
    // a progress callback that throws must not break the copy
  }
}

// -------------------------------------------------------------------------------------
// copying
// -------------------------------------------------------------------------------------

/** A side whose requests take no permit of its limiter (the copy holds them already). */
const holding = (side: Side): Side =>
  side.env.limiter === undefined ? side : { ...side, env: { ...side.env, limiter: held(side.env.limiter) } }

/**
 * Streams one blob: source GET -> digest/size check -> destination PUT. The two requests are in
 * flight together, so the copy takes a permit of each side's limiter at once before either starts
 * (two of one limiter when both sides share it, clamped to its capacity): at any capacity, a
 * copy never holds half of what it needs while waiting for the rest.
 */
const stream = (c: CopyBlobs, d: Descriptor): TE.TaskEither<EcrError.EcrError, void> => async () => {
  const signal = c.destination.env.signal ?? c.source.env.signal
  const permits = await acquireAll([c.source.env.limiter, c.destination.env.limiter], signal)
  if (E.isLeft(permits)) return E.left(EcrError.httpError('PUT', blobUrlOf(c.destination, d.digest), 0, permits.left.message))
  try {
    return await streamHolding({ ...c, source: holding(c.source), destination: holding(c.destination) }, d)()
  } finally {
    permits.right()
  }
}

const streamHolding = (c: CopyBlobs, d: Descriptor): TE.TaskEither<EcrError.EcrError, void> => async () => {
  const every = c.reportEvery ?? REPORT_EVERY
  const event = (bytes: number) =>
    safely(c.onEvent && (() => c.onEvent?.({ digest: d.digest, status: 'copying', bytes, total: d.size })))
  // the source error of the latest attempt: it, not the PUT it broke, is the copy's error
  let sourceFailure: EcrError.EcrError | undefined
  const open = () => {
    sourceFailure = undefined
    event(0)
    const counter = countingStream(every, event)
    void openBlob(c.source.login, c.source.repositoryName, d.digest, { verify: false, expectedSize: d.size })(c.source.env)().then(
      (opened) => {
        if (E.isLeft(opened)) {
          sourceFailure = opened.left
          counter.destroy(Object.assign(new Error(EcrError.message(opened.left)), { code: SOURCE_FAILED }))
          return
        }
        if (counter.destroyed) {
          opened.right.body.destroy()
          return
        }
        const body = opened.right.body
        body.once('error', (e: unknown) => {
          // a download that breaks off: the source's failure, not the upload's it cut short
          if (!counter.destroyed) sourceFailure = streamError(e, blobUrlOf(c.source, d.digest), loginRedactor(c.source.login).text)
        })
        pipeline(body, counter, () => undefined)
      },
      () => counter.destroy(Object.assign(new Error('the source could not be opened'), { code: SOURCE_FAILED }))
    )
    return counter
  }
  const put = await uploadBlob(c.destination.login, c.destination.repositoryName, d.digest, open, d.size)(c.destination.env)()
  if (E.isLeft(put)) return E.left(put.left._tag === 'DigestMismatch' ? put.left : (sourceFailure ?? put.left))
  return E.right(undefined)
}

/**
 * What a copy of `d` needs, found before anything is sent: `exists` when the destination has the
 * blob (at the descriptor's size), else `missing` once the source has it at the descriptor's size
 * (a HEAD on each side). A size that differs on either side is a `DigestMismatch` (size mismatch);
 * a source without the blob is `NotFound('Layer')`.
 */
/** `found` when a side has `d` at its descriptor's size (or did not tell the size), else a size mismatch. */
const atSize = <A>(d: Descriptor, size: number | undefined, found: A): E.Either<EcrError.EcrError, A> =>
  size === undefined || size === d.size ? E.right(found) : E.left(sizeMismatch(d.digest, d.size, size))

/** The source lacks `d`. */
const sourceLacks = (c: CopyBlobs, d: Descriptor): EcrError.EcrError => EcrError.notFound('Layer', `${c.source.repositoryName}@${d.digest}`)

const check =
  (c: CopyBlobs, d: Descriptor): TE.TaskEither<EcrError.EcrError, 'exists' | 'missing'> =>
  async () => {
    const head = await headBlob(c.destination.login, c.destination.repositoryName, d.digest)(c.destination.env)()
    if (E.isLeft(head)) return head
    if (O.isSome(head.right)) return atSize(d, head.right.value, 'exists' as const)
    const there = await headBlob(c.source.login, c.source.repositoryName, d.digest)(c.source.env)()
    if (E.isLeft(there)) return there
    return O.isNone(there.right) ? E.left(sourceLacks(c, d)) : atSize(d, there.right.value, 'missing' as const)
  }

/** Sends a blob the destination lacks: mounted when both sides are one registry and it will, else streamed. */
const transfer =
  (c: CopyBlobs, d: Descriptor): TE.TaskEither<EcrError.EcrError, 'mounted' | 'copied'> =>
  async () => {
    if (c.sameRegistry && c.source.repositoryName !== c.destination.repositoryName) {
      const mounted = await mountBlob(c.destination.login, c.destination.repositoryName, d.digest, c.source.repositoryName)(
        c.destination.env
      )()
      if (E.isLeft(mounted)) return mounted
      if (mounted.right) return E.right('mounted')
    }
    const copied = await stream(c, d)()
    return E.isLeft(copied) ? copied : E.right('copied')
  }

/**
 * `transfer`, once per digest across the copies sharing `c.inFlight`: a blob already in flight is
 * waited for (`exists` when it made it; when it failed, this copy sends it itself).
 */
const transferOnce =
  (c: CopyBlobs, d: Descriptor): TE.TaskEither<EcrError.EcrError, Exclude<BlobStatus, 'copying'>> =>
  async () => {
    const inFlight = c.inFlight
    if (inFlight === undefined) return transfer(c, d)()
    const running = inFlight.get(d.digest)
    if (running !== undefined && E.isRight(await running)) return E.right('exists')
    const mine = transfer(c, d)()
    inFlight.set(d.digest, mine)
    return mine
  }

const tellDone = (c: CopyBlobs, d: Descriptor, status: Exclude<BlobStatus, 'copying'>): void =>
  safely(c.onEvent && (() => c.onEvent?.({ digest: d.digest, status, bytes: d.size, total: d.size })))

/**
 * Copies one blob and tells how: `exists` (the destination has it), `mounted` or `copied`.
 * Events: `copying` as bytes flow (from 0 again on a retry), then the final status. The
 * descriptor's size is checked against what the destination has, what the source has (before
 * anything is sent), what the source sends and what is uploaded: a descriptor that lies about it
 * is a `DigestMismatch` (size mismatch).
 */
export const copyBlob =
  (c: CopyBlobs, d: Descriptor): TE.TaskEither<EcrError.EcrError, Exclude<BlobStatus, 'copying'>> =>
  async () => {
    const needed = await check(c, d)()
    if (E.isLeft(needed)) return needed
    const status = needed.right === 'exists' ? E.right('exists' as const) : await transfer(c, d)()
    if (E.isRight(status)) tellDone(c, d, status.right)
    return status
  }

/** `check`'s verdict on `d` from what each side said it has (`sizes`), the same rules. */
const verdict = (
  c: CopyBlobs,
  d: Descriptor,
  there: ReadonlyMap<string, number | undefined>,
  atSource: ReadonlyMap<string, number | undefined>
): E.Either<EcrError.EcrError, 'exists' | 'missing'> => {
  if (there.has(d.digest)) return atSize(d, there.get(d.digest), 'exists' as const)
  return atSource.has(d.digest) ? atSize(d, atSource.get(d.digest), 'missing' as const) : E.left(sourceLacks(c, d))
}

/**
 * Every blob checked before any is sent: in bulk when both sides can (the destination asked for all
 * of them, the source for those the destination lacks), else a HEAD or two per blob (`check`).
 */
const checkAll =
  (c: CopyBlobs, blobs: ReadonlyArray<Descriptor>, limit: number): TE.TaskEither<EcrError.EcrError, ReadonlyArray<'exists' | 'missing'>> =>
  async () => {
    const there = c.destination.sizes
    const source = c.source.sizes
    if (there === undefined || source === undefined || blobs.length === 0) return traverseTE(limit)((d: Descriptor) => check(c, d))(blobs)()
    const found = await there(blobs.map((d) => d.digest))()
    if (E.isLeft(found)) return found
    const lacking = blobs.filter((d) => !found.right.has(d.digest)).map((d) => d.digest)
    const atSource = lacking.length === 0 ? E.right(new Map<string, number | undefined>()) : await source(lacking)()
    if (E.isLeft(atSource)) return atSource
    const out: Array<'exists' | 'missing'> = []
    for (const d of blobs) {
      const v = verdict(c, d, found.right, atSource.right)
      if (E.isLeft(v)) return v
      out.push(v.right)
    }
    return E.right(out)
  }

/**
 * Copies blobs, at most `limit` at once, in two rounds: every blob is checked first (`exists`, or
 * missing with the descriptor's size confirmed at the source; in bulk when both sides have `sizes`),
 * so a lying descriptor is a `Left` before any byte is sent; then the missing ones are sent. In each
 * round the first failure stops new work from starting; the result comes once the running work has
 * settled.
 */
export const copyBlobs =
  (
    c: CopyBlobs,
    blobs: ReadonlyArray<Descriptor>,
    limit: number
  ): TE.TaskEither<EcrError.EcrError, ReadonlyArray<Exclude<BlobStatus, 'copying'>>> =>
  async () => {
    const needed = await checkAll(c, blobs, limit)()
    if (E.isLeft(needed)) return needed
    return traverseTE(limit)(
      (d: Descriptor, i: number): TE.TaskEither<EcrError.EcrError, Exclude<BlobStatus, 'copying'>> =>
        async () => {
          const status = needed.right[i] === 'exists' ? E.right('exists' as const) : await transferOnce(c, d)()
          if (E.isRight(status)) tellDone(c, d, status.right)
          return status
        }
    )(blobs)()
  }
