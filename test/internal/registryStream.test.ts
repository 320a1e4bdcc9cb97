import { afterEach, describe, expect, it } from 'vitest'
import { build } from 'esbuild'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import type * as http from 'node:http'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import { Agent, type Dispatcher } from 'undici'
import { getBlob } from '../../src/internal/registry'
import { openBlob, streamError, uploadBlob } from '../../src/internal/registryStream'
import {
  acceptsUploads,
  basic,
  closeServers,
  collect,
  CONFIG,
  CONFIG_DIGEST,
  envWith,
  json,
  loginFor,
  name,
  ociError,
  serve,
  sha256,
  type Logged
} from './registryServer'

afterEach(closeServers)

/** An agent that records `METHOD path` of every request it dispatches. */
const recordingAgent = (): { readonly dispatcher: Dispatcher; readonly seen: Array<string>; readonly close: () => Promise<void> } => {
  const agent = new Agent()
  const seen: Array<string> = []
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    seen.push(`${opts.method} ${opts.path}`)
    return dispatch(opts, handler)
  })
  return { dispatcher, seen, close: () => agent.close() }
}

/** `globalThis.fetch` that records `METHOD path` of every request. */
const recordingFetch = (): { readonly fetch: (input: string, init?: RequestInit) => Promise<Response>; readonly seen: Array<string> } => {
  const seen: Array<string> = []
  return {
    seen,
    fetch: (input, init) => {
      const u = new URL(input)
      seen.push(`${init?.method ?? 'GET'} ${u.pathname}${u.search}`)
      return globalThis.fetch(input, init)
    }
  }
}

// -------------------------------------------------------------------------------------
// transports: which request goes where
// -------------------------------------------------------------------------------------

describe('transports', () => {
  it('openBlob goes through env.dispatcher only; getBlob through env.fetch only', async () => {
    const s = await serve((_req, _b, res) => {
      res.writeHead(200, { 'content-length': CONFIG.length })
      res.end(CONFIG)
    })
    const agent = recordingAgent()
    const fetch = recordingFetch()
    const env = { ...envWith(), fetch: fetch.fetch, dispatcher: agent.dispatcher }
    const opened = await openBlob(loginFor(s.url), name('app'), CONFIG_DIGEST)(env)()
    expect(E.isRight(opened)).toBe(true)
    if (E.isRight(opened)) expect((await collect(opened.right.body)).equals(CONFIG)).toBe(true)
    expect(agent.seen).toEqual([`GET /v2/app/blobs/${CONFIG_DIGEST}`])
    expect(fetch.seen).toEqual([])
    const got = await getBlob(loginFor(s.url), name('app'), CONFIG_DIGEST)(env)()
    expect(E.isRight(got) && got.right.equals(CONFIG)).toBe(true)
    expect(agent.seen).toHaveLength(1)
    expect(fetch.seen).toEqual([`GET /v2/app/blobs/${CONFIG_DIGEST}`])
    await agent.close()
  })

  it('uploadBlob opens the session through env.fetch and streams the PUT through env.dispatcher', async () => {
    const s = await acceptsUploads()
    const agent = recordingAgent()
    const fetch = recordingFetch()
    const data = Buffer.alloc(100_000, 9)
    const env = { ...envWith(), fetch: fetch.fetch, dispatcher: agent.dispatcher }
    const r = await uploadBlob(loginFor(s.url), name('app'), sha256(data), () => Readable.from([data]), data.length)(env)()
    expect(r).toEqual(E.right(undefined))
    expect(fetch.seen).toEqual(['POST /v2/app/blobs/uploads/'])
    expect(agent.seen).toEqual([`PUT /v2/app/blobs/uploads/u1?digest=${encodeURIComponent(sha256(data))}`])
    expect(s.seen[1]?.body.equals(data)).toBe(true)
    await agent.close()
  })

  it('any bytes open and upload unchanged, in any chunking', async () => {
    const stored = new Map<string, Buffer>()
    const s = await serve((req, body, res) => {
      const u = new URL(req.url ?? '', 'http://x')
      if (req.method === 'POST') {
        res.writeHead(202, { location: '/v2/app/blobs/uploads/u' })
        res.end()
        return
      }
      if (req.method === 'PUT') {
        stored.set(u.searchParams.get('digest') ?? '', body)
        res.writeHead(201)
        res.end()
        return
      }
      const blob = stored.get(u.pathname.split('/').pop() ?? '')
      if (blob === undefined) return json(res, 404, ociError('BLOB_UNKNOWN', 'no such blob'))
      res.writeHead(200, { 'content-length': blob.length })
      res.end(blob)
    })
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 4096 }), { maxLength: 6 }), async (chunks) => {
        const data = Buffer.concat(chunks)
        const digest = sha256(data)
        const up = await uploadBlob(loginFor(s.url), name('app'), digest, () => Readable.from(chunks.map((c) => Buffer.from(c))), data.length)(envWith())()
        expect(up).toEqual(E.right(undefined))
        expect(stored.get(digest)?.equals(data)).toBe(true)
        const opened = await openBlob(loginFor(s.url), name('app'), digest)(envWith())()
        expect(E.isRight(opened)).toBe(true)
        if (E.isRight(opened)) {
          expect(opened.right.size).toBe(data.length)
          expect((await collect(opened.right.body)).equals(data)).toBe(true)
        }
      }),
      { numRuns: 25 }
    )
  })
})

// -------------------------------------------------------------------------------------
// streaming and uploads
// -------------------------------------------------------------------------------------

describe('openBlob', () => {
  it('streams verified bytes with their size', async () => {
    const data = Buffer.alloc(300_000, 7)
    const s = await serve((_req, _b, res) => {
      res.writeHead(200, { 'content-length': data.length })
      res.end(data)
    })
    const r = await openBlob(loginFor(s.url), name('app'), sha256(data))(envWith())()
    expect(E.isRight(r)).toBe(true)
    if (E.isRight(r)) {
      expect(r.right.size).toBe(data.length)
      expect((await collect(r.right.body)).equals(data)).toBe(true)
    }
  })

  it('a tampered stream errors at its end; streamError maps it to DigestMismatch', async () => {
    const s = await serve((_req, _b, res) => res.end(Buffer.from('tampered')))
    const r = await openBlob(loginFor(s.url), name('app'), CONFIG_DIGEST)(envWith())()
    expect(E.isRight(r)).toBe(true)
    if (E.isRight(r)) {
      const failure = await collect(r.right.body).then(
        () => undefined,
        (e: unknown) => e
      )
      expect(streamError(failure)._tag).toBe('DigestMismatch')
    }
  })

  it('a connection refused through the dispatcher is a retryable status-0 HttpError', async () => {
    const s = await serve(() => undefined)
    const url = s.url
    await s.close()
    const logs: Array<Logged> = []
    const r = await openBlob(loginFor(url), name('app'), CONFIG_DIGEST)(envWith(logs))()
    expect(E.isLeft(r) && r.left._tag === 'HttpError' && r.left.status).toBe(0)
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(5)
  })
})

describe('uploadBlob', () => {
  /** A registry that takes uploads at a Location that already has a query. */
  const uploadServer = (onPut?: (n: number, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => boolean) => {
    let puts = 0
    return serve((req, body, res) => {
      if (req.method === 'POST') {
        res.writeHead(202, { location: '/v2/app/blobs/uploads/abc?_state=xyz%3D', 'docker-upload-uuid': 'abc' })
        res.end()
        return
      }
      if (req.method === 'PUT') {
        puts++
        if (onPut?.(puts, req, res, body) === true) return
        const u = new URL(req.url ?? '', 'http://x')
        const d = u.searchParams.get('digest')
        if (d !== sha256(body)) return json(res, 400, ociError('DIGEST_INVALID', 'provided digest did not match uploaded content'))
        res.writeHead(201, { 'docker-content-digest': d, location: `/v2/app/blobs/${d}` })
        res.end()
        return
      }
      res.writeHead(405)
      res.end()
    })
  }

  it('POSTs a session, then PUTs the bytes to Location with the digest merged into its query', async () => {
    const s = await uploadServer()
    const data = Buffer.from('layer bytes')
    const r = await uploadBlob(loginFor(s.url), name('app'), sha256(data), () => Readable.from([data]), data.length)(envWith())()
    expect(r).toEqual(E.right(undefined))
    expect(s.seen.map((x) => x.method)).toEqual(['POST', 'PUT'])
    expect(s.seen[1]?.url).toBe(`/v2/app/blobs/uploads/abc?_state=xyz%3D&digest=${encodeURIComponent(sha256(data))}`)
    expect(s.seen[1]?.headers.authorization).toBe(basic())
    expect(s.seen[1]?.headers['content-length']).toBe(String(data.length))
    expect(s.seen[1]?.body.equals(data)).toBe(true)
  })

  it('accepts bytes and one-shot streams', async () => {
    const s = await uploadServer()
    const data = Buffer.from('more bytes')
    expect(await uploadBlob(loginFor(s.url), name('app'), sha256(data), data)(envWith())()).toEqual(E.right(undefined))
    expect(await uploadBlob(loginFor(s.url), name('app'), sha256(data), Readable.from([data]))(envWith())()).toEqual(E.right(undefined))
  })

  it('content that does not match the digest is a DigestMismatch and the registry never gets all of it', async () => {
    const s = await uploadServer()
    const data = Buffer.alloc(200_000, 3)
    const wrong = sha256('something else')
    // the second half comes a moment later, once the PUT is on its way
    const source = () =>
      Readable.from(
        (async function* () {
          yield data.subarray(0, 100_000)
          await new Promise((r) => setTimeout(r, 100))
          yield data.subarray(100_000)
        })()
      )
    const r = await uploadBlob(loginFor(s.url), name('app'), wrong, source, data.length)(envWith())()
    expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
    expect(E.isLeft(r) && r.left).toMatchObject({ subject: `app@${wrong}`, operation: 'upload blob' })
    // the server notices the aborted request a moment later
    for (let i = 0; i < 100 && !s.seen.some((x) => x.method === 'PUT'); i++) await new Promise((r) => setTimeout(r, 10))
    const puts = s.seen.filter((x) => x.method === 'PUT')
    expect(puts.length).toBeGreaterThan(0)
    expect(puts.every((p) => !p.complete && p.body.length < data.length)).toBe(true)
    const bytes = await uploadBlob(loginFor(s.url), name('app'), wrong, data)(envWith())()
    expect(E.isLeft(bytes) && bytes.left._tag).toBe('DigestMismatch')
    expect(E.isLeft(bytes) && bytes.left.message).toContain(`(upload blob of app@${wrong})`)
  })

  it('retries a failed PUT by opening the source again', async () => {
    const s = await uploadServer((n, _req, res) => {
      if (n > 2) return false
      json(res, 503, ociError('UNAVAILABLE', 'later'))
      return true
    })
    const data = Buffer.from('retry me')
    let opened = 0
    const r = await uploadBlob(loginFor(s.url), name('app'), sha256(data), () => (opened++, Readable.from([data])))(envWith())()
    expect(r).toEqual(E.right(undefined))
    expect(opened).toBe(3)
    expect(s.seen.map((x) => x.method)).toEqual(['POST', 'PUT', 'POST', 'PUT', 'POST', 'PUT'])
  })

  it('does not retry a PUT whose one-shot stream is spent', async () => {
    const s = await uploadServer((_n, _req, res) => {
      json(res, 503, ociError('UNAVAILABLE', 'later'))
      return true
    })
    const data = Buffer.from('once')
    const r = await uploadBlob(loginFor(s.url), name('app'), sha256(data), Readable.from([data]))(envWith())()
    expect(E.isLeft(r) && r.left._tag === 'HttpError' && r.left.status).toBe(503)
    expect(s.seen.filter((x) => x.method === 'PUT')).toHaveLength(1)
  })

  it('an absolute Location on the registry origin is used as is', async () => {
    let base = ''
    const s = await serve((req, body, res) => {
      if (req.method === 'POST') {
        res.writeHead(202, { location: `${base}/v2/app/blobs/uploads/u1` })
        res.end()
        return
      }
      res.writeHead(201, { 'docker-content-digest': sha256(body) })
      res.end()
    })
    base = s.url
    const data = Buffer.from('abs')
    expect(await uploadBlob(loginFor(s.url), name('app'), sha256(data), data)(envWith())()).toEqual(E.right(undefined))
    expect(s.seen[1]?.url).toBe(`/v2/app/blobs/uploads/u1?digest=${encodeURIComponent(sha256(data))}`)
  })
})

// -------------------------------------------------------------------------------------
// the module split: only registryStream loads undici
// -------------------------------------------------------------------------------------

const ROOT = path.resolve(__dirname, '..', '..')

/** The packages (and whether undici or STS is among them) in a minified bundle of `contents`, from the sources. */
const bundleOf = async (contents: string): Promise<{ readonly bytes: number; readonly inputs: ReadonlyArray<string> }> => {
  const out = await build({
    stdin: { contents, resolveDir: ROOT, sourcefile: 'entry.mjs', loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    write: false,
    metafile: true,
    outfile: 'bundle.js',
    logLevel: 'silent',
    mainFields: ['module', 'main']
  })
  const output = Object.values(out.metafile.outputs)[0]
  const inputs = Object.entries(output?.inputs ?? {})
    .filter(([, info]) => info.bytesInOutput > 0)
    .map(([input]) => input)
  return { bytes: out.outputFiles[0]?.contents.byteLength ?? 0, inputs }
}

const hasPackage = (inputs: ReadonlyArray<string>, name: string): boolean => inputs.some((i) => i.includes(`node_modules/${name}/`))

describe('module split', () => {
  it.each([
    ['Image.getConfig', "import { getConfig } from './src/Image'\nconsole.log(getConfig)"],
    ['Env.make', "import { make } from './src/Env'\nconsole.log(make)"],
    ['the registry operations', "import * as R from './src/internal/registry'\nconsole.log(R)"],
    ['the wire layer', "import * as W from './src/internal/wire'\nconsole.log(W)"],
    ['resolveImageUri', "import { resolveImageUri } from './src/resolve'\nconsole.log(resolveImageUri)"]
  ])('%s bundles without undici and without the STS client', async (_name, program) => {
    const b = await bundleOf(program)
    expect(b.inputs.some((i) => i.startsWith('src/'))).toBe(true)
    expect(hasPackage(b.inputs, 'undici')).toBe(false)
    expect(hasPackage(b.inputs, '@aws-sdk/client-sts')).toBe(false)
  })

  it('registryStream brings undici; Env.fromDefaults the STS client', async () => {
    expect(hasPackage((await bundleOf("import * as S from './src/internal/registryStream'\nconsole.log(S)")).inputs, 'undici')).toBe(true)
    const env = await bundleOf("import { fromDefaults } from './src/Env'\nconsole.log(fromDefaults)")
    expect(hasPackage(env.inputs, '@aws-sdk/client-sts')).toBe(true)
    expect(hasPackage(env.inputs, 'undici')).toBe(false)
  })
})

describe('openBlob with the size a descriptor declares', () => {
  it('a Content-Length that differs is a DigestMismatch before anything is read', async () => {
    const s = await serve((_req, _b, res) => {
      res.writeHead(200, { 'content-length': CONFIG.length })
      res.end(CONFIG)
    })
    const r = await openBlob(loginFor(s.url), name('app'), CONFIG_DIGEST, { expectedSize: 5 })(envWith())()
    expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
    const ok = await openBlob(loginFor(s.url), name('app'), CONFIG_DIGEST, { expectedSize: CONFIG.length })(envWith())()
    expect(E.isRight(ok)).toBe(true)
    if (E.isRight(ok)) expect((await collect(ok.right.body)).equals(CONFIG)).toBe(true)
  })

  it('without a Content-Length, the verified stream errors at its end', async () => {
    const s = await serve((_req, _b, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' })
      res.end(CONFIG)
    })
    const r = await openBlob(loginFor(s.url), name('app'), CONFIG_DIGEST, { expectedSize: CONFIG.length + 1 })(envWith())()
    expect(E.isRight(r)).toBe(true)
    if (E.isLeft(r)) return
    const failure = await collect(r.right.body).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(streamError(failure)._tag).toBe('DigestMismatch')
  })
})
