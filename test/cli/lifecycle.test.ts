import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { describe, expect, it } from 'vitest'
import { policyOf } from '../../src/cli/commands/lifecycle'
import * as LifecyclePolicy from '../../src/LifecyclePolicy'
import * as Repository from '../../src/Repository'
import type { InMemoryEcr } from '../../src/testing/InMemoryEcr'
import { cliOver, createRepository, expectFailure, expectUsageError, hostOf, makeTwin } from './harness'

const policyIn = async (twin: InMemoryEcr, name: string) =>
  Repository.getLifecyclePolicy({ accountId: twin.accountId, region: twin.region, repositoryName: name as never })(twin.env)()

describe('ecr-fp-ts lifecycle', () => {
  it('puts the policy and prints it as sent to ECR', async () => {
    const twin = makeTwin()
    createRepository(twin, 'app')
    const r = await cliOver(twin)('lifecycle', 'app', '--expire-untagged-after', '7')
    const policy = LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged({ days: 7 }))
    expect(r).toMatchObject({ code: 0, stdout: `${LifecyclePolicy.toJson(policy)}\n`, stderr: '' })
    expect(await policyIn(twin, 'app')).toEqual(E.right(O.some(policy)))
  })

  it('any whole number of days; --json gives the same policy; a policy already there is replaced', async () => {
    const twin = makeTwin()
    createRepository(twin, 'app')
    const cli = cliOver(twin)
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100_000 }), async (days) => {
        const r = await cli('--json', 'lifecycle', `${hostOf(twin)}/app`, '--expire-untagged-after', String(days))
        expect(r.code).toBe(0)
        expect(JSON.parse(r.stdout)).toEqual(JSON.parse(LifecyclePolicy.toJson(policyOf(days))))
        expect(await policyIn(twin, 'app')).toEqual(E.right(O.some(policyOf(days))))
      }),
      { numRuns: 25 }
    )
  })

  it('usage errors, no call: DAYS not a whole number of at least 1, or missing', async () => {
    const twin = makeTwin()
    createRepository(twin, 'app')
    const cli = cliOver(twin)
    for (const days of ['1.5', 'seven', '-3', '0', '', '1e2'])
      expect(expectUsageError(await cli('lifecycle', 'app', '--expire-untagged-after', days))).toMatch(/whole number/)
    expect(expectUsageError(await cli('lifecycle', 'app'))).toMatch(/--expire-untagged-after/)
    expect(twin.calls).toHaveLength(0)
  })

  it('a missing repository: exit 1 with one line', async () => {
    expect(expectFailure(await cliOver(makeTwin())('lifecycle', 'nope', '--expire-untagged-after', '14'))).toMatch(/nope/)
  })
})
