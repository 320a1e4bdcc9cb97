/**
 * Repositories in the twin's ECR API: create (with tag mutability and its exclusion filters,
 * encryption and scan on push), delete, describe, the settings calls and resource tags.
 *
 * @since 0.2.0
 */
import {
  InvalidTagParameterException,
  RepositoryAlreadyExistsException,
  RepositoryNotEmptyException,
  TooManyTagsException
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { isRepositoryName } from '../../Primitives'
import * as Store from '../store'
import {
  constraint,
  decodeToken,
  enumOf,
  fail,
  fieldsOf,
  invalidParameter,
  isInteger,
  locate,
  MAX_IDS,
  MAX_RESOURCE_TAGS,
  maxResultsOf,
  partition,
  registryIdOf,
  REPOSITORY_PATTERN,
  repositoryNotFound,
  repositoryOut,
  encodeToken,
  take
} from './common'
import type { Context, Handler, Input, Located, Output, Result } from './common'

// -------------------------------------------------------------------------------------
// settings, read from an input
// -------------------------------------------------------------------------------------

interface Tag {
  readonly Key: string
  readonly Value: string
}

const tagsOf = (u: unknown, field: string): E.Either<Error, ReadonlyArray<Tag>> => {
  if (u === undefined || u === null) return E.right([])
  if (!Array.isArray(u)) return fail(InvalidTagParameterException, `Invalid parameter at '${field}': not a list of tags`)
  const out: Array<Tag> = []
  for (const t of u as ReadonlyArray<unknown>) {
    const o = fieldsOf(t)
    const key = o.Key
    const value = o.Value ?? ''
    if (typeof key !== 'string' || key.length < 1 || key.length > 128)
      return fail(InvalidTagParameterException, 'Tag keys must be between 1 and 128 characters long')
    if (typeof value !== 'string' || value.length > 256)
      return fail(InvalidTagParameterException, 'Tag values must be at most 256 characters long')
    if (key.toLowerCase().startsWith('aws:'))
      return fail(InvalidTagParameterException, "Tag keys starting with 'aws:' are reserved for AWS use")
    out.push({ Key: key, Value: value })
  }
  return E.right(out)
}

const tooManyTags = (): Result =>
  fail(TooManyTagsException, `The resource would have more than ${MAX_RESOURCE_TAGS} tags, which exceeds the maximum`)

const MODES: ReadonlyArray<Store.TagMutability> = [
  'MUTABLE',
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION'
]

const FILTERS = 'imageTagMutabilityExclusionFilters'

/** The mutability mode and its exclusion filters, checked like ECR. */
const mutabilityOf = (
  input: Input
): E.Either<Error, { readonly mode: Store.TagMutability; readonly filters: ReadonlyArray<string> }> => {
  const mode = enumOf(input.imageTagMutability, 'imageTagMutability', MODES, 'MUTABLE')
  if (E.isLeft(mode)) return mode
  const raw = input[FILTERS]
  const filters: Array<string> = []
  if (raw !== undefined && raw !== null) {
    if (!Array.isArray(raw)) return constraint(FILTERS, 'Member must not be null')
    if (raw.length < 1) return constraint(FILTERS, 'Member must have length greater than or equal to 1')
    if (raw.length > Store.MAX_EXCLUSION_FILTERS)
      return constraint(FILTERS, `Member must have length less than or equal to ${Store.MAX_EXCLUSION_FILTERS}`)
    for (const [i, u] of (raw as ReadonlyArray<unknown>).entries()) {
      const f = fieldsOf(u)
      const at = `${FILTERS}.${i + 1}.member`
      if (f.filterType === undefined || f.filterType === null) return constraint(`${at}.filterType`, 'Member must not be null')
      const type = enumOf(f.filterType, `${at}.filterType`, ['WILDCARD'], 'WILDCARD')
      if (E.isLeft(type)) return type
      if (typeof f.filter !== 'string' || !Store.EXCLUSION_FILTER.test(f.filter))
        return constraint(`${at}.filter`, `Member must satisfy regular expression pattern: ${Store.EXCLUSION_FILTER.source}`)
      filters.push(f.filter)
    }
  }
  const problem = Store.exclusionProblem(mode.right, filters)
  return problem === undefined ? E.right({ mode: mode.right, filters }) : invalidParameter(`Invalid parameter: ${problem}`)
}

const encryptionOf = (u: unknown): E.Either<Error, Store.RepositoryRecord['encryption']> => {
  if (u === undefined || u === null) return E.right({ type: 'AES256' })
  const o = fieldsOf(u)
  if (o.encryptionType === undefined || o.encryptionType === null)
    return constraint('encryptionConfiguration.encryptionType', 'Member must not be null')
  const type = enumOf(o.encryptionType, 'encryptionConfiguration.encryptionType', ['AES256', 'KMS', 'KMS_DSSE'], 'AES256')
  if (E.isLeft(type)) return type
  const key = o.kmsKey
  if (key === undefined || key === null) return E.right({ type: type.right })
  if (typeof key !== 'string' || key.length < 1 || key.length > 2048)
    return constraint('encryptionConfiguration.kmsKey', 'Member must have length between 1 and 2048')
  if (type.right === 'AES256')
    return invalidParameter('Invalid parameter: a kmsKey can only be specified with the KMS or KMS_DSSE encryption type')
  return E.right({ type: type.right, kmsKey: key })
}

const scanOnPushOf = (u: unknown): boolean => fieldsOf(u).scanOnPush === true

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/** @internal */
export const createRepository: Handler = (ctx, input) => {
  const name = input.repositoryName
  const registryId = registryIdOf(ctx, input)
  if (typeof name !== 'string' || !isRepositoryName(name))
    return constraint('repositoryName', `must satisfy regular expression '${REPOSITORY_PATTERN}'`)
  if (registryId !== ctx.store.accountId)
    return invalidParameter(`Invalid parameter at 'registryId': the registry ${registryId} is not this account's`)
  const tags = tagsOf(input.tags, 'tags')
  if (E.isLeft(tags)) return tags
  if (new Set(tags.right.map((t) => t.Key)).size > MAX_RESOURCE_TAGS) return tooManyTags()
  const mutability = mutabilityOf(input)
  if (E.isLeft(mutability)) return mutability
  const encryption = encryptionOf(input.encryptionConfiguration)
  if (E.isLeft(encryption)) return encryption
  if (ctx.store.repositories.has(name))
    return fail(
      RepositoryAlreadyExistsException,
      `The repository with name '${name}' already exists in the registry with id '${registryId}'`
    )
  const created = Store.createRepository(ctx.store, name, {
    imageTagMutability: mutability.right.mode,
    exclusionFilters: mutability.right.filters,
    encryption: encryption.right,
    scanOnPush: scanOnPushOf(input.imageScanningConfiguration),
    tags: tags.right
  })
  return E.isLeft(created)
    ? repositoryNotFound(name, registryId)
    : E.right({ repository: repositoryOut(ctx, created.right) })
}

/** @internal */
export const deleteRepository: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo, registryId } = located.right
  if (repo.images.size > 0 && input.force !== true)
    return fail(
      RepositoryNotEmptyException,
      `The repository with name '${repo.name}' in registry with id '${registryId}' cannot be deleted because it still contains images`
    )
  const out = repositoryOut(ctx, repo)
  Store.deleteRepository(ctx.store, repo)
  return E.right({ repository: out })
}

/** @internal */
export const describeRepositories: Handler = (ctx, input) => {
  const registryId = registryIdOf(ctx, input)
  const names = input.repositoryNames
  if (names !== undefined && names !== null) {
    if (!Array.isArray(names) || names.length < 1 || names.length > MAX_IDS)
      return constraint('repositoryNames', `Member must have length between 1 and ${MAX_IDS}`)
    if (input.nextToken !== undefined || input.maxResults !== undefined)
      return invalidParameter('Invalid parameter: nextToken and maxResults cannot be used with repositoryNames')
    const out: Array<Output> = []
    for (const n of names as ReadonlyArray<unknown>) {
      const located = locate(ctx, { repositoryName: n, registryId })
      if (E.isLeft(located)) return located
      if (!out.some((r) => r.repositoryName === n)) out.push(repositoryOut(ctx, located.right.repo))
    }
    return E.right({ repositories: out })
  }
  if (registryId !== ctx.store.accountId) return E.right({ repositories: [] })
  const max = maxResultsOf(input)
  if (E.isLeft(max)) return max
  const after = decodeToken(input, 'DescribeRepositories', registryId, isInteger)
  if (E.isLeft(after)) return after
  const { page, more } = take(Store.seqListFrom(ctx.store.repositoryOrder, after.right), max.right)
  const last = page[page.length - 1]
  return E.right({
    repositories: page.map((r) => repositoryOut(ctx, r)),
    ...(more && last !== undefined ? { nextToken: encodeToken('DescribeRepositories', registryId, last.seq) } : {})
  })
}

/** @internal */
export const putImageTagMutability: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  if (input.imageTagMutability === undefined || input.imageTagMutability === null)
    return constraint('imageTagMutability', 'Member must not be null')
  const mutability = mutabilityOf(input)
  if (E.isLeft(mutability)) return mutability
  const { repo, registryId } = located.right
  repo.imageTagMutability = mutability.right.mode
  repo.exclusionFilters = mutability.right.filters
  return E.right({
    registryId,
    repositoryName: repo.name,
    imageTagMutability: repo.imageTagMutability,
    ...(repo.exclusionFilters.length === 0
      ? {}
      : { [FILTERS]: repo.exclusionFilters.map((filter) => ({ filterType: 'WILDCARD', filter })) })
  })
}

/** @internal */
export const putImageScanningConfiguration: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const config = input.imageScanningConfiguration
  if (typeof config !== 'object' || config === null)
    return constraint('imageScanningConfiguration', 'Member must not be null')
  const { repo, registryId } = located.right
  repo.scanOnPush = scanOnPushOf(config)
  return E.right({
    registryId,
    repositoryName: repo.name,
    imageScanningConfiguration: { scanOnPush: repo.scanOnPush }
  })
}

// -------------------------------------------------------------------------------------
// resource tags
// -------------------------------------------------------------------------------------

// any partition name here; it must be the partition of the request's region (src/internal/uri.ts)
const ARN = /^arn:([a-z0-9-]+):ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)$/

const locateArn = (ctx: Context, input: Input): E.Either<Error, Store.RepositoryRecord> => {
  const arn = input.resourceArn
  const m = typeof arn === 'string' ? ARN.exec(arn) : null
  if (m === null) return constraint('resourceArn', 'Invalid ARN')
  const [, part, region, account, name] = m
  if (region !== ctx.store.region || part !== partition(ctx.store.region))
    return constraint('resourceArn', `the ARN is not in the region of the request (${ctx.store.region})`)
  return E.map((l: Located) => l.repo)(locate(ctx, { repositoryName: name, registryId: account }))
}

/** @internal */
export const tagResource: Handler = (ctx, input) => {
  const repo = locateArn(ctx, input)
  if (E.isLeft(repo)) return repo
  if (!Array.isArray(input.tags)) return constraint('tags', 'Member must not be null')
  const tags = tagsOf(input.tags, 'tags')
  if (E.isLeft(tags)) return tags
  const keys = new Set([...repo.right.resourceTags.keys(), ...tags.right.map((t) => t.Key)])
  if (keys.size > MAX_RESOURCE_TAGS) return tooManyTags()
  for (const t of tags.right) repo.right.resourceTags.set(t.Key, t.Value)
  return E.right({})
}

/** @internal */
export const untagResource: Handler = (ctx, input) => {
  const repo = locateArn(ctx, input)
  if (E.isLeft(repo)) return repo
  const keys = input.tagKeys
  if (!Array.isArray(keys)) return constraint('tagKeys', 'Member must not be null')
  const valid: Array<string> = []
  for (const k of keys as ReadonlyArray<unknown>) {
    if (typeof k !== 'string' || k.length < 1 || k.length > 128)
      return fail(InvalidTagParameterException, 'Tag keys must be between 1 and 128 characters long')
    if (k.toLowerCase().startsWith('aws:'))
      return fail(InvalidTagParameterException, "Tag keys starting with 'aws:' are reserved for AWS use")
    valid.push(k)
  }
  for (const k of valid) repo.right.resourceTags.delete(k)
  return E.right({})
}

/** @internal */
export const listTagsForResource: Handler = (ctx, input) => {
  const repo = locateArn(ctx, input)
  if (E.isLeft(repo)) return repo
  return E.right({ tags: [...repo.right.resourceTags].map(([Key, Value]) => ({ Key, Value })) })
}
