import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as E from 'fp-ts/Either'
import { createHash, randomBytes } from 'node:crypto'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent, type Dispatcher } from 'undici'
import * as Env from '../../src/Env'
import type { EcrEnv, HttpEnv } from '../../src/Env'
import * as ImageUri from '../../src/ImageUri'
import { replicateImage, type Progress, type ReplicateRequest } from '../../src/replicate'
import { concat, constantDelay, limitRetries } from '../../src/Retry'
import * as InMemoryEcr from '../../src/testing/InMemoryEcr'
import { basicAuth, pushTestImage, sha256, startRegistry, type PushedImage, type Registry, type RegistryAccess } from './harness'
import { fetchWith, repo, twinFor } from './sides'

// Two real docker-registry instances with different credentials; the ECR side of each is a twin
// whose login points at its registry.

const SRC = { accountId: '111111111111', region: 'us-east-1' }
const DST = { accountId: '222222222222', region: 'eu-west-1' }

let regA: Registry
let regB: Registry
let agent: Agent

const side = (twin: InMemoryEcr.InMemoryEcr): EcrEnv & HttpEnv =>
  ({
    ...twin.env,
    fetch: fetchWith(agent),
    dispatcher: agent,
    retryPolicy: concat(limitRetries(2), constantDelay(20))
  }) as EcrEnv & HttpEnv


const digestUri = (at: { accountId: string; region: string }, name: string, digest: string): ImageUri.ImageUri => {
  const u = ImageUri.parse(`${at.accountId}.dkr.ecr.${at.region}.amazonaws.com/${name}@${digest}`)
  if (E.isLeft(u)) throw new Error(u.left.message)
  return u.right
}

const ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'
].join(', ')

const getManifest = async (reg: RegistryAccess, name: string, reference: string) => {
  const res = await fetch(`${reg.url}/v2/${name}/manifests/${reference}`, { headers: { authorization: basicAuth(reg), accept: ACCEPT } })
  const body = Buffer.from(await res.arrayBuffer())
  return { status: res.status, text: body.toString('utf8'), mediaType: res.headers.get('content-type'), digest: sha256(body) }
}

/** A blob's sha256 and size, read as a stream (never buffered). */
const blobDigest = async (reg: RegistryAccess, name: string, digest: string) => {
  const res = await fetch(`${reg.url}/v2/${name}/blobs/${digest}`, { headers: { authorization: basicAuth(reg) } })
  if (res.status !== 200 || res.body === null) {
    await res.arrayBuffer().catch(() => undefined)
    return { status: res.status, digest: undefined, size: 0 }
  }
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk)
    size += chunk.byteLength
  }
  return { status: 200, digest: `sha256:${hash.digest('hex')}`, size }
}

const headBlob = async (reg: RegistryAccess, name: string, digest: string): Promise<number> => {
  const res = await fetch(`${reg.url}/v2/${name}/blobs/${digest}`, { method: 'HEAD', headers: { authorization: basicAuth(reg) } })
  return res.status
}

const expectCopied = async (image: PushedImage, name: string, tag: string) => {
  const top = await getManifest(regB, name, image.digest)
  expect(top).toMatchObject({ status: 200, text: image.text, digest: image.digest })
  expect(top.mediaType).toBe(image.mediaType)
  const byTag = await getManifest(regB, name, tag)
  expect(byTag.digest).toBe(image.digest)
  if (image.manifests.length > 1 || image.mediaType.includes('index') || image.mediaType.includes('list'))
    for (const m of image.manifests) expect(await getManifest(regB, name, m.digest)).toMatchObject({ status: 200, text: m.text })
  for (const b of image.blobs) expect(await blobDigest(regB, name, b.digest)).toEqual({ status: 200, digest: b.digest, size: b.size })
}

beforeAll(async () => {
  agent = new Agent({ connections: 16 })
  regA = await startRegistry({ password: `a-${randomBytes(9).toString('hex')}` })
  regB = await startRegistry({ password: `b-${randomBytes(9).toString('hex')}` })
})

afterAll(async () => {
  await regA?.stop()
  await regB?.stop()
  await agent?.close()
})

describe('replicateImage between two docker-registry instances', () => {
  it('copies a single-platform image: manifest and blobs byte for byte', async () => {
    const image = await pushTestImage(regA, 'team/app', 'v1', { layers: 3, layerSize: 300_000, format: 'docker' })
    const src = twinFor(regA, SRC)
    const dst = twinFor(regB, DST)
    const events: Array<Progress> = []
    const r = await replicateImage({
      source: digestUri(SRC, 'team/app', image.digest),
      destination: repo(DST, 'mirror/app'),
      tags: ['v1', 'copied']
    })({ source: side(src), destination: side(dst), onProgress: (p) => events.push(p) })()
    if (E.isLeft(r)) throw new Error(r.left.message)
    expect(r.right.imageDigest).toBe(image.digest)
    await expectCopied(image, 'mirror/app', 'copied')
    expect((await getManifest(regB, 'mirror/app', 'v1')).digest).toBe(image.digest)
    const finals = events.flatMap((p) => (p._tag === 'blob' && p.status !== 'copying' ? [p.status] : []))
    expect(finals).toEqual(image.blobs.map(() => 'copied'))
    // different registries and credentials: the ECR side was asked for one login each
    expect(src.callCount('GetAuthorizationToken')).toBe(1)
    expect(dst.callCount('GetAuthorizationToken')).toBe(1)
  })

  it('copies a two-platform index: children, index and blobs byte for byte; a rerun only checks', async () => {
    const image = await pushTestImage(regA, 'team/multi', 'latest', {
      layers: 2,
      layerSize: 50_000,
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' }
      ]
    })
    const src = twinFor(regA, SRC)
    const dst = twinFor(regB, DST)
    const request: ReplicateRequest = {
      source: digestUri(SRC, 'team/multi', image.digest),
      destination: repo(DST, 'team/multi'),
      tags: ['latest']
    }
    const r = await replicateImage(request)({ source: side(src), destination: side(dst) })()
    if (E.isLeft(r)) throw new Error(r.left.message)
    expect(r.right.imageDigest).toBe(image.digest)
    await expectCopied(image, 'team/multi', 'latest')

    const events: Array<Progress> = []
    const again = await replicateImage(request)({ source: side(src), destination: side(dst), onProgress: (p) => events.push(p) })()
    expect(E.isRight(again)).toBe(true)
    const done = events.find((p) => p._tag === 'done')
    expect(done?._tag === 'done' && done.summary).toMatchObject({
      blobs: { exists: image.blobs.length, mounted: 0, copied: 0 },
      manifests: { exists: 3, pushed: 0 },
      tags: { exists: 1, pushed: 0 }
    })
  })

  it('an interrupted copy of a 64 MiB layer leaves no tag; a rerun completes it', async () => {
    const big = randomBytes(64 * 1024 * 1024)
    const image = await pushTestImage(regA, 'team/big', 'v1', { layers: [big, randomBytes(1000)] })
    const bigDigest = sha256(big)
    // a proxy in front of the source registry that cuts blob downloads after 8 MiB while `cut` is on
    let cut = true
    let cuts = 0
    const proxy = http.createServer((req, res) => {
      const target = new URL(req.url ?? '/', regA.url)
      const up = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers)
        const isBlob = req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '') && upRes.statusCode === 200
        let sent = 0
        upRes.on('data', (chunk: Buffer) => {
          sent += chunk.length
          if (cut && isBlob && sent > 8 * 1024 * 1024) {
            cuts++
            upRes.destroy()
            res.socket?.destroy()
            return
          }
          if (!res.write(chunk)) {
            upRes.pause()
            res.once('drain', () => upRes.resume())
          }
        })
        upRes.on('end', () => res.end())
      })
      up.on('error', () => res.socket?.destroy())
      req.pipe(up)
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    try {
      const src = twinFor({ url: proxyUrl, password: regA.password }, SRC)
      const dst = twinFor(regB, DST)
      const request: ReplicateRequest = {
        source: digestUri(SRC, 'team/big', image.digest),
        destination: repo(DST, 'team/big'),
        tags: ['v1']
      }
      const first = await replicateImage(request)({ source: side(src), destination: side(dst) })()
      expect(E.isLeft(first) && first.left).toMatchObject({ _tag: 'HttpError', method: 'GET' })
      expect(E.isLeft(first) && first.left._tag === 'HttpError' && first.left.url).toContain(`/v2/team/big/blobs/${bigDigest}`)
      expect(cuts).toBeGreaterThanOrEqual(1)
      expect((await getManifest(regB, 'team/big', 'v1')).status).toBe(404)
      expect(await headBlob(regB, 'team/big', bigDigest)).toBe(404)

      cut = false
      const events: Array<Progress> = []
      const second = await replicateImage(request)({ source: side(src), destination: side(dst), onProgress: (p) => events.push(p) })()
      if (E.isLeft(second)) throw new Error(second.left.message)
      expect(second.right.imageDigest).toBe(image.digest)
      await expectCopied(image, 'team/big', 'v1')
      const copying = events.filter((p) => p._tag === 'blob' && p.digest === bigDigest && p.status === 'copying')
      expect(copying.length).toBeGreaterThanOrEqual(60)
    } finally {
      proxy.closeAllConnections()
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
    }
  })
})

describe('replicateImage: where its registry requests go', () => {
  /** `agent`, recording each request's method and path. */
  const recording = (seen: Array<string>): Dispatcher =>
    agent.compose((dispatch) => (opts, handler) => {
      seen.push(`${opts.method} ${opts.path.replace(/\?.*$/, '')}`)
      return dispatch(opts, handler)
    })

  /** A twin's ECR side with `Env.make`'s defaults: its built-in fetch, unless `fetch` is given. */
  const made = (twin: InMemoryEcr.InMemoryEcr, dispatcher: Dispatcher, fetch?: HttpEnv['fetch']): EcrEnv & HttpEnv =>
    Env.make({ ecr: twin.ecr, accountId: twin.accountId, region: twin.region, dispatcher, ...(fetch === undefined ? {} : { fetch }) })

  it('with the built-in fetch, every request of a copy goes through the dispatcher: the global fetch is never called', async () => {
    const image = await pushTestImage(regA, 'lean/app', 'v1', { layers: 2, layerSize: 100_000 })
    const seen: Array<string> = []
    const global = vi.spyOn(globalThis, 'fetch')
    try {
      const r = await replicateImage({ source: digestUri(SRC, 'lean/app', image.digest), destination: repo(DST, 'lean/app'), tags: ['v1'] })({
        source: made(twinFor(regA, SRC, agent), recording(seen)),
        destination: made(twinFor(regB, DST, agent), recording(seen))
      })()
      if (E.isLeft(r)) throw new Error(r.left.message)
      expect(global).not.toHaveBeenCalled()
    } finally {
      global.mockRestore()
    }
    await expectCopied(image, 'lean/app', 'v1')
    // the small requests too: manifest reads, checks and puts, upload sessions
    expect(seen).toEqual(
      expect.arrayContaining([`GET /v2/lean/app/manifests/${image.digest}`, `HEAD /v2/lean/app/manifests/${image.digest}`, 'POST /v2/lean/app/blobs/uploads/', 'PUT /v2/lean/app/manifests/v1'])
    )
  })

  it('a fetch the caller passes serves the small requests of a copy; the dispatcher only the streamed blobs', async () => {
    const image = await pushTestImage(regA, 'lean/own', 'v1', { layers: 2, layerSize: 100_000 })
    const seen: Array<string> = []
    const fetched: Array<string> = []
    const own: HttpEnv['fetch'] = (input, init) => {
      fetched.push(`${init?.method ?? 'GET'} ${new URL(input).pathname}`)
      return fetchWith(agent)(input, init)
    }
    const r = await replicateImage({ source: digestUri(SRC, 'lean/own', image.digest), destination: repo(DST, 'lean/own'), tags: ['v1'] })({
      source: made(twinFor(regA, SRC), recording(seen), own),
      destination: made(twinFor(regB, DST), recording(seen), own)
    })()
    if (E.isLeft(r)) throw new Error(r.left.message)
    await expectCopied(image, 'lean/own', 'v1')
    expect(fetched).toEqual(expect.arrayContaining([`GET /v2/lean/own/manifests/${image.digest}`, 'PUT /v2/lean/own/manifests/v1']))
    // the dispatcher saw the blob GETs at the source and the blob PUTs at the destination, nothing else
    expect(seen.length).toBe(2 * image.blobs.length)
    expect(seen.every((s) => /^(GET|PUT) \/v2\/lean\/own\/blobs\//.test(s))).toBe(true)
  })
})
