import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  GetAuthorizationTokenCommand,
  PutImageCommand
} from '@aws-sdk/client-ecr'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { beforeEach, describe, expect, it } from 'vitest'
import * as Image from '../src/Image'
import type { ImageDigest } from '../src/Primitives'
import * as arb from './arbitraries'
import {
  ACCOUNT,
  ALL_MANIFEST_TYPES,
  MT,
  REGION,
  awsException,
  dockerManifest,
  ecrMock,
  fakeDigest,
  imageRef,
  leftOf,
  manifestList,
  mockEnv,
  rightOf,
  sha256
} from './ecrMock'

const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`

const configJson = JSON.stringify({
  architecture: 'amd64',
  os: 'linux',
  config: { Labels: { team: 'infra' }, Env: ['A=1'], Cmd: null },
  rootfs: { type: 'layers', diff_ids: [fakeDigest(7)] },
  history: [{ created_by: 'RUN x' }],
  'moby.buildkit.buildinfo.v1': 'e30='
})
const configDigest = sha256(configJson)
const amd = dockerManifest({ digest: configDigest, size: configJson.length }, [
  { digest: fakeDigest(1), size: 10 },
  { digest: fakeDigest(2), size: 20 }
])
const arm = dockerManifest({ digest: fakeDigest(9), size: 5 }, [{ digest: fakeDigest(3), size: 30 }])
const list = manifestList([
  { manifest: amd, platform: { os: 'linux', architecture: 'amd64' } },
  { manifest: arm, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }
])

const image = (manifest: string, mediaType: string, tag?: string) => ({
  registryId: ACCOUNT,
  repositoryName: 'app',
  imageId: { imageDigest: sha256(manifest), ...(tag === undefined ? {} : { imageTag: tag }) },
  imageManifest: manifest,
  imageManifestMediaType: mediaType
})

beforeEach(() => {
  ecrMock.reset()
})

describe('fromUri', () => {
  it('resolves a tag with one BatchGetImage accepting all four manifest types, and keeps the manifest', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({ images: [image(amd, MT.dockerManifest, 'v1')], failures: [] })
    const ref = rightOf(await Image.fromUri(`${HOST}/app:v1`)(mockEnv())())
    expect(ref).toEqual({ ...imageRef('app', amd), imageManifestMediaType: MT.dockerManifest })
    const calls = ecrMock.calls()
    expect(calls).toHaveLength(1)
    expect(ecrMock.commandCalls(BatchGetImageCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'app',
      imageIds: [{ imageTag: 'v1' }],
      acceptedMediaTypes: ALL_MANIFEST_TYPES
    })
  })

  it('makes no call for a digest URI (the manifest is fetched when needed)', async () => {
    const d = fakeDigest(42)
    const ref = rightOf(await Image.fromUri(`${HOST}/team/app@${d}`)(mockEnv())())
    expect(ref).toEqual({ accountId: ACCOUNT, region: REGION, repositoryName: 'team/app', imageDigest: d })
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('a missing tag is NotFound(Image); a per-item failure other than ImageNotFound is an AwsError naming it', async () => {
    ecrMock
      .on(BatchGetImageCommand)
      .resolvesOnce({
        images: [],
        failures: [{ imageId: { imageTag: 'v9' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }]
      })
      .resolvesOnce({
        images: [],
        failures: [{ imageId: { imageTag: 'v9' }, failureCode: 'KmsError', failureReason: 'kms says no' }]
      })
    const e = leftOf(await Image.fromUri(`${HOST}/app:v9`)(mockEnv())())
    expect(e).toMatchObject({ _tag: 'NotFound', resource: 'Image', id: 'app:v9' })
    expect(leftOf(await Image.fromUri(`${HOST}/app:v9`)(mockEnv())())).toMatchObject({ _tag: 'AwsError', code: 'KmsError' })
  })

  it('rejects an invalid URI and another region without a call', async () => {
    expect(leftOf(await Image.fromUri('app:v1')(mockEnv())())._tag).toBe('InvalidUri')
    const other = leftOf(await Image.fromUri(`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/app:v1`)(mockEnv())())
    expect(other._tag).toBe('InvalidArgument')
    expect(ecrMock.calls()).toHaveLength(0)
  })
})

describe('toUri and codec', () => {
  it('toUri is the digest form, parseable back by fromUri without a call', async () => {
    await fc.assert(
      fc.asyncProperty(arb.repositoryName, arb.imageDigest, async (name, digest) => {
        const ref = { accountId: ACCOUNT, region: REGION, repositoryName: name, imageDigest: digest }
        const uri = Image.toUri(ref)
        expect(uri).toBe(`${HOST}/${name}@${digest}`)
        expect(await Image.fromUri(uri)(mockEnv())()).toEqual(E.right(ref))
      }),
      { numRuns: 200 }
    )
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('codec: decode(encode(a)) = a, manifest kept when present; JSON round trip', () => {
    fc.assert(
      fc.property(
        arb.accountId,
        arb.region,
        arb.repositoryName,
        arb.imageDigest,
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.constantFrom(...ALL_MANIFEST_TYPES), { nil: undefined }),
        (accountId, region, repositoryName, imageDigest, imageManifest, imageManifestMediaType) => {
          const ref = {
            accountId,
            region,
            repositoryName,
            imageDigest,
            ...(imageManifest === undefined ? {} : { imageManifest }),
            ...(imageManifestMediaType === undefined ? {} : { imageManifestMediaType })
          }
          const json = JSON.parse(JSON.stringify(Image.codec.encode(ref))) as unknown
          expect(Image.codec.decode(json)).toEqual(E.right(ref))
          expect(Image.codec.is(ref)).toBe(true)
        }
      ),
      { numRuns: 500 }
    )
  })

  it('codec rejects invalid parts and never throws on arbitrary input', () => {
    const ok = { accountId: ACCOUNT, region: REGION, repositoryName: 'app', imageDigest: fakeDigest(1) }
    expect(E.isRight(Image.codec.decode(ok))).toBe(true)
    for (const bad of [
      { ...ok, accountId: '1234' },
      { ...ok, region: 'mars-1' },
      { ...ok, repositoryName: 'App' },
      { ...ok, imageDigest: 'sha256:abc' },
      { ...ok, imageManifest: 5 },
      null,
      'x'
    ])
      expect(E.isLeft(Image.codec.decode(bad))).toBe(true)
    fc.assert(fc.property(fc.anything(), (u) => E.isLeft(Image.codec.decode(u)) || Image.codec.is(u)), { numRuns: 2000 })
  })

  it('ImageConfigC keeps unknown fields and accepts Docker nulls', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
        fc.dictionary(fc.string({ minLength: 1 }).filter((k) => !['architecture', 'os', 'rootfs', 'variant', 'os.version', 'created', 'author', 'config', 'history', '__proto__'].includes(k)), fc.jsonValue()),
        (labels, extra) => {
          const config = { ...extra, architecture: 'arm64', os: 'linux', config: { Labels: labels, Entrypoint: null }, rootfs: { type: 'layers', diff_ids: [] } }
          expect(Image.ImageConfigC.decode(config)).toEqual(E.right(config))
        }
      )
    )
    expect(E.isLeft(Image.ImageConfigC.decode({ architecture: 'amd64', os: 'linux' }))).toBe(true)
    expect(E.isLeft(Image.ImageConfigC.decode({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: { a: 1 } } }))).toBe(true)
  })
})

describe('getManifest', () => {
  it('makes no call when the ref carries the manifest', async () => {
    expect(await Image.getManifest(imageRef('app', amd))(mockEnv())()).toEqual(E.right(amd))
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('else makes one BatchGetImage by digest', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({ images: [image(amd, MT.dockerManifest)] })
    const ref = { ...imageRef('app'), imageDigest: sha256(amd) }
    expect(await Image.getManifest(ref)(mockEnv())()).toEqual(E.right(amd))
    expect(ecrMock.commandCalls(BatchGetImageCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'app',
      imageIds: [{ imageDigest: sha256(amd) }],
      acceptedMediaTypes: ALL_MANIFEST_TYPES
    })
    expect(ecrMock.calls()).toHaveLength(1)
  })

  it('a manifest whose bytes do not hash to the asked digest is a DigestMismatch', async () => {
    const ref = { ...imageRef('app'), imageDigest: sha256(amd) }
    ecrMock.on(BatchGetImageCommand).resolves({
      images: [{ ...image(amd, MT.dockerManifest), imageManifest: arm }]
    })
    const e = leftOf(await Image.getManifest(ref)(mockEnv())())
    expect(e._tag).toBe('DigestMismatch')
    expect(e).toMatchObject({ subject: `app@${sha256(amd)}`, operation: 'BatchGetImage' })
  })

  it('a missing image is NotFound(Image)', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({ images: [], failures: [] })
    const e = leftOf(await Image.getManifest(imageRef('app'))(mockEnv())())
    expect(e).toMatchObject({ _tag: 'NotFound', resource: 'Image' })
  })
})

describe('getDetail, getTags, getPushedAt', () => {
  it('one DescribeImages by digest', async () => {
    const ref = imageRef('app', amd)
    const pushedAt = new Date('2024-01-02T03:04:05Z')
    ecrMock.on(DescribeImagesCommand).resolves({
      imageDetails: [{ imageDigest: ref.imageDigest, imageTags: ['v1', 'latest'], imagePushedAt: pushedAt, imageSizeInBytes: 30 }]
    })
    expect(await Image.getDetail(ref)(mockEnv())()).toEqual(
      E.right({ imageDigest: ref.imageDigest, imageTags: ['v1', 'latest'], imagePushedAt: pushedAt, imageSizeInBytes: 30, status: 'ACTIVE' })
    )
    expect(ecrMock.commandCalls(DescribeImagesCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'app',
      imageIds: [{ imageDigest: ref.imageDigest }]
    })
    expect(await Image.getTags(ref)(mockEnv())()).toEqual(E.right(['v1', 'latest']))
    expect(await Image.getPushedAt(ref)(mockEnv())()).toEqual(E.right(O.some(pushedAt)))
    expect(ecrMock.calls()).toHaveLength(3)
  })

  it('ImageNotFoundException is NotFound(Image) with the image id; an answer without pushedAt is None', async () => {
    const ref = imageRef('app', amd)
    ecrMock
      .on(DescribeImagesCommand)
      .rejectsOnce(awsException('ImageNotFoundException', 'The image with imageId ... does not exist'))
      .resolves({ imageDetails: [{ imageDigest: ref.imageDigest }] })
    expect(leftOf(await Image.getDetail(ref)(mockEnv())())).toMatchObject({
      _tag: 'NotFound',
      resource: 'Image',
      id: `app@${ref.imageDigest}`
    })
    expect(await Image.getPushedAt(ref)(mockEnv())()).toEqual(E.right(O.none))
    expect(await Image.getTags(ref)(mockEnv())()).toEqual(E.right([]))
  })
})

describe('layers', () => {
  it('reads layers and the config layer from a single manifest without a call', async () => {
    const ref = imageRef('app', amd)
    expect(await Image.getLayers(ref)(mockEnv())()).toEqual(
      E.right([
        { layerDigest: fakeDigest(1), layerSize: 10, mediaType: MT.dockerLayer, layerAvailability: 'AVAILABLE' },
        { layerDigest: fakeDigest(2), layerSize: 20, mediaType: MT.dockerLayer, layerAvailability: 'AVAILABLE' }
      ])
    )
    expect(await Image.getConfigLayer(ref)(mockEnv())()).toEqual(
      E.right({ layerDigest: configDigest, layerSize: configJson.length, mediaType: MT.dockerConfig, layerAvailability: 'AVAILABLE' })
    )
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('for an index, picks the platform (default linux/amd64) and fetches that child by digest', async () => {
    ecrMock.on(BatchGetImageCommand, { imageIds: [{ imageDigest: sha256(arm) }] }).resolves({ images: [image(arm, MT.dockerManifest)] })
    ecrMock.on(BatchGetImageCommand, { imageIds: [{ imageDigest: sha256(amd) }] }).resolves({ images: [image(amd, MT.dockerManifest)] })
    const ref = imageRef('app', list)
    const armLayers = rightOf(await Image.getLayers(ref, { platform: { os: 'linux', architecture: 'arm64' } })(mockEnv())())
    expect(armLayers.map((l) => l.layerDigest)).toEqual([fakeDigest(3)])
    const amdLayers = rightOf(await Image.getLayers(ref)(mockEnv())())
    expect(amdLayers.map((l) => l.layerDigest)).toEqual([fakeDigest(1), fakeDigest(2)])
    expect(ecrMock.commandCalls(BatchGetImageCommand).map((c) => c.args[0].input.imageIds)).toEqual([
      [{ imageDigest: sha256(arm) }],
      [{ imageDigest: sha256(amd) }]
    ])
  })

  it('a platform the index lacks is NotFound(Image) without a call', async () => {
    const e = leftOf(await Image.getLayers(imageRef('app', list), { platform: { os: 'windows', architecture: 'amd64' } })(mockEnv())())
    expect(e).toMatchObject({ _tag: 'NotFound', resource: 'Image' })
    expect(e.message).toContain('windows/amd64')
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('an unparseable manifest is a DecodeError', async () => {
    expect(leftOf(await Image.getLayers(imageRef('app', '{"schemaVersion":2'))(mockEnv())())._tag).toBe('DecodeError')
  })
})

describe('getConfig', () => {
  const password = 'pw-' + 'x'.repeat(20)
  const token = Buffer.from(`AWS:${password}`).toString('base64')
  const proxyEndpoint = `https://${HOST}`

  const fetchServing = (body: string, seen: Array<{ url: string; auth: string | null }>) => (url: string, init?: RequestInit) => {
    seen.push({ url, auth: new Headers(init?.headers).get('authorization') })
    return Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': MT.dockerConfig } }))
  }

  it('reads the config blob from the registry API with Basic auth, verified, and decodes it', async () => {
    ecrMock.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [{ authorizationToken: token, proxyEndpoint, expiresAt: new Date(Date.now() + 3600_000) }]
    })
    const seen: Array<{ url: string; auth: string | null }> = []
    const env = mockEnv({ fetch: fetchServing(configJson, seen) })
    const config = rightOf(await Image.getConfig(imageRef('app', amd))(env)())
    expect(config.config?.Labels).toEqual({ team: 'infra' })
    expect(config['moby.buildkit.buildinfo.v1']).toBe('e30=')
    expect(seen).toEqual([{ url: `${proxyEndpoint}/v2/app/blobs/${configDigest}`, auth: `Basic ${token}` }])
    // a second image of the same registry reuses the login
    rightOf(await Image.getConfig(imageRef('app', amd))(env)())
    expect(ecrMock.commandCalls(GetAuthorizationTokenCommand)).toHaveLength(1)
  })

  it('a tampered blob is a DigestMismatch; a blob that is not a config is a DecodeError', async () => {
    ecrMock.on(GetAuthorizationTokenCommand).resolves({ authorizationData: [{ authorizationToken: token, proxyEndpoint }] })
    const tampered = leftOf(await Image.getConfig(imageRef('app', amd))(mockEnv({ fetch: fetchServing(configJson + ' ', []) }))())
    expect(tampered._tag).toBe('DigestMismatch')
    const notConfig = JSON.stringify({ hello: 'world' })
    const m = dockerManifest({ digest: sha256(notConfig), size: notConfig.length }, [])
    const e = leftOf(await Image.getConfig(imageRef('app', m))(mockEnv({ fetch: fetchServing(notConfig, []) }))())
    expect(e).toMatchObject({ _tag: 'DecodeError', what: 'ImageConfig' })
    expect(e._tag === 'DecodeError' && e.errors).toEqual([
      '/architecture: missing (expected string)',
      '/os: missing (expected string)',
      '/rootfs: missing (expected RootFs)'
    ])
    expect(JSON.stringify(e)).not.toContain(password)
  })
})

describe('put and addTags', () => {
  const ref = { ...imageRef('app', amd), imageManifestMediaType: MT.dockerManifest }

  it('PutImage carries the manifest, its media type, the digest and the tag', async () => {
    ecrMock.on(PutImageCommand).resolves({})
    expect(await Image.put(ref, { tag: 'v2' })(mockEnv())()).toEqual(E.right(undefined))
    expect(ecrMock.commandCalls(PutImageCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'app',
      imageManifest: amd,
      imageManifestMediaType: MT.dockerManifest,
      imageDigest: ref.imageDigest,
      imageTag: 'v2'
    })
  })

  it('ImageAlreadyExistsException is a success', async () => {
    ecrMock.on(PutImageCommand).rejects(awsException('ImageAlreadyExistsException'))
    expect(await Image.put(ref, { tag: 'v1' })(mockEnv())()).toEqual(E.right(undefined))
    expect(ecrMock.calls()).toHaveLength(1)
  })

  it('ImageTagAlreadyExistsException: success when the tag names this image, else AlreadyExists(ImageTag)', async () => {
    ecrMock.on(PutImageCommand).rejects(awsException('ImageTagAlreadyExistsException'))
    ecrMock
      .on(DescribeImagesCommand)
      .resolvesOnce({ imageDetails: [{ imageDigest: ref.imageDigest, imageTags: ['v1'] }] })
      .resolvesOnce({ imageDetails: [{ imageDigest: fakeDigest(5), imageTags: ['v1'] }] })
      .rejectsOnce(awsException('ImageNotFoundException'))
      .rejectsOnce(awsException('AccessDeniedException'))
    expect(await Image.put(ref, { tag: 'v1' })(mockEnv())()).toEqual(E.right(undefined))
    expect(ecrMock.commandCalls(DescribeImagesCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'app',
      imageIds: [{ imageTag: 'v1' }]
    })
    expect(leftOf(await Image.put(ref, { tag: 'v1' })(mockEnv())())).toMatchObject({ _tag: 'AlreadyExists', resource: 'ImageTag' })
    // the tag vanished meanwhile: still the PutImage error; the check failing otherwise: that failure
    expect(leftOf(await Image.put(ref, { tag: 'v1' })(mockEnv())())).toMatchObject({ _tag: 'AlreadyExists', resource: 'ImageTag' })
    expect(leftOf(await Image.put(ref, { tag: 'v1' })(mockEnv())())).toMatchObject({ _tag: 'AwsError', code: 'AccessDeniedException' })
    expect(ecrMock.commandCalls(DescribeImagesCommand)).toHaveLength(4)
  })

  it('fetches the manifest once when the ref lacks it', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({ images: [image(amd, MT.dockerManifest)] })
    ecrMock.on(PutImageCommand).resolves({})
    const bare = { ...imageRef('app'), imageDigest: sha256(amd) }
    expect(await Image.addTags(bare, ['a', 'b', 'c', 'a'])(mockEnv())()).toEqual(E.right(undefined))
    expect(ecrMock.commandCalls(BatchGetImageCommand)).toHaveLength(1)
    expect(ecrMock.commandCalls(PutImageCommand).map((c) => c.args[0].input.imageTag).sort()).toEqual(['a', 'b', 'c'])
    expect(ecrMock.commandCalls(PutImageCommand)[0]?.args[0].input.imageManifestMediaType).toBe(MT.dockerManifest)
  })

  it('an invalid tag is InvalidArgument without a call; no tags, no call', async () => {
    expect(leftOf(await Image.put(ref, { tag: '-bad' })(mockEnv())())._tag).toBe('InvalidArgument')
    expect(leftOf(await Image.addTags(ref, ['ok', 'bad tag'])(mockEnv())())._tag).toBe('InvalidArgument')
    expect(await Image.addTags({ ...imageRef('app'), imageDigest: fakeDigest(3) as ImageDigest }, [])(mockEnv())()).toEqual(E.right(undefined))
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('addTags keeps at most env.concurrency PutImage calls in flight', async () => {
    let inFlight = 0
    let max = 0
    ecrMock.on(PutImageCommand).callsFake(async () => {
      inFlight++
      max = Math.max(max, inFlight)
      await new Promise((r) => setTimeout(r, 2))
      inFlight--
      return {}
    })
    const tags = Array.from({ length: 20 }, (_, i) => `t${i}`)
    expect(await Image.addTags(ref, tags)(mockEnv({ concurrency: 3 }))()).toEqual(E.right(undefined))
    expect(max).toBe(3)
    expect(ecrMock.commandCalls(PutImageCommand)).toHaveLength(20)
  })
})
