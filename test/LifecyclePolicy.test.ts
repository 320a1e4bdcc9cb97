import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import * as LifecyclePolicy from '../src/LifecyclePolicy'
import type { Rule } from '../src/LifecyclePolicy'

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

const tagText = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/)
const pattern = fc
  .array(fc.oneof(tagText, fc.constant('*')), { minLength: 1, maxLength: 6 })
  .map((ps) => ps.join(''))
  .filter((p) => p.split('*').length - 1 <= 4)
const tagList = (item: fc.Arbitrary<string>) => fc.array(item, { minLength: 1, maxLength: 4 })

/** Valid rules, in every shape ECR accepts. */
const ruleArb = (priority: fc.Arbitrary<number> = fc.integer({ min: 1, max: 999 })): fc.Arbitrary<Rule> =>
  fc
    .record({
      rulePriority: priority,
      description: fc.string({ unit: 'grapheme', maxLength: 40 }),
      status: fc.constantFrom('tagged-prefix', 'tagged-pattern', 'untagged', 'any'),
      prefixes: tagList(tagText),
      patterns: tagList(pattern),
      byAge: fc.boolean(),
      countNumber: fc.integer({ min: 1, max: 10_000 })
    })
    .map(
      ({ rulePriority, description, status, prefixes, patterns, byAge, countNumber }): Rule => ({
        rulePriority,
        description,
        selection: {
          tagStatus: status === 'tagged-prefix' || status === 'tagged-pattern' ? 'tagged' : status,
          ...(status === 'tagged-prefix' ? { tagPrefixList: prefixes } : {}),
          ...(status === 'tagged-pattern' ? { tagPatternList: patterns } : {}),
          ...(byAge ? { countType: 'sinceImagePushed', countUnit: 'days' } : { countType: 'imageCountMoreThan' }),
          countNumber
        },
        action: { type: 'expire' }
      })
    )

/** Valid policies: distinct priorities, at most one `any` rule, and that one with the highest priority. */
const policyArb: fc.Arbitrary<LifecyclePolicy.LifecyclePolicy> = fc
  .uniqueArray(fc.integer({ min: 1, max: 999 }), { minLength: 1, maxLength: 8 })
  .chain((ps) =>
    fc.tuple(...ps.map((p) => ruleArb(fc.constant(p)))).map((rules) => {
      const highest = Math.max(...ps)
      let anySeen = false
      return {
        rules: rules.map((r): Rule => {
          const keepAny = r.selection.tagStatus === 'any' && r.rulePriority === highest && !anySeen
          anySeen = anySeen || keepAny
          return r.selection.tagStatus === 'any' && !keepAny
            ? { ...r, selection: { ...r.selection, tagStatus: 'untagged' } }
            : r
        })
      }
    })
  )

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

  const rule = untaggedDays(1, 7)
  const tagged = (selection: object) => ({
    ...rule,
    selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 5, ...selection }
  })
  const withSelection = (selection: object) => ({ ...rule, selection: { ...rule.selection, ...selection } })

  const invalidRules: ReadonlyArray<readonly [string, unknown, string]> = [
    ['not an object', 5, '/: expected Rule, got 5'],
    ['no selection', { ...rule, selection: undefined }, '/selection: missing'],
    ['action transition', { ...rule, action: { type: 'transition' } }, '/action/type: expected "expire"'],
    [
      'unknown tagStatus',
      withSelection({ tagStatus: 'TAGGED' }),
      '/selection/tagStatus: expected "tagged", "untagged" or "any"'
    ],
    ['unknown countType', withSelection({ countType: 'sinceImagePulled' }), '/selection/countType: '],
    ['countUnit hours', withSelection({ countUnit: 'hours' }), '/selection/countUnit: expected "days"'],
    [
      'countUnit without sinceImagePushed',
      withSelection({ countType: 'imageCountMoreThan' }),
      '/selection/countUnit: countUnit is only allowed with countType sinceImagePushed'
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
      '/rules/0/rulePriority: a rule with tagStatus any must have the highest rulePriority (1 is lower than 2)'
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
