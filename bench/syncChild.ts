/**
 * The measured side of bench/sync.ts: `Sync.plan` then `Sync.apply` of a whole repository between
 * two registries (their ECR API answered from their registry API: test/integration/ecrOverRegistry.ts),
 * in its own process, reporting its durations and its own peak RSS (`VmHWM` of /proc/self/status).
 * bench/sync.ts bundles this file with esbuild and runs it with plain `node`, so no TypeScript
 * loader sits in the measured process.
 *
 *   node syncChild.js '<ChildArgs as JSON>'   -> one ChildResult JSON line on stdout
 */
import { DST, procStatusMiB, SRC } from './childCommon'
import * as E from 'fp-ts/Either'
import { Agent } from 'undici'
import type { AccountId, Region, RepositoryName } from '../src/Primitives'
import * as Sync from '../src/Sync'
import * as EcrOverRegistry from '../test/integration/ecrOverRegistry'

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
  /** Destination repository (created by the sync). */
  readonly destination: string
  /** `env.concurrency` of both sides; default the library's. */
  readonly concurrency?: number
}

export interface ChildResult {
  readonly ok: boolean
  readonly error?: string
  /** What ran. */
  readonly engine: string
  /** Plan and apply. */
  readonly seconds: number
  readonly planSeconds: number
  readonly applySeconds: number
  readonly peakRssMiB: number
  readonly rssBeforeSyncMiB: number
  /** Blobs the plan says to send. */
  readonly plannedBlobSends: number
  /** From the sync's report. */
  readonly imagesCopied: number
  readonly imagesFailed: number
  readonly blobsCopied: number
  readonly bytesCopied: number
}


const ENGINE = 'Sync.plan + Sync.apply (replicateRepository)'

/** One sync, measured from inside. */
export const child = async (args: ChildArgs): Promise<ChildResult> => {
  const agent = new Agent({ connections: 32 })
  // the library's environment keeps its built-in fetch: a copy sends its small registry requests
  // through the dispatcher too, as it does for any user who does not pass a fetch of their own
  const side = (reg: RegistryAccess, at: { accountId: string; region: string }) => {
    const env = EcrOverRegistry.make({ ...reg, ...at, dispatcher: agent }).env
    return args.concurrency === undefined ? env : { ...env, concurrency: args.concurrency }
  }
  const env = { source: side(args.src, SRC), destination: side(args.dst, DST) }
  const ref = (at: { accountId: string; region: string }, name: string) => ({
    accountId: at.accountId as AccountId,
    region: at.region as Region,
    repositoryName: name as RepositoryName
  })
  const rssBeforeSyncMiB = procStatusMiB('VmRSS')
  const t0 = performance.now()
  const plan = await Sync.plan({ source: ref(SRC, args.repository), destination: ref(DST, args.destination), tags: 'all', createRepository: true })(env)()
  const t1 = performance.now()
  const report = E.isLeft(plan) ? plan : await Sync.apply(plan.right)(env)()
  const t2 = performance.now()
  await agent.close()
  const failed = E.isRight(report) ? report.right.images.find((i) => i._tag === 'failed') : undefined
  const error = E.isLeft(report) ? report.left.message : failed?._tag === 'failed' ? `${failed.digest}: ${failed.error.message}` : undefined
  const totals = E.isRight(report) ? report.right.totals : undefined
  return {
    ok: error === undefined,
    ...(error === undefined ? {} : { error }),
    engine: ENGINE,
    seconds: (t2 - t0) / 1000,
    planSeconds: (t1 - t0) / 1000,
    applySeconds: (t2 - t1) / 1000,
    peakRssMiB: procStatusMiB('VmHWM'),
    rssBeforeSyncMiB,
    plannedBlobSends: E.isRight(plan) ? plan.right.totals.blobs.send : 0,
    imagesCopied: totals?.images.copied ?? 0,
    imagesFailed: totals?.images.failed ?? 0,
    blobsCopied: totals?.blobs.copied ?? 0,
    bytesCopied: totals?.bytesCopied ?? 0
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
