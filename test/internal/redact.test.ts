import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as EcrError from '../../src/EcrError'
import { encodingsOf, loginSecrets, REDACTED, redactor, redactText, redactUrl, urlSecrets } from '../../src/internal/redact'
import { errorText, ociErrorMessage } from '../../src/internal/wire'
import { body, encode, forms, leaks, password, shapes, type Form } from './secrets'

const b64 = (s: string): string => Buffer.from(s).toString('base64')

/** The characters of base64(`before` + `secret` + ...) that depend on `secret` alone. */
const embeddedPart = (before: string, secret: string): string => {
  const all = Buffer.from(`${before}${secret}&more=1`).toString('base64')
  const p = Buffer.byteLength(before)
  const n = Buffer.byteLength(secret)
  const first = Math.ceil(p / 3)
  const last = Math.floor((p + n) / 3)
  return all.slice(4 * first, 4 * last)
}

/** What a reader could decode a secret from, as echoed in `form`. */
const visible = (secret: string, form: Form, prefix: string): string =>
  form === 'base64-embedded' ? embeddedPart(`${prefix}password=`, secret) : encode(secret, form, prefix)

describe('redactor', () => {
  it('leaves no run of 8 characters of a login secret in a message built from any echoing body, wherever the cut falls', () => {
    fc.assert(
      fc.property(
        password,
        fc.constantFrom('password', 'token', 'authorization'),
        fc.constantFrom(...shapes),
        fc.constantFrom(...forms),
        fc.string({ maxLength: 300 }),
        fc.constantFrom(400, 401, 403, 404, 500, 502),
        (pw, which, shape, form, filler, status) => {
          const login = { username: 'AWS', password: pw }
          const token = b64(`AWS:${pw}`)
          const authorization = `Basic ${token}`
          const secret = which === 'password' ? pw : which === 'token' ? token : authorization
          const prefix = filler.slice(0, 5).replace(/[^\x20-\x7e]/g, '')
          const text = body(shape, encode(secret, form, prefix), filler, authorization)
          const redact = redactor(loginSecrets(login))
          const message = ociErrorMessage(status, text, redact.text)
          const e = EcrError.httpError('GET', redact.url(`http://127.0.0.1:5000/v2/app/${encode(secret, form)}?s=${pw}`), status, message)
          const network = EcrError.httpError('GET', 'http://127.0.0.1:5000/v2/', 0, `network error: ${redact.text(errorText(new Error(text)))}`)
          const shown = [EcrError.message(e), e._tag === 'HttpError' ? e.url : '', EcrError.message(network)].join('\n')
          expect(leaks(shown, [pw, token, visible(secret, form, prefix)])).toEqual([])
        }
      ),
      // the example: a secret embedded in base64 that ends on a group's end, its tail on a line of its own
      { numRuns: 200, examples: [[' !        ! !', 'password', 'split-lines', 'base64-embedded', '  ', 400]] }
    )
  })

  it('removes a secret in any of its encodings, and nothing else from text that holds none', () => {
    fc.assert(
      fc.property(password, fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (secret, before, after) => {
        const r = redactor([secret])
        for (const form of encodingsOf(secret)) {
          const out = r.text(`${before}${form}${after}`)
          expect(out).toContain(REDACTED)
          expect(leaks(out, [form])).toEqual([])
        }
        fc.pre(leaks(`${before} ${after}`, encodingsOf(secret)).length === 0)
        expect(r.text(`${before} ${after}`)).toBe(redactText(`${before} ${after}`))
      }),
      { numRuns: 100 }
    )
  })

  it('with() adds secrets, such as the signature of a pre-signed URL', () => {
    const signed = 'https://bucket.s3.amazonaws.com/blob?X-Amz-Signature=0123456789abcdef0123&X-Amz-Credential=AKIDEXAMPLE%2F20240101'
    const r = redactor(loginSecrets({ username: 'AWS', password: 'hunter2-hunter3-hunter4' })).with(urlSecrets(signed))
    expect(r.text('S3 said: signature 0123456789abcdef0123 does not match for AKIDEXAMPLE/20240101')).toBe(
      `S3 said: signature ${REDACTED} does not match for ${REDACTED}`
    )
    expect(r.url(signed)).toBe('https://bucket.s3.amazonaws.com/blob')
    expect(r.text('password hunter2-hunter3-hunter4!')).toBe(`password ${REDACTED}!`)
  })

  it('urlSecrets are the long query values, raw and decoded', () => {
    expect(urlSecrets('https://r/v2/x')).toEqual([])
    expect(urlSecrets('https://r/u?_state=abc%2Fdefgh12&x=1#frag')).toEqual(['abc%2Fdefgh12', 'abc/defgh12'])
  })

  it('a short secret (6 or 7 characters) is removed where it appears whole', () => {
    expect(redactor(['s3cret']).text('bad password s3cret, try again')).toBe(`bad password ${REDACTED}, try again`)
  })

  it('the patterns still apply: labelled credentials, URL queries, long base64 runs', () => {
    const r = redactor([])
    expect(r.text('Authorization: Basic QVdTOnNlY3JldA==')).toBe(`Authorization: ${REDACTED}`)
    expect(r.text('see https://x.example/p?sig=1')).toBe('see https://x.example/p')
    expect(redactUrl('https://user:pw@x.example/p?q#h')).toBe('https://x.example/p')
    expect(r.text('A'.repeat(130))).toBe(REDACTED)
  })
})
