import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { newestFirst, tagStatusOf } from '../../src/cli/commands/images'
import type { ImageDetail } from '../../src/Repository'
import type { ImageDigest } from '../../src/Primitives'
import { cliOver, day, expectFailure, expectUsageError, hostOf, lines, makeTwin, push } from './harness'

const seeded = () => {
  const twin = makeTwin()
  const v1 = push(twin, 'app', { tags: ['v1', 'stable'], pushedAt: day(1), layerBytes: 2048 })
  const loose = push(twin, 'app', { pushedAt: day(2) })
  const v2 = push(twin, 'app', { tag: 'v2', pushedAt: day(3) })
  return { twin, v1, loose, v2 }
}

describe('ecr-fp-ts images', () => {
  it('a table, newest first: digest, tags (sorted, - for none), push time, size', async () => {
    const { twin, v1, loose, v2 } = seeded()
    const r = await cliOver(twin)('images', 'app')
    expect(r.code).toBe(0)
    const out = lines(r.stdout)
    expect(out[0]).toMatch(/^DIGEST\s+TAGS\s+PUSHED\s+SIZE$/)
    expect(out.slice(1).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      [v2.imageDigest, 'v2', '2024-01-04T00:00:00Z'],
      [loose.imageDigest, '-', '2024-01-03T00:00:00Z'],
      [v1.imageDigest, 'stable,v1', '2024-01-02T00:00:00Z']
    ])
    expect(out[3]).toMatch(/\d+(\.\d)? (B|KiB)$/)
  })

  it('--tagged and --untagged', async () => {
    const { twin, v1, loose, v2 } = seeded()
    const cli = cliOver(twin)
    const digests = (stdout: string) =>
      lines(stdout)
        .slice(1)
        .map((l) => l.split(' ')[0])
    expect(digests((await cli('images', 'app', '--tagged')).stdout)).toEqual([v2.imageDigest, v1.imageDigest])
    expect(digests((await cli('images', 'app', '--untagged')).stdout)).toEqual([loose.imageDigest])
  })

  it('--json: images (uri, digest, repository), their tags, push time as ISO text, size and media type', async () => {
    const { twin, v1, v2 } = seeded()
    const r = await cliOver(twin)('images', `${hostOf(twin)}/app`, '--tagged', '--json')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as ReadonlyArray<Record<string, unknown>>
    expect(json.map((i) => i['digest'])).toEqual([v2.imageDigest, v1.imageDigest])
    expect(json[1]).toEqual({
      uri: `${hostOf(twin)}/app@${v1.imageDigest}`,
      accountId: twin.accountId,
      region: twin.region,
      repositoryName: 'app',
      digest: v1.imageDigest,
      tags: ['stable', 'v1'],
      pushedAt: '2024-01-02T00:00:00.000Z',
      sizeInBytes: expect.any(Number),
      mediaType: v1.mediaType
    })
  })

  it('an empty repository: the header only; --json []', async () => {
    const twin = makeTwin()
    twin.createRepository('empty')
    const r = await cliOver(twin)('images', 'empty')
    expect(lines(r.stdout)).toEqual(['DIGEST  TAGS  PUSHED  SIZE'])
    expect(JSON.parse((await cliOver(twin)('--json', 'images', 'empty')).stdout)).toEqual([])
  })

  it('a missing repository or a bad name: exit 1; both filters: exit 2', async () => {
    const { twin } = seeded()
    const cli = cliOver(twin)
    expect(expectFailure(await cli('images', 'nope'))).toMatch(/nope/)
    expect(expectFailure(await cli('images', 'Bad Name'))).toMatch(/Bad Name/)
    expect(expectFailure(await cli('images', `${hostOf(twin)}/Bad`))).toMatch(/RepositoryUri/)
    expectUsageError(await cli('images', 'app', '--tagged', '--untagged'))
  })

  it('the tag status of the options', () => {
    expect([tagStatusOf({}), tagStatusOf({ tagged: true }), tagStatusOf({ untagged: true })]).toEqual(['ANY', 'TAGGED', 'UNTAGGED'])
  })

  it('newestFirst: a permutation, push times not increasing, undated last', () => {
    const detail = fc.record({
      imageDigest: fc.stringMatching(/^[0-9a-f]{4}$/).map((h) => `sha256:${h.repeat(16)}` as ImageDigest),
      imageTags: fc.constant([] as ReadonlyArray<string>),
      imagePushedAt: fc.option(fc.integer({ min: 0, max: 10 }).map(day), { nil: undefined }),
      status: fc.constant('ACTIVE' as const)
    })
    fc.assert(
      fc.property(fc.array(detail, { maxLength: 10 }), (ds) => {
        const sorted = newestFirst(ds as ReadonlyArray<ImageDetail>)
        expect([...sorted].sort((a, b) => a.imageDigest.localeCompare(b.imageDigest))).toEqual(
          [...ds].sort((a, b) => a.imageDigest.localeCompare(b.imageDigest))
        )
        const times = sorted.map((d) => d.imagePushedAt?.getTime() ?? -Infinity)
        for (let i = 1; i < times.length; i++) expect(times[i]).toBeLessThanOrEqual(times[i - 1] ?? Infinity)
        expect(newestFirst([...ds].reverse() as ReadonlyArray<ImageDetail>).map((d) => d.imageDigest)).toEqual(
          sorted.map((d) => d.imageDigest)
        )
      })
    )
  })
})
