import {
  DescribeImagesCommand,
  DescribeImageScanFindingsCommand,
  ImageArchivedException,
  ImageNotFoundException,
  InvalidParameterException,
  LimitExceededException,
  ScanNotFoundException,
  StartImageScanCommand,
  UnsupportedImageTypeException,
  UpdateImageStorageClassCommand,
  type EnhancedImageScanFinding,
  type ImageScanFinding
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { InMemoryEcr } from '../../../src/testing'
import { push, rejection } from '../fixtures'

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const

const basic = (n: number): ReadonlyArray<ImageScanFinding> =>
  Array.from({ length: n }, (_, i) => ({
    name: `CVE-2024-${String(i).padStart(4, '0')}`,
    severity: SEVERITIES[i % SEVERITIES.length],
    uri: `https://nvd.nist.gov/vuln/detail/CVE-2024-${i}`,
    attributes: [{ key: 'package_name', value: `pkg${i}` }]
  }))

const findings = (twin: InMemoryEcr.InMemoryEcr, imageTag: string, extra: { nextToken?: string; maxResults?: number } = {}) =>
  twin.ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'app', imageId: { imageTag }, ...extra }))

describe('StartImageScan and DescribeImageScanFindings', () => {
  it('a scan is IN_PROGRESS for the scan time on the twin clock, then COMPLETE with what was seeded', async () => {
    let t = Date.parse('2025-01-01T00:00:00Z')
    const twin = InMemoryEcr.make({ now: () => new Date(t), scanMs: 60_000 })
    const a = push(twin, 'app', { tag: 'v1' })
    expect(await rejection(findings(twin, 'v1'))).toBeInstanceOf(ScanNotFoundException)
    const started = await twin.ecr.send(new StartImageScanCommand({ repositoryName: 'app', imageId: { imageTag: 'v1' } }))
    expect(started).toMatchObject({
      repositoryName: 'app',
      imageId: { imageDigest: a.imageDigest, imageTag: 'v1' },
      imageScanStatus: { status: 'IN_PROGRESS' }
    })
    const running = await findings(twin, 'v1')
    expect(running.imageScanStatus?.status).toBe('IN_PROGRESS')
    expect(running.imageScanFindings).toBeUndefined()
    t += 60_000
    const done = await findings(twin, 'v1')
    expect(done.imageScanStatus?.status).toBe('COMPLETE')
    expect(done.imageScanFindings).toEqual({
      imageScanCompletedAt: new Date(t),
      vulnerabilitySourceUpdatedAt: new Date(t),
      findingSeverityCounts: {},
      findings: []
    })
    const d = await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app' }))
    expect(d.imageDetails?.[0]).toMatchObject({
      imageScanStatus: { status: 'COMPLETE' },
      imageScanFindingsSummary: { imageScanCompletedAt: new Date(t), findingSeverityCounts: {} }
    })
  })

  it('pages basic findings by 100 (maxResults up to 1000), with counts over all of them', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app', { tag: 'v1' })
    expect(E.isRight(twin.setScanFindings('app', 'v1', { findings: basic(250) }))).toBe(true)
    const pages: Array<number> = []
    const names: Array<string> = []
    let nextToken: string | undefined
    do {
      const page = await findings(twin, 'v1', nextToken === undefined ? {} : { nextToken })
      expect(page.imageScanFindings?.findingSeverityCounts).toEqual({ CRITICAL: 63, HIGH: 63, MEDIUM: 62, LOW: 62 })
      pages.push(page.imageScanFindings?.findings?.length ?? 0)
      names.push(...(page.imageScanFindings?.findings ?? []).map((f) => f.name ?? ''))
      nextToken = page.nextToken
    } while (nextToken !== undefined)
    expect(pages).toEqual([100, 100, 50])
    expect(names).toEqual(basic(250).map((f) => f.name))
    const big = await findings(twin, 'v1', { maxResults: 1000 })
    expect([big.imageScanFindings?.findings?.length, big.nextToken]).toEqual([250, undefined])
    for (const maxResults of [0, 1001]) {
      expect(await rejection(findings(twin, 'v1', { maxResults }))).toBeInstanceOf(InvalidParameterException)
    }
    expect(await rejection(findings(twin, 'v1', { nextToken: 'forged' }))).toBeInstanceOf(InvalidParameterException)
  })

  it('returns enhanced findings in enhancedFindings, counted by severity', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app', { tag: 'v1' })
    const enhanced: ReadonlyArray<EnhancedImageScanFinding> = [
      {
        title: 'CVE-2025-1 - openssl',
        severity: 'HIGH',
        packageVulnerabilityDetails: {
          vulnerabilityId: 'CVE-2025-1',
          vulnerablePackages: [{ name: 'openssl', version: '3.0.1', fixedInVersion: '3.0.2' }]
        }
      },
      { title: 'CVE-2025-2 - zlib', severity: 'UNTRIAGED' }
    ]
    twin.setScanFindings('app', 'v1', { enhancedFindings: enhanced })
    const out = await findings(twin, 'v1')
    expect(out.imageScanFindings?.enhancedFindings).toEqual(enhanced)
    expect(out.imageScanFindings?.findings).toBeUndefined()
    expect(out.imageScanFindings?.findingSeverityCounts).toEqual({ HIGH: 1, UNTRIAGED: 1 })
  })

  it('a seeded status other than COMPLETE has no findings', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app', { tag: 'v1' })
    twin.setScanFindings('app', 'v1', { status: 'UNSUPPORTED_IMAGE' })
    const out = await findings(twin, 'v1')
    expect(out.imageScanStatus?.status).toBe('UNSUPPORTED_IMAGE')
    expect(out.imageScanFindings).toBeUndefined()
  })

  it('a later scan finds what was seeded; one scan per image per day', async () => {
    let t = Date.parse('2025-01-01T00:00:00Z')
    const twin = InMemoryEcr.make({ now: () => new Date(t) })
    push(twin, 'app', { tag: 'v1' })
    twin.setScanFindings('app', 'v1', { findings: basic(3) })
    const scan = () => twin.ecr.send(new StartImageScanCommand({ repositoryName: 'app', imageId: { imageTag: 'v1' } }))
    await scan()
    expect((await findings(twin, 'v1')).imageScanFindings?.findings).toHaveLength(3)
    t += 60_000
    expect(await rejection(scan())).toBeInstanceOf(LimitExceededException)
    t += 24 * 60 * 60 * 1000
    await scan()
  })

  it('refuses archived images, indexes and artifacts, unknown images and repositories', async () => {
    const twin = InMemoryEcr.make()
    const a = push(twin, 'app', { tag: 'v1' })
    push(twin, 'app', { tag: 'multi', platforms: [{ os: 'linux', architecture: 'amd64' }] })
    push(twin, 'app', { tag: 'sig', subject: a.imageDigest })
    const scan = (imageTag: string, repositoryName = 'app') =>
      rejection(twin.ecr.send(new StartImageScanCommand({ repositoryName, imageId: { imageTag } })))
    expect(await scan('multi')).toBeInstanceOf(UnsupportedImageTypeException)
    expect(await scan('sig')).toBeInstanceOf(UnsupportedImageTypeException)
    expect(await scan('none')).toBeInstanceOf(ImageNotFoundException)
    expect((await scan('v1', 'nope')).name).toBe('RepositoryNotFoundException')
    await twin.ecr.send(
      new UpdateImageStorageClassCommand({ repositoryName: 'app', imageId: { imageTag: 'v1' }, targetStorageClass: 'ARCHIVE' })
    )
    expect(await scan('v1')).toBeInstanceOf(ImageArchivedException)
    expect(await rejection(findings(twin, 'none'))).toBeInstanceOf(ImageNotFoundException)
    const noRepository = await rejection(
      twin.ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'nope', imageId: { imageTag: 'v1' } }))
    )
    expect(noRepository.name).toBe('RepositoryNotFoundException')
  })

  it('setScanFindings needs the image', () => {
    const twin = InMemoryEcr.make()
    expect(E.isLeft(twin.setScanFindings('app', 'v1'))).toBe(true)
    push(twin, 'app')
    const r = twin.setScanFindings('app', 'v1')
    expect(E.isLeft(r) && r.left._tag).toBe('NotFound')
  })
})
