/**
 * The region guard as a program step: the first step of every operation on a ref, so a ref from
 * another region than the environment's fails with `InvalidArgument` before any call is made.
 *
 * @internal
 */
import * as RTE from 'fp-ts/ReaderTaskEither'
import type { EcrEnv } from '../Env'
import type { EcrError } from '../EcrError'
import { registryIn, type RegistryRef } from './refs'

/** The registry `ref` names (else the environment's), when it is in the environment's region. */
export const inRegion = (ref?: RegistryRef): RTE.ReaderTaskEither<EcrEnv, EcrError, RegistryRef> =>
  RTE.fromReaderEither((env: EcrEnv) => registryIn(env, ref))
