/**
 * The measured side of bench/replicate.ts: one `replicateImage` copy between two registries, in
 * its own process, reporting its duration and its own peak RSS (`VmHWM` of /proc/self/status).
 * bench/replicate.ts bundles this file with esbuild and runs it with plain `node`, as a compiled
 * program would run, so no TypeScript loader sits in the measured process.
 *
 *   node replicateChild.js '<ChildArgs as JSON>'   -> one ChildResult JSON line on stdout
 */
import { DST, procStatusMiB, SRC } from './childCommon'
import * as E from 'fp-ts/Either'
import { Agent } from 'undici'
import * as Env from '../src/Env'
import type { EcrEnv, HttpEnv } from '../src/Env'
import * as ImageUri from '../src/ImageUri'
import type { AccountId, Region, RepositoryName } from '../src/Primitives'
import { replicateImage } from '../src/replicate'
import { twinFor } from '../test/integration/sides'

export interface RegistryAccess {
  readonly url: string
  readonly username: string
  readonly password: string
}

export interface ChildArgs {
  readonly src: RegistryAccess
  readonly dst: RegistryAccess
  readonly repository: string
  readonly digest: string
  readonly destination: string
  readonly tag: string
}

export interface ChildResult {
  readonly ok: boolean
  readonly error?: string
  readonly seconds: number
  readonly peakRssMiB: number
  readonly rssBeforeCopyMiB: number
  readonly bytesCopied: number
}


/** One copy, measured from inside. The ECR side of each registry is a twin whose login points at it (test/integration/sides.ts). */
export const child = async (args: ChildArgs): Promise<ChildResult> => {
  const agent = new Agent({ connections: 16 })
  // the library's environment keeps its built-in fetch: a copy sends every registry request through
  // the dispatcher, as it does for any user who does not pass a fetch of their own
  const side = (reg: RegistryAccess, at: { accountId: string; region: string }): EcrEnv & HttpEnv => {
    const twin = twinFor(reg, at, agent)
    return Env.make({ ecr: twin.ecr, accountId: twin.accountId, region: twin.region, dispatcher: agent })
  }
  const source = ImageUri.parse(`${SRC.accountId}.dkr.ecr.${SRC.region}.amazonaws.com/${args.repository}@${args.digest}`)
  if (E.isLeft(source)) return { ok: false, error: source.left.message, seconds: 0, peakRssMiB: 0, rssBeforeCopyMiB: 0, bytesCopied: 0 }
  const env = { source: side(args.src, SRC), destination: side(args.dst, DST) }
  const rssBeforeCopyMiB = procStatusMiB('VmRSS')
  let bytesCopied = 0
  const t0 = performance.now()
  const r = await replicateImage({
    source: source.right,
    destination: { accountId: DST.accountId as AccountId, region: DST.region as Region, repositoryName: args.destination as RepositoryName },
    tags: [args.tag]
  })({
    ...env,
    onProgress: (p) => {
      if (p._tag === 'done') bytesCopied = p.summary.bytesCopied
    }
  })()
  const seconds = (performance.now() - t0) / 1000
  await agent.close()
  return {
    ok: E.isRight(r),
    ...(E.isLeft(r) ? { error: r.left.message } : {}),
    seconds,
    peakRssMiB: procStatusMiB('VmHWM'),
    rssBeforeCopyMiB,
    bytesCopied
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
