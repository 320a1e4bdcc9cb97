import * as O from 'fp-ts/Option'
import { describe, expect, it } from 'vitest'
import { cliOver, expectFailure, expectUsageError, hostOf, makeTwin, push } from './harness'

describe('ecr-fp-ts archive / restore', () => {
  it('archives by tag, a read then fails saying how to restore; restore by tag works on the archived image', async () => {
    const twin = makeTwin({ restoreMs: 60_000 })
    const image = push(twin, 'app', { tag: 'v1' })
    const cli = cliOver(twin)
    const archived = await cli('archive', 'app:v1')
    expect(archived).toMatchObject({ code: 0, stdout: `${hostOf(twin)}/app@${image.imageDigest} ARCHIVED\n`, stderr: '' })
    expect(twin.imageStatus('app', 'v1')).toEqual(O.some('ARCHIVED'))
    const read = expectFailure(await cli('digest', 'app:v1'))
    expect(read).toContain(`ecr-fp-ts restore ${hostOf(twin)}/app`)
    const restored = await cli('--json', 'restore', 'app:v1')
    expect(restored.code).toBe(0)
    expect(JSON.parse(restored.stdout)).toEqual({
      uri: `${hostOf(twin)}/app@${image.imageDigest}`,
      accountId: twin.accountId,
      region: twin.region,
      repositoryName: 'app',
      digest: image.imageDigest,
      status: 'ACTIVATING'
    })
    twin.settle()
    expect((await cli('digest', 'app:v1')).stdout).toBe(`${image.imageDigest}\n`)
  })

  it('a missing image fails with exit 1 (--json: the error); no argument is a usage error', async () => {
    const twin = makeTwin()
    push(twin, 'app', { tag: 'v1' })
    const r = await cliOver(twin)('--json', 'archive', 'app:nope')
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { _tag: 'NotFound' } })
    expectUsageError(await cliOver(twin)('restore'))
  })
})
