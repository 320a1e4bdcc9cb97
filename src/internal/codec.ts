/**
 * io-ts building blocks whose errors read as JSON paths: an object codec that adds no key of its
 * own to the decoding context, codecs checked against a table of rules (`checked`), errors placed
 * at a path below a context, and the reporter that turns io-ts errors into `/json/pointer: message`
 * lines (and those into `EcrError`s).
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import type { EcrError } from '../EcrError'
import * as EcrErrors from '../EcrError'

// -------------------------------------------------------------------------------------
// values
// -------------------------------------------------------------------------------------

/** A JSON object (not an array, not null). */
export type JsonObject = Readonly<Record<string, unknown>>

/** Whether `u` is a JSON object. */
export const isObject = (u: unknown): u is JsonObject => typeof u === 'object' && u !== null && !Array.isArray(u)

/** A value as an error message shows it: its JSON, cut after `max` characters. */
export const showValue = (u: unknown, max = 80): string => {
  let s: string
  try {
    s = u === undefined ? 'undefined' : JSON.stringify(u) ?? typeof u
  } catch {
    s = typeof u
  }
  return s.length > max ? `${s.slice(0, max)}…` : s
}

// -------------------------------------------------------------------------------------
// reporting
// -------------------------------------------------------------------------------------

/** A key as a JSON pointer writes it (RFC 6901: `~` as `~0`, `/` as `~1`). */
export const pointerKey = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1')

/** One io-ts error as `/json/pointer: message`; without a message, what was expected and what came. */
export const describeError = (e: t.ValidationError): string => {
  const path = `/${e.context
    .slice(1)
    .map((entry) => pointerKey(entry.key))
    .join('/')}`
  if (e.message !== undefined) {
    return `${path}: ${e.message}`
  }
  const expected = e.context[e.context.length - 1]?.type.name ?? 'a valid value'
  return e.value === undefined
    ? `${path}: missing (expected ${expected})`
    : `${path}: expected ${expected}, got ${showValue(e.value)}`
}

/** io-ts errors as `/json/pointer: message` lines, without repeats. */
export const report = (errors: t.Errors): ReadonlyArray<string> => [...new Set(errors.map(describeError))]

/** `decoder` with failures as a `DecodeError` about `what`, one line per failing path. */
export const decode =
  <A>(what: string, decoder: t.Decoder<unknown, A>) =>
  (u: unknown): E.Either<EcrError, A> =>
    pipe(
      decoder.decode(u),
      E.mapLeft((errors) => EcrErrors.decodeError(what, report(errors)))
    )

/** JSON text decoded by `decoder`; text that is not JSON is a `DecodeError` at `/`. */
export const decodeJson = <A>(what: string, decoder: t.Decoder<unknown, A>, text: string): E.Either<EcrError, A> =>
  pipe(
    E.tryCatch(
      () => JSON.parse(text) as unknown,
      (e) => EcrErrors.decodeError(what, [`/: not JSON: ${e instanceof Error ? e.message : String(e)}`])
    ),
    E.flatMap(decode(what, decoder))
  )

/** An `InvalidArgument` about an invalid `what`, naming the first five failing paths and how many more. */
export const invalid =
  (what: string) =>
  (messages: ReadonlyArray<string>): EcrError =>
    EcrErrors.invalidArgument(
      `invalid ${what}: ${messages.slice(0, 5).join('; ')}${
        messages.length > 5 ? `; and ${messages.length - 5} more` : ''
      }`
    )

// -------------------------------------------------------------------------------------
// errors at a path
// -------------------------------------------------------------------------------------

/** An error at `keys` below the context `c`, with its own message. */
export const at = (
  c: t.Context,
  keys: ReadonlyArray<string | number>,
  value: unknown,
  message: string
): t.ValidationError => ({
  value,
  context: keys.reduce<t.Context>((ctx, k) => t.appendContext(ctx, String(k), t.unknown, value), c),
  message
})

/** Every error, or the value when there is none. */
export const result = <A>(errors: ReadonlyArray<t.ValidationError>, a: A): t.Validation<A> =>
  errors.length > 0 ? t.failures([...errors]) : t.success(a)

/** The context one key below `c`. */
export const below = (c: t.Context, key: string | number, value: unknown): t.Context =>
  t.appendContext(c, String(key), t.unknown, value)

/** A failed validation with one error at `key` below `c`. */
export const failAt = (c: t.Context, key: string, value: unknown, message: string): t.Validation<never> =>
  t.failures([at(c, [key], value, message)])

/** Validates each item of a list at its index; the items, or every error. */
export const each = <A>(
  items: ReadonlyArray<unknown>,
  c: t.Context,
  validate: (u: unknown, c: t.Context) => t.Validation<A>
): { readonly values: ReadonlyArray<A>; readonly errors: ReadonlyArray<t.ValidationError> } => {
  const values: Array<A> = []
  const errors: Array<t.ValidationError> = []
  items.forEach((u, i) => {
    const r = validate(u, below(c, i, u))
    if (E.isLeft(r)) errors.push(...r.left)
    else values.push(r.right)
  })
  return { values, errors }
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/** What `struct` decodes: the required fields, and the optional ones when present. */
export type Struct<R extends t.Props, P extends t.Props> = { readonly [K in keyof R]: t.TypeOf<R[K]> } & {
  readonly [K in keyof P]?: t.TypeOf<P[K]>
}

/**
 * An object codec with required and optional fields. Unlike `t.intersection`, it adds no key of its
 * own to the decoding context, so error paths are the JSON paths. A field decodes as its codec
 * decodes it; other fields are kept as they are.
 */
export const struct = <R extends t.Props, P extends t.Props>(
  name: string,
  required: R,
  optional: P
): t.Type<Struct<R, P>, Struct<R, P>, unknown> => {
  const fields: ReadonlyArray<readonly [string, t.Mixed, boolean]> = [
    ...Object.entries(required).map(([k, v]) => [k, v, true] as const),
    ...Object.entries(optional).map(([k, v]) => [k, v, false] as const)
  ]
  return new t.Type<Struct<R, P>, Struct<R, P>, unknown>(
    name,
    (u): u is Struct<R, P> =>
      isObject(u) && fields.every(([k, codec, req]) => (u[k] === undefined ? !req : codec.is(u[k]))),
    (u, c) => {
      if (!isObject(u)) {
        return t.failure(u, c)
      }
      const errors: Array<t.ValidationError> = []
      // the decoded fields, where a field's codec gave another value than the one read
      let decoded: Record<string, unknown> | undefined
      for (const [k, codec, req] of fields) {
        const v = u[k]
        if (v !== undefined || req) {
          const r = codec.validate(v, t.appendContext(c, k, codec, v))
          if (E.isLeft(r)) {
            errors.push(...r.left)
          } else if (r.right !== v) {
            decoded = { ...(decoded ?? u), [k]: r.right }
          }
        }
      }
      return errors.length > 0 ? t.failures(errors) : t.success((decoded ?? u) as Struct<R, P>)
    },
    (a) => a
  )
}

/** Strings (tags, URLs, features). */
export const stringArray = /*#__PURE__*/ t.array(t.string, 'an array of strings')

const isNonNegativeSafeInteger = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0

/** A whole number from 0 to `Number.MAX_SAFE_INTEGER` (a size in bytes). */
export const nonNegativeSafeInteger: t.Type<number, number, unknown> = /*#__PURE__*/ new t.Type<
  number,
  number,
  unknown
>(
  'a non-negative safe integer',
  isNonNegativeSafeInteger,
  (u, c) => (isNonNegativeSafeInteger(u) ? t.success(u) : t.failure(u, c)),
  (n) => n
)

/** String keys to string values (labels, annotations). */
export const stringRecord = /*#__PURE__*/ t.record(t.string, t.string, 'a map of strings')

/** A codec of the values `guard` holds for, named by what it expects (`expected <name>, got ...`). */
export const fromGuard = <A>(name: string, guard: (u: unknown) => u is A): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(name, guard, (u, c) => (guard(u) ? t.success(u) : t.failure(u, c)), (a) => a)

// -------------------------------------------------------------------------------------
// checks
// -------------------------------------------------------------------------------------

/** A key of a JSON path: an object's field or an array's index. */
export type Key = string | number

/**
 * One rule a value must keep beyond its shape: where a broken rule shows (the JSON path below the
 * value, as keys), whether a value keeps it, and the message naming the rule.
 */
export interface Check<A> {
  readonly path: ReadonlyArray<Key>
  readonly holds: (a: A) => boolean
  readonly message: (a: A) => string
}

/** An item of a list, seen with the whole value it is in: for rules between items (unique keys, an order). */
export interface Item<A, I> {
  readonly whole: A
  readonly item: I
  readonly index: number
}

/** The value at `path` inside `u`, if there is one (for error reports). */
const valueAt = (u: unknown, path: ReadonlyArray<Key>): unknown =>
  path.reduce<unknown>((v, k) => {
    if (Array.isArray(v)) {
      const items: ReadonlyArray<unknown> = v
      return typeof k === 'number' ? items[k] : undefined
    }
    return isObject(v) ? v[String(k)] : undefined
  }, u)

/** The errors of the checks of `table` that `a` breaks, each at its path below `c` (after `prefix`). */
export const broken = <A>(
  table: ReadonlyArray<Check<A>>,
  a: A,
  c: t.Context,
  whole: unknown = a,
  prefix: ReadonlyArray<Key> = []
): ReadonlyArray<t.ValidationError> =>
  table.flatMap((check) =>
    check.holds(a) ? [] : [at(c, [...prefix, ...check.path], valueAt(whole, [...prefix, ...check.path]), check.message(a))]
  )

/** The table of checks for each item of one list of a value, and how to find that list. */
export interface ItemChecks<S, I> {
  /** The key of the list in the value. */
  readonly list: string
  /** The items of the list. */
  readonly of: (s: S) => ReadonlyArray<I>
  /** The rules each item keeps, seen with its siblings; paths are below the item. */
  readonly checks: ReadonlyArray<Check<Item<S, I>>>
}

/**
 * A codec made of a shape and a table of checks, the one way this library states a format's rules.
 * `shape` decodes the structure (its failures are reported as they are); a value of the right shape
 * is then held against every check of `checks`, and every item of `items.list` against every check
 * of `items.checks`; each broken rule is an error at its JSON path, all of them reported. A value
 * that keeps every rule decodes as `from(shape)`; `encode` writes a value back.
 */
export const checked = <S, A, O, I = never>(options: {
  readonly name: string
  readonly shape: t.Decoder<unknown, S>
  readonly checks: ReadonlyArray<Check<S>>
  readonly items?: ItemChecks<S, I>
  readonly from: (s: S) => A
  readonly encode: (a: A) => O
}): t.Type<A, O, unknown> => {
  const { name, shape, checks, items, from, encode } = options
  const validate = (u: unknown, c: t.Context): t.Validation<A> =>
    pipe(
      shape.validate(u, c),
      E.flatMap((s) =>
        result(
          [
            ...broken(checks, s, c),
            ...(items === undefined
              ? []
              : items.of(s).flatMap((item, index) => broken(items.checks, { whole: s, item, index }, c, s, [items.list, index])))
          ],
          from(s)
        )
      )
    )
  return new t.Type<A, O, unknown>(name, (u): u is A => E.isRight(validate(u, [])), validate, encode)
}
