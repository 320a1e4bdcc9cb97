import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr'
import * as Env from '../../src/Env'
import type { AccountId, Region } from '../../src/Primitives'
import { DEFAULT_LIFETIME_MS, decodeLogin, endpointFor, getLogin, isFresh } from '../../src/internal/login'
import { loginRedactor } from '../../src/internal/redact'

const ACCOUNT = '123456789012' as AccountId
const OTHER = '210987654321' as AccountId
const REGION = 'us-west-2' as Region
const HOUR = 60 * 60 * 1000

const tokenOf = (user: string, password: string): string => Buffer.from(`${user}:${password}`).toString('base64')

interface Counting {
  readonly env: Env.EcrEnv
  readonly calls: () => number
}

/** An environment whose `send` counts GetAuthorizationToken calls and answers with `answer(n)`. */
const counting = (answer: (n: number) => unknown, delayMs = 0): Counting => {
  let n = 0
  const send = async (command: unknown): Promise<unknown> => {
    if (!(command instanceof GetAuthorizationTokenCommand)) throw new Error('unexpected command')
    expect(command.input).toEqual({})
    n++
    const k = n
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs))
    const a = answer(k)
    if (a instanceof Error) throw a
    return a
  }
  const env = Env.make({ ecr: { send } as unknown as Env.EcrEnv['ecr'], accountId: ACCOUNT, region: REGION })
  return { env, calls: () => n }
}

const answerAt = (expiresAt: Date | undefined, password = 'pw', endpoint = `https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`) => ({
  authorizationData: [
    { authorizationToken: tokenOf('AWS', password), proxyEndpoint: endpoint, ...(expiresAt ? { expiresAt } : {}) }
  ]
})

describe('getLogin', () => {
  it('decodes the token into user and password and keeps the proxy endpoint', async () => {
    const t0 = new Date('2030-01-01T00:00:00Z')
    const { env } = counting(() => answerAt(new Date(t0.getTime() + 12 * HOUR), 'p:a:s:s'))
    const r = await getLogin(undefined, () => t0)(env)()
    expect(r).toEqual(
      E.right({
        username: 'AWS',
        password: 'p:a:s:s',
        proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`,
        expiresAt: new Date(t0.getTime() + 12 * HOUR)
      })
    )
  })

  it('two calls for one registry make one GetAuthorizationToken call', async () => {
    const { env, calls } = counting(() => answerAt(new Date(Date.now() + 12 * HOUR)))
    const a = await getLogin()(env)()
    const b = await getLogin({ accountId: ACCOUNT, region: REGION })(env)()
    expect(E.isRight(a) && E.isRight(b)).toBe(true)
    expect(calls()).toBe(1)
  })

  it('logins handed out from the cache share one redactor: the secrets are indexed once, not per copy', async () => {
    const { env } = counting(() => answerAt(new Date(Date.now() + 12 * HOUR), 'a-long-registry-password'))
    const logins = [await getLogin()(env)(), await getLogin()(env)(), await getLogin()(env)()]
    const first = logins[0]
    if (first === undefined || E.isLeft(first)) throw new Error('no login')
    for (const l of logins.slice(1)) {
      if (E.isLeft(l)) throw new Error(l.left.message)
      expect(l.right).not.toBe(first.right)
      expect(loginRedactor(l.right)).toBe(loginRedactor(first.right))
    }
    expect(loginRedactor(first.right).text('x a-long-registry-password y')).toBe('x <redacted> y')
  })

  it('concurrent logins share one call', async () => {
    const { env, calls } = counting(() => answerAt(new Date(Date.now() + 12 * HOUR)), 30)
    const rs = await Promise.all([getLogin()(env)(), getLogin()(env)(), getLogin()(env)()])
    expect(rs.every(E.isRight)).toBe(true)
    expect(calls()).toBe(1)
  })

  it('renews a login once half its lifetime has passed (fake clock)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 48 }), fc.integer({ min: 0, max: 1000 }), async (hours, permille) => {
        const t0 = new Date('2030-01-01T00:00:00Z').getTime()
        const lifetime = hours * HOUR
        let clock = t0
        const { env, calls } = counting(() => answerAt(new Date(clock + lifetime)))
        const now = () => new Date(clock)
        await getLogin(undefined, now)(env)()
        clock = t0 + Math.floor((lifetime * permille) / 1000)
        await getLogin(undefined, now)(env)()
        expect(calls()).toBe(clock - t0 < lifetime / 2 ? 1 : 2)
      })
    )
  })

  it('defaults expiresAt to 12 hours when the response has none', async () => {
    const t0 = new Date('2030-01-01T00:00:00Z')
    const { env } = counting(() => answerAt(undefined))
    const r = await getLogin(undefined, () => t0)(env)()
    expect(E.isRight(r) && r.right.expiresAt.getTime()).toBe(t0.getTime() + DEFAULT_LIFETIME_MS)
  })

  it('points an ECR endpoint at the asked account; keeps a non-ECR endpoint', async () => {
    const ecr = counting(() => answerAt(new Date(Date.now() + HOUR)))
    const r = await getLogin({ accountId: OTHER, region: REGION })(ecr.env)()
    expect(E.isRight(r) && r.right.proxyEndpoint).toBe(`https://${OTHER}.dkr.ecr.${REGION}.amazonaws.com`)
    const local = counting(() => answerAt(new Date(Date.now() + HOUR), 'pw', 'http://127.0.0.1:5000'))
    const l = await getLogin({ accountId: OTHER, region: REGION })(local.env)()
    expect(E.isRight(l) && l.right.proxyEndpoint).toBe('http://127.0.0.1:5000')
  })

  it('caches per registry: another account is another login', async () => {
    const { env, calls } = counting(() => answerAt(new Date(Date.now() + 12 * HOUR)))
    await getLogin()(env)()
    await getLogin({ accountId: OTHER, region: REGION })(env)()
    await getLogin({ accountId: OTHER, region: REGION })(env)()
    expect(calls()).toBe(2)
  })

  it('a registry in another region is an InvalidArgument, without a call', async () => {
    const { env, calls } = counting(() => answerAt(new Date()))
    const r = await getLogin({ accountId: ACCOUNT, region: 'eu-west-1' as Region })(env)()
    expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
    expect(calls()).toBe(0)
  })

  it('a failing call is an AwsError and is not cached', async () => {
    const denied = Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' })
    const { env, calls } = counting((n) => (n === 1 ? denied : answerAt(new Date(Date.now() + HOUR))))
    const a = await getLogin()(env)()
    expect(E.isLeft(a) && a.left._tag).toBe('AwsError')
    const b = await getLogin()(env)()
    expect(E.isRight(b)).toBe(true)
    expect(calls()).toBe(2)
  })

  it('any missing or malformed field is a DecodeError, never a crash', async () => {
    const good = { authorizationToken: tokenOf('AWS', 'pw'), proxyEndpoint: 'https://x', expiresAt: new Date() }
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            authorizationToken: fc.oneof(fc.constant(undefined), fc.constant(''), fc.constant('no colon here'), fc.constant('%%%'), fc.integer()),
            proxyEndpoint: fc.oneof(fc.constant(undefined), fc.constant(''), fc.constant(good.proxyEndpoint), fc.integer())
          },
          { requiredKeys: [] }
        ),
        fc.oneof(fc.constant('drop-token'), fc.constant('drop-endpoint'), fc.constant('keep')),
        async (fields, mode) => {
          const data: Record<string, unknown> = { ...good, ...fields }
          if (mode === 'drop-token') delete data['authorizationToken']
          if (mode === 'drop-endpoint') delete data['proxyEndpoint']
          const tokenOk = data['authorizationToken'] === good.authorizationToken
          const endpointOk = data['proxyEndpoint'] === good.proxyEndpoint
          const { env } = counting(() => ({ authorizationData: [data] }))
          const r = await getLogin()(env)()
          if (tokenOk && endpointOk) expect(E.isRight(r)).toBe(true)
          else expect(E.isLeft(r) && r.left._tag).toBe('DecodeError')
        }
      )
    )
    for (const out of [{}, { authorizationData: [] }, { authorizationData: [null] }, undefined]) {
      const { env } = counting(() => out)
      const r = await getLogin()(env)()
      expect(E.isLeft(r) && r.left._tag).toBe('DecodeError')
    }
  })

  it('a DecodeError never shows the token', () => {
    const secret = 'S3cr3tPassw0rdThatMustNotLeak'
    const r = decodeLogin(
      { authorizationData: [{ authorizationToken: Buffer.from(secret).toString('base64') }] } as never,
      { accountId: ACCOUNT, region: REGION },
      new Date()
    )
    expect(E.isLeft(r)).toBe(true)
    expect(JSON.stringify(r)).not.toContain(secret)
    expect(JSON.stringify(r)).not.toContain(Buffer.from(secret).toString('base64'))
  })
})

describe('endpointFor', () => {
  const arbAccount = fc.stringMatching(/^\d{12}$/)
  it('rewrites only the account of an ECR-shaped endpoint', () => {
    fc.assert(
      fc.property(
        arbAccount,
        arbAccount,
        fc.constantFrom('us-east-1', 'cn-north-1', 'us-gov-west-1'),
        fc.constantFrom('dkr.ecr', 'dkr.ecr-fips'),
        fc.constantFrom('amazonaws.com', 'amazonaws.com.cn'),
        (from, to, region, svc, dns) => {
          const endpoint = `https://${from}.${svc}.${region}.${dns}`
          expect(endpointFor(endpoint, { accountId: to as AccountId, region: region as Region })).toBe(
            `https://${to}.${svc}.${region}.${dns}`
          )
        }
      )
    )
  })

  it('keeps any other endpoint', () => {
    fc.assert(
      fc.property(fc.webUrl().filter((u) => !/dkr\.ecr/.test(u)), arbAccount, (url, to) => {
        expect(endpointFor(url, { accountId: to as AccountId, region: REGION })).toBe(url)
      })
    )
  })
})

describe('isFresh', () => {
  it('is fresh strictly before the middle of the lifetime', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 0, max: 2e9 }), (start, life, dt) => {
        const entry = {
          login: { username: 'AWS', password: 'x', proxyEndpoint: 'https://x', expiresAt: new Date(start + life) },
          obtainedAt: new Date(start)
        }
        expect(isFresh(entry, new Date(start + dt))).toBe(dt < life / 2)
      })
    )
  })
})
