// The twin against moto: the answers moto's own tests assert for BatchDeleteImage,
// PutImageTagMutability and the lifecycle policy calls, where they agree with ECR's documentation,
// asked of the twin. Where moto departs from ECR, the test asserts ECR's documented answer and
// says so; docs/guides/emulators.md records each deviation.
import {
  BatchDeleteImageCommand,
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  ImageTagAlreadyExistsException,
  InvalidParameterException,
  LifecyclePolicyNotFoundException,
  PutImageCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException
} from '@aws-sdk/client-ecr'
import type { ImageTagMutability } from '@aws-sdk/client-ecr'
import { describe, expect, it } from 'vitest'
import { InMemoryEcr } from '../../src/testing'
import { push, rejection } from './fixtures'

const REPO = 'test-repository'
const MISSING = 'does-not-exist'

const twinWith = async (options?: { readonly tags?: ReadonlyArray<string> }) => {
  const twin = InMemoryEcr.make()
  await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: REPO }))
  const image = options?.tags === undefined ? undefined : push(twin, REPO, { tags: [...options.tags] })
  return { twin, image }
}

const notFoundMessage = (twin: InMemoryEcr.InMemoryEcr, name: string) =>
  `The repository with name '${name}' does not exist in the registry with id '${twin.accountId}'`

const imageDetails = async (twin: InMemoryEcr.InMemoryEcr) =>
  (await twin.ecr.send(new DescribeImagesCommand({ repositoryName: REPO }))).imageDetails ?? []

// -------------------------------------------------------------------------------------
// BatchDeleteImage (moto: tests/test_ecr/test_ecr_boto3.py, test_batch_delete_image_*)
// -------------------------------------------------------------------------------------

describe('BatchDeleteImage, as moto answers it', () => {
  it('removing one of three tags keeps the image with the other two', async () => {
    const { twin, image } = await twinWith({ tags: ['v1', 'v1.0', 'latest'] })
    const out = await twin.ecr.send(new BatchDeleteImageCommand({ repositoryName: REPO, imageIds: [{ imageTag: 'latest' }] }))
    expect(out.imageIds).toEqual([{ imageDigest: image?.imageDigest, imageTag: 'latest' }])
    expect(out.failures).toEqual([])
    const details = await imageDetails(twin)
    expect(details).toHaveLength(1)
    expect([...(details[0]?.imageTags ?? [])].sort()).toEqual(['v1', 'v1.0'])
  })

  it('removing the last tag deletes the image', async () => {
    const { twin } = await twinWith({ tags: ['v1'] })
    const out = await twin.ecr.send(new BatchDeleteImageCommand({ repositoryName: REPO, imageIds: [{ imageTag: 'v1' }] }))
    expect(out.imageIds?.map((id) => id.imageTag)).toEqual(['v1'])
    expect(out.failures).toEqual([])
    expect(await imageDetails(twin)).toEqual([])
  })

  it('an unknown tag is a per-image ImageNotFound failure, not a failed call', async () => {
    const { twin } = await twinWith({ tags: ['v1', 'v1.0', 'latest'] })
    const out = await twin.ecr.send(new BatchDeleteImageCommand({ repositoryName: REPO, imageIds: [{ imageTag: 'missing-tag' }] }))
    expect(out.imageIds).toEqual([])
    expect(out.failures).toEqual([
      { imageId: { imageTag: 'missing-tag' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }
    ])
    expect((await imageDetails(twin))[0]?.imageTags).toHaveLength(3)
  })

  it('deleting by digest, alone or with one of its tags, deletes the image and answers one id per tag', async () => {
    for (const withTag of [false, true]) {
      const tags = ['v1', 'v2', 'latest']
      const { twin, image } = await twinWith({ tags })
      const imageDigest = image?.imageDigest ?? ''
      const out = await twin.ecr.send(
        new BatchDeleteImageCommand({ repositoryName: REPO, imageIds: [withTag ? { imageDigest, imageTag: 'v1' } : { imageDigest }] })
      )
      expect(out.imageIds).toHaveLength(3)
      expect(out.imageIds?.every((id) => id.imageDigest === imageDigest)).toBe(true)
      expect(new Set(out.imageIds?.map((id) => id.imageTag))).toEqual(new Set(tags))
      expect(out.failures).toEqual([])
      expect(await imageDetails(twin)).toEqual([])
    }
  })

  it('a malformed digest is an InvalidImageDigest failure, in moto and ECR words', async () => {
    const { twin } = await twinWith({ tags: ['v1'] })
    const out = await twin.ecr.send(
      new BatchDeleteImageCommand({ repositoryName: REPO, imageIds: [{ imageDigest: 'sha256:invalid-digest' }] })
    )
    expect(out.imageIds).toEqual([])
    expect(out.failures).toEqual([
      {
        imageId: { imageDigest: 'sha256:invalid-digest' },
        failureCode: 'InvalidImageDigest',
        failureReason: "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'"
      }
    ])
  })

  it('an id with neither digest nor tag is a MissingDigestAndTag failure', async () => {
    const { twin } = await twinWith()
    const out = await twin.ecr.send(new BatchDeleteImageCommand({ repositoryName: REPO, imageIds: [{}] }))
    expect(out.imageIds).toEqual([])
    expect(out.failures).toEqual([
      {
        imageId: {},
        failureCode: 'MissingDigestAndTag',
        failureReason: 'Invalid request parameters: both tag and digest cannot be null'
      }
    ])
  })

  it('a digest with a tag it does not carry is ImageNotFound, and nothing is deleted', async () => {
    const { twin, image } = await twinWith({ tags: ['v1', 'latest'] })
    const imageDigest = image?.imageDigest ?? ''
    const out = await twin.ecr.send(
      new BatchDeleteImageCommand({ repositoryName: REPO, imageIds: [{ imageDigest, imageTag: 'v2' }] })
    )
    expect(out.imageIds).toEqual([])
    expect(out.failures).toEqual([
      { imageId: { imageDigest, imageTag: 'v2' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }
    ])
    expect(await imageDetails(twin)).toHaveLength(1)
  })

  it('deleting two of ten images by digest leaves the other eight', async () => {
    const { twin } = await twinWith()
    const pushed = Array.from({ length: 10 }, (_, i) => push(twin, REPO, { tag: `tag${i}` }))
    const out = await twin.ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: REPO,
        imageIds: pushed.slice(5, 7).map((p) => ({ imageDigest: p.imageDigest }))
      })
    )
    expect(out.imageIds).toHaveLength(2)
    expect(out.failures).toEqual([])
    const left = (await imageDetails(twin)).flatMap((d) => d.imageTags ?? [])
    expect(left.sort()).toEqual(['tag0', 'tag1', 'tag2', 'tag3', 'tag4', 'tag7', 'tag8', 'tag9'])
  })

  it('an unknown repository is RepositoryNotFoundException', async () => {
    const { twin } = await twinWith()
    const e = await rejection(twin.ecr.send(new BatchDeleteImageCommand({ repositoryName: MISSING, imageIds: [{ imageTag: 'v1' }] })))
    expect(e).toBeInstanceOf(RepositoryNotFoundException)
    expect(e.message).toBe(notFoundMessage(twin, MISSING))
  })

  it('deviation: an untagged image deleted by digest is reported by its digest (moto reports nothing)', async () => {
    const { twin } = await twinWith()
    const untagged = push(twin, REPO)
    const out = await twin.ecr.send(
      new BatchDeleteImageCommand({ repositoryName: REPO, imageIds: [{ imageDigest: untagged.imageDigest }] })
    )
    expect(out.imageIds).toEqual([{ imageDigest: untagged.imageDigest }])
    expect(await imageDetails(twin)).toEqual([])
  })
})

// -------------------------------------------------------------------------------------
// PutImageTagMutability (moto: test_put_image_tag_mutability*, test_ecr_cloudformation.py)
// -------------------------------------------------------------------------------------

const wildcard = (filter: string) => ({ filterType: 'WILDCARD' as const, filter })

const putMutability = (
  twin: InMemoryEcr.InMemoryEcr,
  imageTagMutability: string,
  filters?: ReadonlyArray<{ readonly filterType: string; readonly filter: string }>
) =>
  twin.ecr.send(
    new PutImageTagMutabilityCommand({
      repositoryName: REPO,
      // an enum value the SDK's type does not admit: moto's test sends one to see ECR's answer
      imageTagMutability: imageTagMutability as ImageTagMutability,
      ...(filters === undefined
        ? {}
        : { imageTagMutabilityExclusionFilters: filters.map((f) => ({ filterType: f.filterType as 'WILDCARD', filter: f.filter })) })
    })
  )

const mutabilityOf = async (twin: InMemoryEcr.InMemoryEcr) =>
  (await twin.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [REPO] }))).repositories?.[0]

describe('PutImageTagMutability, as moto answers it', () => {
  it('turns a MUTABLE repository IMMUTABLE and answers registry, repository and mode', async () => {
    const { twin } = await twinWith()
    expect((await mutabilityOf(twin))?.imageTagMutability).toBe('MUTABLE')
    const out = await putMutability(twin, 'IMMUTABLE')
    expect(out).toMatchObject({ imageTagMutability: 'IMMUTABLE', registryId: twin.accountId, repositoryName: REPO })
    expect((await mutabilityOf(twin))?.imageTagMutability).toBe('IMMUTABLE')
  })

  it('an unknown repository is RepositoryNotFoundException', async () => {
    const { twin } = await twinWith()
    const e = await rejection(
      twin.ecr.send(new PutImageTagMutabilityCommand({ repositoryName: MISSING, imageTagMutability: 'IMMUTABLE' }))
    )
    expect(e).toBeInstanceOf(RepositoryNotFoundException)
    expect(e.message).toBe(notFoundMessage(twin, MISSING))
  })

  it('an unknown mode is InvalidParameterException at imageTagMutability', async () => {
    const { twin } = await twinWith()
    const e = await rejection(putMutability(twin, 'invalid'))
    expect(e).toBeInstanceOf(InvalidParameterException)
    expect(e.message).toMatch(/^Invalid parameter at 'imageTagMutability' failed to satisfy constraint: /)
  })

  it('an exclusion mode with WILDCARD filters is kept, and the answer carries the filters (moto leaves them out)', async () => {
    const { twin } = await twinWith()
    const out = await putMutability(twin, 'IMMUTABLE_WITH_EXCLUSION', [wildcard('dev*')])
    expect(out).toMatchObject({ imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [wildcard('dev*')] })
    expect(await mutabilityOf(twin)).toMatchObject({
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [wildcard('dev*')]
    })
  })

  it('a filter type other than WILDCARD is InvalidParameterException', async () => {
    const { twin } = await twinWith()
    const e = await rejection(putMutability(twin, 'MUTABLE_WITH_EXCLUSION', [{ filterType: 'REGEX', filter: 'dev*' }]))
    expect(e).toBeInstanceOf(InvalidParameterException)
    expect((await mutabilityOf(twin))?.imageTagMutability).toBe('MUTABLE')
  })

  it('deviation: filters with a plain mode, or an exclusion mode without filters, are refused (moto coerces or keeps them)', async () => {
    const { twin } = await twinWith()
    for (const [mode, filters] of [
      ['MUTABLE', [wildcard('dev*')]],
      ['IMMUTABLE', [wildcard('dev*')]],
      ['MUTABLE_WITH_EXCLUSION', undefined],
      ['IMMUTABLE_WITH_EXCLUSION', undefined]
    ] as const) {
      const e = await rejection(putMutability(twin, mode, filters))
      expect(e, mode).toBeInstanceOf(InvalidParameterException)
    }
    expect((await mutabilityOf(twin))?.imageTagMutability).toBe('MUTABLE')
  })

  it('deviation: a filter is a wildcard over the whole tag, not a regular expression (moto reads dev* as one)', async () => {
    const { twin } = await twinWith()
    await putMutability(twin, 'IMMUTABLE_WITH_EXCLUSION', [wildcard('dev*')])
    push(twin, REPO, { tags: ['dev-1', 'de', 'v1'] })
    const other = push(twin, REPO)
    const moveTo = (imageTag: string) =>
      twin.ecr.send(new PutImageCommand({ repositoryName: REPO, imageManifest: other.manifest, imageTag }))
    // 'dev-1' matches dev* and stays mutable; 'de' (a regex match of dev*) and 'v1' are immutable
    expect((await moveTo('dev-1')).image?.imageId).toEqual({ imageDigest: other.imageDigest, imageTag: 'dev-1' })
    for (const tag of ['de', 'v1']) expect(await rejection(moveTo(tag)), tag).toBeInstanceOf(ImageTagAlreadyExistsException)
  })

  it('deviation: moving an immutable tag is ImageTagAlreadyExistsException (moto says ImageAlreadyExistsException)', async () => {
    const { twin } = await twinWith()
    await putMutability(twin, 'IMMUTABLE')
    push(twin, REPO, { tag: 'v1' })
    const other = push(twin, REPO)
    const e = await rejection(
      twin.ecr.send(new PutImageCommand({ repositoryName: REPO, imageManifest: other.manifest, imageTag: 'v1' }))
    )
    expect(e).toBeInstanceOf(ImageTagAlreadyExistsException)
  })
})

// -------------------------------------------------------------------------------------
// Lifecycle policies (moto: test_*_lifecycle_policy*, test_ecr_policy_validation.py)
// -------------------------------------------------------------------------------------

const rule = (selection: Record<string, unknown>, action: Record<string, unknown> = { type: 'expire' }, extra = {}) => ({
  rulePriority: 1,
  description: 'test policy',
  selection,
  action,
  ...extra
})

const MOTO_POLICY = {
  rules: [rule({ tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 30 })]
}

const putPolicy = (twin: InMemoryEcr.InMemoryEcr, policy: unknown, repositoryName = REPO) =>
  twin.ecr.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: JSON.stringify(policy, null, 1) }))

const VALIDATION = "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: "

describe('Lifecycle policies, as moto answers them', () => {
  it('Put answers registry, repository and the text; Get answers the same text and a lastEvaluatedAt', async () => {
    const { twin } = await twinWith()
    const put = await putPolicy(twin, MOTO_POLICY)
    expect(put).toMatchObject({ registryId: twin.accountId, repositoryName: REPO })
    expect(JSON.parse(put.lifecyclePolicyText ?? '')).toEqual(MOTO_POLICY)
    const got = await twin.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: REPO }))
    expect(got).toMatchObject({ registryId: twin.accountId, repositoryName: REPO })
    expect(JSON.parse(got.lifecyclePolicyText ?? '')).toEqual(MOTO_POLICY)
    expect(got.lastEvaluatedAt).toBeInstanceOf(Date)
  })

  it('Delete answers the text it removed; Get and Delete then answer LifecyclePolicyNotFoundException', async () => {
    const { twin } = await twinWith()
    await putPolicy(twin, MOTO_POLICY)
    const deleted = await twin.ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: REPO }))
    expect(deleted).toMatchObject({ registryId: twin.accountId, repositoryName: REPO })
    expect(JSON.parse(deleted.lifecyclePolicyText ?? '')).toEqual(MOTO_POLICY)
    expect(deleted.lastEvaluatedAt).toBeInstanceOf(Date)
    const message = `Lifecycle policy does not exist for the repository with name '${REPO}' in the registry with id '${twin.accountId}'`
    for (const send of [
      () => twin.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: REPO })),
      () => twin.ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: REPO }))
    ]) {
      const e = await rejection(send())
      expect(e).toBeInstanceOf(LifecyclePolicyNotFoundException)
      expect(e.message).toBe(message)
    }
  })

  it('Put, Get and Delete on an unknown repository are RepositoryNotFoundException', async () => {
    const { twin } = await twinWith()
    for (const send of [
      () => putPolicy(twin, MOTO_POLICY, MISSING),
      () => twin.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: MISSING })),
      () => twin.ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: MISSING }))
    ]) {
      const e = await rejection(send())
      expect(e).toBeInstanceOf(RepositoryNotFoundException)
      expect(e.message).toBe(notFoundMessage(twin, MISSING))
    }
  })

  it('accepts moto\'s valid two-rule policy (untagged count, tagged by prefix since pushed)', async () => {
    const { twin } = await twinWith()
    const policy = {
      rules: [
        rule({ tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 30 }),
        { ...rule({ tagStatus: 'tagged', tagPrefixList: ['3.9'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }), rulePriority: 2 }
      ]
    }
    expect((await putPolicy(twin, policy)).repositoryName).toBe(REPO)
  })

  // each invalid policy of moto's test_ecr_policy_validation.py; the padding keeps every text over
  // ECR's 100-character minimum, so the answer is the validation failure and not the length one
  const pad = { description: 'x'.repeat(100) }
  const untagged = { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 30 }
  const invalid: ReadonlyArray<readonly [string, unknown]> = [
    ['no rules', { no_rules: 'x'.repeat(100) }],
    ['rules not a list', { rules: rule(untagged, undefined, pad) }],
    ['a rule not an object', { rules: ['not_dict'.padEnd(100, '_')] }],
    ['no rulePriority', { rules: [{ description: pad.description, selection: untagged, action: { type: 'expire' } }] }],
    ['no selection', { rules: [{ rulePriority: 1, description: pad.description, action: { type: 'expire' } }] }],
    ['no action', { rules: [{ rulePriority: 1, description: pad.description, selection: untagged }] }],
    ['an unknown rule property', { rules: [rule(untagged, undefined, { ...pad, unknown: 123 })] }],
    ['no action type', { rules: [rule(untagged, {}, pad)] }],
    ['an unknown action property', { rules: [rule(untagged, { type: 'expire', unknown: 123 }, pad)] }],
    ['an unknown action type', { rules: [rule(untagged, { type: 'keep' }, pad)] }],
    ['no tagStatus', { rules: [rule({ countType: 'imageCountMoreThan', countNumber: 30 }, undefined, pad)] }],
    ['no countType', { rules: [rule({ tagStatus: 'untagged', countNumber: 30 }, undefined, pad)] }],
    ['no countNumber', { rules: [rule({ tagStatus: 'untagged', countType: 'imageCountMoreThan' }, undefined, pad)] }],
    ['an unknown selection property', { rules: [rule({ ...untagged, unknown: 123 }, undefined, pad)] }],
    ['an unknown tagStatus', { rules: [rule({ ...untagged, tagStatus: 'unknown' }, undefined, pad)] }],
    ['an unknown countType', { rules: [rule({ ...untagged, countType: 'unknown' }, undefined, pad)] }],
    [
      'an unknown countUnit',
      { rules: [rule({ tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'unknown', countNumber: 30 }, undefined, pad)] }
    ],
    ['countNumber 0', { rules: [rule({ ...untagged, countNumber: 0 }, undefined, pad)] }],
    ['countNumber -1', { rules: [rule({ ...untagged, countNumber: -1 }, undefined, pad)] }]
  ]

  it.each(invalid)('refuses a policy with %s: InvalidParameterException at LifecyclePolicyText', async (_, policy) => {
    const { twin } = await twinWith()
    const e = await rejection(putPolicy(twin, policy))
    expect(e).toBeInstanceOf(InvalidParameterException)
    expect(e.message.startsWith(VALIDATION)).toBe(true)
    const gone = await rejection(twin.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: REPO })))
    expect(gone).toBeInstanceOf(LifecyclePolicyNotFoundException)
  })

  it('refuses text that is not JSON at all', async () => {
    const { twin } = await twinWith()
    const e = await rejection(
      twin.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: REPO, lifecyclePolicyText: 'some invalid input'.repeat(10) }))
    )
    expect(e).toBeInstanceOf(InvalidParameterException)
    expect(e.message.startsWith(VALIDATION)).toBe(true)
  })

  it('deviation: text under 100 characters is refused by the API model\'s length rule (moto does not check it)', async () => {
    const { twin } = await twinWith()
    const e = await rejection(twin.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: REPO, lifecyclePolicyText: '{"rules":[]}' })))
    expect(e).toBeInstanceOf(InvalidParameterException)
    expect(e.message).toBe(
      "Invalid parameter at 'lifecyclePolicyText' failed to satisfy constraint: 'Member must have length greater than or equal to 100'"
    )
  })

  it('deviation: accepts the rules ECR documents that moto refuses (tagPatternList, any, archive transitions)', async () => {
    const { twin } = await twinWith()
    const policy = {
      rules: [
        { rulePriority: 1, selection: { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'imageCountMoreThan', countNumber: 10 }, action: { type: 'expire' } },
        {
          rulePriority: 2,
          selection: { tagStatus: 'untagged', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 },
          action: { type: 'transition', targetStorageClass: 'archive' }
        },
        {
          rulePriority: 3,
          selection: { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 365 },
          action: { type: 'expire' }
        }
      ]
    }
    const out = await putPolicy(twin, policy)
    expect(JSON.parse(out.lifecyclePolicyText ?? '')).toEqual(policy)
  })
})
