// A loopback registry for the registry client's tests: an HTTP server that records every request
// (method, URL, headers, body, whether the body arrived whole), logins and environments for it.
import { createHash } from 'node:crypto'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Readable } from 'node:stream'
import type { EcrLogin, Logger } from '../../src/Env'
import { concat, constantDelay, limitRetries } from '../../src/Retry'
import type { RegistryHttpEnv } from '../../src/internal/wire'
import {
  isImageDigest,
  isImageTag,
  isRepositoryName,
  type ImageDigest,
  type ImageTag,
  type RepositoryName
} from '../../src/Primitives'

export interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
  readonly complete: boolean
}

export interface Server {
  readonly url: string
  readonly seen: Array<Seen>
  readonly close: () => Promise<void>
}

export type Handler = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void

const servers: Array<Server> = []

/** Closes every server `serve` started; call it in `afterEach`. */
export const closeServers = async (): Promise<void> => {
  while (servers.length > 0) await servers.pop()?.close()
}

export const serve = async (handler: Handler, options: { readonly eager?: boolean } = {}): Promise<Server> => {
  const seen: Array<Seen> = []
  const server = http.createServer((req, res) => {
    if (options.eager === true) {
      const record = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.alloc(0), complete: false }
      seen.push(record)
      handler(req, Buffer.alloc(0), res)
      return
    }
    const chunks: Array<Buffer> = []
    let done = false
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      done = true
      const body = Buffer.concat(chunks)
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, complete: true })
      handler(req, body, res)
    })
    req.on('close', () => {
      if (!done)
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), complete: false })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const s: Server = {
    url: `http://127.0.0.1:${port}`,
    seen,
    // closing twice is harmless: a test may close its server early (to get a refused connection)
    close: () =>
      new Promise<void>((resolve) => {
        const i = servers.indexOf(s)
        if (i >= 0) servers.splice(i, 1)
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
  servers.push(s)
  return s
}

/** A repository name, a tag, a digest: branded after a check, as callers of the registry client hold them. */
export const name = (s: string): RepositoryName => {
  if (!isRepositoryName(s)) throw new Error(`not a repository name: ${s}`)
  return s
}
export const tag = (s: string): ImageTag => {
  if (!isImageTag(s)) throw new Error(`not a tag: ${s}`)
  return s
}
export const digest = (s: string): ImageDigest => {
  if (!isImageDigest(s)) throw new Error(`not a digest: ${s}`)
  return s
}

/**
 * A registry that takes uploads (POST: a session at `/v2/app/blobs/uploads/u1`; PUT: stored, its
 * digest answered) and has the blobs of `has` (digest to size) for HEAD; other blobs are 404.
 */
export const acceptsUploads = (has: ReadonlyMap<string, number> = new Map()): Promise<Server> =>
  serve((req, body, res) => {
    if (req.method === 'HEAD') {
      const size = has.get(decodeURIComponent(req.url?.split('/').pop()?.split('?')[0] ?? ''))
      res.writeHead(size === undefined ? 404 : 200, size === undefined ? {} : { 'content-length': size })
      res.end()
      return
    }
    if (req.method === 'POST') {
      res.writeHead(202, { location: '/v2/app/blobs/uploads/u1' })
      res.end()
      return
    }
    res.writeHead(201, { 'docker-content-digest': sha256(body) })
    res.end()
  })

export const sha256 = (b: Uint8Array | string): ImageDigest => digest(`sha256:${createHash('sha256').update(b).digest('hex')}`)

export const PASSWORD = 'eyJwYXlsb2FkIjoiVGhpc0lzQVRlc3RQYXNzd29yZCJ9'
export const loginFor = (url: string, password = PASSWORD): EcrLogin => ({
  username: 'AWS',
  password,
  proxyEndpoint: `${url}/`,
  expiresAt: new Date(Date.now() + 3600_000)
})
export const basic = (password = PASSWORD): string => `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}`

export interface Logged {
  readonly level: string
  readonly message: string
  readonly meta: unknown
}

/**
 * An environment for the loopback registries: the global fetch, a logger into `logs`, 5 retries 1 ms
 * apart, and a `sleep` that records each wait in `slept` and waits 1 ms instead.
 */
export const envWith = (logs: Array<Logged> = [], slept: Array<number> = []): RegistryHttpEnv => {
  const log =
    (level: string) =>
    (message: string, meta?: unknown): void => {
      logs.push({ level, message, meta })
    }
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn') }
  return {
    fetch: globalThis.fetch,
    logger,
    retryPolicy: concat(limitRetries(5), constantDelay(1)),
    sleep: (ms) => {
      slept.push(ms)
      return new Promise((resolve) => setTimeout(resolve, 1))
    }
  }
}

export const json = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

export const ociError = (code: string, message: string) => ({ errors: [{ code, message, detail: 'details' }] })

export const CONFIG = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux' }))
export const CONFIG_DIGEST = sha256(CONFIG)

/** The whole of a stream; rejects with the error the stream failed with. */
export const collect = async (r: Readable): Promise<Buffer> => {
  const chunks: Array<Buffer> = []
  for await (const c of r) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}
