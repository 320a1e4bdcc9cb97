/**
 * ECR lifecycle policies as data: rules that expire images by count or by age, checked against
 * ECR's own rules before they are sent, and written as the JSON text `PutLifecyclePolicy` takes.
 *
 * `fromRules` orders rules by priority and bumps a duplicate or lower priority past the one before
 * it (1, 2, 2 becomes 1, 2, 3), so rules can be built with default priorities and combined in the
 * order they should apply.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import type { EcrError } from './EcrError'
import { at, decodeJson, invalid, isObject, report, result, showValue, stringArray, struct } from './internal/codec'
import { fields, items, listOf, str, stringify } from './internal/guard'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Which images a rule looks at: tagged ones (with a tag prefix or pattern list), untagged ones, or
 * all of them.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * const policy = LifecyclePolicy.fromRules(
 *   LifecyclePolicy.removeUntagged(),
 *   LifecyclePolicy.keepLastN({ count: 10, tagPrefixList: ['v'] }),
 *   LifecyclePolicy.keepLastN({ count: 100 })
 * )
 * const statuses: ReadonlyArray<LifecyclePolicy.TagStatus> = policy.rules.map((r) => r.selection.tagStatus)
 * assert.deepStrictEqual(statuses, ['untagged', 'tagged', 'any'])
 */
export type TagStatus = 'tagged' | 'untagged' | 'any'

/**
 * `imageCountMoreThan`: expire images beyond the newest `countNumber`. `sinceImagePushed`: expire
 * images pushed more than `countNumber` days ago.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * const byCount: LifecyclePolicy.CountType = LifecyclePolicy.keepLastN({ count: 5 }).selection.countType
 * const byAge: LifecyclePolicy.CountType = LifecyclePolicy.expireAnyOlderThan({ days: 30 }).selection.countType
 * assert.deepStrictEqual([byCount, byAge], ['imageCountMoreThan', 'sinceImagePushed'])
 */
export type CountType = 'imageCountMoreThan' | 'sinceImagePushed'

/**
 * @category model
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import * as E from 'fp-ts/Either'
 *
 * const selection: LifecyclePolicy.Selection = {
 *   tagStatus: 'tagged',
 *   tagPatternList: ['prod-*-amd64'],
 *   countType: 'imageCountMoreThan',
 *   countNumber: 3
 * }
 * const rule = { rulePriority: 1, description: 'keep 3 prod builds', selection, action: { type: 'expire' } }
 * assert.deepStrictEqual(LifecyclePolicy.ruleCodec.decode(rule), E.right(rule))
 * // ECR allows at most four wildcards in a pattern
 * const tooWild = { ...rule, selection: { ...selection, tagPatternList: ['*a*b*c*d*'] } }
 * assert.ok(E.isLeft(LifecyclePolicy.ruleCodec.decode(tooWild)))
 */
export interface Selection {
  readonly tagStatus: TagStatus
  readonly tagPrefixList?: ReadonlyArray<string>
  readonly tagPatternList?: ReadonlyArray<string>
  readonly countType: CountType
  readonly countNumber: number
  readonly countUnit?: 'days'
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * // `expire` is the only action ECR has
 * const action: LifecyclePolicy.Action = { type: 'expire' }
 * assert.deepStrictEqual(LifecyclePolicy.removeUntagged().action, action)
 * assert.deepStrictEqual(LifecyclePolicy.keepLastN({ count: 1 }).action, action)
 */
export interface Action {
  readonly type: 'expire'
}

/**
 * One lifecycle rule. Rules apply from the lowest `rulePriority` to the highest.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import * as E from 'fp-ts/Either'
 *
 * const rule: LifecyclePolicy.Rule = {
 *   rulePriority: 5,
 *   description: 'Expire feature builds after a week',
 *   selection: {
 *     tagStatus: 'tagged',
 *     tagPrefixList: ['feature-'],
 *     countType: 'sinceImagePushed',
 *     countUnit: 'days',
 *     countNumber: 7
 *   },
 *   action: { type: 'expire' }
 * }
 * const policy = LifecyclePolicy.fromRules(rule, LifecyclePolicy.removeUntagged())
 * assert.deepStrictEqual(policy.rules.map((r) => [r.rulePriority, r.selection.tagStatus]), [[1, 'untagged'], [5, 'tagged']])
 * assert.ok(E.isRight(LifecyclePolicy.validate(policy)))
 */
export interface Rule {
  readonly rulePriority: number
  readonly description: string
  readonly selection: Selection
  readonly action: Action
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const policy: LifecyclePolicy.LifecyclePolicy = LifecyclePolicy.fromRules(
 *   LifecyclePolicy.removeUntagged({ days: 1 }),
 *   LifecyclePolicy.keepLastN({ count: 50 })
 * )
 * // the text PutLifecyclePolicy takes, and back
 * const text = LifecyclePolicy.toJsonChecked(policy)
 * assert.deepStrictEqual(pipe(text, E.chain(LifecyclePolicy.fromJson)), E.right(policy))
 */
export interface LifecyclePolicy {
  readonly rules: ReadonlyArray<Rule>
}

// -------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------

/**
 * The longest policy text ECR accepts.
 *
 * @category constants
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * assert.strictEqual(LifecyclePolicy.maxTextLength, 30720)
 */
export const maxTextLength = 30720

/**
 * The shortest policy text ECR accepts.
 *
 * @category constants
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * assert.strictEqual(LifecyclePolicy.minTextLength, 100)
 */
export const minTextLength = 100

/**
 * The highest `rulePriority` ECR accepts (the lowest is 1).
 *
 * @category constants
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * assert.strictEqual(LifecyclePolicy.maxRulePriority, 999)
 */
export const maxRulePriority = 999

/**
 * The most wildcards (`*`) ECR accepts in one tag pattern.
 *
 * @category constants
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * assert.strictEqual(LifecyclePolicy.maxPatternWildcards, 4)
 */
export const maxPatternWildcards = 4

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const rawSelection = /*#__PURE__*/ struct(
  'Selection',
  {
    tagStatus: t.keyof({ tagged: null, untagged: null, any: null }, '"tagged", "untagged" or "any"'),
    countType: t.keyof(
      { imageCountMoreThan: null, sinceImagePushed: null },
      '"imageCountMoreThan" or "sinceImagePushed"'
    ),
    countNumber: t.number
  },
  {
    tagPrefixList: stringArray,
    tagPatternList: stringArray,
    countUnit: t.literal('days')
  }
)

const rawRule = /*#__PURE__*/ struct(
  'Rule',
  {
    rulePriority: t.number,
    selection: rawSelection,
    action: struct('Action', { type: t.literal('expire') }, {})
  },
  { description: t.string }
)

const nonEmpty = (xs: ReadonlyArray<string> | undefined): xs is ReadonlyArray<string> =>
  xs !== undefined && xs.length > 0

/**
 * The rule with its fields in ECR's order, empty lists and undefined fields left out. Parts of the
 * wrong shape are read as empty (see `fields` and `items`); values are copied as they are.
 */
const canonical = (r: unknown): Rule => {
  const o = fields(r)
  const s = fields(o.selection)
  const prefixes = items(s.tagPrefixList) as ReadonlyArray<string>
  const patterns = items(s.tagPatternList) as ReadonlyArray<string>
  return {
    rulePriority: o.rulePriority as number,
    description: (o.description ?? '') as string,
    selection: {
      tagStatus: s.tagStatus as TagStatus,
      ...(prefixes.length > 0 ? { tagPrefixList: [...prefixes] } : {}),
      ...(patterns.length > 0 ? { tagPatternList: [...patterns] } : {}),
      countType: s.countType as CountType,
      ...(s.countUnit !== undefined ? { countUnit: s.countUnit as 'days' } : {}),
      countNumber: s.countNumber as number
    },
    action: { type: 'expire' }
  }
}

const isPriority = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= maxRulePriority

/** ECR's rules for one rule, beyond its shape. */
const ruleErrors = (r: Rule, c: t.Context): ReadonlyArray<t.ValidationError> => {
  const s = r.selection
  const errors: Array<t.ValidationError> = []
  if (!isPriority(r.rulePriority)) {
    errors.push(
      at(
        c,
        ['rulePriority'],
        r.rulePriority,
        `expected an integer from 1 to ${maxRulePriority}, got ${showValue(r.rulePriority)}`
      )
    )
  }
  if (!(Number.isSafeInteger(s.countNumber) && s.countNumber > 0)) {
    errors.push(
      at(c, ['selection', 'countNumber'], s.countNumber, `expected a positive integer, got ${showValue(s.countNumber)}`)
    )
  }
  if (s.countType === 'sinceImagePushed' && s.countUnit === undefined) {
    errors.push(
      at(c, ['selection', 'countUnit'], undefined, 'countUnit "days" is required with countType sinceImagePushed')
    )
  }
  if (s.countType !== 'sinceImagePushed' && s.countUnit !== undefined) {
    errors.push(
      at(
        c,
        ['selection', 'countUnit'],
        s.countUnit,
        `countUnit is only allowed with countType sinceImagePushed, not ${s.countType}`
      )
    )
  }
  const prefixes = nonEmpty(s.tagPrefixList)
  const patterns = nonEmpty(s.tagPatternList)
  if (s.tagStatus === 'tagged') {
    if (!prefixes && !patterns) {
      errors.push(
        at(
          c,
          ['selection', 'tagPrefixList'],
          s.tagPrefixList,
          'tagStatus tagged needs a non-empty tagPrefixList or tagPatternList'
        )
      )
    }
    if (prefixes && patterns) {
      errors.push(
        at(
          c,
          ['selection', 'tagPatternList'],
          s.tagPatternList,
          'give either tagPrefixList or tagPatternList, not both'
        )
      )
    }
  } else {
    if (prefixes) {
      errors.push(
        at(c, ['selection', 'tagPrefixList'], s.tagPrefixList, `only allowed with tagStatus tagged, not ${s.tagStatus}`)
      )
    }
    if (patterns) {
      errors.push(
        at(
          c,
          ['selection', 'tagPatternList'],
          s.tagPatternList,
          `only allowed with tagStatus tagged, not ${s.tagStatus}`
        )
      )
    }
  }
  ;(s.tagPatternList ?? []).forEach((p, i) => {
    if (p.split('*').length - 1 > maxPatternWildcards) {
      errors.push(
        at(
          c,
          ['selection', 'tagPatternList', i],
          p,
          `at most ${maxPatternWildcards} wildcards (*) per pattern: ${showValue(p)}`
        )
      )
    }
  })
  return errors
}

const validateRule = (u: unknown, c: t.Context): t.Validation<Rule> =>
  pipe(
    rawRule.validate(u, c),
    E.map((raw) => canonical({ ...raw, description: raw.description ?? '' })),
    E.chain((r) => result(ruleErrors(r, c), r))
  )

/**
 * One rule. Decoding checks ECR's rules: `countUnit` only (and always) with `sinceImagePushed`,
 * `tagged` with exactly one non-empty `tagPrefixList` or `tagPatternList`, no list on `untagged` or
 * `any`, at most four wildcards per pattern, a positive integer `countNumber` and a `rulePriority`
 * from 1 to 999. A missing `description` is `''`; fields ECR may add are ignored; empty lists are
 * dropped. Encoding gives a plain JSON object, fields in ECR's order.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import * as E from 'fp-ts/Either'
 *
 * const rule = {
 *   rulePriority: 1,
 *   description: 'keep 5 releases',
 *   selection: { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 5 },
 *   action: { type: 'expire' }
 * }
 * assert.deepStrictEqual(LifecyclePolicy.ruleCodec.decode(rule), E.right(rule))
 * assert.strictEqual(E.isLeft(LifecyclePolicy.ruleCodec.decode({ ...rule, selection: { ...rule.selection, countUnit: 'days' } })), true)
 * assert.strictEqual(E.isLeft(LifecyclePolicy.ruleCodec.decode({ ...rule, selection: { ...rule.selection, tagPrefixList: [] } })), true)
 */
export const ruleCodec: t.Type<Rule, Rule, unknown> = /*#__PURE__*/ new t.Type<Rule, Rule, unknown>(
  'Rule',
  (u): u is Rule => E.isRight(validateRule(u, [])),
  validateRule,
  canonical
)

const policyErrors = (rules: ReadonlyArray<Rule>, c: t.Context): ReadonlyArray<t.ValidationError> => {
  const errors: Array<t.ValidationError> = []
  if (rules.length === 0) {
    errors.push(at(c, ['rules'], rules, 'a policy needs at least one rule'))
  }
  const seen = new Map<number, number>()
  rules.forEach((r, i) => {
    const first = seen.get(r.rulePriority)
    if (first === undefined) {
      seen.set(r.rulePriority, i)
    } else {
      errors.push(
        at(
          c,
          ['rules', i, 'rulePriority'],
          r.rulePriority,
          `duplicate rulePriority ${r.rulePriority} (also rule ${first})`
        )
      )
    }
  })
  const anys = rules.flatMap((r, i) => (r.selection.tagStatus === 'any' ? [i] : []))
  anys.slice(1).forEach((i) => {
    errors.push(
      at(
        c,
        ['rules', i, 'selection', 'tagStatus'],
        'any',
        `only one rule may have tagStatus any (also rule ${anys[0]})`
      )
    )
  })
  const highest = Math.max(...rules.map((r) => r.rulePriority))
  anys.forEach((i) => {
    const p = rules[i]?.rulePriority
    if (p !== undefined && p < highest) {
      errors.push(
        at(
          c,
          ['rules', i, 'rulePriority'],
          p,
          `a rule with tagStatus any must have the highest rulePriority (${p} is lower than ${highest})`
        )
      )
    }
  })
  return errors
}

const rawPolicy = /*#__PURE__*/ struct('LifecyclePolicy', { rules: t.array(ruleCodec, 'an array of rules') }, {})

const validatePolicy = (u: unknown, c: t.Context): t.Validation<LifecyclePolicy> =>
  pipe(
    rawPolicy.validate(u, c),
    E.chain((raw) => result(policyErrors(raw.rules, c), { rules: raw.rules }))
  )

/**
 * A whole policy: every rule as `ruleCodec` checks it, at least one rule, no two rules with the
 * same priority, and at most one `any` rule, which must have the highest priority. Rules keep their
 * order.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import * as E from 'fp-ts/Either'
 *
 * const policy = LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged(), LifecyclePolicy.removeUntagged({ days: 30 }))
 * assert.deepStrictEqual(LifecyclePolicy.codec.decode(LifecyclePolicy.codec.encode(policy)), E.right(policy))
 * assert.strictEqual(E.isLeft(LifecyclePolicy.codec.decode({ rules: [] })), true)
 */
export const codec: t.Type<LifecyclePolicy, LifecyclePolicy, unknown> = /*#__PURE__*/ new t.Type<
  LifecyclePolicy,
  LifecyclePolicy,
  unknown
>(
  'LifecyclePolicy',
  (u): u is LifecyclePolicy => E.isRight(validatePolicy(u, [])),
  validatePolicy,
  (p) => ({ rules: p.rules.map(canonical) })
)

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

const sortKey = (r: Rule): number =>
  typeof r.rulePriority === 'number' && !Number.isNaN(r.rulePriority) ? r.rulePriority : -Infinity

/**
 * The rules sorted by priority (ties keep their order), with every priority that is not above the
 * one before it (a duplicate, or not a positive integer) raised to one more than the one before it.
 * The result has strictly increasing integer priorities from 1 up; the input is not changed, and
 * applying it twice changes nothing more. Given a value that is not an array, it returns `[]`;
 * entries that are not objects are left out, and a priority that is not a number sorts first.
 *
 * @category combinators
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * const rule = (rulePriority: number) => LifecyclePolicy.removeUntagged({ rulePriority })
 * const priorities = (rules: ReadonlyArray<LifecyclePolicy.Rule>) => rules.map((r) => r.rulePriority)
 *
 * assert.deepStrictEqual(priorities(LifecyclePolicy.reprioritize([rule(1), rule(2), rule(2)])), [1, 2, 3])
 * assert.deepStrictEqual(priorities(LifecyclePolicy.reprioritize([rule(3), rule(1)])), [1, 3])
 * assert.deepStrictEqual(priorities(LifecyclePolicy.reprioritize([rule(3), rule(2), rule(3)])), [2, 3, 4])
 */
export const reprioritize = (rules: ReadonlyArray<Rule>): ReadonlyArray<Rule> => {
  const given: ReadonlyArray<unknown> = Array.isArray(rules) ? rules : []
  const sorted = given
    .filter((r): r is Rule => isObject(r))
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => sortKey(a.rule) - sortKey(b.rule) || a.index - b.index)
  let last = 0
  return sorted.map(({ rule }) => {
    if (Number.isInteger(rule.rulePriority) && rule.rulePriority > last) {
      last = rule.rulePriority
      return rule
    }
    last = last + 1
    return { ...rule, rulePriority: last }
  })
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A policy of the given rules, sorted and reprioritised (see `reprioritize`). It is not checked:
 * use `validate` or `toJsonChecked` for that. Arguments that are not objects are left out.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * const policy = LifecyclePolicy.fromRules(
 *   LifecyclePolicy.removeUntagged(),
 *   LifecyclePolicy.keepLastN({ count: 10, tagPrefixList: ['release-'] }),
 *   LifecyclePolicy.expireAnyOlderThan({ days: 365 })
 * )
 * assert.deepStrictEqual(policy.rules.map((r) => r.rulePriority), [1, 2, 3])
 * assert.deepStrictEqual(policy.rules.map((r) => r.selection.tagStatus), ['untagged', 'tagged', 'any'])
 */
export const fromRules = (...rules: ReadonlyArray<Rule>): LifecyclePolicy => ({ rules: reprioritize(rules) })

/**
 * Expires untagged images pushed more than `days` (14) days ago. Given options that are not an
 * object, it reads them as `{}`; a value of the wrong type is kept as given, for `validate` to report.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * assert.deepStrictEqual(LifecyclePolicy.removeUntagged(), {
 *   rulePriority: 1,
 *   description: 'Remove untagged images after 14 days',
 *   selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
 *   action: { type: 'expire' }
 * })
 * assert.strictEqual(LifecyclePolicy.removeUntagged({ rulePriority: 2, days: 7 }).selection.countNumber, 7)
 */
export const removeUntagged = (options: { readonly rulePriority?: number; readonly days?: number } = {}): Rule => {
  const o = fields(options)
  const days = (o.days ?? 14) as number
  return {
    rulePriority: (o.rulePriority ?? 1) as number,
    description: `Remove untagged images after ${str(days)} days`,
    selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
    action: { type: 'expire' }
  }
}

/**
 * Keeps the newest `count` images and expires older ones: those whose tags start with a prefix of
 * `tagPrefixList` or match a pattern of `tagPatternList` (`*` is a wildcard), or any image when
 * neither is given (such a rule must have the highest priority of its policy). Given options that
 * are not an object, it reads them as `{}`; a list that is not an array is a list of that one value,
 * and values of the wrong type are kept as given, for `validate` to report.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * const rule = LifecyclePolicy.keepLastN({ count: 20, tagPatternList: ['prod-*'] })
 * assert.deepStrictEqual(rule.selection, {
 *   tagStatus: 'tagged',
 *   tagPatternList: ['prod-*'],
 *   countType: 'imageCountMoreThan',
 *   countNumber: 20
 * })
 * assert.strictEqual(LifecyclePolicy.keepLastN({ count: 3 }).selection.tagStatus, 'any')
 */
export const keepLastN = (options: {
  readonly count: number
  readonly tagPrefixList?: ReadonlyArray<string>
  readonly tagPatternList?: ReadonlyArray<string>
  readonly rulePriority?: number
  readonly description?: string
}): Rule => {
  const o = fields(options)
  const prefixList = listOf(o.tagPrefixList) as ReadonlyArray<string>
  const patternList = listOf(o.tagPatternList) as ReadonlyArray<string>
  const prefixes = nonEmpty(prefixList) ? prefixList : undefined
  const patterns = nonEmpty(patternList) ? patternList : undefined
  const which =
    prefixes !== undefined
      ? ` tagged ${prefixes.map((p) => `${str(p)}*`).join(', ')}`
      : patterns !== undefined
      ? ` tagged ${patterns.map(str).join(', ')}`
      : ''
  const count = o.count as number
  return {
    rulePriority: (o.rulePriority ?? 1) as number,
    description: (o.description ?? `Keep the last ${str(count)} images${which}`) as string,
    selection: {
      tagStatus: prefixes !== undefined || patterns !== undefined ? 'tagged' : 'any',
      ...(prefixes !== undefined ? { tagPrefixList: [...prefixes] } : {}),
      ...(patterns !== undefined ? { tagPatternList: [...patterns] } : {}),
      countType: 'imageCountMoreThan',
      countNumber: count
    },
    action: { type: 'expire' }
  }
}

/**
 * Expires every image, tagged or not, pushed more than `days` days ago. A rule for `any` image must
 * have the highest priority of its policy. Given options that are not an object, it reads them as
 * `{}`; values of the wrong type are kept as given, for `validate` to report.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * const rule = LifecyclePolicy.expireAnyOlderThan({ days: 90, rulePriority: 10 })
 * assert.deepStrictEqual(rule.selection, {
 *   tagStatus: 'any',
 *   countType: 'sinceImagePushed',
 *   countUnit: 'days',
 *   countNumber: 90
 * })
 * assert.strictEqual(rule.rulePriority, 10)
 */
export const expireAnyOlderThan = (options: {
  readonly days: number
  readonly rulePriority?: number
  readonly description?: string
}): Rule => {
  const o = fields(options)
  const days = o.days as number
  return {
    rulePriority: (o.rulePriority ?? 1) as number,
    description: (o.description ?? `Expire images pushed more than ${str(days)} days ago`) as string,
    selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
    action: { type: 'expire' }
  }
}

/**
 * Reads a policy's JSON text, such as `GetLifecyclePolicy` returns: any key order, and fields ECR
 * adds are ignored. Failures are `DecodeError`s naming the failing path.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import * as E from 'fp-ts/Either'
 *
 * const text = '{"rules":[{"action":{"type":"expire"},"selection":{"countNumber":14,"countUnit":"days",' +
 *   '"countType":"sinceImagePushed","tagStatus":"untagged"},"description":"Remove untagged images after 14 days","rulePriority":1}]}'
 * assert.deepStrictEqual(LifecyclePolicy.fromJson(text), E.right(LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged())))
 *
 * const bad = LifecyclePolicy.fromJson(text.replace('"sinceImagePushed"', '"imageCountMoreThan"'))
 * assert.deepStrictEqual(E.isLeft(bad) && bad.left._tag === 'DecodeError' && bad.left.errors, [
 *   '/rules/0/selection/countUnit: countUnit is only allowed with countType sinceImagePushed, not imageCountMoreThan'
 * ])
 */
export const fromJson = (text: string): E.Either<EcrError, LifecyclePolicy> =>
  decodeJson('LifecyclePolicy', codec, text)

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The policy as the JSON text `PutLifecyclePolicy` takes, keys in ECR's order
 * (`rulePriority`, `description`, `selection` (`tagStatus`, `tagPrefixList`, `tagPatternList`,
 * `countType`, `countUnit`, `countNumber`), `action`), without absent or empty optional fields.
 * It does not check the policy: see `toJsonChecked`. Given a value of the wrong shape, it writes
 * what it can read: a part that is not an object as `{}` (no rules for a non-object policy), a list
 * that is not an array as `[]`, and a bigint as its digits.
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * assert.strictEqual(
 *   LifecyclePolicy.toJson(LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged({ days: 7 }))),
 *   '{"rules":[{"rulePriority":1,"description":"Remove untagged images after 7 days",' +
 *     '"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},' +
 *     '"action":{"type":"expire"}}]}'
 * )
 */
export const toJson = (policy: LifecyclePolicy): string =>
  stringify({ rules: items(fields(policy).rules).map(canonical) }, '{"rules":[]}')

const invalidPolicy = /*#__PURE__*/ invalid('lifecycle policy')

/**
 * The policy checked as ECR would check it (see `codec`), including the length of its text (100 to
 * 30,720 characters); failures are `InvalidArgument`s naming the failing path.
 *
 * @category utils
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import * as E from 'fp-ts/Either'
 *
 * const ok = LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged())
 * assert.deepStrictEqual(LifecyclePolicy.validate(ok), E.right(ok))
 *
 * const anyFirst = LifecyclePolicy.fromRules(LifecyclePolicy.keepLastN({ count: 5 }), LifecyclePolicy.removeUntagged())
 * const r = LifecyclePolicy.validate(anyFirst)
 * assert.strictEqual(E.isLeft(r) && r.left._tag, 'InvalidArgument')
 * assert.ok(E.isLeft(r) && r.left.message.includes('/rules/0/rulePriority: a rule with tagStatus any must have the highest rulePriority'))
 */
export const validate = (policy: LifecyclePolicy): E.Either<EcrError, LifecyclePolicy> =>
  pipe(
    codec.decode(policy),
    E.mapLeft((errors) => invalidPolicy(report(errors))),
    E.chain((p) => {
      const length = toJson(p).length
      return length > maxTextLength
        ? E.left(invalidPolicy([`/: the policy text is ${length} characters, more than ECR's ${maxTextLength}`]))
        : length < minTextLength
        ? E.left(invalidPolicy([`/: the policy text is ${length} characters, fewer than ECR's ${minTextLength}`]))
        : E.right(p)
    })
  )

/**
 * `toJson` of a policy that `validate` accepts.
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import * as E from 'fp-ts/Either'
 *
 * const policy = LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged())
 * assert.deepStrictEqual(LifecyclePolicy.toJsonChecked(policy), E.right(LifecyclePolicy.toJson(policy)))
 * assert.strictEqual(E.isLeft(LifecyclePolicy.toJsonChecked(LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged({ days: 0 })))), true)
 */
export const toJsonChecked = (policy: LifecyclePolicy): E.Either<EcrError, string> =>
  pipe(validate(policy), E.map(toJson))
