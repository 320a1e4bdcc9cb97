// Smoke runs of the benchmark suites at tiny sizes, so they cannot rot: each suite runs, its JSON
// has the documented shape and its counts add up, the report renders it, and the runner's command
// line works (one suite, several suites, replicate without docker-registry). Wall times and rates
// are never compared with a limit: the machines are shared and noisy.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { classify, count, type Counted, type RequestKind } from '../bench/countingProxy'
import { render, type Replicate } from '../bench/report'
import { parseArgs, QUICK_OUT, SUITES } from '../bench/run'
import * as Bundle from '../bench/suites/bundle'
import { measureRate, median, RESULTS_DIR, round, round3 } from '../bench/suites/common'
import * as Ops from '../bench/suites/ops'
import * as Plan from '../bench/suites/plan'
import * as Pure from '../bench/suites/pure'
import * as Sync from '../bench/sync'

const ROOT = path.join(__dirname, '..')
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-fp-ts-bench-test-'))
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }))

/** `tsx bench/run.ts <args>`: exit code and stdout. */
const runner = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = process.env) => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'bench', 'run.ts'), ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 120_000
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

const isCount = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 0
const isMeasure = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n >= 0

// -------------------------------------------------------------------------------------
// helpers of the suites
// -------------------------------------------------------------------------------------

describe('common', () => {
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 })

  it('median: lies between the smallest and largest value and ignores order', () => {
    fc.assert(
      fc.property(fc.array(finite.map((x) => x + 0), { minLength: 1, maxLength: 30 }), (xs) => {
        const m = median(xs)
        expect(m).toBeGreaterThanOrEqual(Math.min(...xs))
        expect(m).toBeLessThanOrEqual(Math.max(...xs))
        expect(median([...xs].reverse())).toBe(m)
      })
    )
  })

  it('median: the middle value of an odd count, the mean of the middle two of an even count', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(Number.isNaN(median([]))).toBe(true)
  })

  it('round and round3: within half a unit of the last kept digit', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: 1e-6, max: 1e12 }), (x) => {
        expect(Math.abs(round(x, 2) - x)).toBeLessThanOrEqual(0.005 + 1e-9 * x)
        const r3 = round3(x)
        expect(Math.abs(r3 - x) / x).toBeLessThanOrEqual(0.005 + 1e-12)
        expect(Number(r3.toPrecision(3))).toBe(r3)
      })
    )
  })

  it('measureRate: counts every call, whole batches only, and fails on a wrong result', () => {
    let calls = 0
    const r = measureRate(
      () => {
        calls++
        return true
      },
      { warmupMs: 1, roundMs: 2, rounds: 3, batch: 7 }
    )
    expect(r.iterations % 7).toBe(0)
    expect(calls).toBeGreaterThanOrEqual(r.iterations + 7)
    expect(calls % 7).toBe(0)
    expect(r.rounds).toHaveLength(3)
    expect(r.opsPerSecond).toBeGreaterThan(0)
    expect(() => measureRate((i) => i !== 3, { warmupMs: 1, roundMs: 1, rounds: 1, batch: 5 })).toThrow(/unexpected result/)
  })
})

describe('run.ts arguments', () => {
  const suite = fc.constantFrom(...SUITES)

  it('suites are kept in the given order without repeats; none given: all of them', () => {
    fc.assert(
      fc.property(fc.array(suite, { maxLength: 8 }), fc.boolean(), (names, quick) => {
        const args = parseArgs([...names, ...(quick ? ['--quick'] : [])])
        if (typeof args === 'string') throw new Error(args)
        expect(args.suites).toEqual(names.length === 0 ? [...SUITES] : [...new Set(names)])
        expect(args.quick).toBe(quick)
        expect(args.out).toBe(quick ? QUICK_OUT : RESULTS_DIR)
      })
    )
  })

  it('an unknown word, a missing value or a bad layer size is a usage error', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !(SUITES as ReadonlyArray<string>).includes(s) && !s.startsWith('--')),
        (word) => {
          expect(typeof parseArgs(['ops', word])).toBe('string')
        }
      )
    )
    expect(typeof parseArgs(['--out'])).toBe('string')
    expect(typeof parseArgs(['--layer-mib', '0'])).toBe('string')
    expect(typeof parseArgs(['--layer-mib', '1.5'])).toBe('string')
    expect(parseArgs(['replicate', '--layer-mib', '16', '--out', 'x'])).toMatchObject({ suites: ['replicate'], layerMiB: 16, out: path.resolve('x') })
  })
})

describe('sync data set', () => {
  const options = fc.record({
    tags: fc.integer({ min: 1, max: 30 }),
    baseLayers: fc.integer({ min: 0, max: 5 }),
    baseKiB: fc.integer({ min: 1, max: 1 << 20 }),
    uniqueKiB: fc.integer({ min: 1, max: 1 << 20 })
  })

  it('layout: every tag has both platforms, the base layers first and 1 or 2 layers of its own', () => {
    fc.assert(
      fc.property(options, (o) => {
        const tags = Sync.layout(o)
        expect(tags.map((t) => t.tag)).toEqual(Array.from({ length: o.tags }, (_, i) => `v${i + 1}`))
        for (const [i, t] of tags.entries())
          for (const image of t.images) {
            const own = image.layers.slice(o.baseLayers)
            expect(image.layers.slice(0, o.baseLayers).map((l) => l.id)).toEqual(
              Array.from({ length: o.baseLayers }, (_, k) => `base/${image.platform.architecture}/${k}`)
            )
            expect(own).toHaveLength(i % 2 === 0 ? 1 : 2)
            expect(own.every((l) => l.id.startsWith(`${t.tag}/`) && l.bytes === o.uniqueKiB * 1024)).toBe(true)
          }
        expect(tags.every((t) => t.images.map((i) => i.platform.architecture).join() === 'amd64,arm64')).toBe(true)
      })
    )
  })

  it('stats: distinct blobs are the base layers, the own layers and a config per image; sharing saves bytes', () => {
    fc.assert(
      fc.property(options, (o) => {
        const d = Sync.stats(Sync.layout(o))
        const own = Array.from({ length: o.tags }, (_, i) => (i % 2 === 0 ? 1 : 2)).reduce((a, b) => a + b, 0) * 2
        expect(d.images).toBe(o.tags * 2)
        expect(d.distinctLayers).toBe(2 * o.baseLayers + own)
        expect(d.distinctBlobs).toBe(d.distinctLayers + d.images)
        expect(d.sharedLayers).toBe(o.tags > 1 ? 2 * o.baseLayers : 0)
        expect(d.distinctLayerBytes).toBe((2 * o.baseLayers * o.baseKiB + own * o.uniqueKiB) * 1024)
        expect(d.layerBytesPerImageSum).toBe((o.tags * 2 * o.baseLayers * o.baseKiB + own * o.uniqueKiB) * 1024)
      })
    )
  })

  it('the plan suite: a tag per number, every n-th an index of two platforms, blobs shared between tags', () => {
    const o = { ...Plan.quick, tags: 9, indexEvery: 4 }
    const tags = Plan.content(o)
    expect(tags.map((t) => t.tag)).toEqual(Array.from({ length: 9 }, (_, i) => `v${i}`))
    expect(tags.map((t) => t.manifests.length)).toEqual([3, 1, 1, 1, 3, 1, 1, 1, 3])
    const blobs = tags.flatMap((t) => t.blobs.map((b) => b.toString('hex')))
    // each image: the base layers, one of its own and a config
    expect(blobs).toHaveLength((9 + 3) * (o.baseLayers + 2))
    expect(new Set(blobs).size).toBe(2 * o.baseLayers + (9 + 3) * 2)
  })
})

describe('countingProxy', () => {
  const hex = fc.stringMatching(/^[a-f0-9]{64}$/)
  const digest = hex.map((h) => `sha256:${h}`)
  const repo = fc.constantFrom('app', 'team/app', 'a/b/c')
  const status = fc.integer({ min: 100, max: 599 })

  it('classify: a completed upload is a 201 to a PUT with the digest; a mount is a 201 to a POST with mount=', () => {
    fc.assert(
      fc.property(repo, digest, fc.uuid(), status, (r, d, id, st) => {
        const put = classify('PUT', `/v2/${r}/blobs/uploads/${id}?_state=x&digest=${encodeURIComponent(d)}`, st)
        expect(put).toEqual(st === 201 ? { _tag: 'uploadCompleted', digest: d } : { _tag: 'other' })
        const mount = classify('POST', `/v2/${r}/blobs/uploads/?mount=${d}&from=other`, st)
        expect(mount).toEqual(st === 201 ? { _tag: 'mounted', digest: d } : st === 202 ? { _tag: 'uploadStarted' } : { _tag: 'other' })
        expect(classify('PATCH', `/v2/${r}/blobs/uploads/${id}`, st)._tag).toBe(st === 202 ? 'uploadChunk' : 'other')
        expect(classify('HEAD', `/v2/${r}/blobs/${d}`, st)).toEqual({ _tag: 'blobCheck', digest: d, found: st === 200 })
        expect(classify('PUT', `/v2/${r}/manifests/v1`, st)._tag).toBe(st === 201 ? 'manifestPut' : 'other')
        expect(classify('GET', '/v2/', st)._tag).toBe('other')
      })
    )
  })

  it('count: uploads per digest add up, duplicates are the digests sent more than once', () => {
    const kind: fc.Arbitrary<RequestKind> = fc.oneof(
      digest.map((d) => ({ _tag: 'uploadCompleted' as const, digest: d })),
      fc.constantFrom('sha256:' + 'a'.repeat(64), 'sha256:' + 'b'.repeat(64)).map((d) => ({ _tag: 'uploadCompleted' as const, digest: d })),
      digest.map((d) => ({ _tag: 'mounted' as const, digest: d })),
      digest.map((d) => ({ _tag: 'blobRead' as const, digest: d })),
      fc.constant({ _tag: 'uploadStarted' as const }),
      fc.constant({ _tag: 'other' as const })
    )
    const counted: fc.Arbitrary<Counted> = fc.record({
      method: fc.constant('PUT'),
      url: fc.constant('/'),
      status: fc.constant(201),
      bytesIn: fc.nat(1000),
      bytesOut: fc.nat(1000),
      kind
    })
    fc.assert(
      fc.property(fc.array(counted, { maxLength: 40 }), (rs) => {
        const c = count(rs)
        const uploads = rs.flatMap((r) => (r.kind._tag === 'uploadCompleted' ? [r.kind.digest] : []))
        expect(c.requests).toBe(rs.length)
        expect(c.blobUploads).toBe(uploads.length)
        expect(c.distinctBlobsUploaded).toBe(new Set(uploads).size)
        const dup = Object.values(c.duplicateUploads)
        expect(dup.every((n) => n > 1)).toBe(true)
        expect(c.blobUploads - c.distinctBlobsUploaded).toBe(dup.reduce((a, n) => a + n - 1, 0))
        expect(c.mounts).toBe(rs.filter((r) => r.kind._tag === 'mounted').length)
        expect(c.uploadedBytes).toBe(rs.filter((r) => r.kind._tag === 'uploadCompleted').reduce((a, r) => a + r.bytesIn, 0))
        expect(c.readBytes).toBe(rs.filter((r) => r.kind._tag === 'blobRead').reduce((a, r) => a + r.bytesOut, 0))
      })
    )
  })
})

// -------------------------------------------------------------------------------------
// the suites, tiny
// -------------------------------------------------------------------------------------

describe('ops suite (tiny)', () => {
  let result: Ops.Result
  beforeAll(async () => {
    result = await Ops.run(Ops.quick)
  })

  it('has a row per operation and size, calls that add up', () => {
    expect(result.benchmark).toBe('ops')
    const perSize = [
      "resolveImageUri('repo') (latest)",
      "resolveImageUri('repo', { defaultTag })",
      "resolveImageUri('repo:tag')",
      'Repository.getImage(ref, { tag })',
      'Repository.getImages(ref)'
    ]
    for (const n of Ops.quick.imageCounts)
      for (const op of perSize) expect(result.rows.filter((r) => r.operation === op && r.n === n)).toHaveLength(1)
    expect(result.rows.filter((r) => r.operation.startsWith('Image.getConfig'))).toHaveLength(4)
    expect(result.rows.filter((r) => r.operation.startsWith('Registry.') && r.n === Ops.quick.repositoryCount)).toHaveLength(5)
    for (const row of result.rows) {
      expect(Object.values(row.calls).every(isCount)).toBe(true)
      expect(row.totalCalls).toBe(Object.values(row.calls).reduce((a, b) => a + b, 0))
      expect(row.callsPerItem).toBe(round3(row.totalCalls / row.n))
      expect(isCount(row.httpRequests)).toBe(true)
      expect(isMeasure(row.wallMs)).toBe(true)
      expect(row.wallMsRounds).toHaveLength(Ops.quick.rounds)
      expect(row.callsStable).toBe(true)
    }
    expect(result.seeding.map((s) => s.n)).toEqual([...Ops.quick.imageCounts, Ops.quick.configImages, Ops.quick.batchImages, Ops.quick.repositoryCount])
  })

  it('counts the calls the twin saw: no call for name:tag, one login for all configs, one config blob per image', () => {
    const row = (op: string) => result.rows.find((r) => r.operation === op) as Ops.Row
    expect(row("resolveImageUri('repo:tag')").totalCalls).toBe(0)
    for (const r of result.rows.filter((x) => x.operation.startsWith('Image.getConfig'))) {
      expect(r.calls['GetAuthorizationToken']).toBe(1)
      expect(r.httpRequests).toBe(r.n)
    }
    // concurrent reads: one BatchGetImage per repository (fewer than 100 images each)
    expect(row('Image.getConfig, all at once (RTE.traverseArray)').calls['BatchGetImage']).toBe(1)
    expect(row('Image.getConfig, all at once (RTE.traverseArray), two repositories: batched').calls['BatchGetImage']).toBe(2)
    expect(row('Image.fromUri by tag, all at once (RTE.traverseArray): batched').calls).toEqual({ BatchGetImage: 1 })
    const tagged = row('Registry.getRepositories({ tags: [tier=prod] })')
    expect(tagged.calls['ListTagsForResource']).toBe(Ops.quick.repositoryCount)
    expect(row('Registry.getRepositories({ tags: [tier=prod] }), EcrEnv.tagging').calls).toEqual({ GetResources: 1, DescribeRepositories: 1 })
  })

  it('renders as a Markdown table with a line per row', () => {
    const md = render({ ops: result })
    expect(md).toContain('## ops')
    for (const r of result.rows) expect(md).toContain(`| ${r.operation.replace(/\|/g, '\\|')} |`)
  })
})

describe('pure suite (tiny)', () => {
  let result: Pure.Result
  beforeAll(async () => {
    result = await Pure.run(Pure.quick)
  })

  it('reports a rate for each function and the seeding rate', () => {
    expect(result.benchmark).toBe('pure')
    const ops = result.rates.map((r) => r.operation)
    for (const name of ['ImageUri.parse', 'Manifest.parse', 'LifecyclePolicy.toJson']) expect(ops).toContain(name)
    for (const r of result.rates) {
      expect(r.opsPerSecond).toBeGreaterThan(0)
      expect(r.rounds).toHaveLength(Pure.quick.rate.rounds)
      expect(r.iterations % Pure.quick.rate.batch).toBe(0)
    }
    expect(result.seeding.images).toBe(Pure.quick.seedImages)
    expect(result.seeding.rounds).toHaveLength(Pure.quick.seedRounds)
    expect(result.seeding.imagesPerSecond).toBeGreaterThan(0)
    expect(result.seeding.withinTarget).toBe(result.seeding.seconds < result.seeding.targetSeconds)
    expect(render({ pure: result })).toContain(`Seeding the twin with ${Pure.quick.seedImages} images`)
  })

  it('measures inputs that parse', () => {
    expect(Pure.manifestTexts().map((m) => m.kind)).toHaveLength(5)
  })
})

describe('plan suite (tiny)', () => {
  let result: Plan.Result
  beforeAll(async () => {
    result = await Plan.run(Plan.quick)
  })

  it('plans every tag into both destinations, with calls that add up and batched reads', () => {
    expect(result.benchmark).toBe('plan')
    expect(result.rows.map((r) => r.destination)).toEqual(['empty repository', 'first half of the tags'])
    const [empty, half] = result.rows as [Plan.Row, Plan.Row]
    const images = Plan.content(Plan.quick).reduce((n, t) => n + t.manifests.length, 0)
    for (const row of result.rows) {
      expect(row.tags).toBe(Plan.quick.tags)
      expect(row.totalCalls).toBe(Object.values(row.sourceCalls).reduce((a, b) => a + b, 0) + Object.values(row.destinationCalls).reduce((a, b) => a + b, 0))
      expect(row.callsPerTag).toBe(round3(row.totalCalls / row.tags))
      expect(row.wallMsRounds).toHaveLength(Plan.quick.rounds)
      expect(row.callsStable).toBe(true)
      expect(row.plan.images).toBe(Plan.quick.tags)
      expect(row.plan.jsonBytes).toBeGreaterThan(0)
      // BatchGetImage by 100: a handful of calls for every manifest and index of the source
      expect(row.sourceCalls['BatchGetImage'] ?? 0).toBeLessThanOrEqual(Math.ceil(images / 100) * 2)
      expect(row.httpRequests).toBeGreaterThanOrEqual(0)
    }
    // an empty destination gets every distinct blob; one with the first half already skips some
    expect(empty.plan.blobs.skip).toBe(0)
    expect(empty.plan.tagsToPut).toBe(Plan.quick.tags)
    expect(half.plan.blobs.skip).toBeGreaterThan(0)
    expect(half.plan.tagsToPut).toBe(Plan.quick.tags - Math.floor(Plan.quick.tags / 2))
    expect(half.plan.blobs.send + half.plan.blobs.skip).toBe(empty.plan.blobs.send)
    expect(render({ plan: result })).toContain(`## plan: \`Sync.plan\` of a repository of ${Plan.quick.tags} tags on the twin`)
  })
})

describe('bundle suite (tiny)', () => {
  let result: Bundle.Result
  beforeAll(async () => {
    result = await Bundle.run(Bundle.quick())
  })

  it('bundles the chosen entry points and the budget program, and sees AWS SDK code where it is', () => {
    expect(result.benchmark).toBe('bundle')
    expect(result.from).toBe('src')
    expect(result.rows.map((r) => r.module)).toEqual(['ImageUri', 'Registry'])
    const [imageUri, registry] = result.rows
    expect(imageUri?.whole.awsSdk).toBe(false)
    expect(imageUri?.whole.awsSdkBytes).toBe(0)
    // Registry sends ECR commands: the client's command classes are in its bundle
    expect(registry?.whole.awsSdk).toBe(true)
    expect(registry?.whole.awsSdkBytes).toBeGreaterThan(0)
    for (const r of result.rows) {
      expect(r.whole.gzipBytes).toBeLessThan(r.whole.bytes)
      expect(r.typical?.bytes).toBeLessThanOrEqual(r.whole.bytes)
      expect(r.whole.biggest.length).toBeGreaterThan(0)
    }
    expect(result.budget.limitBytes).toBe(10 * 1024)
    expect(result.budget.withinBudget).toBe(result.budget.bytes <= result.budget.limitBytes)
    expect(result.budget.runs).toBe(true)
    expect(render({ bundle: result })).toContain('**Budget**')
  })

  it('lists every entry of package.json exports', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }
    expect(Bundle.entries().length).toBe(Object.keys(pkg.exports).filter((k) => k !== './package.json').length)
  })
})

// -------------------------------------------------------------------------------------
// the runner
// -------------------------------------------------------------------------------------

describe('run.ts', () => {
  it('several suites: one JSON object keyed by suite on stdout, <suite>.json and results.md written', () => {
    const out = path.join(scratch, 'several')
    const r = runner(['pure', 'bundle', '--quick', '--out', out])
    expect(r.status).toBe(0)
    const json = JSON.parse(r.stdout) as Record<string, { benchmark: string }>
    expect(Object.keys(json)).toEqual(['pure', 'bundle'])
    expect(json['pure']?.benchmark).toBe('pure')
    expect(fs.readdirSync(out).sort()).toEqual(['bundle.json', 'pure.json', 'results.md'])
    const md = fs.readFileSync(path.join(out, 'results.md'), 'utf8')
    expect(md).toContain('## pure')
    expect(md).toContain('## bundle')
    expect(md).not.toContain('## ops')
  })

  it('replicate without docker-registry on the PATH: skipped, exit 0', () => {
    const out = path.join(scratch, 'skip')
    const empty = fs.mkdtempSync(path.join(scratch, 'path-'))
    const r = runner(['replicate', '--quick', '--out', out], { ...process.env, PATH: empty })
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ benchmark: 'replicate', skipped: 'docker-registry not installed' })
    expect(fs.readFileSync(path.join(out, 'results.md'), 'utf8')).toContain('Skipped: docker-registry not installed.')
  })

  it('replicate with a 1 MiB layer: the result of bench/replicate.ts, and the committed result left as it was', () => {
    const hasRegistry = spawnSync('sh', ['-c', 'command -v docker-registry'], { encoding: 'utf8' }).status === 0
    const committed = path.join(RESULTS_DIR, 'replicate.json')
    const before = fs.existsSync(committed) ? fs.readFileSync(committed, 'utf8') : undefined
    const out = path.join(scratch, 'replicate')
    const r = runner(['replicate', '--quick', '--out', out])
    expect(r.status).toBe(0)
    const json = JSON.parse(r.stdout) as Replicate | { skipped: string }
    if (!hasRegistry) {
      expect(json).toEqual({ benchmark: 'replicate', skipped: 'docker-registry not installed' })
      return
    }
    if ('skipped' in json) throw new Error('skipped although docker-registry is installed')
    expect(json.layerMiB).toBe(1)
    expect(json.rounds).toBe(1)
    expect(json.ours.peakRssMiB).toBeGreaterThan(0)
    expect(json.layerBytes).toBeGreaterThan(1024 * 1024)
    expect(JSON.parse(fs.readFileSync(path.join(out, 'replicate.json'), 'utf8'))).toEqual(json)
    expect(fs.existsSync(committed) ? fs.readFileSync(committed, 'utf8') : undefined).toBe(before)
  })

  it('sync at tiny sizes: every tool run counted and checked, the result in --out, the report renders it', () => {
    const hasRegistry = spawnSync('sh', ['-c', 'command -v docker-registry'], { encoding: 'utf8' }).status === 0
    const out = path.join(scratch, 'sync')
    const r = runner(['sync', '--quick', '--out', out])
    expect(r.status).toBe(0)
    const json = JSON.parse(r.stdout) as Sync.Result | { skipped: string }
    if (!hasRegistry) {
      expect(json).toEqual({ benchmark: 'sync', skipped: 'docker-registry not installed' })
      return
    }
    if ('skipped' in json) throw new Error('skipped although docker-registry is installed')
    expect(JSON.parse(fs.readFileSync(path.join(out, 'sync.json'), 'utf8'))).toEqual(json)
    const d = json.dataSet
    expect(d).toMatchObject({ tags: 2, images: 4, distinctLayers: 12, distinctBlobs: 16, sharedLayers: 6 })
    const tools = [json.ours, ...(json.skopeo === null ? [] : [json.skopeo])]
    for (const t of tools) {
      expect(t.runs).toHaveLength(1)
      expect(t.verified).toBe(true)
      expect(t.distinctBlobsUploaded).toBe(d.distinctBlobs)
      expect(t.blobUploads).toBeGreaterThanOrEqual(t.distinctBlobsUploaded + t.duplicateUploads)
      expect(t.duplicateUploads === 0).toBe(t.blobUploads === t.distinctBlobsUploaded)
      expect(t.distinctBlobsRead).toBe(d.distinctBlobs)
      // two indexes and four platform manifests
      expect(t.manifestPuts).toBeGreaterThanOrEqual(6)
      for (const run of t.runs) expect(run.verification).toMatchObject({ ok: true, tags: 2, tagsMatching: 2, blobs: d.distinctBlobs })
      expect(isMeasure(t.seconds)).toBe(true)
    }
    // the sync sends every shared blob once, as its plan says
    expect(json.ours.plannedBlobSends).toBe(d.distinctBlobs)
    expect(json.ours.duplicateUploads).toBe(0)
    expect(json.targets.everyBlobSentOnce).toBe(true)
    for (const run of json.ours.runs) expect(run.child).toMatchObject({ imagesCopied: 2, imagesFailed: 0, blobsCopied: d.distinctBlobs })
    expect(json.ours.planSeconds + json.ours.applySeconds).toBeCloseTo(json.ours.seconds, 1)
    expect(json.ours.peakRssMiB).toBeGreaterThan(0)
    expect(json.peakRss).toMatchObject({ bigLayerMiB: 1, tags: 3, limitMiB: 150 })
    expect(json.peakRss?.ours.verified).toBe(true)
    expect(json.peakRss?.skopeo).toBeNull()
    expect(json.targets.peakRssBelow150MiB).toBe(json.peakRss?.withinLimit)
    expect(json.ratio === null).toBe(json.skopeo === null)
    expect(fs.readFileSync(path.join(out, 'results.md'), 'utf8')).toContain('## sync: a repository between two local registries')
  })

  it('an unknown suite: usage error, exit 2', () => {
    const r = runner(['nope', '--out', path.join(scratch, 'nope')])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('unknown suite or option: nope')
  })
})
