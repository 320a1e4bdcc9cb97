/**
 * `ecr-fp-ts replication get|put|clear`: the registry's replication configuration, ECR's own
 * replication engine (`Registry.getReplicationConfiguration`, `Registry.putReplicationConfiguration`).
 *
 * - `replication get` prints the configuration as JSON (`{ "rules": [] }`: none).
 * - `replication put --to REGION[:ACCOUNT]... [--prefix P...] [--add]` builds one rule with the
 *   builders (every repository, or those whose name starts with a prefix; ACCOUNT defaults to the
 *   environment's), replaces the configuration with it (`--add`: appends it to the rules there) and
 *   prints what ECR stored.
 * - `replication clear` removes every rule.
 *
 * A malformed `--to` or `--prefix`, or too many of them, is a usage error (exit 2) before any call.
 */
import type { Command } from 'commander'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as TE from 'fp-ts/TaskEither'
import * as EcrError from '../../EcrError'
import type { EcrEnv } from '../../Env'
import type { AccountId } from '../../Primitives'
import * as Registry from '../../Registry'
import * as ReplicationConfiguration from '../../ReplicationConfiguration'
import type { Context, Output } from '../context'
import { finishWith } from '../targets'
import type { PutOptions } from './index'

// -------------------------------------------------------------------------------------
// arguments
// -------------------------------------------------------------------------------------

export type { PutOptions } from './index'

/** Why the options cannot make a rule ECR accepts, whatever the registry: too many of something. */
export const usageProblem = (options: PutOptions): string | undefined =>
  options.to.length > ReplicationConfiguration.maxDestinations
    ? `at most ${ReplicationConfiguration.maxDestinations} --to destinations, got ${options.to.length}`
    : (options.prefix ?? []).length > ReplicationConfiguration.maxRepositoryFilters
    ? `at most ${ReplicationConfiguration.maxRepositoryFilters} --prefix filters, got ${(options.prefix ?? []).length}`
    : undefined

/** The rule the options describe, destinations without an account in `accountId`'s registry. */
export const ruleOf = (options: PutOptions, accountId: AccountId): ReplicationConfiguration.ReplicationRule =>
  ReplicationConfiguration.rule({
    to: options.to.map((t) => ({ region: t.region, registryId: t.registryId ?? accountId })),
    prefixes: options.prefix ?? []
  })

// -------------------------------------------------------------------------------------
// programs
// -------------------------------------------------------------------------------------

/** The configuration to put: the rule alone, or (`--add`) after the rules already there. */
export const putProgram = (
  options: PutOptions
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ReplicationConfiguration.ReplicationConfiguration> =>
  pipe(
    RTE.asks((env: EcrEnv) => ruleOf(options, env.accountId)),
    RTE.flatMap((rule) =>
      options.add === true
        ? pipe(
            Registry.getReplicationConfiguration(),
            RTE.flatMapEither((current) => ReplicationConfiguration.addRule(current, rule))
          )
        : RTE.right<EcrEnv, EcrError.EcrError, ReplicationConfiguration.ReplicationConfiguration>({ rules: [rule] })
    ),
    RTE.flatMap((config) => Registry.putReplicationConfiguration(config))
  )

/** The configuration as indented JSON, for people and for `--json` alike. */
export const toOutput = (config: ReplicationConfiguration.ReplicationConfiguration): Output => {
  const json = ReplicationConfiguration.codec.encode(config)
  return { text: JSON.stringify(json, null, 2).split('\n'), json }
}

/** Runs `program` in the environment of the global options and prints the configuration it answers. */
const run = (
  ctx: Context,
  program: RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ReplicationConfiguration.ReplicationConfiguration>
): Promise<void> =>
  pipe(
    ctx.env(),
    TE.flatMap((env) => program(env)),
    finishWith(ctx, toOutput)
  )

// -------------------------------------------------------------------------------------
// the subcommands
// -------------------------------------------------------------------------------------

/** `replication get` */
export const get = (ctx: Context): Promise<void> => run(ctx, Registry.getReplicationConfiguration())

/** `replication put --to ... [--prefix ...] [--add]`: too many of something is a usage error (exit 2), before any call. */
export const put = async (ctx: Context, options: PutOptions, command: Command): Promise<void> => {
  const problem = usageProblem(options)
  if (problem !== undefined) return command.error(`error: ${problem}`, { exitCode: 2, code: 'ecr-fp-ts.usage' })
  return run(ctx, putProgram(options))
}

/** `replication clear` */
export const clear = (ctx: Context): Promise<void> => run(ctx, Registry.putReplicationConfiguration(ReplicationConfiguration.empty))
