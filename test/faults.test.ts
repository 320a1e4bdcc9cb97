// Fault injection: whatever the ECR API or the registry answers (throttling, service and network
// errors, empty or malformed outputs), every operation ends in a Left or a Right, never a throw or
// a rejected promise; transient failures that stop in time end in the same Right as no failure.
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import { describe, expect, it } from 'vitest'
import * as Env from '../src/Env'
import type { EcrError } from '../src/EcrError'
import * as Image from '../src/Image'
import * as LifecyclePolicy from '../src/LifecyclePolicy'
import type { AccountId, ImageDigest, Region, RepositoryName } from '../src/Primitives'
import * as Registry from '../src/Registry'
import * as Repository from '../src/Repository'
import { resolveImageUri } from '../src/resolve'
import * as Retry from '../src/Retry'
import { InMemoryEcr } from '../src/testing'

const ACCOUNT = '123456789012' as AccountId
const REGION = 'us-west-2' as Region
const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`
const NOW = new Date('2024-06-01T00:00:00Z')

type AnyEnv = Env.EcrEnv & Env.HttpEnv
type Program = RTE.ReaderTaskEither<AnyEnv, EcrError, unknown>

const repo = (name: string) => ({ accountId: ACCOUNT, region: REGION, repositoryName: name as RepositoryName })
const image = (name: string, digest: string) => ({ ...repo(name), imageDigest: digest as ImageDigest })

interface Fixture {
  readonly twin: InMemoryEcr.InMemoryEcr
  readonly env: AnyEnv
  readonly v1: string
  readonly multi: string
}

/** A fresh twin holding two repositories and three images; retries do not wait. */
const fixture = (): Fixture => {
  const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION, now: () => NOW, password: 'pw-secret' })
  twin.createRepository('app', { tags: [{ Key: 'team', Value: 'infra' }] })
  twin.createRepository('tmp')
  const pushed = (r: E.Either<EcrError, InMemoryEcr.PushedImage>): string => {
    if (E.isLeft(r)) throw new Error(r.left.message)
    return r.right.imageDigest
  }
  const v1 = pushed(twin.pushImage('app', { tag: 'v1', labels: { a: 'b' }, pushedAt: new Date('2024-01-01T00:00:00Z') }))
  const multi = pushed(
    twin.pushImage('app', {
      tag: 'multi',
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' }
      ],
      pushedAt: new Date('2024-02-01T00:00:00Z')
    })
  )
  pushed(twin.pushImage('app', { pushedAt: new Date('2024-03-01T00:00:00Z') }))
  const env = Env.make({
    ecr: twin.ecr,
    fetch: twin.fetch,
    dispatcher: twin.dispatcher,
    accountId: ACCOUNT,
    region: REGION,
    retry: { ecr: Retry.limitRetries(4), http: Retry.limitRetries(5) },
    sleep: instant
  })
  return { twin, env, v1, multi }
}

const instant = (): Promise<void> => Promise.resolve()

const policy = LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged({ days: 3 }))

/** Every operation of the library, on the fixture. */
const operations: ReadonlyArray<readonly [string, (f: Fixture) => Program]> = [
  ['Registry.getLogin', () => Registry.getLogin()],
  ['Registry.listRepositories', () => Registry.listRepositories()],
  ['Registry.getRepositories', () => Registry.getRepositories({ name: 'a', tags: [{ Key: 'team', Value: 'infra' }] })],
  ['Repository.make', () => Repository.make('app')],
  ['Repository.create', () => Repository.create(repo('new'), { tags: [{ Key: 'k', Value: 'v' }] })],
  ['Repository.create existing', () => Repository.create(repo('app'), { tags: [{ Key: 'k', Value: 'v' }] })],
  ['Repository.exists', () => Repository.exists(repo('app'))],
  ['Repository.delete', () => Repository.delete(repo('tmp'))],
  ['Repository.listImageDetails', () => Repository.listImageDetails(repo('app'), { tagStatus: 'TAGGED' })],
  ['Repository.getImages', () => Repository.getImages(repo('app'))],
  ['Repository.getImage tag', () => Repository.getImage(repo('app'), { tag: 'v1' })],
  ['Repository.getImage digest', (f) => Repository.getImage(repo('app'), { digest: f.v1 })],
  ['Repository.getResourceTags', () => Repository.getResourceTags(repo('app'))],
  ['Repository.updateResourceTags', () => Repository.updateResourceTags(repo('app'), [{ Key: 'x', Value: 'y' }], 'overwrite')],
  ['Repository.putLifecyclePolicy', () => Repository.putLifecyclePolicy(repo('app'), policy)],
  ['Repository.getLifecyclePolicy', () => Repository.getLifecyclePolicy(repo('app'))],
  ['Image.fromUri', () => Image.fromUri(`${HOST}/app:v1`)],
  ['Image.getManifest', (f) => Image.getManifest(image('app', f.v1))],
  ['Image.getDetail', (f) => Image.getDetail(image('app', f.v1))],
  ['Image.getTags', (f) => Image.getTags(image('app', f.v1))],
  ['Image.getPushedAt', (f) => Image.getPushedAt(image('app', f.v1))],
  ['Image.getLayers index', (f) => Image.getLayers(image('app', f.multi), { platform: { os: 'linux', architecture: 'arm64' } })],
  ['Image.getConfigLayer', (f) => Image.getConfigLayer(image('app', f.v1))],
  ['Image.getConfig', (f) => Image.getConfig(image('app', f.v1))],
  ['Image.getConfig index', (f) => Image.getConfig(image('app', f.multi))],
  ['Image.put', (f) => Image.put(image('app', f.v1), { tag: 'v1-copy' })],
  ['Image.addTags', (f) => Image.addTags(image('app', f.v1), ['a', 'b', 'c'])],
  ['resolveImageUri latest', () => resolveImageUri('app')],
  ['resolveImageUri defaultTag', () => resolveImageUri('app', { defaultTag: 'v1' })]
]

/** Runs a program; a rejection is reported as a value so the test can fail on it. */
const settle = (program: Program, env: AnyEnv): Promise<E.Either<EcrError, unknown> | { readonly rejected: unknown }> =>
  (async () => {
    try {
      return await program(env)()
    } catch (e) {
      return { rejected: e }
    }
  })()

const isEither = (r: unknown): boolean => typeof r === 'object' && r !== null && '_tag' in r && (E.isLeft(r as E.Either<unknown, unknown>) || E.isRight(r as E.Either<unknown, unknown>))

const faultAnswer: fc.Arbitrary<InMemoryEcr.FaultAnswer> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('throttle' as const, 'server-error' as const, 'network' as const, 'missing-fields' as const),
  fc.record({ status: fc.constantFrom(400, 401, 403, 404, 429, 500, 503) })
)

describe('the twin with random faults', () => {
  it.each(operations)('%s ends in Left or Right', async (_name, op) => {
    await fc.assert(
      fc.asyncProperty(fc.array(faultAnswer, { maxLength: 40 }), async (answers) => {
        const f = fixture()
        let i = 0
        f.twin.setFault(() => answers[i++])
        const r = await settle(op(f), f.env)
        expect(isEither(r)).toBe(true)
      }),
      { numRuns: 40 }
    )
  })

  it.each(operations)('%s: transient failures that stop in time end in the fault-free Right', async (_name, op) => {
    const clean = fixture()
    const expected = await op(clean)(clean.env)()
    expect(E.isRight(expected)).toBe(true)
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('throttle' as const, 'server-error' as const, 'network' as const), { maxLength: 4 }),
        fc.array(fc.constantFrom<InMemoryEcr.FaultAnswer>('server-error', 'network', { status: 503 }, { status: 429 }), { maxLength: 4 }),
        async (ecrFaults, httpFaults) => {
          const f = fixture()
          let e = 0
          let h = 0
          // The first few ECR calls and the first few HTTP requests fail, then everything works:
          // no single call sees more failures than its retries absorb.
          f.twin.setFault((call) => (call.kind === 'ecr' ? ecrFaults[e++] : httpFaults[h++]))
          const r = await op(f)(f.env)()
          expect(r).toEqual(expected)
        }
      ),
      { numRuns: 15 }
    )
  })
})

describe('a bare send and fetch answering anything', () => {
  /** What a fake `send` does for one call. */
  const sendBehaviour = fc.oneof(
    fc.constant({ kind: 'throw' as const, error: Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $retryable: { throttling: true } }) }),
    fc.constant({ kind: 'throw' as const, error: Object.assign(new Error('boom'), { name: 'ServerException', $metadata: { httpStatusCode: 500 } }) }),
    fc.constant({ kind: 'throw' as const, error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }),
    fc.anything().map((error) => ({ kind: 'throw' as const, error })),
    fc.constant({ kind: 'return' as const, value: {} as unknown }),
    fc.constant({ kind: 'return' as const, value: undefined as unknown }),
    fc.anything().map((value) => ({ kind: 'return' as const, value })),
    fc
      .record({
        images: fc.anything(),
        imageDetails: fc.anything(),
        imageIds: fc.anything(),
        repositories: fc.anything(),
        failures: fc.anything(),
        tags: fc.anything(),
        nextToken: fc.anything(),
        lifecyclePolicyText: fc.anything(),
        authorizationData: fc.anything()
      }, { requiredKeys: [] })
      .map((value) => ({ kind: 'return' as const, value: value as unknown }))
  )

  const fetchBehaviour = fc.oneof(
    fc.constant({ kind: 'throw' as const }),
    fc.record({ status: fc.constantFrom(200, 201, 202, 302, 307, 400, 401, 404, 500, 503), body: fc.string() }).map((r) => ({ kind: 'respond' as const, ...r }))
  )

  it.each(operations)('%s ends in Left or Right', async (_name, op) => {
    const f = fixture()
    await fc.assert(
      fc.asyncProperty(fc.array(sendBehaviour, { maxLength: 12 }), fc.array(fetchBehaviour, { maxLength: 8 }), async (sends, fetches) => {
        let s = 0
        let h = 0
        const send = (() => {
          const b = sends[s++]
          if (b === undefined) return Promise.resolve({})
          if (b.kind === 'throw') return Promise.reject(b.error)
          return Promise.resolve(b.value)
        }) as unknown as ECRClient['send']
        const fetch = (): Promise<Response> => {
          const b = fetches[h++]
          if (b === undefined || b.kind === 'throw') return Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))
          return Promise.resolve(new Response(b.body, { status: b.status }))
        }
        const retry = { ecr: Retry.limitRetries(2), http: Retry.limitRetries(2) }
        const env = Env.make({ ecr: { send }, accountId: ACCOUNT, region: REGION, fetch, retry, sleep: instant })
        const r = await settle(op(f), env)
        expect(isEither(r)).toBe(true)
      }),
      { numRuns: 60 }
    )
  })

  it('a send that throws synchronously is a Left too', async () => {
    const send = (() => {
      throw new Error('sync boom')
    }) as unknown as ECRClient['send']
    const env = Env.make({ ecr: { send }, accountId: ACCOUNT, region: REGION, retry: { ecr: Retry.none } })
    const r = await Registry.listRepositories()(env)()
    expect(E.isLeft(r) && r.left._tag).toBe('AwsError')
  })

  it('send retries a throttled call up to 5 attempts, then gives the throttling error', async () => {
    let calls = 0
    const send = ((command: unknown) => {
      calls++
      expect(command).toBeInstanceOf(GetAuthorizationTokenCommand)
      return Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }))
    }) as unknown as ECRClient['send']
    const env = Env.make({ ecr: { send }, accountId: ACCOUNT, region: REGION, retry: { ecr: Retry.limitRetries(4) }, sleep: instant })
    const r = await Registry.getLogin()(env)()
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'AwsError', code: 'ThrottlingException', retryable: true })
    expect(calls).toBe(5)
  })

  it('the default policy waits between attempts (capped, jittered) and does not retry a non-retryable error', async () => {
    let calls = 0
    const stamps: Array<number> = []
    const send = (() => {
      calls++
      stamps.push(Date.now())
      return calls < 3
        ? Promise.reject(Object.assign(new Error('busy'), { name: 'ServerException', $metadata: { httpStatusCode: 500 } }))
        : Promise.reject(Object.assign(new Error('no'), { name: 'RepositoryNotFoundException' }))
    }) as unknown as ECRClient['send']
    const env = Env.make({ ecr: { send }, accountId: ACCOUNT, region: REGION })
    const r = await Repository.exists(repo('app'))(env)()
    expect(r).toEqual(E.right(false))
    expect(calls).toBe(3)
    const first = (stamps[1] ?? 0) - (stamps[0] ?? 0)
    const second = (stamps[2] ?? 0) - (stamps[1] ?? 0)
    expect(first).toBeGreaterThanOrEqual(45)
    expect(first).toBeLessThan(1000)
    expect(second).toBeGreaterThanOrEqual(95)
  })
})
