import {
  BatchCheckLayerAvailabilityCommand,
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  GetDownloadUrlForLayerCommand,
  ImageNotFoundException,
  ImageStorageClassUpdateNotSupportedException,
  InvalidParameterException,
  LayerInaccessibleException,
  ListImageReferrersCommand,
  ListImagesCommand,
  PutImageCommand,
  RepositoryNotFoundException,
  UpdateImageStorageClassCommand
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { describe, expect, it } from 'vitest'
import { InMemoryEcr } from '../../../src/testing'
import { push, rejection } from '../fixtures'

const TWO_PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64' }
]

const archive = (twin: InMemoryEcr.InMemoryEcr, imageDigest: string) =>
  twin.ecr.send(
    new UpdateImageStorageClassCommand({ repositoryName: 'app', imageId: { imageDigest }, targetStorageClass: 'ARCHIVE' })
  )

const restore = (twin: InMemoryEcr.InMemoryEcr, imageDigest: string) =>
  twin.ecr.send(
    new UpdateImageStorageClassCommand({ repositoryName: 'app', imageId: { imageDigest }, targetStorageClass: 'STANDARD' })
  )

// -------------------------------------------------------------------------------------
// BatchDeleteImage
// -------------------------------------------------------------------------------------

describe('BatchDeleteImage', () => {
  it('removing a tag of a multi-tagged image keeps the image; the last tag takes it', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app', { tags: ['v1', 'latest'] })
    const first = await twin.ecr.send(
      new BatchDeleteImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'latest' }] })
    )
    expect(first).toMatchObject({ imageIds: [{ imageDigest: a.imageDigest, imageTag: 'latest' }], failures: [] })
    expect(twin.imageStatus('app', a.imageDigest)).toEqual(O.some('ACTIVE'))
    await twin.ecr.send(new BatchDeleteImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }] }))
    expect(twin.imageStatus('app', a.imageDigest)).toEqual(O.none)
  })

  it('deletes an untagged image by digest, and a digest with a matching tag', async () => {
    const twin = InMemoryEcr.make()
    const untagged = push(twin, 'app')
    const tagged = push(twin, 'app', { tags: ['v1', 'v2'] })
    const out = await twin.ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: 'app',
        imageIds: [{ imageDigest: untagged.imageDigest }, { imageDigest: tagged.imageDigest, imageTag: 'v2' }]
      })
    )
    expect(out.imageIds).toEqual([
      { imageDigest: untagged.imageDigest },
      { imageDigest: tagged.imageDigest, imageTag: 'v1' },
      { imageDigest: tagged.imageDigest, imageTag: 'v2' }
    ])
    expect(twin.tagsOf('app').size).toBe(0)
  })

  it('reports malformed and unknown ids as failures, not a failed call', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app', { tag: 'v1' })
    const out = await twin.ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: 'app',
        imageIds: [
          {},
          { imageDigest: 'not-a-digest' },
          { imageTag: 'x'.repeat(301) },
          { imageDigest: `sha256:${'0'.repeat(64)}` },
          { imageDigest: a.imageDigest, imageTag: 'other' }
        ]
      })
    )
    expect(out.imageIds).toEqual([])
    expect(out.failures?.map((f) => f.failureCode)).toEqual([
      'MissingDigestAndTag',
      'InvalidImageDigest',
      'InvalidImageTag',
      'ImageNotFound',
      'ImageNotFound'
    ])
    expect(twin.tagsOf('app').get('v1')).toBe(a.imageDigest)
  })

  it('refuses removing the last tag of an image an index lists', async () => {
    const twin = InMemoryEcr.make()
    const idx = push(twin, 'app', { platforms: TWO_PLATFORMS })
    const child = idx.children[0]?.imageDigest ?? ''
    await twin.ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: idx.children[0]?.manifest, imageTag: 'c' }))
    const out = await twin.ecr.send(new BatchDeleteImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'c' }] }))
    expect(out.failures).toEqual([
      {
        imageId: { imageTag: 'c' },
        failureCode: 'ImageReferencedByManifestList',
        failureReason: `Requested image referenced by manifest list: [${idx.imageDigest}]`
      }
    ])
    expect(twin.tagsOf('app').get('c')).toBe(child)
  })

  it('takes 1 to 100 ids and needs the repository', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app')
    for (const imageIds of [[], Array.from({ length: 101 }, (_, i) => ({ imageTag: `t${i}` }))]) {
      const e = await rejection(twin.ecr.send(new BatchDeleteImageCommand({ repositoryName: 'app', imageIds })))
      expect(e).toBeInstanceOf(InvalidParameterException)
    }
    const hundred = await twin.ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: 'app',
        imageIds: Array.from({ length: 100 }, (_, i) => ({ imageTag: `t${i}` }))
      })
    )
    expect(hundred.failures).toHaveLength(100)
    const missing = await rejection(
      twin.ecr.send(new BatchDeleteImageCommand({ repositoryName: 'nope', imageIds: [{ imageTag: 'v1' }] }))
    )
    expect(missing).toBeInstanceOf(RepositoryNotFoundException)
    expect(missing.message).toBe("The repository with name 'nope' does not exist in the registry with id '123456789012'")
  })
})

// -------------------------------------------------------------------------------------
// image status: archive and restore
// -------------------------------------------------------------------------------------

describe('UpdateImageStorageClass', () => {
  it('archives an image: listed only when asked for, described with its status and archive time', async () => {
    const now = new Date('2025-01-01T00:00:00Z')
    const twin = InMemoryEcr.make({ now: () => now })
    const a = push(twin, 'app', { tag: 'old' })
    const b = push(twin, 'app', { tag: 'new' })
    const out = await archive(twin, a.imageDigest)
    expect(out).toMatchObject({
      registryId: '123456789012',
      repositoryName: 'app',
      imageId: { imageDigest: a.imageDigest },
      imageStatus: 'ARCHIVED'
    })
    const list = async (imageStatus?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING' | 'ANY') =>
      (
        await twin.ecr.send(
          new ListImagesCommand({ repositoryName: 'app', ...(imageStatus === undefined ? {} : { filter: { imageStatus } }) })
        )
      ).imageIds?.map((i) => i.imageTag)
    expect(await list()).toEqual(['new'])
    expect(await list('ARCHIVED')).toEqual(['old'])
    expect(await list('ANY')).toEqual(['old', 'new'])
    expect(await list('ACTIVATING')).toEqual([])
    const described = await twin.ecr.send(
      new DescribeImagesCommand({ repositoryName: 'app', filter: { imageStatus: 'ANY' } })
    )
    expect(described.imageDetails?.map((d) => [d.imageDigest, d.imageStatus, d.lastArchivedAt])).toEqual([
      [a.imageDigest, 'ARCHIVED', now],
      [b.imageDigest, 'ACTIVE', undefined]
    ])
    // by id, whatever the status
    const byId = await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'old' }] }))
    expect(byId.imageDetails?.[0]?.imageStatus).toBe('ARCHIVED')
  })

  it('an archived image cannot be read: ImageInaccessible in BatchGetImage, its layers ARCHIVED and inaccessible', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app', { tag: 'v1', layerBytes: 64 })
    await archive(twin, a.imageDigest)
    const got = await twin.ecr.send(new BatchGetImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }] }))
    expect(got.images).toEqual([])
    expect(got.failures?.[0]).toMatchObject({ imageId: { imageTag: 'v1' }, failureCode: 'ImageInaccessible' })
    expect(got.failures?.[0]?.failureReason).toContain('archived')
    const layer = a.layerDigests[0] ?? ''
    const check = await twin.ecr.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: 'app', layerDigests: [layer] }))
    expect(check.layers?.[0]?.layerAvailability).toBe('ARCHIVED')
    const url = await rejection(twin.ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: 'app', layerDigest: layer })))
    expect(url).toBeInstanceOf(LayerInaccessibleException)
  })

  it('restores: ACTIVATING for the restore time on the twin clock, then ACTIVE with lastActivatedAt', async () => {
    let t = Date.parse('2025-01-01T00:00:00Z')
    const twin = InMemoryEcr.make({ now: () => new Date(t), restoreMs: 20 * 60_000 })
    const a = push(twin, 'app', { tag: 'v1' })
    await archive(twin, a.imageDigest)
    expect((await restore(twin, a.imageDigest)).imageStatus).toBe('ACTIVATING')
    expect(twin.imageStatus('app', 'v1')).toEqual(O.some('ACTIVATING'))
    const got = await twin.ecr.send(new BatchGetImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }] }))
    expect(got.failures?.[0]?.failureCode).toBe('ImageInaccessible')
    t += 20 * 60_000
    expect(twin.imageStatus('app', 'v1')).toEqual(O.some('ACTIVE'))
    const d = await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app' }))
    expect(d.imageDetails?.[0]).toMatchObject({ imageStatus: 'ACTIVE', lastActivatedAt: new Date(t) })
  })

  it('settle() finishes restores at once, and by default a restore is done by the next call', async () => {
    const slow = InMemoryEcr.make({ restoreMs: 3_600_000 })
    const a = push(slow, 'app', { tag: 'v1' })
    await archive(slow, a.imageDigest)
    await restore(slow, a.imageDigest)
    expect(slow.imageStatus('app', 'v1')).toEqual(O.some('ACTIVATING'))
    slow.settle()
    expect(slow.imageStatus('app', 'v1')).toEqual(O.some('ACTIVE'))
    const fast = InMemoryEcr.make()
    const b = push(fast, 'app', { tag: 'v1' })
    await archive(fast, b.imageDigest)
    expect((await restore(fast, b.imageDigest)).imageStatus).toBe('ACTIVATING')
    expect(fast.imageStatus('app', 'v1')).toEqual(O.some('ACTIVE'))
  })

  it('an index is archived and restored with its platform images; a listed child alone is not', async () => {
    const twin = InMemoryEcr.make()
    const idx = push(twin, 'app', { tag: 'multi', platforms: TWO_PLATFORMS })
    const child = idx.children[0]?.imageDigest ?? ''
    const refused = await rejection(archive(twin, child))
    expect(refused).toBeInstanceOf(ImageStorageClassUpdateNotSupportedException)
    await archive(twin, idx.imageDigest)
    expect(idx.children.map((c) => twin.imageStatus('app', c.imageDigest))).toEqual([
      O.some('ARCHIVED'),
      O.some('ARCHIVED')
    ])
    await restore(twin, idx.imageDigest)
    expect(twin.imageStatus('app', child)).toEqual(O.some('ACTIVE'))
  })

  it('refuses a move to the class the image is in, an unknown image, and bad input', async () => {
    const twin = InMemoryEcr.make({ restoreMs: 60_000 })
    const a = push(twin, 'app', { tag: 'v1' })
    expect(await rejection(restore(twin, a.imageDigest))).toBeInstanceOf(ImageStorageClassUpdateNotSupportedException)
    await archive(twin, a.imageDigest)
    expect(await rejection(archive(twin, a.imageDigest))).toBeInstanceOf(ImageStorageClassUpdateNotSupportedException)
    await restore(twin, a.imageDigest)
    expect(await rejection(restore(twin, a.imageDigest))).toBeInstanceOf(ImageStorageClassUpdateNotSupportedException)
    expect(await rejection(archive(twin, `sha256:${'1'.repeat(64)}`))).toBeInstanceOf(ImageNotFoundException)
    const bad = await rejection(
      twin.ecr.send(
        new UpdateImageStorageClassCommand({
          repositoryName: 'app',
          imageId: { imageTag: 'v1' },
          targetStorageClass: 'GLACIER' as 'ARCHIVE'
        })
      )
    )
    expect(bad).toBeInstanceOf(InvalidParameterException)
    expect(bad.message).toContain('[STANDARD, ARCHIVE]')
    const missing = await rejection(
      twin.ecr.send(
        new UpdateImageStorageClassCommand({ repositoryName: 'nope', imageId: { imageTag: 'v1' }, targetStorageClass: 'ARCHIVE' })
      )
    )
    expect(missing).toBeInstanceOf(RepositoryNotFoundException)
  })

  it('a push of an archived image restores it at once (ECR: a re-push restores)', async () => {
    const twin = InMemoryEcr.make({ restoreMs: 3_600_000 })
    const a = push(twin, 'app', { tag: 'v1' })
    await archive(twin, a.imageDigest)
    const out = await twin.ecr.send(
      new PutImageCommand({ repositoryName: 'app', imageManifest: a.manifest, imageTag: 'v1' })
    )
    expect(out.image?.imageId?.imageDigest).toBe(a.imageDigest)
    expect(twin.imageStatus('app', 'v1')).toEqual(O.some('ACTIVE'))
  })

  it('BatchGetImage records the pull time; pushImage can seed pull and archive times', async () => {
    const now = new Date('2025-03-01T00:00:00Z')
    const twin = InMemoryEcr.make({ now: () => now })
    push(twin, 'app', { tag: 'v1' })
    const old = push(twin, 'app', {
      tag: 'old',
      pulledAt: new Date('2024-01-01T00:00:00Z'),
      archivedAt: new Date('2024-06-01T00:00:00Z')
    })
    await twin.ecr.send(new BatchGetImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }] }))
    const d = await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app', filter: { imageStatus: 'ANY' } }))
    expect(d.imageDetails?.map((i) => [i.imageTags?.[0], i.imageStatus, i.lastRecordedPullTime, i.lastArchivedAt])).toEqual([
      ['v1', 'ACTIVE', now, undefined],
      ['old', 'ARCHIVED', new Date('2024-01-01T00:00:00Z'), new Date('2024-06-01T00:00:00Z')]
    ])
    expect(old.tags).toEqual(['old'])
  })

  it('validates the status filter', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app')
    const e = await rejection(
      twin.ecr.send(new ListImagesCommand({ repositoryName: 'app', filter: { imageStatus: 'GONE' as 'ANY' } }))
    )
    expect(e).toBeInstanceOf(InvalidParameterException)
    expect(e.message).toBe(
      "Invalid parameter at 'filter.imageStatus' failed to satisfy constraint: 'Member must satisfy enum value set: [ACTIVE, ARCHIVED, ACTIVATING, ANY]'"
    )
  })
})

// -------------------------------------------------------------------------------------
// ListImageReferrers
// -------------------------------------------------------------------------------------

describe('ListImageReferrers', () => {
  const setup = () => {
    const twin = InMemoryEcr.make()
    const subject = push(twin, 'app', { tag: 'v1' })
    const sig = push(twin, 'app', {
      subject: subject.imageDigest,
      artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      annotations: { 'dev.sigstore.cosign/signature': 'abc' }
    })
    const sbom = push(twin, 'app', { subject: subject.imageDigest, artifactType: 'application/spdx+json' })
    return { twin, subject, sig, sbom }
  }

  it('lists the artifacts whose subject is the image, with their descriptors', async () => {
    const { twin, subject, sig, sbom } = setup()
    const out = await twin.ecr.send(
      new ListImageReferrersCommand({ repositoryName: 'app', subjectId: { imageDigest: subject.imageDigest } })
    )
    expect(out.referrers).toEqual([
      {
        digest: sig.imageDigest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
        size: Buffer.byteLength(sig.manifest),
        annotations: { 'dev.sigstore.cosign/signature': 'abc' },
        artifactStatus: 'ACTIVE'
      },
      {
        digest: sbom.imageDigest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/spdx+json',
        size: Buffer.byteLength(sbom.manifest),
        artifactStatus: 'ACTIVE'
      }
    ])
    expect(out.nextToken).toBeUndefined()
    const d = await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageDigest: sig.imageDigest }] }))
    expect(d.imageDetails?.[0]).toMatchObject({
      subjectManifestDigest: subject.imageDigest,
      artifactMediaType: 'application/vnd.dev.cosign.artifact.sig.v1+json'
    })
  })

  it('filters by artifact type and status, and pages by 20 (at most 50)', async () => {
    const { twin, subject, sig } = setup()
    const bySbom = await twin.ecr.send(
      new ListImageReferrersCommand({
        repositoryName: 'app',
        subjectId: { imageDigest: subject.imageDigest },
        filter: { artifactTypes: ['application/spdx+json'] }
      })
    )
    expect(bySbom.referrers?.map((r) => r.artifactType)).toEqual(['application/spdx+json'])
    await archive(twin, sig.imageDigest)
    const active = await twin.ecr.send(
      new ListImageReferrersCommand({ repositoryName: 'app', subjectId: { imageDigest: subject.imageDigest } })
    )
    expect(active.referrers).toHaveLength(1)
    const any = await twin.ecr.send(
      new ListImageReferrersCommand({
        repositoryName: 'app',
        subjectId: { imageDigest: subject.imageDigest },
        filter: { artifactStatus: 'ANY' }
      })
    )
    expect(any.referrers?.map((r) => r.artifactStatus)).toEqual(['ARCHIVED', 'ACTIVE'])
    for (let i = 0; i < 43; i++) push(twin, 'app', { subject: subject.imageDigest })
    const pages: Array<number> = []
    let nextToken: string | undefined
    do {
      const page = await twin.ecr.send(
        new ListImageReferrersCommand({
          repositoryName: 'app',
          subjectId: { imageDigest: subject.imageDigest },
          ...(nextToken === undefined ? {} : { nextToken })
        })
      )
      pages.push(page.referrers?.length ?? 0)
      nextToken = page.nextToken
    } while (nextToken !== undefined)
    expect(pages).toEqual([20, 20, 4])
    const tooMany = await rejection(
      twin.ecr.send(
        new ListImageReferrersCommand({ repositoryName: 'app', subjectId: { imageDigest: subject.imageDigest }, maxResults: 51 })
      )
    )
    expect(tooMany).toBeInstanceOf(InvalidParameterException)
  })

  it('an unknown subject has no referrers; a bad digest or repository fails', async () => {
    const { twin } = setup()
    const none = await twin.ecr.send(
      new ListImageReferrersCommand({ repositoryName: 'app', subjectId: { imageDigest: `sha256:${'2'.repeat(64)}` } })
    )
    expect(none.referrers).toEqual([])
    expect(
      await rejection(twin.ecr.send(new ListImageReferrersCommand({ repositoryName: 'app', subjectId: { imageDigest: 'x' } })))
    ).toBeInstanceOf(InvalidParameterException)
    expect(
      await rejection(
        twin.ecr.send(new ListImageReferrersCommand({ repositoryName: 'nope', subjectId: { imageDigest: `sha256:${'2'.repeat(64)}` } }))
      )
    ).toBeInstanceOf(RepositoryNotFoundException)
  })

  it('pushImage refuses a subject the repository does not have', () => {
    const twin = InMemoryEcr.make()
    const r = twin.pushImage('app', { subject: `sha256:${'3'.repeat(64)}` })
    expect(E.isLeft(r) && r.left._tag).toBe('NotFound')
  })
})
