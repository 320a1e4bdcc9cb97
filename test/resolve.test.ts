import { DescribeImagesCommand } from '@aws-sdk/client-ecr'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { beforeEach, describe, expect, it } from 'vitest'
import { resolveImageUri } from '../src/resolve'
import * as arb from './arbitraries'
import { ACCOUNT, REGION, awsException, ecrMock, fakeDigest, leftOf, mockEnv, rightOf } from './ecrMock'

const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`

beforeEach(() => {
  ecrMock.reset()
})

describe('no call', () => {
  it('a full image URI is returned as it is', async () => {
    await fc.assert(
      fc.asyncProperty(arb.imageParts, async (parts) => {
        const uri = arb.imageUriOf(parts)
        expect(await resolveImageUri(uri)(mockEnv())()).toEqual(E.right(uri))
        expect(await resolveImageUri(uri, { defaultTag: 'other' })(mockEnv())()).toEqual(E.right(uri))
      }),
      { numRuns: 300 }
    )
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it("'name:tag' and 'name@digest' get the environment's registry in front", async () => {
    await fc.assert(
      fc.asyncProperty(arb.repositoryName, arb.imageTag, arb.imageDigest, async (name, tag, digest) => {
        expect(await resolveImageUri(`${name}:${tag}`)(mockEnv())()).toEqual(E.right(`${HOST}/${name}:${tag}`))
        expect(await resolveImageUri(`${name}@${digest}`)(mockEnv())()).toEqual(E.right(`${HOST}/${name}@${digest}`))
      }),
      { numRuns: 300 }
    )
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('anything else is InvalidUri, never a throw', async () => {
    for (const bad of ['', 'My-App', 'app:', 'app@sha256:abc', 'https://x/y', 'a', `${HOST}/app:v1@${fakeDigest(1)}`])
      expect(leftOf(await resolveImageUri(bad)(mockEnv())())._tag).toBe('InvalidUri')
    await fc.assert(
      fc.asyncProperty(fc.string(), async (s) => {
        const r = await resolveImageUri(s)(mockEnv({ concurrency: 1 }))()
        expect(E.isLeft(r) || E.isRight(r)).toBe(true)
      }),
      { numRuns: 300 }
    )
  })
})

describe('a repository', () => {
  it('with defaultTag: one DescribeImages by tag, the digest form', async () => {
    ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: fakeDigest(5), imageTags: ['v1', 'stable'] }] })
    expect(await resolveImageUri('team/app', { defaultTag: 'stable' })(mockEnv())()).toEqual(E.right(`${HOST}/team/app@${fakeDigest(5)}`))
    expect(await resolveImageUri(`${HOST}/team/app`, { defaultTag: 'stable' })(mockEnv())()).toEqual(
      E.right(`${HOST}/team/app@${fakeDigest(5)}`)
    )
    expect(ecrMock.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input)).toEqual([
      { registryId: ACCOUNT, repositoryName: 'team/app', imageIds: [{ imageTag: 'stable' }] },
      { registryId: ACCOUNT, repositoryName: 'team/app', imageIds: [{ imageTag: 'stable' }] }
    ])
  })

  it('with a missing defaultTag: NotFound(Image); an invalid one: InvalidArgument without a call', async () => {
    ecrMock.on(DescribeImagesCommand).rejects(awsException('ImageNotFoundException'))
    expect(leftOf(await resolveImageUri('app', { defaultTag: 'nope' })(mockEnv())())).toMatchObject({
      _tag: 'NotFound',
      resource: 'Image',
      id: 'app:nope'
    })
    ecrMock.reset()
    expect(leftOf(await resolveImageUri('app', { defaultTag: '-bad' })(mockEnv())())._tag).toBe('InvalidArgument')
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('without defaultTag: DescribeImages TAGGED, 1000 a page, the most recently pushed tagged image', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .resolvesOnce({
        imageDetails: [
          { imageDigest: fakeDigest(1), imageTags: ['old'], imagePushedAt: new Date('2024-01-01') },
          { imageDigest: fakeDigest(2), imageTags: [], imagePushedAt: new Date('2025-01-01') }
        ],
        nextToken: 'n1'
      })
      .resolvesOnce({
        imageDetails: [{ imageDigest: fakeDigest(3), imageTags: ['new'], imagePushedAt: new Date('2024-06-01') }]
      })
    expect(await resolveImageUri('app')(mockEnv())()).toEqual(E.right(`${HOST}/app@${fakeDigest(3)}`))
    expect(ecrMock.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input)).toEqual([
      { repositoryName: 'app', registryId: ACCOUNT, filter: { tagStatus: 'TAGGED' }, maxResults: 1000 },
      { repositoryName: 'app', registryId: ACCOUNT, filter: { tagStatus: 'TAGGED' }, maxResults: 1000, nextToken: 'n1' }
    ])
  })

  it('picks the model choice: latest push among tagged images, ties to the larger digest, whatever the order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            digest: fc.integer({ min: 1, max: 1000 }),
            tagged: fc.boolean(),
            at: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined })
          }),
          { maxLength: 25 }
        ),
        async (entries) => {
          ecrMock.reset()
          const byDigest = new Map(entries.map((e) => [e.digest, e]))
          const details = Array.from(byDigest.values()).map((e) => ({
            imageDigest: fakeDigest(e.digest),
            imageTags: e.tagged ? [`t${e.digest}`] : [],
            ...(e.at === undefined ? {} : { imagePushedAt: new Date(e.at * 1000) })
          }))
          ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: details })
          const r = await resolveImageUri('app')(mockEnv())()
          const tagged = details.filter((d) => d.imageTags.length > 0)
          if (tagged.length === 0) {
            expect(leftOf(r)).toMatchObject({ _tag: 'NotFound', resource: 'Image' })
            return
          }
          const time = (d: (typeof tagged)[number]) => d.imagePushedAt?.getTime() ?? -Infinity
          const best = [...tagged].sort((a, b) => time(b) - time(a) || (a.imageDigest < b.imageDigest ? 1 : -1))[0]
          expect(rightOf(r)).toBe(`${HOST}/app@${best?.imageDigest}`)
          ecrMock.reset()
          ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [...details].reverse() })
          const reversed = await resolveImageUri('app')(mockEnv())()
          expect(reversed).toEqual(r)
        }
      ),
      { numRuns: 200 }
    )
  })

  it('a repository without tagged images is NotFound(Image); a missing repository NotFound(Repository)', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .resolvesOnce({ imageDetails: [{ imageDigest: fakeDigest(1), imageTags: [] }] })
      .rejectsOnce(awsException('RepositoryNotFoundException'))
    expect(leftOf(await resolveImageUri('app')(mockEnv())())).toMatchObject({ _tag: 'NotFound', resource: 'Image' })
    expect(leftOf(await resolveImageUri('app')(mockEnv())())).toMatchObject({ _tag: 'NotFound', resource: 'Repository', id: 'app' })
  })

  it('a repository URI of another region is InvalidArgument without a call', async () => {
    const e = leftOf(await resolveImageUri(`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/app`)(mockEnv())())
    expect(e._tag).toBe('InvalidArgument')
    expect(ecrMock.calls()).toHaveLength(0)
  })
})
