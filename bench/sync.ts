/**
 * Benchmark: syncing a repository of multi-platform images that share base layers between two
 * local docker-registry instances, our sync (bench/syncChild.ts, bundled with esbuild, run with
 * plain node, reporting its own peak RSS) against `skopeo sync` of the same repository.
 *
 * The data set: `BENCH_SYNC_TAGS` tags (20), each an OCI index of two platforms (linux/amd64,
 * linux/arm64); every platform's image has the same 3 base layers of `BENCH_SYNC_BASE_KIB` KiB
 * (16 MiB) and 1 or 2 layers of its own of `BENCH_SYNC_UNIQUE_KIB` KiB (2 MiB), plus its own config.
 *
 * Each round syncs into fresh destination registries, one per tool, each behind a counting proxy
 * (bench/countingProxy.ts) that records every blob upload; the source sits behind one too (blob
 * reads). The order of the two tools alternates between rounds; times are medians of
 * `BENCH_ROUNDS` (3) rounds. Each destination is verified afterwards: every tag resolves to the
 * source's digest and every blob is there.
 *
 * Then the peak-RSS phase: the same set plus one tag whose amd64 image carries a layer of
 * `BENCH_SYNC_BIG_MIB` MiB (512; 0 skips the phase), synced `BENCH_ROUNDS` times by ours (the
 * highest peak is reported) and once by skopeo (not at all with `BENCH_SYNC_BIG_SKOPEO=0`).
 *
 *   npm run bench -- sync          (or: npx tsx bench/sync.ts)
 *
 * Prints one JSON object on stdout and writes it to bench/results/sync.json (or BENCH_SYNC_OUT).
 */
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { gzipSync } from 'node:zlib'
import { buildSync } from 'esbuild'
import { basicAuth, pushBlob, pushManifest, startRegistry, type Registry, type RegistryAccess } from '../test/integration/harness'
import { count, startCountingProxy, type CountingProxy, type Counts } from './countingProxy'
import { machine, median, round, type Machine } from './suites/common'
import type { ChildArgs, ChildResult } from './syncChild'
import { pushRandomLayer, timed } from './replicate'

const MiB = 1024 * 1024
const KiB = 1024

// -------------------------------------------------------------------------------------
// the data set (pure)
// -------------------------------------------------------------------------------------

export interface DataOptions {
  readonly tags: number
  /** Shared layers per platform, in every image of that platform. */
  readonly baseLayers: number
  readonly baseKiB: number
  /** Size of each layer of an image's own (1 or 2 per image). */
  readonly uniqueKiB: number
}

export interface Options extends DataOptions {
  readonly rounds: number
  /** The peak-RSS phase's big layer; 0: no such phase. */
  readonly bigMiB: number
  /** Whether skopeo syncs the set with the big layer too (our peak RSS is the phase's point). */
  readonly bigSkopeo: boolean
  /** Where the result goes. */
  readonly out: string
}

export const defaults: Options = {
  tags: 20,
  baseLayers: 3,
  baseKiB: 16 * 1024,
  uniqueKiB: 2 * 1024,
  rounds: 3,
  bigMiB: 512,
  bigSkopeo: true,
  out: path.join(__dirname, 'results', 'sync.json')
}

export const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64' }
] as const

export interface LayerSpec {
  /** Names the content: the same id is the same blob. */
  readonly id: string
  readonly bytes: number
}

export interface ImageSpec {
  readonly platform: { readonly os: string; readonly architecture: string }
  readonly layers: ReadonlyArray<LayerSpec>
}

export interface TagSpec {
  readonly tag: string
  readonly images: ReadonlyArray<ImageSpec>
}

/** Tags `v1`... : per platform the shared base layers, then 1 (odd tags) or 2 (even tags) of the image's own. */
export const layout = (o: DataOptions): ReadonlyArray<TagSpec> =>
  Array.from({ length: o.tags }, (_, t) => ({
    tag: `v${t + 1}`,
    images: PLATFORMS.map((platform) => ({
      platform,
      layers: [
        ...Array.from({ length: o.baseLayers }, (_, i) => ({ id: `base/${platform.architecture}/${i}`, bytes: o.baseKiB * KiB })),
        ...Array.from({ length: 1 + ((t + 1) % 2 === 0 ? 1 : 0) }, (_, i) => ({
          id: `v${t + 1}/${platform.architecture}/${i}`,
          bytes: o.uniqueKiB * KiB
        }))
      ]
    }))
  }))

export interface DataStats {
  readonly tags: number
  readonly images: number
  /** Distinct blobs: layers and configs. */
  readonly distinctBlobs: number
  readonly distinctLayers: number
  /** Layers found in more than one image. */
  readonly sharedLayers: number
  /** Bytes of the distinct layers (before gzip framing). */
  readonly distinctLayerBytes: number
  /** Bytes of every image's layers counted per image: what a copy that does not share would send. */
  readonly layerBytesPerImageSum: number
}

export const stats = (tags: ReadonlyArray<TagSpec>): DataStats => {
  const uses = new Map<string, { bytes: number; n: number }>()
  let images = 0
  let perImage = 0
  for (const t of tags)
    for (const image of t.images) {
      images++
      for (const l of image.layers) {
        perImage += l.bytes
        const u = uses.get(l.id)
        uses.set(l.id, { bytes: l.bytes, n: (u?.n ?? 0) + 1 })
      }
    }
  const layers = [...uses.values()]
  return {
    tags: tags.length,
    images,
    distinctBlobs: layers.length + images,
    distinctLayers: layers.length,
    sharedLayers: layers.filter((l) => l.n > 1).length,
    distinctLayerBytes: layers.reduce((a, l) => a + l.bytes, 0),
    layerBytesPerImageSum: perImage
  }
}

// -------------------------------------------------------------------------------------
// pushing the data set
// -------------------------------------------------------------------------------------

const OCI = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip'
} as const

const sha256 = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

interface Descriptor {
  readonly mediaType: string
  readonly digest: string
  readonly size: number
}

export interface PushedTag {
  readonly tag: string
  /** The index digest: what the tag must resolve to at a destination. */
  readonly digest: string
  /** Every blob of the tag's images (configs and layers). */
  readonly blobs: ReadonlyArray<string>
}

/**
 * Random bytes framed as gzip (level 0: stored blocks), so no tool wants to compress them again.
 * Generated per id, once.
 */
const layerBlob = (bytes: number): Buffer => gzipSync(randomBytes(bytes), { level: 0 })

/** Links a blob another repository of the registry holds (no bytes sent). */
const mountBlob = async (reg: RegistryAccess, repository: string, digest: string, from: string): Promise<void> => {
  const res = await fetch(`${reg.url}/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`, {
    method: 'POST',
    headers: { authorization: basicAuth(reg) }
  })
  await res.arrayBuffer()
  if (res.status !== 201) throw new Error(`mount ${digest} from ${from} into ${repository}: HTTP ${res.status}`)
}

/** Layers already pushed, by id, and the repository holding them. */
export type Known = Map<string, Descriptor & { readonly repository: string }>

/**
 * Pushes the images, each tag an index of its platforms. A layer id seen before (in `known`) is the
 * same blob: mounted from its repository, or nothing to do in the same one. `extra` adds layers to
 * an image (the big layer of the peak-RSS phase).
 */
export const pushDataSet = async (
  reg: RegistryAccess,
  repository: string,
  tags: ReadonlyArray<TagSpec>,
  known: Known = new Map(),
  extra: (image: ImageSpec, tag: string) => Promise<ReadonlyArray<Descriptor>> = () => Promise.resolve([])
): Promise<ReadonlyArray<PushedTag>> => {
  const pushed: Array<PushedTag> = []
  const here = new Set<string>()
  for (const t of tags) {
    const manifests: Array<Descriptor & { platform: ImageSpec['platform'] }> = []
    const blobs: Array<string> = []
    for (const image of t.images) {
      const layers: Array<Descriptor> = []
      for (const l of image.layers) {
        const k = known.get(l.id)
        let d: Descriptor
        if (k === undefined) {
          const bytes = layerBlob(l.bytes)
          d = { mediaType: OCI.layer, digest: await pushBlob(reg, repository, bytes), size: bytes.length }
          known.set(l.id, { ...d, repository })
        } else {
          d = { mediaType: k.mediaType, digest: k.digest, size: k.size }
          if (k.repository !== repository && !here.has(k.digest)) await mountBlob(reg, repository, k.digest, k.repository)
        }
        here.add(d.digest)
        layers.push(d)
      }
      layers.push(...(await extra(image, t.tag)))
      const config = Buffer.from(
        JSON.stringify({
          architecture: image.platform.architecture,
          os: image.platform.os,
          created: '2024-01-01T00:00:00Z',
          config: { Labels: { tag: t.tag, repository } },
          rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) }
        })
      )
      const configDigest = await pushBlob(reg, repository, config)
      const text = JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI.manifest,
        config: { mediaType: OCI.config, digest: configDigest, size: config.length },
        layers
      })
      const digest = await pushManifest(reg, repository, sha256(text), text, OCI.manifest)
      manifests.push({ mediaType: OCI.manifest, digest, size: Buffer.byteLength(text), platform: image.platform })
      blobs.push(configDigest, ...layers.map((l) => l.digest))
    }
    const index = JSON.stringify({ schemaVersion: 2, mediaType: OCI.index, manifests })
    const digest = await pushManifest(reg, repository, t.tag, index, OCI.index)
    pushed.push({ tag: t.tag, digest, blobs: [...new Set(blobs)] })
  }
  return pushed
}

// -------------------------------------------------------------------------------------
// checking a destination
// -------------------------------------------------------------------------------------

const ACCEPT = [OCI.index, OCI.manifest, 'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v2+json'].join(', ')

export interface Verification {
  /** Tags that resolve to the source's digest. */
  readonly tagsMatching: number
  readonly tags: number
  /** Blobs of the images that the destination repository has. */
  readonly blobsPresent: number
  readonly blobs: number
  /** What did not match, first few. */
  readonly problems: ReadonlyArray<string>
  readonly ok: boolean
}

/** Every tag resolves to the source's digest (the manifest's own bytes hashed), every blob is there. */
export const verify = async (reg: RegistryAccess, repository: string, source: ReadonlyArray<PushedTag>): Promise<Verification> => {
  const authorization = basicAuth(reg)
  const problems: Array<string> = []
  let tagsMatching = 0
  for (const t of source) {
    const res = await fetch(`${reg.url}/v2/${repository}/manifests/${t.tag}`, { headers: { authorization, accept: ACCEPT } })
    const body = Buffer.from(await res.arrayBuffer())
    const digest = res.status === 200 ? sha256(body) : `HTTP ${res.status}`
    if (digest === t.digest) tagsMatching++
    else problems.push(`${t.tag}: ${digest}, source ${t.digest}`)
  }
  const blobs = [...new Set(source.flatMap((t) => t.blobs))]
  let blobsPresent = 0
  for (const d of blobs) {
    const res = await fetch(`${reg.url}/v2/${repository}/blobs/${d}`, { method: 'HEAD', headers: { authorization } })
    await res.arrayBuffer()
    if (res.status === 200) blobsPresent++
    else problems.push(`blob ${d}: HTTP ${res.status}`)
  }
  return {
    tagsMatching,
    tags: source.length,
    blobsPresent,
    blobs: blobs.length,
    problems: problems.slice(0, 5),
    ok: tagsMatching === source.length && blobsPresent === blobs.length
  }
}

// -------------------------------------------------------------------------------------
// the two tools
// -------------------------------------------------------------------------------------

/** bench/syncChild.ts as one CommonJS file for plain node. */
const bundleChild = (dir: string): string => {
  const outfile = path.join(dir, 'syncChild.js')
  buildSync({
    entryPoints: [path.join(__dirname, 'syncChild.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning'
  })
  return outfile
}

const access = (r: { url: string; username: string; password: string }): RegistryAccess => ({ url: r.url, username: r.username, password: r.password })

/** What one run of a tool did: time, memory, the requests both registries saw, the check. */
export interface ToolRun {
  /** Ours: the sync call inside the child; skopeo: the whole process. */
  readonly seconds: number
  /** The whole process. */
  readonly processSeconds: number
  readonly peakRssMiB: number | null
  /** Requests the destination saw. */
  readonly destination: Counts
  /** Requests the source saw. */
  readonly source: Counts
  readonly verification: Verification
}

interface Sides {
  readonly src: CountingProxy
  readonly srcReg: Registry
  readonly dst: CountingProxy
  readonly dstReg: Registry
}

const creds = (r: Registry): RegistryAccess => ({ url: r.url, username: r.username, password: r.password })

/** Node options for our child (`BENCH_SYNC_NODE_FLAGS`, e.g. `--max-semi-space-size=2`); none by default. */
const nodeFlags = (): ReadonlyArray<string> => (process.env['BENCH_SYNC_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== '')

/** Our run: the tool run, and what the child said of itself. */
export interface OurRun extends ToolRun {
  readonly engine: string
  readonly rssBeforeSyncMiB: number
  readonly child: Omit<ChildResult, 'ok' | 'error' | 'engine' | 'seconds' | 'peakRssMiB' | 'rssBeforeSyncMiB'>
}

const runOurs = async (script: string, sides: Sides, repository: string, source: ReadonlyArray<PushedTag>): Promise<OurRun> => {
  sides.src.reset()
  sides.dst.reset()
  const args: ChildArgs = {
    src: { ...creds(sides.srcReg), url: sides.src.url },
    dst: { ...creds(sides.dstReg), url: sides.dst.url },
    repository,
    destination: repository
  }
  const run = await timed(process.execPath, [...nodeFlags(), script, JSON.stringify(args)])
  const line = run.stdout.trim().split('\n').pop() ?? ''
  let r: ChildResult
  try {
    r = JSON.parse(line) as ChildResult
  } catch {
    throw new Error(`the sync child failed (${run.code}): ${run.stderr.slice(-2000)}`)
  }
  if (!r.ok) throw new Error(`our sync failed: ${r.error}`)
  const { ok: _ok, error: _error, engine, seconds: _seconds, peakRssMiB: _peak, rssBeforeSyncMiB: _before, ...child } = r
  return {
    engine,
    child,
    seconds: r.seconds,
    processSeconds: run.seconds,
    peakRssMiB: r.peakRssMiB,
    rssBeforeSyncMiB: r.rssBeforeSyncMiB,
    destination: count(sides.dst.requests()),
    source: count(sides.src.requests()),
    verification: await verify(creds(sides.dstReg), repository, source)
  }
}

const hostOf = (url: string): string => new URL(url).host

/** `skopeo sync` of every tag of the repository; the destination path is the same repository name. */
const runSkopeo = async (sides: Sides, repository: string, source: ReadonlyArray<PushedTag>): Promise<ToolRun> => {
  sides.src.reset()
  sides.dst.reset()
  const parent = path.posix.dirname(repository)
  const s = await timed('skopeo', [
    'sync',
    '--all',
    '--preserve-digests',
    '--src',
    'docker',
    '--dest',
    'docker',
    '--src-creds',
    `${sides.srcReg.username}:${sides.srcReg.password}`,
    '--dest-creds',
    `${sides.dstReg.username}:${sides.dstReg.password}`,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    `${hostOf(sides.src.url)}/${repository}`,
    parent === '.' ? hostOf(sides.dst.url) : `${hostOf(sides.dst.url)}/${parent}`
  ])
  if (s.code !== 0) throw new Error(`skopeo sync failed (${s.code}): ${s.stderr.slice(-2000)}`)
  return {
    seconds: s.seconds,
    processSeconds: s.seconds,
    peakRssMiB: s.peakRssMiB ?? null,
    destination: count(sides.dst.requests()),
    source: count(sides.src.requests()),
    verification: await verify(creds(sides.dstReg), repository, source)
  }
}

// -------------------------------------------------------------------------------------
// the benchmark
// -------------------------------------------------------------------------------------

/** A tool's runs, summed up. */
export interface ToolSummary<R extends ToolRun = ToolRun> {
  /** Median of the rounds. */
  readonly seconds: number
  readonly processSeconds: number
  /** The worst round. */
  readonly peakRssMiB: number | null
  /** Completed blob uploads at the destination, the first round (the same every round when `uploadsStable`). */
  readonly blobUploads: number
  readonly distinctBlobsUploaded: number
  readonly duplicateUploads: number
  readonly mounts: number
  readonly uploadedMiB: number
  /** Blob GETs at the source. */
  readonly blobReads: number
  readonly distinctBlobsRead: number
  readonly readMiB: number
  readonly manifestPuts: number
  readonly uploadsStable: boolean
  /** Every round's destination checked out. */
  readonly verified: boolean
  readonly runs: ReadonlyArray<R>
}

const summarize = <R extends ToolRun>(runs: ReadonlyArray<R>): ToolSummary<R> => {
  const first = runs[0]
  if (first === undefined) throw new Error('no runs')
  const rss = runs.flatMap((r) => (r.peakRssMiB === null ? [] : [r.peakRssMiB]))
  return {
    seconds: round(median(runs.map((r) => r.seconds))),
    processSeconds: round(median(runs.map((r) => r.processSeconds))),
    peakRssMiB: rss.length === 0 ? null : Math.max(...rss),
    blobUploads: first.destination.blobUploads,
    distinctBlobsUploaded: first.destination.distinctBlobsUploaded,
    duplicateUploads: Object.keys(first.destination.duplicateUploads).length,
    mounts: first.destination.mounts,
    uploadedMiB: round(first.destination.uploadedBytes / MiB, 1),
    blobReads: first.source.blobReads,
    distinctBlobsRead: first.source.distinctBlobsRead,
    readMiB: round(first.source.readBytes / MiB, 1),
    manifestPuts: first.destination.manifestPuts,
    uploadsStable: runs.every((r) => r.destination.blobUploads === first.destination.blobUploads),
    verified: runs.every((r) => r.verification.ok),
    runs: runs.map((r) => ({ ...r, seconds: round(r.seconds), processSeconds: round(r.processSeconds) }))
  }
}

export interface PeakRss {
  readonly bigLayerMiB: number
  readonly tags: number
  /** The highest peak of `runs` syncs (`rounds`), each into a fresh destination; their peaks in `peaksMiB`; times are medians. */
  readonly ours: {
    readonly seconds: number
    readonly processSeconds: number
    readonly peakRssMiB: number
    readonly peaksMiB: ReadonlyArray<number>
    readonly rssBeforeSyncMiB: number
    readonly blobUploads: number
    readonly verified: boolean
  }
  readonly skopeo: null | { readonly seconds: number; readonly peakRssMiB: number | null; readonly blobUploads: number; readonly verified: boolean }
  readonly limitMiB: number
  readonly withinLimit: boolean
}

export interface Result {
  readonly benchmark: 'sync'
  /** `BENCH_SYNC_NODE_FLAGS`: node options of our child process (none by default). */
  readonly nodeFlags: ReadonlyArray<string>
  readonly date: string
  readonly machine: Machine
  readonly skopeoVersion: string | null
  readonly options: Omit<Options, 'out'>
  readonly dataSet: DataStats & { readonly distinctMiB: number; readonly perImageMiB: number }
  readonly engine: string
  readonly ours: ToolSummary<OurRun> & {
    readonly rssBeforeSyncMiB: number
    /** `Sync.plan`, median of the rounds. */
    readonly planSeconds: number
    /** `Sync.apply`, median of the rounds. */
    readonly applySeconds: number
    /** Blob sends the plan announced (the first round): the uploads the proxy should count. */
    readonly plannedBlobSends: number
  }
  readonly skopeo: ToolSummary | null
  /** ours / skopeo: the sync call against the skopeo process; below 1 is faster than skopeo. */
  readonly ratio: number | null
  /** ours / skopeo, both whole processes (node start-up and module loading included). */
  readonly ratioWholeProcess: number | null
  readonly peakRss: PeakRss | null
  readonly targets: {
    readonly notSlowerThanSkopeo: boolean | null
    readonly notSlowerThanSkopeoWholeProcess: boolean | null
    /** Ours: every distinct blob uploaded exactly once, no duplicate. */
    readonly everyBlobSentOnce: boolean
    readonly destinationVerified: boolean
    readonly peakRssBelow150MiB: boolean | null
  }
}

const skopeoVersion = (): string | null => {
  const r = spawnSync('skopeo', ['--version'], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim().replace(/^skopeo version /, '') : null
}

const withSides = async <A>(src: Registry, srcProxy: CountingProxy, f: (sides: Sides) => Promise<A>): Promise<A> => {
  const dstReg = await startRegistry({ password: `dst-${randomBytes(8).toString('hex')}` })
  let dst: CountingProxy | undefined
  try {
    dst = await startCountingProxy(dstReg.url)
    return await f({ src: srcProxy, srcReg: src, dst, dstReg })
  } finally {
    await dst?.stop()
    await dstReg.stop()
  }
}

const log = (line: string): void => {
  process.stderr.write(`sync: ${line}\n`)
}

export const run = async (options: Options = defaults): Promise<Result> => {
  const tags = layout(options)
  const data = stats(tags)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-fp-ts-bench-sync-'))
  const version = skopeoVersion()
  let src: Registry | undefined
  let srcProxy: CountingProxy | undefined
  try {
    const script = bundleChild(tmp)
    src = await startRegistry({ password: `src-${randomBytes(8).toString('hex')}` })
    srcProxy = await startCountingProxy(src.url)
    const repository = 'bench/app'
    log(`pushing ${data.tags} tags (${data.images} images, ${data.distinctBlobs} blobs, ${round(data.distinctLayerBytes / MiB, 1)} MiB of layers) ...`)
    const known: Known = new Map()
    const pushed = await pushDataSet(access(src), repository, tags, known)

    const ours: Array<OurRun> = []
    const skopeo: Array<ToolRun> = []
    for (let round = 0; round < options.rounds; round++) {
      const steps: Array<() => Promise<void>> = [
        async () => {
          log(`round ${round + 1}: ours ...`)
          const s = srcProxy as CountingProxy
          ours.push(await withSides(src as Registry, s, (sides) => runOurs(script, sides, repository, pushed)))
        },
        ...(version === null
          ? []
          : [
              async () => {
                log(`round ${round + 1}: skopeo sync ...`)
                skopeo.push(await withSides(src as Registry, srcProxy as CountingProxy, (sides) => runSkopeo(sides, repository, pushed)))
              }
            ])
      ]
      for (const step of round % 2 === 0 ? steps : [...steps].reverse()) await step()
    }

    let peakRss: PeakRss | null = null
    if (options.bigMiB > 0) {
      const big = 'bench/big'
      log(`pushing the set again with a ${options.bigMiB} MiB layer in tag big ...`)
      const bigTag: TagSpec = { tag: 'big', images: layout({ ...options, tags: 1 })[0]?.images ?? [] }
      const withBig = await pushDataSet(access(src), big, [...tags, bigTag], known, async (image, tag) => {
        if (tag !== 'big' || image.platform.architecture !== 'amd64') return []
        const layer = await pushRandomLayer(access(src as Registry), big, options.bigMiB * MiB)
        return [{ mediaType: OCI.layer, digest: layer.digest, size: layer.size }]
      })
      const runs: Array<OurRun> = []
      for (let i = 0; i < Math.max(1, options.rounds); i++) {
        log(`peak RSS: ours (${i + 1} of ${Math.max(1, options.rounds)}) ...`)
        runs.push(await withSides(src as Registry, srcProxy as CountingProxy, (sides) => runOurs(script, sides, big, withBig)))
      }
      const highest = runs.reduce((a, b) => ((b.peakRssMiB ?? 0) > (a.peakRssMiB ?? 0) ? b : a))
      const o = { ...highest, seconds: median(runs.map((r) => r.seconds)), processSeconds: median(runs.map((r) => r.processSeconds)) }
      if (options.bigSkopeo) log('peak RSS: skopeo sync ...')
      const s = version === null || !options.bigSkopeo ? null : await withSides(src, srcProxy, (sides) => runSkopeo(sides, big, withBig))
      const limitMiB = 150
      peakRss = {
        bigLayerMiB: options.bigMiB,
        tags: withBig.length,
        ours: {
          seconds: round(o.seconds),
          processSeconds: round(o.processSeconds),
          peakRssMiB: o.peakRssMiB ?? Number.NaN,
          peaksMiB: runs.map((r) => r.peakRssMiB ?? Number.NaN),
          rssBeforeSyncMiB: o.rssBeforeSyncMiB,
          blobUploads: o.destination.blobUploads,
          verified: runs.every((r) => r.verification.ok)
        },
        skopeo: s === null ? null : { seconds: round(s.seconds), peakRssMiB: s.peakRssMiB, blobUploads: s.destination.blobUploads, verified: s.verification.ok },
        limitMiB,
        withinLimit: (o.peakRssMiB ?? Number.POSITIVE_INFINITY) < limitMiB
      }
    }

    const oursSummary = summarize(ours)
    const skopeoSummary = skopeo.length === 0 ? null : summarize(skopeo)
    const ratio = skopeoSummary === null ? null : round(oursSummary.seconds / skopeoSummary.seconds)
    const ratioWholeProcess = skopeoSummary === null ? null : round(oursSummary.processSeconds / skopeoSummary.processSeconds)
    const { out: _out, ...shownOptions } = options
    return {
      benchmark: 'sync',
      nodeFlags: nodeFlags(),
      date: new Date().toISOString(),
      machine: machine(),
      skopeoVersion: version,
      options: shownOptions,
      dataSet: { ...data, distinctMiB: round(data.distinctLayerBytes / MiB, 1), perImageMiB: round(data.layerBytesPerImageSum / MiB, 1) },
      engine: ours[0]?.engine ?? '',
      ours: {
        ...oursSummary,
        rssBeforeSyncMiB: Math.max(...ours.map((o) => o.rssBeforeSyncMiB)),
        planSeconds: round(median(ours.map((o) => o.child.planSeconds))),
        applySeconds: round(median(ours.map((o) => o.child.applySeconds))),
        plannedBlobSends: ours[0]?.child.plannedBlobSends ?? 0
      },
      skopeo: skopeoSummary,
      ratio,
      ratioWholeProcess,
      peakRss,
      targets: {
        notSlowerThanSkopeo: ratio === null ? null : ratio <= 1,
        notSlowerThanSkopeoWholeProcess: ratioWholeProcess === null ? null : ratioWholeProcess <= 1,
        everyBlobSentOnce: ours.every(
          (o) => o.destination.blobUploads === data.distinctBlobs && o.destination.distinctBlobsUploaded === data.distinctBlobs
        ),
        destinationVerified: oursSummary.verified && (peakRss?.ours.verified ?? true),
        peakRssBelow150MiB: peakRss === null ? null : peakRss.withinLimit
      }
    }
  } finally {
    await srcProxy?.stop()
    await src?.stop()
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

const intEnv = (name: string, fallback: number): number => {
  const v = process.env[name]
  if (v === undefined || v === '') return fallback
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: not a whole number: ${v}`)
  return n
}

/** The options from the environment (BENCH_SYNC_*, BENCH_ROUNDS), defaults otherwise. */
export const optionsFromEnv = (): Options => ({
  tags: Math.max(1, intEnv('BENCH_SYNC_TAGS', defaults.tags)),
  baseLayers: intEnv('BENCH_SYNC_BASE_LAYERS', defaults.baseLayers),
  baseKiB: intEnv('BENCH_SYNC_BASE_KIB', defaults.baseKiB),
  uniqueKiB: Math.max(1, intEnv('BENCH_SYNC_UNIQUE_KIB', defaults.uniqueKiB)),
  rounds: Math.max(1, intEnv('BENCH_ROUNDS', defaults.rounds)),
  bigMiB: intEnv('BENCH_SYNC_BIG_MIB', defaults.bigMiB),
  bigSkopeo: process.env['BENCH_SYNC_BIG_SKOPEO'] !== '0',
  out: process.env['BENCH_SYNC_OUT'] ?? defaults.out
})

const main = async (): Promise<void> => {
  const options = optionsFromEnv()
  const result = await run(options)
  const json = JSON.stringify(result, null, 2)
  fs.mkdirSync(path.dirname(options.out), { recursive: true })
  fs.writeFileSync(options.out, `${json}\n`)
  process.stdout.write(`${json}\n`)
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exitCode = 1
  })
}
