/**
 * Benchmark: `replicateImage` copying an image with a 512 MiB layer between two local
 * docker-registry instances, in a child process (bench/replicateChild.ts, bundled with esbuild
 * and run with plain node) that reports its own peak RSS (VmHWM), against `skopeo copy` of the
 * same image between the same registries when skopeo is installed. Each round copies into a
 * fresh destination registry (so neither tool finds the layer there, nor mounts it from an
 * earlier round); the order of the two tools alternates between rounds.
 *
 *   npm run bench -- replicate            (or: npx tsx bench/replicate.ts)
 *   BENCH_LAYER_MIB=128 BENCH_ROUNDS=3 npx tsx bench/replicate.ts
 *
 * Prints one JSON object on stdout and writes it to bench/results/replicate.json.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { PassThrough, pipeline, Readable, Transform } from 'node:stream'
import { createGzip } from 'node:zlib'
import { buildSync } from 'esbuild'
import { request } from 'undici'
import { basicAuth, pushBlob, pushManifest, startRegistry, type Registry, type RegistryAccess } from '../test/integration/harness'
import type { ChildArgs, ChildResult } from './replicateChild'

const MiB = 1024 * 1024
const LAYER_MIB = Number(process.env['BENCH_LAYER_MIB'] ?? 512)
const ROUNDS = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 3))
const RESULTS = path.join(__dirname, 'results', 'replicate.json')

// -------------------------------------------------------------------------------------
// the parent: registries, the image, the runs
// -------------------------------------------------------------------------------------

/**
 * Pushes about `size` random bytes, gzip-framed (level 0: stored blocks, so a real gzip stream no
 * tool wants to compress again), as one blob: generated and hashed while streaming (one PATCH),
 * never in memory. Returns the digest and the exact size.
 */
export const pushRandomLayer = async (reg: RegistryAccess, repository: string, size: number): Promise<{ digest: string; size: number }> => {
  const authorization = basicAuth(reg)
  const post = await request(`${reg.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: { authorization } })
  await post.body.dump()
  if (post.statusCode !== 202) throw new Error(`POST upload: ${post.statusCode}`)
  const hash = createHash('sha256')
  let sent = 0
  let left = size
  const random = new Readable({
    read() {
      if (left <= 0) {
        this.push(null)
        return
      }
      const chunk = randomBytes(Math.min(MiB, left))
      left -= chunk.length
      this.push(chunk)
    }
  })
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      hash.update(chunk)
      sent += chunk.length
      callback(null, chunk)
    }
  })
  const body = new PassThrough()
  pipeline(random, createGzip({ level: 0 }), hashing, body, () => undefined)
  const patchUrl = new URL(String(post.headers['location']), reg.url)
  const patch = await request(patchUrl, { method: 'PATCH', headers: { authorization, 'content-type': 'application/octet-stream' }, body })
  await patch.body.dump()
  if (patch.statusCode !== 202) throw new Error(`PATCH upload: ${patch.statusCode}`)
  const digest = `sha256:${hash.digest('hex')}`
  const putUrl = new URL(String(patch.headers['location']), reg.url)
  putUrl.searchParams.set('digest', digest)
  const put = await request(putUrl, { method: 'PUT', headers: { authorization, 'content-length': '0' } })
  await put.body.dump()
  if (put.statusCode !== 201) throw new Error(`PUT upload: ${put.statusCode}`)
  return { digest, size: sent }
}

const pushBigImage = async (reg: RegistryAccess, repository: string, tag: string, layerBytes: number) => {
  const { digest: layer, size } = await pushRandomLayer(reg, repository, layerBytes)
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [layer] } })
  )
  const configDigest = await pushBlob(reg, repository, config)
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer, size }]
  })
  const digest = await pushManifest(reg, repository, tag, manifest, 'application/vnd.oci.image.manifest.v1+json')
  return { digest, layer, size }
}

/** Runs a command, timing it; with /usr/bin/time, its peak RSS too. */
export const timed = (
  command: string,
  args: ReadonlyArray<string>
): Promise<{ code: number | null; seconds: number; stdout: string; stderr: string; peakRssMiB?: number }> =>
  new Promise((resolve) => {
    const useTime = fs.existsSync('/usr/bin/time')
    const [cmd, argv] = useTime ? ['/usr/bin/time', ['-f', 'BENCH_MAXRSS_KB=%M', command, ...args]] : [command, [...args]]
    const t0 = performance.now()
    const p = spawn(cmd as string, argv as Array<string>, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    p.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000
      const kb = /BENCH_MAXRSS_KB=(\d+)/.exec(stderr)?.[1]
      resolve({ code, seconds, stdout, stderr, ...(kb === undefined ? {} : { peakRssMiB: Math.round((Number(kb) / 1024) * 10) / 10 }) })
    })
  })

const headBlob = async (reg: RegistryAccess, repository: string, digest: string): Promise<number> => {
  const res = await request(`${reg.url}/v2/${repository}/blobs/${digest}`, { method: 'HEAD', headers: { authorization: basicAuth(reg) } })
  await res.body.dump()
  return res.statusCode
}

const round2 = (n: number): number => Math.round(n * 100) / 100

/** bench/replicateChild.ts as one CommonJS file for plain node. */
const bundleChild = (dir: string): string => {
  const outfile = path.join(dir, 'replicateChild.js')
  buildSync({
    entryPoints: [path.join(__dirname, 'replicateChild.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning'
  })
  return outfile
}

interface OurRun extends ChildResult {
  readonly processSeconds: number
}

interface SkopeoRun {
  readonly seconds: number
  readonly peakRssMiB?: number
}

const runOurs = async (script: string, args: ChildArgs, dst: RegistryAccess, layer: string): Promise<OurRun> => {
  const run = await timed(process.execPath, [script, JSON.stringify(args)])
  const line = run.stdout.trim().split('\n').pop() ?? ''
  let r: ChildResult
  try {
    r = JSON.parse(line) as ChildResult
  } catch {
    throw new Error(`the child failed (${run.code}): ${run.stderr.slice(-2000)}`)
  }
  if (!r.ok) throw new Error(`replicateImage failed: ${r.error}`)
  if ((await headBlob(dst, args.destination, layer)) !== 200) throw new Error('the copied layer is not at the destination')
  return { ...r, processSeconds: run.seconds }
}

const runSkopeo = async (src: Registry, dst: Registry, repository: string, target: string, layer: string): Promise<SkopeoRun> => {
  const s = await timed('skopeo', [
    'copy',
    '--quiet',
    '--src-creds',
    `${src.username}:${src.password}`,
    '--dest-creds',
    `${dst.username}:${dst.password}`,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    `docker://${new URL(src.url).host}/${repository}:v1`,
    `docker://${new URL(dst.url).host}/${target}:v1`
  ])
  if (s.code !== 0) throw new Error(`skopeo copy failed (${s.code}): ${s.stderr.slice(-2000)}`)
  if ((await headBlob(dst, target, layer)) !== 200) throw new Error('skopeo: the layer is not at the destination')
  return { seconds: s.seconds, ...(s.peakRssMiB === undefined ? {} : { peakRssMiB: s.peakRssMiB }) }
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

const main = async (): Promise<void> => {
  const layerBytes = LAYER_MIB * MiB
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-fp-ts-bench-'))
  const regs: Array<Registry> = []
  try {
    const script = bundleChild(tmp)
    const src = await startRegistry({ password: `src-${randomBytes(8).toString('hex')}` })
    regs.push(src)
    const access = (r: Registry): RegistryAccess => ({ url: r.url, username: r.username, password: r.password })
    process.stderr.write(`pushing a ${LAYER_MIB} MiB layer to ${src.url} ...\n`)
    const image = await pushBigImage(src, 'bench/big', 'v1', layerBytes)
    const hasSkopeo = spawnSync('skopeo', ['--version'], { stdio: 'ignore' }).status === 0

    const ours: Array<OurRun> = []
    const skopeo: Array<SkopeoRun> = []
    for (let round = 0; round < ROUNDS; round++) {
      const dst = await startRegistry({ password: `dst-${randomBytes(8).toString('hex')}` })
      try {
        const steps: Array<() => Promise<void>> = [
          async () => {
            process.stderr.write(`round ${round + 1}: replicateImage ...\n`)
            const args: ChildArgs = { src: access(src), dst: access(dst), repository: 'bench/big', digest: image.digest, destination: 'bench/ours', tag: 'v1' }
            ours.push(await runOurs(script, args, dst, image.layer))
          },
          ...(hasSkopeo
            ? [
                async () => {
                  process.stderr.write(`round ${round + 1}: skopeo copy ...\n`)
                  skopeo.push(await runSkopeo(src, dst, 'bench/big', 'bench/skopeo', image.layer))
                }
              ]
            : [])
        ]
        for (const step of round % 2 === 0 ? steps : [...steps].reverse()) await step()
      } finally {
        await dst.stop()
      }
    }

    const oursSeconds = median(ours.map((o) => o.seconds))
    const skopeoSeconds = skopeo.length === 0 ? undefined : median(skopeo.map((s) => s.seconds))
    const peakRssMiB = Math.max(...ours.map((o) => o.peakRssMiB))
    const result = {
      benchmark: 'replicate',
      layerMiB: LAYER_MIB,
      layerBytes: image.size,
      rounds: ROUNDS,
      node: process.version,
      ours: {
        // the replicateImage call in the child (median of the rounds)
        seconds: round2(oursSeconds),
        mbPerSecond: round2(image.size / MiB / oursSeconds),
        // the child process's own VmHWM, the worst round
        peakRssMiB,
        rssBeforeCopyMiB: Math.max(...ours.map((o) => o.rssBeforeCopyMiB)),
        // the whole child process: start-up (node, the AWS SDK) included
        processSeconds: round2(median(ours.map((o) => o.processSeconds))),
        runs: ours.map((o) => ({ seconds: round2(o.seconds), peakRssMiB: o.peakRssMiB, processSeconds: round2(o.processSeconds) }))
      },
      skopeo:
        skopeoSeconds === undefined
          ? null
          : {
              // the whole skopeo process (median of the rounds)
              seconds: round2(skopeoSeconds),
              mbPerSecond: round2(image.size / MiB / skopeoSeconds),
              runs: skopeo.map((s) => ({ seconds: round2(s.seconds), ...(s.peakRssMiB === undefined ? {} : { peakRssMiB: s.peakRssMiB }) }))
            },
      // ours / skopeo: below 1 is faster than skopeo
      ratio: skopeoSeconds === undefined ? null : round2(oursSeconds / skopeoSeconds),
      ratioWholeProcess: skopeoSeconds === undefined ? null : round2(median(ours.map((o) => o.processSeconds)) / skopeoSeconds),
      targets: {
        peakRssBelow150MiB: peakRssMiB < 150,
        notSlowerThanSkopeo: skopeoSeconds === undefined ? null : oursSeconds <= skopeoSeconds
      }
    }
    const json = JSON.stringify(result, null, 2)
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true })
    fs.writeFileSync(RESULTS, `${json}\n`)
    process.stdout.write(`${json}\n`)
  } finally {
    for (const r of regs) await r.stop()
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

/** The benchmark's entry for bench/run.ts. */
export const run = main

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exitCode = 1
  })
}
