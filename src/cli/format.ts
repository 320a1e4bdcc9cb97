/**
 * Text output of the CLI: sizes, times, aligned columns, and a sync plan as a table.
 */
import type { BlobAction, Plan, PlannedBlob, PlannedTag } from '../Sync'

/** Binary size units. */
export const KiB = 1024
export const MiB = 1024 * KiB
export const GiB = 1024 * MiB

/** `312 B`, `1.5 KiB`, `12.0 MiB`, `1.25 GiB`. */
export const formatBytes = (n: number): string =>
  n < KiB ? `${n} B` : n < MiB ? `${(n / KiB).toFixed(1)} KiB` : n < GiB ? `${(n / MiB).toFixed(1)} MiB` : `${(n / GiB).toFixed(2)} GiB`

/** UTC to the second: `2024-05-08T09:30:00Z`. */
export const formatTime = (d: Date): string => (Number.isNaN(d.getTime()) ? '-' : d.toISOString().replace(/\.\d{3}Z$/, 'Z'))

/**
 * Rows as aligned columns (two spaces between them), the header first; no trailing spaces. A
 * missing cell is empty.
 */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): ReadonlyArray<string> => {
  const all = [header, ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)))
  return all.map((r) =>
    header
      .map((_, i) => (r[i] ?? '').padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  )
}

/** `lines` indented by `by` spaces. */
export const indent = (lines: ReadonlyArray<string>, by = 2): ReadonlyArray<string> => lines.map((l) => `${' '.repeat(by)}${l}`)

// -------------------------------------------------------------------------------------
// plans
// -------------------------------------------------------------------------------------

/** `sha256:` and the first 12 hex digits of a digest. */
export const shortDigest = (digest: string): string => digest.replace(/^(sha\d+:)([0-9a-f]{12})[0-9a-f]*$/, '$1$2')

/** `2 (1.5 KiB)`, or `-` for none. */
const countAndBytes = (count: number, bytes: number): string => (count === 0 ? '-' : `${count} (${formatBytes(bytes)})`)

/** `1 put, 2 skip`, the zero counts left out; `-` for none. */
const putSkip = (counts: { readonly put: number; readonly skip: number }): string =>
  counts.put + counts.skip === 0
    ? '-'
    : [counts.put > 0 ? `${counts.put} put` : '', counts.skip > 0 ? `${counts.skip} skip` : ''].filter((s) => s !== '').join(', ')

/** A tag of a plan: `v1` (to put), `v1 (moves)` (to put, naming another image now), `v1 (there)` (to skip). */
const tagCell = (tag: PlannedTag): string =>
  tag.action === 'skip' ? `${tag.tag} (there)` : tag.current === undefined ? tag.tag : `${tag.tag} (moves)`

const blobCell = (blobs: ReadonlyArray<PlannedBlob>, action: BlobAction): string => {
  const some = blobs.filter((b) => b.action === action)
  return countAndBytes(
    some.length,
    some.reduce((n, b) => n + b.size, 0)
  )
}

const countActions = (xs: ReadonlyArray<{ readonly action: 'put' | 'skip' }>): { put: number; skip: number } => ({
  put: xs.filter((x) => x.action === 'put').length,
  skip: xs.filter((x) => x.action === 'skip').length
})

/**
 * A plan for people: where from and to, one row per image (its tags; its blobs to send, mount and
 * skip with their sizes; its manifests and referrers to put or skip), the referrers one a line,
 * then the totals: bytes to send and the API calls expected.
 */
export const planLines = (plan: Plan, verb = 'sync'): ReadonlyArray<string> => {
  const t = plan.totals
  const created =
    plan.createRepository === undefined
      ? []
      : [
          `create ${plan.destination} (tag mutability ${
            typeof plan.createRepository.imageTagMutability === 'string'
              ? plan.createRepository.imageTagMutability
              : `${plan.createRepository.imageTagMutability.mode} with exclusions`
          }, encryption ${plan.createRepository.encryption.type})`
        ]
  const rows = plan.images.map((image) => [
    shortDigest(image.digest),
    image.tags.length === 0 ? '-' : image.tags.map(tagCell).join(', '),
    blobCell(image.blobs, 'send'),
    blobCell(image.blobs, 'mount'),
    blobCell(image.blobs, 'skip'),
    putSkip(countActions(image.manifests)),
    putSkip(countActions(image.referrers))
  ])
  const referrers = plan.images.flatMap((image) =>
    image.referrers.map((r) => `  ${shortDigest(r.digest)} of ${shortDigest(r.subject)}  ${r.artifactType}  ${r.action}`)
  )
  const calls = Object.entries(t.calls)
  const callCount = calls.reduce((n, [, c]) => n + c, 0)
  return [
    `${verb} ${plan.source} -> ${plan.destination}`,
    ...created,
    ...(plan.images.length === 0
      ? ['no image selected']
      : table(['IMAGE', 'TAGS', 'SEND', 'MOUNT', 'SKIP', 'MANIFESTS', 'REFERRERS'], rows)),
    ...(referrers.length === 0 ? [] : ['referrers:', ...referrers]),
    `totals: ${t.images} image${t.images === 1 ? '' : 's'}; blobs send ${countAndBytes(t.blobs.send, t.bytes.send)}, mount ${countAndBytes(
      t.blobs.mount,
      t.bytes.mount
    )}, skip ${countAndBytes(t.blobs.skip, t.bytes.skip)}; manifests ${putSkip(t.manifests)}; tags ${putSkip(t.tags)}; referrers ${putSkip(
      t.referrers
    )}`,
    `bytes to send: ${formatBytes(t.bytes.send)}`,
    `API calls expected: ${callCount}${calls.length === 0 ? '' : ` (${calls.map(([k, c]) => `${k} ${c}`).join(', ')})`}`
  ]
}
