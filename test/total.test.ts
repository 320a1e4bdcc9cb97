/**
 * "Nothing throws, for any input": every exported function of every public module, called with
 * arbitrary JavaScript values (what an untyped caller may pass), returns normally; a returned
 * Either/Option is well-formed; a returned ReaderTaskEither/TaskEither, run on a twin environment,
 * resolves (never rejects) to an Either within a few seconds.
 */
import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as Primitives from '../src/Primitives'
import * as EcrError from '../src/EcrError'
import * as RegistryUri from '../src/RegistryUri'
import * as RepositoryUri from '../src/RepositoryUri'
import * as ImageUri from '../src/ImageUri'
import * as Manifest from '../src/Manifest'
import * as LifecyclePolicy from '../src/LifecyclePolicy'
import * as ReplicationConfiguration from '../src/ReplicationConfiguration'
import * as InMemoryEcr from '../src/testing/InMemoryEcr'

// Skipped exports, each for a reason:
// - `match`: higher-order, the callbacks are user code (a throwing handler throws)
// - the twin's `setFault`: installs a user callback that the twin calls on every request
// - the twin's `fetch`: it is a `fetch` function, whose contract is a promise that rejects on a bad request
const SKIP: Record<string, ReadonlyArray<string>> = {
  EcrError: ['match'],
  Manifest: ['match'],
  twin: ['setFault', 'fetch']
}

// The operations (Env, Registry, Repository, Image, resolve, replicate) take typed arguments and
// are not called with arbitrary values: their untyped inputs are checked where they enter.
const modules: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ['Primitives', Primitives],
  ['EcrError', EcrError],
  ['RegistryUri', RegistryUri],
  ['RepositoryUri', RepositoryUri],
  ['ImageUri', ImageUri],
  ['Manifest', Manifest],
  ['LifecyclePolicy', LifecyclePolicy],
  ['ReplicationConfiguration', ReplicationConfiguration],
  ['InMemoryEcr', InMemoryEcr]
]

const ACCOUNT = InMemoryEcr.DEFAULT_ACCOUNT_ID
const REGION = InMemoryEcr.DEFAULT_REGION
const DIGEST = `sha256:${'0'.repeat(64)}`
const registryRef = { accountId: ACCOUNT, region: REGION }
const repositoryRef = { ...registryRef, repositoryName: 'app' }
const imageRef = { ...repositoryRef, imageDigest: DIGEST }

/** Hand-picked values that break the declared types in the ways JavaScript callers do. */
const weird: ReadonlyArray<unknown> = [
  undefined,
  null,
  NaN,
  42,
  -1,
  true,
  '',
  'x'.repeat(100_000),
  '\u0000:@/',
  Symbol('s'),
  10n,
  {},
  [],
  [42, null],
  Object.create(null),
  () => 1,
  new Date(NaN),
  new Uint8Array([1, 2]),
  { repositoryName: 5 },
  { accountId: 5, region: {}, repositoryName: [], imageDigest: null },
  { ...imageRef, imageDigest: 42 },
  { ...repositoryRef, region: 'eu-west-1' },
  { rules: 'x' },
  { rules: [null] },
  { _tag: 'OciIndex', manifests: 'x' },
  { _tag: 'DockerManifest', layers: null, config: 5 },
  { host: 5, repositoryName: {}, tag: [] },
  registryRef,
  repositoryRef,
  imageRef
]

const arbArg: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...weird) },
  { weight: 1, arbitrary: fc.anything({ withBigInt: true, withDate: true, withTypedArray: true, withNullPrototype: true }) }
)
const arbArgs = fc.oneof(fc.tuple(arbArg), fc.tuple(arbArg, arbArg), fc.tuple(arbArg, arbArg, arbArg))

const TIMEOUT_MS = 4000

const isPromise = (u: unknown): u is Promise<unknown> =>
  typeof u === 'object' && u !== null && typeof (u as { then?: unknown }).then === 'function'

const withTimeout = (p: Promise<unknown>): Promise<unknown> =>
  Promise.race([
    p,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`did not settle within ${TIMEOUT_MS} ms`)), TIMEOUT_MS))
  ])

const isEither = (u: unknown): boolean =>
  typeof u === 'object' &&
  u !== null &&
  (((u as { _tag?: unknown })._tag === 'Left' && 'left' in u) || ((u as { _tag?: unknown })._tag === 'Right' && 'right' in u))

/** A Left must hold an EcrError (tag and a string message). */
const isEcrEither = (u: unknown): boolean => {
  if (!isEither(u)) return false
  const e = u as { _tag: string; left?: unknown }
  if (e._tag === 'Right') return true
  const l = e.left as { _tag?: unknown; message?: unknown } | null
  return typeof l === 'object' && l !== null && typeof l._tag === 'string' && typeof l.message === 'string'
}

/** Checks a returned value: Either/Option well-formed, an effect run to an Either. */
const checkResult = async (name: string, out: unknown, env: () => unknown): Promise<void> => {
  if (typeof out === 'object' && out !== null && '_tag' in out) {
    const tag = (out as { _tag: unknown })._tag
    if (tag === 'Left' || tag === 'Right') {
      if (!isEcrEither(out)) throw new Error(`${name}: malformed Either ${String(tag)}`)
    } else if (tag === 'None') {
      // fine
    } else if (tag === 'Some') {
      if (!('value' in out)) throw new Error(`${name}: malformed Some`)
    }
    return
  }
  if (isPromise(out)) {
    try {
      await withTimeout(out)
    } catch (e) {
      throw new Error(`${name}: the returned promise rejected: ${e instanceof Error ? e.message : typeof e}`)
    }
    return
  }
  if (typeof out !== 'function') return
  // an effect: a ReaderTaskEither (env => () => Promise) or a TaskEither (() => Promise)
  const step = (out as (r: unknown) => unknown)(env())
  const run = isPromise(step) ? step : typeof step === 'function' ? (step as () => unknown)() : undefined
  if (!isPromise(run)) return
  let settled: unknown
  try {
    settled = await withTimeout(run)
  } catch (e) {
    throw new Error(`${name}: the effect rejected: ${e instanceof Error ? e.message : typeof e}`)
  }
  if (!isEcrEither(settled)) throw new Error(`${name}: the effect resolved to a non-Either`)
}

const show = (u: unknown): string => {
  try {
    return fc.stringify(u).slice(0, 200)
  } catch {
    return typeof u
  }
}

const callChecked = async (name: string, f: (...a: ReadonlyArray<unknown>) => unknown, args: ReadonlyArray<unknown>, env: () => unknown): Promise<void> => {
  let out: unknown
  try {
    out = f(...args)
  } catch (e) {
    throw new Error(`${name}(${args.map(show).join(', ')}) threw: ${e instanceof Error ? e.message : typeof e}`)
  }
  try {
    await checkResult(name, out, env)
  } catch (e) {
    throw new Error(`${(e as Error).message} on (${args.map(show).join(', ')})`)
  }
}

const fixedArgLists: ReadonlyArray<ReadonlyArray<unknown>> = [
  [],
  ...weird.map((w) => [w]),
  ...weird.map((w) => [w, w]),
  ...weird.map((w) => [imageRef, w]),
  ...weird.map((w) => [repositoryRef, w]),
  ...weird.map((w) => [w, imageRef]),
  ...weird.map((w) => [repositoryRef, w, w])
]

const functionsOf = (moduleName: string, m: Record<string, unknown>): ReadonlyArray<readonly [string, (...a: ReadonlyArray<unknown>) => unknown]> =>
  Object.entries(m)
    .filter(([k, v]) => typeof v === 'function' && !(SKIP[moduleName] ?? []).includes(k))
    .map(([k, v]) => [k, v as (...a: ReadonlyArray<unknown>) => unknown] as const)

const envFor = (moduleName: string, name: string): (() => unknown) => {
  const twin = InMemoryEcr.make()
  const other = InMemoryEcr.make({ accountId: '222222222222', region: 'eu-west-1' })
  return moduleName === 'replicate' && name === 'replicateImage'
    ? () => ({ source: twin.env, destination: other.env })
    : () => twin.env
}

describe.each(modules)('%s: every export is total', (moduleName, m) => {
  const fns = functionsOf(moduleName, m)
  it('has functions to check', () => {
    expect(fns.length).toBeGreaterThan(0)
  })
  it.each(fns.map(([k, f]) => [k, f] as const))('%s never throws or rejects', async (name, f) => {
    const env = envFor(moduleName, name)
    for (const args of fixedArgLists) await callChecked(`${moduleName}.${name}`, f, args, env)
    await fc.assert(
      fc.asyncProperty(arbArgs, async (args) => {
        await callChecked(`${moduleName}.${name}`, f, args, env)
      }),
      { numRuns: 60 }
    )
  }, 120_000)
})

describe('codecs: decode and is are total', () => {
  const codecs = modules.flatMap(([moduleName, m]) =>
    Object.entries(m)
      .filter(([, v]) => typeof v === 'object' && v !== null && typeof (v as { decode?: unknown }).decode === 'function')
      .map(([k, v]) => [`${moduleName}.${k}`, v as { decode: (u: unknown) => unknown; is: (u: unknown) => unknown }] as const)
  )
  it('finds the codecs', () => {
    expect(codecs.length).toBeGreaterThan(10)
  })
  it.each(codecs)('%s', (_name, c) => {
    for (const w of weird) {
      expect(['Left', 'Right']).toContain((c.decode(w) as { _tag: string })._tag)
      expect(typeof c.is(w)).toBe('boolean')
    }
    fc.assert(
      fc.property(arbArg, (u) => {
        const r = c.decode(u) as { _tag: string }
        return (r._tag === 'Left' || r._tag === 'Right') && typeof c.is(u) === 'boolean'
      }),
      { numRuns: 100 }
    )
  })
})

describe('the twin: make and its helper functions are total', () => {
  it('InMemoryEcr.make on weird options gives a twin or an error value, never a throw', () => {
    // covered by the module loop above; here the helpers of one twin
    const twin = InMemoryEcr.make()
    const helpers = functionsOf('twin', twin as unknown as Record<string, unknown>)
    expect(helpers.length).toBeGreaterThan(5)
    return (async () => {
      for (const [name, f] of helpers) {
        for (const args of fixedArgLists) await callChecked(`twin.${name}`, f, args, () => twin.env)
        await fc.assert(
          fc.asyncProperty(arbArgs, async (args) => {
            await callChecked(`twin.${name}`, f, args, () => twin.env)
          }),
          { numRuns: 40 }
        )
      }
    })()
  }, 120_000)
})
