import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as E from 'fp-ts/Either'
import { randomBytes } from 'node:crypto'
import { Agent } from 'undici'
import * as Sync from '../../src/Sync'
import * as EcrOverRegistry from './ecrOverRegistry'
import { pushBlob, pushManifest, pushTestImage, sha256, startRegistry, type Registry } from './harness'
import { fetchWith, repo } from './sides'

// Sync between two real docker-registry instances, their ECR API answered from their registry API.

const SRC = { accountId: '111111111111', region: 'us-east-1' }
const DST = { accountId: '222222222222', region: 'eu-west-1' }

let regA: Registry
let regB: Registry
let agent: Agent

const sideOf = (reg: Registry, at: { accountId: string; region: string }) =>
  EcrOverRegistry.make({ ...reg, ...at, fetch: fetchWith(agent), dispatcher: agent })


beforeAll(async () => {
  agent = new Agent({ connections: 16 })
  regA = await startRegistry({ password: `a-${randomBytes(9).toString('hex')}` })
  regB = await startRegistry({ password: `b-${randomBytes(9).toString('hex')}` })
})

afterAll(async () => {
  await regA?.stop()
  await regB?.stop()
  await agent?.close()
})

describe('Sync between two docker-registry instances', () => {
  it('syncs 5 tags (shared base layers, two with 2 platforms); a second sync sends nothing', async () => {
    const base = [randomBytes(200_000), randomBytes(100_000)]
    const pushed = []
    for (let i = 0; i < 5; i++) {
      const own = randomBytes(50_000)
      pushed.push(
        await pushTestImage(regA, 'team/app', `v${i}`, {
          layers: [...base, own],
          ...(i < 2 ? { platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] } : {})
        })
      )
    }
    const source = sideOf(regA, SRC)
    const destination = sideOf(regB, DST)
    const env = { source: source.env, destination: destination.env }
    const request: Sync.PlanRequest = { source: repo(SRC, 'team/app'), destination: repo(DST, 'mirror/app'), createRepository: true }

    const plan = await Sync.plan(request)(env)()
    if (E.isLeft(plan)) throw new Error(plan.left.message)
    expect(plan.right.images).toHaveLength(5)
    expect(plan.right.createRepository).toBeDefined()
    const distinct = new Set(pushed.flatMap((p) => p.blobs.map((b) => b.digest)))
    expect(plan.right.totals.blobs.send).toBe(distinct.size)

    const report = await Sync.apply(plan.right)(env)()
    if (E.isLeft(report)) throw new Error(report.left.message)
    expect(report.right.totals.images).toEqual({ copied: 5, failed: 0 })
    // every shared blob sent once
    expect(report.right.totals.blobs.copied).toBe(distinct.size)

    const again = await Sync.replicateRepository(request)(env)()
    if (E.isLeft(again)) throw new Error(again.left.message)
    expect(again.right.createdRepository).toBe(false)
    expect(again.right.totals.images).toEqual({ copied: 5, failed: 0 })
    expect(again.right.totals.blobs.copied + again.right.totals.blobs.mounted).toBe(0)
    expect(again.right.totals.bytesCopied).toBe(0)
    expect(again.right.totals.manifests.pushed + again.right.totals.tags.pushed).toBe(0)

    // the second plan, seen through the registry: nothing to do
    const third = await Sync.plan(request)(env)()
    if (E.isLeft(third)) throw new Error(third.left.message)
    expect(third.right.totals.blobs).toEqual({ send: 0, mount: 0, skip: distinct.size })
    expect(third.right.totals.manifests.put).toBe(0)
    expect(third.right.totals.tags).toEqual({ put: 0, skip: 5 })
  })

  it('carries an SBOM and its signature through the tag-schema fallback (no referrers API on either side)', async () => {
    const image = await pushTestImage(regA, 'team/signed', 'v1', { layers: 1, layerSize: 10_000 })
    const empty = await pushBlob(regA, 'team/signed', Buffer.from('{}'))
    const artifact = async (subject: { digest: string; size: number; mediaType: string }, artifactType: string, content: string) => {
      const bytes = Buffer.from(content)
      const layer = await pushBlob(regA, 'team/signed', bytes)
      const text = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType,
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 },
        layers: [{ mediaType: 'application/octet-stream', digest: layer, size: bytes.length }],
        subject
      })
      const digest = await pushManifest(regA, 'team/signed', sha256(text), text, 'application/vnd.oci.image.manifest.v1+json')
      const descriptor = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: Buffer.byteLength(text), artifactType }
      const fallback = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [descriptor] })
      await pushManifest(regA, 'team/signed', subject.digest.replace(':', '-'), fallback, 'application/vnd.oci.image.index.v1+json')
      return descriptor
    }
    const sbom = await artifact({ digest: image.digest, size: Buffer.byteLength(image.text), mediaType: image.mediaType }, 'application/spdx+json', 'sbom')
    const sig = await artifact(sbom, 'application/vnd.dev.cosign.artifact.sig.v1+json', 'signature')

    const source = sideOf(regA, SRC)
    const destination = sideOf(regB, DST)
    const env = { source: source.env, destination: destination.env }
    const request: Sync.PlanRequest = { source: repo(SRC, 'team/signed'), destination: repo(DST, 'mirror/signed'), createRepository: true }
    const plan = await Sync.plan(request)(env)()
    if (E.isLeft(plan)) throw new Error(plan.left.message)
    // the fallback tags are not tags to sync: they come with their subject's referrers
    expect(plan.right.images.map((i) => i.tags.map((t) => t.tag))).toEqual([['v1']])
    expect(plan.right.images[0]?.referrers.map((r) => [r.subject, r.digest])).toEqual([
      [image.digest, sbom.digest],
      [sbom.digest, sig.digest]
    ])
    const report = await Sync.apply(plan.right)(env)()
    if (E.isLeft(report)) throw new Error(report.left.message)
    expect(report.right.totals.referrers).toEqual({ exists: 0, pushed: 2 })

    const again = await Sync.plan(request)(env)()
    if (E.isLeft(again)) throw new Error(again.left.message)
    expect(again.right.totals.referrers).toEqual({ put: 0, skip: 2 })
    expect(again.right.totals.blobs.send).toBe(0)
    const rerun = await Sync.apply(again.right)(env)()
    if (E.isLeft(rerun)) throw new Error(rerun.left.message)
    expect(rerun.right.totals.bytesCopied).toBe(0)
    expect(rerun.right.totals.referrers).toEqual({ exists: 2, pushed: 0 })
  })
})
