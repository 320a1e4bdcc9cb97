import { CreateRepositoryCommand, DescribeImagesCommand, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr'
import { createHash, randomBytes } from 'crypto'
import { PassThrough, Readable, Writable } from 'stream'
import { pipeline as pipelineP } from 'stream/promises'
import { pipeline, request, stream } from 'undici'
import { describe, expect, it } from 'vitest'
import { InMemoryEcr } from '../../src/testing'
import { authorization, push, rejection, url } from './fixtures'

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`

const LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'
const DOCKER = 'application/vnd.docker.distribution.manifest.v2+json'
const ACCEPT_ALL = [
  DOCKER,
  LIST,
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json'
].join(', ')

const setup = async (options: InMemoryEcr.Options = {}) => {
  const twin = InMemoryEcr.make(options)
  const auth = await authorization(twin)
  return { twin, auth, headers: { authorization: auth } }
}

const body = async (res: Response) => Buffer.from(await res.arrayBuffer())

describe('authentication', () => {
  it('answers 401 with WWW-Authenticate and an OCI error without valid Basic credentials', async () => {
    const { twin } = await setup()
    const attempts: ReadonlyArray<Record<string, string>> = [
      {},
      { authorization: 'Basic ' + Buffer.from('AWS:wrong').toString('base64') },
      { authorization: 'Bearer abc' }
    ]
    for (const headers of attempts) {
      const res = await twin.fetch(url(twin, '/v2/'), { headers })
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe(
        `Basic realm="${twin.proxyEndpoint}/",service="ecr.amazonaws.com"`
      )
      expect(await res.json()).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'Not Authorized' }] })
    }
  })

  it('GET /v2/ with the login answers 200 {}', async () => {
    const { twin, headers } = await setup()
    const res = await twin.fetch(url(twin, '/v2/'), { headers })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({})
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0')
  })

  it('refuses the login once every issued token has expired, until a new one is issued', async () => {
    let t = Date.parse('2024-01-01T00:00:00Z')
    const twin = InMemoryEcr.make({ now: () => new Date(t), tokenTtlMs: 60_000 })
    const auth = await authorization(twin)
    expect((await twin.fetch(url(twin, '/v2/'), { headers: { authorization: auth } })).status).toBe(200)
    t += 61_000
    expect((await twin.fetch(url(twin, '/v2/'), { headers: { authorization: auth } })).status).toBe(401)
    await twin.ecr.send(new GetAuthorizationTokenCommand({}))
    expect((await twin.fetch(url(twin, '/v2/'), { headers: { authorization: auth } })).status).toBe(200)
  })
})

describe('manifests', () => {
  it('GET and HEAD by tag and digest carry type, digest and length', async () => {
    const { twin, headers } = await setup()
    const img = push(twin, 'team/app', { tag: 'v1' })
    for (const ref of ['v1', img.imageDigest]) {
      const res = await twin.fetch(url(twin, `/v2/team/app/manifests/${ref}`), {
        headers: { ...headers, accept: ACCEPT_ALL }
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe(DOCKER)
      expect(res.headers.get('docker-content-digest')).toBe(img.imageDigest)
      expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(img.manifest)))
      expect(await res.text()).toBe(img.manifest)
      const head = await twin.fetch(url(twin, `/v2/team/app/manifests/${ref}`), { method: 'HEAD', headers })
      expect(head.status).toBe(200)
      expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(img.manifest)))
      expect(head.headers.get('docker-content-digest')).toBe(img.imageDigest)
    }
  })

  it('404s: MANIFEST_UNKNOWN for an unknown reference, NAME_UNKNOWN for an unknown repository', async () => {
    const { twin, headers } = await setup()
    push(twin, 'app', { tag: 'v1' })
    const a = await twin.fetch(url(twin, '/v2/app/manifests/v2'), { headers })
    expect(a.status).toBe(404)
    expect(((await a.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe('MANIFEST_UNKNOWN')
    const b = await twin.fetch(url(twin, '/v2/nope/manifests/v1'), { headers })
    expect(b.status).toBe(404)
    expect(await b.json()).toEqual({
      errors: [
        {
          code: 'NAME_UNKNOWN',
          message: "The repository with name 'nope' does not exist in the registry with id '123456789012'"
        }
      ]
    })
  })

  it('serves an index by tag only to clients that accept it; by digest always', async () => {
    const { twin, auth } = await setup()
    const idx = push(twin, 'app', {
      tag: 'multi',
      platforms: [
        { os: 'linux', architecture: 'arm64' },
        { os: 'linux', architecture: 'amd64' }
      ]
    })
    const amd64 = idx.children.find((c) => c.platform.architecture === 'amd64')
    const get = (ref: string, accept?: string) =>
      request(url(twin, `/v2/app/manifests/${ref}`), {
        dispatcher: twin.dispatcher,
        headers: { authorization: auth, ...(accept === undefined ? {} : { accept }) }
      })
    const listed = await get('multi', ACCEPT_ALL)
    expect(listed.headers['docker-content-digest']).toBe(idx.imageDigest)
    expect(await listed.body.text()).toBe(idx.manifest)
    for (const accept of [undefined, DOCKER]) {
      const single = await get('multi', accept)
      expect(single.headers['docker-content-digest']).toBe(amd64?.imageDigest)
      expect(single.headers['content-type']).toBe(DOCKER)
      await single.body.dump()
    }
    const byDigest = await get(idx.imageDigest)
    expect(byDigest.headers['docker-content-digest']).toBe(idx.imageDigest)
    await byDigest.body.dump()
  })

  it('children of a pushed index are fetchable by digest', async () => {
    const { twin, headers } = await setup()
    const idx = push(twin, 'app', {
      tag: 'multi',
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' }
      ]
    })
    const index = JSON.parse(idx.manifest) as { manifests: Array<{ digest: string; platform: unknown }> }
    expect(index.manifests.map((m) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux', variant: 'v8' }
    ])
    for (const m of index.manifests) {
      const res = await twin.fetch(url(twin, `/v2/app/manifests/${m.digest}`), { headers })
      expect(res.status).toBe(200)
      const text = await res.text()
      expect(sha(text)).toBe(m.digest)
      const child = JSON.parse(text) as { config: { digest: string }; layers: Array<{ digest: string }> }
      for (const d of [child.config.digest, ...child.layers.map((l) => l.digest)]) {
        const blob = await twin.fetch(url(twin, `/v2/app/blobs/${d}`), { headers })
        expect(sha(await body(blob))).toBe(d)
      }
    }
  })

  it('PUT stores into the same store as PutImage (201, Location, digest)', async () => {
    const { twin, headers } = await setup()
    const src = push(twin, 'app')
    const res = await twin.fetch(url(twin, '/v2/app/manifests/v9'), {
      method: 'PUT',
      headers: { ...headers, 'content-type': DOCKER },
      body: src.manifest
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe(`/v2/app/manifests/${src.imageDigest}`)
    expect(res.headers.get('docker-content-digest')).toBe(src.imageDigest)
    const described = await twin.ecr.send(
      new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v9' }] })
    )
    expect(described.imageDetails?.[0]?.imageDigest).toBe(src.imageDigest)
    // the same manifest and tag again is fine over HTTP
    const again = await twin.fetch(url(twin, '/v2/app/manifests/v9'), {
      method: 'PUT',
      headers: { ...headers, 'content-type': DOCKER },
      body: src.manifest
    })
    expect(again.status).toBe(201)
  })

  it('PUT errors: Content-Type, unknown blobs, digest mismatch, immutable tags, bad JSON', async () => {
    const { twin, headers } = await setup()
    const src = push(twin, 'src')
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'dst', imageTagMutability: 'IMMUTABLE' }))
    const put = (path: string, b: string, contentType: string | undefined = DOCKER) =>
      twin.fetch(url(twin, path), {
        method: 'PUT',
        headers: { ...headers, ...(contentType === undefined ? {} : { 'content-type': contentType }) },
        body: b
      })
    const code = async (res: Response) => ({
      status: res.status,
      code: ((await res.json()) as { errors: Array<{ code: string; message: string }> }).errors[0]
    })
    expect(await code(await put('/v2/dst/manifests/v1', src.manifest, ''))).toMatchObject({
      status: 400,
      code: { code: 'MANIFEST_INVALID' }
    })
    expect(await code(await put('/v2/dst/manifests/v1', src.manifest))).toMatchObject({
      status: 400,
      code: { code: 'MANIFEST_BLOB_UNKNOWN' }
    })
    const d = sha('x')
    expect(await code(await put(`/v2/src/manifests/${d}`, src.manifest))).toMatchObject({
      status: 400,
      code: { code: 'DIGEST_INVALID' }
    })
    expect(await code(await put('/v2/src/manifests/v1', '{nope'))).toMatchObject({
      status: 400,
      code: { code: 'MANIFEST_INVALID' }
    })
    const a = push(twin, 'dst', { tag: 'v1' })
    const b = push(twin, 'dst')
    const immutable = await code(await put('/v2/dst/manifests/v1', b.manifest))
    expect(immutable).toEqual({
      status: 400,
      code: {
        code: 'TAG_INVALID',
        message:
          "The image tag 'v1' already exists in the 'dst' repository and cannot be overwritten because the repository is immutable."
      }
    })
    expect(twin.tagsOf('dst').get('v1')).toBe(a.imageDigest)
    expect((await put(`/v2/dst/manifests/${b.imageDigest}`, b.manifest)).status).toBe(201)
  })

  it('paths with encoded repository names work', async () => {
    const { twin, headers } = await setup()
    const img = push(twin, 'team/app', { tag: 'v1' })
    const res = await twin.fetch(url(twin, '/v2/team%2Fapp/manifests/v1'), { headers })
    expect(res.status).toBe(200)
    expect(res.headers.get('docker-content-digest')).toBe(img.imageDigest)
    const viaRequest = await request(new URL(url(twin, '/v2/team%2Fapp/manifests/v1')), {
      dispatcher: twin.dispatcher,
      headers
    })
    expect(viaRequest.statusCode).toBe(200)
    await viaRequest.body.dump()
  })

  it('lists tags with n/last pagination', async () => {
    const { twin, headers } = await setup()
    push(twin, 'app', { tags: ['c', 'a', 'b'] })
    const first = await twin.fetch(url(twin, '/v2/app/tags/list?n=2'), { headers })
    expect(await first.json()).toEqual({ name: 'app', tags: ['a', 'b'] })
    expect(first.headers.get('link')).toBe('</v2/app/tags/list?n=2&last=b>; rel="next"')
    const second = await twin.fetch(url(twin, '/v2/app/tags/list?n=2&last=b'), { headers })
    expect(await second.json()).toEqual({ name: 'app', tags: ['c'] })
    expect(second.headers.get('link')).toBeNull()
  })
})

describe('blobs', () => {
  it('GET serves bytes, HEAD the length, and an unknown blob is BLOB_UNKNOWN', async () => {
    const { twin, headers } = await setup()
    const img = push(twin, 'app', { layerBytes: 1000 })
    const layer = img.layerDigests[0] ?? ''
    const res = await twin.fetch(url(twin, `/v2/app/blobs/${layer}`), { headers })
    expect(res.status).toBe(200)
    expect(res.headers.get('docker-content-digest')).toBe(layer)
    expect(sha(await body(res))).toBe(layer)
    const head = await twin.fetch(url(twin, `/v2/app/blobs/${layer}`), { method: 'HEAD', headers })
    expect(head.headers.get('content-length')).toBe('1000')
    const missing = await twin.fetch(url(twin, `/v2/app/blobs/${sha('none')}`), { headers })
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe('BLOB_UNKNOWN')
    // blobs belong to repositories
    push(twin, 'other')
    expect((await twin.fetch(url(twin, `/v2/other/blobs/${layer}`), { headers })).status).toBe(404)
    const ranged = await twin.fetch(url(twin, `/v2/app/blobs/${layer}`), {
      headers: { ...headers, range: 'bytes=10-19' }
    })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get('content-range')).toBe('bytes 10-19/1000')
    expect((await body(ranged)).length).toBe(10)
  })

  it('with redirectBlobs, GET answers 307 to a pre-signed storage URL that refuses any Authorization header', async () => {
    const { twin, auth } = await setup({ redirectBlobs: true })
    const img = push(twin, 'app', { layerBytes: 300 })
    const layer = img.layerDigests[0] ?? ''
    const res = await request(url(twin, `/v2/app/blobs/${layer}`), {
      dispatcher: twin.dispatcher,
      headers: { authorization: auth }
    })
    expect(res.statusCode).toBe(307)
    await res.body.dump()
    const location = String(res.headers.location)
    const target = new URL(location)
    expect(target.origin).toBe(twin.storageOrigin)
    expect(target.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256')
    expect(target.searchParams.get('X-Amz-Signature')).toMatch(/^[a-f0-9]{64}$/)
    const withAuth = await request(location, { dispatcher: twin.dispatcher, headers: { authorization: auth } })
    expect(withAuth.statusCode).toBe(400)
    const xml = await withAuth.body.text()
    expect(xml).toContain('<Code>InvalidArgument</Code>')
    expect(xml).toContain(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified'
    )
    const plain = await request(location, { dispatcher: twin.dispatcher })
    expect(plain.statusCode).toBe(200)
    expect(sha(Buffer.from(await plain.body.arrayBuffer()))).toBe(layer)
    target.searchParams.set('X-Amz-Signature', 'f'.repeat(64))
    const forged = await request(target.toString(), { dispatcher: twin.dispatcher })
    expect(forged.statusCode).toBe(403)
    await forged.body.dump()
    target.search = ''
    const unsigned = await request(target.toString(), { dispatcher: twin.dispatcher })
    expect(unsigned.statusCode).toBe(403)
    await unsigned.body.dump()
    // HEAD stays on the registry
    const head = await request(url(twin, `/v2/app/blobs/${layer}`), {
      method: 'HEAD',
      dispatcher: twin.dispatcher,
      headers: { authorization: auth }
    })
    expect(head.statusCode).toBe(200)
    expect(head.headers['content-length']).toBe('300')
    await head.body.dump()
  })

  it('fetch follows the redirect without sending the Authorization header to storage', async () => {
    const { twin, headers } = await setup({ redirectBlobs: true })
    const img = push(twin, 'app')
    const layer = img.layerDigests[0] ?? ''
    const res = await twin.fetch(url(twin, `/v2/app/blobs/${layer}`), { headers })
    expect(res.status).toBe(200)
    expect(res.redirected).toBe(true)
    expect(sha(await body(res))).toBe(layer)
    const storageCalls = twin.httpCalls.filter((c) => c.url.startsWith(twin.storageOrigin))
    expect(storageCalls).toHaveLength(1)
    expect(storageCalls[0]?.authorization).toBe(false)
    expect(storageCalls[0]?.url).not.toContain('?')
  })

  it('pre-signed URLs expire after an hour', async () => {
    let t = Date.parse('2024-01-01T00:00:00Z')
    const twin = InMemoryEcr.make({ redirectBlobs: true, now: () => new Date(t) })
    const auth = await authorization(twin)
    const img = push(twin, 'app')
    const res = await request(url(twin, `/v2/app/blobs/${img.layerDigests[0]}`), {
      dispatcher: twin.dispatcher,
      headers: { authorization: auth }
    })
    await res.body.dump()
    t += 3601_000
    const late = await request(String(res.headers.location), { dispatcher: twin.dispatcher })
    expect(late.statusCode).toBe(403)
    expect(await late.body.text()).toContain('Request has expired')
  })
})

describe('uploads', () => {
  it('POST, PATCH chunks, PUT ?digest', async () => {
    const { twin, headers } = await setup()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
    const start = await twin.fetch(url(twin, '/v2/app/blobs/uploads/'), { method: 'POST', headers })
    expect(start.status).toBe(202)
    const location = start.headers.get('location') ?? ''
    expect(location).toMatch(/^\/v2\/app\/blobs\/uploads\/[0-9a-f-]{36}$/)
    expect(start.headers.get('docker-upload-uuid')).toBe(location.split('/').pop())
    expect(start.headers.get('range')).toBe('0-0')
    const data = randomBytes(3000)
    const p1 = await twin.fetch(url(twin, location), {
      method: 'PATCH',
      headers: { ...headers, 'content-range': '0-999' },
      body: data.subarray(0, 1000)
    })
    expect(p1.status).toBe(202)
    expect(p1.headers.get('range')).toBe('0-999')
    const outOfOrder = await twin.fetch(url(twin, location), {
      method: 'PATCH',
      headers: { ...headers, 'content-range': '5-10' },
      body: data.subarray(0, 6)
    })
    expect(outOfOrder.status).toBe(416)
    const p2 = await twin.fetch(url(twin, location), { method: 'PATCH', headers, body: data.subarray(1000, 2000) })
    expect(p2.headers.get('range')).toBe('0-1999')
    const status = await twin.fetch(url(twin, location), { headers })
    expect(status.status).toBe(204)
    expect(status.headers.get('range')).toBe('0-1999')
    const done = await twin.fetch(url(twin, `${location}?digest=${sha(data)}`), {
      method: 'PUT',
      headers,
      body: data.subarray(2000)
    })
    expect(done.status).toBe(201)
    expect(done.headers.get('location')).toBe(`/v2/app/blobs/${sha(data)}`)
    expect(done.headers.get('docker-content-digest')).toBe(sha(data))
    expect(twin.hasBlob('app', sha(data))).toBe(true)
  })

  it('a digest mismatch is DIGEST_INVALID and drops the session; DELETE cancels', async () => {
    const { twin, headers } = await setup()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
    const start = await twin.fetch(url(twin, '/v2/app/blobs/uploads/'), { method: 'POST', headers })
    const location = start.headers.get('location') ?? ''
    const bad = await twin.fetch(url(twin, `${location}?digest=${sha('something else')}`), {
      method: 'PUT',
      headers,
      body: 'abc'
    })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe('DIGEST_INVALID')
    expect(twin.hasBlob('app', sha('abc'))).toBe(false)
    const gone = await twin.fetch(url(twin, location), { method: 'PATCH', headers, body: 'x' })
    expect(gone.status).toBe(404)
    expect(((await gone.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe('BLOB_UPLOAD_UNKNOWN')
    const second =
      (await twin.fetch(url(twin, '/v2/app/blobs/uploads/'), { method: 'POST', headers })).headers.get('location') ?? ''
    expect((await twin.fetch(url(twin, second), { method: 'DELETE', headers })).status).toBe(204)
    expect((await twin.fetch(url(twin, second), { headers })).status).toBe(404)
  })

  it('monolithic POST ?digest and uploads to a missing repository', async () => {
    const { twin, headers } = await setup()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
    const res = await twin.fetch(url(twin, `/v2/app/blobs/uploads/?digest=${sha('hello')}`), {
      method: 'POST',
      headers,
      body: 'hello'
    })
    expect(res.status).toBe(201)
    expect(twin.hasBlob('app', sha('hello'))).toBe(true)
    const missing = await twin.fetch(url(twin, '/v2/nope/blobs/uploads/'), { method: 'POST', headers })
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe('NAME_UNKNOWN')
  })

  it('mounts a blob from another repository when mounting is on, else starts an upload', async () => {
    for (const blobMounting of [true, false]) {
      const { twin, headers } = await setup({ blobMounting })
      const img = push(twin, 'src')
      await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'dst' }))
      const layer = img.layerDigests[0] ?? ''
      const res = await twin.fetch(url(twin, `/v2/dst/blobs/uploads/?mount=${layer}&from=src`), {
        method: 'POST',
        headers
      })
      expect(res.status).toBe(blobMounting ? 201 : 202)
      expect(twin.hasBlob('dst', layer)).toBe(blobMounting)
      if (blobMounting) expect(res.headers.get('location')).toBe(`/v2/dst/blobs/${layer}`)
      const absent = await twin.fetch(url(twin, `/v2/dst/blobs/uploads/?mount=${sha('zz')}&from=src`), {
        method: 'POST',
        headers
      })
      expect(absent.status).toBe(202)
    }
  })
})

describe('undici request / stream / pipeline through the dispatcher', () => {
  const EIGHT_MIB = 8 * 1024 * 1024

  const chunkedReadable = (data: Buffer, chunk = 256 * 1024) =>
    Readable.from(
      (function* () {
        for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk)
      })()
    )

  it('streams an 8 MiB PUT body (Node Readable) and streams the GET back in chunks', async () => {
    const { twin, auth } = await setup()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'big' }))
    const data = randomBytes(EIGHT_MIB)
    const digest = sha(data)
    const start = await request(url(twin, '/v2/big/blobs/uploads/'), {
      method: 'POST',
      dispatcher: twin.dispatcher,
      headers: { authorization: auth }
    })
    await start.body.dump()
    const location = new URL(String(start.headers.location), twin.proxyEndpoint)
    location.searchParams.set('digest', digest)
    const put = await request(location, {
      method: 'PUT',
      dispatcher: twin.dispatcher,
      headers: {
        authorization: auth,
        'content-type': 'application/octet-stream',
        'content-length': String(data.length)
      },
      body: chunkedReadable(data)
    })
    expect(put.statusCode).toBe(201)
    await put.body.dump()
    expect(twin.hasBlob('big', digest)).toBe(true)
    const get = await request(url(twin, `/v2/big/blobs/${digest}`), {
      dispatcher: twin.dispatcher,
      headers: { authorization: auth }
    })
    expect(get.statusCode).toBe(200)
    expect(get.headers['content-length']).toBe(String(EIGHT_MIB))
    const hash = createHash('sha256')
    let chunks = 0
    let largest = 0
    for await (const c of get.body) {
      chunks++
      largest = Math.max(largest, (c as Buffer).length)
      hash.update(c as Buffer)
    }
    expect(`sha256:${hash.digest('hex')}`).toBe(digest)
    expect(chunks).toBeGreaterThan(1)
    expect(largest).toBeLessThanOrEqual(64 * 1024)
  })

  it('undici.stream writes the body into a Writable', async () => {
    const { twin, auth } = await setup()
    const img = push(twin, 'app', { layerBytes: 200_000 })
    const layer = img.layerDigests[0] ?? ''
    const hash = createHash('sha256')
    const result = await stream<{ n: number }>(
      url(twin, `/v2/app/blobs/${layer}`),
      { method: 'GET', dispatcher: twin.dispatcher, headers: { authorization: auth }, opaque: { n: 0 } },
      ({ statusCode, opaque }) => {
        expect(statusCode).toBe(200)
        return new Writable({
          write(chunk: Buffer, _enc, cb) {
            if (opaque !== null) opaque.n += chunk.length
            hash.update(chunk)
            cb()
          }
        })
      }
    )
    expect(result.opaque?.n).toBe(200_000)
    expect(`sha256:${hash.digest('hex')}`).toBe(layer)
  })

  it('undici.pipeline uploads a streamed body and returns the response body', async () => {
    const { twin, auth } = await setup()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
    const data = randomBytes(1024 * 1024 + 17)
    const digest = sha(data)
    const out: Array<Buffer> = []
    let status = 0
    await pipelineP(
      chunkedReadable(data, 100_000),
      pipeline(
        url(twin, `/v2/app/blobs/uploads/?digest=${digest}`),
        { method: 'POST', dispatcher: twin.dispatcher, headers: { authorization: auth } },
        ({ statusCode, body: b }) => {
          status = statusCode
          return b
        }
      ),
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          out.push(chunk)
          cb()
        }
      })
    )
    expect(status).toBe(201)
    expect(twin.hasBlob('app', digest)).toBe(true)
    // and a GET through pipeline
    const got: Array<Buffer> = []
    await pipelineP(
      Readable.from([]),
      pipeline(
        url(twin, `/v2/app/blobs/${digest}`),
        { method: 'GET', dispatcher: twin.dispatcher, headers: { authorization: auth } },
        ({ body: b }) => b
      ),
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          got.push(chunk)
          cb()
        }
      })
    )
    expect(sha(Buffer.concat(got))).toBe(digest)
  })

  it('a slow consumer still gets the whole body', async () => {
    const { twin, auth } = await setup()
    const img = push(twin, 'app', { layerBytes: 600_000 })
    const layer = img.layerDigests[0] ?? ''
    const res = await request(url(twin, `/v2/app/blobs/${layer}`), {
      dispatcher: twin.dispatcher,
      headers: { authorization: auth },
      highWaterMark: 1024
    })
    const sink = new PassThrough({ highWaterMark: 1024 })
    const parts: Array<Buffer> = []
    sink.on('data', (c: Buffer) => parts.push(c))
    for await (const c of res.body) {
      await new Promise((r) => setImmediate(r))
      sink.write(c)
    }
    sink.end()
    expect(sha(Buffer.concat(parts))).toBe(layer)
  })
})

describe('origins, faults and recording', () => {
  it('another origin is unreachable: fetch rejects with ENOTFOUND, request too', async () => {
    const { twin } = await setup()
    const e = await rejection(twin.fetch('https://example.com/v2/'))
    expect(e).toBeInstanceOf(TypeError)
    expect((e.cause as { code?: string }).code).toBe('ENOTFOUND')
    const r = await rejection(request('https://example.com/', { dispatcher: twin.dispatcher }))
    expect(r.code).toBe('ENOTFOUND')
  })

  it('http faults: server-error 503, throttle 429, status, network reset', async () => {
    const { twin, headers } = await setup()
    push(twin, 'app', { tag: 'v1' })
    const target = url(twin, '/v2/app/manifests/v1')
    twin.setFault((c) => (c.kind === 'http' ? 'server-error' : undefined))
    expect((await twin.fetch(target, { headers })).status).toBe(503)
    twin.setFault((c) => (c.kind === 'http' ? 'throttle' : undefined))
    expect((await twin.fetch(target, { headers })).status).toBe(429)
    twin.setFault((c) => (c.kind === 'http' ? { status: 502 } : undefined))
    expect((await twin.fetch(target, { headers })).status).toBe(502)
    twin.setFault((c) => (c.kind === 'http' ? 'missing-fields' : undefined))
    const empty = await twin.fetch(target, { headers })
    expect(empty.status).toBe(200)
    expect(empty.headers.get('docker-content-digest')).toBeNull()
    twin.setFault((c) => (c.kind === 'http' && c.url.endsWith('/manifests/v1') ? 'network' : undefined))
    const e = await rejection(twin.fetch(target, { headers }))
    expect((e.cause as { code?: string }).code).toBe('ECONNRESET')
    const r = await rejection(request(target, { dispatcher: twin.dispatcher, headers }))
    expect(r.code).toBe('ECONNRESET')
    expect((await twin.fetch(url(twin, '/v2/'), { headers })).status).toBe(200)
    twin.setFault(undefined)
    expect((await twin.fetch(target, { headers })).status).toBe(200)
  })

  it('records method, URL without query and whether Authorization was sent', async () => {
    const { twin, headers } = await setup()
    await twin.fetch(url(twin, '/v2/?x=secret'), { headers })
    await twin.fetch(url(twin, '/v2/app/manifests/v1'))
    expect(twin.httpCalls).toEqual([
      { method: 'GET', url: `${twin.proxyEndpoint}/v2/`, authorization: true },
      { method: 'GET', url: `${twin.proxyEndpoint}/v2/app/manifests/v1`, authorization: false }
    ])
    expect(twin.httpCallCount()).toBe(2)
    expect(twin.httpCallCount('GET', /\/manifests\//)).toBe(1)
    expect(twin.httpCallCount('PUT')).toBe(0)
    twin.resetCalls()
    expect(twin.httpCalls).toHaveLength(0)
  })
})
