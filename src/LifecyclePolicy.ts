/**
 * ECR lifecycle policies as data: rules that expire images, or move them to the archive storage
 * class, by count, by age, by the time since their last pull or since their archiving; checked
 * against ECR's own rules before they are sent, written as the JSON text `PutLifecyclePolicy` takes,
 * and evaluated offline against a repository's images the way ECR does (`evaluate`).
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
import { type Check, checked, decodeJson, type Item, invalid, report, showValue, stringArray, struct } from './internal/codec'
import type { ImageDetail } from './internal/refs'

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
 * Where an image is kept: `standard` (it can be pulled) or `archive` (it cannot be pulled until it
 * is restored). A rule selects the images of one storage class, `standard` unless it says otherwise.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import * as E from 'fp-ts/Either'
 *
 * const policy = LifecyclePolicy.fromJson(
 *   '{"rules":[{"rulePriority":1,"description":"Expire images archived for more than a year",' +
 *     '"selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned",' +
 *     '"countUnit":"days","countNumber":365},"action":{"type":"expire"}}]}'
 * )
 * assert.ok(E.isRight(policy))
 * const storageClass: LifecyclePolicy.StorageClass | undefined = policy.right.rules[0]?.selection.storageClass
 * assert.strictEqual(storageClass, 'archive')
 */
export type StorageClass = 'standard' | 'archive'

/**
 * What a rule counts. `imageCountMoreThan`: the images beyond the newest `countNumber` (by push
 * time). `sinceImagePushed`: the images pushed more than `countNumber` days ago.
 * `sinceImagePulled`: the images not pulled for more than `countNumber` days (never pulled: since
 * their push); only for `transition` rules. `sinceImageTransitioned`: the archived images archived
 * more than `countNumber` days ago; only for `expire` rules selecting the `archive` storage class.
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
export type CountType = 'imageCountMoreThan' | 'sinceImagePushed' | 'sinceImagePulled' | 'sinceImageTransitioned'

/**
 * Which images a rule acts on, and when.
 *
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
  /** Tagged images (with `tagPrefixList` or `tagPatternList`), untagged ones, or any image. */
  readonly tagStatus: TagStatus
  /** With `tagged`: the images having, for each prefix, a tag that starts with it. */
  readonly tagPrefixList?: ReadonlyArray<string>
  /** With `tagged`: the images having, for each pattern, a tag it matches (`*`: any text, at most four). */
  readonly tagPatternList?: ReadonlyArray<string>
  /** The storage class of the images selected; `standard` when absent. `archive` only with `sinceImageTransitioned`. */
  readonly storageClass?: StorageClass
  /** What `countNumber` counts. */
  readonly countType: CountType
  /** A positive integer: images to keep (`imageCountMoreThan`) or days (the `since*` count types). */
  readonly countNumber: number
  /** `days`, with the `since*` count types (and only with them). */
  readonly countUnit?: 'days'
}

/**
 * What a rule does to the images it selects: delete them (`expire`), or move them to the archive
 * storage class (`transition`; only images of the standard storage class).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * const expire: LifecyclePolicy.Action = { type: 'expire' }
 * const archive: LifecyclePolicy.Action = { type: 'transition', targetStorageClass: 'archive' }
 * assert.deepStrictEqual(LifecyclePolicy.removeUntagged().action, expire)
 * assert.notDeepStrictEqual(expire, archive)
 */
export type Action = { readonly type: 'expire' } | { readonly type: 'transition'; readonly targetStorageClass: 'archive' }

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
  /** From 1 to 999, unique in its policy; the lowest applies first. */
  readonly rulePriority: number
  /** What the rule is for (free text; `''` when ECR's text has none). */
  readonly description: string
  /** The images the rule acts on. */
  readonly selection: Selection
  /** What it does to them. */
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
  /** The rules, in any order (they apply by priority). */
  readonly rules: ReadonlyArray<Rule>
}

/**
 * What a policy does to one image (see `evaluate`): the rule that acts on it, and its action.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import { isImageDigest } from 'ecr-fp-ts/Primitives'
 *
 * const imageDigest = `sha256:${'a'.repeat(64)}`
 * assert.ok(isImageDigest(imageDigest))
 * const now = new Date('2026-03-01T00:00:00Z')
 * const image = { imageDigest, imageTags: [], imagePushedAt: new Date('2026-01-01T00:00:00Z'), status: 'ACTIVE' as const }
 * const outcomes: ReadonlyArray<LifecyclePolicy.Outcome> = LifecyclePolicy.evaluate(
 *   LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged({ days: 14 })),
 *   [image],
 *   now
 * )
 * assert.deepStrictEqual(outcomes, [{ image, rulePriority: 1, action: { type: 'expire' } }])
 */
export interface Outcome {
  /** The image, as given. */
  readonly image: ImageDetail
  /** The priority of the rule that acts on it. */
  readonly rulePriority: number
  /** What that rule does to it. */
  readonly action: Action
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

/**
 * The fewest days an image stays in the archive before a lifecycle rule may expire it: a
 * `sinceImageTransitioned` rule counts at least this many days (ECR's 90-day minimum archive
 * storage duration).
 *
 * @category constants
 * @since 0.2.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 *
 * assert.strictEqual(LifecyclePolicy.minArchiveDays, 90)
 */
export const minArchiveDays = 90

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const wildcards = (pattern: string): number => pattern.split('*').length - 1

const tagPattern = /*#__PURE__*/ checked({
  name: 'string',
  shape: t.string,
  checks: [
    {
      path: [],
      holds: (p: string) => wildcards(p) <= maxPatternWildcards,
      message: (p: string) => `at most ${maxPatternWildcards} wildcards (*) per pattern: ${showValue(p)}`
    }
  ],
  from: (p: string) => p,
  encode: (p: string) => p
})

const rawSelection = /*#__PURE__*/ struct(
  'Selection',
  {
    tagStatus: t.keyof({ tagged: null, untagged: null, any: null }, '"tagged", "untagged" or "any"'),
    countType: t.keyof(
      { imageCountMoreThan: null, sinceImagePushed: null, sinceImagePulled: null, sinceImageTransitioned: null },
      '"imageCountMoreThan", "sinceImagePushed", "sinceImagePulled" or "sinceImageTransitioned"'
    ),
    countNumber: t.number
  },
  {
    tagPrefixList: stringArray,
    tagPatternList: t.array(tagPattern, 'an array of strings'),
    storageClass: t.keyof({ standard: null, archive: null }, '"standard" or "archive"'),
    countUnit: t.literal('days')
  }
)

const rawRule = /*#__PURE__*/ struct(
  'Rule',
  {
    rulePriority: t.number,
    selection: rawSelection,
    action: struct(
      'Action',
      { type: t.keyof({ expire: null, transition: null }, '"expire" or "transition"') },
      { targetStorageClass: t.literal('archive') }
    )
  },
  { description: t.string }
)

/** A rule of the right shape, before ECR's rules are checked. */
type RawRule = t.TypeOf<typeof rawRule>

const nonEmpty = (xs: ReadonlyArray<string> | undefined): xs is ReadonlyArray<string> =>
  xs !== undefined && xs.length > 0

const storageClassOf = (s: { readonly storageClass?: StorageClass }): StorageClass => s.storageClass ?? 'standard'

const isSince = (countType: CountType): boolean => countType !== 'imageCountMoreThan'

const isPriority = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= maxRulePriority

/**
 * The rule with its fields in ECR's order; empty lists, undefined fields and the default storage
 * class (`standard`) left out.
 */
const canonical = (r: Rule): Rule => {
  const s = r.selection
  return {
    rulePriority: r.rulePriority,
    description: r.description,
    selection: {
      tagStatus: s.tagStatus,
      ...(nonEmpty(s.tagPrefixList) ? { tagPrefixList: [...s.tagPrefixList] } : {}),
      ...(nonEmpty(s.tagPatternList) ? { tagPatternList: [...s.tagPatternList] } : {}),
      ...(s.storageClass === 'archive' ? { storageClass: s.storageClass } : {}),
      countType: s.countType,
      ...(s.countUnit !== undefined ? { countUnit: s.countUnit } : {}),
      countNumber: s.countNumber
    },
    action: r.action.type === 'transition' ? { type: 'transition', targetStorageClass: 'archive' } : { type: 'expire' }
  }
}

/** A raw rule that keeps ECR's rules, as a `Rule`. */
const toRule = (raw: RawRule): Rule =>
  canonical({
    ...raw,
    description: raw.description ?? '',
    action: raw.action.type === 'transition' ? { type: 'transition', targetStorageClass: 'archive' } : { type: 'expire' }
  })

/** ECR's rules for one rule, beyond its shape ("Lifecycle policy properties" in ECR's user guide). */
const ruleChecks: ReadonlyArray<Check<RawRule>> = [
  {
    path: ['rulePriority'],
    holds: (r) => isPriority(r.rulePriority),
    message: (r) => `expected an integer from 1 to ${maxRulePriority}, got ${showValue(r.rulePriority)}`
  },
  {
    path: ['selection', 'countNumber'],
    holds: (r) => Number.isSafeInteger(r.selection.countNumber) && r.selection.countNumber > 0,
    message: (r) => `expected a positive integer, got ${showValue(r.selection.countNumber)}`
  },
  {
    path: ['selection', 'countNumber'],
    holds: (r) =>
      r.selection.countType !== 'sinceImageTransitioned' ||
      !(r.selection.countNumber > 0) ||
      r.selection.countNumber >= minArchiveDays,
    message: (r) =>
      `countType sinceImageTransitioned counts at least ${minArchiveDays} days (archived images are kept at least ${minArchiveDays} days), got ${showValue(
        r.selection.countNumber
      )}`
  },
  {
    path: ['selection', 'countUnit'],
    holds: (r) => !isSince(r.selection.countType) || r.selection.countUnit !== undefined,
    message: (r) => `countUnit "days" is required with countType ${r.selection.countType}`
  },
  {
    path: ['selection', 'countUnit'],
    holds: (r) => isSince(r.selection.countType) || r.selection.countUnit === undefined,
    message: (r) =>
      `countUnit is only allowed with countType sinceImagePushed, sinceImagePulled or sinceImageTransitioned, not ${r.selection.countType}`
  },
  {
    path: ['selection', 'tagPrefixList'],
    holds: (r) =>
      r.selection.tagStatus !== 'tagged' || nonEmpty(r.selection.tagPrefixList) || nonEmpty(r.selection.tagPatternList),
    message: () => 'tagStatus tagged needs a non-empty tagPrefixList or tagPatternList'
  },
  {
    path: ['selection', 'tagPatternList'],
    holds: (r) => !(nonEmpty(r.selection.tagPrefixList) && nonEmpty(r.selection.tagPatternList)),
    message: () => 'give either tagPrefixList or tagPatternList, not both'
  },
  {
    path: ['selection', 'tagPrefixList'],
    holds: (r) => r.selection.tagStatus === 'tagged' || !nonEmpty(r.selection.tagPrefixList),
    message: (r) => `only allowed with tagStatus tagged, not ${r.selection.tagStatus}`
  },
  {
    path: ['selection', 'tagPatternList'],
    holds: (r) => r.selection.tagStatus === 'tagged' || !nonEmpty(r.selection.tagPatternList),
    message: (r) => `only allowed with tagStatus tagged, not ${r.selection.tagStatus}`
  },
  {
    path: ['selection', 'storageClass'],
    holds: (r) => r.selection.countType !== 'sinceImageTransitioned' || r.selection.storageClass === 'archive',
    message: () => 'countType sinceImageTransitioned needs storageClass "archive" (it counts the days since archiving)'
  },
  {
    path: ['selection', 'storageClass'],
    holds: (r) => storageClassOf(r.selection) !== 'archive' || r.selection.countType === 'sinceImageTransitioned',
    message: (r) =>
      `storageClass archive is only allowed with countType sinceImageTransitioned, not ${r.selection.countType}`
  },
  {
    path: ['selection', 'countType'],
    holds: (r) => r.selection.countType !== 'sinceImagePulled' || r.action.type === 'transition',
    message: () =>
      'countType sinceImagePulled only works with action transition: archive images by pull time, then expire them with sinceImageTransitioned'
  },
  {
    path: ['action', 'type'],
    holds: (r) =>
      r.action.type !== 'transition' ||
      (storageClassOf(r.selection) === 'standard' && r.selection.countType !== 'sinceImageTransitioned'),
    message: () =>
      'action transition moves standard images to the archive: it cannot select storageClass archive or use countType sinceImageTransitioned'
  },
  {
    path: ['action', 'targetStorageClass'],
    holds: (r) => r.action.type !== 'transition' || r.action.targetStorageClass === 'archive',
    message: () => 'action transition needs targetStorageClass "archive"'
  },
  {
    path: ['action', 'targetStorageClass'],
    holds: (r) => r.action.type !== 'expire' || r.action.targetStorageClass === undefined,
    message: () => 'action expire takes no targetStorageClass (only transition does)'
  }
]

/**
 * One rule. Decoding checks ECR's rules: a `rulePriority` from 1 to 999; a positive integer
 * `countNumber` (at least 90 days with `sinceImageTransitioned`); `countUnit` with (and only with)
 * the `since*` count types; `tagged` with exactly one non-empty `tagPrefixList` or `tagPatternList`,
 * no list on `untagged` or `any`, at most four wildcards per pattern; `storageClass` `archive` with
 * (and only with) `sinceImageTransitioned`; `sinceImagePulled` only for `transition`; `transition`
 * only of standard images, with `targetStorageClass` `archive` (which `expire` does not take).
 * A missing `description` is `''`; fields ECR may add are ignored; empty lists and `storageClass`
 * `standard` (the default) are dropped. Encoding gives a plain JSON object, fields in ECR's order.
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
 *
 * // archive the images nobody pulled for 90 days
 * const archive = {
 *   rulePriority: 2,
 *   description: 'Archive images not pulled in 90 days',
 *   selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
 *   action: { type: 'transition', targetStorageClass: 'archive' }
 * }
 * assert.deepStrictEqual(LifecyclePolicy.ruleCodec.decode(archive), E.right(archive))
 * // ... but they cannot be expired by pull time
 * assert.ok(E.isLeft(LifecyclePolicy.ruleCodec.decode({ ...archive, action: { type: 'expire' } })))
 */
export const ruleCodec: t.Type<Rule, Rule, unknown> = /*#__PURE__*/ checked({
  name: 'Rule',
  shape: rawRule,
  checks: ruleChecks,
  from: toRule,
  encode: canonical
})

/** A rule seen in its policy. */
type InPolicy = Item<LifecyclePolicy, Rule>

const classOf = ({ item }: InPolicy): StorageClass => storageClassOf(item.selection)

/** The index of the first rule selecting the same storage class as this one for which `p` holds (-1: none). */
const firstOfClass = (x: InPolicy, p: (r: Rule) => boolean): number =>
  x.whole.rules.findIndex((r) => storageClassOf(r.selection) === classOf(x) && p(r))

const firstWithStatus = (x: InPolicy, tagStatus: TagStatus): number =>
  firstOfClass(x, (r) => r.selection.tagStatus === tagStatus)

const sameSet = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean =>
  a.every((x) => b.includes(x)) && b.every((x) => a.includes(x))

const firstWithPrefixes = (x: InPolicy): number =>
  firstOfClass(x, (r) => nonEmpty(r.selection.tagPrefixList) && sameSet(r.selection.tagPrefixList, x.item.selection.tagPrefixList ?? []))

const highestOfClass = (x: InPolicy): number =>
  Math.max(...x.whole.rules.filter((r) => storageClassOf(r.selection) === classOf(x)).map((r) => r.rulePriority))

const firstWithPriority = ({ whole, item }: InPolicy): number =>
  whole.rules.findIndex((r) => r.rulePriority === item.rulePriority)

/** ECR's rules between the rules of a policy ("Lifecycle policy evaluation rules" in ECR's user guide). */
const ruleInPolicyChecks: ReadonlyArray<Check<InPolicy>> = [
  {
    path: ['rulePriority'],
    holds: (x) => firstWithPriority(x) === x.index,
    message: (x) => `duplicate rulePriority ${x.item.rulePriority} (also rule ${firstWithPriority(x)})`
  },
  {
    path: ['rulePriority'],
    holds: (x) => x.item.selection.tagStatus !== 'any' || x.item.rulePriority >= highestOfClass(x),
    message: (x) =>
      `a rule with tagStatus any must have the highest rulePriority (${x.item.rulePriority} is lower than ${highestOfClass(
        x
      )}) among the rules selecting ${classOf(x)} images`
  },
  {
    path: ['selection', 'tagStatus'],
    holds: (x) => x.item.selection.tagStatus !== 'any' || firstWithStatus(x, 'any') === x.index,
    message: (x) =>
      `only one rule may have tagStatus any among the rules selecting ${classOf(x)} images (also rule ${firstWithStatus(x, 'any')})`
  },
  {
    path: ['selection', 'tagStatus'],
    holds: (x) => x.item.selection.tagStatus !== 'untagged' || firstWithStatus(x, 'untagged') === x.index,
    message: (x) =>
      `only one rule may have tagStatus untagged among the rules selecting ${classOf(x)} images (also rule ${firstWithStatus(
        x,
        'untagged'
      )})`
  },
  {
    path: ['selection', 'tagPrefixList'],
    holds: (x) => !nonEmpty(x.item.selection.tagPrefixList) || firstWithPrefixes(x) === x.index,
    message: (x) =>
      `the same tag prefixes as rule ${firstWithPrefixes(x)}: the rules selecting ${classOf(x)} images need distinct tagPrefixList sets`
  }
]

/**
 * A whole policy: every rule as `ruleCodec` checks it, at least one rule, no two rules with the
 * same priority, and, among the rules selecting one storage class: at most one `any` rule, which has
 * their highest priority, at most one `untagged` rule, and no two rules with the same tag prefixes.
 * Rules keep their order.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import * as E from 'fp-ts/Either'
 *
 * const policy = LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged(), LifecyclePolicy.keepLastN({ count: 30 }))
 * assert.deepStrictEqual(LifecyclePolicy.codec.decode(LifecyclePolicy.codec.encode(policy)), E.right(policy))
 * assert.strictEqual(E.isLeft(LifecyclePolicy.codec.decode({ rules: [] })), true)
 * // two rules for untagged images of the standard storage class
 * const twice = LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged(), LifecyclePolicy.removeUntagged({ days: 30 }))
 * assert.strictEqual(E.isLeft(LifecyclePolicy.codec.decode(twice)), true)
 */
export const codec: t.Type<LifecyclePolicy, LifecyclePolicy, unknown> = /*#__PURE__*/ checked({
  name: 'LifecyclePolicy',
  shape: struct('LifecyclePolicy', { rules: t.array(ruleCodec, 'an array of rules') }, {}),
  checks: [
    {
      path: ['rules'],
      holds: (p: LifecyclePolicy) => p.rules.length > 0,
      message: () => 'a policy needs at least one rule'
    }
  ],
  items: { list: 'rules', of: (p: LifecyclePolicy) => p.rules, checks: ruleInPolicyChecks },
  from: (p: LifecyclePolicy): LifecyclePolicy => ({ rules: p.rules }),
  encode: (p: LifecyclePolicy): LifecyclePolicy => ({ rules: p.rules.map(canonical) })
})

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

const sortKey = (r: Rule): number => (Number.isNaN(r.rulePriority) ? -Infinity : r.rulePriority)

/**
 * The rules sorted by priority (ties keep their order), with every priority that is not above the
 * one before it (a duplicate, or not a positive integer) raised to one more than the one before it.
 * The result has strictly increasing integer priorities from 1 up; the input is not changed, and
 * applying it twice changes nothing more. A `NaN` priority sorts first.
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
  const sorted = rules
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
 * use `validate` or `toJsonChecked` for that.
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
 * Expires untagged images pushed more than `days` (14) days ago.
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
  const days = options.days ?? 14
  return {
    rulePriority: options.rulePriority ?? 1,
    description: `Remove untagged images after ${days} days`,
    selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
    action: { type: 'expire' }
  }
}

/**
 * Keeps the newest `count` images and expires older ones: those whose tags start with a prefix of
 * `tagPrefixList` or match a pattern of `tagPatternList` (`*` is a wildcard), or any image when
 * neither is given (such a rule must have the highest priority of its policy).
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
  const prefixes = nonEmpty(options.tagPrefixList) ? options.tagPrefixList : undefined
  const patterns = nonEmpty(options.tagPatternList) ? options.tagPatternList : undefined
  const which =
    prefixes !== undefined
      ? ` tagged ${prefixes.map((p) => `${p}*`).join(', ')}`
      : patterns !== undefined
      ? ` tagged ${patterns.join(', ')}`
      : ''
  return {
    rulePriority: options.rulePriority ?? 1,
    description: options.description ?? `Keep the last ${options.count} images${which}`,
    selection: {
      tagStatus: prefixes !== undefined || patterns !== undefined ? 'tagged' : 'any',
      ...(prefixes !== undefined ? { tagPrefixList: [...prefixes] } : {}),
      ...(patterns !== undefined ? { tagPatternList: [...patterns] } : {}),
      countType: 'imageCountMoreThan',
      countNumber: options.count
    },
    action: { type: 'expire' }
  }
}

/**
 * Expires every image, tagged or not, pushed more than `days` days ago. A rule for `any` image must
 * have the highest priority of its policy.
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
}): Rule => ({
  rulePriority: options.rulePriority ?? 1,
  description: options.description ?? `Expire images pushed more than ${options.days} days ago`,
  selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: options.days },
  action: { type: 'expire' }
})

/**
 * Reads a policy's JSON text, such as `GetLifecyclePolicy` returns: any key order, and fields ECR
 * adds are ignored. Failures are `DecodeError`s naming the failing JSON path and the rule broken.
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
 *   '/rules/0/selection/countUnit: countUnit is only allowed with countType sinceImagePushed, sinceImagePulled or sinceImageTransitioned, not imageCountMoreThan'
 * ])
 */
export const fromJson = (text: string): E.Either<EcrError, LifecyclePolicy> =>
  decodeJson('LifecyclePolicy', codec, text)

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The policy as the JSON text `PutLifecyclePolicy` takes, keys in ECR's order (`rulePriority`,
 * `description`, `selection` (`tagStatus`, `tagPrefixList`, `tagPatternList`, `storageClass`,
 * `countType`, `countUnit`, `countNumber`), `action` (`type`, `targetStorageClass`)), without
 * absent or empty optional fields or the default storage class. It does not check the policy: see
 * `toJsonChecked`.
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
export const toJson = (policy: LifecyclePolicy): string => JSON.stringify(codec.encode(policy))

const invalidPolicy = /*#__PURE__*/ invalid('lifecycle policy')

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

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The policy checked as ECR would check it (see `codec`), including the length of its text (100 to
 * 30,720 characters); failures are `InvalidArgument`s naming the failing path and the rule broken.
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
    E.flatMap((p) => {
      const length = toJson(p).length
      return length > maxTextLength
        ? E.left(invalidPolicy([`/: the policy text is ${length} characters, more than ECR's ${maxTextLength}`]))
        : length < minTextLength
        ? E.left(invalidPolicy([`/: the policy text is ${length} characters, fewer than ECR's ${minTextLength}`]))
        : E.right(p)
    })
  )

const DAY_MS = 24 * 60 * 60 * 1000

/** The time of a date in milliseconds; none for a missing or invalid date. */
const timeOf = (d: Date | undefined): number | undefined => {
  const ms = d?.getTime()
  return ms === undefined || Number.isNaN(ms) ? undefined : ms
}

/** Whether `tag` matches `pattern`, `*` standing for any text (empty included). */
const matchesPattern = (pattern: string, tag: string): boolean => {
  const parts = pattern.split('*')
  const first = parts[0] ?? ''
  const last = parts[parts.length - 1] ?? ''
  if (parts.length === 1) return tag === pattern
  if (!tag.startsWith(first) || tag.length < first.length + last.length || !tag.endsWith(last)) return false
  let from = first.length
  const end = tag.length - last.length
  for (const middle of parts.slice(1, -1)) {
    const found = tag.indexOf(middle, from)
    if (found < 0 || found + middle.length > end) return false
    from = found + middle.length
  }
  return true
}

/** Whether the image meets the tag requirements of a selection. */
const meetsTags = (s: Selection, tags: ReadonlyArray<string>): boolean => {
  switch (s.tagStatus) {
    case 'any':
      return true
    case 'untagged':
      return tags.length === 0
    case 'tagged':
      return nonEmpty(s.tagPrefixList)
        ? s.tagPrefixList.every((prefix) => tags.some((tag) => tag.startsWith(prefix)))
        : nonEmpty(s.tagPatternList)
        ? s.tagPatternList.every((pattern) => tags.some((tag) => matchesPattern(pattern, tag)))
        : false
  }
}

/** The storage class an image is in: none while it is being restored (`ACTIVATING`). */
const storageClassOfImage = (image: ImageDetail): StorageClass | undefined =>
  image.status === 'ARCHIVED' ? 'archive' : image.status === 'ACTIVATING' ? undefined : 'standard'

/** Whether a rule identifies the image: the storage class it selects, and its tag requirements. */
const identifies = (rule: Rule, image: ImageDetail): boolean =>
  storageClassOfImage(image) === storageClassOf(rule.selection) && meetsTags(rule.selection, image.imageTags)

const byDigest = (a: ImageDetail, b: ImageDetail): number =>
  a.imageDigest < b.imageDigest ? -1 : a.imageDigest > b.imageDigest ? 1 : 0

/** The push time an image is ordered by: one without a push time counts as the newest. */
const pushOrder = (image: ImageDetail): number => timeOf(image.imagePushedAt) ?? Infinity

/** Newest first by push time, then by digest. */
const newestFirst = (a: ImageDetail, b: ImageDetail): number =>
  pushOrder(a) !== pushOrder(b) ? (pushOrder(a) > pushOrder(b) ? -1 : 1) : byDigest(a, b)

/** Oldest first by push time, then by digest. */
const oldestFirst = (a: ImageDetail, b: ImageDetail): number =>
  pushOrder(a) !== pushOrder(b) ? (pushOrder(a) < pushOrder(b) ? -1 : 1) : byDigest(a, b)

/** The time a `since*` count type counts from, for one image. */
const sinceTime = (countType: CountType, image: ImageDetail): number | undefined => {
  switch (countType) {
    case 'sinceImagePulled':
      return timeOf(image.lastRecordedPullTime) ?? timeOf(image.imagePushedAt)
    case 'sinceImageTransitioned':
      return timeOf(image.lastArchivedAt)
    default:
      return timeOf(image.imagePushedAt)
  }
}

/** An image and its place in the list given to `evaluate`. */
interface Entry {
  readonly image: ImageDetail
  readonly index: number
}

/** The images that a rule marks among those it identifies. */
const marks = (rule: Rule, identified: ReadonlyArray<Entry>, now: number): ReadonlyArray<Entry> => {
  const s = rule.selection
  const n = s.countNumber
  if (s.countType === 'imageCountMoreThan') {
    const keep = Number.isFinite(n) ? Math.max(0, Math.floor(n)) : Infinity
    return [...identified].sort((x, y) => newestFirst(x.image, y.image) || x.index - y.index).slice(keep)
  }
  return identified.filter(({ image }) => {
    const since = sinceTime(s.countType, image)
    return since !== undefined && now - since > n * DAY_MS
  })
}

/** The rules in the order they apply: by priority (a `NaN` one first), ties in the order given. */
const byPriority = (rules: ReadonlyArray<Rule>): ReadonlyArray<Rule> =>
  rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => sortKey(a.rule) - sortKey(b.rule) || a.index - b.index)
    .map(({ rule }) => rule)

/**
 * What the policy does to the images of a repository at time `now`, the way ECR's evaluator does
 * it ("Lifecycle policy evaluation rules" in ECR's user guide). Pure: the same answer for the same
 * policy, images (in any order) and time.
 *
 * - A rule identifies the images of the storage class it selects (`standard`: `ACTIVE` images, or
 *   without a status; `archive`: `ARCHIVED` ones; an `ACTIVATING` image, being restored, is in
 *   neither) that meet its tag requirements: `untagged`, no tag; `tagged`, for each prefix (or
 *   pattern) of its list a tag that starts with it (or matches it); `any`, every image.
 * - Among those, it marks: with `imageCountMoreThan`, all but the newest `countNumber` by push time;
 *   with `sinceImagePushed`, those pushed more than `countNumber` days before `now`; with
 *   `sinceImagePulled`, those last pulled more than `countNumber` days before `now`, an image never
 *   pulled counting from its push (as ECR documents); with `sinceImageTransitioned`, those archived
 *   (`lastArchivedAt`) more than `countNumber` days before `now`.
 * - Rules apply by priority, lowest first. A rule never acts on an image that a rule of higher
 *   priority (lower number) identifies, whether that rule marks it or keeps it; it still counts it.
 *   So each image has at most one outcome.
 *
 * Where the data cannot say, nothing happens to the image: an image without a push time counts as
 * the newest and is not old; one without `lastArchivedAt` is not old in the archive. ECR also keeps
 * an image a manifest list refers to and counts a restored image from its restore: an
 * `ImageDetail` does not say either, so neither is modelled. Outcomes come by rule priority, then
 * oldest push first (then by digest).
 *
 * @category utils
 * @since 0.2.0
 * @example
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import { isImageDigest } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 *
 * const now = new Date('2026-06-01T00:00:00Z')
 * const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000)
 * const image = (hex: string, imageTags: ReadonlyArray<string>, pushed: number) => {
 *   const imageDigest = `sha256:${hex.repeat(64)}`
 *   assert.ok(isImageDigest(imageDigest))
 *   return { imageDigest, imageTags, imagePushedAt: daysAgo(pushed), status: 'ACTIVE' as const }
 * }
 * // ECR's "Filtering on multiple rules", example A
 * const a = image('a', ['beta-1', 'prod-1'], 10)
 * const b = image('b', ['beta-2', 'prod-2'], 9)
 * const c = image('c', ['beta-3'], 8)
 * const policy = LifecyclePolicy.fromRules(
 *   LifecyclePolicy.keepLastN({ count: 1, tagPatternList: ['prod*'] }),
 *   LifecyclePolicy.keepLastN({ count: 1, tagPatternList: ['beta*'], rulePriority: 2 })
 * )
 * assert.ok(E.isRight(LifecyclePolicy.validate(policy)))
 * // rule 2 would expire b too, but b has a prod tag: rule 1 keeps it
 * assert.deepStrictEqual(LifecyclePolicy.evaluate(policy, [c, b, a], now), [
 *   { image: a, rulePriority: 1, action: { type: 'expire' } }
 * ])
 */
export const evaluate = (
  policy: LifecyclePolicy,
  images: ReadonlyArray<ImageDetail>,
  now: Date
): ReadonlyArray<Outcome> => {
  const at = now.getTime()
  const entries: ReadonlyArray<Entry> = images.map((image, index) => ({ image, index }))
  const identifiedBefore = new Set<number>()
  const outcomes: Array<{ readonly entry: Entry; readonly order: number; readonly rule: Rule }> = []
  byPriority(policy.rules).forEach((rule, order) => {
    const identified = entries.filter(({ image }) => identifies(rule, image))
    for (const entry of marks(rule, identified, at)) {
      if (!identifiedBefore.has(entry.index)) outcomes.push({ entry, order, rule })
    }
    identified.forEach(({ index }) => identifiedBefore.add(index))
  })
  return outcomes
    .sort((x, y) => x.order - y.order || oldestFirst(x.entry.image, y.entry.image) || x.entry.index - y.entry.index)
    .map(({ entry, rule }) => ({ image: entry.image, rulePriority: rule.rulePriority, action: rule.action }))
}
