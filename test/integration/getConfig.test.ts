// Image.getConfig against a real registry: a `docker-registry` on 127.0.0.1 serves the registry API,
// the in-memory twin serves the ECR API with its login pointing at that registry, and the blobs are
// fetched with undici's real fetch.
import { PutImageCommand } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { randomBytes } from 'node:crypto'
import { fetch as undiciFetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EcrError } from '../../src/EcrError'
import type { HttpEnv } from '../../src/Env'
import * as Image from '../../src/Image'
import type { ImageDigest, RepositoryName } from '../../src/Primitives'
import { InMemoryEcr } from '../../src/testing'
import { basicAuth, pushTestImage, startRegistry, type PushedImage, type Registry } from './harness'

const PASSWORD = `pw-${randomBytes(12).toString('hex')}`
const REPO = 'itest/app'

const realFetch: HttpEnv['fetch'] = (input, init) =>
  undiciFetch(input, init as Parameters<typeof undiciFetch>[1]) as unknown as Promise<Response>

let reg: Registry
let single: PushedImage
let multi: PushedImage
let twin: InMemoryEcr.InMemoryEcr

const right = <A>(r: E.Either<EcrError, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

/** Copies every blob of `image` from the real registry into the twin, then puts its manifests with PutImage. */
const register = async (image: PushedImage, tag: string): Promise<void> => {
  for (const blob of image.blobs) {
    const got = await realFetch(`${reg.url}/v2/${REPO}/blobs/${blob.digest}`, { headers: { authorization: basicAuth(reg) } })
    expect(got.status).toBe(200)
    const bytes = Buffer.from(await got.arrayBuffer())
    const put = await twin.fetch(`${twin.proxyEndpoint}/v2/${REPO}/blobs/uploads/?digest=${blob.digest}`, {
      method: 'POST',
      headers: { authorization: basicAuth({ ...reg, password: twin.password }), 'content-type': 'application/octet-stream' },
      body: bytes
    })
    expect(put.status).toBe(201)
  }
  const isIndex = image.manifests.length > 1 || image.text !== image.manifests[0]?.text
  if (isIndex)
    for (const m of image.manifests)
      await twin.ecr.send(
        new PutImageCommand({ repositoryName: REPO, imageManifest: m.text, imageManifestMediaType: m.mediaType, imageDigest: m.digest })
      )
  await twin.ecr.send(
    new PutImageCommand({ repositoryName: REPO, imageManifest: image.text, imageManifestMediaType: image.mediaType, imageTag: tag })
  )
}

beforeAll(async () => {
  reg = await startRegistry({ password: PASSWORD })
  single = await pushTestImage(reg, REPO, 'v1', { layers: 2, format: 'docker' })
  multi = await pushTestImage(reg, REPO, 'multi', {
    layers: 1,
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' }
    ]
  })
  twin = InMemoryEcr.make({ proxyEndpoint: reg.url, password: PASSWORD })
  twin.createRepository(REPO)
  await register(single, 'v1')
  await register(multi, 'multi')
})

afterAll(async () => {
  await reg?.stop()
})

const env = () => ({ ...twin.env, fetch: realFetch })
const uri = (tag: string) => `${twin.accountId}.dkr.ecr.${twin.region}.amazonaws.com/${REPO}:${tag}`

describe('Image.getConfig from a real registry', () => {
  it('reads the config of a single-platform image, with its labels', async () => {
    const e = env()
    const ref = right(await Image.fromUri(uri('v1'))(e)())
    expect(ref.imageDigest).toBe(single.digest)
    twin.resetCalls()
    const config = right(await Image.getConfig(ref)(e)())
    expect(config.config?.Labels).toEqual({ test: 'ecr-fp-ts' })
    expect(config.os).toBe('linux')
    expect(config.rootfs.diff_ids).toEqual(single.manifests[0]?.layers.map((l) => l.digest))
    // the blob came from the real registry, not from the twin's registry API
    expect(twin.httpCalls).toEqual([])
    expect(twin.callCount('GetAuthorizationToken')).toBe(1)
    const layers = right(await Image.getLayers(ref)(e)())
    expect(layers.map((l) => l.layerDigest)).toEqual(single.manifests[0]?.layers.map((l) => l.digest))
  })

  it('picks the platform of an index', async () => {
    const e = env()
    const ref = right(await Image.fromUri(uri('multi'))(e)())
    expect(ref.imageDigest).toBe(multi.digest)
    const arm = right(await Image.getConfig(ref, { platform: { os: 'linux', architecture: 'arm64' } })(e)())
    expect(arm.architecture).toBe('arm64')
    expect(arm.variant).toBe('v8')
    const amd = right(await Image.getConfig(ref)(e)())
    expect(amd.architecture).toBe('amd64')
    const none = await Image.getConfig(ref, { platform: { os: 'windows', architecture: 'amd64' } })(e)()
    expect(E.isLeft(none) && none.left).toMatchObject({ _tag: 'NotFound', resource: 'Image' })
  })

  it('a wrong password is an HttpError 401 that does not show the password', async () => {
    const wrong = InMemoryEcr.make({ proxyEndpoint: reg.url, password: 'not-the-password' })
    const ref = {
      accountId: wrong.accountId,
      region: wrong.region,
      repositoryName: REPO as RepositoryName,
      imageDigest: single.digest as ImageDigest,
      imageManifest: single.text
    }
    const r = await Image.getConfig(ref)({ ...wrong.env, fetch: realFetch })()
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'HttpError', status: 401 })
    expect(JSON.stringify(r)).not.toContain('not-the-password')
    expect(JSON.stringify(r)).not.toContain(Buffer.from('AWS:not-the-password').toString('base64'))
  })
})
