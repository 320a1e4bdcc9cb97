import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/Either'
import * as Sync from '../src/Sync'
import * as InMemoryEcr from '../src/testing/InMemoryEcr'
import { AMD64, ARM64, pushReferrer, pushShared, ref, right } from './SyncFixtures'

const twins = () => {
  const source = InMemoryEcr.make({ accountId: '111111111111', region: 'us-east-1' })
  const destination = InMemoryEcr.make({ accountId: '222222222222', region: 'eu-west-1' })
  return { source, destination, env: { source: source.env, destination: destination.env } }
}

const seed = async (twin: InMemoryEcr.InMemoryEcr, n: number, repo = 'app') => {
  const pushed = []
  for (let i = 0; i < n; i++)
    pushed.push(await pushShared(twin, repo, `v${i}`, { base: ['base-1', 'base-2'], own: `own-${i}`, platforms: [AMD64, ARM64] }))
  return pushed
}

describe('Sync.plan', () => {
  it('plans every tag with the fewest calls: one listing, BatchGetImage by 100, one check of blobs', async () => {
    const { source, destination, env } = twins()
    await seed(source, 3)
    destination.createRepository('mirror')
    source.resetCalls()
    const plan = right(await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror') })(env)())
    expect(plan.images).toHaveLength(3)
    expect(plan.images.flatMap((i) => i.tags.map((t) => t.tag)).sort()).toEqual(['v0', 'v1', 'v2'])
    // 2 base layers per platform shared by all, 1 own per platform, 1 config per platform
    expect(plan.totals.blobs).toEqual({ send: 4 + 3 * 2 * 2, mount: 0, skip: 0 })
    expect(plan.totals.manifests).toEqual({ put: 9, skip: 0 })
    expect(plan.totals.tags).toEqual({ put: 3, skip: 0 })
    expect([...new Set(source.calls.map((c) => c.operation))].sort()).toEqual(['BatchGetImage', 'DescribeImages', 'GetAuthorizationToken'])
    expect([source.callCount('DescribeImages'), source.callCount('BatchGetImage'), source.callCount('GetAuthorizationToken')]).toEqual([1, 2, 1])
    expect(
      Object.fromEntries(['DescribeRepositories', 'DescribeImages', 'BatchCheckLayerAvailability', 'GetAuthorizationToken'].map((o) => [o, destination.callCount(o)]))
    ).toEqual({ DescribeRepositories: 1, DescribeImages: 1, BatchCheckLayerAvailability: 1, GetAuthorizationToken: 1 })
    expect(destination.callCount()).toBe(4)
    expect(source.httpCalls).toHaveLength(0)
    expect(destination.httpCalls).toHaveLength(0)
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan)
    expect(Sync.PlanC.decode(JSON.parse(JSON.stringify(plan)))).toEqual(E.right(plan))
  })

  it('a missing destination is NotFound, unless createRepository', async () => {
    const { source, destination, env } = twins()
    await seed(source, 1)
    const missing = await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror') })(env)()
    expect(E.isLeft(missing) && missing.left._tag === 'NotFound' && missing.left.resource).toBe('Repository')
    const plan = right(await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror'), createRepository: true })(env)())
    expect(plan.createRepository).toEqual({ imageTagMutability: 'MUTABLE', encryption: { type: 'AES256' } })
    expect(plan.totals.calls['CreateRepository']).toBe(1)
    expect(destination.callCount('BatchCheckLayerAvailability')).toBe(0)
  })

  it('selects tags by list and RegExp; fallback tags are never tags', async () => {
    const { source, destination, env } = twins()
    await seed(source, 3)
    destination.createRepository('mirror')
    const byList = right(await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror'), tags: ['v1'] })(env)())
    expect(byList.images.map((i) => i.tags.map((t) => t.tag))).toEqual([['v1']])
    const byRe = right(await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror'), tags: /^v[02]$/g })(env)())
    expect(byRe.images.flatMap((i) => i.tags.map((t) => t.tag)).sort()).toEqual(['v0', 'v2'])
    expect(byRe.settings.tags).toEqual({ pattern: '^v[02]$', flags: 'g' })
    const unknown = await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror'), tags: ['nope'] })(env)()
    expect(E.isLeft(unknown) && unknown.left._tag).toBe('NotFound')
  })

  it('lists referrers with their subject, recursively; the artifact-type filter selects the image\'s own', async () => {
    const { source, destination, env } = twins()
    const [image] = await seed(source, 1)
    const text = source.getManifestText('app', 'v0')
    if (text._tag === 'None') throw new Error('no manifest')
    const top = { digest: image!.digest, size: Buffer.byteLength(text.value), mediaType: 'application/vnd.oci.image.index.v1+json' }
    const sbom = await pushReferrer(source, 'app', top, 'application/spdx+json', 'sbom')
    const sig = await pushReferrer(source, 'app', sbom, 'application/vnd.dev.cosign.artifact.sig.v1+json', 'sig')
    destination.createRepository('mirror')
    const all = right(await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror') })(env)())
    expect(all.images[0]?.referrers.map((r) => [r.subject, r.digest, r.artifactType])).toEqual([
      [image!.digest, sbom.digest, 'application/spdx+json'],
      [sbom.digest, sig.digest, 'application/vnd.dev.cosign.artifact.sig.v1+json']
    ])
    expect(all.totals.referrers).toEqual({ put: 2, skip: 0 })
    const sbomOnly = right(
      await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror'), referrers: { artifactTypes: ['application/spdx+json'] } })(env)()
    )
    // the filter selects the image's own referrers; a copied SBOM keeps its signatures
    expect(sbomOnly.images[0]?.referrers.map((r) => r.digest)).toEqual([sbom.digest, sig.digest])
    const sigsOnly = right(
      await Sync.plan({
        source: ref(source, 'app'),
        destination: ref(destination, 'mirror'),
        referrers: { artifactTypes: ['application/vnd.dev.cosign.artifact.sig.v1+json'] }
      })(env)()
    )
    expect(sigsOnly.images[0]?.referrers).toEqual([])
    const none = right(await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror'), referrers: false })(env)())
    expect(none.images[0]?.referrers).toEqual([])
  })

  it('same registry: blobs are mounted', async () => {
    const twin = InMemoryEcr.make()
    await seed(twin, 2)
    twin.createRepository('mirror')
    const plan = right(await Sync.plan({ source: ref(twin, 'app'), destination: ref(twin, 'mirror') })({ source: twin.env, destination: twin.env })())
    expect(plan.totals.blobs.mount).toBe(4 + 2 * 2 * 2)
    expect(plan.totals.blobs.send).toBe(0)
  })

  it('narrows indexes to platforms', async () => {
    const { source, destination, env } = twins()
    const [image] = await seed(source, 1)
    destination.createRepository('mirror')
    const plan = right(await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror'), platforms: [ARM64] })(env)())
    expect(plan.images[0]?.sourceDigest).toBe(image!.digest)
    expect(plan.images[0]?.digest).not.toBe(image!.digest)
    expect(plan.images[0]?.manifests).toHaveLength(2)
  })

  it('a 1,000-tag repository, 2 platforms each, 20 ms a call: the reads are batched (call budget, not time)', async () => {
    const source = InMemoryEcr.make({ accountId: '111111111111', region: 'us-east-1', latencyMs: 20 })
    const destination = InMemoryEcr.make({ accountId: '222222222222', region: 'eu-west-1', latencyMs: 20 })
    for (let i = 0; i < 1000; i++) right(source.pushImage('app', { tag: `v${i}`, platforms: [AMD64, ARM64], layerBytes: 8 }))
    destination.createRepository('mirror')
    const plan = right(await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror') })({ source: source.env, destination: destination.env })())
    expect(plan.images).toHaveLength(1000)
    expect(plan.totals.manifests.put).toBe(3000)
    // 3,000 images listed by 1,000; 1,000 indexes then 2,000 children fetched by 100
    expect(Object.fromEntries(['GetAuthorizationToken', 'DescribeImages', 'BatchGetImage'].map((o) => [o, source.callCount(o)]))).toEqual({
      GetAuthorizationToken: 1,
      DescribeImages: 3,
      BatchGetImage: 10 + 20
    })
    expect(source.callCount()).toBe(34)
    // 4,000 blobs (a config and a layer per platform) checked by 100
    expect(destination.callCount('BatchCheckLayerAvailability')).toBe(40)
    expect(destination.callCount()).toBe(1 + 1 + 1 + 40)
  }, 60_000)
})
