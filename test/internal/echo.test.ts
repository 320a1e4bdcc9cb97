// A hostile registry on loopback that echoes the login's secrets back (the password, the base64
// token, the Authorization value, in many encodings and body shapes): nothing of them may reach an
// error message, an error URL or a log line.
import { afterEach, describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import type * as http from 'node:http'
import { Readable } from 'node:stream'
import * as EcrError from '../../src/EcrError'
import { getBlob, getManifest, putManifest } from '../../src/internal/registry'
import { openBlob, uploadBlob } from '../../src/internal/registryStream'
import type { RegistryHttpEnv } from '../../src/internal/wire'
import { closeServers, CONFIG_DIGEST, envWith, loginFor, name, serve, sha256, tag, type Logged } from './registryServer'
import { body, encode, forms, leaks, password, shapes, type Form, type Shape } from './secrets'

afterEach(closeServers)

/** The secrets the server learns from the Authorization header it gets. */
const secretsOf = (req: http.IncomingMessage): { readonly password: string; readonly token: string; readonly authorization: string } => {
  const authorization = req.headers.authorization ?? ''
  const token = authorization.replace(/^Basic /, '')
  const password = Buffer.from(token, 'base64').toString('utf8').replace(/^AWS:/, '')
  return { password, token, authorization }
}

interface Echo {
  readonly status: number
  readonly shape: Shape
  readonly form: Form
  readonly which: 'password' | 'token' | 'authorization'
  readonly filler: string
}

/** A registry that answers every request with `echo`'s status and a body echoing the chosen secret. */
const echoing = (echo: () => Echo) =>
  serve((req, _b, res) => {
    const e = echo()
    const s = secretsOf(req)
    const text = body(e.shape, encode(s[e.which], e.form, 'x'), e.filler, s.authorization)
    const contentType = text.startsWith('{') ? 'application/json' : text.startsWith('<') ? 'text/html' : 'text/plain'
    res.writeHead(e.status, { 'content-type': contentType, 'www-authenticate': 'Basic realm="r"', 'retry-after': '0' })
    res.end(req.method === 'HEAD' ? undefined : text)
  })

/** Everything a caller or an operator could see of a result: the error, its message, its URL, the log lines. */
const shownOf = (r: E.Either<EcrError.EcrError, unknown>, logs: ReadonlyArray<Logged>): string =>
  [JSON.stringify(r), E.isLeft(r) ? EcrError.message(r.left) : '', JSON.stringify(logs)].join('\n')

const secretsFor = (pw: string): ReadonlyArray<string> => {
  const token = Buffer.from(`AWS:${pw}`).toString('base64')
  return [pw, token, encodeURIComponent(pw), encodeURIComponent(token)]
}

// an ECR-like password (a 2 KB base64 run) and a short one that no pattern recognises
const LONG_PW = Buffer.from(Array.from({ length: 1500 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join('')).toString('base64')
const PW = 'pw-7f3a9c2e4b1d8f6a0c5e3b9d7f1a4c8e'

describe('a registry that echoes secrets', () => {
  const cases: ReadonlyArray<readonly [Shape, Form, Echo['which']]> = [
    ['oci-json', 'raw', 'token'],
    ['oci-json', 'raw', 'password'],
    ['oci-json-many', 'json', 'authorization'],
    ['json-detail-only', 'raw', 'password'],
    ['bare-text', 'raw', 'password'],
    ['bare-text', 'url', 'token'],
    ['html', 'html', 'password'],
    ['header-dump', 'raw', 'token'],
    ['long-text-cut', 'raw', 'token'],
    ['long-json-cut', 'raw', 'password'],
    ['xml', 'base64', 'password'],
    ['split-lines', 'raw', 'token'],
    ['repeated', 'base64-embedded', 'password'],
    ['oci-json', 'unicode-json', 'password']
  ]

  it.each(cases)('%s body, %s form, echoing the %s: no run of 8 characters shows, for 400/401/403/500', async (shape, form, which) => {
    for (const pw of [PW, LONG_PW])
      for (const status of [400, 401, 403, 500]) {
        const s = await echoing(() => ({ status, shape, form, which, filler: 'request rejected:' }))
        const logs: Array<Logged> = []
        const r = await getManifest(loginFor(s.url, pw), name('app'), tag('v1'))(envWith(logs))()
        expect(E.isLeft(r) && r.left._tag === 'HttpError' && r.left.status).toBe(status)
        expect(leaks(shownOf(r, logs), secretsFor(pw))).toEqual([])
        await s.close()
      }
  })

  it('the message still says what the registry said, the secret cut out', async () => {
    const s = await echoing(() => ({ status: 401, shape: 'oci-json', form: 'raw', which: 'token', filler: 'bad login,' }))
    const r = await getManifest(loginFor(s.url, PW), name('app'), tag('v1'))(envWith())()
    expect(E.isLeft(r) && r.left.message).toBe('unauthorized: DENIED: bad login, token <redacted> rejected')
  })

  it('through every operation: manifest PUT, blob GET, streamed GET and upload (dispatcher)', async () => {
    const s = await echoing(() => ({ status: 400, shape: 'bare-text', form: 'raw', which: 'password', filler: 'no:' }))
    const env = envWith()
    const login = loginFor(s.url, PW)
    const results = [
      await putManifest(login, name('app'), tag('v1'), '{"layers":[]}', 'application/vnd.oci.image.manifest.v1+json')(env)(),
      await getBlob(login, name('app'), CONFIG_DIGEST)(env)(),
      await openBlob(login, name('app'), CONFIG_DIGEST)(env)(),
      await uploadBlob(login, name('app'), sha256('x'), () => Readable.from([Buffer.from('x')]))(env)()
    ]
    for (const r of results) {
      expect(E.isLeft(r) && r.left._tag).toBe('HttpError')
      expect(leaks(shownOf(r, []), secretsFor(PW))).toEqual([])
    }
  })

  it('a redirect to a URL made of the secret, and a Docker-Content-Digest made of it', async () => {
    const s = await serve((req, _b, res) => {
      const { token } = secretsOf(req)
      if (req.url?.includes('manifests')) {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': `sha256:${token}` })
        res.end('{"layers":[]}')
        return
      }
      // a closed port: the request that follows fails without an answer
      res.writeHead(307, { location: `http://127.0.0.1:9/${encodeURIComponent(token)}/blob?sig=${encodeURIComponent(token)}` })
      res.end()
    })
    const logs: Array<Logged> = []
    const env = envWith(logs)
    const manifest = await getManifest(loginFor(s.url, PW), name('app'), tag('v1'))(env)()
    expect(E.isLeft(manifest) && manifest.left._tag).toBe('DigestMismatch')
    const blob = await getBlob(loginFor(s.url, PW), name('app'), CONFIG_DIGEST)(env)()
    expect(E.isLeft(blob) && blob.left._tag === 'HttpError' && blob.left.status).toBe(0)
    expect(leaks(shownOf(manifest, []) + shownOf(blob, logs), secretsFor(PW))).toEqual([])
  })

  it('a network error whose text repeats the secret', async () => {
    const env: RegistryHttpEnv = {
      ...envWith(),
      fetch: (_input, init) =>
        Promise.reject(
          Object.assign(new TypeError('fetch failed'), {
            cause: Object.assign(new Error(`socket closed while sending ${JSON.stringify(init?.headers)}`), { code: 'ECONNRESET' })
          })
        )
    }
    const r = await getManifest(loginFor('http://127.0.0.1:9', PW), name('app'), tag('v1'))(env)()
    expect(E.isLeft(r) && r.left._tag === 'HttpError' && r.left.status).toBe(0)
    expect(E.isLeft(r) && r.left.message).toMatch(/ECONNRESET/)
    expect(leaks(shownOf(r, []), secretsFor(PW))).toEqual([])
  })

  it('for random passwords, shapes, encodings and offsets, nothing of the secret survives', async () => {
    let echo: Echo = { status: 400, shape: 'oci-json', form: 'raw', which: 'password', filler: '' }
    const s = await echoing(() => echo)
    await fc.assert(
      fc.asyncProperty(
        password,
        fc.constantFrom(400, 401, 403, 500),
        fc.constantFrom(...shapes),
        fc.constantFrom(...forms),
        fc.constantFrom('password' as const, 'token' as const, 'authorization' as const),
        fc.string({ maxLength: 250 }),
        async (pw, status, shape, form, which, filler) => {
          echo = { status, shape, form, which, filler }
          const logs: Array<Logged> = []
          const r = await getManifest(loginFor(s.url, pw), name('app'), tag('v1'))(envWith(logs))()
          expect(E.isLeft(r)).toBe(true)
          expect(leaks(shownOf(r, logs), secretsFor(pw))).toEqual([])
        }
      ),
      // a password with spaces, echoed split across lines: the halves join up when whitespace collapses
      { numRuns: 60, examples: [['!   ## # # !', 400, 'split-lines', 'raw', 'password', '']] }
    )
  })
})
