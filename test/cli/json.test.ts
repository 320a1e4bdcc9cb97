// --json is machine-safe: every command prints one JSON value on stdout, one shape per kind of
// thing across commands (a repository always has its uri; an image its uri and digest), and a
// failure is { error: { _tag, message } } on stdout as well as exit 1 and one line on stderr.
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cliOver, createRepository, day, hostOf, makeTwin, push, type Result } from './harness'

const TAGS = ['InvalidUri', 'InvalidArgument', 'NotFound', 'AlreadyExists', 'AwsError', 'HttpError', 'DecodeError', 'DigestMismatch']

const seeded = () => {
  const twin = makeTwin({ password: 'pa55word' })
  const v1 = push(twin, 'team/app', { tag: 'v1', pushedAt: day(1), labels: { team: 'web' } })
  const v2 = push(twin, 'team/app', { tag: 'v2', pushedAt: day(2) })
  createRepository(twin, 'mirror')
  twin.resetCalls()
  return { twin, v1, v2 }
}

const ok = (r: Result): unknown => {
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as unknown
}

/** Every object in a JSON value (the value itself included). */
const objects = (u: unknown): ReadonlyArray<Record<string, unknown>> =>
  Array.isArray(u)
    ? u.flatMap(objects)
    : typeof u === 'object' && u !== null
      ? [u as Record<string, unknown>, ...Object.values(u).flatMap(objects)]
      : []

/**
 * The shape rules: an object naming a repository has uri, accountId and region, and its uri is the
 * repository's (with @digest when it has a digest, :tag when it has only a tag); the 0.1 names
 * (imageDigest, imageTags) are gone.
 */
const checkShapes = (value: unknown): void => {
  for (const o of objects(value)) {
    expect(Object.keys(o)).not.toContain('imageDigest')
    expect(Object.keys(o)).not.toContain('imageTags')
    if (!('repositoryName' in o) || 'kind' in o) continue // parse prints the parts of its input
    const base = `${String(o['accountId'])}.dkr.ecr.${String(o['region'])}.amazonaws.com/${String(o['repositoryName'])}`
    const suffix = typeof o['digest'] === 'string' ? `@${o['digest']}` : typeof o['tag'] === 'string' ? `:${o['tag']}` : ''
    expect(o['uri']).toBe(`${base}${suffix}`)
  }
}

describe('--json output of each command', () => {
  it('parse: the kind and the parts of the input', async () => {
    const json = ok(await cliOver()('--json', 'parse', 'arn:aws:ecr:us-east-1:123456789012:repository/team/app'))
    expect(json).toEqual({ kind: 'RepositoryArn', accountId: '123456789012', region: 'us-east-1', repositoryName: 'team/app' })
  })

  it('resolve: the reference with its uri and parts', async () => {
    const { twin, v2 } = seeded()
    const json = ok(await cliOver(twin)('--json', 'resolve', 'team/app'))
    expect(json).toEqual({ uri: `${hostOf(twin)}/team/app@${v2.imageDigest}`, accountId: twin.accountId, region: twin.region, repositoryName: 'team/app', digest: v2.imageDigest })
  })

  it('digest: an image', async () => {
    const { twin, v1 } = seeded()
    const json = ok(await cliOver(twin)('--json', 'digest', 'team/app:v1'))
    expect(json).toEqual({ uri: `${hostOf(twin)}/team/app@${v1.imageDigest}`, accountId: twin.accountId, region: twin.region, repositoryName: 'team/app', digest: v1.imageDigest })
  })

  it('login: the registry, user name, password, endpoint and expiry', async () => {
    const { twin } = seeded()
    const json = ok(await cliOver(twin)('--json', 'login')) as Record<string, unknown>
    expect(json).toEqual({ registry: hostOf(twin), username: 'AWS', password: 'pa55word', proxyEndpoint: twin.proxyEndpoint, expiresAt: expect.any(String) })
    expect(Number.isNaN(Date.parse(String(json['expiresAt'])))).toBe(false)
  })

  it('repos, create, delete: repositories', async () => {
    const { twin } = seeded()
    const cli = cliOver(twin)
    const repository = (name: string) => ({ uri: `${hostOf(twin)}/${name}`, accountId: twin.accountId, region: twin.region, repositoryName: name })
    expect(ok(await cli('--json', 'repos'))).toEqual([repository('team/app'), repository('mirror')])
    expect(ok(await cli('--json', 'create', 'fresh'))).toEqual(repository('fresh'))
    expect(ok(await cli('--json', 'delete', 'fresh'))).toEqual(repository('fresh'))
  })

  it('images: images with their tags, push time, size and media type', async () => {
    const { twin, v2 } = seeded()
    const json = ok(await cliOver(twin)('--json', 'images', 'team/app')) as ReadonlyArray<Record<string, unknown>>
    expect(json[0]).toEqual({
      uri: `${hostOf(twin)}/team/app@${v2.imageDigest}`,
      accountId: twin.accountId,
      region: twin.region,
      repositoryName: 'team/app',
      digest: v2.imageDigest,
      tags: ['v2'],
      pushedAt: day(2).toISOString(),
      sizeInBytes: expect.any(Number),
      mediaType: v2.mediaType
    })
  })

  it('tag: the image, the tags added and their URIs', async () => {
    const { twin, v1 } = seeded()
    const json = ok(await cliOver(twin)('--json', 'tag', 'team/app:v1', 'stable'))
    expect(json).toMatchObject({ uri: `${hostOf(twin)}/team/app@${v1.imageDigest}`, digest: v1.imageDigest, added: ['stable'], uris: [`${hostOf(twin)}/team/app:stable`] })
  })

  it('config, lifecycle, replication: the document itself', async () => {
    const { twin } = seeded()
    const cli = cliOver(twin)
    expect(ok(await cli('--json', 'config', 'team/app:v1'))).toMatchObject({ os: 'linux', architecture: 'amd64', config: { Labels: { team: 'web' } } })
    expect(ok(await cli('--json', 'lifecycle', 'team/app', '--expire-untagged-after', '3'))).toMatchObject({
      rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countNumber: 3 } }]
    })
    expect(ok(await cli('--json', 'replication', 'put', '--to', 'eu-west-1'))).toEqual({
      rules: [{ destinations: [{ region: 'eu-west-1', registryId: twin.accountId }] }]
    })
    expect(ok(await cli('--json', 'replication', 'clear'))).toEqual({ rules: [] })
    expect(ok(await cli('--json', 'replication', 'get'))).toEqual({ rules: [] })
  })

  it('copy: the source and destination images, the tags and the summary', async () => {
    const { twin, v1 } = seeded()
    const json = ok(await cliOver(twin)('--json', 'copy', 'team/app:v1', 'mirror', '--tag', 'copied'))
    expect(json).toMatchObject({
      source: { uri: `${hostOf(twin)}/team/app@${v1.imageDigest}`, digest: v1.imageDigest },
      destination: { uri: `${hostOf(twin)}/mirror@${v1.imageDigest}`, digest: v1.imageDigest, tags: ['copied'] },
      summary: { tags: { exists: 0, pushed: 1 } }
    })
  })

  it('version and demo', async () => {
    expect(ok(await cliOver()('--json', 'version'))).toEqual({ name: 'ecr-fp-ts', version: expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.version })
    const demo = ok(await cliOver()('--json', 'demo')) as { steps: ReadonlyArray<{ result: unknown }> }
    checkShapes(demo)
  })

  it('one shape per kind of thing across all commands', async () => {
    const { twin } = seeded()
    const cli = cliOver(twin)
    const runs: ReadonlyArray<ReadonlyArray<string>> = [
      ['resolve', 'team/app'],
      ['resolve', 'team/app:v9'],
      ['digest', 'team/app'],
      ['repos'],
      ['images', 'team/app'],
      ['create', 'other'],
      ['tag', 'team/app:v2', 'x'],
      ['copy', 'team/app:v2', 'mirror'],
      ['delete', 'other']
    ]
    for (const argv of runs) checkShapes(ok(await cli('--json', ...argv)))
  })
})

describe('--json failures', () => {
  it.each([
    ['parse', ['parse', 'not-a-uri'], 'InvalidUri'],
    ['resolve', ['resolve', 'nope'], 'NotFound'],
    ['digest', ['digest', 'team/app:v9'], 'NotFound'],
    ['login', ['login', 'not a registry'], 'InvalidUri'],
    ['images', ['images', 'nope'], 'NotFound'],
    ['delete', ['delete', 'team/app'], 'AwsError'],
    ['tag', ['tag', 'team/app:v9', 'x'], 'NotFound'],
    ['config', ['config', 'nope:v1'], 'NotFound'],
    ['lifecycle', ['lifecycle', 'nope', '--expire-untagged-after', '1'], 'NotFound'],
    ['copy', ['copy', 'team/app:v1', 'nowhere'], 'NotFound']
  ])('%s: { error: { _tag, message } } on stdout, the message on stderr, exit 1', async (_name, argv, tag) => {
    const { twin } = seeded()
    const r = await cliOver(twin)('--json', ...argv)
    expect(r.code).toBe(1)
    const json = JSON.parse(r.stdout) as { error: { _tag: string; message: string } }
    expect(Object.keys(json)).toEqual(['error'])
    expect(Object.keys(json.error)).toEqual(['_tag', 'message'])
    expect(json.error._tag).toBe(tag)
    expect(r.stderr).toBe(`${json.error.message}\n`)
  })

  it('an environment that cannot be built: its error as JSON', async () => {
    const r = await cliOver()('--json', 'repos')
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toEqual({ error: { _tag: 'InvalidArgument', message: expect.stringMatching(/no twin/) } })
  })

  it('any input parse rejects: exactly one JSON value with a known tag', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }).filter((s) => !s.startsWith('-') && !s.includes('.amazonaws.com')), async (s) => {
        const r = await cliOver()('--json', 'parse', s)
        expect(r.code).toBe(1)
        const json = JSON.parse(r.stdout) as { error: { _tag: string; message: string } }
        expect(TAGS).toContain(json.error._tag)
        expect(json.error.message).not.toMatch(/[\r\n]/)
      }),
      { numRuns: 60 }
    )
  })
})
