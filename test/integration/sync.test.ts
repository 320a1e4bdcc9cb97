import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as E from 'fp-ts/Either'
import { randomBytes } from 'node:crypto'
import { Agent, fetch as undiciFetch } from 'undici'
import type { HttpEnv } from '../../src/Env'
import type { AccountId, Region, RepositoryName } from '../../src/Primitives'
import type { RepositoryRef } from '../../src/Repository'
import * as Sync from '../../src/Sync'
import * as EcrOverRegistry from './ecrOverRegistry'
import { pushTestImage, startRegistry, type Registry } from './harness'

// Sync between two real docker-registry instances, their ECR API answered from their registry API.

const SRC = { accountId: '111111111111', region: 'us-east-1' }
const DST = { accountId: '222222222222', region: 'eu-west-1' }

let regA: Registry
let regB: Registry
let agent: Agent

const fetchWith =
  (dispatcher: Agent): HttpEnv['fetch'] =>
  (input, init) =>
    undiciFetch(input, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1]) as unknown as Promise<Response>

const sideOf = (reg: Registry, at: { accountId: string; region: string }) =>
  EcrOverRegistry.make({ ...reg, ...at, fetch: fetchWith(agent), dispatcher: agent })

const repo = (at: { accountId: string; region: string }, name: string): RepositoryRef => ({
  accountId: at.accountId as AccountId,
  region: at.region as Region,
  repositoryName: name as RepositoryName
})

beforeAll(async () => {
  agent = new Agent({ connections: 16 })
  regA = await startRegistry({ password: `a-${randomBytes(9).toString('hex')}` })
  regB = await startRegistry({ password: `b-${randomBytes(9).toString('hex')}` })
})

afterAll(async () => {
  await regA?.stop()
  await regB?.stop()
  await agent?.close()
})

describe('Sync between two docker-registry instances', () => {
  it('syncs 5 tags (shared base layers, two with 2 platforms); a second sync sends nothing', async () => {
    const base = [randomBytes(200_000), randomBytes(100_000)]
    const pushed = []
    for (let i = 0; i < 5; i++) {
      const own = randomBytes(50_000)
      pushed.push(
        await pushTestImage(regA, 'team/app', `v${i}`, {
          layers: [...base, own],
          ...(i < 2 ? { platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] } : {})
        })
      )
    }
    const source = sideOf(regA, SRC)
    const destination = sideOf(regB, DST)
    const env = { source: source.env, destination: destination.env }
    const request: Sync.PlanRequest = { source: repo(SRC, 'team/app'), destination: repo(DST, 'mirror/app'), createRepository: true }

    const plan = await Sync.plan(request)(env)()
    if (E.isLeft(plan)) throw new Error(plan.left.message)
    expect(plan.right.images).toHaveLength(5)
    expect(plan.right.createRepository).toBeDefined()
    const distinct = new Set(pushed.flatMap((p) => p.blobs.map((b) => b.digest)))
    expect(plan.right.totals.blobs.send).toBe(distinct.size)

    const report = await Sync.apply(plan.right)(env)()
    if (E.isLeft(report)) throw new Error(report.left.message)
    expect(report.right.totals.images).toEqual({ copied: 5, failed: 0 })
    // every shared blob sent once
    expect(report.right.totals.blobs.copied).toBe(distinct.size)

    const again = await Sync.replicateRepository(request)(env)()
    if (E.isLeft(again)) throw new Error(again.left.message)
    expect(again.right.createdRepository).toBe(false)
    expect(again.right.totals.images).toEqual({ copied: 5, failed: 0 })
    expect(again.right.totals.blobs.copied + again.right.totals.blobs.mounted).toBe(0)
    expect(again.right.totals.bytesCopied).toBe(0)
    expect(again.right.totals.manifests.pushed + again.right.totals.tags.pushed).toBe(0)

    // the second plan, seen through the registry: nothing to do
    const third = await Sync.plan(request)(env)()
    if (E.isLeft(third)) throw new Error(third.left.message)
    expect(third.right.totals.blobs).toEqual({ send: 0, mount: 0, skip: distinct.size })
    expect(third.right.totals.manifests.put).toBe(0)
    expect(third.right.totals.tags).toEqual({ put: 0, skip: 5 })
  })
})
