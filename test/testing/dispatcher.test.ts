import * as fc from 'fast-check'
import { Readable } from 'stream'
import { Dispatcher, errors, request } from 'undici'
import { describe, expect, it } from 'vitest'
import {
  CHUNK_SIZE,
  make,
  normalizeHeaders,
  readBody,
  type HttpRequest,
  type Serve
} from '../../src/testing/dispatcher'
import { rejection } from './fixtures'

const bytesServe =
  (bytes: Buffer, seen?: Array<HttpRequest>): Serve =>
  async (req) => {
    seen?.push(req)
    return {
      _tag: 'response',
      response: {
        status: 200,
        headers: [
          ['content-length', String(bytes.length)],
          ['x-a', '1']
        ],
        body: bytes
      }
    }
  }

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5))
}

describe('normalizeHeaders', () => {
  const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/)
  const headerValue = fc.stringMatching(/^[ -~]{0,20}$/).map((s) => s.trim())

  it('reads objects, flat arrays and pair lists the same way, lower-casing names', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(headerName, headerValue), { selector: ([k]) => k.toLowerCase(), maxLength: 8 }),
        (pairs) => {
          const expected = new Map(pairs.map(([k, v]) => [k.toLowerCase(), v] as const))
          expect(normalizeHeaders(Object.fromEntries(pairs))).toEqual(expected)
          expect(normalizeHeaders(pairs.flat())).toEqual(expected)
          expect(normalizeHeaders(pairs)).toEqual(expected)
          expect(normalizeHeaders(new Map(pairs))).toEqual(expected)
        }
      )
    )
  })

  it('joins repeated headers and skips undefined values', () => {
    expect(normalizeHeaders(['Accept', 'a', 'accept', 'b'])).toEqual(new Map([['accept', 'a, b']]))
    expect(normalizeHeaders({ accept: ['a', 'b'], skip: undefined })).toEqual(new Map([['accept', 'a, b']]))
    expect(normalizeHeaders(null)).toEqual(new Map())
  })
})

describe('readBody', () => {
  it('reads every body kind undici accepts into the same bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), async (parts) => {
        const all = Buffer.concat(parts.map((p) => Buffer.from(p)))
        const bodies: ReadonlyArray<unknown> = [
          all,
          new Uint8Array(all),
          all.buffer.slice(all.byteOffset, all.byteOffset + all.length),
          Readable.from(parts.map((p) => Buffer.from(p))),
          (async function* () {
            for (const p of parts) yield p
          })(),
          parts,
          new Blob([all])
        ]
        for (const b of bodies) expect((await readBody(b)).equals(all)).toBe(true)
      })
    )
    expect((await readBody('héllo')).toString()).toBe('héllo')
    expect((await readBody(null)).length).toBe(0)
  })
})

describe('the in-memory dispatcher', () => {
  it('passes origin, path with query, method, headers and body to serve', async () => {
    const seen: Array<HttpRequest> = []
    const d = make(bytesServe(Buffer.from('ok'), seen))
    const res = await request('https://r.example/a/b?x=1', {
      method: 'POST',
      dispatcher: d,
      headers: { 'X-Thing': 'v' },
      query: { y: '2' },
      body: Readable.from([Buffer.from('he'), Buffer.from('llo')])
    })
    expect(await res.body.text()).toBe('ok')
    expect(res.headers['x-a']).toBe('1')
    const req = seen[0]
    expect(req?.url.toString()).toBe('https://r.example/a/b?x=1&y=2')
    expect(req?.method).toBe('POST')
    expect(req?.headers.get('x-thing')).toBe('v')
    expect(req?.body.toString()).toBe('hello')
  })

  it('speaks the new handler API, honouring pause and resume', async () => {
    const bytes = Buffer.alloc(CHUNK_SIZE * 3 + 5, 7)
    const d = make(bytesServe(bytes))
    const events: Array<string> = []
    let received = 0
    let controller: Dispatcher.DispatchController | undefined
    let ended = false
    d.dispatch(
      { origin: 'https://r.example', path: '/', method: 'GET' },
      {
        onRequestStart: (c) => {
          controller = c
          events.push('start')
        },
        onResponseStart: (c, status, headers) => {
          events.push(`status ${status} ${String(headers['x-a'])}`)
          c.pause()
        },
        onResponseData: (c, chunk) => {
          received += chunk.length
          events.push(`data ${chunk.length}`)
          c.pause()
        },
        onResponseEnd: () => {
          ended = true
        },
        onResponseError: (_c, e) => {
          events.push(`error ${e.message}`)
        }
      }
    )
    await waitFor(() => events.length >= 2)
    await new Promise((r) => setTimeout(r, 20))
    expect(events).toEqual(['start', 'status 200 1'])
    expect(received).toBe(0)
    controller?.resume()
    await waitFor(() => received > 0)
    await new Promise((r) => setTimeout(r, 20))
    expect(received).toBe(CHUNK_SIZE)
    for (let i = 0; i < 3; i++) {
      controller?.resume()
      await waitFor(() => events.length >= 4 + i)
    }
    await new Promise((r) => setTimeout(r, 20))
    expect(received).toBe(bytes.length)
    // the end of the message, like its data, waits for the last resume
    expect(ended).toBe(false)
    controller?.resume()
    await waitFor(() => ended)
    expect(ended).toBe(true)
  })

  it('an abort mid-body reaches the handler as an error, once', async () => {
    const d = make(bytesServe(Buffer.alloc(CHUNK_SIZE * 4)))
    const errorsSeen: Array<Error> = []
    let abort: ((e?: Error) => void) | undefined
    let data = 0
    d.dispatch({ origin: 'https://r.example', path: '/', method: 'GET' }, {
      onConnect: (a: (e?: Error) => void) => {
        abort = a
      },
      onHeaders: () => true,
      onData: () => {
        data++
        if (data === 1) abort?.(new Error('stop'))
        return true
      },
      onComplete: () => {
        errorsSeen.push(new Error('completed'))
      },
      onError: (e: Error) => {
        errorsSeen.push(e)
      }
    } as Dispatcher.DispatchHandler)
    await waitFor(() => errorsSeen.length > 0)
    await new Promise((r) => setTimeout(r, 20))
    expect(errorsSeen.map((e) => e.message)).toEqual(['stop'])
    expect(data).toBe(1)
  })

  it('an aborted request rejects (AbortSignal)', async () => {
    const d = make(async () => {
      await new Promise((r) => setTimeout(r, 50))
      return { _tag: 'response', response: { status: 200, headers: [], body: Buffer.from('late') } }
    })
    const ac = new AbortController()
    const p = request('https://r.example/', { dispatcher: d, signal: ac.signal })
    ac.abort()
    const e = await rejection(p)
    expect(e.name).toMatch(/AbortError|RequestAbortedError/)
  })

  it('close waits for requests in flight, then refuses new ones; destroy aborts', async () => {
    let release: (() => void) | undefined
    const d = make(async () => {
      await new Promise<void>((r) => {
        release = r
      })
      return { _tag: 'response', response: { status: 200, headers: [], body: Buffer.from('x') } }
    })
    const inFlight = request('https://r.example/', { dispatcher: d })
    await waitFor(() => release !== undefined)
    let closed = false
    const closing = d.close().then(() => {
      closed = true
    })
    await new Promise((r) => setTimeout(r, 10))
    expect(closed).toBe(false)
    release?.()
    expect(await (await inFlight).body.text()).toBe('x')
    await closing
    expect(closed).toBe(true)
    expect(await rejection(request('https://r.example/', { dispatcher: d }))).toBeInstanceOf(errors.ClientClosedError)

    const d2 = make(() => new Promise(() => undefined))
    const hanging = request('https://r.example/', { dispatcher: d2 })
    await new Promise((r) => setTimeout(r, 10))
    await d2.destroy()
    expect(await rejection(hanging)).toBeInstanceOf(errors.ClientDestroyedError)
  })

  it('HEAD answers carry headers but no body', async () => {
    const d = make(bytesServe(Buffer.from('abcdef')))
    const res = await request('https://r.example/', { method: 'HEAD', dispatcher: d })
    expect(res.headers['content-length']).toBe('6')
    expect(await res.body.text()).toBe('')
  })

  it('a connection-level error from serve rejects the request', async () => {
    const d = make(async () => ({
      _tag: 'error',
      error: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
    }))
    expect(await rejection(request('https://r.example/', { dispatcher: d }))).toMatchObject({ code: 'ECONNRESET' })
  })
})
