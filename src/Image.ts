/**
 * ECR images: references by digest (`ImageRef`, optionally carrying the manifest), their URIs and
 * JSON form, and the operations on one image: its manifest, ECR's details, its layers, its config
 * (read from the registry API) and tagging.
 *
 * A ref that carries its manifest needs no call to read it; one that does not gets it with one
 * BatchGetImage by digest. For an image index (manifest list), `platform` (default `linux/amd64`)
 * picks the child manifest.
 *
 * @since 0.1.0
 */
import { PutImageCommand } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as t from 'io-ts'
import type { EcrEnv, HttpEnv } from './Env'
import * as EcrError from './EcrError'
import * as ImageUri from './ImageUri'
import * as Manifest from './Manifest'
import {
  AccountIdC,
  ImageDigestC,
  RegionC,
  RepositoryNameC,
  type ImageDigest
} from './Primitives'
import * as RepositoryUri from './RepositoryUri'
import { traverseRTE } from './internal/concurrency'
import {
  checkTag,
  describeOne,
  getOne,
  imageLabel,
  toImageRef,
  type FetchedImage,
  type ImageDetail,
  type Layer
} from './internal/images'
import { getLogin } from './internal/login'
import type { ImageRef, RepositoryRef } from './internal/refs'
import { inRegion } from './internal/region'
import * as G from './internal/guard'
import { total } from './internal/total'
import { getBlob } from './internal/registry'
import { send } from './internal/send'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type {
  /**
   * An image of a repository, by digest. `imageManifest` (and its media type), when present, is the
   * manifest's exact text, so reading it needs no call.
   *
   * @category model
   * @since 0.1.0
   * @example
   * import type { ImageRef } from 'ecr-fp-ts/Image'
   * import * as Image from 'ecr-fp-ts/Image'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   *
   * const twin = InMemoryEcr.make()
   * const pushed = twin.pushImage('app', { tag: 'v1' })
   * Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1')(twin.env)().then((r) => {
   *   assert.ok(E.isRight(r) && E.isRight(pushed))
   *   const ref: ImageRef = r.right
   *   assert.strictEqual(ref.repositoryName, 'app')
   *   assert.strictEqual(ref.imageDigest, pushed.right.imageDigest)
   *   assert.strictEqual(ref.imageManifest, pushed.right.manifest)
   * })
   */
  ImageRef,
  /**
   * What DescribeImages tells about an image.
   *
   * @category model
   * @since 0.1.0
   * @example
   * import type { ImageDetail } from 'ecr-fp-ts/Image'
   * import * as Image from 'ecr-fp-ts/Image'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   * import { pipe } from 'fp-ts/function'
   * import * as RTE from 'fp-ts/ReaderTaskEither'
   *
   * const twin = InMemoryEcr.make()
   * const pushedAt = new Date('2024-05-01T12:00:00Z')
   * const pushed = twin.pushImage('app', { tag: 'v1', pushedAt })
   * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap(Image.getDetail))(twin.env)().then((r) => {
   *   assert.ok(E.isRight(r) && E.isRight(pushed))
   *   const detail: ImageDetail = r.right
   *   assert.strictEqual(detail.imageDigest, pushed.right.imageDigest)
   *   assert.deepStrictEqual(detail.imageTags, ['v1'])
   *   assert.deepStrictEqual(detail.imagePushedAt, pushedAt)
   * })
   */
  ImageDetail,
  /**
   * A layer (or the config blob) of an image, in the shape of ECR's `Layer`, read from the manifest.
   *
   * @category model
   * @since 0.1.0
   * @example
   * import type { Layer } from 'ecr-fp-ts/Image'
   * import * as Image from 'ecr-fp-ts/Image'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   * import { pipe } from 'fp-ts/function'
   * import * as RTE from 'fp-ts/ReaderTaskEither'
   *
   * const twin = InMemoryEcr.make()
   * const pushed = twin.pushImage('app', { tag: 'v1', layers: 2, layerBytes: 100 })
   * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getLayers(ref)))(twin.env)().then((r) => {
   *   assert.ok(E.isRight(r) && E.isRight(pushed))
   *   const layers: ReadonlyArray<Layer> = r.right
   *   assert.deepStrictEqual(layers.map((l) => l.layerDigest), pushed.right.layerDigests)
   *   assert.deepStrictEqual(layers.map((l) => l.layerSize), [100, 100])
   * })
   */
  Layer
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { Platform } from 'ecr-fp-ts/Image'
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const arm: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' }
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1', platforms: [{ os: 'linux', architecture: 'amd64' }, arm] })
 * const program = pipe(
 *   Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'),
 *   RTE.flatMap((ref) => Image.getConfig(ref, { platform: arm }))
 * )
 * program(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((c) => [c.os, c.architecture, c.variant])), E.right(['linux', 'arm64', 'v8']))
 * })
 */
export type Platform = Manifest.Platform

/**
 * The JSON form of an `ImageRef` (what `codec` encodes to).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { ImageRefJson } from 'ecr-fp-ts/Image'
 * import * as Image from 'ecr-fp-ts/Image'
 * import * as E from 'fp-ts/Either'
 *
 * const json: ImageRefJson = {
 *   accountId: '123456789012',
 *   region: 'us-west-2',
 *   repositoryName: 'app',
 *   imageDigest: 'sha256:' + 'b'.repeat(64)
 * }
 * const ref = Image.codec.decode(json)
 * assert.deepStrictEqual(E.map(Image.toUri)(ref), E.right('123456789012.dkr.ecr.us-west-2.amazonaws.com/app@sha256:' + 'b'.repeat(64)))
 * assert.deepStrictEqual(E.map(Image.codec.encode)(ref), E.right(json))
 */
export interface ImageRefJson {
  readonly accountId: string
  readonly region: string
  readonly repositoryName: string
  readonly imageDigest: string
  readonly imageManifest?: string
  readonly imageManifestMediaType?: string
}

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { PlatformOptions } from 'ecr-fp-ts/Image'
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1', platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] })
 * const windows: PlatformOptions = { platform: { os: 'windows', architecture: 'amd64' } }
 * const layersOf = (options: PlatformOptions) =>
 *   pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getLayers(ref, options)))
 * layersOf({})(twin.env)().then((r) => assert.deepStrictEqual(pipe(r, E.map((ls) => ls.length)), E.right(1)))
 * layersOf(windows)(twin.env)().then((r) => assert.strictEqual(E.isLeft(r) && r.left._tag, 'NotFound'))
 */
export interface PlatformOptions {
  /** The platform to pick from an image index (default `linux/amd64`); ignored for a single manifest. */
  readonly platform?: Platform
}

const nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null])

const ContainerConfigC = /*#__PURE__*/ t.partial(
  {
    User: t.string,
    ExposedPorts: /*#__PURE__*/ nullable(t.record(t.string, t.unknown)),
    Env: /*#__PURE__*/ nullable(t.readonlyArray(t.string)),
    Entrypoint: /*#__PURE__*/ nullable(t.readonlyArray(t.string)),
    Cmd: /*#__PURE__*/ nullable(t.readonlyArray(t.string)),
    Volumes: /*#__PURE__*/ nullable(t.record(t.string, t.unknown)),
    WorkingDir: t.string,
    Labels: /*#__PURE__*/ nullable(t.record(t.string, t.string)),
    StopSignal: t.string
  },
  'ContainerConfig'
)

const HistoryC = /*#__PURE__*/ t.partial(
  { created: t.string, created_by: t.string, author: t.string, comment: t.string, empty_layer: t.boolean },
  'History'
)

const RootFsC = /*#__PURE__*/ t.type({ type: t.string, diff_ids: /*#__PURE__*/ t.readonlyArray(t.string) }, 'RootFs')

const ImageConfigShape = /*#__PURE__*/ t.intersection(
  [
    /*#__PURE__*/ t.type({ architecture: t.string, os: t.string, rootfs: RootFsC }),
    /*#__PURE__*/ t.partial({
      variant: t.string,
      'os.version': t.string,
      created: t.string,
      author: t.string,
      config: ContainerConfigC,
      history: /*#__PURE__*/ t.readonlyArray(HistoryC)
    })
  ],
  'ImageConfig'
)

/**
 * An OCI / Docker image config (the blob the manifest's `config` points at). Fields this type does
 * not name are kept as they are.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { ImageConfig } from 'ecr-fp-ts/Image'
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * twin.pushImage('app', { tag: 'v1', layers: 2, env: ['MODE=prod'] })
 * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfig(ref)))(twin.env)().then((r) => {
 *   assert.ok(E.isRight(r))
 *   const config: ImageConfig = r.right
 *   assert.strictEqual(config.os, 'linux')
 *   assert.deepStrictEqual(config.config?.Env, ['MODE=prod'])
 *   assert.strictEqual(config.rootfs.diff_ids.length, 2)
 * })
 */
export interface ImageConfig extends t.TypeOf<typeof ImageConfigShape> {
  readonly [key: string]: unknown
}

/**
 * io-ts codec of `ImageConfig`; decoding keeps unknown fields, and accepts Docker's `null` for
 * empty `Labels`, `Env`, `Entrypoint`, `Cmd`, `ExposedPorts` and `Volumes`.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import * as E from 'fp-ts/Either'
 *
 * const config = {
 *   architecture: 'amd64',
 *   os: 'linux',
 *   config: { Labels: { team: 'infra' }, Env: ['PATH=/usr/bin'], Entrypoint: null },
 *   rootfs: { type: 'layers', diff_ids: ['sha256:' + 'a'.repeat(64)] },
 *   'moby.buildkit.buildinfo.v1': 'e30='
 * }
 * assert.deepStrictEqual(Image.ImageConfigC.decode(config), E.right(config))
 * assert.strictEqual(E.isLeft(Image.ImageConfigC.decode({ os: 'linux' })), true)
 */
export const ImageConfigC: t.Type<ImageConfig, ImageConfig, unknown> = /*#__PURE__*/ new t.Type<ImageConfig, ImageConfig, unknown>(
  'ImageConfig',
  (u): u is ImageConfig => ImageConfigShape.is(u),
  (u, c) => ImageConfigShape.validate(u, t.appendContext(c, '', ImageConfigShape)) as t.Validation<ImageConfig>,
  t.identity
)

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The image an image URI names. A tag is resolved to its digest with one BatchGetImage call, and
 * the ref then carries the manifest. A digest URI makes no call: the image is not checked, and its
 * manifest is fetched when first needed (`getManifest`).
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-west-2' })
 * const pushed = twin.pushImage('app', { tag: 'v1' })
 * Image.fromUri('123456789012.dkr.ecr.us-west-2.amazonaws.com/app:v1')(twin.env)().then((r) => {
 *   assert.ok(E.isRight(pushed) && E.isRight(r))
 *   assert.strictEqual(r.right.imageDigest, pushed.right.imageDigest)
 *   assert.strictEqual(r.right.imageManifest, pushed.right.manifest)
 * })
 */
export const fromUri = (s: string): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ImageRef> =>
  total('Image.fromUri', [], () =>
  pipe(
    RTE.fromEither(ImageUri.parse(s)),
    RTE.map(ImageUri.toRef),
    RTE.tap((r) => inRegion(r)),
    RTE.flatMap((r) => {
      const repo: RepositoryRef = { accountId: r.accountId, region: r.region, repositoryName: r.repositoryName }
      return r.digest !== undefined
        ? RTE.right({ ...repo, imageDigest: r.digest })
        : pipe(
            getOne(repo, { imageTag: r.tag ?? '' }),
            RTE.map((image) => toImageRef(repo, image))
          )
    })
  )
  )
// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The image's URI in digest form. Given a value that is not an ImageRef, each part is read with
 * `String` (a missing part, or every part of a non-object, reads `"undefined"`), so the result is
 * then not a valid URI.
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const ref = Image.codec.decode({
 *   accountId: '123456789012',
 *   region: 'us-west-2',
 *   repositoryName: 'app',
 *   imageDigest: 'sha256:' + 'a'.repeat(64)
 * })
 * assert.deepStrictEqual(
 *   pipe(ref, E.map(Image.toUri)),
 *   E.right('123456789012.dkr.ecr.us-west-2.amazonaws.com/app@sha256:' + 'a'.repeat(64))
 * )
 */
export const toUri = (ref: ImageRef): ImageUri.ImageUri => `${RepositoryUri.fromRef(ref)}@${ref.imageDigest}` as ImageUri.ImageUri

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const ImageRefJsonC = /*#__PURE__*/ t.intersection([
  /*#__PURE__*/ t.type({ accountId: AccountIdC, region: RegionC, repositoryName: RepositoryNameC, imageDigest: ImageDigestC }),
  /*#__PURE__*/ t.partial({ imageManifest: t.string, imageManifestMediaType: t.string })
])

const stripRef = (r: ImageRef): ImageRef => ({
  accountId: r.accountId,
  region: r.region,
  repositoryName: r.repositoryName,
  imageDigest: r.imageDigest,
  ...(r.imageManifest === undefined ? {} : { imageManifest: r.imageManifest }),
  ...(r.imageManifestMediaType === undefined ? {} : { imageManifestMediaType: r.imageManifestMediaType })
})

/**
 * JSON form of an `ImageRef`: the manifest (and its media type) are kept when present. Decoding
 * validates every part and drops fields it does not know.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import * as E from 'fp-ts/Either'
 *
 * const json = {
 *   accountId: '123456789012',
 *   region: 'us-west-2',
 *   repositoryName: 'app',
 *   imageDigest: 'sha256:' + 'a'.repeat(64),
 *   imageManifest: '{"schemaVersion":2}'
 * }
 * const ref = Image.codec.decode(json)
 * assert.deepStrictEqual(E.map(Image.codec.encode)(ref), E.right(json))
 * assert.strictEqual(E.isLeft(Image.codec.decode({ ...json, imageDigest: 'sha256:abc' })), true)
 */
export const codec: t.Type<ImageRef, ImageRefJson, unknown> = /*#__PURE__*/ new t.Type<ImageRef, ImageRefJson, unknown>(
  'ImageRef',
  (u): u is ImageRef => ImageRefJsonC.is(u),
  (u, c) => pipe(ImageRefJsonC.validate(u, c), E.map(stripRef)),
  (a) => stripRef(a)
)

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

interface ManifestText {
  readonly text: string
  readonly mediaType?: string
}

/** The manifest text and media type: from the ref when it carries them, else one BatchGetImage. */
const manifestOf = (ref: ImageRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ManifestText> =>
  ref.imageManifest !== undefined
    ? RTE.right({
        text: ref.imageManifest,
        ...(ref.imageManifestMediaType === undefined ? {} : { mediaType: ref.imageManifestMediaType })
      })
    : pipe(
        inRegion(ref),
        RTE.flatMap(() => fetchByDigest(ref, ref.imageDigest)),
        RTE.map((image) => ({
          text: image.imageManifest,
          ...(image.imageManifestMediaType === undefined ? {} : { mediaType: image.imageManifestMediaType })
        }))
      )

/** One BatchGetImage by digest; a sha256 digest is checked against the manifest's bytes. */
const fetchByDigest = (repo: RepositoryRef, digest: ImageDigest): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, FetchedImage> =>
  pipe(
    getOne(repo, { imageDigest: digest }),
    RTE.flatMapEither((image) => {
      if (!digest.startsWith('sha256:')) return E.right(image)
      const actual = Manifest.digest(image.imageManifest)
      return actual === digest ? E.right(image) : E.left(EcrError.digestMismatch(digest, actual))
    })
  )

/** The single-platform manifest of the image: itself, or the child `platform` picks from an index. */
const singleManifest = (
  ref: ImageRef,
  options: PlatformOptions
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, Manifest.Manifest> =>
  pipe(
    manifestOf(ref),
    RTE.flatMapEither((m) => Manifest.parse(m.text)),
    RTE.flatMap((m) => {
      if (!Manifest.isIndex(m)) return RTE.right(m)
      const platform = options.platform ?? Manifest.defaultPlatform
      const label = `${imageLabel(ref, { imageDigest: ref.imageDigest })} for ${Manifest.platformToString(platform)}`
      return pipe(
        Manifest.selectPlatform(m, platform),
        O.match(
          () =>
            RTE.left(
              EcrError.notFound(
                'Image',
                label,
                `no ${Manifest.platformToString(platform)} image in the index ${imageLabel(ref, { imageDigest: ref.imageDigest })} (platforms: ${
                  Manifest.platforms(m).map(Manifest.platformToString).join(', ') || 'none'
                })`
              )
            ),
          (child) =>
            pipe(
              inRegion(ref),
              RTE.flatMap(() => fetchByDigest(ref, child.digest)),
              RTE.flatMapEither((image) => Manifest.parse(image.imageManifest)),
              RTE.flatMapEither((childManifest) =>
                Manifest.isIndex(childManifest)
                  ? E.left(EcrError.decodeError('Manifest', [`${child.digest}: an index inside an index is not supported`]))
                  : E.right(childManifest)
              )
            )
        )
      )
    })
  )

const toLayer = (d: Manifest.Descriptor): Layer => ({
  layerDigest: d.digest,
  layerSize: d.size,
  mediaType: d.mediaType,
  layerAvailability: 'AVAILABLE'
})

/**
 * The image's manifest text: no call when the ref carries it, else one BatchGetImage by digest.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import * as Repository from 'ecr-fp-ts/Repository'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * const pushed = twin.pushImage('app', { tag: 'v1' })
 * assert.ok(E.isRight(pushed))
 * const ref = { accountId: twin.accountId, region: twin.region, repositoryName: 'app', imageDigest: pushed.right.imageDigest } as Repository.ImageRef
 * Image.getManifest(ref)(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(pushed.right.manifest))
 *   assert.strictEqual(twin.callCount('BatchGetImage'), 1)
 * })
 */
export const getManifest = (ref: ImageRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, string> =>
  total('Image.getManifest', [G.imageRef(ref)], () =>
  pipe(
    manifestOf(ref),
    RTE.map((m) => m.text)
  )
  )

/**
 * ECR's details of the image (one DescribeImages call by digest).
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * twin.pushImage('app', { tags: ['v1', 'latest'] })
 * const program = pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap(Image.getDetail))
 * program(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((d) => [...d.imageTags].sort())), E.right(['latest', 'v1']))
 * })
 */
export const getDetail = (ref: ImageRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ImageDetail> =>
  total('Image.getDetail', [G.imageRef(ref)], () =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() => describeOne(ref, { imageDigest: ref.imageDigest }))
  )
  )

/**
 * The image's tags (one DescribeImages call).
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * twin.pushImage('app', { tag: 'v1' })
 * const program = pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap(Image.getTags))
 * program(twin.env)().then((r) => assert.deepStrictEqual(r, E.right(['v1'])))
 */
export const getTags = (ref: ImageRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ReadonlyArray<string>> =>
  total('Image.getTags', [G.imageRef(ref)], () =>
  pipe(
    getDetail(ref),
    RTE.map((d) => d.imageTags)
  )
  )

/**
 * When the image was pushed, if ECR says (one DescribeImages call).
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * const pushedAt = new Date('2024-05-01T12:00:00Z')
 * twin.pushImage('app', { tag: 'v1', pushedAt })
 * const program = pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap(Image.getPushedAt))
 * program(twin.env)().then((r) => assert.deepStrictEqual(r, E.right(O.some(pushedAt))))
 */
export const getPushedAt = (ref: ImageRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, O.Option<Date>> =>
  total('Image.getPushedAt', [G.imageRef(ref)], () =>
  pipe(
    getDetail(ref),
    RTE.map((d) => O.fromNullable(d.imagePushedAt))
  )
  )

/**
 * The image's layers, read from its manifest (for an index, from the child manifest `platform`
 * picks; `NotFound('Image')` when the index has no such platform). No BatchCheckLayerAvailability
 * call is made: a layer a manifest in ECR names is available.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * const pushed = twin.pushImage('app', {
 *   tag: 'v1',
 *   layers: 2,
 *   platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }]
 * })
 * const program = pipe(
 *   Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'),
 *   RTE.flatMap((ref) => Image.getLayers(ref, { platform: { os: 'linux', architecture: 'arm64' } }))
 * )
 * program(twin.env)().then((r) => {
 *   assert.ok(E.isRight(pushed))
 *   const arm = pushed.right.children.find((c) => c.platform.architecture === 'arm64')
 *   assert.deepStrictEqual(pipe(r, E.map((ls) => ls.map((l) => l.layerDigest))), E.right(arm?.layerDigests))
 * })
 */
export const getLayers = (
  ref: ImageRef,
  options: PlatformOptions = {}
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ReadonlyArray<Layer>> =>
  total('Image.getLayers', [G.imageRef(ref), G.options(options, 'PlatformOptions')], () =>
  pipe(
    singleManifest(ref, options),
    RTE.map((m) => Manifest.layers(m).map(toLayer))
  )
  )

/**
 * The descriptor of the image's config blob, as a `Layer`.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * const pushed = twin.pushImage('app', { tag: 'v1' })
 * const program = pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfigLayer(ref)))
 * program(twin.env)().then((r) => {
 *   assert.ok(E.isRight(pushed))
 *   assert.deepStrictEqual(pipe(r, E.map((l) => l.layerDigest)), E.right(pushed.right.configDigest))
 * })
 */
export const getConfigLayer = (ref: ImageRef, options: PlatformOptions = {}): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, Layer> =>
  total('Image.getConfigLayer', [G.imageRef(ref), G.options(options, 'PlatformOptions')], () =>
  pipe(
    singleManifest(ref, options),
    RTE.flatMapEither((m) =>
      pipe(
        Manifest.config(m),
        O.map(toLayer),
        E.fromOption(() => EcrError.decodeError('Manifest', ['/config: missing']))
      )
    )
  )
  )

/** `/json/pointer: expected <type>` for an io-ts error; members of unions and intersections add no key. */
const describeError = (e: t.ValidationError): string => {
  const keys: Array<string> = []
  for (let i = 1; i < e.context.length; i++) {
    const parent = e.context[i - 1]?.type as unknown as { readonly _tag?: unknown } | undefined
    const key = e.context[i]?.key ?? ''
    if (key !== '' && parent?._tag !== 'IntersectionType' && parent?._tag !== 'UnionType') keys.push(key)
  }
  return `/${keys.join('/')}: expected ${e.context[e.context.length - 1]?.type.name ?? 'a valid value'}`
}

const decodeConfig = (bytes: Buffer): E.Either<EcrError.EcrError, ImageConfig> =>
  pipe(
    E.tryCatch(
      () => JSON.parse(bytes.toString('utf8')) as unknown,
      (e) => EcrError.decodeError('ImageConfig', [`/: not JSON: ${e instanceof Error ? e.message : String(e)}`])
    ),
    E.flatMap((u) =>
      pipe(
        ImageConfigC.decode(u),
        E.mapLeft((errors) => EcrError.decodeError('ImageConfig', [...new Set(errors.map(describeError))]))
      )
    )
  )

/**
 * The image's config (for an index, the config of the child `platform` picks): the config blob is
 * read from the registry API at the login's `proxyEndpoint` with Basic auth (one
 * GetAuthorizationToken per registry while the login is fresh) and checked against its digest.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * twin.pushImage('app', { tag: 'v1', labels: { team: 'infra' } })
 * const program = pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfig(ref)))
 * program(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((c) => c.config?.Labels)), E.right({ team: 'infra' }))
 * })
 */
export const getConfig = (
  ref: ImageRef,
  options: PlatformOptions = {}
): RTE.ReaderTaskEither<EcrEnv & HttpEnv, EcrError.EcrError, ImageConfig> =>
  total('Image.getConfig', [G.imageRef(ref), G.options(options, 'PlatformOptions')], () =>
  pipe(
    RTE.Do,
    RTE.apS('layer', getConfigLayer(ref, options)),
    RTE.bind('login', () => getLogin(ref)),
    RTE.flatMap(({ layer, login }) => getBlob(login, ref.repositoryName, layer.layerDigest)),
    RTE.flatMapEither(decodeConfig)
  )
  )

/** PutImage of the manifest (under `tag`, if any); "already there" answers are successes. */
const putManifest = (
  ref: ImageRef,
  manifest: ManifestText,
  tag: string | undefined
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  pipe(
    send(
      'PutImage',
      new PutImageCommand({
        registryId: ref.accountId,
        repositoryName: ref.repositoryName,
        imageManifest: manifest.text,
        imageDigest: ref.imageDigest,
        ...(manifest.mediaType === undefined ? {} : { imageManifestMediaType: manifest.mediaType }),
        ...(tag === undefined ? {} : { imageTag: tag })
      }),
      tag === undefined ? ref.repositoryName : `${ref.repositoryName}:${tag}`
    ),
    RTE.map(() => undefined),
    RTE.orElse((e): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> => {
      if (e._tag === 'AwsError' && e.code === 'ImageAlreadyExistsException') return RTE.right(undefined)
      if (e._tag === 'AlreadyExists' && e.resource === 'ImageTag' && tag !== undefined)
        // The tag is taken (an immutable repository): fine when it already names this image.
        return pipe(
          describeOne(ref, { imageTag: tag }),
          RTE.flatMap((d) => (d.imageDigest === ref.imageDigest ? RTE.right(undefined) : RTE.left(e))),
          RTE.orElse((other) => RTE.left(other._tag === 'NotFound' ? e : other))
        )
      return RTE.left(e)
    })
  )

/**
 * Puts the image's manifest into its repository (PutImage), under `tag` if given. An image (or
 * tag) already there is a success; a tag of an immutable repository that names another image is
 * `AlreadyExists('ImageTag')`. Registers a manifest in ECR; it does not upload blobs.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * twin.pushImage('app', { tag: 'v1' })
 * const program = pipe(
 *   Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'),
 *   RTE.tap((ref) => Image.put(ref, { tag: 'stable' })),
 *   RTE.tap((ref) => Image.put(ref, { tag: 'stable' })),
 *   RTE.flatMap(Image.getTags)
 * )
 * program(twin.env)().then((r) => assert.deepStrictEqual(pipe(r, E.map((ts) => [...ts].sort())), E.right(['stable', 'v1'])))
 */
export const put = (ref: ImageRef, options: { readonly tag?: string } = {}): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  total('Image.put', [G.imageRef(ref), G.options(options, 'put options')], () =>
  pipe(
    RTE.fromEither(options.tag === undefined ? E.right(undefined) : checkTag(options.tag)),
    RTE.tap(() => inRegion(ref)),
    RTE.flatMap((tag) =>
      pipe(
        manifestOf(ref),
        RTE.flatMap((m) => putManifest(ref, m, tag))
      )
    )
  )
  )

/**
 * Adds tags to the image: one PutImage per distinct tag (at most `env.concurrency` at once), the
 * manifest read once. Every tag is checked before any call.
 *
 * @category operations
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * twin.pushImage('app', { tag: 'v1' })
 * const program = pipe(
 *   Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'),
 *   RTE.tap((ref) => Image.addTags(ref, ['latest', 'v1.0'])),
 *   RTE.flatMap(Image.getTags)
 * )
 * program(twin.env)().then((r) => assert.deepStrictEqual(pipe(r, E.map((ts) => [...ts].sort())), E.right(['latest', 'v1', 'v1.0'])))
 */
export const addTags = (ref: ImageRef, tags: ReadonlyArray<string>): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> => total('Image.addTags', [G.imageRef(ref), G.stringArray(tags, 'a list of tags')], () => {
  const distinct = Array.from(new Set(tags))
  if (distinct.length === 0) return RTE.right(undefined)
  return pipe(
    RTE.fromEither(E.traverseArray(checkTag)(distinct)),
    RTE.tap(() => inRegion(ref)),
    RTE.flatMap(() => manifestOf(ref)),
    RTE.flatMap((m) => pipe(distinct, traverseRTE((tag: string) => putManifest(ref, m, tag)))),
    RTE.map(() => undefined)
  )
})
