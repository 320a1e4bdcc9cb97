import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { extractBlocks, groupBlocks, main, mapDiagnostics, renderUnit } from '../scripts/check-guides.mjs'

const root = path.resolve(__dirname, '..')

// -------------------------------------------------------------------------------------
// extraction
// -------------------------------------------------------------------------------------

describe('extractBlocks', () => {
  it('finds fenced blocks with their language, flags and first code line', () => {
    const md = ['# Title', '', '```ts run', 'const a = 1', '```', 'prose', '```sh', 'npm i', '```', '~~~typescript continued', 'a', '~~~'].join('\n')
    expect(extractBlocks(md)).toEqual([
      { lang: 'ts', flags: ['run'], code: 'const a = 1', line: 4 },
      { lang: 'sh', flags: [], code: 'npm i', line: 8 },
      { lang: 'typescript', flags: ['continued'], code: 'a', line: 11 }
    ])
  })

  it('keeps a shorter fence inside a longer one as code', () => {
    const md = ['````md', '```ts', 'x', '```', '````'].join('\n')
    expect(extractBlocks(md)).toEqual([{ lang: 'md', flags: [], code: '```ts\nx\n```', line: 2 }])
  })

  it('removes the fence indentation from the code lines', () => {
    const md = ['- item', '', '  ```ts', '  const a = 1', '    nested', '  ```'].join('\n')
    expect(extractBlocks(md)).toEqual([{ lang: 'ts', flags: [], code: 'const a = 1\n  nested', line: 4 }])
  })

  const codeLine = fc.stringMatching(/^[a-z0-9 =;().'{}]{0,30}$/)
  const block = fc.record({
    lang: fc.constantFrom('ts', 'typescript', 'sh', 'text', 'python'),
    flags: fc.subarray(['run', 'continued']),
    lines: fc.array(codeLine, { maxLength: 5 })
  })
  const prose = fc.array(fc.stringMatching(/^[A-Za-z0-9 .,|#-]{0,40}$/), { maxLength: 3 })

  it('returns exactly the blocks a document was built from, with the line of their code (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(prose, block), { maxLength: 6 }), prose, (parts, tail) => {
        const lines: Array<string> = []
        const expected: Array<{ lang: string; flags: ReadonlyArray<string>; code: string; line: number }> = []
        for (const [text, b] of parts) {
          lines.push(...text)
          lines.push(['```' + b.lang, ...b.flags].join(' '))
          expected.push({ lang: b.lang, flags: b.flags, code: b.lines.join('\n'), line: lines.length + 1 })
          lines.push(...b.lines, '```')
        }
        lines.push(...tail)
        expect(extractBlocks(lines.join('\n'))).toEqual(expected)
      })
    )
  })
})

// -------------------------------------------------------------------------------------
// grouping and rendering
// -------------------------------------------------------------------------------------

describe('groupBlocks', () => {
  it('numbers ts blocks, joins continued ones to the previous module, and runs a module with a run block', () => {
    const md = ['```ts', 'a', '```', '```sh', 'x', '```', '```ts continued run', 'b', '```', '```typescript', 'c', '```'].join('\n')
    const { units, problems } = groupBlocks('g.md', extractBlocks(md))
    expect(problems).toEqual([])
    expect(units.map((u) => ({ blocks: u.blocks.map((b) => b.index), run: u.run }))).toEqual([
      { blocks: [1, 2], run: true },
      { blocks: [3], run: false }
    ])
  })

  it("reports a first block marked 'continued'", () => {
    const { problems } = groupBlocks('g.md', extractBlocks('```ts continued\na\n```'))
    expect(problems).toEqual(["g.md block 1 (line 2): 'continued' but no ts block before it"])
  })
})

describe('renderUnit', () => {
  it('maps every code line of the module back to the same text in the guide (property)', () => {
    const codeLine = fc.stringMatching(/^[a-z0-9 =;()]{0,20}$/)
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(codeLine, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.nat(3)), { minLength: 1, maxLength: 5 }),
        (spec) => {
          const lines: Array<string> = []
          spec.forEach(([code, continued, gap], i) => {
            lines.push(...Array.from({ length: gap }, () => 'prose'))
            lines.push(i > 0 && continued ? '```ts continued' : '```ts', ...code, '```')
          })
          const { units } = groupBlocks('g.md', extractBlocks(lines.join('\n')))
          for (const unit of units) {
            const { text, lineMap } = renderUnit(unit)
            const moduleLines = text.split('\n')
            lineMap.forEach((at, k) => {
              if (at !== undefined) expect(moduleLines[k]).toBe(lines[at.line - 1])
            })
            expect(lineMap.filter((at) => at !== undefined).length).toBe(unit.blocks.reduce((n, b) => n + b.code.split('\n').length, 0))
          }
        }
      )
    )
  })
})

describe('mapDiagnostics', () => {
  it("turns tsc's locations in a module into guide lines and blocks", () => {
    const { units } = groupBlocks('docs/guides/g.md', extractBlocks(['intro', '```ts', 'const a: number = 1', 'const b: string = a', '```'].join('\n')))
    const unit = units[0]
    if (unit === undefined) throw new Error('no unit')
    const file = path.join(root, '.tmp', 'x', 'g-block-01.ts')
    const files = new Map([[file, { ...unit, ...renderUnit(unit) }]])
    const output = [
      ".tmp/x/g-block-01.ts(3,7): error TS2322: Type 'number' is not assignable to type 'string'.",
      '  more detail',
      "src/Other.ts(1,1): error TS1000: elsewhere"
    ].join('\n')
    expect(mapDiagnostics(output, files)).toEqual([
      "docs/guides/g.md:4:7 (block 1): error TS2322: Type 'number' is not assignable to type 'string'.\n  more detail",
      'src/Other.ts(1,1): error TS1000: elsewhere'
    ])
  })
})

// -------------------------------------------------------------------------------------
// the script, end to end
// -------------------------------------------------------------------------------------

const withGuides = async (guides: Readonly<Record<string, string>>, argv: ReadonlyArray<string> = []) => {
  const dir = path.join(root, '.tmp', `guides-fixture-${process.pid}-${Math.random().toString(36).slice(2)}`)
  mkdirSync(dir, { recursive: true })
  try {
    for (const [name, text] of Object.entries(guides)) writeFileSync(path.join(dir, name), text)
    const lines: Array<string> = []
    const code = await main(['--dir', dir, ...argv], (l) => lines.push(l))
    return { code, output: lines.join('\n'), dir: path.relative(root, dir) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('check-guides', () => {
  it('fails on a type error, naming the guide, its line and the block', { timeout: 120_000 }, async () => {
    const guide = [
      '# A',
      '```ts',
      "import * as ImageUri from 'ecr-fp-ts/ImageUri'",
      'export const ok = ImageUri.parse("x")',
      '```',
      '```ts continued',
      'export const n: number = ok',
      '```'
    ].join('\n')
    const { code, output, dir } = await withGuides({ 'a.md': guide }, ['--no-run'])
    expect(code).toBe(1)
    expect(output).toContain(`${dir}/a.md:7:14 (block 2): error TS2322`)
  })

  it('runs the run blocks: a failing assertion fails the check, a passing one does not', { timeout: 120_000 }, async () => {
    const block = (expected: string) =>
      [
        '```ts run',
        "import * as ImageUri from 'ecr-fp-ts/ImageUri'",
        "import { InMemoryEcr } from 'ecr-fp-ts/testing'",
        "import * as assert from 'assert'",
        "import * as E from 'fp-ts/Either'",
        "const uri = ImageUri.parse('123456789012.dkr.ecr.us-west-2.amazonaws.com/app:v1')",
        "assert.ok(E.isRight(uri) && InMemoryEcr.make().region === 'us-east-1')",
        `Promise.resolve(E.map(ImageUri.toRef)(uri)).then((r) => assert.deepStrictEqual(E.map((x: { tag?: string }) => x.tag)(r), E.right('${expected}')))`,
        '```'
      ].join('\n')
    const passing = await withGuides({ 'ok.md': block('v1') })
    expect(passing).toEqual(expect.objectContaining({ code: 0 }))
    expect(passing.output).toContain('ran 1 runnable modules')
    const failing = await withGuides({ 'ok.md': block('v1'), 'bad.md': block('v2') })
    expect(failing.code).toBe(1)
    expect(failing.output).toContain(`${failing.dir}/bad.md block 1 (line 2): run exited with 1`)
    expect(failing.output).not.toContain('ok.md block')
  })

  it('type-checks every ts block of docs/guides and README.md and runs the runnable ones', { timeout: 600_000 }, async () => {
    const guides = readdirSync(path.join(root, 'docs', 'guides')).filter((f) => f.endsWith('.md'))
    const blocks = guides.flatMap((g) => extractBlocks(readFileSync(path.join(root, 'docs', 'guides', g), 'utf8')))
    expect(blocks.filter((b) => b.lang === 'ts').length).toBeGreaterThan(20)
    const lines: Array<string> = []
    const code = await main([], (l) => lines.push(l))
    expect({ code, output: lines.join('\n') }).toEqual({ code: 0, output: expect.stringContaining(`modules) of ${guides.length + 1} guides`) })
  })
})
