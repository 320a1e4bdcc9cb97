/**
 * Registries for integration tests, all on 127.0.0.1:
 * - `startRegistry`: a real `docker-registry` (distribution) with htpasswd Basic auth.
 * - `pushTestImage`: pushes an image (blobs, then manifest or index) with the plain registry API.
 * - `startLoopbackRegistry`: a small node:http registry that can redirect blob GETs to a second
 *   "storage" server (which records any Authorization header that reaches it, like S3 refusing a
 *   second auth mechanism), serve tampered bytes, or fail its first requests.
 */
import bcrypt from 'bcryptjs'
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs/promises'
import * as http from 'node:http'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'

// -------------------------------------------------------------------------------------
// a real docker-registry
// -------------------------------------------------------------------------------------

export interface Registry {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly username: string
  readonly password: string
  readonly stop: () => Promise<void>
}

export interface StartRegistryOptions {
  readonly username?: string
  readonly password: string
  readonly port?: number
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
  })

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null

const waitForExit = (child: ChildProcess, ms: number): Promise<void> =>
  exited(child)
    ? Promise.resolve()
    : new Promise((resolve) => {
        const timer = setTimeout(resolve, ms)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
      })

const configYaml = (dir: string, port: number): string => `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${path.join(dir, 'data')}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:${port}
  secret: ${randomBytes(16).toString('hex')}
auth:
  htpasswd:
    realm: test-registry
    path: ${path.join(dir, 'htpasswd')}
`

const startOnce = async (dir: string, port: number): Promise<{ child: ChildProcess; url: string } | { error: string }> => {
  const config = path.join(dir, `config-${port}.yml`)
  await fs.writeFile(config, configYaml(dir, port))
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000)
  })
  let spawnError: Error | undefined
  child.once('error', (e) => {
    spawnError = e
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (spawnError !== undefined) return { error: `cannot run docker-registry: ${spawnError.message}` }
    if (exited(child)) return { error: `docker-registry exited (${child.exitCode ?? child.signalCode}): ${stderr}` }
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) })
      await res.arrayBuffer()
      if (res.status === 401) return { child, url }
    } catch {
      // not listening yet
    }
    await sleep(50)
  }
  child.kill('SIGKILL')
  return { error: `docker-registry did not answer on ${url} within 20 s: ${stderr}` }
}

/** Starts `docker-registry serve` with htpasswd auth on a free loopback port. */
export const startRegistry = async (options: StartRegistryOptions): Promise<Registry> => {
  const username = options.username ?? 'AWS'
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ecr-fp-ts-registry-'))
  // bcrypt cost 4: the registry checks the hash on every request
  await fs.writeFile(path.join(dir, 'htpasswd'), `${username}:${bcrypt.hashSync(options.password, 4)}\n`)
  let lastError = ''
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freePort())
    const started = await startOnce(dir, port)
    if ('child' in started) {
      const child = started.child
      return {
        url: started.url,
        username,
        password: options.password,
        stop: async () => {
          if (!exited(child)) {
            child.kill('SIGTERM')
            await waitForExit(child, 5000)
            if (!exited(child)) child.kill('SIGKILL')
          }
          await fs.rm(dir, { recursive: true, force: true })
        }
      }
    }
    lastError = started.error
    if (options.port !== undefined) break
  }
  await fs.rm(dir, { recursive: true, force: true })
  throw new Error(lastError)
}

// -------------------------------------------------------------------------------------
// pushing test images with the plain registry API
// -------------------------------------------------------------------------------------

export interface Platform {
  readonly os: string
  readonly architecture: string
  readonly variant?: string
}

export interface RegistryAccess {
  readonly url: string
  readonly username: string
  readonly password: string
}

export interface Blob {
  readonly digest: string
  readonly size: number
  readonly mediaType: string
}

export interface PushedManifest {
  readonly platform: Platform
  readonly digest: string
  readonly mediaType: string
  readonly text: string
  readonly config: Blob
  readonly layers: ReadonlyArray<Blob>
}

export interface PushedImage {
  /** Digest of what the tag points at: the manifest, or the index for several platforms. */
  readonly digest: string
  readonly mediaType: string
  readonly text: string
  readonly manifests: ReadonlyArray<PushedManifest>
  /** Every blob pushed (configs and layers), without duplicates. */
  readonly blobs: ReadonlyArray<Blob>
}

export interface PushOptions {
  /** How many random layers (of `layerSize` bytes), or their exact contents. */
  readonly layers: number | ReadonlyArray<Uint8Array>
  readonly layerSize?: number
  /** Several platforms: one manifest each, under an index. One platform (default linux/amd64): a manifest. */
  readonly platforms?: ReadonlyArray<Platform>
  /** Media types to use (default `oci`). */
  readonly format?: 'oci' | 'docker'
}

export const sha256 = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

const MEDIA = {
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar'
  },
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar'
  }
} as const

export const basicAuth = (reg: RegistryAccess): string =>
  `Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString('base64')}`

const check = async (res: Response, expected: ReadonlyArray<number>, what: string): Promise<void> => {
  if (!expected.includes(res.status)) throw new Error(`${what}: HTTP ${res.status}: ${await res.text()}`)
}

/** Pushes one blob (POST a session, PUT the bytes) unless the registry has it. */
export const pushBlob = async (reg: RegistryAccess, repo: string, bytes: Uint8Array): Promise<string> => {
  const digest = sha256(bytes)
  const auth = { authorization: basicAuth(reg) }
  const head = await fetch(`${reg.url}/v2/${repo}/blobs/${digest}`, { method: 'HEAD', headers: auth })
  if (head.status === 200) return digest
  const post = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: auth })
  await check(post, [202], `POST upload ${repo}`)
  await post.arrayBuffer()
  const location = new URL(post.headers.get('location') ?? '', reg.url)
  location.searchParams.set('digest', digest)
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/octet-stream' },
    body: Buffer.from(bytes) as unknown as BodyInit
  })
  await check(put, [201], `PUT blob ${digest}`)
  await put.arrayBuffer()
  return digest
}

/** Pushes a manifest under a tag or digest; returns its digest. */
export const pushManifest = async (
  reg: RegistryAccess,
  repo: string,
  reference: string,
  text: string,
  mediaType: string
): Promise<string> => {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { authorization: basicAuth(reg), 'content-type': mediaType },
    body: text
  })
  await check(res, [201], `PUT manifest ${repo}:${reference}`)
  await res.arrayBuffer()
  return sha256(text)
}

/** Pushes an image of random layers (or given ones) under `repo:tag`. */
export const pushTestImage = async (
  reg: RegistryAccess,
  repo: string,
  tag: string,
  options: PushOptions
): Promise<PushedImage> => {
  const media = MEDIA[options.format ?? 'oci']
  const platforms = options.platforms ?? [{ os: 'linux', architecture: 'amd64' }]
  const manifests: Array<PushedManifest> = []
  const blobs = new Map<string, Blob>()
  for (const platform of platforms) {
    const contents =
      typeof options.layers === 'number'
        ? Array.from({ length: options.layers }, () => randomBytes(options.layerSize ?? 1024))
        : options.layers
    const layers: Array<Blob> = []
    for (const bytes of contents) {
      const digest = await pushBlob(reg, repo, bytes)
      layers.push({ digest, size: bytes.byteLength, mediaType: media.layer })
    }
    const configJson = JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant === undefined ? {} : { variant: platform.variant }),
      created: '2024-01-01T00:00:00Z',
      config: { Env: ['PATH=/usr/bin'], Labels: { test: 'ecr-fp-ts' } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) }
    })
    const configBytes = Buffer.from(configJson)
    const config: Blob = { digest: await pushBlob(reg, repo, configBytes), size: configBytes.length, mediaType: media.config }
    const text = JSON.stringify({
      schemaVersion: 2,
      mediaType: media.manifest,
      config,
      layers
    })
    manifests.push({ platform, digest: sha256(text), mediaType: media.manifest, text, config, layers })
    for (const b of [config, ...layers]) blobs.set(b.digest, b)
  }
  const single = platforms.length === 1 && options.platforms === undefined
  if (single) {
    const m = manifests[0]
    if (m === undefined) throw new Error('no manifest')
    await pushManifest(reg, repo, tag, m.text, m.mediaType)
    return { digest: m.digest, mediaType: m.mediaType, text: m.text, manifests, blobs: [...blobs.values()] }
  }
  for (const m of manifests) await pushManifest(reg, repo, m.digest, m.text, m.mediaType)
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: media.index,
    manifests: manifests.map((m) => ({
      mediaType: m.mediaType,
      digest: m.digest,
      size: Buffer.byteLength(m.text),
      platform: m.platform
    }))
  })
  await pushManifest(reg, repo, tag, index, media.index)
  return { digest: sha256(index), mediaType: media.index, text: index, manifests, blobs: [...blobs.values()] }
}

// -------------------------------------------------------------------------------------
// a loopback registry with redirects, tampering and failures on demand
// -------------------------------------------------------------------------------------

export interface LoopbackRegistryOptions {
  readonly username?: string
  readonly password: string
  /** Blob contents by digest (the digest is computed: pass the bytes). */
  readonly blobs?: ReadonlyArray<Uint8Array>
  /** Manifests by reference (tag or digest). */
  readonly manifests?: Readonly<Record<string, { readonly text: string; readonly mediaType: string }>>
  /** Answer blob GETs with 307 to a second server on another port, like ECR's S3 redirect. */
  readonly redirectBlobs?: boolean
  /** Replace the bytes served for a blob (a tampering registry). */
  readonly tamper?: (digest: string, bytes: Buffer) => Buffer
  /** Statuses answered, in order, to the first requests (e.g. `[503, 503]`). */
  readonly failFirst?: ReadonlyArray<number>
}

export interface LoopbackRequest {
  readonly server: 'registry' | 'storage'
  readonly method: string
  readonly url: string
  readonly authorization: string | undefined
}

export interface LoopbackRegistry extends Registry {
  readonly storageUrl: string
  readonly requests: ReadonlyArray<LoopbackRequest>
  /** Requests that reached the storage server with an Authorization header: must stay empty. */
  readonly authLeaks: ReadonlyArray<LoopbackRequest>
}

const listen = async (handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> => {
  const server = http.createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

const ociError = (res: http.ServerResponse, status: number, code: string, message: string, headers: http.OutgoingHttpHeaders = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify({ errors: [{ code, message }] }))
}

/** A node:http registry (and a storage server for its redirects) serving fixed blobs and manifests. */
export const startLoopbackRegistry = async (options: LoopbackRegistryOptions): Promise<LoopbackRegistry> => {
  const username = options.username ?? 'AWS'
  const expected = `Basic ${Buffer.from(`${username}:${options.password}`).toString('base64')}`
  const blobs = new Map<string, Buffer>()
  for (const b of options.blobs ?? []) blobs.set(sha256(b), Buffer.from(b))
  const requests: Array<LoopbackRequest> = []
  const authLeaks: Array<LoopbackRequest> = []
  const failures = [...(options.failFirst ?? [])]

  const serveBlob = (res: http.ServerResponse, method: string, digest: string): void => {
    const bytes = blobs.get(digest)
    if (bytes === undefined) return ociError(res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry')
    const body = options.tamper?.(digest, bytes) ?? bytes
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length, 'docker-content-digest': digest })
    res.end(method === 'HEAD' ? undefined : body)
  }

  const storage = await listen((req, res) => {
    const r: LoopbackRequest = { server: 'storage', method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization }
    requests.push(r)
    if (r.authorization !== undefined) {
      authLeaks.push(r)
      res.writeHead(400, { 'content-type': 'application/xml' })
      res.end('<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>')
      return
    }
    const m = /^\/blobs\/(sha256:[a-f0-9]{64})\?/.exec(req.url ?? '')
    if (m?.[1] === undefined) {
      res.writeHead(404)
      res.end()
      return
    }
    serveBlob(res, req.method ?? 'GET', m[1])
  })

  const registry = await listen((req, res) => {
    const method = req.method ?? 'GET'
    const r: LoopbackRequest = { server: 'registry', method, url: req.url ?? '', authorization: req.headers.authorization }
    requests.push(r)
    req.resume()
    const failure = failures.shift()
    if (failure !== undefined) return ociError(res, failure, 'UNAVAILABLE', 'service unavailable, try again')
    if (r.authorization !== expected)
      return ociError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="loopback"' })
    const url = req.url ?? '/'
    if (url === '/v2/' || url === '/v2') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
      return
    }
    const blob = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/.exec(url)
    if (blob?.[2] !== undefined && (method === 'GET' || method === 'HEAD')) {
      const digest = blob[2]
      if (options.redirectBlobs === true && blobs.has(digest)) {
        res.writeHead(307, {
          location: `${storage.url}/blobs/${digest}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=${randomBytes(16).toString('hex')}`
        })
        res.end()
        return
      }
      return serveBlob(res, method, digest)
    }
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url)
    if (manifest?.[2] !== undefined && (method === 'GET' || method === 'HEAD')) {
      const m = options.manifests?.[manifest[2]]
      if (m === undefined) return ociError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown')
      res.writeHead(200, { 'content-type': m.mediaType, 'content-length': Buffer.byteLength(m.text) })
      res.end(method === 'HEAD' ? undefined : m.text)
      return
    }
    ociError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry')
  })

  return {
    url: registry.url,
    storageUrl: storage.url,
    username,
    password: options.password,
    requests,
    authLeaks,
    stop: async () => {
      await registry.close()
      await storage.close()
    }
  }
}
