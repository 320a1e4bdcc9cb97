/**
 * `ecr-fp-ts scan <image> [--wait]`: starts a scan of an image (`Image.startScan`). Without
 * `--wait` it prints that the scan started; with `--wait` it polls `Image.getScanFindings` (every 5
 * seconds, at most 30 minutes) until the scan is no longer in progress and prints its status,
 * the counts by severity and one line per finding. ECR scans an image at most once a day: when a
 * scan was already made today, `--wait` prints that scan's findings (a note on stderr says so).
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as TE from 'fp-ts/TaskEither'
import * as EcrError from '../../EcrError'
import type { EcrEnv } from '../../Env'
import * as Image from '../../Image'
import type { Context, Output } from '../context'
import { imageJson } from '../json'
import { finishWith, imageAnyStatus } from '../targets'

/** How `--wait` polls: between reads, and in all. */
export interface WaitOptions {
  readonly intervalMs: number
  readonly timeoutMs: number
  readonly sleep: (ms: number) => Promise<void>
  readonly now: () => number
}

export const defaultWait: WaitOptions = {
  intervalMs: 5_000,
  timeoutMs: 30 * 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now()
}

/** Scan statuses after which the findings no longer change. */
const RUNNING = new Set(['IN_PROGRESS', 'PENDING'])

/**
 * Reads the findings until the scan is no longer `IN_PROGRESS` / `PENDING`; past `timeoutMs`, an
 * `AwsError` `ScanWaitTimeout` saying how long it waited.
 */
export const waitForFindings =
  (ref: Image.ImageRef, options: WaitOptions): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, Image.ScanFindings> =>
  (env) =>
  async () => {
    const deadline = options.now() + options.timeoutMs
    for (;;) {
      const findings = await Image.getScanFindings(ref)(env)()
      if (E.isLeft(findings) || !RUNNING.has(findings.right.status)) return findings
      if (options.now() + options.intervalMs > deadline)
        return E.left(
          EcrError.awsError(
            'DescribeImageScanFindings',
            'ScanWaitTimeout',
            `the scan of ${Image.toUri(ref)} is still ${findings.right.status} after ${Math.round(options.timeoutMs / 1000)} s; run scan again later`,
            false
          )
        )
      await options.sleep(options.intervalMs)
    }
  }

export type Scanned =
  | { readonly _tag: 'Started'; readonly image: Image.ImageRef }
  | { readonly _tag: 'Findings'; readonly image: Image.ImageRef; readonly findings: Image.ScanFindings }

const findingLine = (f: Image.Finding): string =>
  [f.severity, f.name, f.package === undefined ? '' : `${f.package}${f.version === undefined ? '' : `@${f.version}`}`, f.fixedIn === undefined ? '' : `fixed in ${f.fixedIn}`, f.uri ?? '']
    .filter((s) => s !== '')
    .join('  ')

/** Text: the status, the counts and a line per finding; `--json`: the image and the findings (dates in ISO form). */
export const toOutput = (s: Scanned): Output => {
  if (s._tag === 'Started')
    return { text: [`scan started: ${Image.toUri(s.image)} (scan --wait to see its findings)`], json: { ...imageJson(s.image), status: 'IN_PROGRESS' } }
  const { status, completedAt, severityCounts, findings } = s.findings
  const counts = Object.entries(severityCounts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
  return {
    text: [
      `${Image.toUri(s.image)} ${status}${completedAt === undefined ? '' : ` ${completedAt.toISOString()}`}`,
      counts.length === 0 ? 'no findings' : counts.join(', '),
      ...findings.map(findingLine)
    ],
    json: {
      ...imageJson(s.image),
      status,
      ...(completedAt === undefined ? {} : { completedAt: completedAt.toISOString() }),
      severityCounts,
      findings
    }
  }
}

/** `scan <image> [--wait]` */
export const run = (ctx: Context, arg: string, options: { readonly wait?: boolean }, wait: WaitOptions = defaultWait): Promise<void> =>
  pipe(
    imageAnyStatus(ctx, arg),
    TE.flatMap(({ env, ref }) =>
      pipe(
        Image.startScan(ref)(env),
        TE.orElse((e) => {
          if (options.wait === true && e._tag === 'AwsError' && e.code === 'LimitExceededException') {
            ctx.io.stderr(`note: ${Image.toUri(ref)} was already scanned today (ECR allows one scan a day): its latest findings follow\n`)
            return TE.right(undefined)
          }
          return TE.left(e)
        }),
        TE.flatMap(
          (): TE.TaskEither<EcrError.EcrError, Scanned> =>
            options.wait === true
              ? pipe(
                  waitForFindings(ref, wait)(env),
                  TE.map((findings): Scanned => ({ _tag: 'Findings', image: ref, findings }))
                )
              : TE.right({ _tag: 'Started', image: ref })
        )
      )
    ),
    finishWith(ctx, toOutput)
  )
