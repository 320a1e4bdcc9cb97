/**
 * `ecr-fp-ts login [registry]`: the password of a login to the registry (`Registry.getLogin`,
 * GetAuthorizationToken), alone on stdout, for `docker login --username AWS --password-stdin`.
 * The registry is yours, or the one a registry URI names (in its region unless `--region` is given).
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { EcrLogin } from '../../Env'
import * as Registry from '../../Registry'
import * as RegistryUri from '../../RegistryUri'
import type { Context, Output } from '../context'
import { envIn, finishWith } from '../targets'

export interface Login {
  /** the registry's host */
  readonly registry: string
  readonly login: EcrLogin
}

/** The password and nothing else; `--json`: the registry, user name, password, endpoint and expiry. */
export const toOutput = ({ registry, login }: Login): Output => ({
  text: [login.password],
  json: {
    registry,
    username: login.username,
    password: login.password,
    proxyEndpoint: login.proxyEndpoint,
    expiresAt: login.expiresAt.toISOString()
  }
})

/** `login [registry]` */
export const run = (ctx: Context, registry: string | undefined): Promise<void> =>
  pipe(
    registry === undefined
      ? pipe(
          ctx.env(),
          TE.flatMap((env) =>
            pipe(
              Registry.getLogin()(env),
              TE.map((login): Login => ({ registry: RegistryUri.fromRef({ accountId: env.accountId, region: env.region }), login }))
            )
          )
        )
      : pipe(
          TE.fromEither(pipe(RegistryUri.parse(registry), E.map(RegistryUri.toRef))),
          TE.flatMap((ref) =>
            pipe(
              envIn(ctx, O.some(ref.region)),
              TE.flatMap((env) => Registry.getLogin({ accountId: ref.accountId, region: ref.region })(env)),
              TE.map((login): Login => ({ registry, login }))
            )
          )
        ),
    finishWith(ctx, toOutput)
  )
