import {
  DeleteRepositoryPolicyCommand,
  GetRepositoryPolicyCommand,
  InvalidParameterException,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException,
  RepositoryPolicyNotFoundException,
  SetRepositoryPolicyCommand
} from '@aws-sdk/client-ecr'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { lifecyclePolicyProblem } from '../../../src/testing/ecrApi/policies'
import { InMemoryEcr } from '../../../src/testing'
import { push, rejection } from '../fixtures'

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'pull',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } }
    }
  ]
})

describe('repository policies', () => {
  it('sets, gets and deletes a policy; without one, RepositoryPolicyNotFoundException', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app')
    const missing = await rejection(twin.ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'app' })))
    expect(missing).toBeInstanceOf(RepositoryPolicyNotFoundException)
    expect(missing.message).toBe(
      "Repository policy does not exist for the repository with name 'app' in the registry with id '123456789012'"
    )
    const set = await twin.ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'app', policyText: POLICY }))
    expect(set).toMatchObject({ registryId: '123456789012', repositoryName: 'app', policyText: POLICY })
    expect((await twin.ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'app' }))).policyText).toBe(POLICY)
    expect((await twin.ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: 'app' }))).policyText).toBe(POLICY)
    expect(
      await rejection(twin.ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: 'app' })))
    ).toBeInstanceOf(RepositoryPolicyNotFoundException)
  })

  it('refuses what is not an IAM policy document', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app')
    const statement = { Effect: 'Allow', Principal: '*', Action: 'ecr:*' }
    const bad = [
      'not json',
      '[]',
      JSON.stringify({ Version: '2012-10-17' }),
      JSON.stringify({ Version: '1999-01-01', Statement: [statement] }),
      JSON.stringify({ Statement: [{ ...statement, Effect: 'Maybe' }] }),
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'ecr:*' }] }),
      JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*' }] }),
      JSON.stringify({ Statement: [{ ...statement, Action: [1] }] }),
      JSON.stringify({ Statement: [statement], pad: 'x'.repeat(10240) })
    ]
    for (const policyText of bad) {
      const e = await rejection(twin.ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'app', policyText })))
      expect(e, policyText.slice(0, 60)).toBeInstanceOf(InvalidParameterException)
    }
    // one statement as an object is an IAM form too
    await twin.ecr.send(
      new SetRepositoryPolicyCommand({ repositoryName: 'app', policyText: JSON.stringify({ Statement: statement }) })
    )
    expect(
      await rejection(twin.ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'nope' })))
    ).toBeInstanceOf(RepositoryNotFoundException)
  })
})

// -------------------------------------------------------------------------------------
// lifecycle policies: today's grammar, archive rules included
// -------------------------------------------------------------------------------------

const rule = (selection: Record<string, unknown>, action: Record<string, unknown> = { type: 'expire' }, rulePriority = 1) => ({
  rulePriority,
  description: 'a rule of a lifecycle policy, long enough for the 100 character minimum',
  selection,
  action
})

const policy = (...rules: ReadonlyArray<Record<string, unknown>>) => JSON.stringify({ rules })

const ARCHIVE = { type: 'transition', targetStorageClass: 'archive' }

describe('lifecycle policies with archive rules', () => {
  it('accepts ECR archive examples: transition by pull or push age or count, expire archived after 90 days', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app')
    const accepted = [
      policy(rule({ tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }, ARCHIVE)),
      policy(rule({ tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, ARCHIVE)),
      policy(rule({ tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'imageCountMoreThan', countNumber: 5 }, ARCHIVE)),
      policy(
        rule({ tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }, ARCHIVE, 1),
        rule(
          { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 365 },
          { type: 'expire' },
          2
        )
      )
    ]
    for (const lifecyclePolicyText of accepted) {
      const out = await twin.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'app', lifecyclePolicyText }))
      expect(out.lifecyclePolicyText).toBe(lifecyclePolicyText)
    }
  })

  it('refuses what ECR refuses about storage classes and count types', async () => {
    const twin = InMemoryEcr.make()
    push(twin, 'app')
    const refused = [
      // transition needs archive as the target
      policy(rule({ tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, { type: 'transition' })),
      // sinceImageTransitioned selects archived images only
      policy(rule({ tagStatus: 'any', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 120 })),
      // archived images are kept 90 days at least
      policy(rule({ tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 30 })),
      // an archive selection counts time since transition
      policy(rule({ tagStatus: 'any', storageClass: 'archive', countType: 'imageCountMoreThan', countNumber: 100 })),
      // sinceImagePulled archives, it does not expire
      policy(rule({ tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 })),
      // archived images cannot be archived again
      policy(
        rule({ tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 120 }, ARCHIVE)
      ),
      policy(rule({ tagStatus: 'any', storageClass: 'glacier', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 })),
      policy(rule({ tagStatus: 'tagged', tagPatternList: ['*a*b*c*d*e'], countType: 'imageCountMoreThan', countNumber: 5 }))
    ]
    for (const lifecyclePolicyText of refused) {
      const e = await rejection(twin.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'app', lifecyclePolicyText })))
      expect(e, lifecyclePolicyText).toBeInstanceOf(InvalidParameterException)
      expect(e.message).toContain('Lifecycle policy validation failure')
    }
  })

  it('property: a valid expire-by-push-age rule is accepted whatever its priority and age; countNumber < 1 never', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), fc.integer({ min: -5, max: 10_000 }), (rulePriority, countNumber) => {
        const text = policy(
          rule({ tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber }, { type: 'expire' }, rulePriority)
        )
        return (lifecyclePolicyProblem(text) === undefined) === countNumber >= 1
      })
    )
  })
})
