/**
 * What every resource of the twin's ECR API shares: the context a handler runs in, ECR's exceptions
 * and messages, the readers of an untyped command input (the twin's boundary: it receives whatever
 * a caller put in a command), pagination tokens and the records as ECR returns them.
 *
 * @since 0.2.0
 */
import { InvalidParameterException, RepositoryNotFoundException, ImageNotFoundException } from '@aws-sdk/client-ecr'
import { randomUUID } from 'crypto'
import * as E from 'fp-ts/Either'
import { isRepositoryName } from '../../Primitives'
import { partitionOf } from '../../internal/uri'
import type * as Storage from '../storage'
import * as Store from '../store'
import type { FaultAnswer, FaultCall } from '../types'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** @internal */
export interface Context {
  readonly store: Store.Store
  readonly storage: Storage.Storage
  readonly proxyEndpoint: string
  /** The registry host of repository URIs. */
  readonly registryHost: string
  readonly password: string
  readonly tokenTtlMs: number
  readonly latencyMs: number
  readonly onTokenIssued: (expiresAt: Date) => void
  readonly record: (operation: string, input: unknown) => void
  readonly fault: (call: FaultCall) => FaultAnswer
  /** Whether a call of the operation now is over its quota (a call within the quota is counted). */
  readonly overQuota: (operation: string) => boolean
}

/** @internal A command's input, read field by field (nothing in it is trusted). */
export type Input = Readonly<Record<string, unknown>>

/** @internal */
export type Output = Record<string, unknown>

/** @internal */
export type Result = E.Either<Error, Output>

/** @internal */
export type Handler = (ctx: Context, input: Input) => Result

/** @internal The fields of `u` when it is an object (an array included), else none. */
export const fieldsOf = (u: unknown): Input => (typeof u === 'object' && u !== null ? (u as Input) : {})

/** @internal ECR's limits (AWS API reference). */
export const MAX_RESULTS = 1000

/** @internal */
export const DEFAULT_MAX_RESULTS = 100

/** @internal Image ids, layer digests and repository names per call. */
export const MAX_IDS = 100

/** @internal */
export const MAX_RESOURCE_TAGS = 50

// -------------------------------------------------------------------------------------
// errors
// -------------------------------------------------------------------------------------

/** @internal */
export const metadata = (httpStatusCode: number) => ({
  httpStatusCode,
  requestId: randomUUID(),
  attempts: 1,
  totalRetryDelay: 0
})

/** @internal The constructor shape of the SDK's modelled exceptions. */
export type ExceptionClass = new (options: { message: string; $metadata: ReturnType<typeof metadata> }) => Error

/** @internal */
export const exception = (C: ExceptionClass, message: string, status = 400): Error => {
  const e = new C({ message, $metadata: metadata(status) })
  return Object.assign(e, { message })
}

/** @internal A failed call (typed for any `Either` it is returned as). */
export const fail = <A = Output>(C: ExceptionClass, message: string): E.Either<Error, A> => E.left(exception(C, message))

/** @internal */
export const invalidParameter = <A = Output>(message: string): E.Either<Error, A> =>
  fail(InvalidParameterException, message)

/** @internal ECR's wording of a field that breaks a constraint of the API model. */
export const constraint = <A = Output>(field: string, what: string): E.Either<Error, A> =>
  invalidParameter(`Invalid parameter at '${field}' failed to satisfy constraint: '${what}'`)

/** @internal */
export const REPOSITORY_PATTERN = '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*'

/** @internal */
export const repositoryNotFound = <A = Output>(name: string, registryId: string): E.Either<Error, A> =>
  fail(
    RepositoryNotFoundException,
    `The repository with name '${name}' does not exist in the registry with id '${registryId}'`
  )

/** @internal An image id as ECR's messages write it. */
export const imageIdText = (id: ImageId): string =>
  `{imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'}`

// -------------------------------------------------------------------------------------
// input readers
// -------------------------------------------------------------------------------------

/** @internal */
export const optionalString = (input: Input, key: string): string | undefined => {
  const v = input[key]
  return typeof v === 'string' ? v : undefined
}

/** @internal The registry a call names (the twin's own when none). */
export const registryIdOf = (ctx: Context, input: Input): string =>
  optionalString(input, 'registryId') ?? ctx.store.accountId

/** @internal */
export interface Located {
  readonly repo: Store.RepositoryRecord
  readonly registryId: string
}

/** @internal The repository an input names, after ECR's checks of `registryId` and `repositoryName`. */
export const locate = (ctx: Context, input: Input, field = 'repositoryName'): E.Either<Error, Located> => {
  const name = input[field]
  const registryId = registryIdOf(ctx, input)
  if (typeof name !== 'string' || name.length === 0) return constraint(field, 'Member must not be null')
  if (!isRepositoryName(name)) return constraint(field, `must satisfy regular expression '${REPOSITORY_PATTERN}'`)
  if (registryId !== ctx.store.accountId) return repositoryNotFound(name, registryId)
  const repo = ctx.store.repositories.get(name)
  return repo === undefined ? repositoryNotFound(name, registryId) : E.right({ repo, registryId })
}

/** @internal `maxResults`, within ECR's bounds for the operation. */
export const maxResultsOf = (
  input: Input,
  bounds: { readonly max: number; readonly default: number } = { max: MAX_RESULTS, default: DEFAULT_MAX_RESULTS }
): E.Either<Error, number> => {
  const m = input.maxResults
  if (m === undefined || m === null) return E.right(bounds.default)
  if (typeof m !== 'number' || !Number.isInteger(m)) return constraint('maxResults', 'Member must be an integer')
  if (m < 1) return constraint('maxResults', 'Member must have value greater than or equal to 1')
  if (m > bounds.max) return constraint('maxResults', `Member must have value less than or equal to ${bounds.max}`)
  return E.right(m)
}

/** @internal */
export interface ImageId {
  readonly imageDigest?: string
  readonly imageTag?: string
}

/** @internal The string fields of an image id (anything else in it is dropped). */
export const imageIdFrom = (u: unknown): ImageId => {
  const o = fieldsOf(u)
  return {
    ...(typeof o.imageDigest === 'string' ? { imageDigest: o.imageDigest } : {}),
    ...(typeof o.imageTag === 'string' ? { imageTag: o.imageTag } : {})
  }
}

/** @internal A list of 1 to 100 image ids. */
export const imageIdsOf = (input: Input, key = 'imageIds'): E.Either<Error, ReadonlyArray<ImageId>> => {
  const ids = input[key]
  if (!Array.isArray(ids)) return constraint(key, 'Member must not be null')
  if (ids.length < 1) return constraint(key, 'Member must have length greater than or equal to 1')
  if (ids.length > MAX_IDS) return constraint(key, `Member must have length less than or equal to ${MAX_IDS}`)
  return E.right(ids.map(imageIdFrom))
}

/** @internal The one image id a call names (`imageId`). */
export const imageIdOf = (input: Input, key = 'imageId'): E.Either<Error, ImageId> => {
  const u = input[key]
  if (typeof u !== 'object' || u === null) return constraint(key, 'Member must not be null')
  return E.right(imageIdFrom(u))
}

/** @internal One of ECR's enum values, or its default when absent. */
export const enumOf = <A extends string>(
  u: unknown,
  field: string,
  values: ReadonlyArray<A>,
  fallback: A
): E.Either<Error, A> => {
  if (u === undefined || u === null) return E.right(fallback)
  const found = values.find((v) => v === u)
  return found === undefined
    ? constraint(field, `Member must satisfy enum value set: [${values.join(', ')}]`)
    : E.right(found)
}

/** @internal */
export type TagStatus = 'TAGGED' | 'UNTAGGED' | 'ANY'

/** @internal */
export const tagStatusOf = (input: Input): E.Either<Error, TagStatus> =>
  enumOf(fieldsOf(input.filter).tagStatus, 'filter.tagStatus', ['TAGGED', 'UNTAGGED', 'ANY'], 'ANY')

/** @internal An image status filter: ECR lists ACTIVE images unless asked otherwise. */
export type StatusFilter = Store.ImageStatus | 'ANY'

/** @internal */
export const imageStatusOf = (u: unknown, field: string): E.Either<Error, StatusFilter> =>
  enumOf(u, field, ['ACTIVE', 'ARCHIVED', 'ACTIVATING', 'ANY'], 'ACTIVE')

/** @internal */
export const matchesTagStatus = (status: TagStatus, image: Store.ImageRecord): boolean =>
  status === 'ANY' || (status === 'TAGGED') === image.tags.size > 0

/** @internal */
export const matchesImageStatus = (
  ctx: Context,
  repo: Store.RepositoryRecord,
  status: StatusFilter,
  image: Store.ImageRecord
): boolean => status === 'ANY' || Store.statusOf(ctx.store, repo, image) === status

/** @internal */
export const DIGEST_PATTERN = /^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$/

/** @internal The image one id names (tag, digest, or both agreeing), or ECR's `ImageNotFoundException`. */
export const resolveId = (located: Located, id: ImageId): E.Either<Error, Store.ImageRecord> => {
  const { repo, registryId } = located
  if (id.imageDigest === undefined && id.imageTag === undefined)
    return invalidParameter('Invalid parameter: both tag and digest cannot be null')
  const byDigest = id.imageDigest === undefined ? undefined : repo.images.get(id.imageDigest)
  const byTag = id.imageTag === undefined ? undefined : Store.findImage(repo, id.imageTag)
  const image =
    id.imageDigest !== undefined && id.imageTag !== undefined
      ? byDigest === byTag
        ? byDigest
        : undefined
      : byDigest ?? byTag
  return image === undefined
    ? fail(
        ImageNotFoundException,
        `The image with imageId ${imageIdText(id)} does not exist within the repository with name '${
          repo.name
        }' in the registry with id '${registryId}'`
      )
    : E.right(image)
}

/** @internal What a handler of one image (`repositoryName`, `registryId`, `imageId`) works on. */
export interface LocatedImage extends Located {
  /** the `imageId` of the input, as given */
  readonly id: ImageId
  readonly image: Store.ImageRecord
}

/**
 * @internal The preamble of the handlers of one image: the repository (`locate`), the input's
 * `imageId` (`imageIdOf`) and the image it names (`resolveId`), with ECR's errors in that order.
 */
export const locateImage = (ctx: Context, input: Input): E.Either<Error, LocatedImage> => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const id = imageIdOf(input)
  if (E.isLeft(id)) return id
  const image = resolveId(located.right, id.right)
  if (E.isLeft(image)) return image
  return E.right({ ...located.right, id: id.right, image: image.right })
}

// -------------------------------------------------------------------------------------
// pagination: opaque tokens carrying the last position (a sequence number, stable under deletion)
// -------------------------------------------------------------------------------------

/** @internal */
export const encodeToken = (operation: string, scope: string, key: unknown): string =>
  Buffer.from(JSON.stringify({ o: operation, s: scope, k: key })).toString('base64')

/** @internal The position a `nextToken` carries, when it was issued by this operation for this scope. */
export const decodeToken = <K>(
  input: Input,
  operation: string,
  scope: string,
  isKey: (u: unknown) => u is K
): E.Either<Error, K | undefined> => {
  const token = input.nextToken
  if (token === undefined || token === null) return E.right(undefined)
  const invalid = constraint<never>('nextToken', 'Invalid NextToken')
  if (typeof token !== 'string') return invalid
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'))
  } catch {
    return invalid
  }
  const { o, s, k } = fieldsOf(parsed)
  return o === operation && s === scope && isKey(k) ? E.right(k) : invalid
}

/** @internal */
export const isInteger = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u)

/** @internal Up to `max` items and whether more follow. */
export const take = <A>(items: Iterable<A>, max: number): { readonly page: ReadonlyArray<A>; readonly more: boolean } => {
  const page: Array<A> = []
  for (const a of items) {
    if (page.length === max) return { page, more: true }
    page.push(a)
  }
  return { page, more: false }
}

/** @internal One page of a list by index, with the token of the next page when there is one. */
export const pageOf = <A>(
  input: Input,
  operation: string,
  scope: string,
  items: ReadonlyArray<A>,
  max: number
): E.Either<
  Error,
  { readonly page: ReadonlyArray<A>; readonly from: number; readonly nextToken: string | undefined }
> => {
  const start = decodeToken(input, operation, scope, isInteger)
  if (E.isLeft(start)) return start
  const from = start.right ?? 0
  const page = items.slice(from, from + max)
  const next = from + page.length
  return E.right({ page, from, nextToken: next < items.length ? encodeToken(operation, scope, next) : undefined })
}

// -------------------------------------------------------------------------------------
// records as ECR returns them
// -------------------------------------------------------------------------------------

/** @internal The partition of a region: the library's table (src/internal/uri.ts), every AWS partition. */
export const partition = (region: string): string => partitionOf(region)

/** @internal */
export const repositoryArn = (store: Store.Store, name: string): string =>
  `arn:${partition(store.region)}:ecr:${store.region}:${store.accountId}:repository/${name}`

/** @internal The ARN ECR reports for its AWS managed key (`aws/ecr`) of a KMS repository without a key. */
export const managedKeyArn = (store: Store.Store): string =>
  `arn:${partition(store.region)}:kms:${store.region}:${store.accountId}:key/${Store.sha256(
    `${store.accountId}/${store.region}/aws/ecr`
  ).slice(7, 43)}`

/** @internal */
export const repositoryOut = (ctx: Context, repo: Store.RepositoryRecord): Output => ({
  repositoryArn: repositoryArn(ctx.store, repo.name),
  registryId: ctx.store.accountId,
  repositoryName: repo.name,
  repositoryUri: `${ctx.registryHost}/${repo.name}`,
  createdAt: new Date(repo.createdAt.getTime()),
  imageTagMutability: repo.imageTagMutability,
  ...(repo.exclusionFilters.length === 0
    ? {}
    : {
        imageTagMutabilityExclusionFilters: repo.exclusionFilters.map((filter) => ({ filterType: 'WILDCARD', filter }))
      }),
  imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
  encryptionConfiguration:
    repo.encryption.type === 'AES256'
      ? { encryptionType: 'AES256' }
      : { encryptionType: repo.encryption.type, kmsKey: repo.encryption.kmsKey ?? managedKeyArn(ctx.store) }
})

/** @internal The scan of an image as it stands now (a scan whose time has come is complete). */
export const scanState = (
  ctx: Context,
  image: Store.ImageRecord
):
  | undefined
  | { readonly status: string; readonly completedAt: Date | undefined; readonly scan: Store.ScanRecord } => {
  const scan = image.scan
  if (scan === undefined) return undefined
  if (ctx.store.now().getTime() < scan.endsAt) return { status: 'IN_PROGRESS', completedAt: undefined, scan }
  return { status: scan.seed.status ?? 'COMPLETE', completedAt: new Date(scan.endsAt), scan }
}

/** @internal Counts of findings by severity (basic and enhanced findings alike). */
export const severityCounts = (seed: Store.ScanRecord['seed']): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const f of [...(seed.findings ?? []), ...(seed.enhancedFindings ?? [])]) {
    const severity = f.severity ?? 'UNDEFINED'
    counts[severity] = (counts[severity] ?? 0) + 1
  }
  return counts
}

/** @internal */
export const imageDetail = (ctx: Context, repo: Store.RepositoryRecord, image: Store.ImageRecord): Output => {
  const scan = scanState(ctx, image)
  return {
    registryId: ctx.store.accountId,
    repositoryName: repo.name,
    imageDigest: image.digest,
    ...(image.tags.size > 0 ? { imageTags: [...image.tags] } : {}),
    imageSizeInBytes: image.sizeInBytes,
    imagePushedAt: new Date(image.pushedAt.getTime()),
    imageManifestMediaType: image.mediaType,
    ...(image.artifactMediaType === undefined ? {} : { artifactMediaType: image.artifactMediaType }),
    ...(image.subject === undefined ? {} : { subjectManifestDigest: image.subject }),
    imageStatus: Store.statusOf(ctx.store, repo, image),
    ...(image.lastRecordedPullTime === undefined
      ? {}
      : { lastRecordedPullTime: new Date(image.lastRecordedPullTime.getTime()) }),
    ...(image.lastArchivedAt === undefined ? {} : { lastArchivedAt: new Date(image.lastArchivedAt.getTime()) }),
    ...(image.lastActivatedAt === undefined ? {} : { lastActivatedAt: new Date(image.lastActivatedAt.getTime()) }),
    ...(scan === undefined
      ? {}
      : {
          imageScanStatus: { status: scan.status, description: scanDescription(scan.status) },
          ...(scan.completedAt === undefined || scan.status !== 'COMPLETE'
            ? {}
            : {
                imageScanFindingsSummary: {
                  imageScanCompletedAt: scan.completedAt,
                  vulnerabilitySourceUpdatedAt: scan.scan.seed.vulnerabilitySourceUpdatedAt ?? scan.completedAt,
                  findingSeverityCounts: severityCounts(scan.scan.seed)
                }
              })
        })
  }
}

/** @internal ECR's description of a scan status. */
export const scanDescription = (status: string): string =>
  status === 'COMPLETE'
    ? 'The scan was completed successfully.'
    : status === 'IN_PROGRESS'
    ? 'The scan is in progress.'
    : status === 'UNSUPPORTED_IMAGE'
    ? 'The operating system and/or package manager are not supported.'
    : `The scan status is ${status}.`

/** @internal A failure of one id in a batch call. */
export const failure = (id: ImageId, failureCode: string, failureReason: string): Output => ({
  imageId: { ...id },
  failureCode,
  failureReason
})

/** @internal A malformed id's failure in the batch calls, if any. */
export const idFailure = (id: ImageId): Output | undefined => {
  if (id.imageDigest === undefined && id.imageTag === undefined)
    return failure(id, 'MissingDigestAndTag', 'Invalid request parameters: both tag and digest cannot be null')
  if (id.imageDigest !== undefined && !DIGEST_PATTERN.test(id.imageDigest))
    return failure(
      id,
      'InvalidImageDigest',
      "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'"
    )
  if (id.imageTag !== undefined && (id.imageTag.length < 1 || id.imageTag.length > 300))
    return failure(id, 'InvalidImageTag', 'Invalid request parameters: image tag should be between 1 and 300 characters')
  return undefined
}
