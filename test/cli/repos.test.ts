import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toFilter } from '../../src/cli/commands/repos'
import { cliOver, createRepository, expectFailure, expectUsageError, hostOf, lines, makeTwin } from './harness'

const seeded = () => {
  const twin = makeTwin()
  createRepository(twin, 'team/app', {
    tags: [
      { Key: 'env', Value: 'prod' },
      { Key: 'team', Value: 'a' }
    ]
  })
  createRepository(twin, 'team/db', {
    tags: [
      { Key: 'env', Value: 'dev' },
      { Key: 'team', Value: 'a' }
    ]
  })
  createRepository(twin, 'other/app', { tags: [{ Key: 'env', Value: 'prod' }] })
  return twin
}

const names = (twin: ReturnType<typeof makeTwin>, stdout: string) =>
  lines(stdout)
    .map((l) => l.replace(`${hostOf(twin)}/`, ''))
    .sort()

describe('ecr-fp-ts repos', () => {
  it('prints every repository URI, one a line', async () => {
    const twin = seeded()
    const r = await cliOver(twin)('repos')
    expect(r.code).toBe(0)
    expect(lines(r.stdout).every((l) => l.startsWith(`${hostOf(twin)}/`))).toBe(true)
    expect(names(twin, r.stdout)).toEqual(['other/app', 'team/app', 'team/db'])
  })

  it('--json: an array of repositories, each with its uri', async () => {
    const twin = seeded()
    const r = await cliOver(twin)('repos', '--json', '--name', 'db')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual([
      { uri: `${hostOf(twin)}/team/db`, accountId: twin.accountId, region: twin.region, repositoryName: 'team/db' }
    ])
  })

  it('--name (substring), --match (regular expression), --tag (all of them; variadic and repeated)', async () => {
    const twin = seeded()
    const cli = cliOver(twin)
    expect(names(twin, (await cli('repos', '--name', 'app')).stdout)).toEqual(['other/app', 'team/app'])
    expect(names(twin, (await cli('repos', '--match', '^team/')).stdout)).toEqual(['team/app', 'team/db'])
    expect(names(twin, (await cli('repos', '--tag', 'env=prod')).stdout)).toEqual(['other/app', 'team/app'])
    expect(names(twin, (await cli('repos', '--tag', 'env=prod', 'team=a')).stdout)).toEqual(['team/app'])
    expect(names(twin, (await cli('repos', '--tag', 'env=prod', '--tag', 'team=a')).stdout)).toEqual(['team/app'])
    expect(names(twin, (await cli('repos', '--match', 'app$', '--tag', 'team=a')).stdout)).toEqual(['team/app'])
    const none = await cli('repos', '--tag', 'env=staging')
    expect([none.code, none.stdout]).toEqual([0, ''])
  })

  it('prints what the filters keep, for any repositories and any substring', async () => {
    const name = fc.stringMatching(/^[a-c]{2,4}(\/[a-c]{2,3})?$/)
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(name, { maxLength: 6 }), fc.stringMatching(/^[a-c/]{0,2}$/), async (repos, needle) => {
        const twin = makeTwin()
        for (const n of repos) createRepository(twin, n)
        const r = await cliOver(twin)('repos', '--name', needle)
        expect(r.code).toBe(0)
        expect(names(twin, r.stdout)).toEqual(repos.filter((n) => n.includes(needle)).sort())
      }),
      { numRuns: 40 }
    )
  })

  it('usage errors (exit 2, no call): bad K=V, bad regex, --name with --match', async () => {
    const twin = seeded()
    const cli = cliOver(twin)
    expect(expectUsageError(await cli('repos', '--tag', 'envprod'))).toMatch(/KEY=VALUE/)
    expect(expectUsageError(await cli('repos', '--tag', '=prod'))).toMatch(/KEY=VALUE/)
    expect(expectUsageError(await cli('repos', '--match', '(team'))).toMatch(/regular expression/)
    expect(expectUsageError(await cli('repos', '--name', 'a', '--match', 'b'))).toMatch(/cannot be used with/)
    expect(twin.calls).toHaveLength(0)
  })

  it('a failing listing: exit 1 with one line', async () => {
    const twin = seeded()
    twin.setFault((c) => (c.kind === 'ecr' && c.operation === 'DescribeRepositories' ? 'server-error' : undefined))
    expect(expectFailure(await cliOver(twin)('repos'))).toMatch(/DescribeRepositories/)
  })

  it('the filter: the name from --name or --match, tags only when some are given', () => {
    expect(toFilter({})).toEqual({})
    expect(toFilter({ name: 'x', tag: [] })).toEqual({ name: 'x' })
    expect(toFilter({ match: /x/, tag: [{ Key: 'k', Value: '' }] })).toEqual({ name: /x/, tags: [{ Key: 'k', Value: '' }] })
  })
})
