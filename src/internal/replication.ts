/**
 * The two ECR calls of registry replication: `DescribeRegistry` (read the configuration) and
 * `PutReplicationConfiguration` (replace it), with the checks ECR would make on the destinations
 * done first, so a configuration ECR would refuse fails without a call.
 *
 * Both calls act on the caller's own registry in the client's region (they take no registry id), so
 * a registry of another account or region is an `InvalidArgument`.
 *
 * @internal
 */
import { DescribeRegistryCommand, PutReplicationConfigurationCommand } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import type { EcrEnv } from '../Env'
import type { EcrError } from '../EcrError'
import * as EcrErrors from '../EcrError'
import * as ReplicationConfiguration from '../ReplicationConfiguration'
import * as Output from './output'
import type { RegistryRef } from './refs'
import { registryIn } from './region'
import { send } from './send'
import { partitionOf } from './uri'

/** The registry, when it is the environment's own (same account and region). */
export const ownRegistry = (registry?: RegistryRef): RTE.ReaderTaskEither<EcrEnv, EcrError, RegistryRef> =>
  RTE.fromReaderEither((env: EcrEnv) =>
    pipe(
      registryIn(env, registry),
      E.filterOrElse(
        (r) => r.accountId === env.accountId,
        (r) =>
          EcrErrors.invalidArgument(
            `the replication configuration of account ${r.accountId} can only be read or set with that account's credentials; the environment is for account ${env.accountId}`
          )
      )
    )
  )

/**
 * Why ECR would refuse the destinations of `config` for a configuration of `source`: a destination
 * that is the source registry itself, or one in another partition (ECR replicates within one).
 */
export const destinationProblems = (
  source: RegistryRef,
  config: ReplicationConfiguration.ReplicationConfiguration
): ReadonlyArray<string> => {
  const partition = partitionOf(source.region)
  return config.rules.flatMap((rule, i) =>
    rule.destinations.flatMap((d, j): ReadonlyArray<string> => {
      const path = `/rules/${i}/destinations/${j}`
      if (d.region === source.region && d.registryId === source.accountId)
        return [
          `${path}: ${d.registryId} in ${d.region} is the source registry itself; replicate to another region or account`
        ]
      const other = partitionOf(d.region)
      if (other !== partition)
        return [
          `${path}: ${d.region} is in partition ${other}, but the source registry's region ${source.region} is in ${partition}; ECR replicates within one partition`
        ]
      return []
    })
  )
}

/** The configuration `config` checked with the codec and against `source`. */
export const check = (
  source: RegistryRef,
  config: ReplicationConfiguration.ReplicationConfiguration
): E.Either<EcrError, ReplicationConfiguration.ReplicationConfiguration> =>
  pipe(
    ReplicationConfiguration.validate(config),
    E.flatMap((valid) => {
      const problems = destinationProblems(source, valid)
      return problems.length === 0
        ? E.right(valid)
        : E.left(
            EcrErrors.invalidArgument(
              `invalid replication configuration: ${problems.slice(0, 5).join('; ')}${
                problems.length > 5 ? `; and ${problems.length - 5} more` : ''
              }`
            )
          )
    })
  )

/** `DescribeRegistry`'s replication configuration; none: `{ rules: [] }`. */
export const get = (
  registry?: RegistryRef
): RTE.ReaderTaskEither<EcrEnv, EcrError, ReplicationConfiguration.ReplicationConfiguration> =>
  pipe(
    ownRegistry(registry),
    RTE.flatMap(() => send(new DescribeRegistryCommand({}))),
    RTE.flatMapEither(Output.replicationConfiguration('DescribeRegistry')),
    RTE.flatMapEither(ReplicationConfiguration.fromAwsShape)
  )

/**
 * Replaces the registry's replication configuration with `config` after checking it; answers the
 * configuration ECR echoes back (the one sent, canonical, when the answer carries none).
 */
export const put = (
  config: ReplicationConfiguration.ReplicationConfiguration,
  registry?: RegistryRef
): RTE.ReaderTaskEither<EcrEnv, EcrError, ReplicationConfiguration.ReplicationConfiguration> =>
  pipe(
    ownRegistry(registry),
    RTE.flatMapEither((source) => check(source, config)),
    RTE.flatMap((valid) =>
      pipe(
        send(new PutReplicationConfigurationCommand({ replicationConfiguration: ReplicationConfiguration.toAwsShape(valid) })),
        RTE.flatMapEither(Output.replicationConfiguration('PutReplicationConfiguration')),
        RTE.flatMapEither((echoed) => (echoed === undefined ? E.right(valid) : ReplicationConfiguration.fromAwsShape(echoed)))
      )
    )
  )
