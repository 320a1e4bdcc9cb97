// Images with shared base layers on the in-memory twin, pushed through its registry API, and
// helpers to read a repository's state back for comparison.
import { createHash } from 'node:crypto'
import * as E from 'fp-ts/Either'
import type { AccountId, Region, RepositoryName } from '../src/Primitives'
import type { RepositoryRef } from '../src/Repository'
import type { InMemoryEcr } from '../src/testing/InMemoryEcr'

export const sha256 = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

const MEDIA = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip'
} as const

export interface Platform {
  readonly os: string
  readonly architecture: string
}

export const AMD64: Platform = { os: 'linux', architecture: 'amd64' }
export const ARM64: Platform = { os: 'linux', architecture: 'arm64' }

/** Deterministic bytes for a name. */
export const bytesOf = (name: string, size = 64): Buffer => {
  const out = Buffer.alloc(size)
  let h = createHash('sha256').update(name).digest()
  for (let i = 0; i < size; i += h.length) {
    h.copy(out, i)
    h = createHash('sha256').update(h).digest()
  }
  return out
}

const auth = (twin: InMemoryEcr): string => `Basic ${Buffer.from(`AWS:${twin.password}`).toString('base64')}`

const check = async (res: Response, ok: ReadonlyArray<number>, what: string): Promise<void> => {
  const body = await res.text()
  if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status}: ${body}`)
}

/** Pushes a blob through the twin's registry API (unless it is there). */
export const putBlob = async (twin: InMemoryEcr, repo: string, bytes: Uint8Array): Promise<{ digest: string; size: number }> => {
  const digest = sha256(bytes)
  if (twin.hasBlob(repo, digest)) return { digest, size: bytes.byteLength }
  const post = await twin.fetch(`${twin.proxyEndpoint}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { authorization: auth(twin) } })
  const location = post.headers.get('location') ?? ''
  await check(post, [202], 'POST upload')
  const url = new URL(location, twin.proxyEndpoint)
  url.searchParams.set('digest', digest)
  const put = await twin.fetch(url.toString(), {
    method: 'PUT',
    headers: { authorization: auth(twin), 'content-type': 'application/octet-stream' },
    body: Buffer.from(bytes) as unknown as BodyInit
  })
  await check(put, [201], `PUT blob ${digest}`)
  return { digest, size: bytes.byteLength }
}

/** Pushes a manifest under a reference (tag or digest); returns its digest. */
export const putManifest = async (twin: InMemoryEcr, repo: string, reference: string, text: string, mediaType: string): Promise<string> => {
  const res = await twin.fetch(`${twin.proxyEndpoint}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { authorization: auth(twin), 'content-type': mediaType },
    body: text
  })
  await check(res, [201], `PUT manifest ${repo}:${reference}`)
  return sha256(text)
}

export interface SharedImageOptions {
  /** Names of the base layers (shared by every image that names them). */
  readonly base: ReadonlyArray<string>
  /** Name of the image's own layer (unique per name). */
  readonly own: string
  /** One manifest per platform under an index; none: a single manifest. */
  readonly platforms?: ReadonlyArray<Platform>
  readonly layerSize?: number
}

export interface Pushed {
  readonly digest: string
  readonly manifests: ReadonlyArray<string>
  readonly blobs: ReadonlyArray<{ digest: string; size: number }>
}

/** An image (or index) of shared base layers plus its own layer, tagged `tag`. */
export const pushShared = async (twin: InMemoryEcr, repo: string, tag: string, o: SharedImageOptions): Promise<Pushed> => {
  twin.createRepository(repo) // AlreadyExists is fine
  const platforms = o.platforms ?? [undefined]
  const blobs = new Map<string, { digest: string; size: number }>()
  const manifests: Array<{ digest: string; size: number; platform?: Platform }> = []
  for (const platform of platforms) {
    const suffix = platform === undefined ? '' : `/${platform.os}/${platform.architecture}`
    const layers = []
    for (const name of [...o.base.map((b) => `${b}${suffix}`), `${o.own}${suffix}`]) {
      const blob = await putBlob(twin, repo, bytesOf(name, o.layerSize ?? 64))
      blobs.set(blob.digest, blob)
      layers.push({ mediaType: MEDIA.layer, ...blob })
    }
    const configText = JSON.stringify({ architecture: platform?.architecture ?? 'amd64', os: platform?.os ?? 'linux', rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) }, own: o.own })
    const config = await putBlob(twin, repo, Buffer.from(configText))
    blobs.set(config.digest, config)
    const text = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.manifest, config: { mediaType: MEDIA.config, ...config }, layers })
    const digest = await putManifest(twin, repo, platform === undefined ? tag : sha256(text), text, MEDIA.manifest)
    manifests.push({ digest, size: Buffer.byteLength(text), ...(platform === undefined ? {} : { platform }) })
  }
  if (o.platforms === undefined) {
    const top = manifests[0]?.digest ?? ''
    return { digest: top, manifests: [top], blobs: [...blobs.values()] }
  }
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: manifests.map((m) => ({ mediaType: MEDIA.manifest, digest: m.digest, size: m.size, platform: m.platform }))
  })
  const digest = await putManifest(twin, repo, tag, index, MEDIA.index)
  return { digest, manifests: [...manifests.map((m) => m.digest), digest], blobs: [...blobs.values()] }
}

/** A referrer (an OCI artifact with `subject`) pushed by digest through the registry API. */
export const pushReferrer = async (
  twin: InMemoryEcr,
  repo: string,
  subject: { digest: string; size: number; mediaType: string },
  artifactType: string,
  content: string
): Promise<{ digest: string; size: number; mediaType: string }> => {
  const empty = await putBlob(twin, repo, Buffer.from('{}'))
  const layer = await putBlob(twin, repo, Buffer.from(content))
  const text = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    artifactType,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', ...empty },
    layers: [{ mediaType: 'application/octet-stream', ...layer }],
    subject
  })
  const digest = await putManifest(twin, repo, sha256(text), text, MEDIA.manifest)
  return { digest, size: Buffer.byteLength(text), mediaType: MEDIA.manifest }
}

export const ref = (twin: InMemoryEcr, repositoryName: string): RepositoryRef => ({
  accountId: twin.accountId as AccountId,
  region: twin.region as Region,
  repositoryName: repositoryName as RepositoryName
})

/** A repository's state: tags -> digests, and for every tagged image whether it is complete. */
export const stateOf = (twin: InMemoryEcr, repo: string) => {
  const tags = Object.fromEntries([...twin.tagsOf(repo)].sort(([a], [b]) => (a < b ? -1 : 1)))
  return { tags }
}

/** Whether the image a reference names is there with every manifest and blob it needs. */
export const isComplete = (twin: InMemoryEcr, repo: string, reference: string): boolean => {
  const text = twin.getManifestText(repo, reference)
  if (text._tag === 'None') return false
  const m = JSON.parse(text.value) as {
    manifests?: ReadonlyArray<{ digest: string }>
    config?: { digest: string }
    layers?: ReadonlyArray<{ digest: string }>
  }
  if (m.manifests !== undefined) return m.manifests.every((c) => isComplete(twin, repo, c.digest))
  return [m.config, ...(m.layers ?? [])].every((d) => d === undefined || twin.hasBlob(repo, d.digest))
}

export const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`)
  return e.right
}
