/**
 * Argument guards for untyped callers: each checks that a value has the shape an operation needs
 * and answers with an `InvalidArgument` that names the expected shape and shows what was given.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type { EcrError } from '../EcrError'
import * as EcrErrors from '../EcrError'
import { isAccountId, isImageDigest, isRegion } from '../Primitives'
import type { ImageRef, RegistryRef, RepositoryRef } from './refs'

/** A short, safe rendering of any value (never throws, whatever the value). */
export const show = (u: unknown): string => {
  try {
    if (u === undefined) return 'undefined'
    if (typeof u === 'string') return JSON.stringify(u.length > 60 ? `${u.slice(0, 60)}…` : u)
    if (typeof u === 'number' || typeof u === 'boolean' || typeof u === 'bigint' || u === null) return String(u)
    if (typeof u === 'symbol') return 'a symbol'
    if (typeof u === 'function') return 'a function'
    if (Array.isArray(u)) return `an array of ${u.length}`
    const keys = Object.keys(u as object).slice(0, 6)
    return keys.length === 0 ? '{}' : `{ ${keys.join(', ')} }`
  } catch {
    return typeof u
  }
}

/** `String(u)`, but total: a symbol or an object without `toString` gives a readable text instead of a throw. */
export const str = (u: unknown): string => {
  if (typeof u === 'string') return u
  try {
    return String(u)
  } catch {
    return show(u)
  }
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null

// Untyped callers of total functions: a part that is not an object is read as `{}`, a list that is not an array as `[]`.
export const fields = (u: unknown): Readonly<Record<string, unknown>> => (isObject(u) && !Array.isArray(u) ? u : {})

export const items = (u: unknown): ReadonlyArray<unknown> => (Array.isArray(u) ? u : [])

/** JSON text of any value, bigints as their digits; `fallback` when it has none (a symbol) or cannot have one (a cycle). */
export const stringify = (u: unknown, fallback: string): string => {
  try {
    const text: unknown = JSON.stringify(u, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
    return typeof text === 'string' ? text : fallback
  } catch {
    return fallback
  }
}

/** Where a list is expected: an array as it is, `undefined` or `null` as `[]`, any other value as a list of one. */
export const listOf = (u: unknown): ReadonlyArray<unknown> => (Array.isArray(u) ? u : u === undefined || u === null ? [] : [u])

const isText = (u: unknown): u is string => typeof u === 'string' && u.length > 0

const bad = (what: string, expected: string, u: unknown): E.Either<EcrError, never> =>
  E.left(EcrErrors.invalidArgument(`not ${what}: expected ${expected}, got ${show(u)}`))

const fieldProblem = (u: Record<string, unknown>, fields: ReadonlyArray<readonly [string, (v: unknown) => boolean]>): string | undefined => {
  for (const [k, ok] of fields) if (!ok(u[k])) return `${k} is ${show(u[k])}`
  return undefined
}

const REGISTRY_FIELDS: ReadonlyArray<readonly [string, (v: unknown) => boolean]> = [
  ['accountId', isAccountId],
  ['region', isRegion]
]
const REPOSITORY_FIELDS: ReadonlyArray<readonly [string, (v: unknown) => boolean]> = [
  ...REGISTRY_FIELDS,
  ['repositoryName', isText]
]
const IMAGE_FIELDS: ReadonlyArray<readonly [string, (v: unknown) => boolean]> = [
  ...REPOSITORY_FIELDS,
  ['imageDigest', isImageDigest],
  ['imageManifest', (v) => v === undefined || typeof v === 'string'],
  ['imageManifestMediaType', (v) => v === undefined || typeof v === 'string']
]

const shaped =
  <A>(what: string, expected: string, fields: ReadonlyArray<readonly [string, (v: unknown) => boolean]>) =>
  (u: unknown): E.Either<EcrError, A> => {
    if (!isObject(u)) return bad(what, expected, u)
    const problem = fieldProblem(u, fields)
    return problem === undefined
      ? E.right(u as A)
      : E.left(EcrErrors.invalidArgument(`not ${what}: expected ${expected}, but ${problem}`))
  }

/** `{ accountId, region }` with a 12-digit account id and a region name. */
export const registryRef: (u: unknown) => E.Either<EcrError, RegistryRef> = shaped<RegistryRef>(
  'a RegistryRef',
  '{ accountId, region }',
  REGISTRY_FIELDS
)

/** An optional registry: `undefined` (the environment's), else a `RegistryRef`. */
export const optionalRegistryRef = (u: unknown): E.Either<EcrError, RegistryRef | undefined> =>
  u === undefined ? E.right(undefined) : registryRef(u)

/** `{ accountId, region, repositoryName }`. */
export const repositoryRef: (u: unknown) => E.Either<EcrError, RepositoryRef> = shaped<RepositoryRef>(
  'a RepositoryRef',
  '{ accountId, region, repositoryName }',
  REPOSITORY_FIELDS
)

/** `{ accountId, region, repositoryName, imageDigest }` (and optionally the manifest text and media type). */
export const imageRef: (u: unknown) => E.Either<EcrError, ImageRef> = shaped<ImageRef>(
  'an ImageRef',
  '{ accountId, region, repositoryName, imageDigest }',
  IMAGE_FIELDS
)

/** A string. */
export const string = (u: unknown, what: string): E.Either<EcrError, string> =>
  typeof u === 'string' ? E.right(u) : bad(what, 'a string', u)

/** An array of strings. */
export const stringArray = (u: unknown, what: string): E.Either<EcrError, ReadonlyArray<string>> =>
  Array.isArray(u) && u.every((x) => typeof x === 'string') ? E.right(u as ReadonlyArray<string>) : bad(what, 'an array of strings', u)

/** An array. */
export const array = (u: unknown, what: string): E.Either<EcrError, ReadonlyArray<unknown>> =>
  Array.isArray(u) ? E.right(u) : bad(what, 'an array', u)

/** A plain object (not null, not an array). */
export const record = (u: unknown, what: string): E.Either<EcrError, Record<string, unknown>> =>
  isObject(u) && !Array.isArray(u) ? E.right(u) : bad(what, 'an object', u)

/** An options object: `undefined` (no options) or an object. */
export const options = (u: unknown, what: string): E.Either<EcrError, Record<string, unknown>> =>
  u === undefined ? E.right({}) : record(u, what)
