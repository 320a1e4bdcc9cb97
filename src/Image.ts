/**
 * ECR images: references by digest (`ImageRef`, optionally carrying the manifest), their URIs and
 * JSON form, and the operations on one image: its manifest, ECR's details, its layers, its config
 * (read from the registry API) and tagging.
 *
 * A ref that carries its manifest needs no call to read it; one that does not gets it with one
 * BatchGetImage by digest. Reads started at once through one environment share that call: those
 * of one tick for one repository go in one BatchGetImage per 100 images, each reader getting its
 * own image or failure. For an image index (manifest list), `platform` (default `linux/amd64`)
 * picks the child manifest.
 *
 * @since 0.1.0
 */
import {
  BatchDeleteImageCommand,
  DescribeImageReplicationStatusCommand,
  DescribeImageScanFindingsCommand,
  PutImageCommand,
  StartImageScanCommand,
  UpdateImageStorageClassCommand
} from '@aws-sdk/client-ecr'
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
import { checkTag, describeOne, failureError, getOne, imageLabel, toImageRef, type ImageId } from './internal/images'
import * as State from './internal/imageState'
import { getLogin } from './internal/login'
import type { FetchedImage } from './internal/output'
import * as Output from './internal/output'
import { BATCH_LIMIT, MAX_RESULTS, paginate } from './internal/paginate'
import { inRegion } from './internal/region'
import * as Referrers from './internal/referrers'
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
  readonly status: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING'
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
  byUri(s, (repo, imageTag) =>
    pipe(
      getOne(repo, { imageTag }),
      RTE.map((image) => toImageRef(repo, image))
    )
  )

/** The image an image URI names: a digest URI as it is (no call), a tag URI found with `byTag`. */
const byUri = (
  s: string,
  byTag: (repo: RepositoryRef, imageTag: string) => RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ImageRef>
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ImageRef> =>
  pipe(
    RTE.fromEither(ImageUri.parse(s)),
    RTE.map(ImageUri.toRef),
    RTE.tap((r) => inRegion(r)),
    RTE.flatMap((r) => {
      const repo: RepositoryRef = { accountId: r.accountId, region: r.region, repositoryName: r.repositoryName }
      return r.digest !== undefined ? RTE.right({ ...repo, imageDigest: r.digest }) : byTag(repo, r.tag ?? '')
    })
  )

/**
 * The image an image URI names, found with DescribeImages instead of BatchGetImage: it reads no
 * manifest (the ref carries none), so it finds an archived image too, which `fromUri` by tag cannot
 * (`AwsError` `ImageArchived`). For acting on an image by its tag without reading it: `restore`,
 * `delete`, `removeTags`, `startScan`. A digest URI makes no call; missing: `NotFound('Image')`.
 *
 * @category constructors
 * @since 0.2.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * const pushed = twin.pushImage('app', { tag: 'v1' })
 * assert.ok(E.isRight(pushed))
 * const uri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'
 * pipe(Image.fromUri(uri), RTE.flatMap(Image.archive))(twin.env)().then(() =>
 *   pipe(Image.lookup(uri), RTE.tap(Image.restore))(twin.env)().then((r) => {
 *     assert.deepStrictEqual(pipe(r, E.map((ref) => ref.imageDigest)), E.right(pushed.right.imageDigest))
 *   })
 * )
 */
export const lookup = (s: string): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ImageRef> =>
  byUri(s, (repo, imageTag) =>
    pipe(
      describeOne(repo, { imageTag }),
      RTE.map((d): ImageRef => ({ ...repo, imageDigest: d.imageDigest }))
    )
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
    RTE.orElse((e) => (e._tag === 'NotFound' && e.resource === 'Layer' ? whenArchived(ref, e) : RTE.left(e))),
    RTE.flatMapEither((bytes) => ImageConfigs.fromJson(bytes.toString('utf8')))
  )

/**
 * A registry GET answered 404 (`e`): ECR answers so for an archived image, whose manifest the ref
 * may carry from before. One DescribeImages tells; an image not `ACTIVE` gives the archived error.
 */
const whenArchived = <A>(ref: ImageRef, e: EcrError.EcrError): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, A> =>
  pipe(
    describeOne(ref, { imageDigest: ref.imageDigest }),
    RTE.foldW(
      () => RTE.left(e),
      (d) =>
        RTE.left(
          d.status === undefined || d.status === 'ACTIVE'
            ? e
            : State.archivedError('GetBlob', ref, { imageDigest: ref.imageDigest }, `its status is ${d.status}`)
        )
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

// -------------------------------------------------------------------------------------
// deletion
// -------------------------------------------------------------------------------------

/** A per-item failure of BatchDeleteImage as an `EcrError`: `ImageNotFound` is `NotFound('Image')`. */
const deleteFailure = (ref: RepositoryRef, failure: Output.ImageFailure, fallback: ImageId): EcrError.EcrError => {
  const e = failureError(ref, failure, fallback)
  return e._tag === 'AwsError' ? { ...e, operation: 'BatchDeleteImage' } : e
}

/** BatchDeleteImage of `ids` (at most 100), its first per-item failure as the error. */
const batchDelete = (ref: RepositoryRef, ids: ReadonlyArray<ImageId>): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  pipe(
    send(
      new BatchDeleteImageCommand({ registryId: ref.accountId, repositoryName: ref.repositoryName, imageIds: ids.map((id) => ({ ...id })) }),
      ref.repositoryName
    ),
    RTE.flatMapEither(State.batchDeleteImage),
    RTE.flatMapEither(({ failures }) => {
      const first = failures[0]
      return first === undefined ? E.right(undefined) : E.left(deleteFailure(ref, first, ids[0] ?? { imageDigest: '' }))
    })
  )

/** BatchDeleteImage of the image by digest: documented on the export below. */
const delete_ = (ref: ImageRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() => batchDelete(ref, [{ imageDigest: ref.imageDigest }]))
  )

export {
  /**
   * Deletes the image with all its tags (one BatchDeleteImage by digest). Missing: `NotFound('Image')`;
   * a platform image an index still names: `AwsError` with code `ImageReferencedByManifestList`
   * (delete the index first). An archived image can be deleted.
   *
   * @category deletion
   * @since 0.2.0
   * @example
   * import * as Image from 'ecr-fp-ts/Image'
   * import * as Testing from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   * import * as F from 'fp-ts/function'
   * import * as O from 'fp-ts/Option'
   * import * as RTE from 'fp-ts/ReaderTaskEither'
   *
   * const twin = Testing.InMemoryEcr.make()
   * const pushed = twin.pushImage('app')
   * assert.ok(E.isRight(pushed))
   * const digest = pushed.right.imageDigest
   * F.pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app@' + digest), RTE.flatMap(Image.delete))(twin.env)().then((r) =>
   *   assert.deepStrictEqual([r, twin.imageStatus('app', digest)], [E.right(undefined), O.none])
   * )
   */
  delete_ as delete
}

/**
 * Removes tags from the image: one DescribeImages (the image's tags now), then BatchDeleteImage by
 * tag (100 a call). Every tag is checked before any call; a tag that is not on this image is
 * `NotFound('Image')` naming it, and nothing is removed. ECR's rule: **removing an image's last tag
 * deletes the image** (to keep it, give it another tag first, or archive it). A tag given twice is
 * removed once; no tags: no call.
 *
 * @category deletion
 * @since 0.2.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as O from 'fp-ts/Option'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * const pushed = twin.pushImage('app', { tags: ['v1', 'latest'] })
 * assert.ok(E.isRight(pushed))
 * const image = Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1')
 * pipe(
 *   image,
 *   RTE.tap((ref) => Image.removeTags(ref, ['latest'])),
 *   RTE.flatMap(Image.getTags)
 * )(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right(['v1']))
 *   // its last tag: the image goes with it
 *   return pipe(image, RTE.flatMap((ref) => Image.removeTags(ref, ['v1'])))(twin.env)().then((r2) => {
 *     assert.deepStrictEqual(r2, E.right(undefined))
 *     assert.ok(O.isNone(twin.imageStatus('app', pushed.right.imageDigest)))
 *   })
 * })
 */
export const removeTags = (ref: ImageRef, tags: ReadonlyArray<string>): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> => {
  const distinct = Array.from(new Set(tags))
  if (distinct.length === 0) return RTE.right(undefined)
  return pipe(
    RTE.fromEither(E.traverseArray(checkTag)(distinct)),
    RTE.tap(() => inRegion(ref)),
    RTE.flatMap(() => describeOne(ref, { imageDigest: ref.imageDigest })),
    RTE.flatMapEither((detail) => {
      const missing = distinct.filter((t) => !detail.imageTags.includes(t))
      const first = missing[0]
      return first === undefined
        ? E.right(undefined)
        : E.left(
            EcrError.notFound(
              'Image',
              imageLabel(ref, { imageTag: first }),
              `not tags of ${toUri(ref)}: ${missing.join(', ')} (its tags: ${detail.imageTags.join(', ') || 'none'})`
            )
          )
    }),
    RTE.flatMap(() => {
      const chunks: Array<ReadonlyArray<ImageId>> = []
      for (let i = 0; i < distinct.length; i += BATCH_LIMIT)
        chunks.push(distinct.slice(i, i + BATCH_LIMIT).map((imageTag) => ({ imageTag })))
      return pipe(chunks, traverseRTE((ids: ReadonlyArray<ImageId>) => batchDelete(ref, ids)))
    }),
    RTE.map(() => undefined)
  )
}

// -------------------------------------------------------------------------------------
// storage
// -------------------------------------------------------------------------------------

/**
 * UpdateImageStorageClass to `target`. ECR refuses a change to the class the image is already in
 * (`ImageStorageClassUpdateNotSupportedException`): when one DescribeImages shows the image is where
 * `done` says, that is a success.
 */
const setStorageClass = (
  ref: ImageRef,
  target: 'ARCHIVE' | 'STANDARD',
  done: (status: ImageDetail['status']) => boolean
): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      send(
        new UpdateImageStorageClassCommand({
          registryId: ref.accountId,
          repositoryName: ref.repositoryName,
          imageId: { imageDigest: ref.imageDigest },
          targetStorageClass: target
        }),
        imageLabel(ref, { imageDigest: ref.imageDigest })
      )
    ),
    RTE.map(() => undefined),
    RTE.orElse((e) =>
      e._tag === 'AwsError' && e.code === 'ImageStorageClassUpdateNotSupportedException'
        ? pipe(
            describeOne(ref, { imageDigest: ref.imageDigest }),
            RTE.foldW(
              () => RTE.left(e),
              (d) => (done(d.status) ? RTE.right(undefined) : RTE.left(e))
            )
          )
        : RTE.left(e)
    )
  )

/**
 * Moves the image to ECR's archive storage class (UpdateImageStorageClass `ARCHIVE`; an index goes
 * with its platform images). Already archived: a success. An archived image is kept (and billed
 * for at least 90 days) but cannot be read: `getManifest`, `getConfig`, `getLayers`, `fromUri` by tag
 * and pulls fail with `AwsError` of `code: 'ImageArchived'` (not retryable) until `restore`. A
 * platform image an index names is archived with its index only (`AwsError`,
 * `ImageStorageClassUpdateNotSupportedException`).
 *
 * @category storage
 * @since 0.2.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as O from 'fp-ts/Option'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * const pushed = twin.pushImage('app', { tag: 'v1' })
 * assert.ok(E.isRight(pushed))
 * const uri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/app@${pushed.right.imageDigest}`
 * pipe(Image.fromUri(uri), RTE.tap(Image.archive), RTE.flatMap(Image.getManifest))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(twin.imageStatus('app', 'v1'), O.some('ARCHIVED'))
 *   // a read is a Left a program can match on, saying how to restore the image
 *   assert.ok(E.isLeft(r) && r.left._tag === 'AwsError' && r.left.code === 'ImageArchived')
 *   assert.ok(r.left.message.includes('Image.restore'))
 * })
 */
export const archive = (ref: ImageRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  setStorageClass(ref, 'ARCHIVE', (s) => s === 'ARCHIVED')

/**
 * Restores an archived image to the standard storage class (UpdateImageStorageClass `STANDARD`).
 * ECR restores in the background: the image is `ACTIVATING` (still unreadable, reads fail with
 * `code: 'ImageArchived'`) until it is `ACTIVE` again (`getDetail` tells; ECR documents up to
 * hours). An image already `ACTIVE` or `ACTIVATING`: a success.
 *
 * @category storage
 * @since 0.2.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * const pushed = twin.pushImage('app', { tag: 'v1' })
 * assert.ok(E.isRight(pushed))
 * const uri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/app@${pushed.right.imageDigest}`
 * pipe(
 *   Image.fromUri(uri),
 *   RTE.tap(Image.archive),
 *   RTE.tap(Image.restore),
 *   RTE.flatMap(Image.getManifest)
 * )(twin.env)().then((r) => {
 *   // the twin restores at once unless told otherwise (InMemoryEcr.make({ restoreMs }))
 *   assert.deepStrictEqual(r, E.right(pushed.right.manifest))
 * })
 */
export const restore = (ref: ImageRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  setStorageClass(ref, 'STANDARD', (s) => s === 'ACTIVE' || s === 'ACTIVATING')

// -------------------------------------------------------------------------------------
// scanning
// -------------------------------------------------------------------------------------

/**
 * A finding's severity, as ECR reports it (enhanced scanning's `UNTRIAGED` is `UNDEFINED`).
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { Severity } from 'ecr-fp-ts/Image'
 *
 * const worst: ReadonlyArray<Severity> = ['CRITICAL', 'HIGH']
 * assert.strictEqual(worst.includes('HIGH'), true)
 */
export type Severity = State.Severity

/**
 * One vulnerability a scan found; basic and enhanced scanning give the same shape.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { Finding } from 'ecr-fp-ts/Image'
 *
 * const finding: Finding = { name: 'CVE-2024-0001', severity: 'HIGH', package: 'openssl', version: '3.0.1', fixedIn: '3.0.9' }
 * const fixable = (f: Finding): boolean => f.fixedIn !== undefined
 * assert.strictEqual(fixable(finding), true)
 */
export interface Finding {
  /** The vulnerability's id (`CVE-2024-...`), or its title. */
  readonly name: string
  /** How bad it is. */
  readonly severity: Severity
  /** Where it is described. */
  readonly uri?: string
  /** The package it is in. */
  readonly package?: string
  /** The package's version in the image. */
  readonly version?: string
  /** The version that fixes it (enhanced scanning). */
  readonly fixedIn?: string
}

/**
 * What a scan of the image found.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { ScanFindings } from 'ecr-fp-ts/Image'
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * twin.pushImage('app', { tag: 'v1' })
 * twin.setScanFindings('app', 'v1', { findings: [{ name: 'CVE-2024-0002', severity: 'CRITICAL' }] })
 * const passes = (f: ScanFindings): boolean => f.status === 'COMPLETE' && f.severityCounts.CRITICAL === 0
 * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap(Image.getScanFindings))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map(passes)), E.right(false))
 * })
 */
export interface ScanFindings {
  /** ECR's scan status: `COMPLETE`, `IN_PROGRESS`, `FAILED`, `UNSUPPORTED_IMAGE`, ... */
  readonly status: string
  /** When the scan completed. */
  readonly completedAt?: Date
  /** How many findings of each severity (every severity present, zero when none). */
  readonly severityCounts: Record<Severity, number>
  /** Every finding, from every page; empty until the scan is `COMPLETE`. */
  readonly findings: ReadonlyArray<Finding>
}

/**
 * Starts a scan of the image (StartImageScan; basic scanning). ECR allows one scan per image a day
 * (`AwsError`, `LimitExceededException`); an image it cannot scan (an index, an artifact) is
 * `AwsError` `UnsupportedImageTypeException`; an archived one is `AwsError` `ImageArchived`. Read the
 * result with `getScanFindings`.
 *
 * @category scanning
 * @since 0.2.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * twin.pushImage('app', { tag: 'v1' })
 * pipe(
 *   Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'),
 *   RTE.tap(Image.startScan),
 *   RTE.flatMap(Image.getScanFindings)
 * )(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((f) => [f.status, f.findings.length])), E.right(['COMPLETE', 0]))
 * })
 */
export const startScan = (ref: ImageRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, void> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      send(
        new StartImageScanCommand({ registryId: ref.accountId, repositoryName: ref.repositoryName, imageId: { imageDigest: ref.imageDigest } }),
        imageLabel(ref, { imageDigest: ref.imageDigest })
      )
    ),
    RTE.mapLeft(State.fromArchivedException(ref, { imageDigest: ref.imageDigest })),
    RTE.map(() => undefined)
  )

/**
 * The findings of the image's latest scan, every page (DescribeImageScanFindings, pages of 1000),
 * basic and enhanced findings in one shape, with counts for every severity. A scan that is not
 * `COMPLETE` gives its status and no findings; an image never scanned is `AwsError`
 * `ScanNotFoundException`.
 *
 * @category scanning
 * @since 0.2.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * twin.pushImage('app', { tag: 'v1' })
 * twin.setScanFindings('app', 'v1', { findings: [{ name: 'CVE-2024-0001', severity: 'HIGH' }] })
 * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap(Image.getScanFindings))(twin.env)().then((r) => {
 *   assert.ok(E.isRight(r))
 *   assert.strictEqual(r.right.status, 'COMPLETE')
 *   assert.deepStrictEqual(r.right.findings.map((f) => [f.name, f.severity]), [['CVE-2024-0001', 'HIGH']])
 *   assert.strictEqual(r.right.severityCounts.HIGH, 1)
 *   assert.strictEqual(r.right.severityCounts.CRITICAL, 0)
 * })
 */
export const getScanFindings = (ref: ImageRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ScanFindings> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      paginate('DescribeImageScanFindings', (nextToken) =>
        pipe(
          send(
            new DescribeImageScanFindingsCommand({
              registryId: ref.accountId,
              repositoryName: ref.repositoryName,
              imageId: { imageDigest: ref.imageDigest },
              maxResults: MAX_RESULTS,
              ...(nextToken === undefined ? {} : { nextToken })
            }),
            imageLabel(ref, { imageDigest: ref.imageDigest })
          ),
          RTE.flatMapEither(State.scanFindingsPage)
        )
      )
    ),
    RTE.map((pages): ScanFindings => {
      const first = pages[0]
      return {
        status: first?.status ?? 'UNKNOWN',
        ...(first?.completedAt === undefined ? {} : { completedAt: first.completedAt }),
        severityCounts: State.countsOf(first?.severityCounts ?? {}),
        findings: pages.flatMap((p) => p.findings)
      }
    })
  )

// -------------------------------------------------------------------------------------
// replication
// -------------------------------------------------------------------------------------

/**
 * Where ECR's own replication has copied the image: one entry per destination registry.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { ReplicationStatus } from 'ecr-fp-ts/Image'
 *
 * const statuses: ReadonlyArray<ReplicationStatus> = []
 * const everywhere = statuses.every((s) => s.status === 'COMPLETE')
 * assert.strictEqual(everywhere, true)
 */
export type ReplicationStatus = State.ReplicationStatus

/**
 * The image's native replication status (DescribeImageReplicationStatus): for each destination of
 * the registry's replication rules, `IN_PROGRESS`, `COMPLETE` or `FAILED` (with ECR's `failureCode`).
 * An image no rule replicates: an empty list.
 *
 * @category replication
 * @since 0.2.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1' })
 * twin.pushImage('app', { tag: 'v1' })
 * twin.setReplicationStatus('app', 'v1', { region: 'eu-west-1', registryId: '123456789012', status: 'FAILED', failureCode: 'KMS_ERROR' })
 * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap(Image.getReplicationStatus))(twin.env)().then((r) => {
 *   assert.deepStrictEqual(r, E.right([{ region: 'eu-west-1', registryId: '123456789012', status: 'FAILED', failureCode: 'KMS_ERROR' }]))
 * })
 */
export const getReplicationStatus = (ref: ImageRef): RTE.ReaderTaskEither<EcrEnv, EcrError.EcrError, ReadonlyArray<ReplicationStatus>> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() =>
      send(
        new DescribeImageReplicationStatusCommand({
          registryId: ref.accountId,
          repositoryName: ref.repositoryName,
          imageId: { imageDigest: ref.imageDigest }
        }),
        imageLabel(ref, { imageDigest: ref.imageDigest })
      )
    ),
    RTE.flatMapEither(State.replicationStatuses)
  )

// -------------------------------------------------------------------------------------
// referrers
// -------------------------------------------------------------------------------------

/**
 * An artifact that refers to an image through its `subject` (OCI 1.1): a signature, an SBOM, an
 * attestation. What a referrers index lists about it.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { Referrer } from 'ecr-fp-ts/Image'
 * import { isImageDigest } from 'ecr-fp-ts/Primitives'
 *
 * const digest = `sha256:${'5'.repeat(64)}`
 * assert.ok(isImageDigest(digest))
 * const signature: Referrer = {
 *   digest,
 *   mediaType: 'application/vnd.oci.image.manifest.v1+json',
 *   artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
 *   size: 512
 * }
 * assert.strictEqual(signature.artifactType?.endsWith('sig.v1+json'), true)
 */
export interface Referrer {
  /** The digest of the referrer's manifest. */
  readonly digest: ImageDigest
  /** The media type of its manifest (an OCI manifest or index). */
  readonly mediaType: string
  /** What kind of artifact it is (`artifactType`, else its config's media type), when known. */
  readonly artifactType?: string
  /** The size of its manifest in bytes. */
  readonly size: number
  /** The annotations of its manifest, as the index lists them. */
  readonly annotations?: Readonly<Record<string, string>>
}

/**
 * The referrers of an image (signatures, SBOMs, attestations: the manifests whose `subject` is
 * it), of one of `artifactTypes` when given (filtered here too, whatever the registry does with
 * the filter). Read with the registry's referrers API (`GET /v2/<name>/referrers/<digest>`, every
 * page); where the registry answers 404 (no referrers API), from the tag-schema fallback: the index
 * under the tag `sha256-<hex>` (absent: none). The login comes from the login cache.
 *
 * @category referrers
 * @since 0.2.0
 * @example
 * import * as Image from 'ecr-fp-ts/Image'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import * as RTE from 'fp-ts/ReaderTaskEither'
 *
 * const twin = InMemoryEcr.make()
 * const image = twin.pushImage('app', { tag: 'v1', format: 'oci' })
 * assert.ok(E.isRight(image))
 * const sig = 'application/vnd.dev.cosign.artifact.sig.v1+json'
 * const signature = twin.pushImage('app', { subject: image.right.imageDigest, artifactType: sig })
 * twin.pushImage('app', { subject: image.right.imageDigest, artifactType: 'application/spdx+json' })
 * assert.ok(E.isRight(signature))
 * const program = pipe(
 *   Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'),
 *   RTE.flatMap((ref) => Image.listReferrers(ref, { artifactTypes: [sig] }))
 * )
 * program(twin.env)().then((r) => {
 *   assert.deepStrictEqual(pipe(r, E.map((rs) => rs.map((x) => [x.digest, x.artifactType]))), E.right([[signature.right.imageDigest, sig]]))
 * })
 */
export const listReferrers = (
  ref: ImageRef,
  options: { readonly artifactTypes?: ReadonlyArray<string> } = {}
): RTE.ReaderTaskEither<EcrEnv & HttpEnv, EcrError.EcrError, ReadonlyArray<Referrer>> =>
  pipe(
    inRegion(ref),
    RTE.flatMap(() => getLogin(ref)),
    RTE.flatMap((login) => Referrers.listReferrers(login, ref.repositoryName, ref.imageDigest, options.artifactTypes)),
    RTE.map((listing) => listing.referrers)
  )
