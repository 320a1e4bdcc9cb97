import { describe, expect, it } from 'vitest'
import { cliOver, expectFailure, expectUsageError, hostOf, lines, makeTwin, push } from './harness'

describe('ecr-fp-ts replication status / backfill', () => {
  it('status: a line per destination; --json: the image and its replications', async () => {
    const twin = makeTwin()
    const image = push(twin, 'app', { tag: 'v1' })
    const cli = cliOver(twin)
    expect(lines((await cli('replication', 'status', 'app:v1')).stdout)[0]).toContain('no replication')
    twin.setReplicationStatus('app', 'v1', { region: 'eu-west-1', registryId: twin.accountId, status: 'FAILED', failureCode: 'KMS_ERROR' })
    expect((await cli('replication', 'status', 'app:v1')).stdout).toBe(`eu-west-1 ${twin.accountId} FAILED KMS_ERROR\n`)
    const json = JSON.parse((await cli('--json', 'replication', 'status', 'app:v1')).stdout)
    expect(json).toMatchObject({
      uri: `${hostOf(twin)}/app@${image.imageDigest}`,
      replications: [{ region: 'eu-west-1', registryId: twin.accountId, status: 'FAILED', failureCode: 'KMS_ERROR' }]
    })
  })

  it('backfill start, list, stop; a destination without a rule fails; a malformed destination is a usage error', async () => {
    const twin = makeTwin({ backfillMs: 60_000 })
    push(twin, 'app', { tag: 'v1' })
    const cli = cliOver(twin)
    expect(expectFailure(await cli('replication', 'backfill', 'start', 'eu-west-1'))).toContain('not in the replication configuration')
    expect((await cli('replication', 'put', '--to', 'eu-west-1')).code).toBe(0)
    const started = await cli('--json', 'replication', 'backfill', 'start', 'eu-west-1')
    expect(started.code).toBe(0)
    const b = JSON.parse(started.stdout) as { id: string; status: string; destination: { uri: string } }
    expect(b.status).toBe('PREPARING')
    expect(b.destination.uri).toBe(`${twin.accountId}.dkr.ecr.eu-west-1.amazonaws.com`)
    const listed = await cli('replication', 'backfill', 'list')
    expect(lines(listed.stdout)).toEqual([`${b.id} IN_PROGRESS eu-west-1:${twin.accountId} 0/1`])
    const stopped = await cli('replication', 'backfill', 'stop', b.id)
    expect(stopped.stdout).toMatch(new RegExp(`^${b.id} STOPPED`))
    const listJson = JSON.parse((await cli('--json', 'replication', 'backfill', 'list')).stdout) as ReadonlyArray<{ id: string }>
    expect(listJson.map((x) => x.id)).toEqual([b.id])
    twin.resetCalls()
    expectUsageError(await cli('replication', 'backfill', 'start', 'mars-1'))
    expect(twin.callCount()).toBe(0)
  })
})
