import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ImageTagAlreadyExistsException,
  InvalidParameterException,
  PutImageCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  RepositoryNotFoundException,
  type ImageTagMutability
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { InMemoryEcr } from '../../../src/testing'
import { push, rejection } from '../fixtures'

const describeOne = async (twin: InMemoryEcr.InMemoryEcr, name: string) =>
  (await twin.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))).repositories?.[0]

const wildcard = (filter: string) => ({ filterType: 'WILDCARD' as const, filter })

describe('CreateRepository settings', () => {
  it('keeps mutability with exclusion filters, encryption and scan on push, and DescribeRepositories returns them', async () => {
    const twin = InMemoryEcr.make()
    const out = await twin.ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'app',
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [wildcard('latest'), wildcard('sha256-*.sig')],
        encryptionConfiguration: { encryptionType: 'KMS_DSSE', kmsKey: 'arn:aws:kms:us-east-1:123456789012:key/k' },
        imageScanningConfiguration: { scanOnPush: true }
      })
    )
    const expected = {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [wildcard('latest'), wildcard('sha256-*.sig')],
      encryptionConfiguration: { encryptionType: 'KMS_DSSE', kmsKey: 'arn:aws:kms:us-east-1:123456789012:key/k' },
      imageScanningConfiguration: { scanOnPush: true }
    }
    expect(out.repository).toMatchObject(expected)
    expect(await describeOne(twin, 'app')).toMatchObject(expected)
  })

  it('defaults to MUTABLE, AES256 and no scan on push; KMS without a key reports the AWS managed key', async () => {
    const twin = InMemoryEcr.make()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'plain' }))
    const plain = await describeOne(twin, 'plain')
    expect(plain).toMatchObject({
      imageTagMutability: 'MUTABLE',
      encryptionConfiguration: { encryptionType: 'AES256' },
      imageScanningConfiguration: { scanOnPush: false }
    })
    expect(plain?.imageTagMutabilityExclusionFilters).toBeUndefined()
    await twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'kms', encryptionConfiguration: { encryptionType: 'KMS' } }))
    const kms = await describeOne(twin, 'kms')
    expect(kms?.encryptionConfiguration?.kmsKey).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f]{36}$/)
  })

  it('refuses exclusion filters ECR refuses', async () => {
    const twin = InMemoryEcr.make()
    const cases: ReadonlyArray<Record<string, unknown>> = [
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' },
      { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [wildcard('latest')] },
      { imageTagMutability: 'MUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [] },
      {
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: ['a', 'b', 'c', 'd', 'e', 'f'].map(wildcard)
      },
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [wildcard('bad/slash')] },
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [wildcard('x'.repeat(129))] },
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'REGEX', filter: 'a' }] },
      { imageTagMutability: 'SOMETIMES' },
      { encryptionConfiguration: { encryptionType: 'AES256', kmsKey: 'k' } },
      { encryptionConfiguration: { encryptionType: 'ROT13' } },
      { encryptionConfiguration: {} }
    ]
    for (const c of cases) {
      const e = await rejection(twin.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app', ...c })))
      expect(e, JSON.stringify(c)).toBeInstanceOf(InvalidParameterException)
    }
    expect(twin.callCount('CreateRepository')).toBe(cases.length)
    expect(await rejection(describeOne(twin, 'app'))).toBeInstanceOf(RepositoryNotFoundException)
  })
})

describe('PutImageTagMutability', () => {
  it('sets a mode with exclusion filters and answers with them', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app')
    const out = await twin.ecr.send(
      new PutImageTagMutabilityCommand({
        repositoryName: 'app',
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [wildcard('v*')]
      })
    )
    expect(out).toMatchObject({
      registryId: '123456789012',
      repositoryName: 'app',
      imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [wildcard('v*')]
    })
    await twin.ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'app', imageTagMutability: 'MUTABLE' }))
    const back = await describeOne(twin, 'app')
    expect([back?.imageTagMutability, back?.imageTagMutabilityExclusionFilters]).toEqual(['MUTABLE', undefined])
  })

  it('PutImage honours each mode: exclusions are the exception to the mode', async () => {
    const modes: ReadonlyArray<readonly [ImageTagMutability, ReadonlyArray<string>, ReadonlyArray<string>]> = [
      // mode, tags that may move, tags that may not
      ['MUTABLE', ['latest', 'v1'], []],
      ['IMMUTABLE', [], ['latest', 'v1']],
      ['IMMUTABLE_WITH_EXCLUSION', ['latest', 'dev-1'], ['v1']],
      ['MUTABLE_WITH_EXCLUSION', ['latest'], ['v1', 'dev-1']]
    ]
    for (const [mode, movable, fixed] of modes) {
      const twin = InMemoryEcr.make()
      const tags = ['latest', 'v1', 'dev-1']
      push(twin, 'app', { tags })
      const b = push(twin, 'app')
      const filters =
        mode === 'IMMUTABLE_WITH_EXCLUSION' ? ['latest', 'dev-*'] : mode === 'MUTABLE_WITH_EXCLUSION' ? ['v*', 'dev-*'] : []
      await twin.ecr.send(
        new PutImageTagMutabilityCommand({
          repositoryName: 'app',
          imageTagMutability: mode,
          ...(filters.length === 0 ? {} : { imageTagMutabilityExclusionFilters: filters.map(wildcard) })
        })
      )
      for (const tag of movable) {
        const out = await twin.ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: b.manifest, imageTag: tag }))
        expect(out.image?.imageId, `${mode} ${tag}`).toEqual({ imageDigest: b.imageDigest, imageTag: tag })
      }
      for (const tag of fixed) {
        const e = await rejection(
          twin.ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: b.manifest, imageTag: tag }))
        )
        expect(e, `${mode} ${tag}`).toBeInstanceOf(ImageTagAlreadyExistsException)
      }
      // a new tag is never refused
      await twin.ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: b.manifest, imageTag: 'fresh' }))
    }
  })

  it('needs a mode and an existing repository', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app')
    expect(await rejection(twin.ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'app' } as never)))).toBeInstanceOf(
      InvalidParameterException
    )
    expect(
      await rejection(twin.ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'nope', imageTagMutability: 'MUTABLE' })))
    ).toBeInstanceOf(RepositoryNotFoundException)
  })
})

describe('PutImageScanningConfiguration', () => {
  it('turns scan on push on: the next push is scanned', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app', { tag: 'before' })
    const out = await twin.ecr.send(
      new PutImageScanningConfigurationCommand({ repositoryName: 'app', imageScanningConfiguration: { scanOnPush: true } })
    )
    expect(out).toMatchObject({ repositoryName: 'app', imageScanningConfiguration: { scanOnPush: true } })
    expect((await describeOne(twin, 'app'))?.imageScanningConfiguration).toEqual({ scanOnPush: true })
    push(twin, 'app', { tag: 'after' })
    const d = await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app' }))
    expect(d.imageDetails?.map((i) => [i.imageTags?.[0], i.imageScanStatus?.status])).toEqual([
      ['before', undefined],
      ['after', 'COMPLETE']
    ])
  })

  it('needs the configuration and the repository', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app')
    expect(
      await rejection(twin.ecr.send(new PutImageScanningConfigurationCommand({ repositoryName: 'app' } as never)))
    ).toBeInstanceOf(InvalidParameterException)
    expect(
      await rejection(
        twin.ecr.send(
          new PutImageScanningConfigurationCommand({ repositoryName: 'nope', imageScanningConfiguration: { scanOnPush: true } })
        )
      )
    ).toBeInstanceOf(RepositoryNotFoundException)
  })
})

describe('the twin createRepository', () => {
  it('takes the same settings, typed, and refuses what ECR refuses with a Left', async () => {
    const twin = InMemoryEcr.make()
    expect(
      twin.createRepository('app', {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        exclusionFilters: ['latest'],
        encryption: { type: 'KMS', kmsKey: 'alias/app' },
        scanOnPush: true
      })
    ).toEqual(E.right(undefined))
    expect(await describeOne(twin, 'app')).toMatchObject({
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [wildcard('latest')],
      encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'alias/app' },
      imageScanningConfiguration: { scanOnPush: true }
    })
    for (const options of [
      { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const },
      { imageTagMutability: 'IMMUTABLE' as const, exclusionFilters: ['x'] },
      { imageTagMutability: 'MUTABLE_WITH_EXCLUSION' as const, exclusionFilters: ['a b'] },
      { tags: [{ Key: '', Value: 'v' }] }
    ]) {
      const r = twin.createRepository('other', options)
      expect(E.isLeft(r) && r.left._tag, JSON.stringify(options)).toBe('InvalidArgument')
    }
    expect(E.isLeft(twin.createRepository('Bad Name'))).toBe(true)
  })
})
