/**
 * Image manifests as ECR stores them: Docker image manifests (schema 2), Docker manifest lists, OCI
 * image manifests and OCI image indexes. `parse` turns a manifest's text into a tagged record, with
 * errors that name the failing path; `digest` computes the content digest of the exact text; and
 * `selectPlatform` picks one platform's manifest out of an index (platforms themselves are the
 * `Platform` module's: this module re-exports its names under their 0.1 names).
 *
 * Parsing keeps the fields this model names and drops the others, so `toJson` of a parsed manifest
 * is a faithful manifest but not byte-identical to the text it came from: use the original text
 * (and `digest` of it) when pushing or verifying a manifest.
 *
 * @since 0.1.0
 */
import { createHash } from 'node:crypto'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as t from 'io-ts'
import type { EcrError } from './EcrError'
import {
  decodeJson,
  failAt,
  isObject,
  nonNegativeSafeInteger,
  showValue,
  stringArray,
  stringRecord,
  struct
} from './internal/codec'
import * as PlatformModule from './Platform'
import type { ImageDigest } from './Primitives'
import { ImageDigestC } from './Primitives'
import { acceptManifests, MediaType as MediaTypeTable, manifestMediaTypes as manifestMediaTypeList } from './internal/mediaType'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The platform an image runs on, as written in an index entry (`linux/arm64/v8`, ...): the
 * `Platform` module's `Platform` (fields `os`, `architecture`, `variant?`, `os.version?`,
 * `os.features?`, `features?`), under its 0.1 name.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const platform = Manifest.parsePlatform('linux/arm/v7')
 * assert.ok(E.isRight(platform))
 * const p: Manifest.Platform = platform.right
 * assert.deepStrictEqual(p, { os: 'linux', architecture: 'arm', variant: 'v7' })
 * assert.strictEqual(Manifest.platformToString(p), 'linux/arm/v7')
 */
export type Platform = PlatformModule.Platform

/**
 * A content descriptor: what a manifest says about a blob or a child manifest.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const layer = { mediaType: Manifest.MediaType.ociLayerGzip, digest: 'sha256:' + 'a'.repeat(64), size: 1234 }
 * const m = Manifest.parse(JSON.stringify({
 *   schemaVersion: 2,
 *   config: { mediaType: Manifest.MediaType.ociConfig, digest: 'sha256:' + 'c'.repeat(64), size: 56 },
 *   layers: [layer, { ...layer, digest: 'sha256:' + 'b'.repeat(64), size: 66 }]
 * }))
 * assert.ok(E.isRight(m))
 * const layers: ReadonlyArray<Manifest.Descriptor> = Manifest.layers(m.right)
 * assert.strictEqual(layers.reduce((total, d) => total + d.size, 0), 1300)
 */
export interface Descriptor {
  readonly mediaType: string
  readonly digest: ImageDigest
  readonly size: number
  readonly artifactType?: string
  readonly urls?: ReadonlyArray<string>
  readonly annotations?: Readonly<Record<string, string>>
  /** Embedded content, base64 (OCI). */
  readonly data?: string
  readonly platform?: Platform
}

/**
 * A Docker image manifest, schema 2 (`application/vnd.docker.distribution.manifest.v2+json`).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const m = Manifest.parse(JSON.stringify({
 *   schemaVersion: 2,
 *   mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
 *   config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: 'sha256:' + 'c'.repeat(64), size: 1470 },
 *   layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: 'sha256:' + 'd'.repeat(64), size: 3 }]
 * }))
 * assert.ok(E.isRight(m) && m.right._tag === 'DockerManifest')
 * const docker: Manifest.DockerManifest = m.right
 * assert.strictEqual(docker.config.size, 1470)
 * assert.strictEqual(docker.layers.length, 1)
 */
export interface DockerManifest {
  readonly _tag: 'DockerManifest'
  readonly schemaVersion: 2
  readonly mediaType: typeof MediaType.dockerManifest
  readonly config: Descriptor
  readonly layers: ReadonlyArray<Descriptor>
}

/**
 * A Docker manifest list (`application/vnd.docker.distribution.manifest.list.v2+json`).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const m = Manifest.parse(JSON.stringify({
 *   schemaVersion: 2,
 *   mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
 *   manifests: [{
 *     mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
 *     digest: 'sha256:' + 'e'.repeat(64),
 *     size: 528,
 *     platform: { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.2340' }
 *   }]
 * }))
 * assert.ok(E.isRight(m) && m.right._tag === 'DockerManifestList')
 * const list: Manifest.DockerManifestList = m.right
 * assert.strictEqual(list.manifests[0]?.platform?.['os.version'], '10.0.20348.2340')
 */
export interface DockerManifestList {
  readonly _tag: 'DockerManifestList'
  readonly schemaVersion: 2
  readonly mediaType: typeof MediaType.dockerManifestList
  readonly manifests: ReadonlyArray<Descriptor>
}

/**
 * An OCI image manifest (`application/vnd.oci.image.manifest.v1+json`). The JSON may omit its
 * `mediaType`; the parsed record always carries it.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * // an artifact (here a signature) that refers to an image through `subject`
 * const m = Manifest.parse(JSON.stringify({
 *   schemaVersion: 2,
 *   artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
 *   config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:' + '4'.repeat(64), size: 2 },
 *   layers: [],
 *   subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:' + '5'.repeat(64), size: 700 }
 * }))
 * assert.ok(E.isRight(m) && m.right._tag === 'OciManifest')
 * const oci: Manifest.OciManifest = m.right
 * assert.strictEqual(oci.mediaType, 'application/vnd.oci.image.manifest.v1+json')
 * assert.strictEqual(oci.subject?.digest, 'sha256:' + '5'.repeat(64))
 */
export interface OciManifest {
  readonly _tag: 'OciManifest'
  readonly schemaVersion: 2
  readonly mediaType: typeof MediaType.ociManifest
  readonly artifactType?: string
  readonly config: Descriptor
  readonly layers: ReadonlyArray<Descriptor>
  readonly subject?: Descriptor
  readonly annotations?: Readonly<Record<string, string>>
}

/**
 * An OCI image index (`application/vnd.oci.image.index.v1+json`). The JSON may omit its
 * `mediaType`; the parsed record always carries it.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const m = Manifest.parse(JSON.stringify({
 *   schemaVersion: 2,
 *   manifests: [],
 *   annotations: { 'org.opencontainers.image.source': 'https://example.com/team/api' }
 * }))
 * assert.ok(E.isRight(m) && m.right._tag === 'OciIndex')
 * const index: Manifest.OciIndex = m.right
 * assert.strictEqual(index.mediaType, 'application/vnd.oci.image.index.v1+json')
 * assert.deepStrictEqual(index.annotations, { 'org.opencontainers.image.source': 'https://example.com/team/api' })
 */
export interface OciIndex {
  readonly _tag: 'OciIndex'
  readonly schemaVersion: 2
  readonly mediaType: typeof MediaType.ociIndex
  readonly artifactType?: string
  readonly manifests: ReadonlyArray<Descriptor>
  readonly subject?: Descriptor
  readonly annotations?: Readonly<Record<string, string>>
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const text = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}'
 * const m: E.Either<unknown, Manifest.Manifest> = Manifest.parse(text)
 * assert.deepStrictEqual(pipe(m, E.map((x: Manifest.Manifest) => x._tag)), E.right('OciIndex'))
 * // this text is already in the fixed field order, so `toJson` gives it back byte for byte
 * assert.deepStrictEqual(pipe(m, E.map(Manifest.toJson)), E.right(text))
 */
export type Manifest = DockerManifest | DockerManifestList | OciManifest | OciIndex

/**
 * A manifest that lists other manifests, one per platform.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const m = Manifest.parse(JSON.stringify({
 *   schemaVersion: 2,
 *   manifests: [{
 *     mediaType: Manifest.MediaType.ociManifest,
 *     digest: 'sha256:' + 'a'.repeat(64),
 *     size: 480,
 *     platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }
 *   }]
 * }))
 * assert.ok(E.isRight(m) && Manifest.isIndex(m.right))
 * const index: Manifest.Index = m.right
 * assert.deepStrictEqual(index.manifests.map((d) => d.size), [480])
 */
export type Index = DockerManifestList | OciIndex

/**
 * A manifest of one image: a config and layers.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const m = Manifest.parse(JSON.stringify({
 *   schemaVersion: 2,
 *   config: { mediaType: Manifest.MediaType.ociConfig, digest: 'sha256:' + 'c'.repeat(64), size: 100 },
 *   layers: [{ mediaType: Manifest.MediaType.ociLayerZstd, digest: 'sha256:' + 'd'.repeat(64), size: 900 }]
 * }))
 * assert.ok(E.isRight(m) && !Manifest.isIndex(m.right))
 * const single: Manifest.SingleManifest = m.right
 * assert.strictEqual(single.config.size + single.layers.reduce((n, d) => n + d.size, 0), 1000)
 */
export type SingleManifest = DockerManifest | OciManifest

/**
 * A descriptor as it appears in JSON.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const json: Manifest.DescriptorJson = {
 *   mediaType: Manifest.MediaType.ociManifest,
 *   digest: 'sha256:' + 'a'.repeat(64),
 *   size: 566,
 *   platform: { os: 'linux', architecture: 'amd64' }
 * }
 * assert.deepStrictEqual(pipe(Manifest.DescriptorC.decode(json), E.map(Manifest.DescriptorC.encode)), E.right(json))
 * assert.ok(E.isLeft(Manifest.DescriptorC.decode({ ...json, digest: 'latest' })))
 */
export interface DescriptorJson extends Omit<Descriptor, 'digest'> {
  readonly digest: string
}

/**
 * A manifest as it appears in JSON: the record without its `_tag`.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const m = Manifest.parse('{"schemaVersion":2,"manifests":[],"unknownField":true}')
 * assert.ok(E.isRight(m))
 * const json: Manifest.ManifestJson = Manifest.codec.encode(m.right)
 * // no `_tag`, the `mediaType` filled in, unknown fields dropped
 * assert.deepStrictEqual(json, { schemaVersion: 2, mediaType: Manifest.MediaType.ociIndex, manifests: [] })
 */
export interface ManifestJson {
  readonly schemaVersion: 2
  readonly mediaType: string
  readonly artifactType?: string
  readonly config?: DescriptorJson
  readonly layers?: ReadonlyArray<DescriptorJson>
  readonly manifests?: ReadonlyArray<DescriptorJson>
  readonly subject?: DescriptorJson
  readonly annotations?: Readonly<Record<string, string>>
}

// -------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------

/**
 * The media types of manifests, configs and layers.
 *
 * @category constants
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 *
 * assert.strictEqual(Manifest.MediaType.ociIndex, 'application/vnd.oci.image.index.v1+json')
 * assert.strictEqual(Manifest.MediaType.dockerLayer, 'application/vnd.docker.image.rootfs.diff.tar.gzip')
 */
export const MediaType = MediaTypeTable

/**
 * The media types of the four manifest kinds this module reads.
 *
 * @category constants
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 *
 * assert.strictEqual(Manifest.manifestMediaTypes.length, 4)
 */
export const manifestMediaTypes: ReadonlyArray<string> = manifestMediaTypeList

/**
 * The `Accept` header for a manifest request: all four manifest media types. Without the index
 * types, ECR (and other registries) may answer with a single platform's manifest.
 *
 * @category constants
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 *
 * assert.strictEqual(Manifest.accept.split(', ').length, 4)
 * assert.ok(Manifest.accept.includes('application/vnd.oci.image.index.v1+json'))
 */
export const accept: string = acceptManifests

/**
 * `linux/amd64`: `Platform.defaultPlatform`.
 *
 * @category constants
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 *
 * assert.strictEqual(Manifest.platformToString(Manifest.defaultPlatform), 'linux/amd64')
 */
export const defaultPlatform: Platform = PlatformModule.defaultPlatform

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const rawDescriptor = /*#__PURE__*/ struct(
  'Descriptor',
  { mediaType: t.string, digest: ImageDigestC, size: nonNegativeSafeInteger },
  {
    artifactType: t.string,
    urls: stringArray,
    annotations: stringRecord,
    data: t.string,
    platform: PlatformModule.PlatformC
  }
)

const schemaVersion2 = t.literal(2)

const rawDockerManifest = /*#__PURE__*/ struct(
  'DockerManifest',
  {
    schemaVersion: schemaVersion2,
    mediaType: t.literal(MediaType.dockerManifest),
    config: rawDescriptor,
    layers: t.array(rawDescriptor, 'an array of descriptors')
  },
  {}
)

const rawDockerManifestList = /*#__PURE__*/ struct(
  'DockerManifestList',
  {
    schemaVersion: schemaVersion2,
    mediaType: t.literal(MediaType.dockerManifestList),
    manifests: t.array(rawDescriptor, 'an array of descriptors')
  },
  {}
)

const rawOciManifest = /*#__PURE__*/ struct(
  'OciManifest',
  { schemaVersion: schemaVersion2, config: rawDescriptor, layers: t.array(rawDescriptor, 'an array of descriptors') },
  {
    mediaType: t.literal(MediaType.ociManifest),
    artifactType: t.string,
    subject: rawDescriptor,
    annotations: stringRecord
  }
)

const rawOciIndex = /*#__PURE__*/ struct(
  'OciIndex',
  { schemaVersion: schemaVersion2, manifests: t.array(rawDescriptor, 'an array of descriptors') },
  {
    mediaType: t.literal(MediaType.ociIndex),
    artifactType: t.string,
    subject: rawDescriptor,
    annotations: stringRecord
  }
)

// Copies that keep only the named fields, in a fixed order, and never an undefined one.

const copyRecord = (r: Readonly<Record<string, string>>): Readonly<Record<string, string>> =>
  Object.fromEntries(Object.entries(r))

const opt = <K extends string, A, B>(key: K, a: A | undefined, f: (a: A) => B): { [k in K]?: B } =>
  (a === undefined ? {} : { [key]: f(a) }) as { [k in K]?: B }

const id = <A>(a: A): A => a

const copyDescriptor = <D extends string>(d: {
  readonly mediaType: string
  readonly digest: D
  readonly size: number
  readonly artifactType?: string
  readonly urls?: ReadonlyArray<string>
  readonly annotations?: Readonly<Record<string, string>>
  readonly data?: string
  readonly platform?: Platform
}) => ({
  mediaType: d.mediaType,
  digest: d.digest,
  size: d.size,
  ...opt('artifactType', d.artifactType, id),
  ...opt('urls', d.urls, (us) => [...us]),
  ...opt('annotations', d.annotations, copyRecord),
  ...opt('data', d.data, id),
  ...opt('platform', d.platform, PlatformModule.PlatformC.encode)
})

/**
 * `Platform.PlatformC`.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * assert.deepStrictEqual(
 *   Manifest.PlatformC.decode({ os: 'linux', architecture: 'arm64', extra: 1 }),
 *   E.right({ os: 'linux', architecture: 'arm64' })
 * )
 * assert.strictEqual(E.isLeft(Manifest.PlatformC.decode({ os: 'linux' })), true)
 */
export const PlatformC: t.Type<Platform, Platform, unknown> = PlatformModule.PlatformC

/**
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const d = { mediaType: Manifest.MediaType.ociLayerGzip, digest: 'sha256:' + 'a'.repeat(64), size: 10 }
 * assert.deepStrictEqual(Manifest.DescriptorC.decode(d), E.right(d))
 * assert.strictEqual(E.isLeft(Manifest.DescriptorC.decode({ ...d, digest: 'sha256:abc' })), true)
 * assert.strictEqual(E.isLeft(Manifest.DescriptorC.decode({ ...d, size: -1 })), true)
 */
export const DescriptorC: t.Type<Descriptor, DescriptorJson, unknown> = /*#__PURE__*/ new t.Type<
  Descriptor,
  DescriptorJson,
  unknown
>(
  'Descriptor',
  (u): u is Descriptor => rawDescriptor.is(u),
  (u, c) => pipe(rawDescriptor.validate(u, c), E.map(copyDescriptor)),
  (d) => copyDescriptor<string>(d)
)

const encodeManifest = (m: Manifest): ManifestJson => {
  switch (m._tag) {
    case 'DockerManifest':
      return {
        schemaVersion: 2,
        mediaType: m.mediaType,
        config: copyDescriptor<string>(m.config),
        layers: m.layers.map((d) => copyDescriptor<string>(d))
      }
    case 'DockerManifestList':
      return { schemaVersion: 2, mediaType: m.mediaType, manifests: m.manifests.map((d) => copyDescriptor<string>(d)) }
    case 'OciManifest':
      return {
        schemaVersion: 2,
        mediaType: m.mediaType,
        ...opt('artifactType', m.artifactType, id),
        config: copyDescriptor<string>(m.config),
        layers: m.layers.map((d) => copyDescriptor<string>(d)),
        ...opt('subject', m.subject, (d) => copyDescriptor<string>(d)),
        ...opt('annotations', m.annotations, copyRecord)
      }
    case 'OciIndex':
      return {
        schemaVersion: 2,
        mediaType: m.mediaType,
        ...opt('artifactType', m.artifactType, id),
        manifests: m.manifests.map((d) => copyDescriptor<string>(d)),
        ...opt('subject', m.subject, (d) => copyDescriptor<string>(d)),
        ...opt('annotations', m.annotations, copyRecord)
      }
  }
}

/** The codec of one manifest kind: its raw shape checked, then `build` of it; `is` also checks `_tag`. */
const kind = <M extends Manifest, R>(
  tag: M['_tag'],
  raw: t.Type<R, R, unknown>,
  build: (r: R) => M
): t.Type<M, ManifestJson, unknown> =>
  new t.Type<M, ManifestJson, unknown>(
    tag,
    (u): u is M => isObject(u) && u['_tag'] === tag && raw.is(u),
    (u, c) => pipe(raw.validate(u, c), E.map(build)),
    encodeManifest
  )

/**
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const r = Manifest.DockerManifestC.decode({
 *   schemaVersion: 2,
 *   mediaType: Manifest.MediaType.dockerManifest,
 *   config: { mediaType: Manifest.MediaType.dockerConfig, digest: 'sha256:' + 'c'.repeat(64), size: 2 },
 *   layers: []
 * })
 * assert.strictEqual(E.isRight(r) && r.right._tag, 'DockerManifest')
 */
export const DockerManifestC: t.Type<DockerManifest, ManifestJson, unknown> = /*#__PURE__*/ kind(
  'DockerManifest',
  rawDockerManifest,
  (r): DockerManifest => ({
    _tag: 'DockerManifest',
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: copyDescriptor(r.config),
    layers: r.layers.map(copyDescriptor)
  })
)

/**
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const r = Manifest.DockerManifestListC.decode({
 *   schemaVersion: 2,
 *   mediaType: Manifest.MediaType.dockerManifestList,
 *   manifests: []
 * })
 * assert.strictEqual(E.isRight(r) && r.right._tag, 'DockerManifestList')
 */
export const DockerManifestListC: t.Type<DockerManifestList, ManifestJson, unknown> = /*#__PURE__*/ kind(
  'DockerManifestList',
  rawDockerManifestList,
  (r): DockerManifestList => ({
    _tag: 'DockerManifestList',
    schemaVersion: 2,
    mediaType: MediaType.dockerManifestList,
    manifests: r.manifests.map(copyDescriptor)
  })
)

/**
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const r = Manifest.OciManifestC.decode({
 *   schemaVersion: 2,
 *   config: { mediaType: Manifest.MediaType.ociConfig, digest: 'sha256:' + 'c'.repeat(64), size: 2 },
 *   layers: []
 * })
 * assert.strictEqual(E.isRight(r) && r.right.mediaType, Manifest.MediaType.ociManifest)
 */
export const OciManifestC: t.Type<OciManifest, ManifestJson, unknown> = /*#__PURE__*/ kind(
  'OciManifest',
  rawOciManifest,
  (r): OciManifest => ({
    _tag: 'OciManifest',
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    ...opt('artifactType', r.artifactType, id),
    config: copyDescriptor(r.config),
    layers: r.layers.map(copyDescriptor),
    ...opt('subject', r.subject, copyDescriptor),
    ...opt('annotations', r.annotations, copyRecord)
  })
)

/**
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const r = Manifest.OciIndexC.decode({ schemaVersion: 2, manifests: [] })
 * assert.strictEqual(E.isRight(r) && r.right._tag, 'OciIndex')
 */
export const OciIndexC: t.Type<OciIndex, ManifestJson, unknown> = /*#__PURE__*/ kind(
  'OciIndex',
  rawOciIndex,
  (r): OciIndex => ({
    _tag: 'OciIndex',
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    ...opt('artifactType', r.artifactType, id),
    manifests: r.manifests.map(copyDescriptor),
    ...opt('subject', r.subject, copyDescriptor),
    ...opt('annotations', r.annotations, copyRecord)
  })
)

const validateManifest = (u: unknown, c: t.Context): t.Validation<Manifest> => {
  if (!isObject(u)) {
    return t.failure(u, c, 'expected a JSON object')
  }
  const mediaType = u['mediaType']
  if (
    u['schemaVersion'] === 1 ||
    mediaType === MediaType.dockerSchema1Manifest ||
    mediaType === MediaType.dockerSchema1SignedManifest
  ) {
    return failAt(
      c,
      'schemaVersion',
      u['schemaVersion'],
      'Docker image manifest schema 1 is not supported (push the image again with a current client to get schema 2)'
    )
  }
  const hasIndexFields = u['manifests'] !== undefined
  const hasImageFields = u['config'] !== undefined || u['layers'] !== undefined
  const single = (codec: t.Decoder<unknown, SingleManifest>, what: string): t.Validation<Manifest> =>
    hasIndexFields ? failAt(c, 'manifests', u['manifests'], `not allowed in ${what}`) : codec.validate(u, c)
  const index = (codec: t.Decoder<unknown, Index>, what: string): t.Validation<Manifest> =>
    hasImageFields
      ? failAt(c, u['config'] !== undefined ? 'config' : 'layers', u['config'] ?? u['layers'], `not allowed in ${what}`)
      : codec.validate(u, c)
  if (mediaType !== undefined) {
    switch (mediaType) {
      case MediaType.dockerManifest:
        return single(DockerManifestC, 'a Docker image manifest')
      case MediaType.dockerManifestList:
        return index(DockerManifestListC, 'a Docker manifest list')
      case MediaType.ociManifest:
        return single(OciManifestC, 'an OCI image manifest')
      case MediaType.ociIndex:
        return index(OciIndexC, 'an OCI image index')
      default:
        return failAt(
          c,
          'mediaType',
          mediaType,
          `unsupported manifest media type ${showValue(mediaType)} (expected one of ${manifestMediaTypes.join(', ')})`
        )
    }
  }
  if (hasIndexFields && hasImageFields) {
    return failAt(
      c,
      'manifests',
      u['manifests'],
      'ambiguous manifest without mediaType: it has both "manifests" (an index) and "config"/"layers" (an image manifest)'
    )
  }
  if (hasIndexFields) {
    return OciIndexC.validate(u, c)
  }
  if (hasImageFields) {
    return OciManifestC.validate(u, c)
  }
  return t.failure(
    u,
    c,
    'not a manifest: no mediaType, and neither "manifests" (an index) nor "config" and "layers" (an image manifest)'
  )
}

/**
 * Any of the four manifest kinds: the shape is chosen by `mediaType`, else by content.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const r = Manifest.codec.decode({ schemaVersion: 2, manifests: [] })
 * assert.strictEqual(E.isRight(r) && r.right._tag, 'OciIndex')
 * assert.deepStrictEqual(E.isRight(r) && Manifest.codec.encode(r.right), {
 *   schemaVersion: 2,
 *   mediaType: 'application/vnd.oci.image.index.v1+json',
 *   manifests: []
 * })
 */
export const codec: t.Type<Manifest, ManifestJson, unknown> = /*#__PURE__*/ new t.Type<Manifest, ManifestJson, unknown>(
  'Manifest',
  (u): u is Manifest => DockerManifestC.is(u) || DockerManifestListC.is(u) || OciManifestC.is(u) || OciIndexC.is(u),
  validateManifest,
  encodeManifest
)

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Parses a manifest's text. The shape is chosen by `mediaType` when present (a `mediaType` that
 * disagrees with the content is an error), else by content: `manifests` makes an OCI index,
 * `config` and `layers` an OCI image manifest. Failures are `DecodeError`s whose `errors` name the
 * failing path, such as `/layers/0/digest: ...` or `/schemaVersion: expected 2, got 3`.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const text = JSON.stringify({
 *   schemaVersion: 2,
 *   mediaType: 'application/vnd.oci.image.manifest.v1+json',
 *   config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:' + 'c'.repeat(64), size: 100 },
 *   layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:abc', size: 5 }]
 * })
 * const r = Manifest.parse(text)
 * assert.strictEqual(E.isLeft(r) && r.left._tag, 'DecodeError')
 * assert.ok(E.isLeft(r) && r.left._tag === 'DecodeError' && r.left.errors.some((e) => e.startsWith('/layers/0/digest: ')))
 *
 * const ok = Manifest.parse(text.replace('sha256:abc', 'sha256:' + 'd'.repeat(64)))
 * assert.strictEqual(E.isRight(ok) && ok.right._tag, 'OciManifest')
 */
export const parse = (text: string): E.Either<EcrError, Manifest> => decodeJson('Manifest', codec, text)

/**
 * Parses `os/architecture[/variant]`, e.g. `linux/arm64/v8`: `Platform.parse`.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * assert.deepStrictEqual(Manifest.parsePlatform('linux/arm64/v8'), E.right({ os: 'linux', architecture: 'arm64', variant: 'v8' }))
 * assert.strictEqual(E.isLeft(Manifest.parsePlatform('arm64')), true)
 */
export const parsePlatform: (s: string) => E.Either<EcrError, Platform> = PlatformModule.parse

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The manifest as JSON text, fields in a fixed order. Parsing the text gives the manifest back.
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const m = Manifest.parse('{"manifests":[],"schemaVersion":2}')
 * assert.strictEqual(
 *   E.isRight(m) && Manifest.toJson(m.right),
 *   '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}'
 * )
 */
export const toJson = (m: Manifest): string => JSON.stringify(encodeManifest(m))

/**
 * `os/architecture` or `os/architecture/variant`: `Platform.format`.
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 *
 * assert.strictEqual(Manifest.platformToString({ os: 'linux', architecture: 'arm', variant: 'v7' }), 'linux/arm/v7')
 */
export const platformToString: (p: Platform) => string = PlatformModule.format

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * One handler per manifest kind.
 *
 * @category pattern matching
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const kind = Manifest.match({
 *   DockerManifest: () => 'docker',
 *   DockerManifestList: () => 'docker list',
 *   OciManifest: () => 'oci',
 *   OciIndex: () => 'oci index'
 * })
 * const m = Manifest.parse('{"schemaVersion":2,"manifests":[]}')
 * assert.strictEqual(E.isRight(m) && kind(m.right), 'oci index')
 */
export const match =
  <R>(handlers: {
    readonly DockerManifest: (m: DockerManifest) => R
    readonly DockerManifestList: (m: DockerManifestList) => R
    readonly OciManifest: (m: OciManifest) => R
    readonly OciIndex: (m: OciIndex) => R
  }) =>
  (m: Manifest): R => {
    switch (m._tag) {
      case 'DockerManifest':
        return handlers.DockerManifest(m)
      case 'DockerManifestList':
        return handlers.DockerManifestList(m)
      case 'OciManifest':
        return handlers.OciManifest(m)
      case 'OciIndex':
        return handlers.OciIndex(m)
    }
  }

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * Whether the manifest lists other manifests (a Docker manifest list or an OCI index).
 *
 * @category refinements
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const m = Manifest.parse('{"schemaVersion":2,"manifests":[]}')
 * assert.strictEqual(E.isRight(m) && Manifest.isIndex(m.right), true)
 */
export const isIndex = (m: Manifest): m is Index => m._tag === 'DockerManifestList' || m._tag === 'OciIndex'

/**
 * Whether an index entry is an attestation (a build provenance or SBOM record) rather than a
 * runnable image: platform `unknown/unknown`, or the annotation
 * `vnd.docker.reference.type: attestation-manifest`: `Platform.isAttestation`.
 *
 * @category refinements
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 *
 * const d = {
 *   mediaType: Manifest.MediaType.ociManifest,
 *   digest: 'sha256:' + 'a'.repeat(64),
 *   size: 566,
 *   platform: { os: 'unknown', architecture: 'unknown' }
 * } as Manifest.Descriptor
 * assert.strictEqual(Manifest.isAttestation(d), true)
 */
export const isAttestation: (d: Descriptor) => boolean = PlatformModule.isAttestation

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The sha256 digest of the exact UTF-8 bytes of a text: a manifest's content digest.
 *
 * @category utils
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 *
 * assert.strictEqual(Manifest.digest('{}'), 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a')
 */
export const digest = (text: string): ImageDigest => digestBytes(Buffer.from(text, 'utf8'))

/**
 * The sha256 digest of bytes.
 *
 * @category utils
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 *
 * assert.strictEqual(
 *   Manifest.digestBytes(new Uint8Array(0)),
 *   'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 * )
 */
export const digestBytes = (bytes: Uint8Array): ImageDigest =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}` as ImageDigest

/**
 * The layers of an image manifest; empty for an index.
 *
 * @category utils
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const m = Manifest.parse('{"schemaVersion":2,"manifests":[]}')
 * assert.deepStrictEqual(E.isRight(m) && Manifest.layers(m.right), [])
 */
export const layers = (m: Manifest): ReadonlyArray<Descriptor> =>
  m._tag === 'DockerManifest' || m._tag === 'OciManifest' ? m.layers : []

/**
 * The config descriptor of an image manifest; `None` for an index.
 *
 * @category utils
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 *
 * const m = Manifest.parse(JSON.stringify({
 *   schemaVersion: 2,
 *   config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:' + 'c'.repeat(64), size: 100 },
 *   layers: []
 * }))
 * assert.deepStrictEqual(
 *   E.isRight(m) && O.map((d: Manifest.Descriptor) => d.size)(Manifest.config(m.right)),
 *   O.some(100)
 * )
 */
export const config = (m: Manifest): O.Option<Descriptor> =>
  m._tag === 'DockerManifest' || m._tag === 'OciManifest' ? O.some(m.config) : O.none

/**
 * The manifests an index lists; empty for an image manifest.
 *
 * @category utils
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const child = { mediaType: Manifest.MediaType.ociManifest, digest: 'sha256:' + 'a'.repeat(64), size: 10 }
 * const m = Manifest.parse(JSON.stringify({ schemaVersion: 2, manifests: [child] }))
 * assert.deepStrictEqual(E.isRight(m) && Manifest.children(m.right), [child])
 */
export const children = (m: Manifest): ReadonlyArray<Descriptor> => (isIndex(m) ? m.manifests : [])

/**
 * The index entry for a platform (`Platform.select` of the index's entries): the first entry whose
 * platform matches exactly, else the first that matches after normalisation (`arm64` is
 * `arm64/v8`, `arm` is `arm/v7`, `amd64/v1` is `amd64`; `aarch64` and `x86_64` are aliases).
 * Attestation entries are skipped. `None` for an image manifest or when no entry matches.
 *
 * @category utils
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 *
 * const entry = (c: string, os: string, architecture: string, variant?: string) => ({
 *   mediaType: Manifest.MediaType.ociManifest,
 *   digest: 'sha256:' + c.repeat(64),
 *   size: 500,
 *   platform: variant === undefined ? { os, architecture } : { os, architecture, variant }
 * })
 * const m = Manifest.parse(JSON.stringify({
 *   schemaVersion: 2,
 *   manifests: [entry('a', 'linux', 'amd64'), entry('b', 'linux', 'arm64', 'v8'), entry('c', 'unknown', 'unknown')]
 * }))
 * const pick = (p: Manifest.Platform) =>
 *   E.isRight(m) ? O.map((d: Manifest.Descriptor) => d.digest[7])(Manifest.selectPlatform(m.right, p)) : O.none
 * assert.deepStrictEqual(pick({ os: 'linux', architecture: 'arm64' }), O.some('b'))
 * assert.deepStrictEqual(pick(Manifest.defaultPlatform), O.some('a'))
 * assert.deepStrictEqual(pick({ os: 'unknown', architecture: 'unknown' }), O.none)
 */
export const selectPlatform = (index: Manifest, platform: Platform): O.Option<Descriptor> =>
  PlatformModule.select(children(index), platform)

/**
 * The platforms an index offers, attestations left out, in index order (`Platform.offered`).
 *
 * @category utils
 * @since 0.1.0
 * @example
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 *
 * const m = Manifest.parse(JSON.stringify({
 *   schemaVersion: 2,
 *   manifests: [
 *     { mediaType: Manifest.MediaType.ociManifest, digest: 'sha256:' + 'a'.repeat(64), size: 9, platform: { os: 'linux', architecture: 'amd64' } },
 *     { mediaType: Manifest.MediaType.ociManifest, digest: 'sha256:' + 'b'.repeat(64), size: 9, platform: { os: 'unknown', architecture: 'unknown' } }
 *   ]
 * }))
 * assert.deepStrictEqual(E.isRight(m) && Manifest.platforms(m.right).map(Manifest.platformToString), ['linux/amd64'])
 */
export const platforms = (m: Manifest): ReadonlyArray<Platform> => PlatformModule.offered(children(m))
