/**
 * The registry wire layer: one HTTP exchange with a registry and what surrounds it. A `Target`
 * (the login's `proxyEndpoint`, its Basic auth sent only to that origin, and the redactor of its
 * secrets); `exchange`, which sends a request through a `Transport` and follows redirects by hand
 * under deadlines; `statusFailure` and `networkFailure`, which turn answers and network errors into
 * `Failure`s (retryable or not); `operation`, which runs attempts under the environment's retry
 * policy, and once more with a fresh login when the registry answers 401 to a renewable login;
 * `paced`, which waits for the turn of the ECR operations a request counts against. Transports: `viaFetch` (`env.fetch`, here) and undici's dispatcher (`registryStream`, the
 * only module that loads undici). The registry operations (`registry`, `registryStream`) are built
 * on these.
 *
 * Every message and log line built from a server's answer (bodies, headers, URLs, network error
 * texts) goes through the target's `Redactor` before it is parsed or cut.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import type { Readable } from 'node:stream'
import type { EcrEnv, EcrLogin, HttpEnv, Logger, Operation, Timeouts } from '../Env'
import * as EcrError from '../EcrError'
import { CANCELLED, cancelled, held, withPermits, type Release } from './limiter'
import { pace } from './pacer'
import { isBuiltinFetch, NO_GLOBAL_FETCH } from './builtinFetch'
import { loginRedactor, urlSecrets, type Redactor } from './redact'
import { httpDefault } from '../Retry'
import { retrying } from './retry'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What the registry client reads from the environment: `HttpEnv` (fetch, dispatcher, retries,
 * deadlines, logger, limiter), the `rateLimits` its requests are paced by (`EcrEnv`'s, when the
 * environment is one), and the `signal` of the long operation it serves, if any: once it is
 * aborted, no request starts, waits for a turn or a permit end, and requests in flight are aborted.
 */
export type RegistryHttpEnv = HttpEnv & Pick<EcrEnv, 'rateLimits'> & { readonly signal?: AbortSignal }

export type RegistryHttp<A> = RTE.ReaderTaskEither<RegistryHttpEnv, EcrError.EcrError, A>

/** One attempt's failure: the error, whether another attempt may help, and the server's wish. */
export interface Failure {
  readonly error: EcrError.EcrError
  readonly retryable: boolean
  readonly retryAfterMs?: number
  /** A 401 to a request that carried the login (Basic auth): a fresh login may help. */
  readonly relogin?: boolean
}

export type Attempt<A> = Promise<E.Either<Failure, A>>

/** The registry a login is for. */
export interface Target {
  /** `proxyEndpoint` without a trailing `/`. */
  readonly base: string
  /** Only requests to this origin carry the Authorization header. */
  readonly origin: string
  readonly authorization: string
  /** Removes the login's secrets (and the patterns') from text built from an answer. */
  readonly redact: Redactor
}

/** A response of any transport, read the same way. */
export interface Wire {
  readonly status: number
  readonly url: string
  readonly header: (name: string) => string | undefined
  /** The body as bytes, at most `limit` of them (`too-large` otherwise), under the idle deadline. */
  readonly bytes: (limit: number) => Promise<E.Either<'too-large' | { readonly error: unknown }, Buffer>>
  /** Drops the body so the connection can be reused. */
  readonly discard: () => Promise<void>
  /** The target's redactor, plus the signed query strings of the URLs this answer came through. */
  readonly redact: Redactor
  /** Whether the request this answers carried the login's Authorization header. */
  readonly withLogin?: boolean
}

/** A response as a transport hands it over; `exchange` adds what makes it a `Wire`. */
export type Answer = Omit<Wire, 'redact' | 'withLogin'>

/** A request body for one hop; `undefined` for none. */
export type HopBody = string | Uint8Array | Readable | undefined

export interface Hop {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: HopBody
}

/**
 * How one hop reaches the network: `viaFetch` here, undici's dispatcher in `registryStream`.
 * Resolves to the response whatever its status; `E.left` with the raw error when no answer came.
 * It passes `deadline.signal` on (aborted when a deadline passes) and reads bodies under
 * `timeouts.idleMs`.
 */
export type Transport<W extends Answer> = (
  env: RegistryHttpEnv,
  hop: Hop,
  deadline: Deadline,
  timeouts: Required<Timeouts>
) => Promise<E.Either<unknown, W>>

// -------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------

/** Redirects followed per request. */
export const MAX_REDIRECTS = 5

export const DEFAULT_TIMEOUTS: Required<Timeouts> = { connectMs: 10_000, headersMs: 30_000, idleMs: 60_000 }

/** Error bodies are read up to this size. */
const MAX_ERROR_BODY = 64 * 1024

/** A message from an error body is cut to this many characters (after redaction). */
const MAX_EXCERPT = 200

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504])

const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308])

/** The code of the error a request fails with when one of its deadlines passes. */
export const TIMEOUT = 'ERR_ECR_TIMEOUT'

const TRANSIENT_CODES = new Set([
  TIMEOUT,
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT'
])


// -------------------------------------------------------------------------------------
// deadlines
// -------------------------------------------------------------------------------------

/**
 * The timer of one request: at most one deadline armed at a time. When it passes, `signal` is
 * aborted and `passed` resolves with the timeout error, so a transport that ignores the signal is
 * given up all the same. Timers are unref'd and cleared: none keeps the process alive.
 */
export interface Deadline {
  readonly signal: AbortSignal
  /** Arms (or re-arms, from now) a deadline `ms` away; `what` says what did not happen in time. */
  readonly arm: (ms: number, what: string) => void
  readonly clear: () => void
  /** The timeout error, once a deadline has passed. */
  readonly expired: () => Error | undefined
  /** Resolves with the timeout error when a deadline passes; never otherwise. */
  readonly passed: Promise<Error>
}

export const makeDeadline = (cancel?: AbortSignal): Deadline => {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  let armed: { readonly ms: number; readonly what: string } | undefined
  let expired: Error | undefined
  let fire: (e: Error) => void = () => undefined
  const passed = new Promise<Error>((resolve) => {
    fire = resolve
  })
  const clear = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    armed = undefined
    unlisten()
  }
  // a cancellation counts while a deadline is armed: the listener goes with the timer, so a
  // long operation's signal does not collect one listener per request
  let listening = false
  const onCancel = (): void => {
    listening = false
    if (expired !== undefined || cancel === undefined) return
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    expired = cancelled(cancel)
    controller.abort(expired)
    fire(expired)
  }
  const listen = (): void => {
    if (cancel === undefined || listening) return
    listening = true
    cancel.addEventListener('abort', onCancel, { once: true })
  }
  const unlisten = (): void => {
    if (cancel === undefined || !listening) return
    listening = false
    cancel.removeEventListener('abort', onCancel)
  }
  if (cancel?.aborted === true) onCancel()
  return {
    signal: controller.signal,
    arm: (ms, what) => {
      if (expired !== undefined) return
      if (timer !== undefined && armed !== undefined && armed.ms === ms && armed.what === what) {
        timer.refresh()
        return
      }
      clear()
      listen()
      armed = { ms, what }
      timer = setTimeout(() => {
        timer = undefined
        unlisten()
        expired = Object.assign(new Error(`timed out: ${what} within ${ms} ms`), { name: 'TimeoutError', code: TIMEOUT })
        controller.abort(expired)
        fire(expired)
      }, ms)
      timer.unref()
    },
    clear,
    expired: () => expired,
    passed
  }
}

/** `promise`, or the timeout error as `E.left` once the deadline passes (whichever comes first). */
export const within = <A>(deadline: Deadline, promise: Promise<A>): Promise<E.Either<unknown, A>> =>
  Promise.race([
    promise.then(
      (a) => E.right(a),
      (e: unknown) => E.left(deadline.expired() ?? e)
    ),
    deadline.passed.then((e) => E.left(e))
  ])

/** The environment's deadlines, defaults filled in. */
export const timeoutsOf = (env: RegistryHttpEnv): Required<Timeouts> => ({
  connectMs: env.timeouts?.connectMs ?? DEFAULT_TIMEOUTS.connectMs,
  headersMs: env.timeouts?.headersMs ?? DEFAULT_TIMEOUTS.headersMs,
  idleMs: env.timeouts?.idleMs ?? DEFAULT_TIMEOUTS.idleMs
})

// -------------------------------------------------------------------------------------
// failures
// -------------------------------------------------------------------------------------

export const fatal = (error: EcrError.EcrError): Failure => ({ error, retryable: false })

const errorCodeOf = (e: unknown): string | undefined => {
  let cur: unknown = e
  for (let i = 0; i < 4 && typeof cur === 'object' && cur !== null; i++) {
    const code = (cur as { code?: unknown }).code
    if (typeof code === 'string') return code
    cur = (cur as { cause?: unknown }).cause
  }
  return undefined
}

/** An error's message, its cause's and its code; not yet redacted. */
export const errorText = (e: unknown): string => {
  const code = errorCodeOf(e)
  const msg = e instanceof Error ? e.message : String(e)
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : undefined
  return [msg, cause, code === undefined ? undefined : `(${code})`].filter((s) => s !== undefined && s !== '').join(': ')
}

/**
 * A request that did not get an answer (status 0); retryable for connection resets, refusals and
 * timeouts. A missing global `fetch` is the environment's fault: an `InvalidArgument`, not retried.
 */
export const networkFailure = (method: string, url: string, e: unknown, redact: Redactor): Failure => {
  const code = errorCodeOf(e)
  if (code === NO_GLOBAL_FETCH) return fatal(EcrError.invalidArgument(e instanceof Error ? e.message : String(e)))
  if (code === CANCELLED) return fatal(EcrError.httpError(method, redact.url(url), 0, 'cancelled'))
  const retryable =
    (code !== undefined && TRANSIENT_CODES.has(code)) ||
    (e instanceof Error && (e.name === 'TimeoutError' || /other side closed|socket hang up|terminated/i.test(e.message)))
  return { error: EcrError.httpError(method, redact.url(url), 0, `network error: ${redact.text(errorText(e))}`), retryable }
}

const parseRetryAfter = (value: string | undefined, now: number = Date.now()): number | undefined => {
  if (value === undefined) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const t = Date.parse(v)
  return Number.isNaN(t) ? undefined : Math.max(0, t - now)
}

const cut = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max)}…` : s)

/**
 * `CODE: message` of an OCI error body (`{"errors":[{"code","message"}]}`), else a short excerpt.
 * The body is redacted before it is parsed, the message again before it is cut.
 */
export const ociErrorMessage = (status: number, body: string, redact: (text: string) => string = (s) => s): string => {
  const clean = redact(body)
  const fromJson = ((): string | undefined => {
    try {
      const errors = (JSON.parse(clean) as { errors?: unknown } | null)?.errors
      if (!Array.isArray(errors) || errors.length === 0) return undefined
      return errors
        .map((e: unknown) => {
          const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'UNKNOWN'
          const message = typeof (e as { message?: unknown })?.message === 'string' ? (e as { message: string }).message : ''
          return message === '' ? code : `${code}: ${message}`
        })
        .join('; ')
    } catch {
      return undefined
    }
  })()
  if (fromJson !== undefined) return cut(redact(fromJson), 2 * MAX_EXCERPT)
  // redacted again once whitespace is collapsed: a secret holding spaces, echoed across lines, joins up here
  const excerpt = cut(redact(clean.replace(/\s+/g, ' ').trim()), MAX_EXCERPT)
  return excerpt === '' ? `HTTP ${status}` : `HTTP ${status}: ${excerpt}`
}

/** The failure for a status the operation does not handle itself. */
export const statusFailure = async (method: string, wire: Wire): Promise<Failure> => {
  const status = wire.status
  const raw = method === 'HEAD' ? E.right(Buffer.alloc(0)) : await wire.bytes(MAX_ERROR_BODY)
  if (E.isLeft(raw)) await wire.discard()
  const body = E.isRight(raw) ? raw.right.toString('utf8') : ''
  const url = wire.redact.url(wire.url)
  const message = ociErrorMessage(status, body, wire.redact.text)
  if (status === 401) {
    const challenge = wire.header('www-authenticate') ?? ''
    if (/^\s*bearer\b/i.test(challenge))
      return fatal(
        EcrError.httpError(
          method,
          url,
          401,
          'the registry asks for Bearer token authentication, which is not supported (only Basic auth with an ECR login)'
        )
      )
    return { ...fatal(EcrError.httpError(method, url, 401, `unauthorized: ${message}`)), relogin: wire.withLogin === true }
  }
  if (status === 403) return fatal(EcrError.httpError(method, url, 403, `forbidden: ${message}`))
  const retryAfter = parseRetryAfter(wire.header('retry-after'))
  return {
    error: EcrError.httpError(method, url, status, message),
    retryable: RETRYABLE_STATUS.has(status),
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter })
  }
}

// -------------------------------------------------------------------------------------
// target
// -------------------------------------------------------------------------------------

/** The registry of a login; its `proxyEndpoint` (from ECR's answer) must be an http(s) URL. */
export const targetOf = (login: EcrLogin): E.Either<EcrError.EcrError, Target> => {
  const redact = loginRedactor(login)
  try {
    const u = new URL(login.proxyEndpoint)
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      return E.left(EcrError.invalidArgument(`the registry endpoint must be http(s): ${redact.url(login.proxyEndpoint)}`))
    return E.right({
      base: `${u.origin}${u.pathname}`.replace(/\/+$/, ''),
      origin: u.origin,
      authorization: `Basic ${Buffer.from(`${login.username}:${login.password}`, 'utf8').toString('base64')}`,
      redact
    })
  } catch {
    return E.left(EcrError.invalidArgument(`not a valid registry endpoint: ${redact.url(login.proxyEndpoint)}`))
  }
}

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

// -------------------------------------------------------------------------------------
// fetch transport
// -------------------------------------------------------------------------------------

/** A response body, chunk by chunk: a web stream's reader or a Node stream's iterator. */
export interface Chunks {
  readonly next: () => Promise<{ readonly done?: boolean; readonly value?: Uint8Array | string }>
  /** Stops the body (best effort; the connection is not reused). */
  readonly cancel: () => void
}

/** A body's bytes, at most `limit` of them, each chunk within `idleMs` of the previous one. */
export const readBody = async (
  chunks: Chunks,
  limit: number,
  deadline: Deadline,
  idleMs: number
): Promise<E.Either<'too-large' | { readonly error: unknown }, Buffer>> => {
  const out: Array<Uint8Array> = []
  let n = 0
  const what = 'no response body bytes'
  deadline.arm(idleMs, what)
  try {
    for (;;) {
      const read = await within(deadline, chunks.next())
      if (E.isLeft(read)) {
        chunks.cancel()
        return E.left({ error: read.left })
      }
      const { done, value } = read.right
      if (done === true || value === undefined) break
      deadline.arm(idleMs, what)
      const bytes = typeof value === 'string' ? Buffer.from(value) : value
      n += bytes.byteLength
      if (n > limit) {
        chunks.cancel()
        return E.left('too-large')
      }
      out.push(bytes)
    }
  } finally {
    deadline.clear()
  }
  return E.right(Buffer.concat(out))
}

/** The chunks of a web stream (`null`: no body). */
const webChunks = (body: ReadableStream<Uint8Array> | null): Chunks => {
  if (body === null) return { next: async () => ({ done: true }), cancel: () => undefined }
  const reader = body.getReader()
  return { next: () => reader.read(), cancel: () => void reader.cancel().catch(() => undefined) }
}

const fromFetch = (url: string, res: Response, deadline: Deadline, idleMs: number): Answer => ({
  status: res.status,
  url,
  header: (name) => res.headers.get(name) ?? undefined,
  bytes: (limit) => readBody(webChunks(res.body), limit, deadline, idleMs),
  discard: async () => {
    try {
      await res.body?.cancel()
    } catch {
      // already consumed or errored: nothing to release
    }
  }
})

/**
 * Where an environment's small registry requests go instead of its `fetch`: set by `dispatching`
 * (copies, which load undici anyway) when that `fetch` is the built-in one. A symbol, so it rides
 * along when an environment is spread and is never part of its public shape.
 */
export const SMALL_REQUESTS: unique symbol = Symbol('ecr-fp-ts small registry requests')

interface Dispatching {
  readonly [SMALL_REQUESTS]?: Transport<Answer>
}

/**
 * `env`, its small registry requests sent through `transport` when its `fetch` is the built-in
 * one (a fetch the caller passed is always used).
 */
export const dispatching = <R extends HttpEnv>(env: R, transport: Transport<Answer>): R =>
  isBuiltinFetch(env.fetch) ? { ...env, [SMALL_REQUESTS]: transport } : env

/**
 * One hop of a small request: through `env.fetch`, redirects left to `exchange`, the deadline's
 * signal aborting it; or through the transport `dispatching` set.
 */
export const viaFetch: Transport<Answer> = async (env, hop, deadline, timeouts) => {
  const instead = (env as RegistryHttpEnv & Dispatching)[SMALL_REQUESTS]
  if (instead !== undefined) return instead(env, hop, deadline, timeouts)
  const init: RequestInit = { method: hop.method, headers: { ...hop.headers }, redirect: 'manual', signal: deadline.signal }
  if (hop.body !== undefined) init.body = hop.body as BodyInit
  const res = await within(
    deadline,
    Promise.resolve().then(() => env.fetch(hop.url, init))
  )
  return E.map((r: Response) => fromFetch(hop.url, r, deadline, timeouts.idleMs))(res)
}

// -------------------------------------------------------------------------------------
// exchange: redirects, deadlines
// -------------------------------------------------------------------------------------

export interface Exchange<W extends Answer> {
  readonly transport: Transport<W>
  readonly method: string
  readonly url: string
  readonly headers?: Readonly<Record<string, string>>
  /**
   * Called for every hop that sends a body; `E.left` when the body cannot be sent again. A streamed
   * body calls `progress` for each chunk it hands over (the hop's deadline is re-armed by it).
   */
  readonly body?: (progress: () => void) => E.Either<Failure, HopBody>
}

/** What a hop's deadline says when a request body stops moving. */
const SENDING = 'no progress sending the request body'

/** Logs through the environment's logger; `meta` (redaction costs) is only built when there is one. */
const safeLog = (env: RegistryHttpEnv, level: keyof Logger, message: string, meta: () => Readonly<Record<string, unknown>>): void => {
  const logger = env.logger
  if (logger === undefined) return
  try {
    logger[level](message, meta())
  } catch {
    // a logger that throws must not break the request
  }
}

/**
 * Sends a request and follows redirects by hand (at most `MAX_REDIRECTS`), with the Authorization
 * header only for the registry's origin. Each hop has a deadline for its answer (connect plus
 * headers, re-armed while a request body is being sent); the transport reads the body under the
 * idle deadline. Resolves to the final response, whatever its status.
 */
export const exchange = async <W extends Answer>(
  env: RegistryHttpEnv,
  target: Target,
  x: Exchange<W>
): Attempt<W & Wire> => {
  const timeouts = timeoutsOf(env)
  let method = x.method
  let url = x.url
  let redact = target.redact.with(urlSecrets(url))
  let withBody = x.body !== undefined
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { ...(x.headers ?? {}) }
    if (originOf(url) === target.origin) headers['authorization'] = target.authorization
    const deadline = makeDeadline(env.signal)
    let body: HopBody = undefined
    if (withBody && x.body !== undefined) {
      const b = x.body(() => deadline.arm(timeouts.headersMs, SENDING))
      if (E.isLeft(b)) return b
      body = b.right
    }
    if (!withBody) {
      delete headers['content-type']
      delete headers['content-length']
    }
    deadline.arm(timeouts.connectMs + timeouts.headersMs, 'no response headers')
    const res = await x.transport(env, { method, url, headers, body }, deadline, timeouts)
    if (E.isLeft(res)) {
      deadline.clear()
      const failure = networkFailure(method, url, deadline.expired() ?? res.left, redact)
      safeLog(env, 'debug', 'registry request failed', () => ({ method, url: redact.url(url), error: EcrError.message(failure.error) }))
      return E.left(failure)
    }
    deadline.clear()
    const wire = { ...res.right, redact, withLogin: headers['authorization'] !== undefined }
    safeLog(env, 'debug', 'registry request', () => ({ method, url: redact.url(url), status: wire.status }))
    if (!REDIRECT_STATUS.has(wire.status)) return E.right(wire)
    const location = wire.header('location')
    await wire.discard()
    if (location === undefined || location === '')
      return E.left(fatal(EcrError.httpError(method, redact.url(url), wire.status, 'redirect without a Location header')))
    if (hop >= MAX_REDIRECTS)
      return E.left(fatal(EcrError.httpError(method, redact.url(url), wire.status, `more than ${MAX_REDIRECTS} redirects`)))
    let next: string
    try {
      next = new URL(location, url).toString()
    } catch {
      return E.left(fatal(EcrError.httpError(method, redact.url(url), wire.status, 'redirect to an invalid Location')))
    }
    if (!/^https?:$/.test(new URL(next).protocol))
      return E.left(fatal(EcrError.httpError(method, redact.url(url), wire.status, 'redirect to a non-HTTP location')))
    if (wire.status === 303 || ((wire.status === 301 || wire.status === 302) && method === 'POST')) {
      if (method !== 'HEAD') method = 'GET'
      withBody = false
    }
    url = next
    redact = redact.with(urlSecrets(url))
  }
}

// -------------------------------------------------------------------------------------
// retries
// -------------------------------------------------------------------------------------

/**
 * Runs `attempt` under the environment's retry policy; retryable failures are tried again after
 * `env.sleep`. An attempt runs the environment's own functions (`fetch`, the dispatcher, the
 * logger): one that throws is an unexpected failure, a `Left`, not a rejection.
 */
const withRetries = async <A>(
  env: RegistryHttpEnv,
  target: Target,
  what: string,
  attempt: () => Attempt<A>
): Promise<E.Either<Failure, A>> => {
  const sleep = env.sleep
  return retrying<Failure, A>(
    env.retryPolicy ?? httpDefault,
    () => () =>
      attempt().catch((e: unknown) =>
        E.left<Failure, A>(fatal(EcrError.httpError('?', what, 0, `unexpected failure: ${target.redact.text(errorText(e))}`)))
      ),
    (r) => E.isLeft(r) && r.left.retryable && env.signal?.aborted !== true,
    {
      ...(sleep === undefined ? {} : { sleep: (ms: number) => Promise.resolve().then(() => sleep(ms)).catch(() => undefined) }),
      delayHint: (r) => (E.isLeft(r) ? r.left.retryAfterMs : undefined),
      onRetry: (r, delayMs, status) => {
        if (E.isLeft(r))
          safeLog(env, 'warn', 'registry request will be retried', () => ({
            what,
            error: EcrError.message(r.left.error),
            attempt: status.iterNumber + 1,
            delayMs: Math.round(delayMs)
          }))
      }
    }
  )()
}

/** The failure of an operation cancelled before it started. */
const cancelledBefore = (what: string, e: Error): EcrError.EcrError => EcrError.httpError('?', what, 0, e.message)

// -------------------------------------------------------------------------------------
// logins
// -------------------------------------------------------------------------------------

/**
 * A login that can be renewed: the one its operations use now, and how to get a fresh one. Keyed
 * by the login value `getLogin` handed out, which the operations of one copy pass around: when one
 * request renews it, every later request of the copy uses the fresh one, without any signature in
 * between changing. A login made by hand has none: a 401 to it is the error, as before.
 */
interface Holder {
  current: EcrLogin
  readonly renew: () => Promise<E.Either<EcrError.EcrError, EcrLogin>>
  pending: Promise<E.Either<EcrError.EcrError, EcrLogin>> | undefined
}

const holders = new WeakMap<EcrLogin, Holder>()

/**
 * `login`, made renewable with `renew` (a fresh GetAuthorizationToken, which must take no permit of
 * the limiter: it runs while a request holds one). Answers `login` itself.
 */
export const renewable = (login: EcrLogin, renew: () => Promise<E.Either<EcrError.EcrError, EcrLogin>>): EcrLogin => {
  holders.set(login, { current: login, renew, pending: undefined })
  return login
}

/** The login the operations given `login` use now: a renewed one, or `login`. */
export const currentLogin = (login: EcrLogin): EcrLogin => holders.get(login)?.current ?? login

/**
 * A fresh login in place of `stale` (the one a request was refused with): the holder's current one
 * when another request renewed it already, else one renewal shared by every request that asks
 * meanwhile. `undefined` when `login` is not renewable.
 */
const renewLogin = (login: EcrLogin, stale: EcrLogin): Promise<E.Either<EcrError.EcrError, EcrLogin>> | undefined => {
  const holder = holders.get(login)
  if (holder === undefined) return undefined
  if (holder.current !== stale) return Promise.resolve(E.right(holder.current))
  if (holder.pending !== undefined) return holder.pending
  const pending = holder
    .renew()
    .catch((e: unknown) => E.left(EcrError.awsError('GetAuthorizationToken', 'Unexpected', `unexpected failure: ${errorText(e)}`, false)))
    .then((r) => {
      if (E.isRight(r)) holder.current = r.right
      holder.pending = undefined
      return r
    })
  holder.pending = pending
  return pending
}

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/**
 * One operation: attempts (with retries) against the login's registry, holding a permit of
 * `env.limiter` throughout; the attempts run in an environment whose limiter is `held`, so an
 * operation made of others takes no second permit. With `hold`, a successful result keeps the
 * permit: `hold` gets its `Release` and calls it when the result is done with (a streamed body).
 *
 * When the registry answers 401 to a request that carried a renewable login (`renewable`), the
 * login is renewed once (one GetAuthorizationToken shared by the requests refused meanwhile) and
 * the operation runs again with it, its attempts from the start (a streamed upload opens its source
 * again); a second 401 is the error. A login that cannot be renewed fails with the login's error.
 */
export const operation =
  <A>(
    login: EcrLogin,
    what: string,
    attempt: (env: RegistryHttpEnv, target: Target) => Attempt<A>,
    hold?: (a: A, release: Release, env: RegistryHttpEnv) => void
  ): RegistryHttp<A> =>
  (env) =>
  async () => {
    const used = currentLogin(login)
    const target = targetOf(used)
    if (E.isLeft(target)) return target
    if (env.signal?.aborted === true) return E.left(cancelledBefore(what, cancelled(env.signal)))
    const inner: RegistryHttpEnv = env.limiter === undefined ? env : { ...env, limiter: held(env.limiter) }
    const once = (t: Target) => withRetries(inner, t, what, () => attempt(inner, t))
    const run = async (): Promise<E.Either<EcrError.EcrError, A>> => {
      const first = await once(target.right)
      if (E.isRight(first)) return first
      const fresh = first.left.relogin === true ? renewLogin(login, used) : undefined
      if (fresh === undefined) return E.left(first.left.error)
      const renewed = await fresh
      if (E.isLeft(renewed)) return renewed
      const again = targetOf(renewed.right)
      if (E.isLeft(again)) return again
      safeLog(env, 'info', 'registry login renewed after a 401', () => ({ what }))
      const second = await once(again.right)
      return E.isLeft(second) ? E.left(second.left.error) : second
    }
    if (env.limiter === undefined || hold === undefined) {
      const r = await withPermits(env.limiter, 1, run, env.signal)
      return E.isLeft(r) ? E.left(cancelledBefore(what, r.left)) : r.right
    }
    const permit = await env.limiter.acquire(1, env.signal)
    if (E.isLeft(permit)) return E.left(cancelledBefore(what, permit.left))
    const r = await run().catch((e: unknown) => {
      permit.right()
      return E.left(EcrError.httpError('?', what, 0, `unexpected failure: ${target.right.redact.text(errorText(e))}`))
    })
    if (E.isRight(r)) hold(r.right, permit.right, env)
    else permit.right()
    return r
  }

/**
 * `op` once the environment's `rateLimits` give it a turn of each of `operations` (the ECR
 * operations its request counts against), waiting with `env.sleep` before it takes any permit;
 * an abort of `env.signal` while it waits is the operation's failure.
 */
export const paced =
  <A>(operations: ReadonlyArray<Operation>, what: string, op: RegistryHttp<A>): RegistryHttp<A> =>
  (env) =>
  async () => {
    const turn = await pace(env.rateLimits, operations, env.signal, env.sleep)
    return E.isLeft(turn) ? E.left(cancelledBefore(what, turn.left)) : op(env)()
  }

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** The `Content-Length` of an answer, when it has a valid one. */
export const contentLength = (wire: Pick<Wire, 'header'>): number | undefined => {
  const v = wire.header('content-length')
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined
  return Number(v.trim())
}

/** `location` with `name=value` appended to its query, the existing query kept byte for byte. */
export const withQueryParam = (location: string, name: string, value: string): string => {
  const hash = location.indexOf('#')
  const bare = hash >= 0 ? location.slice(0, hash) : location
  const sep = bare.includes('?') ? (bare.endsWith('?') || bare.endsWith('&') ? '' : '&') : '?'
  return `${bare}${sep}${encodeURIComponent(name)}=${encodeURIComponent(value)}`
}
