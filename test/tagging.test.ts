// Registry.getRepositories with the tagging capability (EcrEnv.tagging): GetResources, then
// DescribeRepositories for the matches; the same repositories as without it.
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import { describe, expect, it } from 'vitest'
import type * as Env from '../src/Env'
import type { EcrError } from '../src/EcrError'
import type { AccountId, Region, ResourceTag } from '../src/Primitives'
import * as Registry from '../src/Registry'
import { InMemoryEcr } from '../src/testing'

const ACCOUNT = '123456789012' as AccountId
const REGION = 'us-west-2' as Region
const arn = (name: string, account: string = ACCOUNT, region: string = REGION) => `arn:aws:ecr:${region}:${account}:repository/${name}`

const names = (r: E.Either<EcrError, ReadonlyArray<{ readonly repositoryName: string }>>) =>
  pipe(
    r,
    E.map((rs) => rs.map((x) => x.repositoryName))
  )

type Send = (command: unknown) => Promise<unknown>

/** A tagging client answering what `twin.tagging` answers, changed by `f`. */
const rewriting = (twin: InMemoryEcr.InMemoryEcr, f: (out: Record<string, unknown>) => unknown): Env.Tagging => ({
  send: ((command: unknown) => (twin.tagging.send as unknown as Send)(command).then((out) => f(out as Record<string, unknown>))) as unknown as Env.Tagging['send']
})

const twinWith = (repos: ReadonlyArray<readonly [string, ReadonlyArray<ResourceTag>]>) => {
  const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
  for (const [name, tags] of repos) expect(E.isRight(twin.createRepository(name, { tags }))).toBe(true)
  twin.resetCalls()
  return twin
}

describe('getRepositories with EcrEnv.tagging', () => {
  it('GetResources asks for ECR repositories with one filter per key, in pages of 100', async () => {
    const twin = twinWith([
      ['app', [{ Key: 'team', Value: 'infra' }, { Key: 'env', Value: 'prod' }]],
      ['db', [{ Key: 'team', Value: 'infra' }]]
    ])
    const tags = [{ Key: 'team', Value: 'infra' }, { Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'infra' }]
    const r = await Registry.getRepositories({ tags })({ ...twin.env, tagging: twin.tagging })()
    expect(names(r)).toEqual(E.right(['app']))
    const call = twin.calls.find((c) => c.operation === 'GetResources')
    expect(call?.input).toEqual({
      ResourceTypeFilters: ['ecr:repository'],
      TagFilters: [{ Key: 'team', Values: ['infra'] }, { Key: 'env', Values: ['prod'] }],
      ResourcesPerPage: 100
    })
    expect(twin.calls.map((c) => c.operation)).toEqual(['GetResources', 'DescribeRepositories'])
  })

  it('no tag filter: the tagging API is not used', async () => {
    const twin = twinWith([['app', [{ Key: 'team', Value: 'infra' }]]])
    expect(names(await Registry.getRepositories({ name: 'app' })({ ...twin.env, tagging: twin.tagging })())).toEqual(E.right(['app']))
    expect(twin.calls.map((c) => c.operation)).toEqual(['DescribeRepositories'])
  })

  it('a key wanted with two values matches nothing, without a call', async () => {
    const twin = twinWith([['app', [{ Key: 'team', Value: 'infra' }]]])
    const tags = [{ Key: 'team', Value: 'infra' }, { Key: 'team', Value: 'data' }]
    expect(await Registry.getRepositories({ tags })({ ...twin.env, tagging: twin.tagging })()).toEqual(E.right([]))
    expect(twin.callCount()).toBe(0)
  })

  it('the name filter applies before DescribeRepositories; nothing left: no DescribeRepositories', async () => {
    const twin = twinWith([
      ['team/app', [{ Key: 'k', Value: 'v' }]],
      ['other/app', [{ Key: 'k', Value: 'v' }]]
    ])
    const env = { ...twin.env, tagging: twin.tagging }
    expect(names(await Registry.getRepositories({ name: /^team\//, tags: [{ Key: 'k', Value: 'v' }] })(env)())).toEqual(E.right(['team/app']))
    expect(twin.calls.find((c) => c.operation === 'DescribeRepositories')?.input).toMatchObject({ repositoryNames: ['team/app'] })
    twin.resetCalls()
    expect(await Registry.getRepositories({ name: 'nothing', tags: [{ Key: 'k', Value: 'v' }] })(env)()).toEqual(E.right([]))
    expect(twin.calls.map((c) => c.operation)).toEqual(['GetResources'])
  })

  it('a repository the tagging API still lists after its deletion is left out; other accounts and regions too', async () => {
    const twin = twinWith([
      ['app', [{ Key: 'k', Value: 'v' }]],
      ['web', [{ Key: 'k', Value: 'v' }]]
    ])
    const stale = rewriting(twin, (out) => ({
      ...out,
      ResourceTagMappingList: [
        ...(out['ResourceTagMappingList'] as ReadonlyArray<unknown>),
        { ResourceARN: arn('gone'), Tags: [{ Key: 'k', Value: 'v' }] },
        { ResourceARN: arn('elsewhere', '210987654321'), Tags: [{ Key: 'k', Value: 'v' }] },
        { ResourceARN: arn('elsewhere', ACCOUNT, 'eu-west-1'), Tags: [{ Key: 'k', Value: 'v' }] },
        { ResourceARN: 'not an arn', Tags: [{ Key: 'k', Value: 'v' }] },
        // a service that ignores the filter: the tags are checked again
        { ResourceARN: arn('untagged'), Tags: [] }
      ]
    }))
    const r = await Registry.getRepositories({ tags: [{ Key: 'k', Value: 'v' }] })({ ...twin.env, tagging: stale })()
    expect(names(r)).toEqual(E.right(['app', 'web']))
    // the chunk naming `gone` fails as a whole, then each name is asked alone
    expect(twin.callCount('DescribeRepositories')).toBe(4)
  })

  it('an answer of the wrong shape is a DecodeError; a failing client an AwsError', async () => {
    const twin = twinWith([['app', [{ Key: 'k', Value: 'v' }]]])
    const wrong = rewriting(twin, () => ({ ResourceTagMappingList: [{ ResourceARN: 42 }] }))
    expect(await Registry.getRepositories({ tags: [{ Key: 'k', Value: 'v' }] })({ ...twin.env, tagging: wrong })()).toMatchObject(
      E.left({ _tag: 'DecodeError', what: 'GetResources response' })
    )
    twin.setFault((call) => (call.kind === 'ecr' && call.operation === 'GetResources' ? 'throttle' : undefined))
    expect(await Registry.getRepositories({ tags: [{ Key: 'k', Value: 'v' }] })({ ...twin.env, tagging: twin.tagging })()).toMatchObject(
      E.left({ _tag: 'AwsError', operation: 'GetResources', code: 'ThrottlingException', retryable: true })
    )
    const throwing: Env.Tagging = {
      send: (() => {
        throw new Error('boom')
      }) as unknown as Env.Tagging['send']
    }
    expect(await Registry.getRepositories({ tags: [{ Key: 'k', Value: 'v' }] })({ ...twin.env, tagging: throwing })()).toMatchObject(
      E.left({ _tag: 'AwsError', operation: 'GetResources' })
    )
  })

  it('a token answered twice stops the walk', async () => {
    const twin = twinWith([['app', [{ Key: 'k', Value: 'v' }]]])
    const looping: Env.Tagging = {
      send: (() => Promise.resolve({ ResourceTagMappingList: [], PaginationToken: 'again', $metadata: {} })) as unknown as Env.Tagging['send']
    }
    expect(await Registry.getRepositories({ tags: [{ Key: 'k', Value: 'v' }] })({ ...twin.env, tagging: looping })()).toMatchObject(
      E.left({ _tag: 'AwsError', code: 'PaginationLoop' })
    )
  })

  it('the twin: GetResources pages of 100, filters ANDed, values ORed, an empty last token', async () => {
    const twin = twinWith(Array.from({ length: 160 }, (_, i) => [`r-${i}`, [{ Key: 'n', Value: String(i % 3) }]] as const))
    const send = twin.tagging.send as unknown as (command: unknown) => Promise<Record<string, unknown>>
    const { GetResourcesCommand } = await import('@aws-sdk/client-resource-groups-tagging-api')
    const first = await send(new GetResourcesCommand({ TagFilters: [{ Key: 'n', Values: ['0', '1'] }] }))
    expect((first['ResourceTagMappingList'] as ReadonlyArray<unknown>).length).toBe(100)
    const second = await send(new GetResourcesCommand({ TagFilters: [{ Key: 'n', Values: ['0', '1'] }], PaginationToken: first['PaginationToken'] as string }))
    expect((second['ResourceTagMappingList'] as ReadonlyArray<unknown>).length).toBe(7)
    expect(second['PaginationToken']).toBe('')
    const none = await send(new GetResourcesCommand({ ResourceTypeFilters: ['s3'] }))
    expect(none['ResourceTagMappingList']).toEqual([])
    await expect(send(new GetResourcesCommand({ PaginationToken: 'bad' }))).rejects.toMatchObject({ name: 'InvalidParameterException' })
  })

  it('property: the same repositories, in the same order, with and without the tagging capability', async () => {
    const key = fc.constantFrom('team', 'env', 'tier')
    const value = fc.constantFrom('a', 'b', 'c')
    const tag = fc.record({ Key: key, Value: value })
    const tagSet = fc.uniqueArray(tag, { selector: (t) => t.Key, maxLength: 3 })
    const repoName = fc.constantFrom('app', 'web', 'db', 'team/app', 'team/web', 'x-1', 'x-2', 'yy')
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(repoName, tagSet), { selector: ([n]) => n, maxLength: 8 }),
        fc.array(tag, { minLength: 1, maxLength: 3 }),
        fc.option(fc.constantFrom('app', 'team/', 'x'), { nil: undefined }),
        async (repos, tags, name) => {
          const twin = twinWith(repos)
          const filter = { tags, ...(name === undefined ? {} : { name }) }
          const without = await Registry.getRepositories(filter)(twin.env)()
          const withTagging = await Registry.getRepositories(filter)({ ...twin.env, tagging: twin.tagging })()
          expect(without).toMatchObject(E.right(expect.anything()))
          expect(withTagging).toEqual(without)
        }
      ),
      { numRuns: 60 }
    )
  })
})
