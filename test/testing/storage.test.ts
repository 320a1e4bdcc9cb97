import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import type { HttpRequest } from '../../src/testing/dispatcher'
import * as Storage from '../../src/testing/storage'
import * as Store from '../../src/testing/store'

const get = (u: string, headers: Record<string, string> = {}): HttpRequest => ({
  method: 'GET',
  url: new URL(u),
  headers: new Map(Object.entries(headers)),
  body: Buffer.alloc(0)
})

const setup = () => {
  let t = Date.parse('2024-01-01T00:00:00Z')
  const store = Store.make({ accountId: '123456789012', region: 'us-east-1', now: () => new Date(t) })
  const repo = Store.createRepository(store, 'app', {})
  if (E.isLeft(repo)) throw new Error('no repository')
  const digest = Store.addBlob(store, repo.right, Buffer.from('blob bytes'))
  const storage = Storage.make('https://bucket.s3.us-east-1.amazonaws.com', 'us-east-1')
  return { store, storage, digest, advance: (ms: number) => (t += ms), now: () => new Date(t) }
}

describe('pre-signed URLs', () => {
  it('serve the bytes for a valid signature only, and never with an Authorization header', () => {
    const { store, storage, digest, now } = setup()
    const u = Storage.presign(storage, digest, now())
    const ok = Storage.serve(storage, store, get(u))
    expect(ok.status).toBe(200)
    expect(ok.body?.toString()).toBe('blob bytes')
    expect(Storage.serve(storage, store, get(u, { authorization: 'Basic abc' })).status).toBe(400)
    const forged = new URL(u)
    forged.searchParams.set('X-Amz-Signature', '0'.repeat(64))
    expect(Storage.serve(storage, store, get(forged.toString())).status).toBe(403)
    // a signature is good for its own object only
    const repo = store.repositories.get('app')
    if (repo === undefined) throw new Error('no repository')
    const other = Storage.presign(storage, Store.addBlob(store, repo, Buffer.from('other')), now())
    const swapped = new URL(other)
    swapped.searchParams.set('X-Amz-Signature', new URL(u).searchParams.get('X-Amz-Signature') ?? '')
    expect(Storage.serve(storage, store, get(swapped.toString())).status).toBe(403)
  })

  it('expire after an hour, and expired signatures are dropped once many were issued', () => {
    const { store, storage, digest, advance, now } = setup()
    const old = Storage.presign(storage, digest, now())
    for (let i = 0; i < 10_000; i++) Storage.presign(storage, digest, now())
    advance(Storage.EXPIRES_SECONDS * 1000 + 1)
    expect(Storage.serve(storage, store, get(old)).status).toBe(403)
    const fresh = Storage.presign(storage, digest, now())
    expect(storage.signatures.size).toBe(1)
    expect(Storage.serve(storage, store, get(fresh)).status).toBe(200)
  })
})

describe('parseRange', () => {
  it('gives a slice within the body, or invalid', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1000 }),
        fc.option(fc.nat({ max: 1200 })),
        fc.option(fc.nat({ max: 1200 })),
        (length, a, b) => {
          const header = `bytes=${a ?? ''}-${b ?? ''}`
          const r = Storage.parseRange(header, length)
          if (r === 'invalid' || r === undefined) {
            expect(r).toBe('invalid')
            return
          }
          expect(r.start).toBeGreaterThanOrEqual(0)
          expect(r.end).toBeLessThan(length)
          expect(r.start).toBeLessThanOrEqual(r.end)
          if (a !== null) expect(r.start).toBe(a)
          if (a !== null && b !== null) expect(r.end).toBe(Math.min(b, length - 1))
          if (a === null && b !== null) expect(r.end - r.start + 1).toBe(Math.min(b, length))
        }
      )
    )
    expect(Storage.parseRange('bytes=-5', 0)).toBe('invalid')
    expect(Storage.parseRange('bytes=-5', 3)).toEqual({ start: 0, end: 2 })
    expect(Storage.parseRange(undefined, 10)).toBeUndefined()
    expect(Storage.parseRange('items=1-2', 10)).toBeUndefined()
  })
})
