/**
 * `ecr-fp-ts copy <image> <repo> [--tag T...] [--platform P...] [--all-platforms]
 * [--create-repository] [--no-referrers] [--dry-run]`: copies an image into another repository
 * (another account or region too) with `replicateImage`, its referrers with it. Progress goes to
 * stderr: bars on a terminal, plain lines otherwise (none with `--json`); the destination image
 * URI (digest form) is printed at the end. `--dry-run` prints what the copy would do, as
 * `Sync.plan` says it for that image, and copies nothing.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as TE from 'fp-ts/TaskEither'
import * as EcrError from '../../EcrError'
import type { EcrEnv, HttpEnv } from '../../Env'
import * as Image from '../../Image'
import * as Manifest from '../../Manifest'
import { isImageDigest, isImageTag } from '../../Primitives'
import * as RegistryUri from '../../RegistryUri'
import * as Repository from '../../Repository'
import { resolveImageUri } from '../../resolve'
import { replicateImage, type Progress, type Summary } from '../../replicate'
import * as Sync from '../../Sync'
import type { Context, Output } from '../context'
import { formatBytes, MiB, planLines, shortDigest as short } from '../format'
import { imageJson } from '../json'
import { regionOf } from '../targets'
import type { CopyOptions } from './index'

type SideEnv = EcrEnv & HttpEnv

export type { CopyOptions } from './index'

// -------------------------------------------------------------------------------------
// progress
// -------------------------------------------------------------------------------------

/** A referrer's progress line: `referrer sha256:… (its artifact type) of sha256:… pushed`. */
const referrerLine = (p: Extract<Progress, { readonly _tag: 'referrer' }>): string =>
  `referrer ${short(p.digest)} (${p.artifactType ?? p.mediaType}) of ${short(p.subject)} ${p.status}`

/**
 * Plain progress lines: one per phase, repository, blob, manifest, referrer and tag; for a blob
 * bigger than 8 MiB a line at each quarter of its bytes.
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
      case 'repository':
        write(`repository ${Repository.toUri(p.repository)} ${p.status}`)
        return
      case 'referrer':
        write(referrerLine(p))
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
      if (p._tag === 'referrer') after.push(referrerLine(p))
      if (p._tag === 'repository') stream.write(`repository ${Repository.toUri(p.repository)} ${p.status}\n`)
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
export const environments = (ctx: Context) => {
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

/** A repository argument: a repository URI as it is, a name in the environment's registry. */
export const repositoryIn = (repo: string, env: SideEnv): TE.TaskEither<EcrError.EcrError, Repository.RepositoryRef> =>
  RegistryUri.isPrefixed(repo) ? TE.fromEither(Repository.fromUri(repo)) : Repository.make(repo)(env)

/**
 * A missing destination repository, said the command line's way: `--create-repository` creates it
 * (the library's message names its own option). Other errors are kept.
 */
export const createHint =
  (destination: Repository.RepositoryRef) =>
  (e: EcrError.EcrError): EcrError.EcrError =>
    e._tag === 'NotFound' && e.resource === 'Repository' && e.id === destination.repositoryName && e.message.includes('destination repository')
      ? EcrError.notFound(
          'Repository',
          e.id,
          `the destination repository does not exist: ${Repository.toUri(destination)} (--create-repository creates it)`
        )
      : e

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
    TE.bind('destination', ({ destinationEnv }) => repositoryIn(repo, destinationEnv)),
    TE.flatMap(({ sourceUri, destination, sourceEnv, destinationEnv }) =>
      pipe(
        replicateImage({
          source: sourceUri,
          destination,
          platforms: platformsOf(options),
          referrers: options.referrers !== false,
          createRepository: options.createRepository === true,
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
        }),
        TE.mapLeft(createHint(destination))
      )
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

// -------------------------------------------------------------------------------------
// dry run
// -------------------------------------------------------------------------------------

/** A tag-schema fallback tag (`sha256-<hex>`): it names a referrer index, never an image to copy. */
const isFallbackTag = (tag: string): boolean => /^sha256-[0-9a-f]{64}$/.test(tag)

/**
 * The plan's image with the tags `--tag` gives instead of the source's: each put, or skipped where
 * it names the image at the destination already (`current`: the image it names now, elsewhere).
 */
export const retag = (plan: Sync.Plan, tags: ReadonlyArray<Sync.PlannedTag['tag']>, current: ReadonlyMap<string, string>): Sync.Plan => {
  const images = plan.images.map(
    (image): Sync.PlannedImage => ({
      ...image,
      tags: [...new Set(tags)].map((tag): Sync.PlannedTag => {
        const now = current.get(tag)
        return now === image.digest
          ? { tag, action: 'skip' }
          : { tag, action: 'put', ...(now === undefined || !isImageDigest(now) ? {} : { current: now }) }
      })
    })
  )
  return { ...plan, images, totals: Sync.totals(images, plan.createRepository !== undefined) }
}

/** Where each tag of a repository points now (none when it is to be created). */
const tagsAt = (
  ref: Repository.RepositoryRef,
  create: boolean
): RTE.ReaderTaskEither<SideEnv, EcrError.EcrError, ReadonlyMap<string, string>> =>
  create
    ? RTE.right(new Map())
    : pipe(
        Repository.listImageDetails(ref, { tagStatus: 'TAGGED' }),
        RTE.map((details) => new Map(details.flatMap((d) => d.imageTags.map((tag): [string, string] => [tag, d.imageDigest]))))
      )

/**
 * What the copy would do: `Sync.plan` of the source repository restricted to the image's tags (so
 * to the image), with the copy's platforms, referrers and repository creation; `--tag` replaces the
 * plan's tags (looked up at the destination). Reads only. An image without tags cannot be selected
 * this way: an `InvalidArgument` says so.
 */
export const planCopy = (ctx: Context, image: string, repo: string, options: CopyOptions): TE.TaskEither<EcrError.EcrError, Sync.Plan> => {
  const envOf = environments(ctx)
  return pipe(
    TE.Do,
    TE.bind('sourceEnv', () => envOf(image)),
    TE.bind('source', ({ sourceEnv }) =>
      pipe(
        resolveImageUri(image),
        RTE.flatMap(Image.lookup),
        RTE.bindTo('ref'),
        RTE.bind('tags', ({ ref }) => Image.getTags(ref))
      )(sourceEnv)
    ),
    TE.bind('destinationEnv', () => envOf(repo)),
    TE.bind('destination', ({ destinationEnv }) => repositoryIn(repo, destinationEnv)),
    TE.flatMap(({ source, sourceEnv, destination, destinationEnv }) => {
      const tags = source.tags.filter((tag) => isImageTag(tag) && !isFallbackTag(tag))
      if (tags.length === 0)
        return TE.left(
          EcrError.invalidArgument(
            `copy --dry-run plans by tag, and ${Image.toUri(source.ref)} has none: give a tagged image (name:tag) to see its plan`
          )
        )
      const { accountId, region, repositoryName } = source.ref
      return pipe(
        Sync.plan({
          source: { accountId, region, repositoryName },
          destination,
          tags,
          platforms: platformsOf(options),
          referrers: options.referrers !== false,
          createRepository: options.createRepository === true
        })({ source: sourceEnv, destination: destinationEnv }),
        TE.mapLeft(createHint(destination)),
        TE.flatMap((plan) =>
          options.tag === undefined || options.tag.length === 0
            ? TE.right(plan)
            : pipe(
                tagsAt(destination, plan.createRepository !== undefined)(destinationEnv),
                TE.map((current) => retag(plan, options.tag?.filter(isImageTag) ?? [], current))
              )
        )
      )
    })
  )
}

/** A plan: the table (`planLines`), or with `--json` the `Plan` itself. */
export const planOutput =
  (verb: string) =>
  (plan: Sync.Plan): Output => ({ text: planLines(plan, verb), json: plan })

// -------------------------------------------------------------------------------------
// run
// -------------------------------------------------------------------------------------

/** `copy <image> <repo> [--tag T...] [--platform P... | --all-platforms] [--create-repository] [--no-referrers] [--dry-run]` */
export const run = async (ctx: Context, image: string, repo: string, options: CopyOptions): Promise<void> => {
  if (options.dryRun === true) {
    ctx.finish(pipe(await planCopy(ctx, image, repo, options)(), E.map(planOutput('copy'))))
    return
  }
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
