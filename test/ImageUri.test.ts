import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import * as ImageUri from '../src/ImageUri'
import * as RegistryUri from '../src/RegistryUri'
import * as RepositoryUri from '../src/RepositoryUri'
import * as P from '../src/Primitives'
import {
  accountId,
  anyString,
  hasFips,
  hostOf,
  imageDigest,
  imageParts,
  imageTag,
  imageUriOf,
  mutated,
  region,
  repositoryName,
  repositoryParts,
  repositoryUriOf
} from './arbitraries'

const RUNS = 10_000
const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com'
const SHA256 = `sha256:${'0123456789abcdef'.repeat(4)}`
const SHA512 = `sha512:${'0123456789abcdef'.repeat(8)}`
const BASE = { accountId: '123456789012', region: 'us-west-2' }

const reasonOf = (s: string): string => {
  const r = ImageUri.parse(s)
  if (E.isRight(r)) return 'RIGHT'
  expect(r.left._tag).toBe('InvalidUri')
  return r.left.message
}

const parsed = (s: string): ImageUri.ImageUri => {
  const r = ImageUri.parse(s)
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

describe('ImageUri.parse', () => {
  it.each([
    [`${HOST}/my-app:latest`, { ...BASE, repositoryName: 'my-app', tag: 'latest' }],
    [`${HOST}/team/my-app:v1.2.3-rc.1`, { ...BASE, repositoryName: 'team/my-app', tag: 'v1.2.3-rc.1' }],
    [`${HOST}/my-app:V1_UPPER`, { ...BASE, repositoryName: 'my-app', tag: 'V1_UPPER' }],
    [`${HOST}/my-app:_x`, { ...BASE, repositoryName: 'my-app', tag: '_x' }],
    [`${HOST}/my-app:1`, { ...BASE, repositoryName: 'my-app', tag: '1' }],
    [`${HOST}/my-app:${'t'.repeat(128)}`, { ...BASE, repositoryName: 'my-app', tag: 't'.repeat(128) }],
    [`${HOST}/my-app@${SHA256}`, { ...BASE, repositoryName: 'my-app', digest: SHA256 }],
    [`${HOST}/my-app@${SHA512}`, { ...BASE, repositoryName: 'my-app', digest: SHA512 }],
    [`${HOST}/a.b/c__d--e:x.y-z`, { ...BASE, repositoryName: 'a.b/c__d--e', tag: 'x.y-z' }],
    [`${HOST}/${'n'.repeat(256)}:t`, { ...BASE, repositoryName: 'n'.repeat(256), tag: 't' }],
    [
      `123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/app@${SHA256}`,
      { accountId: '123456789012', region: 'us-east-1', repositoryName: 'app', digest: SHA256, fips: true }
    ],
    [
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:v1',
      { accountId: '123456789012', region: 'cn-north-1', repositoryName: 'app', tag: 'v1' }
    ]
  ])('accepts %s', (s, ref) => {
    const r = ImageUri.parse(s)
    expect(r).toStrictEqual(E.right(s))
    if (E.isRight(r)) expect(ImageUri.toRef(r.right)).toStrictEqual(ref)
  })

  it.each([
    ['', 'empty'],
    [`https://${HOST}/app:v1`, 'an ECR URI has no scheme: remove "https://"'],
    [`docker://${HOST}/app:v1`, 'no scheme: remove "docker://"'],
    [HOST, 'no repository name: this is a registry URI'],
    [`${HOST}/app`, 'needs exactly one of tag or digest, got neither'],
    [`${HOST}/team/app`, 'got neither'],
    [`${HOST}/app:v1@${SHA256}`, 'needs exactly one of tag or digest, got both'],
    [`${HOST}/app:${'t'.repeat(129)}`, 'tag must be 1 to 128 characters, got 129'],
    [`${HOST}/app:`, 'tag is empty'],
    [`${HOST}/app:-v1`, 'tag must start with a letter, digit or _'],
    [`${HOST}/app:.v1`, 'tag must start with a letter, digit or _'],
    [`${HOST}/app:v+1`, 'tag has a character other than A-Z a-z 0-9 _ . -: "+"'],
    [`${HOST}/app:v1:v2`, 'repository name has a character other than a-z 0-9 . _ - /: ":"'],
    [`${HOST}/app@`, 'digest is empty'],
    [`${HOST}/app@${SHA256.toUpperCase()}`, 'digest algorithm must be sha256 or sha512, got "SHA256"'],
    [`${HOST}/app@sha256:${'A'.repeat(64)}`, 'digest hex must be lower case'],
    [`${HOST}/app@sha256:${'a'.repeat(63)}`, 'a sha256 digest has 64 hex digits, got 63'],
    [`${HOST}/app@sha256:${'a'.repeat(65)}`, 'a sha256 digest has 64 hex digits, got 65'],
    [`${HOST}/app@sha512:${'a'.repeat(64)}`, 'a sha512 digest has 128 hex digits, got 64'],
    [`${HOST}/app@sha384:${'a'.repeat(96)}`, 'digest algorithm must be sha256 or sha512, got "sha384"'],
    [`${HOST}/app@sha256:${'g'.repeat(64)}`, 'digest has a character that is not hex'],
    [`${HOST}/app@${SHA256}@${SHA256}`, 'digest has a character that is not hex'],
    [`${HOST}/app@${'a'.repeat(64)}`, 'digest must be <algorithm>:<hex>'],
    [`${HOST}/App:v1`, 'repository name must be lower case'],
    [`${HOST}/a:v1`, 'repository name must be 2 to 256 characters, got 1'],
    [`${HOST}/app-:v1`, 'must start and end with a letter or digit'],
    [`${HOST}/a___b:v1`, 'has an invalid separator'],
    [`${HOST}/:v1`, 'repository name is empty'],
    [`${HOST}//app:v1`, 'empty path component'],
    [`${HOST.replace('123456789012', '12345678901')}/app:v1`, 'account must be 12 digits, got "12345678901"'],
    [`${HOST.replace('123456789012', '1234567890123')}/app:v1`, 'account must be 12 digits, got "1234567890123"'],
    [`${HOST.replace('us-west-2', 'us-west!-2')}/app:v1`, 'not a region code: us-west!-2'],
    [`${HOST.replace('us-west-2', '')}/app:v1`, 'region is empty'],
    [`${HOST.toUpperCase()}/app:v1`, 'the registry host must be lower case'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com/app:v1', 'has hosts in .amazonaws.com.cn'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com.cn/app:v1', 'not .amazonaws.com.cn'],
    ['my-app:v1', 'not an ECR registry host'],
    [`${HOST}:443/app:v1`, 'not an ECR domain']
  ])('rejects %j', (s, reason) => {
    expect(reasonOf(s)).toContain(reason)
  })

  it('never puts a credential-looking value in a message', () => {
    const token = 'QVdTOmV5SndZWGxzYjJGa0lqb2lZVUpqWkVWbVIyaEpha3RzVFc1UGNGRnlVM1JWZGxkNFdYb3hNak0wTlRZM09Ea3dJaXdp'.repeat(2)
    const r = ImageUri.parse(`${HOST}/app:${token}`)
    expect(E.isLeft(r) && r.left.message).toContain('tag must be 1 to 128 characters')
    expect(E.isLeft(r) && r.left.message.includes(token)).toBe(false)
    expect(E.isLeft(r) && r.left._tag === 'InvalidUri' && r.left.input.includes(token)).toBe(false)
  })

  it('never throws and returns Left or Right for arbitrary strings', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const r = ImageUri.parse(s)
        expect(E.isLeft(r) || E.isRight(r)).toBe(true)
        if (E.isRight(r)) expect(ImageUri.make(ImageUri.toRef(r.right))).toStrictEqual(E.right(s))
        else expect(r.left).toMatchObject({ _tag: 'InvalidUri', expected: 'ImageUri' })
      }),
      { numRuns: RUNS }
    )
  })

  it('never throws on mutated valid URIs; whatever it accepts rebuilds to itself', () => {
    let accepted = 0
    fc.assert(
      fc.property(mutated(imageParts.map(imageUriOf)), (s) => {
        const r = ImageUri.parse(s)
        if (E.isRight(r)) {
          accepted++
          expect(r.right).toBe(s)
          const ref = ImageUri.toRef(r.right)
          expect((ref.tag === undefined) !== (ref.digest === undefined)).toBe(true)
          expect(ImageUri.make(ref)).toStrictEqual(E.right(s))
          const repo = ImageUri.toRepositoryUri(r.right)
          expect(RepositoryUri.parse(repo)).toStrictEqual(E.right(repo))
          expect(RegistryUri.parse(ImageUri.registry(r.right))).toStrictEqual(E.right(ImageUri.registry(r.right)))
        } else {
          expect(r.left._tag).toBe('InvalidUri')
          expect(r.left.message.startsWith('not a valid ImageUri: ')).toBe(true)
        }
      }),
      { numRuns: RUNS }
    )
    expect(accepted).toBeLessThan(RUNS / 2)
  })

  it('rejects every repository URI and every registry URI', () => {
    fc.assert(
      fc.property(repositoryParts, (p) => {
        expect(reasonOf(repositoryUriOf(p))).toContain('got neither')
        expect(reasonOf(hostOf(p))).toContain('no repository name')
      }),
      { numRuns: 1_000 }
    )
  })
})

describe('ImageUri.make', () => {
  it('parse(make(parts)) gives the parts back (China, GovCloud, FIPS, long names, tags and sha512)', () => {
    fc.assert(
      fc.property(imageParts, (parts) => {
        const made = ImageUri.make(parts)
        expect(made).toStrictEqual(E.right(imageUriOf(parts)))
        if (E.isRight(made)) {
          const again = ImageUri.parse(made.right)
          expect(again).toStrictEqual(made)
          if (E.isRight(again)) expect(ImageUri.toRef(again.right)).toStrictEqual(parts)
        }
      }),
      { numRuns: 2_000 }
    )
  })

  it('needs exactly one of tag and digest', () => {
    fc.assert(
      fc.property(repositoryParts, imageTag, imageDigest, (p, tag, digest) => {
        const both = ImageUri.make({ ...p, tag, digest })
        const neither = ImageUri.make({ ...p, tag: undefined, digest: undefined })
        expect(E.isLeft(both) && both.left.message).toContain('needs exactly one of tag or digest, got both')
        expect(E.isLeft(neither) && neither.left.message).toContain('needs exactly one of tag or digest, got neither')
      }),
      { numRuns: 500 }
    )
  })

  it.each([
    [{ ...BASE, repositoryName: 'app', tag: 't'.repeat(129) }, 'tag must be 1 to 128 characters, got 129'],
    [{ ...BASE, repositoryName: 'app', tag: 'a@b' }, 'tag has a character other than'],
    [{ ...BASE, repositoryName: 'app', tag: 'a/b' }, 'tag has a character other than'],
    [{ ...BASE, repositoryName: 'app:v1', digest: SHA256 }, 'repository name has a character other than'],
    [{ ...BASE, repositoryName: 'app', digest: `sha256:${'A'.repeat(64)}` }, 'digest hex must be lower case'],
    [{ ...BASE, region: 'cn-north-1', repositoryName: 'app', tag: 'v1', fips: true }, 'no FIPS registry endpoint']
  ])('rejects %j', (parts, reason) => {
    const r = ImageUri.make(parts)
    expect(E.isLeft(r) && r.left._tag === 'InvalidUri' && r.left.expected).toBe('ImageUri')
    expect(E.isLeft(r) && r.left.message).toContain(reason)
  })
})

describe('ImageUri conversions and combinators', () => {
  it('toRepositoryUri and registry strip the reference and the path', () => {
    fc.assert(
      fc.property(imageParts, (p) => {
        const u = parsed(imageUriOf(p))
        expect(ImageUri.toRepositoryUri(u)).toBe(repositoryUriOf(p))
        expect(ImageUri.registry(u)).toBe(hostOf(p))
      }),
      { numRuns: 1_000 }
    )
  })

  it('withTag and withDigest replace the reference and keep the repository', () => {
    fc.assert(
      fc.property(imageParts, imageTag, imageDigest, (p, tag, digest) => {
        const u = parsed(imageUriOf(p))
        const tagged = ImageUri.withTag(u, tag)
        const pinned = ImageUri.withDigest(u, digest)
        expect(tagged).toStrictEqual(E.right(`${repositoryUriOf(p)}:${tag}`))
        expect(pinned).toStrictEqual(E.right(`${repositoryUriOf(p)}@${digest}`))
        if (E.isRight(tagged)) {
          const { digest: _d, ...rest } = p
          expect(ImageUri.toRef(tagged.right)).toStrictEqual({ ...rest, tag })
          expect(ImageUri.parse(tagged.right)).toStrictEqual(tagged)
        }
        if (E.isRight(pinned)) {
          const { tag: _t, ...rest } = p
          expect(ImageUri.toRef(pinned.right)).toStrictEqual({ ...rest, digest })
          expect(ImageUri.parse(pinned.right)).toStrictEqual(pinned)
        }
      }),
      { numRuns: 1_000 }
    )
  })

  it('withTag and withDigest reject invalid values', () => {
    const u = parsed(`${HOST}/app:v1`)
    expect(E.isLeft(ImageUri.withTag(u, ''))).toBe(true)
    expect(E.isLeft(ImageUri.withTag(u, 'a:b'))).toBe(true)
    expect(E.isLeft(ImageUri.withTag(u, `x@${SHA256}`))).toBe(true)
    const bad = ImageUri.withDigest(u, SHA256.toUpperCase())
    expect(E.isLeft(bad) && bad.left).toMatchObject({ _tag: 'InvalidUri', expected: 'ImageUri' })
    expect(E.isLeft(ImageUri.withDigest(u, 'latest'))).toBe(true)
  })
})

describe('ImageUri.codec', () => {
  it('decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(imageParts, (p) => {
        const u = parsed(imageUriOf(p))
        expect(ImageUri.codec.decode(ImageUri.codec.encode(u))).toStrictEqual(E.right(u))
      }),
      { numRuns: 1_000 }
    )
  })

  it('decode agrees with parse and rejects what is not a string', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.anything(), mutated(imageParts.map(imageUriOf))), (u) => {
        const d = ImageUri.codec.decode(u)
        if (typeof u === 'string') expect(E.isRight(d)).toBe(E.isRight(ImageUri.parse(u)))
        else expect(E.isLeft(d)).toBe(true)
        expect(ImageUri.codec.is(u)).toBe(E.isRight(d))
      }),
      { numRuns: 2_000 }
    )
  })
})

describe('ImageUri.make on generated valid and invalid parts', () => {
  const maybe = (valid: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.oneof({ weight: 3, arbitrary: valid }, mutated(valid))
  const parts = fc.record(
    {
      accountId: maybe(accountId),
      region: maybe(region),
      repositoryName: maybe(repositoryName),
      tag: maybe(imageTag),
      digest: maybe(imageDigest),
      fips: fc.boolean()
    },
    { requiredKeys: ['accountId', 'region', 'repositoryName'], noNullPrototype: true }
  )

  it('is Right exactly when every part is valid, and then parses back to the same parts', () => {
    let accepted = 0
    fc.assert(
      fc.property(parts, (p) => {
        const valid =
          P.isAccountId(p.accountId) &&
          P.isRegion(p.region) &&
          (p.fips !== true || hasFips(p.region)) &&
          P.isRepositoryName(p.repositoryName) &&
          (p.tag === undefined) !== (p.digest === undefined) &&
          (p.tag === undefined || P.isImageTag(p.tag)) &&
          (p.digest === undefined || P.isImageDigest(p.digest))
        const made = ImageUri.make(p)
        expect(E.isRight(made)).toBe(valid)
        if (E.isRight(made)) {
          accepted++
          expect(ImageUri.parse(made.right)).toStrictEqual(made)
          const { fips, ...rest } = p
          expect(ImageUri.toRef(made.right)).toStrictEqual(fips === true ? { ...rest, fips } : rest)
        } else {
          expect(made.left._tag === 'InvalidUri' && made.left.expected).toBe('ImageUri')
          expect(made.left.message.startsWith('not a valid ImageUri: ')).toBe(true)
        }
      }),
      { numRuns: 5_000 }
    )
    expect(accepted).toBeGreaterThan(100)
  })
})
