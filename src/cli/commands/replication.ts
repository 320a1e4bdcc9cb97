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
import { Option, type Command } from 'commander'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as TE from 'fp-ts/TaskEither'
import * as EcrError from '../../EcrError'
import type { EcrEnv } from '../../Env'
import { isAccountId, isRegion, type AccountId, type Region } from '../../Primitives'
import * as Registry from '../../Registry'
import * as ReplicationConfiguration from '../../ReplicationConfiguration'
import { collect } from '../args'
import type { Context, Output, Register } from '../context'
import { finishWith } from '../targets'

// -------------------------------------------------------------------------------------
// arguments
// -------------------------------------------------------------------------------------

/** A `--to` value: a region, and an account when given (else the environment's). */
export interface Target {
  readonly region: Region
  readonly registryId?: AccountId
}

const show = (s: string): string => JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}...` : s)

/** `REGION` or `REGION:ACCOUNT` (`eu-west-1`, `eu-west-1:123456789012`). */
export const parseTarget = (s: string): E.Either<string, Target> => {
  const colon = s.indexOf(':')
  const region = colon < 0 ? s : s.slice(0, colon)
  const account = colon < 0 ? undefined : s.slice(colon + 1)
  if (!isRegion(region)) return E.left(`expected REGION[:ACCOUNT] with an AWS region code, got ${show(s)}`)
  if (account === undefined) return E.right({ region })
  return isAccountId(account)
    ? E.right({ region, registryId: account })
    : E.left(`expected REGION[:ACCOUNT] with a 12-digit account id, got ${show(s)}`)
}

/** A repository name prefix ECR accepts as a replication filter. */
export const parsePrefix = (s: string): E.Either<string, string> =>
  pipe(
    ReplicationConfiguration.repositoryFilterCodec.decode({ filter: s, filterType: 'PREFIX_MATCH' }),
    E.bimap(
      () =>
        `expected a repository name prefix of ${ReplicationConfiguration.minFilterLength} to ${ReplicationConfiguration.maxFilterLength} characters (lower-case letters, digits, '.', '_', '-', '/'), got ${show(s)}`,
      (f) => f.filter
    )
  )

export interface PutOptions {
  readonly to: ReadonlyArray<Target>
  readonly prefix?: ReadonlyArray<string>
  readonly add?: boolean
}

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
// the command
// -------------------------------------------------------------------------------------

export const register: Register = (program, ctx) => {
  const replication = program
    .command('replication')
    .description("read or set the registry's replication configuration (ECR's own replication of new pushes)")
  replication
    .command('get')
    .description('print the replication configuration as JSON')
    .action(() => run(ctx, Registry.getReplicationConfiguration()))
  replication
    .command('put')
    .description('replace the replication configuration with one rule (--add: add the rule to those there) and print it')
    .addOption(
      new Option('--to <destination...>', 'destination registry: REGION or REGION:ACCOUNT (default account: this one)')
        .argParser(collect(parseTarget))
        .makeOptionMandatory()
    )
    .addOption(
      new Option('--prefix <prefix...>', 'replicate only repositories whose name starts with one of these (default: all)').argParser(
        collect(parsePrefix)
      )
    )
    .option('--add', 'keep the rules already there and add this one')
    .action((options: PutOptions, command: Command) => {
      const problem = usageProblem(options)
      if (problem !== undefined) return command.error(`error: ${problem}`, { exitCode: 2, code: 'ecr-fp-ts.usage' })
      return run(ctx, putProgram(options))
    })
  replication
    .command('clear')
    .description('remove every replication rule and print the (empty) configuration')
    .action(() => run(ctx, Registry.putReplicationConfiguration(ReplicationConfiguration.empty)))
}
