import { DescribeRepositoriesCommand, GetAuthorizationTokenCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ecr'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Region } from '../src/Primitives'
import * as Registry from '../src/Registry'
import { ACCOUNT, REGION, awsException, ecrMock, leftOf, mockEnv, rightOf } from './ecrMock'

beforeEach(() => {
  ecrMock.reset()
})

/** Serves DescribeRepositories over `names` in pages, and ListTagsForResource from `tags`. */
const serve = (names: ReadonlyArray<string>, tags: (name: string) => ReadonlyArray<{ Key: string; Value: string }> = () => []) => {
  ecrMock.on(DescribeRepositoriesCommand).callsFake((input: { nextToken?: string; maxResults?: number }) => {
    const start = input.nextToken === undefined ? 0 : Number(input.nextToken)
    const end = Math.min(names.length, start + (input.maxResults ?? 100))
    return Promise.resolve({
      repositories: names.slice(start, end).map((repositoryName) => ({ repositoryName, registryId: ACCOUNT })),
      ...(end < names.length ? { nextToken: String(end) } : {})
    })
  })
  ecrMock.on(ListTagsForResourceCommand).callsFake((input: { resourceArn: string }) => {
    const name = input.resourceArn.split(':repository/')[1] ?? ''
    return Promise.resolve({ tags: tags(name) })
  })
}

describe('getLogin', () => {
  it('decodes GetAuthorizationToken and caches the login', async () => {
    const proxyEndpoint = `https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`
    const expiresAt = new Date(Date.now() + 12 * 3600_000)
    ecrMock.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [{ authorizationToken: Buffer.from('AWS:pa:ss').toString('base64'), proxyEndpoint, expiresAt }]
    })
    const env = mockEnv()
    const login = { username: 'AWS', password: 'pa:ss', proxyEndpoint, expiresAt }
    expect(await Registry.getLogin()(env)()).toEqual(E.right(login))
    expect(await Registry.getLogin({ accountId: ACCOUNT, region: REGION })(env)()).toEqual(E.right(login))
    expect(ecrMock.commandCalls(GetAuthorizationTokenCommand)).toHaveLength(1)
  })
})

describe('listRepositories', () => {
  it('pages through DescribeRepositories with maxResults 1000 and the registry id', async () => {
    const names = Array.from({ length: 2100 }, (_, i) => `repo-${i}`)
    serve(names)
    const repos = rightOf(await Registry.listRepositories()(mockEnv())())
    expect(repos.map((r) => r.repositoryName)).toEqual(names)
    expect(repos[0]).toEqual({ accountId: ACCOUNT, region: REGION, repositoryName: 'repo-0' })
    expect(ecrMock.commandCalls(DescribeRepositoriesCommand).map((c) => c.args[0].input)).toEqual([
      { registryId: ACCOUNT, maxResults: 1000 },
      { registryId: ACCOUNT, maxResults: 1000, nextToken: '1000' },
      { registryId: ACCOUNT, maxResults: 1000, nextToken: '2000' }
    ])
  })

  it('lists another account of the same region; another region is InvalidArgument without a call', async () => {
    serve(['a1'])
    const other = '210987654321' as typeof ACCOUNT
    expect(await Registry.listRepositories({ accountId: other, region: REGION })(mockEnv())()).toEqual(
      E.right([{ accountId: other, region: REGION, repositoryName: 'a1' }])
    )
    expect(ecrMock.commandCalls(DescribeRepositoriesCommand)[0]?.args[0].input.registryId).toBe(other)
    ecrMock.reset()
    const e = leftOf(await Registry.listRepositories({ accountId: ACCOUNT, region: 'eu-west-1' as Region })(mockEnv())())
    expect(e._tag).toBe('InvalidArgument')
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('a pagination loop ends in an error, not a hang', async () => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'x1' }], nextToken: 'same' })
    expect(leftOf(await Registry.listRepositories()(mockEnv())())).toMatchObject({ _tag: 'AwsError', code: 'PaginationLoop' })
  })
})

describe('getRepositories', () => {
  const tagsOf = (name: string) => {
    const n = Number(name.split('-')[1] ?? 0)
    return [
      { Key: 'team', Value: n % 2 === 0 ? 'infra' : 'data' },
      { Key: 'tier', Value: n % 3 === 0 ? 'prod' : 'dev' }
    ]
  }

  it('string filter is a substring match, RegExp uses .test (a global RegExp too); no tag filter, no tag calls', async () => {
    serve(['team/app', 'team/db', 'other/app-2', 'x1'])
    const env = mockEnv()
    const names = async (f: Registry.RepositoryFilter) => rightOf(await Registry.getRepositories(f)(env)()).map((r) => r.repositoryName)
    expect(await names({ name: 'app' })).toEqual(['team/app', 'other/app-2'])
    expect(await names({ name: /^team\// })).toEqual(['team/app', 'team/db'])
    expect(await names({ name: /app/g })).toEqual(['team/app', 'other/app-2'])
    expect(await names({})).toEqual(['team/app', 'team/db', 'other/app-2', 'x1'])
    expect(ecrMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(0)
  })

  it('tags: ceil(R/1000) DescribeRepositories, ListTagsForResource only for names passing, bounded by env.concurrency', async () => {
    const names = Array.from({ length: 2100 }, (_, i) => `repo-${i}`)
    serve(names, tagsOf)
    let inFlight = 0
    let max = 0
    ecrMock.on(ListTagsForResourceCommand).callsFake(async (input: { resourceArn: string }) => {
      inFlight++
      max = Math.max(max, inFlight)
      await new Promise((r) => setTimeout(r, 1))
      inFlight--
      return { tags: tagsOf(input.resourceArn.split(':repository/')[1] ?? '') }
    })
    const wanted = [{ Key: 'team', Value: 'infra' }, { Key: 'tier', Value: 'prod' }]
    const repos = rightOf(await Registry.getRepositories({ name: /-1\d*$/, tags: wanted })(mockEnv({ concurrency: 4 }))())
    const passing = names.filter((n) => /-1\d*$/.test(n))
    expect(repos.map((r) => r.repositoryName)).toEqual(passing.filter((n) => Number(n.split('-')[1]) % 6 === 0))
    expect(ecrMock.commandCalls(DescribeRepositoriesCommand)).toHaveLength(3)
    expect(ecrMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(passing.length)
    expect(max).toBe(4)
    expect(ecrMock.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/repo-1`
    })
  })

  it('matches the model filter for random repositories, tags and filters', async () => {
    const tag = fc.record({ Key: fc.constantFrom('a', 'b', 'c'), Value: fc.constantFrom('1', '2') })
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^[a-d]{2,4}$/), { maxLength: 15 }),
        fc.array(fc.array(tag, { maxLength: 3 }), { minLength: 15, maxLength: 15 }),
        fc.option(fc.stringMatching(/^[a-d]{1,2}$/), { nil: undefined }),
        fc.array(tag, { maxLength: 2 }),
        async (names, tagLists, name, wanted) => {
          ecrMock.reset()
          const tagsByName = new Map(names.map((n, i) => [n, tagLists[i] ?? []]))
          serve(names, (n) => tagsByName.get(n) ?? [])
          const got = rightOf(await Registry.getRepositories({ name, tags: wanted })(mockEnv())())
          const expected = names.filter(
            (n) =>
              (name === undefined || n.includes(name)) &&
              wanted.every((w) => (tagsByName.get(n) ?? []).some((t) => t.Key === w.Key && t.Value === w.Value))
          )
          expect(got.map((r) => r.repositoryName)).toEqual(expected)
          const passing = names.filter((n) => name === undefined || n.includes(name))
          expect(ecrMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(wanted.length === 0 ? 0 : passing.length)
        }
      ),
      { numRuns: 150 }
    )
  })

  it('a repository deleted between listing and tagging is not a match; another failure is the result', async () => {
    serve(['gone', 'here'], () => [{ Key: 'a', Value: '1' }])
    ecrMock
      .on(ListTagsForResourceCommand, { resourceArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/gone` })
      .rejects(awsException('RepositoryNotFoundException'))
    const repos = rightOf(await Registry.getRepositories({ tags: [{ Key: 'a', Value: '1' }] })(mockEnv())())
    expect(repos.map((r) => r.repositoryName)).toEqual(['here'])
    ecrMock.on(ListTagsForResourceCommand).rejects(awsException('AccessDeniedException'))
    expect(leftOf(await Registry.getRepositories({ tags: [{ Key: 'a', Value: '1' }] })(mockEnv())())).toMatchObject({
      code: 'AccessDeniedException'
    })
  })
})
