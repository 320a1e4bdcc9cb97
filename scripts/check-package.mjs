#!/usr/bin/env node
// Checks the published shape of the package, from the tarball `npm pack` makes of the current build:
//   - Node CJS `require('ecr-fp-ts/ImageUri')` and Node ESM `import { parse } from 'ecr-fp-ts/ImageUri'`
//     load (the CJS build) and parse a URI;
//   - the root entry loads without fast-check (an optional peer dependency), and with it installed
//     `ecr-fp-ts/arbitraries` loads from Node CJS and ESM and its URIs parse;
//   - esbuild bundles that import (`--bundle --minify --platform=node`) from the ESM build, in at most
//     10 KB and without AWS SDK code, and the bundle parses a URI;
//   - esbuild bundles `import { getConfig } from 'ecr-fp-ts/Image'` without undici (only streamed
//     blob transfers, in replicate, need it) and without @aws-sdk/client-sts, and the bundle loads;
//   - publint and attw (Are the Types Wrong?) report no errors;
//   - `engines.node` is the documented `>=20`, the Node running this check satisfies it, and .ci/run
//     tests that lowest major and the two current ones (22, 24).
// The tarball is unpacked into a scratch folder whose node_modules links the package's dependencies to
// this project's node_modules: fast, offline, and a dependency missing from package.json still fails.
// Every check prints `ok <name>` or `FAIL <name>: ...`; the last line is
// `package checks: N passed, M failed` and the exit code is non-zero on any failure.
// Run `npm run build` first (`npm run check:package` does both).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { ROOT } from './exports.mjs'

const MAX_BUNDLE_BYTES = 10 * 1024
// Node 20 (end of life since April 2026) stays supported while the pinned AWS SDK supports it: see README, Requirements
const ENGINES_NODE = '>=20'
const LOWEST_MAJOR = 20
const URI = '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:v1.2.3'
const EXPECTED = { accountId: '123456789012', region: 'us-west-2', repositoryName: 'team/app', tag: 'v1.2.3' }

let passed = 0
let failed = 0
const ok = (name) => {
  passed++
  console.log(`ok ${name}`)
}
const fail = (name, why) => {
  failed++
  console.log(`FAIL ${name}: ${String(why).trim().split('\n').slice(0, 30).join('\n  ')}`)
}
const check = async (name, body) => {
  try {
    const why = await body()
    if (why === undefined) ok(name)
    else fail(name, why)
  } catch (e) {
    fail(name, e instanceof Error ? e.message : e)
  }
}

const bin = (name) => join(ROOT, 'node_modules', '.bin', name)

/** Runs a command; returns undefined on exit 0, else its output as the reason. */
const runOk = (command, args, options = {}) => {
  const r = spawnSync(command, args, { encoding: 'utf8', ...options, env: { ...process.env, FORCE_COLOR: '0', ...options.env } })
  if (r.error) return r.error.message
  return r.status === 0 ? undefined : `exit ${r.status}\n${r.stdout}\n${r.stderr}`
}

/** The program printed the parts of URI as JSON on its last line. */
const parsesUri = (command, args, cwd) => {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' })
  if (r.status !== 0) return `exit ${r.status}: ${r.stderr || r.stdout}`
  const last = r.stdout.trim().split('\n').pop() ?? ''
  const got = JSON.parse(last)
  return JSON.stringify(got) === JSON.stringify(EXPECTED) ? undefined : `printed ${last}`
}

// A program that parses URI with the package and prints the parts (or fails).
const program = (importLine) => `${importLine}
const r = parse(${JSON.stringify(URI)})
if (r._tag !== 'Right') { console.error(JSON.stringify(r)); process.exit(1) }
const { accountId, region, repositoryName, tag } = toRef(r.right)
console.log(JSON.stringify({ accountId, region, repositoryName, tag }))
`

const main = async () => {
  if (!existsSync(join(ROOT, 'dist', 'cjs', 'index.js'))) {
    fail('build', 'dist/ is missing: run `npm run build` first')
    return
  }
  await check('engines.node', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    const engines = pkg.engines?.node
    if (engines !== ENGINES_NODE) return `engines.node is ${JSON.stringify(engines)}, documented: ${JSON.stringify(ENGINES_NODE)}`
    const major = Number(process.versions.node.split('.')[0])
    if (major < LOWEST_MAJOR) return `running on Node ${process.versions.node}, below ${ENGINES_NODE}`
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8')
    const tested = ['20', '22', '24'].filter((m) => ci.includes(`test (node ${m})`) || new RegExp(`for major in [\\d ]*\\b${m}\\b`).test(ci))
    return tested.length === 3 ? undefined : `.ci/run tests Node ${tested.join(', ')}; expected 20, 22 and 24`
  })
  await check('exports map matches src/', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'exports.mjs'), '--check'], { encoding: 'utf8' })
    return r.status === 0 ? undefined : r.stdout
  })

  const scratch = mkdtempSync(join(tmpdir(), 'ecr-fp-ts-pack-'))
  try {
    // npm pack
    let tarball
    await check('npm pack', () => {
      const out = execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe']
      })
      const info = JSON.parse(out)[0]
      tarball = join(scratch, info.filename)
      const files = info.files.map((f) => f.path)
      const unexpected = files.filter((f) => !/^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(f))
      if (unexpected.length > 0) return `unexpected files in the tarball: ${unexpected.join(', ')}`
      for (const must of ['dist/cjs/index.js', 'dist/esm/index.js', 'dist/types/index.d.ts', 'dist/cjs/cli/main.js', 'README.md', 'LICENSE']) {
        if (!files.includes(must)) return `${must} is not in the tarball`
      }
      return undefined
    })
    if (tarball === undefined) return

    // install: unpack into node_modules/ecr-fp-ts, link the declared dependencies
    const app = join(scratch, 'app')
    const installed = join(app, 'node_modules', 'ecr-fp-ts')
    await check('install the tarball', () => {
      mkdirSync(installed, { recursive: true })
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }))
      const why = runOk('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'])
      if (why !== undefined) return why
      const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))
      for (const dep of Object.keys(pkg.dependencies ?? {})) {
        const target = join(ROOT, 'node_modules', dep)
        if (!existsSync(target)) return `dependency ${dep} is not installed in the project`
        const link = join(app, 'node_modules', dep)
        mkdirSync(dirname(link), { recursive: true })
        symlinkSync(target, link, 'dir')
      }
      return undefined
    })

    await check('bin has its shebang', () => {
      const text = readFileSync(join(installed, 'dist', 'cjs', 'cli', 'main.js'), 'utf8')
      return text.startsWith('#!/usr/bin/env node\n') ? undefined : 'dist/cjs/cli/main.js does not start with #!/usr/bin/env node'
    })

    await check('node cjs: require(ecr-fp-ts/ImageUri) parses a URI', () => {
      writeFileSync(join(app, 'cjs.cjs'), program("const { parse, toRef } = require('ecr-fp-ts/ImageUri')"))
      return parsesUri(process.execPath, ['cjs.cjs'], app)
    })

    await check('node esm: import from ecr-fp-ts/ImageUri parses a URI', () => {
      writeFileSync(join(app, 'esm.mjs'), program("import { parse, toRef } from 'ecr-fp-ts/ImageUri'"))
      return parsesUri(process.execPath, ['esm.mjs'], app)
    })

    await check('node esm: the root entry has the namespaces', () => {
      writeFileSync(join(app, 'root.mjs'), program("import { ImageUri } from 'ecr-fp-ts'\nconst { parse, toRef } = ImageUri"))
      return parsesUri(process.execPath, ['root.mjs'], app)
    })

    // fast-check is an optional peer dependency: only ecr-fp-ts/arbitraries loads it
    await check('node cjs: the root entry loads without fast-check installed', () => {
      writeFileSync(
        join(app, 'no-peer.cjs'),
        [
          "let found = true; try { require.resolve('fast-check') } catch { found = false }",
          "if (found) { console.error('fast-check is resolvable from the app: the check proves nothing'); process.exit(1) }",
          "const { ImageUri } = require('ecr-fp-ts')",
          "let kit = 'loaded'; try { require('ecr-fp-ts/arbitraries') } catch (e) { kit = String(e && e.message) }",
          "if (!kit.includes('fast-check')) { console.error(`without fast-check, ecr-fp-ts/arbitraries: ${kit}`); process.exit(1) }",
          `const r = ImageUri.parse(${JSON.stringify(URI)})`,
          "if (r._tag !== 'Right') process.exit(1)",
          "const { accountId, region, repositoryName, tag } = ImageUri.toRef(r.right)",
          'console.log(JSON.stringify({ accountId, region, repositoryName, tag }))'
        ].join('\n')
      )
      return parsesUri(process.execPath, ['no-peer.cjs'], app)
    })

    // a program that samples image URIs with the kit and parses them with the package
    const kitProgram = (importLines) => `${importLines}
const uris = fc.sample(Arb.imageUri, { numRuns: 200, seed: 1 })
const bad = uris.filter((u) => ImageUri.parse(u)._tag !== 'Right').concat(fc.sample(Arb.invalid.imageUri, 200).filter((u) => ImageUri.parse(u)._tag !== 'Left'))
if (bad.length > 0) { console.error(JSON.stringify(bad.slice(0, 3))); process.exit(1) }
console.log('ok ' + uris.length)
`
    const kitRuns = (file) => {
      const r = spawnSync(process.execPath, [file], { cwd: app, encoding: 'utf8' })
      if (r.status !== 0) return `exit ${r.status}: ${r.stderr || r.stdout}`
      return r.stdout.trim().split('\n').pop() === 'ok 200' ? undefined : `printed ${r.stdout.trim()}`
    }
    await check('node cjs and esm: ecr-fp-ts/arbitraries with fast-check installed', () => {
      const peer = join(app, 'node_modules', 'fast-check')
      symlinkSync(join(ROOT, 'node_modules', 'fast-check'), peer, 'dir')
      try {
        writeFileSync(
          join(app, 'kit.cjs'),
          kitProgram("const fc = require('fast-check')\nconst Arb = require('ecr-fp-ts/arbitraries')\nconst ImageUri = require('ecr-fp-ts/ImageUri')")
        )
        writeFileSync(
          join(app, 'kit.mjs'),
          kitProgram("import fc from 'fast-check'\nimport * as Arb from 'ecr-fp-ts/arbitraries'\nimport * as ImageUri from 'ecr-fp-ts/ImageUri'")
        )
        return kitRuns('kit.cjs') ?? kitRuns('kit.mjs')
      } finally {
        rmSync(peer, { force: true })
      }
    })

    await check('bundle: esbuild, ImageUri only, <= 10 KB, no AWS SDK, runs', async () => {
      const esbuild = await import('esbuild')
      writeFileSync(join(app, 'entry.mjs'), program("import { parse, toRef } from 'ecr-fp-ts/ImageUri'"))
      const result = await esbuild.build({
        absWorkingDir: app,
        entryPoints: ['entry.mjs'],
        outfile: 'bundle.js',
        bundle: true,
        minify: true,
        platform: 'node',
        metafile: true,
        logLevel: 'silent'
      })
      const inputs = Object.keys(result.metafile.inputs)
      const sdk = inputs.filter((i) => i.includes('@aws-sdk') || i.includes('@smithy'))
      if (sdk.length > 0) return `the bundle has AWS SDK code: ${sdk.slice(0, 5).join(', ')}`
      if (!inputs.some((i) => i.includes('ecr-fp-ts/dist/esm/'))) return `esbuild did not use the ESM build: ${inputs.join(', ')}`
      const text = readFileSync(join(app, 'bundle.js'), 'utf8')
      if (text.includes('@aws-sdk')) return 'the bundle mentions @aws-sdk'
      const bytes = Buffer.byteLength(text)
      console.log(`  bundle size: ${bytes} bytes (limit ${MAX_BUNDLE_BYTES})`)
      if (bytes > MAX_BUNDLE_BYTES) {
        const output = Object.values(result.metafile.outputs)[0]
        const biggest = Object.entries(output?.inputs ?? {})
          .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
          .slice(0, 6)
          .map(([f, i]) => `${f.replace(/^.*node_modules\//, '')} ${i.bytesInOutput} B`)
        return `${bytes} bytes > ${MAX_BUNDLE_BYTES}; what takes the room: ${biggest.join(', ')}`
      }
      return parsesUri(process.execPath, ['bundle.js'], app)
    })

    // Reading an image's config (a Lambda's typical job) must not bundle undici (~525 KB) or the STS
    // client: Env's default fetch is Node's built-in one, and STS is only for Env.fromDefaults.
    await check('bundle: esbuild, Image getConfig, no undici, no @aws-sdk/client-sts, loads', async () => {
      const esbuild = await import('esbuild')
      writeFileSync(join(app, 'config.mjs'), "import { getConfig } from 'ecr-fp-ts/Image'\nconsole.log(typeof getConfig)\n")
      const result = await esbuild.build({
        absWorkingDir: app,
        entryPoints: ['config.mjs'],
        outfile: 'config.bundle.js',
        bundle: true,
        minify: true,
        platform: 'node',
        metafile: true,
        logLevel: 'silent'
      })
      const output = Object.values(result.metafile.outputs)[0]
      const inputs = Object.entries(output?.inputs ?? {})
        .filter(([, info]) => info.bytesInOutput > 0)
        .map(([input]) => input)
      if (!inputs.some((i) => i.includes('ecr-fp-ts/dist/esm/'))) return `esbuild did not use the ESM build: ${inputs.slice(0, 10).join(', ')}`
      const undici = inputs.filter((i) => /node_modules\/undici\//.test(i))
      if (undici.length > 0) return `the bundle has undici code: ${undici.slice(0, 5).join(', ')}`
      const sts = inputs.filter((i) => i.includes('@aws-sdk/client-sts'))
      if (sts.length > 0) return `the bundle has STS client code: ${sts.slice(0, 5).join(', ')}`
      const bytes = readFileSync(join(app, 'config.bundle.js')).byteLength
      const sdk = Object.entries(output?.inputs ?? {})
        .filter(([i]) => i.includes('@aws-sdk') || i.includes('@smithy'))
        .reduce((n, [, info]) => n + info.bytesInOutput, 0)
      // @aws-sdk/client-ecr is expected: getConfig asks ECR for the login and the manifest
      console.log(`  bundle size: ${bytes} bytes (of which AWS SDK: ${sdk} bytes)`)
      const r = spawnSync(process.execPath, ['config.bundle.js'], { cwd: app, encoding: 'utf8' })
      if (r.status !== 0) return `the bundle does not load: exit ${r.status}: ${r.stderr || r.stdout}`
      return r.stdout.trim().split('\n').pop() === 'function' ? undefined : `printed ${r.stdout.trim()}`
    })

    await check('publint', () => {
      const r = spawnSync(bin('publint'), ['run', tarball, '--level', 'warning'], { encoding: 'utf8' })
      const out = `${r.stdout}${r.stderr}`
      if (r.status !== 0) return out
      if (/^\s*Errors:/m.test(out)) return out
      if (/^\s*Warnings:/m.test(out)) return out
      return undefined
    })

    // attw's default (strict) profile: node10, node16 (CJS and ESM importers) and bundler resolution.
    // No rule is ignored.
    await check('attw', () => runOk(bin('attw'), [tarball, '--format', 'ascii', '--no-emoji', '--no-color']))
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

await main()
console.log(`package checks: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
