/**
 * `ecr-fp-ts copy <image> <repo> [--tag T...] [--platform P...] [--all-platforms]`: copies an image
 * into another repository (another account or region too) with `replicateImage`. Progress goes
 * to stderr: bars on a terminal, plain lines otherwise (none with `--json`); the destination
 * image URI (digest form) is printed at the end.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import * as EcrError from '../../EcrError'
import type { EcrEnv, HttpEnv } from '../../Env'
import * as Image from '../../Image'
import * as Manifest from '../../Manifest'
import * as RegistryUri from '../../RegistryUri'
import * as Repository from '../../Repository'
import { resolveImageUri } from '../../resolve'
import { replicateImage, type Progress, type Summary } from '../../replicate'
import type { Context, Output } from '../context'
import { formatBytes, MiB } from '../format'
import { imageJson } from '../json'
import { regionOf } from '../targets'
import type { CopyOptions } from './index'

type SideEnv = EcrEnv & HttpEnv

export type { CopyOptions } from './index'

// -------------------------------------------------------------------------------------
// progress
// -------------------------------------------------------------------------------------

const short = (digest: string): string => digest.replace(/^(sha\d+:)([0-9a-f]{12})[0-9a-f]*$/, '$1$2')

/**
 * Plain progress lines: one per phase, blob, manifest and tag; for a blob bigger than 8 MiB a line
 * at each quarter of its bytes.
 */
export const plainReporter = (write: (line: string) => void): ((p: Progress) => void) => {
  const quarters = new Map<string, number>()
  return (p) => {
    switch (p._tag) {
      case 'resolve':
        write(
          `copying ${Image.toUri(p.source)} to ${Repository.toUri(p.destination)}${p.tags.length === 0 ? ' (no tags)' : ` (tags: ${p.tags.join(', ')})`}`
        )
        return
      case 'blobs':
        write(`${p.count} blob${p.count === 1 ? '' : 's'}, ${formatBytes(p.bytes)}`)
        return
      case 'blob': {
        if (p.status === 'copying') {
          if (p.total <= 8 * MiB || p.total === 0) return
          const q = Math.floor((p.bytes / p.total) * 4)
          if (q === 0 || q >= 4 || (quarters.get(p.digest) ?? 0) >= q) return
          quarters.set(p.digest, q)
          write(`blob ${short(p.digest)} ${q * 25}% of ${formatBytes(p.total)}`)
          return
        }
        write(`blob ${short(p.digest)} ${p.status} (${formatBytes(p.total)})`)
        return
      }
      case 'manifest':
        write(`manifest ${short(p.digest)} ${p.status}`)
        return
      case 'tag':
        write(`tag ${p.tag} ${p.status}`)
        return
      case 'done':
        return
    }
  }
}

/** Bars on a terminal: one per blob being copied, and one for all the blobs; then the manifest and tag lines. */
export const barReporter = (stream: NodeJS.WritableStream): { readonly onProgress: (p: Progress) => void; readonly stop: () => void } => {
  const multi = new MultiBar(
    {
      stream,
      hideCursor: true,
      clearOnComplete: false,
      format: ' {bar} {percentage}% | {label}',
      formatValue: (v, _options, type) => (type === 'value' || type === 'total' ? formatBytes(v) : String(v))
    },
    Presets.shades_classic
  )
  const bars = new Map<string, SingleBar>()
  let overall: SingleBar | undefined
  let done = 0
  let count = 0
  const after: Array<string> = []
  return {
    onProgress: (p) => {
      if (p._tag === 'blobs') {
        count = p.count
        overall = multi.create(Math.max(1, p.count), 0, { label: `blobs 0/${p.count}` })
        return
      }
      if (p._tag === 'blob') {
        if (p.status === 'copying') {
          const bar = bars.get(p.digest) ?? multi.create(Math.max(1, p.total), 0, { label: `${short(p.digest)} ${formatBytes(p.total)}` })
          bars.set(p.digest, bar)
          bar.update(p.bytes)
          return
        }
        const bar = bars.get(p.digest)
        if (bar !== undefined) {
          bar.update(Math.max(1, p.total), { label: `${short(p.digest)} ${p.status}` })
          bar.stop()
        }
        done++
        overall?.update(done, { label: `blobs ${done}/${count}` })
        return
      }
      // manifests and tags come after the blobs: their lines go below the bars, once they stop
      if (p._tag === 'manifest') after.push(`manifest ${short(p.digest)} ${p.status}`)
      if (p._tag === 'tag') after.push(`tag ${p.tag} ${p.status}`)
    },
    stop: () => {
      multi.stop()
      for (const line of after) stream.write(`${line}\n`)
    }
  }
}

// -------------------------------------------------------------------------------------
// the command
// -------------------------------------------------------------------------------------

/** The platforms to copy (`--platform` and `--all-platforms` exclude each other: commander checks it). */
export const platformsOf = (options: CopyOptions): 'all' | ReadonlyArray<Manifest.Platform> =>
  options.allPlatforms === true
    ? 'all'
    : options.platform === undefined || options.platform.length === 0
      ? [Manifest.defaultPlatform]
      : options.platform

/**
 * Each side's environment: for an argument that is a URI, one for the region it names (whatever
 * `--region` says: the two sides of a copy may be in different regions); for a bare name, the
 * global options' one. Each region's environment is built once.
 */
const environments = (ctx: Context) => {
  const built = new Map<string, Promise<E.Either<EcrError.EcrError, SideEnv>>>()
  return (arg: string): TE.TaskEither<EcrError.EcrError, SideEnv> =>
    () => {
      const region = regionOf(arg)
      const options = ctx.options()
      const key = O.isSome(region) ? region.value : (options.region ?? '')
      const cached = built.get(key)
      if (cached !== undefined) return cached
      const env =
        O.isSome(region) && region.value !== options.region ? ctx.makeEnv({ ...options, region: region.value })() : ctx.env()()
      built.set(key, env)
      return env
    }
}

/** The destination: a repository URI as it is, a name in the environment's registry. */
const destinationOf = (repo: string, env: SideEnv): TE.TaskEither<EcrError.EcrError, Repository.RepositoryRef> =>
  RegistryUri.isPrefixed(repo) ? TE.fromEither(Repository.fromUri(repo)) : Repository.make(repo)(env)

export interface CopyResult {
  /** the source image (by digest), as `replicateImage` resolved it */
  readonly source?: Image.ImageRef
  readonly destination: Image.ImageRef
  /** the tags the copy was given */
  readonly tags: ReadonlyArray<string>
  readonly summary?: Summary
}

/** Resolves both sides, builds their environments and copies; `onProgress` sees every event. */
export const copy = (
  ctx: Context,
  image: string,
  repo: string,
  options: CopyOptions,
  onProgress: (p: Progress) => void
): TE.TaskEither<EcrError.EcrError, CopyResult> => {
  let summary: Summary | undefined
  let source: Image.ImageRef | undefined
  let tags: ReadonlyArray<string> = []
  const envOf = environments(ctx)
  return pipe(
    TE.Do,
    TE.bind('sourceEnv', () => envOf(image)),
    TE.bind('sourceUri', ({ sourceEnv }) => resolveImageUri(image)(sourceEnv)),
    TE.bind('destinationEnv', () => envOf(repo)),
    TE.bind('destination', ({ destinationEnv }) => destinationOf(repo, destinationEnv)),
    TE.flatMap(({ sourceUri, destination, sourceEnv, destinationEnv }) =>
      replicateImage({
        source: sourceUri,
        destination,
        platforms: platformsOf(options),
        ...(options.tag === undefined || options.tag.length === 0 ? {} : { tags: options.tag })
      })({
        source: sourceEnv,
        destination: destinationEnv,
        onProgress: (p) => {
          if (p._tag === 'done') summary = p.summary
          if (p._tag === 'resolve') {
            source = p.source
            tags = p.tags
          }
          onProgress(p)
        }
      })
    ),
    TE.map((copied) => ({
      ...(source === undefined ? {} : { source }),
      destination: copied,
      tags,
      ...(summary === undefined ? {} : { summary })
    }))
  )
}

/** The copy's URI (digest form); `--json`: the source and destination images, the copy's tags and the summary. */
export const toOutput = (r: CopyResult): Output => ({
  text: [Image.toUri(r.destination)],
  json: {
    ...(r.source === undefined ? {} : { source: imageJson(r.source) }),
    destination: { ...imageJson(r.destination), tags: r.tags },
    ...(r.summary === undefined ? {} : { summary: r.summary })
  }
})

/** `copy <image> <repo> [--tag T...] [--platform P... | --all-platforms]` */
export const run = async (ctx: Context, image: string, repo: string, options: CopyOptions): Promise<void> => {
  const json = ctx.options().json
  const tty = !json && process.stderr.isTTY === true
  const bars = tty ? barReporter(process.stderr) : undefined
  const plain = json || tty ? undefined : plainReporter((line) => ctx.io.stderr(`${line}\n`))
  const result = await copy(ctx, image, repo, options, (p) => {
    bars?.onProgress(p)
    plain?.(p)
  })()
  bars?.stop()
  ctx.finish(pipe(result, E.map(toOutput)))
}
