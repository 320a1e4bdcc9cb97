/**
 * Option and argument values of the CLI: pure parsers (`Either<string, A>`, the message says what
 * was expected) and `usage`, which adapts one to commander's `argParser`. A value that does not
 * parse is a usage error: commander reports it and the program exits with 2, before any call is
 * made. This module is loaded on every run, so it imports only what the parsers need (no AWS SDK,
 * no undici).
 */
import { InvalidArgumentError } from 'commander'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as EcrError from '../EcrError'
import * as Manifest from '../Manifest'
import * as RegistryUri from '../RegistryUri'
import * as RepositoryUri from '../RepositoryUri'
import { isAccountId, isImageTag, isRegion, isRepositoryName, type AccountId, type ImageTag, type Region, type ResourceTag } from '../Primitives'
import * as ReplicationConfiguration from '../ReplicationConfiguration'

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

/** An image tag by the Docker reference rule: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
export const parseImageTag = (s: string): E.Either<string, ImageTag> =>
  isImageTag(s) ? E.right(s) : E.left(`not a valid image tag (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-'): ${show(s)}`)

/** An AWS region code (`us-west-2`, `eu-central-1`, `us-gov-west-1`, `cn-north-1`). */
export const parseRegion = (s: string): E.Either<string, Region> =>
  isRegion(s) ? E.right(s) : E.left(`not a valid AWS region (such as us-west-2): ${show(s)}`)

/** A 12-digit AWS account id. */
export const parseAccountId = (s: string): E.Either<string, AccountId> =>
  isAccountId(s) ? E.right(s) : E.left(`not a valid AWS account id (12 digits): ${show(s)}`)

/** An absolute `http:` or `https:` URL (`http://localhost:4566`). */
export const parseUrl = (s: string): E.Either<string, string> =>
  pipe(
    E.tryCatch(
      () => new URL(s),
      () => `not a URL: ${show(s)}`
    ),
    E.filterOrElse(
      (u) => u.protocol === 'http:' || u.protocol === 'https:',
      () => `not an http or https URL: ${show(s)}`
    ),
    E.map(() => s)
  )

/** A `--to` value of `replication put`: a region, and an account when given (else the environment's). */
export interface Target {
  readonly region: Region
  readonly registryId?: AccountId
}

/** `REGION` or `REGION:ACCOUNT` (`eu-west-1`, `eu-west-1:123456789012`). */
export const parseTarget = (s: string): E.Either<string, Target> => {
  const colon = s.indexOf(':')
  const region = colon < 0 ? s : s.slice(0, colon)
  const account = colon < 0 ? undefined : s.slice(colon + 1)
  if (!isRegion(region)) return E.left(`expected REGION[:ACCOUNT] with an AWS region code, got ${show(s)}`)
  if (account === undefined) return E.right({ region })
  return isAccountId(account)
    ? E.right({ region, registryId: account })
    : E.left(`expected REGION[:ACCOUNT] with a 12-digit account id, got ${show(s)}`)
}

/** A repository name prefix ECR accepts as a replication filter. */
export const parsePrefix = (s: string): E.Either<string, string> =>
  pipe(
    ReplicationConfiguration.repositoryFilterCodec.decode({ filter: s, filterType: 'PREFIX_MATCH' }),
    E.bimap(
      () =>
        `expected a repository name prefix of ${ReplicationConfiguration.minFilterLength} to ${ReplicationConfiguration.maxFilterLength} characters (lower-case letters, digits, '.', '_', '-', '/'), got ${show(s)}`,
      (f) => f.filter
    )
  )

/**
 * A repository argument: a repository URI (`<registry>/<name>`, no tag or digest) or a repository
 * name in the default registry, kept as given.
 */
export const parseRepository = (s: string): E.Either<string, string> =>
  RegistryUri.isPrefixed(s)
    ? pipe(
        RepositoryUri.parse(s),
        E.bimap(EcrError.message, () => s)
      )
    : isRepositoryName(s)
      ? E.right(s)
      : E.left(`not a repository name or URI (lower-case letters, digits, '.', '_', '-', '/'; 2 to 256 characters): ${show(s)}`)

/** A tag mutability exclusion filter: ECR's wildcard pattern (letters, digits, `.`, `_`, `-`, `*`; 1-128). */
export const parseExclusionFilter = (s: string): E.Either<string, string> =>
  /^[0-9a-zA-Z._*-]{1,128}$/.test(s)
    ? E.right(s)
    : E.left(`not a tag pattern ECR accepts: ${JSON.stringify(s)} (1-128 letters, digits, '.', '_', '-' and '*' wildcards)`)

/** `MUTABLE` or `IMMUTABLE` (any case). */
export const parseTagMutability = (s: string): E.Either<string, 'MUTABLE' | 'IMMUTABLE'> => {
  const m = s.toUpperCase()
  return m === 'MUTABLE' || m === 'IMMUTABLE' ? E.right(m) : E.left(`not a tag mutability: ${JSON.stringify(s)} (MUTABLE or IMMUTABLE)`)
}

/**
 * An image to delete: an image URI, or `name:tag` / `name@digest` in the default registry. A bare
 * name is refused: deleting needs the tag or digest said.
 */
export const parseImageToDelete = (s: string): E.Either<string, string> => {
  const path = s.replace(/^[^/]*\.amazonaws\.com(\.cn)?\//, '')
  return /@sha(256|512):|:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(path)
    ? E.right(s)
    : E.left(`not an image with a tag or digest: ${JSON.stringify(s)} (give name:tag, name@digest or an image URI)`)
}

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
 * A parser for a variadic or repeated option or argument: `--tag a=1 b=2 --tag c=3` collects all
 * three. (With its own `argParser`, commander leaves the collecting to the parser.)
 */
export const collect =
  <A>(parse: (s: string) => E.Either<string, A>) =>
  (value: string, previous: ReadonlyArray<A> | undefined): ReadonlyArray<A> =>
    [...(previous ?? []), usage(parse)(value)]
