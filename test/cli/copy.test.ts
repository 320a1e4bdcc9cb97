import * as fc from 'fast-check'
import * as Arb from '../../src/arbitraries'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import { describe, expect, it } from 'vitest'
import { plainReporter, retag } from '../../src/cli/commands/copy'
import { formatBytes } from '../../src/cli/format'
import { type Io, run } from '../../src/cli/main'
import * as EcrError from '../../src/EcrError'
import type { EcrEnv, HttpEnv } from '../../src/Env'
import * as ImageUri from '../../src/ImageUri'
import type { ImageDigest, RepositoryName } from '../../src/Primitives'
import * as Repository from '../../src/Repository'
import * as Replicate from '../../src/replicate'
import type { Progress } from '../../src/replicate'
import * as Sync from '../../src/Sync'
import * as InMemoryEcr from '../../src/testing/InMemoryEcr'

const SRC = { accountId: '111111111111', region: 'us-east-1' }
const DST = { accountId: '222222222222', region: 'eu-west-1' }
const SRC_HOST = `${SRC.accountId}.dkr.ecr.${SRC.region}.amazonaws.com`
const DST_HOST = `${DST.accountId}.dkr.ecr.${DST.region}.amazonaws.com`

interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  readonly regions: ReadonlyArray<string | undefined>
}

/** The CLI with one twin per region: `--region` (and the regions the command asks for) pick the twin. */
const cli = async (twins: ReadonlyArray<InMemoryEcr.InMemoryEcr>, ...argv: ReadonlyArray<string>): Promise<Result> => {
  let stdout = ''
  let stderr = ''
  const regions: Array<string | undefined> = []
  const io: Io = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    makeEnv: (options) => {
      regions.push(options.region)
      const twin = twins.find((t) => t.region === options.region)
      return twin === undefined
        ? TE.left(EcrError.invalidArgument(`no twin for region ${String(options.region)}`))
        : TE.right({ ...twin.env } as EcrEnv & HttpEnv)
    }
  }
  const code = await run(argv, io)
  return { code, stdout, stderr, regions }
}

const push = (twin: InMemoryEcr.InMemoryEcr, repo: string, options?: InMemoryEcr.PushImageOptions): InMemoryEcr.PushedImage => {
  const r = twin.pushImage(repo, options)
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

/** A copy through the library, `src`'s `app:v1` into `dst`'s `mirror`. */
const replicateImage = async (s: { src: InMemoryEcr.InMemoryEcr; dst: InMemoryEcr.InMemoryEcr; tags: ReadonlyArray<string> }) => {
  const source = ImageUri.parse(`${SRC_HOST}/app:v1`)
  const destination = Repository.fromUri(`${DST_HOST}/mirror`)
  if (E.isLeft(source) || E.isLeft(destination)) throw new Error('not URIs')
  return Replicate.replicateImage({ source: source.right, destination: destination.right, tags: s.tags })({
    source: s.src.env,
    destination: s.dst.env
  })()
}

const setup = () => {
  const src = InMemoryEcr.make(SRC)
  const dst = InMemoryEcr.make(DST)
  dst.createRepository('mirror')
  return { src, dst }
}

describe('ecr-fp-ts copy', () => {
  it('copies across regions and prints the destination URI; progress lines on stderr', async () => {
    const { src, dst } = setup()
    const image = push(src, 'app', { tag: 'v1', layers: 2 })
    const r = await cli([src, dst], '--region', SRC.region, 'copy', `${SRC_HOST}/app:v1`, `${DST_HOST}/mirror`, '--tag', 'v2', 'stable')
    expect(r.stderr).not.toMatch(/failed/)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`${DST_HOST}/mirror@${image.imageDigest}\n`)
    expect(Object.fromEntries(dst.tagsOf('mirror'))).toEqual({ v2: image.imageDigest, stable: image.imageDigest })
    const lines = r.stderr.split('\n').filter((l) => l !== '')
    expect(lines[0]).toBe(`copying ${SRC_HOST}/app@${image.imageDigest} to ${DST_HOST}/mirror (tags: v2, stable)`)
    expect(lines).toContain('tag v2 pushed')
    expect(lines.filter((l) => l.startsWith('blob ')).length).toBe(3)
    expect(r.regions).toEqual([SRC.region, DST.region])
  })

  it('each URI argument picks its own region, with or without --region; one environment per region', async () => {
    const { src, dst } = setup()
    const image = push(src, 'app', { tag: 'v1' })
    const plain = await cli([src, dst], 'copy', `${SRC_HOST}/app:v1`, `${DST_HOST}/mirror`)
    expect(plain.code).toBe(0)
    expect(plain.regions).toEqual([SRC.region, DST.region])
    const elsewhere = await cli([src, dst], '--region', 'ap-south-1', 'copy', `${SRC_HOST}/app:v1`, `${DST_HOST}/mirror`, '--tag', 'x')
    expect(elsewhere.code).toBe(0)
    expect(elsewhere.regions).toEqual([SRC.region, DST.region])
    const same = await cli([src], '--region', SRC.region, 'copy', `${SRC_HOST}/app:v1`, 'copy-of-app')
    expect(same.code).toBe(1)
    expect(same.regions).toEqual([SRC.region])
    src.createRepository('copy-of-app')
    const again = await cli([src], '--region', SRC.region, 'copy', 'app:v1', 'copy-of-app')
    expect(again.code).toBe(0)
    expect(again.regions).toEqual([SRC.region])
    expect(src.tagsOf('copy-of-app').get('v1')).toBe(image.imageDigest)
  })

  it('--json prints the result as JSON and no progress', async () => {
    const { src, dst } = setup()
    const image = push(src, 'app', { tag: 'v1' })
    const r = await cli([src, dst], '--region', SRC.region, '--json', 'copy', `${SRC_HOST}/app:v1`, `${DST_HOST}/mirror`)
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout) as Record<string, unknown>
    expect(out).toEqual({
      source: {
        uri: `${SRC_HOST}/app@${image.imageDigest}`,
        accountId: SRC.accountId,
        region: SRC.region,
        repositoryName: 'app',
        digest: image.imageDigest
      },
      destination: {
        uri: `${DST_HOST}/mirror@${image.imageDigest}`,
        accountId: DST.accountId,
        region: DST.region,
        repositoryName: 'mirror',
        digest: image.imageDigest,
        tags: ['v1']
      },
      summary: expect.objectContaining({ blobs: { exists: 0, mounted: 0, copied: 2 }, tags: { exists: 0, pushed: 1 } })
    })
  })

  it('keeps linux/amd64 of a multi-platform image by default; --all-platforms keeps the index as it is', async () => {
    const { src, dst } = setup()
    const image = push(src, 'multi', {
      tag: 'v1',
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' }
      ]
    })
    const narrowed = await cli([src, dst], '--region', SRC.region, '--json', 'copy', `${SRC_HOST}/multi:v1`, `${DST_HOST}/mirror`, '--tag', 'amd64')
    expect(narrowed.code).toBe(0)
    const n = JSON.parse(narrowed.stdout) as { source: { digest: string }; destination: { digest: string } }
    expect(n.source.digest).toBe(image.imageDigest)
    expect(n.destination.digest).not.toBe(image.imageDigest)
    expect(dst.getManifestText('mirror', image.children[1]?.imageDigest ?? '')._tag).toBe('None')

    const arm = await cli([src, dst], '--region', SRC.region, '--json', 'copy', `${SRC_HOST}/multi:v1`, `${DST_HOST}/mirror`, '--tag', 'arm', '--platform', 'linux/arm64')
    expect(arm.stderr).toBe('')
    expect(arm.code).toBe(0)
    expect(dst.getManifestText('mirror', image.children[1]?.imageDigest ?? '')._tag).toBe('Some')

    const all = await cli([src, dst], '--region', SRC.region, '--json', 'copy', `${SRC_HOST}/multi:v1`, `${DST_HOST}/mirror`, '--all-platforms')
    expect(all.code).toBe(0)
    expect((JSON.parse(all.stdout) as { destination: { digest: string } }).destination.digest).toBe(image.imageDigest)
    expect(dst.tagsOf('mirror').get('v1')).toBe(image.imageDigest)
  })

  it('a bare name is the latest tagged image of the default registry; a name destination is in it too', async () => {
    const src = InMemoryEcr.make(SRC)
    push(src, 'app', { tag: 'old', pushedAt: new Date('2024-01-01T00:00:00Z') })
    const latest = push(src, 'app', { tag: 'new', pushedAt: new Date('2024-02-01T00:00:00Z') })
    src.createRepository('copy')
    const r = await cli([src], '--region', SRC.region, 'copy', 'app', 'copy')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`${SRC_HOST}/copy@${latest.imageDigest}\n`)
    expect(r.stderr).toMatch(/mounted/)
    expect(src.tagsOf('copy').get('new')).toBe(latest.imageDigest)
  })

  it('fails with exit 1 and one line on stderr; a usage error is exit 2', async () => {
    const { src, dst } = setup()
    push(src, 'app', { tag: 'v1' })
    const missing = await cli([src, dst], '--region', SRC.region, 'copy', `${SRC_HOST}/app:v1`, `${DST_HOST}/nowhere`)
    expect(missing.code).toBe(1)
    expect(missing.stderr.split('\n').filter((l) => l !== '').pop()).toBe(`the destination repository does not exist: ${DST_HOST}/nowhere (--create-repository creates it)`)
    const usage = await cli([src, dst], 'copy', `${SRC_HOST}/app:v1`)
    expect(usage.code).toBe(2)
  })
})

describe('copy progress lines', () => {
  const digest = `sha256:${'ab'.repeat(32)}` as ImageDigest

  it('formatBytes picks a unit and keeps the value', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB')
    expect(formatBytes(2 * 1024 * 1024 * 1024)).toBe('2.00 GiB')
  })

  it('a big blob gets at most three quarter lines, in order, then its final line', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8 * 1024 * 1024 + 1, max: 2 ** 33 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 50 }),
        (total, fractions) => {
          const lines: Array<string> = []
          const report = plainReporter((l) => lines.push(l))
          const events: ReadonlyArray<Progress> = [
            ...[...fractions].sort((a, b) => a - b).map((f): Progress => ({ _tag: 'blob', digest, status: 'copying', bytes: Math.floor(f * total), total })),
            { _tag: 'blob', digest, status: 'copied', bytes: total, total }
          ]
          events.forEach(report)
          const quarters = lines.slice(0, -1).map((l) => Number(/ (\d+)% /.exec(l)?.[1]))
          expect(quarters.length).toBeLessThanOrEqual(3)
          expect([...quarters].sort((a, b) => a - b)).toEqual(quarters)
          expect(new Set(quarters).size).toBe(quarters.length)
          expect(quarters.every((q) => q === 25 || q === 50 || q === 75)).toBe(true)
          expect(lines[lines.length - 1]).toBe(`blob sha256:abababababab copied (${formatBytes(total)})`)
        }
      )
    )
  })
})

describe('ecr-fp-ts copy --dry-run, --create-repository, --no-referrers', () => {
  const SIG = 'application/vnd.dev.cosign.artifact.sig.v1+json'
  const READS = new Set(['GetAuthorizationToken', 'DescribeRepositories', 'DescribeImages', 'BatchGetImage', 'BatchCheckLayerAvailability'])
  const writes = (twin: InMemoryEcr.InMemoryEcr): ReadonlyArray<string> => [
    ...twin.calls.map((c) => c.operation).filter((o) => !READS.has(o)),
    ...twin.httpCalls.filter((c) => c.method !== 'GET' && c.method !== 'HEAD').map((c) => `${c.method} ${c.url}`)
  ]
  const signed = (src: InMemoryEcr.InMemoryEcr) => {
    const image = push(src, 'app', { tag: 'v1', tags: ['stable'], format: 'oci', layers: 2 })
    const sig = push(src, 'app', { subject: image.imageDigest, artifactType: SIG })
    push(src, 'app', { tag: 'other' })
    return { image, sig }
  }
  const planOf = async (
    src: InMemoryEcr.InMemoryEcr,
    dst: InMemoryEcr.InMemoryEcr,
    request: Partial<Sync.PlanRequest>
  ): Promise<Sync.Plan> => {
    const plan = await Sync.plan({
      source: { accountId: src.accountId, region: src.region, repositoryName: 'app' as RepositoryName },
      destination: { accountId: dst.accountId, region: dst.region, repositoryName: 'mirror' as RepositoryName },
      ...request
    })({ source: src.env, destination: dst.env })()
    if (E.isLeft(plan)) throw new Error(plan.left.message)
    return plan.right
  }

  it('--dry-run prints the plan of that image (Sync.plan by its tags), JSON or table, and writes nothing', async () => {
    const { src, dst } = setup()
    const { image } = signed(src)
    src.resetCalls()
    dst.resetCalls()
    const r = await cli([src, dst], '--json', 'copy', `${SRC_HOST}/app:v1`, `${DST_HOST}/mirror`, '--dry-run')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(writes(src)).toEqual([])
    expect(writes(dst)).toEqual([])
    const plan = await planOf(src, dst, { tags: ['v1', 'stable'], platforms: [{ os: 'linux', architecture: 'amd64' }] })
    expect(JSON.parse(r.stdout)).toEqual(plan)
    expect(plan.images.map((i) => i.digest)).toEqual([image.imageDigest])
    expect(plan.images[0]?.referrers.map((x) => x.artifactType)).toEqual([SIG])
    const text = await cli([src, dst], 'copy', `${SRC_HOST}/app:v1`, `${DST_HOST}/mirror`, '--dry-run')
    expect(text.code).toBe(0)
    const lines = text.stdout.split('\n')
    expect(lines[0]).toBe(`copy ${SRC_HOST}/app -> ${DST_HOST}/mirror`)
    expect(lines.find((l) => l.startsWith(image.imageDigest.slice(0, 19)))).toMatch(/ v1, stable +3 /)
    expect(writes(dst)).toEqual([])
  })

  it('--dry-run --tag plans the given tags: one already on the image is skipped, one on another image moves', async () => {
    const { src, dst } = setup()
    const { image } = signed(src)
    expect(E.isRight(await replicateImage({ src, dst, tags: ['kept'] }))).toBe(true)
    push(dst, 'mirror', { tag: 'taken' })
    const r = await cli(
      [src, dst],
      '--json',
      'copy',
      `${SRC_HOST}/app:v1`,
      `${DST_HOST}/mirror`,
      '--dry-run',
      '--tag',
      'kept',
      'taken',
      'new'
    )
    expect(r.code).toBe(0)
    const plan = JSON.parse(r.stdout) as Sync.Plan
    expect(plan.images[0]?.digest).toBe(image.imageDigest)
    expect(plan.images[0]?.tags).toEqual([
      { tag: 'kept', action: 'skip' },
      { tag: 'taken', action: 'put', current: dst.tagsOf('mirror').get('taken') },
      { tag: 'new', action: 'put' }
    ])
    expect(plan.totals.tags).toEqual({ put: 2, skip: 1 })
    expect(plan.totals.blobs.send).toBe(0)
    expect(Sync.decodePlan(r.stdout)).toEqual(E.right(plan))
  })

  it('--dry-run of an image without tags says it cannot be planned (exit 1)', async () => {
    const { src, dst } = setup()
    const untagged = push(src, 'app', {})
    const r = await cli([src, dst], 'copy', `${SRC_HOST}/app@${untagged.imageDigest}`, `${DST_HOST}/mirror`, '--dry-run')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/plans by tag/)
  })

  it('--create-repository creates a missing destination (dry run: only says so); without it exit 1 before any byte', async () => {
    const { src, dst } = setup()
    signed(src)
    const refused = await cli([src, dst], 'copy', `${SRC_HOST}/app:v1`, `${DST_HOST}/new/app`)
    expect(refused.code).toBe(1)
    expect(
      refused.stderr
        .split('\n')
        .filter((l) => l !== '')
        .pop()
    ).toBe(`the destination repository does not exist: ${DST_HOST}/new/app (--create-repository creates it)`)
    // no byte sent (an upload may have been asked for: that is how the registry says the repository is missing)
    expect([dst.httpCallCount('PUT'), dst.httpCallCount('PATCH'), dst.callCount('PutImage'), dst.callCount('CreateRepository')]).toEqual([
      0, 0, 0, 0
    ])
    dst.resetCalls()
    const dry = await cli([src, dst], 'copy', `${SRC_HOST}/app:v1`, `${DST_HOST}/new/app`, '--dry-run', '--create-repository')
    expect(dry.code).toBe(0)
    expect(dry.stdout.split('\n')[1]).toBe(`create ${DST_HOST}/new/app (tag mutability MUTABLE, encryption AES256)`)
    expect(writes(dst)).toEqual([])
    const r = await cli([src, dst], 'copy', `${SRC_HOST}/app:v1`, `${DST_HOST}/new/app`, '--create-repository')
    expect(r.code).toBe(0)
    expect(r.stderr.split('\n')).toContain(`repository ${DST_HOST}/new/app created`)
    expect(dst.callCount('CreateRepository')).toBe(1)
    expect(dst.tagsOf('new/app').get('v1')).toBeDefined()
  })

  it('referrers go with the copy by default; --no-referrers leaves them behind', async () => {
    const { src, dst } = setup()
    const { image, sig } = signed(src)
    const bare = await cli([src, dst], 'copy', `${SRC_HOST}/app:v1`, `${DST_HOST}/mirror`, '--no-referrers')
    expect(bare.code).toBe(0)
    expect(dst.getManifestText('mirror', image.imageDigest)._tag).toBe('Some')
    expect(dst.getManifestText('mirror', sig.imageDigest)._tag).toBe('None')
    const full = await cli([src, dst], 'copy', `${SRC_HOST}/app:v1`, `${DST_HOST}/mirror`)
    expect(full.code).toBe(0)
    expect(dst.getManifestText('mirror', sig.imageDigest)._tag).toBe('Some')
    expect(full.stderr.split('\n')).toContain(
      `referrer ${sig.imageDigest.slice(0, 19)} (${SIG}) of ${image.imageDigest.slice(0, 19)} pushed`
    )
  })

  it('a destination that is not a repository is a usage error (exit 2), nothing called', async () => {
    const { src, dst } = setup()
    for (const bad of [`${DST_HOST}/mirror:v1`, 'Mirror', `${DST_HOST}/`]) {
      const r = await cli([src, dst], 'copy', `${SRC_HOST}/app:v1`, bad)
      expect(r.code).toBe(2)
      expect(r.regions).toEqual([])
    }
  })
})

describe('copy --dry-run --tag: retag', () => {
  it('the plan gets exactly the given tags (once each): skip where the tag names the image already, put (with the image it names) elsewhere; totals recomputed', async () => {
    const { src, dst } = setup()
    const image = push(src, 'app', { tag: 'v1', layers: 1 })
    const planned = await Sync.plan({
      source: { accountId: src.accountId, region: src.region, repositoryName: 'app' as RepositoryName },
      destination: { accountId: dst.accountId, region: dst.region, repositoryName: 'mirror' as RepositoryName },
      tags: ['v1']
    })({ source: src.env, destination: dst.env })()
    if (E.isLeft(planned)) throw new Error(planned.left.message)
    const plan = planned.right
    const other = `sha256:${'0'.repeat(64)}`
    fc.assert(
      fc.property(
        fc.array(Arb.imageTag, { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(Arb.imageTag, fc.constantFrom(image.imageDigest, other)), { maxLength: 6 }),
        (tags, at) => {
          const current = new Map(at)
          const result = retag(plan, tags, current)
          const tagsOut = result.images[0]?.tags ?? []
          expect(tagsOut.map((t) => t.tag)).toEqual([...new Set(tags)])
          for (const t of tagsOut) {
            const now = current.get(t.tag)
            expect(t.action).toBe(now === image.imageDigest ? 'skip' : 'put')
            expect(t.current).toBe(now === other ? other : undefined)
          }
          expect(result.totals).toEqual(Sync.totals(result.images, false))
          expect(result.images[0]?.blobs).toEqual(plan.images[0]?.blobs)
          expect(Sync.PlanC.is(result)).toBe(true)
        }
      ),
      { numRuns: 50 }
    )
  })
})
