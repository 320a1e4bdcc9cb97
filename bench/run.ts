/**
 * The benchmark runner: `npm run bench` runs every suite, `npm run bench -- <suite...>` some of them.
 *
 *   suites: ops, bundle, pure, cli, replicate, plan, sync
 *   --quick            tiny sizes (a smoke run); results go to a scratch folder unless --out is given
 *   --out <dir>        where <suite>.json and results.md go (default bench/results)
 *   --layer-mib <n>    size of the replicate suite's layer (or BENCH_LAYER_MIB; default 512), and of
 *                      the sync suite's big layer (or BENCH_SYNC_BIG_MIB; default 512)
 *
 * One suite: it runs in this process, prints its JSON result on stdout and writes <out>/<suite>.json,
 * then <out>/results.md is rendered from every <suite>.json there. Several suites: each runs in its
 * own process (so one suite's heap does not weigh on the next), and stdout gets one JSON object
 * with a key per suite. Progress goes to stderr.
 *
 * The replicate and sync suites are bench/replicate.ts and bench/sync.ts, each run as its own
 * process; without docker-registry they are reported as skipped and the other suites still run.
 */
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { render, type Results } from './report'
import { RESULTS_DIR, ROOT, stderrLog } from './suites/common'

// -------------------------------------------------------------------------------------
// arguments
// -------------------------------------------------------------------------------------

export const SUITES = ['ops', 'bundle', 'pure', 'cli', 'replicate', 'plan', 'sync'] as const
export type SuiteName = (typeof SUITES)[number]

const isSuite = (s: string): s is SuiteName => (SUITES as ReadonlyArray<string>).includes(s)

export interface Args {
  readonly suites: ReadonlyArray<SuiteName>
  readonly quick: boolean
  readonly out: string
  readonly layerMiB?: number
  /** Set when the runner started this process for one suite: no results.md, the parent writes it. */
  readonly child: boolean
}

export const QUICK_OUT = path.join(os.tmpdir(), 'ecr-fp-ts-bench-quick')

export const parseArgs = (argv: ReadonlyArray<string>): Args | string => {
  const suites: Array<SuiteName> = []
  let quick = false
  let out: string | undefined
  let layerMiB: number | undefined
  let child = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '--quick') quick = true
    else if (a === '--child') child = true
    else if (a === '--out' || a === '--layer-mib') {
      const v = argv[++i]
      if (v === undefined) return `${a} needs a value`
      if (a === '--out') out = path.resolve(v)
      else {
        layerMiB = Number(v)
        if (!Number.isInteger(layerMiB) || layerMiB < 1) return `--layer-mib: not a positive integer: ${v}`
      }
    } else if (isSuite(a)) {
      if (!suites.includes(a)) suites.push(a)
    } else return `unknown suite or option: ${a} (suites: ${SUITES.join(', ')})`
  }
  return {
    suites: suites.length === 0 ? [...SUITES] : suites,
    quick,
    out: out ?? (quick ? QUICK_OUT : RESULTS_DIR),
    ...(layerMiB === undefined ? {} : { layerMiB }),
    child
  }
}

// -------------------------------------------------------------------------------------
// running
// -------------------------------------------------------------------------------------

/** How to start a TypeScript file with the same loader as this process (tsx). */
const tsxCommand = (file: string): ReadonlyArray<string> =>
  process.execArgv.some((a) => a.includes('tsx'))
    ? [...process.execArgv, file]
    : [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), file]

/** Runs a process, stderr passed through; resolves with its stdout and exit code. */
const spawnCapture = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): Promise<{ readonly code: number | null; readonly stdout: string }> =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] })
    let stdout = ''
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    p.on('error', reject)
    p.on('close', (code) => resolve({ code, stdout }))
  })

const onPath = (command: string): boolean =>
  (process.env['PATH'] ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK)
      return true
    } catch {
      return false
    }
  })

const REPLICATE_RESULT = path.join(RESULTS_DIR, 'replicate.json')

/**
 * bench/replicate.ts in its own process. It always writes bench/results/replicate.json itself; when
 * the results go elsewhere (--out, --quick), the file it replaced is put back.
 */
const runReplicate = async (args: Args): Promise<object> => {
  if (!onPath('docker-registry')) return { benchmark: 'replicate', skipped: 'docker-registry not installed' }
  const keep = path.resolve(args.out) === path.resolve(RESULTS_DIR) ? undefined : readIfExists(REPLICATE_RESULT)
  const layerMiB = args.layerMiB ?? (args.quick ? 1 : undefined)
  const env = {
    ...process.env,
    ...(layerMiB === undefined ? {} : { BENCH_LAYER_MIB: String(layerMiB) }),
    ...(args.quick ? { BENCH_ROUNDS: '1' } : {})
  }
  try {
    const r = await spawnCapture(tsxCommand(path.join(ROOT, 'bench', 'replicate.ts')), env)
    if (r.code !== 0) throw new Error(`bench/replicate.ts exited with ${r.code}`)
    return JSON.parse(r.stdout) as object
  } finally {
    if (keep !== undefined) fs.writeFileSync(REPLICATE_RESULT, keep)
  }
}

/**
 * bench/sync.ts in its own process, writing <out>/sync.json; --quick: two tags of a few KiB, one
 * round, a 1 MiB big layer synced by ours only.
 */
const runSync = async (args: Args): Promise<object> => {
  if (!onPath('docker-registry')) return { benchmark: 'sync', skipped: 'docker-registry not installed' }
  const env = {
    ...process.env,
    BENCH_SYNC_OUT: path.join(args.out, 'sync.json'),
    ...(args.quick
      ? { BENCH_SYNC_TAGS: '2', BENCH_SYNC_BASE_KIB: '64', BENCH_SYNC_UNIQUE_KIB: '16', BENCH_SYNC_BIG_MIB: '1', BENCH_SYNC_BIG_SKOPEO: '0', BENCH_ROUNDS: '1' }
      : {}),
    ...(args.layerMiB === undefined ? {} : { BENCH_SYNC_BIG_MIB: String(args.layerMiB) })
  }
  const r = await spawnCapture(tsxCommand(path.join(ROOT, 'bench', 'sync.ts')), env)
  if (r.code !== 0) throw new Error(`bench/sync.ts exited with ${r.code}`)
  return JSON.parse(r.stdout) as object
}

const readIfExists = (file: string): Buffer | undefined => (fs.existsSync(file) ? fs.readFileSync(file) : undefined)

/** One suite, in this process. */
export const runSuite = async (name: SuiteName, args: Args): Promise<object> => {
  switch (name) {
    case 'ops': {
      const ops = await import('./suites/ops')
      return ops.run(args.quick ? ops.quick : ops.defaults, stderrLog)
    }
    case 'bundle': {
      const bundle = await import('./suites/bundle')
      return bundle.run(args.quick ? bundle.quick() : bundle.defaults(), stderrLog)
    }
    case 'pure': {
      const pure = await import('./suites/pure')
      return pure.run(args.quick ? pure.quick : pure.defaults, stderrLog)
    }
    case 'cli': {
      const cli = await import('./suites/cli')
      return cli.run(args.quick ? cli.quick : cli.defaults, stderrLog)
    }
    case 'replicate':
      return runReplicate(args)
    case 'plan': {
      const plan = await import('./suites/plan')
      return plan.run(args.quick ? plan.quick : plan.defaults, stderrLog)
    }
    case 'sync':
      return runSync(args)
  }
}

/** One suite in a child process (this file with --child); a failure is a `{ failed }` result. */
const runSuiteInChild = async (name: SuiteName, args: Args): Promise<object> => {
  const flags = [
    name,
    '--child',
    '--out',
    args.out,
    ...(args.quick ? ['--quick'] : []),
    ...(args.layerMiB === undefined ? [] : ['--layer-mib', String(args.layerMiB)])
  ]
  const r = await spawnCapture([...tsxCommand(__filename), ...flags], process.env)
  if (r.code !== 0) return { benchmark: name, failed: `exit code ${r.code} (see stderr)` }
  try {
    return JSON.parse(r.stdout) as object
  } catch {
    return { benchmark: name, failed: `not JSON on stdout: ${r.stdout.slice(0, 200)}` }
  }
}

const writeJson = (out: string, name: string, result: object): void => {
  fs.mkdirSync(out, { recursive: true })
  fs.writeFileSync(path.join(out, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`)
}

/** results.md from every <suite>.json in `out`, or from `overrides` for the suites it names. */
export const writeReport = (out: string, overrides: Readonly<Record<string, object>> = {}): string => {
  const results: Record<string, unknown> = {}
  for (const name of SUITES) {
    const file = path.join(out, `${name}.json`)
    results[name] = overrides[name] ?? (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as unknown) : undefined)
  }
  fs.mkdirSync(out, { recursive: true })
  const file = path.join(out, 'results.md')
  fs.writeFileSync(file, render(results as Results))
  return file
}

const failed = (r: object): boolean => 'failed' in r

export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseArgs(argv)
  if (typeof args === 'string') {
    process.stderr.write(`${args}\nusage: npm run bench [-- <suite...>] [--quick] [--out DIR] [--layer-mib N]\n`)
    return 2
  }
  if (args.suites.length === 1) {
    const name = args.suites[0] as SuiteName
    let result: object
    try {
      result = await runSuite(name, args)
    } catch (e) {
      process.stderr.write(`${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
      return 1
    }
    writeJson(args.out, name, result)
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    if (!args.child) stderrLog(`wrote ${path.join(args.out, `${name}.json`)} and ${writeReport(args.out)}`)
    return 0
  }
  const all: Record<string, object> = {}
  for (const name of args.suites) {
    stderrLog(`== ${name}`)
    const result = await runSuiteInChild(name, args)
    all[name] = result
    if (failed(result)) stderrLog(`${name}: failed`)
  }
  // a suite that failed keeps its earlier <suite>.json; the report shows this run's failure
  const report = writeReport(args.out, all)
  const failures = Object.values(all).filter(failed)
  process.stdout.write(`${JSON.stringify(all, null, 2)}\n`)
  stderrLog(`wrote ${args.out}/<suite>.json and ${report}`)
  return failures.length === 0 ? 0 : 1
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
      process.exitCode = 1
    }
  )
}
