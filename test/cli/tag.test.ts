import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cliOver, createRepository, day, expectFailure, expectUsageError, hostOf, lines, makeTwin, push } from './harness'

describe('ecr-fp-ts tag', () => {
  it('adds the tags to the image and prints one new URI per tag', async () => {
    const twin = makeTwin()
    const latest = push(twin, 'app', { tag: 'latest' })
    const r = await cliOver(twin)('tag', `${hostOf(twin)}/app:latest`, 'prod', 'v1.2.3')
    expect(r).toMatchObject({ code: 0, stdout: `${hostOf(twin)}/app:prod\n${hostOf(twin)}/app:v1.2.3\n`, stderr: '' })
    expect(Object.fromEntries(twin.tagsOf('app'))).toEqual({
      latest: latest.imageDigest,
      prod: latest.imageDigest,
      'v1.2.3': latest.imageDigest
    })
  })

  it('name:tag, name@digest and a bare name (its latest tagged image) in the default registry', async () => {
    const twin = makeTwin()
    const old = push(twin, 'app', { tag: 'v1', pushedAt: day(1) })
    const recent = push(twin, 'app', { tag: 'v2', pushedAt: day(2) })
    const cli = cliOver(twin)
    expect((await cli('tag', 'app:v1', 'a')).code).toBe(0)
    expect((await cli('tag', `app@${old.imageDigest}`, 'b')).code).toBe(0)
    expect((await cli('tag', 'app', 'c')).code).toBe(0)
    const tags = twin.tagsOf('app')
    expect([tags.get('a'), tags.get('b'), tags.get('c')]).toEqual([old.imageDigest, old.imageDigest, recent.imageDigest])
  })

  it('moves a tag of a mutable repository; --json names the image, its digest, the tags and URIs; duplicates once', async () => {
    const twin = makeTwin()
    push(twin, 'app', { tag: 'prod', pushedAt: day(1) })
    const next = push(twin, 'app', { tag: 'next', pushedAt: day(2) })
    const r = await cliOver(twin)('--json', 'tag', 'app:next', 'prod', 'prod')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      uri: `${hostOf(twin)}/app@${next.imageDigest}`,
      accountId: twin.accountId,
      region: twin.region,
      repositoryName: 'app',
      digest: next.imageDigest,
      added: ['prod'],
      uris: [`${hostOf(twin)}/app:prod`]
    })
    expect(twin.tagsOf('app').get('prod')).toBe(next.imageDigest)
  })

  it('every valid tag ends on the image', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { minLength: 1, maxLength: 4 }),
        async (tags) => {
          const twin = makeTwin()
          const image = push(twin, 'app', { tag: 'source-tag-0' })
          const r = await cliOver(twin)('tag', 'app:source-tag-0', ...tags)
          expect(r.code).toBe(0)
          expect(lines(r.stdout)).toEqual(tags.map((t) => `${hostOf(twin)}/app:${t}`))
          for (const t of tags) expect(twin.tagsOf('app').get(t)).toBe(image.imageDigest)
        }
      ),
      { numRuns: 25 }
    )
  })

  it('exit 1: a missing image, a tag of an immutable repository on another image; exit 2 and no call: an invalid tag', async () => {
    const twin = makeTwin()
    createRepository(twin, 'locked', { imageTagMutability: 'IMMUTABLE' })
    push(twin, 'locked', { tag: 'v1', pushedAt: day(1) })
    push(twin, 'locked', { tag: 'v2', pushedAt: day(2) })
    push(twin, 'app', { tag: 'v1' })
    const cli = cliOver(twin)
    expect(expectFailure(await cli('tag', 'app:nope', 'x'))).toMatch(/nope/)
    twin.resetCalls()
    const bad = await cli('tag', `app@sha256:${'a'.repeat(64)}`, 'v2', 'bad tag!')
    expect(expectUsageError(bad)).toMatch(/bad tag!/)
    expect(bad.envRequests).toEqual([])
    expect(twin.calls).toHaveLength(0)
    expect(expectFailure(await cli('tag', 'locked:v2', 'v1'))).toMatch(/v1/)
    expect(twin.tagsOf('locked').get('v1')).not.toBe(twin.tagsOf('locked').get('v2'))
  })

  it('no tag: exit 2', async () => {
    const r = await cliOver(makeTwin())('tag', 'app:v1')
    expect(r.code).toBe(2)
  })
})
