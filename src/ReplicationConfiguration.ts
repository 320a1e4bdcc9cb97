/**
 * A registry's replication configuration as data: the rules ECR's own replication engine follows to
 * copy every image pushed to the registry into other regions or accounts. Pure: codecs that check
 * ECR's limits before anything is sent, builders for the common cases, and the conversions to and
 * from the AWS SDK's shape and JSON text. `Registry.getReplicationConfiguration` and
 * `Registry.putReplicationConfiguration` read and write it.
 *
 * A rule names its destinations (a region and an account each) and, optionally, repository name
 * prefixes; a rule without prefixes applies to every repository. ECR replicates only what is pushed
 * after the configuration is in place, keeps repository names, and stays within one partition.
 *
 * @since 0.1.0
 */
import type { ReplicationConfiguration as AwsReplicationConfiguration } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import type { EcrError } from './EcrError'
import * as EcrErrors from './EcrError'
import { type Check, checked, decode, decodeJson, fromGuard, invalid, report, showValue, struct } from './internal/codec'
import { isAccountId, isRegion, type AccountId, type Region } from './Primitives'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Where a rule replicates to: the private registry of account `registryId` in `region` (the AWS
 * SDK's `ReplicationDestination`).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * const to = ReplicationConfiguration.toRegion('eu-west-1', '123456789012')
 * assert.ok(E.isRight(to))
 * const destination: ReplicationConfiguration.Destination = to.right
 * assert.deepStrictEqual(destination, { region: 'eu-west-1', registryId: '123456789012' })
 * assert.ok(E.isLeft(ReplicationConfiguration.toRegion('eu-west-1', 'prod-account')))
 */
export interface Destination {
  readonly region: Region
  readonly registryId: AccountId
}

/**
 * Which repositories a rule applies to: those whose name starts with `filter`. `PREFIX_MATCH` is the
 * only filter type ECR has.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * const filter: ReplicationConfiguration.RepositoryFilter = { filter: 'prod/', filterType: 'PREFIX_MATCH' }
 * assert.deepStrictEqual(ReplicationConfiguration.repositoryFilterCodec.decode(filter), E.right(filter))
 * // a prefix of a repository name: lower case
 * assert.ok(E.isLeft(ReplicationConfiguration.repositoryFilterCodec.decode({ ...filter, filter: 'Prod/' })))
 */
export interface RepositoryFilter {
  readonly filter: string
  readonly filterType: 'PREFIX_MATCH'
}

/**
 * One rule: the repositories matching any of `repositoryFilters` (every repository when there is
 * none) are replicated to every one of `destinations`.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * const to = ReplicationConfiguration.toRegion('us-east-2', '210987654321')
 * assert.ok(E.isRight(to))
 * const rule: ReplicationConfiguration.ReplicationRule = {
 *   destinations: [to.right],
 *   repositoryFilters: [{ filter: 'shared', filterType: 'PREFIX_MATCH' }]
 * }
 * const config = ReplicationConfiguration.addRule(ReplicationConfiguration.empty, rule)
 * assert.deepStrictEqual(config, E.right({ rules: [rule] }))
 * assert.ok(E.isRight(config))
 * assert.deepStrictEqual(ReplicationConfiguration.destinationsFor(config.right, 'shared/base'), rule.destinations)
 * assert.deepStrictEqual(ReplicationConfiguration.destinationsFor(config.right, 'team/api'), [])
 */
export interface ReplicationRule {
  readonly destinations: ReadonlyArray<Destination>
  readonly repositoryFilters?: ReadonlyArray<RepositoryFilter>
}

/**
 * A registry's replication configuration. `{ rules: [] }`: no replication.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * // as DescribeRegistry answers it
 * const config: E.Either<unknown, ReplicationConfiguration.ReplicationConfiguration> = ReplicationConfiguration.fromAwsShape({
 *   rules: [{ destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] }]
 * })
 * assert.deepStrictEqual(
 *   pipe(config, E.map(ReplicationConfiguration.toJson)),
 *   E.right('{"rules":[{"destinations":[{"region":"eu-west-1","registryId":"123456789012"}]}]}')
 * )
 */
export interface ReplicationConfiguration {
  readonly rules: ReadonlyArray<ReplicationRule>
}

// -------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------

/**
 * The most rules a configuration may have (ECR API reference, `ReplicationConfiguration.rules`).
 *
 * @category constants
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 *
 * assert.strictEqual(ReplicationConfiguration.maxRules, 10)
 */
export const maxRules = 10

/**
 * The most destinations one rule may have (ECR API reference, `ReplicationRule.destinations`; it was
 * 25 before ECR raised it). A rule needs at least one.
 *
 * @category constants
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 *
 * assert.strictEqual(ReplicationConfiguration.maxDestinations, 100)
 */
export const maxDestinations = 100

/**
 * The most repository filters one rule may have (ECR API reference, `ReplicationRule.repositoryFilters`).
 *
 * @category constants
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 *
 * assert.strictEqual(ReplicationConfiguration.maxRepositoryFilters, 100)
 */
export const maxRepositoryFilters = 100

/**
 * The shortest repository filter ECR accepts.
 *
 * @category constants
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 *
 * assert.strictEqual(ReplicationConfiguration.minFilterLength, 2)
 */
export const minFilterLength = 2

/**
 * The longest repository filter ECR accepts.
 *
 * @category constants
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 *
 * assert.strictEqual(ReplicationConfiguration.maxFilterLength, 256)
 */
export const maxFilterLength = 256

// ECR API reference, RepositoryFilter.filter: a repository name prefix (it may end in `/` or a separator).
const FILTER = /^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*\/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$/

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/** A value as this module's messages show it: its JSON, cut after 60 characters. */
const show = (u: unknown): string => showValue(u, 60)

const invalidConfiguration = /*#__PURE__*/ invalid('replication configuration')

const hasFilterLength = (f: string): boolean => f.length >= minFilterLength && f.length <= maxFilterLength

/** ECR's rules for a repository filter's text (API reference, `RepositoryFilter.filter`). */
const filterChecks: ReadonlyArray<Check<string>> = [
  {
    path: [],
    holds: hasFilterLength,
    message: (f) => `expected ${minFilterLength} to ${maxFilterLength} characters, got ${f.length}: ${show(f)}`
  },
  {
    // a filter of the wrong length is reported by the rule above only
    path: [],
    holds: (f) => !hasFilterLength(f) || FILTER.test(f),
    message: (f) =>
      `expected a repository name prefix (lower-case letters, digits, '.', '_', '-' and '/'), got ${show(f)}`
  }
]

const filterText = /*#__PURE__*/ checked({
  name: 'string',
  shape: t.string,
  checks: filterChecks,
  from: (f: string) => f,
  encode: (f: string) => f
})

/** A rule with its fields in ECR's order; an empty filter list is left out (it means: every repository). */
const canonicalRule = (r: ReplicationRule): ReplicationRule => {
  const filters = r.repositoryFilters ?? []
  return {
    destinations: r.destinations.map((d) => ({ region: d.region, registryId: d.registryId })),
    ...(filters.length > 0
      ? { repositoryFilters: filters.map((f) => ({ filter: f.filter, filterType: f.filterType })) }
      : {})
  }
}

/**
 * One destination: a region code and a 12-digit account id. Fields ECR may add are ignored.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * const d = { region: 'eu-west-1', registryId: '123456789012' }
 * assert.deepStrictEqual(ReplicationConfiguration.destinationCodec.decode(d), E.right(d))
 * assert.strictEqual(E.isLeft(ReplicationConfiguration.destinationCodec.decode({ ...d, registryId: '1234' })), true)
 */
export const destinationCodec: t.Type<Destination, Destination, unknown> = /*#__PURE__*/ checked({
  name: 'Destination',
  shape: struct(
    'Destination',
    { region: fromGuard('an AWS region code', isRegion), registryId: fromGuard('a 12-digit account id', isAccountId) },
    {}
  ),
  checks: [],
  from: (d): Destination => ({ region: d.region, registryId: d.registryId }),
  encode: (d) => ({ region: d.region, registryId: d.registryId })
})

/**
 * One repository filter: `PREFIX_MATCH` and a prefix of 2 to 256 characters that could start a
 * repository name (ECR's pattern `^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*\/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$`).
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * const f = { filter: 'team/', filterType: 'PREFIX_MATCH' }
 * assert.deepStrictEqual(ReplicationConfiguration.repositoryFilterCodec.decode(f), E.right(f))
 * assert.strictEqual(E.isLeft(ReplicationConfiguration.repositoryFilterCodec.decode({ ...f, filter: 'Team' })), true)
 * assert.strictEqual(E.isLeft(ReplicationConfiguration.repositoryFilterCodec.decode({ ...f, filter: 'a' })), true)
 */
export const repositoryFilterCodec: t.Type<RepositoryFilter, RepositoryFilter, unknown> = /*#__PURE__*/ checked({
  name: 'RepositoryFilter',
  shape: struct('RepositoryFilter', { filter: filterText, filterType: t.literal('PREFIX_MATCH') }, {}),
  checks: [],
  from: (f): RepositoryFilter => ({ filter: f.filter, filterType: f.filterType }),
  encode: (f) => ({ filter: f.filter, filterType: f.filterType })
})

/**
 * One rule: 1 to 100 valid destinations and at most 100 valid repository filters. An empty filter
 * list decodes as no list (both mean: every repository); fields ECR may add are ignored. Encoding
 * gives a plain JSON object, fields in ECR's order.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * const rule = { destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] }
 * assert.deepStrictEqual(ReplicationConfiguration.ruleCodec.decode({ ...rule, repositoryFilters: [] }), E.right(rule))
 * assert.strictEqual(E.isLeft(ReplicationConfiguration.ruleCodec.decode({ destinations: [] })), true)
 */
export const ruleCodec: t.Type<ReplicationRule, ReplicationRule, unknown> = /*#__PURE__*/ checked({
  name: 'ReplicationRule',
  shape: struct(
    'ReplicationRule',
    { destinations: t.array(destinationCodec, 'an array of destinations') },
    { repositoryFilters: t.array(repositoryFilterCodec, 'an array of filters') }
  ),
  checks: [
    {
      path: ['destinations'],
      holds: (r) => r.destinations.length >= 1 && r.destinations.length <= maxDestinations,
      message: (r) => `expected 1 to ${maxDestinations} destinations, got ${r.destinations.length}`
    },
    {
      path: ['repositoryFilters'],
      holds: (r) => (r.repositoryFilters ?? []).length <= maxRepositoryFilters,
      message: (r) => `expected at most ${maxRepositoryFilters} filters, got ${(r.repositoryFilters ?? []).length}`
    }
  ],
  from: canonicalRule,
  encode: canonicalRule
})

/**
 * A whole configuration: at most 10 rules, each as `ruleCodec` checks it. Rules keep their order.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const rule = { destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] }
 * const decoded = ReplicationConfiguration.codec.decode({ rules: [rule] })
 * assert.deepStrictEqual(decoded, E.right({ rules: [rule] }))
 * assert.deepStrictEqual(pipe(decoded, E.map(ReplicationConfiguration.codec.encode)), E.right({ rules: [rule] }))
 * assert.strictEqual(E.isLeft(ReplicationConfiguration.codec.decode({ rules: Array(11).fill(rule) })), true)
 */
export const codec: t.Type<ReplicationConfiguration, ReplicationConfiguration, unknown> = /*#__PURE__*/ checked({
  name: 'ReplicationConfiguration',
  shape: struct('ReplicationConfiguration', { rules: t.array(ruleCodec, 'an array of rules') }, {}),
  checks: [
    {
      path: ['rules'],
      holds: (c) => c.rules.length <= maxRules,
      message: (c) => `expected at most ${maxRules} rules, got ${c.rules.length}`
    }
  ],
  from: (c): ReplicationConfiguration => ({ rules: c.rules }),
  encode: (c) => ({ rules: c.rules.map(canonicalRule) })
})

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * No replication: putting it turns ECR's replication off.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 *
 * assert.deepStrictEqual(ReplicationConfiguration.empty, { rules: [] })
 */
export const empty: ReplicationConfiguration = { rules: [] }

/**
 * A destination: the registry of account `registryId` in `region`, both checked.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * assert.deepStrictEqual(
 *   ReplicationConfiguration.toRegion('eu-west-1', '123456789012'),
 *   E.right({ region: 'eu-west-1', registryId: '123456789012' })
 * )
 * const bad = ReplicationConfiguration.toRegion('europe', '123456789012')
 * assert.strictEqual(E.isLeft(bad) && bad.left._tag, 'InvalidArgument')
 */
export const toRegion = (region: string, registryId: string): E.Either<EcrError, Destination> =>
  isRegion(region)
    ? isAccountId(registryId)
      ? E.right({ region, registryId })
      : E.left(EcrErrors.invalidArgument(`not an AWS account id (12 digits): ${show(registryId)}`))
    : E.left(EcrErrors.invalidArgument(`not an AWS region code: ${show(region)}`))

/**
 * A rule replicating the repositories whose name starts with one of `prefixes` (every repository
 * without prefixes) to every destination of `to`. It is not checked: see `validate`.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * const to = ReplicationConfiguration.toRegion('eu-west-1', '123456789012')
 * assert.ok(E.isRight(to))
 * assert.deepStrictEqual(ReplicationConfiguration.rule({ to: [to.right], prefixes: ['prod', 'team/'] }), {
 *   destinations: [{ region: 'eu-west-1', registryId: '123456789012' }],
 *   repositoryFilters: [
 *     { filter: 'prod', filterType: 'PREFIX_MATCH' },
 *     { filter: 'team/', filterType: 'PREFIX_MATCH' }
 *   ]
 * })
 */
export const rule = (options: {
  readonly to: ReadonlyArray<Destination>
  readonly prefixes?: ReadonlyArray<string>
}): ReplicationRule => {
  const prefixes = options.prefixes ?? []
  return {
    destinations: options.to.map((d) => ({ region: d.region, registryId: d.registryId })),
    ...(prefixes.length > 0
      ? { repositoryFilters: prefixes.map((filter) => ({ filter, filterType: 'PREFIX_MATCH' as const })) }
      : {})
  }
}

/**
 * A configuration replicating every repository of the registry to every destination of `to`.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const config = pipe(
 *   E.sequenceArray([
 *     ReplicationConfiguration.toRegion('eu-west-1', '123456789012'),
 *     ReplicationConfiguration.toRegion('us-east-1', '210987654321')
 *   ]),
 *   E.map((to) => ReplicationConfiguration.replicateAll({ to }))
 * )
 * assert.deepStrictEqual(
 *   config,
 *   E.right({
 *     rules: [
 *       {
 *         destinations: [
 *           { region: 'eu-west-1', registryId: '123456789012' },
 *           { region: 'us-east-1', registryId: '210987654321' }
 *         ]
 *       }
 *     ]
 *   })
 * )
 */
export const replicateAll = (options: { readonly to: ReadonlyArray<Destination> }): ReplicationConfiguration => ({
  rules: [rule({ to: options.to })]
})

/**
 * A configuration replicating the repositories whose name starts with `prefix` to every destination
 * of `to`. The prefix is checked by `validate` (and before a put), not here.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const config = pipe(
 *   ReplicationConfiguration.toRegion('eu-west-1', '123456789012'),
 *   E.map((d) => ReplicationConfiguration.replicatePrefix('prod/', { to: [d] }))
 * )
 * assert.deepStrictEqual(
 *   config,
 *   E.right({
 *     rules: [
 *       {
 *         destinations: [{ region: 'eu-west-1', registryId: '123456789012' }],
 *         repositoryFilters: [{ filter: 'prod/', filterType: 'PREFIX_MATCH' }]
 *       }
 *     ]
 *   })
 * )
 */
export const replicatePrefix = (
  prefix: string,
  options: { readonly to: ReadonlyArray<Destination> }
): ReplicationConfiguration => ({
  rules: [rule({ to: options.to, prefixes: [prefix] })]
})

/**
 * Reads a configuration's JSON text (such as `toJson` writes, or `aws ecr describe-registry` prints
 * under `replicationConfiguration`). Failures are `DecodeError`s naming the failing path.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * const text = '{"rules":[{"destinations":[{"registryId":"123456789012","region":"eu-west-1"}]}]}'
 * assert.deepStrictEqual(
 *   ReplicationConfiguration.fromJson(text),
 *   E.right({ rules: [{ destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] }] })
 * )
 * const bad = ReplicationConfiguration.fromJson(text.replace('eu-west-1', 'Europe'))
 * assert.deepStrictEqual(E.isLeft(bad) && bad.left._tag === 'DecodeError' && bad.left.errors, [
 *   '/rules/0/destinations/0/region: expected an AWS region code, got "Europe"'
 * ])
 */
export const fromJson = (text: string): E.Either<EcrError, ReplicationConfiguration> =>
  decodeJson('ReplicationConfiguration', codec, text)

/**
 * Reads the AWS SDK's `ReplicationConfiguration` (as `DescribeRegistry` and
 * `PutReplicationConfiguration` answer it). None at all (`undefined` or `null`): `{ rules: [] }`.
 * Failures are `DecodeError`s naming the failing path.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * assert.deepStrictEqual(ReplicationConfiguration.fromAwsShape(undefined), E.right({ rules: [] }))
 * assert.deepStrictEqual(
 *   ReplicationConfiguration.fromAwsShape({
 *     rules: [{ destinations: [{ region: 'eu-west-1', registryId: '123456789012' }], repositoryFilters: [] }]
 *   }),
 *   E.right({ rules: [{ destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] }] })
 * )
 * assert.strictEqual(E.isLeft(ReplicationConfiguration.fromAwsShape({ rules: 'all' })), true)
 */
export const fromAwsShape = (aws: unknown): E.Either<EcrError, ReplicationConfiguration> =>
  aws === undefined || aws === null ? E.right(empty) : decode('ReplicationConfiguration', codec)(aws)

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * The configuration with `rule` added last, when the result is one ECR accepts (at most 10 rules,
 * each valid); otherwise an `InvalidArgument` naming the failing path.
 *
 * @category combinators
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const to = ReplicationConfiguration.toRegion('eu-west-1', '123456789012')
 * assert.ok(E.isRight(to))
 * const prod = ReplicationConfiguration.rule({ to: [to.right], prefixes: ['prod'] })
 * const once = ReplicationConfiguration.addRule(ReplicationConfiguration.empty, prod)
 * assert.deepStrictEqual(once, E.right({ rules: [prod] }))
 *
 * // an eleventh rule is one too many
 * const full = { rules: Array.from({ length: 10 }, () => prod) }
 * const r = ReplicationConfiguration.addRule(full, prod)
 * assert.strictEqual(E.isLeft(r) && r.left._tag, 'InvalidArgument')
 * // so is a rule without destinations
 * assert.strictEqual(pipe(ReplicationConfiguration.addRule(ReplicationConfiguration.empty, { destinations: [] }), E.isLeft), true)
 */
export const addRule = (config: ReplicationConfiguration, rule: ReplicationRule): E.Either<EcrError, ReplicationConfiguration> =>
  validate({ rules: [...config.rules, rule] })

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The configuration as JSON text, keys in ECR's order (`destinations` (`region`, `registryId`),
 * `repositoryFilters` (`filter`, `filterType`)), without an empty filter list. The input of
 * `aws ecr put-replication-configuration --replication-configuration`. It does not check the
 * configuration: see `validate`.
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * const to = ReplicationConfiguration.toRegion('eu-west-1', '123456789012')
 * assert.ok(E.isRight(to))
 * assert.strictEqual(
 *   ReplicationConfiguration.toJson(ReplicationConfiguration.replicatePrefix('prod', { to: [to.right] })),
 *   '{"rules":[{"destinations":[{"region":"eu-west-1","registryId":"123456789012"}],' +
 *     '"repositoryFilters":[{"filter":"prod","filterType":"PREFIX_MATCH"}]}]}'
 * )
 */
export const toJson = (config: ReplicationConfiguration): string => JSON.stringify(codec.encode(config))

/**
 * The configuration in the AWS SDK's shape, for `PutReplicationConfigurationCommand` (a fresh copy
 * with mutable arrays, an empty filter list left out).
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * const to = ReplicationConfiguration.toRegion('eu-west-1', '123456789012')
 * assert.ok(E.isRight(to))
 * const config = ReplicationConfiguration.replicateAll({ to: [to.right] })
 * const aws = ReplicationConfiguration.toAwsShape(config)
 * assert.deepStrictEqual(aws, { rules: [{ destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] }] })
 * assert.deepStrictEqual(ReplicationConfiguration.fromAwsShape(aws), E.right(config))
 */
export const toAwsShape = (config: ReplicationConfiguration): AwsReplicationConfiguration => ({
  rules: config.rules.map((r) => {
    const c = canonicalRule(r)
    return {
      destinations: c.destinations.map((d) => ({ region: d.region, registryId: d.registryId })),
      ...(c.repositoryFilters === undefined
        ? {}
        : { repositoryFilters: c.repositoryFilters.map((f) => ({ filter: f.filter, filterType: f.filterType })) })
    }
  })
})

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The configuration checked as ECR would check it (see `codec`), in its canonical form; failures
 * are `InvalidArgument`s naming the failing paths.
 *
 * @category utils
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * const to = ReplicationConfiguration.toRegion('eu-west-1', '123456789012')
 * assert.ok(E.isRight(to))
 * const ok = ReplicationConfiguration.replicatePrefix('prod', { to: [to.right] })
 * assert.deepStrictEqual(ReplicationConfiguration.validate(ok), E.right(ok))
 *
 * const r = ReplicationConfiguration.validate(ReplicationConfiguration.replicatePrefix('Prod', { to: [to.right] }))
 * assert.ok(E.isLeft(r) && r.left._tag === 'InvalidArgument')
 * assert.ok(E.isLeft(r) && r.left.message.includes('/rules/0/repositoryFilters/0/filter: expected a repository name prefix'))
 */
export const validate = (config: ReplicationConfiguration): E.Either<EcrError, ReplicationConfiguration> =>
  pipe(
    codec.decode(config),
    E.mapLeft((errors) => invalidConfiguration(report(errors)))
  )

const sameDestination = (a: Destination, b: Destination): boolean => a.region === b.region && a.registryId === b.registryId

/**
 * Where ECR replicates an image pushed to repository `repositoryName`: the destinations of every
 * rule with a filter that is a prefix of the name (or with no filter), each once, in the order the
 * rules name them.
 *
 * @category utils
 * @since 0.1.0
 * @example
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import * as E from 'fp-ts/Either'
 *
 * const eu = ReplicationConfiguration.toRegion('eu-west-1', '123456789012')
 * const us = ReplicationConfiguration.toRegion('us-east-1', '123456789012')
 * assert.ok(E.isRight(eu) && E.isRight(us))
 * const config = {
 *   rules: [
 *     ReplicationConfiguration.rule({ to: [eu.right] }),
 *     ReplicationConfiguration.rule({ to: [us.right, eu.right], prefixes: ['prod/'] })
 *   ]
 * }
 * assert.deepStrictEqual(ReplicationConfiguration.destinationsFor(config, 'prod/api'), [eu.right, us.right])
 * assert.deepStrictEqual(ReplicationConfiguration.destinationsFor(config, 'dev/api'), [eu.right])
 * assert.deepStrictEqual(ReplicationConfiguration.destinationsFor(ReplicationConfiguration.empty, 'prod/api'), [])
 */
export const destinationsFor = (config: ReplicationConfiguration, repositoryName: string): ReadonlyArray<Destination> => {
  const found: Array<Destination> = []
  for (const r of config.rules) {
    const filters = r.repositoryFilters ?? []
    if (filters.length > 0 && !filters.some((f) => repositoryName.startsWith(f.filter))) continue
    for (const d of r.destinations) {
      if (!found.some((x) => sameDestination(x, d))) found.push({ region: d.region, registryId: d.registryId })
    }
  }
  return found
}
