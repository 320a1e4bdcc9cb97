/**
 * The URI of an ECR repository: `<registry host>/<repository name>`, such as
 * `123456789012.dkr.ecr.us-west-2.amazonaws.com/team/my-app`. It names no image: a tag or a
 * digest makes it an `ImageUri`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import type { EcrError } from './EcrError'
import type { RepositoryRef } from './internal/refs'
import * as U from './internal/uri'
import type { RegistryUri } from './RegistryUri'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { RepositoryUriBrand } from 'ecr-fp-ts/RepositoryUri'
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 * import * as t from 'io-ts'
 *
 * const uri: E.Either<unknown, t.Branded<string, RepositoryUriBrand>> = RepositoryUri.parse(
 *   '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/api'
 * )
 * assert.deepStrictEqual(uri, E.right('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/api'))
 */
export interface RepositoryUriBrand {
  readonly RepositoryUri: unique symbol
}

/**
 * A valid repository URI, such as `123456789012.dkr.ecr.us-west-2.amazonaws.com/team/my-app`.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 *
 * // an image reference: the repository URI and a tag
 * const image = (repository: RepositoryUri.RepositoryUri, tag: string): string => `${repository}:${tag}`
 * const uri = RepositoryUri.make({ accountId: '123456789012', region: 'us-west-2', repositoryName: 'team/api' })
 * assert.deepStrictEqual(
 *   E.map((u: RepositoryUri.RepositoryUri) => image(u, 'v1'))(uri),
 *   E.right('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/api:v1')
 * )
 */
export type RepositoryUri = t.Branded<string, RepositoryUriBrand>

export type {
  /**
   * A repository: its registry (account and region) and its name.
   *
   * @category model
   * @since 0.1.0
   * @example
   * import type { RepositoryRef } from 'ecr-fp-ts/RepositoryUri'
   * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
   * import * as E from 'fp-ts/Either'
   *
   * const uri = RepositoryUri.parse('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app')
   * assert.ok(E.isRight(uri))
   * const ref: RepositoryRef = RepositoryUri.toRef(uri.right)
   * assert.strictEqual(ref.repositoryName, 'team/app')
   */
  RepositoryRef
} from './internal/refs'

/**
 * The parts `make` builds a repository URI from. `fips: true` asks for the FIPS host.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 *
 * const parts: RepositoryUri.RepositoryUriParts = { accountId: '123456789012', region: 'cn-north-1', repositoryName: 'base/node' }
 * assert.deepStrictEqual(RepositoryUri.make(parts), E.right('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/base/node'))
 * assert.ok(E.isLeft(RepositoryUri.make({ ...parts, repositoryName: 'base/' })))
 */
export interface RepositoryUriParts {
  readonly accountId: string
  readonly region: string
  readonly repositoryName: string
  readonly fips?: boolean
}

/**
 * What `toRef` returns: the repository, and `fips: true` when the URI has a FIPS host (absent otherwise).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 *
 * const uri = RepositoryUri.parse('123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com/team/api')
 * assert.ok(E.isRight(uri))
 * const ref: RepositoryUri.RepositoryUriRef = RepositoryUri.toRef(uri.right)
 * assert.deepStrictEqual(ref, { accountId: '123456789012', region: 'us-gov-east-1', repositoryName: 'team/api', fips: true })
 * assert.strictEqual(RepositoryUri.fromRef(ref), uri.right)
 */
export interface RepositoryUriRef extends RepositoryRef {
  readonly fips?: boolean
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Parses a repository URI. The reason for a `Left` names the part at fault.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 *
 * assert.ok(E.isRight(RepositoryUri.parse('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/my-app')))
 *
 * const tagged = RepositoryUri.parse('123456789012.dkr.ecr.us-west-2.amazonaws.com/my-app:v1')
 * assert.ok(E.isLeft(tagged))
 * assert.strictEqual(
 *   tagged.left.message,
 *   'not a valid RepositoryUri: "123456789012.dkr.ecr.us-west-2.amazonaws.com/my-app:v1" (has a tag: a repository URI names no image, got ":v1")'
 * )
 */
export const parse: (s: string) => E.Either<EcrError, RepositoryUri> = /*#__PURE__*/ U.parseWith<RepositoryUri>(
  'RepositoryUri',
  U.isRepositoryUri,
  U.repositoryProblem
)

/**
 * Builds a repository URI from its parts, choosing the domain from the region's partition.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 *
 * assert.deepStrictEqual(
 *   RepositoryUri.make({ accountId: '123456789012', region: 'us-west-2', repositoryName: 'team/my-app' }),
 *   E.right('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/my-app')
 * )
 * assert.ok(E.isLeft(RepositoryUri.make({ accountId: '123456789012', region: 'us-west-2', repositoryName: 'My-App' })))
 */
export const make = (parts: RepositoryUriParts): E.Either<EcrError, RepositoryUri> => {
  const fips = parts.fips === true
  const { accountId, region, repositoryName: name } = parts
  const s = `${U.formatHost(accountId, region, fips)}/${name}`
  const reason =
    U.accountProblem(accountId) ??
    U.regionProblem(region) ??
    (fips ? U.fipsProblem(region) : undefined) ??
    U.repositoryNameProblem(name)
  return reason === undefined ? E.right(s as RepositoryUri) : E.left(U.invalid(s, 'RepositoryUri', reason))
}

/**
 * The URI of a repository reference. Total: a reference's parts are already valid. `fips: true`
 * gives the FIPS host where the partition has one.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 *
 * const uri = RepositoryUri.parse('123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/app')
 * assert.ok(E.isRight(uri))
 * assert.strictEqual(RepositoryUri.fromRef(RepositoryUri.toRef(uri.right)), uri.right)
 */
export const fromRef = (ref: RepositoryUriRef): RepositoryUri =>
  `${U.refHost(ref)}/${ref.repositoryName}` as RepositoryUri

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The parts of a repository URI; `fips: true` is present only for a FIPS host, so
 * `make(toRef(u))` gives `u` back.
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 *
 * const uri = RepositoryUri.parse('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/my-app')
 * assert.ok(E.isRight(uri))
 * assert.deepStrictEqual(RepositoryUri.toRef(uri.right), {
 *   accountId: '123456789012',
 *   region: 'us-west-2',
 *   repositoryName: 'team/my-app'
 * })
 */
export const toRef = (u: RepositoryUri): RepositoryUriRef => {
  const r = U.unsafeRef(u)
  return r.fips
    ? { accountId: r.accountId, region: r.region, repositoryName: r.repositoryName, fips: true }
    : { accountId: r.accountId, region: r.region, repositoryName: r.repositoryName }
}

/**
 * The registry a repository URI is in.
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 *
 * const uri = RepositoryUri.parse('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/my-app')
 * assert.ok(E.isRight(uri))
 * assert.strictEqual(RepositoryUri.registry(uri.right), '123456789012.dkr.ecr.us-west-2.amazonaws.com')
 */
export const registry = (u: RepositoryUri): RegistryUri => u.slice(0, u.indexOf('/')) as RegistryUri

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/**
 * Decodes with `parse`; encodes to the string itself.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 *
 * const s = '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-app'
 * const decoded = RepositoryUri.codec.decode(s)
 * assert.ok(E.isRight(decoded))
 * assert.strictEqual(RepositoryUri.codec.encode(decoded.right), s)
 * assert.ok(E.isLeft(RepositoryUri.codec.decode(s + ':latest')))
 */
export const codec: t.Type<RepositoryUri, string, unknown> = /*#__PURE__*/ new t.Type<RepositoryUri, string, unknown>(
  'RepositoryUri',
  (u): u is RepositoryUri => typeof u === 'string' && E.isRight(parse(u)),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'a RepositoryUri is a string')
    const r = parse(u)
    return E.isRight(r) ? t.success(r.right) : t.failure(u, c, r.left.message)
  },
  (a) => a
)
