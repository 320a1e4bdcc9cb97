/**
 * Suite `cli`: cold start of the `ecr-fp-ts` command, from the built output (dist/cjs/cli/main.js,
 * as `npm install` runs it), against `node -e 0`, as ratios. Commands:
 *
 * - `version` and `parse <uri>`: no AWS call; they must load neither the AWS SDK nor undici
 *   (goal: `parse` within 2x `node -e 0`);
 * - `resolve team/app` on the in-memory twin of `ecr-fp-ts demo` (the hidden `ECR_FP_TS_CLI_TWIN=demo`
 *   switch of the CLI's own entry): a command that loads the SDK, seeds the twin and makes calls.
 *
 * Each round runs every command once, in turn (so a noisy moment weighs on all of them); the
 * median of the rounds is reported. One extra run per command, with a preloaded hook, records which
 * packages it loaded. The build is made first when it is missing or older than src/.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { machine, median, now, round, ROOT, type Log, type Machine, silentLog } from './common'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export const DIST_MAIN = path.join(ROOT, 'dist', 'cjs', 'cli', 'main.js')
export const SRC_MAIN = path.join(ROOT, 'src', 'cli', 'main.ts')
export const URI = '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:v1.2.3'
/** The ratio of `parse` to `node -e 0` the CLI aims to stay within. */
export const PARSE_GOAL = 2

export interface Entry {
  /** How the report names it. */
  readonly label: string
  /** Node's arguments before the command's own. */
  readonly args: ReadonlyArray<string>
  /** Build (`npm run build`) first when dist/cjs/cli/main.js is missing or older than src/. */
  readonly build: boolean
}

export interface Options {
  readonly rounds: number
  /** Rounds run first and not counted (file system caches). */
  readonly warmup: number
  readonly entry: Entry
}

export const defaults: Options = {
  rounds: 15,
  warmup: 2,
  entry: { label: 'dist/cjs/cli/main.js', args: [DIST_MAIN], build: true }
}

/** One round from the sources (tsx), for the smoke test: nothing to build. */
export const quick: Options = {
  rounds: 1,
  warmup: 0,
  entry: { label: 'src/cli/main.ts (tsx)', args: ['--import', 'tsx', SRC_MAIN], build: false }
}

export interface Case {
  readonly command: string
  readonly argv: ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string>>
}

export const CASES: ReadonlyArray<Case> = [
  { command: 'version', argv: ['version'] },
  { command: 'parse <uri>', argv: ['parse', URI] },
  { command: 'resolve team/app (twin)', argv: ['resolve', 'team/app'], env: { ECR_FP_TS_CLI_TWIN: 'demo' } }
]

export interface Loads {
  /** Any `@aws-sdk/*` or `@smithy/*` module. */
  readonly awsSdk: boolean
  readonly undici: boolean
  /** Modules in `require.cache` at exit. */
  readonly modules: number
}

export interface Row {
  readonly command: string
  /** Median wall time of the process, ms. */
  readonly ms: number
  readonly msRounds: ReadonlyArray<number>
  /** `ms` over `node -e 0`'s. */
  readonly ratio: number
  readonly exitCode: number | null
  readonly loads: Loads
}

export interface Result {
  readonly benchmark: 'cli'
  readonly date: string
  readonly machine: Machine
  readonly entry: string
  readonly rounds: number
  readonly baseline: { readonly command: 'node -e 0'; readonly ms: number; readonly msRounds: ReadonlyArray<number> }
  readonly rows: ReadonlyArray<Row>
  readonly goal: { readonly command: 'parse <uri>'; readonly maxRatio: number; readonly ratio: number; readonly met: boolean }
}

// -------------------------------------------------------------------------------------
// running
// -------------------------------------------------------------------------------------

/** The newest modification time of the files under `dir`, ms. */
const newest = (dir: string): number =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .reduce((m, d) => Math.max(m, d.isDirectory() ? newest(path.join(dir, d.name)) : fs.statSync(path.join(dir, d.name)).mtimeMs), 0)

/** Builds when dist/cjs/cli/main.js is missing or older than a file of src/; the build's output goes to stderr. */
export const ensureBuilt = (log: Log): void => {
  const built = fs.existsSync(DIST_MAIN) ? fs.statSync(DIST_MAIN).mtimeMs : -1
  if (built >= newest(path.join(ROOT, 'src'))) return
  log(built < 0 ? 'cli: no build, running npm run build' : 'cli: the build is older than src/, running npm run build')
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] })
  if (r.status !== 0) throw new Error(`npm run build exited with ${String(r.status)}`)
}

/** The environment of a run: this process's, without the CLI's switches, plus the case's. */
const envOf = (c?: Case): NodeJS.ProcessEnv => {
  const { ECR_FP_TS_CLI_TWIN: _twin, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _sdk, ...rest } = process.env
  return { ...rest, ...(c?.env ?? {}) }
}

/** Wall time of one process, ms, and its exit code. */
const time = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): { readonly ms: number; readonly code: number | null } => {
  const t0 = now()
  const r = spawnSync(process.execPath, [...args], { cwd: ROOT, env, stdio: 'ignore' })
  return { ms: now() - t0, code: r.status }
}

const HOOK = `process.on('exit', () => require('fs').writeFileSync(process.env.BENCH_CLI_LOADED, JSON.stringify(Object.keys(require.cache))))\n`

/** What one run of the case loads, from a preloaded hook that lists `require.cache` at exit. */
const loadsOf = (entry: Entry, c: Case, dir: string): Loads => {
  const hook = path.join(dir, 'hook.cjs')
  const out = path.join(dir, 'loaded.json')
  fs.writeFileSync(hook, HOOK)
  fs.rmSync(out, { force: true })
  spawnSync(process.execPath, ['--require', hook, ...entry.args, ...c.argv], {
    cwd: ROOT,
    env: { ...envOf(c), BENCH_CLI_LOADED: out },
    stdio: 'ignore'
  })
  const files = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as ReadonlyArray<string>) : []
  return {
    awsSdk: files.some((f) => /node_modules[\\/]@(aws-sdk|smithy)[\\/]/.test(f)),
    undici: files.some((f) => /node_modules[\\/]undici[\\/]/.test(f)),
    modules: files.length
  }
}

export const run = async (options: Options = defaults, log: Log = silentLog): Promise<Result> => {
  if (options.entry.build) ensureBuilt(log)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-fp-ts-bench-cli-'))
  try {
    const baseline: Array<number> = []
    const times = CASES.map(() => [] as Array<number>)
    const codes: Array<number | null> = CASES.map(() => null)
    for (let i = 0; i < options.warmup + options.rounds; i++) {
      const counted = i >= options.warmup
      const b = time(['-e', '0'], envOf())
      if (counted) baseline.push(b.ms)
      CASES.forEach((c, k) => {
        const t = time([...options.entry.args, ...c.argv], envOf(c))
        codes[k] = t.code
        if (counted) times[k]?.push(t.ms)
      })
      log(`cli: round ${i + 1}/${options.warmup + options.rounds}${counted ? '' : ' (warm-up)'}`)
    }
    const base = median(baseline)
    const rows = CASES.map(
      (c, k): Row => ({
        command: c.command,
        ms: round(median(times[k] ?? []), 1),
        msRounds: (times[k] ?? []).map((t) => round(t, 1)),
        ratio: round(median(times[k] ?? []) / base, 2),
        exitCode: codes[k] ?? null,
        loads: loadsOf(options.entry, c, dir)
      })
    )
    const parse = rows.find((r) => r.command === 'parse <uri>')
    const ratio = parse?.ratio ?? Number.NaN
    return {
      benchmark: 'cli',
      date: new Date().toISOString(),
      machine: machine(),
      entry: options.entry.label,
      rounds: options.rounds,
      baseline: { command: 'node -e 0', ms: round(base, 1), msRounds: baseline.map((t) => round(t, 1)) },
      rows,
      goal: { command: 'parse <uri>', maxRatio: PARSE_GOAL, ratio, met: ratio <= PARSE_GOAL }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
