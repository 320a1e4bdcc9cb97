import { afterEach, describe, expect, it, vi } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as EcrError from '../../src/EcrError'
import * as Env from '../../src/Env'
import { getBlob, getManifest, headBlob, headManifest, mountBlob, putManifest } from '../../src/internal/registry'
import { ociErrorMessage, withQueryParam, type RegistryHttpEnv } from '../../src/internal/wire'
import {
  basic,
  closeServers,
  CONFIG,
  CONFIG_DIGEST,
  envWith,
  json,
  loginFor,
  name,
  ociError,
  serve,
  sha256,
  tag,
  type Logged
} from './registryServer'

afterEach(closeServers)

const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('{}'), size: 2 },
  layers: []
})
const MANIFEST_DIGEST = sha256(MANIFEST)
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

// -------------------------------------------------------------------------------------
// manifests
// -------------------------------------------------------------------------------------

describe('getManifest', () => {
  it('asks for the four manifest types with Basic auth and computes the digest from the bytes', async () => {
    const s = await serve((_req, _b, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST })
      res.end(MANIFEST)
    })
    const r = await getManifest(loginFor(s.url), name('team/app'), tag('latest'))(envWith())()
    expect(r).toEqual(E.right({ text: MANIFEST, mediaType: OCI_MANIFEST, digest: MANIFEST_DIGEST }))
    const req = s.seen[0]
    expect(req?.url).toBe('/v2/team/app/manifests/latest')
    expect(req?.headers.authorization).toBe(basic())
    for (const t of [
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.oci.image.index.v1+json'
    ])
      expect(req?.headers.accept).toContain(t)
  })

  it('a digest reference whose bytes hash otherwise is a DigestMismatch', async () => {
    const s = await serve((_req, _b, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST })
      res.end(MANIFEST + ' ')
    })
    const r = await getManifest(loginFor(s.url), name('app'), MANIFEST_DIGEST)(envWith())()
    expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
    // it says which manifest and which operation
    expect(E.isLeft(r) && r.left).toMatchObject({ subject: `app@${MANIFEST_DIGEST}`, operation: 'GET manifest' })
    expect(E.isLeft(r) && r.left.message).toContain(`(GET manifest of app@${MANIFEST_DIGEST})`)
  })

  it('a Docker-Content-Digest that contradicts the bytes is a DigestMismatch', async () => {
    const s = await serve((_req, _b, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha256('other') })
      res.end(MANIFEST)
    })
    const r = await getManifest(loginFor(s.url), name('app'), tag('v1'))(envWith())()
    expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
    expect(E.isLeft(r) && r.left.message).toMatch(/^manifest digest mismatch: .* \(GET manifest of app:v1\)$/)
  })

  it('falls back to the manifest mediaType field when the content type is generic', async () => {
    const s = await serve((_req, _b, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(MANIFEST)
    })
    const r = await getManifest(loginFor(s.url), name('app'), MANIFEST_DIGEST)(envWith())()
    expect(E.isRight(r) && r.right.mediaType).toBe(OCI_MANIFEST)
  })

  it('404 is NotFound(Image)', async () => {
    const s = await serve((_req, _b, res) => json(res, 404, ociError('MANIFEST_UNKNOWN', 'manifest unknown')))
    const r = await getManifest(loginFor(s.url), name('app'), tag('nope'))(envWith())()
    expect(E.isLeft(r) && r.left._tag === 'NotFound' && r.left.resource).toBe('Image')
    expect(s.seen).toHaveLength(1)
  })
})

describe('headManifest', () => {
  it('reads digest, media type and size from the headers; 404 is None', async () => {
    const s = await serve((req, _b, res) => {
      if (req.url?.endsWith('/missing')) {
        res.writeHead(404)
        res.end()
        return
      }
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': MANIFEST_DIGEST, 'content-length': Buffer.byteLength(MANIFEST) })
      res.end()
    })
    const r = await headManifest(loginFor(s.url), name('app'), tag('v1'))(envWith())()
    expect(r).toEqual(E.right(O.some({ digest: MANIFEST_DIGEST, mediaType: OCI_MANIFEST, size: Buffer.byteLength(MANIFEST) })))
    expect(s.seen[0]?.method).toBe('HEAD')
    expect(await headManifest(loginFor(s.url), name('app'), tag('missing'))(envWith())()).toEqual(E.right(O.none))
  })

  it('without Docker-Content-Digest, fetches the manifest to compute it', async () => {
    const s = await serve((req, _b, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST })
      res.end(req.method === 'HEAD' ? undefined : MANIFEST)
    })
    const r = await headManifest(loginFor(s.url), name('app'), tag('v1'))(envWith())()
    expect(r).toEqual(E.right(O.some({ digest: MANIFEST_DIGEST, mediaType: OCI_MANIFEST, size: Buffer.byteLength(MANIFEST) })))
    expect(s.seen.map((x) => x.method)).toEqual(['HEAD', 'GET'])
  })
})

describe('putManifest', () => {
  it('PUTs the exact text with its media type and returns its digest', async () => {
    const s = await serve((_req, body, res) => {
      res.writeHead(201, { 'docker-content-digest': sha256(body) })
      res.end()
    })
    const r = await putManifest(loginFor(s.url), name('app'), tag('v1'), MANIFEST, OCI_MANIFEST)(envWith())()
    expect(r).toEqual(E.right(MANIFEST_DIGEST))
    expect(s.seen[0]?.method).toBe('PUT')
    expect(s.seen[0]?.headers['content-type']).toBe(OCI_MANIFEST)
    expect(s.seen[0]?.body.toString()).toBe(MANIFEST)
  })

  it('a registry digest that differs is a DigestMismatch; a wrong digest reference fails before any request', async () => {
    const s = await serve((_req, _b, res) => {
      res.writeHead(201, { 'docker-content-digest': sha256('something else') })
      res.end()
    })
    const r = await putManifest(loginFor(s.url), name('app'), tag('v1'), MANIFEST, OCI_MANIFEST)(envWith())()
    expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
    const before = s.seen.length
    const w = await putManifest(loginFor(s.url), name('app'), sha256('x'), MANIFEST, OCI_MANIFEST)(envWith())()
    expect(E.isLeft(w) && w.left._tag).toBe('DigestMismatch')
    expect(s.seen.length).toBe(before)
  })
})

// -------------------------------------------------------------------------------------
// blobs
// -------------------------------------------------------------------------------------

describe('getBlob', () => {
  it('returns verified bytes', async () => {
    const s = await serve((_req, _b, res) => {
      res.writeHead(200, { 'content-length': CONFIG.length })
      res.end(CONFIG)
    })
    const r = await getBlob(loginFor(s.url), name('app'), CONFIG_DIGEST)(envWith())()
    expect(E.isRight(r) && r.right.equals(CONFIG)).toBe(true)
    expect(s.seen[0]?.url).toBe(`/v2/app/blobs/${CONFIG_DIGEST}`)
  })

  it('wrong bytes are a DigestMismatch, for any content', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 512 }), fc.uint8Array({ minLength: 1, maxLength: 512 }), async (served, asked) => {
        fc.pre(!Buffer.from(served).equals(Buffer.from(asked)))
        const s = await serve((_req, _b, res) => res.end(Buffer.from(served)))
        const r = await getBlob(loginFor(s.url), name('app'), sha256(Buffer.from(asked)))(envWith())()
        await s.close()
        expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
        expect(E.isLeft(r) && r.left).toMatchObject({ subject: `app@${sha256(Buffer.from(asked))}`, operation: 'GET blob' })
      }),
      { numRuns: 15 }
    )
  })

  it('bigger than maxBytes is an InvalidArgument, with or without Content-Length', async () => {
    const big = Buffer.alloc(10_000, 1)
    const withLength = await serve((_req, _b, res) => {
      res.writeHead(200, { 'content-length': big.length })
      res.end(big)
    })
    const a = await getBlob(loginFor(withLength.url), name('app'), sha256(big), { maxBytes: 1000 })(envWith())()
    expect(E.isLeft(a) && a.left._tag).toBe('InvalidArgument')
    const chunked = await serve((_req, _b, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' })
      res.write(big.subarray(0, 5000))
      res.end(big.subarray(5000))
    })
    const b = await getBlob(loginFor(chunked.url), name('app'), sha256(big), { maxBytes: 1000 })(envWith())()
    expect(E.isLeft(b) && b.left._tag).toBe('InvalidArgument')
  })

  it('404 is NotFound(Layer)', async () => {
    const s = await serve((_req, _b, res) => json(res, 404, ociError('BLOB_UNKNOWN', 'blob unknown to registry')))
    const r = await getBlob(loginFor(s.url), name('app'), CONFIG_DIGEST)(envWith())()
    expect(E.isLeft(r) && r.left._tag === 'NotFound' && r.left.resource).toBe('Layer')
  })
})

describe('redirects', () => {
  it('follow to another origin without the Authorization header; the error URL has no query', async () => {
    const storage = await serve((req, _b, res) => {
      if (req.url?.includes('fail')) {
        res.writeHead(403)
        res.end('<Error><Code>AccessDenied</Code></Error>')
        return
      }
      res.end(CONFIG)
    })
    const registry = await serve((req, _b, res) => {
      const fail = req.url?.includes(sha256('x')) === true
      res.writeHead(307, { location: `${storage.url}/bucket/blob?X-Amz-Signature=SECRETSIG&${fail ? 'fail=1' : 'ok=1'}` })
      res.end()
    })
    const ok = await getBlob(loginFor(registry.url), name('app'), CONFIG_DIGEST)(envWith())()
    expect(E.isRight(ok)).toBe(true)
    const failed = await getBlob(loginFor(registry.url), name('app'), sha256('x'))(envWith())()
    expect(E.isLeft(failed) && failed.left._tag).toBe('HttpError')
    expect(JSON.stringify(failed)).not.toContain('SECRETSIG')
    expect(registry.seen.every((r) => r.headers.authorization === basic())).toBe(true)
    expect(storage.seen.length).toBeGreaterThan(0)
    expect(storage.seen.every((r) => r.headers.authorization === undefined)).toBe(true)
  })

  it('keep the Authorization header on the same origin, resolving a relative Location', async () => {
    const s = await serve((req, _b, res) => {
      if (req.url?.startsWith('/v2/')) {
        res.writeHead(302, { location: '/moved/blob' })
        res.end()
        return
      }
      res.end(CONFIG)
    })
    const r = await getBlob(loginFor(s.url), name('app'), CONFIG_DIGEST)(envWith())()
    expect(E.isRight(r)).toBe(true)
    expect(s.seen.map((x) => [x.url, x.headers.authorization])).toEqual([
      [`/v2/app/blobs/${CONFIG_DIGEST}`, basic()],
      ['/moved/blob', basic()]
    ])
  })

  it('stop after 5 hops', async () => {
    const s = await serve((req, _b, res) => {
      res.writeHead(307, { location: `/loop/${(req.url?.length ?? 0) + 1}` })
      res.end()
    })
    const r = await getBlob(loginFor(s.url), name('app'), CONFIG_DIGEST)(envWith())()
    expect(E.isLeft(r) && r.left._tag === 'HttpError' && r.left.message).toMatch(/redirects/)
    expect(s.seen).toHaveLength(6)
  })

  it('headBlob follows by HEAD and falls back to a ranged GET when HEAD is refused off-origin', async () => {
    const storage = await serve((req, _b, res) => {
      if (req.method === 'HEAD') {
        res.writeHead(403)
        res.end()
        return
      }
      expect(req.headers.range).toBe('bytes=0-0')
      res.writeHead(206, { 'content-range': 'bytes 0-0/12345', 'content-length': 1 })
      res.end('x')
    })
    const registry = await serve((_req, _b, res) => {
      res.writeHead(307, { location: `${storage.url}/b?sig=1` })
      res.end()
    })
    const r = await headBlob(loginFor(registry.url), name('app'), CONFIG_DIGEST)(envWith())()
    expect(r).toEqual(E.right(O.some(12345)))
    expect(storage.seen.map((x) => x.method)).toEqual(['HEAD', 'GET'])
    expect(storage.seen.every((x) => x.headers.authorization === undefined)).toBe(true)
  })

  it('headBlob: size from Content-Length; 404 is None', async () => {
    const s = await serve((req, _b, res) => {
      if (req.url?.includes(CONFIG_DIGEST)) {
        res.writeHead(200, { 'content-length': 42 })
        res.end()
      } else {
        res.writeHead(404)
        res.end()
      }
    })
    expect(await headBlob(loginFor(s.url), name('app'), CONFIG_DIGEST)(envWith())()).toEqual(E.right(O.some(42)))
    expect(await headBlob(loginFor(s.url), name('app'), sha256('nope'))(envWith())()).toEqual(E.right(O.none))
  })
})

// -------------------------------------------------------------------------------------
// statuses and retries
// -------------------------------------------------------------------------------------

// -------------------------------------------------------------------------------------
// Env.make's default fetch
// -------------------------------------------------------------------------------------

describe("Env.make's default fetch", () => {
  const makeEnv = (): RegistryHttpEnv => ({
    ...Env.make({ ecr: { send: async () => ({}) } as never, accountId: '123456789012' as never, region: 'us-west-2' as never }),
    retryPolicy: envWith().retryPolicy
  })

  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('is the global fetch, looked up when a request is made', async () => {
    const s = await serve((_req, _b, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST })
      res.end(MANIFEST)
    })
    const env = makeEnv()
    const real = globalThis.fetch
    const seen: Array<string> = []
    vi.stubGlobal('fetch', (input: string, init?: RequestInit) => (seen.push(`${init?.method} ${new URL(input).pathname}`), real(input, init)))
    const r = await getManifest(loginFor(s.url), name('app'), tag('v1'))(env)()
    expect(E.isRight(r) && r.right.digest).toBe(MANIFEST_DIGEST)
    expect(seen).toEqual(['GET /v2/app/manifests/v1'])
  })

  it('without a global fetch, a request is an InvalidArgument, not retried, and nothing throws', async () => {
    const env = makeEnv()
    vi.stubGlobal('fetch', undefined)
    const logs: Array<Logged> = []
    const r = await getManifest(loginFor('http://127.0.0.1:9'), name('app'), tag('v1'))({ ...env, logger: envWith(logs).logger })()
    expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
    expect(E.isLeft(r) && EcrError.message(r.left)).toMatch(/no global fetch/)
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(0)
    const blob = await getBlob(loginFor('http://127.0.0.1:9'), name('app'), CONFIG_DIGEST)(env)()
    expect(E.isLeft(blob) && blob.left._tag).toBe('InvalidArgument')
  })
})

describe('failures', () => {
  it('a 4xx carries the OCI error code and message', async () => {
    const s = await serve((_req, _b, res) => json(res, 400, ociError('BLOB_UNKNOWN', 'blob unknown to registry')))
    const r = await getBlob(loginFor(s.url), name('app'), CONFIG_DIGEST)(envWith())()
    expect(E.isLeft(r) && r.left._tag === 'HttpError' && r.left.status).toBe(400)
    expect(E.isLeft(r) && r.left.message).toBe('BLOB_UNKNOWN: blob unknown to registry')
    expect(s.seen).toHaveLength(1)
  })

  it('401 and 403 are not retried; a Bearer challenge says token auth is unsupported', async () => {
    const s = await serve((req, _b, res) => {
      const bearer = req.url?.includes('bearer') === true
      json(res, 401, ociError('UNAUTHORIZED', 'authentication required'), {
        'www-authenticate': bearer ? 'Bearer realm="https://auth.example/token",service="registry"' : 'Basic realm="r"'
      })
    })
    const r = await getManifest(loginFor(s.url), name('app'), tag('v1'))(envWith())()
    expect(E.isLeft(r) && r.left._tag === 'HttpError' && r.left.status).toBe(401)
    expect(s.seen).toHaveLength(1)
    const b = await getManifest(loginFor(s.url), name('bearer'), tag('v1'))(envWith())()
    expect(E.isLeft(b) && b.left.message).toMatch(/Bearer token authentication.*not supported/)
  })

  it('retries 503 twice, then succeeds', async () => {
    let n = 0
    const s = await serve((_req, _b, res) => {
      n++
      if (n <= 2) return json(res, 503, ociError('UNAVAILABLE', 'try later'))
      res.writeHead(200, { 'content-type': OCI_MANIFEST })
      res.end(MANIFEST)
    })
    const logs: Array<Logged> = []
    const r = await getManifest(loginFor(s.url), name('app'), tag('v1'))(envWith(logs))()
    expect(E.isRight(r)).toBe(true)
    expect(s.seen).toHaveLength(3)
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(2)
  })

  it('gives up after the policy’s retries with the last error', async () => {
    for (const status of [429, 500, 502, 503, 504]) {
      const s = await serve((_req, _b, res) => json(res, status, ociError('BUSY', 'busy'), { 'retry-after': '0' }))
      const r = await getBlob(loginFor(s.url), name('app'), CONFIG_DIGEST)(envWith())()
      expect(E.isLeft(r) && r.left._tag === 'HttpError' && r.left.status).toBe(status)
      expect(s.seen).toHaveLength(6)
    }
  })

  it('honours Retry-After, waiting with env.sleep, capped at 30 s', async () => {
    let n = 0
    const s = await serve((_req, _b, res) => {
      n++
      if (n === 1) return json(res, 429, ociError('TOOMANYREQUESTS', 'slow down'), { 'retry-after': '1' })
      if (n === 2) return json(res, 503, ociError('UNAVAILABLE', 'later'), { 'retry-after': '3600' })
      res.end(CONFIG)
    })
    const slept: Array<number> = []
    const r = await getBlob(loginFor(s.url), name('app'), CONFIG_DIGEST)(envWith([], slept))()
    expect(E.isRight(r)).toBe(true)
    expect(slept).toEqual([1000, 30_000])
  })

  it('retries connection resets from fetch, then reports status 0', async () => {
    let calls = 0
    const reset = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) })
    const env: RegistryHttpEnv = { ...envWith(), fetch: () => (calls++, Promise.reject(reset)) }
    const r = await getManifest(loginFor('http://127.0.0.1:9'), name('app'), tag('v1'))(env)()
    expect(calls).toBe(6)
    expect(E.isLeft(r) && r.left._tag === 'HttpError' && r.left.status).toBe(0)
    expect(E.isLeft(r) && r.left.message).toMatch(/ECONNRESET/)
  })

  it('never shows the password, the Authorization value or a query string in errors and logs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9+/=]{16,64}$/), async (password) => {
        const s = await serve((req, _b, res) => {
          if (req.url?.startsWith('/v2/'))
            return json(res, 401, ociError('UNAUTHORIZED', `authentication required for ${req.headers.authorization ?? ''}`), {
              'www-authenticate': 'Basic realm="x"'
            })
        })
        const logs: Array<Logged> = []
        const r = await getManifest(loginFor(s.url, password), name('app'), tag('v1'))(envWith(logs))()
        await s.close()
        const everything = JSON.stringify(r) + JSON.stringify(logs) + (E.isLeft(r) ? EcrError.message(r.left) : '')
        expect(E.isLeft(r)).toBe(true)
        expect(everything).not.toContain(password)
        expect(everything).not.toContain(Buffer.from(`AWS:${password}`).toString('base64'))
      }),
      { numRuns: 20 }
    )
  })
})

describe('mountBlob', () => {
  it('201 is true; 202 is false and the opened session is cancelled', async () => {
    const s = await serve((req, _b, res) => {
      if (req.method === 'POST' && req.url?.includes('from=mounted')) {
        res.writeHead(201, { location: `/v2/app/blobs/${CONFIG_DIGEST}` })
        res.end()
        return
      }
      if (req.method === 'POST') {
        res.writeHead(202, { location: '/v2/app/blobs/uploads/s1?_state=q' })
        res.end()
        return
      }
      res.writeHead(204)
      res.end()
    })
    expect(await mountBlob(loginFor(s.url), name('app'), CONFIG_DIGEST, name('mounted'))(envWith())()).toEqual(E.right(true))
    expect(s.seen[0]?.url).toBe(`/v2/app/blobs/uploads/?mount=${encodeURIComponent(CONFIG_DIGEST)}&from=mounted`)
    expect(await mountBlob(loginFor(s.url), name('app'), CONFIG_DIGEST, name('other/repo'))(envWith())()).toEqual(E.right(false))
    expect(s.seen.slice(1).map((x) => `${x.method} ${x.url}`)).toEqual([
      `POST /v2/app/blobs/uploads/?mount=${encodeURIComponent(CONFIG_DIGEST)}&from=other%2Frepo`,
      'DELETE /v2/app/blobs/uploads/s1?_state=q'
    ])
  })
})

// -------------------------------------------------------------------------------------
// pure helpers
// -------------------------------------------------------------------------------------

describe('withQueryParam', () => {
  it('keeps the existing query byte for byte and appends the parameter once', () => {
    fc.assert(
      fc.property(
        fc.webPath(),
        fc.option(fc.stringMatching(/^[A-Za-z0-9_=%&.-]{1,40}$/), { nil: undefined }),
        fc.stringMatching(/^sha256:[a-f0-9]{64}$/),
        (path, query, digest) => {
          const location = `https://r.example${path}${query === undefined ? '' : `?${query}`}`
          const out = withQueryParam(location, 'digest', digest)
          expect(out.startsWith(location)).toBe(true)
          expect(new URL(out).searchParams.getAll('digest')).toContain(digest)
          expect(out.endsWith(`digest=${encodeURIComponent(digest)}`)).toBe(true)
        }
      )
    )
  })
})

describe('ociErrorMessage', () => {
  it('joins code: message of every error', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ code: fc.stringMatching(/^[A-Z_]{1,20}$/), message: fc.string({ minLength: 1 }) }), { minLength: 1, maxLength: 4 }), (errors) => {
        expect(ociErrorMessage(400, JSON.stringify({ errors }))).toBe(errors.map((e) => `${e.code}: ${e.message}`).join('; '))
      })
    )
  })

  it('falls back to the status and an excerpt of other bodies', () => {
    expect(ociErrorMessage(502, '')).toBe('HTTP 502')
    expect(ociErrorMessage(502, '<html>Bad   gateway</html>')).toBe('HTTP 502: <html>Bad gateway</html>')
  })
})

// -------------------------------------------------------------------------------------
// descriptor sizes
// -------------------------------------------------------------------------------------

describe('sizes that descriptors declare', () => {
  /** Serves `bytes` with a Content-Length, or chunked without one. */
  const serving = (bytes: Buffer, withLength: boolean) =>
    serve((_req, _b, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST, ...(withLength ? { 'content-length': bytes.length } : { 'transfer-encoding': 'chunked' }) })
      res.end(bytes)
    })

  it('a manifest whose descriptor lies about its size is a DigestMismatch, with or without Content-Length', async () => {
    for (const withLength of [true, false]) {
      const s = await serving(Buffer.from(MANIFEST), withLength)
      const lying = await getManifest(loginFor(s.url), name('app'), MANIFEST_DIGEST, { expectedSize: 1 })(envWith())()
      expect(E.isLeft(lying) && lying.left._tag).toBe('DigestMismatch')
      expect(E.isLeft(lying) && lying.left.message).toBe(
        `size mismatch for ${MANIFEST_DIGEST}: its descriptor says 1 bytes, the registry has ${Buffer.byteLength(MANIFEST)} (GET manifest of app@${MANIFEST_DIGEST})`
      )
      const honest = await getManifest(loginFor(s.url), name('app'), MANIFEST_DIGEST, { expectedSize: Buffer.byteLength(MANIFEST) })(envWith())()
      expect(E.isRight(honest)).toBe(true)
    }
  })

  it('a blob of any content is refused for any size but its own', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.nat({ max: 4096 }), fc.boolean(), async (content, declared, withLength) => {
        const bytes = Buffer.from(content)
        const s = await serving(bytes, withLength)
        const r = await getBlob(loginFor(s.url), name('app'), sha256(bytes), { expectedSize: declared })(envWith())()
        await s.close()
        if (declared === bytes.length) expect(E.isRight(r) && r.right.equals(bytes)).toBe(true)
        else expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
      }),
      { numRuns: 30 }
    )
  })
})
