import * as O from 'fp-ts/Option'
import { describe, expect, it } from 'vitest'
import { cliOver, expectFailure, expectUsageError, hostOf, lines, makeTwin, push } from './harness'

describe('ecr-fp-ts untag', () => {
  it('removes the tags and prints the removed URIs; the image stays with its other tags', async () => {
    const twin = makeTwin()
    const image = push(twin, 'app', { tags: ['v1', 'latest', 'rc'] })
    const r = await cliOver(twin)('untag', 'app:v1', 'latest', 'rc')
    expect(r).toMatchObject({ code: 0, stderr: '' })
    expect(lines(r.stdout)).toEqual([`${hostOf(twin)}/app:latest`, `${hostOf(twin)}/app:rc`])
    expect(Object.fromEntries(twin.tagsOf('app'))).toEqual({ v1: image.imageDigest })
  })

  it("removing the last tag deletes the image, and says so (--json: deleted true)", async () => {
    const twin = makeTwin()
    const image = push(twin, 'app', { tag: 'v1' })
    const r = await cliOver(twin)('--json', 'untag', 'app:v1', 'v1')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      uri: `${hostOf(twin)}/app@${image.imageDigest}`,
      accountId: twin.accountId,
      region: twin.region,
      repositoryName: 'app',
      digest: image.imageDigest,
      removed: ['v1'],
      uris: [`${hostOf(twin)}/app:v1`],
      deleted: true
    })
    expect(twin.imageStatus('app', image.imageDigest)).toEqual(O.none)
    const text = await cliOver(twin)('untag', `app@${push(twin, 'app', { tag: 'v2' }).imageDigest}`, 'v2')
    expect(lines(text.stdout)[1]).toMatch(/^deleted .*\(its last tag was removed\)$/)
  })

  it('a tag not on the image fails (exit 1) and removes nothing; a malformed tag is a usage error before any call', async () => {
    const twin = makeTwin()
    push(twin, 'app', { tag: 'v1' })
    push(twin, 'app', { tag: 'v2' })
    expect(expectFailure(await cliOver(twin)('untag', 'app:v1', 'v2'))).toContain('v2')
    expect(twin.tagsOf('app').size).toBe(2)
    twin.resetCalls()
    expectUsageError(await cliOver(twin)('untag', 'app:v1', 'not a tag'))
    expectUsageError(await cliOver(twin)('untag', 'app:v1'))
    expect(twin.callCount()).toBe(0)
  })
})
