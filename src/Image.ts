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
import * as ImageConfigs from './ImageConfig'
import * as ImageUri from './ImageUri'
import * as Manifest from './Manifest'
import { AccountIdC, ImageDigestC, RegionC, RepositoryNameC, type ImageDigest } from './Primitives'
import type { RepositoryRef } from './Repository'
import * as RepositoryUri from './RepositoryUri'
import { traverseRTE } from './internal/concurrency'
import { checkTag, describeOne, getOne, imageLabel, toImageRef } from './internal/images'
import { getLogin } from './internal/login'
import type { FetchedImage } from './internal/output'
import { inRegion } from './internal/region'
import { getBlob } from './internal/registry'
import { send } from './internal/send'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

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
export interface ImageRef extends RepositoryRef {
  /** The digest of the image's manifest (or index). */
  readonly imageDigest: ImageDigest
  /** The manifest's exact text, when known. */
  readonly imageManifest?: string
  /** The manifest's media type, when known. */
  readonly imageManifestMediaType?: string
}

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
export interface ImageDetail {
  /** The image's digest. */
  readonly imageDigest: ImageDigest
  /** Its tags; none for an untagged image. */
  readonly imageTags: ReadonlyArray<string>
  /** When it was pushed, if ECR says. */
  readonly imagePushedAt?: Date
  /** Its size as ECR counts it (the compressed layers). */
  readonly imageSizeInBytes?: number
  /** The media type of its manifest. */
  readonly imageManifestMediaType?: string
  /** Its storage state: `ACTIVE`, `ARCHIVED`, or `ACTIVATING` while it is restored. */
  readonly status?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING'
  /** When it was last pulled, as ECR records it (at least daily). */
  readonly lastRecordedPullTime?: Date
  /** When it was archived. */
  readonly lastArchivedAt?: Date
}

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
export interface Layer {
  /** The blob's digest. */
  readonly layerDigest: ImageDigest
  /** Its size in bytes. */
  readonly layerSize: number
  /** Its media type. */
  readonly mediaType: string
  /** Always `AVAILABLE`: a layer a manifest in ECR names is there. */
  readonly layerAvailability: 'AVAILABLE'
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
  /** The registry's account. */
  readonly accountId: string
  /** The registry's region. */
  readonly region: string
  /** The repository's name. */
  readonly repositoryName: string
  /** The image's digest. */
  readonly imageDigest: string
  /** The manifest's exact text, when the ref carries it. */
  readonly imageManifest?: string
  /** The manifest's media type, when the ref carries it. */
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

/**
 * An OCI / Docker image config: see the `ImageConfig` module.
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
 * twin.pushImage('app', { tag: 'v1', env: ['MODE=prod'] })
 * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfig(ref)))(twin.env)().then((r) => {
 *   assert.ok(E.isRight(r))
 *   const config: ImageConfig = r.right
 *   assert.deepStrictEqual(config.config?.Env, ['MODE=prod'])
 * })
 */
export type ImageConfig = ImageConfigs.ImageConfig

/**
 * io-ts codec of `ImageConfig`: the same as `ImageConfig.codec`.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import * as ImageConfig from 'ecr-fp-ts/ImageConfig'
 * import * as E from 'fp-ts/Either'
 *
 * const config = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Entrypoint: null } }
 * assert.deepStrictEqual(Image.ImageConfigC.decode(config), E.right(config))
 * assert.strictEqual(Image.ImageConfigC, ImageConfig.codec)
 */
export const ImageConfigC: t.Type<ImageConfig, ImageConfig, unknown> = ImageConfigs.codec

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

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The image's URI in digest form.
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
export const toUri = (ref: ImageRef): ImageUri.ImageUri =>
  `${RepositoryUri.fromRef(ref)}@${ref.imageDigest}` as ImageUri.ImageUri

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
      return actual === digest
        ? E.right(image)
        : E.left(EcrError.digestMismatch(digest, actual, { subject: `${repo.repositoryName}@${digest}`, operation: 'BatchGetImage' }))
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
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const pushed = twin.pushImage('app', { tag: 'v1' })
 * assert.ok(E.isRight(pushed))
 * // a digest URI makes a ref without its manifest: getManifest reads it with one call
 * const program = pipe(Image.fromUri(`123456789012.dkr.ecr.us-east-1.amazonaws.com/app@${pushed.right.imageDigest}`), RTE.flatMap(Image.getManifest))
 * program(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(pushed.right.manifest))
 *   assert.strictEqual(twin.callCount('BatchGetImage'), 1)
 * })
 */
export const getManifest = (ref: ImageRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, string> =>
  pipe(
    manifestOf(ref),
    RTE.map((m) => m.text)
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
  pipe(
    inRegion(ref),
    RTE.flatMap(() => describeOne(ref, { imageDigest: ref.imageDigest }))
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
  pipe(
    getDetail(ref),
    RTE.map((d) => d.imageTags)
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
  pipe(
    getDetail(ref),
    RTE.map((d) => O.fromNullable(d.imagePushedAt))
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
  pipe(
    singleManifest(ref, options),
    RTE.map((m) => Manifest.layers(m).map(toLayer))
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
  pipe(
    RTE.Do,
    RTE.apS('layer', getConfigLayer(ref, options)),
    RTE.bind('login', () => getLogin(ref)),
    RTE.flatMap(({ layer, login }) => getBlob(login, ref.repositoryName, layer.layerDigest)),
    RTE.flatMapEither((bytes) => ImageConfigs.fromJson(bytes.toString('utf8')))
  )

/** PutImage of the manifest (under `tag`, if any); "already there" answers are successes. */
const putManifest = (
  ref: ImageRef,
  manifest: ManifestText,
  tag: string | undefined
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  pipe(
    send(
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
export const addTags = (ref: ImageRef, tags: ReadonlyArray<string>): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> => {
  const distinct = Array.from(new Set(tags))
  if (distinct.length === 0) return RTE.right(undefined)
  return pipe(
    RTE.fromEither(E.traverseArray(checkTag)(distinct)),
    RTE.tap(() => inRegion(ref)),
    RTE.flatMap(() => manifestOf(ref)),
    RTE.flatMap((m) => pipe(distinct, traverseRTE((tag: string) => putManifest(ref, m, tag)))),
    RTE.map(() => undefined)
  )
}
