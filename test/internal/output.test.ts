import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import type {
  BatchGetImageCommandOutput,
  DescribeImagesCommandOutput,
  DescribeRepositoriesCommandOutput,
  ListImagesCommandOutput,
  ListTagsForResourceCommandOutput
} from '@aws-sdk/client-ecr'
import * as Output from '../../src/internal/output'
import * as arb from '../arbitraries'

const $metadata = {}
const token = fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined })
const date = fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true })

const detail = fc.record(
  {
    imageDigest: arb.imageDigest,
    imageTags: fc.array(arb.imageTag, { maxLength: 3 }),
    imagePushedAt: date,
    imageSizeInBytes: fc.nat(),
    imageManifestMediaType: fc.constantFrom('application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json')
  },
  { requiredKeys: ['imageDigest'] }
)

/** A value of the wrong type for a field that must be a string, a list or a digest. */
const wrong = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.record({ x: fc.string() }))

describe('describeImages', () => {
  it('decodes what ECR sends: each detail as it came, tags [] when left out, the token', () => {
    fc.assert(
      fc.property(fc.option(fc.array(detail, { maxLength: 5 }), { nil: undefined }), token, (details, nextToken) => {
        const out: DescribeImagesCommandOutput = { $metadata, ...(details === undefined ? {} : { imageDetails: details }), ...(nextToken === undefined ? {} : { nextToken }) }
        expect(Output.describeImages(out)).toEqual(
          E.right({ items: (details ?? []).map((d) => ({ ...d, imageTags: d.imageTags ?? [], status: 'ACTIVE' })), nextToken })
        )
      })
    )
  })

  it('a field of the wrong type is a DecodeError naming its path', () => {
    fc.assert(
      fc.property(fc.array(detail, { minLength: 1, maxLength: 4 }), fc.nat(), fc.constantFrom('imageDigest', 'imageTags', 'imagePushedAt'), wrong, (details, n, field, bad) => {
        const i = n % details.length
        const broken = details.map((d, j) => (j === i ? { ...d, [field]: bad } : d))
        const r = Output.describeImages({ $metadata, imageDetails: broken } as unknown as DescribeImagesCommandOutput)
        expect(E.isLeft(r) && r.left._tag === 'DecodeError' && r.left.errors.some((e) => e.startsWith(`/imageDetails/${i}/${field}`))).toBe(true)
      })
    )
    for (const u of [undefined, null, 42, 'x', { imageDetails: 'x' }])
      expect(E.isLeft(Output.describeImages(u as unknown as DescribeImagesCommandOutput))).toBe(true)
  })
})

describe('batchGetImage', () => {
  it('decodes images and failures; a failure without a code is UnknownFailure', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ digest: arb.imageDigest, tag: fc.option(arb.imageTag, { nil: undefined }), manifest: fc.string() }), { maxLength: 4 }),
        fc.array(fc.record({ tag: fc.option(fc.string(), { nil: undefined }), code: fc.option(fc.string(), { nil: undefined }) }), { maxLength: 3 }),
        (images, failures) => {
          const out: BatchGetImageCommandOutput = {
            $metadata,
            images: images.map((i) => ({ imageId: { imageDigest: i.digest, ...(i.tag === undefined ? {} : { imageTag: i.tag }) }, imageManifest: i.manifest })),
            failures: failures.map((f) => ({
              ...(f.tag === undefined ? {} : { imageId: { imageTag: f.tag } }),
              ...(f.code === undefined ? {} : { failureCode: f.code as 'ImageNotFound' })
            }))
          }
          expect(Output.batchGetImage(out)).toEqual(
            E.right({
              images: images.map((i) => ({ imageDigest: i.digest, imageManifest: i.manifest, ...(i.tag === undefined ? {} : { imageTag: i.tag }) })),
              failures: failures.map((f) => ({ ...(f.tag === undefined ? {} : { imageTag: f.tag }), failureCode: f.code ?? 'UnknownFailure', failureReason: '' }))
            })
          )
        }
      )
    )
  })

  it('an image without a manifest or a valid digest is a DecodeError naming the field', () => {
    const noManifest = Output.batchGetImage({ $metadata, images: [{ imageId: { imageDigest: `sha256:${'a'.repeat(64)}` } }] })
    expect(E.isLeft(noManifest) && noManifest.left._tag === 'DecodeError' && noManifest.left.errors).toEqual(['/images/0/imageManifest: missing (expected string)'])
    const badDigest = Output.batchGetImage({ $metadata, images: [{ imageId: { imageDigest: 'sha256:abc' }, imageManifest: '{}' }] })
    expect(E.isLeft(badDigest) && badDigest.left._tag === 'DecodeError' && badDigest.left.errors[0]).toMatch(/^\/images\/0\/imageId\/imageDigest: /)
  })
})

describe('listings', () => {
  it('describeRepositories: the names; an invalid name is a DecodeError', () => {
    fc.assert(
      fc.property(fc.array(arb.repositoryName, { maxLength: 5 }), token, (names, nextToken) => {
        const out: DescribeRepositoriesCommandOutput = { $metadata, repositories: names.map((repositoryName) => ({ repositoryName })), nextToken }
        expect(Output.describeRepositories(out)).toEqual(E.right({ items: names, nextToken }))
      })
    )
    expect(E.isLeft(Output.describeRepositories({ $metadata, repositories: [{ repositoryName: 'Not/Valid' }] }))).toBe(true)
  })

  it('listImages: each id with whether it names a tag; an empty token ends the listing', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ imageDigest: arb.imageDigest, imageTag: fc.option(arb.imageTag, { nil: undefined }) }), { maxLength: 5 }), (ids) => {
        const out: ListImagesCommandOutput = { $metadata, imageIds: ids, nextToken: '' }
        expect(Output.listImages(out)).toEqual(
          E.right({ items: ids.map((id) => ({ imageDigest: id.imageDigest, tagged: id.imageTag !== undefined })), nextToken: undefined })
        )
      })
    )
  })

  it('listTagsForResource: the tags; one the SDK gives without a key or value is left out', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ Key: fc.option(fc.string(), { nil: undefined }), Value: fc.option(fc.string(), { nil: undefined }) }), { maxLength: 5 }), (tags) => {
        const out: ListTagsForResourceCommandOutput = { $metadata, tags }
        expect(Output.listTagsForResource(out)).toEqual(
          E.right(tags.flatMap((t) => (t.Key === undefined || t.Value === undefined ? [] : [{ Key: t.Key, Value: t.Value }])))
        )
      })
    )
    expect(E.isLeft(Output.listTagsForResource({ $metadata, tags: [{ Key: 5, Value: 'x' }] } as unknown as ListTagsForResourceCommandOutput))).toBe(true)
  })

  it('getLifecyclePolicy: the text, required', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(Output.getLifecyclePolicy({ $metadata, lifecyclePolicyText: text })).toEqual(E.right(text))
      })
    )
    const missing = Output.getLifecyclePolicy({ $metadata })
    expect(E.isLeft(missing) && missing.left._tag === 'DecodeError' && missing.left.errors).toEqual(['/lifecyclePolicyText: missing (expected string)'])
  })

  it('replicationConfiguration: the configuration as it came, undefined when absent', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (config) => {
        expect(Output.replicationConfiguration('DescribeRegistry')({ $metadata, replicationConfiguration: config as never })).toEqual(E.right(config))
      })
    )
    expect(Output.replicationConfiguration('PutReplicationConfiguration')({ $metadata })).toEqual(E.right(undefined))
  })
})
