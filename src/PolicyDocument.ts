/**
 * IAM policy documents, as ECR keeps them for a repository (`Repository.getPolicy`, `setPolicy`):
 * a codec that reads the JSON IAM accepts (one statement or a list of them; a principal `*` or by
 * kind; actions, resources and conditions as written) and writes it back in a stable form.
 *
 * Conditions are kept as data: their operators and keys are not interpreted.
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import type { EcrError } from './EcrError'
import { at, decodeJson, isObject, result, struct } from './internal/codec'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * One string or a list of them, as IAM writes actions, resources and principals.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { OneOrMany } from 'ecr-fp-ts/PolicyDocument'
 *
 * const actions: OneOrMany = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']
 * assert.strictEqual(typeof actions === 'string' ? 1 : actions.length, 2)
 */
export type OneOrMany = string | ReadonlyArray<string>

/**
 * Who a statement is about: everyone (`'*'`), or principals by kind.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { Principal } from 'ecr-fp-ts/PolicyDocument'
 *
 * const principals: ReadonlyArray<Principal> = ['*', { AWS: ['arn:aws:iam::210987654321:root'] }]
 * assert.deepStrictEqual(principals.map((p) => (p === '*' ? 'everyone' : p.AWS)), ['everyone', ['arn:aws:iam::210987654321:root']])
 */
export type Principal =
  | '*'
  | {
      /** AWS accounts, users and roles (ARNs or account ids), or `*`. */
      readonly AWS?: OneOrMany
      /** AWS services, such as `codebuild.amazonaws.com`. */
      readonly Service?: OneOrMany
      /** Federated identity providers. */
      readonly Federated?: OneOrMany
    }

/**
 * A condition value: a string, number or boolean, or a list of them.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { ConditionValue } from 'ecr-fp-ts/PolicyDocument'
 *
 * const value: ConditionValue = ['o-abc123']
 * assert.ok(Array.isArray(value))
 */
export type ConditionValue = string | number | boolean | ReadonlyArray<string | number | boolean>

/**
 * One statement of a policy. It has exactly one of `Principal` / `NotPrincipal` and exactly one of
 * `Action` / `NotAction` (ECR's repository policies need a principal).
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { Statement } from 'ecr-fp-ts/PolicyDocument'
 *
 * const pull: Statement = { Sid: 'pull', Effect: 'Allow', Principal: { AWS: '210987654321' }, Action: 'ecr:BatchGetImage' }
 * assert.strictEqual(pull.Effect, 'Allow')
 */
export interface Statement {
  /** An optional statement id. */
  readonly Sid?: string
  /** Whether the statement allows or denies. */
  readonly Effect: 'Allow' | 'Deny'
  /** Whom it applies to. */
  readonly Principal?: Principal
  /** Whom it applies to: everyone but these. */
  readonly NotPrincipal?: Principal
  /** The actions, such as `ecr:BatchGetImage` (wildcards allowed). */
  readonly Action?: OneOrMany
  /** Every action but these. */
  readonly NotAction?: OneOrMany
  /** The resources (a repository policy usually leaves this out). */
  readonly Resource?: OneOrMany
  /** Every resource but these. */
  readonly NotResource?: OneOrMany
  /** Conditions by operator, then by key, kept as written. */
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, ConditionValue>>>>
}

/**
 * An IAM policy document.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { PolicyDocument } from 'ecr-fp-ts/PolicyDocument'
 *
 * const doc: PolicyDocument = {
 *   Version: '2012-10-17',
 *   Statement: [{ Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage'] }]
 * }
 * assert.strictEqual(doc.Statement.length, 1)
 */
export interface PolicyDocument {
  /** The policy language version; IAM reads a policy without one as `2008-10-17`. */
  readonly Version?: '2012-10-17' | '2008-10-17'
  /** An optional policy id. */
  readonly Id?: string
  /** The statements (a document with a single statement object decodes to a list of one). */
  readonly Statement: ReadonlyArray<Statement>
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const OneOrManyC: t.Type<OneOrMany, OneOrMany, unknown> = /*#__PURE__*/ t.union(
  [t.string, t.readonlyArray(t.string)],
  'a string or a list of strings'
)

const PRINCIPAL_KINDS = ['AWS', 'Service', 'Federated'] as const

const PrincipalFieldsC = /*#__PURE__*/ struct('a principal', {}, { AWS: OneOrManyC, Service: OneOrManyC, Federated: OneOrManyC })

const PrincipalC: t.Type<Principal, Principal, unknown> = /*#__PURE__*/ new t.Type<Principal, Principal, unknown>(
  "'*' or an object with AWS, Service or Federated",
  (u): u is Principal => u === '*' || PrincipalFieldsC.is(u),
  (u, c) => {
    if (u === '*') return t.success('*')
    if (!isObject(u)) return t.failure(u, c, "'*' or an object with AWS, Service or Federated")
    const other = Object.keys(u).filter((k) => !(PRINCIPAL_KINDS as ReadonlyArray<string>).includes(k))
    if (other.length > 0) return t.failures(other.map((k) => at(c, [k], u, 'not a principal kind this library knows (AWS, Service, Federated)')))
    if (Object.keys(u).length === 0) return t.failure(u, c, 'a principal names at least one of AWS, Service, Federated')
    return PrincipalFieldsC.validate(u, c)
  },
  (p) => p
)

const ScalarC = /*#__PURE__*/ t.union([t.string, t.number, t.boolean])

const ConditionValueC: t.Type<ConditionValue, ConditionValue, unknown> = /*#__PURE__*/ t.union(
  [ScalarC, t.readonlyArray(ScalarC)],
  'a condition value (a string, number or boolean, or a list of them)'
)

const ConditionC = /*#__PURE__*/ t.readonly(
  t.record(t.string, t.readonly(t.record(t.string, ConditionValueC)), 'conditions by key'),
  'conditions by operator'
)

const StatementFieldsC = /*#__PURE__*/ struct(
  'a statement',
  { Effect: t.keyof({ Allow: null, Deny: null }, "'Allow' or 'Deny'") },
  {
    Sid: t.string,
    Principal: PrincipalC,
    NotPrincipal: PrincipalC,
    Action: OneOrManyC,
    NotAction: OneOrManyC,
    Resource: OneOrManyC,
    NotResource: OneOrManyC,
    Condition: ConditionC
  }
)

const STATEMENT_KEYS: ReadonlyArray<keyof Statement> = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition'
]

/** Only the fields a statement has, in a fixed order. */
const statementOf = (s: t.TypeOf<typeof StatementFieldsC>): Statement => {
  const out: Record<string, unknown> = {}
  for (const k of STATEMENT_KEYS) if (s[k] !== undefined) out[k] = s[k]
  return out as unknown as Statement // the keys copied are exactly Statement's, from a decoded statement
}

const StatementC: t.Type<Statement, Statement, unknown> = /*#__PURE__*/ new t.Type<Statement, Statement, unknown>(
  'a statement',
  (u): u is Statement => StatementFieldsC.is(u),
  (u, c) =>
    pipe(
      StatementFieldsC.validate(u, c),
      E.flatMap((s) => {
        const errors: Array<t.ValidationError> = []
        if ((s.Principal === undefined) === (s.NotPrincipal === undefined))
          errors.push(at(c, ['Principal'], u, 'a statement needs exactly one of Principal and NotPrincipal'))
        if ((s.Action === undefined) === (s.NotAction === undefined))
          errors.push(at(c, ['Action'], u, 'a statement needs exactly one of Action and NotAction'))
        if (s.Resource !== undefined && s.NotResource !== undefined)
          errors.push(at(c, ['Resource'], u, 'a statement has at most one of Resource and NotResource'))
        return result(errors, statementOf(s))
      })
    ),
  (s) => s
)

const StatementsC = /*#__PURE__*/ new t.Type<ReadonlyArray<Statement>, ReadonlyArray<Statement>, unknown>(
  'a statement or a list of statements',
  (u): u is ReadonlyArray<Statement> => Array.isArray(u) && u.every(StatementC.is),
  (u, c) => (isObject(u) ? pipe(StatementC.validate(u, c), E.map((s) => [s])) : t.readonlyArray(StatementC).validate(u, c)),
  (a) => a
)

/**
 * The codec of policy documents: decodes the JSON value of a policy (a single statement object is
 * read as a list of one), encodes a document as the JSON value IAM reads. `decode(encode(d))` is `d`.
 *
 * @category codecs
 * @since 0.2.0
 * @example
 * import * as PolicyDocument from 'ecr-fp-ts/PolicyDocument'
 * import * as E from 'fp-ts/Either'
 *
 * const r = PolicyDocument.codec.decode({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 'ecr:*' } })
 * assert.deepStrictEqual(r, E.right({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ecr:*' }] }))
 * assert.ok(E.isLeft(PolicyDocument.codec.decode({ Statement: [{ Effect: 'Allow', Action: 'ecr:*' }] })))
 */
export const codec: t.Type<PolicyDocument, PolicyDocument, unknown> = /*#__PURE__*/ new t.Type<
  PolicyDocument,
  PolicyDocument,
  unknown
>(
  'PolicyDocument',
  (u): u is PolicyDocument => isObject(u) && StatementsC.is(u.Statement),
  (u, c) =>
    pipe(
      struct(
        'PolicyDocument',
        { Statement: StatementsC },
        { Version: t.keyof({ '2012-10-17': null, '2008-10-17': null }, "'2012-10-17' or '2008-10-17'"), Id: t.string }
      ).validate(u, c),
      E.flatMap((d) =>
        d.Statement.length === 0
          ? t.failures([at(c, ['Statement'], u, 'a policy needs at least one statement')])
          : t.success({
              ...(d.Version === undefined ? {} : { Version: d.Version }),
              ...(d.Id === undefined ? {} : { Id: d.Id }),
              Statement: d.Statement
            })
      )
    ),
  (d) => ({
    ...(d.Version === undefined ? {} : { Version: d.Version }),
    ...(d.Id === undefined ? {} : { Id: d.Id }),
    Statement: d.Statement.map(statementOf)
  })
)

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * Parses a policy's JSON text. Not JSON, or not a policy: a `DecodeError` naming the JSON paths.
 *
 * @category conversions
 * @since 0.2.0
 * @example
 * import * as PolicyDocument from 'ecr-fp-ts/PolicyDocument'
 * import * as E from 'fp-ts/Either'
 *
 * const text = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","NotAction":"ecr:BatchGetImage"}]}'
 * assert.deepStrictEqual(E.map(PolicyDocument.toJson)(PolicyDocument.fromJson(text)), E.right(text))
 * const bad = PolicyDocument.fromJson('{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"ecr:*"}]}')
 * assert.ok(E.isLeft(bad) && bad.left._tag === 'DecodeError' && bad.left.errors.some((e) => e.startsWith('/Statement/0/Effect')))
 */
export const fromJson = (text: string): E.Either<EcrError, PolicyDocument> => decodeJson('PolicyDocument', codec, text)

/**
 * The document's JSON text, keys in a fixed order (`Version`, `Id`, `Statement`; in a statement
 * `Sid`, `Effect`, `Principal`, ... `Condition`).
 *
 * @category conversions
 * @since 0.2.0
 * @example
 * import * as PolicyDocument from 'ecr-fp-ts/PolicyDocument'
 *
 * const text = PolicyDocument.toJson({ Statement: [{ Action: 'ecr:*', Principal: '*', Effect: 'Allow' }], Version: '2012-10-17' })
 * assert.strictEqual(text, '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"}]}')
 */
export const toJson = (doc: PolicyDocument): string => JSON.stringify(codec.encode(doc))

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A policy that lets the given AWS accounts (or roles, by ARN) pull the repository's images:
 * `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`, `ecr:BatchCheckLayerAvailability`.
 *
 * @category constructors
 * @since 0.2.0
 * @example
 * import * as PolicyDocument from 'ecr-fp-ts/PolicyDocument'
 *
 * const doc = PolicyDocument.allowPull(['210987654321'])
 * assert.deepStrictEqual(doc.Statement[0]?.Principal, { AWS: ['210987654321'] })
 */
export const allowPull = (principals: ReadonlyArray<string>, sid = 'AllowPull'): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: sid,
      Effect: 'Allow',
      Principal: { AWS: [...principals] },
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability']
    }
  ]
})
