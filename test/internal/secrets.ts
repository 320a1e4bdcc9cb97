// Secrets and the bodies a hostile registry may echo them in, for the redaction tests.
import * as fc from 'fast-check'

/** The length of the shortest run of a secret that must never survive. */
export const RUN = 8

/** Every run of `RUN` characters of `s`. */
export const runsOf = (s: string): ReadonlyArray<string> => {
  const out = new Set<string>()
  for (let i = 0; i + RUN <= s.length; i++) out.add(s.slice(i, i + RUN))
  return [...out]
}

/** The runs of any of `secrets` that occur in `text`. */
export const leaks = (text: string, secrets: ReadonlyArray<string>): ReadonlyArray<string> => {
  const seen = new Set<string>()
  for (let i = 0; i + RUN <= text.length; i++) seen.add(text.slice(i, i + RUN))
  return secrets.flatMap(runsOf).filter((r) => seen.has(r))
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='

/** Passwords as ECR hands them out (base64 runs, 16 to 2,400 characters) and odd printable ones. */
export const password: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...BASE64), minLength: 16, maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...BASE64), minLength: 1800, maxLength: 2400 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 12, maxLength: 120 }).filter((s) => s.trim().length >= 12)
)

/** The forms in which a server may echo a secret. */
export type Form = 'raw' | 'json' | 'url' | 'base64' | 'base64-embedded' | 'html' | 'unicode-json'

export const forms: ReadonlyArray<Form> = ['raw', 'json', 'url', 'base64', 'base64-embedded', 'html', 'unicode-json']

const html = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)

/** `secret` as a server would write it in `form` (inside a JSON string for the JSON forms). */
export const encode = (secret: string, form: Form, prefix = ''): string => {
  switch (form) {
    case 'raw':
      return secret
    case 'json':
      return JSON.stringify(secret).slice(1, -1)
    case 'url':
      return encodeURIComponent(secret)
    case 'base64':
      return Buffer.from(secret).toString('base64')
    case 'base64-embedded':
      return Buffer.from(`${prefix}password=${secret}&more=1`).toString('base64')
    case 'html':
      return html(secret)
    case 'unicode-json':
      return [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
  }
}

/** The shapes of an error body, each with the echoed text placed at `at` in some filler. */
export type Shape =
  | 'oci-json'
  | 'oci-json-many'
  | 'json-detail-only'
  | 'bare-text'
  | 'html'
  | 'header-dump'
  | 'long-text-cut'
  | 'long-json-cut'
  | 'xml'
  | 'split-lines'
  | 'repeated'

export const shapes: ReadonlyArray<Shape> = [
  'oci-json',
  'oci-json-many',
  'json-detail-only',
  'bare-text',
  'html',
  'header-dump',
  'long-text-cut',
  'long-json-cut',
  'xml',
  'split-lines',
  'repeated'
]

/** A body of `shape` that carries `echoed` (already encoded for its place) after `filler`. */
export const body = (shape: Shape, echoed: string, filler: string, authorization: string): string => {
  switch (shape) {
    case 'oci-json':
      return `{"errors":[{"code":"DENIED","message":"${filler} token ${echoed} rejected"}]}`
    case 'oci-json-many':
      return `{"errors":[{"code":"UNAUTHORIZED","message":"${echoed}"},{"code":"DENIED","message":"${filler}${echoed}","detail":"${echoed}"}]}`
    case 'json-detail-only':
      return `{"message":"${filler}","detail":"${echoed}","request":{"headers":{"Authorization":"${authorization}"}}}`
    case 'bare-text':
      return `denied ${filler}${echoed}`
    case 'html':
      return `<html><head><title>401</title></head><body><h1>Unauthorized</h1><p>${filler}</p><pre>${echoed}</pre></body></html>`
    case 'header-dump':
      return `GET /v2/ HTTP/1.1\r\nHost: registry\r\nAuthorization: ${authorization}\r\nX-Debug: ${filler}${echoed}\r\n\r\n`
    case 'long-text-cut':
      return `${'x'.repeat(180 + (filler.length % 40))}${echoed}${'y'.repeat(500)}`
    case 'long-json-cut':
      return `{"errors":[{"code":"DENIED","message":"${'m'.repeat(140 + (filler.length % 30))}${echoed}${'n'.repeat(400)}"}]}`
    case 'xml':
      return `<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>${filler}</Message><SignatureProvided>${echoed}</SignatureProvided></Error>`
    case 'split-lines':
      return `denied\n${echoed.slice(0, Math.ceil(echoed.length / 2))}\n${echoed.slice(Math.ceil(echoed.length / 2))}\n${filler}`
    case 'repeated':
      return Array.from({ length: 5 }, () => `${filler}${echoed}`).join(' ')
  }
}
