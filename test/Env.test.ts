import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { mockClient } from 'aws-sdk-client-mock'
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as Env from '../src/Env'
import type { AccountId, Region } from '../src/Primitives'
import * as Registry from '../src/Registry'
import * as Retry from '../src/Retry'
import { accountId, region } from './arbitraries'
import { leftOf } from './ecrMock'

const sts = mockClient(STSClient)
const ecr = mockClient(ECRClient)

const saved: Record<string, string | undefined> = {}
const ISOLATE = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']

beforeEach(() => {
  sts.reset()
  ecr.reset()
  for (const k of ISOLATE) saved[k] = process.env[k]
  delete process.env['AWS_REGION']
  delete process.env['AWS_DEFAULT_REGION']
  delete process.env['AWS_PROFILE']
  process.env['AWS_CONFIG_FILE'] = '/nonexistent/aws/config'
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/aws/credentials'
  process.env['AWS_ACCESS_KEY_ID'] = 'AKIDEXAMPLE'
  process.env['AWS_SECRET_ACCESS_KEY'] = 'secret-example'
})

afterEach(() => {
  for (const k of ISOLATE) {
    if (saved[k] === undefined) delete process.env[k]
    else process.env[k] = saved[k]
  }
})

describe('Env.make', () => {
  it('fills defaults and a fresh login cache per environment', () => {
    const a = Env.make({ ecr: { send: (() => Promise.resolve({})) as never }, accountId: '123456789012' as never, region: 'us-west-2' as never })
    const b = Env.make({ ecr: a.ecr, accountId: a.accountId, region: a.region, concurrency: 3.7 })
    expect(a.concurrency).toBe(8)
    expect(b.concurrency).toBe(3)
    expect(a.loginCache).not.toBe(b.loginCache)
  })
})

describe('Env.parse', () => {
  const send = { send: (() => Promise.resolve({})) as never }
  const DIGITS = '0123456789'

  /** Account ids that break the rule (12 digits): another length, or a non-digit among 12. */
  const badAccountId = fc.oneof(
    fc.string({ unit: fc.constantFrom(...DIGITS), maxLength: 20 }).filter((s) => s.length !== 12),
    fc
      .tuple(fc.string({ unit: fc.constantFrom(...DIGITS), minLength: 11, maxLength: 11 }), fc.nat({ max: 11 }), fc.constantFrom('a', ' ', '-', '١', 'O'))
      .map(([digits, at, c]) => digits.slice(0, at) + c + digits.slice(at))
  )
  /** Regions that break the rule (`<prefix>-<direction>-<1..99>`, lower case) by construction. */
  const badRegion = fc.oneof(
    fc.constant(''),
    region.map((r) => r.toUpperCase()),
    region.map((r) => `${r}-x`),
    region.map((r) => ` ${r}`),
    region.map((r) => r.replace(/-\d+$/, '-0')),
    region.map((r) => r.replace(/-\d+$/, '-100')),
    region.map((r) => r.replace(/-\d+$/, '')),
    fc.constantFrom('mars-1', 'xx-east-1', 'us-up-1', 'us-east-01')
  )
  const positiveInteger = fc.integer({ min: 1, max: 1_000 })
  const badInteger = fc.oneof(
    fc.integer({ min: -1_000, max: 0 }),
    fc.double({ min: 0.001, max: 1_000, noNaN: true }).filter((n) => !Number.isInteger(n)),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)
  )
  const positiveFinite = fc.double({ min: 0.001, max: 1e9, noNaN: true })
  const badFinite = fc.oneof(
    fc.double({ min: -1e9, max: 0, noNaN: true }),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)
  )
  /** A field's value, valid or invalid, with whether it is bad. */
  const field = <A>(valid: fc.Arbitrary<A>, invalid: fc.Arbitrary<A>): fc.Arbitrary<{ readonly value: A; readonly bad: boolean }> =>
    fc.oneof(valid.map((value) => ({ value, bad: false })), invalid.map((value) => ({ value, bad: true })))
  /** An optional field's value: absent too. */
  const optional = <A>(valid: fc.Arbitrary<A>, invalid: fc.Arbitrary<A>) =>
    fc.oneof(fc.constant({ value: undefined, bad: false }), field(valid, invalid))

  it('is make for valid strings and numbers', () => {
    fc.assert(
      fc.property(
        accountId,
        region,
        fc.option(positiveInteger, { nil: undefined }),
        fc.record({ connectMs: positiveFinite, headersMs: positiveFinite, idleMs: positiveFinite }, { requiredKeys: [] }),
        (a, r, concurrency, timeouts) => {
          const env = Env.parse({ ecr: send, accountId: a, region: r, concurrency, timeouts, callTimeoutMs: 1_000 })
          expect(E.isRight(env)).toBe(true)
          if (E.isRight(env)) {
            expect([env.right.accountId, env.right.region, env.right.concurrency]).toStrictEqual([a, r, concurrency ?? 8])
            expect(env.right.timeouts).toBe(timeouts)
          }
        }
      )
    )
  })

  it('names every bad field, in order, and only those', () => {
    fc.assert(
      fc.property(
        field<string>(accountId, badAccountId),
        field<string>(region, badRegion),
        optional(positiveInteger, badInteger),
        optional(positiveFinite, badFinite),
        optional(positiveFinite, badFinite),
        optional(positiveFinite, badFinite),
        optional(positiveFinite, badFinite),
        (a, r, concurrency, callTimeoutMs, connectMs, headersMs, idleMs) => {
          const result = Env.parse({
            ecr: send,
            accountId: a.value,
            region: r.value,
            concurrency: concurrency.value,
            callTimeoutMs: callTimeoutMs.value,
            timeouts: { connectMs: connectMs.value, headersMs: headersMs.value, idleMs: idleMs.value }
          })
          const named: ReadonlyArray<[string, boolean]> = [
            ['accountId', a.bad],
            ['region', r.bad],
            ['concurrency', concurrency.bad],
            ['callTimeoutMs', callTimeoutMs.bad],
            ['timeouts.connectMs', connectMs.bad],
            ['timeouts.headersMs', headersMs.bad],
            ['timeouts.idleMs', idleMs.bad]
          ]
          const bad = named.filter(([, b]) => b).map(([name]) => name)
          if (bad.length === 0) expect(E.isRight(result)).toBe(true)
          else {
            expect(E.isLeft(result) && result.left._tag).toBe('InvalidArgument')
            const parts = E.isLeft(result) ? result.left.message.split('; ') : []
            expect(parts.map((p) => p.slice(0, p.indexOf(' is not ')))).toStrictEqual(bad)
          }
        }
      ),
      { numRuns: 500 }
    )
  })

  it('quotes a bad string, clipped, and a bad number as it is', () => {
    const r = Env.parse({ ecr: send, accountId: '9'.repeat(100), region: 'us-east-1', callTimeoutMs: Number.NaN })
    expect(E.isLeft(r) && r.left.message).toBe(
      `accountId is not a valid AWS account id (12 digits): "${'9'.repeat(63)}…; callTimeoutMs is not a positive finite number: NaN`
    )
  })
})

describe('Env.fromDefaults', () => {
  it('asks STS once for the account when none is given', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' })
    const r = await Env.fromDefaults({ region: 'eu-central-1' })()
    expect(E.isRight(r)).toBe(true)
    if (E.isRight(r)) {
      expect(r.right.accountId).toBe('111122223333')
      expect(r.right.region).toBe('eu-central-1')
      expect(r.right.ecr).toBeInstanceOf(ECRClient)
    }
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1)
  })

  it('never calls STS when the account is given', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' })
    const r = await Env.fromDefaults({ region: 'us-east-1', accountId: '123456789012' })()
    expect(E.isRight(r) && r.right.accountId).toBe('123456789012')
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0)
  })

  it('configures the client for throttling: at least 5 attempts, adaptive retries', async () => {
    for (const maxAttempts of [undefined, 1, 5, 10]) {
      const r = await Env.fromDefaults({ region: 'us-east-1', accountId: '123456789012', ...(maxAttempts ? { maxAttempts } : {}) })()
      expect(E.isRight(r)).toBe(true)
      if (E.isRight(r)) {
        const client = r.right.ecr as unknown as ECRClient
        expect(await client.config.maxAttempts()).toBeGreaterThanOrEqual(Math.max(5, maxAttempts ?? 5))
        expect(client.config.retryMode).toBe('adaptive')
      }
    }
  })

  it('passes profile and endpoint to the client', async () => {
    const r = await Env.fromDefaults({ region: 'us-east-1', accountId: '123456789012', profile: 'dev', endpoint: 'http://127.0.0.1:4566' })()
    expect(E.isRight(r)).toBe(true)
    if (E.isRight(r)) {
      const client = r.right.ecr as unknown as ECRClient
      expect(client.config.profile).toBe('dev')
      const ep = await client.config.endpoint?.()
      expect(ep?.hostname).toBe('127.0.0.1')
      expect(ep?.port).toBe(4566)
    }
  })

  it('takes the region from AWS_REGION when none is given', async () => {
    process.env['AWS_REGION'] = 'ap-southeast-2'
    const r = await Env.fromDefaults({ accountId: '123456789012' })()
    expect(E.isRight(r) && r.right.region).toBe('ap-southeast-2')
  })

  it('a missing region is a clear InvalidArgument', async () => {
    const r = await Env.fromDefaults({ accountId: '123456789012' })()
    expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
    expect(E.isLeft(r) && r.left.message).toMatch(/region/i)
  })

  it('an invalid region or account is an InvalidArgument, without calls', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string().filter((s) => !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(s)), async (bad) => {
        const r = await Env.fromDefaults({ region: bad, accountId: '123456789012' })()
        expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
      }),
      { numRuns: 50 }
    )
    await fc.assert(
      fc.asyncProperty(fc.string().filter((s) => !/^\d{12}$/.test(s)), async (bad) => {
        const r = await Env.fromDefaults({ region: 'us-west-2', accountId: bad })()
        expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
      }),
      { numRuns: 50 }
    )
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0)
  })

  it('an invalid endpoint is an InvalidArgument', async () => {
    const r = await Env.fromDefaults({ region: 'us-west-2', accountId: '123456789012', endpoint: 'not a url' })()
    expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
  })

  it('an STS failure is an AwsError, not a rejection', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is invalid'), { name: 'InvalidClientTokenId' }))
    const r = await Env.fromDefaults({ region: 'us-west-2' })()
    expect(E.isLeft(r) && r.left._tag).toBe('AwsError')
    expect(E.isLeft(r) && r.left._tag === 'AwsError' && r.left.code).toBe('InvalidClientTokenId')
  })

  it('an STS answer without a valid account is a DecodeError', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:iam::1:user/x' })
    const r = await Env.fromDefaults({ region: 'us-west-2' })()
    expect(E.isLeft(r) && r.left._tag).toBe('DecodeError')
  })
})

describe('Env.fromDefaults retries', () => {
  it('leaves retries to the SDK client: a throttled call reaches send once per library call', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
      $retryable: { throttling: true }
    })
    ecr.on(DescribeRepositoriesCommand).rejects(throttled)
    const env = await Env.fromDefaults({ region: 'us-east-1', accountId: '123456789012' })()
    expect(E.isRight(env)).toBe(true)
    if (E.isLeft(env)) return
    const r = await Registry.listRepositories()(env.right)()
    expect(r).toEqual(E.left(expect.objectContaining({ _tag: 'AwsError', code: 'ThrottlingException', retryable: true })))
    // the mocked send stands for the SDK's whole retrying pipeline; the library adds no attempts of its own
    expect(ecr.commandCalls(DescribeRepositoriesCommand)).toHaveLength(1)
  })
})

describe('Env.withEcrRetries', () => {
  const throttling = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })
  const notFound = () => Object.assign(new Error('no such repository'), { name: 'RepositoryNotFoundException' })

  /** A send that fails with `failures[i]` on call i (then answers), counting calls. */
  const scripted = (failures: ReadonlyArray<Error>) => {
    let calls = 0
    const send = (() => {
      const f = failures[calls++]
      return f === undefined ? Promise.resolve({ repositories: [] }) : Promise.reject(f)
    }) as unknown as ECRClient['send']
    return { ecr: { send }, calls: () => calls }
  }

  const bare = (ecr: Env.EcrEnv['ecr']): Env.EcrEnv => ({ ecr, accountId: '123456789012' as AccountId, region: 'us-west-2' as Region })

  it('retries retryable failures while the policy allows, waiting what it says', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 50 }), async (n, failures, delay) => {
        const { ecr, calls } = scripted(Array.from({ length: failures }, throttling))
        const waits: Array<number> = []
        const sleep = (ms: number) => (waits.push(ms), Promise.resolve())
        const env = pipe(bare(ecr), Env.withEcrRetries(Retry.concat(Retry.limitRetries(n), Retry.constantDelay(delay)), sleep))
        const r = await Registry.listRepositories()(env)()
        expect(calls()).toBe(Math.min(failures, n) + 1)
        expect(waits).toEqual(new Array(Math.min(failures, n)).fill(delay))
        if (failures <= n) expect(r).toEqual(E.right([]))
        else expect(r).toEqual(E.left(expect.objectContaining({ _tag: 'AwsError', code: 'ThrottlingException', retryable: true })))
      })
    )
  })

  it('does not retry a failure that is not retryable, and keeps the other fields of the env', async () => {
    const { ecr, calls } = scripted([notFound()])
    const env = pipe({ ...bare(ecr), concurrency: 3 }, Env.withEcrRetries(Retry.limitRetries(5), () => Promise.resolve()))
    expect(env.concurrency).toBe(3)
    expect(leftOf(await Registry.listRepositories()(env)())._tag).toBe('NotFound')
    expect(calls()).toBe(1)
  })

  it('composes with RTE.local and tells the env logger of each retry', async () => {
    const { ecr, calls } = scripted([throttling(), throttling()])
    const lines: Array<string> = []
    const logger: Env.Logger = { debug: (m, meta) => lines.push(`${m} ${String(meta?.operation)}`), info: () => undefined, warn: () => undefined }
    const program = pipe(Registry.listRepositories(), RTE.local(Env.withEcrRetries(Retry.limitRetries(2), () => Promise.resolve())))
    expect(await program({ ...bare(ecr), logger })()).toEqual(E.right([]))
    expect(calls()).toBe(3)
    expect(lines).toEqual(['ecr retry DescribeRepositories', 'ecr retry DescribeRepositories'])
  })
})

describe('Env.withEcrLogging', () => {
  it('logs each call and each failure with its operation and code, never a credential', async () => {
    const lines: Array<string> = []
    const logger: Env.Logger = {
      debug: (m, meta) => lines.push(`${m} ${JSON.stringify(meta)}`),
      info: () => undefined,
      warn: () => undefined
    }
    const send = ((command: unknown) =>
      command instanceof DescribeRepositoriesCommand
        ? Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
        : Promise.resolve({ authorizationData: [{ authorizationToken: Buffer.from('AWS:pw-secret').toString('base64'), proxyEndpoint: 'https://r' }] })) as unknown as ECRClient['send']
    const env = Env.make({ ecr: { send }, accountId: '123456789012' as AccountId, region: 'us-west-2' as Region, logger, retry: { ecr: Retry.none } })
    expect(E.isRight(await Registry.getLogin()(env)())).toBe(true)
    expect(leftOf(await Registry.listRepositories()(env)())._tag).toBe('AwsError')
    expect(lines).toEqual([
      'ecr call {"operation":"GetAuthorizationToken"}',
      'ecr call {"operation":"DescribeRepositories"}',
      'ecr call failed {"operation":"DescribeRepositories","code":"AccessDeniedException"}'
    ])
    expect(lines.join('\n')).not.toMatch(/pw-secret|QVdTOnB3/)
  })
})

describe('Env.make: declared retry options', () => {
  it('retries ECR calls under retry.ecr (default: 4 retries) and puts retry.http and sleep on the env', async () => {
    const attempts = async (options: Partial<Env.MakeOptions>): Promise<number> => {
      let calls = 0
      const send = (() => {
        calls++
        return Promise.reject(Object.assign(new Error('busy'), { name: 'ServerException', $metadata: { httpStatusCode: 500 } }))
      }) as unknown as ECRClient['send']
      const env = Env.make({ ecr: { send }, accountId: '123456789012' as AccountId, region: 'us-west-2' as Region, sleep: () => Promise.resolve(), ...options })
      await Registry.listRepositories()(env)()
      return calls
    }
    expect(await attempts({})).toBe(5)
    expect(await attempts({ retry: { ecr: Retry.limitRetries(1) } })).toBe(2)
    expect(await attempts({ retry: { ecr: Retry.none } })).toBe(1)
    const http = Retry.limitRetries(1)
    const sleep = () => Promise.resolve()
    const env = Env.make({ ecr: { send: (() => Promise.resolve({})) as never }, accountId: '123456789012' as AccountId, region: 'us-west-2' as Region, retry: { http }, sleep })
    expect(env.retryPolicy).toBe(http)
    expect(env.sleep).toBe(sleep)
  })
})

describe('Env.makeLoginCache', () => {
  it('shares one login in flight per key, and starts a new one once it settled', async () => {
    const cache = Env.makeLoginCache()
    let calls = 0
    const login = () => {
      calls++
      return new Promise<E.Either<never, Env.EcrLogin>>((resolve) =>
        setTimeout(() => resolve(E.right({ username: 'AWS', password: 'pw', proxyEndpoint: 'https://r', expiresAt: new Date() })), 5)
      )
    }
    const share = cache.share ?? ((_key: string, f: typeof login) => f())
    const [a, b, c] = await Promise.all([share('k', login), share('k', login), share('other', login)])
    expect(a).toBe(b)
    expect(c).not.toBe(a)
    expect(calls).toBe(2)
    await share('k', login)
    expect(calls).toBe(3)
  })
})
