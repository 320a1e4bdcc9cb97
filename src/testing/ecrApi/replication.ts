/**
 * Native replication in the twin's ECR API: the registry's replication configuration, each image's
 * replication status and replication backfills (ECR's own engine copying the images that were pushed
 * before a rule existed; one backfill per destination region at a time).
 *
 * The twin does not copy anything: an image pushed while a rule gives its repository a destination
 * is `COMPLETE` there at once, a backfill marks what it replicates `COMPLETE` when it completes, and
 * a test may set any status (`twin.setReplicationStatus`).
 *
 * @since 0.2.0
 */
import {
  LimitExceededException,
  ReplicationBackfillInProgressException,
  ReplicationBackfillInvalidStatusException,
  ReplicationBackfillNotFoundException,
  ValidationException
} from '@aws-sdk/client-ecr'
import { randomUUID } from 'crypto'
import * as E from 'fp-ts/Either'
import * as Store from '../store'
import {
  constraint,
  enumOf,
  fail,
  fieldsOf,
  imageIdOf,
  invalidParameter,
  locate,
  maxResultsOf,
  pageOf,
  registryIdOf,
  resolveId
} from './common'
import type { Context, Handler, Input, Output } from './common'

// -------------------------------------------------------------------------------------
// configuration and status
// -------------------------------------------------------------------------------------

const copyJson = (u: unknown): unknown => JSON.parse(JSON.stringify(u))

/** @internal */
export const describeRegistry: Handler = (ctx) =>
  E.right({ registryId: ctx.store.accountId, replicationConfiguration: copyJson(ctx.store.replicationConfiguration) })

/** @internal */
export const putReplicationConfiguration: Handler = (ctx, input) => {
  const rules = fieldsOf(input.replicationConfiguration).rules
  if (!Array.isArray(rules)) return constraint('replicationConfiguration.rules', 'Member must not be null')
  if (rules.length > 10)
    return constraint('replicationConfiguration.rules', 'Member must have length less than or equal to 10')
  for (const r of rules as ReadonlyArray<unknown>) {
    const destinations = fieldsOf(r).destinations
    if (!Array.isArray(destinations) || destinations.length < 1 || destinations.length > 100)
      return constraint('replicationConfiguration.rules.destinations', 'Member must have length between 1 and 100')
  }
  const copied = copyJson(rules)
  ctx.store.replicationConfiguration = { rules: Array.isArray(copied) ? copied : [] }
  return E.right({ replicationConfiguration: copyJson({ rules }) })
}

/** @internal */
export const describeImageReplicationStatus: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const id = imageIdOf(input)
  if (E.isLeft(id)) return id
  const image = resolveId(located.right, id.right)
  if (E.isLeft(image)) return image
  return E.right({
    repositoryName: located.right.repo.name,
    imageId: {
      imageDigest: image.right.digest,
      ...(id.right.imageTag === undefined ? {} : { imageTag: id.right.imageTag })
    },
    replicationStatuses: [...image.right.replications.values()].map((s) => ({
      region: s.region,
      registryId: s.registryId,
      status: s.status,
      ...(s.failureCode === undefined ? {} : { failureCode: s.failureCode })
    }))
  })
}

// -------------------------------------------------------------------------------------
// backfills
// -------------------------------------------------------------------------------------

/** ECR's limit of backfills in progress per registry. */
const MAX_IN_PROGRESS = 10

type BackfillStatus = 'PREPARING' | 'IN_PROGRESS' | 'COMPLETE' | 'STOPPED'

/** @internal A backfill's status now; a backfill whose time has come completes (and records its replications). */
export const backfillStatus = (store: Store.Store, b: Store.BackfillRecord): BackfillStatus => {
  if (b.stoppedAt !== undefined) return 'STOPPED'
  if (store.now().getTime() < b.endsAt) return 'IN_PROGRESS'
  if (!b.applied) {
    b.applied = true
    const key = Store.destinationKey(b.destination)
    for (const item of b.items) {
      const image = store.repositories.get(item.repositoryName)?.images.get(item.imageDigest)
      image?.replications.set(key, { ...b.destination, status: 'COMPLETE' })
    }
  }
  return 'COMPLETE'
}

/** @internal Completes every backfill in progress now. */
export const finishBackfills = (store: Store.Store): void => {
  const now = store.now().getTime()
  for (const b of store.backfills) {
    if (b.stoppedAt === undefined && now < b.endsAt) {
      b.endsAt = now
      backfillStatus(store, b)
    }
  }
}

/** How many of a backfill's replications are done: all when complete, in proportion to time before. */
const completedCount = (store: Store.Store, b: Store.BackfillRecord, status: BackfillStatus): number => {
  if (status === 'COMPLETE') return b.items.length
  const at = b.stoppedAt ?? store.now().getTime()
  const span = b.endsAt - b.startedAt
  return span <= 0 ? 0 : Math.min(b.items.length, Math.floor((b.items.length * (at - b.startedAt)) / span))
}

const destinationOut = (d: Store.Destination): Output => ({ region: d.region, registryId: d.registryId })

const summaryOf = (store: Store.Store, b: Store.BackfillRecord, status = backfillStatus(store, b)): Output => {
  const completed = completedCount(store, b, status)
  const ended = status === 'COMPLETE' ? b.endsAt : status === 'STOPPED' ? b.stoppedAt : undefined
  return {
    replicationBackfillId: b.id,
    destination: destinationOut(b.destination),
    status,
    progress: {
      totalReplicationCount: b.items.length,
      completedReplicationCount: completed,
      failedReplicationCount: 0,
      failureCodes: []
    },
    startedAt: new Date(b.startedAt),
    ...(ended === undefined ? {} : { endedAt: new Date(ended) })
  }
}

/** The image-and-tag replications a backfill to `destination` would make now. */
const backfillItems = (ctx: Context, destination: Store.Destination): ReadonlyArray<Store.BackfillItem> => {
  const key = Store.destinationKey(destination)
  const items: Array<Store.BackfillItem> = []
  for (const repo of Store.seqListFrom(ctx.store.repositoryOrder)) {
    if (!Store.destinationsOf(ctx.store, repo.name).some((d) => Store.destinationKey(d) === key)) continue
    for (const image of Store.seqListFrom(repo.order)) {
      if (image.replications.get(key)?.status === 'COMPLETE') continue
      if (Store.statusOf(ctx.store, repo, image) !== 'ACTIVE') continue
      const tags = [...image.tags].sort()
      if (tags.length === 0) items.push({ repositoryName: repo.name, imageDigest: image.digest, imageTag: undefined })
      for (const imageTag of tags) items.push({ repositoryName: repo.name, imageDigest: image.digest, imageTag })
    }
  }
  return items
}

const ownRegistry = (ctx: Context, input: Input): E.Either<Error, string> => {
  const registryId = registryIdOf(ctx, input)
  return registryId === ctx.store.accountId
    ? E.right(registryId)
    : invalidParameter(`Invalid parameter at 'registryId': the registry ${registryId} is not this account's`)
}

const backfillNotFound = (id: string, registryId: string) =>
  fail<never>(
    ReplicationBackfillNotFoundException,
    `The replication backfill with id '${id}' does not exist in the registry with id '${registryId}'`
  )

const backfillOf = (ctx: Context, input: Input, registryId: string): E.Either<Error, Store.BackfillRecord> => {
  const id = input.replicationBackfillId
  if (typeof id !== 'string' || id.length === 0) return constraint<never>('replicationBackfillId', 'Member must not be null')
  const found = ctx.store.backfills.find((b) => b.id === id)
  return found === undefined ? backfillNotFound(id, registryId) : E.right(found)
}

/** @internal */
export const startReplicationBackfill: Handler = (ctx, input) => {
  const registryId = ownRegistry(ctx, input)
  if (E.isLeft(registryId)) return registryId
  const d = fieldsOf(input.destination)
  if (typeof d.region !== 'string' || d.region.length === 0) return constraint('destination.region', 'Member must not be null')
  if (typeof d.registryId !== 'string' || !/^[0-9]{12}$/.test(d.registryId))
    return constraint('destination.registryId', 'Member must satisfy regular expression pattern: [0-9]{12}')
  const destination = { region: d.region, registryId: d.registryId }
  const key = Store.destinationKey(destination)
  const configured = ctx.store.replicationConfiguration.rules.some((r) =>
    Array.isArray(fieldsOf(r).destinations)
      ? (fieldsOf(r).destinations as ReadonlyArray<unknown>).some((u) => {
          const o = fieldsOf(u)
          return o.region === destination.region && o.registryId === destination.registryId
        })
      : false
  )
  if (!configured)
    return fail(
      ValidationException,
      `The destination '${key}' is not in the replication configuration of the registry with id '${registryId.right}'`
    )
  const inProgress = ctx.store.backfills.filter((b) => {
    const status = backfillStatus(ctx.store, b)
    return status === 'PREPARING' || status === 'IN_PROGRESS'
  })
  if (inProgress.some((b) => b.destination.region === destination.region))
    return fail(
      ReplicationBackfillInProgressException,
      `A replication backfill is already in progress for the destination Region '${destination.region}'`
    )
  if (inProgress.length >= MAX_IN_PROGRESS)
    return fail(
      LimitExceededException,
      `The registry already has ${MAX_IN_PROGRESS} replication backfills in progress, which is the maximum`
    )
  const now = ctx.store.now().getTime()
  const backfill: Store.BackfillRecord = {
    id: randomUUID(),
    destination,
    startedAt: now,
    endsAt: now + ctx.store.timing.backfillMs,
    items: backfillItems(ctx, destination),
    stoppedAt: undefined,
    applied: false
  }
  ctx.store.backfills.push(backfill)
  return E.right({
    replicationBackfillId: backfill.id,
    registryId: registryId.right,
    destination: destinationOut(destination),
    status: 'PREPARING',
    startedAt: new Date(now)
  })
}

/** @internal */
export const stopReplicationBackfill: Handler = (ctx, input) => {
  const registryId = ownRegistry(ctx, input)
  if (E.isLeft(registryId)) return registryId
  const backfill = backfillOf(ctx, input, registryId.right)
  if (E.isLeft(backfill)) return backfill
  const b = backfill.right
  const status = backfillStatus(ctx.store, b)
  if (status !== 'IN_PROGRESS' && status !== 'PREPARING')
    return fail(
      ReplicationBackfillInvalidStatusException,
      `The replication backfill with id '${b.id}' is ${status} and cannot be stopped`
    )
  b.stoppedAt = ctx.store.now().getTime()
  return E.right({
    registryId: registryId.right,
    replicationBackfillId: b.id,
    destination: destinationOut(b.destination),
    status: 'STOPPED',
    startedAt: new Date(b.startedAt)
  })
}

/** @internal */
export const listReplicationBackfills: Handler = (ctx, input) => {
  const registryId = ownRegistry(ctx, input)
  if (E.isLeft(registryId)) return registryId
  const max = maxResultsOf(input, { max: 50, default: 25 })
  if (E.isLeft(max)) return max
  const page = pageOf(input, 'ListReplicationBackfills', registryId.right, ctx.store.backfills, max.right)
  if (E.isLeft(page)) return page
  return E.right({
    registryId: registryId.right,
    backfills: page.right.page.map((b) => summaryOf(ctx.store, b)),
    ...(page.right.nextToken === undefined ? {} : { nextToken: page.right.nextToken })
  })
}

/** @internal Per-image results, once the backfill has ended. */
export const describeReplicationBackfillResults: Handler = (ctx, input) => {
  const registryId = ownRegistry(ctx, input)
  if (E.isLeft(registryId)) return registryId
  const backfill = backfillOf(ctx, input, registryId.right)
  if (E.isLeft(backfill)) return backfill
  const filter = input.resultStatusFilter
  const wanted =
    filter === undefined || filter === null
      ? E.right(undefined)
      : enumOf(filter, 'resultStatusFilter', ['COMPLETE', 'FAILED'], 'COMPLETE')
  if (E.isLeft(wanted)) return wanted
  const max = maxResultsOf(input)
  if (E.isLeft(max)) return max
  const b = backfill.right
  const summary = summaryOf(ctx.store, b)
  const status = summary.status as BackfillStatus
  const ended = status === 'COMPLETE' || status === 'STOPPED'
  const done = b.items.slice(0, completedCount(ctx.store, b, status))
  // every replication of the twin succeeds: FAILED selects none
  const results = !ended || wanted.right === 'FAILED' ? [] : done
  const page = pageOf(input, 'DescribeReplicationBackfillResults', `${b.id}#${wanted.right ?? ''}`, results, max.right)
  if (E.isLeft(page)) return page
  return E.right({
    ...summary,
    registryId: registryId.right,
    results: page.right.page.map((item) => ({
      repositoryName: item.repositoryName,
      imageId: { imageDigest: item.imageDigest, ...(item.imageTag === undefined ? {} : { imageTag: item.imageTag }) },
      status: 'COMPLETE'
    })),
    ...(page.right.nextToken === undefined ? {} : { nextToken: page.right.nextToken })
  })
}
