import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import type { AccountId, Region } from '../src/Primitives'
import * as RC from '../src/ReplicationConfiguration'
import { accountId, anyString, region, repositoryName } from './arbitraries'
import { leftOf, rightOf } from './ecrMock'

// -------------------------------------------------------------------------------------
// arbitraries
// -------------------------------------------------------------------------------------

const destination: fc.Arbitrary<RC.Destination> = fc.record({ region, registryId: accountId })

/** Valid filters: every prefix of a valid repository name with at least two characters. */
const prefix: fc.Arbitrary<string> = repositoryName
  .chain((name) => fc.integer({ min: 2, max: name.length }).map((n) => name.slice(0, n)))
  .filter((p) => p.length >= 2)

const repositoryFilter: fc.Arbitrary<RC.RepositoryFilter> = prefix.map((filter) => ({ filter, filterType: 'PREFIX_MATCH' }))

/** Canonical rules: 1 to 5 destinations, no filter list or a non-empty one. */
const rule: fc.Arbitrary<RC.ReplicationRule> = fc
  .tuple(fc.array(destination, { minLength: 1, maxLength: 5 }), fc.array(repositoryFilter, { maxLength: 4 }))
  .map(([destinations, filters]) => (filters.length === 0 ? { destinations } : { destinations, repositoryFilters: filters }))

const config: fc.Arbitrary<RC.ReplicationConfiguration> = fc
  .array(rule, { maxLength: RC.maxRules })
  .map((rules) => ({ rules }))

const D = (r: string, a: string): RC.Destination => ({ region: r as Region, registryId: a as AccountId })
const EU = D('eu-west-1', '123456789012')
const US = D('us-east-1', '210987654321')

/** Shuffles the keys of every object inside `u` (as another JSON writer might order them). */
const reorder = (u: unknown): unknown =>
  Array.isArray(u)
    ? u.map(reorder)
    : typeof u === 'object' && u !== null
    ? Object.fromEntries(
        Object.entries(u)
          .reverse()
          .map(([k, v]) => [k, reorder(v)])
      )
    : u

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

describe('codec', () => {
  it("has ECR's limits (API reference: ReplicationConfiguration, ReplicationRule, RepositoryFilter)", () => {
    expect([RC.maxRules, RC.maxDestinations, RC.maxRepositoryFilters, RC.minFilterLength, RC.maxFilterLength]).toEqual([
      10, 100, 100, 2, 256
    ])
  })

  it('round trips: decode(encode(c)) = c, through JSON text and through the AWS shape', () => {
    fc.assert(
      fc.property(config, (c) => {
        expect(RC.codec.decode(RC.codec.encode(c))).toEqual(E.right(c))
        expect(RC.fromJson(RC.toJson(c))).toEqual(E.right(c))
        expect(RC.fromAwsShape(RC.toAwsShape(c))).toEqual(E.right(c))
        expect(RC.validate(c)).toEqual(E.right(c))
        expect(RC.codec.is(c)).toBe(true)
      })
    )
  })

  it('writes keys in ECR order whatever order they were read in', () => {
    fc.assert(
      fc.property(config, (c) => {
        const shuffled = reorder(RC.codec.encode(c))
        expect(RC.toJson(rightOf(RC.fromAwsShape(shuffled)))).toBe(RC.toJson(c))
      })
    )
    expect(RC.toJson({ rules: [{ repositoryFilters: [{ filterType: 'PREFIX_MATCH', filter: 'ab' }], destinations: [EU] }] })).toBe(
      '{"rules":[{"destinations":[{"region":"eu-west-1","registryId":"123456789012"}],' +
        '"repositoryFilters":[{"filter":"ab","filterType":"PREFIX_MATCH"}]}]}'
    )
  })

  it('ignores fields it does not know and drops an empty filter list', () => {
    const read = RC.fromAwsShape({
      rules: [{ destinations: [{ ...EU, extra: 1 }], repositoryFilters: [], deleteReplication: { enabled: false } }],
      other: true
    })
    expect(read).toEqual(E.right({ rules: [{ destinations: [EU] }] }))
    expect(RC.toAwsShape({ rules: [{ destinations: [EU], repositoryFilters: [] }] })).toEqual({ rules: [{ destinations: [EU] }] })
  })

  it('accepts at most 10 rules', () => {
    fc.assert(
      fc.property(rule, fc.integer({ min: 0, max: 15 }), (r, n) => {
        const c = { rules: Array.from({ length: n }, () => r) }
        expect(E.isRight(RC.codec.decode(c))).toBe(n <= RC.maxRules)
      })
    )
  })

  it('accepts 1 to 100 destinations per rule', () => {
    fc.assert(
      fc.property(destination, fc.integer({ min: 0, max: 120 }), (d, n) => {
        const r = { destinations: Array.from({ length: n }, () => d) }
        expect(E.isRight(RC.ruleCodec.decode(r))).toBe(n >= 1 && n <= RC.maxDestinations)
      })
    )
  })

  it('accepts at most 100 repository filters per rule', () => {
    fc.assert(
      fc.property(repositoryFilter, fc.integer({ min: 0, max: 120 }), (f, n) => {
        const r = { destinations: [EU], repositoryFilters: Array.from({ length: n }, () => f) }
        expect(E.isRight(RC.ruleCodec.decode(r))).toBe(n <= RC.maxRepositoryFilters)
      })
    )
  })

  it('accepts filters of 2 to 256 characters', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), (n) => {
        const f = { filter: 'a'.repeat(n), filterType: 'PREFIX_MATCH' }
        expect(E.isRight(RC.repositoryFilterCodec.decode(f))).toBe(n >= RC.minFilterLength && n <= RC.maxFilterLength)
      })
    )
  })

  it('accepts every prefix of a repository name, and refuses what is not one', () => {
    fc.assert(
      fc.property(repositoryFilter, (f) => {
        expect(RC.repositoryFilterCodec.decode(f)).toEqual(E.right(f))
      })
    )
    for (const filter of ['Prod', 'team app', '/team', 'team//app', 'team/app!', 'tëam', 'a']) {
      expect({ filter, ok: E.isRight(RC.repositoryFilterCodec.decode({ filter, filterType: 'PREFIX_MATCH' })) }).toEqual({
        filter,
        ok: false
      })
    }
    // ECR's pattern lets a prefix end in a separator or a slash, or start with a separator
    for (const filter of ['team/', 'team-', 'team_', 'team.', 'a/b/', '-a', 'a__b']) {
      expect(RC.repositoryFilterCodec.decode({ filter, filterType: 'PREFIX_MATCH' })).toEqual(
        E.right({ filter, filterType: 'PREFIX_MATCH' })
      )
    }
    expect(E.isLeft(RC.repositoryFilterCodec.decode({ filter: 'prod', filterType: 'WILDCARD' }))).toBe(true)
  })

  it('refuses destinations that are not a region code and a 12-digit account', () => {
    fc.assert(
      fc.property(anyString, destination, (s, d) => {
        const withRegion = RC.destinationCodec.decode({ ...d, region: s })
        const withAccount = RC.destinationCodec.decode({ ...d, registryId: s })
        expect(E.isRight(withRegion)).toBe(/^[a-z]/.test(s) && E.isRight(RC.toRegion(s, d.registryId)))
        expect(E.isRight(withAccount)).toBe(/^\d{12}$/.test(s))
      })
    )
  })

  it('refuses what is not a configuration at all, without throwing', () => {
    fc.assert(
      fc.property(fc.anything(), (u) => {
        const r = RC.codec.decode(u)
        expect(RC.codec.is(u)).toBe(E.isRight(r))
        expect(E.isRight(RC.fromAwsShape(u))).toBe(u === undefined || u === null || E.isRight(r))
      })
    )
    for (const u of [{}, { rules: 'all' }, { rules: [null] }, { rules: [{}] }, { rules: [{ destinations: [EU], repositoryFilters: 'x' }] }, []])
      expect(E.isLeft(RC.codec.decode(u))).toBe(true)
  })
})

// -------------------------------------------------------------------------------------
// errors
// -------------------------------------------------------------------------------------

describe('error reports', () => {
  it('name every failing path as a JSON pointer', () => {
    const bad = {
      rules: [
        { destinations: [{ region: 'Europe', registryId: '1' }], repositoryFilters: [{ filter: 'A', filterType: 'PREFIX' }] },
        { destinations: [] }
      ]
    }
    const e = leftOf(RC.fromAwsShape(bad))
    expect(e._tag === 'DecodeError' && e.errors).toEqual([
      '/rules/0/destinations/0/region: expected an AWS region code, got "Europe"',
      '/rules/0/destinations/0/registryId: expected a 12-digit account id, got "1"',
      '/rules/0/repositoryFilters/0/filter: expected 2 to 256 characters, got 1: "A"',
      '/rules/0/repositoryFilters/0/filterType: expected "PREFIX_MATCH", got "PREFIX"',
      '/rules/1/destinations: expected 1 to 100 destinations, got 0'
    ])
  })

  it('fromJson: text that is not JSON is a DecodeError', () => {
    const e = leftOf(RC.fromJson('{"rules": ['))
    expect(e._tag).toBe('DecodeError')
    expect(e.message).toMatch(/not JSON/)
  })

  it('validate: an InvalidArgument listing at most five problems', () => {
    const c = { rules: Array.from({ length: 7 }, () => ({ destinations: [D('x', 'y')] })) }
    const e = leftOf(RC.validate(c))
    expect(e._tag).toBe('InvalidArgument')
    expect(e.message).toMatch(/^invalid replication configuration: \/rules\/0\/destinations\/0\/region: .*; and 9 more$/)
  })
})

// -------------------------------------------------------------------------------------
// constructors and combinators
// -------------------------------------------------------------------------------------

describe('builders', () => {
  it('toRegion checks both parts', () => {
    fc.assert(
      fc.property(region, accountId, (r, a) => {
        expect(RC.toRegion(r, a)).toEqual(E.right({ region: r, registryId: a }))
        expect(leftOf(RC.toRegion(r.toUpperCase(), a))._tag).toBe('InvalidArgument')
        expect(leftOf(RC.toRegion(r, `${a}1`))._tag).toBe('InvalidArgument')
      })
    )
  })

  it('replicateAll: one rule, the destinations, no filter; replicatePrefix: the same with one filter', () => {
    fc.assert(
      fc.property(fc.array(destination, { minLength: 1, maxLength: 10 }), prefix, (to, p) => {
        expect(RC.replicateAll({ to })).toEqual({ rules: [{ destinations: to }] })
        expect(RC.replicatePrefix(p, { to })).toEqual({
          rules: [{ destinations: to, repositoryFilters: [{ filter: p, filterType: 'PREFIX_MATCH' }] }]
        })
        expect(RC.validate(RC.replicateAll({ to }))).toEqual(E.right(RC.replicateAll({ to })))
        expect(RC.validate(RC.replicatePrefix(p, { to }))).toEqual(E.right(RC.replicatePrefix(p, { to })))
      })
    )
  })

  it('rule: no prefixes is no filter list; the input arrays are copied', () => {
    const to = [EU]
    const r = RC.rule({ to, prefixes: [] })
    expect(r).toEqual({ destinations: [EU] })
    expect(r.destinations).not.toBe(to)
  })

  it('addRule appends a valid rule while there are fewer than 10; the input is not changed', () => {
    fc.assert(
      fc.property(config, rule, (c, r) => {
        const before = JSON.stringify(c)
        const added = RC.addRule(c, r)
        if (c.rules.length < RC.maxRules) expect(added).toEqual(E.right({ rules: [...c.rules, r] }))
        else expect(leftOf(added)._tag).toBe('InvalidArgument')
        expect(JSON.stringify(c)).toBe(before)
      })
    )
    expect(leftOf(RC.addRule(RC.empty, { destinations: [] })).message).toMatch(/\/rules\/0\/destinations: expected 1 to 100/)
  })
})

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

describe('destinationsFor', () => {
  /** The model: destinations of the matching rules, in order, first occurrence kept. */
  const model = (c: RC.ReplicationConfiguration, name: string): ReadonlyArray<string> => {
    const all = c.rules
      .filter((r) => (r.repositoryFilters ?? []).length === 0 || (r.repositoryFilters ?? []).some((f) => name.startsWith(f.filter)))
      .flatMap((r) => r.destinations.map((d) => `${d.region}/${d.registryId}`))
    return all.filter((k, i) => all.indexOf(k) === i)
  }

  it('follows ECR: a rule applies to every repository without filters, else to names starting with a filter', () => {
    fc.assert(
      fc.property(config, repositoryName, (c, name) => {
        expect(RC.destinationsFor(c, name).map((d) => `${d.region}/${d.registryId}`)).toEqual(model(c, name))
      })
    )
  })

  it('a repository named by a filter goes to that rule’s destinations', () => {
    fc.assert(
      fc.property(fc.array(destination, { minLength: 1, maxLength: 5 }), repositoryName, (to, name) => {
        const c = RC.replicatePrefix(name.slice(0, 2), { to })
        for (const d of to) expect(RC.destinationsFor(c, name)).toContainEqual(d)
      })
    )
    expect(RC.destinationsFor(RC.replicatePrefix('prod', { to: [EU, US, EU] }), 'dev/prod')).toEqual([])
    expect(RC.destinationsFor(RC.replicatePrefix('prod', { to: [EU, US, EU] }), 'prod/api')).toEqual([EU, US])
  })
})
