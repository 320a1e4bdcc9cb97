/**
 * Option values of the CLI: pure parsers (`Either<string, A>`, the message says what was expected)
 * and `usage`, which adapts one to commander's `argParser`. A value that does not parse is a usage
 * error: commander reports it and the program exits with 2, before any call is made.
 */
import { InvalidArgumentError } from 'commander'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as EcrError from '../EcrError'
import * as Manifest from '../Manifest'
import type { ResourceTag } from '../Primitives'

// -------------------------------------------------------------------------------------
// parsers
// -------------------------------------------------------------------------------------

const show = (s: string): string => JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}...` : s)

/** `KEY=VALUE` (split at the first `=`; the key is not empty, the value may be). */
export const parseResourceTag = (s: string): E.Either<string, ResourceTag> => {
  const eq = s.indexOf('=')
  return eq <= 0 ? E.left(`expected KEY=VALUE, got ${show(s)}`) : E.right({ Key: s.slice(0, eq), Value: s.slice(eq + 1) })
}

/** A JavaScript regular expression source, without flags (`^team/`, `-(api|web)$`). */
export const parseRegExp = (s: string): E.Either<string, RegExp> =>
  E.tryCatch(
    () => new RegExp(s),
    (e) => `not a regular expression: ${show(s)} (${e instanceof Error ? e.message : String(e)})`
  )

/** A whole number of at least 1, in decimal digits (`7`, `30`; not `1.5`, `-1`, `0`, `1e3`). */
export const parsePositiveInteger = (s: string): E.Either<string, number> => {
  const n = Number(s)
  return /^[0-9]+$/.test(s) && Number.isSafeInteger(n) && n >= 1
    ? E.right(n)
    : E.left(`expected a whole number of at least 1, got ${show(s)}`)
}

/** `os/architecture[/variant]`, as `Manifest.parsePlatform` reads it. */
export const parsePlatform = (s: string): E.Either<string, Manifest.Platform> =>
  pipe(Manifest.parsePlatform(s), E.mapLeft(EcrError.message))

// -------------------------------------------------------------------------------------
// commander adapters
// -------------------------------------------------------------------------------------

/** A parser as an `argParser`: a value that does not parse is a usage error (exit 2). */
export const usage =
  <A>(parse: (s: string) => E.Either<string, A>) =>
  (value: string): A =>
    pipe(
      parse(value),
      E.getOrElse((message): A => {
        throw new InvalidArgumentError(message)
      })
    )

/**
 * A parser for a variadic or repeated option: `--tag a=1 b=2 --tag c=3` collects all three. (With
 * its own `argParser`, commander leaves the collecting to the parser.)
 */
export const collect =
  <A>(parse: (s: string) => E.Either<string, A>) =>
  (value: string, previous: ReadonlyArray<A> | undefined): ReadonlyArray<A> =>
    [...(previous ?? []), usage(parse)(value)]
