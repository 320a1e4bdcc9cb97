/**
 * ECR's answers about an image's state beyond its manifest, decoded where they enter: deletion
 * (BatchDeleteImage), storage class (archive and restore), scan findings (basic and enhanced, one
 * shape), native replication status and replication backfills. Also the one error an archived image
 * gives to a read, so every read says the same thing and a program can match on it.
 *
 * @internal
 */
import type {
  BatchDeleteImageCommandOutput,
  DescribeImageReplicationStatusCommandOutput,
  DescribeImageScanFindingsCommandOutput,
  ListReplicationBackfillsCommandOutput,
  StartReplicationBackfillCommandOutput,
  StopReplicationBackfillCommandOutput
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import * as EcrErrors from '../EcrError'
import type { EcrError } from '../EcrError'
import { AccountIdC, RegionC, type AccountId, type Region } from '../Primitives'
import * as RepositoryUri from '../RepositoryUri'
import { decode, struct } from './codec'
import type { ImageFailure } from './output'
import type { Page } from './paginate'
import type { RepositoryRef } from './refs'

// -------------------------------------------------------------------------------------
// archived images
// -------------------------------------------------------------------------------------

/** The `AwsError` code of a read (or scan) of an image that is archived or still being restored. */
export const IMAGE_ARCHIVED = 'ImageArchived'

/** `<repository uri>:<tag>` or `<repository uri>@<digest>`. */
const imageText = (repo: RepositoryRef, id: { readonly imageTag?: string; readonly imageDigest?: string }): string =>
  `${RepositoryUri.fromRef(repo)}${id.imageDigest !== undefined ? `@${id.imageDigest}` : id.imageTag !== undefined ? `:${id.imageTag}` : ''}`

/**
 * The error of a read of an archived image: `AwsError` with `code: 'ImageArchived'`, not retryable,
 * its message saying how to restore it. `why` is ECR's own words, kept at the end.
 */
export const archivedError = (
  operation: string,
  repo: RepositoryRef,
  id: { readonly imageTag?: string; readonly imageDigest?: string },
  why: string
): EcrError => {
  const uri = imageText(repo, id)
  return EcrErrors.awsError(
    operation,
    IMAGE_ARCHIVED,
    `${uri} is archived or still being restored, so it cannot be read: restore it with Image.restore (CLI: ecr-fp-ts restore ${uri}) and read it once its status is ACTIVE${
      why === '' ? '' : ` (${why})`
    }`,
    false
  )
}

/** BatchGetImage's per-item `ImageInaccessible` (the image is archived) as the archived error; other failures: `None`. */
export const archivedFailure = (operation: string, repo: RepositoryRef, failure: ImageFailure): EcrError | undefined =>
  failure.failureCode === 'ImageInaccessible' ? archivedError(operation, repo, failure, failure.failureReason) : undefined

/** An `ImageArchivedException` of any call (StartImageScan) as the archived error; other errors unchanged. */
export const fromArchivedException =
  (repo: RepositoryRef, id: { readonly imageTag?: string; readonly imageDigest?: string }) =>
  (e: EcrError): EcrError =>
    e._tag === 'AwsError' && e.code === 'ImageArchivedException' ? archivedError(e.operation, repo, id, e.message) : e

// -------------------------------------------------------------------------------------
// BatchDeleteImage
// -------------------------------------------------------------------------------------

/** What one BatchDeleteImage call answered: the ids deleted (a tag, or an untagged image) and the failures. */
export interface DeleteResult {
  readonly deleted: ReadonlyArray<{ readonly imageDigest?: string; readonly imageTag?: string }>
  readonly failures: ReadonlyArray<ImageFailure>
}

const IdC = /*#__PURE__*/ struct('ImageIdentifier', {}, { imageDigest: t.string, imageTag: t.string })

const BatchDeleteImageC = /*#__PURE__*/ struct(
  'BatchDeleteImage',
  {},
  {
    imageIds: t.readonlyArray(IdC, 'an array of ImageIdentifier'),
    failures: t.readonlyArray(struct('ImageFailure', {}, { imageId: IdC, failureCode: t.string, failureReason: t.string }))
  }
)

/** BatchDeleteImage: the deleted ids and the per-item failures. */
export const batchDeleteImage = (out: BatchDeleteImageCommandOutput): E.Either<EcrError, DeleteResult> =>
  pipe(
    decode('BatchDeleteImage response', BatchDeleteImageC)(out),
    E.map((o) => ({
      deleted: (o.imageIds ?? []).map((id) => ({
        ...(id.imageDigest === undefined ? {} : { imageDigest: id.imageDigest }),
        ...(id.imageTag === undefined ? {} : { imageTag: id.imageTag })
      })),
      failures: (o.failures ?? []).map(
        (f): ImageFailure => ({
          ...(f.imageId?.imageTag === undefined ? {} : { imageTag: f.imageId.imageTag }),
          ...(f.imageId?.imageDigest === undefined ? {} : { imageDigest: f.imageId.imageDigest }),
          failureCode: f.failureCode ?? 'UnknownFailure',
          failureReason: f.failureReason ?? ''
        })
      )
    }))
  )

// -------------------------------------------------------------------------------------
// scan findings
// -------------------------------------------------------------------------------------

/** The severities ECR reports (enhanced scanning's `UNTRIAGED` counts as `UNDEFINED`). */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED'] as const

/** A finding's severity. */
export type Severity = (typeof SEVERITIES)[number]

/** One vulnerability found, basic or enhanced. */
export interface Finding {
  readonly name: string
  readonly severity: Severity
  readonly uri?: string
  readonly package?: string
  readonly version?: string
  readonly fixedIn?: string
}

/** One page of DescribeImageScanFindings. */
export interface FindingsPage {
  readonly status: string
  readonly completedAt?: Date
  readonly severityCounts: Readonly<Partial<Record<string, number>>>
  readonly findings: ReadonlyArray<Finding>
}

const isDate = (u: unknown): u is Date => u instanceof Date && !Number.isNaN(u.getTime())
const DateC = /*#__PURE__*/ new t.Type<Date, Date, unknown>('a date', isDate, (u, c) => (isDate(u) ? t.success(u) : t.failure(u, c)), (d) => d)

const list = <C extends t.Mixed>(codec: C) => t.readonlyArray(codec, `an array of ${codec.name}`)

const BasicFindingC = /*#__PURE__*/ struct(
  'ImageScanFinding',
  {},
  {
    name: t.string,
    uri: t.string,
    severity: t.string,
    attributes: list(struct('Attribute', { key: t.string }, { value: t.string }))
  }
)

const EnhancedFindingC = /*#__PURE__*/ struct(
  'EnhancedImageScanFinding',
  {},
  {
    title: t.string,
    severity: t.string,
    packageVulnerabilityDetails: struct(
      'PackageVulnerabilityDetails',
      {},
      {
        vulnerabilityId: t.string,
        sourceUrl: t.string,
        vulnerablePackages: list(
          struct('VulnerablePackage', {}, { name: t.string, version: t.string, fixedInVersion: t.string })
        )
      }
    )
  }
)

const ScanFindingsC = /*#__PURE__*/ struct(
  'DescribeImageScanFindings',
  {},
  {
    imageScanStatus: struct('ImageScanStatus', {}, { status: t.string }),
    imageScanFindings: struct(
      'ImageScanFindings',
      {},
      {
        imageScanCompletedAt: DateC,
        findingSeverityCounts: t.record(t.string, t.number),
        findings: list(BasicFindingC),
        enhancedFindings: list(EnhancedFindingC)
      }
    ),
    nextToken: t.string
  }
)

/** A severity as ECR spells it, in the library's set. */
export const severityOf = (s: string | undefined): Severity => {
  const found = SEVERITIES.find((x) => x === s)
  return found ?? 'UNDEFINED'
}

const optional = <K extends string>(key: K, value: string | undefined): { readonly [k in K]?: string } =>
  (value === undefined || value === '' ? {} : { [key]: value }) as { readonly [k in K]?: string }

/** DescribeImageScanFindings: one page, basic and enhanced findings in one shape. */
export const scanFindingsPage = (out: DescribeImageScanFindingsCommandOutput): E.Either<EcrError, Page<FindingsPage>> =>
  pipe(
    decode('DescribeImageScanFindings response', ScanFindingsC)(out),
    E.map((o) => {
      const f = o.imageScanFindings
      const basic = (f?.findings ?? []).map((x): Finding => {
        const attribute = (key: string) => x.attributes?.find((a) => a.key === key)?.value
        return {
          name: x.name ?? '',
          severity: severityOf(x.severity),
          ...optional('uri', x.uri),
          ...optional('package', attribute('package_name')),
          ...optional('version', attribute('package_version'))
        }
      })
      const enhanced = (f?.enhancedFindings ?? []).map((x): Finding => {
        const details = x.packageVulnerabilityDetails
        const pkg = details?.vulnerablePackages?.[0]
        return {
          name: details?.vulnerabilityId ?? x.title ?? '',
          severity: severityOf(x.severity),
          ...optional('uri', details?.sourceUrl),
          ...optional('package', pkg?.name),
          ...optional('version', pkg?.version),
          ...optional('fixedIn', pkg?.fixedInVersion)
        }
      })
      const page: FindingsPage = {
        status: o.imageScanStatus?.status ?? 'UNKNOWN',
        ...(f?.imageScanCompletedAt === undefined ? {} : { completedAt: f.imageScanCompletedAt }),
        severityCounts: f?.findingSeverityCounts ?? {},
        findings: [...basic, ...enhanced]
      }
      return { items: [page], nextToken: o.nextToken === '' ? undefined : o.nextToken }
    })
  )

/** Counts by severity, every severity present (zero when ECR leaves it out); `UNTRIAGED` adds to `UNDEFINED`. */
export const countsOf = (counts: Readonly<Partial<Record<string, number>>>): Record<Severity, number> => {
  const all: Record<Severity, number> = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, INFORMATIONAL: 0, UNDEFINED: 0 }
  for (const [k, n] of Object.entries(counts)) if (n !== undefined) all[severityOf(k)] += n
  return all
}

// -------------------------------------------------------------------------------------
// replication
// -------------------------------------------------------------------------------------

/** ECR's status of one image's replication to one destination. */
export interface ReplicationStatus {
  readonly region: Region
  readonly registryId: AccountId
  readonly status: 'IN_PROGRESS' | 'COMPLETE' | 'FAILED'
  readonly failureCode?: string
}

const ReplicationStatusC = /*#__PURE__*/ struct(
  'DescribeImageReplicationStatus',
  {},
  {
    replicationStatuses: list(
      struct(
        'ImageReplicationStatus',
        {
          region: RegionC,
          registryId: AccountIdC,
          status: t.keyof({ IN_PROGRESS: null, COMPLETE: null, FAILED: null }, 'IN_PROGRESS | COMPLETE | FAILED')
        },
        { failureCode: t.string }
      )
    )
  }
)

/** DescribeImageReplicationStatus: one status per destination. */
export const replicationStatuses = (
  out: DescribeImageReplicationStatusCommandOutput
): E.Either<EcrError, ReadonlyArray<ReplicationStatus>> =>
  pipe(
    decode('DescribeImageReplicationStatus response', ReplicationStatusC)(out),
    E.map((o) =>
      (o.replicationStatuses ?? []).map((s) => ({
        region: s.region,
        registryId: s.registryId,
        status: s.status,
        ...optional('failureCode', s.failureCode)
      }))
    )
  )

/** A replication backfill's status, as ECR names it. */
export type BackfillStatus = 'PREPARING' | 'IN_PROGRESS' | 'STOPPING' | 'STOPPED' | 'COMPLETE' | 'FAILED'

/** A replication backfill, as Start/Stop/ListReplicationBackfills tell it. */
export interface Backfill {
  readonly id: string
  readonly destination: { readonly accountId: AccountId; readonly region: Region }
  readonly status: BackfillStatus
  readonly startedAt?: Date
  readonly endedAt?: Date
  readonly failureCode?: string
  readonly progress?: {
    readonly total: number
    readonly completed: number
    readonly failed: number
    readonly failureCodes: ReadonlyArray<string>
  }
}

const BackfillC = /*#__PURE__*/ struct(
  'ReplicationBackfill',
  {
    replicationBackfillId: t.string,
    destination: struct('ReplicationDestination', { region: RegionC, registryId: AccountIdC }, {}),
    status: t.keyof(
      { PREPARING: null, IN_PROGRESS: null, STOPPING: null, STOPPED: null, COMPLETE: null, FAILED: null },
      'a backfill status'
    )
  },
  {
    startedAt: DateC,
    endedAt: DateC,
    failureCode: t.string,
    progress: struct(
      'ReplicationBackfillProgress',
      {},
      {
        totalReplicationCount: t.number,
        completedReplicationCount: t.number,
        failedReplicationCount: t.number,
        failureCodes: list(t.string)
      }
    )
  }
)

const toBackfill = (b: t.TypeOf<typeof BackfillC>): Backfill => ({
  id: b.replicationBackfillId,
  destination: { accountId: b.destination.registryId, region: b.destination.region },
  status: b.status,
  ...(b.startedAt === undefined ? {} : { startedAt: b.startedAt }),
  ...(b.endedAt === undefined ? {} : { endedAt: b.endedAt }),
  ...optional('failureCode', b.failureCode),
  ...(b.progress === undefined
    ? {}
    : {
        progress: {
          total: b.progress.totalReplicationCount ?? 0,
          completed: b.progress.completedReplicationCount ?? 0,
          failed: b.progress.failedReplicationCount ?? 0,
          failureCodes: b.progress.failureCodes ?? []
        }
      })
})

/** StartReplicationBackfill, StopReplicationBackfill: the backfill. */
export const backfill =
  (operation: 'StartReplicationBackfill' | 'StopReplicationBackfill') =>
  (out: StartReplicationBackfillCommandOutput | StopReplicationBackfillCommandOutput): E.Either<EcrError, Backfill> =>
    pipe(decode(`${operation} response`, BackfillC)(out), E.map(toBackfill))

const ListBackfillsC = /*#__PURE__*/ struct('ListReplicationBackfills', {}, { backfills: list(BackfillC), nextToken: t.string })

/** ListReplicationBackfills: one page. */
export const listBackfills = (out: ListReplicationBackfillsCommandOutput): E.Either<EcrError, Page<Backfill>> =>
  pipe(
    decode('ListReplicationBackfills response', ListBackfillsC)(out),
    E.map((o) => ({ items: (o.backfills ?? []).map(toBackfill), nextToken: o.nextToken === '' ? undefined : o.nextToken }))
  )
