/**
 * Removes secrets from text before it reaches an error, a log line or a printed URL: query strings
 * of URLs (pre-signed S3 URLs carry their signature there), user-info in URLs, Authorization values,
 * and long base64 runs that look like an ECR login token.
 *
 * @internal
 */

const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>]+/gi
const AUTH_VALUE = /\b(authorization|x-amz-security-token|x-amz-signature|x-amz-credential)(["']?\s*[:=]\s*["']?)(?:basic|bearer|aws4-hmac-sha256)?\s*[^\s"',;]+/gi
const SCHEME_TOKEN = /\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]{8,}/gi
const LONG_BASE64 = /[A-Za-z0-9+/]{120,}={0,2}/g

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
    .replace(AUTH_VALUE, (_m, name: string, sep: string) => `${name}${sep}<redacted>`)
    .replace(SCHEME_TOKEN, (_m, scheme: string) => `${scheme} <redacted>`)
    .replace(LONG_BASE64, '<redacted>')
