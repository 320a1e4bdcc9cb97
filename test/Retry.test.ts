import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as O from 'fp-ts/Option'
import {
  applyPolicy,
  capDelay,
  concat,
  constantDelay,
  defaultRetryStatus,
  delays,
  ecrDefault,
  exponentialBackoff,
  httpDefault,
  jittered,
  limitRetries,
  monoid,
  none,
  type RetryPolicy,
  type RetryStatus
} from '../src/Retry'

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

  it('none never retries, whatever the status', () => {
    fc.assert(fc.property(arbStatus, (s) => O.isNone(none(s))))
  })

  it('the ECR default: 4 retries, each delay within 2 s, growing from 50-100 ms', () => {
    for (let k = 0; k < 50; k++) {
      const ds = delays(ecrDefault)
      expect(ds).toHaveLength(4)
      for (const d of ds) expect(d).toBeLessThanOrEqual(2_000)
      expect(ds[0]).toBeGreaterThanOrEqual(50)
      expect(ds[0]).toBeLessThanOrEqual(100)
      expect(ds[3]).toBeGreaterThanOrEqual(400)
    }
  })
})
