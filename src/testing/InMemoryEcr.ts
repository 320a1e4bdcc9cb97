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
import { showValue } from '../internal/codec'
import type { AccountId, Region } from '../Primitives'
import { isRepositoryName } from '../Primitives'
import * as DispatcherImpl from './dispatcher'
import * as EcrApi from './ecrApi'
import type { Context } from './ecrApi/common'
import { finishBackfills } from './ecrApi/replication'
import { taggingOperationOf } from './ecrApi/tagging'
import * as RegistryApi from './registryApi'
import * as Seed from './seed'
import * as Storage from './storage'
import * as Store from './store'
import type {
  CreateRepositoryOptions,
  EcrCall,
  Fault,
  FaultAnswer,
  FaultCall,
  HttpCall,
  Options,
  PushedImage,
  PushImageOptions,
  ReplicationStatusSeed,
  ScanFindingsSeed
} from './types'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The twin's data types: `Options`, `PushImageOptions`, `PushedImage`, `PushedChild`, `Platform`,
 * `CreateRepositoryOptions`, `TagMutabilityMode`, `Encryption`, `EcrCall`, `HttpCall`, `Fault`,
 * `FaultCall`, `FaultAnswer`, `ScanFindingsSeed` and `ReplicationStatusSeed`.
 *
 * @category model
 * @since 0.2.0
 */
export * from './types'

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
  /** `Env.make({ ecr, fetch, dispatcher, accountId, region, retry, sleep })` over this twin (`retry` and `sleep` from the options). */
  readonly env: Env.EcrEnv & Env.HttpEnv
  /** The ECR API: a `send` taking the SDK's command objects. */
  readonly ecr: Env.EcrEnv['ecr']
  /**
   * The Resource Groups Tagging API over the same store (`GetResources` of its repositories, pages
   * of 100), recorded and fault-injected like `ecr`; not in `env`: give it as `{ ...twin.env, tagging: twin.tagging }`.
   */
  readonly tagging: Env.Tagging
  /** The registry API at `proxyEndpoint` and the storage origin (undici's fetch over `dispatcher`). */
  readonly fetch: Env.HttpEnv['fetch']
  /** The same HTTP API for undici's `request`, `stream` and `pipeline`, in-process. */
  readonly dispatcher: Dispatcher
  /** The account the twin stands for. */
  readonly accountId: AccountId
  /** The region the twin stands for. */
  readonly region: Region
  /** The registry API's base URL (what `GetAuthorizationToken` answers). */
  readonly proxyEndpoint: string
  /** Where blob GETs are redirected to (the stand-in of ECR's S3 bucket). */
  readonly storageOrigin: string
  /** The registry password. */
  readonly password: string
  /** ECR API calls, oldest first (live: it grows as calls are made). */
  readonly calls: ReadonlyArray<EcrCall>
  /** HTTP requests, oldest first (live). */
  readonly httpCalls: ReadonlyArray<HttpCall>
  /** How many ECR API calls of that operation (all when undefined) were made. */
  readonly callCount: (operation?: string) => number
  /** Requests with that method (any when undefined) whose path (without origin and query) matches. */
  readonly httpCallCount: (method?: string, pathPattern?: RegExp) => number
  /** Forgets the recorded calls. */
  readonly resetCalls: () => void
  /** Sets (or, undefined, removes) the fault function asked before every call. */
  readonly setFault: (f: Fault | undefined) => void
  /**
   * Pushes a synthetic image (see `PushImageOptions`). An invalid repository name or tag, or options
   * the twin cannot honour (too many or too large layers, an invalid date, a missing subject), give
   * a `Left`.
   */
  readonly pushImage: (repositoryName: string, options?: PushImageOptions) => E.Either<EcrError.EcrError, PushedImage>
  /** Creates a repository; an invalid name or exclusion filters give an `InvalidArgument`, an existing one `AlreadyExists`. */
  readonly createRepository: (name: string, options?: CreateRepositoryOptions) => E.Either<EcrError.EcrError, void>
  /** Whether the repository holds that blob. */
  readonly hasBlob: (repositoryName: string, digest: string) => boolean
  /** The manifest text of a tag or digest; `None` for a repository or reference the twin does not have. */
  readonly getManifestText: (repositoryName: string, reference: string) => O.Option<string>
  /** Tag -> digest. */
  readonly tagsOf: (repositoryName: string) => ReadonlyMap<string, string>
  /** The status of the image a tag or digest names (`ACTIVE`, `ARCHIVED`, `ACTIVATING`); `None` when there is none. */
  readonly imageStatus: (repositoryName: string, reference: string) => O.Option<'ACTIVE' | 'ARCHIVED' | 'ACTIVATING'>
  /**
   * Records a completed scan of the image with these findings (default: `COMPLETE`, no findings), and
   * makes every later scan of it find the same. A missing repository or image is a `NotFound`.
   */
  readonly setScanFindings: (
    repositoryName: string,
    reference: string,
    seed?: ScanFindingsSeed
  ) => E.Either<EcrError.EcrError, void>
  /** Sets the image's replication status to one destination. A missing repository or image is a `NotFound`. */
  readonly setReplicationStatus: (
    repositoryName: string,
    reference: string,
    status: ReplicationStatusSeed
  ) => E.Either<EcrError.EcrError, void>
  /** Finishes, now, every restore, scan and replication backfill still running on the twin's clock. */
  readonly settle: () => void
  /**
   * Ends every login token issued so far, as if its 12 hours had passed: the registry answers 401
   * to them until a new GetAuthorizationToken.
   */
  readonly expireTokens: () => void
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

/** The origin of a URL; a text that is no URL stands for itself (a twin nobody can reach there). */
const originOf = (url: string): string => {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

/** The host of a URL; a text that is no URL stands for itself. */
const hostOf = (url: string): string => {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

/** Why the twin refuses these repository settings, if it does (the values the types admit but ECR does not). */
const createProblem = (name: string, options: CreateRepositoryOptions): string | undefined => {
  if (!isRepositoryName(name)) return `not a valid repository name: ${showValue(name)}`
  const exclusions = Store.exclusionProblem(options.imageTagMutability ?? 'MUTABLE', options.exclusionFilters ?? [])
  if (exclusions !== undefined) return exclusions
  const tooLong = (options.tags ?? []).find((t) => t.Key.length < 1 || t.Key.length > 128 || t.Value.length > 256)
  return tooLong === undefined ? undefined : `not a valid resource tag: ${showValue(tooLong)}`
}

/**
 * A fresh, empty registry twin. Options are taken as given (an invalid account id or region is not
 * checked here; a proxy endpoint or storage origin that is not a URL is simply never reached).
 * `retry` and `sleep` go to the `Env.make` of `twin.env`: with `sleep: () => Promise.resolve()`, its
 * retries do not wait.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import * as Retry from 'ecr-fp-ts/Retry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import { DescribeImagesCommand } from '@aws-sdk/client-ecr'
 * import * as E from 'fp-ts/Either'
 *
 * // retries of twin.env at once, and at most two of them
 * const waits: Array<number> = []
 * const fast = InMemoryEcr.make({
 *   retry: { ecr: Retry.concat(Retry.limitRetries(2), Retry.constantDelay(1_000)) },
 *   sleep: (ms) => {
 *     waits.push(ms)
 *     return Promise.resolve()
 *   }
 * })
 * fast.setFault((call) => (call.kind === 'ecr' ? 'throttle' : undefined))
 * Registry.listRepositories()(fast.env)().then((r) => {
 *   assert.ok(E.isLeft(r))
 *   assert.strictEqual(fast.callCount('DescribeRepositories'), 3)
 *   assert.deepStrictEqual(waits, [1_000, 1_000])
 * })
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
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID
  const region = options.region ?? DEFAULT_REGION
  const proxyEndpoint = (options.proxyEndpoint ?? `https://${accountId}.dkr.ecr.${region}.amazonaws.com`).replace(
    /\/+$/,
    ''
  )
  const storageOrigin =
    options.storageOrigin ?? `https://prod-${region}-starport-layer-bucket.s3.${region}.amazonaws.com`
  const password = options.password ?? randomPassword()
  const now = options.now ?? (() => new Date())
  const tokenTtlMs = options.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS
  const store = Store.make({
    accountId,
    region,
    now,
    timing: { restoreMs: options.restoreMs ?? 0, scanMs: options.scanMs ?? 0, backfillMs: options.backfillMs ?? 0 }
  })
  const storage = Storage.make(originOf(storageOrigin), region)
  const random = Seed.makeRandom(`${accountId}/${region}/${options.seed ?? ''}`)
  const calls: Array<EcrCall> = []
  const httpCalls: Array<HttpCall> = []
  let fault: Fault | undefined
  /** Per operation with a quota, the times of its calls in the last second. */
  const callTimes = new Map<string, ReadonlyArray<number>>()
  let tokenExpiresAt: number | undefined
  // the fault function is the test's code: one that throws injects nothing
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
  /** Whether a call of `operation` goes over its quota (calls over it are not counted). */
  const overQuota = (operation: string): boolean => {
    const limit = options.rateLimits?.[operation]
    if (limit === undefined) return false
    const t = now().getTime()
    const recent = (callTimes.get(operation) ?? []).filter((at) => at > t - 1000)
    const over = recent.length >= limit
    callTimes.set(operation, over ? recent : [...recent, t])
    return over
  }
  const ctx: Context = {
    store,
    storage,
    proxyEndpoint,
    registryHost: hostOf(proxyEndpoint),
    password,
    tokenTtlMs,
    latencyMs: options.latencyMs ?? 0,
    onTokenIssued: (expiresAt) => {
      tokenExpiresAt = Math.max(tokenExpiresAt ?? Number.NEGATIVE_INFINITY, expiresAt.getTime())
    },
    record: (operation, input) => {
      calls.push({ operation, input })
    },
    fault: askFault,
    overQuota
  }
  const send = EcrApi.makeSend(ctx)
  const serve = RegistryApi.makeServe({
    store,
    storage,
    registryOrigin: originOf(proxyEndpoint),
    redirectBlobs: options.redirectBlobs ?? false,
    blobMounting: options.blobMounting ?? true,
    referrersApi: options.referrersApi ?? true,
    latencyMs: options.httpLatencyMs ?? 0,
    isAuthorized,
    overQuota,
    record: (call) => {
      httpCalls.push(call)
    },
    fault: askFault
  })
  const dispatcher = DispatcherImpl.make(serve)
  // undici's fetch and Response are the implementation of Node's global ones; only their type
  // declarations differ (undici's own copy against lib.dom's), so the global signature is safe.
  const fetch: Env.HttpEnv['fetch'] = (input, init) =>
    undiciFetch(input, { ...(init as object), dispatcher } as Parameters<
      typeof undiciFetch
    >[1]) as unknown as Promise<Response>
  // `makeSend` answers any command object with the SDK's own conventions (a promise of the
  // command's output, or its modelled exception); the client's overloaded generic signature cannot
  // be written for a function that dispatches at run time, hence the cast.
  const ecr: Env.EcrEnv['ecr'] = { send: send as unknown as Env.EcrEnv['ecr']['send'] }
  // the same conventions for the tagging client's commands (GetResources, recognised by class name)
  const tagging: Env.Tagging = { send: EcrApi.makeSend(ctx, taggingOperationOf) as unknown as Env.Tagging['send'] }
  const env = Env.make({
    ecr,
    fetch,
    dispatcher,
    accountId: accountId as AccountId,
    region: region as Region,
    rateLimits: options.pacing ?? unpacedAll,
    now,
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep })
  })
  /** The image a tag or digest names in a repository, or the `NotFound` to report. */
  const imageOf = (
    repositoryName: string,
    reference: string
  ): E.Either<EcrError.EcrError, { readonly repo: Store.RepositoryRecord; readonly image: Store.ImageRecord }> => {
    const repo = store.repositories.get(repositoryName)
    if (repo === undefined) return E.left(Seed.toEcrError(accountId, repositoryName)({ _tag: 'RepositoryNotFound', name: repositoryName }))
    const image = Store.findImage(repo, reference)
    return image === undefined
      ? E.left(
          EcrError.notFound(
            'Image',
            reference,
            `The image '${reference}' does not exist in the repository with name '${repositoryName}'`
          )
        )
      : E.right({ repo, image })
  }
  return {
    env,
    ecr,
    tagging,
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
    httpCallCount: (method, pathPattern) =>
      httpCalls.filter((c) => {
        if (method !== undefined && c.method.toUpperCase() !== method.toUpperCase()) return false
        if (pathPattern === undefined) return true
        pathPattern.lastIndex = 0
        // recorded URLs are the origin and path the twin was asked for
        return pathPattern.test(c.url.slice(originOf(c.url).length))
      }).length,
    resetCalls: () => {
      calls.length = 0
      httpCalls.length = 0
    },
    setFault: (f) => {
      fault = f
    },
    pushImage: (repositoryName, pushOptions) => Seed.pushImage(store, random, repositoryName, pushOptions),
    createRepository: (name, createOptions = {}) => {
      const problem = createProblem(name, createOptions)
      if (problem !== undefined) return E.left(EcrError.invalidArgument(problem))
      const created = Store.createRepository(store, name, {
        ...(createOptions.imageTagMutability === undefined ? {} : { imageTagMutability: createOptions.imageTagMutability }),
        ...(createOptions.exclusionFilters === undefined ? {} : { exclusionFilters: [...createOptions.exclusionFilters] }),
        ...(createOptions.scanOnPush === undefined ? {} : { scanOnPush: createOptions.scanOnPush }),
        ...(createOptions.encryption === undefined ? {} : { encryption: createOptions.encryption }),
        ...(createOptions.tags === undefined ? {} : { tags: createOptions.tags })
      })
      return E.isLeft(created) ? E.left(Seed.toEcrError(accountId, name)(created.left)) : E.right(undefined)
    },
    hasBlob: (repositoryName, digest) => store.repositories.get(repositoryName)?.blobs.has(digest) === true,
    getManifestText: (repositoryName, reference) =>
      O.fromEither(E.map((found: { readonly image: Store.ImageRecord }) => found.image.manifest)(imageOf(repositoryName, reference))),
    tagsOf: (repositoryName) => new Map(store.repositories.get(repositoryName)?.tags ?? []),
    imageStatus: (repositoryName, reference) =>
      O.fromEither(E.map(({ repo, image }: { readonly repo: Store.RepositoryRecord; readonly image: Store.ImageRecord }) =>
        Store.statusOf(store, repo, image)
      )(imageOf(repositoryName, reference))),
    setScanFindings: (repositoryName, reference, seed = {}) =>
      E.map(({ image }: { readonly image: Store.ImageRecord }) => {
        const at = now().getTime()
        image.scanSeed = seed
        image.scan = { startedAt: at, endsAt: at, seed, counts: false }
      })(imageOf(repositoryName, reference)),
    setReplicationStatus: (repositoryName, reference, status) =>
      E.map(({ image }: { readonly image: Store.ImageRecord }) => {
        image.replications.set(Store.destinationKey(status), { ...status })
      })(imageOf(repositoryName, reference)),
    settle: () => {
      const at = now().getTime()
      for (const repo of store.repositories.values()) {
        Store.finishRestores(store, repo)
        for (const image of repo.images.values()) {
          if (image.scan !== undefined && image.scan.endsAt > at) image.scan = { ...image.scan, endsAt: at }
        }
      }
      finishBackfills(store)
    },
    expireTokens: () => {
      tokenExpiresAt = Number.NEGATIVE_INFINITY
    }
  }
}

/** Every operation `Env` paces by default, unpaced: the twin's `env` unless told otherwise. */
const unpacedAll: Env.RateLimits = Object.fromEntries(Object.keys(Env.defaultRateLimits).map((op) => [op, Env.unpaced]))
