/**
 * Type-checks a folder of generated TypeScript modules (guide snippets, JSDoc examples) in ONE
 * program of the TypeScript API, and runs them without a TypeScript loader: esbuild bundles them
 * (the library sources inlined, packages left to `require`) and plain `node` runs the bundle.
 *
 * Only the folder's own files are checked: the library sources they import are checked by
 * `npm run typecheck`, and the checker resolves what the modules use from them lazily, which is
 * much cheaper than checking every file of the program. Parsed (and bound) source files of the
 * library and of node_modules are cached in the process, so a second check (another folder, same
 * files) skips parsing them again.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import ts from 'typescript'

/** fileName -> { text, languageVersion, sourceFile } */
const cache = new Map()

const cachingHost = (options) => {
  const host = ts.createCompilerHost(options, true)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const key = path.resolve(fileName)
    let text
    try {
      text = readFileSync(key, 'utf8')
    } catch {
      return getSourceFile(fileName, languageVersion, onError, shouldCreate)
    }
    const version = JSON.stringify(languageVersion)
    const hit = cache.get(key)
    if (hit !== undefined && hit.text === text && hit.version === version) return hit.sourceFile
    const sourceFile = getSourceFile(fileName, languageVersion, onError, shouldCreate)
    if (sourceFile !== undefined) cache.set(key, { text, version, sourceFile })
    return sourceFile
  }
  return host
}

/**
 * Type-checks the TypeScript files of the program of `tsconfig` that are under `dir`. Returns
 * `{ ok, output }`: `output` is in tsc's `--pretty false` format (`file(line,col): error TSn: msg`,
 * paths relative to `cwd`).
 */
export const typeCheck = (tsconfig, { dir = path.dirname(tsconfig), cwd = process.cwd() } = {}) => {
  const configErrors = []
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, { noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => configErrors.push(d)
  })
  const format = (diagnostics) =>
    ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => cwd,
      getNewLine: () => '\n'
    })
  if (parsed === undefined) return { ok: false, output: format(configErrors) }
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host: cachingHost(parsed.options) })
  const under = path.resolve(dir) + path.sep
  const own = program.getSourceFiles().filter((f) => path.resolve(f.fileName).startsWith(under))
  const diagnostics = [
    ...parsed.errors,
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...own.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])
  ].filter((d) => d.category === ts.DiagnosticCategory.Error)
  return { ok: diagnostics.length === 0, output: format(diagnostics) }
}

/**
 * Bundles each entry module into `outdir` (CommonJS, `paths` of `tsconfig` honoured, packages
 * external, source maps inline, every imported module kept). Returns `{ ok, output, outputs }`, `outputs[i]` the bundle of `entries[i]`.
 */
export const bundle = async (entries, tsconfig, outdir) => {
  const esbuild = await import('esbuild')
  try {
    await esbuild.build({
      entryPoints: entries,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      outdir,
      outbase: path.dirname(entries[0] ?? tsconfig),
      tsconfig,
      // the package says "sideEffects": false, which would let esbuild drop `import './example'`
      // (an index of examples is nothing but such imports): run every module that is imported
      ignoreAnnotations: true,
      logLevel: 'silent'
    })
  } catch (e) {
    return { ok: false, output: e instanceof Error ? e.message : String(e), outputs: [] }
  }
  return {
    ok: true,
    output: '',
    outputs: entries.map((e) => path.join(outdir, `${path.basename(e, path.extname(e))}.js`))
  }
}

/** Runs `node` (with source maps) on a script: `{ code, output }`, killed after `timeoutMs`. */
export const runNode = (script, { cwd = process.cwd(), timeoutMs } = {}) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', script], {
      cwd,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (b) => (output += b.toString()))
    child.stderr.on('data', (b) => (output += b.toString()))
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            output += `\n(timed out after ${timeoutMs} ms)`
            child.kill('SIGKILL')
          }, timeoutMs)
    child.on('error', (e) => resolve({ code: null, output: String(e) }))
    child.on('close', (code) => {
      if (timer !== undefined) clearTimeout(timer)
      resolve({ code, output })
    })
  })
