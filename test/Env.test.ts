import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { mockClient } from 'aws-sdk-client-mock'
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import * as Env from '../src/Env'
import * as Registry from '../src/Registry'

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
