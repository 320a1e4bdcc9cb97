/**
 * Text output of the CLI: sizes, times and aligned columns.
 */

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
