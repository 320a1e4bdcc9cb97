/**
 * The measured side of bench/sync.ts: one repository sync between two registries, in its own
 * process, reporting its duration and its own peak RSS (`VmHWM` of /proc/self/status).
 * bench/sync.ts bundles this file with esbuild and runs it with plain `node`, so no TypeScript
 * loader sits in the measured process.
 *
 *   node syncChild.js '<ChildArgs as JSON>'   -> one ChildResult JSON line on stdout
 */
import * as fs from 'node:fs'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import { Agent, fetch as undiciFetch } from 'undici'
import type { EcrError } from '../src/EcrError'
import type { EcrEnv, HttpEnv } from '../src/Env'
import * as ImageUri from '../src/ImageUri'
import { traverseRTE } from '../src/internal/concurrency'
import type { AccountId, Region, RepositoryName } from '../src/Primitives'
import { replicateImage, type Progress } from '../src/replicate'
import * as InMemoryEcr from '../src/testing/InMemoryEcr'

export interface RegistryAccess {
  readonly url: string
  readonly username: string
  readonly password: string
}

export interface ChildArgs {
  readonly src: RegistryAccess
  readonly dst: RegistryAccess
  /** Source repository. */
  readonly repository: string
  /** Destination repository. */
  readonly destination: string
  /** The source's tags and their digests (the per-image engine copies them one by one). */
  readonly tags: ReadonlyArray<{ readonly tag: string; readonly digest: string }>
  /** `env.concurrency` of both sides; default the library's. */
  readonly concurrency?: number
}

export interface ChildResult {
  readonly ok: boolean
  readonly error?: string
  /** What ran: `replicateRepository`, or `replicateImage per tag`. */
  readonly engine: string
  /** The sync call alone. */
  readonly seconds: number
  readonly peakRssMiB: number
  readonly rssBeforeSyncMiB: number
  /** Blob bytes the library says it sent. */
  readonly bytesCopied: number
  readonly images: number
}

export const SRC = { accountId: '111111111111', region: 'us-east-1' }
export const DST = { accountId: '222222222222', region: 'eu-west-1' }

const procStatusMiB = (field: 'VmHWM' | 'VmRSS'): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'))
  return m?.[1] === undefined ? Number.NaN : Math.round((Number(m[1]) / 1024) * 10) / 10
}

/** One sync, measured from inside. */
export const child = async (args: ChildArgs): Promise<ChildResult> => {
  const agent = new Agent({ connections: 32 })
  const side = (reg: RegistryAccess, at: { accountId: string; region: string }): EcrEnv & HttpEnv => {
    const twin = InMemoryEcr.make({ ...at, proxyEndpoint: reg.url, password: reg.password })
    return {
      ...twin.env,
      ...(args.concurrency === undefined ? {} : { concurrency: args.concurrency }),
      fetch: (input, init) =>
        // safe: undici's fetch is the WHATWG fetch the env's type names, from the undici package
        undiciFetch(input, { ...(init as object), dispatcher: agent } as Parameters<typeof undiciFetch>[1]) as unknown as Promise<Response>,
      dispatcher: agent
    }
  }
  const env = { source: side(args.src, SRC), destination: side(args.dst, DST) }
  const destination = { accountId: DST.accountId as AccountId, region: DST.region as Region, repositoryName: args.destination as RepositoryName }
  const rssBeforeSyncMiB = procStatusMiB('VmRSS')
  let bytesCopied = 0
  const t0 = performance.now()
  const onProgress = (p: Progress): void => {
    if (p._tag === 'done') bytesCopied += p.summary.bytesCopied
  }
  type Outer = typeof env & { readonly onProgress: (p: Progress) => void; readonly concurrency: number }
  const copyTag = ({ tag, digest }: ChildArgs['tags'][number]): RTE.ReaderTaskEither<Outer, EcrError, unknown> =>
    pipe(
      RTE.fromEither(ImageUri.parse(`${SRC.accountId}.dkr.ecr.${SRC.region}.amazonaws.com/${args.repository}@${digest}`)),
      RTE.flatMap((source) => replicateImage({ source, destination, tags: [tag], platforms: 'all' }))
    )
  const r = await traverseRTE(copyTag)(args.tags)({ ...env, onProgress, concurrency: env.destination.concurrency ?? 8 })()
  const seconds = (performance.now() - t0) / 1000
  await agent.close()
  return {
    ok: E.isRight(r),
    ...(E.isLeft(r) ? { error: r.left.message } : {}),
    engine: 'replicateImage per tag',
    seconds,
    peakRssMiB: procStatusMiB('VmHWM'),
    rssBeforeSyncMiB,
    bytesCopied,
    images: E.isRight(r) ? r.right.length : 0
  }
}

if (require.main === module) {
  child(JSON.parse(process.argv[2] ?? '{}') as ChildArgs).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
      process.exitCode = 1
    }
  )
}
