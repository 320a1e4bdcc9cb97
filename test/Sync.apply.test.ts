import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/Either'
import * as Sync from '../src/Sync'
import * as InMemoryEcr from '../src/testing/InMemoryEcr'
import { countingSignal } from './countingSignal'
import { AMD64, ARM64, isComplete, pushReferrer, pushShared, ref, right } from './SyncFixtures'

const twins = (options: InMemoryEcr.Options = {}) => {
  const source = InMemoryEcr.make({ accountId: '111111111111', region: 'us-east-1', ...options })
  const destination = InMemoryEcr.make({ accountId: '222222222222', region: 'eu-west-1', ...options })
  return { source, destination, env: { source: source.env, destination: destination.env } }
}

const seed = async (twin: InMemoryEcr.InMemoryEcr, n: number, repo = 'app') => {
  const pushed = []
  for (let i = 0; i < n; i++)
    pushed.push(await pushShared(twin, repo, `v${i}`, { base: ['base-1', 'base-2'], own: `own-${i}`, platforms: [AMD64, ARM64] }))
  return pushed
}

/** Blob uploads that reached the twin (the PUT that completes each). */
const uploads = (twin: InMemoryEcr.InMemoryEcr): number => twin.httpCallCount('PUT', /\/blobs\/uploads\//)

describe('Sync.apply', () => {
  it('copies everything, sends each shared blob once; a rerun plans all-skip and sends nothing', async () => {
    const { source, destination, env } = twins()
    const pushed = await seed(source, 5)
    destination.createRepository('mirror')
    const request = { source: ref(source, 'app'), destination: ref(destination, 'mirror') }
    const plan = right(await Sync.plan(request)(env)())
    const events: Array<Sync.SyncProgress> = []
    const report = right(await Sync.apply(plan)({ ...env, onProgress: (p) => events.push(p) })())
    expect(report.totals.images).toEqual({ copied: 5, failed: 0 })
    for (const [i, image] of pushed.entries()) {
      expect(destination.tagsOf('mirror').get(`v${i}`)).toBe(image.digest)
      expect(isComplete(destination, 'mirror', `v${i}`)).toBe(true)
    }
    const distinctBlobs = new Set(pushed.flatMap((p) => p.blobs.map((b) => b.digest))).size
    expect(plan.totals.blobs.send).toBe(distinctBlobs)
    expect(uploads(destination)).toBe(distinctBlobs)
    expect(report.totals.blobs.copied).toBe(distinctBlobs)
    expect(report.totals.bytesCopied).toBe(plan.totals.bytes.send)
    expect(events[0]?._tag).toBe('start')
    expect(events[events.length - 1]?._tag).toBe('done')
    expect(events.filter((e) => e._tag === 'imageDone')).toHaveLength(5)
    expect(plan.totals.calls['PUT upload']).toBe(uploads(destination))

    const again = right(await Sync.plan(request)(env)())
    expect(again.totals.blobs).toEqual({ send: 0, mount: 0, skip: distinctBlobs })
    expect(again.totals.manifests.put).toBe(0)
    expect(again.totals.tags).toEqual({ put: 0, skip: 5 })
    destination.resetCalls()
    const rerun = right(await Sync.apply(again)(env)())
    expect(rerun.totals.images.copied).toBe(5)
    expect(rerun.totals.bytesCopied).toBe(0)
    expect(destination.httpCallCount('PUT')).toBe(0)
    expect(destination.httpCallCount('POST')).toBe(0)
  })

  it('a sync with a signal listens to it once: no MaxListenersExceededWarning however much is pending', async () => {
    const { source, destination, env } = twins()
    await seed(source, 12)
    destination.createRepository('mirror')
    const plan = right(await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror') })(env)())
    const counting = countingSignal()
    const warnings: Array<string> = []
    const onWarning = (w: Error): void => {
      warnings.push(w.name)
    }
    process.on('warning', onWarning)
    try {
      const report = right(await Sync.apply(plan)({ ...env, signal: counting.signal })())
      expect(report.totals.images).toEqual({ copied: 12, failed: 0 })
      await new Promise((r) => setImmediate(r))
    } finally {
      process.off('warning', onWarning)
    }
    expect(counting.abortListeners()).toBe(1)
    expect(warnings.filter((w) => w === 'MaxListenersExceededWarning')).toEqual([])
  })

  it('one failing image does not stop the others; the report lists it', async () => {
    // retries at once: the fault is there for every attempt
    const { source: s, destination: d } = twins({ sleep: () => Promise.resolve() })
    const pushed = await seed(s, 3)
    d.createRepository('mirror')
    const plan = right(await Sync.plan({ source: ref(s, 'app'), destination: ref(d, 'mirror') })({ source: s.env, destination: d.env })())
    const broken = pushed[1]!.digest
    s.setFault((call) => (call.kind === 'http' && call.method === 'GET' && call.url.endsWith(`/manifests/${broken}`) ? { status: 500 } : undefined))
    const report = right(await Sync.apply(plan)({ source: s.env, destination: d.env })())
    expect(report.totals.images).toEqual({ copied: 2, failed: 1 })
    const failed = report.images.find((i) => i._tag === 'failed')
    expect(failed?.digest).toBe(broken)
    expect(failed?.tags).toEqual(['v1'])
    expect(d.tagsOf('mirror').has('v1')).toBe(false)
    expect(d.tagsOf('mirror').get('v0')).toBe(pushed[0]!.digest)
    expect(d.tagsOf('mirror').get('v2')).toBe(pushed[2]!.digest)
  })

  it('creates the destination repository when the plan says so', async () => {
    const { source, destination, env } = twins()
    await seed(source, 1)
    source.createRepository('immutable-app', { imageTagMutability: 'IMMUTABLE' })
    await pushShared(source, 'immutable-app', 'v1', { base: ['b'], own: 'o' })
    const report = right(
      await Sync.replicateRepository({ source: ref(source, 'immutable-app'), destination: ref(destination, 'copy'), createRepository: true })(env)()
    )
    expect(report.createdRepository).toBe(true)
    expect(report.totals.images.copied).toBe(1)
    const settings = destination.calls.filter((c) => c.operation === 'CreateRepository')
    expect(settings).toHaveLength(1)
    expect((settings[0]?.input as { imageTagMutability?: string }).imageTagMutability).toBe('IMMUTABLE')
  })

  it('a missing destination without createRepository: a Left before anything is written', async () => {
    const { source, destination, env } = twins()
    await seed(source, 1)
    destination.createRepository('mirror')
    const plan = right(await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror') })(env)())
    const other = { ...plan, destination: plan.destination.replace(/mirror$/, 'gone') as typeof plan.destination }
    const r = await Sync.apply(other)(env)()
    expect(E.isLeft(r) && r.left._tag).toBe('NotFound')
    expect(destination.httpCallCount('PUT')).toBe(0)
  })

  it('a plan read back from JSON applies the same', async () => {
    const { source, destination, env } = twins()
    await seed(source, 2)
    destination.createRepository('mirror')
    const plan = right(await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror'), tags: /1$/ })(env)())
    const read = right(Sync.decodePlan(JSON.stringify(plan, null, 2)))
    const report = right(await Sync.apply(read)(env)())
    expect(report.images.map((i) => i.tags)).toEqual([['v1']])
    expect([...destination.tagsOf('mirror').keys()]).toEqual(['v1'])
    expect(E.isLeft(Sync.decodePlan('{"version":2}'))).toBe(true)
  })

  it('copies referrers after their subject', async () => {
    const { source, destination, env } = twins()
    const [image] = await seed(source, 1)
    const text = source.getManifestText('app', 'v0')
    if (text._tag === 'None') throw new Error('no manifest')
    const top = { digest: image!.digest, size: Buffer.byteLength(text.value), mediaType: 'application/vnd.oci.image.index.v1+json' }
    const sbom = await pushReferrer(source, 'app', top, 'application/spdx+json', 'sbom')
    const sig = await pushReferrer(source, 'app', sbom, 'application/vnd.dev.cosign.artifact.sig.v1+json', 'sig')
    destination.createRepository('mirror')
    const request = { source: ref(source, 'app'), destination: ref(destination, 'mirror') }
    const plan = right(await Sync.plan(request)(env)())
    expect(plan.totals.referrers).toEqual({ put: 2, skip: 0 })
    const report = right(await Sync.apply(plan)(env)())
    expect(report.totals.images.copied).toBe(1)
    expect(report.totals.referrers).toEqual({ exists: 0, pushed: 2 })
    const again = right(await Sync.plan(request)(env)())
    expect(again.totals.referrers).toEqual({ put: 0, skip: 2 })
    expect(destination.getManifestText('mirror', sbom.digest)._tag).toBe('Some')
    expect(destination.getManifestText('mirror', sig.digest)._tag).toBe('Some')
  })

  it('the calls a plan expects are the calls apply makes (a destination with the referrers API)', async () => {
    const { source, destination, env } = twins()
    const pushed = await seed(source, 2)
    right(source.pushImage('app', { tag: 'single' }))
    const text = source.getManifestText('app', 'v0')
    if (text._tag === 'None') throw new Error('no manifest')
    await pushReferrer(source, 'app', { digest: pushed[0]!.digest, size: Buffer.byteLength(text.value), mediaType: 'application/vnd.oci.image.index.v1+json' }, 'application/spdx+json', 'sbom')
    destination.createRepository('mirror')
    for (let run = 0; run < 2; run++) {
      const plan = right(await Sync.plan({ source: ref(source, 'app'), destination: ref(destination, 'mirror') })(env)())
      source.resetCalls()
      destination.resetCalls()
      right(await Sync.apply(plan)(env)())
      const kind = (c: InMemoryEcr.HttpCall): string =>
        `${c.method} ${/\/blobs\/uploads/.test(c.url) ? 'upload' : /\/blobs\//.test(c.url) ? 'blob' : /\/manifests\//.test(c.url) ? 'manifest' : 'referrers'}`
      const made = new Map<string, number>()
      for (const k of [
        ...source.calls.map((c) => c.operation),
        ...destination.calls.map((c) => c.operation),
        ...source.httpCalls.filter((c) => c.url.startsWith(source.proxyEndpoint)).map(kind),
        ...destination.httpCalls.map(kind)
      ])
        made.set(k, (made.get(k) ?? 0) + 1)
      expect(plan.totals.calls).toEqual(Object.fromEntries([...made].sort(([a], [b]) => (a < b ? -1 : 1))))
    }
  })
})
