// `ecr-fp-ts sync`: the plan (dry run, table and JSON), a reviewed plan applied, the copy itself, on twins.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import * as Arb from '../../src/arbitraries'
import { parseRepository } from '../../src/cli/args'
import { plainReporter as syncPlainReporter } from '../../src/cli/commands/sync'
import { formatBytes, planLines } from '../../src/cli/format'
import type { RepositoryRef } from '../../src/Repository'
import * as RepositoryUri from '../../src/RepositoryUri'
import type { AccountId, Region, RepositoryName } from '../../src/Primitives'
import * as Sync from '../../src/Sync'
import * as InMemoryEcr from '../../src/testing/InMemoryEcr'
import { cliOver, expectUsageError, hostOf, push } from './harness'

const SRC = { accountId: '111111111111', region: 'us-east-1' }
const DST = { accountId: '222222222222', region: 'eu-west-1' }
const SIG = 'application/vnd.dev.cosign.artifact.sig.v1+json'
const SBOM = 'application/spdx+json'
const AMD64 = { os: 'linux', architecture: 'amd64' }
const ARM64 = { os: 'linux', architecture: 'arm64' }

/** ECR operations that change nothing. */
const READS = new Set([
  'GetAuthorizationToken',
  'DescribeRepositories',
  'DescribeImages',
  'BatchGetImage',
  'BatchCheckLayerAvailability',
  'ListImages',
  'ListTagsForResource'
])

const writes = (twin: InMemoryEcr.InMemoryEcr): ReadonlyArray<string> => [
  ...twin.calls.map((c) => c.operation).filter((o) => !READS.has(o)),
  ...twin.httpCalls.filter((c) => c.method !== 'GET' && c.method !== 'HEAD').map((c) => `${c.method} ${c.url}`)
]

const ref = (twin: InMemoryEcr.InMemoryEcr, name: string): RepositoryRef => ({
  accountId: twin.accountId as AccountId,
  region: twin.region as Region,
  repositoryName: name as RepositoryName
})

/** Two registries; the source's `app` has `v1` (signed, with an SBOM) and `v2` (two platforms), and `dev`. */
const setup = (options: { readonly destination?: boolean } = {}) => {
  const src = InMemoryEcr.make(SRC)
  const dst = InMemoryEcr.make(DST)
  const v1 = push(src, 'app', { tag: 'v1', format: 'oci', layers: 2 })
  const sig = push(src, 'app', {
    subject: v1.imageDigest,
    artifactType: SIG,
    annotations: { 'dev.cosignproject.cosign/signature': 'MEUC' }
  })
  const sbom = push(src, 'app', {
    subject: v1.imageDigest,
    artifactType: SBOM,
    layers: 1
  })
  const v2 = push(src, 'app', { tag: 'v2', platforms: [AMD64, ARM64] })
  const dev = push(src, 'app', { tag: 'dev' })
  if (options.destination !== false) dst.createRepository('mirror')
  src.resetCalls()
  dst.resetCalls()
  return {
    src,
    dst,
    v1,
    sig,
    sbom,
    v2,
    dev,
    cli: cliOver(src, dst),
    from: `${hostOf(src)}/app`,
    to: `${hostOf(dst)}/mirror`
  }
}

const planOf = async (s: ReturnType<typeof setup>, request: Partial<Sync.PlanRequest> = {}): Promise<Sync.Plan> => {
  const plan = await Sync.plan({
    source: ref(s.src, 'app'),
    destination: ref(s.dst, 'mirror'),
    ...request
  })({ source: s.src.env, destination: s.dst.env })()
  if (E.isLeft(plan)) throw new Error(plan.left.message)
  return plan.right
}

describe('ecr-fp-ts sync --dry-run', () => {
  it('prints the plan as a table: per image its tags, blobs, manifests and referrers; the totals; and writes nothing', async () => {
    const s = setup()
    const r = await s.cli('sync', s.from, s.to, '--dry-run')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(writes(s.src)).toEqual([])
    expect(writes(s.dst)).toEqual([])
    const out = r.stdout.split('\n')
    expect(out[0]).toBe(`sync ${s.from} -> ${s.to}`)
    expect(out[1]).toMatch(/^IMAGE +TAGS +SEND +MOUNT +SKIP +MANIFESTS +REFERRERS$/)
    const row = (digest: string) => out.find((l) => l.startsWith(digest.slice(0, 'sha256:'.length + 12))) ?? ''
    expect(row(s.v1.imageDigest)).toMatch(/ v1 +3 \(\d+(\.\d)? (B|KiB)\) +- +- +1 put +2 put$/)
    expect(row(s.v2.imageDigest)).toMatch(/ v2 +.* 3 put +-$/)
    expect(out).toContain('referrers:')
    expect(out.some((l) => l.includes(SIG) && l.endsWith(' put'))).toBe(true)
    expect(out.some((l) => l.includes(SBOM))).toBe(true)
    const plan = await planOf(s)
    expect(out).toContain(`bytes to send: ${(await import('../../src/cli/format')).formatBytes(plan.totals.bytes.send)}`)
    expect(out.find((l) => l.startsWith('totals: '))).toMatch(/^totals: 3 images; blobs send \d+ .*; tags 3 put; referrers 2 put$/)
    expect(out.find((l) => l.startsWith('API calls expected: '))).toMatch(/PutImage|PUT manifest/)
  })

  it('--json prints exactly the Plan of Sync.plan: it decodes with Sync.decodePlan', async () => {
    const s = setup()
    const r = await s.cli('--json', 'sync', s.from, s.to, '--dry-run')
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(writes(s.dst)).toEqual([])
    const plan = await planOf(s)
    expect(JSON.parse(r.stdout)).toEqual(plan)
    expect(Sync.decodePlan(r.stdout)).toEqual(E.right(plan))
  })

  it('--tags, --platform, --no-referrers and --create-repository reach the plan', async () => {
    const s = setup({ destination: false })
    const r = await s.cli(
      '--json',
      'sync',
      s.from,
      s.to,
      '--dry-run',
      '--tags',
      '^v',
      '--platform',
      'linux/arm64',
      '--no-referrers',
      '--create-repository'
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const plan = await planOf(s, {
      tags: /^v/,
      platforms: [ARM64],
      referrers: false,
      createRepository: true
    })
    expect(JSON.parse(r.stdout)).toEqual(plan)
    expect(plan.images.flatMap((i) => i.tags.map((t) => t.tag)).sort()).toEqual(['v1', 'v2'])
    expect(plan.totals.referrers).toEqual({ put: 0, skip: 0 })
    expect(plan.createRepository).toBeDefined()
    // the dry run did not create it
    expect(writes(s.dst)).toEqual([])
    const text = await s.cli('sync', s.from, s.to, '--dry-run', '--create-repository')
    expect(text.stdout.split('\n')[1]).toBe(`create ${s.to} (tag mutability MUTABLE, encryption AES256)`)
  })

  it('names resolve in the default registry; everything already there is skip', async () => {
    const s = setup()
    const once = await cliOver(s.src)('sync', 'app', 'copy', '--dry-run', '--create-repository', '--json')
    expect(once.code).toBe(0)
    const plan = JSON.parse(once.stdout) as Sync.Plan
    expect(plan.source).toBe(s.from)
    expect(plan.destination).toBe(`${hostOf(s.src)}/copy`)
    expect(plan.totals.blobs.mount).toBeGreaterThan(0)
  })

  it('a missing destination is exit 1 (NotFound), with --json the error shape on stdout', async () => {
    const s = setup({ destination: false })
    const r = await s.cli('--json', 'sync', s.from, s.to, '--dry-run')
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        _tag: 'NotFound',
        message: expect.stringContaining('--create-repository')
      }
    })
    expect(r.stderr).toBe(`the destination repository does not exist: ${s.to} (--create-repository creates it)\n`)
  })
})

describe('ecr-fp-ts sync usage errors (exit 2, no environment built)', () => {
  it.each([
    ['a bad regular expression', ['sync', 'app', 'mirror', '--tags', '(']],
    ['a bad repository URI', ['sync', '111111111111.dkr.ecr.us-east-1.amazonaws.com/App', 'mirror']],
    ['a repository URI with a tag', ['sync', '111111111111.dkr.ecr.us-east-1.amazonaws.com/app:v1', 'mirror']],
    ['a bad repository name', ['sync', 'app', 'Mirror!']],
    ['one repository only', ['sync', 'app']],
    ['--platform with --all-platforms', ['sync', 'app', 'mirror', '--platform', 'linux/amd64', '--all-platforms']],
    ['--plan with repositories', ['sync', 'app', 'mirror', '--plan', 'plan.json']],
    ['--plan with --tags', ['sync', '--plan', 'plan.json', '--tags', 'v']],
    ['--plan with --no-referrers', ['sync', '--plan', 'plan.json', '--no-referrers']],
    ['a bad platform', ['sync', 'app', 'mirror', '--platform', 'linux']]
  ])('%s', async (_, argv) => {
    const s = setup()
    const r = await s.cli(...argv)
    expectUsageError(r)
    expect(r.envRequests).toEqual([])
    const json = await s.cli('--json', ...argv)
    expect(json.code).toBe(2)
    expect((JSON.parse(json.stdout) as { error: { _tag: string } }).error._tag).toBe('UsageError')
  })
})

describe('ecr-fp-ts sync --plan FILE', () => {
  const fileWith = (text: string): string => {
    const file = join(mkdtempSync(join(tmpdir(), 'sync-plan-')), 'plan.json')
    writeFileSync(file, text)
    return file
  }

  it('--dry-run prints a saved plan as the table, and builds no environment', async () => {
    const s = setup()
    const saved = await s.cli('--json', 'sync', s.from, s.to, '--dry-run')
    const file = fileWith(saved.stdout)
    const direct = await s.cli('sync', s.from, s.to, '--dry-run')
    const r = await s.cli('sync', '--plan', file, '--dry-run')
    expect(r.code).toBe(0)
    expect(r.envRequests).toEqual([])
    expect(r.stdout).toBe(direct.stdout)
  })

  it('a file that is not a plan is exit 1 with a DecodeError naming the field', async () => {
    const s = setup()
    const saved = JSON.parse((await s.cli('--json', 'sync', s.from, s.to, '--dry-run')).stdout) as Record<string, unknown>
    const r = await s.cli('--json', 'sync', '--plan', fileWith(JSON.stringify({ ...saved, version: 2 })))
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        _tag: 'DecodeError',
        message: expect.stringContaining('version')
      }
    })
    const notJson = await s.cli('sync', '--plan', fileWith('{'))
    expect(notJson.code).toBe(1)
    const missing = await s.cli('sync', '--plan', join(tmpdir(), 'no-such-dir-for-sync', 'plan.json'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/cannot read the plan file/)
  })
})

describe('ecr-fp-ts sync', () => {
  const has = (twin: InMemoryEcr.InMemoryEcr, repo: string, digest: string): boolean => twin.getManifestText(repo, digest)._tag === 'Some'

  it('plans and applies: every tag and its referrers copied, progress lines on stderr, a summary; a rerun sends nothing', async () => {
    const s = setup()
    const r = await s.cli('sync', s.from, s.to)
    expect(r.code).toBe(0)
    expect(Object.fromEntries(s.dst.tagsOf('mirror'))).toEqual(Object.fromEntries(s.src.tagsOf('app')))
    expect([s.v1, s.sig, s.sbom, s.v2, s.dev].every((i) => has(s.dst, 'mirror', i.imageDigest))).toBe(true)
    const out = r.stdout.split('\n')
    expect(out[0]).toBe(`synced ${s.from} -> ${s.to}: 3 images copied, 0 failed`)
    expect(out[1]).toMatch(/^\d+ blobs copied \(.+\), 0 mounted, 0 there; \d+ manifests pushed; 3 tags pushed; 2 referrers pushed$/)
    const err = r.stderr.split('\n')
    expect(err[0]).toMatch(new RegExp(`^syncing ${s.from} to ${s.to}: 3 images, .+ to send$`))
    expect(err.filter((l) => / done: /.test(l))).toHaveLength(3)
    expect(err).toContain(`image ${s.dev.imageDigest.slice(0, 19)} (dev) started`)

    s.dst.resetCalls()
    const again = await s.cli('sync', s.from, s.to)
    expect(again.code).toBe(0)
    expect(again.stdout.split('\n')[1]).toMatch(/^0 blobs copied \(0 B\), 0 mounted, \d+ there; 0 manifests pushed; 0 tags pushed; 0 referrers pushed$/)
    expect(s.dst.httpCallCount('PUT')).toBe(0)
    expect(s.dst.callCount('PutImage')).toBe(0)
  })

  it('--json prints the SyncReport and no progress', async () => {
    const s = setup()
    const r = await s.cli('--json', 'sync', s.from, s.to, '--tags', '^v1$')
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const report = JSON.parse(r.stdout) as Sync.SyncReport
    expect(report).toMatchObject({
      source: s.from,
      destination: s.to,
      createdRepository: false,
      totals: { images: { copied: 1, failed: 0 } }
    })
    expect(report.images).toEqual([
      expect.objectContaining({
        _tag: 'copied',
        digest: s.v1.imageDigest,
        tags: ['v1']
      })
    ])
    expect([...s.dst.tagsOf('mirror').keys()]).toEqual(['v1'])
  })

  it('--no-referrers leaves the signature and the SBOM behind', async () => {
    const s = setup()
    const r = await s.cli('sync', s.from, s.to, '--no-referrers', '--tags', 'v1')
    expect(r.code).toBe(0)
    expect(has(s.dst, 'mirror', s.v1.imageDigest)).toBe(true)
    expect(has(s.dst, 'mirror', s.sig.imageDigest)).toBe(false)
    expect(has(s.dst, 'mirror', s.sbom.imageDigest)).toBe(false)
  })

  it('--create-repository creates the destination (without it: exit 1, nothing written)', async () => {
    const s = setup({ destination: false })
    const refused = await s.cli('sync', s.from, s.to)
    expect(refused.code).toBe(1)
    expect(writes(s.dst)).toEqual([])
    const r = await s.cli('--json', 'sync', s.from, s.to, '--create-repository')
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as Sync.SyncReport).createdRepository).toBe(true)
    expect(s.dst.callCount('CreateRepository')).toBe(1)
    expect(s.dst.tagsOf('mirror').get('v1')).toBe(s.v1.imageDigest)
  })

  it('an image that fails does not stop the others: exit 1, the summary says which (stdout), why (stderr); --json the report', async () => {
    const s = setup({ destination: false })
    s.dst.createRepository('mirror', { imageTagMutability: 'IMMUTABLE' })
    const other = push(s.dst, 'mirror', {
      tag: 'dev',
      layers: 1,
      labels: { other: 'yes' }
    })
    const r = await s.cli('sync', s.from, s.to)
    expect(r.code).toBe(1)
    const out = r.stdout.split('\n')
    expect(out[0]).toBe(`synced ${s.from} -> ${s.to}: 2 images copied, 1 failed`)
    expect(out).toContain(`failed: ${s.dev.imageDigest.slice(0, 19)} (dev)`)
    expect(r.stderr.split('\n')).toContainEqual(expect.stringMatching(new RegExp(`^image ${s.dev.imageDigest} \\(dev\\) failed: .+`)))
    expect(s.dst.tagsOf('mirror').get('dev')).toBe(other.imageDigest)
    expect(s.dst.tagsOf('mirror').get('v1')).toBe(s.v1.imageDigest)

    const json = await s.cli('--json', 'sync', s.from, s.to)
    expect(json.code).toBe(1)
    const report = JSON.parse(json.stdout) as Sync.SyncReport
    expect(report.totals.images).toEqual({ copied: 2, failed: 1 })
    expect(report.images.find((i) => i._tag === 'failed')).toMatchObject({
      digest: s.dev.imageDigest,
      tags: ['dev'],
      error: { _tag: 'AlreadyExists' }
    })
  })

  it('--plan FILE applies a reviewed plan: the environments come from its repositories', async () => {
    const s = setup()
    const saved = await s.cli('--json', 'sync', s.from, s.to, '--dry-run', '--tags', '^v2$')
    const file = join(mkdtempSync(join(tmpdir(), 'sync-plan-')), 'plan.json')
    writeFileSync(file, saved.stdout)
    expect(writes(s.dst)).toEqual([])
    const r = await s.cli('sync', '--plan', file)
    expect(r.code).toBe(0)
    expect(r.envRequests.map((o) => o.region).sort()).toEqual([DST.region, SRC.region])
    expect([...s.dst.tagsOf('mirror').keys()]).toEqual(['v2'])
    expect(has(s.dst, 'mirror', s.v2.imageDigest)).toBe(true)
  })
})

// -------------------------------------------------------------------------------------
// pure parts: repository arguments, the plan table, the plain progress lines
// -------------------------------------------------------------------------------------

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const blobArb: fc.Arbitrary<Sync.PlannedBlob> = fc.record({
  digest: Arb.imageDigest,
  size: fc.nat({ max: 2 ** 40 }),
  action: fc.constantFrom<Sync.BlobAction>('send', 'mount', 'skip')
})
const putSkipArb = fc.constantFrom<Sync.PutAction>('put', 'skip')
const manifestArb: fc.Arbitrary<Sync.PlannedManifest> = fc.record({
  digest: Arb.imageDigest,
  mediaType: fc.constant(OCI_MANIFEST),
  size: fc.nat({ max: 4_000_000 }),
  action: putSkipArb
})
const tagArb: fc.Arbitrary<Sync.PlannedTag> = fc.oneof(
  fc.record({ tag: Arb.imageTag, action: putSkipArb }),
  fc.record({ tag: Arb.imageTag, action: fc.constant<Sync.PutAction>('put'), current: Arb.imageDigest })
)
const referrerArb: fc.Arbitrary<Sync.PlannedReferrer> = fc.record({
  subject: Arb.imageDigest,
  digest: Arb.imageDigest,
  mediaType: fc.constant(OCI_MANIFEST),
  artifactType: fc.constantFrom(SIG, SBOM),
  action: putSkipArb,
  manifests: fc.array(manifestArb, { maxLength: 2 }),
  blobs: fc.array(blobArb, { maxLength: 2 })
})
const imageArb: fc.Arbitrary<Sync.PlannedImage> = fc.record({
  digest: Arb.imageDigest,
  sourceDigest: Arb.imageDigest,
  mediaType: fc.constant(OCI_MANIFEST),
  tags: fc.uniqueArray(tagArb, { maxLength: 3, selector: (t) => t.tag }),
  manifests: fc.array(manifestArb, { minLength: 1, maxLength: 3 }),
  blobs: fc.array(blobArb, { maxLength: 4 }),
  referrers: fc.array(referrerArb, { maxLength: 2 })
})

const repositoryUri = (s: string): RepositoryUri.RepositoryUri => {
  const u = RepositoryUri.parse(s)
  if (E.isLeft(u)) throw new Error(u.left.message)
  return u.right
}
const SRC_REPO = repositoryUri(`${SRC.accountId}.dkr.ecr.${SRC.region}.amazonaws.com/app`)
const DST_REPO = repositoryUri(`${DST.accountId}.dkr.ecr.${DST.region}.amazonaws.com/mirror`)

/** A plan as `Sync.plan` could make it: any images, the totals computed from them. */
const planArb: fc.Arbitrary<Sync.Plan> = fc.tuple(fc.array(imageArb, { maxLength: 4 }), fc.boolean()).map(([images, create]) => ({
  version: 1,
  source: SRC_REPO,
  destination: DST_REPO,
  settings: { tags: 'all', platforms: 'all', referrers: true },
  ...(create ? { createRepository: { imageTagMutability: 'MUTABLE', encryption: { type: 'AES256' } } } : {}),
  images,
  totals: Sync.totals(images, create)
}))

describe('sync: pure parts', () => {
  it('parseRepository: names and repository URIs are kept as given; image URIs and bad names are refused', () => {
    fc.assert(
      fc.property(Arb.repositoryName, (s) => {
        expect(parseRepository(s)).toEqual(E.right(s))
      })
    )
    fc.assert(
      fc.property(Arb.repositoryUri, (s) => {
        expect(parseRepository(s)).toEqual(E.right(s))
      })
    )
    fc.assert(
      fc.property(Arb.imageUri, (s) => {
        expect(E.isLeft(parseRepository(s))).toBe(true)
      })
    )
    fc.assert(
      fc.property(Arb.invalid.repositoryName, (s) => {
        expect(E.isLeft(parseRepository(s))).toBe(true)
      })
    )
  })

  it('the plan table: one row per image with its tags, the referrers one a line, the totals and calls as the plan says', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        expect(Sync.PlanC.is(plan)).toBe(true)
        const lines = planLines(plan)
        const referrers = plan.images.flatMap((i) => i.referrers)
        expect(lines).toHaveLength(
          1 +
            (plan.createRepository === undefined ? 0 : 1) +
            (plan.images.length === 0 ? 1 : 1 + plan.images.length) +
            (referrers.length === 0 ? 0 : 1 + referrers.length) +
            3
        )
        expect(lines[0]).toBe(`sync ${plan.source} -> ${plan.destination}`)
        for (const l of lines) expect(l).toBe(l.trimEnd())
        const body = plan.createRepository === undefined ? 2 : 3
        plan.images.forEach((image, i) => {
          const row = lines[body + i] ?? ''
          expect(row.startsWith(image.digest.slice(0, image.digest.indexOf(':') + 13))).toBe(true)
          for (const t of image.tags) expect(row).toContain(t.tag)
        })
        expect(lines[lines.length - 2]).toBe(`bytes to send: ${formatBytes(plan.totals.bytes.send)}`)
        const calls = Object.values(plan.totals.calls).reduce((n, c) => n + c, 0)
        expect(lines[lines.length - 1]?.startsWith(`API calls expected: ${calls}`)).toBe(true)
      }),
      { numRuns: 50 }
    )
  })

  it('plain progress: each image started once and done once, the quarters of the bytes in order, at most three', () => {
    const events = fc
      .array(
        fc.record({
          digest: Arb.imageDigest,
          blobs: fc.array(fc.tuple(Arb.imageDigest, fc.integer({ min: 1, max: 2 ** 30 })), { minLength: 1, maxLength: 3 })
        }),
        {
          minLength: 1,
          maxLength: 4
        }
      )
      .map((images) => {
        const uniq = [...new Map(images.map((i) => [i.digest, i])).values()]
        const total = uniq.flatMap((i) => i.blobs).reduce((n, [, size]) => n + size, 0)
        const out: Array<Sync.SyncProgress> = [
          {
            _tag: 'start',
            source: SRC_REPO,
            destination: DST_REPO,
            totals: { ...Sync.totals([], false), images: uniq.length, bytes: { send: total, mount: 0, skip: 0 } }
          }
        ]
        for (const i of uniq) {
          for (const [digest, size] of i.blobs)
            for (const bytes of [0, Math.floor(size / 2), size])
              out.push({
                _tag: 'image',
                digest: i.digest,
                progress: { _tag: 'blob', digest, status: bytes === size ? 'copied' : 'copying', bytes, total: size }
              })
          out.push({
            _tag: 'imageDone',
            digest: i.digest,
            tags: [],
            summary: {
              blobs: { exists: 0, mounted: 0, copied: i.blobs.length },
              bytesCopied: 0,
              manifests: { exists: 0, pushed: 1 },
              tags: { exists: 0, pushed: 0 },
              referrers: { exists: 0, pushed: 0 }
            }
          })
        }
        return { out, images: uniq.map((i) => i.digest) }
      })
    fc.assert(
      fc.property(events, ({ out, images }) => {
        const lines: Array<string> = []
        out.forEach(syncPlainReporter((l) => lines.push(l)))
        for (const d of images) {
          expect(lines.filter((l) => l.startsWith(`image ${d.slice(0, 19)}`) && l.endsWith(' started'))).toHaveLength(1)
          expect(lines.filter((l) => l.startsWith(`image ${d.slice(0, 19)}`) && l.includes(' done: '))).toHaveLength(1)
        }
        const quarters = lines.flatMap((l) => {
          const m = /^(\d+)% of /.exec(l)
          return m === null ? [] : [Number(m[1])]
        })
        expect(quarters.length).toBeLessThanOrEqual(3)
        expect([...quarters].sort((a, b) => a - b)).toEqual(quarters)
        expect(new Set(quarters).size).toBe(quarters.length)
      }),
      { numRuns: 50 }
    )
  })
})
