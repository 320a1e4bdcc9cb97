/**
 * A small counting HTTP proxy in front of a registry (bench/sync.ts): every request is passed on as
 * it came (Host header included, so the registry's absolute `Location` headers point back at the
 * proxy), bodies streamed both ways, and what the registry answered is recorded per request:
 * completed blob uploads (with their digest), mounts, upload sessions, blob reads, manifest writes
 * and the bytes sent in upload bodies. Tools under test talk to the proxy instead of the registry.
 */
import * as http from 'node:http'
import type * as net from 'node:net'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What one request to a registry was, from its method, path (with query) and answer. */
export type RequestKind =
  /** `PUT .../blobs/uploads/<id>?digest=` answered 201: a blob arrived (monolithic or last chunk). */
  | { readonly _tag: 'uploadCompleted'; readonly digest: string }
  /** `POST .../blobs/uploads/?mount=<digest>&from=<repo>` answered 201: linked without sending bytes. */
  | { readonly _tag: 'mounted'; readonly digest: string }
  /** `POST .../blobs/uploads/` answered 202: a session opened (a mount the registry refused included). */
  | { readonly _tag: 'uploadStarted' }
  /** `PATCH .../blobs/uploads/<id>`: a chunk. */
  | { readonly _tag: 'uploadChunk' }
  /** `GET .../blobs/<digest>` answered 200 or a redirect: a blob read. */
  | { readonly _tag: 'blobRead'; readonly digest: string }
  /** `HEAD .../blobs/<digest>`: an existence check. */
  | { readonly _tag: 'blobCheck'; readonly digest: string; readonly found: boolean }
  /** `PUT .../manifests/<reference>` answered 201. */
  | { readonly _tag: 'manifestPut'; readonly reference: string }
  /** `GET` or `HEAD .../manifests/<reference>`. */
  | { readonly _tag: 'manifestRead'; readonly reference: string }
  /** Anything else (`/v2/`, tag lists, failed requests...). */
  | { readonly _tag: 'other' }

const DIGEST = '[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+'
const BLOB = new RegExp(`^/v2/.+/blobs/(${DIGEST})$`)
const UPLOADS = /^\/v2\/.+\/blobs\/uploads\/?$/
const UPLOAD = /^\/v2\/.+\/blobs\/uploads\/[^/]+$/
const MANIFEST = /^\/v2\/.+\/manifests\/([^/]+)$/

/** Classifies one request by its method, its path and query, and the status the registry answered. */
export const classify = (method: string, url: string, status: number): RequestKind => {
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1))
  const m = method.toUpperCase()
  if (UPLOADS.test(path) && m === 'POST') {
    const mount = query.get('mount')
    if (status === 201 && mount !== null) return { _tag: 'mounted', digest: mount }
    if (status === 202) return { _tag: 'uploadStarted' }
    return { _tag: 'other' }
  }
  if (UPLOAD.test(path)) {
    const digest = query.get('digest')
    if (m === 'PUT' && status === 201 && digest !== null) return { _tag: 'uploadCompleted', digest }
    if (m === 'PATCH' && status === 202) return { _tag: 'uploadChunk' }
    return { _tag: 'other' }
  }
  const blob = BLOB.exec(path)
  if (blob?.[1] !== undefined) {
    if (m === 'HEAD') return { _tag: 'blobCheck', digest: blob[1], found: status === 200 }
    if (m === 'GET' && (status === 200 || (status >= 300 && status < 400))) return { _tag: 'blobRead', digest: blob[1] }
    return { _tag: 'other' }
  }
  const manifest = MANIFEST.exec(path)
  if (manifest?.[1] !== undefined) {
    if (m === 'PUT' && status === 201) return { _tag: 'manifestPut', reference: manifest[1] }
    if (m === 'GET' || m === 'HEAD') return { _tag: 'manifestRead', reference: manifest[1] }
  }
  return { _tag: 'other' }
}

export interface Counted {
  readonly method: string
  readonly url: string
  readonly status: number
  /** Request body bytes that passed through the proxy. */
  readonly bytesIn: number
  /** Response body bytes that passed through the proxy. */
  readonly bytesOut: number
  readonly kind: RequestKind
}

/** The counts a benchmark reports for one side of a run. */
export interface Counts {
  readonly requests: number
  /** Completed blob uploads (each one a blob's bytes sent). */
  readonly blobUploads: number
  /** Distinct digests among the completed uploads. */
  readonly distinctBlobsUploaded: number
  /** Digests uploaded more than once, with how many times. */
  readonly duplicateUploads: Readonly<Record<string, number>>
  readonly mounts: number
  readonly uploadSessions: number
  readonly uploadChunks: number
  /** Bytes of request bodies sent to upload URLs (PATCH and PUT). */
  readonly uploadedBytes: number
  readonly blobReads: number
  /** Distinct digests among the blob reads. */
  readonly distinctBlobsRead: number
  /** Bytes of blob GET responses. */
  readonly readBytes: number
  readonly blobChecks: number
  readonly manifestPuts: number
  readonly manifestReads: number
}

/** Sums recorded requests into `Counts`. */
export const count = (requests: ReadonlyArray<Counted>): Counts => {
  const uploads = new Map<string, number>()
  const reads = new Set<string>()
  let mounts = 0
  let uploadSessions = 0
  let uploadChunks = 0
  let uploadedBytes = 0
  let blobReads = 0
  let readBytes = 0
  let blobChecks = 0
  let manifestPuts = 0
  let manifestReads = 0
  for (const r of requests) {
    const k = r.kind
    switch (k._tag) {
      case 'uploadCompleted':
        uploads.set(k.digest, (uploads.get(k.digest) ?? 0) + 1)
        uploadedBytes += r.bytesIn
        break
      case 'uploadChunk':
        uploadChunks++
        uploadedBytes += r.bytesIn
        break
      case 'mounted':
        mounts++
        break
      case 'uploadStarted':
        uploadSessions++
        break
      case 'blobRead':
        blobReads++
        reads.add(k.digest)
        readBytes += r.bytesOut
        break
      case 'blobCheck':
        blobChecks++
        break
      case 'manifestPut':
        manifestPuts++
        break
      case 'manifestRead':
        manifestReads++
        break
      case 'other':
        break
    }
  }
  const duplicateUploads: Record<string, number> = {}
  for (const [d, n] of uploads) if (n > 1) duplicateUploads[d] = n
  return {
    requests: requests.length,
    blobUploads: [...uploads.values()].reduce((a, b) => a + b, 0),
    distinctBlobsUploaded: uploads.size,
    duplicateUploads,
    mounts,
    uploadSessions,
    uploadChunks,
    uploadedBytes,
    blobReads,
    distinctBlobsRead: reads.size,
    readBytes,
    blobChecks,
    manifestPuts,
    manifestReads
  }
}

// -------------------------------------------------------------------------------------
// the proxy
// -------------------------------------------------------------------------------------

export interface CountingProxy {
  /** `http://127.0.0.1:<port>`: give this to the tool instead of the registry's URL. */
  readonly url: string
  /** Requests answered so far, oldest first. */
  readonly requests: () => ReadonlyArray<Counted>
  readonly reset: () => void
  readonly stop: () => Promise<void>
}

/** Starts a proxy on a free loopback port in front of `upstream` (`http://host:port`). */
export const startCountingProxy = async (upstream: string): Promise<CountingProxy> => {
  const target = new URL(upstream)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
  let recorded: Array<Counted> = []
  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET'
    const url = req.url ?? '/'
    let bytesIn = 0
    let bytesOut = 0
    req.on('data', (c: Buffer) => (bytesIn += c.length))
    const up = http.request(
      { host: target.hostname, port: target.port, method, path: url, headers: req.headers, agent },
      (upRes) => {
        const status = upRes.statusCode ?? 0
        res.writeHead(status, upRes.rawHeaders)
        upRes.on('data', (c: Buffer) => (bytesOut += c.length))
        upRes.on('end', () => recorded.push({ method, url, status, bytesIn, bytesOut, kind: classify(method, url, status) }))
        upRes.pipe(res)
      }
    )
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(up)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => recorded,
    reset: () => {
      recorded = []
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
        agent.destroy()
      })
  }
}
