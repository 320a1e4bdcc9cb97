// Registry.getReplicationConfiguration / putReplicationConfiguration (src/internal/replication.ts):
// exact requests on a mocked ECR client, behaviour on the in-memory twin.
import { DescribeRegistryCommand, PutReplicationConfigurationCommand } from '@aws-sdk/client-ecr'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AccountId, Region } from '../src/Primitives'
import * as Registry from '../src/Registry'
import * as RC from '../src/ReplicationConfiguration'
import { destinationProblems } from '../src/internal/replication'
import * as InMemoryEcr from '../src/testing/InMemoryEcr'
import { accountId, partitionOf, region, repositoryName } from './arbitraries'
import { ACCOUNT, REGION, awsException, ecrMock, leftOf, mockEnv } from './ecrMock'

beforeEach(() => {
  ecrMock.reset()
})

const D = (r: string, a: string): RC.Destination => ({ region: r as Region, registryId: a as AccountId })
const OTHER_ACCOUNT = '210987654321' as AccountId

/** Destinations ECR accepts from the registry of ACCOUNT in REGION: same partition, not the registry itself. */
const destinationFrom = (source: { readonly accountId: string; readonly region: string }): fc.Arbitrary<RC.Destination> =>
  fc
    .record({ region, registryId: fc.oneof(accountId, fc.constant(source.accountId as AccountId)) })
    .filter((d) => partitionOf(d.region) === partitionOf(source.region) && !(d.region === source.region && d.registryId === source.accountId))

/** Valid configurations for `source`, at most `maxDestinations` destinations per rule. */
const configFrom = (source: { readonly accountId: string; readonly region: string }, maxDestinations: number) =>
  fc
    .array(
      fc.tuple(
        fc.array(destinationFrom(source), { minLength: 1, maxLength: maxDestinations }),
        fc.array(
          repositoryName.map((n) => n.slice(0, Math.max(2, Math.min(n.length, 12)))),
          { maxLength: 3 }
        )
      ),
      { maxLength: RC.maxRules }
    )
    .map((rules): RC.ReplicationConfiguration => ({ rules: rules.map(([to, prefixes]) => RC.rule({ to, prefixes })) }))

const stored = {
  rules: [
    {
      destinations: [{ region: 'eu-west-1', registryId: ACCOUNT }],
      repositoryFilters: [{ filter: 'prod', filterType: 'PREFIX_MATCH' as const }]
    }
  ]
}

// -------------------------------------------------------------------------------------
// getReplicationConfiguration
// -------------------------------------------------------------------------------------

describe('getReplicationConfiguration (mocked ECR)', () => {
  it('sends DescribeRegistry with no input and decodes the configuration', async () => {
    ecrMock.on(DescribeRegistryCommand).resolves({ registryId: ACCOUNT, replicationConfiguration: stored })
    expect(await Registry.getReplicationConfiguration()(mockEnv())()).toEqual(E.right(stored))
    expect(ecrMock.commandCalls(DescribeRegistryCommand).map((c) => c.args[0].input)).toEqual([{}])
  })

  it('an account without a configuration: { rules: [] }', async () => {
    ecrMock.on(DescribeRegistryCommand).resolves({ registryId: ACCOUNT })
    expect(await Registry.getReplicationConfiguration()(mockEnv())()).toEqual(E.right({ rules: [] }))
  })

  it('the registry given explicitly is the same as none', async () => {
    ecrMock.on(DescribeRegistryCommand).resolves({ registryId: ACCOUNT, replicationConfiguration: stored })
    expect(await Registry.getReplicationConfiguration({ accountId: ACCOUNT, region: REGION })(mockEnv())()).toEqual(
      E.right(stored)
    )
  })

  it('an answer it cannot read is a DecodeError naming the path', async () => {
    ecrMock.on(DescribeRegistryCommand).resolves({
      replicationConfiguration: { rules: [{ destinations: [{ region: 'mars-1', registryId: ACCOUNT }] }] }
    })
    const e = leftOf(await Registry.getReplicationConfiguration()(mockEnv())())
    expect(e._tag === 'DecodeError' && e.errors).toEqual(['/rules/0/destinations/0/region: expected an AWS region code, got "mars-1"'])
  })

  it('another account or region is an InvalidArgument, without a call', async () => {
    for (const registry of [
      { accountId: OTHER_ACCOUNT, region: REGION },
      { accountId: ACCOUNT, region: 'eu-west-1' as Region }
    ]) {
      expect(leftOf(await Registry.getReplicationConfiguration(registry)(mockEnv())())._tag).toBe('InvalidArgument')
    }
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('an AWS failure is an AwsError for DescribeRegistry', async () => {
    ecrMock.on(DescribeRegistryCommand).rejects(awsException('AccessDeniedException', 'not allowed', 403))
    expect(leftOf(await Registry.getReplicationConfiguration()(mockEnv())())).toMatchObject({
      _tag: 'AwsError',
      operation: 'DescribeRegistry'
    })
  })
})

// -------------------------------------------------------------------------------------
// putReplicationConfiguration
// -------------------------------------------------------------------------------------

describe('putReplicationConfiguration (mocked ECR)', () => {
  it('sends the configuration in the SDK shape, canonical, and answers what ECR echoes', async () => {
    ecrMock.on(PutReplicationConfigurationCommand).callsFake((input: { replicationConfiguration: unknown }) =>
      Promise.resolve({ replicationConfiguration: input.replicationConfiguration })
    )
    const config = {
      rules: [
        { destinations: [D('eu-west-1', ACCOUNT), D('us-east-1', OTHER_ACCOUNT)], repositoryFilters: [] },
        RC.rule({ to: [D('ap-south-1', OTHER_ACCOUNT)], prefixes: ['prod/', 'team-a'] })
      ]
    }
    const expected = {
      rules: [
        { destinations: [{ region: 'eu-west-1', registryId: ACCOUNT }, { region: 'us-east-1', registryId: OTHER_ACCOUNT }] },
        {
          destinations: [{ region: 'ap-south-1', registryId: OTHER_ACCOUNT }],
          repositoryFilters: [
            { filter: 'prod/', filterType: 'PREFIX_MATCH' },
            { filter: 'team-a', filterType: 'PREFIX_MATCH' }
          ]
        }
      ]
    }
    expect(await Registry.putReplicationConfiguration(config)(mockEnv())()).toEqual(E.right(expected))
    expect(ecrMock.commandCalls(PutReplicationConfigurationCommand).map((c) => c.args[0].input)).toEqual([
      { replicationConfiguration: expected }
    ])
  })

  it('the input is exactly toAwsShape of the configuration, for any valid one', async () => {
    const env = mockEnv()
    await fc.assert(
      fc.asyncProperty(configFrom({ accountId: ACCOUNT, region: REGION }, 8), async (config) => {
        ecrMock.reset()
        ecrMock.on(PutReplicationConfigurationCommand).resolves({ replicationConfiguration: RC.toAwsShape(config) })
        expect(await Registry.putReplicationConfiguration(config)(env)()).toEqual(E.right(config))
        expect(ecrMock.commandCalls(PutReplicationConfigurationCommand).map((c) => c.args[0].input)).toEqual([
          { replicationConfiguration: RC.toAwsShape(config) }
        ])
      }),
      { numRuns: 60 }
    )
  })

  it('an answer without a configuration: the configuration sent', async () => {
    ecrMock.on(PutReplicationConfigurationCommand).resolves({})
    const config = RC.replicateAll({ to: [D('eu-west-1', ACCOUNT)] })
    expect(await Registry.putReplicationConfiguration(config)(mockEnv())()).toEqual(E.right(config))
  })

  it('a configuration the codec refuses is an InvalidArgument, without a call', async () => {
    const bad: ReadonlyArray<RC.ReplicationConfiguration> = [
      { rules: Array.from({ length: 11 }, () => RC.rule({ to: [D('eu-west-1', ACCOUNT)] })) },
      { rules: [{ destinations: [] }] },
      { rules: [RC.rule({ to: Array.from({ length: 101 }, (_, i) => D('eu-west-1', String(i).padStart(12, '0'))) })] },
      RC.replicatePrefix('Prod', { to: [D('eu-west-1', ACCOUNT)] }),
      RC.replicateAll({ to: [D('eu-west-1', '12')] })
    ]
    for (const config of bad) {
      expect(leftOf(await Registry.putReplicationConfiguration(config)(mockEnv())())._tag).toBe('InvalidArgument')
    }
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('the source registry itself, or a region of another partition, is refused without a call', async () => {
    const self = leftOf(await Registry.putReplicationConfiguration(RC.replicateAll({ to: [D(REGION, ACCOUNT)] }))(mockEnv())())
    expect(self).toMatchObject({ _tag: 'InvalidArgument' })
    expect(self.message).toMatch(/\/rules\/0\/destinations\/0: 123456789012 in us-west-2 is the source registry itself/)
    const china = leftOf(
      await Registry.putReplicationConfiguration(RC.replicateAll({ to: [D('eu-west-1', ACCOUNT), D('cn-north-1', ACCOUNT)] }))(mockEnv())()
    )
    expect(china.message).toMatch(/\/rules\/0\/destinations\/1: cn-north-1 is in partition aws-cn/)
    expect(ecrMock.calls()).toHaveLength(0)
    // the same region in another account, and another region of the same account, are fine
    ecrMock.on(PutReplicationConfigurationCommand).resolves({})
    const ok = RC.replicateAll({ to: [D(REGION, OTHER_ACCOUNT), D('us-east-1', ACCOUNT)] })
    expect(await Registry.putReplicationConfiguration(ok)(mockEnv())()).toEqual(E.right(ok))
  })

  it('another account or region is an InvalidArgument, without a call', async () => {
    const config = RC.replicateAll({ to: [D('eu-west-1', ACCOUNT)] })
    for (const registry of [
      { accountId: OTHER_ACCOUNT, region: REGION },
      { accountId: ACCOUNT, region: 'eu-central-1' as Region }
    ]) {
      expect(leftOf(await Registry.putReplicationConfiguration(config, registry)(mockEnv())())._tag).toBe('InvalidArgument')
    }
    expect(ecrMock.calls()).toHaveLength(0)
  })

  it('a validation error from ECR is an AwsError for PutReplicationConfiguration', async () => {
    ecrMock.on(PutReplicationConfigurationCommand).rejects(awsException('ValidationException', 'no such region'))
    const e = leftOf(await Registry.putReplicationConfiguration(RC.replicateAll({ to: [D('eu-west-1', ACCOUNT)] }))(mockEnv())())
    expect(e).toMatchObject({ _tag: 'AwsError', operation: 'PutReplicationConfiguration', code: 'ValidationException' })
  })
})

describe('destinationProblems', () => {
  it('flags exactly the destinations that are the source or in another partition', () => {
    fc.assert(
      fc.property(region, accountId, fc.array(fc.record({ region, registryId: accountId }), { maxLength: 6 }), (r, a, ds) => {
        const source = { accountId: a, region: r }
        const withSelf = [...ds, { region: r, registryId: a }]
        const problems = destinationProblems(source, { rules: [{ destinations: withSelf }] })
        const expected = withSelf.filter((d) => (d.region === r && d.registryId === a) || partitionOf(d.region) !== partitionOf(r))
        expect(problems).toHaveLength(expected.length)
        expect(problems[problems.length - 1]).toMatch(/source registry itself/)
      })
    )
  })
})

// -------------------------------------------------------------------------------------
// on the twin
// -------------------------------------------------------------------------------------

describe('on the in-memory twin', () => {
  const SOURCE = { accountId: '111111111111', region: 'us-east-1' }

  it('put then get gives back the configuration; putting empty turns replication off', async () => {
    await fc.assert(
      fc.asyncProperty(configFrom(SOURCE, 25), async (config) => {
        const twin = InMemoryEcr.make(SOURCE)
        const program = pipe(
          Registry.putReplicationConfiguration(config),
          RTE.flatMap((put) =>
            pipe(
              Registry.getReplicationConfiguration(),
              RTE.map((got) => ({ put, got }))
            )
          )
        )
        expect(await program(twin.env)()).toEqual(E.right({ put: config, got: config }))
        expect(twin.calls.map((c) => c.operation)).toEqual(['PutReplicationConfiguration', 'DescribeRegistry'])
        const cleared = await pipe(
          Registry.putReplicationConfiguration(RC.empty),
          RTE.flatMap(() => Registry.getReplicationConfiguration())
        )(twin.env)()
        expect(cleared).toEqual(E.right({ rules: [] }))
      }),
      { numRuns: 40 }
    )
  })

  it('a fresh registry has no configuration', async () => {
    expect(await Registry.getReplicationConfiguration()(InMemoryEcr.make(SOURCE).env)()).toEqual(E.right({ rules: [] }))
  })

  it('throttling is retried; a put answer without fields is the configuration sent, a get answer without any is none', async () => {
    const twin = InMemoryEcr.make(SOURCE)
    let n = 0
    twin.setFault((call) => (call.kind === 'ecr' && n++ < 2 ? 'throttle' : undefined))
    const config = RC.replicatePrefix('prod', { to: [D('eu-west-1', SOURCE.accountId)] })
    expect(await Registry.putReplicationConfiguration(config)(twin.env)()).toEqual(E.right(config))
    expect(twin.callCount('PutReplicationConfiguration')).toBe(3)
    twin.setFault((call) => (call.kind === 'ecr' ? 'missing-fields' : undefined))
    expect(await Registry.putReplicationConfiguration(RC.empty)(twin.env)()).toEqual(E.right(RC.empty))
    expect(await Registry.getReplicationConfiguration()(twin.env)()).toEqual(E.right({ rules: [] }))
    twin.setFault(undefined)
    // the faulted put never reached the store
    expect(await Registry.getReplicationConfiguration()(twin.env)()).toEqual(E.right(config))
  })

  it('every failure is a Left, never a throw', async () => {
    const twin = InMemoryEcr.make(SOURCE)
    twin.setFault(() => ({ status: 403 }))
    expect(leftOf(await Registry.getReplicationConfiguration()(twin.env)())).toMatchObject({ _tag: 'AwsError', code: 'AccessDeniedException' })
    expect(leftOf(await Registry.putReplicationConfiguration(RC.empty)(twin.env)())).toMatchObject({ _tag: 'AwsError' })
  })
})
