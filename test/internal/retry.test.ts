import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import {
  applyPolicy,
  capDelay,
  concat,
  constantDelay,
  defaultRetryStatus,
  delays,
  exponentialBackoff,
  httpDefault,
  jittered,
  limitRetries,
  monoid,
  retrying,
  type RetryPolicy,
  type RetryStatus
} from '../../src/internal/retry'

const status = (iterNumber: number): RetryStatus => ({ iterNumber, cumulativeDelay: 0, previousDelay: O.none })

const arbStatus = fc.integer({ min: 0, max: 60 }).map(status)

const arbPolicy: fc.Arbitrary<RetryPolicy> = fc.oneof(
  fc.integer({ min: 0, max: 10 }).map(limitRetries),
  fc.integer({ min: 0, max: 10_000 }).map(constantDelay),
  fc.integer({ min: 0, max: 1_000 }).map(exponentialBackoff)
)

describe('retry policies', () => {
  it('limitRetries(n) allows exactly n retries', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), (n) => {
        expect(delays(limitRetries(n))).toEqual(new Array(n).fill(0))
      })
    )
  })

  it('exponentialBackoff doubles each time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 20 }), (base, i) => {
        expect(exponentialBackoff(base)(status(i))).toEqual(O.some(base * 2 ** i))
      })
    )
  })

  it('capDelay never exceeds the cap and keeps the stop decision', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), arbPolicy, arbStatus, (cap, p, s) => {
        const capped = capDelay(cap, p)(s)
        expect(O.isSome(capped)).toBe(O.isSome(p(s)))
        if (O.isSome(capped)) expect(capped.value).toBeLessThanOrEqual(cap)
      })
    )
  })

  it('jittered stays within [d/2, d], whatever the random source says', () => {
    fc.assert(
      fc.property(arbPolicy, arbStatus, fc.double({ noNaN: false }), (p, s, r) => {
        const base = p(s)
        const j = jittered(p, () => r)(s)
        expect(O.isSome(j)).toBe(O.isSome(base))
        if (O.isSome(j) && O.isSome(base)) {
          expect(j.value).toBeGreaterThanOrEqual(base.value / 2)
          expect(j.value).toBeLessThanOrEqual(base.value)
        }
      })
    )
  })

  it('concat stops when either stops and takes the longer delay', () => {
    fc.assert(
      fc.property(arbPolicy, arbPolicy, arbStatus, (a, b, s) => {
        const c = concat(a, b)(s)
        const x = a(s)
        const y = b(s)
        if (O.isNone(x) || O.isNone(y)) expect(O.isNone(c)).toBe(true)
        else expect(c).toEqual(O.some(Math.max(x.value, y.value)))
      })
    )
  })

  it('monoid laws: associativity and identity', () => {
    fc.assert(
      fc.property(arbPolicy, arbPolicy, arbPolicy, arbStatus, (a, b, c, s) => {
        expect(monoid.concat(monoid.concat(a, b), c)(s)).toEqual(monoid.concat(a, monoid.concat(b, c))(s))
        expect(monoid.concat(a, monoid.empty)(s)).toEqual(a(s))
        expect(monoid.concat(monoid.empty, a)(s)).toEqual(a(s))
      })
    )
  })

  it('the HTTP default: 5 retries, each delay within 5 s, growing from 100-200 ms', () => {
    for (let k = 0; k < 50; k++) {
      const ds = delays(httpDefault)
      expect(ds).toHaveLength(5)
      for (const d of ds) expect(d).toBeLessThanOrEqual(5_000)
      expect(ds[0]).toBeGreaterThanOrEqual(100)
      expect(ds[0]).toBeLessThanOrEqual(200)
      expect(ds[4]).toBeGreaterThanOrEqual(1_600)
    }
  })

  it('applyPolicy advances the status', () => {
    const s1 = applyPolicy(constantDelay(7), defaultRetryStatus)
    expect(s1).toEqual({ iterNumber: 1, cumulativeDelay: 7, previousDelay: O.some(7) })
  })
})

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
