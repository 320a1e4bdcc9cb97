/**
 * The twin's Resource Groups Tagging API: `GetResources` over the repositories of its store and
 * their resource tags, as the service answers it for `ecr:repository` resources (the tagging
 * client of an environment: `twin.tagging`). Pages of at most 100 resources (`ResourcesPerPage`,
 * default 100); the last page carries an empty `PaginationToken`, as the service's does. Tag
 * filters are ANDed; the values of one filter are ORed; a filter without values asks for the key
 * only. Without tag filters, every repository with at least one tag is listed.
 *
 * The command is recognised by its class name (`GetResourcesCommand`): the twin does not load the
 * tagging client package, an optional peer dependency.
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import * as Store from '../store'
import { decodeToken, encodeToken, fieldsOf, isInteger, metadata, repositoryArn, take } from './common'
import type { Handler, Input, Output } from './common'

/** @internal The service's limit of resources per page. */
export const MAX_RESOURCES_PER_PAGE = 100

/** The service's limits of tag filters per call and values per filter. */
const MAX_TAG_FILTERS = 50
const MAX_TAG_VALUES = 20

/** An exception with the service's name and shape (the tagging package's classes are not loaded). */
const invalidParameter = (message: string): E.Either<Error, never> =>
  E.left(
    Object.assign(new Error(message), {
      name: 'InvalidParameterException',
      $fault: 'client',
      $metadata: metadata(400)
    })
  )

interface TagFilter {
  readonly key: string
  readonly values: ReadonlyArray<string>
}

const tagFiltersOf = (input: Input): E.Either<Error, ReadonlyArray<TagFilter>> => {
  const raw = input.TagFilters
  if (raw === undefined || raw === null) return E.right([])
  if (!Array.isArray(raw)) return invalidParameter('TagFilters must be a list')
  if (raw.length > MAX_TAG_FILTERS) return invalidParameter(`TagFilters: at most ${MAX_TAG_FILTERS} filters`)
  const filters: Array<TagFilter> = []
  for (const f of raw as ReadonlyArray<unknown>) {
    const { Key, Values } = fieldsOf(f)
    if (typeof Key !== 'string' || Key.length === 0) return invalidParameter('TagFilters: every filter needs a Key')
    const values = Values === undefined || Values === null ? [] : Values
    if (!Array.isArray(values) || !(values as ReadonlyArray<unknown>).every((v): v is string => typeof v === 'string'))
      return invalidParameter('TagFilters: Values must be a list of strings')
    if (values.length > MAX_TAG_VALUES) return invalidParameter(`TagFilters: at most ${MAX_TAG_VALUES} values per filter`)
    filters.push({ key: Key, values })
  }
  return E.right(filters)
}

const asksForRepositories = (input: Input): E.Either<Error, boolean> => {
  const raw = input.ResourceTypeFilters
  if (raw === undefined || raw === null) return E.right(true)
  if (!Array.isArray(raw) || !(raw as ReadonlyArray<unknown>).every((t): t is string => typeof t === 'string'))
    return invalidParameter('ResourceTypeFilters must be a list of strings')
  return E.right(raw.length === 0 || raw.some((t) => t === 'ecr' || t === 'ecr:repository'))
}

const perPageOf = (input: Input): E.Either<Error, number> => {
  const n = input.ResourcesPerPage
  if (n === undefined || n === null) return E.right(MAX_RESOURCES_PER_PAGE)
  return isInteger(n) && n >= 1 && n <= MAX_RESOURCES_PER_PAGE
    ? E.right(n)
    : invalidParameter(`ResourcesPerPage must be between 1 and ${MAX_RESOURCES_PER_PAGE}`)
}

const matches =
  (filters: ReadonlyArray<TagFilter>) =>
  (repo: Store.RepositoryRecord): boolean =>
    filters.length === 0
      ? repo.resourceTags.size > 0
      : filters.every(({ key, values }) => {
          const value = repo.resourceTags.get(key)
          return value !== undefined && (values.length === 0 || values.includes(value))
        })

/** @internal GetResources: one page of the twin's tagged repositories that pass the filters. */
export const getResources: Handler = (ctx, input) => {
  const wanted = asksForRepositories(input)
  if (E.isLeft(wanted)) return wanted
  const filters = tagFiltersOf(input)
  if (E.isLeft(filters)) return filters
  const perPage = perPageOf(input)
  if (E.isLeft(perPage)) return perPage
  const token = input.PaginationToken
  const after = decodeToken({ nextToken: token === '' ? undefined : token }, 'GetResources', ctx.store.accountId, isInteger)
  if (E.isLeft(after)) return invalidParameter('PaginationToken is not valid')
  const keep = matches(filters.right)
  const candidates = wanted.right ? Store.seqListFrom(ctx.store.repositoryOrder, after.right) : []
  const { page, more } = take(
    (function* () {
      for (const repo of candidates) if (keep(repo)) yield repo
    })(),
    perPage.right
  )
  const last = page[page.length - 1]
  const out: Output = {
    ResourceTagMappingList: page.map((repo) => ({
      ResourceARN: repositoryArn(ctx.store, repo.name),
      Tags: [...repo.resourceTags].map(([Key, Value]) => ({ Key, Value }))
    })),
    PaginationToken: more && last !== undefined ? encodeToken('GetResources', ctx.store.accountId, last.seq) : ''
  }
  return E.right(out)
}

/** @internal The operation of a command sent to the twin's tagging client. */
export const taggingOperationOf = (command: unknown): { readonly name: string; readonly handler: Handler | undefined } => {
  const ctor: unknown = typeof command === 'object' && command !== null ? command.constructor : undefined
  const name = typeof ctor === 'function' ? ctor.name.replace(/Command$/, '') : 'Unknown'
  return { name, handler: name === 'GetResources' ? getResources : undefined }
}
