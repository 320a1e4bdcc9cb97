#!/usr/bin/env node
/**
 * Type-checks and runs a folder of JSDoc examples the way docs-ts does with `ts-node <dir>/index.ts`
 * (the folder's tsconfig.json, every example type-checked, then all run in one process, a failing
 * assertion failing the run), but fast: one TypeScript program for the type check and an esbuild
 * bundle run by node (scripts/ts-check.mjs) instead of ts-node's per-file language service.
 *
 * test/docs.test.ts puts a `ts-node` that calls this script first on docs-ts' PATH.
 * Usage: node scripts/run-examples.mjs <dir>/index.ts    (exit 0 when all type-check and pass)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { bundle, runNode, typeCheck } from './ts-check.mjs'

/** Checks and runs `index`; returns the exit code, writing diagnostics and output through `write` (stderr). */
export const main = async (index, write = (text) => process.stderr.write(text)) => {
  const entry = path.resolve(index)
  const dir = path.dirname(entry)
  const tsconfig = path.join(dir, 'tsconfig.json')
  const checked = typeCheck(tsconfig, { dir })
  if (!checked.ok) {
    write(checked.output)
    return 1
  }
  const out = mkdtempSync(path.join(dir, '.bundle-'))
  try {
    const bundled = await bundle([entry], tsconfig, out)
    if (!bundled.ok) {
      write(`${bundled.output}\n`)
      return 1
    }
    const run = await runNode(bundled.outputs[0] ?? '', { cwd: process.cwd() })
    if (run.code !== 0) write(run.output)
    return run.code === 0 ? 0 : 1
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const index = process.argv[2]
  if (index === undefined) {
    process.stderr.write('usage: node scripts/run-examples.mjs <dir>/index.ts\n')
    process.exitCode = 2
  } else
    main(index).then(
      (code) => {
        process.exitCode = code
      },
      (e) => {
        process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
        process.exitCode = 1
      }
    )
}
