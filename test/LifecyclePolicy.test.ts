import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import type { ImageDetail } from '../src/internal/refs'
import * as LifecyclePolicy from '../src/LifecyclePolicy'
import type { Rule, StorageClass } from '../src/LifecyclePolicy'
import { isImageDigest, type ImageDigest } from '../src/Primitives'

// -------------------------------------------------------------------------------------
// helpers and arbitraries
// -------------------------------------------------------------------------------------

const deepFreeze = <A>(a: A): A => {
  if (typeof a === 'object' && a !== null) {
    Object.values(a).forEach(deepFreeze)
    Object.freeze(a)
  }
  return a
}

const untaggedDays = (rulePriority: number, countNumber: number, description = ''): Rule => ({
  rulePriority,
  description,
  selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber },
  action: { type: 'expire' }
})

const priorities = (rules: ReadonlyArray<Rule>): ReadonlyArray<number> => rules.map((r) => r.rulePriority)

const errorsOf = (r: E.Either<unknown, unknown>): ReadonlyArray<string> =>
  E.isLeft(r) && typeof r.left === 'object' && r.left !== null && (r.left as { _tag?: unknown })._tag === 'DecodeError'
    ? (r.left as { errors: ReadonlyArray<string> }).errors
    : []

const storageClassOf = (r: Rule): StorageClass => r.selection.storageClass ?? 'standard'

const tagText = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/)
const pattern = fc
  .array(fc.oneof(tagText, fc.constant('*')), { minLength: 1, maxLength: 6 })
  .map((ps) => ps.join(''))
  .filter((p) => p.split('*').length - 1 <= 4)
const tagList = (item: fc.Arbitrary<string>) => fc.array(item, { minLength: 1, maxLength: 4 })

/** What a rule does, in every combination ECR accepts. */
type Kind = 'expire-count' | 'expire-pushed' | 'transition-count' | 'transition-pushed' | 'transition-pulled' | 'expire-archived'
const kinds: ReadonlyArray<Kind> = [
  'expire-count',
  'expire-pushed',
  'transition-count',
  'transition-pushed',
  'transition-pulled',
  'expire-archived'
]

/** Valid rules, in every shape ECR accepts (storage classes and archive rules included). */
const ruleArb = (
  priority: fc.Arbitrary<number> = fc.integer({ min: 1, max: 999 }),
  prefixItem: fc.Arbitrary<string> = tagText,
  patternItem: fc.Arbitrary<string> = pattern
): fc.Arbitrary<Rule> =>
  fc
    .record({
      rulePriority: priority,
      description: fc.string({ unit: 'grapheme', maxLength: 40 }),
      status: fc.constantFrom('tagged-prefix', 'tagged-pattern', 'untagged', 'any'),
      prefixes: tagList(prefixItem),
      patterns: tagList(patternItem),
      kind: fc.constantFrom(...kinds),
      n: fc.integer({ min: 1, max: 10_000 })
    })
    .map(({ rulePriority, description, status, prefixes, patterns, kind, n }): Rule => ({
      rulePriority,
      description,
      selection: {
        tagStatus: status === 'tagged-prefix' || status === 'tagged-pattern' ? 'tagged' : status,
        ...(status === 'tagged-prefix' ? { tagPrefixList: prefixes } : {}),
        ...(status === 'tagged-pattern' ? { tagPatternList: patterns } : {}),
        ...(kind === 'expire-archived' ? { storageClass: 'archive' as const } : {}),
        ...(kind === 'expire-count' || kind === 'transition-count'
          ? { countType: 'imageCountMoreThan' as const }
          : {
              countType:
                kind === 'transition-pulled'
                  ? ('sinceImagePulled' as const)
                  : kind === 'expire-archived'
                  ? ('sinceImageTransitioned' as const)
                  : ('sinceImagePushed' as const),
              countUnit: 'days' as const
            }),
        countNumber: kind === 'expire-archived' ? LifecyclePolicy.minArchiveDays + (n % 1000) : n
      },
      action: kind.startsWith('transition') ? { type: 'transition', targetStorageClass: 'archive' } : { type: 'expire' }
    }))

const sameSet = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean =>
  a.every((x) => b.includes(x)) && b.every((x) => a.includes(x))

/**
 * The rules made to keep ECR's rules between rules, per storage class: an `any` rule only with the
 * highest priority, one `untagged` rule, distinct prefix lists (a rule that breaks one selects a
 * prefix of its own instead).
 */
const keepPolicyRules = (rules: ReadonlyArray<Rule>): ReadonlyArray<Rule> => {
  const highest = (c: StorageClass) => Math.max(...rules.filter((r) => storageClassOf(r) === c).map((r) => r.rulePriority))
  const untagged = new Set<StorageClass>()
  const out: Array<Rule> = []
  const ownPrefix = (r: Rule): Rule => ({
    ...r,
    selection: { ...r.selection, tagStatus: 'tagged', tagPatternList: undefined, tagPrefixList: [`own${r.rulePriority}-`] }
  })
  for (const rule of rules) {
    const c = storageClassOf(rule)
    let r = rule
    if (r.selection.tagStatus === 'any' && r.rulePriority !== highest(c)) r = ownPrefix(r)
    if (r.selection.tagStatus === 'untagged') {
      if (untagged.has(c)) r = ownPrefix(r)
      else untagged.add(c)
    }
    const prefixes = r.selection.tagPrefixList
    if (
      prefixes !== undefined &&
      out.some((o) => storageClassOf(o) === c && o.selection.tagPrefixList !== undefined && sameSet(o.selection.tagPrefixList, prefixes))
    )
      r = ownPrefix(r)
    const { tagPatternList, ...selection } = r.selection
    out.push({ ...r, selection: tagPatternList === undefined ? selection : { ...selection, tagPatternList } })
  }
  return out
}

/** Valid policies: distinct priorities, and the rules between rules of each storage class kept. */
const policyArbOf = (rule: (priority: fc.Arbitrary<number>) => fc.Arbitrary<Rule>, maxLength = 8) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: 999 }), { minLength: 1, maxLength })
    .chain((ps) => fc.tuple(...ps.map((p) => rule(fc.constant(p)))))
    .map((rules): LifecyclePolicy.LifecyclePolicy => ({ rules: keepPolicyRules(rules) }))

const policyArb: fc.Arbitrary<LifecyclePolicy.LifecyclePolicy> = policyArbOf((p) => ruleArb(p))

/** Any rules at all, including invalid priorities. */
const looseRuleArb: fc.Arbitrary<Rule> = ruleArb(
  fc.oneof(
    fc.integer({ min: -5, max: 20 }),
    fc.double({ min: -10, max: 20, noNaN: false }),
    fc.constantFrom(Number.NaN, Infinity, -Infinity)
  )
)

// -------------------------------------------------------------------------------------
// Python library behaviour (aibs_informatics_aws_utils.ecr.core)
// -------------------------------------------------------------------------------------

describe('rules as the Python library models them', () => {
  it('a rule serialises to the plain JSON object', () => {
    expect(LifecyclePolicy.ruleCodec.encode(untaggedDays(1, 7))).toStrictEqual({
      rulePriority: 1,
      description: '',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
      action: { type: 'expire' }
    })
  })

  it('a rule with an empty tagPrefixList on untagged deserialises, the empty list dropped', () => {
    const input = {
      action: { type: 'expire' },
      description: '',
      rulePriority: 1,
      selection: {
        countNumber: 7,
        countType: 'sinceImagePushed',
        countUnit: 'days',
        tagPrefixList: [],
        tagStatus: 'untagged'
      }
    }
    expect(LifecyclePolicy.ruleCodec.decode(input)).toStrictEqual(E.right(untaggedDays(1, 7)))
  })

  it('conflicting countType/countUnit is rejected', () => {
    const r = LifecyclePolicy.ruleCodec.decode({
      action: { type: 'expire' },
      description: '',
      rulePriority: 1,
      selection: {
        countNumber: 7,
        countType: 'imageCountMoreThan',
        countUnit: 'days',
        tagPrefixList: [],
        tagStatus: 'untagged'
      }
    })
    expect(E.isLeft(r)).toBe(true)
  })

  it('conflicting tagStatus tagged / empty tagPrefixList is rejected', () => {
    const r = LifecyclePolicy.ruleCodec.decode({
      action: { type: 'expire' },
      description: '',
      rulePriority: 1,
      selection: {
        countNumber: 7,
        countType: 'sinceImagePushed',
        countUnit: 'days',
        tagPrefixList: [],
        tagStatus: 'tagged'
      }
    })
    expect(E.isLeft(r)).toBe(true)
  })

  it('REMOVE_UNTAGGED: priority 1, untagged, sinceImagePushed, 14 days, expire', () => {
    const rule = LifecyclePolicy.removeUntagged()
    expect(rule.rulePriority).toBe(1)
    expect(rule.selection.tagStatus).toBe('untagged')
    expect(rule.selection.countType).toBe('sinceImagePushed')
    expect(rule.selection.countUnit).toBe('days')
    expect(rule.selection.countNumber).toBe(14)
    expect(rule.action.type).toBe('expire')

    const override = LifecyclePolicy.removeUntagged({ rulePriority: 2, days: 7 })
    expect(override.rulePriority).toBe(2)
    expect(override.selection.countNumber).toBe(7)
    expect(override.description).toBe('Remove untagged images after 7 days')
    expect(E.isRight(LifecyclePolicy.ruleCodec.decode(override))).toBe(true)
  })

  it('from_rules: priorities 3, 2, 1 are sorted, not amended', () => {
    const policy = LifecyclePolicy.fromRules(untaggedDays(3, 3), untaggedDays(2, 2), untaggedDays(1, 1))
    expect(policy).toStrictEqual({ rules: [untaggedDays(1, 1), untaggedDays(2, 2), untaggedDays(3, 3)] })
  })

  it('from_rules: priorities 3, 2, 3 become 2, 3, 4 (the later duplicate is bumped)', () => {
    const policy = LifecyclePolicy.fromRules(untaggedDays(3, 3), untaggedDays(2, 2), untaggedDays(3, 4))
    expect(policy).toStrictEqual({ rules: [untaggedDays(2, 2), untaggedDays(3, 3), untaggedDays(4, 4)] })
  })

  it('reprioritize (not in place) leaves its input alone', () => {
    const rules = [untaggedDays(2, 2, 'two'), untaggedDays(1, 1, 'one')]
    const ordered = LifecyclePolicy.reprioritize(rules)
    expect(priorities(ordered)).toStrictEqual([1, 2])
    expect(ordered.map((r) => r.description)).toStrictEqual(['one', 'two'])
    expect(priorities(rules)).toStrictEqual([2, 1])
  })

  it.each([
    [
      [1, 2, 2],
      [1, 2, 3]
    ],
    [
      [3, 1],
      [1, 3]
    ],
    [
      [2, 2, 2],
      [2, 3, 4]
    ],
    [
      [5, 1, 5, 6],
      [1, 5, 6, 7]
    ],
    [
      [0, 0],
      [1, 2]
    ],
    [
      [-3, 1],
      [1, 2]
    ],
    [
      [1.5, 1],
      [1, 2]
    ],
    [
      [Number.NaN, 4],
      [1, 4]
    ],
    [
      [Infinity, 2],
      [2, 3]
    ],
    [[], []]
  ])('reprioritize %j -> %j', (input, expected) => {
    expect(priorities(LifecyclePolicy.reprioritize(input.map((p, i) => untaggedDays(p, i + 1))))).toStrictEqual(
      expected
    )
  })
})

// -------------------------------------------------------------------------------------
// reprioritize: properties
// -------------------------------------------------------------------------------------

describe('reprioritize', () => {
  it('sorts, makes priorities strictly increasing positive integers, and keeps the rules', () => {
    fc.assert(
      fc.property(fc.array(looseRuleArb, { maxLength: 12 }), (rules) => {
        const out = LifecyclePolicy.reprioritize(rules)
        expect(out).toHaveLength(rules.length)
        out.forEach((r, i) => {
          expect(Number.isInteger(r.rulePriority)).toBe(true)
          expect(r.rulePriority).toBeGreaterThanOrEqual(1)
          const prev = out[i - 1]
          if (prev !== undefined) {
            expect(r.rulePriority).toBeGreaterThan(prev.rulePriority)
          }
        })
        // the same rules, apart from priorities
        const strip = (r: Rule) => JSON.stringify({ ...r, rulePriority: 0 })
        expect(out.map(strip).sort()).toStrictEqual(rules.map(strip).sort())
      })
    )
  })

  it('orders rules as a stable sort by priority does', () => {
    fc.assert(
      fc.property(fc.array(ruleArb(fc.integer({ min: 1, max: 10 })), { maxLength: 12 }), (rules) => {
        const expected = rules
          .map((r, i) => ({ r, i }))
          .sort((a, b) => a.r.rulePriority - b.r.rulePriority || a.i - b.i)
          .map(({ r }) => r.description + JSON.stringify(r.selection))
        expect(
          LifecyclePolicy.reprioritize(rules).map((r) => r.description + JSON.stringify(r.selection))
        ).toStrictEqual(expected)
      })
    )
  })

  it('leaves a deep-frozen input unchanged', () => {
    fc.assert(
      fc.property(fc.array(looseRuleArb, { maxLength: 12 }), (rules) => {
        const snapshot = JSON.stringify(rules)
        const frozen = deepFreeze(rules)
        LifecyclePolicy.reprioritize(frozen)
        expect(JSON.stringify(frozen)).toBe(snapshot)
      })
    )
  })

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.array(looseRuleArb, { maxLength: 12 }), (rules) => {
        const once = LifecyclePolicy.reprioritize(rules)
        expect(LifecyclePolicy.reprioritize(once)).toStrictEqual(once)
      })
    )
  })

  it('keeps priorities that are already strictly increasing positive integers', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 999 }), { maxLength: 10 }), (ps) => {
        const sorted = [...ps].sort((a, b) => a - b)
        expect(priorities(LifecyclePolicy.reprioritize(ps.map((p) => untaggedDays(p, 1))))).toStrictEqual(sorted)
      })
    )
  })

  it('fromRules is reprioritize of its arguments', () => {
    fc.assert(
      fc.property(fc.array(looseRuleArb, { maxLength: 8 }), (rules) => {
        expect(LifecyclePolicy.fromRules(...rules)).toStrictEqual({ rules: LifecyclePolicy.reprioritize(rules) })
      })
    )
  })
})

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

describe('codecs', () => {
  it('ruleCodec: decode(encode(r)) = r for valid rules', () => {
    fc.assert(
      fc.property(ruleArb(), (r) => {
        expect(LifecyclePolicy.ruleCodec.decode(LifecyclePolicy.ruleCodec.encode(r))).toStrictEqual(E.right(r))
        expect(LifecyclePolicy.ruleCodec.is(r)).toBe(true)
      })
    )
  })

  it('codec: decode(encode(p)) = p for valid policies', () => {
    fc.assert(
      fc.property(policyArb, (p) => {
        expect(LifecyclePolicy.codec.decode(LifecyclePolicy.codec.encode(p))).toStrictEqual(E.right(p))
        expect(LifecyclePolicy.validate(p)).toStrictEqual(E.right(p))
      })
    )
  })

  it('encode gives plain JSON objects with no undefined keys', () => {
    fc.assert(
      fc.property(policyArb, (p) => {
        const json = LifecyclePolicy.codec.encode(p)
        expect(JSON.parse(JSON.stringify(json))).toStrictEqual(json)
      })
    )
  })

  it('encode drops undefined and empty optional fields of a hand-built rule', () => {
    const rule = {
      ...untaggedDays(1, 3),
      selection: {
        tagStatus: 'untagged' as const,
        tagPrefixList: [],
        tagPatternList: undefined,
        countType: 'sinceImagePushed' as const,
        countUnit: 'days' as const,
        countNumber: 3
      }
    }
    expect(LifecyclePolicy.ruleCodec.encode(rule)).toStrictEqual(untaggedDays(1, 3))
  })

  it('tolerates ECR additions and a missing description', () => {
    const r = LifecyclePolicy.ruleCodec.decode({
      rulePriority: 4,
      selection: {
        tagStatus: 'untagged',
        storageClass: 'standard',
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: 3
      },
      action: { type: 'expire' },
      extra: { anything: true }
    })
    expect(r).toStrictEqual(E.right(untaggedDays(4, 3)))
  })

  it('a policy decodes to canonical rules: ECR additions dropped, a missing description empty', () => {
    const { description: _none, ...noDescription } = untaggedDays(4, 3)
    const read = LifecyclePolicy.fromJson(
      JSON.stringify({
        rules: [{ ...noDescription, extra: 1, selection: { ...noDescription.selection, storageClass: 'standard', tagPrefixList: [] } }],
        lastEvaluatedAt: 0
      })
    )
    expect(read).toStrictEqual(E.right({ rules: [untaggedDays(4, 3)] }))
  })

  const rule = untaggedDays(1, 7)
  const tagged = (selection: object) => ({
    ...rule,
    selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 5, ...selection }
  })
  const withSelection = (selection: object) => ({ ...rule, selection: { ...rule.selection, ...selection } })

  const invalidRules: ReadonlyArray<readonly [string, unknown, string]> = [
    ['not an object', 5, '/: expected Rule, got 5'],
    ['no selection', { ...rule, selection: undefined }, '/selection: missing'],
    ['action delete', { ...rule, action: { type: 'delete' } }, '/action/type: expected "expire" or "transition"'],
    [
      'action transition without a target',
      { ...rule, action: { type: 'transition' } },
      '/action/targetStorageClass: action transition needs targetStorageClass "archive"'
    ],
    [
      'action transition to another class',
      { ...rule, action: { type: 'transition', targetStorageClass: 'glacier' } },
      '/action/targetStorageClass: expected "archive"'
    ],
    [
      'action expire with a target',
      { ...rule, action: { type: 'expire', targetStorageClass: 'archive' } },
      '/action/targetStorageClass: action expire takes no targetStorageClass'
    ],
    [
      'unknown tagStatus',
      withSelection({ tagStatus: 'TAGGED' }),
      '/selection/tagStatus: expected "tagged", "untagged" or "any"'
    ],
    [
      'unknown countType',
      withSelection({ countType: 'sinceImageDeleted' }),
      '/selection/countType: expected "imageCountMoreThan", "sinceImagePushed", "sinceImagePulled" or "sinceImageTransitioned"'
    ],
    [
      'sinceImagePulled with expire',
      withSelection({ countType: 'sinceImagePulled' }),
      '/selection/countType: countType sinceImagePulled only works with action transition'
    ],
    [
      'sinceImageTransitioned without storageClass archive',
      withSelection({ countType: 'sinceImageTransitioned', countNumber: 90 }),
      '/selection/storageClass: countType sinceImageTransitioned needs storageClass "archive"'
    ],
    [
      'storageClass archive with sinceImagePushed',
      withSelection({ storageClass: 'archive' }),
      '/selection/storageClass: storageClass archive is only allowed with countType sinceImageTransitioned, not sinceImagePushed'
    ],
    ['storageClass glacier', withSelection({ storageClass: 'glacier' }), '/selection/storageClass: expected "standard" or "archive"'],
    [
      'archived images expired before 90 days',
      withSelection({ storageClass: 'archive', countType: 'sinceImageTransitioned', countNumber: 30 }),
      '/selection/countNumber: countType sinceImageTransitioned counts at least 90 days'
    ],
    [
      'transition of archived images',
      {
        ...rule,
        selection: { ...rule.selection, storageClass: 'archive', countType: 'sinceImageTransitioned', countNumber: 90 },
        action: { type: 'transition', targetStorageClass: 'archive' }
      },
      '/action/type: action transition moves standard images to the archive'
    ],
    [
      'sinceImagePulled without countUnit',
      { ...withSelection({ countType: 'sinceImagePulled', countUnit: undefined }), action: { type: 'transition', targetStorageClass: 'archive' } },
      '/selection/countUnit: countUnit "days" is required with countType sinceImagePulled'
    ],
    ['countUnit hours', withSelection({ countUnit: 'hours' }), '/selection/countUnit: expected "days"'],
    [
      'countUnit with imageCountMoreThan',
      withSelection({ countType: 'imageCountMoreThan' }),
      '/selection/countUnit: countUnit is only allowed with countType sinceImagePushed, sinceImagePulled or sinceImageTransitioned, not imageCountMoreThan'
    ],
    [
      'sinceImagePushed without countUnit',
      withSelection({ countUnit: undefined }),
      '/selection/countUnit: countUnit "days" is required with countType sinceImagePushed'
    ],
    ['tagged without a list', tagged({}), '/selection/tagPrefixList: tagStatus tagged needs a non-empty'],
    [
      'tagged with empty lists',
      tagged({ tagPrefixList: [], tagPatternList: [] }),
      '/selection/tagPrefixList: tagStatus tagged needs'
    ],
    [
      'tagged with both lists',
      tagged({ tagPrefixList: ['v'], tagPatternList: ['v*'] }),
      '/selection/tagPatternList: give either'
    ],
    [
      'prefix list on untagged',
      withSelection({ tagPrefixList: ['v'] }),
      '/selection/tagPrefixList: only allowed with tagStatus tagged'
    ],
    [
      'pattern list on any',
      withSelection({ tagStatus: 'any', tagPatternList: ['v*'] }),
      '/selection/tagPatternList: only allowed with tagStatus tagged'
    ],
    [
      'five wildcards',
      tagged({ tagPatternList: ['ok', 'a*b*c*d*e*'] }),
      '/selection/tagPatternList/1: at most 4 wildcards'
    ],
    ['prefix list of numbers', tagged({ tagPrefixList: [1] }), '/selection/tagPrefixList/0: expected string, got 1'],
    ['countNumber 0', withSelection({ countNumber: 0 }), '/selection/countNumber: expected a positive integer, got 0'],
    ['countNumber -1', withSelection({ countNumber: -1 }), '/selection/countNumber: expected a positive integer'],
    ['countNumber 1.5', withSelection({ countNumber: 1.5 }), '/selection/countNumber: expected a positive integer'],
    ['countNumber "7"', withSelection({ countNumber: '7' }), '/selection/countNumber: expected number, got "7"'],
    ['rulePriority 0', { ...rule, rulePriority: 0 }, '/rulePriority: expected an integer from 1 to 999, got 0'],
    ['rulePriority 1000', { ...rule, rulePriority: 1000 }, '/rulePriority: expected an integer from 1 to 999'],
    ['rulePriority 2.5', { ...rule, rulePriority: 2.5 }, '/rulePriority: expected an integer from 1 to 999'],
    ['description not a string', { ...rule, description: 5 }, '/description: expected string, got 5']
  ]

  it.each(invalidRules)('ruleCodec rejects: %s', (_name, input, expected) => {
    const r = LifecyclePolicy.ruleCodec.decode(input)
    expect(E.isLeft(r)).toBe(true)
    expect(LifecyclePolicy.ruleCodec.is(input)).toBe(false)
    // the same failure inside a policy is reported under /rules/0
    const text = JSON.stringify({ rules: [input] })
    const errors = errorsOf(LifecyclePolicy.fromJson(text))
    const wanted = `/rules/0${expected.startsWith('/: ') ? expected.slice(1) : expected}`
    expect(
      errors.some((e) => e.startsWith(wanted)),
      `${JSON.stringify(errors)} has ${wanted}`
    ).toBe(true)
  })

  const any = (rulePriority: number): Rule => ({
    rulePriority,
    description: 'any',
    selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 },
    action: { type: 'expire' }
  })

  const archivedAny = (rulePriority: number): Rule => ({
    rulePriority,
    description: 'expire archived',
    selection: {
      tagStatus: 'any',
      storageClass: 'archive',
      countType: 'sinceImageTransitioned',
      countUnit: 'days',
      countNumber: 365
    },
    action: { type: 'expire' }
  })

  const invalidPolicies: ReadonlyArray<readonly [string, unknown, string]> = [
    ['not an object', [], '/: expected LifecyclePolicy'],
    ['no rules field', {}, '/rules: missing'],
    ['no rules', { rules: [] }, '/rules: a policy needs at least one rule'],
    [
      'duplicate priorities',
      { rules: [untaggedDays(1, 1), untaggedDays(2, 2), untaggedDays(1, 3)] },
      '/rules/2/rulePriority: duplicate rulePriority 1 (also rule 0)'
    ],
    [
      'two any rules',
      { rules: [untaggedDays(1, 1), any(2), any(3)] },
      '/rules/2/selection/tagStatus: only one rule may have tagStatus any'
    ],
    [
      'any rule not the highest',
      { rules: [any(1), untaggedDays(2, 2)] },
      '/rules/0/rulePriority: a rule with tagStatus any must have the highest rulePriority (1 is lower than 2) among the rules selecting standard images'
    ],
    [
      'two untagged rules for standard images',
      { rules: [untaggedDays(1, 1), untaggedDays(2, 2)] },
      '/rules/1/selection/tagStatus: only one rule may have tagStatus untagged among the rules selecting standard images (also rule 0)'
    ],
    [
      'two rules with the same prefixes (in any order)',
      {
        rules: [
          LifecyclePolicy.keepLastN({ count: 1, tagPrefixList: ['a', 'b'] }),
          LifecyclePolicy.keepLastN({ count: 2, tagPrefixList: ['b', 'a'], rulePriority: 2 })
        ]
      },
      '/rules/1/selection/tagPrefixList: the same tag prefixes as rule 0'
    ],
    [
      'an any rule for archived images below a rule for archived images',
      { rules: [archivedAny(1), { ...archivedAny(2), selection: { ...archivedAny(2).selection, tagStatus: 'untagged' } }] },
      '/rules/0/rulePriority: a rule with tagStatus any must have the highest rulePriority (1 is lower than 2) among the rules selecting archive images'
    ]
  ]

  it.each(invalidPolicies)('codec rejects: %s', (_name, input, expected) => {
    const errors = errorsOf(LifecyclePolicy.fromJson(JSON.stringify(input)))
    expect(
      errors.some((e) => e.startsWith(expected)),
      `${JSON.stringify(errors)} has ${expected}`
    ).toBe(true)
    expect(LifecyclePolicy.codec.is(input)).toBe(false)
  })

  it('an any rule with the highest priority, listed first, is fine (ECR does not need sorted rules)', () => {
    expect(E.isRight(LifecyclePolicy.codec.decode({ rules: [any(9), untaggedDays(1, 1)] }))).toBe(true)
  })

  it('the rules between rules hold per storage class: an any rule and an untagged rule for each', () => {
    const archivedUntagged: Rule = { ...archivedAny(3), selection: { ...archivedAny(3).selection, tagStatus: 'untagged' } }
    const policy = { rules: [untaggedDays(1, 1), any(5), archivedUntagged, archivedAny(4)] }
    expect(LifecyclePolicy.codec.decode(policy)).toStrictEqual(E.right(policy))
    // the same prefixes in two storage classes are fine too
    const prefixed = (rulePriority: number, storageClass?: 'archive'): Rule => ({
      rulePriority,
      description: '',
      selection: {
        tagStatus: 'tagged',
        tagPrefixList: ['v'],
        ...(storageClass === undefined
          ? { countType: 'imageCountMoreThan' }
          : { storageClass, countType: 'sinceImageTransitioned', countUnit: 'days' }),
        countNumber: 100
      },
      action: { type: 'expire' }
    })
    expect(E.isRight(LifecyclePolicy.codec.decode({ rules: [prefixed(1), prefixed(2, 'archive')] }))).toBe(true)
  })

  it('storageClass standard (the default) decodes and is left out', () => {
    const r = LifecyclePolicy.ruleCodec.decode({ ...untaggedDays(3, 3), selection: { ...untaggedDays(3, 3).selection, storageClass: 'standard' } })
    expect(r).toStrictEqual(E.right(untaggedDays(3, 3)))
  })
})

// -------------------------------------------------------------------------------------
// builders
// -------------------------------------------------------------------------------------

describe('builders', () => {
  it('keepLastN with prefixes, patterns, or neither', () => {
    expect(LifecyclePolicy.keepLastN({ count: 10, tagPrefixList: ['v', 'release-'], rulePriority: 3 })).toStrictEqual({
      rulePriority: 3,
      description: 'Keep the last 10 images tagged v*, release-*',
      selection: {
        tagStatus: 'tagged',
        tagPrefixList: ['v', 'release-'],
        countType: 'imageCountMoreThan',
        countNumber: 10
      },
      action: { type: 'expire' }
    })
    expect(LifecyclePolicy.keepLastN({ count: 2, tagPatternList: ['*-rc*'] }).selection).toStrictEqual({
      tagStatus: 'tagged',
      tagPatternList: ['*-rc*'],
      countType: 'imageCountMoreThan',
      countNumber: 2
    })
    expect(LifecyclePolicy.keepLastN({ count: 2, tagPrefixList: [], description: 'd' })).toStrictEqual({
      rulePriority: 1,
      description: 'd',
      selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 },
      action: { type: 'expire' }
    })
  })

  it('expireAnyOlderThan', () => {
    expect(LifecyclePolicy.expireAnyOlderThan({ days: 30 })).toStrictEqual({
      rulePriority: 1,
      description: 'Expire images pushed more than 30 days ago',
      selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 },
      action: { type: 'expire' }
    })
  })

  it('builders with valid numbers make valid rules', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.option(tagList(tagText), { nil: undefined }),
        (rulePriority, n, prefixes) => {
          const rules = [
            LifecyclePolicy.removeUntagged({ rulePriority, days: n }),
            LifecyclePolicy.keepLastN({
              count: n,
              rulePriority,
              ...(prefixes === undefined ? {} : { tagPrefixList: prefixes })
            }),
            LifecyclePolicy.expireAnyOlderThan({ days: n, rulePriority })
          ]
          rules.forEach((r) => expect(LifecyclePolicy.ruleCodec.decode(r)).toStrictEqual(E.right(r)))
        }
      )
    )
  })

  it('builders with defaults combine into a valid policy in the order given', () => {
    const policy = LifecyclePolicy.fromRules(
      LifecyclePolicy.removeUntagged(),
      LifecyclePolicy.keepLastN({ count: 10, tagPrefixList: ['release-'] }),
      LifecyclePolicy.keepLastN({ count: 50 })
    )
    expect(priorities(policy.rules)).toStrictEqual([1, 2, 3])
    expect(LifecyclePolicy.validate(policy)).toStrictEqual(E.right(policy))
  })
})

// -------------------------------------------------------------------------------------
// JSON text
// -------------------------------------------------------------------------------------

describe('toJson / fromJson', () => {
  it('fromJson(toJson(p)) = p', () => {
    fc.assert(
      fc.property(policyArb, (p) => {
        expect(LifecyclePolicy.fromJson(LifecyclePolicy.toJson(p))).toStrictEqual(E.right(p))
      })
    )
  })

  it('toJson(fromJson(text)) = text for text toJson wrote', () => {
    fc.assert(
      fc.property(policyArb, (p) => {
        const text = LifecyclePolicy.toJson(p)
        const back = LifecyclePolicy.fromJson(text)
        expect(E.isRight(back) && LifecyclePolicy.toJson(back.right)).toBe(text)
      })
    )
  })

  it('writes keys in a stable order, whatever the order of the input', () => {
    const shuffled = {
      rules: [
        {
          action: { type: 'expire' },
          selection: { countNumber: 5, countType: 'imageCountMoreThan', tagPatternList: ['v*'], tagStatus: 'tagged' },
          description: 'keep five',
          rulePriority: 2
        },
        {
          selection: { countUnit: 'days', countNumber: 9, tagStatus: 'untagged', countType: 'sinceImagePushed' },
          rulePriority: 1,
          action: { type: 'expire' },
          description: 'untagged'
        }
      ]
    }
    const p = LifecyclePolicy.fromJson(JSON.stringify(shuffled))
    expect(E.isRight(p) && LifecyclePolicy.toJson(p.right)).toBe(
      '{"rules":[' +
        '{"rulePriority":2,"description":"keep five","selection":{"tagStatus":"tagged","tagPatternList":["v*"],"countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}},' +
        '{"rulePriority":1,"description":"untagged","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":9},"action":{"type":"expire"}}' +
        ']}'
    )
  })

  it('reads a pretty-printed policy as ECR returns it', () => {
    const text = `{
      "rules": [
        {
          "rulePriority": 1,
          "description": "Expire images older than 14 days",
          "selection": { "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14 },
          "action": { "type": "expire" }
        }
      ]
    }`
    expect(LifecyclePolicy.fromJson(text)).toStrictEqual(
      E.right({ rules: [untaggedDays(1, 14, 'Expire images older than 14 days')] })
    )
  })

  it('fromJson never throws and fails with a DecodeError (arbitrary strings and JSON)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.jsonValue().map((j) => JSON.stringify(j))
        ),
        (s) => {
          const r = LifecyclePolicy.fromJson(s)
          expect(E.isRight(r) || (r.left._tag === 'DecodeError' && errorsOf(r).length > 0)).toBe(true)
        }
      ),
      { numRuns: 2_000 }
    )
  })

  it('fromJson of text that is not JSON', () => {
    const r = LifecyclePolicy.fromJson('{"rules": [')
    expect(errorsOf(r)[0]).toMatch(/^\/: not JSON/)
  })
})

describe('validate / toJsonChecked', () => {
  it('accepts what the codec accepts, when the text fits', () => {
    fc.assert(
      fc.property(policyArb, (p) => {
        expect(LifecyclePolicy.toJsonChecked(p)).toStrictEqual(E.right(LifecyclePolicy.toJson(p)))
      })
    )
  })

  it('rejects a policy whose text is longer than 30,720 characters', () => {
    const long = LifecyclePolicy.fromRules(untaggedDays(1, 1))
    const rule = long.rules[0]
    expect(rule).toBeDefined()
    if (rule !== undefined) {
      const base = LifecyclePolicy.toJson(long).length
      const fits = { rules: [{ ...rule, description: 'x'.repeat(LifecyclePolicy.maxTextLength - base) }] }
      expect(LifecyclePolicy.toJson(fits)).toHaveLength(LifecyclePolicy.maxTextLength)
      expect(E.isRight(LifecyclePolicy.toJsonChecked(fits))).toBe(true)

      const over = { rules: [{ ...rule, description: 'x'.repeat(LifecyclePolicy.maxTextLength - base + 1) }] }
      const r = LifecyclePolicy.toJsonChecked(over)
      expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
      expect(E.isLeft(r) && r.left.message).toContain('30721 characters, more than')
      expect(E.isLeft(LifecyclePolicy.validate(over))).toBe(true)
    }
  })

  it('gives InvalidArgument naming the failing paths', () => {
    const r = LifecyclePolicy.validate(
      LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged({ days: 0 }), LifecyclePolicy.keepLastN({ count: -2 }))
    )
    expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
    expect(E.isLeft(r) && r.left.message).toContain(
      '/rules/0/selection/countNumber: expected a positive integer, got 0'
    )
    expect(E.isLeft(r) && r.left.message).toContain(
      '/rules/1/selection/countNumber: expected a positive integer, got -2'
    )
  })

  it('reprioritised rules past 999 are rejected', () => {
    const r = LifecyclePolicy.validate(LifecyclePolicy.fromRules(untaggedDays(999, 1), untaggedDays(999, 2)))
    expect(E.isLeft(r) && r.left.message).toContain(
      '/rules/1/rulePriority: expected an integer from 1 to 999, got 1000'
    )
  })
})

// -------------------------------------------------------------------------------------
// evaluate: helpers
// -------------------------------------------------------------------------------------

const DAY = 86_400_000
const NOW = new Date('2026-06-01T00:00:00Z')
const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * DAY)

const digestOf = (n: number): ImageDigest => {
  const d = `sha256:${n.toString(16).padStart(64, '0')}`
  if (!isImageDigest(d)) throw new Error(`not a digest: ${d}`)
  return d
}

/** An image, with times in days before NOW. */
const img = (
  n: number,
  imageTags: ReadonlyArray<string>,
  pushed: number | undefined,
  more: { status?: ImageDetail['status']; pulled?: number; archived?: number } = {}
): ImageDetail => ({
  imageDigest: digestOf(n),
  imageTags,
  ...(pushed === undefined ? {} : { imagePushedAt: daysAgo(pushed) }),
  status: more.status ?? 'ACTIVE',
  ...(more.pulled === undefined ? {} : { lastRecordedPullTime: daysAgo(more.pulled) }),
  ...(more.archived === undefined ? {} : { lastArchivedAt: daysAgo(more.archived) })
})

/** `evaluate`'s answer as [image number, rule priority, action type] triples. */
const outcomesOf = (
  policy: LifecyclePolicy.LifecyclePolicy,
  images: ReadonlyArray<ImageDetail>,
  now: Date = NOW
): ReadonlyArray<readonly [number, number, string]> =>
  LifecyclePolicy.evaluate(policy, images, now).map((o) => [parseInt(o.image.imageDigest.slice(7), 16), o.rulePriority, o.action.type])

const policyOf = (text: string): LifecyclePolicy.LifecyclePolicy => {
  const p = LifecyclePolicy.fromJson(text)
  if (E.isLeft(p)) throw new Error(`does not decode: ${JSON.stringify(p.left)}`)
  return p.right
}

// -------------------------------------------------------------------------------------
// every example of ECR's "Examples of lifecycle policies in Amazon ECR"
// -------------------------------------------------------------------------------------

/**
 * The policies of AWS's page, as printed there, each with a repository and the outcome worked out
 * by hand: the page's own repository and result where it gives one.
 */
const awsExamples: ReadonlyArray<{
  readonly name: string
  readonly text: string
  readonly images: ReadonlyArray<ImageDetail>
  readonly expected: ReadonlyArray<readonly [number, number, string]>
}> = [
  {
    name: 'Filtering on image age',
    text: `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Expire images older than 14 days",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["prod*"],
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14
            },
            "action": {
                "type": "expire"
            }
        }
    ]
}`,
    // prod-1 is 20 days old; prod-2 only 10; dev-1 and the untagged image do not match prod*
    images: [img(1, ['prod-1'], 20), img(2, ['prod-2'], 10), img(3, ['dev-1'], 30), img(4, [], 40), img(5, ['production'], 15)],
    expected: [
      [1, 1, 'expire'],
      [5, 1, 'expire']
    ]
  },
  {
    name: 'Filtering on last pulled time',
    text: `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Archive images not pulled in 90 days",
            "selection": {
                "tagStatus": "any",
                "countType": "sinceImagePulled",
                "countUnit": "days",
                "countNumber": 90
            },
            "action": {
                "type": "transition",
                "targetStorageClass": "archive"
            }
        }
    ]
}`,
    // 1: pulled 10 days ago; 2: last pulled 100 days ago; 3: never pulled, pushed 120 days ago (push
    // time counts); 4: never pulled, pushed 30 days ago; 5: already archived; 6: being restored
    images: [
      img(1, ['a'], 200, { pulled: 10 }),
      img(2, [], 200, { pulled: 100 }),
      img(3, ['b'], 120),
      img(4, ['c'], 30),
      img(5, ['d'], 300, { status: 'ARCHIVED', archived: 200 }),
      img(6, ['e'], 300, { status: 'ACTIVATING' })
    ],
    expected: [
      [2, 1, 'transition'],
      [3, 1, 'transition']
    ]
  },
  {
    name: 'Filtering on archive transition time',
    text: `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Expire images archived for more than 365 days",
            "selection": {
                "tagStatus": "any",
                "storageClass": "archive",
                "countType": "sinceImageTransitioned",
                "countUnit": "days",
                "countNumber": 365
            },
            "action": {
                "type": "expire"
            }
        }
    ]
}`,
    // 1: archived 400 days ago; 2: archived 100 days ago; 3: a standard image pushed long ago;
    // 4: archived, but when is not known
    images: [
      img(1, ['a'], 900, { status: 'ARCHIVED', archived: 400 }),
      img(2, ['b'], 900, { status: 'ARCHIVED', archived: 100 }),
      img(3, ['c'], 1000, { status: 'ACTIVE' }),
      img(4, ['d'], 1000, { status: 'ARCHIVED' })
    ],
    expected: [[1, 1, 'expire']]
  },
  {
    name: 'Filtering on image count',
    text: `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Keep only one untagged image, expire all others",
            "selection": {
                "tagStatus": "untagged",
                "countType": "imageCountMoreThan",
                "countNumber": 1
            },
            "action": {
                "type": "expire"
            }
        }
    ]
}`,
    images: [img(1, [], 3), img(2, [], 2), img(3, [], 1), img(4, ['t'], 10)],
    expected: [
      [1, 1, 'expire'],
      [2, 1, 'expire']
    ]
  },
  {
    name: 'Filtering on multiple rules, example A',
    text: `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Rule 1",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["prod*"],
                "countType": "imageCountMoreThan",
                "countNumber": 1
            },
            "action": {
                "type": "expire"
            }
        },
        {
            "rulePriority": 2,
            "description": "Rule 2",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["beta*"],
                "countType": "imageCountMoreThan",
                "countNumber": 1
            },
            "action": {
                "type": "expire"
            }
        }
    ]
}`,
    // Image A (1), B (2), C (3). Result: Image A is expired.
    images: [img(1, ['beta-1', 'prod-1'], 10), img(2, ['beta-2', 'prod-2'], 9), img(3, ['beta-3'], 8)],
    expected: [[1, 1, 'expire']]
  },
  {
    name: 'Filtering on multiple rules, example B',
    text: `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Rule 1",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["beta*"],
                "countType": "imageCountMoreThan",
                "countNumber": 1
            },
            "action": {
                "type": "expire"
            }
        },
        {
            "rulePriority": 2,
            "description": "Rule 2",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["prod*"],
                "countType": "imageCountMoreThan",
                "countNumber": 1
            },
            "action": {
                "type": "expire"
            }
        }
    ]
}`,
    // Result: Images A and B are expired.
    images: [img(1, ['beta-1', 'prod-1'], 10), img(2, ['beta-2', 'prod-2'], 9), img(3, ['beta-3'], 8)],
    expected: [
      [1, 1, 'expire'],
      [2, 1, 'expire']
    ]
  },
  {
    name: 'Filtering on multiple tags in a single rule, example A',
    text: `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Rule 1",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["alpha*", "beta*"],
                "countType": "sinceImagePushed",
                "countNumber": 5,
                "countUnit": "days"
            },
            "action": {
                "type": "expire"
            }
        }
    ]
}`,
    // Images A to F (1 to 6); only C and F have both tags. Result: Image C is expired.
    images: [
      img(1, ['alpha-1'], 12),
      img(2, ['beta-1'], 11),
      img(3, ['alpha-2', 'beta-2'], 10),
      img(4, ['alpha-3'], 4),
      img(5, ['beta-3'], 3),
      img(6, ['alpha-4', 'beta-4'], 2)
    ],
    expected: [[3, 1, 'expire']]
  },
  {
    name: 'Filtering on multiple tags in a single rule, example B',
    text: `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Rule 1",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["alpha*", "beta*"],
                "countType": "imageCountMoreThan",
                "countNumber": 1
            },
            "action": {
                "type": "expire"
            }
        }
    ]
}`,
    // Result: Images A and B are expired.
    images: [img(1, ['alpha-1', 'beta-1', 'gamma-1'], 10), img(2, ['alpha-2', 'beta-2'], 9), img(3, ['alpha-3', 'beta-3', 'gamma-2'], 8)],
    expected: [
      [1, 1, 'expire'],
      [2, 1, 'expire']
    ]
  },
  {
    name: 'Filtering on all images, example A',
    text: `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Rule 1",
            "selection": {
                "tagStatus": "any",
                "countType": "imageCountMoreThan",
                "countNumber": 1
            },
            "action": {
                "type": "expire"
            }
        }
    ]
}`,
    // Result: Images A, B, and C are expired.
    images: [img(1, ['alpha-1'], 4), img(2, ['beta-1'], 3), img(3, [], 2), img(4, ['alpha-2'], 1)],
    expected: [
      [1, 1, 'expire'],
      [2, 1, 'expire'],
      [3, 1, 'expire']
    ]
  },
  {
    name: 'Filtering on all images, example B',
    text: `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Rule 1",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["alpha*"],
                "countType": "imageCountMoreThan",
                "countNumber": 1
            },
            "action": {
                "type": "expire"
            }
        },
        {
            "rulePriority": 2,
            "description": "Rule 2",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 1
            },
            "action": {
                "type": "expire"
            }
        },
        {
            "rulePriority": 3,
            "description": "Rule 3",
            "selection": {
                "tagStatus": "any",
                "countType": "imageCountMoreThan",
                "countNumber": 1
            },
            "action": {
                "type": "expire"
            }
        }
    ]
}`,
    // D and E are both "1 day ago" on the page: E is the newer one (rule 3 keeps it) and not older
    // than a day (rule 2 keeps it). Result: Images A, B, and D are expired.
    images: [
      img(1, ['alpha-1', 'beta-1'], 4),
      img(2, [], 3),
      img(3, ['alpha-2'], 2),
      img(4, ['git hash'], 1 + 1 / 24),
      img(5, [], 1 - 1 / 24)
    ],
    expected: [
      [1, 1, 'expire'],
      [2, 2, 'expire'],
      [4, 3, 'expire']
    ]
  },
  {
    name: 'Archive examples: archiving images older than a specified number of days',
    text: `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Archive production images older than 30 days",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["prod*"],
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 30
            },
            "action": {
                "type": "transition",
                "targetStorageClass": "archive"
            }
        }
    ]
}`,
    // 1: old prod image; 2: young one; 3: an old prod image already archived; 4: old, not prod
    images: [
      img(1, ['prod-a'], 40),
      img(2, ['prod-b'], 10),
      img(3, ['prod-c'], 100, { status: 'ARCHIVED', archived: 50 }),
      img(4, ['dev'], 50)
    ],
    expected: [[1, 1, 'transition']]
  },
  {
    name: 'Archive examples: archiving images not pulled in a specified number of days',
    text: `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Archive images not pulled in 90 days",
            "selection": {
                "tagStatus": "any",
                "countType": "sinceImagePulled",
                "countUnit": "days",
                "countNumber": 90
            },
            "action": {
                "type": "transition",
                "targetStorageClass": "archive"
            }
        }
    ]
}`,
    // 1: pulled yesterday, pushed long ago; 2: pulled 91 days ago; 3: never pulled, pushed 89 days ago
    images: [img(1, ['a'], 400, { pulled: 1 }), img(2, ['b'], 400, { pulled: 91 }), img(3, [], 89)],
    expected: [[2, 1, 'transition']]
  },
  {
    name: 'Archive examples: combining archive and expire rules',
    text: `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Archive images older than 30 days",
            "selection": {
                "tagStatus": "any",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 30
            },
            "action": {
                "type": "transition",
                "targetStorageClass": "archive"
            }
        },
        {
            "rulePriority": 2,
            "description": "Expire images archived for more than 365 days",
            "selection": {
                "tagStatus": "any",
                "storageClass": "archive",
                "countType": "sinceImageTransitioned",
                "countUnit": "days",
                "countNumber": 365
            },
            "action": {
                "type": "expire"
            }
        }
    ]
}`,
    // rule 1 identifies standard images only, so it does not shield archived ones from rule 2:
    // 1 (standard, 45 days) is archived, 3 (archived 400 days ago) expired; 2 and 4 stay
    images: [
      img(1, ['a'], 45),
      img(2, [], 5),
      img(3, ['b'], 500, { status: 'ARCHIVED', archived: 400 }),
      img(4, ['c'], 500, { status: 'ARCHIVED', archived: 100 })
    ],
    expected: [
      [1, 1, 'transition'],
      [3, 2, 'expire']
    ]
  }
]

describe("ECR's example policies", () => {
  it('covers every example of the page', () => {
    expect(awsExamples).toHaveLength(13)
  })

  it.each(awsExamples)('$name: decodes with every field kept', ({ text }) => {
    const p = policyOf(text)
    expect(LifecyclePolicy.codec.encode(p)).toEqual(JSON.parse(text))
    expect(E.isRight(LifecyclePolicy.validate(p))).toBe(true)
  })

  it.each(awsExamples)('$name: toJson(fromJson(x)) is stable', ({ text }) => {
    const once = LifecyclePolicy.toJson(policyOf(text))
    expect(LifecyclePolicy.toJson(policyOf(once))).toBe(once)
    expect(LifecyclePolicy.fromJson(once)).toStrictEqual(LifecyclePolicy.fromJson(text))
  })

  it.each(awsExamples)('$name: evaluates as worked out by hand', ({ text, images, expected }) => {
    expect(outcomesOf(policyOf(text), images)).toStrictEqual(expected)
  })
})

// -------------------------------------------------------------------------------------
// evaluate
// -------------------------------------------------------------------------------------

describe('evaluate', () => {
  const rule = (rulePriority: number, selection: Rule['selection'], action: Rule['action'] = { type: 'expire' }): Rule => ({
    rulePriority,
    description: '',
    selection,
    action
  })

  it('counts from the newest: imageCountMoreThan keeps the newest by push time, whatever the order given', () => {
    const policy = { rules: [rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 })] }
    const images = [img(1, [], 5), img(2, ['x'], 1), img(3, [], 9), img(4, ['y'], 3)]
    expect(outcomesOf(policy, images)).toStrictEqual([
      [3, 1, 'expire'],
      [1, 1, 'expire']
    ])
    expect(outcomesOf(policy, [...images].reverse())).toStrictEqual(outcomesOf(policy, images))
  })

  it('ages are strictly more than countNumber days', () => {
    const policy = { rules: [rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 })] }
    expect(outcomesOf(policy, [img(1, [], 7), img(2, [], 7 + 1 / 86_400_000 * 1000)])).toStrictEqual([[2, 1, 'expire']])
  })

  it('a rule keeps what it identifies from the rules below it, even images it does not mark', () => {
    // rule 1 keeps the two newest v* images; rule 2 (any, 1 day) would expire every old image
    const policy = {
      rules: [
        rule(1, { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 2 }),
        rule(2, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 })
      ]
    }
    const images = [img(1, ['v1'], 30), img(2, ['v2'], 20), img(3, ['v3'], 10), img(4, ['other'], 5)]
    expect(outcomesOf(policy, images)).toStrictEqual([
      [1, 1, 'expire'],
      [4, 2, 'expire']
    ])
  })

  it('a prefix list needs every prefix on some tag; a pattern matches the whole tag', () => {
    const both = { rules: [rule(1, { tagStatus: 'tagged', tagPrefixList: ['a', 'b'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 })] }
    expect(outcomesOf(both, [img(1, ['a1'], 5), img(2, ['a1', 'b1'], 5), img(3, ['ab'], 5)])).toStrictEqual([[2, 1, 'expire']])
    const wild = (p: string) => ({
      rules: [rule(1, { tagStatus: 'tagged', tagPatternList: [p], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 })]
    })
    const images = [img(1, ['repo-production'], 5), img(2, ['prod-team'], 5), img(3, ['xprod'], 5), img(4, ['prod'], 5)]
    expect(outcomesOf(wild('prod*'), images).map(([n]) => n)).toStrictEqual([2, 4])
    expect(outcomesOf(wild('*prod*'), images).map(([n]) => n)).toStrictEqual([1, 2, 3, 4])
    expect(outcomesOf(wild('*prod'), images).map(([n]) => n)).toStrictEqual([3, 4])
    expect(outcomesOf(wild('prod'), images).map(([n]) => n)).toStrictEqual([4])
    expect(outcomesOf(wild('p*o*d'), images).map(([n]) => n)).toStrictEqual([4])
  })

  it('where the data cannot say, nothing happens', () => {
    const policy = {
      rules: [
        rule(1, { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 1 }),
        rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }),
        rule(3, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 })
      ]
    }
    // without a push time an image counts as the newest (1 is kept, 2 goes) and is not old (3)
    const images = [img(1, ['v1'], undefined), img(2, ['v2'], 50), img(3, [], undefined), img(4, [], 3, { status: 'ARCHIVED' })]
    expect(outcomesOf(policy, images)).toStrictEqual([[2, 1, 'expire']])
    // an invalid date is no date
    expect(outcomesOf(policy, images, new Date(Number.NaN))).toStrictEqual([[2, 1, 'expire']])
  })

  it('the outcome carries the image given and the action of its rule', () => {
    const image = img(1, [], 100, { pulled: 100 })
    const action = { type: 'transition', targetStorageClass: 'archive' } as const
    const policy = { rules: [rule(7, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }, action)] }
    const [o] = LifecyclePolicy.evaluate(policy, [image], NOW)
    expect(o?.image).toBe(image)
    expect(o).toStrictEqual({ image, rulePriority: 7, action })
  })
})

// -------------------------------------------------------------------------------------
// evaluate: properties, against a model written from ECR's evaluation rules
// -------------------------------------------------------------------------------------

describe('evaluate: properties', () => {
  const tags = ['prod-1', 'prod-2', 'prod', 'beta-1', 'beta-2', 'alpha-1', 'v1.0', 'v2.0', 'latest', 'dev-x']
  const prefixItem = fc.constantFrom('prod', 'beta', 'alpha', 'v', 'latest', 'dev', 'p')
  const patternItem = fc.constantFrom('prod*', '*-1', 'v*.0', '*', 'beta-?', '*a*', 'latest', 'p*d*')

  const imagesArb: fc.Arbitrary<ReadonlyArray<ImageDetail>> = fc
    .array(
      fc.record({
        tags: fc.uniqueArray(fc.constantFrom(...tags), { maxLength: 3 }),
        pushed: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined, freq: 10 }),
        pulled: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
        archived: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
        status: fc.constantFrom(undefined, 'ACTIVE' as const, 'ARCHIVED' as const, 'ACTIVATING' as const)
      }),
      { maxLength: 14 }
    )
    .map((specs) =>
      specs.map((s, i) => img(i + 1, s.tags, s.pushed, { status: s.status, pulled: s.pulled, archived: s.archived }))
    )

  // small numbers, so that counts and ages select something
  const evalRuleArb = (p: fc.Arbitrary<number>) =>
    ruleArb(p, prefixItem, patternItem).chain((r) =>
      fc.integer({ min: 1, max: 200 }).map(
        (n): Rule => ({
          ...r,
          selection: {
            ...r.selection,
            countNumber:
              r.selection.countType === 'sinceImageTransitioned'
                ? LifecyclePolicy.minArchiveDays + n
                : r.selection.countType === 'imageCountMoreThan'
                ? n % 5
                : n
          }
        })
      )
    )
  const evalPolicyArb = policyArbOf(evalRuleArb, 5)

  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const patternRe = (p: string): RegExp => new RegExp(`^${p.split('*').map(escape).join('.*')}$`)
  const classOfImage = (i: ImageDetail): StorageClass | 'none' =>
    i.status === 'ARCHIVED' ? 'archive' : i.status === 'ACTIVATING' ? 'none' : 'standard'

  /** ECR: a rule identifies the images of its storage class that meet its tag requirements. */
  const identifies = (r: Rule, i: ImageDetail): boolean => {
    if (classOfImage(i) !== storageClassOf(r)) return false
    const s = r.selection
    if (s.tagStatus === 'any') return true
    if (s.tagStatus === 'untagged') return i.imageTags.length === 0
    const prefixes = s.tagPrefixList ?? []
    const patterns = s.tagPatternList ?? []
    return prefixes.length > 0
      ? prefixes.every((p) => i.imageTags.some((t) => t.startsWith(p)))
      : patterns.every((p) => i.imageTags.some((t) => patternRe(p).test(t)))
  }

  const ms = (d: Date | undefined): number | undefined => (d === undefined ? undefined : d.getTime())

  /** ECR: what a rule marks among what it identifies. */
  const marked = (r: Rule, identified: ReadonlyArray<ImageDetail>): ReadonlyArray<ImageDetail> => {
    const s = r.selection
    if (s.countType === 'imageCountMoreThan') {
      const pushed = (i: ImageDetail) => ms(i.imagePushedAt) ?? Infinity
      const newestFirst = [...identified].sort(
        (a, b) => (pushed(a) !== pushed(b) ? pushed(b) - pushed(a) : a.imageDigest.localeCompare(b.imageDigest))
      )
      return newestFirst.slice(s.countNumber)
    }
    const since = (i: ImageDetail): number | undefined =>
      s.countType === 'sinceImagePushed'
        ? ms(i.imagePushedAt)
        : s.countType === 'sinceImagePulled'
        ? ms(i.lastRecordedPullTime) ?? ms(i.imagePushedAt)
        : ms(i.lastArchivedAt)
    return identified.filter((i) => {
      const t = since(i)
      return t !== undefined && NOW.getTime() - t > s.countNumber * DAY
    })
  }

  /** ECR's evaluation: by priority; a rule acts on what it marks and no rule before it identified. */
  const model = (p: LifecyclePolicy.LifecyclePolicy, images: ReadonlyArray<ImageDetail>): ReadonlyArray<string> => {
    const rules = [...p.rules].sort((a, b) => a.rulePriority - b.rulePriority)
    return rules.flatMap((r, k) =>
      marked(
        r,
        images.filter((i) => identifies(r, i))
      )
        .filter((i) => !rules.slice(0, k).some((before) => identifies(before, i)))
        .map((i) => `${i.imageDigest}@${r.rulePriority}:${r.action.type}`)
    )
  }

  const keys = (outcomes: ReadonlyArray<LifecyclePolicy.Outcome>): ReadonlyArray<string> =>
    outcomes.map((o) => `${o.image.imageDigest}@${o.rulePriority}:${o.action.type}`)

  it('does what the model of ECR does', () => {
    fc.assert(
      fc.property(evalPolicyArb, imagesArb, (p, images) => {
        expect([...keys(LifecyclePolicy.evaluate(p, images, NOW))].sort()).toStrictEqual([...model(p, images)].sort())
      }),
      { numRuns: 300 }
    )
  })

  it('never acts on an image that a rule of higher priority identifies (keeps or acts on)', () => {
    fc.assert(
      fc.property(evalPolicyArb, imagesArb, (p, images) => {
        for (const o of LifecyclePolicy.evaluate(p, images, NOW)) {
          const rule = p.rules.find((r) => r.rulePriority === o.rulePriority)
          expect(rule !== undefined && identifies(rule, o.image)).toBe(true)
          expect(rule?.action).toStrictEqual(o.action)
          for (const higher of p.rules.filter((r) => r.rulePriority < o.rulePriority)) {
            expect(identifies(higher, o.image)).toBe(false)
          }
        }
      }),
      { numRuns: 300 }
    )
  })

  it('acts on an image at most once; transitions only standard images, expires archived ones only by archive time', () => {
    fc.assert(
      fc.property(evalPolicyArb, imagesArb, (p, images) => {
        const outcomes = LifecyclePolicy.evaluate(p, images, NOW)
        const digests = outcomes.map((o) => o.image.imageDigest)
        expect(new Set(digests).size).toBe(digests.length)
        for (const o of outcomes) {
          expect(o.image.status).not.toBe('ACTIVATING')
          if (o.action.type === 'transition') expect(classOfImage(o.image)).toBe('standard')
          if (classOfImage(o.image) === 'archive') expect(o.action.type).toBe('expire')
        }
      }),
      { numRuns: 300 }
    )
  })

  it('is deterministic and independent of the order of the images and of the rules', () => {
    fc.assert(
      fc.property(
        evalPolicyArb,
        imagesArb.chain((images) => fc.tuple(fc.constant(images), fc.shuffledSubarray([...images], { minLength: images.length }))),
        fc.boolean(),
        (p, [images, shuffled], reverseRules) => {
          const once = LifecyclePolicy.evaluate(p, images, NOW)
          expect(LifecyclePolicy.evaluate(p, images, NOW)).toStrictEqual(once)
          const rules = reverseRules ? [...p.rules].reverse() : p.rules
          expect(LifecyclePolicy.evaluate({ rules }, shuffled, NOW)).toStrictEqual(once)
        }
      ),
      { numRuns: 300 }
    )
  })

  it('changes neither the policy nor the images', () => {
    fc.assert(
      fc.property(evalPolicyArb, imagesArb, (p, images) => {
        const before = JSON.stringify([p, images])
        LifecyclePolicy.evaluate(deepFreeze(p), deepFreeze(images), NOW)
        expect(JSON.stringify([p, images])).toBe(before)
      }),
      { numRuns: 100 }
    )
  })
})
