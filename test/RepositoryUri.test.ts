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
  repositoryName,
  repositoryParts,
  repositoryUriOf
} from './arbitraries'

const RUNS = 10_000
const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com'
const DIGEST = `sha256:${'a'.repeat(64)}`

const reasonOf = (s: string): string => {
  const r = RepositoryUri.parse(s)
  if (E.isRight(r)) return 'RIGHT'
  expect(r.left._tag).toBe('InvalidUri')
  return r.left.message
}

describe('RepositoryUri.parse', () => {
  it.each([
    [`${HOST}/my-app`, 'my-app'],
    [`${HOST}/team/my-app`, 'team/my-app'],
    [`${HOST}/a/b/c/d`, 'a/b/c/d'],
    [`${HOST}/ab`, 'ab'],
    [`${HOST}/a__b`, 'a__b'],
    [`${HOST}/a--b`, 'a--b'],
    [`${HOST}/a---b.c_d`, 'a---b.c_d'],
    [`${HOST}/0.1`, '0.1'],
    [`${HOST}/${'a'.repeat(256)}`, 'a'.repeat(256)]
  ])('accepts %s', (s, repositoryName) => {
    const r = RepositoryUri.parse(s)
    expect(r).toStrictEqual(E.right(s))
    if (E.isRight(r)) {
      expect(RepositoryUri.toRef(r.right)).toStrictEqual({ accountId: '123456789012', region: 'us-west-2', repositoryName })
    }
  })

  it('accepts China, GovCloud and FIPS hosts', () => {
    const cn = RepositoryUri.parse('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app')
    expect(E.isRight(cn) && RepositoryUri.toRef(cn.right)).toStrictEqual({
      accountId: '123456789012',
      region: 'cn-north-1',
      repositoryName: 'app'
    })
    const fips = RepositoryUri.parse('123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/team/app')
    expect(E.isRight(fips) && RepositoryUri.toRef(fips.right)).toStrictEqual({
      accountId: '123456789012',
      region: 'us-gov-west-1',
      repositoryName: 'team/app',
      fips: true
    })
  })

  it.each([
    ['', 'empty'],
    [`https://${HOST}/app`, 'an ECR URI has no scheme: remove "https://"'],
    [HOST, 'no repository name: this is a registry URI'],
    [`${HOST}/`, 'repository name is empty'],
    [`${HOST}/a`, 'repository name must be 2 to 256 characters, got 1'],
    [`${HOST}/${'a'.repeat(257)}`, 'repository name must be 2 to 256 characters, got 257'],
    [`${HOST}/My-App`, 'repository name must be lower case'],
    [`${HOST}/my app`, 'contains whitespace'],
    [`${HOST}/my+app`, 'repository name has a character other than a-z 0-9 . _ - /: "+"'],
    [`${HOST}/-app`, 'repository name component "-app" must start and end with a letter or digit'],
    [`${HOST}/app-`, 'component "app-" must start and end with a letter or digit'],
    [`${HOST}/.app`, 'must start and end with a letter or digit'],
    [`${HOST}/app_`, 'must start and end with a letter or digit'],
    [`${HOST}//app`, 'repository name has an empty path component'],
    [`${HOST}/team//app`, 'empty path component'],
    [`${HOST}/team/app/`, 'empty path component'],
    [`${HOST}/a___b`, 'component "a___b" has an invalid separator'],
    [`${HOST}/a..b`, 'has an invalid separator'],
    [`${HOST}/a.-b`, 'has an invalid separator'],
    [`${HOST}/a-_b`, 'has an invalid separator'],
    [`${HOST}/app:v1`, 'has a tag: a repository URI names no image, got ":v1"'],
    [`${HOST}/app:`, 'has a tag'],
    [`${HOST}/app@${DIGEST}`, 'has a digest: a repository URI names no image'],
    [`${HOST}/app:v1@${DIGEST}`, 'has a digest'],
    [`${HOST.replace('123456789012', '12345678901')}/app`, 'account must be 12 digits, got "12345678901"'],
    [`${HOST.replace('123456789012', '1234567890123')}/app`, 'account must be 12 digits, got "1234567890123"'],
    [`${HOST.replace('us-west-2', 'us-west!-2')}/app`, 'not a region code: us-west!-2'],
    [`${HOST.replace('us-west-2', '')}/app`, 'region is empty'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com/app', 'has hosts in .amazonaws.com.cn'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com.cn/app', 'has hosts in .amazonaws.com, not .amazonaws.com.cn'],
    ['my-app', 'not an ECR registry host'],
    ['team/my-app', 'not an ECR registry host']
  ])('rejects %j', (s, reason) => {
    expect(reasonOf(s)).toContain(reason)
  })

  it('never throws and returns Left or Right for arbitrary strings', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const r = RepositoryUri.parse(s)
        expect(E.isLeft(r) || E.isRight(r)).toBe(true)
        if (E.isRight(r)) expect(RepositoryUri.make(RepositoryUri.toRef(r.right))).toStrictEqual(E.right(s))
        else expect(r.left).toMatchObject({ _tag: 'InvalidUri', expected: 'RepositoryUri' })
      }),
      { numRuns: RUNS }
    )
  })

  it('never throws on mutated valid URIs; whatever it accepts rebuilds to itself', () => {
    let accepted = 0
    fc.assert(
      fc.property(mutated(repositoryParts.map(repositoryUriOf)), (s) => {
        const r = RepositoryUri.parse(s)
        if (E.isRight(r)) {
          accepted++
          expect(r.right).toBe(s)
          expect(RepositoryUri.make(RepositoryUri.toRef(r.right))).toStrictEqual(E.right(s))
          expect(RegistryUri.parse(RepositoryUri.registry(r.right))).toStrictEqual(E.right(RepositoryUri.registry(r.right)))
        } else {
          expect(r.left._tag).toBe('InvalidUri')
          expect(r.left.message.startsWith('not a valid RepositoryUri: ')).toBe(true)
        }
      }),
      { numRuns: RUNS }
    )
    expect(accepted).toBeLessThan(RUNS / 2)
  })

  it('rejects every image URI', () => {
    fc.assert(
      fc.property(imageParts, (p) => {
        expect(E.isLeft(RepositoryUri.parse(imageUriOf(p)))).toBe(true)
      }),
      { numRuns: 1_000 }
    )
  })
})

describe('RepositoryUri.make', () => {
  it('parse(make(parts)) gives the parts back (China, GovCloud, FIPS, 256-character names)', () => {
    fc.assert(
      fc.property(repositoryParts, (parts) => {
        const made = RepositoryUri.make(parts)
        expect(made).toStrictEqual(E.right(repositoryUriOf(parts)))
        if (E.isRight(made)) {
          const parsed = RepositoryUri.parse(made.right)
          expect(parsed).toStrictEqual(made)
          if (E.isRight(parsed)) expect(RepositoryUri.toRef(parsed.right)).toStrictEqual(parts)
        }
      }),
      { numRuns: 2_000 }
    )
  })

  it.each([
    [{ accountId: '123456789012', region: 'us-east-1', repositoryName: 'a' }, 'repository name must be 2 to 256 characters'],
    [{ accountId: '123456789012', region: 'us-east-1', repositoryName: 'app:v1' }, 'repository name has a character other than'],
    [{ accountId: '123456789012', region: 'us-east-1', repositoryName: 'App' }, 'repository name must be lower case'],
    [{ accountId: '1234', region: 'us-east-1', repositoryName: 'app' }, 'account must be 12 digits'],
    [{ accountId: '123456789012', region: 'mars-1', repositoryName: 'app' }, 'not a region code: mars-1'],
    [{ accountId: '123456789012', region: 'cn-north-1', repositoryName: 'app', fips: true }, 'no FIPS registry endpoint']
  ])('rejects %j', (parts, reason) => {
    const r = RepositoryUri.make(parts)
    expect(E.isLeft(r) && r.left._tag === 'InvalidUri' && r.left.expected).toBe('RepositoryUri')
    expect(E.isLeft(r) && r.left.message).toContain(reason)
  })
})

describe('RepositoryUri conversions', () => {
  it('fromRef is the inverse of toRef, and registry is the host', () => {
    fc.assert(
      fc.property(repositoryParts, (parts) => {
        const u = RepositoryUri.fromRef(parts)
        expect(u).toBe(repositoryUriOf(parts))
        expect(RepositoryUri.toRef(u)).toStrictEqual(parts)
        expect(RepositoryUri.registry(u)).toBe(hostOf(parts))
      }),
      { numRuns: 1_000 }
    )
  })
})

describe('RepositoryUri.codec', () => {
  it('decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(repositoryParts, (parts) => {
        const u = RepositoryUri.fromRef(parts)
        expect(RepositoryUri.codec.decode(RepositoryUri.codec.encode(u))).toStrictEqual(E.right(u))
      }),
      { numRuns: 1_000 }
    )
  })

  it('decode agrees with parse and rejects what is not a string', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.anything(), mutated(repositoryParts.map(repositoryUriOf))), (u) => {
        const d = RepositoryUri.codec.decode(u)
        if (typeof u === 'string') expect(E.isRight(d)).toBe(E.isRight(RepositoryUri.parse(u)))
        else expect(E.isLeft(d)).toBe(true)
        expect(RepositoryUri.codec.is(u)).toBe(E.isRight(d))
      }),
      { numRuns: 2_000 }
    )
  })
})

describe('RepositoryUri.make on generated valid and invalid parts', () => {
  const maybe = (valid: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.oneof({ weight: 3, arbitrary: valid }, mutated(valid))

  it('is Right exactly when every part is valid, and then parses back to the same parts', () => {
    let accepted = 0
    fc.assert(
      fc.property(maybe(accountId), maybe(region), maybe(repositoryName), fc.boolean(), (accountId, region, repositoryName, fips) => {
        const valid = P.isAccountId(accountId) && P.isRegion(region) && (!fips || hasFips(region)) && P.isRepositoryName(repositoryName)
        const made = RepositoryUri.make({ accountId, region, repositoryName, fips })
        expect(E.isRight(made)).toBe(valid)
        if (E.isRight(made)) {
          accepted++
          expect(RepositoryUri.parse(made.right)).toStrictEqual(made)
          expect(RepositoryUri.toRef(made.right)).toStrictEqual(
            fips ? { accountId, region, repositoryName, fips } : { accountId, region, repositoryName }
          )
        } else {
          expect(made.left._tag === 'InvalidUri' && made.left.expected).toBe('RepositoryUri')
        }
      }),
      { numRuns: 5_000 }
    )
    expect(accepted).toBeGreaterThan(100)
  })
})
