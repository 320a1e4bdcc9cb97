/**
 * Suite `ops`: the library's ECR operations on the in-memory twin with a fixed latency added to
 * every ECR API call (20 ms by default), so wall time shows how many calls run one after the
 * other. For each operation: ECR calls by operation (from the twin's record), registry HTTP
 * requests, wall time and calls per image (or per repository). Seeding the twin is not timed in
 * these rows; it is reported on its own.
 *
 * Each row runs `rounds` times with a fresh environment (so no login is cached from an earlier
 * round) and reports the median wall time and the calls of the first round; `callsStable` says
 * whether every round made the same calls.
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as Env from '../../src/Env'
import type { EcrError } from '../../src/EcrError'
import * as Image from '../../src/Image'
import type { AccountId, ImageDigest, Region, RepositoryName } from '../../src/Primitives'
import * as Registry from '../../src/Registry'
import * as Repository from '../../src/Repository'
import { resolveImageUri } from '../../src/resolve'
import { InMemoryEcr } from '../../src/testing'
import { machine, median, now, round, round3, type Log, type Machine, silentLog } from './common'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Options {
  /** Added to every ECR API call. */
  readonly latencyMs: number
  /** Sizes of the one-repository registries. */
  readonly imageCounts: ReadonlyArray<number>
  /** Repositories for `Registry.getRepositories`. */
  readonly repositoryCount: number
  /** Images whose config `Image.getConfig` reads. */
  readonly configImages: number
  /**
   * Images of one repository read all at once, to show the batching of single-image reads (one
   * BatchGetImage per 100); the two-repository row reads half as many from each of two.
   */
  readonly batchImages: number
  readonly rounds: number
}

export const defaults: Options = { latencyMs: 20, imageCounts: [100, 2500, 10000], repositoryCount: 500, configImages: 100, batchImages: 250, rounds: 3 }

/** Sizes for the smoke test. */
export const quick: Options = { latencyMs: 1, imageCounts: [5, 30], repositoryCount: 12, configImages: 4, batchImages: 6, rounds: 1 }

export interface Row {
  /** What ran, e.g. `resolveImageUri(repo)`. */
  readonly operation: string
  /** Items the operation is about (images in the repository, repositories in the registry, configs read). */
  readonly n: number
  readonly unit: 'image' | 'repository'
  /** ECR API calls by operation name. */
  readonly calls: Readonly<Record<string, number>>
  readonly totalCalls: number
  /** Registry HTTP API requests (blob and manifest GETs, ...). */
  readonly httpRequests: number
  /** Median over the rounds. */
  readonly wallMs: number
  readonly wallMsRounds: ReadonlyArray<number>
  readonly callsPerItem: number
  /** Every round made the same calls. */
  readonly callsStable: boolean
}

export interface Seeding {
  readonly what: string
  readonly n: number
  readonly seconds: number
}

export interface Result {
  readonly benchmark: 'ops'
  readonly date: string
  readonly machine: Machine
  readonly options: Options
  /** `env.concurrency` of the environments used. */
  readonly concurrency: number
  readonly rows: ReadonlyArray<Row>
  readonly seeding: ReadonlyArray<Seeding>
}

// -------------------------------------------------------------------------------------
// measuring
// -------------------------------------------------------------------------------------

const ACCOUNT = '123456789012' as AccountId
const REGION = 'us-west-2' as Region
const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`
const REPO = 'bench/app'
const repoRef = (name: string) => ({ accountId: ACCOUNT, region: REGION, repositoryName: name as RepositoryName })

type Twin = InMemoryEcr.InMemoryEcr
type Program<A> = RTE.ReaderTaskEither<Env.EcrEnv & Env.HttpEnv, EcrError, A>

/** An environment over the twin with its own (empty) login cache. */
const freshEnv = (twin: Twin): Env.EcrEnv & Env.HttpEnv =>
  Env.make({ ecr: twin.ecr, fetch: twin.fetch, dispatcher: twin.dispatcher, accountId: twin.accountId, region: twin.region })

const countCalls = (twin: Twin): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const c of twin.calls) out[c.operation] = (out[c.operation] ?? 0) + 1
  return out
}

const sameCalls = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort())

const measure = async <A>(
  twin: Twin,
  rounds: number,
  row: { readonly operation: string; readonly n: number; readonly unit: Row['unit'] },
  program: Program<A>,
  check: (a: A) => string | undefined
): Promise<Row> => {
  const walls: Array<number> = []
  const callsPerRound: Array<Record<string, number>> = []
  let httpRequests = 0
  for (let r = 0; r < Math.max(1, rounds); r++) {
    const env = freshEnv(twin)
    twin.resetCalls()
    const t0 = now()
    const result = await program(env)()
    walls.push(now() - t0)
    if (E.isLeft(result)) throw new Error(`${row.operation}: ${result.left.message}`)
    const wrong = check(result.right)
    if (wrong !== undefined) throw new Error(`${row.operation}: ${wrong}`)
    callsPerRound.push(countCalls(twin))
    if (r === 0) httpRequests = twin.httpCalls.length
  }
  const calls = callsPerRound[0] ?? {}
  const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0)
  return {
    ...row,
    calls,
    totalCalls,
    httpRequests,
    wallMs: round(median(walls), 1),
    wallMsRounds: walls.map((w) => round(w, 1)),
    callsPerItem: round3(totalCalls / Math.max(1, row.n)),
    callsStable: callsPerRound.every((c) => sameCalls(c, calls))
  }
}

const expectEqual =
  <A>(expected: A) =>
  (a: A): string | undefined =>
    a === expected ? undefined : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(a)}`

// -------------------------------------------------------------------------------------
// the suite
// -------------------------------------------------------------------------------------

/** A twin with `n` tagged images in one repository, `v0` (oldest) to `v<n-1>` (newest). */
const seedImages = (latencyMs: number, n: number): { readonly twin: Twin; readonly digests: ReadonlyArray<string>; readonly seconds: number } => {
  const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION, latencyMs })
  const digests: Array<string> = []
  const t0 = now()
  for (let i = 0; i < n; i++) {
    const pushed = twin.pushImage(REPO, { tag: `v${i}` })
    if (E.isLeft(pushed)) throw new Error(`seeding: ${pushed.left.message}`)
    digests.push(pushed.right.imageDigest)
  }
  return { twin, digests, seconds: (now() - t0) / 1000 }
}

const imageRows = async (options: Options, n: number, log: Log): Promise<{ readonly rows: ReadonlyArray<Row>; readonly seeding: Seeding }> => {
  log(`ops: seeding ${n} images ...`)
  const { twin, digests, seconds } = seedImages(options.latencyMs, n)
  const latest = digests[n - 1] ?? ''
  const mid = Math.floor(n / 2)
  const midDigest = digests[mid] ?? ''
  const at = { n, unit: 'image' as const }
  const rows: Array<Row> = []
  const add = async <A>(operation: string, program: Program<A>, check: (a: A) => string | undefined) => {
    log(`ops: N=${n} ${operation}`)
    rows.push(await measure(twin, options.rounds, { operation, ...at }, program, check))
  }
  await add("resolveImageUri('repo') (latest)", resolveImageUri(REPO), expectEqual(`${HOST}/${REPO}@${latest}`))
  await add("resolveImageUri('repo', { defaultTag })", resolveImageUri(REPO, { defaultTag: `v${mid}` }), expectEqual(`${HOST}/${REPO}@${midDigest}`))
  await add("resolveImageUri('repo:tag')", resolveImageUri(`${REPO}:v${mid}`), expectEqual(`${HOST}/${REPO}:v${mid}`))
  await add(
    'Repository.getImage(ref, { tag })',
    pipe(
      Repository.getImage(repoRef(REPO), { tag: `v${mid}` }),
      RTE.map((i) => i.imageDigest as string)
    ),
    expectEqual(midDigest)
  )
  await add(
    'Repository.getImages(ref)',
    Repository.getImages(repoRef(REPO)),
    (images) =>
      images.length !== n
        ? `expected ${n} images, got ${images.length}`
        : images.some((i) => typeof i.imageManifest !== 'string')
          ? 'an image without its manifest'
          : undefined
  )
  return { rows, seeding: { what: `${n.toLocaleString('en-US')} images in one repository`, n, seconds: round(seconds, 3) } }
}

const configRows = async (options: Options, log: Log): Promise<{ readonly rows: ReadonlyArray<Row>; readonly seeding: Seeding }> => {
  const n = options.configImages
  log(`ops: seeding ${n} images with labels ...`)
  const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION, latencyMs: options.latencyMs })
  const t0 = now()
  const refs = Array.from({ length: n }, (_, i) => {
    const pushed = twin.pushImage(REPO, { tag: `v${i}`, layers: 3, labels: { index: String(i) } })
    if (E.isLeft(pushed)) throw new Error(`seeding: ${pushed.left.message}`)
    return { ...repoRef(REPO), imageDigest: pushed.right.imageDigest as ImageDigest }
  })
  const seconds = (now() - t0) / 1000
  const labels = (configs: ReadonlyArray<Image.ImageConfig>): string | undefined =>
    configs.every((c, i) => c.config?.Labels?.['index'] === String(i)) ? undefined : 'a config with the wrong labels'
  const rows: Array<Row> = []
  log(`ops: Image.getConfig x${n}, one after another`)
  rows.push(
    await measure(
      twin,
      options.rounds,
      { operation: 'Image.getConfig, one after another (RTE.traverseSeqArray)', n, unit: 'image' },
      pipe(refs, RTE.traverseSeqArray((ref) => Image.getConfig(ref))),
      labels
    )
  )
  log(`ops: Image.getConfig x${n}, all at once`)
  rows.push(
    await measure(
      twin,
      options.rounds,
      { operation: 'Image.getConfig, all at once (RTE.traverseArray)', n, unit: 'image' },
      pipe(refs, RTE.traverseArray((ref) => Image.getConfig(ref))),
      labels
    )
  )
  return { rows, seeding: { what: `${n.toLocaleString('en-US')} images with 3 layers and labels`, n, seconds: round(seconds, 3) } }
}

/**
 * Concurrent single-image reads through one environment: batched per repository and tick into
 * BatchGetImage calls of up to 100 ids (`batchImages` = 250: 3 calls for one repository).
 */
const batchRows = async (options: Options, log: Log): Promise<{ readonly rows: ReadonlyArray<Row>; readonly seeding: Seeding }> => {
  const n = options.batchImages
  const half = Math.max(1, Math.floor(n / 2))
  log(`ops: seeding ${n} + 2 x ${half} images ...`)
  const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION, latencyMs: options.latencyMs })
  const t0 = now()
  const push = (repo: string, count: number) =>
    Array.from({ length: count }, (_, i) => {
      const pushed = twin.pushImage(repo, { tag: `v${i}`, labels: { index: String(i) } })
      if (E.isLeft(pushed)) throw new Error(`seeding: ${pushed.left.message}`)
      return { ...repoRef(repo), imageDigest: pushed.right.imageDigest as ImageDigest }
    })
  const many = push(REPO, n)
  const two = [...push('bench/a', half), ...push('bench/b', half)]
  const seconds = (now() - t0) / 1000
  const labels =
    (per: number) =>
    (configs: ReadonlyArray<Image.ImageConfig>): string | undefined =>
      configs.every((c, i) => c.config?.Labels?.['index'] === String(i % per)) ? undefined : 'a config with the wrong labels'
  const rows: Array<Row> = []
  log(`ops: batched reads, ${n} images`)
  rows.push(
    await measure(
      twin,
      options.rounds,
      { operation: 'Image.getConfig, all at once (RTE.traverseArray), one repository: batched', n, unit: 'image' },
      pipe(many, RTE.traverseArray((ref) => Image.getConfig(ref))),
      labels(n)
    )
  )
  rows.push(
    await measure(
      twin,
      options.rounds,
      { operation: 'Image.getConfig, all at once (RTE.traverseArray), two repositories: batched', n: two.length, unit: 'image' },
      pipe(two, RTE.traverseArray((ref) => Image.getConfig(ref))),
      labels(half)
    )
  )
  rows.push(
    await measure(
      twin,
      options.rounds,
      { operation: 'Image.fromUri by tag, all at once (RTE.traverseArray): batched', n, unit: 'image' },
      pipe(
        many.map((_, i) => `${HOST}/${REPO}:v${i}`),
        RTE.traverseArray(Image.fromUri),
        RTE.map((refs) => refs.map((r) => r.imageDigest as string))
      ),
      (digests) => (digests.every((d, i) => d === many[i]?.imageDigest) ? undefined : 'a tag resolved to the wrong digest')
    )
  )
  return { rows, seeding: { what: `${n.toLocaleString('en-US')} images in one repository, ${half} in each of two more`, n, seconds: round(seconds, 3) } }
}

const repositoryRows = async (options: Options, log: Log): Promise<{ readonly rows: ReadonlyArray<Row>; readonly seeding: Seeding }> => {
  const n = options.repositoryCount
  log(`ops: seeding ${n} repositories ...`)
  const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION, latencyMs: options.latencyMs })
  const t0 = now()
  let prod = 0
  let nameAndProd = 0
  for (let i = 0; i < n; i++) {
    const isProd = i % 5 === 0
    const name = `team-${i % 4}/service-${i}`
    if (isProd) prod++
    if (isProd && name.startsWith('team-0/')) nameAndProd++
    const created = twin.createRepository(name, { tags: [{ Key: 'tier', Value: isProd ? 'prod' : 'dev' }, { Key: 'team', Value: `team-${i % 4}` }] })
    if (E.isLeft(created)) throw new Error(`seeding: ${created.left.message}`)
  }
  const seconds = (now() - t0) / 1000
  const tier = [{ Key: 'tier', Value: 'prod' }]
  const count = (expected: number) => (repos: ReadonlyArray<unknown>) =>
    repos.length === expected ? undefined : `expected ${expected} repositories, got ${repos.length}`
  const rows: Array<Row> = []
  log(`ops: Registry.getRepositories, ${n} repositories`)
  rows.push(await measure(twin, options.rounds, { operation: 'Registry.listRepositories()', n, unit: 'repository' }, Registry.listRepositories(), count(n)))
  rows.push(
    await measure(
      twin,
      options.rounds,
      { operation: "Registry.getRepositories({ tags: [tier=prod] })", n, unit: 'repository' },
      Registry.getRepositories({ tags: tier }),
      count(prod)
    )
  )
  rows.push(
    await measure(
      twin,
      options.rounds,
      { operation: "Registry.getRepositories({ name: /^team-0\\//, tags: [tier=prod] })", n, unit: 'repository' },
      Registry.getRepositories({ name: /^team-0\//, tags: tier }),
      count(nameAndProd)
    )
  )
  // with the Resource Groups Tagging API: GetResources (pages of 100 matches), then DescribeRepositories by name
  const withTagging = <A>(program: Program<A>): Program<A> => pipe(program, RTE.local((env: Env.Env): Env.Env => ({ ...env, tagging: twin.tagging })))
  rows.push(
    await measure(
      twin,
      options.rounds,
      { operation: 'Registry.getRepositories({ tags: [tier=prod] }), EcrEnv.tagging', n, unit: 'repository' },
      withTagging(Registry.getRepositories({ tags: tier })),
      count(prod)
    )
  )
  rows.push(
    await measure(
      twin,
      options.rounds,
      { operation: 'Registry.getRepositories({ tags: [team=team-0, tier=prod] }), EcrEnv.tagging', n, unit: 'repository' },
      withTagging(Registry.getRepositories({ tags: [{ Key: 'team', Value: 'team-0' }, ...tier] })),
      count(nameAndProd)
    )
  )
  return { rows, seeding: { what: `${n.toLocaleString('en-US')} repositories with 2 tags each`, n, seconds: round(seconds, 3) } }
}

export const run = async (overrides: Partial<Options> = {}, log: Log = silentLog): Promise<Result> => {
  const options: Options = { ...defaults, ...overrides }
  const rows: Array<Row> = []
  const seeding: Array<Seeding> = []
  for (const n of options.imageCounts) {
    const part = await imageRows(options, n, log)
    rows.push(...part.rows)
    seeding.push(part.seeding)
  }
  for (const part of [await configRows(options, log), await batchRows(options, log), await repositoryRows(options, log)]) {
    rows.push(...part.rows)
    seeding.push(part.seeding)
  }
  const concurrency = Env.make({ ecr: InMemoryEcr.make().ecr, accountId: ACCOUNT, region: REGION }).concurrency ?? 0
  return { benchmark: 'ops', date: new Date().toISOString(), machine: machine(), options, concurrency, rows, seeding }
}
