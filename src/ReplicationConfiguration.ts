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
import { at, below, decode, decodeJson, each, failAt, invalid, isObject, report, result, showValue } from './internal/codec'
import { fields, items, listOf, str, stringify } from './internal/guard'
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
// validation helpers
// -------------------------------------------------------------------------------------

/** A value as this module's messages show it: its JSON, cut after 60 characters. */
const show = (u: unknown): string => showValue(u, 60)

const invalidConfiguration = /*#__PURE__*/ invalid('replication configuration')

const validateDestination = (u: unknown, c: t.Context): t.Validation<Destination> => {
  if (!isObject(u)) return t.failure(u, c, `expected an object { region, registryId }, got ${show(u)}`)
  const errors: Array<t.ValidationError> = []
  if (!isRegion(u.region)) errors.push(at(c, ['region'], u.region, `expected an AWS region code, got ${show(u.region)}`))
  if (!isAccountId(u.registryId))
    errors.push(at(c, ['registryId'], u.registryId, `expected a 12-digit account id, got ${show(u.registryId)}`))
  return result(errors, { region: u.region as Region, registryId: u.registryId as AccountId })
}

/** Why `filter` is not a repository filter ECR accepts, or `undefined`. */
const filterProblem = (filter: unknown): string | undefined => {
  if (typeof filter !== 'string') return `expected a string, got ${show(filter)}`
  if (filter.length < minFilterLength || filter.length > maxFilterLength)
    return `expected ${minFilterLength} to ${maxFilterLength} characters, got ${filter.length}: ${show(filter)}`
  if (!FILTER.test(filter))
    return `expected a repository name prefix (lower-case letters, digits, '.', '_', '-' and '/'), got ${show(filter)}`
  return undefined
}

const validateFilter = (u: unknown, c: t.Context): t.Validation<RepositoryFilter> => {
  if (!isObject(u)) return t.failure(u, c, `expected an object { filter, filterType }, got ${show(u)}`)
  const errors: Array<t.ValidationError> = []
  const problem = filterProblem(u.filter)
  if (problem !== undefined) errors.push(at(c, ['filter'], u.filter, problem))
  if (u.filterType !== 'PREFIX_MATCH')
    errors.push(at(c, ['filterType'], u.filterType, `expected "PREFIX_MATCH", got ${show(u.filterType)}`))
  return result(errors, { filter: u.filter as string, filterType: 'PREFIX_MATCH' as const })
}

/**
 * A rule with its fields in ECR's order; an empty filter list is left out (it means: every
 * repository). Parts of the wrong shape are read as empty (see `fields` and `items`).
 */
const canonicalRule = (r: unknown): ReplicationRule => {
  const o = fields(r)
  const filters = items(o.repositoryFilters)
  return {
    destinations: items(o.destinations).map((u) => {
      const d = fields(u)
      return { region: d.region as Region, registryId: d.registryId as AccountId }
    }),
    ...(filters.length > 0
      ? {
          repositoryFilters: filters.map((u) => {
            const f = fields(u)
            return { filter: f.filter as string, filterType: f.filterType as 'PREFIX_MATCH' }
          })
        }
      : {})
  }
}

const validateRule = (u: unknown, c: t.Context): t.Validation<ReplicationRule> => {
  if (!isObject(u)) return t.failure(u, c, `expected an object { destinations, repositoryFilters? }, got ${show(u)}`)
  const errors: Array<t.ValidationError> = []
  let destinations: ReadonlyArray<Destination> = []
  if (!Array.isArray(u.destinations)) {
    errors.push(at(c, ['destinations'], u.destinations, `expected an array of destinations, got ${show(u.destinations)}`))
  } else {
    const list: ReadonlyArray<unknown> = u.destinations
    if (list.length < 1 || list.length > maxDestinations)
      errors.push(at(c, ['destinations'], list, `expected 1 to ${maxDestinations} destinations, got ${list.length}`))
    const checked = each(list, below(c, 'destinations', list), validateDestination)
    errors.push(...checked.errors)
    destinations = checked.values
  }
  let filters: ReadonlyArray<RepositoryFilter> = []
  if (u.repositoryFilters !== undefined && u.repositoryFilters !== null) {
    if (!Array.isArray(u.repositoryFilters)) {
      errors.push(
        at(c, ['repositoryFilters'], u.repositoryFilters, `expected an array of filters, got ${show(u.repositoryFilters)}`)
      )
    } else {
      const list: ReadonlyArray<unknown> = u.repositoryFilters
      if (list.length > maxRepositoryFilters)
        errors.push(at(c, ['repositoryFilters'], list, `expected at most ${maxRepositoryFilters} filters, got ${list.length}`))
      const checked = each(list, below(c, 'repositoryFilters', list), validateFilter)
      errors.push(...checked.errors)
      filters = checked.values
    }
  }
  return result(errors, canonicalRule({ destinations, repositoryFilters: filters }))
}

const validateConfiguration = (u: unknown, c: t.Context): t.Validation<ReplicationConfiguration> => {
  if (!isObject(u)) return t.failure(u, c, `expected an object { rules }, got ${show(u)}`)
  if (!Array.isArray(u.rules)) return failAt(c, 'rules', u.rules, `expected an array of rules, got ${show(u.rules)}`)
  const list: ReadonlyArray<unknown> = u.rules
  const errors: Array<t.ValidationError> = []
  if (list.length > maxRules) errors.push(at(c, ['rules'], list, `expected at most ${maxRules} rules, got ${list.length}`))
  const checked = each(list, below(c, 'rules', list), validateRule)
  errors.push(...checked.errors)
  return result(errors, { rules: checked.values })
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

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
export const destinationCodec: t.Type<Destination, Destination, unknown> = /*#__PURE__*/ new t.Type<
  Destination,
  Destination,
  unknown
>(
  'Destination',
  (u): u is Destination => E.isRight(validateDestination(u, [])),
  validateDestination,
  (d) => ({ region: d.region, registryId: d.registryId })
)

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
export const repositoryFilterCodec: t.Type<RepositoryFilter, RepositoryFilter, unknown> = /*#__PURE__*/ new t.Type<
  RepositoryFilter,
  RepositoryFilter,
  unknown
>(
  'RepositoryFilter',
  (u): u is RepositoryFilter => E.isRight(validateFilter(u, [])),
  validateFilter,
  (f) => ({ filter: f.filter, filterType: f.filterType })
)

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
export const ruleCodec: t.Type<ReplicationRule, ReplicationRule, unknown> = /*#__PURE__*/ new t.Type<
  ReplicationRule,
  ReplicationRule,
  unknown
>('ReplicationRule', (u): u is ReplicationRule => E.isRight(validateRule(u, [])), validateRule, canonicalRule)

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
export const codec: t.Type<ReplicationConfiguration, ReplicationConfiguration, unknown> = /*#__PURE__*/ new t.Type<
  ReplicationConfiguration,
  ReplicationConfiguration,
  unknown
>(
  'ReplicationConfiguration',
  (u): u is ReplicationConfiguration => E.isRight(validateConfiguration(u, [])),
  validateConfiguration,
  (c) => ({ rules: c.rules.map(canonicalRule) })
)

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
 * without prefixes) to every destination of `to`. It is not checked: see `validate`. Given options
 * that are not an object, it reads them as `{}`; a `to` or `prefixes` that is not an array is a list
 * of that one value (none when `undefined` or `null`), and the entries are kept as given for
 * `validate` to check.
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
  const o = fields(options)
  const prefixes = listOf(o.prefixes)
  return {
    destinations: listOf(o.to).map((d) =>
      isObject(d) ? { region: d.region as Region, registryId: d.registryId as AccountId } : (d as Destination)
    ),
    ...(prefixes.length > 0
      ? { repositoryFilters: prefixes.map((filter) => ({ filter: filter as string, filterType: 'PREFIX_MATCH' as const })) }
      : {})
  }
}

/**
 * A configuration replicating every repository of the registry to every destination of `to`. Given
 * options of the wrong shape, it reads them as `rule` does.
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
  rules: [rule({ to: fields(options).to as ReadonlyArray<Destination> })]
})

/**
 * A configuration replicating the repositories whose name starts with `prefix` to every destination
 * of `to`. The prefix is checked by `validate` (and before a put), not here. Given options of the
 * wrong shape, it reads them as `rule` does; a prefix that is not a string is kept for `validate` to
 * report.
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
  rules: [rule({ to: fields(options).to as ReadonlyArray<Destination>, prefixes: [prefix] })]
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
  pipe(
    validate(config),
    E.flatMap((c) => validate({ rules: [...c.rules, rule] }))
  )

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The configuration as JSON text, keys in ECR's order (`destinations` (`region`, `registryId`),
 * `repositoryFilters` (`filter`, `filterType`)), without an empty filter list. The input of
 * `aws ecr put-replication-configuration --replication-configuration`. It does not check the
 * configuration: see `validate`. Given a value of the wrong shape, it writes what it can read: a
 * part that is not an object as `{}` (no rules for a non-object configuration), a list that is not
 * an array as `[]`, and a bigint as its digits.
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
export const toJson = (config: ReplicationConfiguration): string =>
  stringify({ rules: items(fields(config).rules).map(canonicalRule) }, '{"rules":[]}')

/**
 * The configuration in the AWS SDK's shape, for `PutReplicationConfigurationCommand` (a fresh copy
 * with mutable arrays, an empty filter list left out). Given a value of the wrong shape, it copies
 * what it can read: a part that is not an object as `{}`, a list that is not an array as `[]`.
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
  rules: items(fields(config).rules).map((r) => {
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
 * rules name them. Given a value of the wrong shape, it reads a part that is not an object as `{}` and
 * a list that is not an array as `[]`; a filter that is not a string matches no name, and a name
 * that is not a string is taken as its `String`.
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
  const name = str(repositoryName)
  for (const u of items(fields(config).rules)) {
    const r = canonicalRule(u)
    const filters = r.repositoryFilters ?? []
    if (filters.length > 0 && !filters.some((f) => typeof f.filter === 'string' && name.startsWith(f.filter))) continue
    for (const d of r.destinations) {
      if (!found.some((x) => sameDestination(x, d))) found.push({ region: d.region, registryId: d.registryId })
    }
  }
  return found
}
