import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cliOver, day, expectFailure, hostOf, makeTwin, push } from './harness'

describe('ecr-fp-ts resolve', () => {
  it('a repository name: its most recently pushed tagged image, in digest form', async () => {
    const twin = makeTwin()
    push(twin, 'team/app', { tag: 'v1', pushedAt: day(1) })
    const v2 = push(twin, 'team/app', { tag: 'v2', pushedAt: day(2) })
    push(twin, 'team/app', { pushedAt: day(3) }) // untagged, later
    const r = await cliOver(twin)('resolve', 'team/app')
    expect(r).toMatchObject({ code: 0, stdout: `${hostOf(twin)}/team/app@${v2.imageDigest}\n`, stderr: '' })
  })

  it('--tag T: the image tagged T, in digest form', async () => {
    const twin = makeTwin()
    const v1 = push(twin, 'app', { tag: 'v1', pushedAt: day(1) })
    push(twin, 'app', { tag: 'v2', pushedAt: day(2) })
    const r = await cliOver(twin)('resolve', 'app', '--tag', 'v1')
    expect([r.code, r.stdout]).toEqual([0, `${hostOf(twin)}/app@${v1.imageDigest}\n`])
  })

  it('name:tag gets the registry in front, without a call; --json gives the parts too', async () => {
    const twin = makeTwin()
    const r = await cliOver(twin)('--json', 'resolve', 'app:v9')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      uri: `${hostOf(twin)}/app:v9`,
      accountId: twin.accountId,
      region: twin.region,
      repositoryName: 'app',
      tag: 'v9'
    })
    expect(twin.calls).toHaveLength(0)
  })

  it('picks the last tagged push of any sequence of pushes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), async (tagged) => {
        const twin = makeTwin()
        const pushed = tagged.map((t, i) => push(twin, 'app', { ...(t ? { tag: `t${i}` } : {}), pushedAt: day(i) }))
        const last = pushed.filter((_, i) => tagged[i] === true).at(-1)
        const r = await cliOver(twin)('resolve', 'app')
        if (last === undefined) expect(expectFailure(r)).toMatch(/no tagged image/)
        else expect([r.code, r.stdout]).toEqual([0, `${hostOf(twin)}/app@${last.imageDigest}\n`])
      }),
      { numRuns: 30 }
    )
  })

  it('a missing repository or tag: exit 1 with one line', async () => {
    const twin = makeTwin()
    push(twin, 'app', { tag: 'v1' })
    expect(expectFailure(await cliOver(twin)('resolve', 'nope'))).toMatch(/nope/)
    expect(expectFailure(await cliOver(twin)('resolve', 'app', '--tag', 'v2'))).toMatch(/v2/)
  })

  it('not a name: exit 1 naming the expected forms', async () => {
    const twin = makeTwin()
    expect(expectFailure(await cliOver(twin)('resolve', 'Not A Name'))).toMatch(/image URI/)
  })

  it('a URI in another region builds its environment for that region, unless --region is given', async () => {
    const east = makeTwin()
    const west = makeTwin({ region: 'us-west-2' })
    const w1 = push(west, 'app', { tag: 'v1' })
    const cli = cliOver(east, west)
    const r = await cli('resolve', `${hostOf(west)}/app`)
    expect([r.code, r.stdout]).toEqual([0, `${hostOf(west)}/app@${w1.imageDigest}\n`])
    expect(r.envRequests.map((o) => o.region)).toEqual(['us-west-2'])
    const pinned = await cli('--region', 'us-east-1', 'resolve', `${hostOf(west)}/app`)
    expect(expectFailure(pinned)).toMatch(/region us-west-2/)
    expect(pinned.envRequests.map((o) => o.region)).toEqual(['us-east-1'])
  })

  it('an environment that cannot be built: exit 1 with its message', async () => {
    const r = await cliOver()('resolve', 'app')
    expect(expectFailure(r)).toMatch(/no twin/)
  })

  it('passes the global options to the environment', async () => {
    const twin = makeTwin()
    push(twin, 'app', { tag: 'v1' })
    const r = await cliOver(twin)('--profile', 'ci', '--endpoint', 'http://localhost:4566', 'resolve', 'app')
    expect(r.code).toBe(0)
    expect(r.envRequests).toEqual([{ profile: 'ci', endpoint: 'http://localhost:4566', json: false, verbose: false }])
  })
})
