/**
 * The environment ECR programs run in: one capability per external service. `EcrEnv` carries the
 * ECR API client and the registry it speaks for; `HttpEnv` carries the HTTP functions used for the
 * registry (OCI distribution) API. An operation asks only for what it uses, so its type says which
 * services it touches.
 *
 * @since 0.1.0
 */
import { ECRClient } from '@aws-sdk/client-ecr'
import type * as Ecr from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { identity, pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { Dispatcher } from 'undici'
import * as EcrError from './EcrError'
import { isAccountId, isRegion, type AccountId, type Region } from './Primitives'
import * as Retry from './Retry'
import { unexpected } from './internal/awsError'
import { showValue } from './internal/codec'
import { builtinFetch } from './internal/builtinFetch'
import { redactUrl } from './internal/redact'
import { makeLimiter } from './internal/limiter'
import { withClock } from './internal/pacer'
import { defaultSleep } from './internal/retry'
import { boundedEcr, boundingAttempts, callTimeoutOf, likeInner, loggingSend, retryingSend, sdkTimeouts, within } from './internal/send'
import { callerAccount } from './internal/sts'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Structured log sink. Every method is optional to call; messages never contain credentials.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { Logger } from 'ecr-fp-ts/Env'
 * import * as Env from 'ecr-fp-ts/Env'
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 *
 * const lines: Array<string> = []
 * const logger: Logger = {
 *   debug: (message, meta) => lines.push(`${message} ${String(meta?.operation)}`),
 *   info: (message) => lines.push(message),
 *   warn: (message) => lines.push(message)
 * }
 * const twin = InMemoryEcr.make()
 * Registry.listRepositories()(Env.withEcrLogging(logger)(twin.env))().then(() => {
 *   assert.deepStrictEqual(lines, ['ecr call DescribeRepositories'])
 * })
 */
export interface Logger {
  /** Details: every ECR call and retry, every registry request. */
  readonly debug: (message: string, meta?: Readonly<Record<string, unknown>>) => void
  /** Progress worth telling a user. */
  readonly info: (message: string, meta?: Readonly<Record<string, unknown>>) => void
  /** Trouble the library recovers from, such as a registry request that will be retried. */
  readonly warn: (message: string, meta?: Readonly<Record<string, unknown>>) => void
}

/**
 * Credentials for a registry's HTTP API, from ECR's `GetAuthorizationToken`.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { EcrLogin } from 'ecr-fp-ts/Env'
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const now = new Date('2024-01-01T00:00:00Z')
 * const twin = InMemoryEcr.make({ password: 'secret', now: () => now })
 * Registry.getLogin()(twin.env)().then((r) => {
 *   assert.ok(E.isRight(r))
 *   const login: EcrLogin = r.right
 *   assert.strictEqual(login.proxyEndpoint, 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com')
 *   assert.strictEqual(login.password, 'secret')
 *   assert.strictEqual(login.expiresAt.getTime(), now.getTime() + InMemoryEcr.DEFAULT_TOKEN_TTL_MS)
 * })
 */
export interface EcrLogin {
  /** The user name of the Basic credentials (`AWS` for ECR). */
  readonly username: string
  /** The password of the Basic credentials: a secret, never logged. */
  readonly password: string
  /** Base URL of the registry API, e.g. `https://123456789012.dkr.ecr.us-west-2.amazonaws.com`. */
  readonly proxyEndpoint: string
  /** When the credentials stop working (ECR: 12 hours after they were issued). */
  readonly expiresAt: Date
}

/**
 * Where logins are kept between calls; a login is reused until half its lifetime has passed. A
 * cache with `share` also makes concurrent logins for one registry share one GetAuthorizationToken
 * call (the caches of `makeLoginCache` do).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { LoginCache } from 'ecr-fp-ts/Env'
 * import * as Env from 'ecr-fp-ts/Env'
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const loginCache: LoginCache = Env.makeLoginCache()
 * pipe(Registry.getLogin(), RTE.flatMap(() => Registry.getLogin()))({ ...twin.env, loginCache })().then(() => {
 *   assert.strictEqual(twin.callCount('GetAuthorizationToken'), 1)
 *   assert.strictEqual(loginCache.get('123456789012/us-east-1')?.login.username, 'AWS')
 * })
 */
export interface LoginCache {
  /** The entry kept for a registry (`<account>/<region>`), if any. */
  readonly get: (key: string) => { readonly login: EcrLogin; readonly obtainedAt: Date } | undefined
  /** Keeps a fresh login for a registry. */
  readonly set: (key: string, entry: { readonly login: EcrLogin; readonly obtainedAt: Date }) => void
  /**
   * Runs `login` for `key` unless a login for `key` is already running, whose result is then shared;
   * without it, each concurrent login makes its own call.
   */
  readonly share?: (
    key: string,
    login: () => Promise<E.Either<EcrError.EcrError, EcrLogin>>
  ) => Promise<E.Either<EcrError.EcrError, EcrLogin>>
}

/**
 * The registry an environment acts for: its account, and the region of every registry it reaches.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { RegistryEnv } from 'ecr-fp-ts/Env'
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import * as E from 'fp-ts/Either'
 *
 * const registry = RegistryUri.parse('123456789012.dkr.ecr.eu-west-1.amazonaws.com')
 * assert.ok(E.isRight(registry))
 * // a reference needs the registry only, no ECR client
 * const env: RegistryEnv = RegistryUri.toRef(registry.right)
 * Repository.make('team/app')(env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right({ accountId: '123456789012', region: 'eu-west-1', repositoryName: 'team/app' }))
 * })
 */
export interface RegistryEnv {
  /** The account of the registry (default of every operation that takes an optional registry). */
  readonly accountId: AccountId
  /** The region: a ref from another region is an `InvalidArgument` (one environment per region). */
  readonly region: Region
}

/**
 * Gives back the permits a `Limiter` granted; calling it again does nothing.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { Release } from 'ecr-fp-ts/Env'
 * import * as Env from 'ecr-fp-ts/Env'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * const limiter = Env.make({ ecr: twin.ecr, accountId: twin.accountId, region: twin.region, concurrency: 1 }).limiter
 * limiter?.acquire(1).then(async (first) => {
 *   assert.ok(E.isRight(first))
 *   const release: Release = first.right
 *   release()
 *   release() // nothing more
 *   const second = await limiter.acquire(1)
 *   assert.ok(E.isRight(second))
 * })
 */
export type Release = () => void

/**
 * The limiter of an environment: at most `capacity` permits are out at any moment. Every ECR call
 * (`EcrEnv.limiter`) and every registry request (`HttpEnv.limiter`, its streamed body included)
 * holds one for its whole duration, so one limiter shared by the two bounds everything the
 * environment has in flight, across concurrent operations. `Env.make` and `Env.fromDefaults` give
 * each environment its own, of `concurrency` permits; an environment without one is not limited.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import * as Env from 'ecr-fp-ts/Env'
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1' })
 * const env = Env.make({ ecr: twin.ecr, fetch: twin.fetch, accountId: twin.accountId, region: twin.region, concurrency: 2 })
 * assert.strictEqual(env.limiter?.capacity, 2)
 * const read = pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfig(ref)))
 * Promise.all([1, 2, 3, 4, 5].map(() => read(env)())).then((rs) => {
 *   // five reads at once, never more than two calls or requests in flight
 *   assert.ok(rs.every(E.isRight))
 * })
 */
export interface Limiter {
  /** How many permits there are. */
  readonly capacity: number
  /**
   * Waits for `weight` permits (clamped to `1..capacity`), first come, first served: `E.right` with
   * their `Release`, or `E.left` with a cancellation error when `signal` is aborted first.
   */
  readonly acquire: (weight: number, signal?: AbortSignal) => Promise<E.Either<Error, Release>>
}

/**
 * The ECR API capability: the `send` of an `ECRClient` (or anything with the same shape, such as the
 * in-memory twin's) and the registry it acts for.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { EcrEnv } from 'ecr-fp-ts/Env'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'eu-west-1' })
 * twin.createRepository('team/app')
 * const env: EcrEnv = { ecr: twin.ecr, accountId: twin.accountId, region: twin.region }
 * pipe(Repository.make('team/app'), RTE.flatMap(Repository.exists))(env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(true))
 * })
 */
export interface EcrEnv extends RegistryEnv {
  /** The ECR API: an `ECRClient`, or anything with its `send` (the promise form is the one called). */
  readonly ecr: { readonly send: ECRClient['send'] }
  /** How many independent calls may be in flight at once (default 8); `limiter` enforces it. */
  readonly concurrency?: number
  /** Bounds the ECR calls in flight (shared with `HttpEnv.limiter` by `make`); none: not limited. */
  readonly limiter?: Limiter
  /** Where retries of ECR calls are told (`withEcrRetries`); `make` also logs every call with it. */
  readonly logger?: Logger
  /** Where logins are kept; without one, every login makes a GetAuthorizationToken call. */
  readonly loginCache?: LoginCache
  /**
   * The deadline of one attempt of an ECR call, in milliseconds (default 30 s; a value below 1 is the
   * default): the client gets an abort signal, and an attempt that misses the deadline fails with a
   * retryable `TimeoutError` even if the client ignores the signal, so a retried call stays bounded
   * by the retry policy.
   */
  readonly callTimeoutMs?: number
  /** Where paginated reads stop (`Paging`); defaults: 1,000,000 items or 10,000 pages. */
  readonly paging?: Paging
  /**
   * Calls per second the environment allows itself, per ECR operation (`RateLimits`): its ECR calls
   * and the registry requests that count against an operation wait for their turn instead of being
   * throttled. `make` gives `defaultRateLimits` (ECR's published quotas) merged with its option;
   * none: not paced.
   */
  readonly rateLimits?: RateLimits
  /**
   * The Resource Groups Tagging API (a `ResourceGroupsTaggingAPIClient`, or anything with its
   * `send`, such as the twin's `twin.tagging`), for the environment's own account and region. Given,
   * `Registry.getRepositories({ tags })` finds the tagged repositories with `GetResources` (one call
   * per 100 matches) instead of one ListTagsForResource per repository. The package
   * `@aws-sdk/client-resource-groups-tagging-api` (an optional peer dependency) is loaded only when
   * this is given and used. It sees only the resources of the account its credentials belong to:
   * leave it out for an environment that reaches another account's registry.
   */
  readonly tagging?: Tagging
}

/**
 * The tagging capability of an environment (`EcrEnv.tagging`): the `send` of a
 * `ResourceGroupsTaggingAPIClient` (the promise form is the one called).
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { Tagging } from 'ecr-fp-ts/Env'
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('team/app', { tags: [{ Key: 'team', Value: 'infra' }] })
 * twin.createRepository('team/db', { tags: [{ Key: 'team', Value: 'data' }] })
 * const tagging: Tagging = twin.tagging
 * Registry.getRepositories({ tags: [{ Key: 'team', Value: 'infra' }] })({ ...twin.env, tagging })().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((rs) => rs.map((x) => x.repositoryName))), E.right(['team/app']))
 *   assert.deepStrictEqual([twin.callCount('GetResources'), twin.callCount('ListTagsForResource')], [1, 0])
 * })
 */
export interface Tagging {
  /**
   * The tagging API: `GetResources` is the command the library sends, and its output is decoded
   * where it enters. Declared structurally (a method, so a `ResourceGroupsTaggingAPIClient` fits)
   * so that these types do not need the optional client package.
   */
  send(command: TaggingCommand, options?: { readonly abortSignal?: AbortSignal }): Promise<unknown>
}

/**
 * What `Tagging.send` is given: an SDK command object (its `input` is the request).
 *
 * @category model
 * @since 0.2.0
 */
export interface TaggingCommand {
  /** The request of the command. */
  readonly input: object
}

/**
 * The name of an ECR API operation (`PutImage`, `BatchGetImage`, ...): every command of the
 * installed `@aws-sdk/client-ecr`, without its `Command` suffix.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { Operation } from 'ecr-fp-ts/Env'
 *
 * const bulk: ReadonlyArray<Operation> = ['PutImage', 'InitiateLayerUpload', 'CompleteLayerUpload']
 * assert.strictEqual(bulk.length, 3)
 */
export type Operation = {
  [K in keyof typeof Ecr]: K extends `${infer N}Command` ? (N extends `$${string}` ? never : N) : never
}[keyof typeof Ecr]

/**
 * Calls per second, per ECR operation: `EcrEnv.rateLimits`. An operation that is absent, `unpaced`
 * (`Infinity`), or not a positive number is not paced. A rate `r` lets `⌊r⌋` calls start in any
 * window of `⌊r⌋ / r` seconds (for a whole `r`: at most `r` in any second, a full second's worth at
 * once, and no wait while fewer than `r` started in the last second). Registry requests count
 * against the operation ECR bills them to: a manifest PUT against `PutImage`, a manifest GET or
 * HEAD against `BatchGetImage`, a blob HEAD against `BatchCheckLayerAvailability`, an upload POST
 * (a mount too) against `InitiateLayerUpload`, a PATCH against `UploadLayerPart`, an upload's PUT
 * against `CompleteLayerUpload`, a blob GET against `GetDownloadUrlForLayer`. The windows are shared
 * by everything using one environment (and its spread copies); waiting takes no concurrency permit.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { RateLimits } from 'ecr-fp-ts/Env'
 * import * as Env from 'ecr-fp-ts/Env'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 *
 * const twin = InMemoryEcr.make()
 * // a quota raised to 50 PutImage calls per second, and no pacing of layer parts
 * const rateLimits: RateLimits = { PutImage: 50, UploadLayerPart: Env.unpaced }
 * const env = Env.make({ ecr: twin.ecr, accountId: twin.accountId, region: twin.region, rateLimits })
 * assert.strictEqual(env.rateLimits?.PutImage, 50)
 * assert.strictEqual(env.rateLimits?.InitiateLayerUpload, 100)
 */
export type RateLimits = Readonly<Partial<Record<Operation, number>>>

/**
 * A rate that turns pacing off for an operation (`Infinity`).
 *
 * @category constants
 * @since 0.2.0
 * @example
 * import * as Env from 'ecr-fp-ts/Env'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 *
 * const twin = InMemoryEcr.make()
 * const env = Env.make({ ecr: twin.ecr, accountId: twin.accountId, region: twin.region, rateLimits: { PutImage: Env.unpaced } })
 * assert.strictEqual(env.rateLimits?.PutImage, Infinity)
 */
export const unpaced: number = Number.POSITIVE_INFINITY

/**
 * ECR's default request-rate quotas (per account and region, adjustable) for the calls a copy or a
 * sync makes in bulk: what `make` paces an environment at unless told otherwise. Other operations
 * are not paced by default.
 *
 * | operation | calls per second |
 * | --- | --- |
 * | `PutImage` | 10 |
 * | `InitiateLayerUpload` | 100 |
 * | `CompleteLayerUpload` | 100 |
 * | `UploadLayerPart` | 500 |
 * | `GetAuthorizationToken` | 500 |
 * | `BatchCheckLayerAvailability` | 1,000 |
 * | `BatchGetImage` | 2,000 |
 * | `GetDownloadUrlForLayer` | 3,000 |
 *
 * @category constants
 * @since 0.2.0
 * @example
 * import * as Env from 'ecr-fp-ts/Env'
 *
 * assert.strictEqual(Env.defaultRateLimits.PutImage, 10)
 * assert.strictEqual(Env.defaultRateLimits.GetDownloadUrlForLayer, 3_000)
 */
export const defaultRateLimits: RateLimits = {
  PutImage: 10,
  InitiateLayerUpload: 100,
  CompleteLayerUpload: 100,
  UploadLayerPart: 500,
  GetAuthorizationToken: 500,
  BatchCheckLayerAvailability: 1_000,
  BatchGetImage: 2_000,
  GetDownloadUrlForLayer: 3_000
}

/**
 * The cap of one paginated read (ListImages, DescribeImages, DescribeRepositories): a read that would
 * go past `maxItems` items or `maxPages` pages, whichever comes first, stops with an `AwsError`
 * (`PagingLimitExceeded`) naming the operation and the cap. The defaults are far above ECR's own
 * quotas (by default 100,000 images per repository and 100,000 repositories per registry), so
 * they only stop a server that answers a fresh `nextToken` forever; raise them for more.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { Paging } from 'ecr-fp-ts/Env'
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * for (const name of ['app', 'web', 'db']) twin.createRepository(name)
 * const paging: Paging = { maxItems: 2 }
 * Registry.listRepositories()({ ...twin.env, paging })().then((r) => {
 *   assert.strictEqual(E.isLeft(r) && r.left._tag === 'AwsError' && r.left.code, 'PagingLimitExceeded')
 * })
 */
export interface Paging {
  /** The most items one read collects; default 1,000,000. */
  readonly maxItems?: number
  /** The most pages one read asks for; default 10,000. */
  readonly maxPages?: number
}

/**
 * Deadlines of one registry request, in milliseconds. A request that misses one fails with a
 * retryable `HttpError` (status 0), so the whole request stays bounded by the retry policy.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { Timeouts } from 'ecr-fp-ts/Env'
 * import * as Env from 'ecr-fp-ts/Env'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 *
 * const twin = InMemoryEcr.make()
 * const timeouts: Timeouts = { connectMs: 2_000, headersMs: 10_000, idleMs: 20_000 }
 * const env = Env.make({ ecr: twin.ecr, fetch: twin.fetch, accountId: twin.accountId, region: twin.region, timeouts })
 * assert.deepStrictEqual(env.timeouts, timeouts)
 */
export interface Timeouts {
  /** To connect (TCP and TLS); default 10 s. */
  readonly connectMs?: number
  /** From the request (its body sent) to the response headers; default 30 s. */
  readonly headersMs?: number
  /** Between two chunks of a response body; default 60 s. */
  readonly idleMs?: number
}

/**
 * The HTTP capability for the registry API. `fetch` serves small requests (Node's built-in fetch
 * (undici) by default); `dispatcher` (an undici `Dispatcher`, undici's global one by default) serves
 * streamed blob transfers, because WHATWG fetch buffers streamed request bodies. Only the streamed
 * transfers of `replicate` load the undici package; reading manifests and configs does not. A copy
 * (`replicateImage`, `Sync.apply`) whose environment kept the built-in fetch sends its small
 * requests through the dispatcher too: one pool of connections for the whole copy, and none of the
 * WHATWG `Response` machinery per request (which a long copy pays for in memory). A `fetch` you
 * pass is always the one used for small requests.
 * Requests that fail transiently (408, 429, 5xx, a network error) are retried under `retryPolicy`,
 * waiting with `sleep`.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { EcrEnv, HttpEnv } from 'ecr-fp-ts/Env'
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1', labels: { team: 'infra' } })
 * const urls: Array<string> = []
 * const http: HttpEnv = {
 *   fetch: (input, init) => {
 *     urls.push(input)
 *     return twin.fetch(input, init)
 *   }
 * }
 * const env: EcrEnv & HttpEnv = { ...twin.env, ...http }
 * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfig(ref)))(env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((c) => c.config?.Labels)), E.right({ team: 'infra' }))
 *   assert.strictEqual(urls.length, 1)
 *   assert.ok(urls[0]?.startsWith(`${twin.proxyEndpoint}/v2/app/blobs/sha256:`))
 * })
 */
export interface HttpEnv {
  /** For small registry requests (manifests, configs, HEADs). */
  readonly fetch: (input: string, init?: RequestInit) => Promise<Response>
  /**
   * For streamed blob transfers, and for a copy's small requests when `fetch` is the built-in one;
   * default: undici's global dispatcher (with `limiter`, an `Agent` of its capacity).
   */
  readonly dispatcher?: Dispatcher
  /** How transient failures of registry requests are retried; default `Retry.httpDefault`. */
  readonly retryPolicy?: Retry.RetryPolicy
  /** How retries wait; default `setTimeout` (tests pass `() => Promise.resolve()`). */
  readonly sleep?: (ms: number) => Promise<void>
  /** Where registry requests and their retries are told. */
  readonly logger?: Logger
  /** Deadlines of every registry request, streamed ones included; defaults 10 s / 30 s / 60 s. */
  readonly timeouts?: Timeouts
  /**
   * Bounds the registry requests in flight, each holding a permit until its body is done (shared
   * with `EcrEnv.limiter` by `make`); none: not limited. With a limiter and no `dispatcher`,
   * streamed transfers go through an undici `Agent` of `capacity` connections per origin, made on
   * first use.
   */
  readonly limiter?: Limiter
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import * as Env from 'ecr-fp-ts/Env'
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1', platforms: [{ os: 'linux', architecture: 'arm64' }], index: false })
 * const env: Env.Env = Env.make({ ecr: twin.ecr, fetch: twin.fetch, accountId: twin.accountId, region: twin.region })
 * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfig(ref)))(env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((c) => c.architecture)), E.right('arm64'))
 * })
 */
export type Env = EcrEnv & HttpEnv

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A login cache over a private `Map`, sharing concurrent logins for one registry: each environment
 * made by `make` gets its own.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import { makeLoginCache } from 'ecr-fp-ts/Env'
 *
 * import * as E from 'fp-ts/Either'
 *
 * const cache = makeLoginCache()
 * assert.strictEqual(cache.get('123456789012/us-west-2'), undefined)
 * // two logins for one registry at once: the second shares the first's call
 * let calls = 0
 * const login = () => {
 *   calls++
 *   return Promise.resolve(E.right({ username: 'AWS', password: 'pw', proxyEndpoint: 'https://r', expiresAt: new Date() }))
 * }
 * Promise.all([cache.share?.('k', login), cache.share?.('k', login)]).then(([a, b]) => {
 *   assert.strictEqual(a, b)
 *   assert.strictEqual(calls, 1)
 * })
 */
export const makeLoginCache = (): LoginCache => {
  const entries = new Map<string, { readonly login: EcrLogin; readonly obtainedAt: Date }>()
  const running = new Map<string, Promise<E.Either<EcrError.EcrError, EcrLogin>>>()
  return {
    get: (key) => entries.get(key),
    set: (key, entry) => {
      entries.set(key, entry)
    },
    share: (key, login) => {
      const pending = running.get(key)
      if (pending !== undefined) return pending
      const started = login().finally(() => running.delete(key))
      running.set(key, started)
      return started
    }
  }
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { MakeOptions } from 'ecr-fp-ts/Env'
 * import * as Env from 'ecr-fp-ts/Env'
 * import * as Retry from 'ecr-fp-ts/Retry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 *
 * const twin = InMemoryEcr.make({ accountId: '111122223333', region: 'eu-west-1' })
 * const options: MakeOptions = { ecr: twin.ecr, accountId: twin.accountId, region: twin.region, concurrency: 2.5 }
 * const env = Env.make(options)
 * assert.strictEqual(env.concurrency, 2)
 * assert.strictEqual(env.region, 'eu-west-1')
 * assert.strictEqual(Env.make({ ...options, concurrency: 0 }).concurrency, 8)
 * // every attempt of an ECR call has a deadline: 30 s unless given
 * assert.strictEqual(env.callTimeoutMs, 30_000)
 * assert.strictEqual(Env.make({ ...options, callTimeoutMs: 5_000 }).callTimeoutMs, 5_000)
 * // in tests: fewer registry retries, and no waiting between retries
 * const http = Retry.limitRetries(2)
 * const fast = Env.make({ ...options, retry: { http }, sleep: () => Promise.resolve() })
 * assert.strictEqual(fast.retryPolicy, http)
 */
export interface MakeOptions {
  /** The ECR API: an `ECRClient`, or anything with its `send`. */
  readonly ecr: EcrEnv['ecr']
  /** The account of the registry the environment acts for. */
  readonly accountId: AccountId
  /** The region of the registries the environment reaches. */
  readonly region: Region
  /** For small registry requests; default: Node's built-in fetch (undici), `globalThis.fetch`. */
  readonly fetch?: HttpEnv['fetch']
  /** For streamed blob transfers; default: undici's global dispatcher. */
  readonly dispatcher?: Dispatcher
  /** How many independent calls may be in flight at once; default 8 (a value below 1 too). */
  readonly concurrency?: number
  /** Logs every ECR call (`withEcrLogging`) and registry request. */
  readonly logger?: Logger
  /** Retry policies: `ecr` for ECR calls (default `Retry.ecrDefault`), `http` for registry requests (default `Retry.httpDefault`). */
  readonly retry?: { readonly ecr?: Retry.RetryPolicy; readonly http?: Retry.RetryPolicy }
  /** How retries wait; default `setTimeout`. */
  readonly sleep?: (ms: number) => Promise<void>
  /** Deadlines of every registry request (`HttpEnv.timeouts`); defaults 10 s / 30 s / 60 s. */
  readonly timeouts?: Timeouts
  /** The deadline of one attempt of an ECR call (`EcrEnv.callTimeoutMs`); default 30 s. */
  readonly callTimeoutMs?: number
  /** Where paginated reads stop (`EcrEnv.paging`); defaults 1,000,000 items or 10,000 pages. */
  readonly paging?: Paging
  /**
   * Calls per second per ECR operation (`EcrEnv.rateLimits`), over `defaultRateLimits` (ECR's
   * published quotas); `unpaced` turns pacing off for an operation.
   */
  readonly rateLimits?: RateLimits
  /** The clock pacing reads; default the system clock (tests pass a fake one with an instant `sleep`). */
  readonly now?: () => Date
  /** The Resource Groups Tagging API, for tag filters in one call per 100 matches (`EcrEnv.tagging`). */
  readonly tagging?: Tagging
}

const DEFAULT_CONCURRENCY = 8

/** The environment of `options` as given, without middleware. */
const base = (options: MakeOptions): EcrEnv & HttpEnv => {
  const { concurrency } = options
  const bounded = concurrency !== undefined && concurrency >= 1 ? Math.floor(concurrency) : DEFAULT_CONCURRENCY
  return {
    ecr: options.ecr,
    accountId: options.accountId,
    region: options.region,
    fetch: options.fetch ?? builtinFetch,
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    concurrency: bounded,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.retry?.http === undefined ? {} : { retryPolicy: options.retry.http }),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
    callTimeoutMs: callTimeoutOf(options),
    ...(options.paging === undefined ? {} : { paging: options.paging }),
    ...(options.tagging === undefined ? {} : { tagging: options.tagging }),
    limiter: makeLimiter(bounded),
    loginCache: makeLoginCache(),
    rateLimits: rateLimitsOf(options)
  }
}

/** The environment's own `rateLimits` object (the key of its pacing state), on its clock. */
const rateLimitsOf = (options: Pick<MakeOptions, 'rateLimits' | 'now' | 'sleep'>): RateLimits => {
  const now = options.now
  return withClock(Object.freeze({ ...defaultRateLimits, ...options.rateLimits }), {
    now: now === undefined ? () => Date.now() : () => now().getTime(),
    sleep: options.sleep ?? defaultSleep
  })
}

/**
 * Builds an environment from explicit parts; pure. `fetch` defaults to Node's built-in fetch (undici),
 * looked up when a request is made: in a runtime without a global `fetch`, registry calls fail with
 * an `InvalidArgument` asking for one. `concurrency` defaults to 8, and the environment gets a fresh
 * login cache and its own `limiter` of `concurrency` permits: at most that many ECR calls and
 * registry requests are in flight through it at once, whatever runs concurrently. It paces itself at
`rateLimits` over `defaultRateLimits` (ECR's published quotas, on the `now` clock, waiting with
`sleep`): a bulk copy waits for its turn, holding no permit, instead of being throttled. ECR calls are retried under `retry.ecr` (default `Retry.ecrDefault`, `withEcrRetries`)
 * and, with a `logger`, logged (`withEcrLogging`, each attempt); registry requests are retried under
 * `retry.http` (default `Retry.httpDefault`). Every retry waits with `sleep`. Each attempt of an ECR
 * call has `callTimeoutMs` (default 30 s), each registry request `timeouts` (defaults 10 s / 30 s /
 * 60 s); an attempt that misses its deadline is retried, so no call outlives its retry policy.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as Env from 'ecr-fp-ts/Env'
 * import { ECRClient } from '@aws-sdk/client-ecr'
 *
 * const env = Env.make({
 *   ecr: new ECRClient({ region: 'us-west-2' }),
 *   accountId: '123456789012' as any,
 *   region: 'us-west-2' as any
 * })
 * assert.strictEqual(env.concurrency, 8)
 * assert.strictEqual(env.limiter?.capacity, 8)
 * assert.strictEqual(typeof env.fetch, 'function')
 */
export const make = (options: MakeOptions): EcrEnv & HttpEnv =>
  pipe(
    base(options),
    (env) => ({ ...env, ecr: boundedEcr(env.ecr, callTimeoutOf(env)) }),
    options.logger === undefined ? identity : withEcrLogging(options.logger),
    withEcrRetries(options.retry?.ecr ?? Retry.ecrDefault, options.sleep)
  )

/**
 * The options of `parse`: those of `make`, with the account and the region as plain strings.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { ParseOptions } from 'ecr-fp-ts/Env'
 * import * as Env from 'ecr-fp-ts/Env'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * const options: ParseOptions = { ecr: twin.ecr, accountId: '123456789012', region: 'eu-west-1', concurrency: 4 }
 * assert.ok(E.isRight(Env.parse(options)))
 */
export interface ParseOptions extends Omit<MakeOptions, 'accountId' | 'region'> {
  /** The account of the registry: 12 digits. */
  readonly accountId: string
  /** The region of the registries the environment reaches, e.g. `us-west-2`. */
  readonly region: string
  /** The deadline of one attempt of an ECR call, in milliseconds (`EcrEnv.callTimeoutMs`): a positive number. */
  readonly callTimeoutMs?: number
}

/** `field` is a problem unless it is absent or positive (and an integer, or finite, as `kind` says). */
const positive = (field: string, n: number | undefined, kind: 'integer' | 'finite number'): ReadonlyArray<string> =>
  n === undefined || (n > 0 && (kind === 'integer' ? Number.isInteger(n) : Number.isFinite(n)))
    ? []
    : [`${field} is not a positive ${kind}: ${n}`]

/**
 * `make` for plain strings, such as configuration or command-line values: the account id and the
 * region are checked, and so are `concurrency` (a positive integer), `callTimeoutMs` and the
 * `timeouts` (positive finite numbers), and the `rateLimits` (positive numbers, `unpaced` included). Any bad value is an `InvalidArgument` naming every bad field;
 * nothing is replaced by a default.
 *
 * @category constructors
 * @since 0.2.0
 * @example
 * import * as Env from 'ecr-fp-ts/Env'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * const env = Env.parse({ ecr: twin.ecr, accountId: '123456789012', region: 'eu-west-1' })
 * assert.deepStrictEqual(E.map((e: Env.Env) => [e.accountId, e.region])(env), E.right(['123456789012', 'eu-west-1']))
 *
 * const bad = Env.parse({ ecr: twin.ecr, accountId: '1234', region: 'mars-1', concurrency: 0, timeouts: { idleMs: Infinity } })
 * assert.ok(E.isLeft(bad) && bad.left._tag === 'InvalidArgument')
 * assert.strictEqual(
 *   bad.left.message,
 *   'accountId is not a valid AWS account id (12 digits): "1234"; region is not a valid AWS region: "mars-1"; ' +
 *     'concurrency is not a positive integer: 0; timeouts.idleMs is not a positive finite number: Infinity'
 * )
 */
export const parse = (options: ParseOptions): E.Either<EcrError.EcrError, EcrEnv & HttpEnv> => {
  const { accountId, region, timeouts } = options
  const problems = [
    ...(isAccountId(accountId) ? [] : [`accountId is not a valid AWS account id (12 digits): ${showValue(accountId, 64)}`]),
    ...(isRegion(region) ? [] : [`region is not a valid AWS region: ${showValue(region, 64)}`]),
    ...positive('concurrency', options.concurrency, 'integer'),
    ...positive('callTimeoutMs', options.callTimeoutMs, 'finite number'),
    ...positive('timeouts.connectMs', timeouts?.connectMs, 'finite number'),
    ...positive('timeouts.headersMs', timeouts?.headersMs, 'finite number'),
    ...positive('timeouts.idleMs', timeouts?.idleMs, 'finite number'),
    ...Object.entries(options.rateLimits ?? {}).flatMap(([operation, rate]) =>
      rate === undefined || rate > 0 ? [] : [`rateLimits.${operation} is not a positive number: ${rate}`]
    )
  ]
  return problems.length === 0 && isAccountId(accountId) && isRegion(region)
    ? E.right(make({ ...options, accountId, region }))
    : E.left(EcrError.invalidArgument(problems.join('; ')))
}

// -------------------------------------------------------------------------------------
// middleware
// -------------------------------------------------------------------------------------

/**
 * Retries the environment's ECR calls that fail with a retryable error (throttling, a transient
 * service or network failure) under `policy`, waiting with `sleep` (default `setTimeout`); each retry
 * is told to `env.logger`. An env -> env function for `RTE.local` (`R`, the environment's type, is
 * inferred there, or in `pipe(env, Env.withEcrRetries(policy))`). Applied to an
 * environment whose `send` retries already (one from `make`), the attempts multiply: build the
 * environment from its parts instead (`make` takes `retry.ecr` and `sleep`). Each attempt has the
 * environment's `callTimeoutMs` (default 30 s); one that misses it is retried as a transient failure.
 *
 * @category middleware
 * @since 0.2.0
 * @example
 * import * as Env from 'ecr-fp-ts/Env'
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import * as Retry from 'ecr-fp-ts/Retry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const twin = InMemoryEcr.make()
 * let throttled = 0
 * twin.setFault((call) => (call.kind === 'ecr' && throttled++ < 2 ? 'throttle' : undefined))
 * const waits: Array<number> = []
 * const sleep = (ms: number) => {
 *   waits.push(ms)
 *   return Promise.resolve()
 * }
 * // twin.ecr is the bare ECR API (the send of twin.env retries already)
 * const env = pipe({ ...twin.env, ecr: twin.ecr }, Env.withEcrRetries(Retry.concat(Retry.limitRetries(3), Retry.constantDelay(10)), sleep))
 * Registry.listRepositories()(env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right([]))
 *   assert.deepStrictEqual(waits, [10, 10])
 *   assert.strictEqual(twin.callCount('DescribeRepositories'), 3)
 * })
 */
export const withEcrRetries =
  <R extends EcrEnv>(policy: Retry.RetryPolicy, sleep: (ms: number) => Promise<void> = defaultSleep) =>
  (env: R): R => ({
    ...env,
    ecr: boundingAttempts({ send: retryingSend(env.ecr, policy, sleep, env.logger, callTimeoutOf(env)) })
  })

/**
 * Tells `logger` of every ECR call the environment makes (`debug`, `ecr call`, with the operation)
 * and of every failure (`ecr call failed`, with its code); messages carry no credentials. An
 * env -> env function for `RTE.local`, as `withEcrRetries`.
 *
 * @category middleware
 * @since 0.2.0
 * @example
 * import * as Env from 'ecr-fp-ts/Env'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const lines: Array<string> = []
 * const logger: Env.Logger = {
 *   debug: (message, meta) => lines.push(`${message}: ${String(meta?.operation)}`),
 *   info: () => undefined,
 *   warn: () => undefined
 * }
 * const program = pipe(Repository.make('app'), RTE.flatMap(Repository.exists), RTE.local(Env.withEcrLogging(logger)))
 * program(twin.env)().then(() => {
 *   assert.deepStrictEqual(lines, ['ecr call: DescribeRepositories', 'ecr call failed: DescribeRepositories'])
 * })
 */
export const withEcrLogging =
  <R extends EcrEnv>(logger: Logger) =>
  (env: R): R => ({
    ...env,
    ecr: likeInner(env.ecr, { send: loggingSend(env.ecr, logger) })
  })

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { FromDefaultsOptions } from 'ecr-fp-ts/Env'
 * import * as Env from 'ecr-fp-ts/Env'
 * import * as E from 'fp-ts/Either'
 *
 * const options: FromDefaultsOptions = { region: 'eu-central-1', accountId: '123456789012', concurrency: 4 }
 * Env.fromDefaults(options)().then((r) => {
 *   assert.deepStrictEqual(E.map((env: Env.Env) => [env.region, env.accountId, env.concurrency])(r), E.right(['eu-central-1', '123456789012', 4]))
 * })
 * Env.fromDefaults({ ...options, endpoint: 'not a url' })().then((r) => {
 *   assert.strictEqual(E.isLeft(r) && r.left._tag, 'InvalidArgument')
 * })
 */
export interface FromDefaultsOptions {
  /** AWS region; default: the SDK's resolution (`AWS_REGION`, then the profile's `region`). */
  readonly region?: string
  /** The registry's account; when absent, STS `GetCallerIdentity` tells the caller's account. */
  readonly accountId?: string
  /** A named profile of the shared config and credentials files. */
  readonly profile?: string
  /** The ECR (and STS) API endpoint, for a local emulator such as moto or LocalStack. */
  readonly endpoint?: string
  /** SDK attempts per call, the first included (default 6; at least 5 are made). */
  readonly maxAttempts?: number
  /** For small registry requests; default: Node's built-in fetch (undici), `globalThis.fetch`. */
  readonly fetch?: HttpEnv['fetch']
  /** For streamed blob transfers; default: undici's global dispatcher. */
  readonly dispatcher?: Dispatcher
  /** How many independent calls may be in flight at once; default 8. */
  readonly concurrency?: number
  /** Logs every ECR call (`withEcrLogging`) and registry request. */
  readonly logger?: Logger
  /**
   * The deadline of one attempt of an ECR (or STS) call (`EcrEnv.callTimeoutMs`); default 30 s. It is
   * also the SDK clients' `requestTimeout`.
   */
  readonly callTimeoutMs?: number
  /**
   * Deadlines of every registry request (`HttpEnv.timeouts`); defaults 10 s / 30 s / 60 s. `connectMs`
   * is also the SDK clients' `connectionTimeout`.
   */
  readonly timeouts?: Timeouts
  /** Where paginated reads stop (`EcrEnv.paging`); defaults 1,000,000 items or 10,000 pages. */
  readonly paging?: Paging
  /** Calls per second per ECR operation (`EcrEnv.rateLimits`), over `defaultRateLimits`. */
  readonly rateLimits?: RateLimits
}

/** Attempts per SDK call: enough to ride out ECR's throttling with the SDK's backoff. */
const DEFAULT_MAX_ATTEMPTS = 6

const MIN_MAX_ATTEMPTS = 5

const isHttpUrl = (s: string): boolean => {
  try {
    return /^https?:$/.test(new URL(s).protocol)
  } catch {
    return false
  }
}

/**
 * `ecr` with every attempt of a call (inside the SDK's own retries: a middleware at the `deserialize`
 * step) given up `ms` after it started, with a `TimeoutError` the SDK retries as transient; recorded
 * as bounding its attempts, so `send` adds no deadline of its own around the SDK's retries.
 */
const withAttemptDeadline = (ecr: ECRClient, ms: number): ECRClient => {
  ecr.middlewareStack.add(
    (next, context) => (args) => within(ms, (context.commandName ?? 'ECR call').replace(/Command$/, ''), () => next(args)),
    { step: 'deserialize', name: 'ecrFpTsAttemptDeadline' }
  )
  return boundingAttempts(ecr)
}

/** The strings of `options` checked: a region and an account id when given, and an http(s) endpoint. */
const checkDefaults = (options: FromDefaultsOptions): E.Either<EcrError.EcrError, FromDefaultsOptions> =>
  options.region !== undefined && !isRegion(options.region)
    ? E.left(EcrError.invalidArgument(`not a valid AWS region: ${JSON.stringify(options.region.slice(0, 64))}`))
    : options.accountId !== undefined && !isAccountId(options.accountId)
    ? E.left(EcrError.invalidArgument(`not a valid AWS account id (12 digits): ${JSON.stringify(options.accountId.slice(0, 64))}`))
    : options.endpoint !== undefined && !isHttpUrl(options.endpoint)
    ? E.left(EcrError.invalidArgument(`not a valid endpoint URL: ${JSON.stringify(redactUrl(options.endpoint))}`))
    : E.right(options)

/** The region the client resolved (the option, `AWS_REGION`, the profile's). */
const regionOf = (ecr: ECRClient): TE.TaskEither<EcrError.EcrError, Region> =>
  pipe(
    TE.tryCatch(
      () => ecr.config.region(),
      (e) =>
        EcrError.invalidArgument(
          `no AWS region: pass one, set AWS_REGION, or set a region in the profile (${e instanceof Error ? e.message : 'no region'})`
        )
    ),
    TE.filterOrElse(isRegion, (region) => EcrError.invalidArgument(`not a valid AWS region: ${showValue(region, 64)}`))
  )

/**
 * Builds an environment from the AWS SDK defaults: an `ECRClient` with the default credential chain
 * and region resolution, retrying throttling and transient failures in the SDK's adaptive mode
 * (at least 5 attempts, with backoff): the library adds no ECR retries of its own. The account is
 * `accountId` when given, else the caller's account from STS `GetCallerIdentity`. `fetch` defaults
 * to Node's built-in fetch (undici), as in `make`; with a `logger`, every ECR call is logged. Each
 * attempt of an ECR or STS call (inside the SDK's retries) has `callTimeoutMs` (default 30 s, also the
 * SDK's `requestTimeout`) and connects within `timeouts.connectMs` (default 10 s, the SDK's
 * `connectionTimeout`); an attempt that misses either is retried by the SDK. An
 * invalid or missing region or account is an `InvalidArgument`; nothing throws.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as Env from 'ecr-fp-ts/Env'
 * import * as E from 'fp-ts/Either'
 *
 * // with an account given, no call is made
 * Env.fromDefaults({ region: 'eu-west-1', accountId: '123456789012' })().then((result) => {
 *   assert.ok(E.isRight(result))
 *   if (E.isRight(result)) {
 *     assert.strictEqual(result.right.region, 'eu-west-1')
 *     assert.strictEqual(result.right.accountId, '123456789012')
 *   }
 * })
 *
 * Env.fromDefaults({ region: 'Mars-1', accountId: '123456789012' })().then((result) => {
 *   assert.ok(E.isLeft(result) && result.left._tag === 'InvalidArgument')
 * })
 */
export const fromDefaults = (options: FromDefaultsOptions = {}): TE.TaskEither<EcrError.EcrError, EcrEnv & HttpEnv> => {
  const common = {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    maxAttempts: Math.max(MIN_MAX_ATTEMPTS, Math.floor(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)),
    retryMode: 'adaptive',
    requestHandler: sdkTimeouts(options)
  }
  const callTimeoutMs = callTimeoutOf(options)
  return pipe(
    TE.fromEither(checkDefaults(options)),
    TE.flatMapEither(() => E.tryCatch(() => withAttemptDeadline(new ECRClient(common), callTimeoutMs), unexpected('ECRClient'))),
    TE.bindTo('ecr'),
    TE.bind('region', ({ ecr }) => regionOf(ecr)),
    TE.bind('accountId', ({ ecr, region }) =>
      options.accountId !== undefined && isAccountId(options.accountId)
        ? TE.right(options.accountId)
        : callerAccount({ ...common, region, credentials: ecr.config.credentials })
    ),
    TE.map(({ ecr, region, accountId }) =>
      pipe(
        base({
          ecr,
          accountId,
          region,
          ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
          ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
          ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
          ...(options.logger === undefined ? {} : { logger: options.logger }),
          ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
          ...(options.paging === undefined ? {} : { paging: options.paging }),
          ...(options.rateLimits === undefined ? {} : { rateLimits: options.rateLimits }),
          callTimeoutMs
        }),
        options.logger === undefined ? identity : withEcrLogging(options.logger)
      )
    )
  )
}
