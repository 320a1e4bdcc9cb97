import { spawnSync } from 'node:child_process'
import * as path from 'node:path'
import * as fc from 'fast-check'
import * as TE from 'fp-ts/TaskEither'
import { describe, expect, it } from 'vitest'
import { kindOf } from '../../src/cli/commands/parse'
import { type Io, run } from '../../src/cli/main'
import * as EcrError from '../../src/EcrError'

// -------------------------------------------------------------------------------------
// an in-process run with captured output
// -------------------------------------------------------------------------------------

interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const cli = async (...argv: ReadonlyArray<string>): Promise<Result> => {
  let stdout = ''
  let stderr = ''
  const io: Io = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    makeEnv: () => TE.left(EcrError.invalidArgument('no environment in this test'))
  }
  const code = await run(argv, io)
  return { code, stdout, stderr }
}

const lines = (s: string): ReadonlyArray<string> => s.split('\n').filter((l) => l.length > 0)

// -------------------------------------------------------------------------------------
// arbitraries
// -------------------------------------------------------------------------------------

const lower = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('')
const accountId = fc.stringMatching(/^[0-9]{12}$/)
const region = fc.constantFrom('us-west-2', 'us-east-1', 'eu-central-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1')
const component = fc
  .array(fc.string({ unit: fc.constantFrom(...lower), minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 })
  .chain((parts) => fc.constantFrom('-', '_', '.').map((sep) => parts.join(sep)))
const repositoryName = fc
  .array(component, { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join('/'))
  .filter((n) => n.length >= 2)
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/)
const digest = fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`)

const hostOf = (account: string, reg: string): string =>
  `${account}.dkr.ecr.${reg}.amazonaws.com${reg.startsWith('cn-') ? '.cn' : ''}`

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

describe('ecr-fp-ts parse', () => {
  it('prints the parts of an image URI with a tag', async () => {
    const r = await cli('parse', '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:v1.2.3')
    expect(r).toEqual({
      code: 0,
      stdout: 'kind: ImageUri\naccountId: 123456789012\nregion: us-west-2\nrepositoryName: team/app\ntag: v1.2.3\n',
      stderr: ''
    })
  })

  it('prints JSON with --json, before or after the command', async () => {
    const uri = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:${'a'.repeat(64)}`
    const expected = {
      kind: 'ImageUri',
      accountId: '123456789012',
      region: 'eu-west-1',
      repositoryName: 'app',
      digest: `sha256:${'a'.repeat(64)}`
    }
    for (const argv of [['--json', 'parse', uri], ['parse', uri, '--json']]) {
      const r = await cli(...argv)
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('')
      expect(JSON.parse(r.stdout)).toEqual(expected)
    }
  })

  it('parses registry URIs (FIPS and China hosts too), repository URIs and repository ARNs', async () => {
    expect(JSON.parse((await cli('--json', 'parse', '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com')).stdout)).toEqual({
      kind: 'RegistryUri',
      accountId: '123456789012',
      region: 'us-east-1',
      fips: true
    })
    expect((await cli('parse', '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app')).stdout).toBe(
      'kind: RepositoryUri\naccountId: 123456789012\nregion: cn-north-1\nrepositoryName: app\n'
    )
    expect((await cli('parse', 'arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/team/app')).stdout).toBe(
      'kind: RepositoryArn\naccountId: 123456789012\nregion: us-gov-west-1\nrepositoryName: team/app\n'
    )
  })

  it('round-trips any valid image URI through its printed parts', async () => {
    await fc.assert(
      fc.asyncProperty(
        accountId,
        region,
        repositoryName,
        fc.oneof(tag.map((t) => ({ tag: t })), digest.map((d) => ({ digest: d }))),
        async (account, reg, name, ref) => {
          const uri = `${hostOf(account, reg)}/${name}${'tag' in ref ? `:${ref.tag}` : `@${ref.digest}`}`
          const r = await cli('parse', uri, '--json')
          expect(r.code).toBe(0)
          expect(JSON.parse(r.stdout)).toEqual({ kind: 'ImageUri', accountId: account, region: reg, repositoryName: name, ...ref })
        }
      ),
      { numRuns: 100 }
    )
  })

  it('prints every field as one `key: value` line, the kind first', async () => {
    await fc.assert(
      fc.asyncProperty(accountId, region, repositoryName, async (account, reg, name) => {
        const r = await cli('parse', `${hostOf(account, reg)}/${name}`)
        expect(r.code).toBe(0)
        expect(lines(r.stdout)).toEqual([
          'kind: RepositoryUri',
          `accountId: ${account}`,
          `region: ${reg}`,
          `repositoryName: ${name}`
        ])
      }),
      { numRuns: 50 }
    )
  })

  it('bad input: exit 1, nothing on stdout, one line on stderr naming the expected form', async () => {
    const r = await cli('parse', '123456789012.dkr.ecr.us-west-2.amazonaws.com/Bad_Name:v1')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(lines(r.stderr)).toHaveLength(1)
    expect(r.stderr).toMatch(/ImageUri/)
  })

  it('any input that is not an ECR URI or ARN: exit 1 and exactly one stderr line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 80 }).filter((s) => !s.startsWith('-') && !/\.amazonaws\.com/.test(s)),
        async (s) => {
          const r = await cli('parse', s)
          expect(r.code).toBe(1)
          expect(r.stdout).toBe('')
          expect(r.stderr.endsWith('\n')).toBe(true)
          expect(r.stderr.slice(0, -1)).not.toMatch(/[\r\n]/)
        }
      ),
      { numRuns: 100 }
    )
  })

  it('picks the parser from the shape of the input', () => {
    expect(kindOf('arn:aws:ecr:us-west-2:123456789012:repository/a')).toBe('RepositoryArn')
    expect(kindOf('123456789012.dkr.ecr.us-west-2.amazonaws.com')).toBe('RegistryUri')
    expect(kindOf('123456789012.dkr.ecr.us-west-2.amazonaws.com/a/b')).toBe('RepositoryUri')
    expect(kindOf('123456789012.dkr.ecr.us-west-2.amazonaws.com/a:b')).toBe('ImageUri')
    expect(kindOf('123456789012.dkr.ecr.us-west-2.amazonaws.com/a@sha256:0')).toBe('ImageUri')
  })
})

describe('usage errors exit 2', () => {
  it.each([
    ['unknown command', ['pars', 'x']],
    ['unknown option', ['parse', 'x', '--bogus']],
    ['missing argument', ['parse']],
    ['extra argument', ['parse', 'a', 'b']],
    ['option without its value', ['parse', 'x', '--region']],
    ['no command', []]
  ])('%s', async (_name, argv) => {
    const r = await cli(...argv)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.length).toBeGreaterThan(0)
  })

  it('--help prints usage on stdout and exits 0', async () => {
    const r = await cli('--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Usage: ecr-fp-ts/)
    expect(r.stdout).toMatch(/parse/)
    expect(r.stdout).toMatch(/--endpoint <url>/)
  })
})

describe('the program as a process', () => {
  const main = path.resolve(__dirname, '../../src/cli/main.ts')
  const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx')
  const exec = (...argv: ReadonlyArray<string>) => spawnSync(tsx, [main, ...argv], { encoding: 'utf8', timeout: 60_000 })

  it('exits with the code of run: 0, 1 and 2', () => {
    const ok = exec('parse', '123456789012.dkr.ecr.us-west-2.amazonaws.com/app:v1')
    expect([ok.status, ok.stdout]).toEqual([0, expect.stringContaining('tag: v1\n')])
    const bad = exec('parse', 'nope')
    expect([bad.status, bad.stdout, lines(bad.stderr).length]).toEqual([1, '', 1])
    expect(exec('nope').status).toBe(2)
  })
})
