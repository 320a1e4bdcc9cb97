#!/usr/bin/env node
// The package's entry points, generated from one list of public modules.
//
//   node scripts/exports.mjs --write   rewrite package.json (exports, typesVersions, main, module, types)
//   node scripts/exports.mjs --check   exit 1 when package.json or src/index.ts is out of step with src/
//
// A module of MODULES is published only once its source exists (src/<M>.ts or src/<M>/index.ts).
// --check also reports a public-looking source (src/*.ts, src/*/index.ts outside internal/ and cli/)
// that is not in MODULES, and a module that src/index.ts does not re-export.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Public modules, in the order they are listed in package.json. */
export const MODULES = [
  'Primitives',
  'EcrError',
  'RegistryUri',
  'RepositoryUri',
  'ImageUri',
  'Manifest',
  'Platform',
  'LifecyclePolicy',
  'ReplicationConfiguration',
  'PolicyDocument',
  'Retry',
  'Env',
  'Registry',
  'Repository',
  'Image',
  'ImageConfig',
  'resolve',
  'replicate',
  'Sync',
  'testing',
  'arbitraries'
]

/**
 * Modules that src/index.ts does not re-export: the test twin and the test kit are entry points of
 * their own (the kit loads fast-check, an optional peer dependency the root must not need).
 */
export const NOT_IN_INDEX = ['testing', 'arbitraries']

/** Workflow modules: src/index.ts re-exports their functions by name, not as a namespace. */
export const WORKFLOWS = { resolve: ['resolveImageUri'], replicate: ['replicateImage'], Sync: ['replicateRepository'] }

const NOT_PUBLIC_DIRS = ['internal', 'cli']

/** The path of a module's build output, relative to a build folder, without extension. */
const outputOf = (m) =>
  existsSync(join(ROOT, 'src', `${m}.ts`)) ? m : existsSync(join(ROOT, 'src', m, 'index.ts')) ? `${m}/index` : undefined

/** The modules of MODULES whose source exists, with their output path. */
export const presentModules = () =>
  MODULES.flatMap((name) => {
    const out = outputOf(name)
    return out === undefined ? [] : [{ name, out }]
  })

const entry = (out) => ({
  types: `./dist/types/${out}.d.ts`,
  module: `./dist/esm/${out}.js`,
  default: `./dist/cjs/${out}.js`
})

/** The fields of package.json this script owns. */
export const generatedFields = () => {
  const present = presentModules()
  const exportsMap = { '.': entry('index') }
  for (const { name, out } of present) exportsMap[`./${name}`] = entry(out)
  exportsMap['./package.json'] = './package.json'
  // TypeScript's old `node10` resolution ignores `exports`: typesVersions gives it the subpath types.
  const typesVersions = { '*': Object.fromEntries(present.map(({ name, out }) => [name, [`./dist/types/${out}.d.ts`]])) }
  return {
    main: './dist/cjs/index.js',
    module: './dist/esm/index.js',
    types: './dist/types/index.d.ts',
    typesVersions,
    exports: exportsMap
  }
}

/** Sources under src/ that look like public modules but are not in MODULES. */
export const unlistedSources = () => {
  const src = join(ROOT, 'src')
  const found = []
  for (const dirent of readdirSync(src, { withFileTypes: true })) {
    if (dirent.isFile() && dirent.name.endsWith('.ts') && !dirent.name.endsWith('.d.ts') && dirent.name !== 'index.ts') {
      found.push(dirent.name.slice(0, -3))
    } else if (dirent.isDirectory() && !NOT_PUBLIC_DIRS.includes(dirent.name) && existsSync(join(src, dirent.name, 'index.ts'))) {
      found.push(dirent.name)
    }
  }
  return found.filter((m) => !MODULES.includes(m))
}

/** Problems of src/index.ts: modules present but not re-exported. */
export const indexProblems = () => {
  const file = join(ROOT, 'src', 'index.ts')
  if (!existsSync(file)) return ['src/index.ts is missing']
  const text = readFileSync(file, 'utf8')
  const problems = []
  for (const { name } of presentModules()) {
    if (NOT_IN_INDEX.includes(name)) continue
    if (!new RegExp(`from '\\./${name}'`).test(text)) {
      problems.push(`src/index.ts does not re-export ./${name}`)
      continue
    }
    for (const fn of WORKFLOWS[name] ?? []) {
      if (!new RegExp(`\\b${fn}\\b`).test(text)) problems.push(`src/index.ts does not export ${fn} from ./${name}`)
    }
  }
  return problems
}

const readPackage = () => JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b)

/** Differences between package.json and the generated fields. */
export const packageProblems = () => {
  const pkg = readPackage()
  return Object.entries(generatedFields())
    .filter(([key, value]) => !same(pkg[key], value))
    .map(([key]) => `package.json "${key}" is out of date (run: node scripts/exports.mjs --write)`)
}

const write = () => {
  // existing keys keep their place in package.json; missing ones are appended
  const next = { ...readPackage(), ...generatedFields() }
  writeFileSync(join(ROOT, 'package.json'), JSON.stringify(next, null, 2) + '\n')
  const names = presentModules().map((m) => m.name)
  console.log(`package.json: ${names.length} module(s) exported: ${names.join(', ')}`)
}

const check = () => {
  const problems = [
    ...packageProblems(),
    ...indexProblems(),
    ...unlistedSources().map((m) => `src/${m} is not in the module list of scripts/exports.mjs (public, or move it to src/internal/)`)
  ]
  for (const p of problems) console.log(`exports: ${p}`)
  const missing = MODULES.filter((m) => outputOf(m) === undefined)
  if (missing.length > 0) console.log(`exports: not published yet (no source): ${missing.join(', ')}`)
  console.log(problems.length === 0 ? 'exports: ok' : `exports: ${problems.length} problem(s)`)
  return problems.length === 0
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--write')) write()
  else if (process.argv.includes('--check')) process.exit(check() ? 0 : 1)
  else {
    console.error('usage: node scripts/exports.mjs --check | --write')
    process.exit(2)
  }
}
