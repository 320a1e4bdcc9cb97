/**
 * Suite `pure`: operations per second of the pure functions users call in loops
 * (`ImageUri.parse`, `Manifest.parse`, `LifecyclePolicy.toJson`), and how fast the in-memory
 * twin seeds images (tests and the `ops` suite seed thousands; the target is 10,000 in under 2 s).
 *
 * Rates: a warm-up, then several rounds of a fixed time; the median round is reported. Every call's
 * result is checked, so the work cannot be optimised away and a wrong answer fails the run.
 */
import * as E from 'fp-ts/Either'
import * as ImageUri from '../../src/ImageUri'
import * as LifecyclePolicy from '../../src/LifecyclePolicy'
import * as Manifest from '../../src/Manifest'
import { InMemoryEcr } from '../../src/testing'
import { machine, measureRate, median, now, round, round3, type Log, type Machine, type Rate, type RateOptions, silentLog } from './common'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Options {
  readonly rate: RateOptions
  /** Images pushed into a fresh twin per seeding round. */
  readonly seedImages: number
  readonly seedRounds: number
  /** Seeding target, seconds. */
  readonly seedTargetSeconds: number
}

export const defaults: Options = {
  rate: { warmupMs: 500, roundMs: 1000, rounds: 5, batch: 1000 },
  seedImages: 10000,
  seedRounds: 3,
  seedTargetSeconds: 2
}

/** Sizes for the smoke test. */
export const quick: Options = {
  rate: { warmupMs: 5, roundMs: 10, rounds: 2, batch: 10 },
  seedImages: 50,
  seedRounds: 1,
  seedTargetSeconds: 2
}

export interface RateRow extends Rate {
  readonly operation: string
  /** What the inputs are. */
  readonly inputs: string
}

export interface Result {
  readonly benchmark: 'pure'
  readonly date: string
  readonly machine: Machine
  readonly options: Options
  readonly rates: ReadonlyArray<RateRow>
  readonly seeding: {
    readonly images: number
    /** Median of the rounds. */
    readonly seconds: number
    readonly imagesPerSecond: number
    readonly rounds: ReadonlyArray<number>
    readonly targetSeconds: number
    readonly withinTarget: boolean
  }
}

// -------------------------------------------------------------------------------------
// inputs
// -------------------------------------------------------------------------------------

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`

/** URIs of every form the parser meets: tags and digests, nested names, FIPS, China, GovCloud. */
export const imageUris: ReadonlyArray<string> = [
  '123456789012.dkr.ecr.us-west-2.amazonaws.com/app:v1.2.3',
  `123456789012.dkr.ecr.us-west-2.amazonaws.com/app@${DIGEST}`,
  '123456789012.dkr.ecr.eu-central-1.amazonaws.com/team/platform/api-gateway:2024-06-01_build.117',
  `123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/secure/app@${DIGEST}`,
  '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/mirror/library/nginx:1.27-alpine',
  '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/a__b/c--d/e.f:latest'
]

/** Manifests as the twin writes them: Docker v2 schema 2 (1 and 8 layers), OCI manifest, manifest list, OCI index. */
export const manifestTexts = (): ReadonlyArray<{ readonly kind: string; readonly text: string }> => {
  const twin = InMemoryEcr.make()
  const platforms = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
    { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.5458' }
  ]
  const push = (kind: string, options: InMemoryEcr.PushImageOptions) => {
    const pushed = twin.pushImage('bench/manifests', options)
    if (E.isLeft(pushed)) throw new Error(`${kind}: ${pushed.left.message}`)
    return { kind, text: pushed.right.manifest }
  }
  return [
    push('docker manifest, 1 layer', {}),
    push('docker manifest, 8 layers', { layers: 8 }),
    push('oci manifest, 3 layers', { format: 'oci', layers: 3 }),
    push('docker manifest list, 3 platforms', { platforms }),
    push('oci index, 3 platforms', { format: 'oci', platforms })
  ]
}

/** A policy as teams write them: untagged cleanup, keep the last releases, expire the rest. */
export const policy: LifecyclePolicy.LifecyclePolicy = LifecyclePolicy.fromRules(
  LifecyclePolicy.removeUntagged({ days: 7 }),
  LifecyclePolicy.keepLastN({ count: 30, tagPrefixList: ['release-', 'v'], rulePriority: 2 }),
  LifecyclePolicy.keepLastN({ count: 10, tagPatternList: ['*-rc*'], rulePriority: 3 }),
  LifecyclePolicy.expireAnyOlderThan({ days: 365, rulePriority: 10 })
)

// -------------------------------------------------------------------------------------
// the suite
// -------------------------------------------------------------------------------------

const cycle = <A>(xs: ReadonlyArray<A>, i: number): A => xs[i % xs.length] as A

const seedOnce = (images: number): number => {
  const twin = InMemoryEcr.make()
  const t0 = now()
  for (let i = 0; i < images; i++) {
    const pushed = twin.pushImage('bench/seed', { tag: `v${i}` })
    if (E.isLeft(pushed)) throw new Error(`seeding: ${pushed.left.message}`)
  }
  const seconds = (now() - t0) / 1000
  if (twin.tagsOf('bench/seed').size !== images) throw new Error('seeding: an image is missing')
  return seconds
}

export const run = async (overrides: Partial<Options> = {}, log: Log = silentLog): Promise<Result> => {
  const options: Options = { ...defaults, ...overrides }
  const rates: Array<RateRow> = []

  log('pure: ImageUri.parse ...')
  rates.push({
    operation: 'ImageUri.parse',
    inputs: `${imageUris.length} URIs (tag and digest forms, FIPS, China, GovCloud, nested names)`,
    ...measureRate((i) => E.isRight(ImageUri.parse(cycle(imageUris, i))), options.rate)
  })

  const manifests = manifestTexts()
  log('pure: Manifest.parse ...')
  rates.push({
    operation: 'Manifest.parse',
    inputs: manifests.map((m) => `${m.kind} (${m.text.length} B)`).join('; '),
    ...measureRate((i) => E.isRight(Manifest.parse(cycle(manifests, i).text)), options.rate)
  })
  // what reading the text alone costs: Manifest.parse is this plus decoding and checking
  rates.push({
    operation: 'JSON.parse (baseline), the same manifests',
    inputs: `${manifests.length} manifests`,
    ...measureRate((i) => typeof JSON.parse(cycle(manifests, i).text) === 'object', options.rate)
  })
  for (const m of manifests) {
    rates.push({
      operation: `Manifest.parse: ${m.kind}`,
      inputs: `${m.text.length} B`,
      ...measureRate(() => E.isRight(Manifest.parse(m.text)), options.rate)
    })
  }

  log('pure: LifecyclePolicy.toJson ...')
  const expectedJson = LifecyclePolicy.toJson(policy)
  rates.push({
    operation: 'LifecyclePolicy.toJson',
    inputs: `${policy.rules.length} rules (${expectedJson.length} B of JSON)`,
    ...measureRate(() => LifecyclePolicy.toJson(policy) === expectedJson, options.rate)
  })

  log(`pure: seeding ${options.seedImages} images into the twin ...`)
  const rounds: Array<number> = []
  for (let r = 0; r < Math.max(1, options.seedRounds); r++) rounds.push(seedOnce(options.seedImages))
  const seconds = median(rounds)
  return {
    benchmark: 'pure',
    date: new Date().toISOString(),
    machine: machine(),
    options,
    rates,
    seeding: {
      images: options.seedImages,
      seconds: round(seconds, 3),
      imagesPerSecond: round3(options.seedImages / seconds),
      rounds: rounds.map((s) => round(s, 3)),
      targetSeconds: options.seedTargetSeconds,
      withinTarget: seconds < options.seedTargetSeconds
    }
  }
}
