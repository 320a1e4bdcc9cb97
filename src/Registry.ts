/**
 * An ECR registry (one account in one region): its login for the registry HTTP API and its
 * repositories. The registry defaults to the environment's account and region.
 *
 * @since 0.1.0
 */
import {
  DescribeRepositoriesCommand,
  ListReplicationBackfillsCommand,
  StartReplicationBackfillCommand,
  StopReplicationBackfillCommand
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RA from 'fp-ts/ReadonlyArray'
import * as RTE from 'fp-ts/ReaderTaskEither'
import type * as Env from './Env'
import type { EcrError } from './EcrError'
import type { AccountId, Region, RepositoryName, ResourceTag } from './Primitives'
import type { ReplicationConfiguration } from './ReplicationConfiguration'
import * as Repository from './Repository'
import { traverseRTE } from './internal/concurrency'
import * as State from './internal/imageState'
import * as login from './internal/login'
import * as Output from './internal/output'
import { BATCH_LIMIT, MAX_RESULTS, paginate } from './internal/paginate'
import { inRegion } from './internal/region'
import * as replication from './internal/replication'
import { send } from './internal/send'
import * as tagging from './internal/tagging'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Credentials for the registry HTTP API: `{ username, password, proxyEndpoint, expiresAt }` (the
 * same type as `Env.EcrLogin`).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { EcrLogin } from 'ecr-fp-ts/Registry'
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make({ password: 'secret' })
 * Registry.getLogin()(twin.env)().then((r) => {
 *   assert.ok(E.isRight(r))
 *   const login: EcrLogin = r.right
 *   assert.deepStrictEqual([login.username, login.password, login.proxyEndpoint], ['AWS', 'secret', twin.proxyEndpoint])
 *   assert.ok(login.expiresAt.getTime() > Date.now())
 * })
 */
export type EcrLogin = Env.EcrLogin

/**
 * A registry: one account in one region.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { RegistryRef } from 'ecr-fp-ts/Registry'
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * const other = E.map(RegistryUri.toRef)(RegistryUri.parse('210987654321.dkr.ecr.eu-west-1.amazonaws.com'))
 * assert.ok(E.isRight(other))
 * const registry: RegistryRef = other.right
 * Registry.listRepositories(registry)(twin.env)().then((r) => {
 *   assert.strictEqual(E.isLeft(r) && r.left._tag, 'InvalidArgument')
 *   assert.strictEqual(twin.callCount(), 0)
 * })
 */
export interface RegistryRef {
  /** The AWS account that owns the registry (its registry id). */
  readonly accountId: AccountId
  /** The region the registry is in. */
  readonly region: Region
}

/**
 * Which repositories `getRepositories` keeps: a name containing `name` (a string) or matching it
 * (a RegExp, with `.test`), and carrying every one of `tags` (same key and value).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { RepositoryFilter } from 'ecr-fp-ts/Registry'
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('team/app')
 * twin.createRepository('team/db')
 * twin.createRepository('app-legacy')
 * const filter: RepositoryFilter = { name: 'app' }
 * Registry.getRepositories(filter)(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((rs) => rs.map((x) => x.repositoryName).sort())), E.right(['app-legacy', 'team/app']))
 *   assert.strictEqual(twin.callCount('ListTagsForResource'), 0)
 * })
 */
export interface RepositoryFilter {
  /** A string: the name contains it; a RegExp: the name matches it (`.test`). */
  readonly name?: string | RegExp
  /** Resource tags the repository must all carry (same key and value). */
  readonly tags?: ReadonlyArray<ResourceTag>
}

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/**
 * A login for the registry (default: the environment's), from GetAuthorizationToken. Logins are
 * cached in the environment and reused until half their lifetime has passed.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make({ password: 'secret' })
 * Registry.getLogin()(twin.env)().then((r) => {
 *   assert.ok(E.isRight(r))
 *   assert.strictEqual(r.right.username, 'AWS')
 *   assert.strictEqual(r.right.password, 'secret')
 *   assert.strictEqual(r.right.proxyEndpoint, twin.proxyEndpoint)
 * })
 */
export const getLogin = (registry?: RegistryRef): RTE.ReaderTaskEither<Env.EcrEnv, EcrError, EcrLogin> => login.getLogin(registry)

/**
 * Every repository of the registry (DescribeRepositories, pages of 1000).
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('team/app')
 * twin.createRepository('team/db')
 * Registry.listRepositories()(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((rs) => rs.map((x) => x.repositoryName).sort())), E.right(['team/app', 'team/db']))
 * })
 */
export const listRepositories = (
  registry?: RegistryRef
): RTE.ReaderTaskEither<Env.EcrEnv, EcrError, ReadonlyArray<Repository.RepositoryRef>> =>
  pipe(
    inRegion(registry),
    RTE.flatMap((r) =>
      pipe(
        paginate('DescribeRepositories', (nextToken) =>
          pipe(
            send(
              new DescribeRepositoriesCommand({
                registryId: r.accountId,
                maxResults: MAX_RESULTS,
                ...(nextToken === undefined ? {} : { nextToken })
              })
            ),
            RTE.flatMapEither(Output.describeRepositories)
          )
        ),
        RTE.map((names) => names.map((repositoryName) => ({ accountId: r.accountId, region: r.region, repositoryName })))
      )
    )
  )

const nameTest = (name: string | RegExp | undefined): ((s: string) => boolean) => {
  if (name === undefined) return () => true
  if (typeof name === 'string') return (s) => s.includes(name)
  // A global or sticky RegExp keeps state between `.test` calls: use a stateless copy.
  const re = new RegExp(name.source, name.flags.replace(/[gy]/g, ''))
  return (s) => re.test(s)
}

const hasAll =
  (wanted: ReadonlyArray<ResourceTag>) =>
  (tags: ReadonlyArray<ResourceTag>): boolean =>
    wanted.every((w) => tags.some((t) => t.Key === w.Key && t.Value === w.Value))

/**
 * The tag filter as GetResources takes it, one filter per key; `undefined` when no repository can
 * pass it: a key wanted with two values, or more keys than a repository may carry tags (50).
 */
const tagFiltersOf = (
  wanted: ReadonlyArray<ResourceTag>
): ReadonlyArray<{ readonly Key: string; readonly Values: ReadonlyArray<string> }> | undefined => {
  const byKey = new Map<string, string>()
  for (const { Key, Value } of wanted) {
    const seen = byKey.get(Key)
    if (seen !== undefined && seen !== Value) return undefined
    byKey.set(Key, Value)
  }
  return byKey.size > tagging.MAX_TAG_FILTERS ? undefined : [...byKey].map(([Key, Value]) => ({ Key, Values: [Value] }))
}

/**
 * The repositories of `registry` among `names` (DescribeRepositories, 100 names a call), in the
 * order ECR answers. A chunk naming a repository deleted in the meantime (ECR then fails the whole
 * call) is asked name by name, and the deleted ones are left out.
 */
const describeNamed = (
  registry: RegistryRef,
  names: ReadonlyArray<RepositoryName>
): RTE.ReaderTaskEither<Env.EcrEnv, EcrError, ReadonlyArray<Repository.RepositoryRef>> => {
  type Names = RTE.ReaderTaskEither<Env.EcrEnv, EcrError, ReadonlyArray<RepositoryName>>
  const describe = (chunk: ReadonlyArray<RepositoryName>): Names =>
    pipe(
      send(new DescribeRepositoriesCommand({ registryId: registry.accountId, repositoryNames: [...chunk] }), chunk.join(', ')),
      RTE.flatMapEither(Output.describeRepositories),
      RTE.map((page) => page.items)
    )
  const gone = (e: EcrError): boolean => e._tag === 'NotFound' && e.resource === 'Repository'
  return pipe(
    RA.chunksOf(BATCH_LIMIT)(names),
    traverseRTE(
      (chunk: ReadonlyArray<RepositoryName>): Names =>
        pipe(
          describe(chunk),
          RTE.orElse((e): Names =>
            gone(e) && chunk.length > 1
              ? pipe(
                  chunk,
                  traverseRTE((name: RepositoryName): Names => pipe(describe([name]), RTE.orElse((e1): Names => (gone(e1) ? RTE.right([]) : RTE.left(e1))))),
                  RTE.map((found) => found.flat())
                )
              : gone(e)
              ? RTE.right([])
              : RTE.left(e)
          )
        )
    ),
    RTE.map((chunks) => chunks.flat().map((repositoryName) => ({ accountId: registry.accountId, region: registry.region, repositoryName })))
  )
}

/** With the tagging capability: GetResources for the tag filter, then DescribeRepositories for the names that pass. */
const getTaggedRepositories = (
  taggingApi: Env.Tagging,
  byName: (s: string) => boolean,
  wanted: ReadonlyArray<ResourceTag>,
  registry?: RegistryRef
): RTE.ReaderTaskEither<Env.EcrEnv, EcrError, ReadonlyArray<Repository.RepositoryRef>> =>
  pipe(
    inRegion(registry),
    RTE.flatMap((r) => {
      const filters = tagFiltersOf(wanted)
      if (filters === undefined) return RTE.right([])
      return pipe(
        RTE.local((env: Env.EcrEnv) => ({ ...env, tagging: taggingApi }))(tagging.taggedRepositories(filters)),
        RTE.map((resources) => {
          const names = new Set<RepositoryName>()
          for (const resource of resources) {
            const ref = Repository.fromArn(resource.arn)
            if (
              E.isRight(ref) &&
              ref.right.accountId === r.accountId &&
              ref.right.region === r.region &&
              byName(ref.right.repositoryName) &&
              hasAll(wanted)(resource.tags)
            )
              names.add(ref.right.repositoryName)
          }
          return [...names]
        }),
        RTE.flatMap((names) => describeNamed(r, names))
      )
    })
  )

/**
 * The repositories whose name passes `filter.name` and that carry every tag of `filter.tags`.
 * Without a tag filter: DescribeRepositories only. With one, and an environment with a tagging
 * capability (`EcrEnv.tagging`): GetResources finds the repositories carrying the tags (one call per
 * 100 of them), and DescribeRepositories confirms those whose name passes (one call per 100), in
 * the order it answers; about R/100 calls in all instead of one per repository. Otherwise the tags of
 * each repository whose name passes are read (ListTagsForResource), at most `env.concurrency` at once.
 * Both ways give the same repositories.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const twin = InMemoryEcr.make()
 * twin.createRepository('team/app', { tags: [{ Key: 'team', Value: 'infra' }] })
 * twin.createRepository('team/db', { tags: [{ Key: 'team', Value: 'data' }] })
 * twin.createRepository('other/app', { tags: [{ Key: 'team', Value: 'infra' }] })
 * const filter = { name: /^team\//, tags: [{ Key: 'team', Value: 'infra' }] }
 * Registry.getRepositories(filter)(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((rs) => rs.map((x) => x.repositoryName))), E.right(['team/app']))
 *   assert.strictEqual(twin.callCount('ListTagsForResource'), 2)
 * })
 * // with the tagging capability: GetResources, then DescribeRepositories for the matches
 * Registry.getRepositories(filter)({ ...twin.env, tagging: twin.tagging })().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((rs) => rs.map((x) => x.repositoryName))), E.right(['team/app']))
 *   assert.strictEqual(twin.callCount('GetResources'), 1)
 * })
 */
export const getRepositories = (
  filter: RepositoryFilter,
  registry?: RegistryRef
): RTE.ReaderTaskEither<Env.EcrEnv, EcrError, ReadonlyArray<Repository.RepositoryRef>> => {
  const byName = nameTest(filter.name)
  const wanted = filter.tags ?? []
  return pipe(
    RTE.ask<Env.EcrEnv>(),
    RTE.flatMap((env) =>
      env.tagging !== undefined && wanted.length > 0
        ? getTaggedRepositories(env.tagging, byName, wanted, registry)
        : pipe(
            listRepositories(registry),
            RTE.map((repos) => repos.filter((r) => byName(r.repositoryName))),
            RTE.flatMap((repos) =>
              wanted.length === 0
                ? RTE.right(repos)
                : pipe(
                    repos,
                    traverseRTE((repo: Repository.RepositoryRef) =>
                      pipe(
                        Repository.getResourceTags(repo),
                        RTE.map(hasAll(wanted)),
                        // deleted since it was listed: not a match
                        RTE.orElse((e) => (e._tag === 'NotFound' && e.resource === 'Repository' ? RTE.right(false) : RTE.left(e)))
                      )
                    ),
                    RTE.map((keep) => repos.filter((_, i) => keep[i] === true))
                  )
            )
          )
    )
  )
}

// -------------------------------------------------------------------------------------
// replication
// -------------------------------------------------------------------------------------

/**
 * The registry's replication configuration (DescribeRegistry): the rules ECR's own replication
 * engine follows for new pushes. A registry without one gives `{ rules: [] }`. Only the
 * environment's own registry can be read (the call takes no registry id): another account or
 * region is an `InvalidArgument`, without a call.
 *
 * @category replication
 * @since 0.1.0
 * @example
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * Registry.getReplicationConfiguration()(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right({ rules: [] }))
 * })
 */
export const getReplicationConfiguration = (
  registry?: RegistryRef
): RTE.ReaderTaskEither<Env.EcrEnv, EcrError, ReplicationConfiguration> => replication.get(registry)

/**
 * Replaces the registry's replication configuration (PutReplicationConfiguration) and answers the
 * configuration ECR stored. The configuration is checked first, without a call: ECR's limits (see
 * `ReplicationConfiguration.codec`), no destination that is the registry itself, and no destination
 * in another partition. `ReplicationConfiguration.empty` turns replication off.
 *
 * @category replication
 * @since 0.1.0
 * @example
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * const to = ReplicationConfiguration.toRegion('eu-west-1', '123456789012')
 * assert.ok(E.isRight(to))
 * const config = ReplicationConfiguration.replicatePrefix('prod/', { to: [to.right] })
 *
 * pipe(
 *   Registry.putReplicationConfiguration(config),
 *   RTE.flatMap(() => Registry.getReplicationConfiguration())
 * )(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(config))
 * })
 *
 * // the source registry itself is no destination: refused before any call
 * const self = ReplicationConfiguration.toRegion('us-east-1', '123456789012')
 * assert.ok(E.isRight(self))
 * const fresh = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * Registry.putReplicationConfiguration(ReplicationConfiguration.replicateAll({ to: [self.right] }))(fresh.env)().then((r) => {
 *   assert.strictEqual(E.isLeft(r) && r.left._tag, 'InvalidArgument')
 *   assert.strictEqual(fresh.callCount(), 0)
 * })
 */
export const putReplicationConfiguration = (
  config: ReplicationConfiguration,
  registry?: RegistryRef
): RTE.ReaderTaskEither<Env.EcrEnv, EcrError, ReplicationConfiguration> => replication.put(config, registry)

/** ListReplicationBackfills' largest page. */
const BACKFILL_PAGE = 50

/**
 * A replication backfill: ECR's own engine copying, to one destination registry, the images that
 * were pushed before a replication rule gave their repository that destination.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { ReplicationBackfill } from 'ecr-fp-ts/Registry'
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * Registry.listReplicationBackfills()(twin.env)().then((r) => {
 *   const none: ReadonlyArray<ReplicationBackfill> = []
 *   assert.deepStrictEqual(r, E.right(none))
 * })
 */
export interface ReplicationBackfill {
  /** ECR's id of the backfill (for `stopReplicationBackfill`). */
  readonly id: string
  /** The registry it copies to. */
  readonly destination: RegistryRef
  /** `PREPARING`, `IN_PROGRESS`, `STOPPING`, `STOPPED`, `COMPLETE` or `FAILED`. */
  readonly status: 'PREPARING' | 'IN_PROGRESS' | 'STOPPING' | 'STOPPED' | 'COMPLETE' | 'FAILED'
  /** When it started. */
  readonly startedAt?: Date
  /** When it ended (none while it runs). */
  readonly endedAt?: Date
  /** Why it failed. */
  readonly failureCode?: string
  /** Its replications (one per image and tag): none while it is `PREPARING`. */
  readonly progress?: {
    /** How many it will make. */
    readonly total: number
    /** How many are done. */
    readonly completed: number
    /** How many failed. */
    readonly failed: number
    /** The distinct failure codes of those. */
    readonly failureCodes: ReadonlyArray<string>
  }
}

/**
 * Starts a replication backfill to `destination` (StartReplicationBackfill) in the registry (default:
 * the environment's): ECR copies there the images of the repositories a replication rule sends
 * there that were pushed before the rule existed. `destination` must be a destination of the
 * registry's replication configuration (else `AwsError` `ValidationException`); one backfill per
 * destination region at a time (`AwsError` `ReplicationBackfillInProgressException`).
 *
 * @category replication
 * @since 0.2.0
 * @example
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import * as ReplicationConfiguration from 'ecr-fp-ts/ReplicationConfiguration'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * twin.pushImage('app', { tag: 'v1' })
 * const to = ReplicationConfiguration.toRegion('eu-west-1', '123456789012')
 * assert.ok(E.isRight(to))
 * pipe(
 *   Registry.putReplicationConfiguration(ReplicationConfiguration.replicateAll({ to: [to.right] })),
 *   RTE.flatMap(() => Registry.startReplicationBackfill({ accountId: twin.accountId, region: to.right.region })),
 *   RTE.tap(() => RTE.fromIO(twin.settle)),
 *   RTE.flatMap(() => Registry.listReplicationBackfills())
 * )(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((bs) => bs.map((b) => [b.status, b.progress?.completed]))), E.right([['COMPLETE', 1]]))
 * })
 */
export const startReplicationBackfill = (
  destination: RegistryRef,
  registry?: RegistryRef
): RTE.ReaderTaskEither<Env.EcrEnv, EcrError, ReplicationBackfill> =>
  pipe(
    inRegion(registry),
    RTE.flatMap((r) =>
      send(
        new StartReplicationBackfillCommand({
          registryId: r.accountId,
          destination: { region: destination.region, registryId: destination.accountId }
        })
      )
    ),
    RTE.flatMapEither(State.backfill('StartReplicationBackfill'))
  )

/**
 * Stops a replication backfill (StopReplicationBackfill) and answers it (`STOPPING` or `STOPPED`).
 * An unknown id is `AwsError` `ReplicationBackfillNotFoundException`; one that has ended,
 * `ReplicationBackfillInvalidStatusException`.
 *
 * @category replication
 * @since 0.2.0
 * @example
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * Registry.stopReplicationBackfill('no-such-backfill')(twin.env)().then((r) => {
 *   assert.ok(E.isLeft(r) && r.left._tag === 'AwsError' && r.left.code === 'ReplicationBackfillNotFoundException')
 * })
 */
export const stopReplicationBackfill = (
  id: string,
  registry?: RegistryRef
): RTE.ReaderTaskEither<Env.EcrEnv, EcrError, ReplicationBackfill> =>
  pipe(
    inRegion(registry),
    RTE.flatMap((r) => send(new StopReplicationBackfillCommand({ registryId: r.accountId, replicationBackfillId: id }))),
    RTE.flatMapEither(State.backfill('StopReplicationBackfill'))
  )

/**
 * Every replication backfill of the registry, running or ended (ListReplicationBackfills, every
 * page of 50).
 *
 * @category replication
 * @since 0.2.0
 * @example
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * Registry.listReplicationBackfills()(twin.env)().then((r) => assert.deepStrictEqual(r, E.right([])))
 */
export const listReplicationBackfills = (
  registry?: RegistryRef
): RTE.ReaderTaskEither<Env.EcrEnv, EcrError, ReadonlyArray<ReplicationBackfill>> =>
  pipe(
    inRegion(registry),
    RTE.flatMap((r) =>
      paginate('ListReplicationBackfills', (nextToken) =>
        pipe(
          send(
            new ListReplicationBackfillsCommand({
              registryId: r.accountId,
              maxResults: BACKFILL_PAGE,
              ...(nextToken === undefined ? {} : { nextToken })
            })
          ),
          RTE.flatMapEither(State.listBackfills)
        )
      )
    )
  )
