import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import * as ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { main as runExamplesMain } from '../scripts/run-examples.mjs'

const root = path.resolve(__dirname, '..')

// -------------------------------------------------------------------------------------
// the JSDoc rules, checked on the source text
// -------------------------------------------------------------------------------------

/** Public modules: src/*.ts and everything under src/testing/ but its `internal/` folders (as in docs-ts.json). */
const publicModules = (): ReadonlyArray<string> => {
  const walk = (dir: string): ReadonlyArray<string> =>
    readdirSync(path.join(root, dir)).flatMap((name) => {
      const rel = path.join(dir, name)
      if (statSync(path.join(root, rel)).isDirectory()) return name === 'internal' ? [] : walk(rel)
      return rel.endsWith('.ts') ? [rel] : []
    })
  const top = readdirSync(path.join(root, 'src'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join('src', f))
  const testing = statSync(path.join(root, 'src', 'testing'), { throwIfNoEntry: false })?.isDirectory()
    ? walk(path.join('src', 'testing'))
    : []
  return [...top, ...testing].sort()
}

interface Exported {
  readonly name: string
  readonly kind: 'value' | 'type' | 'namespace'
  /** `export { /** doc *\/ name }`: docs-ts 0.8 documents it but does not run its examples */
  readonly specifier: boolean
  readonly doc: string | undefined
}

const isExported = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)

/** The last `/** ... *\/` block right before a node. */
const docOf = (text: string, node: ts.Node): string | undefined => {
  const blocks = (ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [])
    .map((r) => text.slice(r.pos, r.end))
    .filter((c) => c.startsWith('/**'))
  return blocks[blocks.length - 1]
}

const exportsOf = (file: string, text: string = readFileSync(path.join(root, file), 'utf8')): ReadonlyArray<Exported> => {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  return source.statements.flatMap((s): ReadonlyArray<Exported> => {
    if (ts.isExportDeclaration(s)) {
      const clause = s.exportClause
      if (clause === undefined) return [{ name: s.getText(), kind: 'namespace', specifier: false, doc: docOf(text, s) }]
      if (ts.isNamespaceExport(clause)) {
        return [{ name: clause.name.getText(), kind: 'namespace', specifier: false, doc: docOf(text, s) }]
      }
      // `export { /** doc *\/ a, /** doc *\/ b as c }`: each name carries its own JSDoc (docs-ts reads it there)
      return clause.elements.map((e) => ({
        name: e.name.getText(),
        kind: s.isTypeOnly || e.isTypeOnly ? ('type' as const) : ('value' as const),
        specifier: true,
        doc: docOf(text, e)
      }))
    }
    if (!isExported(s)) return []
    const doc = docOf(text, s)
    if (ts.isVariableStatement(s)) {
      return s.declarationList.declarations.map((d) => ({ name: d.name.getText(), kind: 'value' as const, specifier: false, doc }))
    }
    if (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) {
      return [{ name: s.name?.getText() ?? 'default', kind: 'value', specifier: false, doc }]
    }
    if (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) {
      return [{ name: s.name.getText(), kind: 'type', specifier: false, doc }]
    }
    return []
  })
}

/** The code of each `@example` of a JSDoc block, as docs-ts reads it (up to the next tag). */
const examplesOf = (doc: string): ReadonlyArray<string> => {
  const lines = doc
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
  const examples: Array<Array<string>> = []
  let current: Array<string> | undefined
  for (const line of lines) {
    if (/^@example\b/.test(line)) {
      current = [line.replace(/^@example\s*/, '')]
      examples.push(current)
    } else if (/^@\w+/.test(line)) current = undefined
    else current?.push(line)
  }
  return examples.map((e) => e.join('\n').trim()).filter((e) => e.length > 0)
}

const problemsOf = (file: string, text?: string): ReadonlyArray<string> =>
  exportsOf(file, text).flatMap(({ name, kind, doc }) => {
    const at = `${file}#${name}`
    if (doc === undefined) return [`${at}: no JSDoc block`]
    // docs-ts leaves out what is tagged @internal or @ignore
    if (/@(internal|ignore)\b/.test(doc)) return []
    const problems: Array<string> = []
    if (!/@since\s+\d+\.\d+\.\d+/.test(doc)) problems.push(`${at}: no @since`)
    if (!/@category\s+\S/.test(doc)) problems.push(`${at}: no @category`)
    // every function and constant needs an example that asserts; on a type or an options interface an
    // example is optional (its fields are documented instead), but one that is there must assert;
    // `export * as X` namespaces are covered by their module's own docs
    if (kind !== 'namespace') {
      const examples = examplesOf(doc)
      if (examples.length === 0) {
        if (kind === 'value') problems.push(`${at}: no @example`)
      } else if (!examples.every((e) => /\bassert\.\w+\(/.test(e))) problems.push(`${at}: an @example asserts nothing`)
    }
    return problems
  })

describe('JSDoc of the public modules', () => {
  it('finds the public modules', () => {
    const modules = publicModules()
    expect(modules).toContain(path.join('src', 'index.ts'))
    expect(modules).toContain(path.join('src', 'EcrError.ts'))
    expect(modules.some((m) => m.includes('internal') || m.includes(`${path.sep}cli${path.sep}`))).toBe(false)
  })

  it('reads exports and their JSDoc, and flags what is missing', () => {
    const text = [
      '/**',
      ' * @category utils',
      ' * @since 0.1.0',
      ' * @example',
      " * import { one } from 'ecr-fp-ts/X'",
      ' *',
      ' * assert.strictEqual(one, 1)',
      ' */',
      'export const one = 1',
      '/**',
      ' * @category utils',
      ' * @since 0.1.0',
      ' * @example',
      ' * const two = 2',
      ' */',
      'export function two() { return 2 }',
      '/** @internal */',
      'export const hidden = 0',
      '/** @since 0.1.0 */',
      'export interface Three { readonly n: 3 }',
      'const four_ = 4',
      'export {',
      '  /**',
      '   * @category utils',
      '   * @since 0.1.0',
      '   */',
      '  four_ as four',
      '}'
    ].join('\n')
    const found = exportsOf('src/X.ts', text)
    expect(found.map((e) => [e.name, e.kind, e.specifier])).toEqual([
      ['one', 'value', false],
      ['two', 'value', false],
      ['hidden', 'value', false],
      ['Three', 'type', false],
      ['four', 'value', true]
    ])
    expect(examplesOf(found[0]?.doc ?? '')).toEqual(["import { one } from 'ecr-fp-ts/X'\n\nassert.strictEqual(one, 1)"])
    expect(problemsOf('src/X.ts', text)).toEqual([
      'src/X.ts#two: an @example asserts nothing',
      'src/X.ts#Three: no @category',
      'src/X.ts#four: no @example'
    ])
  })

  it('every export has @since, @category and an @example that asserts', () => {
    const problems = publicModules().flatMap((file) => problemsOf(file))
    expect(problems).toEqual([])
  })
})

// -------------------------------------------------------------------------------------
// docs-ts: generates docs/ and runs every @example (a failing assertion fails the run)
// -------------------------------------------------------------------------------------

const run = (
  command: string,
  args: ReadonlyArray<string>,
  env: NodeJS.ProcessEnv = {}
): Promise<{ readonly code: number | null; readonly output: string }> =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0', ...env } })
    let output = ''
    child.stdout.on('data', (b: Buffer) => (output += b.toString()))
    child.stderr.on('data', (b: Buffer) => (output += b.toString()))
    child.on('error', (e) => resolve({ code: null, output: String(e) }))
    child.on('close', (code) => resolve({ code, output }))
  })

/**
 * docs-ts type-checks and runs the examples with `ts-node docs/examples/index.ts`, found on PATH; ts-node
 * checks file by file (minutes here). A `ts-node` first on PATH hands the folder to scripts/run-examples.mjs:
 * the same type check (one TypeScript program, the folder's tsconfig) and the same run (all examples in one
 * node process), in seconds.
 */
const fastTsNode = (): string => {
  const dir = path.join(root, '.tmp', `docs-ts-bin-${process.pid}`)
  mkdirSync(dir, { recursive: true })
  const shim = path.join(dir, 'ts-node')
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${path.join(root, 'scripts', 'run-examples.mjs')}" "$@"\n`, { mode: 0o755 })
  return dir
}

describe('the examples runner (scripts/run-examples.mjs)', () => {
  const runExamples = async (examples: Readonly<Record<string, string>>) => {
    const dir = path.join(root, '.tmp', `examples-fixture-${process.pid}-${Math.random().toString(36).slice(2)}`)
    mkdirSync(dir, { recursive: true })
    try {
      for (const [name, code] of Object.entries(examples)) writeFileSync(path.join(dir, `${name}.ts`), code)
      writeFileSync(path.join(dir, 'index.ts'), Object.keys(examples).map((n) => `import './${n}'\n`).join(''))
      writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs', types: ['node'] } }))
      // in this process: the three runs share the parsed library files (scripts/ts-check.mjs)
      let output = ''
      const code = await runExamplesMain(path.join(dir, 'index.ts'), (text: string) => (output += text))
      return { code, output }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const ok = "import * as assert from 'assert'\nassert.strictEqual(1 + 1, 2)\nexport {}\n"

  it('passes examples that type-check and assert true, fails a type error and a failing assertion', { timeout: 120_000 }, async () => {
    expect(await runExamples({ a: ok, b: ok })).toEqual({ code: 0, output: '' })
    const typeError = await runExamples({ a: ok, b: "export const n: number = 'one'\n" })
    expect(typeError).toEqual({ code: 1, output: expect.stringMatching(/b\.ts\(1,14\): error TS2322/) })
    const failing = await runExamples({ a: ok, b: "import * as assert from 'assert'\nPromise.resolve(2).then((n) => assert.strictEqual(n, 3))\nexport {}\n" })
    expect(failing).toEqual({ code: 1, output: expect.stringContaining('AssertionError') })
  })
})

describe('docs-ts', () => {
  it('generates the docs and every @example passes', { timeout: 600_000 }, async () => {
    const bin = fastTsNode()
    const { code, output } = await run(process.execPath, [path.join(root, 'node_modules', 'docs-ts', 'lib', 'bin.js')], {
      PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`
    })
    rmSync(bin, { recursive: true, force: true })
    // keep the report short: the failing lines, not docs-ts' debug log
    const report = output
      .split('\n')
      .filter((l) => !/\| (DEBUG|INFO) \|/.test(l))
      .slice(0, 60)
      .join('\n')
    expect({ code, report }).toEqual({ code: 0, report: expect.stringContaining('Docs generation succeeded') })
  })
})

// -------------------------------------------------------------------------------------
// examples docs-ts 0.8 skips: those on `export { /** doc */ name }` (e.g. `delete_ as delete`)
// -------------------------------------------------------------------------------------

/** The same import mapping docs-ts applies: `from 'ecr-fp-ts/X'` -> `from '../../src/X'`. */
const mapImports = (code: string): string =>
  code.replace(/from (['"])ecr-fp-ts(?:\/lib)?(?:\/(.*?))?\1/g, (_m, _q, sub: string | undefined) =>
    sub === undefined ? "from '../../src'" : `from '../../src/${sub}'`
  )

const specifierExamples = (): ReadonlyArray<{ readonly id: string; readonly code: string }> =>
  publicModules().flatMap((file) =>
    exportsOf(file)
      .filter((e) => e.specifier && e.doc !== undefined)
      .flatMap((e) =>
        examplesOf(e.doc ?? '').map((code, i) => ({
          id: `${file.replace(/[\\/.]/g, '-')}-${e.name}-${i}`,
          code: `${code.includes('assert.') ? "import * as assert from 'assert'\n" : ''}${mapImports(code)}\nexport {}\n`
        }))
      )
  )

describe('examples on re-exported names', () => {
  it('maps package imports to the sources like docs-ts', () => {
    expect(mapImports("import * as X from 'ecr-fp-ts/ImageUri'\nimport { A } from \"ecr-fp-ts\"")).toBe(
      "import * as X from '../../src/ImageUri'\nimport { A } from '../../src'"
    )
  })

  it('run, and pass', { timeout: 600_000 }, async () => {
    const examples = specifierExamples()
    const dir = path.join(root, '.tmp', 'reexport-examples')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    for (const { id, code } of examples) writeFileSync(path.join(dir, `${id}.ts`), code)
    writeFileSync(path.join(dir, 'index.ts'), examples.map(({ id }) => `import './${id}'\n`).join('') + 'export {}\n')
    const config = JSON.parse(readFileSync(path.join(root, 'docs-ts.json'), 'utf8')) as { examplesCompilerOptions?: unknown }
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: config.examplesCompilerOptions ?? {} }))
    // type-checked and run like docs-ts' own examples (see fastTsNode)
    const { code, output } = await run(process.execPath, [path.join(root, 'scripts', 'run-examples.mjs'), path.join(dir, 'index.ts')])
    expect({ code, output: output.split('\n').slice(0, 40).join('\n') }).toEqual({ code: 0, output: expect.any(String) })
    rmSync(dir, { recursive: true, force: true })
  })
})
