/**
 * The region guard: a program acts on the registry of its environment's region only (one
 * environment per region), so a ref from another region fails with `InvalidArgument` before any
 * call is made.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import * as RTE from 'fp-ts/ReaderTaskEither'
import type { RegistryEnv } from '../Env'
import type { EcrError } from '../EcrError'
import * as EcrErrors from '../EcrError'
import type { RegistryRef } from './refs'

/** The registry `registry` names (else the environment's), when it is in the environment's region. */
export const registryIn = (env: RegistryEnv, registry?: RegistryRef): E.Either<EcrError, RegistryRef> => {
  const r = registry ?? env
  return r.region === env.region
    ? E.right({ accountId: r.accountId, region: r.region })
    : E.left(
        EcrErrors.invalidArgument(
          `the reference is in region ${r.region} but the environment is for ${env.region}; use an environment per region (RTE.local)`
        )
      )
}

/** `registryIn` as a program step: the first step of every operation on a ref. */
export const inRegion = (ref?: RegistryRef): RTE.ReaderTaskEither<RegistryEnv, EcrError, RegistryRef> =>
  RTE.fromReaderEither((env: RegistryEnv) => registryIn(env, ref))
