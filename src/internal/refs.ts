/**
 * The record types shared by the URI modules and the ECR operations, and the guard that keeps a
 * program on its environment's region.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type { EcrError } from '../EcrError'
import * as EcrErrors from '../EcrError'
import type { AccountId, ImageDigest, Region, RepositoryName } from '../Primitives'
import { registryRef } from './guard'

export interface RegistryRef {
  readonly accountId: AccountId
  readonly region: Region
}

export interface RepositoryRef extends RegistryRef {
  readonly repositoryName: RepositoryName
}

export interface ImageRef extends RepositoryRef {
  readonly imageDigest: ImageDigest
  readonly imageManifest?: string
  readonly imageManifestMediaType?: string
}

/**
 * The registry a program acts on: the given one, else the environment's. A registry in another
 * region than the environment's is an `InvalidArgument` (one environment per region).
 */
export const registryIn = (
  env: { readonly accountId: AccountId; readonly region: Region },
  registry?: RegistryRef
): E.Either<EcrError, RegistryRef> => {
  if (registry !== undefined && E.isLeft(registryRef(registry))) return registryRef(registry)
  const r = registry ?? { accountId: env.accountId, region: env.region }
  return r.region === env.region
    ? E.right({ accountId: r.accountId, region: r.region })
    : E.left(
        EcrErrors.invalidArgument(
          `the reference is in region ${r.region} but the environment is for ${env.region}; use an environment per region (RTE.local)`
        )
      )
}
