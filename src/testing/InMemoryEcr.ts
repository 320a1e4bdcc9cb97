/**
 * An in-memory twin of one Amazon ECR registry, for tests and benchmarks: the ECR API (a `send`
 * taking the SDK's command objects) and the registry HTTP API (a `fetch` and an undici `dispatcher`)
 * over one store, with ECR's validation rules, error names and messages, pagination, tag
 * immutability, blob redirects to a storage origin, call recording and fault injection.
 *
 * @since 0.1.0
 */
import { randomBytes } from 'crypto'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { fetch as undiciFetch } from 'undici'
import type { Dispatcher } from 'undici'
import * as EcrError from '../EcrError'
import * as Env from '../Env'
import * as G from '../internal/guard'
import { totalEither } from '../internal/total'
import type * as Manifest from '../Manifest'
import type { AccountId, Region, ResourceTag } from '../Primitives'
import { isRepositoryName } from '../Primitives'
import * as DispatcherImpl from './dispatcher'
import * as EcrApi from './ecrApi'
import * as RegistryApi from './registryApi'
import * as Seed from './seed'
import * as Storage from './storage'
import * as Store from './store'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * An image platform, as in an image index (`Manifest.Platform`).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const platforms: ReadonlyArray<InMemoryEcr.Platform> = [
 *   { os: 'linux', architecture: 'amd64' },
 *   { os: 'linux', architecture: 'arm64', variant: 'v8' }
 * ]
 * const pushed = InMemoryEcr.make().pushImage('app', { platforms })
 * assert.ok(E.isRight(pushed))
 * assert.deepStrictEqual(pushed.right.children.map((c) => c.platform), platforms)
 */
export type Platform = Manifest.Platform

/**
 * @category model
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const options: InMemoryEcr.Options = { accountId: '111122223333', region: 'eu-west-1', password: 'secret', redirectBlobs: true }
 * const twin = InMemoryEcr.make(options)
 * assert.strictEqual(twin.proxyEndpoint, 'https://111122223333.dkr.ecr.eu-west-1.amazonaws.com')
 * assert.strictEqual(twin.password, 'secret')
 * twin.pushImage('app', { tag: 'v1' })
 * pipe(Image.fromUri('111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfig(ref)))(twin.env)().then((r) => {
 *   assert.ok(E.isRight(r))
 *   // the blob GET was redirected to the storage origin, as ECR does
 *   assert.strictEqual(twin.httpCalls.filter((c) => c.url.startsWith(twin.storageOrigin)).length, 1)
 * })
 */
export interface Options {
  /** Default `'123456789012'`. */
  readonly accountId?: string
  /** Default `'us-east-1'`. */
  readonly region?: string
  /** Default `https://<accountId>.dkr.ecr.<region>.amazonaws.com`. */
  readonly proxyEndpoint?: string
  /** The registry password; the login token is `base64('AWS:' + password)`. Default: random, ECR-like. */
  readonly password?: string
  /** Blob GETs answer 307 to the storage origin with a pre-signed query (as ECR does). Default false. */
  readonly redirectBlobs?: boolean
  /** Default `https://prod-<region>-starport-layer-bucket.s3.<region>.amazonaws.com`. */
  readonly storageOrigin?: string
  /** Added to every ECR API call (benchmarks use 20). Default 0. */
  readonly latencyMs?: number
  /** Added to every HTTP request. Default 0. */
  readonly httpLatencyMs?: number
  /** Lifetime of a login token. Default 12 hours. */
  readonly tokenTtlMs?: number
  /** Cross-repository mounts answer 201 when on (the registry's BLOB_MOUNTING setting). Default true. */
  readonly blobMounting?: boolean
  /** Clock for imagePushedAt and token expiry. Default the system clock. */
  readonly now?: () => Date
  /** Seed of the generated layer contents (together with account and region). Default `''`. */
  readonly seed?: string
}

/**
 * What a fault-injection function is asked about: an ECR API call, or an HTTP request (URL without
 * its query).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const asked: Array<InMemoryEcr.FaultCall> = []
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * twin.setFault((call) => {
 *   asked.push(call)
 *   return undefined
 * })
 * pipe(Repository.make('app'), RTE.flatMap(Repository.exists))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(true))
 *   assert.deepStrictEqual(asked.map((c) => (c.kind === 'ecr' ? c.operation : c.method)), ['DescribeRepositories'])
 * })
 */
export type FaultCall =
  | { readonly kind: 'ecr'; readonly operation: string; readonly input: unknown }
  | { readonly kind: 'http'; readonly method: string; readonly url: string }

/**
 * The injected failure: `throttle` (ECR: `ThrottlingException`; HTTP: 429), `server-error` (ECR:
 * `ServerException`; HTTP: 503), `network` (a connection reset), `missing-fields` (ECR: the call
 * resolves with `{ $metadata: {} }`; HTTP: 200 with `{}`), or an HTTP status. `undefined`: no fault.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1' })
 * const notFound: InMemoryEcr.FaultAnswer = { status: 404 }
 * twin.setFault((call) => (call.kind === 'http' ? notFound : undefined))
 * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfig(ref)))(twin.env)().then((r) => {
 *   assert.strictEqual(E.isLeft(r) && r.left._tag, 'NotFound')
 * })
 */
export type FaultAnswer =
  | undefined
  | 'throttle'
  | 'server-error'
  | 'network'
  | 'missing-fields'
  | { readonly status: number }

/**
 * Asked before every call; may keep state (fail the first n calls, fail one operation, ...).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * let throttled = 0
 * const throttleOnce: InMemoryEcr.Fault = (call) => (call.kind === 'ecr' && throttled++ === 0 ? 'throttle' : undefined)
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * twin.setFault(throttleOnce)
 * pipe(Repository.make('app'), RTE.flatMap(Repository.exists))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(true)) // retried after the throttling
 *   assert.strictEqual(twin.callCount('DescribeRepositories'), 2)
 * })
 */
export type Fault = (call: FaultCall) => FaultAnswer

/**
 * @category model
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const options: InMemoryEcr.PushImageOptions = { tags: ['v1', 'latest'], format: 'oci', layers: 3, layerBytes: 100 }
 * const pushed = InMemoryEcr.make().pushImage('app', options)
 * assert.ok(E.isRight(pushed))
 * assert.strictEqual(pushed.right.mediaType, 'application/vnd.oci.image.manifest.v1+json')
 * assert.strictEqual(pushed.right.layerDigests.length, 3)
 * assert.deepStrictEqual([...pushed.right.tags].sort(), ['latest', 'v1'])
 */
export interface PushImageOptions {
  /** Tags to apply; none: the image is untagged. */
  readonly tag?: string
  readonly tags?: ReadonlyArray<string>
  /** Given: an index with one child per platform (one platform and `index: false`: a plain manifest for it). */
  readonly platforms?: ReadonlyArray<Platform>
  /** With one platform, whether to wrap it in an index. Default true when `platforms` is given. */
  readonly index?: boolean
  /** Default `'docker'` (v2 schema 2 manifest / manifest list); `'oci'`: OCI manifest / index. */
  readonly format?: 'docker' | 'oci'
  /** Number of layers, at most 128. Default 1. */
  readonly layers?: number
  /** Size of each layer in bytes, at most 64 MiB. Default 32 to 64. Layers of 8 bytes or more are unique. */
  readonly layerBytes?: number
  readonly labels?: Readonly<Record<string, string>>
  readonly env?: ReadonlyArray<string>
  /** Default: now, but after every earlier push, so "most recently pushed" is always well defined. */
  readonly pushedAt?: Date
  /** Create the repository when missing. Default true. */
  readonly createRepository?: boolean
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 *
 * const twin = InMemoryEcr.make()
 * const pushed = twin.pushImage('app', { platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] })
 * assert.ok(E.isRight(pushed))
 * const children: ReadonlyArray<InMemoryEcr.PushedChild> = pushed.right.children
 * const arm = children.find((c) => c.platform.architecture === 'arm64')
 * assert.ok(arm !== undefined)
 * assert.deepStrictEqual(twin.getManifestText('app', arm.imageDigest), O.some(arm.manifest))
 * assert.ok(twin.hasBlob('app', arm.configDigest))
 */
export interface PushedChild {
  readonly platform: Platform
  readonly imageDigest: string
  readonly manifest: string
  readonly mediaType: string
  readonly configDigest: string
  readonly layerDigests: ReadonlyArray<string>
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 *
 * const twin = InMemoryEcr.make()
 * const result = twin.pushImage('app', { tag: 'v1', layers: 2 })
 * assert.ok(E.isRight(result))
 * const pushed: InMemoryEcr.PushedImage = result.right
 * assert.strictEqual(twin.tagsOf('app').get('v1'), pushed.imageDigest)
 * assert.deepStrictEqual(twin.getManifestText('app', 'v1'), O.some(pushed.manifest))
 * assert.ok([pushed.configDigest ?? '', ...pushed.layerDigests].every((d) => twin.hasBlob('app', d)))
 * assert.deepStrictEqual(pushed.children, [])
 */
export interface PushedImage {
  readonly repositoryName: string
  readonly imageDigest: string
  readonly manifest: string
  readonly mediaType: string
  readonly tags: ReadonlyArray<string>
  /** Absent for an index. */
  readonly configDigest?: string
  /** Empty for an index. */
  readonly layerDigests: ReadonlyArray<string>
  /** One per platform for an index, else empty. */
  readonly children: ReadonlyArray<PushedChild>
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('app')
 * pipe(Repository.make('app'), RTE.flatMap(Repository.exists))(twin.env)().then(() => {
 *   const calls: ReadonlyArray<InMemoryEcr.EcrCall> = twin.calls
 *   assert.deepStrictEqual(calls, [
 *     { operation: 'DescribeRepositories', input: { registryId: '123456789012', repositoryNames: ['app'] } }
 *   ])
 * })
 */
export interface EcrCall {
  /** The operation name, e.g. `DescribeImages`. */
  readonly operation: string
  readonly input: unknown
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 *
 * const twin = InMemoryEcr.make()
 * twin.fetch(`${twin.proxyEndpoint}/v2/?probe=1`).then((response) => {
 *   const calls: ReadonlyArray<InMemoryEcr.HttpCall> = twin.httpCalls
 *   assert.strictEqual(response.status, 401)
 *   assert.deepStrictEqual(calls, [{ method: 'GET', url: `${twin.proxyEndpoint}/v2/`, authorization: false }])
 * })
 */
export interface HttpCall {
  readonly method: string
  /** Without the query string. */
  readonly url: string
  /** Whether an Authorization header was sent. */
  readonly authorization: boolean
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const options: InMemoryEcr.CreateRepositoryOptions = { imageTagMutability: 'IMMUTABLE', tags: [{ Key: 'team', Value: 'infra' }] }
 * assert.deepStrictEqual(twin.createRepository('app', options), E.right(undefined))
 * assert.ok(E.isRight(twin.pushImage('app', { tag: 'v1' })))
 * assert.ok(E.isLeft(twin.pushImage('app', { tag: 'v1' }))) // the tag is immutable
 * pipe(Repository.make('app'), RTE.flatMap(Repository.getResourceTags))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right([{ Key: 'team', Value: 'infra' }]))
 * })
 */
export interface CreateRepositoryOptions {
  readonly tags?: ReadonlyArray<ResourceTag>
  readonly imageTagMutability?: 'MUTABLE' | 'IMMUTABLE'
}

/**
 * The twin of one registry.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin: InMemoryEcr.InMemoryEcr = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1' })
 * twin.pushImage('app', { tag: 'v2' })
 * pipe(Repository.make('app'), RTE.flatMap((ref) => Repository.getImages(ref)))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((images) => images.length)), E.right(2))
 *   assert.deepStrictEqual([twin.callCount('ListImages'), twin.callCount('BatchGetImage')], [1, 1])
 *   twin.resetCalls()
 *   assert.strictEqual(twin.callCount(), 0)
 * })
 */
export interface InMemoryEcr {
  /** `Env.make({ ecr, fetch, dispatcher, accountId, region })` over this twin. */
  readonly env: Env.EcrEnv & Env.HttpEnv
  readonly ecr: Env.EcrEnv['ecr']
  /** The registry API at `proxyEndpoint` and the storage origin (undici's fetch over `dispatcher`). */
  readonly fetch: Env.HttpEnv['fetch']
  /** The same HTTP API for undici's `request`, `stream` and `pipeline`, in-process. */
  readonly dispatcher: Dispatcher
  readonly accountId: AccountId
  readonly region: Region
  readonly proxyEndpoint: string
  readonly storageOrigin: string
  readonly password: string
  /** ECR API calls, oldest first (live: it grows as calls are made). */
  readonly calls: ReadonlyArray<EcrCall>
  /** HTTP requests, oldest first (live). */
  readonly httpCalls: ReadonlyArray<HttpCall>
  readonly callCount: (operation?: string) => number
  /**
   * Requests with that method (any when undefined) whose path (without origin and query) matches. A
   * method that is not a string, or a pattern that is not a RegExp, counts as not given.
   */
  readonly httpCallCount: (method?: string, pathPattern?: RegExp) => number
  readonly resetCalls: () => void
  readonly setFault: (f: Fault | undefined) => void
  /** Options that are not an object, or a field of the wrong type or out of range, give an `InvalidArgument`. */
  readonly pushImage: (repositoryName: string, options?: PushImageOptions) => E.Either<EcrError.EcrError, PushedImage>
  /** Options that are not an object, or a field of the wrong type, give an `InvalidArgument`. */
  readonly createRepository: (name: string, options?: CreateRepositoryOptions) => E.Either<EcrError.EcrError, void>
  readonly hasBlob: (repositoryName: string, digest: string) => boolean
  /** `None` for a repository or reference the twin does not have (a reference that is not a string among them). */
  readonly getManifestText: (repositoryName: string, reference: string) => O.Option<string>
  /** Tag -> digest. */
  readonly tagsOf: (repositoryName: string) => ReadonlyMap<string, string>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The account a twin stands for when none is given.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 *
 * assert.strictEqual(InMemoryEcr.make().accountId, InMemoryEcr.DEFAULT_ACCOUNT_ID)
 */
export const DEFAULT_ACCOUNT_ID = '123456789012'

/**
 * The region a twin stands for when none is given.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 *
 * assert.strictEqual(InMemoryEcr.make().region, InMemoryEcr.DEFAULT_REGION)
 */
export const DEFAULT_REGION = 'us-east-1'

/**
 * How long a login token lasts when `tokenTtlMs` is not given: 12 hours, as in ECR.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr'
 *
 * const now = new Date('2024-01-01T00:00:00Z')
 * const twin = InMemoryEcr.make({ now: () => now })
 * twin.ecr.send(new GetAuthorizationTokenCommand({})).then((out) => {
 *   const expiresAt = out.authorizationData?.[0]?.expiresAt
 *   assert.strictEqual(expiresAt?.getTime(), now.getTime() + InMemoryEcr.DEFAULT_TOKEN_TTL_MS)
 * })
 */
export const DEFAULT_TOKEN_TTL_MS = 12 * 60 * 60 * 1000

const randomPassword = (): string =>
  Buffer.from(
    JSON.stringify({
      payload: randomBytes(256).toString('base64'),
      datakey: randomBytes(128).toString('base64'),
      version: '2',
      type: 'DATA_KEY'
    })
  ).toString('base64')

/** The path of a recorded URL (recorded URLs are absolute; anything else is taken as a path). */
const pathOf = (url: string): string => {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}

const isResourceTag = (u: unknown): boolean =>
  typeof u === 'object' &&
  u !== null &&
  typeof (u as { Key?: unknown }).Key === 'string' &&
  typeof (u as { Value?: unknown }).Value === 'string'

/** The options of `createRepository`, checked: a `Left` names the first wrong one. */
const checkCreateOptions = (u: unknown): E.Either<EcrError.EcrError, CreateRepositoryOptions> => {
  const o = G.options(u, 'repository options')
  if (E.isLeft(o)) return o
  const { imageTagMutability, tags } = o.right
  if (imageTagMutability !== undefined && imageTagMutability !== 'MUTABLE' && imageTagMutability !== 'IMMUTABLE') {
    return E.left(EcrError.invalidArgument(`imageTagMutability must be MUTABLE or IMMUTABLE, got ${G.show(imageTagMutability)}`))
  }
  if (tags !== undefined && !(Array.isArray(tags) && tags.every(isResourceTag))) {
    return E.left(EcrError.invalidArgument(`tags must be an array of { Key, Value } strings, got ${G.show(tags)}`))
  }
  return E.right({
    ...(imageTagMutability === undefined ? {} : { imageTagMutability }),
    ...(tags === undefined ? {} : { tags: tags as ReadonlyArray<ResourceTag> })
  })
}

const textOption = (u: unknown): string | undefined => (typeof u === 'string' ? u : undefined)

const numberOption = (u: unknown): number | undefined => (typeof u === 'number' && Number.isFinite(u) ? u : undefined)

/** `s` when it is an absolute URL, else `fallback`. */
const urlOption = (s: string, fallback: string): string => {
  try {
    return new URL(s).protocol.startsWith('http') ? s : fallback
  } catch {
    return fallback
  }
}

/**
 * A fresh, empty registry twin. Options are taken as given (an invalid account id or region is not
 * checked here). Given options that are not an object, or an option of the wrong type, the default
 * is used instead; so is the default endpoint when the proxy endpoint or storage origin (given, or
 * built from the account and region) is not an http(s) URL.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import { DescribeImagesCommand } from '@aws-sdk/client-ecr'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make({ accountId: '111122223333', region: 'eu-west-1' })
 * assert.strictEqual(twin.proxyEndpoint, 'https://111122223333.dkr.ecr.eu-west-1.amazonaws.com')
 *
 * const pushed = twin.pushImage('team/app', { tag: 'v1' })
 * assert.ok(E.isRight(pushed))
 * assert.strictEqual(twin.tagsOf('team/app').get('v1'), E.isRight(pushed) ? pushed.right.imageDigest : '')
 *
 * twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'team/app' })).then((out) => {
 *   assert.deepStrictEqual(out.imageDetails?.map((d) => d.imageTags), [['v1']])
 *   assert.strictEqual(twin.callCount('DescribeImages'), 1)
 * })
 */
export const make = (options: Options = {}): InMemoryEcr => {
  const o: { readonly [K in keyof Options]?: unknown } = typeof options === 'object' && options !== null ? options : {}
  const accountId = textOption(o.accountId) ?? DEFAULT_ACCOUNT_ID
  const region = textOption(o.region) ?? DEFAULT_REGION
  const proxyEndpoint = urlOption(
    textOption(o.proxyEndpoint) ?? `https://${accountId}.dkr.ecr.${region}.amazonaws.com`,
    `https://${DEFAULT_ACCOUNT_ID}.dkr.ecr.${DEFAULT_REGION}.amazonaws.com`
  ).replace(/\/+$/, '')
  const storageOrigin = urlOption(
    textOption(o.storageOrigin) ?? `https://prod-${region}-starport-layer-bucket.s3.${region}.amazonaws.com`,
    `https://prod-${DEFAULT_REGION}-starport-layer-bucket.s3.${DEFAULT_REGION}.amazonaws.com`
  )
  const password = textOption(o.password) ?? randomPassword()
  const now = typeof o.now === 'function' ? (o.now as () => Date) : () => new Date()
  const tokenTtlMs = numberOption(o.tokenTtlMs) ?? DEFAULT_TOKEN_TTL_MS
  const store = Store.make({ accountId, region, now })
  const storage = Storage.make(storageOrigin, region)
  const random = Seed.makeRandom(`${accountId}/${region}/${textOption(o.seed) ?? ''}`)
  const calls: Array<EcrCall> = []
  const httpCalls: Array<HttpCall> = []
  let fault: Fault | undefined
  let tokenExpiresAt: number | undefined
  const askFault = (call: FaultCall): FaultAnswer => {
    try {
      return fault?.(call)
    } catch {
      return undefined
    }
  }
  const expectedToken = Buffer.from(`AWS:${password}`).toString('base64')
  const isAuthorized = (authorization: string | undefined): boolean => {
    const m = authorization === undefined ? null : /^basic\s+(\S+)\s*$/i.exec(authorization)
    if (m === null || m[1] !== expectedToken) return false
    return tokenExpiresAt === undefined || now().getTime() <= tokenExpiresAt
  }
  const send = EcrApi.makeSend({
    store,
    storage,
    proxyEndpoint,
    password,
    tokenTtlMs,
    latencyMs: numberOption(o.latencyMs) ?? 0,
    onTokenIssued: (expiresAt) => {
      tokenExpiresAt = Math.max(tokenExpiresAt ?? Number.NEGATIVE_INFINITY, expiresAt.getTime())
    },
    record: (operation, input) => {
      calls.push({ operation, input })
    },
    fault: askFault
  })
  const serve = RegistryApi.makeServe({
    store,
    storage,
    registryOrigin: new URL(proxyEndpoint).origin,
    redirectBlobs: o.redirectBlobs === true,
    blobMounting: o.blobMounting !== false,
    latencyMs: numberOption(o.httpLatencyMs) ?? 0,
    isAuthorized,
    record: (call) => {
      httpCalls.push(call)
    },
    fault: askFault
  })
  const dispatcher = DispatcherImpl.make(serve)
  const fetch: Env.HttpEnv['fetch'] = (input, init) =>
    undiciFetch(input, { ...(init as object), dispatcher } as Parameters<
      typeof undiciFetch
    >[1]) as unknown as Promise<Response>
  const ecr: Env.EcrEnv['ecr'] = { send: send as unknown as Env.EcrEnv['ecr']['send'] }
  const env = Env.make({ ecr, fetch, dispatcher, accountId: accountId as AccountId, region: region as Region })
  return {
    env,
    ecr,
    fetch,
    dispatcher,
    accountId: accountId as AccountId,
    region: region as Region,
    proxyEndpoint,
    storageOrigin: storage.origin,
    password,
    calls,
    httpCalls,
    callCount: (operation) =>
      operation === undefined ? calls.length : calls.filter((c) => c.operation === operation).length,
    httpCallCount: (method, pathPattern) => {
      const m = typeof method === 'string' ? method.toUpperCase() : undefined
      const p = pathPattern instanceof RegExp ? pathPattern : undefined
      return httpCalls.filter((c) => {
        if (m !== undefined && c.method.toUpperCase() !== m) return false
        if (p === undefined) return true
        p.lastIndex = 0
        return p.test(pathOf(c.url))
      }).length
    },
    resetCalls: () => {
      calls.length = 0
      httpCalls.length = 0
    },
    setFault: (f) => {
      fault = f
    },
    pushImage: (repositoryName, pushOptions) =>
      totalEither('pushImage', () => Seed.pushImage(store, random, repositoryName, pushOptions)),
    createRepository: (name, createOptions) => {
      if (!isRepositoryName(name)) return E.left(EcrError.invalidArgument(`not a valid repository name: ${G.show(name)}`))
      const checked = checkCreateOptions(createOptions)
      if (E.isLeft(checked)) return checked
      const created = Store.createRepository(store, name, checked.right)
      return E.isLeft(created) ? E.left(Seed.toEcrError(accountId, name)(created.left)) : E.right(undefined)
    },
    hasBlob: (repositoryName, digest) => store.repositories.get(repositoryName)?.blobs.has(digest) === true,
    getManifestText: (repositoryName, reference) => {
      const repo = store.repositories.get(repositoryName)
      const image = repo === undefined || typeof reference !== 'string' ? undefined : Store.findImage(repo, reference)
      return image === undefined ? O.none : O.some(image.manifest)
    },
    tagsOf: (repositoryName) => new Map(store.repositories.get(repositoryName)?.tags ?? [])
  }
}
