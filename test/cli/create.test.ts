import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { toCreateOptions } from '../../src/cli/commands/create'
import * as Repository from '../../src/Repository'
import type { InMemoryEcr } from '../../src/testing/InMemoryEcr'
import { cliOver, createRepository, expectFailure, expectUsageError, hostOf, makeTwin } from './harness'

const mutability = async (twin: InMemoryEcr, name: string) =>
  (await twin.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))).repositories?.[0]?.imageTagMutability

const tagsOf = async (twin: InMemoryEcr, name: string) => {
  const r = await Repository.getResourceTags({ accountId: twin.accountId, region: twin.region, repositoryName: name as never })(twin.env)()
  return E.isRight(r) ? [...r.right].sort((a, b) => a.Key.localeCompare(b.Key)) : r.left
}

describe('ecr-fp-ts create', () => {
  it('creates a mutable repository and prints its URI', async () => {
    const twin = makeTwin()
    const r = await cliOver(twin)('create', 'team/app')
    expect(r).toMatchObject({ code: 0, stdout: `${hostOf(twin)}/team/app\n`, stderr: '' })
    expect(await mutability(twin, 'team/app')).toBe('MUTABLE')
    expect(await tagsOf(twin, 'team/app')).toEqual([])
  })

  it('--immutable and --tag K=V (variadic and repeated; a value may be empty or hold =)', async () => {
    const twin = makeTwin()
    const r = await cliOver(twin)('create', 'app', '--immutable', '--tag', 'team=infra', 'note=a=b', '--tag', 'empty=')
    expect(r.code).toBe(0)
    expect(await mutability(twin, 'app')).toBe('IMMUTABLE')
    expect(await tagsOf(twin, 'app')).toEqual([
      { Key: 'empty', Value: '' },
      { Key: 'note', Value: 'a=b' },
      { Key: 'team', Value: 'infra' }
    ])
  })

  it('an existing repository is kept and gets the tags; --json gives the ref and URI', async () => {
    const twin = makeTwin()
    createRepository(twin, 'app', { tags: [{ Key: 'a', Value: '1' }] })
    const r = await cliOver(twin)('--json', 'create', 'app', '--tag', 'b=2')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      accountId: twin.accountId,
      region: twin.region,
      repositoryName: 'app',
      uri: `${hostOf(twin)}/app`
    })
    expect(await tagsOf(twin, 'app')).toEqual([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' }
    ])
  })

  it('a repository URI', async () => {
    const twin = makeTwin()
    const r = await cliOver(twin)('create', `${hostOf(twin)}/by/uri`)
    expect([r.code, r.stdout]).toEqual([0, `${hostOf(twin)}/by/uri\n`])
    expect(await mutability(twin, 'by/uri')).toBe('MUTABLE')
  })

  it('an invalid name: exit 1 before any call; a bad tag: exit 2 before any call', async () => {
    const twin = makeTwin()
    expect(expectFailure(await cliOver(twin)('create', 'Team/App'))).toMatch(/Team\/App/)
    expect(expectUsageError(await cliOver(twin)('create', 'app', '--tag', 'novalue'))).toMatch(/KEY=VALUE/)
    expect(twin.calls).toHaveLength(0)
  })

  it('options to Repository.create', () => {
    expect(toCreateOptions({})).toEqual({ imageTagMutability: 'MUTABLE' })
    expect(toCreateOptions({ immutable: true, tag: [{ Key: 'k', Value: 'v' }] })).toEqual({
      imageTagMutability: 'IMMUTABLE',
      tags: [{ Key: 'k', Value: 'v' }]
    })
  })
})
