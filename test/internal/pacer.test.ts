// Pacing: per-operation windows that let a whole rate r start at most r calls in any second, a
// full second's worth at once, and never make a call wait while fewer than r started in the last
// second; shared by everything using one environment (spread copies included).
import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { ListImagesCommand } from '@aws-sdk/client-ecr'
import * as Env from '../../src/Env'
import { isPaced, makeWindow, MAX_SLOTS, pace, reserve, withClock } from '../../src/internal/pacer'
import { send } from '../../src/internal/send'
import * as InMemoryEcr from '../../src/testing/InMemoryEcr'

/** The most of `times` inside any half-open window `[a, a + ms)`. */
const busiest = (times: ReadonlyArray<number>, ms: number): number => {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  let lo = 0
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] ?? 0) - (sorted[lo] ?? 0) >= ms) lo++
    most = Math.max(most, hi - lo + 1)
  }
  return most
}

const asks = fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 120 })

describe('reserve', () => {
  it('no 1-second window holds more than a whole rate, and a call under the limit never waits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), asks, (rate, gaps) => {
        const w = makeWindow(rate)
        expect(w).toBeDefined()
        if (w === undefined) return
        let now = 0
        const starts: Array<number> = []
        for (const gap of gaps) {
          now += gap
          const startedLastSecond = starts.filter((s) => s > now - 1000 && s <= now).length
          const at = reserve(w, now)
          expect(at).toBeGreaterThanOrEqual(now)
          if (startedLastSecond < rate && starts.every((s) => s <= now)) expect(at).toBe(now)
          starts.push(at)
        }
        expect(busiest(starts, 1000)).toBeLessThanOrEqual(rate)
      })
    )
  })

  it('a fractional or huge rate keeps ⌊r⌋ (1 to MAX_SLOTS) calls per window of ⌊r⌋ / r seconds', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 1e7, noNaN: true }), asks, (rate, gaps) => {
        const w = makeWindow(rate)
        if (w === undefined) return
        const n = Math.min(MAX_SLOTS, Math.max(1, Math.floor(rate)))
        expect(w.slots.length).toBe(n)
        expect(w.windowMs).toBeCloseTo((n / rate) * 1000)
        let now = 0
        const starts = gaps.map((gap) => {
          now += gap
          return reserve(w, now)
        })
        // each call at least one window after the call n before it
        starts.forEach((s, i) => {
          if (i >= n) expect(s - (starts[i - n] ?? 0)).toBeGreaterThanOrEqual(w.windowMs - 1e-6)
        })
      })
    )
  })

  it('does not pace Infinity, zero, negative or NaN rates', () => {
    for (const r of [Infinity, 0, -1, Number.NaN, undefined]) {
      expect(isPaced(r)).toBe(false)
      expect(makeWindow(r)).toBeUndefined()
    }
  })
})

describe('pace', () => {
  it('waits with the sleep of its clock for the latest turn of its operations, and never under the limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 60 }), async (rate, calls) => {
        const t = 1_000_000
        const waits: Array<number> = []
        const rates = withClock({ PutImage: rate }, { now: () => t, sleep: (ms) => Promise.resolve(void waits.push(ms)) })
        for (let i = 0; i < calls; i++) expect(await pace(rates, ['PutImage', 'ListImages'])).toEqual(E.right(undefined))
        // all at one instant: a full second's worth at once, then one second per batch of `rate`
        expect(waits).toEqual(Array.from({ length: Math.max(0, calls - rate) }, (_, i) => (Math.floor(i / rate) + 1) * 1000))
      })
    )
  })

  it('ends a wait when the signal is aborted, and refuses to wait on an aborted one', async () => {
    const rates = withClock({ PutImage: 1 }, { now: () => 0, sleep: () => new Promise(() => undefined) })
    expect(await pace(rates, ['PutImage'])).toEqual(E.right(undefined))
    const controller = new AbortController()
    const waiting = pace(rates, ['PutImage'], controller.signal)
    controller.abort()
    const r = await waiting
    expect(E.isLeft(r) && r.left.name).toBe('AbortError')
    const again = await pace(rates, ['PutImage'], controller.signal)
    expect(E.isLeft(again)).toBe(true)
  })

  it('a sleep that fails counts as waited; no rates, or an unpaced operation, never waits', async () => {
    const rates = withClock({ PutImage: 1 }, { now: () => 0, sleep: () => Promise.reject(new Error('boom')) })
    expect(await pace(rates, ['PutImage'])).toEqual(E.right(undefined))
    expect(await pace(rates, ['PutImage'])).toEqual(E.right(undefined))
    expect(await pace(undefined, ['PutImage'])).toEqual(E.right(undefined))
    expect(await pace({ PutImage: Env.unpaced }, ['PutImage'])).toEqual(E.right(undefined))
  })
})

describe('Env.make pacing of ECR calls', () => {
  it('paces send by command name on the env clock, shared by spread copies of the env', async () => {
    const twin = InMemoryEcr.make()
    twin.createRepository('app')
    const t = new Date('2025-01-01T00:00:00Z')
    const waits: Array<number> = []
    const env = Env.make({
      ecr: twin.ecr,
      accountId: twin.accountId,
      region: twin.region,
      now: () => t,
      sleep: (ms) => Promise.resolve(void waits.push(ms)),
      rateLimits: { ListImages: 2 }
    })
    expect(env.rateLimits).toEqual({ ...Env.defaultRateLimits, ListImages: 2 })
    const copy = { ...env, logger: undefined }
    for (const e of [env, copy, env, copy, env])
      expect(E.isRight(await send(new ListImagesCommand({ repositoryName: 'app' }))(e)())).toBe(true)
    expect(waits).toEqual([1000, 1000, 2000])
    expect(twin.callCount('ListImages')).toBe(5)
  })

  it('parse refuses rates that are not positive, and takes unpaced', () => {
    const twin = InMemoryEcr.make()
    const base = { ecr: twin.ecr, accountId: '123456789012', region: 'us-east-1' }
    expect(E.isRight(Env.parse({ ...base, rateLimits: { PutImage: Env.unpaced, BatchGetImage: 0.5 } }))).toBe(true)
    const bad = Env.parse({ ...base, rateLimits: { PutImage: 0, BatchGetImage: -1 } })
    expect(E.isLeft(bad) && bad.left.message).toBe(
      'rateLimits.PutImage is not a positive number: 0; rateLimits.BatchGetImage is not a positive number: -1'
    )
  })
})
