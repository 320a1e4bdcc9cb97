/**
 * Image scanning in the twin's ECR API: `StartImageScan` (one scan per image per day, images only,
 * not archived ones) and `DescribeImageScanFindings` (paginated basic or enhanced findings with
 * severity counts). What a scan finds is what the test seeded (`twin.setScanFindings`), else nothing.
 *
 * @since 0.2.0
 */
import {
  ImageArchivedException,
  LimitExceededException,
  ScanNotFoundException,
  UnsupportedImageTypeException
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import * as Store from '../store'
import {
  fail,
  imageIdText,
  locateImage,
  maxResultsOf,
  pageOf,
  scanDescription,
  scanState,
  severityCounts
} from './common'
import type { Handler } from './common'

/** ECR's basic scanning quota: one scan per image per 24 hours. */
const SCAN_QUOTA_MS = 24 * 60 * 60 * 1000

/** The config media types of images a scanner understands (artifacts and indexes are not scanned). */
const IMAGE_CONFIGS: ReadonlyArray<string> = [Store.MediaType.dockerConfig, Store.MediaType.ociConfig]

/** @internal */
export const startImageScan: Handler = (ctx, input) => {
  const found = locateImage(ctx, input)
  if (E.isLeft(found)) return found
  const { repo, registryId, image } = found.right
  if (Store.statusOf(ctx.store, repo, image) !== 'ACTIVE')
    return fail(ImageArchivedException, `The image with digest '${image.digest}' is archived and cannot be scanned`)
  if (image.config === undefined || !IMAGE_CONFIGS.includes(image.config.mediaType))
    return fail(UnsupportedImageTypeException, 'The image is of a type that cannot be scanned.')
  const now = ctx.store.now().getTime()
  if (image.scan !== undefined && image.scan.counts && now - image.scan.startedAt < SCAN_QUOTA_MS)
    return fail(LimitExceededException, 'The scan quota per image has been exceeded. Wait and try again.')
  Store.startScan(ctx.store, image)
  return E.right({
    registryId,
    repositoryName: repo.name,
    imageId: { imageDigest: image.digest, ...(found.right.id.imageTag === undefined ? {} : { imageTag: found.right.id.imageTag }) },
    imageScanStatus: { status: 'IN_PROGRESS', description: scanDescription('IN_PROGRESS') }
  })
}

/** @internal */
export const describeImageScanFindings: Handler = (ctx, input) => {
  const found = locateImage(ctx, input)
  if (E.isLeft(found)) return found
  const { repo, registryId, image } = found.right
  const scan = scanState(ctx, image)
  if (scan === undefined)
    return fail(
      ScanNotFoundException,
      `Image scan does not exist for the image with '${imageIdText(found.right.id)}' in the repository with name '${
        repo.name
      }' in the registry with id '${registryId}'`
    )
  const max = maxResultsOf(input)
  if (E.isLeft(max)) return max
  const seed = scan.scan.seed
  const findings = seed.findings ?? []
  const enhanced = seed.enhancedFindings ?? []
  const scope = `${repo.name}#${image.digest}#${scan.scan.startedAt}`
  const longest: ReadonlyArray<unknown> = findings.length >= enhanced.length ? findings : enhanced
  const page = pageOf(input, 'DescribeImageScanFindings', scope, longest, max.right)
  if (E.isLeft(page)) return page
  const { from } = page.right
  const slice = <A>(xs: ReadonlyArray<A>): Array<A> => xs.slice(from, from + max.right)
  const complete = scan.status === 'COMPLETE' && scan.completedAt !== undefined
  return E.right({
    registryId,
    repositoryName: repo.name,
    imageId: { imageDigest: image.digest, ...(found.right.id.imageTag === undefined ? {} : { imageTag: found.right.id.imageTag }) },
    imageScanStatus: { status: scan.status, description: scanDescription(scan.status) },
    ...(complete
      ? {
          imageScanFindings: {
            imageScanCompletedAt: scan.completedAt,
            vulnerabilitySourceUpdatedAt: seed.vulnerabilitySourceUpdatedAt ?? scan.completedAt,
            findingSeverityCounts: severityCounts(seed),
            ...(findings.length > 0 || enhanced.length === 0 ? { findings: slice(findings) } : {}),
            ...(enhanced.length > 0 ? { enhancedFindings: slice(enhanced) } : {})
          }
        }
      : {}),
    ...(complete && page.right.nextToken !== undefined ? { nextToken: page.right.nextToken } : {})
  })
}
