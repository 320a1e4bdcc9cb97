/**
 * The URI of an ECR image: a repository URI with exactly one of a tag (`:v1.2`) or a digest
 * (`@sha256:…`), such as `123456789012.dkr.ecr.us-west-2.amazonaws.com/my-app:v1.2`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import type { EcrError } from './EcrError'
import type { RepositoryRef } from './internal/refs'
import * as U from './internal/uri'
import type { ImageDigest, ImageTag } from './Primitives'
import type { RegistryUri } from './RegistryUri'
import type { RepositoryUri } from './RepositoryUri'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { ImageUriBrand } from 'ecr-fp-ts/ImageUri'
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 * import * as t from 'io-ts'
 *
 * const uri: E.Either<unknown, t.Branded<string, ImageUriBrand>> = ImageUri.parse(
 *   '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/api:v1'
 * )
 * assert.deepStrictEqual(uri, E.right('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/api:v1'))
 */
export interface ImageUriBrand {
  readonly ImageUri: unique symbol
}

/**
 * A valid image URI: `<registry host>/<repository name>:<tag>` or `<registry host>/<repository name>@<digest>`.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * // pin an image to its digest, e.g. for a deployment
 * const pinned = (u: ImageUri.ImageUri, digest: string): E.Either<unknown, ImageUri.ImageUri> => ImageUri.withDigest(u, digest)
 * const uri = ImageUri.parse('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/api:v1')
 * assert.ok(E.isRight(uri))
 * assert.deepStrictEqual(
 *   pinned(uri.right, 'sha256:' + '1'.repeat(64)),
 *   E.right('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/api@sha256:' + '1'.repeat(64))
 * )
 */
export type ImageUri = t.Branded<string, ImageUriBrand>

/**
 * The parts `make` builds an image URI from: exactly one of `tag` and `digest`. `fips: true` asks
 * for the FIPS host.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * const parts: ImageUri.ImageUriParts = {
 *   accountId: '123456789012',
 *   region: 'eu-west-1',
 *   repositoryName: 'team/api',
 *   digest: 'sha256:' + 'a'.repeat(64)
 * }
 * assert.deepStrictEqual(
 *   ImageUri.make(parts),
 *   E.right('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api@sha256:' + 'a'.repeat(64))
 * )
 * // a tag as well as a digest is one reference too many
 * assert.ok(E.isLeft(ImageUri.make({ ...parts, tag: 'v1' })))
 */
export interface ImageUriParts {
  readonly accountId: string
  readonly region: string
  readonly repositoryName: string
  readonly tag?: string
  readonly digest?: string
  readonly fips?: boolean
}

/**
 * What `toRef` returns: the repository and exactly one of `tag` and `digest`; `fips: true` when
 * the URI has a FIPS host (absent otherwise).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * const digest = 'sha256:' + 'b'.repeat(64)
 * const uri = ImageUri.parse(`123456789012.dkr.ecr.ap-south-1.amazonaws.com/team/api@${digest}`)
 * assert.ok(E.isRight(uri))
 * const ref: ImageUri.ImageUriRef = ImageUri.toRef(uri.right)
 * assert.strictEqual(ref.digest, digest)
 * assert.strictEqual(ref.tag, undefined)
 * assert.strictEqual(ref.repositoryName, 'team/api')
 */
export interface ImageUriRef extends RepositoryRef {
  readonly tag?: ImageTag
  readonly digest?: ImageDigest
  readonly fips?: boolean
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Parses an image URI. A digest follows the first `@`; a tag follows the last `:` after the last
 * `/`. Exactly one of them must be there.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * const host = '123456789012.dkr.ecr.us-west-2.amazonaws.com'
 * assert.ok(E.isRight(ImageUri.parse(`${host}/team/my-app:v1.2-rc.1`)))
 * assert.ok(E.isRight(ImageUri.parse(`${host}/team/my-app@sha256:${'a'.repeat(64)}`)))
 *
 * const both = ImageUri.parse(`${host}/my-app:v1@sha256:${'a'.repeat(64)}`)
 * assert.ok(E.isLeft(both))
 * assert.ok(both.left.message.endsWith('(needs exactly one of tag or digest, got both)'))
 * assert.ok(E.isLeft(ImageUri.parse(`${host}/my-app`)))
 */
export const parse: (s: string) => E.Either<EcrError, ImageUri> = /*#__PURE__*/ U.parseWith<ImageUri>(
  'ImageUri',
  U.isImageUri,
  U.imageProblem
)

/**
 * Builds an image URI from its parts: `Left` unless exactly one of `tag` and `digest` is given and
 * every part is valid.
 *
 * @category constructors
 * @since 0.1.0
 * @example
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * assert.deepStrictEqual(
 *   ImageUri.make({ accountId: '123456789012', region: 'us-west-2', repositoryName: 'my-app', tag: 'latest' }),
 *   E.right('123456789012.dkr.ecr.us-west-2.amazonaws.com/my-app:latest')
 * )
 * assert.ok(E.isLeft(ImageUri.make({ accountId: '123456789012', region: 'us-west-2', repositoryName: 'my-app' })))
 */
export const make = (parts: ImageUriParts): E.Either<EcrError, ImageUri> => {
  const fips = parts.fips === true
  const { accountId, region, repositoryName: name, tag, digest } = parts
  const s = `${U.formatHost(accountId, region, fips)}/${name}${tag === undefined ? '' : `:${tag}`}${
    digest === undefined ? '' : `@${digest}`
  }`
  const reason =
    U.accountProblem(accountId) ??
    U.regionProblem(region) ??
    (fips ? U.fipsProblem(region) : undefined) ??
    U.repositoryNameProblem(name) ??
    U.referenceProblem(tag, digest)
  return reason === undefined ? E.right(s as ImageUri) : E.left(U.invalid(s, 'ImageUri', reason))
}

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The parts of an image URI: exactly one of `tag` and `digest` is set, and `fips: true` only for a
 * FIPS host, so `make(toRef(u))` gives `u` back.
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * const uri = ImageUri.parse('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/my-app:v1.2')
 * assert.ok(E.isRight(uri))
 * assert.deepStrictEqual(ImageUri.toRef(uri.right), {
 *   accountId: '123456789012',
 *   region: 'us-west-2',
 *   repositoryName: 'team/my-app',
 *   tag: 'v1.2'
 * })
 */
export const toRef = (u: ImageUri): ImageUriRef => {
  const r = U.unsafeRef(u)
  const base = { accountId: r.accountId, region: r.region, repositoryName: r.repositoryName }
  const ref: ImageUriRef = r.digest !== undefined ? { ...base, digest: r.digest } : { ...base, tag: r.tag as ImageTag }
  return r.fips ? { ...ref, fips: true } : ref
}

/**
 * The repository an image URI is in.
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * const uri = ImageUri.parse('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/my-app:v1')
 * assert.ok(E.isRight(uri))
 * assert.strictEqual(ImageUri.toRepositoryUri(uri.right), '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/my-app')
 */
export const toRepositoryUri = (u: ImageUri): RepositoryUri => {
  const parts = U.split(u)
  return `${parts.host}/${parts.name ?? ''}` as RepositoryUri
}

/**
 * The registry an image URI is in.
 *
 * @category conversions
 * @since 0.1.0
 * @example
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * const uri = ImageUri.parse('123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app:v1')
 * assert.ok(E.isRight(uri))
 * assert.strictEqual(ImageUri.registry(uri.right), '123456789012.dkr.ecr.eu-west-1.amazonaws.com')
 */
export const registry = (u: ImageUri): RegistryUri => U.split(u).host as RegistryUri

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * The same image URI with `tag` in place of its tag or digest.
 *
 * @category combinators
 * @since 0.1.0
 * @example
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * const uri = ImageUri.parse(`123456789012.dkr.ecr.us-west-2.amazonaws.com/my-app@sha256:${'b'.repeat(64)}`)
 * assert.ok(E.isRight(uri))
 * assert.deepStrictEqual(
 *   ImageUri.withTag(uri.right, 'stable'),
 *   E.right('123456789012.dkr.ecr.us-west-2.amazonaws.com/my-app:stable')
 * )
 * assert.ok(E.isLeft(ImageUri.withTag(uri.right, '-bad')))
 */
export const withTag = (u: ImageUri, tag: string): E.Either<EcrError, ImageUri> => {
  const s = `${toRepositoryUri(u)}:${tag}`
  const reason = U.tagProblem(tag)
  return reason === undefined ? E.right(s as ImageUri) : E.left(U.invalid(s, 'ImageUri', reason))
}

/**
 * The same image URI with `digest` in place of its tag or digest.
 *
 * @category combinators
 * @since 0.1.0
 * @example
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * const uri = ImageUri.parse('123456789012.dkr.ecr.us-west-2.amazonaws.com/my-app:v1')
 * assert.ok(E.isRight(uri))
 * const digest = `sha256:${'c'.repeat(64)}`
 * assert.deepStrictEqual(
 *   ImageUri.withDigest(uri.right, digest),
 *   E.right(`123456789012.dkr.ecr.us-west-2.amazonaws.com/my-app@${digest}`)
 * )
 * assert.ok(E.isLeft(ImageUri.withDigest(uri.right, 'sha256:ABC')))
 */
export const withDigest = (u: ImageUri, digest: string): E.Either<EcrError, ImageUri> => {
  const s = `${toRepositoryUri(u)}@${digest}`
  const reason = U.digestProblem(digest)
  return reason === undefined ? E.right(s as ImageUri) : E.left(U.invalid(s, 'ImageUri', reason))
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/**
 * Decodes with `parse`; encodes to the string itself.
 *
 * @category codecs
 * @since 0.1.0
 * @example
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * const s = '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-app:latest'
 * const decoded = ImageUri.codec.decode(s)
 * assert.ok(E.isRight(decoded))
 * assert.strictEqual(ImageUri.codec.encode(decoded.right), s)
 * assert.ok(E.isLeft(ImageUri.codec.decode('my-app:latest')))
 */
export const codec: t.Type<ImageUri, string, unknown> = /*#__PURE__*/ new t.Type<ImageUri, string, unknown>(
  'ImageUri',
  (u): u is ImageUri => typeof u === 'string' && E.isRight(parse(u)),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'an ImageUri is a string')
    const r = parse(u)
    return E.isRight(r) ? t.success(r.right) : t.failure(u, c, r.left.message)
  },
  (a) => a
)
