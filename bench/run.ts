/**
 * Runs benchmarks by name: `npx tsx bench/run.ts replicate` (`npm run bench -- replicate`).
 * Without a name it lists them. Each benchmark prints one JSON object on stdout and writes it to
 * bench/results/<name>.json; progress goes to stderr.
 */

type Benchmark = () => Promise<void>

/** Every benchmark: its name and how to load it (one line per benchmark). */
const benchmarks: Readonly<Record<string, () => Promise<Benchmark>>> = {
  replicate: async () => (await import('./replicate')).run
}

const main = async (names: ReadonlyArray<string>): Promise<number> => {
  if (names.length === 0) {
    process.stderr.write(`usage: npm run bench -- <name...>\nbenchmarks: ${Object.keys(benchmarks).join(', ')}\n`)
    return 2
  }
  const unknown = names.filter((n) => !Object.prototype.hasOwnProperty.call(benchmarks, n))
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark: ${unknown.join(', ')} (benchmarks: ${Object.keys(benchmarks).join(', ')})\n`)
    return 2
  }
  for (const name of names) {
    const load = benchmarks[name]
    if (load !== undefined) await (await load())()
  }
  return 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exitCode = 1
  }
)
