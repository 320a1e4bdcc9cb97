// Usage errors (exit 2) are found before any environment is built or any call made, whatever the
// command; with --json they are also a UsageError on stdout. Every subcommand's help lists the
// global options.
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAccountId, isRegion } from '../../src/Primitives'
import { cliOver, expectUsageError, hostOf, makeTwin, push, type Result } from './harness'

/** One valid invocation of every command (its arguments after the command name). */
const COMMANDS: ReadonlyArray<ReadonlyArray<string>> = [
  ['parse', '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'],
  ['resolve', 'app'],
  ['digest', 'app:v1'],
  ['login'],
  ['repos'],
  ['images', 'app'],
  ['create', 'app2'],
  ['delete', 'app2'],
  ['tag', 'app:v1', 'v2'],
  ['config', 'app:v1'],
  ['lifecycle', 'app', '--expire-untagged-after', '7'],
  ['replication', 'get'],
  ['copy', 'app:v1', 'app2'],
  ['sync', 'app', 'app2'],
  ['version']
]

const seeded = () => {
  const twin = makeTwin()
  push(twin, 'app', { tag: 'v1' })
  twin.resetCalls()
  return twin
}

/** Exit 2, and nothing was asked of the environment: no environment built, no ECR or registry call. */
const expectNoCall = (r: Result, twin: ReturnType<typeof makeTwin>): string => {
  const message = expectUsageError(r)
  expect(r.envRequests).toEqual([])
  expect(twin.calls).toEqual([])
  expect(twin.httpCalls).toEqual([])
  return message
}

describe('usage errors: exit 2 before any call', () => {
  it.each([
    ['copy --platform linux (incomplete platform)', ['copy', 'app:v1', 'app2', '--platform', 'linux'], /not a platform: "linux"/],
    ['copy --platform with --all-platforms', ['copy', 'app:v1', 'app2', '--platform', 'linux/arm64', '--all-platforms'], /cannot be used with/],
    ['copy --all-platforms with --platform', ['copy', 'app:v1', 'app2', '--all-platforms', '--platform', 'linux/arm64'], /cannot be used with/],
    ['copy --tag with a bad tag', ['copy', 'app:v1', 'app2', '--tag', 'ok', 'not ok'], /not a valid image tag .*: "not ok"/],
    ['copy --tag starting with a dot', ['copy', 'app:v1', 'app2', '--tag', '.hidden'], /not a valid image tag/],
    ['resolve --tag with a bad tag', ['resolve', 'app', '--tag', 'a/b'], /not a valid image tag/],
    ['tag with a bad tag', ['tag', 'app:v1', 'fine', 'bad!'], /not a valid image tag .*: "bad!"/],
    ['--region mars-1', ['--region', 'mars-1', 'repos'], /not a valid AWS region.*"mars-1"/],
    ['--region after the command', ['images', 'app', '--region', 'US-EAST-1'], /not a valid AWS region/],
    ['--endpoint that is not a URL', ['--endpoint', 'localhost:4566', 'repos'], /not an http or https URL|not a URL/],
    ['--endpoint with another scheme', ['--endpoint', 'ftp://localhost', 'repos'], /not an http or https URL/],
    ['--registry-endpoint that is not a URL', ['--registry-endpoint', 'nope', 'config', 'app:v1'], /not a URL/],
    ['--account that is not 12 digits', ['--account', '1234', 'repos'], /not a valid AWS account id/],
    ['config --platform without an architecture', ['config', 'app:v1', '--platform', 'linux'], /not a platform/],
    ['lifecycle --expire-untagged-after 0', ['lifecycle', 'app', '--expire-untagged-after', '0'], /whole number/],
    ['repos --tag without =', ['repos', '--tag', 'novalue'], /KEY=VALUE/]
  ])('%s', async (_name, argv, message) => {
    const twin = seeded()
    expect(expectNoCall(await cliOver(twin)(...argv), twin)).toMatch(message)
  })

  it('a bad region, account or endpoint with any command: exit 2, no environment, no call', async () => {
    const bad = fc.oneof(
      fc.string({ maxLength: 20 }).filter((s) => !isRegion(s) && !s.startsWith('-')).map((s) => ['--region', s]),
      fc.string({ maxLength: 20 }).filter((s) => !isAccountId(s) && !s.startsWith('-')).map((s) => ['--account', s]),
      fc.constantFrom('endpoint', 'registry-endpoint').chain((o) =>
        fc.string({ maxLength: 20 }).filter((s) => !/^https?:\/\/./.test(s) && !s.startsWith('-')).map((s) => [`--${o}`, s])
      )
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMANDS), bad, fc.boolean(), async (command, option, before) => {
        const twin = seeded()
        const argv = before ? [...option, ...command] : [...command, ...option]
        expectNoCall(await cliOver(twin)(...argv), twin)
      }),
      { numRuns: 60 }
    )
  })

  it('with --json: also { error: { _tag: UsageError, message } } on stdout', async () => {
    const twin = seeded()
    const r = await cliOver(twin)('--json', 'copy', 'app:v1', 'app2', '--platform', 'linux')
    expect(r.code).toBe(2)
    expect(r.envRequests).toEqual([])
    const json = JSON.parse(r.stdout) as { error: { _tag: string; message: string } }
    expect(json.error._tag).toBe('UsageError')
    expect(json.error.message).toMatch(/^option '--platform <os\/arch\.\.\.>' argument 'linux' is invalid/)
    expect(r.stderr).toMatch(/^error: /)
    for (const argv of [['--json', 'nope'], ['--json'], ['--json', 'parse'], ['parse', 'a', 'b', '--json']]) {
      const u = await cliOver(twin)(...argv)
      expect(u.code).toBe(2)
      expect(Object.keys(JSON.parse(u.stdout) as object)).toEqual(['error'])
    }
  })

  it('valid global options reach the environment as given', async () => {
    const twin = seeded()
    const r = await cliOver(twin)('--region', twin.region, '--account', twin.accountId, '--endpoint', 'http://127.0.0.1:4566', 'resolve', 'app')
    expect(r.code).toBe(0)
    expect(r.envRequests).toEqual([
      { region: twin.region, account: twin.accountId, endpoint: 'http://127.0.0.1:4566', json: false, verbose: false }
    ])
    expect(r.stdout).toMatch(new RegExp(`^${hostOf(twin)}/app@sha256:`))
  })
})

describe('help', () => {
  it('every command lists the global options', async () => {
    for (const [name] of COMMANDS) {
      const r = await cliOver()(name as string, '--help')
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('Global Options:')
      for (const option of ['--region', '--profile', '--account', '--endpoint', '--registry-endpoint', '--json', '--verbose'])
        expect(r.stdout).toContain(option)
    }
    const sub = await cliOver()('replication', 'put', '--help')
    expect(sub.stdout).toContain('--registry-endpoint')
  })

  it('the root help lists every command', async () => {
    const r = await cliOver()('--help')
    for (const [name] of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'))
    expect(r.stdout).toMatch(/^  demo\b/m)
  })
})
