/**
 * Converts between repository references and their two textual names: the repository URI
 * (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`) and the ARN
 * (`arn:<partition>:ecr:<region>:<account>:repository/<name>`). The partition follows the region:
 * `cn-*` is `aws-cn`, `us-gov-*` is `aws-us-gov`, the ISO and sovereign regions have their own,
 * everything else is `aws`.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type { EcrError } from '../EcrError'
import type { AccountId, Region, RepositoryName } from '../Primitives'
import * as RepositoryUri from '../RepositoryUri'
import type { RepositoryRef } from './refs'
import * as U from './uri'

const ARN = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/
const REPOSITORY = 'repository/'

/** A repository reference from a repository URI (a FIPS host names the same repository). */
export const fromUri = (s: string): E.Either<EcrError, RepositoryRef> => {
  const uri = RepositoryUri.parse(s)
  if (E.isLeft(uri)) return uri
  const r = RepositoryUri.toRef(uri.right)
  return E.right({ accountId: r.accountId, region: r.region, repositoryName: r.repositoryName })
}

/** The repository URI of a reference; `fips: true` gives the FIPS host where the partition has one. */
export const toUri = (ref: RepositoryRef & { readonly fips?: boolean }): RepositoryUri.RepositoryUri =>
  RepositoryUri.fromRef(ref)

/** A repository reference from an ARN in a partition that agrees with its region. */
export const fromArn = (s: string): E.Either<EcrError, RepositoryRef> => {
  const reason = arnProblem(s)
  if (reason !== undefined) return E.left(U.invalid(s, 'RepositoryArn', reason))
  const m = ARN.exec(s)
  return E.right({
    accountId: (m?.[4] ?? '') as AccountId,
    region: (m?.[3] ?? '') as Region,
    repositoryName: (m?.[5] ?? '').slice(REPOSITORY.length) as RepositoryName
  })
}

/** The ARN of a repository, in its region's partition. */
export const toArn = (ref: RepositoryRef): string =>
  `arn:${U.partitionOf(ref.region)}:ecr:${ref.region}:${ref.accountId}:${REPOSITORY}${ref.repositoryName}`

const arnProblem = (s: string): string | undefined => {
  if (s.length === 0) return 'empty'
  if (!s.startsWith('arn:')) return 'an ARN starts with "arn:"'
  const m = ARN.exec(s)
  if (m === null) return 'expected arn:<partition>:ecr:<region>:<account>:repository/<name>'
  const partition = m[1] ?? ''
  const service = m[2] ?? ''
  const region = m[3] ?? ''
  const account = m[4] ?? ''
  const resource = m[5] ?? ''
  if (!U.isPartition(partition)) return `unknown partition: ${U.show(partition)}`
  if (service !== 'ecr') return `not an ECR ARN: the service is ${U.show(service)}`
  const problem = U.regionProblem(region) ?? U.accountProblem(account)
  if (problem !== undefined) return problem
  const expected = U.partitionOf(region)
  if (partition !== expected) return `partition ${partition} does not match region ${region} (expected ${expected})`
  if (!resource.startsWith(REPOSITORY)) return `the resource must be repository/<name>, got ${U.show(resource)}`
  return U.repositoryNameProblem(resource.slice(REPOSITORY.length))
}
