/**
 * Renders the suites' JSON results as Markdown tables (bench/results/results.md).
 */
import type * as Bundle from './suites/bundle'
import type * as Cli from './suites/cli'
import type { Machine } from './suites/common'
import type * as Ops from './suites/ops'
import type * as Plan from './suites/plan'
import type * as Pure from './suites/pure'
import type * as Sync from './sync'

/** A suite that did not run, and why. */
export interface Skipped {
  readonly benchmark: string
  readonly skipped: string
}

/** A suite that failed, and how. */
export interface Failed {
  readonly benchmark: string
  readonly failed: string
}

/** The fields of bench/replicate.ts's result that the report shows. */
export interface Replicate {
  readonly benchmark: 'replicate'
  readonly layerMiB: number
  readonly layerBytes: number
  readonly rounds: number
  readonly node: string
  readonly ours: {
    readonly seconds: number
    readonly mbPerSecond: number
    readonly peakRssMiB: number
    readonly rssBeforeCopyMiB: number
    readonly processSeconds: number
  }
  readonly skopeo: null | { readonly seconds: number; readonly mbPerSecond: number; readonly runs: ReadonlyArray<{ readonly peakRssMiB?: number }> }
  readonly ratio: number | null
  readonly ratioWholeProcess: number | null
  readonly targets: Readonly<Record<string, boolean | null>>
}

export interface Results {
  readonly ops?: Ops.Result | Skipped | Failed
  readonly bundle?: Bundle.Result | Skipped | Failed
  readonly pure?: Pure.Result | Skipped | Failed
  readonly cli?: Cli.Result | Skipped | Failed
  readonly replicate?: Replicate | Skipped | Failed
  readonly plan?: Plan.Result | Skipped | Failed
  readonly sync?: Sync.Result | Skipped | Failed
}

const isSkipped = (r: object): r is Skipped => 'skipped' in r
const isFailed = (r: object): r is Failed => 'failed' in r

const int = (n: number): string => Math.round(n).toLocaleString('en-US')

const num = (n: number): string =>
  Math.abs(n) >= 1000 ? int(n) : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2)

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  [
    `| ${header.map(cell).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)
  ].join('\n')

const machineLine = (m: Machine, date: string): string =>
  `Node ${m.node}, ${m.platform}, ${m.cpus} × ${m.cpu}, ${m.memoryGiB} GiB; run ${date.slice(0, 16).replace('T', ' ')} UTC.`

const notRun = (title: string, r: Skipped | Failed): string =>
  `## ${title}\n\n${isSkipped(r) ? `Skipped: ${r.skipped}.` : `Failed: ${r.failed}`}\n`

// -------------------------------------------------------------------------------------
// suites
// -------------------------------------------------------------------------------------

const callsText = (calls: Readonly<Record<string, number>>): string => {
  const parts = Object.entries(calls)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([op, n]) => `${op} ${n}`)
  return parts.length === 0 ? 'none' : parts.join(', ')
}

export const opsSection = (r: Ops.Result): string => {
  const rows = r.rows.map((row) => [
    row.operation,
    `${int(row.n)} ${row.unit === 'image' ? 'images' : 'repos'}`,
    callsText(row.calls),
    int(row.totalCalls),
    String(row.callsPerItem),
    int(row.httpRequests),
    num(row.wallMs) + (row.callsStable ? '' : ' (calls varied between rounds)')
  ])
  const seeding = r.seeding.map((s) => [s.what, s.seconds.toFixed(3)])
  return [
    '## ops: operations on the in-memory twin',
    '',
    `Every ECR API call takes ${r.options.latencyMs} ms more (\`InMemoryEcr.make({ latencyMs: ${r.options.latencyMs} })\`); ` +
      `\`env.concurrency\` ${r.concurrency}. Wall time: median of ${r.options.rounds} round(s), each with a fresh environment ` +
      '(no login cached from an earlier round); calls: the first round. Seeding is not timed in these rows.',
    '',
    machineLine(r.machine, r.date),
    '',
    table(['operation', 'N', 'ECR calls', 'total', 'calls per item', 'HTTP requests', 'wall ms'], rows),
    '',
    'Seeding (not in the rows above):',
    '',
    table(['what', 'seconds'], seeding),
    ''
  ].join('\n')
}

export const bundleSection = (r: Bundle.Result): string => {
  const rows = r.rows.map((row) => [
    `\`${row.specifier}\``,
    int(row.whole.bytes),
    int(row.whole.gzipBytes),
    row.whole.awsSdk ? `yes (${kb(row.whole.awsSdkBytes)})` : 'no',
    row.typical === undefined ? '—' : `\`${row.typical.program.replace(/^import (.*) from .*$/, '$1')}\``,
    row.typical === undefined ? '—' : int(row.typical.bytes),
    row.typical === undefined ? '—' : int(row.typical.gzipBytes),
    row.typical === undefined ? '—' : row.typical.awsSdk ? `yes (${kb(row.typical.awsSdkBytes)})` : 'no',
    row.whole.biggest
      .filter((c) => c.name !== 'entry.mjs')
      .slice(0, 3)
      .map((c) => `${c.name} ${kb(c.bytes)}`)
      .join(', ')
  ])
  const b = r.budget
  return [
    '## bundle: size of each entry point',
    '',
    `${r.settings}; esbuild ${r.esbuild}; the package names resolve to ${r.from === 'src' ? 'the sources (`src/`, `module` field first)' : 'the ESM build (`dist/esm/`)'}. ` +
      '"Whole module": `import * as X` with every export kept. "One function": the import shown, as an application would use it. Bytes of the minified bundle.',
    '',
    machineLine(r.machine, r.date),
    '',
    table(['entry point', 'whole module', 'gzip', 'AWS SDK', 'one function', 'bytes', 'gzip', 'AWS SDK', 'biggest parts (whole module)'], rows),
    '',
    `**Budget**: ${b.program} bundles to **${int(b.bytes)} bytes** ` +
      `(${int(b.gzipBytes)} gzipped) against a limit of ${int(b.limitBytes)}: ${b.withinBudget ? 'within budget' : '**over budget**'}; ` +
      `AWS SDK code: ${b.awsSdk ? '**yes**' : 'none'}; the bundle ${b.runs ? 'runs and parses a URI' : '**does not run**'}. ` +
      `Biggest parts: ${b.biggest.map((c) => `${c.name} ${int(c.bytes)} B`).join(', ')}.`,
    ''
  ].join('\n')
}

export const pureSection = (r: Pure.Result): string => {
  const rows = r.rates.map((row) => [row.operation, int(row.opsPerSecond), num(row.microsecondsPerOp), row.inputs])
  const s = r.seeding
  return [
    '## pure: pure functions and seeding the twin',
    '',
    `Operations per second: ${r.options.rate.warmupMs} ms of warm-up, then the median of ${r.options.rate.rounds} rounds of ` +
      `${r.options.rate.roundMs} ms; inputs are cycled and every result is checked.`,
    '',
    machineLine(r.machine, r.date),
    '',
    table(['operation', 'ops/s', 'µs/op', 'inputs'], rows),
    '',
    `Seeding the twin with ${int(s.images)} images (\`pushImage\`, one repository, median of ${s.rounds.length}): ` +
      `**${s.seconds.toFixed(2)} s**, ${int(s.imagesPerSecond)} images/s (target under ${s.targetSeconds} s: ${s.withinTarget ? 'met' : '**missed**'}).`,
    ''
  ].join('\n')
}

export const cliSection = (r: Cli.Result): string => {
  const loads = (l: Cli.Loads): string => [l.awsSdk ? 'AWS SDK' : '', l.undici ? 'undici' : ''].filter((s) => s !== '').join(', ') || '-'
  const rows = [
    [r.baseline.command, num(r.baseline.ms), '1.00', '', ''],
    ...r.rows.map((row) => [`ecr-fp-ts ${row.command}`, num(row.ms), row.ratio.toFixed(2), loads(row.loads), int(row.loads.modules)])
  ]
  return [
    '## cli: cold start of the command',
    '',
    `Wall time of a whole process run from ${r.entry}, median of ${r.rounds} rounds (each round runs every command once, in turn), ` +
      'and its ratio to `node -e 0` on the same machine at the same time.',
    '',
    machineLine(r.machine, r.date),
    '',
    table(['command', 'ms', 'ratio', 'loads', 'modules'], rows),
    '',
    `Goal: \`${r.goal.command}\` within ${r.goal.maxRatio}× \`node -e 0\`: ${r.goal.ratio.toFixed(2)}× (${r.goal.met ? 'met' : '**missed**'}).`,
    ''
  ].join('\n')
}

export const replicateSection = (r: Replicate): string => {
  const rows: Array<ReadonlyArray<string>> = [
    ['replicateImage', r.ours.seconds.toFixed(2), num(r.ours.mbPerSecond), num(r.ours.peakRssMiB), `${r.ours.processSeconds.toFixed(2)} s for the whole process`]
  ]
  if (r.skopeo !== null) {
    const rss = r.skopeo.runs.flatMap((x) => (x.peakRssMiB === undefined ? [] : [x.peakRssMiB]))
    rows.push(['skopeo copy', r.skopeo.seconds.toFixed(2), num(r.skopeo.mbPerSecond), rss.length === 0 ? '' : num(Math.max(...rss)), 'whole process'])
  }
  const targets = Object.entries(r.targets)
    .map(([k, v]) => `${k}: ${v === null ? 'n/a' : v ? 'met' : '**missed**'}`)
    .join(', ')
  return [
    '## replicate: copying an image between two local registries',
    '',
    `One image with a ${r.layerMiB} MiB layer (${int(r.layerBytes)} bytes) between two docker-registry instances; ` +
      `median of ${r.rounds} round(s), each into a fresh destination; Node ${r.node}. Peak RSS: the worst round.`,
    '',
    table(['tool', 'seconds', 'MiB/s', 'peak RSS MiB', 'note'], rows),
    '',
    r.ratio === null
      ? 'skopeo is not installed: no comparison.'
      : `replicateImage / skopeo time: **${r.ratio}** (whole process: ${r.ratioWholeProcess}); below 1 is faster than skopeo. RSS before the copy: ${r.ours.rssBeforeCopyMiB} MiB.`,
    '',
    `Targets: ${targets}.`,
    ''
  ].join('\n')
}

export const planSection = (r: Plan.Result): string => {
  const rows = r.rows.map((row) => [
    row.destination,
    int(row.tags),
    callsText(row.sourceCalls),
    callsText(row.destinationCalls),
    int(row.totalCalls),
    String(row.callsPerTag),
    int(row.httpRequests),
    num(row.wallMs) + (row.callsStable ? '' : ' (calls varied between rounds)'),
    `${int(row.plan.images)} images; blobs send ${int(row.plan.blobs.send)}, mount ${int(row.plan.blobs.mount)}, skip ${int(row.plan.blobs.skip)}; ` +
      `${int(row.plan.manifestsToPut)} manifests, ${int(row.plan.tagsToPut)} tags to put; ${kb(row.plan.jsonBytes)} of JSON`
  ])
  return [
    `## plan: \`Sync.plan\` of a repository of ${int(r.options.tags)} tags on the twin`,
    '',
    `Two twins (source and destination registries), every ECR API call ${r.options.latencyMs} ms slower; \`env.concurrency\` ${r.concurrency}. ` +
      `${int(r.options.tags)} tags sharing ${r.options.baseLayers} base layers per platform, every ${r.options.indexEvery}th a two-platform index. ` +
      `Wall time: median of ${r.options.rounds} round(s), each with fresh environments; calls: the first round.`,
    '',
    machineLine(r.machine, r.date),
    '',
    table(['destination held', 'tags', 'source calls', 'destination calls', 'total', 'calls per tag', 'HTTP requests', 'wall ms', 'the plan'], rows),
    '',
    `Seeding (not timed above): ${r.seeding.map((s) => `${s.what} ${s.seconds.toFixed(1)} s`).join('; ')}.`,
    ''
  ].join('\n')
}

export const syncSection = (r: Sync.Result): string => {
  const d = r.dataSet
  const tool = (name: string, t: Sync.ToolSummary) => [
    name,
    t.seconds.toFixed(2),
    t.processSeconds.toFixed(2),
    t.peakRssMiB === null ? '' : num(t.peakRssMiB),
    `${int(t.blobUploads)} (${int(t.distinctBlobsUploaded)} distinct${t.duplicateUploads > 0 ? `, **${t.duplicateUploads} sent more than once**` : ''})`,
    int(t.mounts),
    num(t.uploadedMiB),
    `${int(t.blobReads)} (${int(t.distinctBlobsRead)} distinct)`,
    int(t.manifestPuts),
    t.verified ? 'yes' : '**no**'
  ]
  const rows = [tool(`ours (${r.engine})`, r.ours), ...(r.skopeo === null ? [] : [tool(`skopeo sync ${r.skopeoVersion ?? ''}`.trim(), r.skopeo)])]
  const p = r.peakRss
  const targets = Object.entries(r.targets)
    .map(([k, v]) => `${k}: ${v === null ? 'n/a' : v ? 'met' : '**missed**'}`)
    .join(', ')
  return [
    '## sync: a repository between two local registries, against skopeo sync',
    '',
    `${d.tags} tags, each an index of ${d.images / Math.max(1, d.tags)} platform images sharing ${r.options.baseLayers} base layers of ` +
      `${num(r.options.baseKiB / 1024)} MiB per platform, with 1 or 2 layers of ${num(r.options.uniqueKiB / 1024)} MiB of their own: ` +
      `${int(d.distinctBlobs)} distinct blobs, ${num(d.distinctMiB)} MiB of distinct layers (${num(d.perImageMiB)} MiB counted per image). ` +
      `Each round syncs into fresh docker-registry destinations behind counting proxies; median of ${r.options.rounds} round(s), order alternating. ` +
      'Seconds: ours is the sync call in its process, skopeo its whole process; uploads, reads and puts: the first round.',
    '',
    machineLine(r.machine, r.date),
    '',
    table(['tool', 'seconds', 'process s', 'peak RSS MiB', 'blob uploads', 'mounts', 'MiB uploaded', 'source blob reads', 'manifest PUTs', 'verified'], rows),
    '',
    r.ratio === null
      ? 'skopeo is not installed: no comparison.'
      : `ours / skopeo time: **${r.ratio}** (whole processes: ${r.ratioWholeProcess}); below 1 is faster than skopeo.`,
    '',
    `Ours: \`Sync.plan\` ${r.ours.planSeconds.toFixed(2)} s, \`Sync.apply\` ${r.ours.applySeconds.toFixed(2)} s; the plan announced ${int(r.ours.plannedBlobSends)} blob sends; ` +
      `${num(r.ours.rssBeforeSyncMiB)} MiB RSS before the sync${r.nodeFlags.length === 0 ? '' : `; node options ${r.nodeFlags.join(' ')}`}.`,
    '',
    p === null
      ? 'Peak RSS phase: not run.'
      : `Peak RSS with a ${p.bigLayerMiB} MiB layer in the set (${p.tags} tags): ours **${num(p.ours.peakRssMiB)} MiB** ` +
        (p.ours.peaksMiB === undefined || p.ours.peaksMiB.length < 2 ? '' : `(the highest of ${p.ours.peaksMiB.length} runs: ${p.ours.peaksMiB.map(num).join(', ')}) `) +
        `(limit ${p.limitMiB} MiB: ${p.withinLimit ? 'within' : '**over**'}; ${num(p.ours.rssBeforeSyncMiB)} MiB before the sync) in ${p.ours.seconds.toFixed(2)} s` +
        (p.skopeo === null ? '.' : `; skopeo ${p.skopeo.peakRssMiB === null ? '?' : num(p.skopeo.peakRssMiB)} MiB in ${p.skopeo.seconds.toFixed(2)} s.`),
    '',
    `Targets: ${targets}.`,
    ''
  ].join('\n')
}

export const render = (results: Results): string => {
  const parts: Array<string> = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (bench/run.ts) from the JSON files next to this one. See bench/README.md for what each suite measures.',
    ''
  ]
  const section = <A extends object>(title: string, r: A | Skipped | Failed | undefined, f: (a: A) => string) => {
    if (r === undefined) return
    parts.push(isSkipped(r) || isFailed(r) ? notRun(title, r) : f(r as A))
  }
  section('ops', results.ops, opsSection)
  section('bundle', results.bundle, bundleSection)
  section('pure', results.pure, pureSection)
  section('cli', results.cli, cliSection)
  section('replicate', results.replicate, replicateSection)
  section('plan', results.plan, planSection)
  section('sync', results.sync, syncSection)
  return `${parts.join('\n')}`
}
