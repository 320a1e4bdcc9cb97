// Deadlines of ECR calls: an `ecr.send` that never settles, or settles late and ignores the abort
// signal, is given up after `callTimeoutMs` per attempt; a timed-out attempt is retried, so the
// whole call is bounded by the retry policy. Nothing is left pending behind.
import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import { DescribeRepositoriesCommand, type ECRClient } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import * as Env from '../src/Env'
import * as Registry from '../src/Registry'
import * as Retry from '../src/Retry'
import { DEFAULT_CALL_TIMEOUT_MS, callTimeoutOf, send, within } from '../src/internal/send'
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
