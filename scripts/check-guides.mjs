#!/usr/bin/env node
/**
 * Type-checks (and runs) the TypeScript in the hand-written guides, docs/guides/*.md, and in README.md.
 *
 * Every fenced block whose language is `ts` or `typescript` is checked; use another language
 * (`text`, `sh`, ...) for anything that is not meant to compile. Words after the language mark a block:
 *
 * - ```ts            an independent block: a module of its own.
 * - ```ts continued  appended to the previous ts block of the same guide (it sees that block's
 *                    imports and declarations); a chain of blocks is one module.
 * - ```ts run        also run after type-checking (bundled by esbuild, run by node), and must exit 0 (for blocks that need
 *                    no AWS account: the in-memory twin, pure functions). A chain runs when any of
 *                    its blocks says `run`.
 *
 * Modules are written to .tmp/guides-<pid>-<n>/ (removed when all is well) and checked, all in one
 * TypeScript program (scripts/ts-check.mjs), with the project's tsconfig (strict, with `paths`
 * mapping `ecr-fp-ts` and `ecr-fp-ts/*` to src/). Packages the project does not depend on, used by
 * the Lambda and CDK guide (`aws-cdk-lib`, `constructs`), are declared by small stubs written next
 * to the modules, following the real signatures of the calls the guides make.
 *
 * Usage: node scripts/check-guides.mjs [--no-run] [--dir docs/guides] [guide.md ...]
 * (no guide and no --dir: docs/guides/*.md and README.md)
 * Exits 0 when every block type-checks and every run block exits 0; else 1, naming guide and block.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { bundle, runNode, typeCheck } from './ts-check.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

// -------------------------------------------------------------------------------------
// extraction (pure)
// -------------------------------------------------------------------------------------

const OPEN = /^(\s{0,3})(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/

/**
 * The fenced code blocks of a Markdown text: `{ lang, flags, code, line }`, where `line` is the
 * 1-based line of the first line of code (the one after the opening fence). Blocks of every
 * language are returned; an unclosed fence runs to the end of the text.
 */
export const extractBlocks = (markdown) => {
  const lines = markdown.split(/\r?\n/)
  const blocks = []
  let i = 0
  while (i < lines.length) {
    const m = OPEN.exec(lines[i])
    if (m === null) {
      i++
      continue
    }
    const [, indent, fence, lang, rest] = m
    const close = new RegExp(`^\\s{0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`)
    const body = []
    let j = i + 1
    while (j < lines.length && !close.test(lines[j])) {
      const l = lines[j]
      // a fence indented by n spaces removes up to n spaces from each content line (CommonMark)
      body.push(indent.length > 0 ? l.replace(new RegExp(`^ {0,${indent.length}}`), '') : l)
      j++
    }
    blocks.push({
      lang: lang.toLowerCase(),
      flags: rest.split(/[\s,]+/).filter((w) => w.length > 0),
      code: body.join('\n'),
      line: i + 2
    })
    i = j + 1
  }
  return blocks
}

const isTs = (b) => b.lang === 'ts' || b.lang === 'typescript'

/**
 * The TypeScript blocks of one guide grouped into modules: a block marked `continued` joins the
 * module of the block before it. Each block is numbered (1-based, among the guide's ts blocks).
 * Returns `{ units, problems }`; a `continued` first block is a problem.
 */
export const groupBlocks = (guide, blocks) => {
  const units = []
  const problems = []
  let n = 0
  for (const b of blocks.filter(isTs)) {
    n++
    const block = { ...b, index: n }
    if (b.flags.includes('continued')) {
      const last = units[units.length - 1]
      if (last === undefined) {
        problems.push(`${guide} block ${n} (line ${b.line}): 'continued' but no ts block before it`)
        units.push({ guide, blocks: [block] })
      } else last.blocks.push(block)
    } else units.push({ guide, blocks: [block] })
  }
  return {
    units: units.map((u) => ({ ...u, run: u.blocks.some((b) => b.flags.includes('run')) })),
    problems
  }
}

/**
 * The module text of a unit and the guide line of each of its lines (`lineMap[k]` is the guide
 * line of module line k + 1, or undefined for lines the checker added).
 */
export const renderUnit = (unit) => {
  const out = []
  const lineMap = []
  for (const b of unit.blocks) {
    out.push(`// ${unit.guide}, block ${b.index} (line ${b.line})`)
    lineMap.push(undefined)
    b.code.split('\n').forEach((l, k) => {
      out.push(l)
      lineMap.push({ line: b.line + k, block: b.index })
    })
  }
  out.push('export {}')
  lineMap.push(undefined)
  return { text: `${out.join('\n')}\n`, lineMap }
}

const DIAGNOSTIC = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/

/**
 * tsc's `--pretty false` output turned into guide locations: each `file(line,col): error TSn: msg`
 * of a unit's module becomes `guide:line:col (block n): error TSn: msg`; lines about other files
 * (the library itself) are kept as they are; continuation lines follow their diagnostic.
 */
export const mapDiagnostics = (output, files) => {
  const messages = []
  for (const raw of output.split(/\r?\n/)) {
    if (raw.trim() === '') continue
    const m = DIAGNOSTIC.exec(raw)
    if (m === null) {
      if (messages.length > 0) messages[messages.length - 1] += `\n${raw}`
      else messages.push(raw)
      continue
    }
    const [, file, line, col, severity, code, text] = m
    const unit = files.get(path.resolve(root, file))
    const at = unit?.lineMap[Number(line) - 1]
    if (unit === undefined) messages.push(raw)
    else if (at === undefined) messages.push(`${unit.guide} (module of block ${unit.blocks[0].index}): ${severity} ${code}: ${text}`)
    else messages.push(`${unit.guide}:${at.line}:${col} (block ${at.block}): ${severity} ${code}: ${text}`)
  }
  return messages
}

// -------------------------------------------------------------------------------------
// stubs of packages the project does not depend on
// -------------------------------------------------------------------------------------

/** Only what the guides call, with the signatures of aws-cdk-lib v2 and constructs v10. */
const STUBS = `declare module 'constructs' {
  export class Construct {
    constructor(scope: Construct, id: string)
  }
}
declare module 'aws-cdk-lib' {
  import { Construct } from 'constructs'
  export interface StackProps {
    readonly env?: { readonly account?: string; readonly region?: string }
  }
  export class App extends Construct {
    constructor()
    synth(): unknown
  }
  export class Stack extends Construct {
    constructor(scope?: Construct, id?: string, props?: StackProps)
  }
  export class CfnOutput extends Construct {
    constructor(scope: Construct, id: string, props: { readonly value: string })
  }
  export * as aws_ecr from 'aws-cdk-lib/aws-ecr'
  export * as aws_lambda from 'aws-cdk-lib/aws-lambda'
}
declare module 'aws-cdk-lib/aws-ecr' {
  import { Construct } from 'constructs'
  export interface IRepository {
    readonly repositoryName: string
    readonly repositoryArn: string
    readonly repositoryUri: string
    repositoryUriForTag(tag?: string): string
    repositoryUriForDigest(digest?: string): string
    repositoryUriForTagOrDigest(tagOrDigest?: string): string
  }
  export interface RepositoryAttributes {
    readonly repositoryName: string
    readonly repositoryArn: string
  }
  export class Repository extends Construct implements IRepository {
    static fromRepositoryName(scope: Construct, id: string, repositoryName: string): IRepository
    static fromRepositoryArn(scope: Construct, id: string, repositoryArn: string): IRepository
    static fromRepositoryAttributes(scope: Construct, id: string, attrs: RepositoryAttributes): IRepository
    readonly repositoryName: string
    readonly repositoryArn: string
    readonly repositoryUri: string
    repositoryUriForTag(tag?: string): string
    repositoryUriForDigest(digest?: string): string
    repositoryUriForTagOrDigest(tagOrDigest?: string): string
  }
}
declare module 'aws-cdk-lib/aws-lambda' {
  import { Construct } from 'constructs'
  import { IRepository } from 'aws-cdk-lib/aws-ecr'
  export interface EcrImageCodeProps {
    readonly tagOrDigest?: string
    readonly cmd?: string[]
  }
  export abstract class DockerImageCode {
    static fromEcr(repository: IRepository, props?: EcrImageCodeProps): DockerImageCode
  }
  export interface DockerImageFunctionProps {
    readonly code: DockerImageCode
    readonly memorySize?: number
  }
  export class DockerImageFunction extends Construct {
    constructor(scope: Construct, id: string, props: DockerImageFunctionProps)
  }
}
`

// -------------------------------------------------------------------------------------
// running
// -------------------------------------------------------------------------------------

const parseArgs = (argv) => {
  const options = { run: true, dir: path.join(root, 'docs', 'guides'), readme: true, guides: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--no-run') options.run = false
    else if (a === '--dir') {
      options.dir = path.resolve(argv[++i] ?? '')
      options.readme = false
    }
    else options.guides.push(path.resolve(a))
  }
  return options
}

let runs = 0

/** Checks the guides; returns the exit code, reporting through `log` (lines). */
export const main = async (argv, log = (line) => process.stdout.write(`${line}\n`)) => {
  const options = parseArgs(argv)
  const guides =
    options.guides.length > 0
      ? options.guides
      : readdirSync(options.dir)
          .filter((f) => f.endsWith('.md'))
          .sort()
          .map((f) => path.join(options.dir, f))
          .concat(options.readme ? [path.join(root, 'README.md')] : [])
  const work = path.join(root, '.tmp', `guides-${process.pid}-${++runs}`)
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })

  const problems = []
  const files = new Map()
  const units = []
  for (const file of guides) {
    const guide = path.relative(root, file).split(path.sep).join('/')
    const grouped = groupBlocks(guide, extractBlocks(readFileSync(file, 'utf8')))
    problems.push(...grouped.problems)
    for (const unit of grouped.units) {
      const name = `${path.basename(file, '.md')}-block-${String(unit.blocks[0].index).padStart(2, '0')}.ts`
      const rendered = renderUnit(unit)
      const out = path.join(work, name)
      writeFileSync(out, rendered.text)
      const entry = { ...unit, ...rendered, file: out }
      files.set(out, entry)
      units.push(entry)
    }
  }
  if (units.length === 0) {
    log('no ts blocks found')
    return problems.length === 0 ? 0 : 1
  }
  writeFileSync(path.join(work, 'stubs.d.ts'), STUBS)
  writeFileSync(
    path.join(work, 'tsconfig.json'),
    JSON.stringify({ extends: '../../tsconfig.json', include: ['*.ts'] }, null, 2)
  )

  const tsconfig = path.join(work, 'tsconfig.json')
  const tsc = typeCheck(tsconfig, { cwd: root })
  if (!tsc.ok) problems.push(...mapDiagnostics(tsc.output, files))
  if (!tsc.ok && problems.length === 0) problems.push(`tsc failed: ${tsc.output.trim()}`)
  const checked = units.reduce((n, u) => n + u.blocks.length, 0)
  log(`type-checked ${checked} blocks (${units.length} modules) of ${guides.length} guides`)

  if (options.run && tsc.ok) {
    const runnable = units.filter((u) => u.run)
    const bundled = await bundle(
      runnable.map((u) => u.file),
      tsconfig,
      path.join(work, 'out')
    )
    if (!bundled.ok) problems.push(`esbuild failed: ${bundled.output}`)
    const failures = new Array(runnable.length)
    let next = 0
    const worker = async () => {
      while (next < bundled.outputs.length) {
        const i = next++
        const u = runnable[i]
        const r = await runNode(bundled.outputs[i], { cwd: root, timeoutMs: 120_000 })
        if (r.code !== 0)
          failures[i] = `${u.guide} block ${u.blocks[0].index} (line ${u.blocks[0].line}): run exited with ${r.code}\n${r.output
            .trim()
            .split('\n')
            .slice(0, 30)
            .join('\n')}`
      }
    }
    // a few at a time: each is a process of its own
    await Promise.all(Array.from({ length: Math.max(1, Math.min(4, cpus().length)) }, worker))
    problems.push(...failures.filter((f) => f !== undefined))
    log(`ran ${bundled.outputs.length} runnable modules`)
  }

  for (const p of problems) log(p)
  if (problems.length === 0) rmSync(work, { recursive: true, force: true })
  return problems.length === 0 ? 0 : 1
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (e) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
      process.exitCode = 1
    }
  )
}
