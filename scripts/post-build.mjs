#!/usr/bin/env node
// After `tsc -p tsconfig.esm.json`: points the ESM build's fp-ts and io-ts imports at their ES
// module builds (`fp-ts/Either` -> `fp-ts/es6/Either.js`, `io-ts` -> `io-ts/es6/index.js`), the way
// io-ts's own ES build imports fp-ts. A bundler then gets ES modules it can tree-shake whatever
// its main-field order: esbuild with `--platform=node` prefers a package's `main` (CommonJS) over
// its `module`, and would otherwise bundle all of fp-ts/lib/Either.js and io-ts/lib/index.js.
// Only bundlers read dist/esm (the `module` condition); Node loads dist/cjs, which keeps the
// plain subpaths.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './exports.mjs'

const ESM = join(ROOT, 'dist', 'esm')

// `from 'fp-ts/X'`, `import 'fp-ts/X'`, `import('fp-ts/X')`, and the same for io-ts (with or without a subpath)
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(fp-ts|io-ts)(?:\/([A-Za-z0-9_]+))?\2/g

export const rewrite = (code) =>
  code.replace(SPECIFIER, (_all, lead, quote, pkg, sub) => `${lead}${quote}${pkg}/es6/${sub ?? 'index'}.js${quote}`)

const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.js') ? [join(dir, d.name)] : []
  )

let changed = 0
for (const file of files(ESM)) {
  const before = readFileSync(file, 'utf8')
  const after = rewrite(before)
  if (after !== before) {
    writeFileSync(file, after)
    changed++
  }
}
console.log(`post-build: fp-ts/io-ts imports of ${changed} ESM file(s) point at their ES builds`)
