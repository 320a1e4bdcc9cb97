/**
 * The environment ECR programs run in: one capability per external service. `EcrEnv` carries the
 * ECR API client and the registry it speaks for; `HttpEnv` carries the HTTP functions used for the
 * registry (OCI distribution) API. An operation asks only for what it uses, so its type says which
 * services it touches.
 *
 * @since 0.1.0
 */
import { ECRClient } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { Dispatcher } from 'undici'
import * as EcrError from './EcrError'
import { redactUrl } from './internal/redact'
import { callerAccount } from './internal/sts'
import { limitRetries } from './internal/retry'
import type { RetryEnv } from './internal/send'
import { isAccountId, isRegion, type AccountId, type Region } from './Primitives'

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
 * Registry.listRepositories()({ ...twin.env, logger })().then(() => {
 *   assert.deepStrictEqual(lines, ['ecr call DescribeRepositories'])
 * })
 */
export interface Logger {
  readonly debug: (message: string, meta?: Readonly<Record<string, unknown>>) => void
  readonly info: (message: string, meta?: Readonly<Record<string, unknown>>) => void
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
  readonly username: string
  readonly password: string
  /** Base URL of the registry API, e.g. `https://123456789012.dkr.ecr.us-west-2.amazonaws.com`. */
  readonly proxyEndpoint: string
  readonly expiresAt: Date
}

/**
 * Where logins are kept between calls; a login is reused until half its lifetime has passed.
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
  readonly get: (key: string) => { readonly login: EcrLogin; readonly obtainedAt: Date } | undefined
  readonly set: (key: string, entry: { readonly login: EcrLogin; readonly obtainedAt: Date }) => void
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
export interface EcrEnv {
  readonly ecr: { readonly send: ECRClient['send'] }
  readonly accountId: AccountId
  readonly region: Region
  /** How many independent calls may be in flight at once (default 8). */
  readonly concurrency?: number
  readonly logger?: Logger
  readonly loginCache?: LoginCache
}

/**
 * The HTTP capability for the registry API. `fetch` serves small requests (Node's built-in fetch
 * (undici) by default); `dispatcher` (an undici `Dispatcher`, undici's global one by default) serves
 * streamed blob transfers, because WHATWG fetch buffers streamed request bodies. Only the streamed
 * transfers of `replicate` load the undici package; reading manifests and configs does not.
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
  readonly fetch: (input: string, init?: RequestInit) => Promise<Response>
  readonly dispatcher?: Dispatcher
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
 * A login cache over a private `Map`: each environment made by `make` gets its own.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import { makeLoginCache } from 'ecr-fp-ts/Env'
 *
 * const cache = makeLoginCache()
 * assert.strictEqual(cache.get('123456789012/us-west-2'), undefined)
 */
export const makeLoginCache = (): LoginCache => {
  const entries = new Map<string, { readonly login: EcrLogin; readonly obtainedAt: Date }>()
  return {
    get: (key) => entries.get(key),
    set: (key, entry) => {
      entries.set(key, entry)
    }
  }
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { MakeOptions } from 'ecr-fp-ts/Env'
 * import * as Env from 'ecr-fp-ts/Env'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 *
 * const twin = InMemoryEcr.make({ accountId: '111122223333', region: 'eu-west-1' })
 * const options: MakeOptions = { ecr: twin.ecr, accountId: twin.accountId, region: twin.region, concurrency: 2.5 }
 * const env = Env.make(options)
 * assert.strictEqual(env.concurrency, 2)
 * assert.strictEqual(env.region, 'eu-west-1')
 * assert.strictEqual(Env.make({ ...options, concurrency: 0 }).concurrency, 8)
 */
export interface MakeOptions {
  readonly ecr: EcrEnv['ecr']
  readonly accountId: AccountId
  readonly region: Region
  /** For small registry requests; default: Node's built-in fetch (undici), `globalThis.fetch`. */
  readonly fetch?: HttpEnv['fetch']
  /** For streamed blob transfers; default: undici's global dispatcher. */
  readonly dispatcher?: Dispatcher
  readonly concurrency?: number
  readonly logger?: Logger
}

/**
 * Builds an environment from explicit parts; pure. `fetch` defaults to Node's built-in fetch (undici),
 * looked up when a request is made: in a runtime without a global `fetch`, registry calls fail with
 * an `InvalidArgument` asking for one. `concurrency` defaults to 8, and the environment gets a fresh
 * login cache. Given options that are not an object, or a `fetch`, `dispatcher`, `concurrency` or
 * `logger` of the wrong type, the default is used instead (`ecr`, `accountId` and `region` are
 * taken as given).
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
 * assert.strictEqual(typeof env.fetch, 'function')
 */
export const make = (options: MakeOptions): EcrEnv & HttpEnv => {
  const o: Partial<MakeOptions> = typeof options === 'object' && options !== null ? options : {}
  const { concurrency } = o
  return {
    ecr: o.ecr as EcrEnv['ecr'],
    accountId: o.accountId as AccountId,
    region: o.region as Region,
    fetch: typeof o.fetch === 'function' ? o.fetch : defaultFetch,
    ...(typeof o.dispatcher === 'object' && o.dispatcher !== null ? { dispatcher: o.dispatcher } : {}),
    concurrency: typeof concurrency === 'number' && concurrency >= 1 ? Math.floor(concurrency) : 8,
    ...(typeof o.logger === 'object' && o.logger !== null ? { logger: o.logger } : {}),
    loginCache: makeLoginCache()
  }
}

/** The code of the error `defaultFetch` fails with; the registry client turns it into an `InvalidArgument`. */
const NO_GLOBAL_FETCH = 'ERR_ECR_NO_GLOBAL_FETCH'

/** `globalThis.fetch`, looked up per call: a runtime without one fails the request, not the import. */
const defaultFetch: HttpEnv['fetch'] = async (input, init) => {
  const f: unknown = globalThis.fetch
  return typeof f === 'function'
    ? (f as HttpEnv['fetch'])(input, init)
    : Promise.reject(
        Object.assign(new Error('no global fetch in this runtime (Node 18 or later has one): pass `fetch` to Env.make'), {
          code: NO_GLOBAL_FETCH
        })
      )
}

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
  readonly concurrency?: number
  readonly logger?: Logger
}

/** Attempts per SDK call: enough to ride out ECR's throttling with the SDK's backoff. */
const DEFAULT_MAX_ATTEMPTS = 6

const MIN_MAX_ATTEMPTS = 5

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/**
 * Builds an environment from the AWS SDK defaults: an `ECRClient` with the default credential chain
 * and region resolution, retrying throttling and transient failures in the SDK's adaptive mode
 * (at least 5 attempts, with backoff). The account is `accountId` when given, else the caller's
 * account from STS `GetCallerIdentity`. `fetch` defaults to Node's built-in fetch (undici), as in
 * `make`. An invalid or missing region or account is an `InvalidArgument`; nothing throws.
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
export const fromDefaults =
  (options: FromDefaultsOptions = {}): TE.TaskEither<EcrError.EcrError, EcrEnv & HttpEnv> =>
  async () => {
    try {
      if (options.region !== undefined && !isRegion(options.region))
        return E.left(EcrError.invalidArgument(`not a valid AWS region: ${JSON.stringify(String(options.region).slice(0, 64))}`))
      if (options.accountId !== undefined && !isAccountId(options.accountId))
        return E.left(
          EcrError.invalidArgument(`not a valid AWS account id (12 digits): ${JSON.stringify(String(options.accountId).slice(0, 64))}`)
        )
      if (options.endpoint !== undefined) {
        const endpoint = options.endpoint
        const valid = ((): boolean => {
          try {
            return /^https?:$/.test(new URL(endpoint).protocol)
          } catch {
            return false
          }
        })()
        if (!valid) return E.left(EcrError.invalidArgument(`not a valid endpoint URL: ${JSON.stringify(redactUrl(endpoint))}`))
      }
      const maxAttempts = Math.max(MIN_MAX_ATTEMPTS, Math.floor(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS))
      const common = {
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(options.profile === undefined ? {} : { profile: options.profile }),
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        maxAttempts,
        retryMode: 'adaptive'
      }
      const ecr = new ECRClient(common)
      let region: string
      try {
        region = await ecr.config.region()
      } catch (e) {
        return E.left(
          EcrError.invalidArgument(
            `no AWS region: pass one, set AWS_REGION, or set a region in the profile (${messageOf(e)})`
          )
        )
      }
      if (!isRegion(region))
        return E.left(EcrError.invalidArgument(`not a valid AWS region: ${JSON.stringify(String(region).slice(0, 64))}`))
      let accountId: AccountId
      if (options.accountId !== undefined) {
        accountId = options.accountId as AccountId
      } else {
        const account = await callerAccount({ ...common, region, credentials: ecr.config.credentials })()
        if (E.isLeft(account)) return account
        accountId = account.right
      }
      const env = make({
        ecr,
        accountId,
        region,
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        ...(options.logger === undefined ? {} : { logger: options.logger })
      })
      // the SDK client retries (adaptive, maxAttempts): the library's own ECR retry layer stands down,
      // so a throttled call is tried maxAttempts times in all, not maxAttempts x 5
      const sdkRetries: RetryEnv = { ecrRetryPolicy: limitRetries(0) }
      return E.right({ ...env, ...sdkRetries })
    } catch (e) {
      return E.left(EcrError.invalidArgument(`cannot configure the AWS client: ${messageOf(e)}`))
    }
  }
