/**
 * Branded strings for the values ECR names: account ids, regions, repository names, image tags and
 * digests, each with an io-ts codec and a plain predicate.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts'
import { showValue } from './internal/codec'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { AccountIdBrand } from 'ecr-fp-ts/Primitives'
 * import { AccountIdC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 * import * as t from 'io-ts'
 *
 * // the codec's output carries the brand: a checked string
 * const id: E.Either<t.Errors, t.Branded<string, AccountIdBrand>> = AccountIdC.decode('123456789012')
 * assert.deepStrictEqual(id, E.right('123456789012'))
 * assert.ok(E.isLeft(AccountIdC.decode('12345678901')))
 */
export interface AccountIdBrand {
  readonly AccountId: unique symbol
}

/**
 * An AWS account id: exactly 12 digits.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { AccountId } from 'ecr-fp-ts/Primitives'
 * import { isAccountId } from 'ecr-fp-ts/Primitives'
 *
 * const ids: ReadonlyArray<AccountId> = ['123456789012', 'my-account', '000000000001', '1234567890123'].filter(isAccountId)
 * assert.deepStrictEqual(ids, ['123456789012', '000000000001'])
 *
 * // @ts-expect-error: a plain string is not an AccountId until it is checked
 * const unchecked: AccountId = '123456789012'
 * assert.strictEqual(typeof unchecked, 'string')
 */
export type AccountId = t.Branded<string, AccountIdBrand>

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { RegionBrand } from 'ecr-fp-ts/Primitives'
 * import { RegionC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 * import * as t from 'io-ts'
 *
 * const region: E.Either<t.Errors, t.Branded<string, RegionBrand>> = RegionC.decode('ap-southeast-2')
 * assert.deepStrictEqual(region, E.right('ap-southeast-2'))
 * assert.ok(E.isLeft(RegionC.decode('Sydney')))
 */
export interface RegionBrand {
  readonly Region: unique symbol
}

/**
 * An AWS region code such as `us-west-2`, `us-gov-west-1`, `cn-north-1` or `eusc-de-east-1`.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { Region } from 'ecr-fp-ts/Primitives'
 * import { isRegion } from 'ecr-fp-ts/Primitives'
 *
 * const regions: ReadonlyArray<Region> = ['us-east-1', 'cn-north-1', 'mars-1', 'EU-WEST-1'].filter(isRegion)
 * assert.deepStrictEqual(regions, ['us-east-1', 'cn-north-1'])
 */
export type Region = t.Branded<string, RegionBrand>

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { RepositoryNameBrand } from 'ecr-fp-ts/Primitives'
 * import { RepositoryNameC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 * import * as t from 'io-ts'
 *
 * const name: E.Either<t.Errors, t.Branded<string, RepositoryNameBrand>> = RepositoryNameC.decode('team/api')
 * assert.deepStrictEqual(name, E.right('team/api'))
 * assert.ok(E.isLeft(RepositoryNameC.decode('team//api')))
 */
export interface RepositoryNameBrand {
  readonly RepositoryName: unique symbol
}

/**
 * An ECR repository name: 2–256 characters, lower-case components separated by `/`.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { RepositoryName } from 'ecr-fp-ts/Primitives'
 * import { isRepositoryName } from 'ecr-fp-ts/Primitives'
 *
 * const names: ReadonlyArray<RepositoryName> = ['team/api', 'base__image', 'Team/API', '/api', 'x'].filter(isRepositoryName)
 * assert.deepStrictEqual(names, ['team/api', 'base__image'])
 */
export type RepositoryName = t.Branded<string, RepositoryNameBrand>

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { ImageTagBrand } from 'ecr-fp-ts/Primitives'
 * import { ImageTagC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 * import * as t from 'io-ts'
 *
 * const tag: E.Either<t.Errors, t.Branded<string, ImageTagBrand>> = ImageTagC.decode('v1.2.3')
 * assert.deepStrictEqual(tag, E.right('v1.2.3'))
 * assert.ok(E.isLeft(ImageTagC.decode('x'.repeat(129))))
 */
export interface ImageTagBrand {
  readonly ImageTag: unique symbol
}

/**
 * A Docker image tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { ImageTag } from 'ecr-fp-ts/Primitives'
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 *
 * // the tag of a parsed image URI is a checked ImageTag
 * const uri = ImageUri.parse('123456789012.dkr.ecr.us-west-2.amazonaws.com/team/api:2024-06-01_build.7')
 * assert.ok(E.isRight(uri))
 * const tag: ImageTag | undefined = ImageUri.toRef(uri.right).tag
 * assert.strictEqual(tag, '2024-06-01_build.7')
 */
export type ImageTag = t.Branded<string, ImageTagBrand>

/**
 * @category model
 * @since 0.1.0
 * @example
 * import type { ImageDigestBrand } from 'ecr-fp-ts/Primitives'
 * import { ImageDigestC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 * import * as t from 'io-ts'
 *
 * const digest: E.Either<t.Errors, t.Branded<string, ImageDigestBrand>> = ImageDigestC.decode('sha512:' + 'f'.repeat(128))
 * assert.ok(E.isRight(digest))
 * assert.ok(E.isLeft(ImageDigestC.decode('sha512:' + 'f'.repeat(64))))
 */
export interface ImageDigestBrand {
  readonly ImageDigest: unique symbol
}

/**
 * A content digest: `sha256:` and 64 lower-case hex digits (or `sha512:` and 128).
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { ImageDigest } from 'ecr-fp-ts/Primitives'
 * import { isImageDigest } from 'ecr-fp-ts/Primitives'
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 *
 * // the content digest of a manifest's text
 * const digest: ImageDigest = Manifest.digest('{"schemaVersion":2,"manifests":[]}')
 * assert.ok(digest.startsWith('sha256:'))
 * assert.strictEqual(digest.length, 'sha256:'.length + 64)
 * assert.strictEqual(isImageDigest(digest), true)
 */
export type ImageDigest = t.Branded<string, ImageDigestBrand>

/**
 * A resource tag, in the AWS SDK's shape.
 *
 * @category model
 * @since 0.1.0
 * @example
 * import type { ResourceTag } from 'ecr-fp-ts/Primitives'
 * import { ResourceTagC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 *
 * const tags: ReadonlyArray<ResourceTag> = [
 *   { Key: 'team', Value: 'payments' },
 *   { Key: 'cost-center', Value: '' }
 * ]
 * assert.deepStrictEqual(tags.map((tag) => ResourceTagC.decode(tag)), tags.map((tag) => E.right(tag)))
 * assert.ok(E.isLeft(ResourceTagC.decode({ key: 'team', value: 'payments' })))
 */
export interface ResourceTag {
  readonly Key: string
  readonly Value: string
}

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

const ACCOUNT_ID = /^\d{12}$/

// The partitions' region prefixes (AWS SDK partition data), then a direction and a number.
const REGION =
  /^(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob|eu-isoe|us-isof|eusc-de)-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-[1-9]\d?$/

// ECR: (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*, where ECR also accepts
// `__` and runs of `-` as separators inside a component.
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/

const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

const IMAGE_DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/

/**
 * @category refinements
 * @since 0.1.0
 * @example
 * import { isAccountId } from 'ecr-fp-ts/Primitives'
 *
 * assert.strictEqual(isAccountId('123456789012'), true)
 * assert.strictEqual(isAccountId('12345'), false)
 */
export const isAccountId = (s: unknown): s is AccountId => typeof s === 'string' && ACCOUNT_ID.test(s)

/**
 * @category refinements
 * @since 0.1.0
 * @example
 * import { isRegion } from 'ecr-fp-ts/Primitives'
 *
 * assert.strictEqual(isRegion('us-west-2'), true)
 * assert.strictEqual(isRegion('us-gov-west-1'), true)
 * assert.strictEqual(isRegion('us-west!-2'), false)
 * assert.strictEqual(isRegion('US-WEST-2'), false)
 */
export const isRegion = (s: unknown): s is Region => typeof s === 'string' && REGION.test(s)

/**
 * @category refinements
 * @since 0.1.0
 * @example
 * import { isRepositoryName } from 'ecr-fp-ts/Primitives'
 *
 * assert.strictEqual(isRepositoryName('team/my-app'), true)
 * assert.strictEqual(isRepositoryName('My-App'), false)
 * assert.strictEqual(isRepositoryName('a'), false)
 */
export const isRepositoryName = (s: unknown): s is RepositoryName =>
  typeof s === 'string' && s.length >= 2 && s.length <= 256 && REPOSITORY_NAME.test(s)

/**
 * @category refinements
 * @since 0.1.0
 * @example
 * import { isImageTag } from 'ecr-fp-ts/Primitives'
 *
 * assert.strictEqual(isImageTag('v1.2.3'), true)
 * assert.strictEqual(isImageTag('-bad'), false)
 */
export const isImageTag = (s: unknown): s is ImageTag => typeof s === 'string' && IMAGE_TAG.test(s)

/**
 * @category refinements
 * @since 0.1.0
 * @example
 * import { isImageDigest } from 'ecr-fp-ts/Primitives'
 *
 * assert.strictEqual(isImageDigest('sha256:' + 'a'.repeat(64)), true)
 * assert.strictEqual(isImageDigest('sha256:' + 'A'.repeat(64)), false)
 */
export const isImageDigest = (s: unknown): s is ImageDigest => typeof s === 'string' && IMAGE_DIGEST.test(s)

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const brandedString = <A extends string>(name: string, is: (u: unknown) => u is A): t.Type<A, string, unknown> =>
  new t.Type<A, string, unknown>(
    name,
    is,
    (u, c) => (is(u) ? t.success(u) : t.failure(u, c, `not a valid ${name}: ${showValue(u, Number.POSITIVE_INFINITY)}`)),
    (a) => a
  )

/**
 * @category codecs
 * @since 0.1.0
 * @example
 * import { AccountIdC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 *
 * assert.strictEqual(E.isRight(AccountIdC.decode('123456789012')), true)
 * assert.strictEqual(E.isLeft(AccountIdC.decode('1234')), true)
 */
export const AccountIdC: t.Type<AccountId, string, unknown> = /*#__PURE__*/ brandedString('AccountId', isAccountId)

/**
 * @category codecs
 * @since 0.1.0
 * @example
 * import { RegionC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 *
 * assert.strictEqual(E.isRight(RegionC.decode('eu-central-1')), true)
 * assert.strictEqual(E.isLeft(RegionC.decode('')), true)
 */
export const RegionC: t.Type<Region, string, unknown> = /*#__PURE__*/ brandedString('Region', isRegion)

/**
 * @category codecs
 * @since 0.1.0
 * @example
 * import { RepositoryNameC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 *
 * assert.strictEqual(E.isRight(RepositoryNameC.decode('my-repo')), true)
 * assert.strictEqual(E.isLeft(RepositoryNameC.decode('My_Repo')), true)
 */
export const RepositoryNameC: t.Type<RepositoryName, string, unknown> = /*#__PURE__*/ brandedString(
  'RepositoryName',
  isRepositoryName
)

/**
 * @category codecs
 * @since 0.1.0
 * @example
 * import { ImageTagC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 *
 * assert.strictEqual(E.isRight(ImageTagC.decode('latest')), true)
 * assert.strictEqual(E.isLeft(ImageTagC.decode('.hidden')), true)
 */
export const ImageTagC: t.Type<ImageTag, string, unknown> = /*#__PURE__*/ brandedString('ImageTag', isImageTag)

/**
 * @category codecs
 * @since 0.1.0
 * @example
 * import { ImageDigestC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 *
 * assert.strictEqual(E.isRight(ImageDigestC.decode('sha256:' + '0'.repeat(64))), true)
 * assert.strictEqual(E.isLeft(ImageDigestC.decode('md5:abc')), true)
 */
export const ImageDigestC: t.Type<ImageDigest, string, unknown> = /*#__PURE__*/ brandedString(
  'ImageDigest',
  isImageDigest
)

/**
 * @category codecs
 * @since 0.1.0
 * @example
 * import { ResourceTagC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 *
 * assert.strictEqual(E.isRight(ResourceTagC.decode({ Key: 'team', Value: 'infra' })), true)
 * assert.strictEqual(E.isLeft(ResourceTagC.decode({ Key: 'team' })), true)
 */
export const ResourceTagC: t.Type<ResourceTag, ResourceTag, unknown> = /*#__PURE__*/ t.readonly(
  /*#__PURE__*/ t.type({ Key: t.string, Value: t.string }),
  'ResourceTag'
)
