// Blob copies between two loopback registries: what the destination has, what the source sends and
// what is uploaded are all checked against the descriptor, its size included.
import { afterEach, describe, expect, it } from 'vitest'
import * as E from 'fp-ts/Either'
import { copyBlob, copyBlobs, type BlobEvent } from '../../src/internal/copyBlob'
import type { Descriptor } from '../../src/Manifest'
import { acceptsUploads, closeServers, envWith, loginFor, name, serve, sha256, type Server } from './registryServer'

afterEach(closeServers)

const LAYER = Buffer.alloc(200_000, 9)
const LAYER_DIGEST = sha256(LAYER)
const descriptor = (size: number): Descriptor => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: LAYER_DIGEST, size })

/** A source registry that serves `LAYER` (with its true Content-Length). */
const source = () =>
  serve((_req, _b, res) => {
    res.writeHead(200, { 'content-length': LAYER.length })
    res.end(LAYER)
  })

const sides = (src: Server, dst: Server) => ({
  source: { env: envWith(), login: loginFor(src.url), repositoryName: name('app') },
  destination: { env: envWith(), login: loginFor(dst.url), repositoryName: name('app') },
  sameRegistry: false
})

const completePuts = (s: Server) => s.seen.filter((x) => x.method === 'PUT' && x.complete && x.body.length > 0)

describe('copyBlob', () => {
  it('copies a blob whose descriptor tells the truth', async () => {
    const [src, dst] = [await source(), await acceptsUploads()]
    const events: Array<BlobEvent> = []
    const r = await copyBlob({ ...sides(src, dst), onEvent: (e) => events.push(e) }, descriptor(LAYER.length))()
    expect(r).toEqual(E.right('copied'))
    expect(completePuts(dst).map((p) => p.body.equals(LAYER))).toEqual([true])
    expect(events.at(-1)).toEqual({ digest: LAYER_DIGEST, status: 'copied', bytes: LAYER.length, total: LAYER.length })
  })

  it('a descriptor that lies about the size is a DigestMismatch, and nothing is uploaded whole', async () => {
    for (const size of [1, LAYER.length - 1, LAYER.length + 1, 10 * LAYER.length]) {
      const [src, dst] = [await source(), await acceptsUploads()]
      const r = await copyBlob(sides(src, dst), descriptor(size))()
      expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
      expect(E.isLeft(r) && r.left.message).toMatch(/size mismatch/)
      expect(completePuts(dst)).toEqual([])
    }
  })

  it('a destination that has the digest with another size than the descriptor says is a DigestMismatch', async () => {
    const [src, dst] = [await source(), await acceptsUploads(new Map([[LAYER_DIGEST, LAYER.length]]))]
    expect(await copyBlob(sides(src, dst), descriptor(LAYER.length))()).toEqual(E.right('exists'))
    const lying = await copyBlob(sides(src, dst), descriptor(5))()
    expect(E.isLeft(lying) && lying.left._tag).toBe('DigestMismatch')
    expect(src.seen).toEqual([])
  })

  it('copyBlobs stops at the first lying descriptor', async () => {
    const [src, dst] = [await source(), await acceptsUploads()]
    const r = await copyBlobs(sides(src, dst), [descriptor(LAYER.length), descriptor(3)], 1)()
    expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
  })
})
