import {
  BatchDeleteImageCommand,
  DescribeImagesCommand,
  type DescribeImagesCommandOutput,
  type ListImagesCommandOutput,
  ImageAlreadyExistsException,
  ListImagesCommand,
  ListTagsForResourceCommand,
  PutImageCommand
} from '@aws-sdk/client-ecr'
import { createHash } from 'crypto'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { describe, expect, it } from 'vitest'
import * as Image from '../../src/Image'
import { send as libSend } from '../../src/internal/send'
import { resolveImageUri } from '../../src/resolve'
import * as Retry from '../../src/Retry'
import { InMemoryEcr } from '../../src/testing'
import { authorization, push, rejection, url } from './fixtures'

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`

interface Config {
  architecture: string
  os: string
  variant?: string
  config: { Labels: Record<string, string>; Env: Array<string> }
  rootfs: { type: string; diff_ids: Array<string> }
  history: Array<unknown>
}

const configOf = async (twin: InMemoryEcr.InMemoryEcr, repo: string, digest: string): Promise<Config> => {
  const res = await twin.fetch(url(twin, `/v2/${repo}/blobs/${digest}`), {
    headers: { authorization: await authorization(twin) }
  })
  const bytes = Buffer.from(await res.arrayBuffer())
  expect(sha(bytes)).toBe(digest)
  return JSON.parse(bytes.toString()) as Config
}

describe('make', () => {
  it('gives its env the retry policies and sleep it is given: ECR calls and registry requests retry without waiting', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 60_000 }), async (retries, delay) => {
        const waits: Array<number> = []
        const policy = Retry.concat(Retry.limitRetries(retries), Retry.constantDelay(delay))
        const sleep = (ms: number) => {
          waits.push(ms)
          return Promise.resolve()
        }
        const twin = InMemoryEcr.make({ retry: { ecr: policy, http: policy }, sleep })
        expect([twin.env.retryPolicy, twin.env.sleep]).toStrictEqual([policy, sleep])
        twin.pushImage('app', { tag: 'v1' })
        twin.setFault((call) => (call.kind === 'ecr' && call.operation === 'DescribeImages' ? 'throttle' : undefined))
        expect(E.isLeft(await resolveImageUri('app')(twin.env)())).toBe(true)
        expect(twin.callCount('DescribeImages')).toBe(retries + 1)
        twin.setFault((call) => (call.kind === 'http' ? { status: 503 } : undefined))
        const ref = await Image.fromUri(`${twin.accountId}.dkr.ecr.${twin.region}.amazonaws.com/app:v1`)(twin.env)()
        expect(E.isRight(ref) && E.isLeft(await Image.getConfig(ref.right)(twin.env)())).toBe(true)
        expect(twin.httpCallCount('GET')).toBe(retries + 1)
        expect(waits).toStrictEqual(Array.from({ length: 2 * retries }, () => delay))
      }),
      { numRuns: 10 }
    )
  })

  it('derives the endpoints from account and region and builds an env over the twin', () => {
    const twin = InMemoryEcr.make({ accountId: '210987654321', region: 'ap-southeast-2' })
    expect(twin.proxyEndpoint).toBe('https://210987654321.dkr.ecr.ap-southeast-2.amazonaws.com')
    expect(twin.storageOrigin).toBe('https://prod-ap-southeast-2-starport-layer-bucket.s3.ap-southeast-2.amazonaws.com')
    expect(twin.env.accountId).toBe('210987654321')
    expect(twin.env.region).toBe('ap-southeast-2')
    // the env's send is the twin's, wrapped by Env.make's retry middleware
    expect(twin.env.ecr).not.toBe(twin.ecr)
    expect(twin.env.fetch).toBe(twin.fetch)
    expect(twin.env.dispatcher).toBe(twin.dispatcher)
    const custom = InMemoryEcr.make({ proxyEndpoint: 'https://registry.test/', storageOrigin: 'https://blobs.test' })
    expect(custom.proxyEndpoint).toBe('https://registry.test')
    expect(custom.storageOrigin).toBe('https://blobs.test')
  })
})

describe('pushImage', () => {
  it('pushes a Docker image with a real config and unique layers', async () => {
    const twin = InMemoryEcr.make()
    const img = push(twin, 'app', { tag: 'v1', layers: 3, labels: { team: 'infra' }, env: ['A=1'] })
    expect(img.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json')
    expect(img.tags).toEqual(['v1'])
    expect(img.imageDigest).toBe(sha(img.manifest))
    expect(img.layerDigests).toHaveLength(3)
    expect(new Set(img.layerDigests).size).toBe(3)
    const manifest = JSON.parse(img.manifest) as {
      config: { digest: string }
      layers: Array<{ digest: string; size: number }>
    }
    expect(manifest.config.digest).toBe(img.configDigest)
    expect(manifest.layers.map((l) => l.digest)).toEqual(img.layerDigests)
    for (const l of manifest.layers) {
      expect(l.size).toBeGreaterThanOrEqual(32)
      expect(l.size).toBeLessThanOrEqual(64)
    }
    const config = await configOf(twin, 'app', img.configDigest ?? '')
    expect(config).toMatchObject({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { team: 'infra' }, Env: ['A=1'] },
      rootfs: { type: 'layers', diff_ids: img.layerDigests }
    })
    expect(config.history.length).toBeGreaterThanOrEqual(3)
    expect(twin.tagsOf('app')).toEqual(new Map([['v1', img.imageDigest]]))
    expect(twin.getManifestText('app', 'v1')).toEqual(O.some(img.manifest))
    expect(twin.getManifestText('app', img.imageDigest)).toEqual(O.some(img.manifest))
    expect(twin.getManifestText('app', 'v2')).toEqual(O.none)
    expect(twin.getManifestText('nope', 'v1')).toEqual(O.none)
    for (const d of [img.configDigest ?? '', ...img.layerDigests]) expect(twin.hasBlob('app', d)).toBe(true)
    expect(twin.hasBlob('other', img.layerDigests[0] ?? '')).toBe(false)
  })

  it('honours layerBytes and the OCI format', () => {
    const twin = InMemoryEcr.make()
    const img = push(twin, 'app', { format: 'oci', layers: 2, layerBytes: 1000 })
    const m = JSON.parse(img.manifest) as {
      mediaType: string
      config: { mediaType: string }
      layers: Array<{ mediaType: string; size: number }>
    }
    expect(m.mediaType).toBe('application/vnd.oci.image.manifest.v1+json')
    expect(m.config.mediaType).toBe('application/vnd.oci.image.config.v1+json')
    expect(m.layers.map((l) => [l.mediaType, l.size])).toEqual([
      ['application/vnd.oci.image.layer.v1.tar+gzip', 1000],
      ['application/vnd.oci.image.layer.v1.tar+gzip', 1000]
    ])
  })

  it('pushes an index with one child per platform; children are untagged images of the repository', async () => {
    const twin = InMemoryEcr.make()
    const platforms = [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' }
    ]
    const idx = push(twin, 'app', { tag: 'multi', platforms })
    expect(idx.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json')
    expect(idx.configDigest).toBeUndefined()
    expect(idx.layerDigests).toEqual([])
    expect(idx.children.map((c) => c.platform)).toEqual(platforms)
    for (const c of idx.children) {
      const config = await configOf(twin, 'app', c.configDigest)
      expect({
        os: config.os,
        architecture: config.architecture,
        ...(config.variant === undefined ? {} : { variant: config.variant })
      }).toEqual(c.platform)
      expect(twin.getManifestText('app', c.imageDigest)).toEqual(O.some(c.manifest))
    }
    const details = await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app' }))
    expect(details.imageDetails?.map((d) => [d.imageDigest, d.imageTags])).toEqual([
      [idx.children[0]?.imageDigest, undefined],
      [idx.children[1]?.imageDigest, undefined],
      [idx.imageDigest, ['multi']]
    ])
    const oci = push(twin, 'app', { format: 'oci', platforms: [{ os: 'linux', architecture: 'arm64' }] })
    expect(oci.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    expect(oci.children).toHaveLength(1)
    const single = push(twin, 'app', { platforms: [{ os: 'linux', architecture: 'arm64' }], index: false })
    expect(single.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json')
    expect((await configOf(twin, 'app', single.configDigest ?? '')).architecture).toBe('arm64')
  })

  it('moves tags on a MUTABLE repository and refuses them on an IMMUTABLE one', () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app', { tags: ['latest', 'v1'] })
    const b = push(twin, 'app', { tag: 'latest' })
    expect(twin.tagsOf('app')).toEqual(
      new Map([
        ['latest', b.imageDigest],
        ['v1', a.imageDigest]
      ])
    )
    expect(E.isRight(twin.createRepository('locked', { imageTagMutability: 'IMMUTABLE' }))).toBe(true)
    push(twin, 'locked', { tag: 'v1' })
    const refused = twin.pushImage('locked', { tag: 'v1' })
    expect(refused).toEqual(E.left(expect.objectContaining({ _tag: 'AlreadyExists', resource: 'ImageTag', id: 'v1' })))
  })

  it('creates the repository unless told not to, and validates names and tags', () => {
    const twin = InMemoryEcr.make()
    expect(twin.pushImage('missing', { createRepository: false })).toEqual(
      E.left(expect.objectContaining({ _tag: 'NotFound', resource: 'Repository', id: 'missing' }))
    )
    expect(twin.pushImage('Bad Name')).toEqual(E.left(expect.objectContaining({ _tag: 'InvalidArgument' })))
    expect(twin.pushImage('app', { tag: '-nope' })).toEqual(
      E.left(expect.objectContaining({ _tag: 'InvalidArgument' }))
    )
    expect(twin.pushImage('app', { platforms: [] })).toEqual(
      E.left(expect.objectContaining({ _tag: 'InvalidArgument' }))
    )
    expect(E.isRight(twin.pushImage('app'))).toBe(true)
  })

  it('records strictly increasing push times, or the given one', async () => {
    const frozen = new Date('2024-03-01T00:00:00Z')
    const twin = InMemoryEcr.make({ now: () => frozen })
    const old = new Date('2020-01-01T00:00:00Z')
    push(twin, 'app', { tag: 'a' })
    push(twin, 'app', { tag: 'b' })
    push(twin, 'app', { tag: 'c', pushedAt: old })
    push(twin, 'app', { tag: 'd' })
    const out = await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app' }))
    expect(out.imageDetails?.map((d) => [d.imageTags?.[0], d.imagePushedAt?.toISOString()])).toEqual([
      ['a', '2024-03-01T00:00:00.000Z'],
      ['b', '2024-03-01T00:00:00.001Z'],
      ['c', '2020-01-01T00:00:00.000Z'],
      ['d', '2024-03-01T00:00:00.002Z']
    ])
  })

  it('is deterministic for a registry and seed, and differs between registries', () => {
    const digests = (options: InMemoryEcr.Options) => {
      const twin = InMemoryEcr.make({ now: () => new Date(0), ...options })
      return Array.from({ length: 5 }, () => push(twin, 'app').imageDigest)
    }
    expect(digests({})).toEqual(digests({}))
    expect(digests({ accountId: '111111111111' })).not.toEqual(digests({}))
    expect(digests({ seed: 'x' })).not.toEqual(digests({}))
  })

  it('gives unique images and layers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 8, max: 64 }), (n, layerBytes) => {
        const twin = InMemoryEcr.make()
        const imgs = Array.from({ length: n }, () => push(twin, 'app', { layerBytes, layers: 2 }))
        expect(new Set(imgs.map((i) => i.imageDigest)).size).toBe(n)
        expect(new Set(imgs.flatMap((i) => i.layerDigests)).size).toBe(2 * n)
      }),
      { numRuns: 30 }
    )
  })

  it('seeds 10,000 images quickly, and lists them in pages', async () => {
    const twin = InMemoryEcr.make()
    const start = performance.now()
    const cpu = process.cpuUsage()
    for (let i = 0; i < 10_000; i++) push(twin, 'seeded', { tag: `v${i}` })
    const pushMs = performance.now() - start
    const used = process.cpuUsage(cpu)
    const pushCpuMs = (used.user + used.system) / 1000
    const listStart = performance.now()
    let count = 0
    let pages = 0
    let token: string | undefined
    do {
      const out: DescribeImagesCommandOutput = await twin.ecr.send(
        new DescribeImagesCommand({ repositoryName: 'seeded', maxResults: 1000, nextToken: token })
      )
      count += out.imageDetails?.length ?? 0
      token = out.nextToken
      pages++
    } while (token !== undefined)
    let listed = 0
    token = undefined
    do {
      const out: ListImagesCommandOutput = await twin.ecr.send(
        new ListImagesCommand({ repositoryName: 'seeded', maxResults: 1000, nextToken: token })
      )
      listed += out.imageIds?.length ?? 0
      token = out.nextToken
    } while (token !== undefined)
    const listMs = performance.now() - listStart
    console.log(
      JSON.stringify({
        bench: 'twin-seed',
        images: 10_000,
        pushMs: Math.round(pushMs),
        pushCpuMs: Math.round(pushCpuMs),
        describeAndListMs: Math.round(listMs)
      })
    )
    expect(count).toBe(10_000)
    expect(listed).toBe(10_000)
    expect(pages).toBe(10)
    expect(twin.tagsOf('seeded').size).toBe(10_000)
  })
})

describe('pushImage: what the types admit but the twin cannot do is a Left', () => {
  it('too many or too large layers, invalid dates, an empty platform list, a bad subject', () => {
    const twin = InMemoryEcr.make()
    const cases: ReadonlyArray<InMemoryEcr.PushImageOptions> = [
      { layers: 129 },
      { layers: -1 },
      { layers: Number.NaN },
      { layerBytes: 64 * 1024 * 1024 + 1 },
      { layerBytes: Number.NaN },
      { pushedAt: new Date(Number.NaN) },
      { pulledAt: new Date('not a date') },
      { archivedAt: new Date(Number.NaN) },
      { platforms: [] },
      { subject: 'latest' },
      { subject: `sha256:${'a'.repeat(64)}`, platforms: [{ os: 'linux', architecture: 'amd64' }] }
    ]
    for (const options of cases) {
      const r = twin.pushImage('app', options)
      expect(E.isLeft(r) && r.left._tag, JSON.stringify(options)).toBe('InvalidArgument')
    }
    expect(twin.tagsOf('app').size).toBe(0)
    expect(E.isRight(twin.pushImage('app', { layers: 128, layerBytes: 8 }))).toBe(true)
  })

  it('pushes a referrer: an OCI artifact with the subject, an empty config and its artifact type', () => {
    const twin = InMemoryEcr.make()
    const subject = push(twin, 'app', { tag: 'v1' })
    const sig = push(twin, 'app', { subject: subject.imageDigest, artifactType: 'application/example', layers: 1 })
    const manifest = JSON.parse(sig.manifest) as Record<string, unknown>
    expect(manifest).toMatchObject({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/example',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', size: 2, digest: sha('{}') },
      subject: {
        mediaType: subject.mediaType,
        size: Buffer.byteLength(subject.manifest),
        digest: subject.imageDigest
      }
    })
    expect(twin.hasBlob('app', sha('{}'))).toBe(true)
  })
})

describe('the twin on a clock', () => {
  it('imageStatus follows archive and restore; settle finishes restores and scans', async () => {
    const twin = InMemoryEcr.make({ restoreMs: 60_000, scanMs: 60_000 })
    push(twin, 'app', { tag: 'v1', archivedAt: new Date() })
    expect(twin.imageStatus('app', 'v1')).toEqual(O.some('ARCHIVED'))
    expect(twin.imageStatus('app', 'v2')).toEqual(O.none)
    expect(twin.imageStatus('nope', 'v1')).toEqual(O.none)
    push(twin, 'app', { tag: 'v2' })
    twin.settle()
    expect(twin.imageStatus('app', 'v1')).toEqual(O.some('ARCHIVED'))
  })

  it('rateLimits: calls over an operation quota in one second of the twin clock are throttled', async () => {
    let t = Date.parse('2025-01-01T00:00:00Z')
    const twin = InMemoryEcr.make({ now: () => new Date(t), rateLimits: { PutImage: 2 } })
    const a = push(twin, 'app')
    const put = (imageTag: string) =>
      twin.ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: a.manifest, imageTag }))
    await put('t1')
    await put('t2')
    const throttled = await rejection(put('t3'))
    expect([throttled.name, throttled.message]).toEqual(['ThrottlingException', 'Rate exceeded'])
    expect(twin.tagsOf('app').has('t3')).toBe(false)
    // other operations have no quota
    await twin.ecr.send(new ListImagesCommand({ repositoryName: 'app' }))
    t += 1000
    await put('t3')
    expect(twin.tagsOf('app').get('t3')).toBe(a.imageDigest)
  })

  it('make takes any string for the endpoints: one that is no URL is never reached', async () => {
    const twin = InMemoryEcr.make({ proxyEndpoint: 'not a url', storageOrigin: 'nor this' })
    expect(twin.proxyEndpoint).toBe('not a url')
    push(twin, 'app', { tag: 'v1' })
    const out = await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app' }))
    expect(out.imageDetails).toHaveLength(1)
  })
})

describe('createRepository', () => {
  it('creates with tags, refuses duplicates and invalid names', async () => {
    const twin = InMemoryEcr.make()
    expect(twin.createRepository('app', { tags: [{ Key: 'k', Value: 'v' }] })).toEqual(E.right(undefined))
    const tags = await twin.ecr.send(
      new ListTagsForResourceCommand({ resourceArn: `arn:aws:ecr:us-east-1:123456789012:repository/app` })
    )
    expect(tags.tags).toEqual([{ Key: 'k', Value: 'v' }])
    expect(twin.createRepository('app')).toEqual(
      E.left(expect.objectContaining({ _tag: 'AlreadyExists', resource: 'Repository', id: 'app' }))
    )
    expect(twin.createRepository('A')).toEqual(E.left(expect.objectContaining({ _tag: 'InvalidArgument' })))
  })
})

describe('the env', () => {
  it('runs library calls against the twin', async () => {
    const twin = InMemoryEcr.make()
    const img = push(twin, 'app', { tag: 'v1' })
    const r = await libSend(new DescribeImagesCommand({ repositoryName: 'app' }))(twin.env)()
    expect(E.map((o: { imageDetails?: ReadonlyArray<{ imageDigest?: string }> }) => o.imageDetails?.map((d) => d.imageDigest))(r)).toEqual(
      E.right([img.imageDigest])
    )
  })
})

// -------------------------------------------------------------------------------------
// model-based: random pushes, retags and deletions, then DescribeImages and ListImages equal the model
// -------------------------------------------------------------------------------------

type Op =
  | { readonly op: 'push'; readonly tag: string | undefined }
  | { readonly op: 'retag'; readonly image: number; readonly tag: string }
  | { readonly op: 'untag'; readonly tag: string }
  | { readonly op: 'delete'; readonly image: number }

const TAGS = ['a', 'b', 'c', 'latest']

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant<'push'>('push'), tag: fc.option(fc.constantFrom(...TAGS), { nil: undefined }) }),
  fc.record({ op: fc.constant<'retag'>('retag'), image: fc.nat({ max: 20 }), tag: fc.constantFrom(...TAGS) }),
  fc.record({ op: fc.constant<'untag'>('untag'), tag: fc.constantFrom(...TAGS) }),
  fc.record({ op: fc.constant<'delete'>('delete'), image: fc.nat({ max: 20 }) })
)

describe('model', () => {
  it('DescribeImages and ListImages agree with a model after any sequence of push / tag / delete', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), async (ops, pageSize) => {
        const twin = InMemoryEcr.make()
        twin.createRepository('app')
        // digest -> tags, in push order (an image pushed again after deletion goes to the end)
        const model = new Map<string, Set<string>>()
        const manifests: Array<{ digest: string; manifest: string }> = []
        const untagModel = (tag: string) => {
          for (const [d, tags] of model) {
            if (tags.delete(tag)) return d
          }
          return undefined
        }
        for (const op of ops) {
          if (op.op === 'push') {
            const img = push(twin, 'app', op.tag === undefined ? {} : { tag: op.tag })
            if (op.tag !== undefined) untagModel(op.tag)
            model.set(img.imageDigest, new Set(op.tag === undefined ? [] : [op.tag]))
            manifests.push({ digest: img.imageDigest, manifest: img.manifest })
          } else if (op.op === 'retag') {
            const target = manifests[op.image % Math.max(1, manifests.length)]
            if (target === undefined) continue
            const cmd = new PutImageCommand({ repositoryName: 'app', imageManifest: target.manifest, imageTag: op.tag })
            if (model.get(target.digest)?.has(op.tag) === true) {
              expect(await rejection(twin.ecr.send(cmd))).toBeInstanceOf(ImageAlreadyExistsException)
            } else {
              await twin.ecr.send(cmd)
              untagModel(op.tag)
              const tags = model.get(target.digest) ?? new Set<string>()
              tags.add(op.tag)
              model.set(target.digest, tags)
            }
          } else if (op.op === 'untag') {
            const out = await twin.ecr.send(
              new BatchDeleteImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: op.tag }] })
            )
            const d = untagModel(op.tag)
            expect(out.imageIds?.length ?? 0).toBe(d === undefined ? 0 : 1)
            if (d !== undefined && model.get(d)?.size === 0) model.delete(d)
          } else {
            const target = manifests[op.image % Math.max(1, manifests.length)]
            if (target === undefined) continue
            const out = await twin.ecr.send(
              new BatchDeleteImageCommand({ repositoryName: 'app', imageIds: [{ imageDigest: target.digest }] })
            )
            expect(out.failures?.length ?? 0).toBe(model.has(target.digest) ? 0 : 1)
            model.delete(target.digest)
          }
        }
        const described: Array<[string, Array<string>]> = []
        let token: string | undefined
        do {
          const out: DescribeImagesCommandOutput = await twin.ecr.send(
            new DescribeImagesCommand({ repositoryName: 'app', maxResults: pageSize, nextToken: token })
          )
          for (const d of out.imageDetails ?? []) described.push([d.imageDigest ?? '', [...(d.imageTags ?? [])].sort()])
          token = out.nextToken
        } while (token !== undefined)
        expect(described).toEqual([...model].map(([d, tags]) => [d, [...tags].sort()]))
        const listed: Array<string> = []
        do {
          const out: ListImagesCommandOutput = await twin.ecr.send(
            new ListImagesCommand({ repositoryName: 'app', maxResults: pageSize, nextToken: token })
          )
          for (const i of out.imageIds ?? []) listed.push(`${i.imageDigest}:${i.imageTag ?? ''}`)
          token = out.nextToken
        } while (token !== undefined)
        expect(listed).toEqual(
          [...model].flatMap(([d, tags]) => (tags.size === 0 ? [`${d}:`] : [...tags].sort().map((t) => `${d}:${t}`)))
        )
        expect(twin.tagsOf('app')).toEqual(
          new Map([...model].flatMap(([d, tags]) => [...tags].map((t) => [t, d] as const)))
        )
      }),
      { numRuns: 60 }
    )
  })
})
