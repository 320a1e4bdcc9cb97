import { beforeAll, describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as Retry from '../src/Retry'
import * as Sync from '../src/Sync'
import * as InMemoryEcr from '../src/testing/InMemoryEcr'
import { arbitraryPlan } from './SyncArbitraries'
import { AMD64, ARM64, isComplete, pushReferrer, pushShared, ref, right, type Pushed } from './SyncFixtures'

// The issue's property: a sync interrupted at any point (its signal aborted after k events, or
// every call failing from the k-th on), then run again, ends where an uninterrupted sync ends;
// and after the interruption no destination tag names an incomplete image.

// retries at once, and one of them: a crash fails fast
const instant = { sleep: () => Promise.resolve(), retry: { ecr: Retry.limitRetries(1), http: Retry.limitRetries(1) } }

let source: InMemoryEcr.InMemoryEcr
let pushed: ReadonlyArray<Pushed>
let referrers: ReadonlyArray<string>
let expected: State

interface State {
  readonly tags: Readonly<Record<string, string>>
  readonly manifests: ReadonlyArray<string>
  readonly blobs: ReadonlyArray<string>
}

const stateOf = (twin: InMemoryEcr.InMemoryEcr): State => ({
  tags: Object.fromEntries([...twin.tagsOf('mirror')].sort(([a], [b]) => (a < b ? -1 : 1))),
  manifests: [...pushed.flatMap((p) => p.manifests), ...referrers].filter((d) => twin.getManifestText('mirror', d)._tag === 'Some').sort(),
  blobs: [...new Set(pushed.flatMap((p) => p.blobs.map((b) => b.digest)))].filter((d) => twin.hasBlob('mirror', d)).sort()
})

const destinationTwin = () => InMemoryEcr.make({ accountId: '222222222222', region: 'eu-west-1', ...instant })

const request = (destination: InMemoryEcr.InMemoryEcr): Sync.PlanRequest => ({
  source: ref(source, 'app'),
  destination: ref(destination, 'mirror'),
  createRepository: true
})

beforeAll(async () => {
  source = InMemoryEcr.make({ accountId: '111111111111', region: 'us-east-1', ...instant })
  pushed = [
    await pushShared(source, 'app', 'v0', { base: ['base'], own: 'a', platforms: [AMD64, ARM64] }),
    await pushShared(source, 'app', 'v1', { base: ['base'], own: 'b', platforms: [AMD64, ARM64] }),
    await pushShared(source, 'app', 'v2', { base: ['base', 'extra'], own: 'c' })
  ]
  const text = source.getManifestText('app', 'v0')
  if (text._tag === 'None') throw new Error('no manifest')
  const top = { digest: pushed[0]!.digest, size: Buffer.byteLength(text.value), mediaType: 'application/vnd.oci.image.index.v1+json' }
  const sbom = await pushReferrer(source, 'app', top, 'application/spdx+json', 'sbom')
  referrers = [sbom.digest]
  // the same tag on a second name: two tags, one image
  const v2 = source.getManifestText('app', 'v2')
  if (v2._tag === 'None') throw new Error('no manifest')
  await source.fetch(`${source.proxyEndpoint}/v2/app/manifests/latest`, {
    method: 'PUT',
    headers: { authorization: `Basic ${Buffer.from(`AWS:${source.password}`).toString('base64')}`, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: v2.value
  })
  const reference = destinationTwin()
  right(await Sync.replicateRepository(request(reference))({ source: source.env, destination: reference.env })())
  expected = stateOf(reference)
  expect(Object.keys(expected.tags)).toEqual(['latest', 'v0', 'v1', 'v2'])
})

/** Every destination tag names an image whose manifests and blobs are all there. */
const tagsComplete = (twin: InMemoryEcr.InMemoryEcr): boolean => [...twin.tagsOf('mirror').keys()].every((tag) => isComplete(twin, 'mirror', tag))

type Interruption = { readonly _tag: 'abort'; readonly after: number } | { readonly _tag: 'fault'; readonly at: number; readonly answer: InMemoryEcr.FaultAnswer }

const interruption: fc.Arbitrary<Interruption> = fc.oneof(
  fc.record({ _tag: fc.constant('abort' as const), after: fc.nat({ max: 80 }) }),
  fc.record({
    _tag: fc.constant('fault' as const),
    at: fc.nat({ max: 120 }),
    answer: fc.constantFrom<InMemoryEcr.FaultAnswer>('network', 'server-error', { status: 500 }, { status: 404 })
  })
)

const interrupted = async (destination: InMemoryEcr.InMemoryEcr, i: Interruption): Promise<void> => {
  const env = { source: source.env, destination: destination.env }
  if (i._tag === 'abort') {
    const controller = new AbortController()
    let events = 0
    await Sync.replicateRepository(request(destination))({
      ...env,
      signal: controller.signal,
      onProgress: () => {
        if (++events > i.after) controller.abort()
      }
    })()
    return
  }
  // a crash at the k-th call: it and every later one fail, on both sides
  let calls = 0
  const fault: InMemoryEcr.Fault = () => (calls++ >= i.at ? i.answer : undefined)
  source.setFault(fault)
  destination.setFault(fault)
  try {
    await Sync.replicateRepository(request(destination))(env)()
  } finally {
    source.setFault(undefined)
    destination.setFault(undefined)
  }
}

describe('Sync: interruption and rerun', () => {
  it('an interrupted sync, run again, converges; no tag ever names an incomplete image', async () => {
    await fc.assert(
      fc.asyncProperty(interruption, async (i) => {
        const destination = destinationTwin()
        await interrupted(destination, i)
        expect(tagsComplete(destination)).toBe(true)
        const rerun = await Sync.replicateRepository(request(destination))({ source: source.env, destination: destination.env })()
        expect(E.isRight(rerun) && rerun.right.totals.images.failed).toBe(0)
        expect(stateOf(destination)).toEqual(expected)
      }),
      { numRuns: 20 }
    )
  }, 120_000)
})

describe('Sync.PlanC', () => {
  it('a plan is plain JSON: JSON.parse(JSON.stringify(p)) is p, and PlanC decodes it to itself', () => {
    fc.assert(
      fc.property(arbitraryPlan, (p) => {
        const text = JSON.stringify(p)
        expect(JSON.parse(text)).toEqual(p)
        expect(Sync.decodePlan(text)).toEqual(E.right(p))
        expect(Sync.PlanC.encode(p)).toBe(p)
      }),
      { numRuns: 200 }
    )
  })

  it('totals count shared blobs once, whatever the order of the images', () => {
    fc.assert(
      fc.property(arbitraryPlan, fc.integer(), (p, k) => {
        const images = [...p.images]
        const rotated = [...images.slice(k % Math.max(1, images.length)), ...images.slice(0, k % Math.max(1, images.length))]
        const t = Sync.totals(p.images, false)
        expect(Sync.totals(rotated, false)).toEqual(t)
        const distinct = new Set(p.images.flatMap((i) => [...i.blobs, ...i.referrers.flatMap((r) => r.blobs)].map((b) => b.digest)))
        expect(t.blobs.send + t.blobs.mount + t.blobs.skip).toBe(distinct.size)
        expect(t.tags.put + t.tags.skip).toBe(p.images.reduce((n, i) => n + i.tags.length, 0))
      }),
      { numRuns: 200 }
    )
  })

  it('rejects what is not a plan, naming the field', () => {
    fc.assert(
      fc.property(arbitraryPlan, fc.constantFrom('version', 'source', 'images', 'totals', 'settings'), (p, key) => {
        const broken = { ...p, [key]: key === 'images' ? [{ digest: 'nope' }] : 42 }
        const r = Sync.decodePlan(JSON.stringify(broken))
        expect(E.isLeft(r) && r.left._tag === 'DecodeError' && r.left.errors.some((e) => e.startsWith(`/${key}`))).toBe(true)
      }),
      { numRuns: 50 }
    )
  })
})
