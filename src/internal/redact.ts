/**
 * Removes secrets from text before it reaches an error, a log line or a printed URL. Two parts:
 *
 * - patterns (`redactText`, `redactUrl`) for what the library cannot know: query strings of URLs
 *   (pre-signed S3 URLs carry their signature there), user-info in URLs, labelled credentials
 *   (`Authorization: …`, `Basic …`), long base64 runs that look like an ECR login token;
 * - the secrets the library holds for a request (`redactor`): a login's password, its
 *   `user:password` token, the Authorization value, signed query strings, in every form a server
 *   may echo them (as is, JSON- and URL-escaped, base64 at any alignment, base64url). Any run of
 *   `FRAGMENT` or more characters of one of those forms is removed, so a server that cuts, wraps
 *   or repeats part of a token leaves nothing behind.
 *
 * A `Redactor` applies both as one step; text from a server goes through it before it is parsed,
 * excerpted or cut.
 *
 * @internal
 */

const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>]+/gi
const AUTH_VALUE = /\b(authorization|x-amz-security-token|x-amz-signature|x-amz-credential)(["']?\s*[:=]\s*["']?)(?:basic|bearer|aws4-hmac-sha256)?\s*[^\s"',;]+/gi
const SCHEME_TOKEN = /\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]{8,}/gi
const LONG_BASE64 = /[A-Za-z0-9+/]{120,}={0,2}/g

/** What replaces a removed secret. */
export const REDACTED = '<redacted>'

/** No run of this many characters of a known secret survives redaction. */
export const FRAGMENT = 8

/** Secrets shorter than `FRAGMENT` but at least this long are removed where they appear whole. */
const MIN_LITERAL = 6

// -------------------------------------------------------------------------------------
// patterns
// -------------------------------------------------------------------------------------

/** A URL without its query string, fragment or user-info; text that is not a URL is returned as is. */
export const redactUrl = (url: string): string => {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    u.search = ''
    u.hash = ''
    return u.toString()
  } catch {
    const q = url.search(/[?#]/)
    return (q >= 0 ? url.slice(0, q) : url).replace(/\/\/[^/@]*@/, '//')
  }
}

/** Text with every URL redacted and every credential-looking value replaced by `<redacted>`. */
export const redactText = (text: string): string =>
  text
    .replace(URL_IN_TEXT, (u) => redactUrl(u))
    .replace(AUTH_VALUE, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(SCHEME_TOKEN, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(LONG_BASE64, REDACTED)

// -------------------------------------------------------------------------------------
// known secrets
// -------------------------------------------------------------------------------------

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * The forms in which `secret` may come back from a server: as is, JSON-escaped (with and without
 * `\/`, and as `\uXXXX` escapes), URL-encoded (either hex case), HTML-escaped, base64 and
 * base64url (alone, and the characters that depend only on the secret when it is encoded inside
 * longer content, at each of the three byte alignments), and the URL-encoded base64.
 */
export const encodingsOf = (secret: string): ReadonlyArray<string> => {
  const bytes = Buffer.from(secret, 'utf8')
  const json = JSON.stringify(secret).slice(1, -1)
  const unicode = Array.from({ length: secret.length }, (_, i) => `\\u${secret.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')
  const url = encodeURIComponent(secret)
  const b64 = bytes.toString('base64')
  // at alignment k the first group mixes in what came before (unless k = 0) and the last group
  // what comes after (unless the secret ends on a group's end, when it is the secret's alone)
  const embedded = [0, 1, 2].map((k) => {
    const inner = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64')
    return inner.slice(k === 0 ? 0 : 4, (k + bytes.length) % 3 === 0 ? inner.length : -4)
  })
  const forms = [
    secret,
    json,
    json.replace(/\//g, '\\/'),
    unicode,
    unicode.toUpperCase().replace(/\\U/g, '\\u'),
    url,
    url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    secret.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c),
    b64,
    encodeURIComponent(b64),
    bytes.toString('base64url'),
    ...embedded,
    ...embedded.map((e) => e.replace(/\+/g, '-').replace(/\//g, '_'))
  ]
  return [...new Set(forms)].filter((f) => f.length >= MIN_LITERAL)
}

/** A registry login, as far as its secrets go. */
export interface Credentials {
  readonly username: string
  readonly password: string
}

/** The secrets of a registry login: the password, the `user:password` token and the Authorization value. */
export const loginSecrets = (login: Credentials): ReadonlyArray<string> => {
  const token = `${login.username}:${login.password}`
  return [login.password, token, `Basic ${Buffer.from(token, 'utf8').toString('base64')}`]
}

/** The secrets of a URL: each query value, raw and decoded (a pre-signed URL's signature, an upload's state). */
export const urlSecrets = (url: string): ReadonlyArray<string> => {
  const q = url.indexOf('?')
  if (q < 0) return []
  const hash = url.indexOf('#', q)
  const query = url.slice(q + 1, hash < 0 ? undefined : hash)
  const values = query.split('&').flatMap((pair) => {
    const raw = pair.slice(pair.indexOf('=') + 1)
    try {
      return [raw, decodeURIComponent(raw.replace(/\+/g, ' '))]
    } catch {
      return [raw]
    }
  })
  return [...new Set(values)].filter((s) => s.length >= FRAGMENT)
}

interface Index {
  /** Every `FRAGMENT`-character substring of every form of every secret. */
  readonly grams: ReadonlySet<string>
  /** Forms too short to have fragments, removed where they appear whole. */
  readonly literals: ReadonlyArray<string>
}

const indexOf = (secrets: ReadonlyArray<string>): Index => {
  const grams = new Set<string>()
  const literals: Array<string> = []
  for (const secret of secrets)
    for (const form of encodingsOf(secret)) {
      if (form.length < FRAGMENT) literals.push(form)
      for (let i = 0; i + FRAGMENT <= form.length; i++) grams.add(form.slice(i, i + FRAGMENT))
    }
  return { grams, literals }
}

/** `text` with every run of characters covered by a fragment (or literal) of the index replaced. */
const removeWith = (index: Index, text: string): string => {
  if (text.length < MIN_LITERAL) return text
  const marked = new Uint8Array(text.length)
  let any = false
  if (index.grams.size > 0)
    for (let i = 0; i + FRAGMENT <= text.length; i++)
      if (index.grams.has(text.slice(i, i + FRAGMENT))) {
        marked.fill(1, i, i + FRAGMENT)
        any = true
      }
  for (const literal of index.literals)
    for (let i = text.indexOf(literal); i >= 0; i = text.indexOf(literal, i + 1)) {
      marked.fill(1, i, i + literal.length)
      any = true
    }
  if (!any) return text
  let out = ''
  for (let i = 0; i < text.length; ) {
    if (marked[i] === 1) {
      // whitespace at the edges of a run (`Basic <token>` starts with one) tells nothing: kept
      let start = i
      while (i < text.length && marked[i] === 1) i++
      let end = i
      while (start < end && /\s/.test(text.charAt(start))) out += text.charAt(start++)
      while (end > start && /\s/.test(text.charAt(end - 1))) end--
      out += start < end ? REDACTED : ''
      out += text.slice(end, i)
    } else {
      const start = i
      while (i < text.length && marked[i] !== 1) i++
      out += text.slice(start, i)
    }
  }
  return out
}

/** Removes the fragments of `secrets`; the index is built on first use (most requests never need it). */
const remover = (secrets: ReadonlyArray<string>): ((text: string) => string) => {
  let index: Index | undefined
  return (text) => {
    if (secrets.length === 0) return text
    index = index ?? indexOf(secrets)
    return removeWith(index, text)
  }
}

// -------------------------------------------------------------------------------------
// redactor
// -------------------------------------------------------------------------------------

/** The one redaction step for text built from a server's answer. */
export interface Redactor {
  /** `text` without any fragment of the known secrets, then without what the patterns catch. */
  readonly text: (text: string) => string
  /** A URL without query string, fragment and user-info, and without the known secrets. */
  readonly url: (url: string) => string
  /** A redactor that also knows `secrets`. */
  readonly with: (secrets: ReadonlyArray<string>) => Redactor
}

const chain = (removers: ReadonlyArray<(text: string) => string>): Redactor => {
  const remove = (text: string): string => removers.reduce((acc, r) => r(acc), text)
  return {
    text: (text) => redactText(remove(text)),
    url: (url) => redactText(remove(redactUrl(url))),
    with: (secrets) => (secrets.length === 0 ? chain(removers) : chain([...removers, remover(secrets)]))
  }
}

/**
 * A redactor for text that may hold `secrets`: every run of `FRAGMENT` or more characters of any
 * of their encodings is replaced by `<redacted>`, then the patterns apply.
 */
export const redactor = (secrets: ReadonlyArray<string>): Redactor => chain([remover(secrets)])

// Indexing the encodings of a 2 KB ECR password takes about 0.1 s: each login object gets one
// redactor, shared by the operations that use the login (a memo of derived data; it holds nothing
// the login does not, and goes with it).
const byLogin = new WeakMap<Credentials, Redactor>()

/** The redactor of a login's secrets (one per login object). */
export const loginRedactor = (login: Credentials): Redactor => {
  const known = byLogin.get(login)
  if (known !== undefined) return known
  const made = redactor(loginSecrets(login))
  byLogin.set(login, made)
  return made
}

/**
 * `copy` holds the same secrets as `login` (a cached login handed out again with another endpoint):
 * it gets `login`'s redactor, so the index of those secrets is built once per login, not per copy.
 */
export const sameSecrets = <L extends Credentials>(login: Credentials, copy: L): L => {
  byLogin.set(copy, loginRedactor(login))
  return copy
}
