// Deadlines of ECR calls: an `ecr.send` that never settles, or settles late and ignores the abort
// signal, is given up after `callTimeoutMs` per attempt; a timed-out attempt is retried, so the
// whole call is bounded by the retry policy. Nothing is left pending behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as fc from 'fast-check'
import { DescribeRepositoriesCommand, type ECRClient } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import * as Env from '../src/Env'
import * as Registry from '../src/Registry'
import * as Retry from '../src/Retry'
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_CONNECT_MS, boundsAttempts, callTimeoutOf, sdkTimeouts, send, within } from '../src/internal/send'
import type { AccountId, Region } from '../src/Primitives'

const accountId = '123456789012' as AccountId
const region = 'us-east-1' as Region

interface Seen {
  calls: number
  signals: Array<AbortSignal | undefined>
}

/** An `ecr.send` that answers `answer(call, signal)`; it records every call and its abort signal. */
const fakeSend = (seen: Seen, answer: (call: number, signal: AbortSignal | undefined) => Promise<unknown>): ECRClient['send'] => {
  const f = (_command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> => {
    seen.calls++
    seen.signals.push(options?.abortSignal)
    return answer(seen.calls, options?.abortSignal)
  }
  // a test double: only the promise form of send is ever called
  return f as unknown as ECRClient['send']
}

const never = (): Promise<unknown> => new Promise(() => undefined)

/** Settles only after `ms`, whatever its abort signal says (a client that ignores the signal). */
const late = (ms: number, value: unknown) => (): Promise<unknown> => new Promise((resolve) => setTimeout(() => resolve(value), ms))

const elapsed = async <A>(run: () => Promise<A>): Promise<{ readonly result: A; readonly ms: number }> => {
  const t0 = performance.now()
  const result = await run()
  return { result, ms: performance.now() - t0 }
}

const instant = () => Promise.resolve()

describe('callTimeoutOf', () => {
  it('is the given deadline when it is at least 1 ms, else 30 s', () => {
    fc.assert(
      fc.property(fc.option(fc.double(), { nil: undefined }), (ms) => {
        const t = callTimeoutOf(ms === undefined ? {} : { callTimeoutMs: ms })
        expect(t).toBe(ms !== undefined && ms >= 1 ? Math.min(ms, 2_147_483_647) : DEFAULT_CALL_TIMEOUT_MS)
        expect(t).toBeGreaterThanOrEqual(1)
      })
    )
  })
})

describe('within', () => {
  it('settles as the call does before the deadline, and clears its timer', async () => {
    await expect(within(1000, 'Op', () => Promise.resolve(7))).resolves.toBe(7)
    await expect(within(1000, 'Op', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
  })

  it('rejects with a TimeoutError naming the operation once the deadline passes, and aborts the signal', async () => {
    let signal: AbortSignal | undefined
    const { result, ms } = await elapsed(() =>
      within(50, 'DescribeImages', (s) => {
        signal = s
        return never()
      }).catch((e: unknown) => e)
    )
    expect(result).toMatchObject({ name: 'TimeoutError', message: 'DescribeImages: no answer within 50 ms (callTimeoutMs)' })
    expect(signal?.aborted).toBe(true)
    expect(ms).toBeGreaterThanOrEqual(45)
    expect(ms).toBeLessThan(1000)
  })

  it('ignores a late settlement (no unhandled rejection) and turns a synchronous throw into a rejection', async () => {
    const rejectLate = (): Promise<never> => new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 30))
    await expect(within(5, 'Op', rejectLate)).rejects.toMatchObject({ name: 'TimeoutError' })
    await new Promise((resolve) => setTimeout(resolve, 50))
    await expect(
      within(1000, 'Op', () => {
        throw new Error('sync')
      })
    ).rejects.toThrow('sync')
  })

  it('an aborted outer signal aborts the attempt', async () => {
    const outer = new AbortController()
    let signal: AbortSignal | undefined
    const p = within(10_000, 'Op', (s) => {
      signal = s
      return new Promise((_, reject) => s.addEventListener('abort', () => reject(new Error('aborted'))))
    }, outer.signal)
    outer.abort()
    await expect(p).rejects.toThrow('aborted')
    expect(signal?.aborted).toBe(true)
  })
})

describe('send: a bare client', () => {
  it('passes an abort signal to the client', async () => {
    const seen: Seen = { calls: 0, signals: [] }
    const r = await send(new DescribeRepositoriesCommand({}))({ ecr: { send: fakeSend(seen, () => Promise.resolve({ $metadata: {} })) } })()
    expect(E.isRight(r)).toBe(true)
    expect(seen.signals[0]).toBeInstanceOf(AbortSignal)
    expect(seen.signals[0]?.aborted).toBe(false)
  })

  it('a send that never settles is a retryable TimeoutError Left after callTimeoutMs', async () => {
    const seen: Seen = { calls: 0, signals: [] }
    const { result, ms } = await elapsed(() =>
      send(new DescribeRepositoriesCommand({}))({ ecr: { send: fakeSend(seen, never) }, callTimeoutMs: 100 })()
    )
    expect(result).toEqual(
      E.left({
        _tag: 'AwsError',
        operation: 'DescribeRepositories',
        code: 'TimeoutError',
        message: 'DescribeRepositories: no answer within 100 ms (callTimeoutMs)',
        retryable: true
      })
    )
    expect(seen.signals[0]?.aborted).toBe(true)
    expect(ms).toBeGreaterThanOrEqual(95)
    expect(ms).toBeLessThan(1000)
  })

  it('a send that ignores the signal and answers late is given up all the same', async () => {
    const seen: Seen = { calls: 0, signals: [] }
    const { result, ms } = await elapsed(() =>
      send(new DescribeRepositoriesCommand({}))({ ecr: { send: fakeSend(seen, late(400, { $metadata: {} })) }, callTimeoutMs: 100 })()
    )
    expect(E.isLeft(result) && result.left._tag === 'AwsError' && result.left.code).toBe('TimeoutError')
    expect(ms).toBeLessThan(390)
  })
})

describe('Env.make: each attempt has the deadline, and timed-out attempts are retried', () => {
  const made = (ecrSend: ECRClient['send'], attempts: number) =>
    Env.make({ ecr: { send: ecrSend }, accountId, region, callTimeoutMs: 100, retry: { ecr: Retry.limitRetries(attempts - 1) }, sleep: instant })

  it('a send that never settles: a Left after every attempt timed out, within attempts x deadline', async () => {
    const seen: Seen = { calls: 0, signals: [] }
    const { result, ms } = await elapsed(() => Registry.listRepositories()(made(fakeSend(seen, never), 4))())
    expect(E.isLeft(result) && result.left._tag === 'AwsError' && result.left.code).toBe('TimeoutError')
    expect(seen.calls).toBe(4)
    expect(seen.signals.every((s) => s?.aborted === true)).toBe(true)
    expect(ms).toBeGreaterThanOrEqual(4 * 95)
    expect(ms).toBeLessThan(4 * 100 + 1000)
  })

  it('a send that ignores the signal: the same bound', async () => {
    const seen: Seen = { calls: 0, signals: [] }
    const { result, ms } = await elapsed(() => Registry.listRepositories()(made(fakeSend(seen, late(10_000, { $metadata: {} })), 3))())
    expect(E.isLeft(result) && result.left._tag === 'AwsError' && result.left.code).toBe('TimeoutError')
    expect(seen.calls).toBe(3)
    expect(ms).toBeLessThan(3 * 100 + 1000)
  })

  it('an attempt that times out is retried, and a later one that answers in time succeeds', async () => {
    const seen: Seen = { calls: 0, signals: [] }
    const answer = (call: number) => (call < 3 ? never() : Promise.resolve({ $metadata: {}, repositories: [] }))
    const r = await Registry.listRepositories()(made(fakeSend(seen, answer), 6))()
    expect(r).toEqual(E.right([]))
    expect(seen.calls).toBe(3)
  })

  it('the deadline is per attempt, not per call: attempts of 60 ms each under a 100 ms deadline all count', async () => {
    const seen: Seen = { calls: 0, signals: [] }
    const answer = (call: number) =>
      call < 3
        ? new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error('busy'), { name: 'ThrottlingException' })), 60))
        : late(60, { $metadata: {}, repositories: [] })()
    const r = await Registry.listRepositories()(made(fakeSend(seen, answer), 6))()
    expect(r).toEqual(E.right([]))
    expect(seen.calls).toBe(3)
  })

  it('with logging too (the logging middleware keeps the per-attempt deadline)', async () => {
    const seen: Seen = { calls: 0, signals: [] }
    const lines: Array<string> = []
    const logger: Env.Logger = { debug: (m) => lines.push(m), info: () => undefined, warn: () => undefined }
    const env = Env.make({
      ecr: { send: fakeSend(seen, never) },
      accountId,
      region,
      logger,
      callTimeoutMs: 50,
      retry: { ecr: Retry.limitRetries(1) },
      sleep: instant
    })
    const { result, ms } = await elapsed(() => Registry.listRepositories()(env)())
    expect(E.isLeft(result)).toBe(true)
    expect(seen.calls).toBe(2)
    expect(lines.filter((l) => l === 'ecr call failed')).toHaveLength(2)
    expect(ms).toBeLessThan(1000)
  })
})

describe('sdkTimeouts: the SDK clients\' own deadlines', () => {
  it('connectionTimeout from timeouts.connectMs, requestTimeout from callTimeoutMs, and a missed one an error', () => {
    expect(sdkTimeouts({})).toEqual({ connectionTimeout: 10_000, requestTimeout: 30_000, throwOnRequestTimeout: true })
    fc.assert(
      fc.property(fc.option(fc.double(), { nil: undefined }), fc.option(fc.double(), { nil: undefined }), (call, connect) => {
        const t = sdkTimeouts({ ...(call === undefined ? {} : { callTimeoutMs: call }), timeouts: connect === undefined ? {} : { connectMs: connect } })
        expect(t.requestTimeout).toBe(callTimeoutOf(call === undefined ? {} : { callTimeoutMs: call }))
        expect(t.connectionTimeout).toBe(connect !== undefined && connect >= 1 ? Math.min(connect, 2_147_483_647) : DEFAULT_CONNECT_MS)
        expect(t.throwOnRequestTimeout).toBe(true)
      })
    )
  })
})

describe('Env.fromDefaults: deadlines in the SDK client', () => {
  const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_EC2_METADATA_DISABLED: 'true' }
  const saved: Record<string, string | undefined> = {}
  const requests: Array<string> = []
  // takes every request and never answers
  const server = http.createServer((req) => requests.push(req.url ?? ''))
  let endpoint = ''
  beforeAll(async () => {
    for (const [k, v] of Object.entries(CREDENTIALS)) {
      saved[k] = process.env[k]
      process.env[k] = v
    }
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('the client bounds its attempts itself, and the environment carries the deadlines given', async () => {
    const r = await Env.fromDefaults({ region: 'eu-west-1', accountId, callTimeoutMs: 1234, timeouts: { connectMs: 50 }, paging: { maxPages: 3 } })()
    expect(E.isRight(r)).toBe(true)
    if (E.isLeft(r)) return
    expect(boundsAttempts(r.right.ecr)).toBe(true)
    expect(r.right.callTimeoutMs).toBe(1234)
    expect(r.right.timeouts).toEqual({ connectMs: 50 })
    expect(r.right.paging).toEqual({ maxPages: 3 })
    const d = await Env.fromDefaults({ region: 'eu-west-1', accountId })()
    expect(E.isRight(d) && d.right.callTimeoutMs).toBe(DEFAULT_CALL_TIMEOUT_MS)
  })

  it('an endpoint that never answers: each SDK attempt is given up and retried, and the call is a Left within the bound', async () => {
    requests.length = 0
    const r = await Env.fromDefaults({ region: 'eu-west-1', accountId, endpoint, callTimeoutMs: 200, maxAttempts: 5 })()
    expect(E.isRight(r)).toBe(true)
    if (E.isLeft(r)) return
    const { result, ms } = await elapsed(() => Registry.listRepositories()(r.right)())
    expect(E.isLeft(result) && result.left._tag === 'AwsError' && result.left.code).toBe('TimeoutError')
    // five attempts of 200 ms, and the SDK's backoff between them (at most 1.5 s here)
    expect(requests.length).toBe(5)
    expect(ms).toBeGreaterThanOrEqual(5 * 190)
    expect(ms).toBeLessThan(8000)
  })
})

describe('which capabilities bound their attempts themselves', () => {
  it("make's and the retry middleware's do, so send adds no deadline around retries; a bare client and a wrapper of one do not", async () => {
    const { InMemoryEcr } = await import('../src/testing')
    const { withRegistryEndpoint } = await import('../src/cli/middleware')
    const twin = InMemoryEcr.make()
    expect(boundsAttempts(twin.env.ecr)).toBe(true)
    expect(boundsAttempts(twin.ecr)).toBe(false)
    expect(boundsAttempts(withRegistryEndpoint('http://127.0.0.1:1')(twin.env).ecr)).toBe(true)
    expect(boundsAttempts(withRegistryEndpoint('http://127.0.0.1:1')({ ...twin.env, ecr: twin.ecr }).ecr)).toBe(false)
    expect(boundsAttempts(Env.withEcrLogging({ debug: () => undefined, info: () => undefined, warn: () => undefined })(twin.env).ecr)).toBe(true)
    expect(boundsAttempts(Env.withEcrRetries(Retry.limitRetries(1))({ ...twin.env, ecr: twin.ecr }).ecr)).toBe(true)
  })
})
