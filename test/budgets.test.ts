// Call budgets on the in-memory twin: the operations make the number of ECR calls their design
// promises, however many images or repositories there are (no N+1 patterns).
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import { describe, expect, it } from 'vitest'
import type { EcrError } from '../src/EcrError'
import * as Image from '../src/Image'
import type { AccountId, ImageDigest, Region, RepositoryName } from '../src/Primitives'
import * as Registry from '../src/Registry'
import * as Repository from '../src/Repository'
import { resolveImageUri } from '../src/resolve'
import { InMemoryEcr } from '../src/testing'

const ACCOUNT = '123456789012' as AccountId
const REGION = 'us-west-2' as Region
const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`
const repo = (name: string) => ({ accountId: ACCOUNT, region: REGION, repositoryName: name as RepositoryName })

const right = <A>(r: E.Either<EcrError, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

const operations = (twin: InMemoryEcr.InMemoryEcr): ReadonlyArray<string> => twin.calls.map((c) => c.operation)

/** A twin with `n` tagged images in `app`, pushed one second apart; `latest` is the last. */
const seeded = (n: number) => {
  const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
  const start = Date.parse('2024-01-01T00:00:00Z')
  const digests: Array<string> = []
  for (let i = 0; i < n; i++)
    digests.push(right(twin.pushImage('app', { tag: `v${i}`, pushedAt: new Date(start + i * 1000) })).imageDigest)
  twin.resetCalls()
  return { twin, digests }
}

describe('images: N = 2,500', () => {
  const N = 2500
  const { twin, digests } = seeded(N)
  const last = digests[N - 1] ?? ''
  const middle = digests[1234] ?? ''

  it('resolveImageUri(repo): at most 3 calls, all DescribeImages', async () => {
    twin.resetCalls()
    expect(await resolveImageUri('app')(twin.env)()).toEqual(E.right(`${HOST}/app@${last}`))
    expect(twin.callCount()).toBeLessThanOrEqual(3)
    expect(twin.callCount('DescribeImages')).toBe(twin.callCount())
  })

  it('resolveImageUri(repo, { defaultTag }): 1 call', async () => {
    twin.resetCalls()
    expect(await resolveImageUri('app', { defaultTag: 'v1234' })(twin.env)()).toEqual(E.right(`${HOST}/app@${middle}`))
    expect(twin.callCount()).toBe(1)
  })

  it('Repository.getImage by tag, by digest: 1 call each', async () => {
    twin.resetCalls()
    expect(right(await Repository.getImage(repo('app'), { tag: 'v1234' })(twin.env)()).imageDigest).toBe(middle)
    expect(twin.callCount()).toBe(1)
    twin.resetCalls()
    expect(right(await Repository.getImage(repo('app'), { digest: middle })(twin.env)()).imageDigest).toBe(middle)
    expect(operations(twin)).toEqual(['BatchGetImage'])
  })

  it('Image.fromUri with a tag: 1 call; then getManifest and getLayers: no call', async () => {
    twin.resetCalls()
    const ref = right(await Image.fromUri(`${HOST}/app:v1234`)(twin.env)())
    expect(ref.imageDigest).toBe(middle)
    expect(twin.callCount()).toBe(1)
    right(await Image.getManifest(ref)(twin.env)())
    right(await Image.getLayers(ref)(twin.env)())
    expect(twin.callCount()).toBe(1)
  })

  it('Repository.getImages: ceil(N/1000) ListImages + ceil(N/100) BatchGetImage', async () => {
    twin.resetCalls()
    const images = right(await Repository.getImages(repo('app'))(twin.env)())
    expect(images).toHaveLength(N)
    expect(new Set(images.map((i) => i.imageDigest))).toEqual(new Set(digests))
    expect(images.every((i) => typeof i.imageManifest === 'string')).toBe(true)
    expect(twin.callCount('ListImages')).toBe(Math.ceil(N / 1000))
    expect(twin.callCount('BatchGetImage')).toBe(Math.ceil(N / 100))
    expect(twin.callCount()).toBe(Math.ceil(N / 1000) + Math.ceil(N / 100))
  })

  it('Repository.listImageDetails: ceil(N/1000) DescribeImages', async () => {
    twin.resetCalls()
    expect(right(await Repository.listImageDetails(repo('app'))(twin.env)())).toHaveLength(N)
    expect(operations(twin)).toEqual(['DescribeImages', 'DescribeImages', 'DescribeImages'])
  })
})

describe('configs', () => {
  it('Image.getConfig twice, on two images of one registry: 1 GetAuthorizationToken in all', async () => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
    const a = right(twin.pushImage('app', { tag: 'a', labels: { name: 'a' } }))
    const b = right(twin.pushImage('other', { tag: 'b', labels: { name: 'b' } }))
    twin.resetCalls()
    const ca = right(await Image.getConfig({ ...repo('app'), imageDigest: a.imageDigest as ImageDigest })(twin.env)())
    const cb = right(await Image.getConfig({ ...repo('other'), imageDigest: b.imageDigest as ImageDigest })(twin.env)())
    expect(ca.config?.Labels).toEqual({ name: 'a' })
    expect(cb.config?.Labels).toEqual({ name: 'b' })
    expect(twin.callCount('GetAuthorizationToken')).toBe(1)
    // one BatchGetImage per image for its manifest, one blob GET per config
    expect(twin.callCount('BatchGetImage')).toBe(2)
    expect(twin.httpCallCount('GET', /\/blobs\//)).toBe(2)
  })
})

describe('batched single-image reads (one tick, one env)', () => {
  /** `n` images in each of `names`, and a send that counts the BatchGetImage calls and their ids. */
  const batchedTwin = (names: ReadonlyArray<string>, n: number) => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
    const refs = names.flatMap((name) =>
      Array.from({ length: n }, (_, i) => ({ ...repo(name), imageDigest: right(twin.pushImage(name, { tag: `v${i}` })).imageDigest as ImageDigest }))
    )
    twin.resetCalls()
    const sizes: Array<number> = []
    const inner = twin.env.ecr.send as (command: unknown) => Promise<unknown>
    const send = ((command: { constructor: { name: string }; input?: { imageIds?: ReadonlyArray<unknown> } }) => {
      if (command.constructor.name === 'BatchGetImageCommand') sizes.push(command.input?.imageIds?.length ?? 0)
      return inner(command)
    }) as typeof twin.env.ecr.send
    return { twin, refs, sizes, env: { ...twin.env, ecr: { send } } }
  }

  it('RTE.traverseArray(Image.getConfig) over 100 images of one repository: 1 BatchGetImage + 1 GetAuthorizationToken + 100 blob GETs', async () => {
    const { twin, refs, sizes, env } = batchedTwin(['app'], 100)
    expect(right(await pipe(refs, RTE.traverseArray((ref) => Image.getConfig(ref)))(env)())).toHaveLength(100)
    expect(sizes).toEqual([100])
    expect(twin.callCount('BatchGetImage')).toBe(1)
    expect(twin.callCount('GetAuthorizationToken')).toBe(1)
    expect(twin.callCount()).toBe(2)
    expect(twin.httpCallCount('GET', /\/blobs\//)).toBe(100)
  })

  it('250 images of one repository: 3 BatchGetImage (100, 100, 50)', async () => {
    const { twin, refs, sizes, env } = batchedTwin(['app'], 250)
    expect(right(await pipe(refs, RTE.traverseArray((ref) => Image.getConfig(ref)))(env)())).toHaveLength(250)
    expect([...sizes].sort((a, b) => b - a)).toEqual([100, 100, 50])
    expect(twin.callCount('BatchGetImage')).toBe(3)
    expect(twin.callCount('GetAuthorizationToken')).toBe(1)
  })

  it('two repositories: one BatchGetImage each', async () => {
    const { twin, refs, sizes, env } = batchedTwin(['app', 'web'], 40)
    expect(right(await pipe(refs, RTE.traverseArray((ref) => Image.getConfig(ref)))(env)())).toHaveLength(80)
    expect(sizes).toEqual([40, 40])
    expect(twin.callCount('BatchGetImage')).toBe(2)
    expect(twin.httpCallCount('GET', /\/blobs\//)).toBe(80)
  })

  it('Image.fromUri by tag over 100 tags: 1 BatchGetImage', async () => {
    const { twin, sizes, env } = batchedTwin(['app'], 100)
    const uris = Array.from({ length: 100 }, (_, i) => `${HOST}/app:v${i}`)
    expect(right(await pipe(uris, RTE.traverseArray(Image.fromUri))(env)())).toHaveLength(100)
    expect(sizes).toEqual([100])
    expect(twin.callCount()).toBe(1)
  })
})

describe('repositories: R = 2,100', () => {
  it('getRepositories with a tag filter: ceil(R/1000) DescribeRepositories, tags only for names passing, never more than env.concurrency in flight', async () => {
    const R = 2100
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION, latencyMs: 1 })
    for (let i = 0; i < R; i++)
      right(twin.createRepository(`team-${i % 3}/repo-${i}`, { tags: [{ Key: 'tier', Value: i % 5 === 0 ? 'prod' : 'dev' }] }))
    twin.resetCalls()
    let inFlight = 0
    let maxInFlight = 0
    const send = (async (command: unknown) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      try {
        return await (twin.ecr.send as (c: unknown) => Promise<unknown>)(command)
      } finally {
        inFlight--
      }
    }) as typeof twin.ecr.send
    const env = { ...twin.env, ecr: { send }, concurrency: 6 }
    const repos = right(await Registry.getRepositories({ name: 'team-1/', tags: [{ Key: 'tier', Value: 'prod' }] })(env)())
    const expected = Array.from({ length: R }, (_, i) => i).filter((i) => i % 3 === 1 && i % 5 === 0)
    expect(repos.map((r) => r.repositoryName).sort()).toEqual(expected.map((i) => `team-1/repo-${i}`).sort())
    expect(twin.callCount('DescribeRepositories')).toBe(Math.ceil(R / 1000))
    expect(twin.callCount('ListTagsForResource')).toBe(Array.from({ length: R }, (_, i) => i).filter((i) => i % 3 === 1).length)
    expect(twin.callCount()).toBe(twin.callCount('DescribeRepositories') + twin.callCount('ListTagsForResource'))
    expect(maxInFlight).toBe(6)
  })

  it('getRepositories with a tag filter and EcrEnv.tagging, R = 500: 5 GetResources + 5 DescribeRepositories (all match), 1 + 1 (100 match)', async () => {
    const R = 500
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
    for (let i = 0; i < R; i++)
      right(twin.createRepository(`repo-${i}`, { tags: [{ Key: 'team', Value: 'infra' }, { Key: 'tier', Value: i % 5 === 0 ? 'prod' : 'dev' }] }))
    const env = { ...twin.env, tagging: twin.tagging }
    twin.resetCalls()
    const all = right(await Registry.getRepositories({ tags: [{ Key: 'team', Value: 'infra' }] })(env)())
    expect(all).toHaveLength(R)
    expect(twin.callCount('GetResources')).toBe(5)
    expect(twin.callCount('DescribeRepositories')).toBe(5)
    expect(twin.callCount()).toBe(10)
    twin.resetCalls()
    expect(right(await Registry.getRepositories({ tags: [{ Key: 'tier', Value: 'prod' }] })(env)())).toHaveLength(100)
    expect(operations(twin)).toEqual(['GetResources', 'DescribeRepositories'])
    // without the capability: 1 DescribeRepositories + one ListTagsForResource per repository
    twin.resetCalls()
    expect(right(await Registry.getRepositories({ tags: [{ Key: 'team', Value: 'infra' }] })(twin.env)())).toEqual(all)
    expect(twin.callCount('ListTagsForResource')).toBe(R)
    expect(twin.callCount('DescribeRepositories')).toBe(1)
  })

  it('getRepositories without a tag filter: only DescribeRepositories', async () => {
    const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
    for (let i = 0; i < 1500; i++) right(twin.createRepository(`r-${i}`))
    twin.resetCalls()
    expect(right(await Registry.getRepositories({ name: /-1\d\d$/ })(twin.env)())).toHaveLength(100)
    expect(operations(twin)).toEqual(['DescribeRepositories', 'DescribeRepositories'])
  })
})
