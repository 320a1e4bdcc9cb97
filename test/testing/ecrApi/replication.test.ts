import {
  DescribeImageReplicationStatusCommand,
  DescribeReplicationBackfillResultsCommand,
  ImageNotFoundException,
  InvalidParameterException,
  LimitExceededException,
  ListReplicationBackfillsCommand,
  PutReplicationConfigurationCommand,
  ReplicationBackfillInProgressException,
  ReplicationBackfillInvalidStatusException,
  ReplicationBackfillNotFoundException,
  RepositoryNotFoundException,
  StartReplicationBackfillCommand,
  StopReplicationBackfillCommand,
  ValidationException
} from '@aws-sdk/client-ecr'
import { describe, expect, it } from 'vitest'
import { InMemoryEcr } from '../../../src/testing'
import { push, rejection } from '../fixtures'

const ACCOUNT = '123456789012'
const WEST = { region: 'us-west-2', registryId: ACCOUNT }
const EU = { region: 'eu-west-1', registryId: ACCOUNT }

const configure = (twin: InMemoryEcr.InMemoryEcr, prefix = 'prod') =>
  twin.ecr.send(
    new PutReplicationConfigurationCommand({
      replicationConfiguration: {
        rules: [{ destinations: [WEST, EU], repositoryFilters: [{ filter: prefix, filterType: 'PREFIX_MATCH' }] }]
      }
    })
  )

const statusOf = async (twin: InMemoryEcr.InMemoryEcr, repositoryName: string, imageTag: string) =>
  (await twin.ecr.send(new DescribeImageReplicationStatusCommand({ repositoryName, imageId: { imageTag } })))
    .replicationStatuses

describe('DescribeImageReplicationStatus', () => {
  it('an image pushed under a rule is COMPLETE in each destination of the rules matching its repository', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'prod/api', { tag: 'before' })
    await configure(twin)
    push(twin, 'prod/api', { tag: 'after' })
    push(twin, 'dev/api', { tag: 'after' })
    expect(await statusOf(twin, 'prod/api', 'before')).toEqual([])
    expect(await statusOf(twin, 'prod/api', 'after')).toEqual([
      { ...WEST, status: 'COMPLETE' },
      { ...EU, status: 'COMPLETE' }
    ])
    expect(await statusOf(twin, 'dev/api', 'after')).toEqual([])
  })

  it('reports what a test sets, and fails for an unknown image', async () => {
    const twin = InMemoryEcr.make()
    await configure(twin)
    push(twin, 'prod/api', { tag: 'v1' })
    twin.setReplicationStatus('prod/api', 'v1', { ...EU, status: 'FAILED', failureCode: 'KMS_ERROR' })
    expect(await statusOf(twin, 'prod/api', 'v1')).toEqual([
      { ...WEST, status: 'COMPLETE' },
      { ...EU, status: 'FAILED', failureCode: 'KMS_ERROR' }
    ])
    expect(await rejection(statusOf(twin, 'prod/api', 'none'))).toBeInstanceOf(ImageNotFoundException)
  })
})

describe('replication backfills', () => {
  it('replicates the images pushed before the rule: PREPARING, IN_PROGRESS, then COMPLETE with per-image results', async () => {
    let t = Date.parse('2025-01-01T00:00:00Z')
    const twin = InMemoryEcr.make({ now: () => new Date(t), backfillMs: 10_000 })
    const old = push(twin, 'prod/api', { tags: ['v1', 'v2'] })
    const untagged = push(twin, 'prod/api')
    push(twin, 'dev/api', { tag: 'v1' })
    await configure(twin)
    push(twin, 'prod/api', { tag: 'new' }) // replicated already
    const started = await twin.ecr.send(new StartReplicationBackfillCommand({ destination: WEST }))
    expect(started).toMatchObject({ registryId: ACCOUNT, destination: WEST, status: 'PREPARING', startedAt: new Date(t) })
    const id = started.replicationBackfillId ?? ''
    t += 5_000
    const list = await twin.ecr.send(new ListReplicationBackfillsCommand({}))
    expect(list.backfills).toEqual([
      {
        replicationBackfillId: id,
        destination: WEST,
        status: 'IN_PROGRESS',
        progress: { totalReplicationCount: 3, completedReplicationCount: 1, failedReplicationCount: 0, failureCodes: [] },
        startedAt: new Date(t - 5_000)
      }
    ])
    const early = await twin.ecr.send(new DescribeReplicationBackfillResultsCommand({ replicationBackfillId: id }))
    expect([early.status, early.results]).toEqual(['IN_PROGRESS', []])
    t += 5_000
    const done = await twin.ecr.send(new DescribeReplicationBackfillResultsCommand({ replicationBackfillId: id }))
    expect(done).toMatchObject({ status: 'COMPLETE', endedAt: new Date(t), destination: WEST })
    expect(done.results).toEqual([
      { repositoryName: 'prod/api', imageId: { imageDigest: old.imageDigest, imageTag: 'v1' }, status: 'COMPLETE' },
      { repositoryName: 'prod/api', imageId: { imageDigest: old.imageDigest, imageTag: 'v2' }, status: 'COMPLETE' },
      { repositoryName: 'prod/api', imageId: { imageDigest: untagged.imageDigest }, status: 'COMPLETE' }
    ])
    expect(await statusOf(twin, 'prod/api', 'v1')).toEqual([{ ...WEST, status: 'COMPLETE' }])
    const failedOnly = await twin.ecr.send(
      new DescribeReplicationBackfillResultsCommand({ replicationBackfillId: id, resultStatusFilter: 'FAILED' })
    )
    expect(failedOnly.results).toEqual([])
  })

  it('one backfill per destination region at a time; stop ends it, and a stopped one cannot be stopped', async () => {
    const twin = InMemoryEcr.make({ backfillMs: 3_600_000 })
    await configure(twin)
    const first = await twin.ecr.send(new StartReplicationBackfillCommand({ destination: WEST }))
    expect(await rejection(twin.ecr.send(new StartReplicationBackfillCommand({ destination: WEST })))).toBeInstanceOf(
      ReplicationBackfillInProgressException
    )
    await twin.ecr.send(new StartReplicationBackfillCommand({ destination: EU }))
    const stopped = await twin.ecr.send(
      new StopReplicationBackfillCommand({ replicationBackfillId: first.replicationBackfillId })
    )
    expect(stopped).toMatchObject({ status: 'STOPPED', destination: WEST })
    expect(
      await rejection(twin.ecr.send(new StopReplicationBackfillCommand({ replicationBackfillId: first.replicationBackfillId })))
    ).toBeInstanceOf(ReplicationBackfillInvalidStatusException)
    await twin.ecr.send(new StartReplicationBackfillCommand({ destination: WEST }))
    twin.settle()
    const all = await twin.ecr.send(new ListReplicationBackfillsCommand({}))
    expect(all.backfills?.map((b) => [b.destination?.region, b.status])).toEqual([
      ['us-west-2', 'STOPPED'],
      ['eu-west-1', 'COMPLETE'],
      ['us-west-2', 'COMPLETE']
    ])
  })

  it('needs a configured destination and a known id; pages by 25 (at most 50)', async () => {
    const twin = InMemoryEcr.make()
    expect(await rejection(twin.ecr.send(new StartReplicationBackfillCommand({ destination: WEST })))).toBeInstanceOf(
      ValidationException
    )
    await configure(twin)
    expect(
      await rejection(twin.ecr.send(new StartReplicationBackfillCommand({ destination: { region: 'us-west-2', registryId: 'x' } })))
    ).toBeInstanceOf(InvalidParameterException)
    for (const send of [
      () => twin.ecr.send(new StopReplicationBackfillCommand({ replicationBackfillId: 'nope' })),
      () => twin.ecr.send(new DescribeReplicationBackfillResultsCommand({ replicationBackfillId: 'nope' }))
    ]) {
      expect(await rejection(send())).toBeInstanceOf(ReplicationBackfillNotFoundException)
    }
    for (let i = 0; i < 30; i++) await twin.ecr.send(new StartReplicationBackfillCommand({ destination: i % 2 === 0 ? WEST : EU }))
    const first = await twin.ecr.send(new ListReplicationBackfillsCommand({}))
    expect(first.backfills).toHaveLength(25)
    const second = await twin.ecr.send(new ListReplicationBackfillsCommand({ nextToken: first.nextToken }))
    expect([second.backfills?.length, second.nextToken]).toEqual([5, undefined])
    expect(await rejection(twin.ecr.send(new ListReplicationBackfillsCommand({ maxResults: 51 })))).toBeInstanceOf(
      InvalidParameterException
    )
  })
})

describe('replication: limits and pages', () => {
  it('at most 10 backfills in progress per registry (LimitExceededException)', async () => {
    const twin = InMemoryEcr.make({ backfillMs: 3_600_000 })
    const regions = Array.from({ length: 11 }, (_, i) => `region-${i}`)
    await twin.ecr.send(
      new PutReplicationConfigurationCommand({
        replicationConfiguration: { rules: [{ destinations: regions.map((region) => ({ region, registryId: ACCOUNT })) }] }
      })
    )
    for (const region of regions.slice(0, 10))
      await twin.ecr.send(new StartReplicationBackfillCommand({ destination: { region, registryId: ACCOUNT } }))
    const e = await rejection(
      twin.ecr.send(new StartReplicationBackfillCommand({ destination: { region: 'region-10', registryId: ACCOUNT } }))
    )
    expect(e).toBeInstanceOf(LimitExceededException)
    twin.settle()
    await twin.ecr.send(new StartReplicationBackfillCommand({ destination: { region: 'region-10', registryId: ACCOUNT } }))
  })

  it('pages backfill results by 100 (maxResults up to 1000)', async () => {
    const twin = InMemoryEcr.make()
    for (let i = 0; i < 150; i++) push(twin, 'prod/api', { tag: `v${i}` })
    await configure(twin)
    const id = (await twin.ecr.send(new StartReplicationBackfillCommand({ destination: EU }))).replicationBackfillId
    const first = await twin.ecr.send(new DescribeReplicationBackfillResultsCommand({ replicationBackfillId: id }))
    const second = await twin.ecr.send(
      new DescribeReplicationBackfillResultsCommand({ replicationBackfillId: id, nextToken: first.nextToken })
    )
    expect([first.results?.length, second.results?.length, second.nextToken]).toEqual([100, 50, undefined])
    const all = await twin.ecr.send(new DescribeReplicationBackfillResultsCommand({ replicationBackfillId: id, maxResults: 1000 }))
    expect(all.results?.map((r) => r.imageId?.imageTag)).toEqual(Array.from({ length: 150 }, (_, i) => `v${i}`))
    expect(
      await rejection(twin.ecr.send(new DescribeReplicationBackfillResultsCommand({ replicationBackfillId: id, maxResults: 1001 })))
    ).toBeInstanceOf(InvalidParameterException)
  })

  it('the status of an image needs its repository', async () => {
    const twin = InMemoryEcr.make()
    expect(await rejection(statusOf(twin, 'nope', 'v1'))).toBeInstanceOf(RepositoryNotFoundException)
  })
})
