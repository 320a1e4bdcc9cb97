import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  ListImagesCommand,
  ListTagsForResourceCommand,
  PutLifecyclePolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type ImageIdentifier
} from '@aws-sdk/client-ecr'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { beforeEach, describe, expect, it } from 'vitest'
import * as LifecyclePolicy from '../src/LifecyclePolicy'
import * as Manifest from '../src/Manifest'
import type { ResourceTag } from '../src/Primitives'
import * as Repository from '../src/Repository'
import * as arb from './arbitraries'
import {
  ACCOUNT,
  ALL_MANIFEST_TYPES,
  MT,
  REGION,
  awsException,
  ecrMock,
  fakeDigest,
  leftOf,
  mockEnv,
  repo,
  rightOf
} from './ecrMock'

const ARN = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/team/app`
const app = repo('team/app')

beforeEach(() => {
  ecrMock.reset()
})

describe('references', () => {
  it('make validates the name and the region, without a call', async () => {
    expect(await Repository.make('team/app')(mockEnv())()).toEqual(E.right(app))
    expect(leftOf(await Repository.make('Team/App')(mockEnv())())._tag).toBe('InvalidArgument')
    expect(leftOf(await Repository.make('a')(mockEnv())())._tag).toBe('InvalidArgument')
    const other = { accountId: ACCOUNT, region: 'eu-west-1' as typeof REGION }
    expect(leftOf(await Repository.make('team/app', other)(mockEnv())())._tag).toBe('InvalidArgument')
    const otherAccount = { accountId: '210987654321' as typeof ACCOUNT, region: REGION }
    expect(await Repository.make('team/app', otherAccount)(mockEnv())()).toEqual(E.right({ ...app, accountId: '210987654321' }))
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('make accepts exactly the valid repository names', async () => {
    await fc.assert(
      fc.asyncProperty(arb.repositoryName, async (name) => {
        expect(await Repository.make(name)(mockEnv())()).toEqual(E.right(repo(name)))
      }),
      { numRuns: 200 }
    )
  })

  it('URI and ARN round trips', () => {
    fc.assert(
      fc.property(arb.accountId, arb.region, arb.repositoryName, (accountId, region, repositoryName) => {
        const ref = { accountId, region, repositoryName }
        expect(Repository.fromUri(Repository.toUri(ref))).toEqual(E.right(ref))
        expect(Repository.fromArn(Repository.toArn(ref))).toEqual(E.right(ref))
      }),
      { numRuns: 500 }
    )
    expect(Repository.toArn(app)).toBe(ARN)
  })
})

describe('create', () => {
  it('sends CreateRepository with the tags and mutability', async () => {
    ecrMock.on(CreateRepositoryCommand).resolves({ repository: { repositoryName: 'team/app', imageTagMutability: 'IMMUTABLE' } })
    const tags = [{ Key: 'team', Value: 'infra' }]
    expect(await Repository.create(app, { tags, imageTagMutability: 'IMMUTABLE' })(mockEnv())()).toEqual(
      E.right({
        ref: app,
        uri: Repository.toUri(app),
        arn: ARN,
        tagMutability: 'IMMUTABLE',
        encryption: { type: 'AES256' },
        scanOnPush: false
      })
    )
    expect(ecrMock.commandCalls(CreateRepositoryCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'team/app',
      imageTagMutability: 'IMMUTABLE',
      tags
    })
    expect(ecrMock.calls()).toHaveLength(1)
  })

  it('an existing repository with existsOk appends the tags with TagResource on its ARN', async () => {
    ecrMock.on(CreateRepositoryCommand).rejects(awsException('RepositoryAlreadyExistsException'))
    ecrMock.on(TagResourceCommand).resolves({})
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'team/app', imageScanningConfiguration: { scanOnPush: true } }] })
    const tags = [{ Key: 'team', Value: 'infra' }]
    expect(rightOf(await Repository.create(app, { tags })(mockEnv())()).scanOnPush).toBe(true)
    expect(ecrMock.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({ resourceArn: ARN, tags })
  })

  it('an existing repository without tags makes no TagResource call; with existsOk false it is AlreadyExists', async () => {
    ecrMock.on(CreateRepositoryCommand).rejects(awsException('RepositoryAlreadyExistsException'))
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'team/app' }] })
    expect(rightOf(await Repository.create(app)(mockEnv())()).tagMutability).toBe('MUTABLE')
    expect(ecrMock.commandCalls(TagResourceCommand)).toHaveLength(0)
    const e = leftOf(await Repository.create(app, { existsOk: false, tags: [{ Key: 'a', Value: 'b' }] })(mockEnv())())
    expect(e).toMatchObject({ _tag: 'AlreadyExists', resource: 'Repository', id: 'team/app' })
    expect(ecrMock.commandCalls(TagResourceCommand)).toHaveLength(0)
  })
})

describe('exists and delete', () => {
  it('exists: one DescribeRepositories by name; RepositoryNotFoundException is false; other errors stay errors', async () => {
    ecrMock.on(DescribeRepositoriesCommand).resolvesOnce({ repositories: [{ repositoryName: 'team/app' }] })
    expect(await Repository.exists(app)(mockEnv())()).toEqual(E.right(true))
    expect(ecrMock.commandCalls(DescribeRepositoriesCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryNames: ['team/app']
    })
    ecrMock.on(DescribeRepositoriesCommand).rejects(awsException('RepositoryNotFoundException'))
    expect(await Repository.exists(app)(mockEnv())()).toEqual(E.right(false))
    ecrMock.on(DescribeRepositoriesCommand).rejects(awsException('AccessDeniedException'))
    expect(leftOf(await Repository.exists(app)(mockEnv())())).toMatchObject({ _tag: 'AwsError', code: 'AccessDeniedException' })
  })

  it('delete sends force', async () => {
    ecrMock.on(DeleteRepositoryCommand).resolves({})
    expect(await Repository.delete(app, { force: true })(mockEnv())()).toEqual(E.right(undefined))
    expect(await Repository.delete(app)(mockEnv())()).toEqual(E.right(undefined))
    expect(ecrMock.commandCalls(DeleteRepositoryCommand).map((c) => c.args[0].input)).toEqual([
      { registryId: ACCOUNT, repositoryName: 'team/app', force: true },
      { registryId: ACCOUNT, repositoryName: 'team/app', force: false }
    ])
    ecrMock.on(DeleteRepositoryCommand).rejects(awsException('RepositoryNotEmptyException'))
    expect(leftOf(await Repository.delete(app)(mockEnv())())).toMatchObject({ code: 'RepositoryNotEmptyException' })
  })
})

describe('listImageDetails', () => {
  it('pages through DescribeImages with maxResults 1000 and the tag filter', async () => {
    const pushedAt = new Date('2024-01-01T00:00:00Z')
    ecrMock
      .on(DescribeImagesCommand)
      .resolvesOnce({ imageDetails: [{ imageDigest: fakeDigest(1), imageTags: ['v1'], imagePushedAt: pushedAt }], nextToken: 't1' })
      .resolvesOnce({ imageDetails: [{ imageDigest: fakeDigest(2), imageTags: ['v2'], imageManifestMediaType: MT.dockerManifest }] })
    const details = rightOf(await Repository.listImageDetails(app, { tagStatus: 'TAGGED' })(mockEnv())())
    expect(details).toEqual([
      { imageDigest: fakeDigest(1), imageTags: ['v1'], imagePushedAt: pushedAt, status: 'ACTIVE' },
      { imageDigest: fakeDigest(2), imageTags: ['v2'], imageManifestMediaType: MT.dockerManifest, status: 'ACTIVE' }
    ])
    expect(ecrMock.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input)).toEqual([
      { repositoryName: 'team/app', registryId: ACCOUNT, filter: { tagStatus: 'TAGGED' }, maxResults: 1000 },
      { repositoryName: 'team/app', registryId: ACCOUNT, filter: { tagStatus: 'TAGGED' }, maxResults: 1000, nextToken: 't1' }
    ])
  })

  it('applies the tag filter client-side too (emulators ignore it)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(arb.imageTag, { maxLength: 3 }), { maxLength: 30 }),
        fc.constantFrom('TAGGED' as const, 'UNTAGGED' as const, 'ANY' as const),
        async (tagLists, tagStatus) => {
          ecrMock.reset()
          const all = tagLists.map((imageTags, i) => ({ imageDigest: fakeDigest(i + 1), imageTags, status: 'ACTIVE' }))
          ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: all })
          const got = rightOf(await Repository.listImageDetails(app, { tagStatus })(mockEnv())())
          const expected = all.filter((d) => tagStatus === 'ANY' || (tagStatus === 'TAGGED') === d.imageTags.length > 0)
          expect(got).toEqual(expected)
        }
      ),
      { numRuns: 100 }
    )
  })
})

describe('getImages', () => {
  const manifestOf = (id: string) => JSON.stringify({ schemaVersion: 2, mediaType: MT.dockerManifest, id })
  // BatchGetImage answers are checked against their digests: image i is manifestOf(String(i)), under its real digest
  const manifests = new Map<string, string>()
  const digestN = (i: number): string => {
    const d = Manifest.digest(manifestOf(String(i)))
    manifests.set(d, manifestOf(String(i)))
    return d
  }

  /** Serves ListImages in pages of `page` over `ids`, and BatchGetImage from `manifestOf`. */
  const serve = (ids: ReadonlyArray<ImageIdentifier>, page = 1000) => {
    ecrMock.on(ListImagesCommand).callsFake((input: { nextToken?: string; maxResults?: number }) => {
      const start = input.nextToken === undefined ? 0 : Number(input.nextToken)
      const end = Math.min(ids.length, start + Math.min(page, input.maxResults ?? 100))
      return Promise.resolve({ imageIds: ids.slice(start, end), ...(end < ids.length ? { nextToken: String(end) } : {}) })
    })
    ecrMock.on(BatchGetImageCommand).callsFake((input: { imageIds: ReadonlyArray<{ imageDigest: string }> }) =>
      Promise.resolve({
        images: input.imageIds.map((id) => ({
          imageId: { imageDigest: id.imageDigest },
          imageManifest: manifests.get(id.imageDigest) ?? '',
          imageManifestMediaType: MT.dockerManifest
        })),
        failures: []
      })
    )
  }

  it('ListImages pages of 1000, then BatchGetImage in chunks of 100 with all four manifest types', async () => {
    const n = 2500
    const ids = Array.from({ length: n }, (_, i) => ({ imageDigest: digestN(i + 1), imageTag: `v${i}` }))
    serve(ids)
    const images = rightOf(await Repository.getImages(app)(mockEnv())())
    expect(images).toHaveLength(n)
    expect(images[7]).toEqual({
      ...app,
      imageDigest: digestN(8),
      imageManifest: manifestOf('8'),
      imageManifestMediaType: MT.dockerManifest
    })
    expect(ecrMock.commandCalls(ListImagesCommand)).toHaveLength(3)
    expect(ecrMock.commandCalls(ListImagesCommand)[0]?.args[0].input).toEqual({
      repositoryName: 'team/app',
      registryId: ACCOUNT,
      filter: { tagStatus: 'ANY' },
      maxResults: 1000
    })
    const batches = ecrMock.commandCalls(BatchGetImageCommand)
    expect(batches).toHaveLength(25)
    for (const b of batches) {
      expect(b.args[0].input.imageIds?.length).toBe(100)
      expect(b.args[0].input.acceptedMediaTypes).toEqual(ALL_MANIFEST_TYPES)
      expect(b.args[0].input.registryId).toBe(ACCOUNT)
    }
  })

  it('dedupes ids by digest (ListImages lists one id per tag) and filters by tag status client-side', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ digest: fc.integer({ min: 1, max: 40 }), tag: fc.option(arb.imageTag, { nil: undefined }) }), { maxLength: 120 }),
        fc.constantFrom('TAGGED' as const, 'UNTAGGED' as const, 'ANY' as const),
        async (entries, tagStatus) => {
          ecrMock.reset()
          const ids = entries.map((e) => ({ imageDigest: digestN(e.digest), ...(e.tag === undefined ? {} : { imageTag: e.tag }) }))
          serve(ids, 7)
          const got = rightOf(await Repository.getImages(app, { tagStatus })(mockEnv())())
          const order: Array<string> = []
          const tagged = new Map<string, boolean>()
          for (const id of ids) {
            if (!tagged.has(id.imageDigest)) order.push(id.imageDigest)
            tagged.set(id.imageDigest, (tagged.get(id.imageDigest) ?? false) || 'imageTag' in id)
          }
          const expected = order.filter((d) => tagStatus === 'ANY' || (tagStatus === 'TAGGED') === tagged.get(d))
          expect(got.map((i) => i.imageDigest)).toEqual(expected)
          const asked = ecrMock.commandCalls(BatchGetImageCommand).flatMap((c) => c.args[0].input.imageIds ?? [])
          expect(asked.map((i) => i.imageDigest)).toEqual(expected)
          expect(ecrMock.commandCalls(BatchGetImageCommand)).toHaveLength(Math.ceil(expected.length / 100))
        }
      ),
      { numRuns: 100 }
    )
  })

  it('skips an image deleted between the two calls; another failure is an AwsError naming its code', async () => {
    ecrMock.on(ListImagesCommand).resolves({ imageIds: [{ imageDigest: digestN(1) }, { imageDigest: digestN(2) }] })
    ecrMock
      .on(BatchGetImageCommand)
      .resolvesOnce({
        images: [{ imageId: { imageDigest: digestN(1) }, imageManifest: manifestOf('1') }],
        failures: [{ imageId: { imageDigest: digestN(2) }, failureCode: 'ImageNotFound', failureReason: 'gone' }]
      })
      .resolvesOnce({
        images: [],
        failures: [{ imageId: { imageDigest: digestN(2) }, failureCode: 'KmsError', failureReason: 'denied' }]
      })
    const images = rightOf(await Repository.getImages(app)(mockEnv())())
    expect(images.map((i) => i.imageDigest)).toEqual([digestN(1)])
    const e = leftOf(await Repository.getImages(app)(mockEnv())())
    expect(e).toMatchObject({ _tag: 'AwsError', operation: 'BatchGetImage', code: 'KmsError' })
    expect(e.message).toContain(digestN(2))
  })

  it('one digest with two different manifests is an error; the same manifest twice is fine', async () => {
    ecrMock.on(ListImagesCommand).resolves({ imageIds: [{ imageDigest: digestN(1) }] })
    ecrMock
      .on(BatchGetImageCommand)
      .resolvesOnce({
        images: [
          { imageId: { imageDigest: digestN(1), imageTag: 'a' }, imageManifest: manifestOf('1') },
          { imageId: { imageDigest: digestN(1), imageTag: 'b' }, imageManifest: manifestOf('1') }
        ]
      })
      .resolvesOnce({
        images: [
          { imageId: { imageDigest: digestN(1), imageTag: 'a' }, imageManifest: manifestOf('1') },
          { imageId: { imageDigest: digestN(1), imageTag: 'b' }, imageManifest: manifestOf('2') }
        ]
      })
    expect(rightOf(await Repository.getImages(app)(mockEnv())())).toHaveLength(1)
    // two different manifests cannot both hash to the digest: the second is a DigestMismatch
    expect(leftOf(await Repository.getImages(app)(mockEnv())())).toMatchObject({ _tag: 'DigestMismatch', expected: digestN(1) })
  })

  it('an empty repository needs no BatchGetImage', async () => {
    ecrMock.on(ListImagesCommand).resolves({ imageIds: [] })
    expect(await Repository.getImages(app)(mockEnv())()).toEqual(E.right([]))
    expect(ecrMock.commandCalls(BatchGetImageCommand)).toHaveLength(0)
  })
})

describe('getImage', () => {
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: MT.dockerManifest })

  it('one BatchGetImage by tag or by digest', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({
      images: [{ imageId: { imageDigest: Manifest.digest(manifest), imageTag: 'v1' }, imageManifest: manifest, imageManifestMediaType: MT.dockerManifest }]
    })
    const expected = { ...app, imageDigest: Manifest.digest(manifest), imageManifest: manifest, imageManifestMediaType: MT.dockerManifest }
    expect(await Repository.getImage(app, { tag: 'v1' })(mockEnv())()).toEqual(E.right(expected))
    expect(await Repository.getImage(app, { digest: Manifest.digest(manifest) })(mockEnv())()).toEqual(E.right(expected))
    expect(ecrMock.commandCalls(BatchGetImageCommand).map((c) => c.args[0].input)).toEqual([
      { registryId: ACCOUNT, repositoryName: 'team/app', imageIds: [{ imageTag: 'v1' }], acceptedMediaTypes: ALL_MANIFEST_TYPES },
      { registryId: ACCOUNT, repositoryName: 'team/app', imageIds: [{ imageDigest: Manifest.digest(manifest) }], acceptedMediaTypes: ALL_MANIFEST_TYPES }
    ])
  })

  it('both, a bad tag or a bad digest: InvalidArgument without a call', async () => {
    const both = { tag: 'v1', digest: fakeDigest(1) }
    const bad: ReadonlyArray<Repository.ImageIdentifier> = [
      both,
      { tag: '-x' },
      { tag: 'a'.repeat(129) },
      { digest: 'sha256:abc' },
      { digest: 'sha256:' + 'A'.repeat(64) }
    ]
    for (const id of bad) expect(leftOf(await Repository.getImage(app, id)(mockEnv())())._tag).toBe('InvalidArgument')
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('missing: NotFound(Image), from a failure or from an empty answer; a missing repository is NotFound(Repository)', async () => {
    ecrMock
      .on(BatchGetImageCommand)
      .resolvesOnce({
        images: [],
        failures: [{ imageId: { imageTag: 'v2' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }]
      })
      .resolvesOnce({})
      .rejectsOnce(awsException('RepositoryNotFoundException'))
    expect(leftOf(await Repository.getImage(app, { tag: 'v2' })(mockEnv())())).toMatchObject({
      _tag: 'NotFound',
      resource: 'Image',
      id: 'team/app:v2'
    })
    expect(leftOf(await Repository.getImage(app, { digest: fakeDigest(3) })(mockEnv())())).toMatchObject({
      _tag: 'NotFound',
      resource: 'Image',
      id: `team/app@${fakeDigest(3)}`
    })
    expect(leftOf(await Repository.getImage(app, { tag: 'v2' })(mockEnv())())).toMatchObject({
      _tag: 'NotFound',
      resource: 'Repository',
      id: 'team/app'
    })
  })
})

describe('resource tags', () => {
  it('getResourceTags: ListTagsForResource on the ARN', async () => {
    ecrMock.on(ListTagsForResourceCommand).resolves({ tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: undefined }] })
    expect(await Repository.getResourceTags(app)(mockEnv())()).toEqual(E.right([{ Key: 'a', Value: '1' }]))
    expect(ecrMock.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({ resourceArn: ARN })
  })

  const tagArb: fc.Arbitrary<ResourceTag> = fc.record({
    Key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    Value: fc.constantFrom('1', '2', '3')
  })

  it('updateResourceTags follows the append / overwrite model, with no empty Tag/Untag calls', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(tagArb, { selector: (t) => t.Key, maxLength: 5 }),
        fc.array(tagArb, { maxLength: 6 }),
        fc.constantFrom('append' as const, 'overwrite' as const),
        async (existing, given, mode) => {
          ecrMock.reset()
          const store = new Map(existing.map((t) => [t.Key, t.Value]))
          ecrMock.on(ListTagsForResourceCommand).callsFake(() =>
            Promise.resolve({ tags: Array.from(store, ([Key, Value]) => ({ Key, Value })) })
          )
          ecrMock.on(TagResourceCommand).callsFake((input: { resourceArn: string; tags: Array<ResourceTag> }) => {
            expect(input.resourceArn).toBe(ARN)
            for (const t of input.tags) store.set(t.Key, t.Value)
            return Promise.resolve({})
          })
          ecrMock.on(UntagResourceCommand).callsFake((input: { resourceArn: string; tagKeys: Array<string> }) => {
            expect(input.resourceArn).toBe(ARN)
            for (const k of input.tagKeys) store.delete(k)
            return Promise.resolve({})
          })
          expect(await Repository.updateResourceTags(app, given, mode)(mockEnv())()).toEqual(E.right(undefined))
          const model = new Map(mode === 'append' ? existing.map((t) => [t.Key, t.Value]) : [])
          for (const t of given) model.set(t.Key, t.Value)
          expect(Object.fromEntries(store)).toEqual(Object.fromEntries(model))
          for (const c of ecrMock.commandCalls(TagResourceCommand)) expect(c.args[0].input.tags?.length).toBeGreaterThan(0)
          for (const c of ecrMock.commandCalls(UntagResourceCommand)) expect(c.args[0].input.tagKeys?.length).toBeGreaterThan(0)
          expect(ecrMock.commandCalls(TagResourceCommand)).toHaveLength(given.length > 0 ? 1 : 0)
          const givenKeys = new Set(given.map((t) => t.Key))
          const toRemove = mode === 'overwrite' && existing.some((t) => !givenKeys.has(t.Key))
          expect(ecrMock.commandCalls(UntagResourceCommand)).toHaveLength(toRemove ? 1 : 0)
          expect(ecrMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(mode === 'overwrite' ? 1 : 0)
        }
      ),
      { numRuns: 200 }
    )
  })
})

describe('lifecycle policies', () => {
  const policy = LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged({ days: 7 }))

  it('putLifecyclePolicy sends LifecyclePolicy.toJson', async () => {
    ecrMock.on(PutLifecyclePolicyCommand).resolves({})
    expect(await Repository.putLifecyclePolicy(app, policy)(mockEnv())()).toEqual(E.right(undefined))
    expect(ecrMock.commandCalls(PutLifecyclePolicyCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'team/app',
      lifecyclePolicyText: LifecyclePolicy.toJson(policy)
    })
  })

  it('getLifecyclePolicy: Some(policy), None without a policy, NotFound(Repository) without the repository', async () => {
    ecrMock
      .on(GetLifecyclePolicyCommand)
      .resolvesOnce({ lifecyclePolicyText: LifecyclePolicy.toJson(policy) })
      .rejectsOnce(awsException('LifecyclePolicyNotFoundException'))
      .rejectsOnce(awsException('RepositoryNotFoundException'))
      .resolvesOnce({ lifecyclePolicyText: '{"rules": 5}' })
    expect(await Repository.getLifecyclePolicy(app)(mockEnv())()).toEqual(E.right(O.some(policy)))
    expect(ecrMock.commandCalls(GetLifecyclePolicyCommand)[0]?.args[0].input).toEqual({ registryId: ACCOUNT, repositoryName: 'team/app' })
    expect(await Repository.getLifecyclePolicy(app)(mockEnv())()).toEqual(E.right(O.none))
    expect(leftOf(await Repository.getLifecyclePolicy(app)(mockEnv())())).toMatchObject({ _tag: 'NotFound', resource: 'Repository' })
    expect(leftOf(await Repository.getLifecyclePolicy(app)(mockEnv())())._tag).toBe('DecodeError')
  })
})
