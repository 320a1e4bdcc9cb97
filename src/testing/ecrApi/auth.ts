/**
 * The twin's login: `GetAuthorizationToken` issues the registry password as ECR does (a base64
 * `AWS:<password>` token, its expiry and the registry's proxy endpoint).
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Handler } from './common'

/** @internal */
export const getAuthorizationToken: Handler = (ctx) => {
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
