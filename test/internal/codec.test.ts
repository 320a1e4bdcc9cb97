import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  at,
  below,
  checked,
  decode,
  decodeJson,
  describeError,
  each,
  failAt,
  fromGuard,
  invalid,
  isObject,
  nonNegativeSafeInteger,
  pointerKey,
  report,
  result,
  showValue,
  stringArray,
  stringRecord,
  struct
} from '../../src/internal/codec'

/** The errors of a failed validation (a test failure when it succeeded). */
const errorsOf = <A>(v: t.Validation<A>): t.Errors => {
  if (E.isRight(v)) throw new Error(`expected a failure, got ${JSON.stringify(v.right)}`)
  return v.left
}

const root = (u: unknown): t.Context => [{ key: '', type: t.unknown, actual: u }]

/** RFC 6901 unescaping of one reference token. */
const unescapeKey = (token: string): string => token.replace(/~1/g, '/').replace(/~0/g, '~')

const point = /*#__PURE__*/ struct(
  'Point',
  { x: t.number, y: t.number },
  { label: t.string, tags: stringArray, meta: /*#__PURE__*/ struct('Meta', { id: t.string }, {}) }
)

describe('isObject', () => {
  it('holds exactly for non-null objects that are not arrays', () => {
    fc.assert(
      fc.property(fc.anything(), (u) => {
        expect(isObject(u)).toBe(typeof u === 'object' && u !== null && !Array.isArray(u))
      })
    )
  })
})

describe('showValue', () => {
  it('is the JSON text when it is short enough, else its first `max` characters and an ellipsis', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 200 }), (v, max) => {
        const json = JSON.stringify(v)
        const shown = showValue(v, max)
        expect(shown).toBe(json.length > max ? `${json.slice(0, max)}…` : json)
      })
    )
  })

  it('cuts after 80 characters by default', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 200 }), (s) => {
        expect(showValue(s)).toBe(showValue(s, 80))
      })
    )
    expect(showValue('x'.repeat(100))).toBe(`"${'x'.repeat(79)}…`)
  })

  it('names what JSON cannot show by its type', () => {
    expect(showValue(undefined)).toBe('undefined')
    expect(showValue(() => 1)).toBe('function')
    expect(showValue(BigInt(1))).toBe('bigint')
    const cyclic: Record<string, unknown> = {}
    cyclic['self'] = cyclic
    expect(showValue(cyclic)).toBe('object')
  })
})

describe('pointerKey', () => {
  it('escapes a key as a JSON pointer token that unescapes to the key and has no "/"', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '/', '~', '0', '1', 'é') }), (key) => {
        const token = pointerKey(key)
        expect(token.includes('/')).toBe(false)
        expect(unescapeKey(token)).toBe(key)
      })
    )
    expect(pointerKey('os.features/~x')).toBe('os.features~1~0x')
  })
})

describe('struct', () => {
  const arbPoint = fc.record(
    {
      x: fc.double({ noNaN: true }),
      y: fc.double({ noNaN: true }),
      label: fc.string(),
      tags: fc.array(fc.string()),
      meta: fc.record({ id: fc.string() })
    },
    { requiredKeys: ['x', 'y'] }
  )

  it('decodes any value with the required fields and valid optional ones, as it is', () => {
    fc.assert(
      fc.property(arbPoint, fc.dictionary(fc.string(), fc.jsonValue()), (p, extra) => {
        const u = { ...extra, ...p }
        expect(point.decode(u)).toEqual(E.right(u))
        expect(point.is(u)).toBe(true)
      })
    )
  })

  it('is true exactly when validation succeeds', () => {
    fc.assert(
      fc.property(fc.oneof(arbPoint, fc.anything(), fc.record({ x: fc.anything(), y: fc.anything() })), (u) => {
        expect(point.is(u)).toBe(E.isRight(point.decode(u)))
      })
    )
  })

  it('names every failing field by its JSON path, once', () => {
    const r = report(errorsOf(point.decode({ y: 'one', tags: ['a', 2], meta: {}, label: 3 })))
    expect(r).toEqual([
      '/x: missing (expected number)',
      '/y: expected number, got "one"',
      '/label: expected string, got 3',
      '/tags/1: expected string, got 2',
      '/meta/id: missing (expected string)'
    ])
  })

  it('fails at the root for what is not an object', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.anything()), fc.string(), fc.integer(), fc.constant(null)), (u) => {
        expect(report(errorsOf(point.decode(u)))).toEqual([`/: expected Point, got ${showValue(u)}`])
      })
    )
  })

  it('a field decodes as its codec decodes it; the other fields are kept', () => {
    const numberFromString = new t.Type<number, string, unknown>(
      'a number as text',
      (u): u is number => typeof u === 'number',
      (u, c) => (typeof u === 'string' && u.trim() !== '' && !Number.isNaN(Number(u)) ? t.success(Number(u)) : t.failure(u, c)),
      String
    )
    const withCount = struct('WithCount', { count: numberFromString }, { label: t.string })
    fc.assert(
      fc.property(fc.integer(), fc.string(), (n, extra) => {
        const u = { count: String(n), label: 'l', extra }
        expect(withCount.decode(u)).toEqual(E.right({ count: n, label: 'l', extra }))
        // the input is not changed
        expect(u.count).toBe(String(n))
      })
    )
  })

  it('encodes as the identity', () => {
    fc.assert(
      fc.property(arbPoint, (p) => {
        expect(point.encode(p)).toBe(p)
      })
    )
  })
})

describe('small codecs', () => {
  it('nonNegativeSafeInteger takes exactly the safe integers from 0', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double(), fc.anything()), (u) => {
        const ok = typeof u === 'number' && Number.isSafeInteger(u) && u >= 0
        expect(nonNegativeSafeInteger.is(u)).toBe(ok)
        expect(E.isRight(nonNegativeSafeInteger.decode(u))).toBe(ok)
      })
    )
    expect(report(errorsOf(nonNegativeSafeInteger.decode(-1)))).toEqual(['/: expected a non-negative safe integer, got -1'])
  })

  it('stringRecord and stringArray take string maps and string lists, and name themselves in errors', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), fc.array(fc.string()), (rec, arr) => {
        expect(stringRecord.decode(rec)).toEqual(E.right(rec))
        expect(stringArray.decode(arr)).toEqual(E.right(arr))
      })
    )
    expect(report(errorsOf(stringRecord.decode({ a: 1 })))).toEqual(['/a: expected string, got 1'])
    expect(report(errorsOf(stringArray.decode('a')))).toEqual(['/: expected an array of strings, got "a"'])
  })
})

describe('errors at a path', () => {
  it('at places an error with its message below the context, one key each', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.nat()), { maxLength: 5 }), fc.string(), (keys, message) => {
        const e = at(root(null), keys, 'v', message)
        expect(e.message).toBe(message)
        expect(e.value).toBe('v')
        expect(describeError(e)).toBe(`/${keys.map((k) => pointerKey(String(k))).join('/')}: ${message}`)
      })
    )
  })

  it('failAt is a failure with the one error at(c, [key])', () => {
    const c = below(root({}), 'rules', [])
    expect(failAt(c, 'x', 1, 'no')).toEqual(t.failures([at(c, ['x'], 1, 'no')]))
    expect(report(errorsOf(failAt(c, 'x', 1, 'no')))).toEqual(['/rules/x: no'])
  })

  it('result is the value without errors, else every error', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 4 }), fc.jsonValue(), (messages, a) => {
        const errors = messages.map((m) => at(root(a), ['k'], a, m))
        expect(result(errors, a)).toEqual(errors.length === 0 ? t.success(a) : t.failures(errors))
      })
    )
  })

  it('each validates every item at its index, keeping the good ones and every error', () => {
    const validate = (u: unknown, c: t.Context): t.Validation<number> =>
      typeof u === 'number' ? t.success(u) : t.failure(u, c, 'not a number')
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.string())), (items) => {
        const { values, errors } = each(items, below(root(items), 'list', items), validate)
        expect(values).toEqual(items.filter((i) => typeof i === 'number'))
        expect(errors.map(describeError)).toEqual(
          items.flatMap((item, i) => (typeof item === 'number' ? [] : [`/list/${i}: not a number`]))
        )
      })
    )
  })
})

describe('reporting', () => {
  it('report gives each line once, in order', () => {
    const e1 = at(root(1), ['a'], 1, 'one')
    const e2 = at(root(1), ['b'], 1, 'two')
    expect(report([e1, e2, e1, e2])).toEqual(['/a: one', '/b: two'])
  })

  it('decode turns failures into a DecodeError naming `what` and the paths', () => {
    expect(decode('Point', point)({ x: 1, y: 2 })).toEqual(E.right({ x: 1, y: 2 }))
    const r = decode('Point', point)({ x: 1 })
    expect(E.isLeft(r) && r.left._tag === 'DecodeError' && r.left.what).toBe('Point')
    expect(E.isLeft(r) && r.left._tag === 'DecodeError' && r.left.errors).toEqual(['/y: missing (expected number)'])
  })

  it('decodeJson reads JSON text, and text that is not JSON fails at "/"', () => {
    fc.assert(
      fc.property(fc.record({ x: fc.integer(), y: fc.integer() }), (p) => {
        expect(decodeJson('Point', point, JSON.stringify(p))).toEqual(E.right(p))
      })
    )
    const r = decodeJson('Point', point, '{"x":')
    expect(E.isLeft(r) && r.left._tag === 'DecodeError' && r.left.errors[0]?.startsWith('/: not JSON: ')).toBe(true)
  })

  it('invalid names the first five problems and counts the rest', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^\/[a-z]{1,5}: [a-z ]{1,10}$/), { minLength: 1, maxLength: 12 }), (ms) => {
        const e = invalid('thing')(ms)
        expect(e._tag).toBe('InvalidArgument')
        const more = ms.length > 5 ? `; and ${ms.length - 5} more` : ''
        expect(e.message).toBe(`invalid thing: ${ms.slice(0, 5).join('; ')}${more}`)
      })
    )
  })
})

describe('checked: a shape plus a table of checks', () => {
  interface Range {
    readonly min: number
    readonly max: number
    readonly steps: ReadonlyArray<number>
  }
  const range = checked({
    name: 'Range',
    shape: struct('Range', { min: t.number, max: t.number, steps: t.array(t.number, 'an array of numbers') }, {}),
    checks: [
      { path: ['min'], holds: (r: Range) => Number.isInteger(r.min), message: (r: Range) => `min is an integer, got ${r.min}` },
      { path: ['max'], holds: (r: Range) => r.min <= r.max, message: () => 'max is at least min' }
    ],
    items: {
      list: 'steps',
      of: (r: Range) => r.steps,
      checks: [
        {
          path: [],
          holds: ({ whole, item }: { whole: Range; item: number }) => item >= whole.min && item <= whole.max,
          message: ({ item }: { item: number }) => `step ${item} is outside the range`
        },
        {
          path: [],
          holds: ({ whole, item, index }: { whole: Range; item: number; index: number }) => whole.steps.indexOf(item) === index,
          message: ({ whole, item }: { whole: Range; item: number }) => `step ${item} repeats step ${whole.steps.indexOf(item)}`
        }
      ]
    },
    from: (r: Range): Range => ({ min: r.min, max: r.max, steps: [...r.steps].sort((a, b) => a - b) }),
    encode: (r: Range) => ({ min: r.min, max: r.max, steps: r.steps })
  })

  it('decodes a value that keeps every rule as `from` makes it', () => {
    fc.assert(
      fc.property(fc.integer({ max: 100 }), fc.uniqueArray(fc.integer({ min: 0, max: 50 })), (min, offsets) => {
        const steps = offsets.map((o) => min + o)
        const u = { min, max: min + 50, steps, extra: true }
        expect(range.decode(u)).toEqual(E.right({ min, max: min + 50, steps: [...steps].sort((a, b) => a - b) }))
        expect(range.is(u)).toBe(true)
      })
    )
  })

  it('reports every broken rule at its path, with its message, and items below their index', () => {
    const r = report(errorsOf(range.decode({ min: 1.5, max: 0, steps: [1, 3, 1] })))
    expect(r).toEqual([
      '/min: min is an integer, got 1.5',
      '/max: max is at least min',
      '/steps/0: step 1 is outside the range',
      '/steps/1: step 3 is outside the range',
      '/steps/2: step 1 is outside the range',
      '/steps/2: step 1 repeats step 0'
    ])
    expect(range.is({ min: 1.5, max: 0, steps: [] })).toBe(false)
  })

  it('reports a value of the wrong shape by its shape only', () => {
    expect(report(errorsOf(range.decode({ min: 5, max: 'x', steps: [9] })))).toEqual(['/max: expected number, got "x"'])
    expect(report(errorsOf(range.decode(null)))).toEqual(['/: expected Range, got null'])
  })

  it('errors of a checked codec inside another sit at their full path', () => {
    const holder = struct('Holder', { ranges: t.array(range, 'ranges') }, {})
    expect(report(errorsOf(holder.decode({ ranges: [{ min: 0, max: 1, steps: [] }, { min: 2, max: 1, steps: [] }] })))).toEqual([
      '/ranges/1/max: max is at least min'
    ])
  })

  it('is true exactly when validation succeeds, for any value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ min: fc.double(), max: fc.double(), steps: fc.array(fc.double()) })), (u) => {
        expect(range.is(u)).toBe(E.isRight(range.decode(u)))
      })
    )
  })
})

describe('fromGuard', () => {
  const isEven = (u: unknown): u is number => typeof u === 'number' && u % 2 === 0
  const even = fromGuard('an even number', isEven)

  it('decodes what the guard holds for, as it is, and names what it expects otherwise', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.anything()), (u) => {
        expect(E.isRight(even.decode(u))).toBe(isEven(u))
        expect(even.is(u)).toBe(isEven(u))
        if (isEven(u)) expect(even.decode(u)).toEqual(E.right(u))
      })
    )
    expect(report(errorsOf(struct('S', { n: even }, {}).decode({ n: 3 })))).toEqual(['/n: expected an even number, got 3'])
  })
})
