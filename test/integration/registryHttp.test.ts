import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { Agent, type Dispatcher } from 'undici'
import type { EcrLogin } from '../../src/Env'
import * as EcrError from '../../src/EcrError'
import { getBlob, getManifest, headBlob, headManifest, mountBlob, putManifest, type RegistryHttpEnv } from '../../src/internal/registry'
import { openBlob, streamError, uploadBlob } from '../../src/internal/registryStream'
import { concat, constantDelay, limitRetries } from '../../src/Retry'
import { digest as asDigest, name, tag } from '../internal/registryServer'
import { pushTestImage, sha256, startLoopbackRegistry, startRegistry, type PushedImage, type Registry } from './harness'

const PASSWORD = `pw-${randomBytes(12).toString('hex')}`

let reg: Registry
let image: PushedImage
let multi: PushedImage

const loginOf = (r: { url: string; username: string; password: string }, password = r.password): EcrLogin => ({
  username: r.username,
  password,
  proxyEndpoint: r.url,
  expiresAt: new Date(Date.now() + 3600_000)
})

const env: RegistryHttpEnv = { fetch: globalThis.fetch, retryPolicy: concat(limitRetries(5), constantDelay(10)) }

beforeAll(async () => {
  reg = await startRegistry({ password: PASSWORD })
  image = await pushTestImage(reg, 'team/app', 'v1', { layers: 2 })
  multi = await pushTestImage(reg, 'team/multi', 'latest', {
    layers: 1,
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' }
    ]
  })
})

afterAll(async () => {
  await reg?.stop()
})

describe('against docker-registry', () => {
  it('getManifest by tag and by digest gives the pushed bytes and digest', async () => {
    const byTag = await getManifest(loginOf(reg), name('team/app'), tag('v1'))(env)()
    expect(byTag).toEqual(E.right({ text: image.text, mediaType: image.mediaType, digest: image.digest }))
    const byDigest = await getManifest(loginOf(reg), name('team/app'), asDigest(image.digest))(env)()
    expect(E.isRight(byDigest) && byDigest.right.digest).toBe(image.digest)
  })

  it('getManifest of a multi-platform tag is the index', async () => {
    const r = await getManifest(loginOf(reg), name('team/multi'), tag('latest'))(env)()
    expect(E.isRight(r) && r.right.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    expect(E.isRight(r) && r.right.digest).toBe(multi.digest)
  })

  it('a missing tag is NotFound; headManifest gives None', async () => {
    const r = await getManifest(loginOf(reg), name('team/app'), tag('nope'))(env)()
    expect(E.isLeft(r) && r.left._tag).toBe('NotFound')
    expect(await headManifest(loginOf(reg), name('team/app'), tag('nope'))(env)()).toEqual(E.right(O.none))
    expect(await headManifest(loginOf(reg), name('team/app'), tag('v1'))(env)()).toEqual(
      E.right(O.some({ digest: image.digest, mediaType: image.mediaType, size: Buffer.byteLength(image.text) }))
    )
  })

  it('getBlob returns the verified config; headBlob its size', async () => {
    const config = image.manifests[0]?.config
    expect(config).toBeDefined()
    if (config === undefined) return
    const r = await getBlob(loginOf(reg), name('team/app'), asDigest(config.digest))(env)()
    expect(E.isRight(r) && JSON.parse(r.right.toString()).architecture).toBe('amd64')
    expect(await headBlob(loginOf(reg), name('team/app'), asDigest(config.digest))(env)()).toEqual(E.right(O.some(config.size)))
    expect(await headBlob(loginOf(reg), name('team/app'), asDigest(sha256('absent')))(env)()).toEqual(E.right(O.none))
    const missing = await getBlob(loginOf(reg), name('team/app'), asDigest(sha256('absent')))(env)()
    expect(E.isLeft(missing) && missing.left._tag).toBe('NotFound')
  })

  it('uploadBlob stores a blob; a wrong digest is a DigestMismatch and nothing is stored', async () => {
    const data = randomBytes(100_000)
    const digest = sha256(data)
    expect(await uploadBlob(loginOf(reg), name('team/uploads'), asDigest(digest), () => Readable.from([data]), data.length)(env)()).toEqual(
      E.right(undefined)
    )
    expect(await headBlob(loginOf(reg), name('team/uploads'), asDigest(digest))(env)()).toEqual(E.right(O.some(data.length)))
    const other = randomBytes(1000)
    const wrong = await uploadBlob(loginOf(reg), name('team/uploads'), asDigest(sha256('claimed')), () => Readable.from([other]))(env)()
    expect(E.isLeft(wrong) && wrong.left._tag).toBe('DigestMismatch')
    expect(await headBlob(loginOf(reg), name('team/uploads'), asDigest(sha256(other)))(env)()).toEqual(E.right(O.none))
  })

  it('mountBlob mounts within the registry, and answers false for an unknown blob', async () => {
    const layer = image.manifests[0]?.layers[0]
    if (layer === undefined) throw new Error('no layer')
    expect(await mountBlob(loginOf(reg), name('team/copy'), asDigest(layer.digest), name('team/app'))(env)()).toEqual(E.right(true))
    expect(await headBlob(loginOf(reg), name('team/copy'), asDigest(layer.digest))(env)()).toEqual(E.right(O.some(layer.size)))
    expect(await mountBlob(loginOf(reg), name('team/copy'), asDigest(sha256('unknown')), name('team/app'))(env)()).toEqual(E.right(false))
  })

  it('putManifest copies an image to another repository', async () => {
    const m = image.manifests[0]
    if (m === undefined) throw new Error('no manifest')
    for (const b of [m.config, ...m.layers]) {
      const mounted = await mountBlob(loginOf(reg), name('team/replica'), asDigest(b.digest), name('team/app'))(env)()
      expect(mounted).toEqual(E.right(true))
    }
    const put = await putManifest(loginOf(reg), name('team/replica'), tag('copied'), m.text, m.mediaType)(env)()
    expect(put).toEqual(E.right(m.digest))
    const back = await getManifest(loginOf(reg), name('team/replica'), asDigest(m.digest))(env)()
    expect(E.isRight(back) && back.right.text).toBe(m.text)
  })

  it('putManifest referring to missing blobs fails with the registry’s error code', async () => {
    const text = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('missing config'), size: 14 },
      layers: []
    })
    const r = await putManifest(loginOf(reg), name('team/app'), tag('broken'), text, 'application/vnd.oci.image.manifest.v1+json')(env)()
    expect(E.isLeft(r) && r.left._tag === 'HttpError' && r.left.status).toBe(400)
    expect(E.isLeft(r) && r.left.message).toMatch(/MANIFEST_BLOB_UNKNOWN|BLOB_UNKNOWN/)
  })

  it('a wrong password is an HttpError 401 that does not show the password', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`
    const r = await getManifest(loginOf(reg, wrong), name('team/app'), tag('v1'))(env)()
    expect(E.isLeft(r) && r.left._tag === 'HttpError' && r.left.status).toBe(401)
    const shown = JSON.stringify(r) + (E.isLeft(r) ? EcrError.message(r.left) : '')
    expect(shown).not.toContain(wrong)
    expect(shown).not.toContain(Buffer.from(`AWS:${wrong}`).toString('base64'))
  })

  it('streams a 64 MiB blob up and down through the dispatcher', async () => {
    const size = 64 * 1024 * 1024
    const chunk = 1024 * 1024
    // deterministic content: block i is the SHA-512 chain of i, repeated
    const block = (i: number): Buffer => {
      const seed = createHash('sha512').update(String(i)).digest()
      return Buffer.concat(Array.from({ length: chunk / seed.length }, () => seed))
    }
    const source = (): Readable =>
      Readable.from(
        (function* () {
          for (let i = 0; i < size / chunk; i++) yield block(i)
        })()
      )
    const h = createHash('sha256')
    for (let i = 0; i < size / chunk; i++) h.update(block(i))
    const digest = `sha256:${h.digest('hex')}`

    let dispatched = 0
    const dispatcher: Dispatcher = new Agent().compose(
      (dispatch) => (opts, handler) => {
        dispatched++
        return dispatch(opts, handler)
      }
    )
    const streamed: RegistryHttpEnv = { ...env, dispatcher }
    const up = await uploadBlob(loginOf(reg), name('team/big'), asDigest(digest), source, size)(streamed)()
    expect(up).toEqual(E.right(undefined))
    const afterUpload = dispatched
    expect(afterUpload).toBeGreaterThanOrEqual(1)

    const opened = await openBlob(loginOf(reg), name('team/big'), asDigest(digest))(streamed)()
    expect(E.isRight(opened)).toBe(true)
    if (E.isLeft(opened)) return
    expect(opened.right.size).toBe(size)
    const down = createHash('sha256')
    let n = 0
    for await (const c of opened.right.body) {
      down.update(c as Buffer)
      n += (c as Buffer).length
    }
    expect(n).toBe(size)
    expect(`sha256:${down.digest('hex')}`).toBe(digest)
    expect(dispatched).toBeGreaterThan(afterUpload)
    await (dispatcher as Agent).close?.()
  })
})

describe('against loopback registries', () => {
  it('a blob redirect is followed without sending credentials to the other origin', async () => {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux' }))
    const big = randomBytes(2 * 1024 * 1024)
    const lb = await startLoopbackRegistry({ password: PASSWORD, blobs: [config, big], redirectBlobs: true })
    try {
      const a = await getBlob(loginOf(lb), name('team/app'), asDigest(sha256(config)))(env)()
      expect(E.isRight(a) && a.right.equals(config)).toBe(true)
      const b = await openBlob(loginOf(lb), name('team/app'), asDigest(sha256(big)))(env)()
      expect(E.isRight(b)).toBe(true)
      if (E.isRight(b)) {
        const chunks: Array<Buffer> = []
        for await (const c of b.right.body) chunks.push(c as Buffer)
        expect(Buffer.concat(chunks).equals(big)).toBe(true)
      }
      expect(await headBlob(loginOf(lb), name('team/app'), asDigest(sha256(big)))(env)()).toEqual(E.right(O.some(big.length)))
      const storageHits = lb.requests.filter((r) => r.server === 'storage')
      expect(storageHits.length).toBeGreaterThanOrEqual(3)
      expect(lb.authLeaks).toEqual([])
      expect(lb.requests.filter((r) => r.server === 'registry').every((r) => r.authorization !== undefined)).toBe(true)
    } finally {
      await lb.stop()
    }
  })

  it('tampered bytes are a DigestMismatch, buffered or streamed', async () => {
    const config = Buffer.from('{"architecture":"amd64","os":"linux"}')
    const lb = await startLoopbackRegistry({
      password: PASSWORD,
      blobs: [config],
      tamper: (_d, bytes) => Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from('!')])
    })
    try {
      const a = await getBlob(loginOf(lb), name('team/app'), asDigest(sha256(config)))(env)()
      expect(E.isLeft(a) && a.left._tag).toBe('DigestMismatch')
      const b = await openBlob(loginOf(lb), name('team/app'), asDigest(sha256(config)))(env)()
      expect(E.isRight(b)).toBe(true)
      if (E.isRight(b)) {
        const failure = await (async () => {
          try {
            for await (const _ of b.right.body) void _
            return undefined
          } catch (e) {
            return e
          }
        })()
        expect(streamError(failure)._tag).toBe('DigestMismatch')
      }
    } finally {
      await lb.stop()
    }
  })

  it('retries a registry that answers 503 twice, then 200', async () => {
    const text = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers: [] })
    const lb = await startLoopbackRegistry({
      password: PASSWORD,
      manifests: { v1: { text, mediaType: 'application/vnd.oci.image.manifest.v1+json' } },
      failFirst: [503, 503]
    })
    try {
      const r = await getManifest(loginOf(lb), name('team/app'), tag('v1'))({ fetch: globalThis.fetch })()
      expect(E.isRight(r) && r.right.digest).toBe(sha256(text))
      expect(lb.requests).toHaveLength(3)
    } finally {
      await lb.stop()
    }
  })
})
