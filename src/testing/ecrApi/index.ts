/**
 * The ECR API of the in-memory twin: a `send` that takes the SDK's own command objects, validates
 * their input like ECR, answers from the store, and rejects with the SDK's own exception classes,
 * names and messages. Every call is recorded; latency and faults can be injected.
 *
 * @since 0.1.0
 */
import {
  BatchCheckLayerAvailabilityCommand,
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  ECRServiceException,
  EmptyUploadException,
  GetAuthorizationTokenCommand,
  GetDownloadUrlForLayerCommand,
  GetLifecyclePolicyCommand,
  ImageAlreadyExistsException,
  ImageDigestDoesNotMatchException,
  ImageNotFoundException,
  ImageTagAlreadyExistsException,
  InitiateLayerUploadCommand,
  InvalidLayerException,
  InvalidLayerPartException,
  InvalidParameterException,
  InvalidTagParameterException,
  LayerAlreadyExistsException,
  LayersNotFoundException,
  LifecyclePolicyNotFoundException,
  ListImagesCommand,
  ListTagsForResourceCommand,
  PutImageCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  PutReplicationConfigurationCommand,
  ReferencedImagesNotFoundException,
  RepositoryAlreadyExistsException,
  RepositoryNotEmptyException,
  RepositoryNotFoundException,
  ServerException,
  TagResourceCommand,
  TooManyTagsException,
  UntagResourceCommand,
  UploadLayerPartCommand,
  UploadNotFoundException
} from '@aws-sdk/client-ecr'
import { randomUUID } from 'crypto'
import * as E from 'fp-ts/Either'
import { isRepositoryName } from '../Primitives'
import type { FaultAnswer, FaultCall } from './InMemoryEcr'
import * as Storage from './storage'
import * as Store from './store'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** @internal */
export interface Context {
  readonly store: Store.Store
  readonly storage: Storage.Storage
  readonly proxyEndpoint: string
  readonly password: string
  readonly tokenTtlMs: number
  readonly latencyMs: number
  readonly onTokenIssued: (expiresAt: Date) => void
  readonly record: (operation: string, input: unknown) => void
  readonly fault: (call: FaultCall) => FaultAnswer
}

type Input = Readonly<Record<string, unknown>>

/** The fields of `u` when it is an object (an array included), else none. */
const fieldsOf = (u: unknown): Input => (typeof u === 'object' && u !== null ? u : {}) as Input
type Output = Record<string, unknown>
type Result = E.Either<Error, Output>
type Handler = (ctx: Context, input: Input) => Result

/** ECR's limits (AWS API reference). */
const MAX_RESULTS = 1000
const DEFAULT_MAX_RESULTS = 100
const MAX_IDS = 100
const MAX_RESOURCE_TAGS = 50
const PART_SIZE = 10 * 1024 * 1024

// -------------------------------------------------------------------------------------
// errors
// -------------------------------------------------------------------------------------

const metadata = (httpStatusCode: number) => ({
  httpStatusCode,
  requestId: randomUUID(),
  attempts: 1,
  totalRetryDelay: 0
})

type ExceptionClass = new (options: { message: string; $metadata: ReturnType<typeof metadata> }) => Error

const exception = (C: ExceptionClass, message: string, status = 400): Error => {
  const e = new C({ message, $metadata: metadata(status) })
  return Object.assign(e, { message })
}

const fail = (C: ExceptionClass, message: string): Result => E.left(exception(C, message))

const invalidParameter = (message: string): Result => fail(InvalidParameterException, message)

const constraint = (field: string, what: string): Result =>
  invalidParameter(`Invalid parameter at '${field}' failed to satisfy constraint: '${what}'`)

const REPOSITORY_PATTERN = '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*'

const repositoryNotFound = (name: string, registryId: string): Result =>
  fail(
    RepositoryNotFoundException,
    `The repository with name '${name}' does not exist in the registry with id '${registryId}'`
  )

const imageIdText = (id: { readonly imageDigest?: string; readonly imageTag?: string }) =>
  `{imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'}`

// -------------------------------------------------------------------------------------
// input helpers
// -------------------------------------------------------------------------------------

const optionalString = (input: Input, key: string): string | undefined => {
  const v = input[key]
  return typeof v === 'string' ? v : undefined
}

interface Located {
  readonly repo: Store.RepositoryRecord
  readonly registryId: string
}

/** The repository an input names, after ECR's checks of `registryId` and `repositoryName`. */
const locate = (ctx: Context, input: Input, field = 'repositoryName'): E.Either<Error, Located> => {
  const name = input[field]
  const registryId = optionalString(input, 'registryId') ?? ctx.store.accountId
  if (typeof name !== 'string' || name.length === 0)
    return constraint(field, 'Member must not be null') as E.Either<Error, never>
  if (!isRepositoryName(name))
    return constraint(field, `must satisfy regular expression '${REPOSITORY_PATTERN}'`) as E.Either<Error, never>
  if (registryId !== ctx.store.accountId) return repositoryNotFound(name, registryId) as E.Either<Error, never>
  const repo = ctx.store.repositories.get(name)
  return repo === undefined
    ? (repositoryNotFound(name, registryId) as E.Either<Error, never>)
    : E.right({ repo, registryId })
}

const maxResultsOf = (input: Input): E.Either<Error, number> => {
  const m = input.maxResults
  if (m === undefined || m === null) return E.right(DEFAULT_MAX_RESULTS)
  if (typeof m !== 'number' || !Number.isInteger(m))
    return constraint('maxResults', 'Member must be an integer') as E.Either<Error, never>
  if (m < 1)
    return constraint('maxResults', 'Member must have value greater than or equal to 1') as E.Either<Error, never>
  if (m > MAX_RESULTS)
    return constraint('maxResults', `Member must have value less than or equal to ${MAX_RESULTS}`) as E.Either<
      Error,
      never
    >
  return E.right(m)
}

interface ImageId {
  readonly imageDigest?: string
  readonly imageTag?: string
}

const imageIdsOf = (input: Input, key = 'imageIds'): E.Either<Error, ReadonlyArray<ImageId>> => {
  const ids = input[key]
  if (!Array.isArray(ids)) return constraint(key, 'Member must not be null') as E.Either<Error, never>
  if (ids.length < 1)
    return constraint(key, 'Member must have length greater than or equal to 1') as E.Either<Error, never>
  if (ids.length > MAX_IDS)
    return constraint(key, `Member must have length less than or equal to ${MAX_IDS}`) as E.Either<Error, never>
  return E.right(
    ids.map((u: unknown) => {
      const o = fieldsOf(u)
      return {
        ...(typeof o.imageDigest === 'string' ? { imageDigest: o.imageDigest } : {}),
        ...(typeof o.imageTag === 'string' ? { imageTag: o.imageTag } : {})
      }
    })
  )
}

const tagStatusOf = (input: Input): E.Either<Error, 'TAGGED' | 'UNTAGGED' | 'ANY'> => {
  const s = fieldsOf(input.filter).tagStatus
  if (s === undefined || s === null) return E.right('ANY')
  return s === 'TAGGED' || s === 'UNTAGGED' || s === 'ANY'
    ? E.right(s)
    : (constraint('filter.tagStatus', 'Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]') as E.Either<
        Error,
        never
      >)
}

// -------------------------------------------------------------------------------------
// pagination: opaque tokens carrying the last position (a sequence number, stable under deletion)
// -------------------------------------------------------------------------------------

const encodeToken = (operation: string, scope: string, key: unknown): string =>
  Buffer.from(JSON.stringify({ o: operation, s: scope, k: key })).toString('base64')

const decodeToken = <K>(
  input: Input,
  operation: string,
  scope: string,
  isKey: (u: unknown) => u is K
): E.Either<Error, K | undefined> => {
  const token = input.nextToken
  if (token === undefined || token === null) return E.right(undefined)
  const invalid = constraint('nextToken', 'Invalid NextToken') as E.Either<Error, never>
  if (typeof token !== 'string') return invalid
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'))
    if (typeof parsed !== 'object' || parsed === null) return invalid
    const { o, s, k } = parsed as Record<string, unknown>
    return o === operation && s === scope && isKey(k) ? E.right(k) : invalid
  } catch {
    return invalid
  }
}

const isNumber = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u)

interface ListKey {
  readonly s: number
  readonly t: string | null
}

const isListKey = (u: unknown): u is ListKey =>
  typeof u === 'object' &&
  u !== null &&
  isNumber((u as Record<string, unknown>).s) &&
  (typeof (u as Record<string, unknown>).t === 'string' || (u as Record<string, unknown>).t === null)

/** Up to `max` items and whether more follow. */
const take = <A>(items: Iterable<A>, max: number): { readonly page: ReadonlyArray<A>; readonly more: boolean } => {
  const page: Array<A> = []
  for (const a of items) {
    if (page.length === max) return { page, more: true }
    page.push(a)
  }
  return { page, more: false }
}

// -------------------------------------------------------------------------------------
// records as ECR returns them
// -------------------------------------------------------------------------------------

const partition = (region: string): string =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws'

/** @internal */
export const repositoryArn = (store: Store.Store, name: string): string =>
  `arn:${partition(store.region)}:ecr:${store.region}:${store.accountId}:repository/${name}`

const repositoryOut = (ctx: Context, repo: Store.RepositoryRecord): Output => ({
  repositoryArn: repositoryArn(ctx.store, repo.name),
  registryId: ctx.store.accountId,
  repositoryName: repo.name,
  repositoryUri: `${new URL(ctx.proxyEndpoint).host}/${repo.name}`,
  createdAt: new Date(repo.createdAt.getTime()),
  imageTagMutability: repo.imageTagMutability,
  imageScanningConfiguration: { scanOnPush: false },
  encryptionConfiguration: { encryptionType: 'AES256' }
})

const imageDetail = (ctx: Context, repo: Store.RepositoryRecord, image: Store.ImageRecord): Output => ({
  registryId: ctx.store.accountId,
  repositoryName: repo.name,
  imageDigest: image.digest,
  ...(image.tags.size > 0 ? { imageTags: [...image.tags] } : {}),
  imageSizeInBytes: image.sizeInBytes,
  imagePushedAt: new Date(image.pushedAt.getTime()),
  imageManifestMediaType: image.mediaType,
  ...(image.artifactMediaType === undefined ? {} : { artifactMediaType: image.artifactMediaType })
})

const matchesStatus = (status: 'TAGGED' | 'UNTAGGED' | 'ANY', image: Store.ImageRecord): boolean =>
  status === 'ANY' || (status === 'TAGGED') === image.tags.size > 0

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

const getAuthorizationToken: Handler = (ctx) => {
  const expiresAt = new Date(ctx.store.now().getTime() + ctx.tokenTtlMs)
  ctx.onTokenIssued(expiresAt)
  return E.right({
    authorizationData: [
      {
        authorizationToken: Buffer.from(`AWS:${ctx.password}`).toString('base64'),
        expiresAt,
        proxyEndpoint: ctx.proxyEndpoint
      }
    ]
  })
}

interface Tag {
  readonly Key: string
  readonly Value: string
}

const tagsOf = (u: unknown, field: string): E.Either<Error, ReadonlyArray<Tag>> => {
  if (u === undefined || u === null) return E.right([])
  if (!Array.isArray(u))
    return fail(InvalidTagParameterException, `Invalid parameter at '${field}': not a list of tags`) as E.Either<
      Error,
      never
    >
  const out: Array<Tag> = []
  for (const t of u as ReadonlyArray<unknown>) {
    const o = fieldsOf(t)
    const key = o.Key
    const value = o.Value ?? ''
    if (typeof key !== 'string' || key.length < 1 || key.length > 128)
      return fail(InvalidTagParameterException, 'Tag keys must be between 1 and 128 characters long') as E.Either<
        Error,
        never
      >
    if (typeof value !== 'string' || value.length > 256)
      return fail(InvalidTagParameterException, 'Tag values must be at most 256 characters long') as E.Either<
        Error,
        never
      >
    if (key.toLowerCase().startsWith('aws:'))
      return fail(InvalidTagParameterException, "Tag keys starting with 'aws:' are reserved for AWS use") as E.Either<
        Error,
        never
      >
    out.push({ Key: key, Value: value })
  }
  return E.right(out)
}

const tooManyTags = (): Result =>
  fail(TooManyTagsException, `The resource would have more than ${MAX_RESOURCE_TAGS} tags, which exceeds the maximum`)

const mutabilityOf = (u: unknown): E.Either<Error, Store.TagMutability> => {
  if (u === undefined || u === null) return E.right('MUTABLE')
  if (u === 'MUTABLE' || u === 'MUTABLE_WITH_EXCLUSION') return E.right('MUTABLE')
  if (u === 'IMMUTABLE' || u === 'IMMUTABLE_WITH_EXCLUSION') return E.right('IMMUTABLE')
  return constraint('imageTagMutability', 'Member must satisfy enum value set: [IMMUTABLE, MUTABLE]') as E.Either<
    Error,
    never
  >
}

const createRepository: Handler = (ctx, input) => {
  const name = input.repositoryName
  const registryId = optionalString(input, 'registryId') ?? ctx.store.accountId
  if (typeof name !== 'string' || !isRepositoryName(name))
    return constraint('repositoryName', `must satisfy regular expression '${REPOSITORY_PATTERN}'`)
  if (registryId !== ctx.store.accountId)
    return invalidParameter(`Invalid parameter at 'registryId': the registry ${registryId} is not this account's`)
  const tags = tagsOf(input.tags, 'tags')
  if (E.isLeft(tags)) return tags
  if (new Set(tags.right.map((t) => t.Key)).size > MAX_RESOURCE_TAGS) return tooManyTags()
  const mutability = mutabilityOf(input.imageTagMutability)
  if (E.isLeft(mutability)) return mutability
  if (ctx.store.repositories.has(name))
    return fail(
      RepositoryAlreadyExistsException,
      `The repository with name '${name}' already exists in the registry with id '${registryId}'`
    )
  const created = Store.createRepository(ctx.store, name, { imageTagMutability: mutability.right, tags: tags.right })
  return E.isLeft(created)
    ? repositoryNotFound(name, registryId)
    : E.right({ repository: repositoryOut(ctx, created.right) })
}

const deleteRepository: Handler = (ctx, input) => {
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

const describeRepositories: Handler = (ctx, input) => {
  const registryId = optionalString(input, 'registryId') ?? ctx.store.accountId
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
  const after = decodeToken(input, 'DescribeRepositories', registryId, isNumber)
  if (E.isLeft(after)) return after
  const { page, more } = take(Store.seqListFrom(ctx.store.repositoryOrder, after.right), max.right)
  const last = page[page.length - 1]
  return E.right({
    repositories: page.map((r) => repositoryOut(ctx, r)),
    ...(more && last !== undefined ? { nextToken: encodeToken('DescribeRepositories', registryId, last.seq) } : {})
  })
}

function* listEntries(
  repo: Store.RepositoryRecord,
  status: 'TAGGED' | 'UNTAGGED' | 'ANY',
  after: ListKey | undefined
): Generator<{ readonly image: Store.ImageRecord; readonly tag: string | null }> {
  for (const image of Store.seqListFrom(repo.order, after === undefined ? undefined : after.s - 1)) {
    const resumed = after !== undefined && image.seq === after.s
    if (image.tags.size === 0) {
      if (!resumed && status !== 'TAGGED') yield { image, tag: null }
    } else if (status !== 'UNTAGGED') {
      for (const tag of [...image.tags].sort()) {
        if (resumed && (after.t === null || tag <= after.t)) continue
        yield { image, tag }
      }
    }
  }
}

const listImages: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo } = located.right
  const status = tagStatusOf(input)
  if (E.isLeft(status)) return status
  const max = maxResultsOf(input)
  if (E.isLeft(max)) return max
  const scope = `${repo.name}#${repo.seq}#${status.right}`
  const after = decodeToken(input, 'ListImages', scope, isListKey)
  if (E.isLeft(after)) return after
  const { page, more } = take(listEntries(repo, status.right, after.right), max.right)
  const last = page[page.length - 1]
  return E.right({
    imageIds: page.map((e) => ({ imageDigest: e.image.digest, ...(e.tag === null ? {} : { imageTag: e.tag }) })),
    ...(more && last !== undefined
      ? { nextToken: encodeToken('ListImages', scope, { s: last.image.seq, t: last.tag }) }
      : {})
  })
}

/** The image an id names in DescribeImages, or the ECR error. */
const resolveId = (located: Located, id: ImageId): E.Either<Error, Store.ImageRecord> => {
  const { repo, registryId } = located
  if (id.imageDigest === undefined && id.imageTag === undefined)
    return invalidParameter('Invalid parameter: both tag and digest cannot be null') as E.Either<Error, never>
  const byDigest = id.imageDigest === undefined ? undefined : repo.images.get(id.imageDigest)
  const byTag = id.imageTag === undefined ? undefined : Store.findImage(repo, id.imageTag)
  const image =
    id.imageDigest !== undefined && id.imageTag !== undefined
      ? byDigest === byTag
        ? byDigest
        : undefined
      : byDigest ?? byTag
  return image === undefined
    ? (fail(
        ImageNotFoundException,
        `The image with imageId ${imageIdText(id)} does not exist within the repository with name '${
          repo.name
        }' in the registry with id '${registryId}'`
      ) as E.Either<Error, never>)
    : E.right(image)
}

const describeImages: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo } = located.right
  if (input.imageIds !== undefined && input.imageIds !== null) {
    if (input.nextToken !== undefined || input.maxResults !== undefined)
      return invalidParameter('Invalid parameter: nextToken and maxResults cannot be used with imageIds')
    const ids = imageIdsOf(input)
    if (E.isLeft(ids)) return ids
    const seen = new Set<string>()
    const details: Array<Output> = []
    for (const id of ids.right) {
      const image = resolveId(located.right, id)
      if (E.isLeft(image)) return image
      if (!seen.has(image.right.digest)) {
        seen.add(image.right.digest)
        details.push(imageDetail(ctx, repo, image.right))
      }
    }
    return E.right({ imageDetails: details })
  }
  const status = tagStatusOf(input)
  if (E.isLeft(status)) return status
  const max = maxResultsOf(input)
  if (E.isLeft(max)) return max
  const scope = `${repo.name}#${repo.seq}#${status.right}`
  const after = decodeToken(input, 'DescribeImages', scope, isNumber)
  if (E.isLeft(after)) return after
  const matching = function* () {
    for (const image of Store.seqListFrom(repo.order, after.right)) if (matchesStatus(status.right, image)) yield image
  }
  const { page, more } = take(matching(), max.right)
  const last = page[page.length - 1]
  return E.right({
    imageDetails: page.map((image) => imageDetail(ctx, repo, image)),
    ...(more && last !== undefined ? { nextToken: encodeToken('DescribeImages', scope, last.seq) } : {})
  })
}

const DIGEST_PATTERN = /^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$/

const failure = (id: ImageId, failureCode: string, failureReason: string): Output => ({
  imageId: { ...id },
  failureCode,
  failureReason
})

/** A malformed id's failure in the batch calls, if any. */
const idFailure = (id: ImageId): Output | undefined => {
  if (id.imageDigest === undefined && id.imageTag === undefined)
    return failure(id, 'MissingDigestAndTag', 'Invalid request parameters: both tag and digest cannot be null')
  if (id.imageDigest !== undefined && !DIGEST_PATTERN.test(id.imageDigest))
    return failure(
      id,
      'InvalidImageDigest',
      "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'"
    )
  if (id.imageTag !== undefined && (id.imageTag.length < 1 || id.imageTag.length > 300))
    return failure(
      id,
      'InvalidImageTag',
      'Invalid request parameters: image tag should be between 1 and 300 characters'
    )
  return undefined
}

const batchGetImage: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo, registryId } = located.right
  const ids = imageIdsOf(input)
  if (E.isLeft(ids)) return ids
  const acceptedRaw = input.acceptedMediaTypes
  const accepted = Array.isArray(acceptedRaw)
    ? (acceptedRaw as ReadonlyArray<unknown>).filter((a): a is string => typeof a === 'string')
    : undefined
  if (accepted !== undefined && (accepted.length < 1 || accepted.length > 100))
    return constraint('acceptedMediaTypes', 'Member must have length between 1 and 100')
  const images: Array<Output> = []
  const failures: Array<Output> = []
  for (const id of ids.right) {
    const bad = idFailure(id)
    if (bad !== undefined) {
      failures.push(bad)
      continue
    }
    const byDigest = id.imageDigest === undefined ? undefined : repo.images.get(id.imageDigest)
    const byTag = id.imageTag === undefined ? undefined : Store.findImage(repo, id.imageTag)
    if (id.imageDigest !== undefined && id.imageTag !== undefined && byTag !== undefined && byDigest !== byTag) {
      failures.push(
        failure(id, 'ImageTagDoesNotMatchDigest', 'Invalid request parameters: image tag does not match digest')
      )
      continue
    }
    const found = byDigest ?? byTag
    if (found === undefined || (id.imageDigest !== undefined && byDigest === undefined)) {
      failures.push(failure(id, 'ImageNotFound', 'Requested image not found'))
      continue
    }
    // By tag, an index goes only to a caller that accepts its type; others get one platform.
    const image =
      id.imageDigest === undefined &&
      Store.isIndexMediaType(found.mediaType) &&
      (accepted === undefined || !accepted.includes(found.mediaType))
        ? Store.defaultChild(repo, found) ?? found
        : found
    images.push({
      registryId,
      repositoryName: repo.name,
      imageId: { imageDigest: image.digest, ...(id.imageTag === undefined ? {} : { imageTag: id.imageTag }) },
      imageManifest: image.manifest,
      imageManifestMediaType: image.mediaType
    })
  }
  return E.right({ images, failures })
}

const batchDeleteImage: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo } = located.right
  const ids = imageIdsOf(input)
  if (E.isLeft(ids)) return ids
  const deleted: Array<Output> = []
  const failures: Array<Output> = []
  const referenced = (id: ImageId, image: Store.ImageRecord) =>
    failure(
      id,
      'ImageReferencedByManifestList',
      `Requested image referenced by manifest list: [${[...image.parents].join(', ')}]`
    )
  for (const id of ids.right) {
    const bad = idFailure(id)
    if (bad !== undefined) {
      failures.push(bad)
      continue
    }
    if (id.imageDigest === undefined && id.imageTag !== undefined) {
      const image = Store.findImage(repo, id.imageTag)
      if (image === undefined) {
        failures.push(failure(id, 'ImageNotFound', 'Requested image not found'))
        continue
      }
      if (image.tags.size === 1 && image.parents.size > 0) {
        failures.push(referenced(id, image))
        continue
      }
      Store.removeTag(repo, id.imageTag)
      if (image.tags.size === 0) Store.deleteImage(repo, image)
      deleted.push({ imageDigest: image.digest, imageTag: id.imageTag })
      continue
    }
    const image = id.imageDigest === undefined ? undefined : repo.images.get(id.imageDigest)
    if (image === undefined || (id.imageTag !== undefined && !image.tags.has(id.imageTag))) {
      failures.push(failure(id, 'ImageNotFound', 'Requested image not found'))
      continue
    }
    if (image.parents.size > 0) {
      failures.push(referenced(id, image))
      continue
    }
    const tags = [...image.tags]
    Store.deleteImage(repo, image)
    if (tags.length === 0) deleted.push({ imageDigest: image.digest })
    else for (const tag of tags) deleted.push({ imageDigest: image.digest, imageTag: tag })
  }
  return E.right({ imageIds: deleted, failures })
}

const putImage: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo, registryId } = located.right
  const manifest = input.imageManifest
  if (typeof manifest !== 'string' || manifest.length < 1)
    return constraint('imageManifest', 'Member must have length greater than or equal to 1')
  const tag = optionalString(input, 'imageTag')
  if (tag !== undefined && (tag.length < 1 || tag.length > 300))
    return constraint('imageTag', 'Member must have length between 1 and 300')
  const digest = optionalString(input, 'imageDigest')
  const mediaType = optionalString(input, 'imageManifestMediaType')
  const put = Store.putManifest(ctx.store, repo, {
    text: manifest,
    ...(mediaType === undefined ? {} : { mediaType }),
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest })
  })
  if (E.isRight(put))
    return E.right({
      image: {
        registryId,
        repositoryName: repo.name,
        imageId: { imageDigest: put.right.digest, ...(tag === undefined ? {} : { imageTag: tag }) },
        imageManifest: put.right.manifest,
        imageManifestMediaType: put.right.mediaType
      }
    })
  const e = put.left
  switch (e._tag) {
    case 'DigestMismatch':
      return fail(
        ImageDigestDoesNotMatchException,
        `The specified image digest '${e.expected}' does not match the digest that Amazon ECR calculated for the image: '${e.actual}'`
      )
    case 'InvalidManifest':
      return constraint('ImageManifest', e.reason)
    case 'LayersNotFound':
      return fail(
        LayersNotFoundException,
        `Layers with digests '[${e.digests.join(', ')}]' required for pushing image into repository with name '${
          repo.name
        }' in the registry with id '${registryId}' do not exist`
      )
    case 'ReferencedImagesNotFound':
      return fail(
        ReferencedImagesNotFoundException,
        `The manifest list references images with digests '[${e.digests.join(
          ', '
        )}]' that do not exist in the repository with name '${repo.name}' in the registry with id '${registryId}'`
      )
    case 'TagImmutable':
      return fail(
        ImageTagAlreadyExistsException,
        `The image tag '${e.tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`
      )
    case 'ImageAlreadyExists':
      return fail(
        ImageAlreadyExistsException,
        `Image with digest '${e.digest}' and tag '${e.tag ?? 'null'}' already exists in the repository with name '${
          repo.name
        }' in registry with id '${registryId}'`
      )
    default:
      return repositoryNotFound(repo.name, registryId)
  }
}

const putImageTagMutability: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  if (input.imageTagMutability === undefined || input.imageTagMutability === null)
    return constraint('imageTagMutability', 'Member must not be null')
  const mutability = mutabilityOf(input.imageTagMutability)
  if (E.isLeft(mutability)) return mutability
  located.right.repo.imageTagMutability = mutability.right
  return E.right({
    registryId: located.right.registryId,
    repositoryName: located.right.repo.name,
    imageTagMutability: mutability.right
  })
}

const ARN = /^arn:(aws|aws-cn|aws-us-gov):ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)$/

const locateArn = (ctx: Context, input: Input): E.Either<Error, Store.RepositoryRecord> => {
  const arn = input.resourceArn
  const m = typeof arn === 'string' ? ARN.exec(arn) : null
  if (m === null) return constraint('resourceArn', 'Invalid ARN') as E.Either<Error, never>
  const [, part, region, account, name] = m as unknown as [string, string, string, string, string]
  if (region !== ctx.store.region || part !== partition(ctx.store.region))
    return constraint('resourceArn', `the ARN is not in the region of the request (${ctx.store.region})`) as E.Either<
      Error,
      never
    >
  return E.map((l: Located) => l.repo)(locate(ctx, { repositoryName: name, registryId: account }))
}

const tagResource: Handler = (ctx, input) => {
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

const untagResource: Handler = (ctx, input) => {
  const repo = locateArn(ctx, input)
  if (E.isLeft(repo)) return repo
  const keys = input.tagKeys
  if (!Array.isArray(keys)) return constraint('tagKeys', 'Member must not be null')
  for (const k of keys as ReadonlyArray<unknown>) {
    if (typeof k !== 'string' || k.length < 1 || k.length > 128)
      return fail(InvalidTagParameterException, 'Tag keys must be between 1 and 128 characters long')
    if (k.toLowerCase().startsWith('aws:'))
      return fail(InvalidTagParameterException, "Tag keys starting with 'aws:' are reserved for AWS use")
  }
  for (const k of keys as ReadonlyArray<string>) repo.right.resourceTags.delete(k)
  return E.right({})
}

const listTagsForResource: Handler = (ctx, input) => {
  const repo = locateArn(ctx, input)
  if (E.isLeft(repo)) return repo
  return E.right({ tags: [...repo.right.resourceTags].map(([Key, Value]) => ({ Key, Value })) })
}

/** @internal Checks a lifecycle policy text like ECR; the reason it is refused, if it is. */
export const lifecyclePolicyProblem = (text: string): string | undefined => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return 'Lifecycle policy validation failure: the policy is not valid JSON'
  }
  const rules = fieldsOf(json).rules
  if (!Array.isArray(rules) || rules.length === 0)
    return "Lifecycle policy validation failure: 'rules' must be a non-empty array"
  const priorities = new Set<number>()
  let anyPriority: number | undefined
  let maxPriority = 0
  for (const r of rules as ReadonlyArray<unknown>) {
    const rule = fieldsOf(r)
    const p = rule.rulePriority
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 999)
      return 'Lifecycle policy validation failure: rulePriority must be an integer from 1 to 999'
    if (priorities.has(p)) return `Lifecycle policy validation failure: rulePriority ${p} is used more than once`
    priorities.add(p)
    maxPriority = Math.max(maxPriority, p)
    const action = rule.action as Record<string, unknown> | undefined
    if (typeof action !== 'object' || action === null || action.type !== 'expire')
      return "Lifecycle policy validation failure: action.type must be 'expire'"
    const sel = rule.selection as Record<string, unknown> | undefined
    if (typeof sel !== 'object' || sel === null) return 'Lifecycle policy validation failure: a rule needs a selection'
    const status = sel.tagStatus
    if (status !== 'tagged' && status !== 'untagged' && status !== 'any')
      return "Lifecycle policy validation failure: tagStatus must be 'tagged', 'untagged' or 'any'"
    const prefixes = sel.tagPrefixList
    const patterns = sel.tagPatternList
    const nonEmpty = (u: unknown) =>
      Array.isArray(u) && u.length > 0 && u.every((s) => typeof s === 'string' && s.length > 0)
    if (status === 'tagged' && !nonEmpty(prefixes) && !nonEmpty(patterns))
      return 'Lifecycle policy validation failure: a tagged selection needs a tagPrefixList or a tagPatternList'
    if (prefixes !== undefined && patterns !== undefined)
      return 'Lifecycle policy validation failure: tagPrefixList and tagPatternList cannot both be given'
    if (status !== 'tagged' && (prefixes !== undefined || patterns !== undefined))
      return 'Lifecycle policy validation failure: tag lists are only allowed with tagStatus tagged'
    if (status === 'any') anyPriority = p
    const countType = sel.countType
    const countNumber = sel.countNumber
    if (countType !== 'imageCountMoreThan' && countType !== 'sinceImagePushed')
      return "Lifecycle policy validation failure: countType must be 'imageCountMoreThan' or 'sinceImagePushed'"
    if (typeof countNumber !== 'number' || !Number.isInteger(countNumber) || countNumber < 1)
      return 'Lifecycle policy validation failure: countNumber must be a positive integer'
    if (countType === 'sinceImagePushed' && sel.countUnit !== 'days')
      return "Lifecycle policy validation failure: countUnit 'days' is required with sinceImagePushed"
    if (countType === 'imageCountMoreThan' && sel.countUnit !== undefined)
      return 'Lifecycle policy validation failure: countUnit is not allowed with imageCountMoreThan'
  }
  if (anyPriority !== undefined && anyPriority !== maxPriority)
    return "Lifecycle policy validation failure: a rule with tagStatus 'any' must have the highest rulePriority"
  return undefined
}

const putLifecyclePolicy: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const text = input.lifecyclePolicyText
  if (typeof text !== 'string' || text.length < 100)
    return constraint('lifecyclePolicyText', 'Member must have length greater than or equal to 100')
  if (text.length > 30720)
    return constraint('lifecyclePolicyText', 'Member must have length less than or equal to 30720')
  const problem = lifecyclePolicyProblem(text)
  if (problem !== undefined) return constraint('lifecyclePolicyText', problem)
  located.right.repo.lifecyclePolicy = text
  return E.right({
    registryId: located.right.registryId,
    repositoryName: located.right.repo.name,
    lifecyclePolicyText: text
  })
}

const withLifecyclePolicy =
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

const layerDigestsOf = (input: Input): E.Either<Error, ReadonlyArray<unknown>> => {
  const ds = input.layerDigests
  if (!Array.isArray(ds)) return constraint('layerDigests', 'Member must not be null') as E.Either<Error, never>
  if (ds.length < 1 || ds.length > MAX_IDS)
    return constraint('layerDigests', `Member must have length between 1 and ${MAX_IDS}`) as E.Either<Error, never>
  return E.right(ds)
}

const batchCheckLayerAvailability: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo } = located.right
  const digests = layerDigestsOf(input)
  if (E.isLeft(digests)) return digests
  const layers: Array<Output> = []
  const failures: Array<Output> = []
  for (const d of digests.right) {
    if (typeof d !== 'string' || !DIGEST_PATTERN.test(d)) {
      failures.push({ layerDigest: d, failureCode: 'InvalidLayerDigest', failureReason: 'Invalid layer digest' })
      continue
    }
    const blob = Store.getBlob(ctx.store, repo, d)
    if (blob === undefined) {
      failures.push({ layerDigest: d, failureCode: 'MissingLayerDigest', failureReason: 'Could not find layer' })
      continue
    }
    layers.push({
      layerDigest: d,
      layerAvailability: 'AVAILABLE',
      layerSize: blob.bytes.length,
      mediaType: blob.mediaType ?? 'application/octet-stream'
    })
  }
  return E.right({ layers, failures })
}

const getDownloadUrlForLayer: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo, registryId } = located.right
  const digest = input.layerDigest
  if (typeof digest !== 'string' || !DIGEST_PATTERN.test(digest))
    return constraint('layerDigest', 'Invalid layer digest')
  if (Store.getBlob(ctx.store, repo, digest) === undefined)
    return fail(
      LayersNotFoundException,
      `The layer with digest '${digest}' does not exist in the repository with name '${repo.name}' in the registry with id '${registryId}'`
    )
  return E.right({ downloadUrl: Storage.presign(ctx.storage, digest, ctx.store.now()), layerDigest: digest })
}

const initiateLayerUpload: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const id = randomUUID()
  ctx.store.uploads.set(id, { id, repositoryName: located.right.repo.name, chunks: [], size: 0 })
  return E.right({ uploadId: id, partSize: PART_SIZE })
}

const sessionOf = (ctx: Context, located: Located, input: Input): E.Either<Error, Store.UploadSession> => {
  const id = input.uploadId
  const session = typeof id === 'string' ? ctx.store.uploads.get(id) : undefined
  return session === undefined || session.repositoryName !== located.repo.name
    ? (fail(
        UploadNotFoundException,
        `Upload with id '${String(id)}' does not exist in the repository with name '${
          located.repo.name
        }' in the registry with id '${located.registryId}'`
      ) as E.Either<Error, never>)
    : E.right(session)
}

const uploadLayerPart: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const session = sessionOf(ctx, located.right, input)
  if (E.isLeft(session)) return session
  const blob = input.layerPartBlob
  const first = input.partFirstByte
  const last = input.partLastByte
  if (!(blob instanceof Uint8Array)) return constraint('layerPartBlob', 'Member must not be null')
  if (first !== session.right.size || typeof last !== 'number' || last !== first + blob.length - 1)
    return fail(
      InvalidLayerPartException,
      `The part with first byte ${String(first)} and last byte ${String(last)} does not follow the ${
        session.right.size
      } bytes already received`
    )
  session.right.chunks.push(Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength))
  session.right.size += blob.length
  return E.right({
    registryId: located.right.registryId,
    repositoryName: located.right.repo.name,
    uploadId: session.right.id,
    lastByteReceived: session.right.size - 1
  })
}

const completeLayerUpload: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const session = sessionOf(ctx, located.right, input)
  if (E.isLeft(session)) return session
  const digests = layerDigestsOf(input)
  if (E.isLeft(digests)) return digests
  const expected = digests.right[0]
  if (session.right.size === 0) return fail(EmptyUploadException, `The upload with id '${session.right.id}' is empty`)
  const bytes = Buffer.concat(session.right.chunks)
  const actual = Store.sha256(bytes)
  if (typeof expected !== 'string' || expected !== actual)
    return fail(
      InvalidLayerException,
      `The layer digest '${String(expected)}' does not match the digest of the uploaded layer '${actual}'`
    )
  ctx.store.uploads.delete(session.right.id)
  if (located.right.repo.blobs.has(actual))
    return fail(
      LayerAlreadyExistsException,
      `The layer with digest '${actual}' already exists in the repository with name '${located.right.repo.name}'`
    )
  Store.addBlob(ctx.store, located.right.repo, bytes, actual)
  return E.right({
    registryId: located.right.registryId,
    repositoryName: located.right.repo.name,
    uploadId: session.right.id,
    layerDigest: actual
  })
}

const describeRegistry: Handler = (ctx) =>
  E.right({
    registryId: ctx.store.accountId,
    replicationConfiguration: JSON.parse(JSON.stringify(ctx.store.replicationConfiguration)) as unknown
  })

const putReplicationConfiguration: Handler = (ctx, input) => {
  const rules = fieldsOf(input.replicationConfiguration).rules
  if (!Array.isArray(rules)) return constraint('replicationConfiguration.rules', 'Member must not be null')
  if (rules.length > 10)
    return constraint('replicationConfiguration.rules', 'Member must have length less than or equal to 10')
  for (const r of rules as ReadonlyArray<unknown>) {
    const destinations = fieldsOf(r).destinations
    if (!Array.isArray(destinations) || destinations.length < 1 || destinations.length > 100)
      return constraint('replicationConfiguration.rules.destinations', 'Member must have length between 1 and 100')
  }
  ctx.store.replicationConfiguration = JSON.parse(JSON.stringify({ rules })) as {
    readonly rules: ReadonlyArray<unknown>
  }
  return E.right({ replicationConfiguration: JSON.parse(JSON.stringify({ rules })) as unknown })
}

// -------------------------------------------------------------------------------------
// dispatch
// -------------------------------------------------------------------------------------

type CommandClass = new (...args: Array<never>) => unknown

const OPERATIONS: ReadonlyArray<readonly [CommandClass, string, Handler]> = [
  [GetAuthorizationTokenCommand, 'GetAuthorizationToken', getAuthorizationToken],
  [CreateRepositoryCommand, 'CreateRepository', createRepository],
  [DeleteRepositoryCommand, 'DeleteRepository', deleteRepository],
  [DescribeRepositoriesCommand, 'DescribeRepositories', describeRepositories],
  [ListImagesCommand, 'ListImages', listImages],
  [DescribeImagesCommand, 'DescribeImages', describeImages],
  [BatchGetImageCommand, 'BatchGetImage', batchGetImage],
  [BatchDeleteImageCommand, 'BatchDeleteImage', batchDeleteImage],
  [PutImageCommand, 'PutImage', putImage],
  [PutImageTagMutabilityCommand, 'PutImageTagMutability', putImageTagMutability],
  [TagResourceCommand, 'TagResource', tagResource],
  [UntagResourceCommand, 'UntagResource', untagResource],
  [ListTagsForResourceCommand, 'ListTagsForResource', listTagsForResource],
  [PutLifecyclePolicyCommand, 'PutLifecyclePolicy', putLifecyclePolicy],
  [GetLifecyclePolicyCommand, 'GetLifecyclePolicy', withLifecyclePolicy(false)],
  [DeleteLifecyclePolicyCommand, 'DeleteLifecyclePolicy', withLifecyclePolicy(true)],
  [BatchCheckLayerAvailabilityCommand, 'BatchCheckLayerAvailability', batchCheckLayerAvailability],
  [GetDownloadUrlForLayerCommand, 'GetDownloadUrlForLayer', getDownloadUrlForLayer],
  [InitiateLayerUploadCommand, 'InitiateLayerUpload', initiateLayerUpload],
  [UploadLayerPartCommand, 'UploadLayerPart', uploadLayerPart],
  [CompleteLayerUploadCommand, 'CompleteLayerUpload', completeLayerUpload],
  [DescribeRegistryCommand, 'DescribeRegistry', describeRegistry],
  [PutReplicationConfigurationCommand, 'PutReplicationConfiguration', putReplicationConfiguration]
]

/** @internal The operation a command object stands for: its class, else its constructor's name. */
export const operationOf = (command: unknown): { readonly name: string; readonly handler: Handler | undefined } => {
  for (const [cls, name, handler] of OPERATIONS) if (command instanceof cls) return { name, handler }
  const ctorName =
    typeof command === 'object' && command !== null
      ? (command as { constructor?: { name?: unknown } }).constructor?.name
      : undefined
  const name = typeof ctorName === 'string' ? ctorName.replace(/Command$/, '') : 'Unknown'
  const entry = OPERATIONS.find(([, n]) => n === name)
  return { name, handler: entry?.[2] }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** @internal The error or empty answer an injected ECR fault stands for. */
export const faultOutcome = (answer: Exclude<FaultAnswer, undefined>, operation: string): Result => {
  if (answer === 'missing-fields') return E.right({ $metadata: {} })
  if (answer === 'network')
    return E.left(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' }))
  if (answer === 'server-error')
    return E.left(
      exception(ServerException as ExceptionClass, 'We encountered an internal error. Please try again.', 500)
    )
  const status = answer === 'throttle' ? 400 : answer.status
  const name =
    answer === 'throttle' || status === 429
      ? 'ThrottlingException'
      : status === 403
      ? 'AccessDeniedException'
      : status >= 500
      ? 'InternalFailure'
      : 'UnknownError'
  const e = new ECRServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: metadata(status),
    message:
      answer === 'throttle' || status === 429 ? 'Rate exceeded' : `${operation} failed with HTTP status ${status}`
  })
  return E.left(
    Object.assign(e, {
      message: e.message,
      ...(name === 'ThrottlingException' ? { $retryable: { throttling: true } } : {})
    })
  )
}

/** @internal Answers one command: record, wait, maybe fail by injection, then run the operation. */
export const answer = async (ctx: Context, command: unknown): Promise<Result> => {
  const { name, handler } = operationOf(command)
  const rawInput = fieldsOf(command).input
  const input = fieldsOf(rawInput)
  ctx.record(name, rawInput)
  if (ctx.latencyMs > 0) await sleep(ctx.latencyMs)
  const injected = ctx.fault({ kind: 'ecr', operation: name, input: rawInput })
  if (injected !== undefined) return faultOutcome(injected, name)
  if (handler === undefined)
    return E.left(
      Object.assign(new Error(`The in-memory ECR twin does not implement ${name}`), {
        name: 'UnsupportedOperation',
        $fault: 'client'
      })
    )
  try {
    return handler(ctx, input)
  } catch (e) {
    return E.left(e instanceof Error ? e : new Error(String(e)))
  }
}

/** @internal A `send` with the SDK client's calling conventions (promise, or a callback last). */
export const makeSend =
  (ctx: Context) =>
  (command: unknown, ...rest: ReadonlyArray<unknown>): Promise<unknown> | void => {
    const callback = rest.find((r): r is (err: unknown, data?: unknown) => void => typeof r === 'function')
    const result = answer(ctx, command).then((r) =>
      E.isRight(r)
        ? '$metadata' in r.right
          ? r.right
          : { ...r.right, $metadata: metadata(200) }
        : Promise.reject(r.left)
    )
    if (callback === undefined) return result
    result.then(
      (data) => callback(null, data),
      (err: unknown) => callback(err)
    )
  }
