import { partition as sdkPartition } from '@aws-sdk/core/client'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import * as U from '../../src/internal/uri'
import * as P from '../../src/Primitives'
import {
  accountId,
  anyString,
  imageDigest,
  imageParts,
  imageTag,
  imageUriOf,
  KNOWN_REGIONS,
  mutated,
  region,
  registryParts,
  hostOf,
  repositoryName,
  repositoryParts,
  repositoryUriOf
} from '../arbitraries'

describe('partitions', () => {
  it('agree with the AWS SDK partition data for every region', () => {
    const check = (r: string): void => {
      const sdk = sdkPartition(r)
      expect(U.partitionOf(r)).toBe(sdk.name)
      expect(U.DNS_SUFFIX[U.partitionOf(r)]).toBe(sdk.dnsSuffix)
    }
    KNOWN_REGIONS.forEach(check)
    fc.assert(fc.property(region, (r) => check(r)), { numRuns: 2_000 })
  })

  it('FIPS registry hosts exist in the commercial and GovCloud partitions only', () => {
    expect(U.hasFips('us-east-1')).toBe(true)
    expect(U.hasFips('us-gov-west-1')).toBe(true)
    expect(U.hasFips('cn-north-1')).toBe(false)
    expect(U.hasFips('us-iso-east-1')).toBe(false)
    expect(U.hasFips('eusc-de-east-1')).toBe(false)
  })

  it('formatHost writes the documented forms', () => {
    expect(U.formatHost('123456789012', 'us-west-2', false)).toBe('123456789012.dkr.ecr.us-west-2.amazonaws.com')
    expect(U.formatHost('123456789012', 'cn-north-1', false)).toBe('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn')
    expect(U.formatHost('123456789012', 'us-east-1', true)).toBe('123456789012.dkr.ecr-fips.us-east-1.amazonaws.com')
  })
})

describe('split', () => {
  it.each([
    ['h', { host: 'h', path: undefined, name: undefined, tag: undefined, digest: undefined }],
    ['h/', { host: 'h', path: '', name: '', tag: undefined, digest: undefined }],
    ['h/a/b', { host: 'h', path: 'a/b', name: 'a/b', tag: undefined, digest: undefined }],
    ['h/a/b:t', { host: 'h', path: 'a/b:t', name: 'a/b', tag: 't', digest: undefined }],
    ['h/a:b/c', { host: 'h', path: 'a:b/c', name: 'a:b/c', tag: undefined, digest: undefined }],
    ['h/a:x:y', { host: 'h', path: 'a:x:y', name: 'a:x', tag: 'y', digest: undefined }],
    ['h/a@sha256:x', { host: 'h', path: 'a@sha256:x', name: 'a', tag: undefined, digest: 'sha256:x' }],
    ['h/a:t@sha256:x', { host: 'h', path: 'a:t@sha256:x', name: 'a', tag: 't', digest: 'sha256:x' }],
    ['h/a@b@c', { host: 'h', path: 'a@b@c', name: 'a', tag: undefined, digest: 'b@c' }]
  ])('%j', (s, expected) => {
    expect(U.split(s)).toStrictEqual(expected)
  })

  it('inverts the writing of valid image URIs', () => {
    fc.assert(
      fc.property(imageParts, (p) => {
        const s = U.split(imageUriOf(p))
        expect([s.name, s.tag, s.digest]).toStrictEqual([p.repositoryName, p.tag, p.digest])
      }),
      { numRuns: 1_000 }
    )
  })

  it('is total', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const parts = U.split(s)
        expect(parts.host.length).toBeLessThanOrEqual(s.length)
        expect(U.unsafeRef(s)).toBeTypeOf('object')
      }),
      { numRuns: 2_000 }
    )
  })
})

describe('reasons', () => {
  it('show clips long values', () => {
    expect(U.show('abc')).toBe('"abc"')
    expect(U.show('x'.repeat(200))).toBe(`"${'x'.repeat(80)}…"`)
  })

  it('parseHost explains each part', () => {
    expect(U.parseHost('')).toStrictEqual(E.left('the registry host is empty'))
    expect(U.parseHost('123456789012.dkr.ecr.us-west-2.amazonaws.com')).toStrictEqual(
      E.right({ accountId: '123456789012', region: 'us-west-2', fips: false })
    )
  })

  it('each problem function gives a reason exactly when its predicate rejects', () => {
    const agree = (problem: (s: string) => string | undefined, is: (s: string) => boolean, s: string): void => {
      const reason = problem(s)
      expect(reason === undefined).toBe(is(s))
      if (reason !== undefined) expect(reason.length).toBeGreaterThan(0)
    }
    fc.assert(
      fc.property(fc.oneof(anyString, repositoryName, imageTag, imageDigest, accountId, region), (s) => {
        agree(U.repositoryNameProblem, P.isRepositoryName, s)
        agree(U.tagProblem, P.isImageTag, s)
        agree(U.digestProblem, P.isImageDigest, s)
        agree(U.accountProblem, P.isAccountId, s)
        agree(U.regionProblem, P.isRegion, s)
      }),
      { numRuns: 5_000 }
    )
  })
})

describe('fast path', () => {
  const inputs = fc.oneof(
    anyString,
    registryParts.map(hostOf),
    repositoryParts.map(repositoryUriOf),
    imageParts.map(imageUriOf),
    mutated(registryParts.map(hostOf)),
    mutated(repositoryParts.map(repositoryUriOf)),
    mutated(imageParts.map(imageUriOf))
  )

  it('accepts exactly what the slow path accepts, for each kind', () => {
    const accepted = { registry: 0, repository: 0, image: 0 }
    fc.assert(
      fc.property(inputs, (s) => {
        expect(U.isRegistryUri(s)).toBe(U.registryProblem(s) === undefined)
        expect(U.isRepositoryUri(s)).toBe(U.repositoryProblem(s) === undefined)
        expect(U.isImageUri(s)).toBe(U.imageProblem(s) === undefined)
        if (U.isRegistryUri(s)) accepted.registry++
        if (U.isRepositoryUri(s)) accepted.repository++
        if (U.isImageUri(s)) accepted.image++
      }),
      { numRuns: 10_000 }
    )
    // each kind was accepted often enough for the agreement to mean something
    expect(Math.min(accepted.registry, accepted.repository, accepted.image)).toBeGreaterThan(100)
  })

  it('reads the same parts as split / parseHost', () => {
    fc.assert(
      fc.property(imageParts, (p) => {
        const f = U.fast(imageUriOf(p))
        expect(f).toStrictEqual({
          accountId: p.accountId,
          region: p.region,
          fips: p.fips === true,
          name: p.repositoryName,
          tag: p.tag,
          digest: p.digest
        })
      }),
      { numRuns: 1_000 }
    )
  })
})
