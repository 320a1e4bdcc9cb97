import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { Dispatcher } from 'undici'
import * as Env from '../src/Env'
import type { EcrEnv, HttpEnv } from '../src/Env'
import * as ImageUri from '../src/ImageUri'
import * as Manifest from '../src/Manifest'
import type { AccountId, Region, RepositoryName } from '../src/Primitives'
import { replicateImage, type ReplicateRequest } from '../src/replicate'
import { blobsOf, narrowIndex, pushOrder, selectEntries, type PlannedManifest } from '../src/internal/imagePlan'
import { allBounded } from '../src/internal/concurrency'
import { countingStream } from '../src/internal/copyBlob'
import * as Retry from '../src/Retry'
import * as InMemoryEcr from '../src/testing/InMemoryEcr'

// -------------------------------------------------------------------------------------
// twin to twin, with faults, then a rerun
// -------------------------------------------------------------------------------------

const SRC = { accountId: '111111111111', region: 'us-east-1' }
const DST = { accountId: '222222222222', region: 'eu-west-1' }
const fast = Retry.concat(Retry.limitRetries(2), Retry.constantDelay(0))

const PLATFORMS: ReadonlyArray<InMemoryEcr.Platform> = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
  { os: 'linux', architecture: 'arm', variant: 'v7' },
  { os: 'windows', architecture: 'amd64' }
]

type FaultKind = 'server-error' | 'network' | { readonly status: number }

interface FaultSpec {
  readonly side: 'source' | 'destination' | 'both'
  readonly kind: FaultKind
  /** Requests let through before failing. */
  readonly after: number
  /** How many requests fail from then on (`undefined`: all of them). */
  readonly times: number | undefined
}

const imageArb = fc.record({
  platforms: fc.subarray([...PLATFORMS], { minLength: 1, maxLength: 3 }),
  index: fc.boolean(),
  layers: fc.integer({ min: 0, max: 5 }),
  // 4-byte layers are not unique: children then share blobs
  layerBytes: fc.constantFrom(4, 40, 3000),
  format: fc.constantFrom('docker' as const, 'oci' as const),
  tags: fc.uniqueArray(fc.constantFrom('v1', 'latest', 'stable', 'x_1.2'), { minLength: 0, maxLength: 3 }),
  explicitTags: fc.option(fc.uniqueArray(fc.constantFrom('copy', 'v1', 'mirror-1'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  narrow: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined })
})

const faultArb: fc.Arbitrary<FaultSpec> = fc.record({
  side: fc.constantFrom('source' as const, 'destination' as const, 'both' as const),
  kind: fc.constantFrom<FaultKind>('server-error', 'network', { status: 500 }),
  after: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 40 })),
  // mostly persistent (the first run fails), sometimes a burst the retries ride out
  times: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 1 })
})

const sideEnv = (twin: InMemoryEcr.InMemoryEcr, extra: Partial<Env.MakeOptions> = {}): EcrEnv & HttpEnv =>
  Env.make({
    ecr: twin.ecr,
    fetch: twin.fetch,
    dispatcher: twin.dispatcher,
    accountId: twin.accountId,
    region: twin.region,
    retry: { ecr: fast, http: fast },
    sleep: () => Promise.resolve(),
    ...extra
  })

/** Whether `digest` names a complete image in `repo`: its manifests and blobs all there. */
const complete = (twin: InMemoryEcr.InMemoryEcr, repo: string, digest: string, depth = 0): boolean => {
  const text = twin.getManifestText(repo, digest)
  if (O.isNone(text) || depth > 4) return false
  const m = Manifest.parse(text.value)
  if (E.isLeft(m)) return false
  if (Manifest.isIndex(m.right)) return Manifest.children(m.right).every((d) => complete(twin, repo, d.digest, depth + 1))
  return blobsOf([m.right]).every((d) => twin.hasBlob(repo, d.digest))
}

/** Records every moment a destination tag names an incomplete image. */
const observer = (twin: InMemoryEcr.InMemoryEcr, repo: string) => {
  const violations: Array<string> = []
  const check = (when: string) => {
    for (const [tag, digest] of twin.tagsOf(repo))
      if (!complete(twin, repo, digest)) violations.push(`${when}: ${repo}:${tag} -> ${digest} is incomplete`)
  }
  /** `fetch` that checks after every answer (tags are PUT through it). */
  const fetch: HttpEnv['fetch'] = async (input, init) => {
    const res = await twin.fetch(input, init)
    check(`after ${init?.method ?? 'GET'} ${input}`)
    return res
  }
  /** The twin's dispatcher, checking when each answer is complete. */
  class Observing extends Dispatcher {
    dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const h = handler as Record<string, unknown>
      const after = (name: string) => {
        const v = h[name]
        return typeof v === 'function'
          ? (...args: Array<unknown>) => {
              check(`after ${opts.method} ${opts.path}`)
              return v.apply(h, args)
            }
          : undefined
      }
      const wrapped = new Proxy(h, {
        get(target, prop) {
          if (prop === 'onComplete' || prop === 'onResponseEnd') return after(prop)
          const v = target[prop as string]
          return typeof v === 'function' ? v.bind(target) : v
        }
      })
      return twin.dispatcher.dispatch(opts, wrapped as Dispatcher.DispatchHandler)
    }
    close(): Promise<void> {
      return twin.dispatcher.close()
    }
    destroy(): Promise<void> {
      return twin.dispatcher.destroy()
    }
  }
  return { violations, check, fetch, dispatcher: new Observing() }
}

const faulty = (spec: FaultSpec, observe: () => void): InMemoryEcr.Fault => {
  let seen = 0
  let failed = 0
  return (call) => {
    observe()
    if (call.kind !== 'http') return undefined
    seen++
    if (seen <= spec.after) return undefined
    if (spec.times !== undefined && failed >= spec.times) return undefined
    failed++
    return spec.kind
  }
}

describe('replicateImage, property: faults then a rerun', () => {
  it('ends with the source image at the destination, and no tag ever names an incomplete image', async () => {
    await fc.assert(
      fc.asyncProperty(imageArb, faultArb, async (img, fault) => {
        const src = InMemoryEcr.make({ ...SRC, seed: 'p' })
        const dst = InMemoryEcr.make({ ...DST })
        const pushed = src.pushImage('app', {
          platforms: img.platforms,
          index: img.index,
          layers: img.layers,
          layerBytes: img.layerBytes,
          format: img.format,
          tags: img.tags
        })
        if (E.isLeft(pushed)) throw new Error(pushed.left.message)
        const image = pushed.right
        expect(E.isRight(dst.createRepository('mirror'))).toBe(true)
        const seen = observer(dst, 'mirror')
        const env = {
          source: sideEnv(src),
          destination: sideEnv(dst, { fetch: seen.fetch, dispatcher: seen.dispatcher })
        }
        const narrowTo =
          img.narrow === undefined || image.children.length === 0
            ? undefined
            : image.children.filter((_, i) => (img.narrow as number) & (1 << i)).map((c) => c.platform)
        const source = ImageUri.parse(`${SRC.accountId}.dkr.ecr.${SRC.region}.amazonaws.com/app@${image.imageDigest}`)
        if (E.isLeft(source)) throw new Error(source.left.message)
        const request: ReplicateRequest = {
          source: source.right,
          destination: { accountId: DST.accountId as AccountId, region: DST.region as Region, repositoryName: 'mirror' as RepositoryName },
          ...(img.explicitTags === undefined ? {} : { tags: img.explicitTags }),
          ...(narrowTo === undefined || narrowTo.length === 0 ? {} : { platforms: narrowTo })
        }

        // 1. with faults
        const observe = () => seen.check('request')
        if (fault.side !== 'destination') src.setFault(faulty(fault, () => undefined))
        dst.setFault(fault.side !== 'source' ? faulty(fault, observe) : () => (observe(), undefined))
        const first = await replicateImage(request)(env)()
        seen.check('after the first run')

        // 2. again, without faults
        src.setFault(undefined)
        dst.setFault(() => (observe(), undefined))
        const blobsBefore = new Set(
          [image.configDigest, ...image.layerDigests, ...image.children.flatMap((c) => [c.configDigest, ...c.layerDigests])].filter(
            (d): d is string => d !== undefined && dst.hasBlob('mirror', d)
          )
        )
        // the digest the copy gets: the source's, or the narrowed index's (computed on its own)
        const expectedTop = ((): string => {
          if (request.platforms === undefined || request.platforms === 'all') return image.imageDigest
          const parsed = Manifest.parse(image.manifest)
          if (E.isLeft(parsed)) throw new Error(parsed.left.message)
          const top: PlannedManifest = { digest: image.imageDigest as PlannedManifest['digest'], mediaType: image.mediaType, text: image.manifest, manifest: parsed.right, height: 1 }
          const n = narrowIndex(top, request.platforms, 'app')
          if (E.isLeft(n)) throw new Error(n.left.message)
          return n.right.digest
        })()
        const manifestsBefore = new Set(
          [expectedTop, image.imageDigest, ...image.children.map((c) => c.imageDigest)].filter((d) =>
            O.isSome(dst.getManifestText('mirror', d))
          )
        )
        dst.resetCalls()
        const second = await replicateImage(request)(env)()
        seen.check('after the second run')
        if (E.isLeft(second)) throw new Error(`rerun failed: ${second.left.message}`)
        const result = second.right
        if (E.isRight(first)) expect(first.right.imageDigest).toBe(result.imageDigest)
        expect(result.imageDigest).toBe(expectedTop)

        // the copy: the same digests, the same bytes, every blob
        const expectedTags = img.explicitTags ?? img.tags
        expect(new Map(dst.tagsOf('mirror'))).toEqual(new Map(expectedTags.map((t) => [t, result.imageDigest])))
        const narrowed = request.platforms !== undefined && image.children.length > 0
        const children = narrowed
          ? image.children.filter((c) => narrowTo?.some((p) => Manifest.platformToString(p) === Manifest.platformToString(c.platform)))
          : image.children
        if (narrowed && children.length < image.children.length) expect(result.imageDigest).not.toBe(image.imageDigest)
        else expect(result.imageDigest).toBe(image.imageDigest)
        expect(dst.getManifestText('mirror', result.imageDigest)).toEqual(O.some(result.imageManifest))
        if (result.imageDigest === image.imageDigest) expect(result.imageManifest).toBe(image.manifest)
        for (const c of children) expect(dst.getManifestText('mirror', c.imageDigest)).toEqual(O.some(c.manifest))
        const wanted = [
          ...(image.configDigest === undefined ? [] : [image.configDigest]),
          ...image.layerDigests,
          ...children.flatMap((c) => [c.configDigest, ...c.layerDigests])
        ]
        for (const d of wanted) expect(dst.hasBlob('mirror', d)).toBe(true)
        expect(complete(dst, 'mirror', result.imageDigest)).toBe(true)

        // the rerun sent nothing the destination had
        const missingBlobs = new Set(wanted.filter((d) => !blobsBefore.has(d)))
        expect(dst.httpCallCount('POST', /\/blobs\/uploads\/?$/)).toBe(missingBlobs.size)
        const wantedManifests = new Set([result.imageDigest, ...children.map((c) => c.imageDigest)])
        const missingManifests = [...wantedManifests].filter((d) => !manifestsBefore.has(d))
        expect(dst.httpCallCount('PUT', /\/manifests\/sha(256|512):/)).toBe(missingManifests.length)

        expect(seen.violations).toEqual([])
      }),
      { numRuns: 40 }
    )
  })
})

// -------------------------------------------------------------------------------------
// the pure parts
// -------------------------------------------------------------------------------------

const hex = fc.stringMatching(/^[0-9a-f]{64}$/)
const platformArb = fc.constantFrom(...PLATFORMS)

const entryArb = fc.record({
  digest: hex.map((h) => `sha256:${h}`),
  platform: platformArb,
  size: fc.integer({ min: 1, max: 10_000 })
})

const indexText = (entries: ReadonlyArray<{ digest: string; platform: InMemoryEcr.Platform; size: number }>, indent: boolean) =>
  JSON.stringify(
    {
      schemaVersion: 2,
      mediaType: Manifest.MediaType.ociIndex,
      manifests: entries.map((e) => ({ mediaType: Manifest.MediaType.ociManifest, digest: e.digest, size: e.size, platform: e.platform })),
      annotations: { 'org.example': 'kept' }
    },
    null,
    indent ? 3 : undefined
  )

const planned = (text: string): PlannedManifest => {
  const m = Manifest.parse(text)
  if (E.isLeft(m)) throw new Error(m.left.message)
  return { digest: Manifest.digest(text), mediaType: Manifest.MediaType.ociIndex, text, manifest: m.right, height: 1 }
}

describe('narrowIndex', () => {
  it('keeps exactly the selected entries, in order, other fields and formatting kept', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(entryArb, { minLength: 1, maxLength: 6, selector: (e) => e.digest }),
        fc.subarray([...PLATFORMS], { minLength: 1 }),
        fc.boolean(),
        (entries, wanted, indent) => {
          const top = planned(indexText(entries, indent))
          const r = narrowIndex(top, wanted, 'app@x')
          const offered = wanted.filter((p) => O.isSome(Manifest.selectPlatform(top.manifest, p)))
          if (offered.length < wanted.length) {
            expect(E.isLeft(r) && r.left._tag).toBe('NotFound')
            return
          }
          if (E.isLeft(r)) throw new Error(r.left.message)
          const kept = Manifest.children(r.right.manifest)
          // every wanted platform is there, with the entry selectPlatform picks
          for (const p of wanted) expect(Manifest.selectPlatform(r.right.manifest, p)).toEqual(Manifest.selectPlatform(top.manifest, p))
          // nothing else, in index order
          const original = Manifest.children(top.manifest)
          const positions = kept.map((d) => original.findIndex((o) => o.digest === d.digest))
          expect([...positions].sort((a, b) => a - b)).toEqual(positions)
          expect(kept.length).toBe(new Set(wanted.map((p) => O.toNullable(Manifest.selectPlatform(top.manifest, p))?.digest)).size)
          expect(r.right.digest).toBe(Manifest.digest(r.right.text))
          expect(JSON.parse(r.right.text).annotations).toEqual({ 'org.example': 'kept' })
          expect(r.right.text.includes('\n   "')).toBe(indent)
          // all kept: the very same index
          if (kept.length === original.length) expect(r.right).toBe(top)
          else expect(r.right.digest).not.toBe(top.digest)
        }
      ),
      { numRuns: 200 }
    )
  })

  it('keeps the attestations of kept entries only', () => {
    fc.assert(
      fc.property(fc.uniqueArray(entryArb, { minLength: 2, maxLength: 5, selector: (e) => `${e.platform.os}/${e.platform.architecture}/${e.platform.variant}` }), hex, (entries, attHex) => {
        const first = entries[0]
        if (first === undefined) return
        const att = (ref: string, h: string) => ({
          mediaType: Manifest.MediaType.ociManifest,
          digest: `sha256:${h}`,
          size: 10,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.digest': ref, 'vnd.docker.reference.type': 'attestation-manifest' }
        })
        const text = JSON.stringify({
          schemaVersion: 2,
          mediaType: Manifest.MediaType.ociIndex,
          manifests: [
            ...entries.map((e) => ({ mediaType: Manifest.MediaType.ociManifest, digest: e.digest, size: e.size, platform: e.platform })),
            ...entries.map((e, i) => att(e.digest, `${attHex.slice(0, 62)}${i.toString(16).padStart(2, '0')}`))
          ]
        })
        const top = planned(text)
        const r = selectEntries(top.manifest, [first.platform], 'x')
        expect(r).toEqual(E.right([0, entries.length]))
      })
    )
  })

  it('leaves an image manifest alone', () => {
    const text = JSON.stringify({
      schemaVersion: 2,
      mediaType: Manifest.MediaType.ociManifest,
      config: { mediaType: Manifest.MediaType.ociConfig, digest: `sha256:${'c'.repeat(64)}`, size: 2 },
      layers: []
    })
    const m = Manifest.parse(text)
    if (E.isLeft(m)) throw new Error(m.left.message)
    const top: PlannedManifest = { digest: Manifest.digest(text), mediaType: Manifest.MediaType.ociManifest, text, manifest: m.right, height: 0 }
    expect(narrowIndex(top, [{ os: 'windows', architecture: 'amd64' }], 'x')).toEqual(E.right(top))
  })
})

describe('blobsOf and pushOrder', () => {
  const descriptorArb = fc.record({
    mediaType: fc.constantFrom(Manifest.MediaType.ociLayer, Manifest.MediaType.dockerLayer, Manifest.MediaType.ociForeignLayerGzip),
    digest: fc.constantFrom(...['a', 'b', 'c', 'd', 'e'].map((c) => `sha256:${c.repeat(64)}`)),
    size: fc.integer({ min: 0, max: 100 }),
    urls: fc.option(fc.constant(['https://example.com/layer']), { nil: undefined })
  })
  const manifestArb = fc.record({ config: descriptorArb, layers: fc.array(descriptorArb, { maxLength: 5 }) }).map((m) => {
    const text = JSON.stringify({ schemaVersion: 2, mediaType: Manifest.MediaType.ociManifest, ...m })
    const parsed = Manifest.parse(text)
    if (E.isLeft(parsed)) throw new Error(parsed.left.message)
    return parsed.right
  })

  it('lists every non-foreign config and layer digest exactly once, first seen first', () => {
    fc.assert(
      fc.property(fc.array(manifestArb, { maxLength: 4 }), (ms) => {
        const out = blobsOf(ms)
        const all = ms.flatMap((m) => [...O.match(() => [], (d: Manifest.Descriptor) => [d])(Manifest.config(m)), ...Manifest.layers(m)])
        const distributable = all.filter((d) => !(d.mediaType.includes('nondistributable') && (d.urls?.length ?? 0) > 0))
        expect(new Set(out.map((d) => d.digest)).size).toBe(out.length)
        expect(new Set(out.map((d) => d.digest))).toEqual(new Set(distributable.map((d) => d.digest)))
        const firstSeen = [...new Set(distributable.map((d) => d.digest))]
        expect(out.map((d) => d.digest)).toEqual(firstSeen)
      })
    )
  })

  it('orders manifests by height, each digest once, keeping first-seen order within a height', () => {
    const m = Manifest.parse('{"schemaVersion":2,"manifests":[]}')
    if (E.isLeft(m)) throw new Error('parse')
    fc.assert(
      fc.property(fc.array(fc.record({ d: fc.constantFrom('a', 'b', 'c', 'd'), h: fc.integer({ min: 0, max: 3 }) })), (xs) => {
        const ms = xs.map(
          (x): PlannedManifest => ({ digest: `sha256:${x.d.repeat(64)}` as PlannedManifest['digest'], mediaType: 'm', text: '', manifest: m.right, height: x.h })
        )
        const out = pushOrder(ms)
        expect(new Set(out.map((p) => p.digest)).size).toBe(out.length)
        for (let i = 1; i < out.length; i++) expect((out[i] as PlannedManifest).height).toBeGreaterThanOrEqual((out[i - 1] as PlannedManifest).height)
        const firsts = ms.filter((p, i) => ms.findIndex((q) => q.digest === p.digest) === i)
        expect(out).toEqual([...firsts].sort((a, b) => a.height - b.height))
      })
    )
  })
})

describe('allBounded', () => {
  it('keeps order, never runs more than the limit, and settles every started task before a failure is returned', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 3 }), fail: fc.boolean() }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        async (specs, limit) => {
          let running = 0
          let peak = 0
          let settled = 0
          let started = 0
          const tasks = specs.map((s, i) => async (): Promise<E.Either<number, number>> => {
            started++
            running++
            peak = Math.max(peak, running)
            await new Promise((r) => setTimeout(r, s.delay))
            running--
            settled++
            return s.fail ? E.left(i) : E.right(i * 2)
          })
          const r = await allBounded(limit)(tasks)()
          expect(peak).toBeLessThanOrEqual(limit)
          expect(settled).toBe(started)
          const firstFailure = specs.findIndex((s) => s.fail)
          if (firstFailure < 0) expect(r).toEqual(E.right(specs.map((_, i) => i * 2)))
          else expect(E.isLeft(r)).toBe(true)
        }
      ),
      { numRuns: 60 }
    )
  })
})

describe('countingStream', () => {
  it('passes bytes through unchanged and reports at least `every` bytes apart', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 20 }), fc.integer({ min: 1, max: 8000 }), async (sizes, every) => {
        const reports: Array<number> = []
        const s = countingStream(every, (n) => reports.push(n))
        const chunks = sizes.map((n, i) => Buffer.alloc(n, i % 256))
        const out: Array<Buffer> = []
        s.on('data', (c: Buffer) => out.push(c))
        const ended = new Promise((r) => s.on('end', r))
        for (const c of chunks) s.write(c)
        s.end()
        await ended
        expect(Buffer.concat(out)).toEqual(Buffer.concat(chunks))
        const total = sizes.reduce((a, b) => a + b, 0)
        for (let i = 0; i < reports.length; i++) expect((reports[i] as number) - (i === 0 ? 0 : (reports[i - 1] as number))).toBeGreaterThanOrEqual(every)
        expect(reports.every((n) => n <= total)).toBe(true)
        expect(reports.length).toBeLessThanOrEqual(Math.floor(total / every))
      }),
      { numRuns: 30 }
    )
  })
})
