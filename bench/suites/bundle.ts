/**
 * Suite `bundle`: what each public entry point costs in a bundle. For every entry of package.json
 * `exports`, a one-line program `import * as X from 'ecr-fp-ts/X'` that uses the whole namespace is
 * bundled with esbuild (minified, platform node, tree-shaken), and its size, gzip size, biggest
 * contributors and whether it holds AWS SDK code are reported. A second program per module uses
 * a single function the way an application would (a small bundle, when tree-shaking works).
 *
 * The package names resolve to the sources (`src/`, default) or to the ESM build (`dist/esm/`,
 * after `npm run build`): the `from` option, or BENCH_BUNDLE_FROM=dist.
 *
 * The budget row repeats the package check's program (`parse` and `toRef` of ImageUri), whose
 * bundle must stay within 10 KB; scripts/check-package.mjs enforces it on the packed build.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { gzipSync } from 'node:zlib'
import { build, version as esbuildVersion, type Metafile, type Plugin } from 'esbuild'
import { machine, ROOT, type Log, type Machine, silentLog } from './common'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Options {
  readonly from: 'src' | 'dist'
  /** Entry points to bundle; empty: every entry of package.json `exports`. */
  readonly modules: ReadonlyArray<string>
}

const fromEnv = (): Options['from'] => (process.env['BENCH_BUNDLE_FROM'] === 'dist' ? 'dist' : 'src')

export const defaults = (): Options => ({ from: fromEnv(), modules: [] })

/** For the smoke test: two entries. */
export const quick = (): Options => ({ from: 'src', modules: ['ImageUri', 'Registry'] })

export interface Contributor {
  /** A package (`fp-ts`, `@aws-sdk/client-ecr`, ...) or `ecr-fp-ts` for the library's own files. */
  readonly name: string
  readonly bytes: number
}

export interface Bundle {
  readonly bytes: number
  readonly gzipBytes: number
  /** Some of the bundle's bytes come from @aws-sdk, @smithy or @aws-crypto packages. */
  readonly awsSdk: boolean
  /** Bytes of the bundle that come from those packages. */
  readonly awsSdkBytes: number
  /** The five biggest contributors, by bytes in the minified output. */
  readonly biggest: ReadonlyArray<Contributor>
}

export interface Row {
  /** The entry point: `ecr-fp-ts` (the root) or the module name. */
  readonly module: string
  readonly specifier: string
  /** `import * as X` with every export kept. */
  readonly whole: Bundle
  /** One function used the way an application would. */
  readonly typical?: Bundle & { readonly program: string }
}

export interface Budget extends Bundle {
  readonly module: 'ImageUri'
  readonly program: string
  readonly limitBytes: number
  readonly withinBudget: boolean
  /** The bundle ran with node and parsed a URI. */
  readonly runs: boolean
}

export interface Result {
  readonly benchmark: 'bundle'
  readonly date: string
  readonly machine: Machine
  readonly esbuild: string
  readonly from: Options['from']
  readonly settings: string
  readonly rows: ReadonlyArray<Row>
  readonly budget: Budget
}

// -------------------------------------------------------------------------------------
// bundling
// -------------------------------------------------------------------------------------

/** The package check's limit for the ImageUri program (scripts/check-package.mjs). */
export const IMAGE_URI_BUDGET_BYTES = 10 * 1024

interface Entry {
  readonly module: string
  readonly specifier: string
  /** dist/esm/... from the exports map. */
  readonly esm: string
}

interface PackageJson {
  readonly exports: Readonly<Record<string, string | { readonly module?: string }>>
}

/** Every entry point of package.json `exports` that has an ESM build path. */
export const entries = (): ReadonlyArray<Entry> => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson
  return Object.entries(pkg.exports).flatMap(([key, value]): ReadonlyArray<Entry> => {
    if (typeof value === 'string' || value.module === undefined) return []
    const module = key === '.' ? 'ecr-fp-ts' : key.replace(/^\.\//, '')
    const specifier = key === '.' ? 'ecr-fp-ts' : `ecr-fp-ts/${module}`
    return [{ module, specifier, esm: value.module }]
  })
}

/** The source file the ESM build path comes from: ./dist/esm/X.js -> src/X.ts. */
const sourceOf = (esm: string): string => path.join(ROOT, 'src', esm.replace(/^\.\/dist\/esm\//, '').replace(/\.js$/, '.ts'))

/** Resolves `ecr-fp-ts` and `ecr-fp-ts/X` to the sources or to the ESM build, through the exports map. */
const resolvePackage = (from: Options['from'], all: ReadonlyArray<Entry>): Plugin => ({
  name: 'ecr-fp-ts',
  setup(b) {
    b.onResolve({ filter: /^ecr-fp-ts(\/.*)?$/ }, (args) => {
      const entry = all.find((e) => e.specifier === args.path)
      if (entry === undefined) return { errors: [{ text: `${args.path} is not in package.json exports` }] }
      return { path: from === 'src' ? sourceOf(entry.esm) : path.join(ROOT, entry.esm) }
    })
  }
})

const packageOf = (input: string): string => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)
  return m?.[1] ?? (input.startsWith('src/') || input.startsWith('dist/') ? 'ecr-fp-ts' : input)
}

const isAwsSdk = (name: string): boolean => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/') || name.startsWith('@aws-crypto/')

const measureBundle = (text: Uint8Array, metafile: Metafile): Bundle => {
  const output = Object.values(metafile.outputs)[0]
  const byPackage = new Map<string, number>()
  for (const [input, info] of Object.entries(output?.inputs ?? {})) {
    const name = packageOf(input)
    byPackage.set(name, (byPackage.get(name) ?? 0) + info.bytesInOutput)
  }
  const awsSdkBytes = [...byPackage].filter(([name]) => isAwsSdk(name)).reduce((a, [, b]) => a + b, 0)
  return {
    bytes: text.byteLength,
    gzipBytes: gzipSync(text, { level: 9 }).byteLength,
    // files of the SDK that esbuild read but tree-shook away entirely do not count
    awsSdk: awsSdkBytes > 0,
    awsSdkBytes,
    biggest: [...byPackage]
      .filter(([, bytes]) => bytes > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, bytes]) => ({ name, bytes }))
  }
}

const bundle = async (
  contents: string,
  from: Options['from'],
  all: ReadonlyArray<Entry>
): Promise<{ readonly text: Uint8Array; readonly result: Bundle }> => {
  const out = await build({
    stdin: { contents, resolveDir: ROOT, sourcefile: 'entry.mjs', loader: 'js' },
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: 'node',
    target: 'node20',
    write: false,
    metafile: true,
    outfile: 'bundle.js',
    logLevel: 'silent',
    // From the sources, prefer a package's `module` field (fp-ts/Either -> fp-ts/es6/Either.js): what
    // the ESM build's imports say after scripts/post-build.mjs. esbuild's node default (`main` first)
    // would bundle the CommonJS builds of fp-ts and io-ts, which do not tree-shake.
    ...(from === 'src' ? { mainFields: ['module', 'main'] } : {}),
    plugins: [resolvePackage(from, all)]
  })
  const file = out.outputFiles[0]
  if (file === undefined) throw new Error('esbuild wrote no file')
  return { text: file.contents, result: measureBundle(file.contents, out.metafile) }
}

/** How an application typically uses each module: one function, so tree-shaking can drop the rest. */
const typicalPrograms: Readonly<Record<string, string>> = {
  'ecr-fp-ts': "import { ImageUri } from 'ecr-fp-ts'\nconsole.log(ImageUri.parse(process.argv[2] ?? ''))",
  Primitives: "import { isImageTag } from 'ecr-fp-ts/Primitives'\nconsole.log(isImageTag(process.argv[2]))",
  EcrError: "import { message, invalidArgument } from 'ecr-fp-ts/EcrError'\nconsole.log(message(invalidArgument(process.argv[2] ?? '')))",
  RegistryUri: "import { parse } from 'ecr-fp-ts/RegistryUri'\nconsole.log(parse(process.argv[2] ?? ''))",
  RepositoryUri: "import { parse } from 'ecr-fp-ts/RepositoryUri'\nconsole.log(parse(process.argv[2] ?? ''))",
  ImageUri: "import { parse } from 'ecr-fp-ts/ImageUri'\nconsole.log(parse(process.argv[2] ?? ''))",
  Manifest: "import { parse } from 'ecr-fp-ts/Manifest'\nconsole.log(parse(process.argv[2] ?? ''))",
  LifecyclePolicy: "import { toJson, fromRules, removeUntagged } from 'ecr-fp-ts/LifecyclePolicy'\nconsole.log(toJson(fromRules(removeUntagged())))",
  Env: "import { make } from 'ecr-fp-ts/Env'\nconsole.log(make({ ecr: { send: async () => ({}) }, accountId: '123456789012', region: 'us-east-1' }))",
  Registry: "import { listRepositories } from 'ecr-fp-ts/Registry'\nconsole.log(listRepositories())",
  Repository: "import { getImages } from 'ecr-fp-ts/Repository'\nconsole.log(getImages)",
  Image: "import { getConfig } from 'ecr-fp-ts/Image'\nconsole.log(getConfig)",
  resolve: "import { resolveImageUri } from 'ecr-fp-ts/resolve'\nconsole.log(resolveImageUri(process.argv[2] ?? ''))",
  replicate: "import { replicateImage } from 'ecr-fp-ts/replicate'\nconsole.log(replicateImage)",
  testing: "import { InMemoryEcr } from 'ecr-fp-ts/testing'\nconsole.log(InMemoryEcr.make())"
}

// The package check's program, word for word (scripts/check-package.mjs).
const BUDGET_URI = '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:v1.2.3'
const BUDGET_EXPECTED = { accountId: '123456789012', region: 'us-west-2', repositoryName: 'team/app', tag: 'v1.2.3' }
const budgetProgram = `import { parse, toRef } from 'ecr-fp-ts/ImageUri'
const r = parse(${JSON.stringify(BUDGET_URI)})
if (r._tag !== 'Right') { console.error(JSON.stringify(r)); process.exit(1) }
const { accountId, region, repositoryName, tag } = toRef(r.right)
console.log(JSON.stringify({ accountId, region, repositoryName, tag }))
`

/** Runs the bundle with node; true when it printed the expected parts. */
const runsAndParses = (text: Uint8Array): boolean => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-fp-ts-bundle-'))
  try {
    const file = path.join(dir, 'bundle.js')
    fs.writeFileSync(file, text)
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8' })
    const last = r.stdout.trim().split('\n').pop() ?? ''
    return r.status === 0 && last === JSON.stringify(BUDGET_EXPECTED)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

// -------------------------------------------------------------------------------------
// the suite
// -------------------------------------------------------------------------------------

export const run = async (overrides: Partial<Options> = {}, log: Log = silentLog): Promise<Result> => {
  const options: Options = { ...defaults(), ...overrides }
  const all = entries()
  if (options.from === 'dist') {
    const missing = all.filter((e) => !fs.existsSync(path.join(ROOT, e.esm)))
    if (missing.length > 0) throw new Error(`no ESM build for ${missing.map((e) => e.module).join(', ')}: run \`npm run build\` first`)
  }
  const wanted = options.modules.length === 0 ? all : all.filter((e) => options.modules.includes(e.module))
  const rows: Array<Row> = []
  for (const entry of wanted) {
    log(`bundle: ${entry.specifier}`)
    const whole = await bundle(`import * as X from '${entry.specifier}'\nconsole.log(Object.keys(X).length)\n`, options.from, all)
    const program = typicalPrograms[entry.module]
    const typical = program === undefined ? undefined : { program: program.split('\n')[0] ?? program, ...(await bundle(program, options.from, all)).result }
    rows.push({ module: entry.module, specifier: entry.specifier, whole: whole.result, ...(typical === undefined ? {} : { typical }) })
  }
  log('bundle: the ImageUri budget program')
  const b = await bundle(budgetProgram, options.from, all)
  return {
    benchmark: 'bundle',
    date: new Date().toISOString(),
    machine: machine(),
    esbuild: esbuildVersion,
    from: options.from,
    settings: 'esbuild: bundle, minify, tree-shaking, platform node, target node20 (the `module` condition picks the ESM build)',
    rows,
    budget: {
      module: 'ImageUri',
      program: "`parse` and `toRef` of 'ecr-fp-ts/ImageUri', the package check's program",
      ...b.result,
      limitBytes: IMAGE_URI_BUDGET_BYTES,
      withinBudget: b.result.bytes <= IMAGE_URI_BUDGET_BYTES,
      runs: runsAndParses(b.text)
    }
  }
}
