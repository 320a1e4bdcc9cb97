// The CLI's environment wrappers (--registry-endpoint, --verbose) and the small pure helpers of main.
import * as fc from 'fast-check'
import * as TE from 'fp-ts/TaskEither'
import { describe, expect, it } from 'vitest'
import { type Io, run, sdkNodeNote, wantsJson } from '../../src/cli/main'
import { registryBase, stderrLogger, withProxyEndpoint } from '../../src/cli/middleware'
import { makeLoginCache, type EcrEnv, type HttpEnv } from '../../src/Env'
import * as InMemoryEcr from '../../src/testing/InMemoryEcr'
import { push } from './harness'

const REGISTRY = 'http://registry.test:5000'
const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`

/**
 * A twin whose registry API answers at REGISTRY only, while its logins name the usual ECR host (as
 * an emulator behind a proxy would): without --registry-endpoint, registry requests go nowhere.
 */
const emulator = () => {
  const twin = InMemoryEcr.make({ accountId: ACCOUNT, region: REGION, proxyEndpoint: REGISTRY })
  const send = (async (command: unknown) => {
    const out = await (twin.ecr.send as (c: unknown) => Promise<unknown>)(command)
    return withProxyEndpoint(out, `https://${HOST}`)
  }) as EcrEnv['ecr']['send']
  const env: EcrEnv & HttpEnv = { ...twin.env, ecr: { send } }
  return { twin, env }
}

const cli = async (env: EcrEnv & HttpEnv, ...argv: ReadonlyArray<string>) => {
  let stdout = ''
  let stderr = ''
  // a fresh login cache per run, as a process of the CLI has
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), makeEnv: () => TE.right({ ...env, loginCache: makeLoginCache() }) }
  const code = await run(argv, io)
  return { code, stdout, stderr }
}

describe('--registry-endpoint', () => {
  it('config reads through the given registry API; without it, the login endpoint is used', async () => {
    const { twin, env } = emulator()
    push(twin, 'app', { tag: 'v1', labels: { team: 'web' } })
    const without = await cli(env, 'config', 'app:v1')
    expect(without.code).toBe(1)
    expect(without.stderr).toMatch(/amazonaws\.com/)
    twin.resetCalls()
    const r = await cli(env, '--registry-endpoint', `${REGISTRY}/`, 'config', 'app:v1')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('team=web')
    expect(twin.httpCalls.length).toBeGreaterThan(0)
    expect(twin.httpCalls.every((c) => c.url.startsWith(`${REGISTRY}/v2/`))).toBe(true)
  })

  it('copy sends every blob and manifest to the given registry API; login prints it as the endpoint', async () => {
    const { twin, env } = emulator()
    const image = push(twin, 'app', { tag: 'v1', layers: 2 })
    twin.createRepository('mirror')
    const r = await cli(env, '--registry-endpoint', REGISTRY, '--json', 'copy', 'app:v1', 'mirror', '--tag', 'copied')
    expect(r.code).toBe(0)
    expect(twin.tagsOf('mirror').get('copied')).toBe(image.imageDigest)
    expect(twin.httpCalls.every((c) => c.url.startsWith(`${REGISTRY}/v2/`))).toBe(true)
    const login = await cli(env, '--registry-endpoint', REGISTRY, '--json', 'login')
    expect(JSON.parse(login.stdout)).toMatchObject({ registry: HOST, proxyEndpoint: REGISTRY })
  })

  it('registryBase drops the slashes a URL ends with, nothing else', () => {
    fc.assert(
      fc.property(fc.webUrl().filter((u) => !u.endsWith('/')), fc.nat(3), (url, slashes) => {
        expect(registryBase(`${url}${'/'.repeat(slashes)}`)).toBe(url)
      })
    )
  })

  it('withProxyEndpoint rewrites every authorizationData entry and keeps everything else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 3 }), (other, entries) => {
        if (typeof other !== 'object' || other === null || Array.isArray(other) || !('authorizationData' in other))
          expect(withProxyEndpoint(other, REGISTRY)).toBe(other)
        const out = withProxyEndpoint({ $metadata: {}, authorizationData: entries }, REGISTRY) as {
          $metadata: unknown
          authorizationData: ReadonlyArray<Record<string, unknown>>
        }
        expect(out.$metadata).toEqual({})
        expect(out.authorizationData).toEqual(entries.map((e) => ({ ...e, proxyEndpoint: REGISTRY })))
      })
    )
  })
})

describe('--verbose', () => {
  it("the library's log lines on stderr, the output unchanged; none without it", async () => {
    const { twin, env } = emulator()
    push(twin, 'app', { tag: 'v1' })
    const quiet = await cli(env, 'digest', 'app:v1')
    const loud = await cli(env, '--verbose', 'digest', 'app:v1')
    expect(quiet.stderr).toBe('')
    expect(loud.stdout).toBe(quiet.stdout)
    expect(loud.stderr.split('\n').filter((l) => l !== '')).toEqual(['debug: ecr call {"operation":"BatchGetImage"}'])
  })

  it('stderrLogger: one line per entry, the level first', () => {
    const lines: Array<string> = []
    const logger = stderrLogger((t) => lines.push(t))
    logger.debug('a', { n: 1 })
    logger.info('b')
    logger.warn('c', { s: 'x' })
    expect(lines).toEqual(['debug: a {"n":1}\n', 'info: b\n', 'warn: c {"s":"x"}\n'])
  })

  it("sdkNodeNote: one line for a Node.js older than 22, naming it; nothing from 22 on", () => {
    fc.assert(
      fc.property(fc.nat(40), fc.nat(30), fc.nat(30), (major, minor, patch) => {
        const version = `v${major}.${minor}.${patch}`
        const note = sdkNodeNote(version)
        if (major < 22) {
          expect(note).toContain(version)
          expect(note).not.toMatch(/\n/)
        } else expect(note).toBeUndefined()
      })
    )
  })
})

describe('wantsJson', () => {
  it('--json anywhere before a --', () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((s) => s !== '--json' && s !== '--')), fc.array(fc.string()), (before, after) => {
        expect(wantsJson([...before, '--', '--json', ...after])).toBe(false)
        expect(wantsJson([...before, '--json', '--', ...after])).toBe(true)
        expect(wantsJson(before)).toBe(false)
      })
    )
  })
})
