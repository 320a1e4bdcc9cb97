/**
 * `ecr-fp-ts replication get|put|clear|status|backfill`: the registry's replication configuration,
 * ECR's own replication engine (`Registry.getReplicationConfiguration`,
 * `Registry.putReplicationConfiguration`), an image's replication status and backfills.
 *
 * - `replication get` prints the configuration as JSON (`{ "rules": [] }`: none).
 * - `replication put --to REGION[:ACCOUNT]... [--prefix P...] [--add]` builds one rule with the
 *   builders (every repository, or those whose name starts with a prefix; ACCOUNT defaults to the
 *   environment's), replaces the configuration with it (`--add`: appends it to the rules there) and
 *   prints what ECR stored.
 * - `replication clear` removes every rule.
 * - `replication status <image>` prints where ECR has replicated the image (`Image.getReplicationStatus`).
 * - `replication backfill start <REGION[:ACCOUNT]>|stop <id>|list`: ECR copies to a destination the
 *   images pushed before a rule sent them there (`Registry.startReplicationBackfill`, ...).
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
import * as Image from '../../Image'
import * as Registry from '../../Registry'
import * as RegistryUri from '../../RegistryUri'
import * as ReplicationConfiguration from '../../ReplicationConfiguration'
import type { Target } from '../args'
import type { Context, Output } from '../context'
import { imageJson } from '../json'
import { finishWith, imageAnyStatus } from '../targets'
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

// -------------------------------------------------------------------------------------
// status and backfills
// -------------------------------------------------------------------------------------

/** `replication status <image>`'s result. */
export interface ImageReplication {
  readonly image: Image.ImageRef
  readonly statuses: ReadonlyArray<Image.ReplicationStatus>
}

/** A line per destination, `REGION ACCOUNT STATUS [failureCode]`; `--json`: the image and its `replications`. */
export const statusOutput = ({ image, statuses }: ImageReplication): Output => ({
  text:
    statuses.length === 0
      ? [`${Image.toUri(image)}: no replication (no rule replicates its repository)`]
      : statuses.map((s) => [s.region, s.registryId, s.status, ...(s.failureCode === undefined ? [] : [s.failureCode])].join(' ')),
  json: { ...imageJson(image), replications: statuses }
})

/** `replication status <image>`: ECR's native replication status of the image, per destination. */
export const status = (ctx: Context, arg: string): Promise<void> =>
  pipe(
    imageAnyStatus(ctx, arg),
    TE.flatMap(({ env, ref }) =>
      pipe(
        Image.getReplicationStatus(ref)(env),
        TE.map((statuses): ImageReplication => ({ image: ref, statuses }))
      )
    ),
    finishWith(ctx, statusOutput)
  )

/** A backfill as `--json` prints it, whatever the command: dates in ISO form, the destination with its `uri`. */
export const backfillJson = (b: Registry.ReplicationBackfill) => ({
  id: b.id,
  status: b.status,
  destination: { uri: RegistryUri.fromRef(b.destination), accountId: b.destination.accountId, region: b.destination.region },
  ...(b.startedAt === undefined ? {} : { startedAt: b.startedAt.toISOString() }),
  ...(b.endedAt === undefined ? {} : { endedAt: b.endedAt.toISOString() }),
  ...(b.failureCode === undefined ? {} : { failureCode: b.failureCode }),
  ...(b.progress === undefined ? {} : { progress: b.progress })
})

/** `ID STATUS REGION:ACCOUNT [completed/total, failed failed]` */
export const backfillLine = (b: Registry.ReplicationBackfill): string =>
  [
    b.id,
    b.status,
    `${b.destination.region}:${b.destination.accountId}`,
    ...(b.progress === undefined
      ? []
      : [`${b.progress.completed}/${b.progress.total}${b.progress.failed > 0 ? `, ${b.progress.failed} failed (${b.progress.failureCodes.join(', ')})` : ''}`]),
    ...(b.failureCode === undefined ? [] : [b.failureCode])
  ].join(' ')

/** One backfill: its line; `--json`: the backfill. */
export const backfillOutput = (b: Registry.ReplicationBackfill): Output => ({ text: [backfillLine(b)], json: backfillJson(b) })

/** Every backfill: a line each; `--json`: an array of backfills. */
export const backfillsOutput = (bs: ReadonlyArray<Registry.ReplicationBackfill>): Output => ({
  text: bs.length === 0 ? ['no replication backfills'] : bs.map(backfillLine),
  json: bs.map(backfillJson)
})

/** `replication backfill start <REGION[:ACCOUNT]>` (ACCOUNT defaults to the environment's). */
export const backfillStart = (ctx: Context, to: Target): Promise<void> =>
  pipe(
    ctx.env(),
    TE.flatMap((env) => Registry.startReplicationBackfill({ region: to.region, accountId: to.registryId ?? env.accountId })(env)),
    finishWith(ctx, backfillOutput)
  )

/** `replication backfill stop <id>` */
export const backfillStop = (ctx: Context, id: string): Promise<void> =>
  pipe(
    ctx.env(),
    TE.flatMap((env) => Registry.stopReplicationBackfill(id)(env)),
    finishWith(ctx, backfillOutput)
  )

/** `replication backfill list` */
export const backfillList = (ctx: Context): Promise<void> =>
  pipe(
    ctx.env(),
    TE.flatMap((env) => Registry.listReplicationBackfills()(env)),
    finishWith(ctx, backfillsOutput)
  )
