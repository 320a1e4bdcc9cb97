import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import { describe, expect, it } from 'vitest'
import { parsePrefix, parseTarget } from '../../src/cli/args'
import { type Io, run } from '../../src/cli/main'
import type { EcrEnv, HttpEnv } from '../../src/Env'
import * as Registry from '../../src/Registry'
import * as InMemoryEcr from '../../src/testing/InMemoryEcr'
import { accountId, region } from '../arbitraries'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'

interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const cli = async (twin: InMemoryEcr.InMemoryEcr, ...argv: ReadonlyArray<string>): Promise<Result> => {
  let stdout = ''
  let stderr = ''
  const io: Io = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    makeEnv: () => TE.right({ ...twin.env } as EcrEnv & HttpEnv)
  }
  const code = await run(argv, io)
  return { code, stdout, stderr }
}

const stored = async (twin: InMemoryEcr.InMemoryEcr): Promise<unknown> => {
  const r = await Registry.getReplicationConfiguration()(twin.env)()
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

const fresh = () => InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })

describe('ecr-fp-ts replication get', () => {
  it('prints an empty configuration as JSON', async () => {
    const twin = fresh()
    const r = await cli(twin, 'replication', 'get')
    expect(r).toEqual({ code: 0, stdout: '{\n  "rules": []\n}\n', stderr: '' })
    expect(twin.calls.map((c) => c.operation)).toEqual(['DescribeRegistry'])
  })

  it('prints the stored configuration, the same with --json', async () => {
    const twin = fresh()
    await cli(twin, 'replication', 'put', '--to', 'eu-west-1', '--prefix', 'prod')
    const text = await cli(twin, 'replication', 'get')
    const json = await cli(twin, '--json', 'replication', 'get')
    const expected = {
      rules: [
        {
          destinations: [{ region: 'eu-west-1', registryId: ACCOUNT }],
          repositoryFilters: [{ filter: 'prod', filterType: 'PREFIX_MATCH' }]
        }
      ]
    }
    expect(text.code).toBe(0)
    expect(JSON.parse(text.stdout)).toEqual(expected)
    expect(json.stdout).toBe(text.stdout)
  })
})

describe('ecr-fp-ts replication put', () => {
  it('builds one rule from --to (account defaults to this one) and --prefix, puts it and prints it', async () => {
    const twin = fresh()
    const r = await cli(
      twin,
      'replication',
      'put',
      '--to',
      'eu-west-1',
      'us-west-2:210987654321',
      '--to',
      'ap-south-1',
      '--prefix',
      'prod/',
      '--prefix',
      'team-a'
    )
    const expected = {
      rules: [
        {
          destinations: [
            { region: 'eu-west-1', registryId: ACCOUNT },
            { region: 'us-west-2', registryId: '210987654321' },
            { region: 'ap-south-1', registryId: ACCOUNT }
          ],
          repositoryFilters: [
            { filter: 'prod/', filterType: 'PREFIX_MATCH' },
            { filter: 'team-a', filterType: 'PREFIX_MATCH' }
          ]
        }
      ]
    }
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
    expect(JSON.parse(r.stdout)).toEqual(expected)
    expect(await stored(twin)).toEqual(expected)
  })

  it('without --prefix replicates every repository; a new put replaces the rules, --add appends', async () => {
    const twin = fresh()
    expect((await cli(twin, 'replication', 'put', '--to', 'eu-west-1')).code).toBe(0)
    expect(await stored(twin)).toEqual({ rules: [{ destinations: [{ region: 'eu-west-1', registryId: ACCOUNT }] }] })
    expect((await cli(twin, 'replication', 'put', '--to', 'eu-central-1')).code).toBe(0)
    expect(await stored(twin)).toEqual({ rules: [{ destinations: [{ region: 'eu-central-1', registryId: ACCOUNT }] }] })
    expect((await cli(twin, 'replication', 'put', '--add', '--to', 'eu-west-1', '--prefix', 'prod')).code).toBe(0)
    expect(await stored(twin)).toEqual({
      rules: [
        { destinations: [{ region: 'eu-central-1', registryId: ACCOUNT }] },
        {
          destinations: [{ region: 'eu-west-1', registryId: ACCOUNT }],
          repositoryFilters: [{ filter: 'prod', filterType: 'PREFIX_MATCH' }]
        }
      ]
    })
  })

  it('--add past ten rules fails with exit 1 and leaves the configuration as it was', async () => {
    const twin = fresh()
    for (let i = 0; i < 10; i++) {
      expect((await cli(twin, 'replication', 'put', '--add', '--to', 'eu-west-1', '--prefix', `p${i}`)).code).toBe(0)
    }
    const before = await stored(twin)
    const r = await cli(twin, 'replication', 'put', '--add', '--to', 'eu-west-1')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/at most 10 rules/)
    expect(await stored(twin)).toEqual(before)
  })

  it('the source registry as a destination is the library refusing it: exit 1, no put', async () => {
    const twin = fresh()
    const r = await cli(twin, 'replication', 'put', '--to', REGION)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/source registry itself/)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(twin.callCount('PutReplicationConfiguration')).toBe(0)
  })

  it('usage errors exit 2 before any call: missing --to, malformed --to or --prefix, too many destinations', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `us-east-2:${String(i).padStart(12, '0')}`)
    const cases: ReadonlyArray<ReadonlyArray<string>> = [
      ['replication', 'put'],
      ['replication', 'put', '--to', 'europe'],
      ['replication', 'put', '--to', 'eu-west-1:12345'],
      ['replication', 'put', '--to', 'eu-west-1', '--prefix', 'Prod'],
      ['replication', 'put', '--to', 'eu-west-1', '--prefix', 'a'],
      ['replication', 'put', '--to', ...many],
      ['replication', 'frobnicate']
    ]
    for (const argv of cases) {
      const twin = fresh()
      const r = await cli(twin, ...argv)
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 })
      expect(r.stderr).not.toBe('')
      expect(twin.calls).toEqual([])
    }
  })
})

describe('ecr-fp-ts replication clear', () => {
  it('removes every rule', async () => {
    const twin = fresh()
    await cli(twin, 'replication', 'put', '--to', 'eu-west-1')
    const r = await cli(twin, 'replication', 'clear')
    expect(r).toEqual({ code: 0, stdout: '{\n  "rules": []\n}\n', stderr: '' })
    expect(await stored(twin)).toEqual({ rules: [] })
  })
})

describe('argument parsers', () => {
  it('parseTarget reads REGION and REGION:ACCOUNT, and nothing else', () => {
    fc.assert(
      fc.property(region, accountId, (r, a) => {
        expect(parseTarget(r)).toEqual(E.right({ region: r }))
        expect(parseTarget(`${r}:${a}`)).toEqual(E.right({ region: r, registryId: a }))
        expect(E.isLeft(parseTarget(`${r}:${a}0`))).toBe(true)
        expect(E.isLeft(parseTarget(`${r.toUpperCase()}:${a}`))).toBe(true)
        expect(E.isLeft(parseTarget(`${r}:`))).toBe(true)
      })
    )
  })

  it('parsePrefix keeps a valid prefix and refuses what ECR refuses', () => {
    expect(parsePrefix('team/app-')).toEqual(E.right('team/app-'))
    for (const bad of ['a', 'Team', 'team app', '/team', 'x'.repeat(257)]) expect(E.isLeft(parsePrefix(bad))).toBe(true)
  })
})
