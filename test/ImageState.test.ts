// Image deletion, untagging, archive/restore, scanning and replication status, and registry
// backfills: on the twin (ECR's answers and exceptions, call budgets) and with aws-sdk-client-mock
// (exact request shapes, decoding of answers the twin does not give).
import {
  BatchDeleteImageCommand,
  DescribeImageReplicationStatusCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  ListReplicationBackfillsCommand,
  StartImageScanCommand,
  StartReplicationBackfillCommand,
  StopReplicationBackfillCommand,
  UpdateImageStorageClassCommand
} from '@aws-sdk/client-ecr'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as RTE from 'fp-ts/ReaderTaskEither'
import { beforeEach, describe, expect, it } from 'vitest'
import type { EcrError } from '../src/EcrError'
import type { EcrEnv } from '../src/Env'
import * as Image from '../src/Image'
import type { AccountId, Region } from '../src/Primitives'
import * as Registry from '../src/Registry'
import * as ReplicationConfiguration from '../src/ReplicationConfiguration'
import { resolveImageUri } from '../src/resolve'
import * as State from '../src/internal/imageState'
import { InMemoryEcr } from '../src/testing'
import { ACCOUNT, REGION, ecrMock, fakeDigest, imageRef, leftOf, mockEnv, rightOf } from './ecrMock'

const TWIN_ACCOUNT = '123456789012'
const TWIN_REGION = 'us-east-1'
const HOST = `${TWIN_ACCOUNT}.dkr.ecr.${TWIN_REGION}.amazonaws.com` as const

const run = <A>(twin: InMemoryEcr.InMemoryEcr, program: RTE.ReaderTaskEither<EcrEnv, EcrError, A>) => program(twin.env)()

const refOf = async (twin: InMemoryEcr.InMemoryEcr, uri: string): Promise<Image.ImageRef> => rightOf(await run(twin, Image.fromUri(uri)))

const isArchivedError = (e: EcrError): boolean => e._tag === 'AwsError' && e.code === 'ImageArchived' && !e.retryable

describe('Image.delete', () => {
  it('deletes the image with every tag, in one call', async () => {
    const twin = InMemoryEcr.make()
    const pushed = rightOf(twin.pushImage('app', { tags: ['v1', 'latest'] }))
    const ref = await refOf(twin, `${HOST}/app@${pushed.imageDigest}`)
    twin.resetCalls()
    expect(await run(twin, Image.delete(ref))).toEqual(E.right(undefined))
    expect(twin.callCount()).toBe(1)
    expect(twin.callCount('BatchDeleteImage')).toBe(1)
    expect(twin.imageStatus('app', pushed.imageDigest)).toEqual(O.none)
    expect(twin.tagsOf('app').size).toBe(0)
  })

  it('a missing image is NotFound(Image); a platform image an index names is ImageReferencedByManifestList', async () => {
    const twin = InMemoryEcr.make()
    const pushed = rightOf(
      twin.pushImage('app', { tag: 'multi', platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] })
    )
    const missing = await run(twin, Image.delete({ ...(await refOf(twin, `${HOST}/app:multi`)), imageDigest: fakeDigest(42) }))
    expect(leftOf(missing)).toMatchObject({ _tag: 'NotFound', resource: 'Image' })
    const child = pushed.children[0]
    expect(child).toBeDefined()
    const childRef = await refOf(twin, `${HOST}/app@${child?.imageDigest ?? ''}`)
    expect(leftOf(await run(twin, Image.delete(childRef)))).toMatchObject({
      _tag: 'AwsError',
      operation: 'BatchDeleteImage',
      code: 'ImageReferencedByManifestList'
    })
  })

  it('a missing repository is NotFound(Repository)', async () => {
    const twin = InMemoryEcr.make()
    twin.pushImage('app', { tag: 'v1' })
    const ref = await refOf(twin, `${HOST}/app:v1`)
    expect(leftOf(await run(twin, Image.delete({ ...ref, repositoryName: 'nope' as typeof ref.repositoryName })))).toMatchObject({
      _tag: 'NotFound',
      resource: 'Repository'
    })
  })

  it('sends BatchDeleteImage by digest (exact request)', async () => {
    ecrMock.reset()
    ecrMock.on(BatchDeleteImageCommand).resolves({ imageIds: [{ imageDigest: fakeDigest(1) }], failures: [] })
    const r = await Image.delete(imageRef('app', undefined, fakeDigest(1)))(mockEnv())()
    expect(r).toEqual(E.right(undefined))
    expect(ecrMock.commandCalls(BatchDeleteImageCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'app',
      imageIds: [{ imageDigest: fakeDigest(1) }]
    })
  })
})

describe('Image.removeTags', () => {
  it('removes the tags asked, keeps the others and the image: two calls', async () => {
    const twin = InMemoryEcr.make()
    rightOf(twin.pushImage('app', { tags: ['v1', 'latest', 'stable'] }))
    const ref = await refOf(twin, `${HOST}/app:v1`)
    twin.resetCalls()
    expect(await run(twin, Image.removeTags(ref, ['latest', 'stable', 'latest']))).toEqual(E.right(undefined))
    expect(twin.callCount()).toBe(2)
    expect([...twin.tagsOf('app').keys()]).toEqual(['v1'])
    expect(twin.imageStatus('app', 'v1')).toEqual(O.some('ACTIVE'))
  })

  it("ECR's rule: removing the last tag deletes the image", async () => {
    const twin = InMemoryEcr.make()
    const pushed = rightOf(twin.pushImage('app', { tags: ['v1', 'v2'] }))
    const ref = await refOf(twin, `${HOST}/app:v1`)
    expect(await run(twin, Image.removeTags(ref, ['v1', 'v2']))).toEqual(E.right(undefined))
    expect(twin.imageStatus('app', pushed.imageDigest)).toEqual(O.none)
  })

  it("a tag of another image is NotFound and nothing is removed; a bad tag is InvalidArgument before any call", async () => {
    const twin = InMemoryEcr.make()
    rightOf(twin.pushImage('app', { tag: 'v1' }))
    rightOf(twin.pushImage('app', { tag: 'other' }))
    const ref = await refOf(twin, `${HOST}/app:v1`)
    const e = leftOf(await run(twin, Image.removeTags(ref, ['v1', 'other'])))
    expect(e).toMatchObject({ _tag: 'NotFound', resource: 'Image', id: 'app:other' })
    expect(twin.tagsOf('app').has('v1') && twin.tagsOf('app').has('other')).toBe(true)
    twin.resetCalls()
    expect(leftOf(await run(twin, Image.removeTags(ref, ['bad tag'])))._tag).toBe('InvalidArgument')
    expect(await run(twin, Image.removeTags(ref, []))).toEqual(E.right(undefined))
    expect(twin.callCount()).toBe(0)
  })

  it('sends tags in chunks of 100, by tag only (exact requests)', async () => {
    ecrMock.reset()
    const tags = Array.from({ length: 150 }, (_, i) => `t${i}`)
    ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: fakeDigest(1), imageTags: tags }] })
    ecrMock.on(BatchDeleteImageCommand).resolves({ imageIds: [], failures: [] })
    const r = await Image.removeTags(imageRef('app', undefined, fakeDigest(1)), tags)(mockEnv())()
    expect(r).toEqual(E.right(undefined))
    const calls = ecrMock.commandCalls(BatchDeleteImageCommand).map((c) => c.args[0].input.imageIds ?? [])
    expect(calls.map((ids) => ids.length)).toEqual([100, 50])
    expect(calls.flat()).toEqual(tags.map((imageTag) => ({ imageTag })))
  })

  it('a per-item failure of BatchDeleteImage is a Left naming its code', async () => {
    ecrMock.reset()
    ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: fakeDigest(1), imageTags: ['v1'] }] })
    ecrMock
      .on(BatchDeleteImageCommand)
      .resolves({ imageIds: [], failures: [{ imageId: { imageTag: 'v1' }, failureCode: 'KmsError', failureReason: 'kms says no' }] })
    const e = leftOf(await Image.removeTags(imageRef('app', undefined, fakeDigest(1)), ['v1'])(mockEnv())())
    expect(e).toMatchObject({ _tag: 'AwsError', operation: 'BatchDeleteImage', code: 'KmsError' })
  })
})

describe('Image.archive / Image.restore', () => {
  it('archives: every read is an ImageArchived Left saying how to restore; restore makes it readable', async () => {
    const twin = InMemoryEcr.make()
    const pushed = rightOf(twin.pushImage('app', { tag: 'v1' }))
    const carried = await refOf(twin, `${HOST}/app:v1`)
    const bare = await refOf(twin, `${HOST}/app@${pushed.imageDigest}`)
    twin.resetCalls()
    expect(await run(twin, Image.archive(bare))).toEqual(E.right(undefined))
    expect(twin.callCount('UpdateImageStorageClass')).toBe(1)
    expect(twin.imageStatus('app', 'v1')).toEqual(O.some('ARCHIVED'))
    const reads: ReadonlyArray<RTE.ReaderTaskEither<EcrEnv, EcrError, unknown>> = [
      Image.getManifest(bare),
      Image.getLayers(bare),
      Image.getConfigLayer(bare),
      Image.fromUri(`${HOST}/app:v1`),
      Image.startScan(bare)
    ]
    for (const read of reads) {
      const e = leftOf(await run(twin, read))
      expect(isArchivedError(e)).toBe(true)
      expect(e.message).toContain('Image.restore')
      expect(e.message).toContain(`ecr-fp-ts restore ${HOST}/app`)
    }
    // a ref carrying its manifest from before: the config blob's 404 is told as archived too
    const config = leftOf(await Image.getConfig(carried)(twin.env)())
    expect(isArchivedError(config)).toBe(true)
    // archive again: a success
    expect(await run(twin, Image.archive(bare))).toEqual(E.right(undefined))
    expect(await run(twin, Image.restore(bare))).toEqual(E.right(undefined))
    expect(await run(twin, Image.getManifest(bare))).toEqual(E.right(pushed.manifest))
    // restore an active image: a success
    expect(await run(twin, Image.restore(bare))).toEqual(E.right(undefined))
  })

  it('while restoring (ACTIVATING) reads still fail with ImageArchived; restoring again is a success', async () => {
    const twin = InMemoryEcr.make({ restoreMs: 60_000 })
    rightOf(twin.pushImage('app', { tag: 'v1' }))
    const ref = await refOf(twin, `${HOST}/app:v1`)
    rightOf(await run(twin, Image.archive(ref)))
    rightOf(await run(twin, Image.restore(ref)))
    expect(twin.imageStatus('app', 'v1')).toEqual(O.some('ACTIVATING'))
    expect(rightOf(await run(twin, Image.getDetail(ref))).status).toBe('ACTIVATING')
    expect(isArchivedError(leftOf(await run(twin, Image.fromUri(`${HOST}/app:v1`))))).toBe(true)
    expect(await run(twin, Image.restore(ref))).toEqual(E.right(undefined))
    // archive while ACTIVATING: ECR's refusal stays
    expect(leftOf(await run(twin, Image.archive(ref)))).toMatchObject({ code: 'ImageStorageClassUpdateNotSupportedException' })
    twin.settle()
    expect(twin.imageStatus('app', 'v1')).toEqual(O.some('ACTIVE'))
  })

  it('a missing image is NotFound(Image); a platform image of an index cannot be archived alone', async () => {
    const twin = InMemoryEcr.make()
    const pushed = rightOf(
      twin.pushImage('app', { tag: 'multi', platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] })
    )
    const index = await refOf(twin, `${HOST}/app:multi`)
    expect(leftOf(await run(twin, Image.archive({ ...index, imageDigest: fakeDigest(5) })))).toMatchObject({ _tag: 'NotFound', resource: 'Image' })
    const child = await refOf(twin, `${HOST}/app@${pushed.children[0]?.imageDigest ?? ''}`)
    expect(leftOf(await run(twin, Image.archive(child)))).toMatchObject({ code: 'ImageStorageClassUpdateNotSupportedException' })
    // the index goes with its platform images
    rightOf(await run(twin, Image.archive(index)))
    expect(twin.imageStatus('app', child.imageDigest)).toEqual(O.some('ARCHIVED'))
  })

  it('Image.lookup finds an archived image by tag (fromUri cannot)', async () => {
    const twin = InMemoryEcr.make()
    const pushed = rightOf(twin.pushImage('app', { tag: 'v1' }))
    rightOf(await run(twin, pipe(Image.fromUri(`${HOST}/app:v1`), RTE.flatMap(Image.archive))))
    twin.resetCalls()
    const ref = rightOf(await run(twin, Image.lookup(`${HOST}/app:v1`)))
    expect(ref.imageDigest).toBe(pushed.imageDigest)
    expect(twin.callCount()).toBe(1)
    expect(leftOf(await run(twin, Image.lookup(`${HOST}/app:nope`)))).toMatchObject({ _tag: 'NotFound', resource: 'Image' })
  })

  it('sends UpdateImageStorageClass by digest (exact requests)', async () => {
    ecrMock.reset()
    ecrMock.on(UpdateImageStorageClassCommand).resolves({ imageStatus: 'ARCHIVED' })
    const ref = imageRef('app', undefined, fakeDigest(1))
    rightOf(await Image.archive(ref)(mockEnv())())
    rightOf(await Image.restore(ref)(mockEnv())())
    expect(ecrMock.commandCalls(UpdateImageStorageClassCommand).map((c) => c.args[0].input)).toEqual([
      { registryId: ACCOUNT, repositoryName: 'app', imageId: { imageDigest: fakeDigest(1) }, targetStorageClass: 'ARCHIVE' },
      { registryId: ACCOUNT, repositoryName: 'app', imageId: { imageDigest: fakeDigest(1) }, targetStorageClass: 'STANDARD' }
    ])
  })
})

describe('resolveImageUri and archived images', () => {
  it('the latest tagged image is the latest active one; an archived defaultTag is ImageArchived', async () => {
    const twin = InMemoryEcr.make()
    const old = rightOf(twin.pushImage('app', { tag: 'v1', pushedAt: new Date('2024-01-01T00:00:00Z') }))
    rightOf(twin.pushImage('app', { tag: 'v2', pushedAt: new Date('2024-02-01T00:00:00Z') }))
    rightOf(await run(twin, pipe(Image.fromUri(`${HOST}/app:v2`), RTE.flatMap(Image.archive))))
    expect(await run(twin, resolveImageUri('app'))).toEqual(E.right(`${HOST}/app@${old.imageDigest}`))
    expect(isArchivedError(leftOf(await run(twin, resolveImageUri('app', { defaultTag: 'v2' }))))).toBe(true)
  })

  it('client-side too: an ARCHIVED detail in the listing is never chosen', async () => {
    ecrMock.reset()
    ecrMock.on(DescribeImagesCommand).resolves({
      imageDetails: [
        { imageDigest: fakeDigest(1), imageTags: ['old'], imagePushedAt: new Date('2024-01-01T00:00:00Z'), imageStatus: 'ACTIVE' },
        { imageDigest: fakeDigest(2), imageTags: ['new'], imagePushedAt: new Date('2024-02-01T00:00:00Z'), imageStatus: 'ARCHIVED' }
      ]
    })
    const r = await resolveImageUri('app')(mockEnv())()
    expect(r).toEqual(E.right(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/app@${fakeDigest(1)}`))
  })
})

describe('Image.startScan / Image.getScanFindings', () => {
  it('a scan with seeded findings: basic and enhanced in one shape, counts for every severity, every page', async () => {
    const twin = InMemoryEcr.make()
    rightOf(twin.pushImage('app', { tag: 'v1' }))
    const findings = Array.from({ length: 1500 }, (_, i) => ({ name: `CVE-2024-${i}`, severity: i % 2 === 0 ? ('HIGH' as const) : ('LOW' as const) }))
    rightOf(twin.setScanFindings('app', 'v1', { findings }))
    const ref = await refOf(twin, `${HOST}/app:v1`)
    twin.resetCalls()
    const got = rightOf(await run(twin, Image.getScanFindings(ref)))
    expect(twin.callCount('DescribeImageScanFindings')).toBe(2)
    expect(got.status).toBe('COMPLETE')
    expect(got.completedAt).toBeInstanceOf(Date)
    expect(got.findings.map((f) => f.name)).toEqual(findings.map((f) => f.name))
    expect(got.severityCounts).toEqual({ CRITICAL: 0, HIGH: 750, MEDIUM: 0, LOW: 750, INFORMATIONAL: 0, UNDEFINED: 0 })
  })

  it('a scan in progress has its status and no findings; never scanned: ScanNotFoundException', async () => {
    const twin = InMemoryEcr.make({ scanMs: 60_000 })
    rightOf(twin.pushImage('app', { tag: 'v1' }))
    const ref = await refOf(twin, `${HOST}/app:v1`)
    expect(leftOf(await run(twin, Image.getScanFindings(ref)))).toMatchObject({ _tag: 'AwsError', code: 'ScanNotFoundException' })
    twin.resetCalls()
    rightOf(await run(twin, Image.startScan(ref)))
    expect(twin.callCount()).toBe(1)
    const running = rightOf(await run(twin, Image.getScanFindings(ref)))
    expect(running).toEqual({ status: 'IN_PROGRESS', severityCounts: State.countsOf({}), findings: [] })
    // ECR's quota: one scan a day
    expect(leftOf(await run(twin, Image.startScan(ref)))).toMatchObject({ _tag: 'AwsError', code: 'LimitExceededException' })
  })

  it('an index cannot be scanned: UnsupportedImageTypeException', async () => {
    const twin = InMemoryEcr.make()
    rightOf(twin.pushImage('app', { tag: 'm', platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] }))
    const ref = await refOf(twin, `${HOST}/app:m`)
    expect(leftOf(await run(twin, Image.startScan(ref)))).toMatchObject({ code: 'UnsupportedImageTypeException' })
  })

  it('decodes enhanced findings (package, version, fixedIn, UNTRIAGED as UNDEFINED) and sends exact requests', async () => {
    ecrMock.reset()
    ecrMock.on(StartImageScanCommand).resolves({})
    ecrMock.on(DescribeImageScanFindingsCommand).resolves({
      imageScanStatus: { status: 'COMPLETE' },
      imageScanFindings: {
        imageScanCompletedAt: new Date('2026-01-01T00:00:00Z'),
        findingSeverityCounts: { CRITICAL: 1, UNTRIAGED: 2 } as Record<string, number>,
        enhancedFindings: [
          {
            title: 'openssl: bad',
            severity: 'CRITICAL',
            packageVulnerabilityDetails: {
              vulnerabilityId: 'CVE-2026-1',
              sourceUrl: 'https://example.com/CVE-2026-1',
              vulnerablePackages: [{ name: 'openssl', version: '3.0.1', fixedInVersion: '3.0.9' }]
            }
          },
          { title: 'something', severity: 'UNTRIAGED' }
        ]
      }
    })
    const ref = imageRef('app', undefined, fakeDigest(1))
    rightOf(await Image.startScan(ref)(mockEnv())())
    const got = rightOf(await Image.getScanFindings(ref)(mockEnv())())
    expect(got).toEqual({
      status: 'COMPLETE',
      completedAt: new Date('2026-01-01T00:00:00Z'),
      severityCounts: { CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 0, INFORMATIONAL: 0, UNDEFINED: 2 },
      findings: [
        { name: 'CVE-2026-1', severity: 'CRITICAL', uri: 'https://example.com/CVE-2026-1', package: 'openssl', version: '3.0.1', fixedIn: '3.0.9' },
        { name: 'something', severity: 'UNDEFINED' }
      ]
    })
    expect(ecrMock.commandCalls(StartImageScanCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'app',
      imageId: { imageDigest: fakeDigest(1) }
    })
    expect(ecrMock.commandCalls(DescribeImageScanFindingsCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'app',
      imageId: { imageDigest: fakeDigest(1) },
      maxResults: 1000
    })
  })

  it('a malformed answer is a DecodeError naming the field', async () => {
    ecrMock.reset()
    ecrMock.on(DescribeImageScanFindingsCommand).resolves({ imageScanFindings: { findings: 'x' } } as never)
    const e = leftOf(await Image.getScanFindings(imageRef('app', undefined, fakeDigest(1)))(mockEnv())())
    expect(e._tag).toBe('DecodeError')
    expect(e._tag === 'DecodeError' && e.errors.join(' ')).toContain('/imageScanFindings/findings')
  })

  it('basic attributes give package and version; severityOf and countsOf are total (property)', () => {
    const page = rightOf(
      State.scanFindingsPage({
        $metadata: {},
        imageScanStatus: { status: 'COMPLETE' },
        imageScanFindings: {
          findings: [
            {
              name: 'CVE-1',
              severity: 'MEDIUM',
              uri: 'https://x',
              attributes: [
                { key: 'package_name', value: 'zlib' },
                { key: 'package_version', value: '1.2' }
              ]
            }
          ]
        }
      })
    )
    expect(page.items[0]?.findings).toEqual([{ name: 'CVE-1', severity: 'MEDIUM', uri: 'https://x', package: 'zlib', version: '1.2' }])
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...State.SEVERITIES, 'UNTRIAGED'), fc.string()), fc.nat({ max: 1e6 })), (counts) => {
        const all = State.countsOf(counts)
        expect(Object.keys(all).sort()).toEqual([...State.SEVERITIES].sort())
        const sum = Object.values(counts).reduce((a, b) => a + b, 0)
        expect(Object.values(all).reduce((a, b) => a + b, 0)).toBe(sum)
        for (const s of State.SEVERITIES) if (s !== 'UNDEFINED') expect(all[s]).toBe(counts[s] ?? 0)
      })
    )
    fc.assert(fc.property(fc.string(), (s) => State.SEVERITIES.includes(State.severityOf(s))))
  })
})

describe('Image.getReplicationStatus', () => {
  it('answers each destination; none for an image no rule replicates; a missing image is NotFound', async () => {
    const twin = InMemoryEcr.make()
    rightOf(twin.pushImage('app', { tag: 'v1' }))
    const ref = await refOf(twin, `${HOST}/app:v1`)
    expect(await run(twin, Image.getReplicationStatus(ref))).toEqual(E.right([]))
    rightOf(twin.setReplicationStatus('app', 'v1', { region: 'eu-west-1', registryId: TWIN_ACCOUNT, status: 'COMPLETE' }))
    twin.resetCalls()
    expect(await run(twin, Image.getReplicationStatus(ref))).toEqual(E.right([{ region: 'eu-west-1', registryId: TWIN_ACCOUNT, status: 'COMPLETE' }]))
    expect(twin.callCount()).toBe(1)
    expect(leftOf(await run(twin, Image.getReplicationStatus({ ...ref, imageDigest: fakeDigest(3) })))).toMatchObject({ _tag: 'NotFound' })
  })

  it('a region that is not one is a DecodeError (exact request)', async () => {
    ecrMock.reset()
    ecrMock.on(DescribeImageReplicationStatusCommand).resolves({ replicationStatuses: [{ region: 'Mars', registryId: ACCOUNT, status: 'COMPLETE' }] })
    const e = leftOf(await Image.getReplicationStatus(imageRef('app', undefined, fakeDigest(1)))(mockEnv())())
    expect(e._tag).toBe('DecodeError')
    expect(ecrMock.commandCalls(DescribeImageReplicationStatusCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'app',
      imageId: { imageDigest: fakeDigest(1) }
    })
  })
})

describe('Registry replication backfills', () => {
  const withRule = async (twin: InMemoryEcr.InMemoryEcr, region: string) => {
    const to = rightOf(ReplicationConfiguration.toRegion(region, TWIN_ACCOUNT))
    rightOf(await run(twin, Registry.putReplicationConfiguration(ReplicationConfiguration.replicateAll({ to: [to] }))))
    return { accountId: TWIN_ACCOUNT as AccountId, region: to.region }
  }

  it('start, list (every page), stop; one per destination region at a time', async () => {
    const twin = InMemoryEcr.make({ backfillMs: 60_000 })
    rightOf(twin.pushImage('app', { tags: ['v1', 'v2'] }))
    const eu = await withRule(twin, 'eu-west-1')
    const started = rightOf(await run(twin, Registry.startReplicationBackfill(eu)))
    expect(started).toMatchObject({ destination: eu, status: 'PREPARING' })
    expect(leftOf(await run(twin, Registry.startReplicationBackfill(eu)))).toMatchObject({
      code: 'ReplicationBackfillInProgressException'
    })
    const listed = rightOf(await run(twin, Registry.listReplicationBackfills()))
    expect(listed.map((b) => [b.id, b.status, b.progress?.total])).toEqual([[started.id, 'IN_PROGRESS', 2]])
    const stopped = rightOf(await run(twin, Registry.stopReplicationBackfill(started.id)))
    expect(stopped.status).toBe('STOPPED')
    expect(leftOf(await run(twin, Registry.stopReplicationBackfill(started.id)))).toMatchObject({
      code: 'ReplicationBackfillInvalidStatusException'
    })
  })

  it('a destination the configuration does not have is ValidationException; another region is InvalidArgument without a call', async () => {
    const twin = InMemoryEcr.make()
    expect(
      leftOf(await run(twin, Registry.startReplicationBackfill({ accountId: TWIN_ACCOUNT as AccountId, region: 'eu-west-1' as Region })))
    ).toMatchObject({ _tag: 'AwsError', code: 'ValidationException' })
    twin.resetCalls()
    const e = leftOf(
      await run(twin, Registry.listReplicationBackfills({ accountId: TWIN_ACCOUNT as AccountId, region: 'eu-west-1' as Region }))
    )
    expect(e._tag).toBe('InvalidArgument')
    expect(twin.callCount()).toBe(0)
  })

  it('lists every page (pages of 50)', async () => {
    const twin = InMemoryEcr.make()
    rightOf(twin.pushImage('app', { tag: 'v1' }))
    const eu = await withRule(twin, 'eu-west-1')
    for (let i = 0; i < 60; i++) rightOf(await run(twin, Registry.startReplicationBackfill(eu)))
    twin.resetCalls()
    const all = rightOf(await run(twin, Registry.listReplicationBackfills()))
    expect(all).toHaveLength(60)
    expect(new Set(all.map((b) => b.id)).size).toBe(60)
    expect(twin.callCount('ListReplicationBackfills')).toBe(2)
  })

  it('exact requests and decoding', async () => {
    ecrMock.reset()
    const summary = {
      replicationBackfillId: 'b-1',
      destination: { region: 'eu-west-1', registryId: ACCOUNT },
      status: 'COMPLETE' as const,
      startedAt: new Date('2026-01-01T00:00:00Z'),
      endedAt: new Date('2026-01-01T01:00:00Z'),
      progress: { totalReplicationCount: 3, completedReplicationCount: 2, failedReplicationCount: 1, failureCodes: ['X'] }
    }
    ecrMock.on(StartReplicationBackfillCommand).resolves({ ...summary, status: 'PREPARING' })
    ecrMock.on(StopReplicationBackfillCommand).resolves({ ...summary, status: 'STOPPING' })
    ecrMock.on(ListReplicationBackfillsCommand).resolves({ backfills: [summary] })
    const env = mockEnv()
    rightOf(await Registry.startReplicationBackfill({ accountId: ACCOUNT, region: 'eu-west-1' as Region })(env)())
    expect(rightOf(await Registry.stopReplicationBackfill('b-1')(env)()).status).toBe('STOPPING')
    expect(rightOf(await Registry.listReplicationBackfills()(env)())).toEqual([
      {
        id: 'b-1',
        destination: { accountId: ACCOUNT, region: 'eu-west-1' },
        status: 'COMPLETE',
        startedAt: summary.startedAt,
        endedAt: summary.endedAt,
        progress: { total: 3, completed: 2, failed: 1, failureCodes: ['X'] }
      }
    ])
    expect(ecrMock.commandCalls(StartReplicationBackfillCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      destination: { region: 'eu-west-1', registryId: ACCOUNT }
    })
    expect(ecrMock.commandCalls(StopReplicationBackfillCommand)[0]?.args[0].input).toEqual({ registryId: ACCOUNT, replicationBackfillId: 'b-1' })
    expect(ecrMock.commandCalls(ListReplicationBackfillsCommand)[0]?.args[0].input).toEqual({ registryId: ACCOUNT, maxResults: 50 })
  })
})

beforeEach(() => {
  ecrMock.reset()
})
