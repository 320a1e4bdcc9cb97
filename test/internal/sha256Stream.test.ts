import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import { createHash } from 'node:crypto'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  algorithmOf,
  digestOf,
  findDigestMismatch,
  isDigestMismatchError,
  verifyingStream
} from '../../src/internal/sha256Stream'

const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

/** Pipes chunks through a verifier; returns what came out and the error, if any. */
const run = async (
  chunks: ReadonlyArray<Uint8Array>,
  expected: string,
  expectedSize?: number
): Promise<{ out: Buffer; error: unknown }> => {
  const got: Array<Buffer> = []
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      got.push(chunk)
      cb()
    }
  })
  let error: unknown = undefined
  try {
    await pipeline(
      Readable.from(chunks.map((c) => Buffer.from(c))),
      verifyingStream(expected, expectedSize === undefined ? {} : { expectedSize }),
      sink
    )
  } catch (e) {
    error = e
  }
  return { out: Buffer.concat(got), error }
}

const arbChunks = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 })

describe('digestOf / algorithmOf', () => {
  it('digestOf agrees with node:crypto for sha256 and sha512', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
        expect(digestOf(b)).toBe(sha256(b))
        expect(digestOf(b, 'sha512')).toBe(`sha512:${createHash('sha512').update(b).digest('hex')}`)
      })
    )
  })

  it('algorithmOf reads the prefix', () => {
    expect(algorithmOf('sha256:ab')).toBe('sha256')
    expect(algorithmOf('sha512:ab')).toBe('sha512')
    expect(algorithmOf('md5:ab')).toBeUndefined()
  })
})

describe('verifyingStream', () => {
  it('passes every byte through, in order, when the digest matches', async () => {
    await fc.assert(
      fc.asyncProperty(arbChunks, async (chunks) => {
        const all = Buffer.concat(chunks.map((c) => Buffer.from(c)))
        const r = await run(chunks, sha256(all), all.length)
        expect(r.error).toBeUndefined()
        expect(r.out.equals(all)).toBe(true)
      })
    )
  })

  it('errors with a DigestMismatchError and withholds the last chunk on a mismatch', async () => {
    await fc.assert(
      fc.asyncProperty(arbChunks.filter((cs) => cs.some((c) => c.length > 0)), async (chunks) => {
        const all = Buffer.concat(chunks.map((c) => Buffer.from(c)))
        const wrong = `sha256:${'0'.repeat(64)}`
        const r = await run(chunks, wrong)
        expect(isDigestMismatchError(r.error)).toBe(true)
        const e = findDigestMismatch(r.error)
        expect(e?.expected).toBe(wrong)
        expect(e?.actual).toBe(sha256(all))
        // never the complete content
        expect(r.out.length).toBeLessThan(all.length)
      })
    )
  })

  it('a wrong byte count is a mismatch even with the right digest', async () => {
    const data = Buffer.from('hello world')
    const r = await run([data], sha256(data), data.length + 1)
    expect(isDigestMismatchError(r.error)).toBe(true)
  })

  it('an unsupported algorithm never verifies', async () => {
    const r = await run([Buffer.from('x')], 'md5:abc')
    expect(findDigestMismatch(r.error)?.actual).toBe('unsupported')
  })

  it('verifies sha512 digests', async () => {
    const data = Buffer.from('sha512 content')
    const r = await run([data], digestOf(data, 'sha512'))
    expect(r.error).toBeUndefined()
    expect(r.out.toString()).toBe('sha512 content')
  })

  it('findDigestMismatch looks through cause chains', () => {
    const inner = Object.assign(new Error('m'), { code: 'ERR_DIGEST_MISMATCH', expected: 'a', actual: 'b' })
    const outer = new Error('wrapped', { cause: new Error('middle', { cause: inner }) })
    expect(findDigestMismatch(outer)).toBe(inner)
    expect(findDigestMismatch(new Error('other'))).toBeUndefined()
  })
})
