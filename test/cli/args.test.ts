import { InvalidArgumentError } from 'commander'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { collect, parsePlatform, parsePositiveInteger, parseRegExp, parseResourceTag, usage } from '../../src/cli/args'

describe('parseResourceTag', () => {
  it('splits at the first =: any non-empty key without = and any value', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !k.includes('=')),
        fc.string({ maxLength: 30 }),
        (key, value) => {
          expect(parseResourceTag(`${key}=${value}`)).toEqual(E.right({ Key: key, Value: value }))
        }
      )
    )
  })

  it('rejects a value without = or with an empty key, quoting it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 20 }).filter((s) => !s.includes('=')),
          fc.string({ maxLength: 20 }).map((s) => `=${s}`)
        ),
        (s) => {
          const r = parseResourceTag(s)
          expect(E.isLeft(r) && r.left.startsWith('expected KEY=VALUE')).toBe(true)
        }
      )
    )
  })
})

describe('parseRegExp', () => {
  it('gives a RegExp with the source as given (no flags)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9/^$.*+?|-]{0,16}$/), (s) => {
        const valid = E.tryCatch(() => new RegExp(s), String)
        const r = parseRegExp(s)
        expect(E.isRight(r)).toBe(E.isRight(valid))
        if (E.isRight(r) && E.isRight(valid)) {
          expect(r.right.source).toBe(valid.right.source)
          expect(r.right.flags).toBe('')
        }
      })
    )
  })

  it('rejects what is not a regular expression', () => {
    for (const s of ['(', 'a[', '*x', '?', 'a{2,1}']) {
      const r = parseRegExp(s)
      expect(E.isLeft(r) && r.left.startsWith('not a regular expression')).toBe(true)
    }
  })
})

describe('parsePositiveInteger', () => {
  it('reads every whole number from 1 up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(parsePositiveInteger(String(n))).toEqual(E.right(n))
      })
    )
  })

  it('rejects zero, negatives, fractions, exponents, blanks and words', () => {
    for (const s of ['0', '00', '-1', '1.5', '7.0', '1e3', ' 7', '7 ', '', '0x10', 'seven', '+7', '99999999999999999999'])
      expect(E.isLeft(parsePositiveInteger(s))).toBe(true)
  })

  it('rejects any string that is not made of digits', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }).filter((s) => !/^[0-9]+$/.test(s)),
        (s) => {
          expect(E.isLeft(parsePositiveInteger(s))).toBe(true)
        }
      )
    )
  })
})

describe('parsePlatform', () => {
  it('reads os/arch and os/arch/variant', () => {
    expect(parsePlatform('linux/arm64')).toEqual(E.right({ os: 'linux', architecture: 'arm64' }))
    expect(parsePlatform('linux/arm/v7')).toEqual(E.right({ os: 'linux', architecture: 'arm', variant: 'v7' }))
    const bad = parsePlatform('arm64')
    expect(E.isLeft(bad) && bad.left).toMatch(/not a platform/)
  })
})

describe('usage and collect', () => {
  it('usage gives the parsed value, or throws commander InvalidArgumentError with the message', () => {
    expect(usage(parsePositiveInteger)('7')).toBe(7)
    expect(() => usage(parsePositiveInteger)('x')).toThrow(InvalidArgumentError)
    expect(() => usage(parsePositiveInteger)('x')).toThrow(/whole number/)
  })

  it('collect appends each value to the earlier ones, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 8 }), (ns) => {
        const step = collect(parsePositiveInteger)
        const all = ns.reduce<ReadonlyArray<number> | undefined>((acc, n) => step(String(n), acc), undefined)
        expect(all).toEqual(ns)
      })
    )
  })
})
