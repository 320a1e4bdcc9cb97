import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import * as RegistryUri from '../src/RegistryUri'
import * as RepositoryUri from '../src/RepositoryUri'
import * as P from '../src/Primitives'
import {
  accountId,
  anyString,
  hasFips,
  hostOf,
  imageParts,
  imageUriOf,
  mutated,
  region,
  registryParts,
  repositoryName
} from './arbitraries'

const RUNS = 10_000

const reasonOf = (s: string): string => {
  const r = RegistryUri.parse(s)
  if (E.isRight(r)) return 'RIGHT'
  expect(r.left._tag).toBe('InvalidUri')
  return r.left.message
}

describe('RegistryUri.parse', () => {
  it.each([
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com', { accountId: '123456789012', region: 'us-west-2' }],
    ['000000000000.dkr.ecr.eu-central-1.amazonaws.com', { accountId: '000000000000', region: 'eu-central-1' }],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', { accountId: '123456789012', region: 'cn-north-1' }],
    ['123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn', { accountId: '123456789012', region: 'cn-northwest-1' }],
    ['123456789012.dkr.ecr.us-gov-west-1.amazonaws.com', { accountId: '123456789012', region: 'us-gov-west-1' }],
    ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', { accountId: '123456789012', region: 'us-east-1', fips: true }],
    ['123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com', { accountId: '123456789012', region: 'us-gov-east-1', fips: true }],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', { accountId: '123456789012', region: 'us-iso-east-1' }],
    ['123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov', { accountId: '123456789012', region: 'us-isob-east-1' }],
    ['123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu', { accountId: '123456789012', region: 'eusc-de-east-1' }]
  ])('accepts %s', (s, ref) => {
    const r = RegistryUri.parse(s)
    expect(r).toEqual(E.right(s))
    if (E.isRight(r)) expect(RegistryUri.toRef(r.right)).toStrictEqual(ref)
  })

  it.each([
    ['', 'empty'],
    ['https://123456789012.dkr.ecr.us-west-2.amazonaws.com', 'an ECR URI has no scheme: remove "https://"'],
    ['http://123456789012.dkr.ecr.us-west-2.amazonaws.com', 'no scheme: remove "http://"'],
    [' 123456789012.dkr.ecr.us-west-2.amazonaws.com', 'contains whitespace'],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com\n', 'contains whitespace'],
    ['123456789012.dkr.ecr.us-west!-2.amazonaws.com', '(not a region code: us-west!-2)'],
    ['123456789012.dkr.ecr..amazonaws.com', '(region is empty)'],
    ['123456789012.dkr.ecr.us-west-0.amazonaws.com', 'not a region code: us-west-0'],
    ['123456789012.DKR.ECR.US-WEST-2.AMAZONAWS.COM', 'must be lower case'],
    ['123456789012.dkr.ecr.US-west-2.amazonaws.com', 'must be lower case'],
    ['12345678901.dkr.ecr.us-west-2.amazonaws.com', 'account must be 12 digits, got "12345678901"'],
    ['1234567890123.dkr.ecr.us-west-2.amazonaws.com', 'account must be 12 digits, got "1234567890123"'],
    ['12345678901a.dkr.ecr.us-west-2.amazonaws.com', 'account must be 12 digits'],
    ['.dkr.ecr.us-west-2.amazonaws.com', 'account must be 12 digits, got ""'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com', 'region cn-north-1 (partition aws-cn) has hosts in .amazonaws.com.cn, not .amazonaws.com'],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com.cn', 'region us-west-2 (partition aws) has hosts in .amazonaws.com, not .amazonaws.com.cn'],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.org', 'not an ECR domain: "amazonaws.org"'],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com.evil.example', 'not an ECR domain'],
    ['123456789012.dkr.ecr-fips.cn-north-1.amazonaws.com.cn', 'no FIPS registry endpoint in partition aws-cn'],
    ['123456789012.dkr.ecr-fips.us-iso-east-1.c2s.ic.gov', 'no FIPS registry endpoint in partition aws-iso'],
    ['123456789012.dkr.ecr-public.us-west-2.amazonaws.com', 'not an ECR registry host'],
    ['public.ecr.aws', 'not an ECR registry host'],
    ['docker.io', 'not an ECR registry host'],
    ['localhost:5000', 'not an ECR registry host'],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com/', '(has a path: a trailing /)'],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repo', '(has a path: "/my-repo")'],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repo:v1', 'has a path'],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com:443', 'not an ECR domain']
  ])('rejects %j', (s, reason) => {
    expect(reasonOf(s)).toContain(reason)
  })

  it('says which kind it expected and shows the input', () => {
    const r = RegistryUri.parse('nope')
    expect(r).toStrictEqual(
      E.left({
        _tag: 'InvalidUri',
        input: 'nope',
        expected: 'RegistryUri',
        message:
          'not a valid RegistryUri: "nope" (not an ECR registry host: expected <account>.dkr.ecr.<region>.amazonaws.com, got "nope")'
      })
    )
  })

  it('never throws and returns Left or Right for arbitrary strings', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const r = RegistryUri.parse(s)
        expect(E.isLeft(r) || E.isRight(r)).toBe(true)
        if (E.isRight(r)) expect(RegistryUri.make(RegistryUri.toRef(r.right))).toStrictEqual(E.right(s))
        else expect(r.left).toMatchObject({ _tag: 'InvalidUri', expected: 'RegistryUri' })
      }),
      { numRuns: RUNS }
    )
  })

  it('never throws on mutated valid URIs; whatever it accepts rebuilds to itself', () => {
    let accepted = 0
    fc.assert(
      fc.property(mutated(registryParts.map(hostOf)), (s) => {
        const r = RegistryUri.parse(s)
        if (E.isRight(r)) {
          accepted++
          expect(r.right).toBe(s)
          expect(RegistryUri.make(RegistryUri.toRef(r.right))).toStrictEqual(E.right(s))
          expect(RegistryUri.isPrefixed(s)).toBe(true)
        } else {
          expect(r.left._tag).toBe('InvalidUri')
          expect(r.left.message.startsWith('not a valid RegistryUri: ')).toBe(true)
        }
      }),
      { numRuns: RUNS }
    )
    // the mutations must mostly break the URI, or the property says little
    expect(accepted).toBeLessThan(RUNS / 2)
  })
})

describe('RegistryUri.make', () => {
  it('parse(make(parts)) gives the parts back, for every partition and FIPS', () => {
    fc.assert(
      fc.property(registryParts, (parts) => {
        const made = RegistryUri.make(parts)
        expect(made).toStrictEqual(E.right(hostOf(parts)))
        if (E.isRight(made)) {
          const parsed = RegistryUri.parse(made.right)
          expect(parsed).toStrictEqual(made)
          if (E.isRight(parsed)) expect(RegistryUri.toRef(parsed.right)).toStrictEqual(parts)
        }
      }),
      { numRuns: 2_000 }
    )
  })

  it('picks .com.cn for China regions', () => {
    expect(RegistryUri.make({ accountId: '123456789012', region: 'cn-north-1' })).toStrictEqual(
      E.right('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn')
    )
  })

  it('builds FIPS hosts only where the partition has them', () => {
    expect(RegistryUri.make({ accountId: '123456789012', region: 'us-gov-west-1', fips: true })).toStrictEqual(
      E.right('123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com')
    )
    fc.assert(
      fc.property(registryParts, (parts) => {
        const r = RegistryUri.make({ ...parts, fips: true })
        expect(E.isRight(r)).toBe(hasFips(parts.region))
      }),
      { numRuns: 1_000 }
    )
  })

  it('fips: false is the plain host', () => {
    expect(RegistryUri.make({ accountId: '123456789012', region: 'us-east-1', fips: false })).toStrictEqual(
      E.right('123456789012.dkr.ecr.us-east-1.amazonaws.com')
    )
  })

  it.each([
    [{ accountId: '12345678901', region: 'us-east-1' }, 'account must be 12 digits'],
    [{ accountId: '1234567890123', region: 'us-east-1' }, 'account must be 12 digits'],
    [{ accountId: '123456789012', region: '' }, 'region is empty'],
    [{ accountId: '123456789012', region: 'us-west!-2' }, 'not a region code: us-west!-2'],
    [{ accountId: '123456789012', region: 'US-WEST-2' }, 'not a region code: US-WEST-2'],
    [{ accountId: '123456789012', region: 'us-west-2/x' }, 'not a region code'],
    [{ accountId: '123456789012', region: 'cn-north-1', fips: true }, 'no FIPS registry endpoint in partition aws-cn']
  ])('rejects %j', (parts, reason) => {
    const r = RegistryUri.make(parts)
    expect(E.isLeft(r) && r.left._tag === 'InvalidUri' && r.left.expected).toBe('RegistryUri')
    expect(E.isLeft(r) && r.left.message).toContain(reason)
  })
})

describe('RegistryUri.fromRef', () => {
  it('is the inverse of toRef', () => {
    fc.assert(
      fc.property(registryParts, (parts) => {
        const u = RegistryUri.fromRef(parts)
        expect(u).toBe(hostOf(parts))
        expect(RegistryUri.toRef(u)).toStrictEqual(parts)
      }),
      { numRuns: 1_000 }
    )
  })
})

describe('RegistryUri.codec', () => {
  it('decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(registryParts, (parts) => {
        const u = RegistryUri.fromRef(parts)
        expect(RegistryUri.codec.decode(RegistryUri.codec.encode(u))).toStrictEqual(E.right(u))
        expect(RegistryUri.codec.is(u)).toBe(true)
      }),
      { numRuns: 1_000 }
    )
  })

  it('decode agrees with parse and rejects what is not a string', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.anything()), (u) => {
        const d = RegistryUri.codec.decode(u)
        if (typeof u === 'string') expect(E.isRight(d)).toBe(E.isRight(RegistryUri.parse(u)))
        else expect(E.isLeft(d)).toBe(true)
        expect(RegistryUri.codec.is(u)).toBe(E.isRight(d))
      }),
      { numRuns: 2_000 }
    )
  })

  it('reports the parse message', () => {
    const d = RegistryUri.codec.decode('123456789012.dkr.ecr.us-west-2.amazonaws.com/')
    expect(E.isLeft(d) && d.left[0]?.message).toBe(
      'not a valid RegistryUri: "123456789012.dkr.ecr.us-west-2.amazonaws.com/" (has a path: a trailing /)'
    )
  })
})

describe('RegistryUri.isPrefixed', () => {
  it('is true of registry, repository and image URIs', () => {
    fc.assert(
      fc.property(imageParts, (p) => {
        expect(RegistryUri.isPrefixed(hostOf(p))).toBe(true)
        expect(RegistryUri.isPrefixed(`${hostOf(p)}/${p.repositoryName}`)).toBe(true)
        expect(RegistryUri.isPrefixed(imageUriOf(p))).toBe(true)
      }),
      { numRuns: 1_000 }
    )
  })

  it('is false of repository names and name:tag references', () => {
    fc.assert(
      fc.property(repositoryName, (n) => {
        expect(RegistryUri.isPrefixed(n)).toBe(false)
        expect(RegistryUri.isPrefixed(`${n}:latest`)).toBe(false)
      }),
      { numRuns: 1_000 }
    )
  })

  it.each([
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com', true],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com/', true],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com/a/b:c', true],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.comx/a', false],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com.evil.example/a', false],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com:443/a', false],
    ['https://123456789012.dkr.ecr.us-west-2.amazonaws.com/a', false],
    ['12345678901.dkr.ecr.us-west-2.amazonaws.com/a', false],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com/a', false],
    ['my-app', false],
    ['', false]
  ])('%j -> %s', (s, expected) => {
    expect(RegistryUri.isPrefixed(s)).toBe(expected)
  })

  it('agrees with RepositoryUri.parse: every repository URI is prefixed', () => {
    fc.assert(
      fc.property(mutated(imageParts.map((p) => `${hostOf(p)}/${p.repositoryName}`)), (s) => {
        if (E.isRight(RepositoryUri.parse(s))) expect(RegistryUri.isPrefixed(s)).toBe(true)
      }),
      { numRuns: 2_000 }
    )
  })
})

describe('RegistryUri.make on generated valid and invalid parts', () => {
  const maybe = (valid: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.oneof({ weight: 3, arbitrary: valid }, mutated(valid))

  it('is Right exactly when every part is valid, and then parses back to the same parts', () => {
    let accepted = 0
    fc.assert(
      fc.property(maybe(accountId), maybe(region), fc.boolean(), (accountId, region, fips) => {
        const made = RegistryUri.make({ accountId, region, fips })
        expect(E.isRight(made)).toBe(P.isAccountId(accountId) && P.isRegion(region) && (!fips || hasFips(region)))
        if (E.isRight(made)) {
          accepted++
          expect(RegistryUri.parse(made.right)).toStrictEqual(made)
          expect(RegistryUri.toRef(made.right)).toStrictEqual(fips ? { accountId, region, fips } : { accountId, region })
        } else {
          expect(made.left._tag === 'InvalidUri' && made.left.expected).toBe('RegistryUri')
        }
      }),
      { numRuns: 5_000 }
    )
    expect(accepted).toBeGreaterThan(100)
  })
})
