// The repository operations of 0.2 (settings, deleteImages, policies, lifecycle preview, listing
// by status): on the in-memory twin, with exact request shapes checked through aws-sdk-client-mock.
import {
  BatchDeleteImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryPolicyCommand,
  DescribeImagesCommand,
  GetLifecyclePolicyPreviewCommand,
  GetRepositoryPolicyCommand,
  PutImageTagMutabilityCommand,
  StartLifecyclePolicyPreviewCommand
} from '@aws-sdk/client-ecr'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { pipe } from 'fp-ts/function'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import { beforeEach, describe, expect, it } from 'vitest'
import type { EcrError } from '../src/EcrError'
import type { EcrEnv } from '../src/Env'
import * as LifecyclePolicy from '../src/LifecyclePolicy'
import * as PolicyDocument from '../src/PolicyDocument'
import * as Repository from '../src/Repository'
import { InMemoryEcr } from '../src/testing'
import { ACCOUNT, REGION, awsException, ecrMock, fakeDigest, leftOf, mockEnv, repo, rightOf } from './ecrMock'

const NOW = new Date('2026-06-01T00:00:00Z')
const daysAgo = (n: number): Date => new Date(NOW.getTime() - n * 86_400_000)
const app = repo('app')

const run = <A>(twin: InMemoryEcr.InMemoryEcr, program: RTE.ReaderTaskEither<EcrEnv & { sleep?: (ms: number) => Promise<void> }, EcrError, A>) =>
  program({ ...twin.env, sleep: () => Promise.resolve() })()

const countOf = (twin: InMemoryEcr.InMemoryEcr, operation: string): number => twin.calls.filter((c) => c.operation === operation).length

beforeEach(() => {
  ecrMock.reset()
})

describe('listImageDetails by status', () => {
  it('lists ACTIVE images by default; ARCHIVED and ANY on demand, with the archive and pull times', async () => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION, now: () => NOW })
    const active = rightOf(E.mapLeft(() => ({ _tag: 'InvalidArgument' as const, message: '' }))(twin.pushImage('app', { tag: 'v1', pulledAt: daysAgo(1) })))
    const archived = twin.pushImage('app', { tag: 'old', archivedAt: daysAgo(3) })
    expect(E.isRight(archived)).toBe(true)
    const digests = async (options?: Repository.ListOptions) =>
      rightOf(await run(twin, Repository.listImageDetails(app, options))).map((d) => [d.imageDigest, d.status])
    expect(await digests()).toEqual([[active.imageDigest, 'ACTIVE']])
    const archivedDigest = E.isRight(archived) ? archived.right.imageDigest : ''
    expect(await digests({ status: 'ARCHIVED' })).toEqual([[archivedDigest, 'ARCHIVED']])
    expect((await digests({ status: 'ANY' })).length).toBe(2)
    const details = rightOf(await run(twin, Repository.listImageDetails(app, { status: 'ANY' })))
    expect(details.find((d) => d.status === 'ARCHIVED')?.lastArchivedAt).toEqual(daysAgo(3))
    expect(details.find((d) => d.status === 'ACTIVE')?.lastRecordedPullTime).toEqual(daysAgo(1))
  })

  it('sends imageStatus only when it is not ECR default, and filters client-side too', async () => {
    ecrMock.on(DescribeImagesCommand).resolves({
      imageDetails: [
        { imageDigest: fakeDigest(1), imageStatus: 'ACTIVE' },
        { imageDigest: fakeDigest(2), imageStatus: 'ARCHIVED' },
        { imageDigest: fakeDigest(3) }
      ]
    })
    const active = rightOf(await Repository.listImageDetails(app)(mockEnv())())
    expect(active.map((d) => d.imageDigest)).toEqual([fakeDigest(1), fakeDigest(3)])
    const archived = rightOf(await Repository.listImageDetails(app, { status: 'ARCHIVED' })(mockEnv())())
    expect(archived.map((d) => d.imageDigest)).toEqual([fakeDigest(2)])
    expect(ecrMock.calls().map((c) => (c.args[0].input as { filter?: unknown }).filter)).toEqual([
      { tagStatus: 'ANY' },
      { tagStatus: 'ANY', imageStatus: 'ARCHIVED' }
    ])
  })
})

describe('deleteImages', () => {
  it('deletes by tag (the image goes with its last tag) and by digest, reporting failures per id', async () => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
    const a = twin.pushImage('app', { tags: ['a1', 'a2'] })
    const b = twin.pushImage('app', { tag: 'b1' })
    const c = twin.pushImage('app')
    if (E.isLeft(a) || E.isLeft(b) || E.isLeft(c)) throw new Error('push failed')
    const result = rightOf(
      await run(twin, Repository.deleteImages(app, [{ tag: 'a1' }, { tag: 'b1' }, { digest: c.right.imageDigest }, { tag: 'nope' }]))
    )
    expect(result.deleted).toEqual([
      { imageDigest: a.right.imageDigest, imageTag: 'a1' },
      { imageDigest: b.right.imageDigest, imageTag: 'b1' },
      { imageDigest: c.right.imageDigest }
    ])
    expect(result.failures).toEqual([{ id: { tag: 'nope' }, code: 'ImageNotFound', reason: 'Requested image not found' }])
    const left = rightOf(await run(twin, Repository.listImageDetails(app)))
    expect(left.map((d) => d.imageTags)).toEqual([['a2']])
  })

  it('sends chunks of 100 distinct ids; a malformed id is InvalidArgument before any call; no ids, no call', async () => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
    const tags = Array.from({ length: 250 }, (_, i) => `t${i}`)
    twin.pushImage('app', { tags })
    const ids = [...tags, 't0'].map((tag) => ({ tag }))
    const result = rightOf(await run(twin, Repository.deleteImages(app, ids)))
    expect(result.deleted).toHaveLength(250)
    expect(result.failures).toEqual([])
    expect(countOf(twin, 'BatchDeleteImage')).toBe(3)
    expect(rightOf(await run(twin, Repository.listImageDetails(app, { status: 'ANY' })))).toEqual([])
    const before = twin.calls.length
    expect(leftOf(await run(twin, Repository.deleteImages(app, [{ tag: 'ok' }, { tag: 'bad tag' }])))._tag).toBe('InvalidArgument')
    expect(leftOf(await run(twin, Repository.deleteImages(app, [{ digest: 'sha256:xyz' }])))._tag).toBe('InvalidArgument')
    expect(rightOf(await run(twin, Repository.deleteImages(app, [])))).toEqual({ deleted: [], failures: [] })
    expect(twin.calls.length).toBe(before)
    expect(leftOf(await run(twin, Repository.deleteImages(repo('nope'), [{ tag: 'x' }])))).toMatchObject({ _tag: 'NotFound', resource: 'Repository' })
  })

  it('reports an image an index refers to as a failure, and deletes the rest', async () => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
    const index = twin.pushImage('app', {
      tag: 'multi',
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' }
      ]
    })
    if (E.isLeft(index)) throw new Error('push failed')
    const child = index.right.children[0]?.imageDigest ?? ''
    const result = rightOf(await run(twin, Repository.deleteImages(app, [{ digest: child }, { tag: 'multi' }])))
    expect(result.failures.map((f) => [f.id, f.code])).toEqual([[{ digest: child }, 'ImageReferencedByManifestList']])
    expect(result.deleted).toEqual([{ imageDigest: index.right.imageDigest, imageTag: 'multi' }])
  })

  it('request shape: registryId, repositoryName and the ids as given', async () => {
    ecrMock.on(BatchDeleteImageCommand).resolves({
      imageIds: [{ imageDigest: fakeDigest(1), imageTag: 'v1' }],
      failures: [{ imageId: { imageDigest: fakeDigest(2) }, failureCode: 'ImageNotFound', failureReason: 'gone' }]
    })
    const result = rightOf(await Repository.deleteImages(app, [{ tag: 'v1' }, { digest: fakeDigest(2) }])(mockEnv())())
    expect(result).toEqual({
      deleted: [{ imageDigest: fakeDigest(1), imageTag: 'v1' }],
      failures: [{ id: { digest: fakeDigest(2) }, code: 'ImageNotFound', reason: 'gone' }]
    })
    expect(ecrMock.commandCalls(BatchDeleteImageCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'app',
      imageIds: [{ imageTag: 'v1' }, { imageDigest: fakeDigest(2) }]
    })
  })
})

describe('settings', () => {
  const filterArb = fc.stringMatching(/^[0-9a-zA-Z._*-]{1,20}$/)
  const mutabilityArb: fc.Arbitrary<Repository.TagMutability> = fc.oneof(
    fc.constantFrom<Repository.TagMutability>('MUTABLE', 'IMMUTABLE'),
    fc.record({
      mode: fc.constantFrom('MUTABLE' as const, 'IMMUTABLE' as const),
      exceptFor: fc.uniqueArray(filterArb, { minLength: 1, maxLength: Repository.maxExclusionFilters })
    })
  )

  it('create then getSettings gives the settings asked (property, on the twin)', async () => {
    await fc.assert(
      fc.asyncProperty(mutabilityArb, fc.boolean(), fc.constantFrom<Repository.Encryption>({ type: 'AES256' }, { type: 'KMS' }, { type: 'KMS_DSSE', kmsKey: 'arn:aws:kms:us-west-2:123456789012:key/k' }), async (tagMutability, scanOnPush, encryption) => {
        const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
        const options = { imageTagMutability: tagMutability, scanOnPush, encryption }
        const created = rightOf(await run(twin, Repository.create(app, options)))
        expect(created.tagMutability).toEqual(tagMutability)
        expect(created.scanOnPush).toBe(scanOnPush)
        expect(created.encryption.type).toBe(encryption.type)
        expect(Repository.unmetSettings(options, created)).toEqual([])
        expect(rightOf(await run(twin, Repository.getSettings(app)))).toEqual(created)
      }),
      { numRuns: 40 }
    )
  })

  it('an existing repository answers with its own settings; unmetSettings names the differences', async () => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
    rightOf(await run(twin, Repository.create(app, { imageTagMutability: 'IMMUTABLE' })))
    const asked: Repository.CreateOptions = { imageTagMutability: { mode: 'IMMUTABLE', exceptFor: ['latest'] }, scanOnPush: true }
    const has = rightOf(await run(twin, Repository.create(app, asked)))
    expect(has.tagMutability).toBe('IMMUTABLE')
    expect(Repository.unmetSettings(asked, has)).toEqual([
      'tag mutability: asked IMMUTABLE except latest, has IMMUTABLE',
      'scan on push: asked true, has false'
    ])
    expect(leftOf(await run(twin, Repository.create(app, { existsOk: false })))).toMatchObject({ _tag: 'AlreadyExists' })
  })

  it('invalid exclusion filters are InvalidArgument without a call; an empty list is the plain mode', async () => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
    twin.createRepository('app')
    const bad: ReadonlyArray<Repository.TagMutability> = [
      { mode: 'IMMUTABLE', exceptFor: ['a/b'] },
      { mode: 'IMMUTABLE', exceptFor: [''] },
      { mode: 'MUTABLE', exceptFor: ['x'.repeat(129)] },
      { mode: 'MUTABLE', exceptFor: ['a', 'b', 'c', 'd', 'e', 'f'] }
    ]
    const before = twin.calls.length
    for (const m of bad) {
      expect(leftOf(await run(twin, Repository.setTagMutability(app, m)))._tag).toBe('InvalidArgument')
      expect(leftOf(await run(twin, Repository.create(repo('other'), { imageTagMutability: m })))._tag).toBe('InvalidArgument')
    }
    expect(twin.calls.length).toBe(before)
    rightOf(await run(twin, Repository.setTagMutability(app, { mode: 'IMMUTABLE', exceptFor: [] })))
    expect(rightOf(await run(twin, Repository.getSettings(app))).tagMutability).toBe('IMMUTABLE')
  })

  it('setTagMutability with exclusions: excluded tags move, others do not', async () => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
    twin.createRepository('app')
    rightOf(await run(twin, Repository.setTagMutability(app, { mode: 'IMMUTABLE', exceptFor: ['sha256-*', 'latest'] })))
    expect(E.isRight(twin.pushImage('app', { tags: ['v1', 'latest', 'sha256-abc.sig'], createRepository: false }))).toBe(true)
    expect(E.isRight(twin.pushImage('app', { tags: ['latest', 'sha256-abc.sig'], createRepository: false }))).toBe(true)
    expect(E.isLeft(twin.pushImage('app', { tag: 'v1', createRepository: false }))).toBe(true)
    rightOf(await run(twin, Repository.setScanOnPush(app, true)))
    expect(rightOf(await run(twin, Repository.getSettings(app))).scanOnPush).toBe(true)
    expect(leftOf(await run(twin, Repository.getSettings(repo('nope'))))).toMatchObject({ _tag: 'NotFound', resource: 'Repository' })
    expect(leftOf(await run(twin, Repository.setScanOnPush(repo('nope'), true))))
      .toMatchObject({ _tag: 'NotFound', resource: 'Repository' })
  })

  it('request shapes of CreateRepository and PutImageTagMutability', async () => {
    ecrMock.on(CreateRepositoryCommand).resolves({
      repository: {
        repositoryName: 'app',
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
        encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:us-west-2:123456789012:key/k' },
        imageScanningConfiguration: { scanOnPush: true },
        createdAt: NOW
      }
    })
    ecrMock.on(PutImageTagMutabilityCommand).resolves({})
    const settings = rightOf(
      await Repository.create(app, {
        imageTagMutability: { mode: 'MUTABLE', exceptFor: ['dev-*'] },
        encryption: { type: 'KMS', kmsKey: 'alias/ecr' },
        scanOnPush: true
      })(mockEnv())()
    )
    expect(settings).toMatchObject({
      createdAt: NOW,
      tagMutability: { mode: 'MUTABLE', exceptFor: ['dev-*'] },
      encryption: { type: 'KMS', kmsKey: 'arn:aws:kms:us-west-2:123456789012:key/k' },
      scanOnPush: true
    })
    expect(ecrMock.commandCalls(CreateRepositoryCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'app',
      imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
      encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'alias/ecr' },
      imageScanningConfiguration: { scanOnPush: true }
    })
    rightOf(await Repository.setTagMutability(app, 'IMMUTABLE')(mockEnv())())
    expect(ecrMock.commandCalls(PutImageTagMutabilityCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'app',
      imageTagMutability: 'IMMUTABLE'
    })
  })
})

describe('repository policies', () => {
  it('get / set / delete on the twin; a missing repository is NotFound', async () => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
    twin.createRepository('app')
    const policy = PolicyDocument.allowPull(['210987654321', 'arn:aws:iam::210987654321:role/ci'])
    expect(await run(twin, Repository.getPolicy(app))).toEqual(E.right(O.none))
    rightOf(await run(twin, Repository.setPolicy(app, policy)))
    expect(await run(twin, Repository.getPolicy(app))).toEqual(E.right(O.some(policy)))
    rightOf(await run(twin, Repository.deletePolicy(app)))
    rightOf(await run(twin, Repository.deletePolicy(app)))
    expect(await run(twin, Repository.getPolicy(app))).toEqual(E.right(O.none))
    const nope = repo('nope')
    for (const r of [await run(twin, Repository.getPolicy(nope)), await run(twin, Repository.deletePolicy(nope)), await run(twin, Repository.setPolicy(nope, policy))])
      expect(leftOf<unknown>(r)).toMatchObject({ _tag: 'NotFound', resource: 'Repository' })
  })

  it('a stored policy that is not an IAM document is a DecodeError; other failures stay', async () => {
    ecrMock.on(GetRepositoryPolicyCommand).resolves({ policyText: '{"Statement":[]}' })
    expect(leftOf(await Repository.getPolicy(app)(mockEnv())())._tag).toBe('DecodeError')
    ecrMock.on(DeleteRepositoryPolicyCommand).rejects(awsException('AccessDeniedException'))
    expect(leftOf(await Repository.deletePolicy(app)(mockEnv())())).toMatchObject({ code: 'AccessDeniedException' })
  })
})

describe('PolicyDocument', () => {
  const oneOrMany = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 }))
  const principal: fc.Arbitrary<PolicyDocument.Principal> = fc.oneof(
    fc.constant('*' as const),
    fc.record({ AWS: oneOrMany, Service: oneOrMany, Federated: oneOrMany }, { requiredKeys: ['AWS'] })
  )
  const conditionValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }))
  const statement: fc.Arbitrary<PolicyDocument.Statement> = fc
    .record(
      {
        Sid: fc.string({ maxLength: 8 }),
        Effect: fc.constantFrom('Allow' as const, 'Deny' as const),
        principal,
        negatePrincipal: fc.boolean(),
        actions: oneOrMany,
        negateAction: fc.boolean(),
        Resource: oneOrMany,
        Condition: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), conditionValue, { maxKeys: 2 }), { maxKeys: 2 })
      },
      { requiredKeys: ['Effect', 'principal', 'negatePrincipal', 'actions', 'negateAction'] }
    )
    .map(({ principal: p, negatePrincipal, actions, negateAction, ...rest }) => ({
      ...rest,
      ...(negatePrincipal ? { NotPrincipal: p } : { Principal: p }),
      ...(negateAction ? { NotAction: actions } : { Action: actions })
    }))
  const documentArb: fc.Arbitrary<PolicyDocument.PolicyDocument> = fc.record(
    {
      Version: fc.constantFrom('2012-10-17' as const, '2008-10-17' as const),
      Id: fc.string({ maxLength: 8 }),
      Statement: fc.array(statement, { minLength: 1, maxLength: 3 })
    },
    { requiredKeys: ['Statement'] }
  )

  it('decode(encode(d)) = d and fromJson(toJson(d)) = d; toJson is stable', () => {
    fc.assert(
      fc.property(documentArb, (d) => {
        expect(PolicyDocument.codec.decode(PolicyDocument.codec.encode(d))).toEqual(E.right(PolicyDocument.codec.encode(d)))
        const text = PolicyDocument.toJson(d)
        const back = PolicyDocument.fromJson(text)
        expect(pipe(back, E.map(PolicyDocument.toJson))).toEqual(E.right(text))
        expect(back).toEqual(E.right(JSON.parse(text)))
      }),
      { numRuns: 300 }
    )
  })

  it('refuses what IAM refuses, naming the JSON path', () => {
    const errorsOf = (u: unknown) => {
      const r = PolicyDocument.fromJson(JSON.stringify(u))
      return E.isLeft(r) && r.left._tag === 'DecodeError' ? r.left.errors : []
    }
    const ok = { Effect: 'Allow', Principal: '*', Action: 'ecr:*' }
    expect(errorsOf({ Statement: [] })[0]).toMatch(/^\/Statement/)
    expect(errorsOf({ Statement: [{ ...ok, Effect: 'Maybe' }] })[0]).toMatch(/^\/Statement\/0\/Effect/)
    expect(errorsOf({ Statement: [{ Effect: 'Allow', Action: 'ecr:*' }] })[0]).toMatch(/^\/Statement\/0\/Principal/)
    expect(errorsOf({ Statement: [{ ...ok, NotAction: 'x' }] })[0]).toMatch(/^\/Statement\/0\/Action/)
    expect(errorsOf({ Statement: [{ ...ok, Principal: { Nobody: 'x' } }] })[0]).toMatch(/^\/Statement\/0\/Principal\/Nobody/)
    expect(errorsOf({ Version: '2020-01-01', Statement: [ok] })[0]).toMatch(/^\/Version/)
    expect(errorsOf({ Statement: [{ ...ok, Condition: { StringEquals: { k: { nested: 1 } } } }] })[0]).toMatch(/^\/Statement\/0\/Condition/)
    expect(E.isLeft(PolicyDocument.fromJson('not json'))).toBe(true)
  })

  it('fromJson never throws on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (u) => {
        const r = PolicyDocument.fromJson(JSON.stringify(u))
        expect(E.isLeft(r) ? r.left._tag : 'ok').toMatch(/^(DecodeError|ok)$/)
      }),
      { numRuns: 300 }
    )
  })
})

describe('previewLifecyclePolicy', () => {
  const rulesArb: fc.Arbitrary<LifecyclePolicy.LifecyclePolicy> = fc
    .record({
      untaggedDays: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
      keep: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      anyDays: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined })
    })
    .map(({ untaggedDays, keep, anyDays }) =>
      LifecyclePolicy.fromRules(
        ...(untaggedDays === undefined ? [] : [LifecyclePolicy.removeUntagged({ days: untaggedDays })]),
        ...(keep === undefined ? [] : [LifecyclePolicy.keepLastN({ count: keep, tagPrefixList: ['v'], rulePriority: 2 })]),
        LifecyclePolicy.expireAnyOlderThan({ days: anyDays ?? 90, rulePriority: 3 })
      )
    )
  const imagesArb = fc.array(fc.record({ tagged: fc.boolean(), age: fc.integer({ min: 0, max: 120 }) }), { maxLength: 12 })

  it('holds against LifecyclePolicy.evaluate over the same images (property, on the twin)', async () => {
    await fc.assert(
      fc.asyncProperty(rulesArb, imagesArb, async (policy, images) => {
        const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION, now: () => NOW })
        twin.createRepository('app')
        images.forEach(({ tagged, age }, i) =>
          twin.pushImage('app', { ...(tagged ? { tag: `v${i}` } : {}), pushedAt: new Date(daysAgo(age).getTime() + i), createRepository: false })
        )
        const preview = rightOf(await run(twin, Repository.previewLifecyclePolicy(app, policy, { pollMs: 1 })))
        const details = rightOf(await run(twin, Repository.listImageDetails(app)))
        const offline = LifecyclePolicy.evaluate(policy, details, NOW)
        const key = (o: LifecyclePolicy.Outcome) => [o.image.imageDigest, o.rulePriority, o.action.type]
        expect(preview.map(key)).toEqual(offline.map(key))
      }),
      { numRuns: 30 }
    )
  })

  it('uses the repository policy when none is given; no policy at all is NotFound(LifecyclePolicy)', async () => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION, now: () => NOW })
    twin.pushImage('app', { pushedAt: daysAgo(20) })
    expect(leftOf(await run(twin, Repository.previewLifecyclePolicy(app)))).toMatchObject({ _tag: 'NotFound', resource: 'LifecyclePolicy' })
    rightOf(await run(twin, Repository.putLifecyclePolicy(app, LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged({ days: 7 })))))
    const preview = rightOf(await run(twin, Repository.previewLifecyclePolicy(app)))
    expect(preview.map((o) => [o.rulePriority, o.action, o.image.status])).toEqual([[1, { type: 'expire' }, 'ACTIVE']])
    expect(leftOf(await run(twin, Repository.previewLifecyclePolicy(repo('nope'))))).toMatchObject({ _tag: 'NotFound', resource: 'Repository' })
  })

  it('reads every page: 250 results take Start, one IN_PROGRESS poll and 3 pages', async () => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION, now: () => NOW })
    twin.createRepository('app')
    for (let i = 0; i < 250; i++) twin.pushImage('app', { pushedAt: new Date(daysAgo(30).getTime() + i), createRepository: false, layerBytes: 8 })
    const preview = rightOf(
      await run(twin, Repository.previewLifecyclePolicy(app, LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged({ days: 7 })), { pollMs: 1 }))
    )
    expect(preview).toHaveLength(250)
    expect(new Set(preview.map((o) => o.image.imageDigest)).size).toBe(250)
    expect(countOf(twin, 'StartLifecyclePolicyPreview')).toBe(1)
    expect(countOf(twin, 'GetLifecyclePolicyPreview')).toBe(4)
  })

  it('a second Start while one runs is LifecyclePolicyPreviewInProgressException; Get without Start is NotFound', async () => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
    twin.createRepository('app')
    const text = LifecyclePolicy.toJson(LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged()))
    const input = { repositoryName: 'app', lifecyclePolicyText: text }
    await expect(twin.ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'app' }))).rejects.toMatchObject({
      name: 'LifecyclePolicyPreviewNotFoundException'
    })
    await twin.ecr.send(new StartLifecyclePolicyPreviewCommand(input))
    await expect(twin.ecr.send(new StartLifecyclePolicyPreviewCommand(input))).rejects.toMatchObject({
      name: 'LifecyclePolicyPreviewInProgressException'
    })
    expect(leftOf(await run(twin, Repository.previewLifecyclePolicy(app, LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged()))))).toMatchObject({
      _tag: 'AwsError',
      code: 'LifecyclePolicyPreviewInProgressException'
    })
    await expect(twin.ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: 'app', lifecyclePolicyText: '{"rules":[]}'.padEnd(120) }))).rejects.toMatchObject({
      name: 'InvalidParameterException'
    })
  })

  it('a preview that stays IN_PROGRESS ends with PreviewTimeout after the bounded wait, using env.sleep', async () => {
    ecrMock.on(StartLifecyclePolicyPreviewCommand).resolves({ status: 'IN_PROGRESS' })
    ecrMock.on(GetLifecyclePolicyPreviewCommand).resolves({ status: 'IN_PROGRESS' })
    const waits: Array<number> = []
    const env = { ...mockEnv(), sleep: (ms: number) => { waits.push(ms); return Promise.resolve() } }
    const e = leftOf(await Repository.previewLifecyclePolicy(app, undefined, { pollMs: 10, timeoutMs: 45 })(env)())
    expect(e).toMatchObject({ _tag: 'AwsError', code: 'PreviewTimeout' })
    expect(waits).toEqual([10, 10, 10, 10, 5])
    expect(ecrMock.commandCalls(GetLifecyclePolicyPreviewCommand)).toHaveLength(6)
    expect(ecrMock.commandCalls(StartLifecyclePolicyPreviewCommand)[0]?.args[0].input).toEqual({ registryId: ACCOUNT, repositoryName: 'app' })
    expect(ecrMock.commandCalls(GetLifecyclePolicyPreviewCommand)[0]?.args[0].input).toEqual({ registryId: ACCOUNT, repositoryName: 'app', maxResults: 100 })
  })

  it('maps ECR result shapes (EXPIRE, TRANSITION, ARCHIVE storage class); FAILED is an AwsError', async () => {
    ecrMock.on(StartLifecyclePolicyPreviewCommand).resolves({ status: 'IN_PROGRESS' })
    ecrMock.on(GetLifecyclePolicyPreviewCommand).resolvesOnce({
      status: 'COMPLETE',
      previewResults: [
        { imageDigest: fakeDigest(2), imageTags: ['b'], imagePushedAt: daysAgo(5), action: { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' }, appliedRulePriority: 1, storageClass: 'STANDARD' },
        { imageDigest: fakeDigest(1), action: { type: 'EXPIRE' }, appliedRulePriority: 2, storageClass: 'ARCHIVE' }
      ]
    }).resolves({ status: 'FAILED' })
    const policy = LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged())
    const outcomes = rightOf(await Repository.previewLifecyclePolicy(app, policy)(mockEnv())())
    expect(outcomes).toEqual([
      { image: { imageDigest: fakeDigest(2), imageTags: ['b'], imagePushedAt: daysAgo(5), status: 'ACTIVE' }, rulePriority: 1, action: { type: 'transition', targetStorageClass: 'archive' } },
      { image: { imageDigest: fakeDigest(1), imageTags: [], status: 'ARCHIVED' }, rulePriority: 2, action: { type: 'expire' } }
    ])
    expect(ecrMock.commandCalls(StartLifecyclePolicyPreviewCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'app',
      lifecyclePolicyText: LifecyclePolicy.toJson(policy)
    })
    expect(leftOf(await Repository.previewLifecyclePolicy(app)(mockEnv())())).toMatchObject({ _tag: 'AwsError', code: 'LifecyclePolicyPreviewFAILED' })
  })
})
