import {
  BatchCheckLayerAvailabilityCommand,
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  GetRegistryPolicyCommand,
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  GetDownloadUrlForLayerCommand,
  GetLifecyclePolicyCommand,
  ImageAlreadyExistsException,
  ImageDigestDoesNotMatchException,
  ImageNotFoundException,
  ImageTagAlreadyExistsException,
  InitiateLayerUploadCommand,
  InvalidLayerException,
  InvalidParameterException,
  InvalidTagParameterException,
  LayersNotFoundException,
  LifecyclePolicyNotFoundException,
  ListImagesCommand,
  ListTagsForResourceCommand,
  PutImageCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  PutReplicationConfigurationCommand,
  ReferencedImagesNotFoundException,
  RepositoryAlreadyExistsException,
  RepositoryNotEmptyException,
  RepositoryNotFoundException,
  ServerException,
  TagResourceCommand,
  TooManyTagsException,
  UntagResourceCommand,
  UploadLayerPartCommand,
  type ImageIdentifier
} from '@aws-sdk/client-ecr'
import { createHash } from 'crypto'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { send as libSend } from '../../src/internal/send'
import { InMemoryEcr } from '../../src/testing'
import { push, rejection } from './fixtures'

const sha = (s: string | Buffer) => `sha256:${createHash('sha256').update(s).digest('hex')}`

const DOCKER = 'application/vnd.docker.distribution.manifest.v2+json'
const LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'

const POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'expire untagged images after 14 days',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' }
    }
  ]
})

const arnOf = (twin: InMemoryEcr.InMemoryEcr, name: string) =>
  `arn:aws:ecr:${twin.region}:${twin.accountId}:repository/${name}`

describe('GetAuthorizationToken', () => {
  it('returns base64(AWS:password), expiresAt = now + ttl and the proxy endpoint', async () => {
    const now = new Date('2024-05-01T00:00:00Z')
    const twin = InMemoryEcr.make({ password: 'secret', now: () => now, tokenTtlMs: 1000 })
    const out = await twin.ecr.send(new GetAuthorizationTokenCommand({}))
    const data = out.authorizationData?.[0]
    expect(Buffer.from(data?.authorizationToken ?? '', 'base64').toString()).toBe('AWS:secret')
    expect(data?.expiresAt?.getTime()).toBe(now.getTime() + 1000)
    expect(data?.proxyEndpoint).toBe('https://123456789012.dkr.ecr.us-east-1.amazonaws.com')
  })

  it('uses a long random password by default, different per twin', () => {
    const a = InMemoryEcr.make()
    const b = InMemoryEcr.make()
    expect(a.password.length).toBeGreaterThan(200)
    expect(a.password).not.toBe(b.password)
  })
})

describe('CreateRepository / DeleteRepository / DescribeRepositories', () => {
  it('creates a repository with tags and mutability and describes it', async () => {
    const twin = InMemoryEcr.make({ accountId: '111122223333', region: 'eu-west-1' })
    const out = await twin.ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'team/app',
        imageTagMutability: 'IMMUTABLE',
        tags: [{ Key: 'team', Value: 'infra' }]
      })
    )
    expect(out.repository).toMatchObject({
      repositoryName: 'team/app',
      registryId: '111122223333',
      repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/team/app',
      repositoryUri: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/app',
      imageTagMutability: 'IMMUTABLE'
    })
    const tags = await twin.ecr.send(new ListTagsForResourceCommand({ resourceArn: out.repository?.repositoryArn }))
    expect(tags.tags).toEqual([{ Key: 'team', Value: 'infra' }])
    const described = await twin.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/app'] }))
    expect(described.repositories?.map((r) => r.repositoryName)).toEqual(['team/app'])
  })

  it('uses the aws-cn and aws-us-gov partitions in ARNs', async () => {
    for (const [region, partition] of [
      ['cn-north-1', 'aws-cn'],
      ['us-gov-west-1', 'aws-us-gov']
    ] as const) {
      const twin = InMemoryEcr.make({ region })
      const out = await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
      expect(out.repository?.repositoryArn).toBe(`arn:${partition}:ecr:${region}:123456789012:repository/app`)
    }
  })

  it('refuses an existing name with RepositoryAlreadyExistsException and ECR message', async () => {
    const twin = InMemoryEcr.make()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
    const e = await rejection(twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' })))
    expect(e).toBeInstanceOf(RepositoryAlreadyExistsException)
    expect(e.name).toBe('RepositoryAlreadyExistsException')
    expect(e.message).toBe("The repository with name 'app' already exists in the registry with id '123456789012'")
    expect((e.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400)
  })

  it('validates names, tags and mutability', async () => {
    const twin = InMemoryEcr.make()
    expect(await rejection(twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'Bad_Name' })))).toBeInstanceOf(
      InvalidParameterException
    )
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))
    expect(
      await rejection(twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app', tags: tooMany })))
    ).toBeInstanceOf(TooManyTagsException)
    expect(
      await rejection(
        twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app', tags: [{ Key: '', Value: 'v' }] }))
      )
    ).toBeInstanceOf(InvalidTagParameterException)
    const bad = await rejection(
      twin.ecr.send(
        new CreateRepositoryCommand({ repositoryName: 'app', imageTagMutability: 'SOMETIMES' as 'MUTABLE' })
      )
    )
    expect(bad).toBeInstanceOf(InvalidParameterException)
    expect(twin.tagsOf('app').size).toBe(0)
    expect((await twin.ecr.send(new DescribeRepositoriesCommand({}))).repositories).toEqual([])
  })

  it('DeleteRepository refuses a repository with images unless forced', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app', { tag: 'v1' })
    const e = await rejection(twin.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'app' })))
    expect(e).toBeInstanceOf(RepositoryNotEmptyException)
    expect(e.message).toBe(
      "The repository with name 'app' in registry with id '123456789012' cannot be deleted because it still contains images"
    )
    const out = await twin.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'app', force: true }))
    expect(out.repository?.repositoryName).toBe('app')
    const gone = await rejection(twin.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['app'] })))
    expect(gone).toBeInstanceOf(RepositoryNotFoundException)
    expect(gone.message).toBe("The repository with name 'app' does not exist in the registry with id '123456789012'")
  })

  it('DeleteRepository of a missing repository is RepositoryNotFoundException', async () => {
    const twin = InMemoryEcr.make()
    expect(await rejection(twin.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'nope' })))).toBeInstanceOf(
      RepositoryNotFoundException
    )
  })

  it('paginates repositories in creation order and rejects nextToken with repositoryNames', async () => {
    const twin = InMemoryEcr.make()
    const names = Array.from({ length: 25 }, (_, i) => `repo-${String(i).padStart(2, '0')}`)
    for (const n of [...names].reverse()) await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: n }))
    const seen: Array<string> = []
    let token: string | undefined
    let pages = 0
    do {
      const out = await twin.ecr.send(new DescribeRepositoriesCommand({ maxResults: 10, nextToken: token }))
      seen.push(...(out.repositories ?? []).map((r) => r.repositoryName ?? ''))
      token = out.nextToken
      pages++
    } while (token !== undefined)
    expect(pages).toBe(3)
    expect(seen).toEqual([...names].reverse())
    expect(
      await rejection(twin.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['repo-00'], nextToken: 'x' })))
    ).toBeInstanceOf(InvalidParameterException)
    expect(await rejection(twin.ecr.send(new DescribeRepositoriesCommand({ maxResults: 1001 })))).toBeInstanceOf(
      InvalidParameterException
    )
  })
})

describe('ListImages and DescribeImages', () => {
  it('lists one entry per tag and one per untagged image, with tagStatus filters', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app', { tags: ['b', 'a'] })
    const u = push(twin, 'app')
    const out = await twin.ecr.send(new ListImagesCommand({ repositoryName: 'app' }))
    expect(out.imageIds).toEqual([
      { imageDigest: a.imageDigest, imageTag: 'a' },
      { imageDigest: a.imageDigest, imageTag: 'b' },
      { imageDigest: u.imageDigest }
    ])
    expect(out.nextToken).toBeUndefined()
    const tagged = await twin.ecr.send(
      new ListImagesCommand({ repositoryName: 'app', filter: { tagStatus: 'TAGGED' } })
    )
    expect(tagged.imageIds?.map((i) => i.imageTag)).toEqual(['a', 'b'])
    const untagged = await twin.ecr.send(
      new ListImagesCommand({ repositoryName: 'app', filter: { tagStatus: 'UNTAGGED' } })
    )
    expect(untagged.imageIds).toEqual([{ imageDigest: u.imageDigest }])
  })

  it('walks 2,500 images in 3 pages of at most 1000 (ListImages and DescribeImages)', async () => {
    const twin = InMemoryEcr.make()
    const pushed = Array.from({ length: 2500 }, (_, i) => push(twin, 'big', { tag: `t${i}` }).imageDigest)
    const walk = async (list: boolean) => {
      const digests: Array<string> = []
      let pages = 0
      let token: string | undefined
      do {
        if (list) {
          const out = await twin.ecr.send(
            new ListImagesCommand({ repositoryName: 'big', maxResults: 1000, nextToken: token })
          )
          expect((out.imageIds ?? []).length).toBeLessThanOrEqual(1000)
          digests.push(...(out.imageIds ?? []).map((i) => i.imageDigest ?? ''))
          token = out.nextToken
        } else {
          const out = await twin.ecr.send(
            new DescribeImagesCommand({ repositoryName: 'big', maxResults: 1000, nextToken: token })
          )
          digests.push(...(out.imageDetails ?? []).map((i) => i.imageDigest ?? ''))
          token = out.nextToken
        }
        pages++
      } while (token !== undefined)
      return { digests, pages }
    }
    for (const list of [true, false]) {
      const { digests, pages } = await walk(list)
      expect(pages).toBe(3)
      expect(digests).toEqual(pushed)
    }
    const first = await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'big' }))
    expect(first.imageDetails).toHaveLength(100)
  })

  it('keeps paginating correctly when images are deleted between pages', async () => {
    const twin = InMemoryEcr.make()
    const digests = Array.from({ length: 10 }, (_, i) => push(twin, 'app', { tag: `t${i}` }).imageDigest)
    const page1 = await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app', maxResults: 4 }))
    await twin.ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: 'app',
        imageIds: [{ imageDigest: digests[2] }, { imageDigest: digests[5] }]
      })
    )
    const page2 = await twin.ecr.send(
      new DescribeImagesCommand({ repositoryName: 'app', maxResults: 4, nextToken: page1.nextToken })
    )
    expect(page2.imageDetails?.map((d) => d.imageDigest)).toEqual([digests[4], digests[6], digests[7], digests[8]])
  })

  it('validates maxResults, nextToken and imageIds like ECR', async () => {
    const twin = InMemoryEcr.make()
    const img = push(twin, 'app', { tag: 'v1' })
    for (const maxResults of [0, 1001, 1.5]) {
      expect(
        await rejection(twin.ecr.send(new ListImagesCommand({ repositoryName: 'app', maxResults })))
      ).toBeInstanceOf(InvalidParameterException)
      expect(
        await rejection(twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app', maxResults })))
      ).toBeInstanceOf(InvalidParameterException)
    }
    expect(
      await rejection(twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app', nextToken: 'garbage' })))
    ).toBeInstanceOf(InvalidParameterException)
    expect(
      await rejection(
        twin.ecr.send(
          new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }], nextToken: 'x' })
        )
      )
    ).toBeInstanceOf(InvalidParameterException)
    const many: Array<ImageIdentifier> = Array.from({ length: 101 }, () => ({ imageDigest: img.imageDigest }))
    expect(
      await rejection(twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app', imageIds: many })))
    ).toBeInstanceOf(InvalidParameterException)
    expect(
      await rejection(twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app', imageIds: [] })))
    ).toBeInstanceOf(InvalidParameterException)
    // a token from one listing is no good for another
    for (let i = 0; i < 3; i++) push(twin, 'other', { tag: `x${i}` })
    const page = await twin.ecr.send(new ListImagesCommand({ repositoryName: 'other', maxResults: 1 }))
    expect(page.nextToken).toBeDefined()
    expect(
      await rejection(twin.ecr.send(new ListImagesCommand({ repositoryName: 'app', nextToken: page.nextToken })))
    ).toBeInstanceOf(InvalidParameterException)
  })

  it('describes images with tags, push time, size and media types', async () => {
    const now = new Date('2024-01-01T00:00:00Z')
    const twin = InMemoryEcr.make({ now: () => now })
    const a = push(twin, 'app', { tag: 'v1', layers: 2, layerBytes: 100 })
    const b = push(twin, 'app', { format: 'oci' })
    const out = await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app' }))
    expect(out.imageDetails).toEqual([
      {
        registryId: '123456789012',
        repositoryName: 'app',
        imageDigest: a.imageDigest,
        imageTags: ['v1'],
        imageSizeInBytes: 200,
        imagePushedAt: now,
        imageManifestMediaType: DOCKER,
        artifactMediaType: 'application/vnd.docker.container.image.v1+json',
        imageStatus: 'ACTIVE'
      },
      expect.objectContaining({
        imageDigest: b.imageDigest,
        imagePushedAt: new Date(now.getTime() + 1),
        imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactMediaType: 'application/vnd.oci.image.config.v1+json'
      })
    ])
    expect(out.imageDetails?.[1]?.imageTags).toBeUndefined()
  })

  it('describes named images and fails with ImageNotFoundException for a missing one', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app', { tag: 'v1' })
    const out = await twin.ecr.send(
      new DescribeImagesCommand({
        repositoryName: 'app',
        imageIds: [{ imageTag: 'v1' }, { imageDigest: a.imageDigest }]
      })
    )
    expect(out.imageDetails?.map((d) => d.imageDigest)).toEqual([a.imageDigest])
    const e = await rejection(
      twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v2' }] }))
    )
    expect(e).toBeInstanceOf(ImageNotFoundException)
    expect(e.message).toBe(
      "The image with imageId {imageDigest:'null', imageTag:'v2'} does not exist within the repository with name 'app' in the registry with id '123456789012'"
    )
    expect(await rejection(twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'nope' })))).toBeInstanceOf(
      RepositoryNotFoundException
    )
    expect(
      await rejection(twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app', registryId: '999999999999' })))
    ).toBeInstanceOf(RepositoryNotFoundException)
  })
})

describe('BatchGetImage', () => {
  it('returns manifests and per-id failures', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app', { tag: 'v1' })
    const b = push(twin, 'app', { tag: 'v2' })
    const out = await twin.ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'app',
        imageIds: [
          { imageTag: 'v1' },
          { imageDigest: b.imageDigest },
          { imageTag: 'missing' },
          { imageTag: 'v1', imageDigest: b.imageDigest },
          { imageDigest: 'not-a-digest' },
          {}
        ],
        acceptedMediaTypes: [DOCKER]
      })
    )
    expect(out.images).toEqual([
      {
        registryId: '123456789012',
        repositoryName: 'app',
        imageId: { imageDigest: a.imageDigest, imageTag: 'v1' },
        imageManifest: a.manifest,
        imageManifestMediaType: DOCKER
      },
      {
        registryId: '123456789012',
        repositoryName: 'app',
        imageId: { imageDigest: b.imageDigest },
        imageManifest: b.manifest,
        imageManifestMediaType: DOCKER
      }
    ])
    expect(out.failures?.map((f) => f.failureCode)).toEqual([
      'ImageNotFound',
      'ImageTagDoesNotMatchDigest',
      'InvalidImageDigest',
      'MissingDigestAndTag'
    ])
    expect(out.failures?.[0]).toEqual({
      imageId: { imageTag: 'missing' },
      failureCode: 'ImageNotFound',
      failureReason: 'Requested image not found'
    })
  })

  it('gives an index by tag only to callers that accept its type, else one platform', async () => {
    const twin = InMemoryEcr.make()
    const idx = push(twin, 'app', {
      tag: 'multi',
      platforms: [
        { os: 'linux', architecture: 'arm64', variant: 'v8' },
        { os: 'linux', architecture: 'amd64' }
      ]
    })
    const withIndex = await twin.ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'app',
        imageIds: [{ imageTag: 'multi' }],
        acceptedMediaTypes: [DOCKER, LIST]
      })
    )
    expect(withIndex.images?.[0]?.imageId?.imageDigest).toBe(idx.imageDigest)
    expect(withIndex.images?.[0]?.imageManifestMediaType).toBe(LIST)
    const amd64 = idx.children.find((c) => c.platform.architecture === 'amd64')
    for (const acceptedMediaTypes of [undefined, [DOCKER]]) {
      const out = await twin.ecr.send(
        new BatchGetImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'multi' }], acceptedMediaTypes })
      )
      expect(out.images?.[0]?.imageId).toEqual({ imageDigest: amd64?.imageDigest, imageTag: 'multi' })
      expect(out.images?.[0]?.imageManifest).toBe(amd64?.manifest)
    }
    // by digest: never converted
    const byDigest = await twin.ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'app',
        imageIds: [{ imageDigest: idx.imageDigest }],
        acceptedMediaTypes: [DOCKER]
      })
    )
    expect(byDigest.images?.[0]?.imageManifest).toBe(idx.manifest)
  })

  it('takes 1 to 100 image ids', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app', { tag: 'v1' })
    const ids = Array.from({ length: 101 }, () => ({ imageTag: 'v1' }))
    expect(
      await rejection(twin.ecr.send(new BatchGetImageCommand({ repositoryName: 'app', imageIds: ids })))
    ).toBeInstanceOf(InvalidParameterException)
    const ok = await twin.ecr.send(new BatchGetImageCommand({ repositoryName: 'app', imageIds: ids.slice(0, 100) }))
    expect(ok.images).toHaveLength(100)
  })
})

describe('BatchDeleteImage', () => {
  it('deletes by tag (the image goes with its last tag) and by digest (with all tags)', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app', { tags: ['a1', 'a2'] })
    const b = push(twin, 'app', { tags: ['b1', 'b2'] })
    const r1 = await twin.ecr.send(
      new BatchDeleteImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'a1' }] })
    )
    expect(r1.imageIds).toEqual([{ imageDigest: a.imageDigest, imageTag: 'a1' }])
    expect(twin.getManifestText('app', a.imageDigest)._tag).toBe('Some')
    await twin.ecr.send(new BatchDeleteImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'a2' }] }))
    expect(twin.getManifestText('app', a.imageDigest)._tag).toBe('None')
    const r2 = await twin.ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: 'app',
        imageIds: [{ imageDigest: b.imageDigest }, { imageTag: 'zzz' }]
      })
    )
    expect(r2.imageIds).toEqual([
      { imageDigest: b.imageDigest, imageTag: 'b1' },
      { imageDigest: b.imageDigest, imageTag: 'b2' }
    ])
    expect(r2.failures).toEqual([
      { imageId: { imageTag: 'zzz' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }
    ])
    expect(twin.tagsOf('app').size).toBe(0)
  })

  it('refuses to delete an image an index lists', async () => {
    const twin = InMemoryEcr.make()
    const idx = push(twin, 'app', {
      tag: 'multi',
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' }
      ]
    })
    const child = idx.children[0]?.imageDigest
    const out = await twin.ecr.send(
      new BatchDeleteImageCommand({ repositoryName: 'app', imageIds: [{ imageDigest: child }] })
    )
    expect(out.failures?.[0]?.failureCode).toBe('ImageReferencedByManifestList')
    expect(twin.getManifestText('app', child ?? '')._tag).toBe('Some')
    await twin.ecr.send(
      new BatchDeleteImageCommand({ repositoryName: 'app', imageIds: [{ imageDigest: idx.imageDigest }] })
    )
    const again = await twin.ecr.send(
      new BatchDeleteImageCommand({ repositoryName: 'app', imageIds: [{ imageDigest: child }] })
    )
    expect(again.imageIds).toEqual([{ imageDigest: child }])
  })
})

describe('PutImage', () => {
  it('stores a manifest whose blobs are there, tags it and moves tags on a MUTABLE repository', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app', { tag: 'latest' })
    const b = push(twin, 'app')
    const out = await twin.ecr.send(
      new PutImageCommand({ repositoryName: 'app', imageManifest: b.manifest, imageTag: 'latest' })
    )
    expect(out.image).toEqual({
      registryId: '123456789012',
      repositoryName: 'app',
      imageId: { imageDigest: b.imageDigest, imageTag: 'latest' },
      imageManifest: b.manifest,
      imageManifestMediaType: DOCKER
    })
    expect(twin.tagsOf('app').get('latest')).toBe(b.imageDigest)
    const described = await twin.ecr.send(
      new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageDigest: a.imageDigest }] })
    )
    expect(described.imageDetails?.[0]?.imageTags).toBeUndefined()
  })

  it('checks imageDigest against the sha256 of the manifest', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app')
    const wrong = sha('other')
    const e = await rejection(
      twin.ecr.send(
        new PutImageCommand({ repositoryName: 'app', imageManifest: a.manifest, imageDigest: wrong, imageTag: 'x' })
      )
    )
    expect(e).toBeInstanceOf(ImageDigestDoesNotMatchException)
    expect(twin.tagsOf('app').has('x')).toBe(false)
    const ok = await twin.ecr.send(
      new PutImageCommand({
        repositoryName: 'app',
        imageManifest: a.manifest,
        imageDigest: sha(a.manifest),
        imageTag: 'x'
      })
    )
    expect(ok.image?.imageId?.imageDigest).toBe(a.imageDigest)
  })

  it('honours IMMUTABLE tags and reports an unchanged push', async () => {
    const twin = InMemoryEcr.make()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app', imageTagMutability: 'IMMUTABLE' }))
    const a = push(twin, 'app', { tag: 'v1' })
    const b = push(twin, 'app')
    const e = await rejection(
      twin.ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: b.manifest, imageTag: 'v1' }))
    )
    expect(e).toBeInstanceOf(ImageTagAlreadyExistsException)
    expect(e.message).toBe(
      "The image tag 'v1' already exists in the 'app' repository and cannot be overwritten because the repository is immutable."
    )
    const same = await rejection(
      twin.ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: a.manifest, imageTag: 'v1' }))
    )
    expect(same).toBeInstanceOf(ImageAlreadyExistsException)
    expect(same.message).toBe(
      `Image with digest '${a.imageDigest}' and tag 'v1' already exists in the repository with name 'app' in registry with id '123456789012'`
    )
    expect(twin.tagsOf('app').get('v1')).toBe(a.imageDigest)
    // a new tag on an existing image is fine, and so is switching back to MUTABLE
    await twin.ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: a.manifest, imageTag: 'v1-alias' }))
    const m = await twin.ecr.send(
      new PutImageTagMutabilityCommand({ repositoryName: 'app', imageTagMutability: 'MUTABLE' })
    )
    expect(m.imageTagMutability).toBe('MUTABLE')
    await twin.ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: b.manifest, imageTag: 'v1' }))
    expect(twin.tagsOf('app').get('v1')).toBe(b.imageDigest)
  })

  it('needs every referenced blob and child in the repository', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'src', {
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' }
      ]
    })
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'dst' }))
    const child = a.children[0]
    const layers = await rejection(
      twin.ecr.send(new PutImageCommand({ repositoryName: 'dst', imageManifest: child?.manifest }))
    )
    expect(layers).toBeInstanceOf(LayersNotFoundException)
    expect(layers.message).toContain(child?.configDigest)
    const children = await rejection(
      twin.ecr.send(new PutImageCommand({ repositoryName: 'dst', imageManifest: a.manifest }))
    )
    expect(children).toBeInstanceOf(ReferencedImagesNotFoundException)
    expect(twin.callCount('PutImage')).toBe(2)
  })

  it('wants a media type: the manifest field or imageManifestMediaType', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app', { format: 'oci' })
    const parsed = JSON.parse(a.manifest) as Record<string, unknown>
    delete parsed.mediaType
    const bare = JSON.stringify(parsed)
    const e = await rejection(twin.ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: bare })))
    expect(e).toBeInstanceOf(InvalidParameterException)
    expect(e.message).toBe("Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'")
    const ok = await twin.ecr.send(
      new PutImageCommand({
        repositoryName: 'app',
        imageManifest: bare,
        imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json'
      })
    )
    expect(ok.image?.imageId?.imageDigest).toBe(sha(bare))
    expect(
      await rejection(twin.ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: '{not json' })))
    ).toBeInstanceOf(InvalidParameterException)
  })

  it('stores an OCI index of existing children', async () => {
    const twin = InMemoryEcr.make()
    const idx = push(twin, 'app', { format: 'oci', platforms: [{ os: 'linux', architecture: 'amd64' }] })
    expect(idx.mediaType).toBe(OCI_INDEX)
    const out = await twin.ecr.send(
      new BatchGetImageCommand({ repositoryName: 'app', imageIds: [{ imageDigest: idx.imageDigest }] })
    )
    expect(out.images?.[0]?.imageManifestMediaType).toBe(OCI_INDEX)
  })
})

describe('resource tags', () => {
  it('tags, untags and lists by repository ARN', async () => {
    const twin = InMemoryEcr.make()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app', tags: [{ Key: 'a', Value: '1' }] }))
    const resourceArn = arnOf(twin, 'app')
    await twin.ecr.send(
      new TagResourceCommand({
        resourceArn,
        tags: [
          { Key: 'b', Value: '2' },
          { Key: 'a', Value: '3' }
        ]
      })
    )
    expect((await twin.ecr.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual([
      { Key: 'a', Value: '3' },
      { Key: 'b', Value: '2' }
    ])
    await twin.ecr.send(new UntagResourceCommand({ resourceArn, tagKeys: ['a'] }))
    expect((await twin.ecr.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual([
      { Key: 'b', Value: '2' }
    ])
  })

  it('finds repositories by ARN in every AWS partition, and refuses the ARN of another partition', async () => {
    const regions = [
      ['us-east-1', 'aws'],
      ['cn-north-1', 'aws-cn'],
      ['us-gov-west-1', 'aws-us-gov'],
      ['us-iso-east-1', 'aws-iso'],
      ['us-isob-east-1', 'aws-iso-b'],
      ['eu-isoe-west-1', 'aws-iso-e'],
      ['us-isof-south-1', 'aws-iso-f'],
      ['eusc-de-east-1', 'aws-eusc']
    ] as const
    for (const [region, partition] of regions) {
      const twin = InMemoryEcr.make({ accountId: '123456789012', region })
      const created = await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app', tags: [{ Key: 'p', Value: partition }] }))
      const resourceArn = `arn:${partition}:ecr:${region}:123456789012:repository/app`
      expect(created.repository?.repositoryArn).toBe(resourceArn)
      expect((await twin.ecr.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual([{ Key: 'p', Value: partition }])
      const other = partition === 'aws' ? 'aws-cn' : 'aws'
      expect(
        await rejection(twin.ecr.send(new ListTagsForResourceCommand({ resourceArn: resourceArn.replace(`arn:${partition}:`, `arn:${other}:`) })))
      ).toBeInstanceOf(InvalidParameterException)
    }
  })

  it('allows at most 50 tags and refuses bad ARNs', async () => {
    const twin = InMemoryEcr.make()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
    const resourceArn = arnOf(twin, 'app')
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))
    await twin.ecr.send(new TagResourceCommand({ resourceArn, tags: fifty }))
    const e = await rejection(
      twin.ecr.send(new TagResourceCommand({ resourceArn, tags: [{ Key: 'one-more', Value: 'v' }] }))
    )
    expect(e).toBeInstanceOf(TooManyTagsException)
    expect((await twin.ecr.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toHaveLength(50)
    for (const bad of ['not-an-arn', 'arn:aws:s3:::bucket', `arn:aws:ecr:eu-west-1:${twin.accountId}:repository/app`]) {
      expect(await rejection(twin.ecr.send(new ListTagsForResourceCommand({ resourceArn: bad })))).toBeInstanceOf(
        InvalidParameterException
      )
    }
    expect(
      await rejection(twin.ecr.send(new ListTagsForResourceCommand({ resourceArn: arnOf(twin, 'missing') })))
    ).toBeInstanceOf(RepositoryNotFoundException)
    expect(
      await rejection(
        twin.ecr.send(new TagResourceCommand({ resourceArn, tags: [{ Key: 'aws:reserved', Value: 'v' }] }))
      )
    ).toBeInstanceOf(InvalidTagParameterException)
  })
})

describe('lifecycle policies', () => {
  it('puts, gets and deletes a policy', async () => {
    const twin = InMemoryEcr.make()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
    const missing = await rejection(twin.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'app' })))
    expect(missing).toBeInstanceOf(LifecyclePolicyNotFoundException)
    expect(missing.message).toBe(
      "Lifecycle policy does not exist for the repository with name 'app' in the registry with id '123456789012'"
    )
    const put = await twin.ecr.send(
      new PutLifecyclePolicyCommand({ repositoryName: 'app', lifecyclePolicyText: POLICY })
    )
    expect(put.lifecyclePolicyText).toBe(POLICY)
    expect((await twin.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'app' }))).lifecyclePolicyText).toBe(
      POLICY
    )
    expect((await twin.ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'app' }))).lifecyclePolicyText).toBe(
      POLICY
    )
    expect(await rejection(twin.ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'app' })))).toBeInstanceOf(
      LifecyclePolicyNotFoundException
    )
  })

  it('refuses texts shorter than 100 or longer than 30720 characters, and invalid rules', async () => {
    const twin = InMemoryEcr.make()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
    const rule = (selection: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        rules: [{ rulePriority: 1, description: 'x'.repeat(80), selection, action: { type: 'expire' }, ...extra }]
      })
    const bad = [
      '{"rules":[]}',
      `{"rules":[], "pad": "${'x'.repeat(30720)}"}`,
      rule({ tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1 }),
      rule({ tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1, countUnit: 'days' }),
      rule({ tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 1 }),
      rule({ tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 0 }),
      rule({ tagStatus: 'maybe', countType: 'imageCountMoreThan', countNumber: 1 })
    ]
    for (const text of bad) {
      expect(
        await rejection(
          twin.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'app', lifecyclePolicyText: text }))
        )
      ).toBeInstanceOf(InvalidParameterException)
    }
    const good = rule({ tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 5 })
    expect(
      (await twin.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'app', lifecyclePolicyText: good })))
        .lifecyclePolicyText
    ).toBe(good)
  })
})

describe('layers', () => {
  it('BatchCheckLayerAvailability reports present layers and failures', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app', { layerBytes: 40 })
    const layer = a.layerDigests[0] ?? ''
    const out = await twin.ecr.send(
      new BatchCheckLayerAvailabilityCommand({ repositoryName: 'app', layerDigests: [layer, sha('nothing'), 'bogus'] })
    )
    expect(out.layers).toEqual([
      {
        layerDigest: layer,
        layerAvailability: 'AVAILABLE',
        layerSize: 40,
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip'
      }
    ])
    expect(out.failures?.map((f) => f.failureCode)).toEqual(['MissingLayerDigest', 'InvalidLayerDigest'])
  })

  it('GetDownloadUrlForLayer gives a pre-signed URL that serves the bytes without credentials', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app', { layerBytes: 50 })
    const layer = a.layerDigests[0] ?? ''
    const out = await twin.ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: 'app', layerDigest: layer }))
    expect(out.downloadUrl?.startsWith(`${twin.storageOrigin}/`)).toBe(true)
    expect(out.downloadUrl).toContain('X-Amz-Signature=')
    const res = await twin.fetch(out.downloadUrl ?? '')
    expect(res.status).toBe(200)
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(layer)
    expect(
      await rejection(
        twin.ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: 'app', layerDigest: sha('none') }))
      )
    ).toBeInstanceOf(LayersNotFoundException)
  })

  it('uploads a layer through InitiateLayerUpload, UploadLayerPart and CompleteLayerUpload', async () => {
    const twin = InMemoryEcr.make()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
    const bytes = Buffer.from('0123456789abcdef')
    const { uploadId } = await twin.ecr.send(new InitiateLayerUploadCommand({ repositoryName: 'app' }))
    await twin.ecr.send(
      new UploadLayerPartCommand({
        repositoryName: 'app',
        uploadId,
        partFirstByte: 0,
        partLastByte: 9,
        layerPartBlob: bytes.subarray(0, 10)
      })
    )
    await twin.ecr.send(
      new UploadLayerPartCommand({
        repositoryName: 'app',
        uploadId,
        partFirstByte: 10,
        partLastByte: 15,
        layerPartBlob: bytes.subarray(10)
      })
    )
    const done = await twin.ecr.send(
      new CompleteLayerUploadCommand({ repositoryName: 'app', uploadId, layerDigests: [sha(bytes)] })
    )
    expect(done.layerDigest).toBe(sha(bytes))
    expect(twin.hasBlob('app', sha(bytes))).toBe(true)
    const { uploadId: second } = await twin.ecr.send(new InitiateLayerUploadCommand({ repositoryName: 'app' }))
    await twin.ecr.send(
      new UploadLayerPartCommand({
        repositoryName: 'app',
        uploadId: second,
        partFirstByte: 0,
        partLastByte: 0,
        layerPartBlob: Buffer.from('z')
      })
    )
    expect(
      await rejection(
        twin.ecr.send(
          new CompleteLayerUploadCommand({ repositoryName: 'app', uploadId: second, layerDigests: [sha('y')] })
        )
      )
    ).toBeInstanceOf(InvalidLayerException)
  })
})

describe('registry settings', () => {
  it('stores and returns the replication configuration', async () => {
    const twin = InMemoryEcr.make()
    expect((await twin.ecr.send(new DescribeRegistryCommand({}))).replicationConfiguration).toEqual({ rules: [] })
    const replicationConfiguration = {
      rules: [
        {
          destinations: [{ region: 'eu-west-1', registryId: '123456789012' }],
          repositoryFilters: [{ filter: 'prod', filterType: 'PREFIX_MATCH' as const }]
        }
      ]
    }
    const put = await twin.ecr.send(new PutReplicationConfigurationCommand({ replicationConfiguration }))
    expect(put.replicationConfiguration).toEqual(replicationConfiguration)
    const described = await twin.ecr.send(new DescribeRegistryCommand({}))
    expect(described).toMatchObject({ registryId: '123456789012', replicationConfiguration })
    expect(
      await rejection(
        twin.ecr.send(
          new PutReplicationConfigurationCommand({ replicationConfiguration: { rules: [{ destinations: [] }] } })
        )
      )
    ).toBeInstanceOf(InvalidParameterException)
  })
})

describe('send', () => {
  it('rejects a command it does not implement with UnsupportedOperation', async () => {
    const twin = InMemoryEcr.make()
    const e = await rejection(twin.ecr.send(new GetRegistryPolicyCommand({})))
    expect(e.name).toBe('UnsupportedOperation')
    expect(twin.calls).toEqual([{ operation: 'GetRegistryPolicy', input: {} }])
  })

  it('dispatches on the constructor name when the class is another copy', async () => {
    const twin = InMemoryEcr.make()
    class CreateRepositoryCommand {
      constructor(readonly input: { repositoryName: string }) {}
    }
    const send = twin.ecr.send as unknown as (c: unknown) => Promise<{ repository?: { repositoryName?: string } }>
    const out = await send(new CreateRepositoryCommand({ repositoryName: 'copy' }))
    expect(out.repository?.repositoryName).toBe('copy')
  })

  it('supports the callback form', async () => {
    const twin = InMemoryEcr.make()
    const send = twin.ecr.send as unknown as (c: unknown, cb: (err: unknown, data?: unknown) => void) => void
    const result = await new Promise<unknown>((resolve) =>
      send(new DescribeRepositoriesCommand({ repositoryNames: ['ghost'] }), (err) => resolve(err))
    )
    expect(result).toBeInstanceOf(RepositoryNotFoundException)
  })

  it('records every call with its input, counts them and resets', async () => {
    const twin = InMemoryEcr.make()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
    await rejection(twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' })))
    await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app' }))
    expect(twin.calls.map((c) => c.operation)).toEqual(['CreateRepository', 'CreateRepository', 'DescribeImages'])
    expect(twin.calls[2]?.input).toEqual({ repositoryName: 'app' })
    expect(twin.callCount()).toBe(3)
    expect(twin.callCount('CreateRepository')).toBe(2)
    twin.resetCalls()
    expect(twin.callCount()).toBe(0)
    expect(twin.calls).toHaveLength(0)
  })

  it('maps to the library errors through the internal send', async () => {
    const twin = InMemoryEcr.make()
    const r = await libSend(new DescribeRepositoriesCommand({ repositoryNames: ['ghost'] }), 'ghost')(twin.env)()
    expect(r).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'NotFound',
          resource: 'Repository',
          message: "The repository with name 'ghost' does not exist in the registry with id '123456789012'"
        })
      )
    )
  })
})

describe('fault injection and latency', () => {
  it('throttle, server-error, network, missing-fields and statuses', async () => {
    const twin = InMemoryEcr.make()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
    const cmd = () => new DescribeImagesCommand({ repositoryName: 'app' })
    twin.setFault(() => 'throttle')
    const throttled = await rejection(twin.ecr.send(cmd()))
    expect(throttled).toMatchObject({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: expect.objectContaining({ httpStatusCode: 400 }),
      $retryable: { throttling: true }
    })
    twin.setFault(() => 'server-error')
    const server = await rejection(twin.ecr.send(cmd()))
    expect(server).toBeInstanceOf(ServerException)
    expect((server.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(500)
    twin.setFault(() => 'network')
    expect(await rejection(twin.ecr.send(cmd()))).toMatchObject({ code: 'ECONNRESET' })
    twin.setFault(() => 'missing-fields')
    expect(await twin.ecr.send(cmd())).toEqual({ $metadata: {} })
    twin.setFault(() => ({ status: 403 }))
    expect(await rejection(twin.ecr.send(cmd()))).toMatchObject({
      name: 'AccessDeniedException',
      $metadata: expect.objectContaining({ httpStatusCode: 403 })
    })
    twin.setFault(undefined)
    expect((await twin.ecr.send(cmd())).imageDetails).toEqual([])
  })

  it('asks the fault function with the operation and input, so faults can be selective and stateful', async () => {
    const twin = InMemoryEcr.make()
    const asked: Array<unknown> = []
    let failures = 2
    twin.setFault((call) => {
      asked.push(call)
      return call.kind === 'ecr' && call.operation === 'CreateRepository' && failures-- > 0 ? 'throttle' : undefined
    })
    await rejection(twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' })))
    await rejection(twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' })))
    const ok = await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }))
    expect(ok.repository?.repositoryName).toBe('app')
    expect(asked[0]).toEqual({ kind: 'ecr', operation: 'CreateRepository', input: { repositoryName: 'app' } })
    expect(twin.callCount('CreateRepository')).toBe(3)
  })

  it('the library retries injected throttling through its send', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app', { tag: 'v1' })
    let failures = 1
    twin.setFault((call) => (call.kind === 'ecr' && failures-- > 0 ? 'throttle' : undefined))
    const r = await libSend(new DescribeImagesCommand({ repositoryName: 'app' }))(twin.env)()
    // whether the library retries or not, the error must be classified as retryable throttling
    if (E.isLeft(r)) expect(r.left).toMatchObject({ _tag: 'AwsError', code: 'ThrottlingException', retryable: true })
    else expect(r.right.imageDetails).toHaveLength(1)
  })

  it('adds latencyMs to every call', async () => {
    const twin = InMemoryEcr.make({ latencyMs: 25 })
    const start = Date.now()
    await twin.ecr.send(new DescribeRepositoriesCommand({}))
    expect(Date.now() - start).toBeGreaterThanOrEqual(20)
  })
})
