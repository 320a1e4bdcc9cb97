import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import * as arn from '../../src/internal/arn'
import type { RepositoryRef } from '../../src/internal/refs'
import type { AccountId, Region, RepositoryName } from '../../src/Primitives'
import * as RepositoryUri from '../../src/RepositoryUri'
import { accountId, anyString, mutated, partitionOf, region, repositoryName, repositoryParts, repositoryUriOf } from '../arbitraries'

const RUNS = 10_000

const repositoryRef: fc.Arbitrary<RepositoryRef> = fc
  .tuple(accountId, region, repositoryName)
  .map(([accountId, region, repositoryName]) => ({ accountId, region, repositoryName }))

const arnOf = (r: RepositoryRef): string =>
  `arn:${partitionOf(r.region)}:ecr:${r.region}:${r.accountId}:repository/${r.repositoryName}`

const ref = (accountId: string, region: string, repositoryName: string): RepositoryRef => ({
  accountId: accountId as AccountId,
  region: region as Region,
  repositoryName: repositoryName as RepositoryName
})

const reasonOf = (s: string): string => {
  const r = arn.fromArn(s)
  if (E.isRight(r)) return 'RIGHT'
  expect(r.left).toMatchObject({ _tag: 'InvalidUri', expected: 'RepositoryArn' })
  return r.left.message
}

describe('toArn / fromArn', () => {
  it.each([
    [ref('123456789012', 'us-west-2', 'team/app'), 'arn:aws:ecr:us-west-2:123456789012:repository/team/app'],
    [ref('123456789012', 'cn-north-1', 'app'), 'arn:aws-cn:ecr:cn-north-1:123456789012:repository/app'],
    [ref('123456789012', 'cn-northwest-1', 'app'), 'arn:aws-cn:ecr:cn-northwest-1:123456789012:repository/app'],
    [ref('123456789012', 'us-gov-west-1', 'a__b'), 'arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/a__b'],
    [ref('123456789012', 'us-iso-east-1', 'app'), 'arn:aws-iso:ecr:us-iso-east-1:123456789012:repository/app'],
    [ref('123456789012', 'us-isob-east-1', 'app'), 'arn:aws-iso-b:ecr:us-isob-east-1:123456789012:repository/app']
  ])('%j <-> %s', (r, s) => {
    expect(arn.toArn(r)).toBe(s)
    expect(arn.fromArn(s)).toStrictEqual(E.right(r))
  })

  it('fromArn(toArn(ref)) = ref', () => {
    fc.assert(
      fc.property(repositoryRef, (r) => {
        const s = arn.toArn(r)
        expect(s).toBe(arnOf(r))
        expect(arn.fromArn(s)).toStrictEqual(E.right(r))
      }),
      { numRuns: 2_000 }
    )
  })

  it.each([
    ['', 'empty'],
    ['aws:ecr:us-west-2:123456789012:repository/app', 'an ARN starts with \\"arn:\\"'],
    ['ARN:aws:ecr:us-west-2:123456789012:repository/app', 'an ARN starts with'],
    ['arn:aws:ecr:us-west-2:123456789012', 'expected arn:<partition>:ecr:<region>:<account>:repository/<name>'],
    ['arn:aws-foo:ecr:us-west-2:123456789012:repository/app', 'unknown partition: "aws-foo"'],
    ['arn::ecr:us-west-2:123456789012:repository/app', 'unknown partition: ""'],
    ['arn:aws:s3:us-west-2:123456789012:repository/app', 'not an ECR ARN: the service is "s3"'],
    ['arn:aws:ecr-public:us-east-1:123456789012:repository/app', 'not an ECR ARN'],
    ['arn:aws:ecr:us-west!-2:123456789012:repository/app', 'not a region code: us-west!-2'],
    ['arn:aws:ecr::123456789012:repository/app', 'region is empty'],
    ['arn:aws:ecr:us-west-2:12345678901:repository/app', 'account must be 12 digits, got "12345678901"'],
    ['arn:aws:ecr:us-west-2:1234567890123:repository/app', 'account must be 12 digits'],
    ['arn:aws:ecr:cn-north-1:123456789012:repository/app', 'partition aws does not match region cn-north-1 (expected aws-cn)'],
    ['arn:aws-cn:ecr:us-west-2:123456789012:repository/app', 'partition aws-cn does not match region us-west-2 (expected aws)'],
    ['arn:aws:ecr:us-gov-west-1:123456789012:repository/app', 'partition aws does not match region us-gov-west-1 (expected aws-us-gov)'],
    ['arn:aws-us-gov:ecr:us-east-1:123456789012:repository/app', 'expected aws)'],
    ['arn:aws:ecr:us-west-2:123456789012:repo/app', 'the resource must be repository/<name>, got "repo/app"'],
    ['arn:aws:ecr:us-west-2:123456789012:repository:app', 'the resource must be repository/<name>'],
    ['arn:aws:ecr:us-west-2:123456789012:repository/', 'repository name is empty'],
    ['arn:aws:ecr:us-west-2:123456789012:repository/App', 'repository name must be lower case'],
    ['arn:aws:ecr:us-west-2:123456789012:repository/app:v1', 'repository name has a character other than'],
    ['arn:aws:ecr:us-west-2:123456789012:repository/app/', 'empty path component']
  ])('rejects %j', (s, reason) => {
    expect(reasonOf(s)).toContain(reason.replace(/\\"/g, '"'))
  })

  it('never throws and returns Left or Right for arbitrary strings', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const r = arn.fromArn(s)
        expect(E.isLeft(r) || E.isRight(r)).toBe(true)
        if (E.isRight(r)) expect(arn.toArn(r.right)).toBe(s)
      }),
      { numRuns: RUNS }
    )
  })

  it('never throws on mutated valid ARNs; whatever it accepts prints back to itself', () => {
    let accepted = 0
    fc.assert(
      fc.property(mutated(repositoryRef.map(arnOf)), (s) => {
        const r = arn.fromArn(s)
        if (E.isRight(r)) {
          accepted++
          expect(arn.toArn(r.right)).toBe(s)
        } else {
          expect(r.left).toMatchObject({ _tag: 'InvalidUri', expected: 'RepositoryArn' })
        }
      }),
      { numRuns: RUNS }
    )
    expect(accepted).toBeLessThan(RUNS / 2)
  })

  it('the partition always agrees with the region', () => {
    fc.assert(
      fc.property(accountId, region, region, repositoryName, (a, r1, r2, n) => {
        const s = `arn:${partitionOf(r1)}:ecr:${r2}:${a}:repository/${n}`
        expect(E.isRight(arn.fromArn(s))).toBe(partitionOf(r1) === partitionOf(r2))
      }),
      { numRuns: 2_000 }
    )
  })
})

describe('toUri / fromUri', () => {
  it('fromUri(toUri(ref)) = ref', () => {
    fc.assert(
      fc.property(repositoryRef, (r) => {
        const u = arn.toUri(r)
        expect(RepositoryUri.parse(u)).toStrictEqual(E.right(u))
        expect(arn.fromUri(u)).toStrictEqual(E.right(r))
      }),
      { numRuns: 2_000 }
    )
  })

  it('toUri(fromUri(s)) = s for plain hosts; a FIPS host gives the same repository', () => {
    fc.assert(
      fc.property(repositoryParts, (p) => {
        const s = repositoryUriOf(p)
        const r = arn.fromUri(s)
        expect(r).toStrictEqual(E.right({ accountId: p.accountId, region: p.region, repositoryName: p.repositoryName }))
        if (E.isRight(r)) {
          expect(arn.toUri(r.right)).toBe(repositoryUriOf({ ...r.right }))
          expect(arn.toUri({ ...r.right, fips: p.fips === true })).toBe(s)
        }
      }),
      { numRuns: 2_000 }
    )
  })

  it.each([
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app', ref('123456789012', 'us-west-2', 'team/app')],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app', ref('123456789012', 'cn-north-1', 'app')],
    ['123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com/app', ref('123456789012', 'us-gov-east-1', 'app')]
  ])('fromUri(%j)', (s, r) => {
    expect(arn.fromUri(s)).toStrictEqual(E.right(r))
  })

  it.each([
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com/app:v1', 'has a tag'],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com', 'no repository name'],
    ['arn:aws:ecr:us-west-2:123456789012:repository/app', 'not an ECR registry host'],
    ['https://123456789012.dkr.ecr.us-west-2.amazonaws.com/app', 'no scheme']
  ])('fromUri rejects %j', (s, reason) => {
    const r = arn.fromUri(s)
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InvalidUri', expected: 'RepositoryUri' })
    expect(E.isLeft(r) && r.left.message).toContain(reason)
  })
})
