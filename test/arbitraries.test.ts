import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as RTE from 'fp-ts/ReaderTaskEither'
import { describe, expect, it } from 'vitest'
import * as Arb from '../src/arbitraries'
import type { EcrError } from '../src/EcrError'
import * as Image from '../src/Image'
import * as ImageUri from '../src/ImageUri'
import * as LifecyclePolicy from '../src/LifecyclePolicy'
import * as Manifest from '../src/Manifest'
import * as Platform from '../src/Platform'
import * as P from '../src/Primitives'
import * as Registry from '../src/Registry'
import * as RegistryUri from '../src/RegistryUri'
import * as Repository from '../src/Repository'
import * as RepositoryUri from '../src/RepositoryUri'
import { InMemoryEcr } from '../src/testing'

const RUNS = 1_000
/** Fixed seeds for the coverage checks: they count what a sample holds. */
const sample = <A>(arb: fc.Arbitrary<A>, numRuns = 3_000): ReadonlyArray<A> => fc.sample(arb, { numRuns, seed: 20260 })

const share = <A>(xs: ReadonlyArray<A>, p: (a: A) => boolean): number => xs.filter(p).length / xs.length

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

describe('primitives: the codecs decode every generated value as it is', () => {
  const cases = [
    ['accountId', Arb.accountId, P.AccountIdC, P.isAccountId],
    ['region', Arb.region, P.RegionC, P.isRegion],
    ['repositoryName', Arb.repositoryName, P.RepositoryNameC, P.isRepositoryName],
    ['imageTag', Arb.imageTag, P.ImageTagC, P.isImageTag],
    ['imageDigest', Arb.imageDigest, P.ImageDigestC, P.isImageDigest]
  ] as const

  for (const [name, arb, codec, is] of cases) {
    it(`${name}: decode(x) = right(x), decode(encode(x)) = right(x)`, () => {
      fc.assert(
        fc.property(arb as fc.Arbitrary<string>, (x) => {
          expect(is(x)).toBe(true)
          expect(codec.decode(x)).toEqual(E.right(x))
          expect(codec.decode(codec.encode(x as never))).toEqual(E.right(x))
        }),
        { numRuns: RUNS }
      )
    })
  }

  it('resourceTag: AWS rules for keys and values, and the codec round trip', () => {
    // AWS: letters, digits and spaces in any script, and _ . : / = + - @
    const allowed = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u
    fc.assert(
      fc.property(Arb.resourceTag, (t) => {
        expect(t.Key.length).toBeGreaterThanOrEqual(1)
        expect(t.Key.length).toBeLessThanOrEqual(128)
        expect(t.Value.length).toBeLessThanOrEqual(256)
        expect(t.Key.toLowerCase().startsWith('aws:')).toBe(false)
        expect(allowed.test(t.Key) && allowed.test(t.Value)).toBe(true)
        expect(P.ResourceTagC.decode(P.ResourceTagC.encode(t))).toEqual(E.right(t))
      }),
      { numRuns: RUNS }
    )
  })
})

// -------------------------------------------------------------------------------------
// references, URIs and ARNs
// -------------------------------------------------------------------------------------

describe('URIs: parse(make(x)) = x', () => {
  it('registry: make(parts) is the URI whose parts are `parts`; parse and make(toRef) give the URI back', () => {
    fc.assert(
      fc.property(Arb.registryUriParts, (p) => {
        expect(pipe(RegistryUri.make(p), E.map(RegistryUri.toRef))).toEqual(E.right(p))
      }),
      { numRuns: RUNS }
    )
    fc.assert(
      fc.property(Arb.registryUri, (u) => {
        expect(RegistryUri.parse(u)).toEqual(E.right(u))
        expect(
          pipe(
            RegistryUri.parse(u),
            E.flatMap((x) => RegistryUri.make(RegistryUri.toRef(x)))
          )
        ).toEqual(E.right(u))
        expect(RegistryUri.codec.decode(u)).toEqual(E.right(u))
        expect(RegistryUri.isPrefixed(u)).toBe(true)
      }),
      { numRuns: RUNS }
    )
  })

  it('repository: the same laws, and Repository.fromUri / toUri', () => {
    fc.assert(
      fc.property(Arb.repositoryUriParts, (p) => {
        expect(pipe(RepositoryUri.make(p), E.map(RepositoryUri.toRef))).toEqual(E.right(p))
      }),
      { numRuns: RUNS }
    )
    fc.assert(
      fc.property(Arb.repositoryUri, (u) => {
        expect(RepositoryUri.parse(u)).toEqual(E.right(u))
        expect(
          pipe(
            RepositoryUri.parse(u),
            E.flatMap((x) => RepositoryUri.make(RepositoryUri.toRef(x)))
          )
        ).toEqual(E.right(u))
        expect(RepositoryUri.codec.decode(RepositoryUri.codec.encode(u as RepositoryUri.RepositoryUri))).toEqual(
          E.right(u)
        )
        expect(E.isRight(Repository.fromUri(u))).toBe(true)
      }),
      { numRuns: RUNS }
    )
  })

  it('image: the same laws, in both forms', () => {
    fc.assert(
      fc.property(Arb.imageUriParts, (p) => {
        expect(pipe(ImageUri.make(p), E.map(ImageUri.toRef))).toEqual(E.right(p))
      }),
      { numRuns: RUNS }
    )
    fc.assert(
      fc.property(Arb.imageUri, (u) => {
        expect(ImageUri.parse(u)).toEqual(E.right(u))
        expect(
          pipe(
            ImageUri.parse(u),
            E.flatMap((x) => ImageUri.make(ImageUri.toRef(x)))
          )
        ).toEqual(E.right(u))
        expect(ImageUri.codec.decode(ImageUri.codec.encode(u as ImageUri.ImageUri))).toEqual(E.right(u))
      }),
      { numRuns: RUNS }
    )
  })

  it('references: RegistryUri and RepositoryUri keep a registry or repository reference', () => {
    fc.assert(
      fc.property(Arb.registryRef, Arb.repositoryRef, (g, r) => {
        expect(RegistryUri.toRef(RegistryUri.fromRef(g))).toEqual(g)
        expect(RepositoryUri.toRef(RepositoryUri.fromRef(r))).toEqual(r)
        expect(Repository.fromUri(Repository.toUri(r))).toEqual(E.right(r))
      }),
      { numRuns: RUNS }
    )
  })

  it('ARNs: fromArn(arn) is right and toArn gives the ARN back; toArn of a reference parses to it', () => {
    fc.assert(
      fc.property(Arb.repositoryArn, (a) => {
        expect(pipe(Repository.fromArn(a), E.map(Repository.toArn))).toEqual(E.right(a))
      }),
      { numRuns: RUNS }
    )
    fc.assert(
      fc.property(Arb.repositoryRef, (r) => {
        expect(Repository.fromArn(Repository.toArn(r))).toEqual(E.right(r))
      }),
      { numRuns: RUNS }
    )
  })

  it('image references: the codec round trip, and a carried manifest has the reference digest', () => {
    fc.assert(
      fc.property(Arb.imageRef, (r) => {
        expect(Image.codec.decode(Image.codec.encode(r))).toEqual(E.right(r))
        expect(
          pipe(
            ImageUri.parse(Image.toUri(r)),
            E.map((u) => ImageUri.toRef(u).digest)
          )
        ).toEqual(E.right(r.imageDigest))
        if (r.imageManifest !== undefined) {
          expect(Manifest.digest(r.imageManifest)).toBe(r.imageDigest)
          expect(
            pipe(
              Manifest.parse(r.imageManifest),
              E.map((m) => m.mediaType)
            )
          ).toEqual(E.right(r.imageManifestMediaType))
        }
      }),
      { numRuns: 300 }
    )
  })
})

describe('records', () => {
  /** Every object in a value has Object's prototype (fast-check 4 may make objects without one). */
  const plain = (u: unknown): boolean =>
    typeof u !== 'object' || u === null || u instanceof Date
      ? true
      : Array.isArray(u)
      ? u.every(plain)
      : Object.getPrototypeOf(u) === Object.prototype && Object.values(u).every(plain)

  it("are plain objects all the way down, so toStrictEqual compares them with the library's", () => {
    const arbs: ReadonlyArray<fc.Arbitrary<unknown>> = [
      Arb.resourceTag,
      Arb.registryRef,
      Arb.repositoryRef,
      Arb.imageRef,
      Arb.registryUriParts,
      Arb.repositoryUriParts,
      Arb.imageUriParts,
      Arb.platform,
      Arb.manifest,
      Arb.index,
      Arb.lifecycleRule,
      Arb.lifecyclePolicy,
      Arb.twinState
    ]
    for (const arb of arbs) expect(sample(arb, 200).every(plain)).toBe(true)
    expect(plain(Object.create(null))).toBe(false)
    fc.assert(
      fc.property(Arb.registryUriParts, (p) => {
        expect(pipe(RegistryUri.make(p), E.map(RegistryUri.toRef))).toStrictEqual(E.right(p))
      }),
      { numRuns: 200 }
    )
  })
})

describe('coverage: the generators reach the edges of the rules', () => {
  it('regions of every partition, known ones more often', () => {
    const regions = sample(Arb.region)
    for (const prefix of [
      'us-',
      'eu-',
      'ap-',
      'cn-',
      'us-gov-',
      'us-iso-',
      'us-isob-',
      'eu-isoe-',
      'us-isof-',
      'eusc-de-'
    ]) {
      expect(regions.some((r) => r.startsWith(prefix))).toBe(true)
    }
    expect(
      share(regions, (r) => ['us-east-1', 'us-west-2', 'eu-west-1', 'cn-north-1', 'us-gov-west-1'].includes(r))
    ).toBeGreaterThan(0.05)
  })

  it('names of 2 and 256 characters, `__`, runs of `-`, nested paths', () => {
    const names = sample(Arb.repositoryName)
    expect(names.some((n) => n.length === 2)).toBe(true)
    expect(names.some((n) => n.length === 256)).toBe(true)
    expect(names.some((n) => n.includes('__'))).toBe(true)
    expect(names.some((n) => n.includes('---'))).toBe(true)
    expect(names.some((n) => n.split('/').length >= 3)).toBe(true)
  })

  it('tags of 1 and 128 characters, and tags people push', () => {
    const tags = sample(Arb.imageTag)
    expect(tags.some((t) => t.length === 1)).toBe(true)
    expect(tags.some((t) => t.length === 128)).toBe(true)
    expect(tags).toContain('latest')
    expect(tags.some((t) => /^v\d+\.\d+\.\d+$/.test(t))).toBe(true)
    expect(tags.some((t) => /^sha256-[a-f0-9]{64}\.sig$/.test(t))).toBe(true)
  })

  it('URIs: both image forms, sha512, FIPS, China, ISO hosts', () => {
    const uris = sample(Arb.imageUri)
    const refs = uris.map((u) => ImageUri.toRef(u as ImageUri.ImageUri))
    expect(share(refs, (r) => r.tag !== undefined)).toBeGreaterThan(0.3)
    expect(share(refs, (r) => r.digest !== undefined)).toBeGreaterThan(0.3)
    expect(uris.some((u) => u.includes('@sha512:'))).toBe(true)
    expect(uris.some((u) => u.includes('.dkr.ecr-fips.us-gov-'))).toBe(true)
    expect(uris.some((u) => u.includes('.amazonaws.com.cn/'))).toBe(true)
    expect(uris.some((u) => u.includes('.c2s.ic.gov/'))).toBe(true)
    expect(sample(Arb.repositoryArn).some((a) => a.startsWith('arn:aws-us-gov:'))).toBe(true)
  })
})

// -------------------------------------------------------------------------------------
// platforms and manifests
// -------------------------------------------------------------------------------------

describe('platforms', () => {
  it('decode as they are; parse(format(p)) gives os, architecture and variant back; p matches its normal form', () => {
    fc.assert(
      fc.property(Arb.platform, (p) => {
        expect(Platform.PlatformC.decode(p)).toEqual(E.right(p))
        const { os, architecture, variant } = p
        expect(Platform.parse(Platform.format(p))).toEqual(
          E.right(variant === undefined ? { os, architecture } : { os, architecture, variant })
        )
        expect(Platform.matches(p, Platform.normalise(p))).toBe(true)
      }),
      { numRuns: RUNS }
    )
  })

  it('cover Linux and Windows, arm variants, both spellings of arm64', () => {
    const formats = new Set(sample(Arb.platform).map(Platform.format))
    for (const f of [
      'linux/amd64',
      'linux/arm64',
      'linux/arm64/v8',
      'linux/arm/v7',
      'linux/arm/v6',
      'windows/amd64',
      'linux/s390x'
    ]) {
      expect(formats.has(f)).toBe(true)
    }
  })
})

describe('manifests and indexes', () => {
  it('Manifest.parse(JSON.stringify(m)) = right(m), the codec and toJson round trips', () => {
    fc.assert(
      fc.property(fc.oneof(Arb.manifest, Arb.index), (m) => {
        expect(Manifest.parse(JSON.stringify(m))).toEqual(E.right(m))
        expect(Manifest.parse(Manifest.toJson(m))).toEqual(E.right(m))
        expect(Manifest.codec.decode(Manifest.codec.encode(m))).toEqual(E.right(m))
      }),
      { numRuns: 500 }
    )
  })

  it('manifests are single manifests with a config and layers of their format', () => {
    fc.assert(
      fc.property(Arb.manifest, (m) => {
        expect(Manifest.isIndex(m)).toBe(false)
        expect(O.isSome(Manifest.config(m))).toBe(true)
        const prefix = m._tag === 'DockerManifest' ? 'application/vnd.docker.' : ''
        expect(Manifest.layers(m).every((l) => l.mediaType.startsWith(prefix) && l.size > 0)).toBe(true)
      }),
      { numRuns: 500 }
    )
  })

  it('indexes: every platform they offer selects its entry; attestations are not offered', () => {
    fc.assert(
      fc.property(Arb.index, (i) => {
        expect(Manifest.isIndex(i)).toBe(true)
        const images = i.manifests.filter((d) => !Manifest.isAttestation(d))
        expect(Manifest.platforms(i)).toEqual(images.map((d) => d.platform))
        for (const d of images)
          expect(Manifest.selectPlatform(i, d.platform ?? Manifest.defaultPlatform)).toEqual(O.some(d))
        expect(images.every((d) => Manifest.manifestMediaTypes.includes(d.mediaType))).toBe(true)
      }),
      { numRuns: 500 }
    )
  })

  it('cover the four kinds, artifacts with a subject, attestations and foreign layers', () => {
    const all = sample(fc.oneof(Arb.manifest, Arb.index), 2_000)
    const tags = new Set(all.map((m) => m._tag))
    expect([...tags].sort()).toEqual(['DockerManifest', 'DockerManifestList', 'OciIndex', 'OciManifest'])
    expect(all.some((m) => m._tag === 'OciManifest' && m.subject !== undefined && m.artifactType !== undefined)).toBe(
      true
    )
    expect(all.some((m) => Manifest.children(m).some(Manifest.isAttestation))).toBe(true)
    expect(all.some((m) => Manifest.layers(m).some((l) => l.urls !== undefined))).toBe(true)
  })
})

// -------------------------------------------------------------------------------------
// lifecycle policies
// -------------------------------------------------------------------------------------

describe('lifecycle policies', () => {
  it('rules: ruleCodec decodes each as it is', () => {
    fc.assert(
      fc.property(Arb.lifecycleRule, (r) => {
        expect(LifecyclePolicy.ruleCodec.decode(r)).toEqual(E.right(r))
      }),
      { numRuns: RUNS }
    )
  })

  it('policies: the codec decodes each as it is, toJson is stable, validate accepts, fromRules keeps them', () => {
    fc.assert(
      fc.property(Arb.lifecyclePolicy, (p) => {
        expect(LifecyclePolicy.codec.decode(p)).toEqual(E.right(p))
        const text = LifecyclePolicy.toJson(p)
        expect(LifecyclePolicy.fromJson(text)).toEqual(E.right(p))
        expect(pipe(LifecyclePolicy.fromJson(text), E.map(LifecyclePolicy.toJson))).toEqual(E.right(text))
        expect(LifecyclePolicy.validate(p)).toEqual(E.right(p))
        expect(LifecyclePolicy.fromRules(...p.rules)).toEqual(p)
      }),
      { numRuns: RUNS }
    )
  })

  it('cover the grammar: every count type, transitions, archive rules, patterns, prefixes, any and untagged', () => {
    const rules = sample(Arb.lifecyclePolicy, 1_000).flatMap((p) => p.rules)
    const countTypes = new Set(rules.map((r) => r.selection.countType))
    expect([...countTypes].sort()).toEqual([
      'imageCountMoreThan',
      'sinceImagePulled',
      'sinceImagePushed',
      'sinceImageTransitioned'
    ])
    expect(rules.some((r) => r.action.type === 'transition')).toBe(true)
    expect(rules.some((r) => r.selection.storageClass === 'archive')).toBe(true)
    expect(
      rules.some((r) =>
        (r.selection.tagPatternList ?? []).some((x) => x.split('*').length - 1 === LifecyclePolicy.maxPatternWildcards)
      )
    ).toBe(true)
    expect(rules.some((r) => r.selection.tagPrefixList !== undefined)).toBe(true)
    expect(new Set(rules.map((r) => r.selection.tagStatus)).size).toBe(3)
    expect(sample(Arb.lifecyclePolicy, 1_000).some((p) => p.rules.length >= 8)).toBe(true)
  })
})

// -------------------------------------------------------------------------------------
// invalid values
// -------------------------------------------------------------------------------------

type Check = (s: string) => E.Either<unknown, unknown>

const reasonOf = (r: E.Either<unknown, unknown>): string =>
  E.isLeft(r) && typeof r.left === 'object' && r.left !== null && 'message' in r.left ? String(r.left.message) : ''

/** The parser of each group, and the reason (a pattern of the message) expected for each kind of mistake. */
const groups: {
  readonly [K in keyof Arb.Mistakes]: {
    readonly check: Check
    readonly reasons?: { readonly [k in keyof Arb.Mistakes[K]]: RegExp }
  }
} = {
  accountId: { check: (s) => P.AccountIdC.decode(s) },
  region: { check: (s) => P.RegionC.decode(s) },
  repositoryName: { check: (s) => P.RepositoryNameC.decode(s) },
  imageTag: { check: (s) => P.ImageTagC.decode(s) },
  imageDigest: { check: (s) => P.ImageDigestC.decode(s) },
  registryUri: {
    check: RegistryUri.parse,
    reasons: {
      withScheme: /has no scheme/,
      withPath: /has a path/,
      withPort: /not an ECR domain/,
      upperCase: /must be lower case/,
      badAccount: /account must be 12 digits|lower case/,
      badRegion: /region|lower case/,
      wrongDomain: /not an ECR domain/,
      partitionDomain: /has hosts in/,
      fipsWithoutEndpoint: /no FIPS registry endpoint/,
      notTheRegistry: /not an ECR registry host/,
      withWhitespace: /whitespace/
    }
  },
  repositoryUri: {
    check: RepositoryUri.parse,
    reasons: {
      badHost: /./,
      noName: /no repository name|repository name is empty/,
      badName: /repository name|has a tag|has a digest|whitespace/,
      withTag: /has a tag/,
      withDigest: /has a digest/
    }
  },
  imageUri: {
    check: ImageUri.parse,
    reasons: {
      badHost: /./,
      badName: /repository name|tag|digest|whitespace/,
      badTag: /tag|repository name|got both|whitespace/,
      badDigest: /digest/,
      noReference: /got neither/,
      tagAndDigest: /got both/,
      digestAfterColon: /repository name/
    }
  },
  repositoryArn: {
    check: Repository.fromArn,
    reasons: {
      missingPrefix: /starts with "arn:"/,
      unknownPartition: /unknown partition/,
      partitionMismatch: /does not match region/,
      wrongService: /not an ECR ARN/,
      badRegion: /region/,
      badAccount: /account must be 12 digits/,
      wrongResourceType: /the resource must be repository/,
      badName: /repository name/
    }
  }
}

describe('invalid values: parse is Left for each kind of mistake, for its reason', () => {
  for (const [group, { check, reasons }] of Object.entries(groups) as ReadonlyArray<
    [keyof Arb.Mistakes, (typeof groups)[keyof Arb.Mistakes]]
  >) {
    const kinds = Object.entries(Arb.mistakes[group]) as ReadonlyArray<[string, fc.Arbitrary<string>]>
    for (const [kind, arb] of kinds) {
      it(`${group}.${kind}`, () => {
        const reason = (reasons as Readonly<Record<string, RegExp>> | undefined)?.[kind]
        fc.assert(
          fc.property(arb, (s) => {
            const r = check(s)
            expect(E.isLeft(r)).toBe(true)
            if (reason !== undefined) expect(reasonOf(r)).toMatch(reason)
          }),
          { numRuns: 300 }
        )
      })
    }
    it(`${group}: invalid.${group} is Left, and gives every kind of mistake`, () => {
      fc.assert(
        fc.property(Arb.invalid[group], (s) => E.isLeft(check(s))),
        { numRuns: RUNS }
      )
      expect(
        reasons === undefined ||
          Object.keys(reasons).sort().join() ===
            kinds
              .map(([k]) => k)
              .sort()
              .join()
      ).toBe(true)
    })
  }

  it('a mistake stays close to a valid value (no longer than the longest valid value and a little)', () => {
    fc.assert(
      fc.property(Arb.invalid.imageUri, Arb.invalid.repositoryName, Arb.invalid.imageTag, (u, n, t) => {
        expect(u.length).toBeLessThan(80 + 300 + 1 + 300)
        expect(n.length).toBeLessThanOrEqual(300)
        expect(t.length).toBeLessThanOrEqual(300)
      }),
      { numRuns: RUNS }
    )
  })

  it('Repository.fromUri rejects the invalid repository URIs too', () => {
    fc.assert(
      fc.property(Arb.invalid.repositoryUri, (s) => E.isLeft(Repository.fromUri(s))),
      { numRuns: RUNS }
    )
  })
})

// -------------------------------------------------------------------------------------
// twin states
// -------------------------------------------------------------------------------------

describe('twin states', () => {
  it('state invariants: distinct repositories, tags owned by one image, distinct push times, indexes of several platforms', () => {
    fc.assert(
      fc.property(Arb.twinState, (s) => {
        expect(new Set(s.repositories.map((r) => r.repositoryName)).size).toBe(s.repositories.length)
        for (const r of s.repositories) {
          const tags = r.images.flatMap((i) => i.tags)
          expect(new Set(tags).size).toBe(tags.length)
          expect(new Set(r.images.map((i) => i.pushedAt.getTime())).size).toBe(r.images.length)
          expect(new Set(r.tags.map((t) => t.Key)).size).toBe(r.tags.length)
          for (const i of r.images) {
            expect(i.platforms.length).toBeGreaterThanOrEqual(1)
            expect(i.platforms.length === 1 || i.index).toBe(true)
          }
        }
      }),
      { numRuns: RUNS }
    )
  })

  /** What the twin lists through the library: repository name -> (tag -> digest), and its resource tags. */
  const listed = pipe(
    Registry.listRepositories(),
    RTE.flatMap(
      RTE.traverseSeqArray((ref) =>
        pipe(
          RTE.Do,
          RTE.apS('details', Repository.listImageDetails(ref, { tagStatus: 'TAGGED' })),
          RTE.apS('resourceTags', Repository.getResourceTags(ref)),
          RTE.map(({ details, resourceTags }) => ({
            name: ref.repositoryName as string,
            tags: Object.fromEntries(details.flatMap((d) => d.imageTags.map((t) => [t, d.imageDigest as string]))),
            resourceTags: [...resourceTags].sort((a, b) => (a.Key < b.Key ? -1 : 1))
          }))
        )
      )
    )
  )

  it('a twin built from a state lists exactly its repositories and tags (through the library)', async () => {
    await fc.assert(
      fc.asyncProperty(Arb.twinState, async (state) => {
        const twin = InMemoryEcr.make({ accountId: state.accountId, region: state.region })
        const seeded = Arb.seedTwin(twin, state)
        if (E.isLeft(seeded)) return expect.unreachable(seeded.left.message)
        const pushed = seeded.right
        const images = state.repositories.flatMap((r) => r.images)
        expect(pushed.length).toBe(images.length)
        const expected = state.repositories.map((r) => ({
          name: r.repositoryName as string,
          tags: Object.fromEntries(
            r.images.flatMap((i) => {
              const digest = pushed[images.indexOf(i)]?.imageDigest ?? ''
              return i.tags.map((t) => [t, digest])
            })
          ),
          resourceTags: [...r.tags].sort((a, b) => (a.Key < b.Key ? -1 : 1))
        }))
        const result: E.Either<EcrError, ReadonlyArray<unknown>> = await listed(twin.env)()
        const byName = (a: { readonly name: string }, b: { readonly name: string }) => (a.name < b.name ? -1 : 1)
        expect(
          E.map((xs: ReadonlyArray<{ readonly name: string }>) => [...xs].sort(byName))(
            result as E.Either<EcrError, ReadonlyArray<{ readonly name: string }>>
          )
        ).toEqual(E.right([...expected].sort(byName)))
        // the images as pushed: an index for several platforms, in the asked format
        pushed.forEach((p, n) => {
          const image = images[n]
          expect(p.children.length).toBe(image?.index === true ? image.platforms.length : 0)
          expect(p.mediaType.includes(image?.format === 'oci' ? 'oci' : 'docker')).toBe(true)
        })
      }),
      { numRuns: 40 }
    )
  })

  it('seedTwin reports what the twin answers, and a twin of another registry, as a Left', () => {
    const state: Arb.TwinState = {
      accountId: '123456789012' as P.AccountId,
      region: 'us-east-1' as P.Region,
      repositories: [
        {
          repositoryName: 'app' as P.RepositoryName,
          imageTagMutability: 'MUTABLE',
          tags: [],
          images: [
            {
              tags: ['v1' as P.ImageTag],
              platforms: [],
              index: true,
              format: 'docker',
              layers: 1,
              pushedAt: new Date(0)
            }
          ]
        }
      ]
    }
    const twin = () => InMemoryEcr.make({ accountId: state.accountId, region: state.region })
    const r = Arb.seedTwin(twin(), state)
    expect(E.isLeft(r) && r.left.message).toMatch(/platforms/)
    const twice = Arb.seedTwin(twin(), {
      ...state,
      repositories: [...state.repositories, ...state.repositories].map((x) => ({ ...x, images: [] }))
    })
    expect(E.isLeft(twice) && twice.left._tag).toBe('AlreadyExists')
    const elsewhere = Arb.seedTwin(InMemoryEcr.make({ region: 'eu-west-1' }), state)
    expect(E.isLeft(elsewhere) && elsewhere.left.message).toMatch(
      /the state is of registry 123456789012 in us-east-1, the twin of 123456789012 in eu-west-1/
    )
    expect(Arb.seedTwin(twin(), { ...state, repositories: [] })).toEqual(E.right([]))
  })
})
