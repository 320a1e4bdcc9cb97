/**
 * `ecr-fp-ts sync <src-repo> <dst-repo> [--tags RE] [--platform P... | --all-platforms]
 * [--create-repository] [--no-referrers] [--dry-run] [--plan FILE]`: copies a repository's tags
 * into another repository (another account or region too) with `Sync.plan`, then `Sync.apply`.
 *
 * `--dry-run` prints the plan (a table; with `--json` the `Plan` itself, to save and review) and
 * writes nothing; `--plan FILE` applies a reviewed plan. Progress goes to stderr: on a terminal one
 * bar for the whole sync (bytes) and one line per image in flight, plain lines otherwise, nothing
 * with `--json`. Then a summary (with `--json` the `SyncReport`); the exit code is 1 when an image
 * failed, and the summary says which.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as EcrError from '../../EcrError'
import * as Manifest from '../../Manifest'
import type { Progress } from '../../replicate'
import * as Sync from '../../Sync'
import type { Context, Output } from '../context'
import { formatBytes, shortDigest as short } from '../format'
import { createHint, environments, planOutput, repositoryIn } from './copy'
import type { SyncOptions } from './index'

export type { SyncOptions } from './index'

// -------------------------------------------------------------------------------------
// progress
// -------------------------------------------------------------------------------------

/** What the progress of a sync adds up to: bytes sent so far (each blob counted once), and the images in flight. */
interface Tally {
  /** bytes streamed so far, by blob (a retried upload starts again from 0) */
  readonly sent: Map<string, number>
  /** their sum */
  bytes: number
  /** images in flight: digest -> their tags */
  readonly inFlight: Map<string, ReadonlyArray<string>>
}

const newTally = (): Tally => ({ sent: new Map(), bytes: 0, inFlight: new Map() })

const sentBytes = (t: Tally): number => t.bytes

const imageLabel = (digest: string, tags: ReadonlyArray<string>): string =>
  `${short(digest)}${tags.length === 0 ? '' : ` (${tags.join(', ')})`}`

/** Counts a sync event into the tally; the image events of one image's copy give its bytes. */
const count = (t: Tally, p: Sync.SyncProgress): void => {
  if (p._tag === 'image') {
    const q: Progress = p.progress
    if (q._tag === 'resolve') t.inFlight.set(p.digest, q.tags)
    if (q._tag === 'blob' && (q.status === 'copying' || q.status === 'copied')) {
      t.bytes += q.bytes - (t.sent.get(q.digest) ?? 0)
      t.sent.set(q.digest, q.bytes)
    }
    if (!t.inFlight.has(p.digest)) t.inFlight.set(p.digest, [])
  }
  if (p._tag === 'imageDone' || p._tag === 'imageFailed') t.inFlight.delete(p.digest)
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`

/** What an image's copy (or the whole sync) did, in one line. */
const summaryLine = (s: Sync.ImageSummary): string =>
  `${plural(s.blobs.copied, 'blob')} copied (${formatBytes(s.bytesCopied)}), ${s.blobs.mounted} mounted, ${s.blobs.exists} there; ${plural(
    s.manifests.pushed,
    'manifest'
  )} pushed; ${plural(s.tags.pushed, 'tag')} pushed; ${plural(s.referrers.pushed, 'referrer')} pushed`

/**
 * Plain progress lines: the sync's start (images, bytes to send), each image started, done or
 * failed, the repository created, and the whole sync's bytes at each quarter.
 */
export const plainReporter = (write: (line: string) => void): ((p: Sync.SyncProgress) => void) => {
  const tally = newTally()
  let total = 0
  let quarter = 0
  return (p) => {
    const wasInFlight = p._tag === 'image' && tally.inFlight.has(p.digest)
    count(tally, p)
    switch (p._tag) {
      case 'start':
        total = p.totals.bytes.send
        write(
          `syncing ${p.source} to ${p.destination}: ${p.totals.images} image${p.totals.images === 1 ? '' : 's'}, ${formatBytes(
            total
          )} to send`
        )
        return
      case 'repository':
        write(`repository ${p.destination} ${p.status}`)
        return
      case 'image': {
        if (!wasInFlight) write(`image ${imageLabel(p.digest, tally.inFlight.get(p.digest) ?? [])} started`)
        if (total > 0) {
          const q = Math.min(3, Math.floor((sentBytes(tally) / total) * 4))
          if (q > quarter) {
            quarter = q
            write(`${q * 25}% of ${formatBytes(total)} sent`)
          }
        }
        return
      }
      case 'imageDone':
        write(`image ${imageLabel(p.digest, p.tags)} done: ${summaryLine(p.summary)}`)
        return
      case 'imageFailed':
        write(`image ${imageLabel(p.digest, p.tags)} failed: ${EcrError.message(p.error)}`)
        return
      case 'done':
        return
    }
  }
}

/** On a terminal: one bar for the whole sync (bytes sent of the plan's), and one line per image in flight. */
export const barReporter = (
  stream: NodeJS.WritableStream
): {
  readonly onProgress: (p: Sync.SyncProgress) => void
  readonly stop: () => void
} => {
  const multi = new MultiBar(
    {
      stream,
      hideCursor: true,
      clearOnComplete: false,
      format: ' {bar} {percentage}% | {sent} of {toSend} | {label}'
    },
    Presets.shades_classic
  )
  const tally = newTally()
  let overall: SingleBar | undefined
  let images = 0
  let toSend = 0
  let finished = 0
  const lines = new Map<string, SingleBar>()
  const after: Array<string> = []
  const label = (): string => `images ${finished}/${images}`
  const payload = () => ({ label: label(), sent: formatBytes(sentBytes(tally)), toSend: formatBytes(toSend) })
  return {
    onProgress: (p) => {
      count(tally, p)
      if (p._tag === 'start') {
        images = p.totals.images
        toSend = p.totals.bytes.send
        overall = multi.create(Math.max(1, toSend), 0, payload())
        return
      }
      if (p._tag === 'repository') {
        after.push(`repository ${p.destination} ${p.status}`)
        return
      }
      if (p._tag === 'image') {
        const tags = tally.inFlight.get(p.digest) ?? []
        const line = lines.get(p.digest) ?? multi.create(1, 0, { label: '' }, { format: '   {label}' })
        lines.set(p.digest, line)
        const q = p.progress
        const doing =
          q._tag === 'blob'
            ? `blob ${short(q.digest)} ${q.status}`
            : q._tag === 'tag'
            ? `tag ${q.tag}`
            : q._tag === 'referrer'
            ? 'referrers'
            : q._tag
        line.update(0, { label: `${imageLabel(p.digest, tags)}: ${doing}` })
        overall?.update(sentBytes(tally), payload())
        return
      }
      if (p._tag === 'imageDone' || p._tag === 'imageFailed') {
        finished++
        const line = lines.get(p.digest)
        if (line !== undefined) {
          multi.remove(line)
          lines.delete(p.digest)
        }
        if (p._tag === 'imageFailed') after.push(`image ${imageLabel(p.digest, p.tags)} failed: ${EcrError.message(p.error)}`)
        overall?.update(sentBytes(tally), payload())
      }
    },
    stop: () => {
      // every image done: the bar is full (with nothing to send too)
      if (overall !== undefined && finished === images) overall.update(Math.max(1, toSend), payload())
      multi.stop()
      for (const line of after) stream.write(`${line}\n`)
    }
  }
}

// -------------------------------------------------------------------------------------
// the command
// -------------------------------------------------------------------------------------

/** The platforms to sync: every platform (indexes as they are) unless `--platform` narrows them. */
export const platformsOf = (options: SyncOptions): 'all' | ReadonlyArray<Manifest.Platform> =>
  options.platform === undefined || options.platform.length === 0 ? 'all' : options.platform

/** The request `Sync.plan` gets from the command line. */
export const requestOf = (
  source: Sync.PlanRequest['source'],
  destination: Sync.PlanRequest['destination'],
  options: SyncOptions
): Sync.PlanRequest => ({
  source,
  destination,
  ...(options.tags === undefined ? {} : { tags: options.tags }),
  platforms: platformsOf(options),
  referrers: options.referrers !== false,
  createRepository: options.createRepository === true
})

/** Both sides' environments (each repository's region), and the plan. */
interface Planned {
  readonly env: Sync.PlanEnv
  readonly plan: Sync.Plan
}

/** Plans the sync of `src` into `dst`: reads only. */
const planSync = (ctx: Context, src: string, dst: string, options: SyncOptions): TE.TaskEither<EcrError.EcrError, Planned> => {
  const envOf = environments(ctx)
  return pipe(
    TE.Do,
    TE.bind('sourceEnv', () => envOf(src)),
    TE.bind('source', ({ sourceEnv }) => repositoryIn(src, sourceEnv)),
    TE.bind('destinationEnv', () => envOf(dst)),
    TE.bind('destination', ({ destinationEnv }) => repositoryIn(dst, destinationEnv)),
    TE.flatMap(({ sourceEnv, source, destinationEnv, destination }) => {
      const env: Sync.PlanEnv = {
        source: sourceEnv,
        destination: destinationEnv
      }
      return pipe(
        Sync.plan(requestOf(source, destination, options))(env),
        TE.mapLeft(createHint(destination)),
        TE.map((plan) => ({ env, plan }))
      )
    })
  )
}

/** A reviewed plan read back from `file`, checked with `Sync.decodePlan` (a `DecodeError` names each bad field). */
const readPlan = (file: string): TE.TaskEither<EcrError.EcrError, Sync.Plan> =>
  pipe(
    TE.tryCatch(
      async () => (await import('node:fs/promises')).readFile(file, 'utf8'),
      (e) => EcrError.invalidArgument(`cannot read the plan file ${file}: ${e instanceof Error ? e.message : 'unreadable'}`)
    ),
    TE.flatMapEither(Sync.decodePlan)
  )

/** Both sides' environments of a plan read back: each repository's region. */
const envsOfPlan = (ctx: Context, plan: Sync.Plan): TE.TaskEither<EcrError.EcrError, Sync.PlanEnv> => {
  const envOf = environments(ctx)
  return pipe(TE.Do, TE.apS('source', envOf(plan.source)), TE.apS('destination', envOf(plan.destination)))
}

/**
 * The report for people: one line for the sync, one for what it moved; the failed images (one
 * line each) on stderr and exit code 1. With `--json`, the `SyncReport`.
 */
export const reportOutput = (report: Sync.SyncReport): Output => {
  const t = report.totals
  const failed = report.images.flatMap((i) => (i._tag === 'failed' ? [i] : []))
  return {
    text: [
      `synced ${report.source} -> ${report.destination}${report.createdRepository ? ' (repository created)' : ''}: ${
        t.images.copied
      } image${t.images.copied === 1 ? '' : 's'} copied, ${t.images.failed} failed`,
      summaryLine(t),
      ...failed.map((i) => `failed: ${imageLabel(i.digest, i.tags)}`)
    ],
    json: report,
    ...(failed.length === 0
      ? {}
      : {
          stderr: failed.map(
            (i) => `image ${i.digest}${i.tags.length === 0 ? '' : ` (${i.tags.join(', ')})`} failed: ${EcrError.message(i.error)}`
          ),
          exitCode: 1 as const
        })
  }
}

/** Applies `plan` with progress on stderr (bars on a terminal, plain lines otherwise, none with `--json`); Ctrl-C cancels it cleanly. */
const applyWithProgress = async (
  ctx: Context,
  env: Sync.PlanEnv,
  plan: Sync.Plan
): Promise<E.Either<EcrError.EcrError, Sync.SyncReport>> => {
  const json = ctx.options().json
  const tty = !json && process.stderr.isTTY === true
  const bars = tty ? barReporter(process.stderr) : undefined
  const plain = json || tty ? undefined : plainReporter((line) => ctx.io.stderr(`${line}\n`))
  const controller = new AbortController()
  const interrupt = (): void => controller.abort()
  process.once('SIGINT', interrupt)
  try {
    return await Sync.apply(plan)({
      ...env,
      signal: controller.signal,
      onProgress: (p) => {
        bars?.onProgress(p)
        plain?.(p)
      }
    })()
  } finally {
    process.removeListener('SIGINT', interrupt)
    bars?.stop()
  }
}

/** Applies the plan and prints the report (or the plan only, with `--dry-run`). */
const finishPlan = async (
  ctx: Context,
  options: SyncOptions,
  plan: Sync.Plan,
  env: () => TE.TaskEither<EcrError.EcrError, Sync.PlanEnv>
): Promise<void> => {
  if (options.dryRun === true) return ctx.finish(E.right(planOutput('sync')(plan)))
  const sides = await env()()
  if (E.isLeft(sides)) return ctx.finish(sides)
  ctx.finish(pipe(await applyWithProgress(ctx, sides.right, plan), E.map(reportOutput)))
}

/** `sync <src-repo> <dst-repo> [...]`, or `sync --plan FILE [--dry-run]` */
export const run = async (ctx: Context, src: string | undefined, dst: string | undefined, options: SyncOptions): Promise<void> => {
  if (options.plan !== undefined) {
    const plan = await readPlan(options.plan)()
    if (E.isLeft(plan)) return ctx.finish(plan)
    return finishPlan(ctx, options, plan.right, () => envsOfPlan(ctx, plan.right))
  }
  if (src === undefined || dst === undefined)
    return ctx.finish(E.left(EcrError.invalidArgument('give <src-repo> and <dst-repo>, or --plan <file>')))
  const planned = await planSync(ctx, src, dst, options)()
  if (E.isLeft(planned)) return ctx.finish(planned)
  return finishPlan(ctx, options, planned.right.plan, () => TE.right(planned.right.env))
}
