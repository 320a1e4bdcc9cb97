/**
 * What the measured children of the copy benchmarks (replicateChild, syncChild) share: the two
 * sides' accounts and regions, and their own memory figures from /proc/self/status.
 */
import * as fs from 'node:fs'

export const SRC = { accountId: '111111111111', region: 'us-east-1' }
export const DST = { accountId: '222222222222', region: 'eu-west-1' }

/** `VmHWM` (peak RSS) or `VmRSS` of this process, in MiB with one decimal. */
export const procStatusMiB = (field: 'VmHWM' | 'VmRSS'): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'))
  return m?.[1] === undefined ? Number.NaN : Math.round((Number(m[1]) / 1024) * 10) / 10
}
