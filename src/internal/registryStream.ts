/**
 * Streamed blob transfer through an undici `Dispatcher`: `openBlob` hands out a blob as a Node
 * stream and `uploadBlob` sends one in a single streamed PUT, without holding it in memory (WHATWG
 * fetch buffers a streamed request body). The only registry module that loads undici's runtime;
 * requests, redirects, deadlines, retries and errors are the wire layer's, with a dispatcher
 * transport: undici's own `headersTimeout` and `bodyTimeout` carry the deadlines (its body timeout
 * does not run while the consumer holds the stream back).
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import { pipeline, type Readable } from 'node:stream'
import { Agent, request as undiciRequest, type Dispatcher } from 'undici'
import type { EcrLogin, HttpEnv } from '../Env'
import * as EcrError from '../EcrError'
import type { ImageDigest, RepositoryName } from '../Primitives'
import { cancelled, ownerOf, type Limiter, type Release } from './limiter'
import { redactText } from './redact'
import { blobOperation, declaredSizeFailure, uploadsUrl } from './registry'
import { algorithmOf, digestOf, findDigestMismatch, verifyingStream, type VerifyResult } from './sha256Stream'
import {
  contentLength,
  dispatching,
  errorText,
  exchange,
  fatal,
  operation,
  paced,
  readBody,
  statusFailure,
  viaFetch,
  within,
  withQueryParam,
  type Answer,
  type Chunks,
  type Deadline,
  type Failure,
  type HopBody,
  type RegistryHttp,
  type RegistryHttpEnv,
  type Transport
} from './wire'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface OpenedBlob {
  /** The blob's bytes; when verified, the stream errors at the end on a mismatch (see `streamError`). */
  readonly body: Readable
  readonly size: number | undefined
}

/** A request body: bytes, a one-shot stream, or a factory that opens the source again for a retry. */
export type BlobBody = Readable | Uint8Array | (() => Readable | Uint8Array)

export interface OpenBlobOptions {
  /** Verify the digest (and size) while streaming (default `true`): the stream errors at its end on a mismatch. */
  readonly verify?: boolean
  /**
   * The size its descriptor declares: a `Content-Length` that differs is a `DigestMismatch` before
   * any byte is read, and a verified stream of another length errors at its end.
   */
  readonly expectedSize?: number
}

/** An answer through the dispatcher: also readable as a Node stream, at the consumer's pace. */
export interface StreamWire extends Answer {
  readonly stream: () => Readable
}

// -------------------------------------------------------------------------------------
// transport
// -------------------------------------------------------------------------------------

/** The chunks of a Node stream. */
const nodeChunks = (body: Readable): Chunks => {
  const iterator = body[Symbol.asyncIterator]()
  return { next: () => iterator.next() as Promise<IteratorResult<Buffer | string>>, cancel: () => body.destroy() }
}

const fromUndici = (url: string, res: Dispatcher.ResponseData, deadline: Deadline, idleMs: number): StreamWire => ({
  status: res.statusCode,
  url,
  header: (name) => {
    const v = res.headers[name.toLowerCase()]
    return Array.isArray(v) ? v[0] : v
  },
  bytes: (limit) => readBody(nodeChunks(res.body), limit, deadline, idleMs),
  stream: () => res.body,
  discard: async () => {
    try {
      await res.body.dump({ limit: 64 * 1024 })
    } catch {
      res.body.destroy()
    }
  }
})

/** The agents of environments with a limiter and no dispatcher: one per limiter, made on first use. */
const agents = new WeakMap<Limiter, Dispatcher>()

/**
 * The dispatcher of an environment: `env.dispatcher`; else, with a limiter, an undici `Agent` of the
 * limiter's capacity in connections per origin (the environment's own, made once); else undici's
 * global dispatcher (`undefined`).
 */
export const dispatcherOf = (env: RegistryHttpEnv): Dispatcher | undefined => {
  if (env.dispatcher !== undefined || env.limiter === undefined) return env.dispatcher
  const owner = ownerOf(env.limiter)
  const known = agents.get(owner)
  if (known !== undefined) return known
  if (!Number.isSafeInteger(owner.capacity)) return undefined
  const agent = new Agent({ connections: owner.capacity })
  agents.set(owner, agent)
  return agent
}

/**
 * One hop through undici's `request` on the environment's dispatcher (`dispatcherOf`), with
 * undici's headers and body timeouts set from the environment's deadlines.
 */
export const viaDispatcher: Transport<StreamWire> = async (env, hop, deadline, timeouts) => {
  const dispatcher = dispatcherOf(env)
  const res = await within(
    deadline,
    Promise.resolve().then(() =>
      undiciRequest(hop.url, {
        method: hop.method as Dispatcher.HttpMethod,
        headers: { ...hop.headers },
        body: hop.body === undefined ? null : hop.body,
        signal: deadline.signal,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.idleMs,
        ...(dispatcher === undefined ? {} : { dispatcher })
      })
    )
  )
  return E.map((r: Dispatcher.ResponseData) => fromUndici(hop.url, r, deadline, timeouts.idleMs))(res)
}

/**
 * `env` with its small registry requests (manifests, HEADs, upload sessions) sent through its
 * dispatcher too, when its `fetch` is the built-in one: for copies, which load undici for their
 * blobs anyway. One connection pool then serves the whole copy, bounded by the limiter, and a
 * request leaves far less behind than a WHATWG `Response` does (whose body a fetch keeps
 * reachable until a full garbage collection).
 */
export const dispatchingSmallRequests = <R extends HttpEnv>(env: R): R => dispatching(env, viaDispatcher)

// -------------------------------------------------------------------------------------
// blobs
// -------------------------------------------------------------------------------------

/**
 * Opens a blob as a Node stream through `env.dispatcher` (undici's global dispatcher by default);
 * the caller consumes it. With verification on, a digest (or `expectedSize`) mismatch makes the
 * stream error at its end with an error that `streamError` maps to `DigestMismatch`; a body that
 * stalls longer than the idle deadline errors the stream. 404: `NotFound('Layer')`.
 */
export const openBlob = (
  login: EcrLogin,
  repositoryName: RepositoryName,
  digest: ImageDigest,
  options: OpenBlobOptions = {}
): RegistryHttp<OpenedBlob> =>
  blobOperation(
    login,
    repositoryName,
    digest,
    viaDispatcher,
    async (wire) => {
      const declared = await declaredSizeFailure(wire, digest, options.expectedSize)
      if (E.isLeft(declared)) return declared
      const size = contentLength(wire)
      const raw = wire.stream()
      if (options.verify === false) return E.right({ body: raw, size })
      const expectedSize = options.expectedSize ?? size
      const verifier = verifyingStream(digest, expectedSize === undefined ? {} : { expectedSize })
      pipeline(raw, verifier, () => undefined)
      return E.right({ body: verifier, size })
    },
    holdUntilClosed
  )

/**
 * Keeps the request's permit until the stream is closed (read to its end, failed or destroyed),
 * and destroys it when the environment's signal is aborted first.
 */
const holdUntilClosed = (opened: OpenedBlob, release: Release, env: RegistryHttpEnv): void => {
  const signal = env.signal
  const onAbort = (): void => {
    if (signal !== undefined) opened.body.destroy(cancelled(signal))
  }
  const done = (): void => {
    signal?.removeEventListener('abort', onAbort)
    release()
  }
  if (opened.body.closed || opened.body.destroyed) return done()
  opened.body.once('close', done)
  if (signal?.aborted === true) onAbort()
  else signal?.addEventListener('abort', onAbort, { once: true })
}

/**
 * Maps an error a blob stream failed with to an `EcrError`: a verification failure is a
 * `DigestMismatch`, anything else an `HttpError` for the blob's URL, its text redacted (with
 * `redact`, a login's redactor, when the caller has one).
 */
export const streamError = (e: unknown, url = 'blob stream', redact: (text: string) => string = redactText): EcrError.EcrError => {
  const mismatch = findDigestMismatch(e)
  return mismatch !== undefined
    ? EcrError.digestMismatch(mismatch.expected, mismatch.actual)
    : EcrError.httpError('GET', url, 0, `the blob stream failed: ${redact(errorText(e))}`)
}

/** Opens the upload source; a one-shot stream only once. */
const bodyOpener = (body: BlobBody): { readonly open: () => E.Either<Failure, Readable | Uint8Array>; readonly replayable: boolean } => {
  if (typeof body === 'function') {
    return {
      replayable: true,
      open: () => {
        try {
          return E.right(body())
        } catch (e) {
          return E.left(fatal(EcrError.invalidArgument(`cannot open the blob source: ${errorText(e)}`)))
        }
      }
    }
  }
  if (body instanceof Uint8Array) return { replayable: true, open: () => E.right(body) }
  let used = false
  return {
    replayable: false,
    open: () => {
      if (used)
        return E.left(fatal(EcrError.invalidArgument('the blob source is a one-shot stream and cannot be sent again; pass a factory')))
      used = true
      return E.right(body)
    }
  }
}

/**
 * Uploads a blob: POST an upload session, then one monolithic PUT to its Location with
 * `digest=<digest>`, streamed through `env.dispatcher`. The bytes are hashed while they are sent;
 * when they do not match `digest` the upload is aborted before its last bytes go out and the result
 * is `DigestMismatch`. Pass a factory (`() => stream`) so a retry can open the source again.
 */
export const uploadBlob = (
  login: EcrLogin,
  repositoryName: RepositoryName,
  digest: ImageDigest,
  body: BlobBody,
  size?: number
): RegistryHttp<void> => {
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0))
    return () => async () => E.left(EcrError.invalidArgument(`not a valid blob size: ${size}`))
  const opener = bodyOpener(body)
  const where = { subject: `${repositoryName}@${digest}`, operation: 'upload blob' }
  const what = `upload blob ${repositoryName}@${digest}`
  return paced(['InitiateLayerUpload', 'CompleteLayerUpload'], what, operation(
    login,
    what,
    async (env, t) => {
      // 1. an upload session
      const post = await exchange(env, t, {
        transport: viaFetch,
        method: 'POST',
        url: uploadsUrl(t, repositoryName),
        body: () => E.right(undefined)
      })
      if (E.isLeft(post)) return post
      const session = post.right
      if (session.status !== 202 && session.status !== 201) return E.left(await statusFailure('POST', session))
      await session.discard()
      const location = session.header('location')
      if (location === undefined || location === '')
        return E.left(fatal(EcrError.httpError('POST', session.redact.url(session.url), session.status, 'upload session without a Location header')))
      let putUrl: string
      try {
        putUrl = withQueryParam(new URL(location, session.url).toString(), 'digest', digest)
      } catch {
        return E.left(fatal(EcrError.httpError('POST', session.redact.url(session.url), session.status, 'upload session with an invalid Location')))
      }
      // 2. the bytes, in one PUT
      let verdict: VerifyResult | undefined
      let sources: Array<Readable> = []
      const open = (progress: () => void): E.Either<Failure, HopBody> => {
        const src = opener.open()
        if (E.isLeft(src)) return src
        verdict = undefined
        if (src.right instanceof Uint8Array) {
          const bytes = src.right
          const actual = digestOf(bytes, algorithmOf(digest) ?? 'sha256')
          const ok = actual === digest && (size === undefined || size === bytes.byteLength)
          verdict = { digest: actual, bytes: bytes.byteLength, ok }
          return ok ? E.right(bytes) : E.left(fatal(mismatchOf(digest, verdict, where)))
        }
        const verifier = verifyingStream(digest, {
          ...(size === undefined ? {} : { expectedSize: size }),
          onChunk: progress,
          onEnd: (r) => {
            verdict = r
          }
        })
        sources = [...sources, src.right]
        pipeline(src.right, verifier, () => undefined)
        return E.right(verifier)
      }
      const declared = size ?? (body instanceof Uint8Array ? body.byteLength : undefined)
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream' }
      if (declared !== undefined) headers['content-length'] = String(declared)
      const put = await exchange(env, t, { transport: viaDispatcher, method: 'PUT', url: putUrl, headers, body: open })
      for (const s of sources) s.destroy()
      if (verdict !== undefined && !verdict.ok) {
        if (E.isRight(put)) await put.right.discard()
        return E.left(fatal(mismatchOf(digest, verdict, where)))
      }
      if (E.isLeft(put)) {
        const mismatch = findDigestMismatch(put.left.error)
        if (mismatch !== undefined) return E.left(fatal(EcrError.digestMismatch(mismatch.expected, mismatch.actual, where)))
        return E.left(opener.replayable ? put.left : { ...put.left, retryable: false })
      }
      const wire = put.right
      if (wire.status !== 201 && wire.status !== 204 && wire.status !== 200) {
        const failure = await statusFailure('PUT', wire)
        return E.left(opener.replayable ? failure : { ...failure, retryable: false })
      }
      await wire.discard()
      const claimed = wire.header('docker-content-digest')?.trim()
      if (claimed !== undefined && claimed !== '' && algorithmOf(claimed) === algorithmOf(digest) && claimed !== digest) {
        const shown = wire.redact.text(claimed)
        return E.left(fatal(EcrError.digestMismatch(digest, shown, { ...where, message: `the registry stored the blob as ${shown}, expected ${digest}` })))
      }
      return E.right(undefined)
    }
  ))
}

const mismatchOf = (expected: string, verdict: VerifyResult, where: EcrError.DigestMismatchContext): EcrError.EcrError =>
  verdict.digest === expected
    ? EcrError.digestMismatch(expected, verdict.digest, { ...where, message: `blob size mismatch for ${expected}: sent ${verdict.bytes} bytes` })
    : EcrError.digestMismatch(expected, verdict.digest, where)
