import { spawnSync } from 'node:child_process'
import * as path from 'node:path'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { countCalls, REGISTRY, seed, steps } from '../../src/cli/commands/demo'
import { cliOver, lines } from './harness'

const seeded = () => {
  const s = seed()
  if (E.isLeft(s)) throw new Error(s.left.message)
  return s.right
}

const LABELS = [
  'org.opencontainers.image.source=https://example.com/team/app',
  'org.opencontainers.image.title=app',
  'org.opencontainers.image.version=1.2.3'
]

describe('ecr-fp-ts demo', () => {
  it('seeds three repositories; latest is a two-platform index, pushed before an untagged image', () => {
    const { twin, latest, previous, untagged } = seeded()
    expect(latest.children.map((c) => c.platform.architecture)).toEqual(['amd64', 'arm64'])
    expect(twin.tagsOf('team/app').get('latest')).toBe(latest.imageDigest)
    expect(twin.tagsOf('team/app').get('v1.2.2')).toBe(previous.imageDigest)
    expect([...twin.tagsOf('team/app').values()]).not.toContain(untagged.imageDigest)
    expect(twin.calls).toHaveLength(0)
  })

  it('runs every step on the twin and never asks for an AWS environment', async () => {
    const { latest, previous } = seeded()
    const r = await cliOver()('demo') // no twin: any makeEnv call would fail the run
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.envRequests).toEqual([])
    const out = lines(r.stdout)
    for (const [i, step] of steps.entries()) expect(out).toContain(`${i + 1}. ${step.title}`)
    expect(out).toContain(`   ${REGISTRY}/team/app@${latest.imageDigest}`)
    expect(out).toContain(`   ${REGISTRY}/team/app@${previous.imageDigest}`)
    expect(out).toContain(`   ${REGISTRY}/team/app:prod`)
    expect(out.some((l) => l.includes('now has the tags: latest, prod, v1.2.3'))).toBe(true)
    expect(out).toContain('   platform: linux/arm64/v8')
    for (const l of LABELS) expect(out).toContain(`     ${l}`)
    expect(out).toContain('     NODE_ENV=production')
  })

  it('lists repositories, all then those tagged env=prod', async () => {
    const json = JSON.parse((await cliOver()('--json', 'demo')).stdout) as {
      steps: ReadonlyArray<{ name: string; result: unknown; ecrCalls: Record<string, number>; httpRequests: number }>
    }
    const step = (name: string) => json.steps.find((s) => s.name === name)
    const repository = (n: string) => ({ uri: `${REGISTRY}/${n}`, accountId: '123456789012', region: 'us-west-2', repositoryName: n })
    expect(step('list')?.result).toEqual(['team/app', 'team/worker', 'sandbox/scratch'].map(repository))
    expect(step('filter')?.result).toEqual(['team/app', 'team/worker'].map(repository))
    expect(step('resolve by tag')?.result).toMatchObject({ ...repository('team/app'), uri: expect.stringMatching(/@sha256:/) })
    expect(step('promote')?.result).toMatchObject({ repositoryName: 'team/app', digest: expect.stringMatching(/^sha256:/), tags: ['latest', 'prod', 'v1.2.3'] })
    expect(step('config')?.result).toMatchObject({ os: 'linux', architecture: 'arm64' })
  })

  it('counts the calls of each step from the twin log', async () => {
    const json = JSON.parse((await cliOver()('--json', 'demo')).stdout) as {
      steps: ReadonlyArray<{ name: string; ecrCalls: Record<string, number>; httpRequests: number }>
    }
    const calls = Object.fromEntries(json.steps.map((s) => [s.name, { ...s.ecrCalls, http: s.httpRequests }]))
    expect(calls['parse']).toEqual({ http: 0 })
    expect(calls['list']).toEqual({ DescribeRepositories: 1, http: 0 })
    expect(calls['filter']).toEqual({ DescribeRepositories: 1, ListTagsForResource: 3, http: 0 })
    expect(calls['resolve latest']).toEqual({ DescribeImages: 1, http: 0 })
    expect(calls['config']).toMatchObject({ GetAuthorizationToken: 1, http: 1 })
    const text = lines((await cliOver()('demo')).stdout)
    expect(text).toContain(`   2. list            DescribeRepositories 1                         0`)
  })

  it('countCalls: per operation in order of first call', () => {
    expect(countCalls([])).toBe('-')
    expect(countCalls(['A', 'B', 'A'])).toBe('A 2, B 1')
  })

  it('as a process: prints the resolved URI and the config labels', () => {
    const { latest } = seeded()
    const main = path.resolve(__dirname, '../../src/cli/main.ts')
    const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx')
    const r = spawnSync(tsx, [main, 'demo'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_PROFILE: 'none' }
    })
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(`${REGISTRY}/team/app@${latest.imageDigest}`)
    for (const l of LABELS) expect(r.stdout).toContain(l)
  })
})
