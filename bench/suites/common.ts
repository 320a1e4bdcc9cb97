/**
 * What the benchmark suites share: the machine they ran on, medians, rounding, timers, and a loop
 * that measures operations per second.
 */
import * as os from 'node:os'
import * as path from 'node:path'

/** The project root. */
export const ROOT = path.join(__dirname, '..', '..')

/** Where the runner writes `<suite>.json` and `results.md`. */
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results')

export interface Machine {
  readonly node: string
  readonly platform: string
  readonly cpu: string
  readonly cpus: number
  readonly memoryGiB: number
}

export const machine = (): Machine => ({
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
  cpus: os.cpus().length,
  memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10
})

export const median = (xs: ReadonlyArray<number>): number => {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/** Rounds to `digits` decimals. */
export const round = (n: number, digits = 2): number => {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/** Rounds to three significant digits (rates of very different sizes stay readable). */
export const round3 = (n: number): number => (n === 0 || !Number.isFinite(n) ? n : Number(n.toPrecision(3)))

export const now = (): number => performance.now()

/** Progress lines go to stderr; stdout carries the JSON results only. */
export type Log = (line: string) => void

export const stderrLog: Log = (line) => {
  process.stderr.write(`${line}\n`)
}

export const silentLog: Log = () => undefined

export interface RateOptions {
  /** Time spent running the function before measuring. */
  readonly warmupMs: number
  /** Length of one measured round. */
  readonly roundMs: number
  readonly rounds: number
  /** Calls between two looks at the clock. */
  readonly batch: number
}

export interface Rate {
  /** Median over the rounds. */
  readonly opsPerSecond: number
  readonly rounds: ReadonlyArray<number>
  /** Median time of one call, microseconds. */
  readonly microsecondsPerOp: number
  readonly iterations: number
}

/**
 * Calls `f(i)` in batches, i = 0, 1, 2, ...: first for `warmupMs`, then `rounds` rounds of at least
 * `roundMs` each. `f` returns whether its result was the expected one; a false answer fails the run
 * (and keeps the work from being optimised away).
 */
export const measureRate = (f: (i: number) => boolean, options: RateOptions): Rate => {
  let i = 0
  let wrong = 0
  const runFor = (ms: number): { readonly ops: number; readonly ms: number } => {
    const t0 = now()
    let ops = 0
    let elapsed = 0
    do {
      for (let k = 0; k < options.batch; k++) if (!f(i++)) wrong++
      ops += options.batch
      elapsed = now() - t0
    } while (elapsed < ms)
    return { ops, ms: elapsed }
  }
  runFor(options.warmupMs)
  const rates: Array<number> = []
  let iterations = 0
  for (let r = 0; r < Math.max(1, options.rounds); r++) {
    const { ops, ms } = runFor(options.roundMs)
    iterations += ops
    rates.push((ops * 1000) / ms)
  }
  if (wrong > 0) throw new Error(`${wrong} of ${i} calls gave an unexpected result`)
  const opsPerSecond = median(rates)
  return {
    opsPerSecond: round3(opsPerSecond),
    rounds: rates.map(round3),
    microsecondsPerOp: round3(1e6 / opsPerSecond),
    iterations
  }
}
