import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatBytes, formatTime, indent, table } from '../../src/cli/format'

const cell = fc.string({ unit: fc.constantFrom('a', 'b', 'x', '1', ':', '-', '.'), maxLength: 12 })

describe('table', () => {
  it('one line per row plus the header; every column starts at the same offset; no trailing spaces', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((width) =>
          fc.tuple(
            fc.array(
              cell.filter((c) => c.length > 0),
              { minLength: width, maxLength: width }
            ),
            fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 6 })
          )
        ),
        ([header, rows]) => {
          const out = table(header, rows)
          expect(out).toHaveLength(rows.length + 1)
          for (const line of out) expect(line).toBe(line.trimEnd())
          // column i starts where the widest earlier cells and their two-space gaps end
          const all = [header, ...rows]
          let offset = 0
          header.forEach((_, i) => {
            all.forEach((r, j) => {
              const c = r[i] ?? ''
              if (c.length > 0) expect(out[j]?.slice(offset, offset + c.length)).toBe(c)
            })
            offset += Math.max(...all.map((r) => (r[i] ?? '').length)) + 2
          })
        }
      )
    )
  })

  it('pads short cells with spaces', () => {
    expect(
      table(
        ['A', 'BB'],
        [
          ['xyz', '1'],
          ['', '22']
        ]
      )
    ).toEqual(['A    BB', 'xyz  1', '     22'])
  })
})

describe('formatBytes', () => {
  it('bytes below 1 KiB, then KiB, MiB, GiB', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1024)).toBe('1.0 KiB')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB')
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GiB')
  })

  it('the unit grows with the size', () => {
    const rank = (s: string) => ['B', 'KiB', 'MiB', 'GiB'].indexOf(s.split(' ')[1] ?? '')
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), fc.nat({ max: 2 ** 40 }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]
        expect(rank(formatBytes(lo))).toBeLessThanOrEqual(rank(formatBytes(hi)))
      })
    )
  })
})

describe('formatTime and indent', () => {
  it('UTC to the second', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1971-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }), (d) => {
        const s = formatTime(d)
        expect(s).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
        expect(Math.floor(d.getTime() / 1000) * 1000).toBe(new Date(s).getTime())
      })
    )
    expect(formatTime(new Date(NaN))).toBe('-')
  })

  it('indents each line', () => {
    expect(indent(['a', 'b'], 3)).toEqual(['   a', '   b'])
    expect(indent(['a'])).toEqual(['  a'])
  })
})
