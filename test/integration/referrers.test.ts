import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as E from 'fp-ts/Either'
import { randomBytes } from 'node:crypto'
import { Agent, fetch as undiciFetch } from 'undici'
import type { EcrEnv, HttpEnv } from '../../src/Env'
import * as Image from '../../src/Image'
import * as ImageUri from '../../src/ImageUri'
import type { ImageDigest } from '../../src/Primitives'
import { replicateImage, type Progress, type ReplicateRequest } from '../../src/replicate'
import { concat, constantDelay, limitRetries } from '../../src/Retry'
import * as InMemoryEcr from '../../src/testing/InMemoryEcr'
import { basicAuth, pushBlob, pushManifest, pushTestImage, sha256, startRegistry, type Registry, type RegistryAccess } from './harness'
import { repo, twinFor } from './sides'

// Two real docker-registry instances (distribution 2.8: no referrers API, so both sides use the
// tag-schema fallback); the ECR side of each is a twin whose login points at its registry.

const SRC = { accountId: '111111111111', region: 'us-east-1' }
const DST = { accountId: '222222222222', region: 'eu-west-1' }
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const EMPTY = 'application/vnd.oci.empty.v1+json'
const SIG = 'application/vnd.dev.cosign.artifact.sig.v1+json'
const SBOM = 'application/spdx+json'

let regA: Registry
let regB: Registry
let agent: Agent
const agents: Array<Agent> = []

/** A fetch through `agent` that counts the requests by method. */
const countingFetch = (counts: Map<string, number>): HttpEnv['fetch'] => (input, init) => {
  const method = (init?.method ?? 'GET').toUpperCase()
  counts.set(method, (counts.get(method) ?? 0) + 1)
  return undiciFetch(input, { ...(init as object), dispatcher: agent } as Parameters<typeof undiciFetch>[1]) as unknown as Promise<Response>
}

/** A side's environment; requests through fetch (manifests, small blobs) and the dispatcher (streamed blobs) are counted. */
const side = (twin: InMemoryEcr.InMemoryEcr, counts: Map<string, number>): EcrEnv & HttpEnv => {
  const own = new Agent({ connections: 16 })
  agents.push(own)
  const dispatcher = own.compose((dispatch) => (opts, handler) => {
    const method = opts.method.toUpperCase()
    counts.set(method, (counts.get(method) ?? 0) + 1)
    return dispatch(opts, handler)
  })
  return {
    ...twin.env,
    fetch: countingFetch(counts),
    dispatcher,
    retryPolicy: concat(limitRetries(2), constantDelay(20))
  } as EcrEnv & HttpEnv
}


const digestUri = (at: { accountId: string; region: string }, name: string, digest: string): ImageUri.ImageUri => {
  const u = ImageUri.parse(`${at.accountId}.dkr.ecr.${at.region}.amazonaws.com/${name}@${digest}`)
  if (E.isLeft(u)) throw new Error(u.left.message)
  return u.right
}

const getManifest = async (reg: RegistryAccess, name: string, reference: string) => {
  const res = await fetch(`${reg.url}/v2/${name}/manifests/${reference}`, { headers: { authorization: basicAuth(reg), accept: `${OCI_MANIFEST}, ${OCI_INDEX}` } })
  const body = Buffer.from(await res.arrayBuffer())
  return { status: res.status, text: body.toString('utf8'), digest: sha256(body) }
}

const getBlob = async (reg: RegistryAccess, name: string, digest: string) => {
  const res = await fetch(`${reg.url}/v2/${name}/blobs/${digest}`, { headers: { authorization: basicAuth(reg) } })
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) }
}

interface Artifact {
  readonly digest: string
  readonly text: string
  readonly blobs: ReadonlyArray<{ readonly digest: string; readonly bytes: Buffer }>
  readonly artifactType: string
}

/** An OCI 1.1 artifact with `subject`: an empty config (`{}`) and one layer. */
const pushArtifact = async (
  reg: RegistryAccess,
  name: string,
  subject: { digest: string; mediaType: string; size: number },
  artifactType: string,
  layer: { mediaType: string; bytes: Buffer },
  annotations: Record<string, string> = {}
): Promise<Artifact> => {
  const empty = Buffer.from('{}')
  await pushBlob(reg, name, empty)
  const layerDigest = await pushBlob(reg, name, layer.bytes)
  const text = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType,
    config: { mediaType: EMPTY, digest: sha256(empty), size: 2, data: 'e30=' },
    layers: [{ mediaType: layer.mediaType, digest: layerDigest, size: layer.bytes.length }],
    subject,
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z', ...annotations }
  })
  const digest = await pushManifest(reg, name, sha256(text), text, OCI_MANIFEST)
  return { digest, text, artifactType, blobs: [{ digest: sha256(empty), bytes: empty }, { digest: layerDigest, bytes: layer.bytes }] }
}

const fallbackTagOf = (digest: string): string => digest.replace(':', '-')

beforeAll(async () => {
  agent = new Agent({ connections: 16 })
  regA = await startRegistry({ password: `a-${randomBytes(9).toString('hex')}` })
  regB = await startRegistry({ password: `b-${randomBytes(9).toString('hex')}` })
})

afterAll(async () => {
  await regA?.stop()
  await regB?.stop()
  await agent?.close()
  await Promise.all(agents.map((a) => a.close()))
})

describe('replicateImage carries a signature and an SBOM between two docker-registry instances', () => {
  it('through the tag-schema fallback on both sides; a second copy makes no PUT, POST or PATCH', async () => {
    const image = await pushTestImage(regA, 'team/signed', 'v1', { layers: 2, layerSize: 40_000 })
    const subject = { digest: image.digest, mediaType: image.mediaType, size: Buffer.byteLength(image.text) }
    const sig = await pushArtifact(regA, 'team/signed', subject, SIG, {
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      bytes: Buffer.from(JSON.stringify({ critical: { image: { 'docker-manifest-digest': image.digest }, type: 'cosign container image signature' } }))
    }, { 'dev.cosignproject.cosign/signature': 'MEUCIQDexample' })
    const sbom = await pushArtifact(regA, 'team/signed', subject, SBOM, {
      mediaType: SBOM,
      bytes: Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'team/signed', packages: [{ name: 'libc', versionInfo: '2.39' }] }))
    })
    // the source's fallback index, as a client pushing to a registry without the referrers API writes it
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [sig, sbom].map((a) => ({ mediaType: OCI_MANIFEST, digest: a.digest, size: Buffer.byteLength(a.text), artifactType: a.artifactType }))
    })
    await pushManifest(regA, 'team/signed', fallbackTagOf(image.digest), index, OCI_INDEX)

    const src = twinFor(regA, SRC)
    const dst = twinFor(regB, DST)
    const request: ReplicateRequest = { source: digestUri(SRC, 'team/signed', image.digest), destination: repo(DST, 'mirror/signed'), tags: ['v1'] }
    const first = new Map<string, number>()
    const events: Array<Progress> = []
    const r = await replicateImage(request)({ source: side(src, new Map()), destination: side(dst, first), onProgress: (p) => events.push(p) })()
    if (E.isLeft(r)) throw new Error(r.left.message)
    const done = events.find((p): p is Extract<Progress, { _tag: 'done' }> => p._tag === 'done')
    expect(done?.summary.referrers).toEqual({ exists: 0, pushed: 2 })
    // the referrers came before the tag
    const order = events.map((p) => p._tag).filter((t) => t === 'referrer' || t === 'tag')
    expect(order).toEqual(['referrer', 'referrer', 'tag'])

    // the artifacts arrived byte for byte
    for (const a of [sig, sbom]) {
      expect(await getManifest(regB, 'mirror/signed', a.digest)).toMatchObject({ status: 200, text: a.text, digest: a.digest })
      for (const b of a.blobs) {
        const got = await getBlob(regB, 'mirror/signed', b.digest)
        expect(got.status).toBe(200)
        expect(got.bytes.equals(b.bytes)).toBe(true)
      }
    }
    // the destination's fallback index lists both
    const fallback = await getManifest(regB, 'mirror/signed', fallbackTagOf(image.digest))
    expect(fallback.status).toBe(200)
    const listedThere = (JSON.parse(fallback.text) as { manifests: ReadonlyArray<{ digest: string; artifactType?: string }> }).manifests
    expect(listedThere.map((m) => [m.digest, m.artifactType]).sort()).toEqual(
      [
        [sig.digest, SIG],
        [sbom.digest, SBOM]
      ].sort()
    )
    // and Image.listReferrers on the destination returns them (read through the fallback)
    const ref: Image.ImageRef = { ...repo(DST, 'mirror/signed'), imageDigest: image.digest as ImageDigest }
    const found = await Image.listReferrers(ref)(side(dst, new Map()))()
    expect(E.map((rs: ReadonlyArray<Image.Referrer>) => rs.map((x) => x.digest).sort())(found)).toEqual(E.right([sig.digest, sbom.digest].sort()))
    const signatures = await Image.listReferrers(ref, { artifactTypes: [SIG] })(side(dst, new Map()))()
    expect(E.map((rs: ReadonlyArray<Image.Referrer>) => rs.map((x) => x.digest))(signatures)).toEqual(E.right([sig.digest]))

    // a second copy re-sends nothing
    const second = new Map<string, number>()
    const again = await replicateImage(request)({ source: side(src, new Map()), destination: side(dst, second) })()
    expect(E.isRight(again)).toBe(true)
    expect([second.get('PUT') ?? 0, second.get('POST') ?? 0, second.get('PATCH') ?? 0]).toEqual([0, 0, 0])
    expect((first.get('PUT') ?? 0) > 0).toBe(true)
  })
})
