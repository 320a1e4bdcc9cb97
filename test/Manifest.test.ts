import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { describe, expect, it } from 'vitest'
import * as Manifest from '../src/Manifest'
import { isImageDigest, type ImageDigest } from '../src/Primitives'

// -------------------------------------------------------------------------------------
// helpers and arbitraries
// -------------------------------------------------------------------------------------

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

const dg = (c: string): ImageDigest => `sha256:${c.repeat(64)}` as ImageDigest

const digestArb: fc.Arbitrary<ImageDigest> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `sha256:${hex(b)}` as ImageDigest)
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => `sha512:${hex(b)}` as ImageDigest)
  }
)

const text = fc.string({ unit: 'grapheme', maxLength: 20 })

const stringMap = fc.dictionary(text, text, { noNullPrototype: true, maxKeys: 4 })

const platformArb: fc.Arbitrary<Manifest.Platform> = fc.record(
  {
    os: fc.constantFrom('linux', 'windows', 'darwin', 'unknown'),
    architecture: fc.constantFrom('amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x', 'riscv64', 'unknown'),
    variant: fc.constantFrom('v5', 'v6', 'v7', 'v8', 'v1', 'v2', 'v3'),
    'os.version': text,
    'os.features': fc.array(text, { maxLength: 3 }),
    features: fc.array(text, { maxLength: 3 })
  },
  { requiredKeys: ['os', 'architecture'], noNullPrototype: true }
)

const descriptorArb: fc.Arbitrary<Manifest.Descriptor> = fc.record(
  {
    mediaType: fc.oneof(fc.constantFrom(...Object.values(Manifest.MediaType)), text),
    digest: digestArb,
    size: fc.maxSafeNat(),
    artifactType: text,
    urls: fc.array(fc.webUrl(), { maxLength: 2 }),
    annotations: stringMap,
    data: fc.base64String({ maxLength: 40 }),
    platform: platformArb
  },
  { requiredKeys: ['mediaType', 'digest', 'size'], noNullPrototype: true }
)

const descriptors = fc.array(descriptorArb, { maxLength: 5 })

const dockerManifestArb: fc.Arbitrary<Manifest.DockerManifest> = fc.record(
  {
    _tag: fc.constant('DockerManifest' as const),
    schemaVersion: fc.constant(2 as const),
    mediaType: fc.constant(Manifest.MediaType.dockerManifest),
    config: descriptorArb,
    layers: descriptors
  },
  { noNullPrototype: true }
)

const dockerManifestListArb: fc.Arbitrary<Manifest.DockerManifestList> = fc.record(
  {
    _tag: fc.constant('DockerManifestList' as const),
    schemaVersion: fc.constant(2 as const),
    mediaType: fc.constant(Manifest.MediaType.dockerManifestList),
    manifests: descriptors
  },
  { noNullPrototype: true }
)

const ociManifestArb: fc.Arbitrary<Manifest.OciManifest> = fc.record(
  {
    _tag: fc.constant('OciManifest' as const),
    schemaVersion: fc.constant(2 as const),
    mediaType: fc.constant(Manifest.MediaType.ociManifest),
    artifactType: text,
    config: descriptorArb,
    layers: descriptors,
    subject: descriptorArb,
    annotations: stringMap
  },
  { requiredKeys: ['_tag', 'schemaVersion', 'mediaType', 'config', 'layers'], noNullPrototype: true }
)

const ociIndexArb: fc.Arbitrary<Manifest.OciIndex> = fc.record(
  {
    _tag: fc.constant('OciIndex' as const),
    schemaVersion: fc.constant(2 as const),
    mediaType: fc.constant(Manifest.MediaType.ociIndex),
    artifactType: text,
    manifests: descriptors,
    subject: descriptorArb,
    annotations: stringMap
  },
  { requiredKeys: ['_tag', 'schemaVersion', 'mediaType', 'manifests'], noNullPrototype: true }
)

const manifestArb: fc.Arbitrary<Manifest.Manifest> = fc.oneof(
  dockerManifestArb,
  dockerManifestListArb,
  ociManifestArb,
  ociIndexArb
)

const errorsOf = (r: E.Either<unknown, unknown>): ReadonlyArray<string> =>
  E.isLeft(r) && typeof r.left === 'object' && r.left !== null && (r.left as { _tag?: unknown })._tag === 'DecodeError'
    ? (r.left as { errors: ReadonlyArray<string> }).errors
    : []

const layer = (c: string, size = 10) => ({ mediaType: Manifest.MediaType.ociLayerGzip, digest: dg(c), size })

const ociImage = {
  schemaVersion: 2,
  mediaType: Manifest.MediaType.ociManifest,
  config: { mediaType: Manifest.MediaType.ociConfig, digest: dg('c'), size: 1470 },
  layers: [layer('1', 3_000_000), layer('2', 42)]
}

// -------------------------------------------------------------------------------------
// digest
// -------------------------------------------------------------------------------------

describe('digest', () => {
  it.each([
    ['', 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['{}', 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'],
    ['abc', 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad']
  ])('digest(%j) is the known sha256', (input, expected) => {
    expect(Manifest.digest(input)).toBe(expected)
  })

  it('hashes the UTF-8 bytes, not UTF-16 code units', () => {
    expect(Manifest.digest('é')).toBe(Manifest.digestBytes(new Uint8Array([0xc3, 0xa9])))
    expect(Manifest.digest('é')).not.toBe(Manifest.digestBytes(new Uint8Array([0xe9])))
  })

  it('is sensitive to every byte (whitespace changes the digest)', () => {
    expect(Manifest.digest('{}')).not.toBe(Manifest.digest('{ }'))
  })

  it('digest(text) = digestBytes(utf8(text)) and is a valid ImageDigest', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const d = Manifest.digest(s)
        expect(isImageDigest(d)).toBe(true)
        expect(d).toBe(Manifest.digestBytes(new TextEncoder().encode(s)))
      })
    )
  })
})

// -------------------------------------------------------------------------------------
// parse: round trips
// -------------------------------------------------------------------------------------

describe('parse / toJson round trip', () => {
  it('parse(toJson(m)) = m for all four manifest kinds', () => {
    fc.assert(
      fc.property(manifestArb, (m) => {
        expect(Manifest.parse(Manifest.toJson(m))).toStrictEqual(E.right(m))
      }),
      { numRuns: 500 }
    )
  })

  it('codec.decode(codec.encode(m)) = m, and encode drops the _tag', () => {
    fc.assert(
      fc.property(manifestArb, (m) => {
        const json = Manifest.codec.encode(m)
        expect('_tag' in json).toBe(false)
        expect(json.mediaType).toBe(m.mediaType)
        expect(Manifest.codec.decode(json)).toStrictEqual(E.right(m))
        expect(Manifest.codec.is(m)).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it('each kind decodes with its own codec', () => {
    fc.assert(
      fc.property(manifestArb, (m) => {
        const json = JSON.parse(Manifest.toJson(m)) as unknown
        const own = Manifest.match<E.Either<unknown, Manifest.Manifest>>({
          DockerManifest: () => Manifest.DockerManifestC.decode(json),
          DockerManifestList: () => Manifest.DockerManifestListC.decode(json),
          OciManifest: () => Manifest.OciManifestC.decode(json),
          OciIndex: () => Manifest.OciIndexC.decode(json)
        })(m)
        expect(own).toStrictEqual(E.right(m))
      }),
      { numRuns: 200 }
    )
  })

  it('parses the text of a manifest with the _tag left in (an unknown field) to the same value', () => {
    fc.assert(
      fc.property(manifestArb, (m) => {
        expect(Manifest.parse(JSON.stringify(m))).toStrictEqual(E.right(m))
      }),
      { numRuns: 200 }
    )
  })

  it('an OCI manifest or index without mediaType gets the OCI media type', () => {
    fc.assert(
      fc.property(fc.oneof(ociManifestArb, ociIndexArb), (m) => {
        const { mediaType: _dropped, ...json } = Manifest.codec.encode(m)
        expect(Manifest.parse(JSON.stringify(json))).toStrictEqual(E.right(m))
      }),
      { numRuns: 200 }
    )
  })

  it('drops fields the model does not name, keeps the ones it does', () => {
    const r = Manifest.parse(
      JSON.stringify({
        ...ociImage,
        extra: true,
        config: { ...ociImage.config, extra: 1, platform: { os: 'linux', architecture: 'amd64', x: 1 } }
      })
    )
    expect(r).toStrictEqual(
      E.right({
        _tag: 'OciManifest',
        schemaVersion: 2,
        mediaType: Manifest.MediaType.ociManifest,
        config: { ...ociImage.config, platform: { os: 'linux', architecture: 'amd64' } },
        layers: ociImage.layers
      })
    )
  })

  it('toJson writes fields in a fixed order', () => {
    const r = Manifest.parse(
      JSON.stringify({
        layers: [{ size: 1, digest: dg('1'), mediaType: 'l' }],
        config: { size: 2, digest: dg('c'), mediaType: 'c' },
        mediaType: Manifest.MediaType.dockerManifest,
        schemaVersion: 2
      })
    )
    expect(E.isRight(r) && Manifest.toJson(r.right)).toBe(
      `{"schemaVersion":2,"mediaType":"${Manifest.MediaType.dockerManifest}",` +
        `"config":{"mediaType":"c","digest":"${dg('c')}","size":2},` +
        `"layers":[{"mediaType":"l","digest":"${dg('1')}","size":1}]}`
    )
  })
})

// -------------------------------------------------------------------------------------
// parse: totality
// -------------------------------------------------------------------------------------

const isDecodeErrorOrManifest = (r: E.Either<unknown, Manifest.Manifest>): boolean =>
  E.isRight(r) ? Manifest.codec.is(r.right) : errorsOf(r).length > 0 && errorsOf(r).every((e) => e.startsWith('/'))

describe('parse never throws', () => {
  it('on arbitrary strings (10,000 runs)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(isDecodeErrorOrManifest(Manifest.parse(s))).toBe(true)
      }),
      { numRuns: 10_000 }
    )
  })

  it('on arbitrary JSON (10,000 runs)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (j) => {
        expect(isDecodeErrorOrManifest(Manifest.parse(JSON.stringify(j)))).toBe(true)
      }),
      { numRuns: 10_000 }
    )
  })

  it('on JSON objects with manifest-like keys and arbitrary values (10,000 runs)', () => {
    const key = fc.constantFrom(
      'schemaVersion',
      'mediaType',
      'config',
      'layers',
      'manifests',
      'subject',
      'annotations',
      'artifactType',
      'toString',
      '__proto__',
      'constructor'
    )
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue({ maxDepth: 3 })), (o) => {
        expect(isDecodeErrorOrManifest(Manifest.parse(JSON.stringify(o)))).toBe(true)
      }),
      { numRuns: 10_000 }
    )
  })

  it('on valid manifests with one field replaced by arbitrary JSON (10,000 runs)', () => {
    const fields = ['schemaVersion', 'mediaType', 'config', 'layers', 'manifests', 'subject', 'annotations']
    fc.assert(
      fc.property(manifestArb, fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 2 }), (m, k, v) => {
        const json = { ...(JSON.parse(Manifest.toJson(m)) as Record<string, unknown>), [k]: v }
        expect(isDecodeErrorOrManifest(Manifest.parse(JSON.stringify(json)))).toBe(true)
      }),
      { numRuns: 10_000 }
    )
  })

  it('on a null-prototype object given to the codec directly', () => {
    const o = Object.assign(Object.create(null) as object, { schemaVersion: 2, manifests: [] })
    expect(E.isRight(Manifest.codec.decode(o))).toBe(true)
    expect(E.isLeft(Manifest.codec.decode(Object.create(null)))).toBe(true)
  })
})

// -------------------------------------------------------------------------------------
// parse: errors name the failing path
// -------------------------------------------------------------------------------------

describe('invalid manifests name the failing path', () => {
  const cases: ReadonlyArray<readonly [string, unknown, string]> = [
    ['not JSON', undefined, '/: not JSON'],
    ['a JSON array', [], '/: expected a JSON object'],
    ['a JSON string', 'manifest', '/: expected a JSON object'],
    ['null', null, '/: expected a JSON object'],
    ['schemaVersion 3', { ...ociImage, schemaVersion: 3 }, '/schemaVersion: expected 2, got 3'],
    ['schemaVersion "2"', { ...ociImage, schemaVersion: '2' }, '/schemaVersion: expected 2, got "2"'],
    ['schemaVersion missing', { ...ociImage, schemaVersion: undefined }, '/schemaVersion: missing'],
    [
      'bad layer digest',
      { ...ociImage, layers: [layer('1'), { ...layer('2'), digest: 'sha256:abc' }] },
      '/layers/1/digest: '
    ],
    ['upper-case hex digest', { ...ociImage, layers: [{ ...layer('1'), digest: dg('A') }] }, '/layers/0/digest: '],
    [
      'negative size',
      { ...ociImage, config: { ...ociImage.config, size: -1 } },
      '/config/size: expected a non-negative safe integer, got -1'
    ],
    ['fractional size', { ...ociImage, layers: [{ ...layer('1'), size: 1.5 }] }, '/layers/0/size: '],
    ['unsafe size', { ...ociImage, layers: [{ ...layer('1'), size: 2 ** 53 }] }, '/layers/0/size: '],
    ['size as a string', { ...ociImage, layers: [{ ...layer('1'), size: '10' }] }, '/layers/0/size: '],
    [
      'layer missing mediaType',
      { ...ociImage, layers: [{ digest: dg('1'), size: 1 }] },
      '/layers/0/mediaType: missing'
    ],
    ['layers not an array', { ...ociImage, layers: {} }, '/layers: expected an array of descriptors'],
    ['layer not an object', { ...ociImage, layers: [7] }, '/layers/0: expected Descriptor, got 7'],
    ['config missing', { ...ociImage, config: undefined }, '/config: missing'],
    ['layers missing', { ...ociImage, layers: undefined }, '/layers: missing'],
    [
      'annotation value not a string',
      { ...ociImage, annotations: { 'org.opencontainers/x': 1 } },
      '/annotations/org.opencontainers~1x: expected string, got 1'
    ],
    [
      'platform without architecture',
      { schemaVersion: 2, manifests: [{ ...layer('1'), platform: { os: 'linux' } }] },
      '/manifests/0/platform/architecture: missing'
    ],
    ['manifests not an array', { schemaVersion: 2, manifests: 'x' }, '/manifests: expected an array of descriptors'],
    [
      'unknown mediaType',
      { ...ociImage, mediaType: 'application/json' },
      '/mediaType: unsupported manifest media type "application/json"'
    ],
    ['mediaType not a string', { ...ociImage, mediaType: 5 }, '/mediaType: unsupported manifest media type 5'],
    [
      'Docker manifest with a bad config size',
      { ...ociImage, mediaType: Manifest.MediaType.dockerManifest, config: { ...ociImage.config, size: 'big' } },
      '/config/size: '
    ],
    [
      'index mediaType on an image manifest',
      { ...ociImage, mediaType: Manifest.MediaType.ociIndex },
      '/config: not allowed in an OCI image index'
    ],
    [
      'manifest-list mediaType on an image manifest',
      { ...ociImage, mediaType: Manifest.MediaType.dockerManifestList, config: undefined },
      '/layers: not allowed in a Docker manifest list'
    ],
    [
      'image mediaType on an index',
      { schemaVersion: 2, mediaType: Manifest.MediaType.dockerManifest, manifests: [] },
      '/manifests: not allowed in a Docker image manifest'
    ],
    [
      'ambiguous content without mediaType',
      { schemaVersion: 2, manifests: [], config: ociImage.config, layers: [] },
      '/manifests: ambiguous manifest without mediaType'
    ],
    ['neither an index nor a manifest', { schemaVersion: 2 }, '/: not a manifest'],
    [
      'Docker schema 1 by version',
      { schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [] },
      '/schemaVersion: Docker image manifest schema 1 is not supported'
    ],
    [
      'Docker schema 1 by mediaType',
      { schemaVersion: 2, mediaType: Manifest.MediaType.dockerSchema1SignedManifest },
      '/schemaVersion: Docker image manifest schema 1 is not supported'
    ]
  ]

  it.each(cases)('%s', (_name, json, expected) => {
    const r = Manifest.parse(json === undefined ? '{"schemaVersion":' : JSON.stringify(json))
    expect(E.isLeft(r) && r.left._tag).toBe('DecodeError')
    expect(E.isLeft(r) && r.left._tag === 'DecodeError' && r.left.what).toBe('Manifest')
    const errors = errorsOf(r)
    expect(
      errors.some((e) => e.startsWith(expected)),
      `${JSON.stringify(errors)} has ${expected}`
    ).toBe(true)
  })

  it('reports every failing path, once each', () => {
    const r = Manifest.parse(
      JSON.stringify({ ...ociImage, schemaVersion: 3, layers: [{ digest: 'x', size: 1, mediaType: 'm' }, 5] })
    )
    expect(errorsOf(r)).toStrictEqual([
      '/schemaVersion: expected 2, got 3',
      '/layers/0/digest: not a valid ImageDigest: "x"',
      '/layers/1: expected Descriptor, got 5'
    ])
    expect(E.isLeft(r) && r.left.message.startsWith('cannot decode Manifest: /schemaVersion: expected 2')).toBe(true)
  })

  it('a sha512 digest is accepted', () => {
    const d = `sha512:${'a'.repeat(128)}`
    const r = Manifest.parse(JSON.stringify({ ...ociImage, layers: [{ ...layer('1'), digest: d }] }))
    expect(E.isRight(r) && Manifest.layers(r.right)[0]?.digest).toBe(d)
  })
})

// -------------------------------------------------------------------------------------
// accessors
// -------------------------------------------------------------------------------------

const dockerImageText = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 7023, digest: dg('7') },
  layers: [
    { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 32654, digest: dg('e') },
    { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 16724, digest: dg('3') },
    { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 73109, digest: dg('b') }
  ]
})

const entry = (c: string, platform: Manifest.Platform | undefined, annotations?: Record<string, string>) => ({
  mediaType: Manifest.MediaType.ociManifest,
  digest: dg(c),
  size: 1000,
  ...(platform === undefined ? {} : { platform }),
  ...(annotations === undefined ? {} : { annotations })
})

const indexOf = (
  entries: ReadonlyArray<unknown>,
  mediaType: string = Manifest.MediaType.ociIndex
): Manifest.Manifest => {
  const r = Manifest.parse(JSON.stringify({ schemaVersion: 2, mediaType, manifests: entries }))
  if (E.isLeft(r)) {
    throw new Error(r.left.message)
  }
  return r.right
}

describe('layers, config, children, isIndex', () => {
  it('read a Docker image manifest', () => {
    const r = Manifest.parse(dockerImageText)
    expect(E.isRight(r)).toBe(true)
    if (E.isRight(r)) {
      const m = r.right
      expect(m._tag).toBe('DockerManifest')
      expect(Manifest.isIndex(m)).toBe(false)
      expect(Manifest.layers(m).map((l) => l.size)).toStrictEqual([32654, 16724, 73109])
      expect(Manifest.config(m)).toStrictEqual(
        O.some({ mediaType: Manifest.MediaType.dockerConfig, digest: dg('7'), size: 7023 })
      )
      expect(Manifest.children(m)).toStrictEqual([])
      expect(Manifest.selectPlatform(m, Manifest.defaultPlatform)).toStrictEqual(O.none)
    }
  })

  it('read an index', () => {
    const m = indexOf([entry('a', { os: 'linux', architecture: 'amd64' })], Manifest.MediaType.dockerManifestList)
    expect(m._tag).toBe('DockerManifestList')
    expect(Manifest.isIndex(m)).toBe(true)
    expect(Manifest.layers(m)).toStrictEqual([])
    expect(Manifest.config(m)).toStrictEqual(O.none)
    expect(Manifest.children(m).map((d) => d.digest)).toStrictEqual([dg('a')])
  })

  it('agree with the kind for every generated manifest', () => {
    fc.assert(
      fc.property(manifestArb, (m) => {
        const index = m._tag === 'DockerManifestList' || m._tag === 'OciIndex'
        expect(Manifest.isIndex(m)).toBe(index)
        expect(O.isNone(Manifest.config(m))).toBe(index)
        if (index) {
          expect(Manifest.layers(m)).toStrictEqual([])
          expect(Manifest.children(m)).toBe(m.manifests)
        } else {
          expect(Manifest.children(m)).toStrictEqual([])
          expect(Manifest.layers(m)).toBe(m.layers)
        }
      })
    )
  })
})

// -------------------------------------------------------------------------------------
// platforms
// -------------------------------------------------------------------------------------

describe('selectPlatform', () => {
  const attestation = (c: string, ref: string) =>
    entry(
      c,
      { os: 'unknown', architecture: 'unknown' },
      {
        'vnd.docker.reference.digest': ref,
        'vnd.docker.reference.type': 'attestation-manifest'
      }
    )

  // What `docker buildx build --platform linux/amd64,linux/arm64` pushes: images, then attestations.
  const buildx = indexOf([
    entry('a', { os: 'linux', architecture: 'amd64' }),
    entry('b', { os: 'linux', architecture: 'arm64' }),
    attestation('c', dg('a')),
    attestation('d', dg('b'))
  ])

  const multi = indexOf([
    entry('1', { os: 'linux', architecture: 'amd64', variant: 'v1' }),
    entry('2', { os: 'linux', architecture: 'arm', variant: 'v6' }),
    entry('3', { os: 'linux', architecture: 'arm', variant: 'v7' }),
    entry('4', { os: 'linux', architecture: 'arm64', variant: 'v8' }),
    entry('5', { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1' }),
    entry('6', undefined),
    entry('7', { os: 'linux', architecture: 'ppc64le' })
  ])

  const exactFirst = indexOf([
    entry('1', { os: 'linux', architecture: 'arm64', variant: 'v8' }),
    entry('2', { os: 'linux', architecture: 'arm64' })
  ])

  const annotatedOnly = indexOf([
    entry('1', { os: 'linux', architecture: 'amd64' }, { 'vnd.docker.reference.type': 'attestation-manifest' }),
    entry('2', { os: 'linux', architecture: 'amd64' })
  ])

  const table: ReadonlyArray<readonly [string, Manifest.Manifest, string, string | undefined]> = [
    ['buildx: amd64', buildx, 'linux/amd64', 'a'],
    ['buildx: arm64', buildx, 'linux/arm64', 'b'],
    ['buildx: arm64/v8 matches arm64 without variant', buildx, 'linux/arm64/v8', 'b'],
    ['buildx: arm is not offered', buildx, 'linux/arm/v7', undefined],
    ['buildx: attestations are never selected', buildx, 'unknown/unknown', undefined],
    ['multi: amd64 matches amd64/v1', multi, 'linux/amd64', '1'],
    ['multi: amd64/v1 matches exactly', multi, 'linux/amd64/v1', '1'],
    ['multi: arm without variant is arm/v7', multi, 'linux/arm', '3'],
    ['multi: arm/v6', multi, 'linux/arm/v6', '2'],
    ['multi: arm/7 normalises to v7', multi, 'linux/arm/7', '3'],
    ['multi: arm64 matches arm64/v8', multi, 'linux/arm64', '4'],
    ['multi: aarch64 is arm64', multi, 'linux/aarch64', '4'],
    ['multi: x86_64 is amd64', multi, 'linux/x86_64', '1'],
    ['multi: os is compared without case', multi, 'Linux/ppc64le', '7'],
    ['multi: windows', multi, 'windows/amd64', '5'],
    ['multi: s390x missing', multi, 'linux/s390x', undefined],
    ['multi: arm64/v9 is not v8', multi, 'linux/arm64/v9', undefined],
    ['exact match wins over an earlier normalised one', exactFirst, 'linux/arm64', '2'],
    ['exact match wins (v8 requested)', exactFirst, 'linux/arm64/v8', '1'],
    ['attestation by annotation only is skipped', annotatedOnly, 'linux/amd64', '2']
  ]

  it.each(table)('%s', (_name, index, platform, expected) => {
    const p = Manifest.parsePlatform(platform)
    expect(E.isRight(p)).toBe(true)
    if (E.isRight(p)) {
      expect(Manifest.selectPlatform(index, p.right)).toStrictEqual(
        expected === undefined ? O.none : O.some(expect.objectContaining({ digest: dg(expected) }))
      )
    }
  })

  it('always returns an entry of the index with a platform that is not an attestation', () => {
    fc.assert(
      fc.property(fc.oneof(dockerManifestListArb, ociIndexArb), platformArb, (m, p) => {
        const r = Manifest.selectPlatform(m, p)
        if (O.isSome(r)) {
          expect(m.manifests).toContain(r.value)
          expect(r.value.platform).toBeDefined()
          expect(Manifest.isAttestation(r.value)).toBe(false)
        }
      })
    )
  })

  it('finds every listed platform of an index by its own platform', () => {
    fc.assert(
      fc.property(fc.oneof(dockerManifestListArb, ociIndexArb), (m) => {
        for (const d of m.manifests) {
          if (d.platform !== undefined && !Manifest.isAttestation(d)) {
            const r = Manifest.selectPlatform(m, d.platform)
            // the first entry with the same os/architecture/variant, which may be another one
            expect(O.isSome(r) && r.value.platform && Manifest.platformToString(r.value.platform)).toBe(
              Manifest.platformToString(d.platform)
            )
            expect(O.isSome(r) && m.manifests.indexOf(r.value) <= m.manifests.indexOf(d)).toBe(true)
          }
        }
      })
    )
  })

  it('platforms lists the non-attestation platforms in order', () => {
    expect(Manifest.platforms(buildx).map(Manifest.platformToString)).toStrictEqual(['linux/amd64', 'linux/arm64'])
    expect(Manifest.platforms(multi)).toHaveLength(6)
  })
})

describe('parsePlatform / platformToString', () => {
  it.each([
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ['windows/amd64', { os: 'windows', architecture: 'amd64' }]
  ])('parses %s', (s, p) => {
    expect(Manifest.parsePlatform(s)).toStrictEqual(E.right(p))
  })

  it.each(['', 'linux', 'linux/', '/amd64', 'linux/arm/v7/extra', 'linux amd64', 'linux//v7'])('rejects %j', (s) => {
    const r = Manifest.parsePlatform(s)
    expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
  })

  it('round trips', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9_.-]{1,10}$/)
    fc.assert(
      fc.property(
        fc.record(
          { os: part, architecture: part, variant: part },
          { requiredKeys: ['os', 'architecture'], noNullPrototype: true }
        ),
        (p) => {
          expect(Manifest.parsePlatform(Manifest.platformToString(p))).toStrictEqual(E.right(p))
        }
      )
    )
  })

  it('defaultPlatform is linux/amd64', () => {
    expect(Manifest.defaultPlatform).toStrictEqual({ os: 'linux', architecture: 'amd64' })
  })
})

describe('constants', () => {
  it('accept lists the four manifest media types', () => {
    expect(Manifest.accept.split(', ').sort()).toStrictEqual(
      [
        'application/vnd.docker.distribution.manifest.v2+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.oci.image.index.v1+json'
      ].sort()
    )
  })

  it('layer media types include gzip, zstd and foreign layers', () => {
    expect(Manifest.MediaType.ociLayerZstd).toBe('application/vnd.oci.image.layer.v1.tar+zstd')
    expect(Manifest.MediaType.ociLayerGzip).toBe('application/vnd.oci.image.layer.v1.tar+gzip')
    expect(Manifest.MediaType.dockerForeignLayer).toBe('application/vnd.docker.image.rootfs.foreign.diff.tar.gzip')
    expect(Manifest.MediaType.dockerConfig).toBe('application/vnd.docker.container.image.v1+json')
    expect(Manifest.MediaType.ociConfig).toBe('application/vnd.oci.image.config.v1+json')
  })
})
