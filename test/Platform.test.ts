import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { describe, expect, it } from 'vitest'
import * as Manifest from '../src/Manifest'
import * as Platform from '../src/Platform'

// -------------------------------------------------------------------------------------
// arbitraries
// -------------------------------------------------------------------------------------

const part = fc.stringMatching(/^[A-Za-z0-9_.-]{1,10}$/)

/** Platforms whose text form parses back: every part in the `os/arch[/variant]` alphabet. */
const textual: fc.Arbitrary<Platform.Platform> = fc.record(
  { os: part, architecture: part, variant: part },
  { requiredKeys: ['os', 'architecture'], noNullPrototype: true }
)

const text = fc.string({ maxLength: 12 })

/** Platforms as indexes write them, with the names normalisation knows about. */
const platform: fc.Arbitrary<Platform.Platform> = fc.record(
  {
    os: fc.constantFrom('linux', 'Linux', 'windows', 'darwin', 'unknown'),
    architecture: fc.constantFrom(
      'amd64',
      'x86_64',
      'x86-64',
      'arm64',
      'aarch64',
      'arm',
      'armhf',
      'armel',
      '386',
      'i386',
      'ppc64le',
      'unknown'
    ),
    variant: fc.constantFrom('', 'v1', 'v5', 'v6', 'v7', 'v8', '7', '8', 'V8'),
    'os.version': text,
    'os.features': fc.array(text, { maxLength: 3 }),
    features: fc.array(text, { maxLength: 3 })
  },
  { requiredKeys: ['os', 'architecture'], noNullPrototype: true }
)

const entry = fc.record(
  {
    id: fc.nat(),
    platform,
    annotations: fc.constantFrom<Readonly<Record<string, string>>>(
      {},
      { 'vnd.docker.reference.type': 'attestation-manifest' },
      { 'org.opencontainers.image.title': 'x' }
    )
  },
  { requiredKeys: ['id'], noNullPrototype: true }
)

// -------------------------------------------------------------------------------------
// parse / format
// -------------------------------------------------------------------------------------

describe('Platform.parse / format', () => {
  it('parse(format(p)) = p for every platform written in the text alphabet', () => {
    fc.assert(
      fc.property(textual, (p) => {
        expect(Platform.parse(Platform.format(p))).toStrictEqual(E.right(p))
      }),
      { numRuns: 2_000 }
    )
  })

  it('format(parse(s)) = s for every valid string', () => {
    const valid = fc.tuple(part, part, fc.option(part, { nil: undefined })).map(([o, a, v]) =>
      v === undefined ? `${o}/${a}` : `${o}/${a}/${v}`
    )
    fc.assert(
      fc.property(valid, (s) => {
        const p = Platform.parse(s)
        expect(E.isRight(p) && Platform.format(p.right)).toBe(s)
      }),
      { numRuns: 2_000 }
    )
  })

  it('rejects, with an InvalidArgument quoting the input, every string of the wrong shape', () => {
    const wrong = fc.oneof(
      part,
      fc.tuple(part, part, part, part).map((ps) => ps.join('/')),
      fc.tuple(part, part).map(([o, a]) => `${o}//${a}`),
      fc.tuple(part, part, fc.constantFrom(' ', ':', '@', '\n', 'é', '+')).map(([o, a, c]) => `${o}/${a}${c}`),
      fc.tuple(part, part).map(([o, a]) => `/${o}/${a}`),
      fc.tuple(part, part).map(([o, a]) => `${o}/${a}/`)
    )
    fc.assert(
      fc.property(wrong, (s) => {
        const r = Platform.parse(s)
        expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
        expect(E.isLeft(r) && r.left.message.startsWith(`not a platform: ${JSON.stringify(s)}`)).toBe(true)
      }),
      { numRuns: 2_000 }
    )
  })

  it('accepts a string exactly when it has two or three parts in the alphabet', () => {
    const shape = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)?$/
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom('a', '1', '/', '.', '-', '_', ' ') })), (s) => {
        expect(E.isRight(Platform.parse(s))).toBe(shape.test(s))
      }),
      { numRuns: 5_000 }
    )
  })

  it('format leaves out an empty variant', () => {
    expect(Platform.format({ os: 'linux', architecture: 'amd64', variant: '' })).toBe('linux/amd64')
  })
})

// -------------------------------------------------------------------------------------
// codec
// -------------------------------------------------------------------------------------

describe('Platform.PlatformC', () => {
  it('decode(encode(p)) = p, and is(p)', () => {
    fc.assert(
      fc.property(platform, (p) => {
        expect(Platform.PlatformC.decode(Platform.PlatformC.encode(p))).toStrictEqual(E.right(p))
        expect(Platform.PlatformC.is(p)).toBe(true)
      }),
      { numRuns: 1_000 }
    )
  })

  it('drops unknown fields and names the failing path', () => {
    expect(Platform.PlatformC.decode({ os: 'linux', architecture: 'arm64', extra: 1 })).toStrictEqual(
      E.right({ os: 'linux', architecture: 'arm64' })
    )
    const r = Manifest.parse(
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: 'x', digest: `sha256:${'a'.repeat(64)}`, size: 1, platform: { os: 'linux', architecture: 5 } }]
      })
    )
    expect(E.isLeft(r) && r.left._tag === 'DecodeError' && r.left.errors).toStrictEqual([
      '/manifests/0/platform/architecture: expected string, got 5'
    ])
  })

  it('decode of any value is an Either, agreeing with is', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), platform), (u) => {
        const d = Platform.PlatformC.decode(u)
        expect(E.isLeft(d) || E.isRight(d)).toBe(true)
        if (E.isRight(d)) expect(Platform.PlatformC.is(d.right)).toBe(true)
        if (Platform.PlatformC.is(u)) expect(E.isRight(d)).toBe(true)
      }),
      { numRuns: 2_000 }
    )
  })
})

// -------------------------------------------------------------------------------------
// normalise / matches
// -------------------------------------------------------------------------------------

describe('Platform.normalise / matches', () => {
  it.each([
    [{ os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    [{ os: 'linux', architecture: 'aarch64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    [{ os: 'linux', architecture: 'arm' }, { os: 'linux', architecture: 'arm', variant: 'v7' }],
    [{ os: 'linux', architecture: 'armhf' }, { os: 'linux', architecture: 'arm', variant: 'v7' }],
    [{ os: 'linux', architecture: 'armel' }, { os: 'linux', architecture: 'arm', variant: 'v6' }],
    [{ os: 'linux', architecture: 'arm', variant: '6' }, { os: 'linux', architecture: 'arm', variant: 'v6' }],
    [{ os: 'Linux', architecture: 'X86_64' }, { os: 'linux', architecture: 'amd64' }],
    [{ os: 'linux', architecture: 'amd64', variant: 'v1' }, { os: 'linux', architecture: 'amd64' }],
    [{ os: 'linux', architecture: 'amd64', variant: 'v3' }, { os: 'linux', architecture: 'amd64', variant: 'v3' }],
    [{ os: 'linux', architecture: 'i386' }, { os: 'linux', architecture: '386' }],
    [{ os: 'windows', architecture: 'amd64', 'os.version': '10.0' }, { os: 'windows', architecture: 'amd64' }]
  ])('%j normalises to %j', (p, expected) => {
    expect(Platform.normalise(p)).toStrictEqual(expected)
  })

  it('normalise is idempotent and matches(p, normalise(p))', () => {
    fc.assert(
      fc.property(platform, (p) => {
        const n = Platform.normalise(p)
        expect(Platform.normalise(n)).toStrictEqual(n)
        expect(Platform.matches(p, n)).toBe(true)
      }),
      { numRuns: 2_000 }
    )
  })

  it('matches is an equivalence: reflexive, symmetric, transitive', () => {
    fc.assert(
      fc.property(platform, platform, platform, (a, b, c) => {
        expect(Platform.matches(a, a)).toBe(true)
        expect(Platform.matches(a, b)).toBe(Platform.matches(b, a))
        if (Platform.matches(a, b) && Platform.matches(b, c)) expect(Platform.matches(a, c)).toBe(true)
        expect(Platform.matches(a, b)).toStrictEqual(
          JSON.stringify(Platform.normalise(a)) === JSON.stringify(Platform.normalise(b))
        )
      }),
      { numRuns: 2_000 }
    )
  })

  it('arm64/v9 is not arm64, arm/v6 is not arm', () => {
    expect(Platform.matches({ os: 'linux', architecture: 'arm64', variant: 'v9' }, { os: 'linux', architecture: 'arm64' })).toBe(false)
    expect(Platform.matches({ os: 'linux', architecture: 'arm', variant: 'v6' }, { os: 'linux', architecture: 'arm' })).toBe(false)
  })
})

// -------------------------------------------------------------------------------------
// select / offered
// -------------------------------------------------------------------------------------

describe('Platform.select / offered', () => {
  const runnable = (e: Platform.Entry): boolean => e.platform !== undefined && !Platform.isAttestation(e)

  it('selects a runnable entry that matches, preferring an exact one, else the first match', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), platform, (entries, p) => {
        const r = Platform.select(entries, p)
        const exact = entries.find(
          (e) =>
            runnable(e) &&
            e.platform?.os === p.os &&
            e.platform.architecture === p.architecture &&
            (e.platform.variant || undefined) === (p.variant || undefined)
        )
        const first = entries.find((e) => runnable(e) && e.platform !== undefined && Platform.matches(e.platform, p))
        expect(r).toStrictEqual(O.fromNullable(exact ?? first))
      }),
      { numRuns: 2_000 }
    )
  })

  it('finds every runnable entry by its own platform (or an earlier entry of the same platform)', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
        entries.forEach((e, i) => {
          if (e.platform !== undefined && runnable(e)) {
            const r = Platform.select(entries, e.platform)
            expect(O.isSome(r) && entries.indexOf(r.value) <= i).toBe(true)
          }
        })
      }),
      { numRuns: 1_000 }
    )
  })

  it('offered lists the runnable platforms in order', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
        expect(Platform.offered(entries)).toStrictEqual(entries.filter(runnable).map((e) => e.platform))
      }),
      { numRuns: 1_000 }
    )
  })

  it('never selects an attestation or an entry without a platform', () => {
    const attestation = { id: 1, platform: { os: 'unknown', architecture: 'unknown' } }
    const annotated = {
      id: 2,
      platform: { os: 'linux', architecture: 'amd64' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
    }
    const bare: Platform.Entry & { readonly id: number } = { id: 3 }
    expect(Platform.select([attestation, annotated, bare], { os: 'unknown', architecture: 'unknown' })).toStrictEqual(O.none)
    expect(Platform.select([attestation, annotated, bare], Platform.defaultPlatform)).toStrictEqual(O.none)
    expect(Platform.offered([attestation, annotated, bare])).toStrictEqual([])
  })

  it('Manifest re-exports the same functions under their 0.1 names', () => {
    expect(Manifest.parsePlatform).toBe(Platform.parse)
    expect(Manifest.platformToString).toBe(Platform.format)
    expect(Manifest.PlatformC).toBe(Platform.PlatformC)
    expect(Manifest.defaultPlatform).toBe(Platform.defaultPlatform)
    expect(Manifest.isAttestation).toBe(Platform.isAttestation)
  })
})
