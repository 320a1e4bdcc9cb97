/**
 * Registry logins: ECR's `GetAuthorizationToken` turned into Basic credentials for the registry
 * HTTP API, cached in `env.loginCache` until half their lifetime has passed. Concurrent logins for
 * one registry share one call when the cache can share them (`LoginCache.share`).
 *
 * Every login handed out is renewable (`wire.renewable`): when the registry refuses it (401) while
 * the cache still holds it (a token revoked, or a copy that outlives it), the wire layer asks for a
 * fresh one, once, and the cache's entry is replaced by it.
 *
 * @internal
 */
import { GetAuthorizationTokenCommand, type GetAuthorizationTokenCommandOutput } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { identity, pipe } from 'fp-ts/function'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import * as TE from 'fp-ts/TaskEither'
import type { EcrEnv, EcrLogin } from '../Env'
import * as EcrError from '../EcrError'
import { unexpected } from './awsError'
import type { RegistryRef } from './refs'
import { held } from './limiter'
import { sameSecrets } from './redact'
import { registryIn } from './region'
import { send } from './send'
import { renewable } from './wire'

/** ECR logins last 12 hours; used when the response carries no `expiresAt`. */
export const DEFAULT_LIFETIME_MS = 12 * 60 * 60 * 1000

/** The cache key of a registry. */
export const cacheKey = (registry: RegistryRef): string => `${registry.accountId}/${registry.region}`

const ECR_ENDPOINT = /^(https?:\/\/)(\d{12})(\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?(?::\d+)?\/?)$/

/**
 * The registry's endpoint: an ECR-shaped `proxyEndpoint` of another account is pointed at the asked
 * account (one token serves every registry the caller may access); any other endpoint is kept.
 */
export const endpointFor = (proxyEndpoint: string, registry: RegistryRef): string => {
  const m = ECR_ENDPOINT.exec(proxyEndpoint)
  if (m === null || m[2] === registry.accountId) return proxyEndpoint
  return `${m[1]}${registry.accountId}${m[3]}`
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Decodes GetAuthorizationToken's answer into a login for `registry`; missing fields are a DecodeError. */
export const decodeLogin = (
  out: GetAuthorizationTokenCommandOutput | undefined,
  registry: RegistryRef,
  now: Date
): E.Either<EcrError.EcrError, EcrLogin> => {
  const data = Array.isArray(out?.authorizationData) ? out.authorizationData[0] : undefined
  if (data === undefined || data === null || typeof data !== 'object')
    return E.left(EcrError.decodeError('GetAuthorizationToken response', ['authorizationData: expected a non-empty array']))
  const token = data.authorizationToken
  if (typeof token !== 'string' || token.length === 0)
    return E.left(EcrError.decodeError('GetAuthorizationToken response', ['authorizationToken: expected a string']))
  const proxyEndpoint = data.proxyEndpoint
  if (typeof proxyEndpoint !== 'string' || proxyEndpoint.length === 0)
    return E.left(EcrError.decodeError('GetAuthorizationToken response', ['proxyEndpoint: expected a string']))
  if (!BASE64.test(token))
    return E.left(EcrError.decodeError('GetAuthorizationToken response', ['authorizationToken: expected base64']))
  const decoded = Buffer.from(token, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon <= 0)
    return E.left(
      EcrError.decodeError('GetAuthorizationToken response', ['authorizationToken: expected base64 of "<user>:<password>"'])
    )
  const expires = data.expiresAt
  const expiresAt =
    expires instanceof Date && !Number.isNaN(expires.getTime())
      ? expires
      : new Date(now.getTime() + DEFAULT_LIFETIME_MS)
  return E.right({
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    proxyEndpoint: endpointFor(proxyEndpoint, registry),
    expiresAt
  })
}

/** True while `now` is before the middle of the entry's lifetime. */
export const isFresh = (entry: { readonly login: EcrLogin; readonly obtainedAt: Date }, now: Date): boolean => {
  const start = entry.obtainedAt.getTime()
  const end = entry.login.expiresAt.getTime()
  return now.getTime() < start + (end - start) / 2
}

/**
 * A login for `registry` (default: the environment's), from the cache while fresh. `now` is the
 * clock (tests pass a fake one). The cache is user code: a throw of it is an unexpected `AwsError`.
 */
export const getLogin =
  (registry?: RegistryRef, now: () => Date = () => new Date()): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, EcrLogin> =>
  (env) => {
    const target = registryIn(env, registry)
    if (E.isLeft(target)) return TE.fromEither(target)
    const key = cacheKey(target.right)
    const cache = env.loginCache
    const login = async (callEnv: EcrEnv): Promise<E.Either<EcrError.EcrError, EcrLogin>> => {
      const out = await send(new GetAuthorizationTokenCommand({}))(callEnv)()
      if (E.isLeft(out)) return out
      const obtainedAt = now()
      const decoded = decodeLogin(out.right, target.right, obtainedAt)
      if (E.isRight(decoded)) cache?.set(key, { login: decoded.right, obtainedAt })
      return decoded
    }
    const fresh = (callEnv: EcrEnv): Promise<E.Either<EcrError.EcrError, EcrLogin>> =>
      cache?.share === undefined ? login(callEnv) : cache.share(key, () => login(callEnv))
    // a renewal runs while a registry request holds a permit of the limiter: it takes none
    const renewEnv: EcrEnv = env.limiter === undefined ? env : { ...env, limiter: held(env.limiter) }
    const renew = pipe(TE.tryCatch(() => fresh(renewEnv), unexpected('GetAuthorizationToken')), TE.flatMapEither(identity))
    const fromCache = (): Promise<E.Either<EcrError.EcrError, EcrLogin>> => {
      const cached = cache?.get(key)
      if (cached !== undefined && isFresh(cached, now()))
        return Promise.resolve(E.right(sameSecrets(cached.login, { ...cached.login, proxyEndpoint: endpointFor(cached.login.proxyEndpoint, target.right) })))
      return fresh(env)
    }
    return pipe(
      TE.tryCatch(fromCache, unexpected('GetAuthorizationToken')),
      TE.flatMapEither(identity),
      TE.map((l) => renewable(l, renew))
    )
  }
