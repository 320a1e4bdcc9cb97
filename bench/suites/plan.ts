/**
 * Suite `plan`: `Sync.plan` of a repository of 1,000 tags on the in-memory twin, every ECR API call
 * 20 ms slower (`InMemoryEcr.make({ latencyMs: 20 })`), from one twin (the source registry) to
 * another (the destination). The images share base layers; every fourth tag is a two-platform
 * index. Rows: into an empty destination repository, and into one that already holds the first
 * half of the tags. For each: ECR calls by operation on each side, registry HTTP requests, what the
 * plan found, and the median wall time of `rounds` rounds, each with fresh environments (no login
 * cached from an earlier round).
 */
import { createHash } from 'node:crypto'
import * as E from 'fp-ts/Either'
import * as Env from '../../src/Env'
import type { AccountId, Region, RepositoryName } from '../../src/Primitives'
import * as Sync from '../../src/Sync'
import { InMemoryEcr } from '../../src/testing'
import { machine, median, now, round, round3, type Log, type Machine, silentLog } from './common'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Options {
  /** Added to every ECR API call of both twins. */
  readonly latencyMs: number
  readonly tags: number
  /** Every n-th tag is a two-platform index (the others one linux/amd64 manifest). */
  readonly indexEvery: number
  /** Shared layers per platform. */
  readonly baseLayers: number
  readonly baseLayerBytes: number
  readonly uniqueLayerBytes: number
  readonly rounds: number
  /** `env.concurrency` of both sides; undefined: the library's default. */
  readonly concurrency?: number
}

export const defaults: Options = {
  latencyMs: 20,
  tags: 1000,
  indexEvery: 4,
  baseLayers: 3,
  baseLayerBytes: 64 * 1024,
  uniqueLayerBytes: 1024,
  rounds: 3
}

/** Sizes for the smoke test. */
export const quick: Options = { ...defaults, latencyMs: 1, tags: 12, baseLayerBytes: 256, uniqueLayerBytes: 64, rounds: 1 }

/** ECR calls by operation name. */
export type Calls = Readonly<Record<string, number>>

export interface Row {
  /** What the destination held before. */
  readonly destination: 'empty repository' | 'first half of the tags'
  readonly tags: number
  readonly sourceCalls: Calls
  readonly destinationCalls: Calls
  readonly totalCalls: number
  readonly callsPerTag: number
  /** Registry HTTP requests (both twins). */
  readonly httpRequests: number
  /** Median over the rounds. */
  readonly wallMs: number
  readonly wallMsRounds: ReadonlyArray<number>
  /** Every round made the same calls. */
  readonly callsStable: boolean
  /** What the plan says it would do. */
  readonly plan: PlanSummary
}

/** The plan's own figures (its `totals`), and its size as JSON. */
export interface PlanSummary {
  readonly images: number
  readonly blobs: { readonly send: number; readonly mount: number; readonly skip: number }
  readonly bytes: { readonly send: number; readonly mount: number; readonly skip: number }
  readonly manifestsToPut: number
  readonly tagsToPut: number
  /** API calls the plan expects `Sync.apply` to make, by operation. */
  readonly expectedApplyCalls: Calls
  /** The plan as JSON, bytes: it is plain data. */
  readonly jsonBytes: number
}

export interface Seeding {
  readonly what: string
  readonly seconds: number
}

export interface Result {
  readonly benchmark: 'plan'
  readonly date: string
  readonly machine: Machine
  readonly options: Options
  /** `env.concurrency` of both sides. */
  readonly concurrency: number
  readonly rows: ReadonlyArray<Row>
  readonly seeding: ReadonlyArray<Seeding>
}

// -------------------------------------------------------------------------------------
// seeding through the twin's registry API
// -------------------------------------------------------------------------------------

const SRC = { accountId: '111111111111' as AccountId, region: 'us-east-1' as Region }
const DST = { accountId: '222222222222' as AccountId, region: 'eu-west-1' as Region }
export const REPO = 'bench/app' as RepositoryName

type Twin = InMemoryEcr.InMemoryEcr

const sha256 = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip'
} as const

interface Descriptor {
  readonly mediaType: string
  readonly digest: string
  readonly size: number
}

/** One tag's content: the blobs and manifests to push, children before their index. */
interface TagContent {
  readonly tag: string
  readonly blobs: ReadonlyArray<Buffer>
  /** By digest, children first; the last one is what the tag names. */
  readonly manifests: ReadonlyArray<{ readonly text: string; readonly mediaType: string }>
}

const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64' }
] as const

/** Deterministic bytes for a name. */
const bytesOf = (name: string, size: number): Buffer => {
  const out = Buffer.alloc(size)
  let block = createHash('sha256').update(name).digest()
  for (let i = 0; i < size; i += block.length) {
    block.copy(out, i)
    block = createHash('sha256').update(block).digest()
  }
  return out
}

/** The data set: `v0`... with shared base layers per platform, one layer and a config of their own per image. */
export const content = (o: Options): ReadonlyArray<TagContent> => {
  const base = new Map(
    PLATFORMS.map((p) => [p.architecture, Array.from({ length: o.baseLayers }, (_, i) => bytesOf(`base/${p.architecture}/${i}`, o.baseLayerBytes))])
  )
  const desc = (mediaType: string, b: Buffer): Descriptor => ({ mediaType, digest: sha256(b), size: b.length })
  return Array.from({ length: o.tags }, (_, t) => {
    const tag = `v${t}`
    const platforms = t % o.indexEvery === 0 ? PLATFORMS : PLATFORMS.slice(0, 1)
    const blobs: Array<Buffer> = []
    const children = platforms.map((p) => {
      const own = bytesOf(`${tag}/${p.architecture}`, o.uniqueLayerBytes)
      const layers = [...(base.get(p.architecture) ?? []), own]
      const config = Buffer.from(
        JSON.stringify({ architecture: p.architecture, os: p.os, config: { Labels: { tag } }, rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l)) } })
      )
      blobs.push(...layers, config)
      const text = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.manifest, config: desc(MEDIA.config, config), layers: layers.map((l) => desc(MEDIA.layer, l)) })
      return { text, mediaType: MEDIA.manifest as string, platform: p }
    })
    const manifests =
      children.length === 1
        ? children
        : [
            ...children,
            {
              text: JSON.stringify({
                schemaVersion: 2,
                mediaType: MEDIA.index,
                manifests: children.map((c) => ({ mediaType: c.mediaType, digest: sha256(c.text), size: Buffer.byteLength(c.text), platform: c.platform }))
              }),
              mediaType: MEDIA.index as string
            }
          ]
    return { tag, blobs, manifests }
  })
}

/** Runs `f` over `xs`, `limit` at a time. */
const eachLimited = async <A>(xs: ReadonlyArray<A>, limit: number, f: (a: A) => Promise<void>): Promise<void> => {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < xs.length) await f(xs[next++] as A)
  }
  await Promise.all(Array.from({ length: limit }, worker))
}

/**
 * Pushes tags through the twin's registry API (no ECR API call, so no latency): every distinct
 * blob in one monolithic POST, then per tag its children by digest and the tag.
 */
const pushTags = async (twin: Twin, tags: ReadonlyArray<TagContent>): Promise<void> => {
  const authorization = `Basic ${Buffer.from(`AWS:${twin.password}`).toString('base64')}`
  const base = `${twin.proxyEndpoint}/v2/${REPO}`
  const expect = async (res: Response, status: number, what: string): Promise<void> => {
    if (res.status !== status) throw new Error(`seeding: ${what}: HTTP ${res.status} ${await res.text()}`)
    await res.arrayBuffer()
  }
  const blobs = new Map<string, Buffer>()
  for (const t of tags) for (const b of t.blobs) blobs.set(sha256(b), b)
  await eachLimited([...blobs], 16, async ([digest, b]) =>
    expect(
      await twin.fetch(`${base}/blobs/uploads/?digest=${digest}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/octet-stream' },
        body: new Uint8Array(b)
      }),
      201,
      `POST blob ${digest}`
    )
  )
  await eachLimited(tags, 16, async (t) => {
    for (const [i, m] of t.manifests.entries()) {
      const reference = i === t.manifests.length - 1 ? t.tag : sha256(m.text)
      await expect(
        await twin.fetch(`${base}/manifests/${reference}`, { method: 'PUT', headers: { authorization, 'content-type': m.mediaType }, body: m.text }),
        201,
        `PUT manifest ${reference}`
      )
    }
  })
}

/** A twin holding `tags` in `bench/app` (the repository is created even when `tags` is empty). */
const seedTwin = async (at: { accountId: AccountId; region: Region }, latencyMs: number, tags: ReadonlyArray<TagContent>): Promise<Twin> => {
  const twin = InMemoryEcr.make({ ...at, latencyMs })
  const created = twin.createRepository(REPO)
  if (E.isLeft(created)) throw new Error(`seeding: ${created.left.message}`)
  await pushTags(twin, tags)
  return twin
}

// -------------------------------------------------------------------------------------
// measuring
// -------------------------------------------------------------------------------------

const freshEnv = (twin: Twin, concurrency: number | undefined): Env.EcrEnv & Env.HttpEnv =>
  Env.make({
    ecr: twin.ecr,
    fetch: twin.fetch,
    dispatcher: twin.dispatcher,
    accountId: twin.accountId,
    region: twin.region,
    ...(concurrency === undefined ? {} : { concurrency })
  })

const countCalls = (twin: Twin): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const c of twin.calls) out[c.operation] = (out[c.operation] ?? 0) + 1
  return out
}

const sameCalls = (a: Calls, b: Calls): boolean => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort())

const sum = (c: Calls): number => Object.values(c).reduce((a, b) => a + b, 0)

/** Plans the sync of `bench/app` from one twin to the other; the plan's figures, or why it failed. */
export type Planner = (
  env: { readonly source: Env.EcrEnv & Env.HttpEnv; readonly destination: Env.EcrEnv & Env.HttpEnv },
  source: { readonly accountId: AccountId; readonly region: Region; readonly repositoryName: RepositoryName },
  destination: { readonly accountId: AccountId; readonly region: Region; readonly repositoryName: RepositoryName }
) => Promise<E.Either<string, PlanSummary>>

const measure = async (
  options: Options,
  source: Twin,
  destination: Twin,
  what: Row['destination'],
  planner: Planner
): Promise<Row> => {
  const walls: Array<number> = []
  const rounds: Array<{ src: Calls; dst: Calls }> = []
  let httpRequests = 0
  let plan: PlanSummary = {
    images: 0,
    blobs: { send: 0, mount: 0, skip: 0 },
    bytes: { send: 0, mount: 0, skip: 0 },
    manifestsToPut: 0,
    tagsToPut: 0,
    expectedApplyCalls: {},
    jsonBytes: 0
  }
  for (let r = 0; r < Math.max(1, options.rounds); r++) {
    source.resetCalls()
    destination.resetCalls()
    const env = { source: freshEnv(source, options.concurrency), destination: freshEnv(destination, options.concurrency) }
    const t0 = now()
    const result = await planner(env, { ...SRC, repositoryName: REPO }, { ...DST, repositoryName: REPO })
    walls.push(now() - t0)
    if (E.isLeft(result)) throw new Error(`Sync.plan (${what}): ${result.left}`)
    if (r === 0) plan = result.right
    rounds.push({ src: countCalls(source), dst: countCalls(destination) })
    if (r === 0) httpRequests = source.httpCalls.length + destination.httpCalls.length
  }
  const first = rounds[0] ?? { src: {}, dst: {} }
  const totalCalls = sum(first.src) + sum(first.dst)
  return {
    destination: what,
    tags: options.tags,
    sourceCalls: first.src,
    destinationCalls: first.dst,
    totalCalls,
    callsPerTag: round3(totalCalls / Math.max(1, options.tags)),
    httpRequests,
    wallMs: round(median(walls), 1),
    wallMsRounds: walls.map((w) => round(w, 1)),
    callsStable: rounds.every((c) => sameCalls(c.src, first.src) && sameCalls(c.dst, first.dst)),
    plan
  }
}

export const runWith = async (planner: Planner, overrides: Partial<Options> = {}, log: Log = silentLog): Promise<Result> => {
  const options: Options = { ...defaults, ...overrides }
  const data = content(options)
  const seeding: Array<Seeding> = []
  const timedSeed = async (what: string, f: () => Promise<Twin>): Promise<Twin> => {
    log(`plan: seeding ${what} ...`)
    const t0 = now()
    const twin = await f()
    seeding.push({ what, seconds: round((now() - t0) / 1000, 3) })
    return twin
  }
  const source = await timedSeed(`the source: ${options.tags} tags`, () => seedTwin(SRC, options.latencyMs, data))
  const empty = await timedSeed('an empty destination repository', () => seedTwin(DST, options.latencyMs, []))
  const half = await timedSeed('a destination with the first half of the tags', () =>
    seedTwin(DST, options.latencyMs, data.slice(0, Math.floor(options.tags / 2)))
  )
  const rows: Array<Row> = []
  log(`plan: ${options.tags} tags into an empty repository`)
  rows.push(await measure(options, source, empty, 'empty repository', planner))
  log(`plan: ${options.tags} tags into a repository holding the first half`)
  rows.push(await measure(options, source, half, 'first half of the tags', planner))
  const concurrency = freshEnv(source, options.concurrency).concurrency ?? 0
  return { benchmark: 'plan', date: new Date().toISOString(), machine: machine(), options, concurrency, rows, seeding }
}

/** `Sync.plan` of every tag, summed up from the plan's totals. */
export const syncPlanner: Planner = async (env, source, destination) => {
  const r = await Sync.plan({ source, destination, tags: 'all' })(env)()
  if (E.isLeft(r)) return E.left(r.left.message)
  const t = r.right.totals
  return E.right({
    images: t.images,
    blobs: t.blobs,
    bytes: t.bytes,
    manifestsToPut: t.manifests.put,
    tagsToPut: t.tags.put,
    expectedApplyCalls: t.calls,
    jsonBytes: Buffer.byteLength(JSON.stringify(r.right))
  })
}

export const run = (overrides: Partial<Options> = {}, log: Log = silentLog): Promise<Result> => runWith(syncPlanner, overrides, log)
