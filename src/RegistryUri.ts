/**
 * The URI of an ECR registry: its host alone, `<account>.dkr.ecr.<region>.amazonaws.com`.
 *
 * China regions use `amazonaws.com.cn`, FIPS endpoints `dkr.ecr-fips` (commercial and GovCloud
 * partitions only). Parsing is exact: lower case, no scheme, no path.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import type { EcrError } from './EcrError'
import type { RegistryRef } from './internal/refs'
import * as U from './internal/uri'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { RegistryUriBrand } from 'ecr-fp-ts/RegistryUri'
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as E from 'fp-ts/Either'
 * import * as t from 'io-ts'
 *
 * const uri: E.Either<unknown, t.Branded<string, RegistryUriBrand>> = RegistryUri.parse(
 *   '123456789012.dkr.ecr.us-west-2.amazonaws.com'
 * )
 * assert.deepStrictEqual(uri, E.right('123456789012.dkr.ecr.us-west-2.amazonaws.com'))
 */
export interface RegistryUriBrand {
  readonly RegistryUri: unique symbol
}

/**
 * A valid registry URI, such as `123456789012.dkr.ecr.us-west-2.amazonaws.com`.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as E from 'fp-ts/Either'
 *
 * // the host `docker login` takes
 * const login = (registry: RegistryUri.RegistryUri): string => `docker login --username AWS ${registry}`
 * const uri = RegistryUri.make({ accountId: '123456789012', region: 'eu-central-1' })
 * assert.deepStrictEqual(
 *   E.map(login)(uri),
 *   E.right('docker login --username AWS 123456789012.dkr.ecr.eu-central-1.amazonaws.com')
 * )
 */
export type RegistryUri = t.Branded<string, RegistryUriBrand>

export type {
  /**
   * The registry a program acts on: an account in a region.
   *
   * @category model
   * @since 0.1.0
   * @example
   * import type { RegistryRef } from 'ecr-fp-ts/RegistryUri'
   * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
   * import * as E from 'fp-ts/Either'
   *
   * const uri = RegistryUri.parse('123456789012.dkr.ecr.eu-west-1.amazonaws.com')
   * assert.ok(E.isRight(uri))
   * const ref: RegistryRef = RegistryUri.toRef(uri.right)
   * assert.strictEqual(ref.region, 'eu-west-1')
   */
  RegistryRef
} from './internal/refs'

/**
 * The parts `make` builds a registry URI from. `fips: true` asks for the FIPS host.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as E from 'fp-ts/Either'
 *
 * const parts: RegistryUri.RegistryUriParts = { accountId: '123456789012', region: 'us-gov-west-1', fips: true }
 * assert.deepStrictEqual(RegistryUri.make(parts), E.right('123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com'))
 * // China has no FIPS endpoint
 * assert.ok(E.isLeft(RegistryUri.make({ ...parts, region: 'cn-north-1' })))
 */
export interface RegistryUriParts {
  readonly accountId: string
  readonly region: string
  readonly fips?: boolean
}

/**
 * What `toRef` returns: the registry, and `fips: true` when the URI is a FIPS host (absent otherwise).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as E from 'fp-ts/Either'
 *
 * const uri = RegistryUri.parse('123456789012.dkr.ecr-fips.us-east-1.amazonaws.com')
 * assert.ok(E.isRight(uri))
 * const ref: RegistryUri.RegistryUriRef = RegistryUri.toRef(uri.right)
 * assert.deepStrictEqual(ref, { accountId: '123456789012', region: 'us-east-1', fips: true })
 * // without `fips` the same registry has its plain host
 * assert.strictEqual(RegistryUri.fromRef({ ...ref, fips: false }), '123456789012.dkr.ecr.us-east-1.amazonaws.com')
 */
export interface RegistryUriRef extends RegistryRef {
  readonly fips?: boolean
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Parses a registry URI. The reason for a `Left` names the part at fault.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as E from 'fp-ts/Either'
 *
 * assert.ok(E.isRight(RegistryUri.parse('123456789012.dkr.ecr.us-west-2.amazonaws.com')))
 * assert.ok(E.isRight(RegistryUri.parse('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn')))
 * assert.ok(E.isRight(RegistryUri.parse('123456789012.dkr.ecr-fips.us-east-1.amazonaws.com')))
 *
 * const bad = RegistryUri.parse('123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repo')
 * assert.deepStrictEqual(
 *   bad,
 *   E.left({
 *     _tag: 'InvalidUri',
 *     input: '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repo',
 *     expected: 'RegistryUri',
 *     message: 'not a valid RegistryUri: "123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repo" (has a path: "/my-repo")'
 *   })
 * )
 */
export const parse: (s: string) => E.Either<EcrError, RegistryUri> = /*#__PURE__*/ U.parseWith<RegistryUri>(
  'RegistryUri',
  U.isRegistryUri,
  U.registryProblem
)

/**
 * Builds a registry URI from its parts, choosing the domain from the region's partition.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as E from 'fp-ts/Either'
 *
 * assert.deepStrictEqual(
 *   RegistryUri.make({ accountId: '123456789012', region: 'cn-north-1' }),
 *   E.right('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn')
 * )
 * assert.deepStrictEqual(
 *   RegistryUri.make({ accountId: '123456789012', region: 'us-east-1', fips: true }),
 *   E.right('123456789012.dkr.ecr-fips.us-east-1.amazonaws.com')
 * )
 * assert.ok(E.isLeft(RegistryUri.make({ accountId: '1234', region: 'us-east-1' })))
 */
export const make = (parts: RegistryUriParts): E.Either<EcrError, RegistryUri> => {
  const fips = parts.fips === true
  const s = U.formatHost(parts.accountId, parts.region, fips)
  const reason =
    U.accountProblem(parts.accountId) ?? U.regionProblem(parts.region) ?? (fips ? U.fipsProblem(parts.region) : undefined)
  return reason === undefined ? E.right(s as RegistryUri) : E.left(U.invalid(s, 'RegistryUri', reason))
}

/**
 * The URI of a registry reference; `fips: true` gives the FIPS host where the partition has one.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as E from 'fp-ts/Either'
 *
 * const uri = RegistryUri.parse('123456789012.dkr.ecr.us-gov-west-1.amazonaws.com')
 * assert.ok(E.isRight(uri))
 * assert.strictEqual(RegistryUri.fromRef(RegistryUri.toRef(uri.right)), uri.right)
 */
export const fromRef = (ref: RegistryUriRef): RegistryUri => U.refHost(ref) as RegistryUri

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The parts of a registry URI; `fips: true` is present only for a FIPS host, so
 * `make(toRef(u))` gives `u` back.
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as E from 'fp-ts/Either'
 *
 * const uri = RegistryUri.parse('123456789012.dkr.ecr-fips.us-east-2.amazonaws.com')
 * assert.ok(E.isRight(uri))
 * assert.deepStrictEqual(RegistryUri.toRef(uri.right), { accountId: '123456789012', region: 'us-east-2', fips: true })
 */
export const toRef = (u: RegistryUri): RegistryUriRef => {
  const r = U.unsafeRef(u)
  return r.fips ? { accountId: r.accountId, region: r.region, fips: true } : { accountId: r.accountId, region: r.region }
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/**
 * Decodes with `parse`; encodes to the string itself.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as E from 'fp-ts/Either'
 *
 * const decoded = RegistryUri.codec.decode('123456789012.dkr.ecr.ap-south-1.amazonaws.com')
 * assert.ok(E.isRight(decoded))
 * assert.strictEqual(RegistryUri.codec.encode(decoded.right), '123456789012.dkr.ecr.ap-south-1.amazonaws.com')
 * assert.ok(E.isLeft(RegistryUri.codec.decode(42)))
 */
export const codec: t.Type<RegistryUri, string, unknown> = /*#__PURE__*/ new t.Type<RegistryUri, string, unknown>(
  'RegistryUri',
  (u): u is RegistryUri => typeof u === 'string' && E.isRight(parse(u)),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'a RegistryUri is a string')
    const r = parse(u)
    return E.isRight(r) ? t.success(r.right) : t.failure(u, c, r.left.message)
  },
  (a) => a
)

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * Whether `s` starts with a valid registry host, followed by the end or a `/`: true of registry,
 * repository and image URIs, false of a bare repository name.
 *
 * @category refinements
 * @since 0.1.0
 * @example
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 *
 * assert.strictEqual(RegistryUri.isPrefixed('123456789012.dkr.ecr.us-west-2.amazonaws.com/my-app:v1'), true)
 * assert.strictEqual(RegistryUri.isPrefixed('123456789012.dkr.ecr.us-west-2.amazonaws.com'), true)
 * assert.strictEqual(RegistryUri.isPrefixed('my-app:v1'), false)
 * assert.strictEqual(RegistryUri.isPrefixed('123456789012.dkr.ecr.us-west-2.amazonaws.com.evil.example/x'), false)
 */
export const isPrefixed = (s: string): boolean => {
  const slash = s.indexOf('/')
  return U.isRegistryUri(slash < 0 ? s : s.slice(0, slash))
}
