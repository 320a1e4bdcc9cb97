import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import { concat, exponentialBackoff, limitRetries } from '../../src/Retry'
import { retrying } from '../../src/internal/retry'

describe('retrying', () => {
  const noSleep = { sleep: () => Promise.resolve() }

  it('makes at most n + 1 attempts with limitRetries(n) and returns the last result', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 12 }), async (n, failures) => {
        let calls = 0
        const action = () => {
          calls++
          return calls <= failures ? TE.left(`fail ${calls}`) : TE.right(calls)
        }
        const r = await retrying(limitRetries(n), action, E.isLeft, noSleep)()
        const expectedCalls = Math.min(failures, n) + 1
        expect(calls).toBe(expectedCalls)
        expect(r).toEqual(failures <= n ? E.right(failures + 1) : E.left(`fail ${n + 1}`))
      })
    )
  })

  it('waits what the policy says and tells the action its status', async () => {
    const waited: Array<number> = []
    const seen: Array<number> = []
    const r = await retrying(
      concat(limitRetries(3), exponentialBackoff(10)),
      (s) => {
        seen.push(s.iterNumber)
        return TE.left('no')
      },
      () => true,
      { sleep: (ms) => (waited.push(ms), Promise.resolve()) }
    )()
    expect(r).toEqual(E.left('no'))
    expect(waited).toEqual([10, 20, 40])
    expect(seen).toEqual([0, 1, 2, 3])
  })

  it('honours a longer delay hint, capped by maxHintMs', async () => {
    const waited: Array<number> = []
    await retrying(limitRetries(2), () => TE.left('busy'), () => true, {
      sleep: (ms) => (waited.push(ms), Promise.resolve()),
      delayHint: () => 90_000,
      maxHintMs: 1_000
    })()
    expect(waited).toEqual([1_000, 1_000])
  })

  it('does not retry when shouldRetry says no', async () => {
    let calls = 0
    const r = await retrying(
      limitRetries(5),
      () => {
        calls++
        return TE.left('fatal')
      },
      () => false,
      noSleep
    )()
    expect(calls).toBe(1)
    expect(r).toEqual(E.left('fatal'))
  })
})
