/**
 * An undici `Dispatcher` that answers in-process, without sockets: it reads a request (origin, path,
 * method, headers, body of any kind undici accepts), hands it to a `Serve` function and delivers the
 * answer to the handler in 64 KiB chunks, honouring pause/resume and abort. It speaks both handler
 * interfaces of undici 7: the legacy one (`onConnect`/`onHeaders`/`onData`/`onComplete`/`onError`,
 * used by `request`, `stream`, `pipeline` and `fetch`) and the new one (`onRequestStart`/
 * `onResponseStart`/`onResponseData`/`onResponseEnd`/`onResponseError`, used by interceptors).
 *
 * @since 0.1.0
 */
import { Dispatcher, errors } from 'undici'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** @internal A request as the twin sees it: header names lower-cased, body read in full. */
export interface HttpRequest {
  readonly method: string
  readonly url: URL
  readonly headers: ReadonlyMap<string, string>
  readonly body: Buffer
}

/** @internal */
export interface HttpResponse {
  readonly status: number
  readonly headers: ReadonlyArray<readonly [string, string]>
  /** Absent: no body (HEAD answers still carry their Content-Length). */
  readonly body?: Buffer
}

/** @internal A response, or a connection-level failure (reset, unknown host). */
export type Outcome =
  | { readonly _tag: 'response'; readonly response: HttpResponse }
  | { readonly _tag: 'error'; readonly error: Error }

/** @internal */
export type Serve = (request: HttpRequest) => Promise<Outcome>

/** @internal Size of the body chunks handed to the handler. */
export const CHUNK_SIZE = 64 * 1024

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const headerValue = (v: unknown): string =>
  Array.isArray(v) ? v.map(headerValue).join(', ') : Buffer.isBuffer(v) ? v.toString('latin1') : String(v)

const isIterable = (u: unknown): u is Iterable<unknown> =>
  typeof u === 'object' && u !== null && typeof (u as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'

const isAsyncIterable = (u: unknown): u is AsyncIterable<unknown> =>
  typeof u === 'object' &&
  u !== null &&
  typeof (u as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'

/** @internal Headers of any form undici takes (object, flat array, iterable of pairs), lower-cased. */
export const normalizeHeaders = (headers: unknown): Map<string, string> => {
  const out = new Map<string, string>()
  const add = (k: unknown, v: unknown) => {
    if (v === undefined || v === null) return
    const name = headerValue(k).toLowerCase()
    const value = headerValue(v)
    const prev = out.get(name)
    out.set(name, prev === undefined ? value : `${prev}, ${value}`)
  }
  if (headers === null || headers === undefined) return out
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) {
      for (const pair of headers as ReadonlyArray<ReadonlyArray<unknown>>) add(pair[0], pair[1])
    } else {
      for (let i = 0; i + 1 < headers.length; i += 2) add(headers[i], headers[i + 1])
    }
    return out
  }
  if (isIterable(headers) && !(typeof headers === 'string')) {
    for (const pair of headers) if (Array.isArray(pair)) add(pair[0], pair[1])
    return out
  }
  if (typeof headers === 'object') for (const [k, v] of Object.entries(headers as Record<string, unknown>)) add(k, v)
  return out
}

const toBuffer = (chunk: unknown): Buffer =>
  Buffer.isBuffer(chunk)
    ? chunk
    : typeof chunk === 'string'
    ? Buffer.from(chunk)
    : ArrayBuffer.isView(chunk)
    ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    : chunk instanceof ArrayBuffer
    ? Buffer.from(chunk)
    : Buffer.from(String(chunk))

/** @internal Reads a request body of any kind undici accepts into one buffer. */
export const readBody = async (body: unknown): Promise<Buffer> => {
  if (body === null || body === undefined) return Buffer.alloc(0)
  if (typeof body === 'string' || Buffer.isBuffer(body) || ArrayBuffer.isView(body) || body instanceof ArrayBuffer)
    return toBuffer(body)
  if (
    typeof body === 'object' &&
    typeof (body as { arrayBuffer?: unknown }).arrayBuffer === 'function' &&
    !isAsyncIterable(body)
  )
    return Buffer.from(await (body as { arrayBuffer: () => Promise<ArrayBuffer> }).arrayBuffer())
  const chunks: Array<Buffer> = []
  if (isAsyncIterable(body)) {
    for await (const chunk of body) chunks.push(toBuffer(chunk))
  } else if (isIterable(body)) {
    for (const chunk of body) chunks.push(toBuffer(chunk))
  } else {
    return Promise.reject(
      new errors.InvalidArgumentError(
        'body must be a string, a Buffer, a Readable stream, an iterable, or an async iterable'
      )
    )
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)
}

const drain = (body: unknown): void => {
  if (body === null || body === undefined || typeof body !== 'object') return
  const stream = body as { readonly on?: unknown; readonly resume?: unknown }
  if (typeof stream.on === 'function' && typeof stream.resume === 'function') {
    ;(body as { on: (e: string, f: () => void) => void }).on('error', () => undefined)
    ;(body as { resume: () => void }).resume()
  }
}

// -------------------------------------------------------------------------------------
// handler adapters: one shape over undici's two handler interfaces
// -------------------------------------------------------------------------------------

interface Flow {
  paused: boolean
  aborted: Error | undefined
  finished: boolean
  wake: Array<() => void>
}

const wakeAll = (flow: Flow) => {
  const ws = flow.wake.splice(0)
  for (const w of ws) w()
}

const whenResumed = (flow: Flow): Promise<void> =>
  !flow.paused || flow.aborted !== undefined ? Promise.resolve() : new Promise((resolve) => flow.wake.push(resolve))

interface Adapter {
  readonly start: () => void
  /** Returns false when the handler asks for a pause. */
  readonly headers: (status: number, headers: ReadonlyArray<readonly [string, string]>, statusText: string) => boolean
  readonly data: (chunk: Buffer) => boolean
  readonly complete: () => void
  readonly error: (e: Error) => void
}

type AnyHandler = Dispatcher.DispatchHandler & Record<string, unknown>

const adapt = (handler: AnyHandler, flow: Flow, abort: (reason?: Error) => void): Adapter => {
  const resume = () => {
    flow.paused = false
    wakeAll(flow)
  }
  if (typeof handler.onRequestStart === 'function') {
    const controller: Dispatcher.DispatchController = {
      get aborted() {
        return flow.aborted !== undefined
      },
      get paused() {
        return flow.paused
      },
      get reason() {
        return flow.aborted ?? null
      },
      abort: (reason: Error) => abort(reason),
      pause: () => {
        flow.paused = true
      },
      resume
    }
    return {
      start: () => handler.onRequestStart?.(controller, {}),
      headers: (status, headers, statusText) => {
        const obj: Record<string, string | Array<string>> = {}
        for (const [k, v] of headers) {
          const key = k.toLowerCase()
          const prev = obj[key]
          obj[key] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]
        }
        controller.rawHeaders = headers.flatMap(([k, v]) => [Buffer.from(k, 'latin1'), Buffer.from(v, 'latin1')])
        handler.onResponseStart?.(controller, status, obj, statusText)
        return !flow.paused
      },
      data: (chunk) => {
        handler.onResponseData?.(controller, chunk)
        return !flow.paused
      },
      complete: () => handler.onResponseEnd?.(controller, {}),
      error: (e) => handler.onResponseError?.(controller, e)
    }
  }
  return {
    start: () => handler.onConnect?.(abort),
    headers: (status, headers, statusText) => {
      const raw = headers.flatMap(([k, v]) => [Buffer.from(k, 'latin1'), Buffer.from(v, 'latin1')])
      handler.onResponseStarted?.()
      return handler.onHeaders?.(status, raw, resume, statusText) !== false
    },
    data: (chunk) => handler.onData?.(chunk) !== false,
    complete: () => handler.onComplete?.([]),
    error: (e) => handler.onError?.(e)
  }
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  206: 'Partial Content',
  307: 'Temporary Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  416: 'Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable'
}

// -------------------------------------------------------------------------------------
// dispatch
// -------------------------------------------------------------------------------------

interface InFlight {
  readonly abort: (reason?: Error) => void
  readonly done: Promise<void>
}

const run = (serve: Serve, opts: Dispatcher.DispatchOptions, handler: AnyHandler, inflight: Set<InFlight>): void => {
  const flow: Flow = { paused: false, aborted: undefined, finished: false, wake: [] }
  let aborted: (() => void) | undefined
  const abortSignal = new Promise<'aborted'>((resolve) => {
    aborted = () => resolve('aborted')
  })
  const abort = (reason?: Error) => {
    if (flow.finished || flow.aborted !== undefined) return
    flow.aborted = reason ?? new errors.RequestAbortedError()
    wakeAll(flow)
    aborted?.()
  }
  const adapter = adapt(handler, flow, abort)
  const fail = (e: unknown) => {
    if (flow.finished) return
    flow.finished = true
    try {
      adapter.error(e instanceof Error ? e : new Error(String(e)))
    } catch {
      // a handler without an error callback: nothing more to tell it
    }
  }
  const main = async (): Promise<void> => {
    adapter.start()
    if (flow.aborted !== undefined) return fail(flow.aborted)
    const origin = typeof opts.origin === 'string' ? opts.origin : opts.origin?.toString() ?? ''
    const query =
      opts.query !== undefined && opts.query !== null
        ? new URLSearchParams(Object.entries(opts.query).map(([k, v]) => [k, String(v)])).toString()
        : ''
    const path = query === '' ? opts.path : `${opts.path}${opts.path.includes('?') ? '&' : '?'}${query}`
    let url: URL
    try {
      url = new URL(path, origin)
    } catch {
      return fail(new errors.InvalidArgumentError(`invalid origin or path: ${origin} ${opts.path}`))
    }
    const method = String(opts.method).toUpperCase()
    let body: Buffer
    if (method === 'GET' || method === 'HEAD') {
      drain(opts.body)
      body = Buffer.alloc(0)
    } else {
      const read = await Promise.race([readBody(opts.body), abortSignal])
      if (read === 'aborted') return fail(flow.aborted)
      body = read
    }
    const outcome = await Promise.race([
      serve({ method, url, headers: normalizeHeaders(opts.headers), body }),
      abortSignal
    ])
    if (outcome === 'aborted' || flow.aborted !== undefined) return fail(flow.aborted)
    if (outcome._tag === 'error') return fail(outcome.error)
    const res = outcome.response
    if (!adapter.headers(res.status, res.headers, STATUS_TEXT[res.status] ?? '')) flow.paused = true
    await whenResumed(flow)
    if (flow.aborted !== undefined) return fail(flow.aborted)
    const bytes = method === 'HEAD' ? undefined : res.body
    if (bytes !== undefined) {
      for (let offset = 0; offset < bytes.length; offset += CHUNK_SIZE) {
        if (!adapter.data(bytes.subarray(offset, Math.min(bytes.length, offset + CHUNK_SIZE)))) flow.paused = true
        await whenResumed(flow)
        if (flow.aborted !== undefined) return fail(flow.aborted)
      }
    }
    flow.finished = true
    adapter.complete()
  }
  const done = main().then(
    () => undefined,
    (e: unknown) => fail(e)
  )
  const entry: InFlight = { abort, done }
  inflight.add(entry)
  void done.then(() => {
    inflight.delete(entry)
  })
}

/** @internal A `Dispatcher` answering with `serve`, in-process. */
export const make = (serve: Serve): Dispatcher => {
  const inflight = new Set<InFlight>()
  let closed = false
  let destroyed = false
  const settle = (): Promise<void> => Promise.all([...inflight].map((f) => f.done)).then(() => undefined)
  class InMemoryDispatcher extends Dispatcher {
    dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      if (closed) {
        const h = handler as AnyHandler
        const e = destroyed ? new errors.ClientDestroyedError() : new errors.ClientClosedError()
        queueMicrotask(() => {
          try {
            if (typeof h.onRequestStart === 'function') h.onResponseError?.({} as Dispatcher.DispatchController, e)
            else h.onError?.(e)
          } catch {
            // nothing to tell
          }
        })
        return false
      }
      run(serve, opts, handler as AnyHandler, inflight)
      return true
    }
    close(): Promise<void>
    close(callback: () => void): void
    close(callback?: () => void): Promise<void> | void {
      closed = true
      const p = settle()
      if (callback === undefined) return p
      void p.then(callback)
    }
    destroy(err: Error | null, callback: () => void): void
    destroy(callback: () => void): void
    destroy(err: Error | null): Promise<void>
    destroy(): Promise<void>
    destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
      closed = true
      destroyed = true
      const err = typeof a === 'function' || a === undefined || a === null ? new errors.ClientDestroyedError() : a
      for (const f of inflight) f.abort(err)
      const p = settle()
      const callback = typeof a === 'function' ? a : b
      if (callback === undefined) return p
      void p.then(callback)
    }
  }
  return new InMemoryDispatcher()
}
