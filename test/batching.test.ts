// Single-image reads batched per repository and tick: each caller gets its own image or its own
// failure, exactly as a read alone would; the batch is per ECR capability; whole-call failures
// reach every caller of the batch.
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import { describe, expect, it } from 'vitest'
import * as Env from '../src/Env'
import type { EcrError } from '../src/EcrError'
import * as Image from '../src/Image'
import type { AccountId, ImageDigest, Region, RepositoryName } from '../src/Primitives'
import * as Repository from '../src/Repository'
import * as Retry from '../src/Retry'
import { InMemoryEcr } from '../src/testing'

const ACCOUNT = '123456789012' as AccountId
const REGION = 'us-west-2' as Region
const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`
const repo = (name: string) => ({ accountId: ACCOUNT, region: REGION, repositoryName: name as RepositoryName })

const right = <A>(r: E.Either<EcrError, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

type Send = (command: unknown) => Promise<unknown>

/** The BatchGetImage calls made through `send`, each with its image ids. */
const counting = (inner: Send) => {
  const batches: Array<ReadonlyArray<Readonly<Record<string, string>>>> = []
  const send: Send = (command) => {
    const c = command as { constructor: { name: string }; input?: { imageIds?: ReadonlyArray<Readonly<Record<string, string>>> } }
    if (c.constructor.name === 'BatchGetImageCommand') batches.push(c.input?.imageIds ?? [])
    return inner(command)
  }
  return { send, batches }
}

const seeded = (repos: ReadonlyArray<string>, n: number) => {
  const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION })
  const refs: Array<Image.ImageRef> = []
  for (const name of repos)
    for (let i = 0; i < n; i++) {
      const pushed = right(twin.pushImage(name, { tag: `v${i}`, labels: { n: `${name}-${i}` } }))
      refs.push({ ...repo(name), imageDigest: pushed.imageDigest as ImageDigest })
    }
  twin.resetCalls()
  return { twin, refs }
}

const envOf = (twin: InMemoryEcr.InMemoryEcr, send: Send): Env.Env =>
  Env.make({
    ecr: { send: send as Env.EcrEnv['ecr']['send'] },
    fetch: twin.fetch,
    accountId: ACCOUNT,
    region: REGION,
    retry: { ecr: Retry.limitRetries(0) },
    sleep: () => Promise.resolve()
  })

describe('one batch per repository and tick', () => {
  it('getImage by tag and by digest, fromUri, getConfig: callers in one tick share one call', async () => {
    const { twin, refs } = seeded(['app'], 4)
    const { send, batches } = counting(twin.ecr.send as Send)
    const env = envOf(twin, send)
    const [a, b, c, d] = refs
    if (a === undefined || b === undefined || c === undefined || d === undefined) throw new Error('seed')
    const results = await Promise.all([
      Repository.getImage(repo('app'), { tag: 'v0' })(env)(),
      Repository.getImage(repo('app'), { digest: b.imageDigest })(env)(),
      Image.fromUri(`${HOST}/app:v2`)(env)(),
      Image.getManifest(d)(env)()
    ])
    expect(results.every((r: E.Either<EcrError, unknown>) => E.isRight(r))).toBe(true)
    expect(pipe(results[0], E.map((r) => (r as Image.ImageRef).imageDigest))).toEqual(E.right(a.imageDigest))
    expect(pipe(results[2], E.map((r) => (r as Image.ImageRef).imageDigest))).toEqual(E.right(c.imageDigest))
    expect(batches).toHaveLength(1)
    expect(batches[0]).toHaveLength(4)
  })

  it('identical ids are asked once; every caller gets the image', async () => {
    const { twin, refs } = seeded(['app'], 2)
    const { send, batches } = counting(twin.ecr.send as Send)
    const env = envOf(twin, send)
    const ref = refs[0] as Image.ImageRef
    const results = await Promise.all([1, 2, 3].map(() => Image.getManifest(ref)(env)()))
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1)
    expect(E.isRight(results[0] as E.Either<EcrError, string>)).toBe(true)
    expect(batches).toEqual([[{ imageDigest: ref.imageDigest }]])
  })

  it('reads in different ticks are different calls', async () => {
    const { twin, refs } = seeded(['app'], 2)
    const { send, batches } = counting(twin.ecr.send as Send)
    const env = envOf(twin, send)
    for (const ref of refs) right(await Image.getManifest(ref)(env)())
    expect(batches.map((b) => b.length)).toEqual([1, 1])
  })

  it('the batch belongs to the ECR capability: spreads share it, another capability has its own', async () => {
    const { twin, refs } = seeded(['app'], 3)
    const one = counting(twin.ecr.send as Send)
    const other = counting(twin.ecr.send as Send)
    const env = envOf(twin, one.send)
    const [a, b, c] = refs as [Image.ImageRef, Image.ImageRef, Image.ImageRef]
    await Promise.all([
      Image.getManifest(a)(env)(),
      Image.getManifest(b)({ ...env, concurrency: 3 })(),
      Image.getManifest(c)(envOf(twin, other.send))()
    ])
    expect(one.batches.map((x) => x.length)).toEqual([2])
    expect(other.batches.map((x) => x.length)).toEqual([1])
  })

  it('middleware applied once with RTE.local around a traversal: one batch, through the middleware', async () => {
    const { twin, refs } = seeded(['app'], 5)
    const lines: Array<string> = []
    const logger: Env.Logger = { debug: (m, meta) => lines.push(`${m} ${String(meta?.['operation'])}`), info: () => undefined, warn: () => undefined }
    const program = pipe(refs, RTE.traverseArray(Image.getManifest), RTE.local(Env.withEcrLogging(logger)))
    expect(right(await program(twin.env)())).toHaveLength(5)
    expect(lines).toEqual(['ecr call BatchGetImage'])
  })
})

describe('each caller gets its own outcome', () => {
  it('a missing image is that caller’s NotFound; the others get their images', async () => {
    const { twin, refs } = seeded(['app'], 2)
    const { send, batches } = counting(twin.ecr.send as Send)
    const env = envOf(twin, send)
    const missing = 'sha256:' + 'f'.repeat(64)
    const [found, byMissingDigest, byMissingTag] = await Promise.all([
      Repository.getImage(repo('app'), { tag: 'v1' })(env)(),
      Repository.getImage(repo('app'), { digest: missing })(env)(),
      Repository.getImage(repo('app'), { tag: 'nope' })(env)()
    ])
    expect(pipe(found, E.map((r) => r.imageDigest))).toEqual(E.right(refs[1]?.imageDigest))
    expect(byMissingDigest).toMatchObject(E.left({ _tag: 'NotFound', resource: 'Image', id: `app@${missing}` }))
    expect(byMissingTag).toMatchObject(E.left({ _tag: 'NotFound', resource: 'Image', id: 'app:nope' }))
    expect(batches).toHaveLength(1)
  })

  it('a manifest that does not hash to its digest is a DigestMismatch for its caller only', async () => {
    const { twin, refs } = seeded(['app'], 3)
    const bad = refs[1] as Image.ImageRef
    const tampering: Send = (command) =>
      (twin.ecr.send as Send)(command).then((out) => {
        const o = out as { images?: ReadonlyArray<{ imageId?: { imageDigest?: string }; imageManifest?: string }> }
        return o.images === undefined
          ? out
          : { ...o, images: o.images.map((i) => (i.imageId?.imageDigest === bad.imageDigest ? { ...i, imageManifest: `${i.imageManifest ?? ''} ` } : i)) }
      })
    const { send, batches } = counting(tampering)
    const env = envOf(twin, send)
    const results = await Promise.all(refs.map((ref) => Image.getManifest(ref)(env)()))
    expect(batches).toHaveLength(1)
    expect(E.isRight(results[0] as E.Either<EcrError, string>)).toBe(true)
    expect(results[1]).toMatchObject(E.left({ _tag: 'DigestMismatch', expected: bad.imageDigest }))
    expect(E.isRight(results[2] as E.Either<EcrError, string>)).toBe(true)
  })

  it('a failure of the whole call (throttled after retries) reaches every caller of the batch', async () => {
    const { twin, refs } = seeded(['app'], 3)
    twin.setFault((call) => (call.kind === 'ecr' && call.operation === 'BatchGetImage' ? 'throttle' : undefined))
    const { send, batches } = counting(twin.ecr.send as Send)
    const env = envOf(twin, send)
    const results = await Promise.all(refs.map((ref) => Image.getManifest(ref)(env)()))
    expect(batches).toHaveLength(1)
    for (const r of results) expect(r).toMatchObject(E.left({ _tag: 'AwsError', code: 'ThrottlingException', retryable: true }))
  })

  it('a missing repository is every caller’s NotFound(Repository)', async () => {
    const { twin, refs } = seeded(['app'], 2)
    const env = envOf(twin, twin.ecr.send as Send)
    const results = await Promise.all(refs.map((ref) => Image.getManifest({ ...ref, repositoryName: 'gone' as RepositoryName })(env)()))
    for (const r of results) expect(r).toMatchObject(E.left({ _tag: 'NotFound', resource: 'Repository' }))
  })

  it('a server that does not echo the ids: each unnamed read is asked again alone, as without batching', async () => {
    const { twin, refs } = seeded(['app'], 3)
    const forgetful: Send = (command) =>
      (twin.ecr.send as Send)(command).then((out) => {
        const o = out as { images?: ReadonlyArray<{ imageId?: { imageDigest?: string; imageTag?: string } }> }
        return o.images === undefined ? out : { ...o, images: o.images.map((i) => ({ ...i, imageId: { imageDigest: i.imageId?.imageDigest } })) }
      })
    const { send, batches } = counting(forgetful)
    const env = envOf(twin, send)
    const results = await Promise.all([0, 1, 2].map((i) => Repository.getImage(repo('app'), { tag: `v${i}` })(env)()))
    expect(results.map((r) => pipe(r, E.map((x) => x.imageDigest)))).toEqual(refs.map((r) => E.right(r.imageDigest)))
    expect(batches.map((b) => b.length)).toEqual([3, 1, 1, 1])
  })

  it('property: batched reads answer what the same reads one at a time answer', async () => {
    const { twin, refs } = seeded(['app', 'web'], 3)
    const env = envOf(twin, twin.ecr.send as Send)
    const missing = 'sha256:' + '0'.repeat(64)
    const read = fc.oneof(
      fc.record({ name: fc.constantFrom('app', 'web', 'gone'), id: fc.constantFrom<Repository.ImageIdentifier>({ tag: 'v0' }, { tag: 'v2' }, { tag: 'v9' }, { digest: missing }) }),
      fc.record({
        name: fc.constantFrom('app', 'web'),
        id: fc.constantFrom(...refs.map((r): Repository.ImageIdentifier => ({ digest: r.imageDigest })))
      })
    )
    await fc.assert(
      fc.asyncProperty(fc.array(read, { maxLength: 12 }), async (reads) => {
        const program = (r: { name: string; id: Repository.ImageIdentifier }) => Repository.getImage(repo(r.name), r.id)
        const batched = await Promise.all(reads.map((r) => program(r)(env)()))
        const alone: Array<unknown> = []
        for (const r of reads) alone.push(await program(r)(env)())
        expect(batched).toEqual(alone)
      }),
      { numRuns: 40 }
    )
  })
})
