/**
 * The environment ECR programs run in: one capability per external service. `EcrEnv` carries the
 * ECR API client and the registry it speaks for; `HttpEnv` carries the HTTP functions used for the
 * registry (OCI distribution) API. An operation asks only for what it uses, so its type says which
 * services it touches.
 *
 * @since 0.1.0
 */
import type { ECRClient } from '@aws-sdk/client-ecr'
import { fetch as undiciFetch, type Dispatcher } from 'undici'
import type { AccountId, Region } from './Primitives'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Structured log sink. Every method is optional to call; messages never contain credentials.
 *
 * @category model
 * @since 0.1.0
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
 * The HTTP capability for the registry API. `fetch` serves small requests; `dispatcher` (an undici
 * `Dispatcher`) serves streamed blob transfers, because WHATWG fetch buffers streamed request bodies.
 *
 * @category model
 * @since 0.1.0
 */
export interface HttpEnv {
  readonly fetch: (input: string, init?: RequestInit) => Promise<Response>
  readonly dispatcher?: Dispatcher
}

/**
 * @category model
 * @since 0.1.0
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
 */
export interface MakeOptions {
  readonly ecr: EcrEnv['ecr']
  readonly accountId: AccountId
  readonly region: Region
  readonly fetch?: HttpEnv['fetch']
  readonly dispatcher?: Dispatcher
  readonly concurrency?: number
  readonly logger?: Logger
}

/**
 * Builds an environment from explicit parts; pure. `fetch` defaults to undici's fetch, `concurrency`
 * to 8, and the environment gets a fresh login cache.
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
export const make = (options: MakeOptions): EcrEnv & HttpEnv => ({
  ecr: options.ecr,
  accountId: options.accountId,
  region: options.region,
  fetch: options.fetch ?? defaultFetch,
  ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
  concurrency: options.concurrency !== undefined && options.concurrency >= 1 ? Math.floor(options.concurrency) : 8,
  ...(options.logger === undefined ? {} : { logger: options.logger }),
  loginCache: makeLoginCache()
})

const defaultFetch: HttpEnv['fetch'] = (input, init) =>
  undiciFetch(input, init as Parameters<typeof undiciFetch>[1]) as unknown as Promise<Response>
