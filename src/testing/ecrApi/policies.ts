/**
 * Policies in the twin's ECR API: lifecycle policies (checked against the grammar ECR accepts
 * today, archive rules included) and repository policies (IAM policy documents).
 *
 * @since 0.2.0
 */
import { LifecyclePolicyNotFoundException, RepositoryPolicyNotFoundException } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { constraint, fail, fieldsOf, locate } from './common'
import type { Handler } from './common'

// -------------------------------------------------------------------------------------
// lifecycle policies
// -------------------------------------------------------------------------------------

const COUNT_TYPES = ['imageCountMoreThan', 'sinceImagePushed', 'sinceImagePulled', 'sinceImageTransitioned']

/** ECR's minimum storage duration of an archived image, in days: no rule may expire one sooner. */
const ARCHIVE_MINIMUM_DAYS = 90

const nonEmptyStrings = (u: unknown): boolean =>
  Array.isArray(u) && u.length > 0 && u.every((s) => typeof s === 'string' && s.length > 0)

const failure = (why: string): string => `Lifecycle policy validation failure: ${why}`

/** The properties ECR's lifecycle policy schema allows in a rule, its selection and its action. */
const RULE_KEYS = ['rulePriority', 'description', 'selection', 'action']
const SELECTION_KEYS = ['tagStatus', 'tagPatternList', 'tagPrefixList', 'storageClass', 'countType', 'countUnit', 'countNumber']
const ACTION_KEYS = ['type', 'targetStorageClass']

/** ECR refuses a property its schema does not know (in its words), if `o` has one. */
const unknownProblem = (o: Readonly<Record<string, unknown>>, known: ReadonlyArray<string>): string | undefined => {
  const extra = Object.keys(o).find((k) => !known.includes(k))
  return extra === undefined
    ? undefined
    : failure(`object instance has properties which are not allowed by the schema: (${JSON.stringify([extra])})`)
}

/** The reason ECR refuses one rule, if it does. */
const ruleProblem = (rule: Readonly<Record<string, unknown>>): string | undefined => {
  const unknownRule = unknownProblem(rule, RULE_KEYS)
  if (unknownRule !== undefined) return unknownRule
  const action = fieldsOf(rule.action)
  const unknownAction = unknownProblem(action, ACTION_KEYS)
  if (unknownAction !== undefined) return unknownAction
  if (action.type !== 'expire' && action.type !== 'transition')
    return failure("action.type must be 'expire' or 'transition'")
  if (action.type === 'transition' && action.targetStorageClass !== 'archive')
    return failure("a transition action needs targetStorageClass 'archive'")
  if (action.type === 'expire' && action.targetStorageClass !== undefined)
    return failure('targetStorageClass is only allowed with a transition action')
  if (typeof rule.selection !== 'object' || rule.selection === null) return failure('a rule needs a selection')
  const sel = fieldsOf(rule.selection)
  const unknownSelection = unknownProblem(sel, SELECTION_KEYS)
  if (unknownSelection !== undefined) return unknownSelection
  const status = sel.tagStatus
  if (status !== 'tagged' && status !== 'untagged' && status !== 'any')
    return failure("tagStatus must be 'tagged', 'untagged' or 'any'")
  const prefixes = sel.tagPrefixList
  const patterns = sel.tagPatternList
  if (status === 'tagged' && !nonEmptyStrings(prefixes) && !nonEmptyStrings(patterns))
    return failure('a tagged selection needs a tagPrefixList or a tagPatternList')
  if (prefixes !== undefined && patterns !== undefined)
    return failure('tagPrefixList and tagPatternList cannot both be given')
  if (status !== 'tagged' && (prefixes !== undefined || patterns !== undefined))
    return failure('tag lists are only allowed with tagStatus tagged')
  if (Array.isArray(patterns) && patterns.some((p) => typeof p === 'string' && p.split('*').length - 1 > 4))
    return failure('a tag pattern may hold at most 4 wildcards')
  const storageClass = sel.storageClass ?? 'standard'
  if (storageClass !== 'standard' && storageClass !== 'archive')
    return failure("storageClass must be 'standard' or 'archive'")
  const countType = sel.countType
  const countNumber = sel.countNumber
  if (typeof countType !== 'string' || !COUNT_TYPES.includes(countType))
    return failure(`countType must be one of ${COUNT_TYPES.map((c) => `'${c}'`).join(', ')}`)
  if (typeof countNumber !== 'number' || !Number.isInteger(countNumber) || countNumber < 1)
    return failure('countNumber must be a positive integer')
  if (countType !== 'imageCountMoreThan' && sel.countUnit !== 'days')
    return failure(`countUnit 'days' is required with ${countType}`)
  if (countType === 'imageCountMoreThan' && sel.countUnit !== undefined)
    return failure('countUnit is not allowed with imageCountMoreThan')
  if ((countType === 'sinceImageTransitioned') !== (storageClass === 'archive'))
    return failure("sinceImageTransitioned selects archived images: it goes with storageClass 'archive', and only it does")
  if (action.type === 'transition' && storageClass !== 'standard')
    return failure("a transition to archive selects images of storageClass 'standard'")
  if (countType === 'sinceImagePulled' && action.type !== 'transition')
    return failure('sinceImagePulled can only transition images to archive, not expire them')
  if (storageClass === 'archive' && countNumber < ARCHIVE_MINIMUM_DAYS)
    return failure(`archived images are kept at least ${ARCHIVE_MINIMUM_DAYS} days: countNumber must be ${ARCHIVE_MINIMUM_DAYS} or more`)
  return undefined
}

/** @internal Checks a lifecycle policy text like ECR; the reason it is refused, if it is. */
export const lifecyclePolicyProblem = (text: string): string | undefined => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return failure('the policy is not valid JSON')
  }
  const rules = fieldsOf(json).rules
  if (!Array.isArray(rules) || rules.length === 0) return failure("'rules' must be a non-empty array")
  const priorities = new Set<number>()
  let anyPriority: number | undefined
  let maxPriority = 0
  for (const r of rules as ReadonlyArray<unknown>) {
    const rule = fieldsOf(r)
    const p = rule.rulePriority
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 999)
      return failure('rulePriority must be an integer from 1 to 999')
    if (priorities.has(p)) return failure(`rulePriority ${p} is used more than once`)
    priorities.add(p)
    maxPriority = Math.max(maxPriority, p)
    const problem = ruleProblem(rule)
    if (problem !== undefined) return problem
    if (fieldsOf(rule.selection).tagStatus === 'any') anyPriority = p
  }
  if (anyPriority !== undefined && anyPriority !== maxPriority)
    return failure("a rule with tagStatus 'any' must have the highest rulePriority")
  return undefined
}

/** @internal */
export const putLifecyclePolicy: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const text = input.lifecyclePolicyText
  if (typeof text !== 'string' || text.length < 100)
    return constraint('lifecyclePolicyText', 'Member must have length greater than or equal to 100')
  if (text.length > 30720) return constraint('lifecyclePolicyText', 'Member must have length less than or equal to 30720')
  const problem = lifecyclePolicyProblem(text)
  // ECR names the field 'LifecyclePolicyText' in a validation failure ('lifecyclePolicyText' in a length one).
  if (problem !== undefined) return constraint('LifecyclePolicyText', problem)
  located.right.repo.lifecyclePolicy = text
  return E.right({
    registryId: located.right.registryId,
    repositoryName: located.right.repo.name,
    lifecyclePolicyText: text
  })
}

/** @internal Get (or, `remove`, delete) a repository's lifecycle policy. */
export const withLifecyclePolicy =
  (remove: boolean): Handler =>
  (ctx, input) => {
    const located = locate(ctx, input)
    if (E.isLeft(located)) return located
    const { repo, registryId } = located.right
    const text = repo.lifecyclePolicy
    if (text === undefined)
      return fail(
        LifecyclePolicyNotFoundException,
        `Lifecycle policy does not exist for the repository with name '${repo.name}' in the registry with id '${registryId}'`
      )
    if (remove) repo.lifecyclePolicy = undefined
    return E.right({
      registryId,
      repositoryName: repo.name,
      lifecyclePolicyText: text,
      lastEvaluatedAt: new Date(ctx.store.now().getTime())
    })
  }

// -------------------------------------------------------------------------------------
// repository policies
// -------------------------------------------------------------------------------------

/** ECR's limit on a repository policy's text. */
const MAX_POLICY_LENGTH = 10240

const isStringOrStrings = (u: unknown): boolean =>
  typeof u === 'string' || (Array.isArray(u) && u.length > 0 && u.every((s) => typeof s === 'string'))

/** @internal Checks a repository policy like ECR (an IAM policy document); why it is refused, if it is. */
export const repositoryPolicyProblem = (text: string): string | undefined => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return 'the policy is not valid JSON'
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'the policy is not a JSON object'
  const doc = fieldsOf(json)
  if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17')
    return "Version must be '2012-10-17' or '2008-10-17'"
  const raw = doc.Statement
  const statements: ReadonlyArray<unknown> = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  if (statements.length === 0) return 'the policy needs at least one Statement'
  for (const s of statements) {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) return 'a Statement is not an object'
    const st = fieldsOf(s)
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') return "a Statement's Effect must be 'Allow' or 'Deny'"
    if ((st.Principal === undefined) === (st.NotPrincipal === undefined))
      return 'a Statement needs exactly one of Principal and NotPrincipal'
    if ((st.Action === undefined) === (st.NotAction === undefined))
      return 'a Statement needs exactly one of Action and NotAction'
    const action = st.Action ?? st.NotAction
    if (!isStringOrStrings(action)) return "a Statement's Action is a string or a list of strings"
    if (st.Condition !== undefined && (typeof st.Condition !== 'object' || st.Condition === null))
      return "a Statement's Condition is an object"
  }
  return undefined
}

const policyNotFound = (name: string, registryId: string) =>
  fail(
    RepositoryPolicyNotFoundException,
    `Repository policy does not exist for the repository with name '${name}' in the registry with id '${registryId}'`
  )

/** @internal */
export const setRepositoryPolicy: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const text = input.policyText
  if (typeof text !== 'string') return constraint('policyText', 'Member must not be null')
  if (text.length > MAX_POLICY_LENGTH)
    return constraint('policyText', `Member must have length less than or equal to ${MAX_POLICY_LENGTH}`)
  const problem = repositoryPolicyProblem(text)
  if (problem !== undefined) return constraint('policyText', `Invalid repository policy provided: ${problem}`)
  const { repo, registryId } = located.right
  repo.policy = text
  return E.right({ registryId, repositoryName: repo.name, policyText: text })
}

/** @internal Get (or, `remove`, delete) a repository's policy. */
export const withRepositoryPolicy =
  (remove: boolean): Handler =>
  (ctx, input) => {
    const located = locate(ctx, input)
    if (E.isLeft(located)) return located
    const { repo, registryId } = located.right
    const text = repo.policy
    if (text === undefined) return policyNotFound(repo.name, registryId)
    if (remove) repo.policy = undefined
    return E.right({ registryId, repositoryName: repo.name, policyText: text })
  }
