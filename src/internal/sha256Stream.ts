/**
 * Content digests of bytes and streams: a pass-through transform that hashes what flows through it
 * and, at the end, fails the stream when the digest is not the expected one. It holds back the last
 * chunk until the digest is known, so a consumer (an upload) never receives the complete bytes of
 * content that does not match.
 *
 * @internal
 */
import { createHash, type Hash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'

export type DigestAlgorithm = 'sha256' | 'sha512'

/** The algorithm of a digest string (`sha256:...`, `sha512:...`), if supported. */
export const algorithmOf = (digest: string): DigestAlgorithm | undefined =>
  digest.startsWith('sha256:') ? 'sha256' : digest.startsWith('sha512:') ? 'sha512' : undefined

/** `<algorithm>:<hex>` of the bytes. */
export const digestOf = (bytes: Uint8Array | string, algorithm: DigestAlgorithm = 'sha256'): string =>
  `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`

/** The error a verifying stream fails with; `expected` / `actual` are digests. */
export interface DigestMismatchError extends Error {
  readonly code: 'ERR_DIGEST_MISMATCH'
  readonly expected: string
  readonly actual: string
}

export const isDigestMismatchError = (e: unknown): e is DigestMismatchError =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ERR_DIGEST_MISMATCH'

/** The mismatch error behind `e`, looking through `cause` chains (undici wraps body errors). */
export const findDigestMismatch = (e: unknown): DigestMismatchError | undefined => {
  let cur: unknown = e
  for (let i = 0; i < 5 && typeof cur === 'object' && cur !== null; i++) {
    if (isDigestMismatchError(cur)) return cur
    cur = (cur as { cause?: unknown }).cause
  }
  return undefined
}

const mismatchError = (expected: string, actual: string): DigestMismatchError =>
  Object.assign(new Error(`digest mismatch: expected ${expected}, got ${actual}`), {
    code: 'ERR_DIGEST_MISMATCH' as const,
    expected,
    actual
  })

export interface VerifyResult {
  readonly digest: string
  readonly bytes: number
  readonly ok: boolean
}

export interface VerifyOptions {
  /** Told the outcome once the end is reached (before the stream fails on a mismatch). */
  readonly onEnd?: (result: VerifyResult) => void
  /** When set, a different byte count is a mismatch too (reported with the digest of what came). */
  readonly expectedSize?: number
  /** Told each chunk as it passes, with the bytes so far (a request's deadline, progress). */
  readonly onChunk?: (bytes: number) => void
}

/**
 * A pass-through stream that verifies `expected` (`sha256:` or `sha512:` + hex). On a mismatch the
 * stream errors with a `DigestMismatchError` instead of ending, and the last chunk is withheld.
 * An unsupported algorithm errors the stream at the end as a mismatch with `actual` = `unsupported`.
 */
export const verifyingStream = (expected: string, options: VerifyOptions = {}): Transform => {
  const algorithm = algorithmOf(expected)
  const hash: Hash = createHash(algorithm ?? 'sha256')
  let held: Buffer | undefined
  let bytes = 0
  return new Transform({
    transform(chunk: Buffer | string, _enc: BufferEncoding, callback: TransformCallback) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      if (buf.length === 0) {
        callback()
        return
      }
      hash.update(buf)
      bytes += buf.length
      options.onChunk?.(bytes)
      const previous = held
      held = buf
      callback(null, previous)
    },
    flush(callback: TransformCallback) {
      const actual = algorithm === undefined ? 'unsupported' : `${algorithm}:${hash.digest('hex')}`
      const ok = actual === expected && (options.expectedSize === undefined || options.expectedSize === bytes)
      options.onEnd?.({ digest: actual, bytes, ok })
      if (!ok) {
        callback(mismatchError(expected, actual === expected ? `${actual} (${bytes} bytes)` : actual))
        return
      }
      callback(null, held)
    }
  })
}
