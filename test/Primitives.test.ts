import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import type * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import * as P from '../src/Primitives'
import { accountId, anyString, imageDigest, imageTag, KNOWN_REGIONS, mutated, region, repositoryName } from './arbitraries'

const RUNS = 10_000

// -------------------------------------------------------------------------------------
// reference implementations, written from the rules without regexes
// -------------------------------------------------------------------------------------

const DIGITS = '0123456789'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const HEX = '0123456789abcdef'
const TAG_FIRST = `${LOWER}${LOWER.toUpperCase()}${DIGITS}_`
const TAG_REST = `${TAG_FIRST}.-`
const only = (chars: string, s: string): boolean => [...s].every((c) => chars.includes(c))

const refAccountId = (s: string): boolean => s.length === 12 && only(DIGITS, s)

const PREFIXES = ['us', 'eu', 'ap', 'sa', 'ca', 'me', 'af', 'il', 'mx', 'cn', 'us-gov', 'us-iso', 'us-isob', 'eu-isoe', 'us-isof', 'eusc-de']
const DIRECTIONS = ['north', 'south', 'east', 'west', 'central', 'northeast', 'northwest', 'southeast', 'southwest']
const refRegion = (s: string): boolean =>
  PREFIXES.some((p) => {
    if (!s.startsWith(`${p}-`)) return false
    const rest = s.slice(p.length + 1).split('-')
    if (rest.length !== 2) return false
    const [direction = '', n = ''] = rest
    return DIRECTIONS.includes(direction) && only(DIGITS, n) && String(Number(n)) === n && Number(n) >= 1 && Number(n) <= 99
  })

const refComponent = (c: string): boolean => {
  const alnum = `${LOWER}${DIGITS}`
  if (c.length === 0 || !alnum.includes(c[0] ?? '') || !alnum.includes(c[c.length - 1] ?? '')) return false
  // runs of separator characters between letters and digits
  let run = ''
  for (const ch of c) {
    if (alnum.includes(ch)) {
      if (run !== '' && !(run === '.' || run === '_' || run === '__' || only('-', run))) return false
      run = ''
    } else if ('._-'.includes(ch)) run += ch
    else return false
  }
  return true
}
const refRepositoryName = (s: string): boolean => s.length >= 2 && s.length <= 256 && s.split('/').every(refComponent)

const refImageTag = (s: string): boolean =>
  s.length >= 1 && s.length <= 128 && TAG_FIRST.includes(s[0] ?? '') && only(TAG_REST, s.slice(1))

const refImageDigest = (s: string): boolean =>
  (s.startsWith('sha256:') && s.length === 7 + 64 && only(HEX, s.slice(7))) ||
  (s.startsWith('sha512:') && s.length === 7 + 128 && only(HEX, s.slice(7)))

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

interface Case {
  readonly name: string
  readonly is: (u: unknown) => boolean
  readonly reference: (s: string) => boolean
  readonly valid: fc.Arbitrary<string>
  readonly decode: (u: unknown) => t.Validation<string>
  /** decode(encode(x)) for a valid x */
  readonly roundTrip: (s: string) => t.Validation<string>
}

const mk = <A extends string>(
  name: string,
  is: (u: unknown) => u is A,
  reference: (s: string) => boolean,
  valid: fc.Arbitrary<A>,
  codec: t.Type<A, string, unknown>
): Case => ({
  name,
  is,
  reference,
  valid,
  decode: (u) => codec.decode(u),
  roundTrip: (s) => (is(s) ? codec.decode(codec.encode(s)) : E.left([]))
})

const cases: ReadonlyArray<Case> = [
  mk('AccountId', P.isAccountId, refAccountId, accountId, P.AccountIdC),
  mk('Region', P.isRegion, refRegion, region, P.RegionC),
  mk('RepositoryName', P.isRepositoryName, refRepositoryName, repositoryName, P.RepositoryNameC),
  mk('ImageTag', P.isImageTag, refImageTag, imageTag, P.ImageTagC),
  mk('ImageDigest', P.isImageDigest, refImageDigest, imageDigest, P.ImageDigestC)
]

describe.each(cases)('$name', ({ name, is, reference, valid, decode, roundTrip }) => {
  it('accepts every generated valid value', () => {
    fc.assert(
      fc.property(valid, (s) => {
        expect(is(s)).toBe(true)
        expect(reference(s)).toBe(true)
      }),
      { numRuns: 2_000 }
    )
  })

  it('agrees with the reference rule on arbitrary strings', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        expect(is(s)).toBe(reference(s))
      }),
      { numRuns: RUNS }
    )
  })

  it('agrees with the reference rule on mutated valid values', () => {
    fc.assert(
      fc.property(mutated(valid), (s) => {
        expect(is(s)).toBe(reference(s))
      }),
      { numRuns: RUNS }
    )
  })

  it('rejects what is not a string', () => {
    fc.assert(
      fc.property(fc.anything().filter((u) => typeof u !== 'string'), (u) => {
        expect(is(u)).toBe(false)
        expect(E.isLeft(decode(u))).toBe(true)
      }),
      { numRuns: 500 }
    )
  })

  it('codec: decode(encode(x)) = x, and decode agrees with the refinement', () => {
    fc.assert(
      fc.property(valid, (s) => {
        expect(roundTrip(s)).toStrictEqual(E.right(s))
      }),
      { numRuns: 1_000 }
    )
    fc.assert(
      fc.property(mutated(valid), (s) => {
        const d = decode(s)
        expect(E.isRight(d)).toBe(is(s))
        if (E.isLeft(d)) expect(d.left[0]?.message).toBe(`not a valid ${name}: ${JSON.stringify(s)}`)
      }),
      { numRuns: 1_000 }
    )
  })
})

describe('tables', () => {
  it.each([
    ['123456789012', true],
    ['000000000000', true],
    ['12345678901', false],
    ['1234567890123', false],
    ['12345678901a', false],
    ['１２３４５６７８９０１２', false],
    ['123456789012\n', false],
    ['', false]
  ])('isAccountId(%j) = %s', (s, expected) => {
    expect(P.isAccountId(s)).toBe(expected)
  })

  it('isRegion accepts every region AWS has today', () => {
    for (const r of KNOWN_REGIONS) expect(P.isRegion(r)).toBe(true)
  })

  it.each([
    ['us-west-2', true],
    ['us-gov-west-1', true],
    ['cn-northwest-1', true],
    ['us-isob-east-1', true],
    ['eusc-de-east-1', true],
    ['ap-southeast-7', true],
    ['us-west-99', true],
    ['us-west-0', false],
    ['us-west-01', false],
    ['us-west-100', false],
    ['us-west!-2', false],
    ['US-WEST-2', false],
    ['us-west', false],
    ['us-west-2 ', false],
    ['uswest2', false],
    ['xx-west-2', false],
    ['us-up-1', false],
    ['', false]
  ])('isRegion(%j) = %s', (s, expected) => {
    expect(P.isRegion(s)).toBe(expected)
  })

  it.each([
    ['ab', true],
    ['a/b', true],
    ['team/my-app', true],
    ['a__b', true],
    ['a--b', true],
    ['a---b', true],
    ['a.b_c-d', true],
    ['0', false],
    ['a', false],
    ['a'.repeat(256), true],
    ['a'.repeat(257), false],
    ['a___b', false],
    ['a..b', false],
    ['a._b', false],
    ['-ab', false],
    ['ab-', false],
    ['.ab', false],
    ['ab_', false],
    ['/ab', false],
    ['ab/', false],
    ['a//b', false],
    ['My-App', false],
    ['my app', false],
    ['my:app', false],
    ['', false]
  ])('isRepositoryName(%j) = %s', (s, expected) => {
    expect(P.isRepositoryName(s)).toBe(expected)
  })

  it.each([
    ['latest', true],
    ['v1.2.3-rc.1', true],
    ['UPPER_case', true],
    ['_x', true],
    ['1', true],
    ['t'.repeat(128), true],
    ['t'.repeat(129), false],
    ['', false],
    ['-x', false],
    ['.x', false],
    ['a/b', false],
    ['a:b', false],
    ['a@b', false],
    ['a b', false]
  ])('isImageTag(%j) = %s', (s, expected) => {
    expect(P.isImageTag(s)).toBe(expected)
  })

  it.each([
    [`sha256:${'a'.repeat(64)}`, true],
    [`sha512:${'0'.repeat(128)}`, true],
    [`sha256:${'A'.repeat(64)}`, false],
    [`SHA256:${'a'.repeat(64)}`, false],
    [`sha256:${'a'.repeat(63)}`, false],
    [`sha256:${'a'.repeat(65)}`, false],
    [`sha512:${'a'.repeat(64)}`, false],
    [`sha256:${'a'.repeat(128)}`, false],
    [`sha384:${'a'.repeat(96)}`, false],
    [`sha256:${'g'.repeat(64)}`, false],
    ['a'.repeat(64), false],
    ['', false]
  ])('isImageDigest(%j) = %s', (s, expected) => {
    expect(P.isImageDigest(s)).toBe(expected)
  })
})

describe('ResourceTagC', () => {
  it('decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (Key, Value) => {
        const tag = { Key, Value }
        expect(P.ResourceTagC.decode(P.ResourceTagC.encode(tag))).toStrictEqual(E.right(tag))
      }),
      { numRuns: 1_000 }
    )
  })

  it.each([[{ Key: 'a' }], [{ Value: 'b' }], [{ Key: 1, Value: 'b' }], [null], ['Key=Value'], [[]]])('rejects %j', (u) => {
    expect(E.isLeft(P.ResourceTagC.decode(u))).toBe(true)
  })
})

describe('codec failure messages', () => {
  const codecs: ReadonlyArray<t.Decoder<unknown, string>> = [P.AccountIdC, P.RegionC, P.RepositoryNameC, P.ImageTagC, P.ImageDigestC]
  const cyclic: Record<string, unknown> = { a: 1 }
  cyclic['self'] = cyclic

  it.each([
    [10n, 'bigint'],
    [Symbol('s'), 'symbol'],
    [cyclic, 'object'],
    [undefined, 'undefined'],
    [() => 1, 'function'],
    [null, 'null'],
    [42, '42'],
    [{ Key: 'a' }, '{"Key":"a"}']
  ])('show %s as %j, without throwing', (u, shown) => {
    for (const c of codecs) {
      const d = c.decode(u)
      expect(E.isLeft(d) && d.left.map((e) => e.message)).toStrictEqual([`not a valid ${c.name}: ${shown}`])
    }
  })

  it('decode of any value is a Left with one message naming the codec, or the value itself', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withTypedArray: true, withNullPrototype: true }), (u) => {
        for (const c of codecs) {
          const d = c.decode(u)
          if (E.isRight(d)) expect(d.right).toBe(u)
          else expect(d.left.map((e) => e.message?.startsWith(`not a valid ${c.name}: `))).toStrictEqual([true])
        }
      }),
      { numRuns: 1_000 }
    )
  })
})
