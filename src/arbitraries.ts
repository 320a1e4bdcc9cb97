/**
 * fast-check arbitraries for property tests of programs built on ecr-fp-ts: valid account ids,
 * regions, repository names, image tags and digests, resource tags, references, registry /
 * repository / image URIs and repository ARNs, platforms, Docker and OCI manifests and indexes,
 * lifecycle policies, and states of the in-memory twin; and, under `invalid`, strings close to
 * valid ones with one rule broken.
 *
 * The generators are built from the rules themselves (ECR's, Docker's and AWS's rules written out
 * as alphabets, lengths and tables), not by filtering random strings through the library's own
 * regexes or parsers, so a property test that uses them checks the library against the rules.
 * Each is documented with the law the library's own tests check for it:
 *
 * - `parse(make(x)) = x`: `ImageUri.toRef(u) = r` and `ImageUri.make(r) = E.right(u)` for the URI
 *   `u` of the parts `r` (and the same for registry and repository URIs and repository ARNs);
 * - `parse` is `Right` for every valid value and `Left` for every invalid one;
 * - `decode(encode(a)) = E.right(a)` for the codecs;
 * - `Manifest.parse(JSON.stringify(m)) = E.right(m)` for manifests and indexes;
 * - `LifecyclePolicy.codec` decodes every generated policy, and `toJson` is stable;
 * - a twin seeded (`seedTwin`) with a `twinState` lists exactly its repositories and tags.
 *
 * fast-check is an optional peer dependency of ecr-fp-ts: install it (`npm i -D fast-check`) to use
 * this module. The root entry `ecr-fp-ts` does not load it.
 *
 * @since 0.2.0
 */
import { createHash } from 'crypto'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import type { EcrError } from './EcrError'
import type { ImageRef, RegistryRef, RepositoryRef } from './internal/refs'
import type * as Manifest from './Manifest'
import type * as LifecyclePolicy from './LifecyclePolicy'
import type * as Platform from './Platform'
import type { AccountId, ImageDigest, ImageTag, Region, RepositoryName, ResourceTag } from './Primitives'
import * as EcrErrors from './EcrError'
import type { InMemoryEcr } from './testing'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The parts of a registry URI: a registry, and `fips: true` for its FIPS host (absent otherwise),
 * as `RegistryUri.toRef` returns them.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * const parts: ReadonlyArray<Arb.RegistryUriParts> = fc.sample(Arb.registryUriParts, 20)
 * assert.ok(parts.every((p) => E.isRight(RegistryUri.make(p))))
 */
export interface RegistryUriParts extends RegistryRef {
  /** `true` for the `dkr.ecr-fips` host (only in regions that have one); absent for the plain host. */
  readonly fips?: true
}

/**
 * The parts of a repository URI, as `RepositoryUri.toRef` returns them.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * const parts: ReadonlyArray<Arb.RepositoryUriParts> = fc.sample(Arb.repositoryUriParts, 20)
 * assert.ok(parts.every((p) => E.isRight(RepositoryUri.make(p))))
 */
export interface RepositoryUriParts extends RegistryUriParts {
  /** The repository's name. */
  readonly repositoryName: RepositoryName
}

/**
 * The parts of an image URI, exactly one of `tag` and `digest` set, as `ImageUri.toRef` returns them.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as fc from 'fast-check'
 *
 * const parts: ReadonlyArray<Arb.ImageUriParts> = fc.sample(Arb.imageUriParts, 50)
 * assert.ok(parts.every((p) => (p.tag === undefined) !== (p.digest === undefined)))
 */
export interface ImageUriParts extends RepositoryUriParts {
  /** The image's tag (tag form). */
  readonly tag?: ImageTag
  /** The image's digest (digest form). */
  readonly digest?: ImageDigest
}

/**
 * An image of a `TwinState`: what `InMemoryEcr`'s `pushImage` is asked to push.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as fc from 'fast-check'
 *
 * const images: ReadonlyArray<Arb.TwinImage> = fc.sample(Arb.twinState, 20).flatMap((s) => s.repositories.flatMap((r) => r.images))
 * // more than one platform is always an index
 * assert.ok(images.every((i) => i.platforms.length === 1 || i.index))
 */
export interface TwinImage {
  /** Image tags, none shared with another image of the repository (may be empty: an untagged image). */
  readonly tags: ReadonlyArray<ImageTag>
  /** One platform or more, distinct; more than one is an index. */
  readonly platforms: ReadonlyArray<Platform.Platform>
  /** Whether the image is an index (an image list) of its platforms; always `true` with more than one. */
  readonly index: boolean
  /** `docker` (Docker v2 manifest or manifest list) or `oci` (OCI manifest or index). */
  readonly format: 'docker' | 'oci'
  /** Layers of each image manifest, 0 to 3. */
  readonly layers: number
  /** The push time, distinct from the other images' of the repository, in 2015 to 2030, whole seconds. */
  readonly pushedAt: Date
}

/**
 * A repository of a `TwinState`.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as fc from 'fast-check'
 *
 * const repositories: ReadonlyArray<Arb.TwinRepository> = fc.sample(Arb.twinState, 20).flatMap((s) => s.repositories)
 * // a tag names one image of its repository
 * assert.ok(repositories.every((r) => new Set(r.images.flatMap((i) => i.tags)).size === r.images.flatMap((i) => i.tags).length))
 */
export interface TwinRepository {
  /** The repository's name, distinct in the state. */
  readonly repositoryName: RepositoryName
  /** `MUTABLE` or `IMMUTABLE` tags. */
  readonly imageTagMutability: 'MUTABLE' | 'IMMUTABLE'
  /** Resource tags of the repository, distinct keys. */
  readonly tags: ReadonlyArray<ResourceTag>
  /** Its images, in push order. */
  readonly images: ReadonlyArray<TwinImage>
}

/**
 * A description of one registry's contents: repositories with images, their tags, platforms and
 * push times. `seedTwin` fills an `InMemoryEcr` with it.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as fc from 'fast-check'
 *
 * const states: ReadonlyArray<Arb.TwinState> = fc.sample(Arb.twinState, 20)
 * assert.ok(states.every((s) => new Set(s.repositories.map((r) => r.repositoryName)).size === s.repositories.length))
 */
export interface TwinState {
  /** The registry's account. */
  readonly accountId: AccountId
  /** The registry's region. */
  readonly region: Region
  /** Its repositories, distinct names, in creation order. */
  readonly repositories: ReadonlyArray<TwinRepository>
}

// -------------------------------------------------------------------------------------
// rules (alphabets and tables)
// -------------------------------------------------------------------------------------

const DIGITS = '0123456789'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const HEX = '0123456789abcdef'
/** Docker: a tag starts with a word character ... */
const TAG_FIRST = `${UPPER}${LOWER}${DIGITS}_`
/** ... and goes on with word characters, `.` and `-`, 128 characters at most. */
const TAG_REST = `${TAG_FIRST}.-`
const MAX_TAG = 128
/** ECR: a repository name is 2 to 256 characters. */
const MIN_NAME = 2
const MAX_NAME = 256

interface PartitionRule {
  readonly partition: string
  /** The DNS suffix of its hosts. */
  readonly suffix: string
  /** The first part of its region codes. */
  readonly prefixes: ReadonlyArray<string>
  /** Its regions today. */
  readonly regions: ReadonlyArray<string>
}

/** The AWS partitions (AWS SDK partition data) and their regions. */
const PARTITIONS: ReadonlyArray<PartitionRule> = [
  {
    partition: 'aws',
    suffix: 'amazonaws.com',
    prefixes: ['us', 'eu', 'ap', 'sa', 'ca', 'me', 'af', 'il', 'mx'],
    regions: [
      'us-east-1',
      'us-east-2',
      'us-west-1',
      'us-west-2',
      'af-south-1',
      'ap-east-1',
      'ap-east-2',
      'ap-south-1',
      'ap-south-2',
      'ap-northeast-1',
      'ap-northeast-2',
      'ap-northeast-3',
      'ap-southeast-1',
      'ap-southeast-2',
      'ap-southeast-3',
      'ap-southeast-4',
      'ap-southeast-5',
      'ap-southeast-7',
      'ca-central-1',
      'ca-west-1',
      'eu-central-1',
      'eu-central-2',
      'eu-north-1',
      'eu-south-1',
      'eu-south-2',
      'eu-west-1',
      'eu-west-2',
      'eu-west-3',
      'il-central-1',
      'me-central-1',
      'me-south-1',
      'mx-central-1',
      'sa-east-1'
    ]
  },
  { partition: 'aws-cn', suffix: 'amazonaws.com.cn', prefixes: ['cn'], regions: ['cn-north-1', 'cn-northwest-1'] },
  {
    partition: 'aws-us-gov',
    suffix: 'amazonaws.com',
    prefixes: ['us-gov'],
    regions: ['us-gov-east-1', 'us-gov-west-1']
  },
  { partition: 'aws-iso', suffix: 'c2s.ic.gov', prefixes: ['us-iso'], regions: ['us-iso-east-1', 'us-iso-west-1'] },
  { partition: 'aws-iso-b', suffix: 'sc2s.sgov.gov', prefixes: ['us-isob'], regions: ['us-isob-east-1'] },
  { partition: 'aws-iso-e', suffix: 'cloud.adc-e.uk', prefixes: ['eu-isoe'], regions: ['eu-isoe-west-1'] },
  {
    partition: 'aws-iso-f',
    suffix: 'csp.hci.ic.gov',
    prefixes: ['us-isof'],
    regions: ['us-isof-south-1', 'us-isof-east-1']
  },
  { partition: 'aws-eusc', suffix: 'amazonaws.eu', prefixes: ['eusc-de'], regions: ['eusc-de-east-1'] }
]

/** Region codes are `<prefix>-<direction>-<number>`, the number from 1 to 99 without a leading zero. */
const DIRECTIONS = ['north', 'south', 'east', 'west', 'central', 'northeast', 'northwest', 'southeast', 'southwest']

/** The regions with `dkr.ecr-fips` registry hosts (ECR's FIPS endpoints). */
const FIPS_REGIONS: ReadonlyArray<string> = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'us-gov-east-1',
  'us-gov-west-1'
]

const partitionOf = (region: string): PartitionRule =>
  // the longest matching prefix: `us-gov-west-1` is GovCloud, not `us`
  PARTITIONS.flatMap((p) => p.prefixes.map((prefix) => ({ p, prefix })))
    .filter(({ prefix }) => region.startsWith(`${prefix}-`))
    .sort((a, b) => b.prefix.length - a.prefix.length)
    .map(({ p }) => p)[0] ?? (PARTITIONS[0] as PartitionRule)

const hostOf = (p: RegistryUriParts): string =>
  `${p.accountId}.dkr.${p.fips === true ? 'ecr-fips' : 'ecr'}.${p.region}.${partitionOf(p.region).suffix}`

const repositoryUriOf = (p: RepositoryUriParts): string => `${hostOf(p)}/${p.repositoryName}`

const imageUriOf = (p: ImageUriParts): string =>
  `${repositoryUriOf(p)}${p.tag === undefined ? '' : `:${p.tag}`}${p.digest === undefined ? '' : `@${p.digest}`}`

const arnOf = (r: RepositoryRef): string =>
  `arn:${partitionOf(r.region).partition}:ecr:${r.region}:${r.accountId}:repository/${r.repositoryName}`

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** Records are plain objects: fast-check 4 also makes objects without a prototype, which `toStrictEqual` tells apart. */
const PLAIN = { noNullPrototype: true } as const

const charOf = (alphabet: string): fc.Arbitrary<string> => fc.constantFrom(...alphabet)

/**
 * Strings of characters from `unit`. Each unit is built once (the constants below): fast-check
 * prepares its special strings once per unit, which for a fresh unit per call costs about 1 ms.
 */
const stringOf = (unit: fc.Arbitrary<string>, minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit, minLength, maxLength })

const digit = /*#__PURE__*/ charOf(DIGITS)
const lowerOrDigit = /*#__PURE__*/ charOf(`${LOWER}${DIGITS}`)
const hexDigit = /*#__PURE__*/ charOf(HEX)
const tagFirstChar = /*#__PURE__*/ charOf(TAG_FIRST)
const tagChar = /*#__PURE__*/ charOf(TAG_REST)

/** `s` with `x` inserted at a position chosen by `at` (any natural number). */
const insertAt = (s: string, at: number, x: string): string => {
  const i = at % (s.length + 1)
  return s.slice(0, i) + x + s.slice(i)
}

/** `s` with the character at a position chosen by `at` replaced by `x` (`s` not empty). */
const replaceAt = (s: string, at: number, x: string): string => {
  const i = at % s.length
  return s.slice(0, i) + x + s.slice(i + 1)
}

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

/**
 * AWS account ids: exactly 12 digits (leading zeros included).
 *
 * Law: `AccountIdC.decode(id) = E.right(id)`, and `AccountIdC.decode(AccountIdC.encode(id)) = E.right(id)`.
 *
 * @category primitives
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import { AccountIdC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.accountId, (id) => assert.deepStrictEqual(AccountIdC.decode(id), E.right(id))), { numRuns: 20 })
 */
export const accountId: fc.Arbitrary<AccountId> = /*#__PURE__*/ stringOf(digit, 12, 12).map((s) => s as AccountId)

const knownRegion: fc.Arbitrary<string> = /*#__PURE__*/ fc.constantFrom(...PARTITIONS.flatMap((p) => p.regions))

const regionCode: fc.Arbitrary<string> = /*#__PURE__*/ fc
  .tuple(
    fc.constantFrom(...PARTITIONS.flatMap((p) => p.prefixes)),
    fc.constantFrom(...DIRECTIONS),
    fc.integer({ min: 1, max: 99 })
  )
  .map(([prefix, direction, n]) => `${prefix}-${direction}-${n}`)

/**
 * AWS region codes of every partition (`aws`, `aws-cn`, `aws-us-gov`, the ISO partitions and
 * `aws-eusc`): the regions AWS has today, more often, and codes of the same form
 * (`<prefix>-<direction>-<1..99>`) for regions to come.
 *
 * Law: `RegionC.decode(r) = E.right(r)`.
 *
 * @category primitives
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import { isRegion } from 'ecr-fp-ts/Primitives'
 * import * as fc from 'fast-check'
 *
 * const regions = fc.sample(Arb.region, 100)
 * assert.ok(regions.every(isRegion))
 * assert.ok(regions.some((r) => r.startsWith('us-') || r.startsWith('eu-') || r.startsWith('ap-')))
 */
export const region: fc.Arbitrary<Region> = /*#__PURE__*/ fc
  .oneof({ arbitrary: knownRegion, weight: 4 }, { arbitrary: regionCode, weight: 1 })
  .map((s) => s as Region)

/** One word of a name component: lower-case letters and digits, 1 to 10. */
const nameWord = /*#__PURE__*/ stringOf(lowerOrDigit, 1, 10)

/** Between words of a component: `.`, `_`, `__`, or a run of `-` (ECR's separators). */
const nameSeparator = /*#__PURE__*/ fc.oneof(
  fc.constantFrom('.', '_', '__'),
  fc.integer({ min: 1, max: 3 }).map((n) => '-'.repeat(n))
)

/** A component: words joined by separators (at most 10 + 3 × 13 = 49 characters). */
const nameComponent = /*#__PURE__*/ fc
  .tuple(nameWord, fc.array(fc.tuple(nameSeparator, nameWord), { maxLength: 3 }))
  .map(([first, rest]) => first + rest.map(([s, w]) => s + w).join(''))

/** Names of 2 to 199 characters: 1 to 4 components joined by `/` (a one-character name gets a digit). */
const shortName = /*#__PURE__*/ fc
  .array(nameComponent, { minLength: 1, maxLength: 4 })
  .map((cs) => cs.join('/'))
  .map((n) => (n.length < MIN_NAME ? `${n}0` : n))

/** A name padded to `length` (above its own) with `-aaa…` on its last component. */
const padName = (n: string, length: number): string => `${n}-${'a'.repeat(Math.max(1, length - n.length - 1))}`

/**
 * ECR repository names: 2 to 256 characters, components of lower-case letters and digits joined
 * by `.`, `_`, `__` or runs of `-`, separated by `/`; the shortest and the longest (256) included.
 *
 * Law: `RepositoryNameC.decode(n) = E.right(n)`.
 *
 * @category primitives
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import { isRepositoryName } from 'ecr-fp-ts/Primitives'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.repositoryName, (n) => assert.ok(isRepositoryName(n))), { numRuns: 50 })
 */
export const repositoryName: fc.Arbitrary<RepositoryName> = /*#__PURE__*/ fc
  .oneof(
    { arbitrary: shortName, weight: 8 },
    { arbitrary: fc.tuple(lowerOrDigit, lowerOrDigit).map(([a, b]) => a + b), weight: 1 },
    { arbitrary: shortName.map((n) => padName(n, MAX_NAME)), weight: 1 }
  )
  .map((s) => s as RepositoryName)

const semver = /*#__PURE__*/ fc
  .tuple(fc.nat({ max: 30 }), fc.nat({ max: 99 }), fc.nat({ max: 999 }))
  .map(([a, b, c]) => `${a}.${b}.${c}`)

/** Tags people push: `latest`, versions, commit hashes, dates, cosign's signature tags. */
const realisticTag = /*#__PURE__*/ fc.oneof(
  fc.constantFrom('latest', 'stable', 'main', 'dev', 'edge', 'nightly', 'prod', '_'),
  semver.map((v) => `v${v}`),
  fc.tuple(semver, fc.constantFrom('rc', 'beta', 'alpha'), fc.nat({ max: 9 })).map(([v, p, n]) => `${v}-${p}.${n}`),
  stringOf(hexDigit, 7, 7),
  stringOf(hexDigit, 40, 40),
  fc
    .tuple(
      fc.integer({ min: 2015, max: 2030 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
      fc.nat({ max: 999 })
    )
    .map(([y, m, d, b]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}_build.${b}`),
  stringOf(hexDigit, 64, 64).map((h) => `sha256-${h}.sig`)
)

const tagOfLength = (min: number, max: number): fc.Arbitrary<string> =>
  fc.tuple(tagFirstChar, stringOf(tagChar, min - 1, max - 1)).map(([c, rest]) => c + rest)

/**
 * Docker image tags: a letter, digit or `_`, then up to 127 letters, digits, `_`, `.` and `-`;
 * tags people push (`latest`, `v1.2.3`, commit hashes, dates, `sha256-<hex>.sig`) more often, and
 * the shortest (1) and longest (128).
 *
 * Law: `ImageTagC.decode(t) = E.right(t)`.
 *
 * @category primitives
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import { isImageTag } from 'ecr-fp-ts/Primitives'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.imageTag, (t) => assert.ok(isImageTag(t))), { numRuns: 50 })
 */
export const imageTag: fc.Arbitrary<ImageTag> = /*#__PURE__*/ fc
  .oneof(
    { arbitrary: realisticTag, weight: 3 },
    { arbitrary: tagOfLength(1, 20), weight: 4 },
    { arbitrary: tagOfLength(1, MAX_TAG), weight: 1 },
    { arbitrary: tagOfLength(MAX_TAG, MAX_TAG), weight: 1 }
  )
  .map((s) => s as ImageTag)

const sha256Digest = /*#__PURE__*/ stringOf(hexDigit, 64, 64).map((h) => `sha256:${h}` as ImageDigest)

/**
 * Content digests: `sha256:` and 64 lower-case hex digits, or (less often) `sha512:` and 128.
 *
 * Law: `ImageDigestC.decode(d) = E.right(d)`.
 *
 * @category primitives
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import { isImageDigest } from 'ecr-fp-ts/Primitives'
 * import * as fc from 'fast-check'
 *
 * const digests = fc.sample(Arb.imageDigest, 50)
 * assert.ok(digests.every(isImageDigest))
 */
export const imageDigest: fc.Arbitrary<ImageDigest> = /*#__PURE__*/ fc.oneof(
  { arbitrary: sha256Digest, weight: 4 },
  { arbitrary: stringOf(hexDigit, 128, 128).map((h) => `sha512:${h}` as ImageDigest), weight: 1 }
)

/** AWS tags: Unicode letters, digits, spaces and `_ . : / = + - @`. */
const TAG_TEXT = `${UPPER}${LOWER}${DIGITS} _.:/=+-@éüßøçñ日本語`
/** The same without `a` and `A`, for a first character (keys must not start with `aws:`). */
const TAG_KEY_FIRST = TAG_TEXT.replace(/a/gi, '')
const tagTextChar = /*#__PURE__*/ charOf(TAG_TEXT)

const resourceTagKey = /*#__PURE__*/ fc.oneof(
  fc.constantFrom(
    'team',
    'env',
    'Name',
    'owner',
    'cost-center',
    'app.kubernetes.io/name',
    'project:component',
    'aws-cdk:subnet-name'
  ),
  fc.tuple(charOf(TAG_KEY_FIRST), stringOf(tagTextChar, 0, 40)).map(([c, rest]) => c + rest),
  fc.tuple(charOf(TAG_KEY_FIRST), stringOf(tagTextChar, 127, 127)).map(([c, rest]) => c + rest)
)

/**
 * Resource tags as AWS accepts them: a key of 1 to 128 characters (letters, digits, spaces and
 * `_ . : / = + - @`, not starting with `aws:`) and a value of 0 to 256 of the same.
 *
 * Law: `ResourceTagC.decode(ResourceTagC.encode(t)) = E.right(t)`.
 *
 * @category primitives
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import { ResourceTagC } from 'ecr-fp-ts/Primitives'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.resourceTag, (t) => {
 *   assert.deepStrictEqual(ResourceTagC.decode(ResourceTagC.encode(t)), E.right(t))
 *   assert.ok(t.Key.length >= 1 && t.Key.length <= 128 && t.Value.length <= 256)
 * }), { numRuns: 20 })
 */
export const resourceTag: fc.Arbitrary<ResourceTag> = /*#__PURE__*/ fc.record(
  {
    Key: resourceTagKey,
    Value: fc.oneof(
      fc.constantFrom('', 'platform', 'prod', 'payments', '1234'),
      stringOf(tagTextChar, 0, 40),
      stringOf(tagTextChar, 256, 256)
    )
  },
  PLAIN
)

// -------------------------------------------------------------------------------------
// references
// -------------------------------------------------------------------------------------

/**
 * Registries: an account in a region.
 *
 * Law: `RegistryUri.toRef(RegistryUri.fromRef(r)) = r`.
 *
 * @category references
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.registryRef, (r) => assert.deepStrictEqual(RegistryUri.toRef(RegistryUri.fromRef(r)), r)), { numRuns: 20 })
 */
export const registryRef: fc.Arbitrary<RegistryRef> = /*#__PURE__*/ fc.record({ accountId, region }, PLAIN)

/**
 * Repositories: a registry and a repository name.
 *
 * Law: `Repository.fromUri(Repository.toUri(r)) = E.right(r)` and
 * `Repository.fromArn(Repository.toArn(r)) = E.right(r)`.
 *
 * @category references
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.repositoryRef, (r) => assert.deepStrictEqual(RepositoryUri.toRef(RepositoryUri.fromRef(r)), r)), { numRuns: 20 })
 */
export const repositoryRef: fc.Arbitrary<RepositoryRef> = /*#__PURE__*/ fc.record(
  { accountId, region, repositoryName },
  PLAIN
)

// -------------------------------------------------------------------------------------
// platforms and manifests
// -------------------------------------------------------------------------------------

interface PlatformRule {
  readonly os: string
  readonly architecture: string
  /** Ways to write the variant of this one platform (`undefined`: none written). */
  readonly variants: ReadonlyArray<string | undefined>
}

/** Go's GOOS/GOARCH pairs images are built for, with their variants: each row is one platform. */
const PLATFORMS: ReadonlyArray<PlatformRule> = [
  { os: 'linux', architecture: 'amd64', variants: [undefined] },
  { os: 'linux', architecture: 'amd64', variants: ['v2'] },
  { os: 'linux', architecture: 'amd64', variants: ['v3'] },
  { os: 'linux', architecture: 'arm64', variants: [undefined, 'v8'] },
  { os: 'linux', architecture: 'arm', variants: ['v7', undefined] },
  { os: 'linux', architecture: 'arm', variants: ['v6'] },
  { os: 'linux', architecture: 'arm', variants: ['v5'] },
  { os: 'linux', architecture: '386', variants: [undefined] },
  { os: 'linux', architecture: 'ppc64le', variants: [undefined] },
  { os: 'linux', architecture: 's390x', variants: [undefined] },
  { os: 'linux', architecture: 'riscv64', variants: [undefined] },
  { os: 'linux', architecture: 'mips64le', variants: [undefined] },
  { os: 'linux', architecture: 'loong64', variants: [undefined] },
  { os: 'windows', architecture: 'amd64', variants: [undefined] },
  { os: 'windows', architecture: 'arm64', variants: [undefined] }
]

/** Windows Server builds (2016, 2019, 2022, 2025). */
const WINDOWS_BUILDS = [14393, 17763, 20348, 26100]

const platformOf = (row: number): fc.Arbitrary<Platform.Platform> => {
  const rule = PLATFORMS[row] as PlatformRule
  const base = fc
    .constantFrom(...rule.variants)
    .map(
      (variant): Platform.Platform =>
        variant === undefined
          ? { os: rule.os, architecture: rule.architecture }
          : { os: rule.os, architecture: rule.architecture, variant }
    )
  return rule.os === 'windows'
    ? fc
        .tuple(base, fc.constantFrom(...WINDOWS_BUILDS), fc.integer({ min: 1, max: 9999 }))
        .map(([p, build, revision]) => ({ ...p, 'os.version': `10.0.${build}.${revision}` }))
    : base
}

const platformRow = /*#__PURE__*/ fc.nat({ max: PLATFORMS.length - 1 })

/** 1 to `max` distinct platforms (distinct rows of the table: never two spellings of one platform). */
const platformsOf = (max: number): fc.Arbitrary<ReadonlyArray<Platform.Platform>> =>
  fc.uniqueArray(platformRow, { minLength: 1, maxLength: max }).chain((rows) => fc.tuple(...rows.map(platformOf)))

/**
 * Image platforms as image indexes write them: Linux on amd64 (v1 to v3), arm64 (with or without
 * `v8`), arm (v5 to v7), 386, ppc64le, s390x, riscv64, mips64le and loong64; Windows on amd64 and
 * arm64, with an `os.version`.
 *
 * Laws: `Platform.PlatformC.decode(p) = E.right(p)`, and `Platform.parse(Platform.format(p))` gives
 * back its `os`, `architecture` and `variant`.
 *
 * @category platforms and manifests
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as Platform from 'ecr-fp-ts/Platform'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.platform, (p) => {
 *   assert.deepStrictEqual(Platform.PlatformC.decode(p), E.right(p))
 *   assert.ok(Platform.matches(p, p))
 * }), { numRuns: 20 })
 */
export const platform: fc.Arbitrary<Platform.Platform> = /*#__PURE__*/ platformRow.chain(platformOf)

const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociForeignLayerGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociEmpty: 'application/vnd.oci.empty.v1+json'
} as const

/** The empty JSON object `{}` every OCI artifact without a config points to. */
const EMPTY_CONFIG: Manifest.Descriptor = {
  mediaType: MT.ociEmpty,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' as ImageDigest,
  size: 2
}

const ARTIFACT_TYPES = [
  'application/vnd.dev.cosign.artifact.sig.v1+json',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
  'application/spdx+json',
  'application/vnd.cyclonedx+json',
  'application/vnd.in-toto+json'
]

const ANNOTATION_KEYS = [
  'org.opencontainers.image.created',
  'org.opencontainers.image.source',
  'org.opencontainers.image.revision',
  'org.opencontainers.image.title',
  'org.opencontainers.image.version',
  'org.opencontainers.image.description',
  'com.example.team'
]

const annotations: fc.Arbitrary<Readonly<Record<string, string>>> = /*#__PURE__*/ fc
  .tuple(
    fc.subarray(ANNOTATION_KEYS, { minLength: 1 }),
    fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), {
      minLength: ANNOTATION_KEYS.length,
      maxLength: ANNOTATION_KEYS.length
    })
  )
  .map(([keys, values]) => Object.fromEntries(keys.map((k, i) => [k, values[i] ?? ''])))

const FOREIGN_URL = 'https://mcr.microsoft.com/v2/windows/servercore/blobs/'

const descriptor = (mediaType: string, min: number, max: number): fc.Arbitrary<Manifest.Descriptor> =>
  fc.record({ mediaType: fc.constant(mediaType), digest: imageDigest, size: fc.integer({ min, max }) }, PLAIN)

/** A layer: 32 bytes (an empty tar, compressed) to 4 GiB. */
const layerOf = (mediaType: string): fc.Arbitrary<Manifest.Descriptor> => descriptor(mediaType, 32, 4 * 1024 ** 3)

const foreignLayerOf = (mediaType: string): fc.Arbitrary<Manifest.Descriptor> =>
  layerOf(mediaType).map((d) => ({ ...d, urls: [`${FOREIGN_URL}${d.digest}`] }))

const layersOf = (layer: fc.Arbitrary<Manifest.Descriptor>): fc.Arbitrary<ReadonlyArray<Manifest.Descriptor>> =>
  fc.array(layer, { maxLength: 8 })

const dockerManifest: fc.Arbitrary<Manifest.DockerManifest> = /*#__PURE__*/ fc.record(
  {
    _tag: fc.constant('DockerManifest' as const),
    schemaVersion: fc.constant(2 as const),
    mediaType: fc.constant(MT.dockerManifest),
    config: descriptor(MT.dockerConfig, 100, 100_000),
    layers: layersOf(
      fc.oneof(
        { arbitrary: layerOf(MT.dockerLayer), weight: 8 },
        { arbitrary: layerOf(MT.dockerLayerZstd), weight: 1 },
        { arbitrary: foreignLayerOf(MT.dockerForeignLayer), weight: 1 }
      )
    )
  },
  PLAIN
)

const ociImageManifest: fc.Arbitrary<Manifest.OciManifest> = /*#__PURE__*/ fc.record(
  {
    _tag: fc.constant('OciManifest' as const),
    schemaVersion: fc.constant(2 as const),
    mediaType: fc.constant(MT.ociManifest),
    config: descriptor(MT.ociConfig, 100, 100_000),
    layers: layersOf(
      fc.oneof(
        { arbitrary: layerOf(MT.ociLayerGzip), weight: 6 },
        { arbitrary: layerOf(MT.ociLayerZstd), weight: 2 },
        { arbitrary: layerOf(MT.ociLayer), weight: 1 },
        { arbitrary: foreignLayerOf(MT.ociForeignLayerGzip), weight: 1 }
      )
    ),
    annotations
  },
  { ...PLAIN, requiredKeys: ['_tag', 'schemaVersion', 'mediaType', 'config', 'layers'] }
)

/** An OCI artifact (a signature, an SBOM, an attestation) that refers to an image: `subject`. */
const ociArtifact: fc.Arbitrary<Manifest.OciManifest> = /*#__PURE__*/ fc
  .record(
    {
      artifactType: fc.constantFrom(...ARTIFACT_TYPES),
      config: fc.constantFrom(EMPTY_CONFIG, { ...EMPTY_CONFIG, data: 'e30=' }),
      layerSize: fc.integer({ min: 1, max: 1024 ** 2 }),
      layers: fc.array(sha256Digest, { minLength: 1, maxLength: 2 }),
      subject: descriptor(MT.ociManifest, 200, 20_000),
      annotations
    },
    { ...PLAIN, requiredKeys: ['artifactType', 'config', 'layerSize', 'layers', 'subject'] }
  )
  .map(
    (a): Manifest.OciManifest => ({
      _tag: 'OciManifest',
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      artifactType: a.artifactType,
      config: a.config,
      layers: a.layers.map((digest) => ({ mediaType: a.artifactType, digest, size: a.layerSize })),
      subject: a.subject,
      ...(a.annotations === undefined ? {} : { annotations: a.annotations })
    })
  )

/**
 * Image manifests: Docker v2 schema 2 (config and gzip, zstd or foreign layers) and OCI (config
 * and layers, annotations; and artifacts with an `artifactType`, the empty config and a `subject`),
 * with valid descriptors: a manifest's media type, a digest, a size.
 *
 * Laws: `Manifest.parse(JSON.stringify(m)) = E.right(m)`,
 * `Manifest.codec.decode(Manifest.codec.encode(m)) = E.right(m)`, and `Manifest.isIndex(m)` is false.
 *
 * @category platforms and manifests
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.manifest, (m) => assert.deepStrictEqual(Manifest.parse(JSON.stringify(m)), E.right(m))), { numRuns: 20 })
 */
export const manifest: fc.Arbitrary<Manifest.SingleManifest> = /*#__PURE__*/ fc.oneof(
  { arbitrary: dockerManifest, weight: 2 },
  { arbitrary: ociImageManifest, weight: 2 },
  { arbitrary: ociArtifact, weight: 1 }
)

const dockerList: fc.Arbitrary<Manifest.DockerManifestList> = /*#__PURE__*/ platformsOf(6)
  .chain((ps) =>
    fc.tuple(...ps.map((p) => descriptor(MT.dockerManifest, 200, 20_000).map((d) => ({ ...d, platform: p }))))
  )
  .map((manifests) => ({ _tag: 'DockerManifestList', schemaVersion: 2, mediaType: MT.dockerManifestList, manifests }))

/** An image entry of an OCI index, and perhaps its buildx attestation entry. */
const ociEntries = (p: Platform.Platform): fc.Arbitrary<ReadonlyArray<Manifest.Descriptor>> =>
  fc
    .tuple(
      descriptor(MT.ociManifest, 200, 20_000),
      fc.option(descriptor(MT.ociManifest, 200, 20_000), { nil: undefined })
    )
    .map(([image, attestation]) => [
      { ...image, platform: p },
      ...(attestation === undefined
        ? []
        : [
            {
              ...attestation,
              annotations: {
                'vnd.docker.reference.digest': image.digest,
                'vnd.docker.reference.type': 'attestation-manifest'
              },
              platform: { os: 'unknown', architecture: 'unknown' }
            }
          ])
    ])

const ociIndex: fc.Arbitrary<Manifest.OciIndex> = /*#__PURE__*/ fc
  .tuple(
    platformsOf(6).chain((ps) => fc.tuple(...ps.map(ociEntries))),
    fc.option(annotations, { nil: undefined })
  )
  .map(([entries, a]) => ({
    _tag: 'OciIndex',
    schemaVersion: 2,
    mediaType: MT.ociIndex,
    manifests: entries.flat(),
    ...(a === undefined ? {} : { annotations: a })
  }))

/**
 * Image indexes: Docker manifest lists and OCI indexes of 1 to 6 distinct platforms; an OCI index
 * may have buildx attestation entries (platform `unknown/unknown`) and annotations.
 *
 * Laws: `Manifest.parse(JSON.stringify(i)) = E.right(i)`, `Manifest.isIndex(i)`, and for each
 * platform `p` it lists, `Manifest.selectPlatform(i, p)` is its entry.
 *
 * @category platforms and manifests
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as O from 'fp-ts/Option'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.index, (i) => {
 *   assert.ok(Manifest.isIndex(i))
 *   for (const p of Manifest.platforms(i)) assert.ok(O.isSome(Manifest.selectPlatform(i, p)))
 * }), { numRuns: 20 })
 */
export const index: fc.Arbitrary<Manifest.Index> = /*#__PURE__*/ fc.oneof(dockerList, ociIndex)

/** A manifest as the registry stores it: JSON without the parsed record's `_tag`. */
const manifestText = (m: Manifest.Manifest): string => {
  const { _tag, ...json } = m
  return JSON.stringify(json)
}

/**
 * Images: a repository and a digest; half of them carry their manifest (a `manifest` or an
 * `index`) and its media type, the digest being the sha256 of the manifest's text.
 *
 * Laws: `Image.codec.decode(Image.codec.encode(r)) = E.right(r)`, and
 * `Manifest.digest(r.imageManifest) = r.imageDigest` when the manifest is there.
 *
 * @category references
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as Manifest from 'ecr-fp-ts/Manifest'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.imageRef, (r) => {
 *   if (r.imageManifest !== undefined) assert.strictEqual(Manifest.digest(r.imageManifest), r.imageDigest)
 * }), { numRuns: 20 })
 */
export const imageRef: fc.Arbitrary<ImageRef> = /*#__PURE__*/ fc
  .tuple(repositoryRef, fc.option(fc.oneof(manifest, index), { nil: undefined }), imageDigest)
  .map(([repository, m, digest]): ImageRef => {
    if (m === undefined) return { ...repository, imageDigest: digest }
    const text = manifestText(m)
    return {
      ...repository,
      imageDigest: `sha256:${sha256Hex(text)}` as ImageDigest,
      imageManifest: text,
      imageManifestMediaType: m.mediaType
    }
  })

// -------------------------------------------------------------------------------------
// URIs and ARNs
// -------------------------------------------------------------------------------------

/**
 * The parts of registry URIs: `fips: true` only in the regions with a FIPS registry endpoint.
 *
 * Law: `E.map(RegistryUri.toRef)(RegistryUri.make(p)) = E.right(p)`.
 *
 * @category URIs and ARNs
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.registryUriParts, (p) => {
 *   assert.deepStrictEqual(E.map(RegistryUri.toRef)(RegistryUri.make(p)), E.right(p))
 * }), { numRuns: 20 })
 */
export const registryUriParts: fc.Arbitrary<RegistryUriParts> = /*#__PURE__*/ fc.oneof(
  { arbitrary: registryRef, weight: 4 },
  {
    arbitrary: fc.record(
      { accountId, region: fc.constantFrom(...FIPS_REGIONS).map((r) => r as Region), fips: fc.constant(true as const) },
      PLAIN
    ),
    weight: 1
  }
)

/**
 * The parts of repository URIs.
 *
 * Law: `E.map(RepositoryUri.toRef)(RepositoryUri.make(p)) = E.right(p)`.
 *
 * @category URIs and ARNs
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.repositoryUriParts, (p) => {
 *   assert.deepStrictEqual(E.map(RepositoryUri.toRef)(RepositoryUri.make(p)), E.right(p))
 * }), { numRuns: 20 })
 */
export const repositoryUriParts: fc.Arbitrary<RepositoryUriParts> = /*#__PURE__*/ fc
  .tuple(registryUriParts, repositoryName)
  .map(([r, repositoryName]) => ({ ...r, repositoryName }))

/**
 * The parts of image URIs, tag form and digest form.
 *
 * Law: `E.map(ImageUri.toRef)(ImageUri.make(p)) = E.right(p)`.
 *
 * @category URIs and ARNs
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.imageUriParts, (p) => {
 *   assert.deepStrictEqual(E.map(ImageUri.toRef)(ImageUri.make(p)), E.right(p))
 * }), { numRuns: 20 })
 */
export const imageUriParts: fc.Arbitrary<ImageUriParts> = /*#__PURE__*/ fc
  .tuple(
    repositoryUriParts,
    fc.oneof(
      imageTag.map((tag) => ({ tag })),
      imageDigest.map((digest) => ({ digest }))
    )
  )
  .map(([r, reference]) => ({ ...r, ...reference }))

/**
 * Registry URIs, `<account>.dkr.ecr.<region>.<partition's domain>` (`dkr.ecr-fips` where there is
 * a FIPS endpoint), written out from `registryUriParts`.
 *
 * Laws: `RegistryUri.parse(u) = E.right(u)`, and `RegistryUri.make(RegistryUri.toRef(u)) = E.right(u)`.
 *
 * @category URIs and ARNs
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as RegistryUri from 'ecr-fp-ts/RegistryUri'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.registryUri, (u) => assert.ok(E.isRight(RegistryUri.parse(u)))), { numRuns: 20 })
 */
export const registryUri: fc.Arbitrary<string> = /*#__PURE__*/ registryUriParts.map(hostOf)

/**
 * Repository URIs, `<registry>/<name>`, written out from `repositoryUriParts`.
 *
 * Laws: `RepositoryUri.parse(u) = E.right(u)`, and `RepositoryUri.make(RepositoryUri.toRef(u)) = E.right(u)`.
 *
 * @category URIs and ARNs
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as RepositoryUri from 'ecr-fp-ts/RepositoryUri'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.repositoryUri, (u) => assert.ok(E.isRight(RepositoryUri.parse(u)))), { numRuns: 20 })
 */
export const repositoryUri: fc.Arbitrary<string> = /*#__PURE__*/ repositoryUriParts.map(repositoryUriOf)

/**
 * Image URIs in both forms, `<repository>:<tag>` and `<repository>@<digest>`, written out from
 * `imageUriParts`.
 *
 * Laws: `ImageUri.parse(u) = E.right(u)`, and `ImageUri.make(ImageUri.toRef(u)) = E.right(u)`.
 *
 * @category URIs and ARNs
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.imageUri, (u) => E.isRight(ImageUri.parse(u))), { numRuns: 20 })
 * assert.ok(fc.sample(Arb.imageUri, 20).every((u) => E.isRight(ImageUri.parse(u))))
 */
export const imageUri: fc.Arbitrary<string> = /*#__PURE__*/ imageUriParts.map(imageUriOf)

/**
 * Repository ARNs, `arn:<partition>:ecr:<region>:<account>:repository/<name>`, the partition
 * following the region.
 *
 * Laws: `E.map(Repository.toArn)(Repository.fromArn(a)) = E.right(a)`.
 *
 * @category URIs and ARNs
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as fc from 'fast-check'
 *
 * const arns = fc.sample(Arb.repositoryArn, 50)
 * assert.ok(arns.every((a) => /^arn:aws(-[a-z-]+)?:ecr:[a-z0-9-]+:\d{12}:repository\/[a-z0-9]/.test(a)))
 */
export const repositoryArn: fc.Arbitrary<string> = /*#__PURE__*/ repositoryRef.map(arnOf)

// -------------------------------------------------------------------------------------
// lifecycle policies
// -------------------------------------------------------------------------------------

/** A tag prefix: the start of a tag. */
const tagPrefix = /*#__PURE__*/ tagOfLength(1, 16)

/** A tag pattern: tag text with 0 to 4 wildcards, never two in a row, never empty. */
const tagPattern = /*#__PURE__*/ fc.integer({ min: 0, max: 4 }).chain((wildcards) =>
  fc
    .tuple(
      stringOf(tagChar, wildcards === 0 ? 1 : 0, 10),
      fc.array(stringOf(tagChar, 1, 10), {
        minLength: Math.max(0, wildcards - 1),
        maxLength: Math.max(0, wildcards - 1)
      }),
      stringOf(tagChar, 0, 10)
    )
    .map(([first, middle, last]) => (wildcards === 0 ? first : [first, ...middle, last].join('*')))
)

/** The set a prefix list stands for, as a key: two lists with the same key select the same images. */
const prefixSetKey = (prefixes: ReadonlyArray<string>): string => JSON.stringify([...new Set(prefixes)].sort())

type Tagging =
  | { readonly tagStatus: 'tagged'; readonly tagPrefixList: ReadonlyArray<string> }
  | { readonly tagStatus: 'tagged'; readonly tagPatternList: ReadonlyArray<string> }
  | { readonly tagStatus: 'untagged' }
  | { readonly tagStatus: 'any' }

/** What a rule counts and does, for the standard storage class (ECR's combinations). */
type StandardCount = Pick<LifecyclePolicy.Selection, 'countType' | 'countNumber' | 'countUnit'> & {
  readonly action: LifecyclePolicy.Action
}

const expire = { type: 'expire' } as const
const transition = { type: 'transition', targetStorageClass: 'archive' } as const

const days = (min: number) => fc.integer({ min, max: 3650 })

const standardCount: fc.Arbitrary<StandardCount> = /*#__PURE__*/ fc.oneof(
  fc
    .integer({ min: 1, max: 10_000 })
    .map((n) => ({ countType: 'imageCountMoreThan' as const, countNumber: n, action: expire })),
  days(1).map((n) => ({
    countType: 'sinceImagePushed' as const,
    countUnit: 'days' as const,
    countNumber: n,
    action: expire
  })),
  fc
    .integer({ min: 1, max: 10_000 })
    .map((n) => ({ countType: 'imageCountMoreThan' as const, countNumber: n, action: transition })),
  days(1).map((n) => ({
    countType: 'sinceImagePushed' as const,
    countUnit: 'days' as const,
    countNumber: n,
    action: transition
  })),
  days(1).map((n) => ({
    countType: 'sinceImagePulled' as const,
    countUnit: 'days' as const,
    countNumber: n,
    action: transition
  }))
)

/** Archived images are only expired, by the days since their archiving (at least 90). */
const archiveCount: fc.Arbitrary<StandardCount> = /*#__PURE__*/ days(90).map((n) => ({
  countType: 'sinceImageTransitioned' as const,
  countUnit: 'days' as const,
  countNumber: n,
  action: expire
}))

const description = /*#__PURE__*/ fc.oneof(
  fc.constantFrom('', 'Expire untagged images', 'Keep the last 30 releases', 'Archive images nobody pulls'),
  fc.string({ unit: 'grapheme', maxLength: 60 })
)

/** A rule without its priority. */
type Unprioritized = Omit<LifecyclePolicy.Rule, 'rulePriority'>

const lifecycleRuleOf = (tagging: Tagging, count: StandardCount, archive: boolean, text: string): Unprioritized => ({
  description: text,
  selection: {
    ...tagging,
    ...(archive ? { storageClass: 'archive' as const } : {}),
    countType: count.countType,
    ...(count.countUnit === undefined ? {} : { countUnit: count.countUnit }),
    countNumber: count.countNumber
  },
  action: count.action
})

/**
 * The rules of one storage class, in their order: tagged rules with distinct prefix sets (or
 * patterns), at most one untagged rule among them, and at most one `any` rule, last.
 */
const classRules = (archive: boolean, maxTagged: number): fc.Arbitrary<ReadonlyArray<Unprioritized>> => {
  const count = archive ? archiveCount : standardCount
  const rule = (tagging: fc.Arbitrary<Tagging>) =>
    fc.tuple(tagging, count, description).map(([t, c, d]) => lifecycleRuleOf(t, c, archive, d))
  const prefixLists = fc.uniqueArray(fc.uniqueArray(tagPrefix, { minLength: 1, maxLength: 4 }), {
    maxLength: maxTagged,
    selector: prefixSetKey
  })
  const patternLists = fc.array(fc.array(tagPattern, { minLength: 1, maxLength: 4 }), { maxLength: maxTagged })
  return fc
    .record(
      {
        prefixed: prefixLists.chain((ls) =>
          fc.tuple(...ls.map((tagPrefixList) => rule(fc.constant({ tagStatus: 'tagged' as const, tagPrefixList }))))
        ),
        patterned: patternLists.chain((ls) =>
          fc.tuple(...ls.map((tagPatternList) => rule(fc.constant({ tagStatus: 'tagged' as const, tagPatternList }))))
        ),
        untagged: fc.option(rule(fc.constant({ tagStatus: 'untagged' as const })), { nil: undefined }),
        any: fc.option(rule(fc.constant({ tagStatus: 'any' as const })), { nil: undefined })
      },
      PLAIN
    )
    .chain(({ prefixed, patterned, untagged, any }) => {
      const before = [...prefixed, ...patterned, ...(untagged === undefined ? [] : [untagged])]
      return fc
        .shuffledSubarray(before, { minLength: before.length, maxLength: before.length })
        .map((ordered) => [...ordered, ...(any === undefined ? [] : [any])])
    })
}

/** A policy's only rule when both classes came out empty: an `any` rule of the standard class. */
const fallbackRule: fc.Arbitrary<Unprioritized> = /*#__PURE__*/ fc
  .tuple(standardCount, description)
  .map(([c, d]) => lifecycleRuleOf({ tagStatus: 'any' }, c, false, d))

/** The most rules a generated policy has: 4 + 4 + 2 standard rules, 2 + 2 + 2 archive rules. */
const MAX_RULES = 16

/**
 * Lifecycle rules ECR accepts (`LifecyclePolicy.ruleCodec` decodes each as it is): expire or
 * transition standard images by count, by days since push, or (transition only) by days since the
 * last pull; expire archived images by days (90 or more) since their archiving; tagged rules with a
 * prefix or a pattern list (at most four wildcards), untagged and any rules.
 *
 * Law: `LifecyclePolicy.ruleCodec.decode(r) = E.right(r)`.
 *
 * @category lifecycle policies
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.lifecycleRule, (r) => assert.deepStrictEqual(LifecyclePolicy.ruleCodec.decode(r), E.right(r))), { numRuns: 20 })
 */
export const lifecycleRule: fc.Arbitrary<LifecyclePolicy.Rule> = /*#__PURE__*/ fc
  .tuple(
    fc.boolean(),
    fc.oneof(
      fc
        .uniqueArray(tagPrefix, { minLength: 1, maxLength: 4 })
        .map((tagPrefixList): Tagging => ({ tagStatus: 'tagged', tagPrefixList })),
      fc
        .array(tagPattern, { minLength: 1, maxLength: 4 })
        .map((tagPatternList): Tagging => ({ tagStatus: 'tagged', tagPatternList })),
      fc.constantFrom<Tagging>({ tagStatus: 'untagged' }, { tagStatus: 'any' })
    ),
    standardCount,
    archiveCount,
    description,
    fc.integer({ min: 1, max: 999 })
  )
  .map(([archive, tagging, standard, archived, text, rulePriority]) => ({
    rulePriority,
    ...lifecycleRuleOf(tagging, archive ? archived : standard, archive, text)
  }))

/**
 * Lifecycle policies valid under ECR's 2026 grammar, which `LifecyclePolicy.codec` decodes as they
 * are: 1 to 16 rules with distinct priorities from 1 to 999; among the rules of each storage
 * class, tagged rules with distinct prefix sets, at most one untagged rule and at most one `any`
 * rule, which has their highest priority. Rules are in priority order, fields in canonical form
 * (no empty lists, no `storageClass: 'standard'`), so `LifecyclePolicy.fromRules` keeps them.
 *
 * Laws: `LifecyclePolicy.codec.decode(p) = E.right(p)`,
 * `LifecyclePolicy.fromJson(LifecyclePolicy.toJson(p)) = E.right(p)` (so `toJson` is stable), and
 * `LifecyclePolicy.validate(p) = E.right(p)` (the text is 100 to 30,720 characters).
 *
 * @category lifecycle policies
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as LifecyclePolicy from 'ecr-fp-ts/LifecyclePolicy'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.lifecyclePolicy, (p) => {
 *   assert.deepStrictEqual(LifecyclePolicy.codec.decode(p), E.right(p))
 *   assert.deepStrictEqual(LifecyclePolicy.fromJson(LifecyclePolicy.toJson(p)), E.right(p))
 * }), { numRuns: 20 })
 */
export const lifecyclePolicy: fc.Arbitrary<LifecyclePolicy.LifecyclePolicy> = /*#__PURE__*/ fc
  .record(
    {
      standard: classRules(false, 4),
      archive: fc.oneof({ arbitrary: fc.constant([]), weight: 2 }, { arbitrary: classRules(true, 2), weight: 1 }),
      fallback: fallbackRule,
      // a rule's place among the other class's rules: any interleaving keeps each class's order
      interleaving: fc.array(fc.boolean(), { minLength: MAX_RULES, maxLength: MAX_RULES }),
      priorities: fc.uniqueArray(fc.integer({ min: 1, max: 999 }), { minLength: MAX_RULES, maxLength: MAX_RULES })
    },
    PLAIN
  )
  .map(({ standard, archive, fallback, interleaving, priorities }) => {
    const s = standard.length + archive.length === 0 ? [fallback] : [...standard]
    const a = [...archive]
    const merged: Array<Unprioritized> = []
    for (const fromStandard of interleaving) {
      const next = (fromStandard && s.length > 0) || a.length === 0 ? s.shift() : a.shift()
      if (next !== undefined) merged.push(next)
    }
    merged.push(...s, ...a)
    const sorted = priorities.slice(0, merged.length).sort((x, y) => x - y)
    return { rules: merged.map((r, i) => ({ rulePriority: sorted[i] ?? i + 1, ...r })) }
  })

// -------------------------------------------------------------------------------------
// twin states
// -------------------------------------------------------------------------------------

const SECOND = 1000
const PUSH_FROM = Date.UTC(2015, 0, 1) / SECOND
const PUSH_TO = Date.UTC(2030, 0, 1) / SECOND

const twinImageShape = /*#__PURE__*/ fc.record(
  {
    platforms: fc.oneof(
      { arbitrary: platformOf(0).map((p) => [p]), weight: 2 },
      { arbitrary: platformsOf(4), weight: 1 }
    ),
    wrapSingle: fc.boolean(),
    format: fc.constantFrom('docker' as const, 'oci' as const),
    layers: fc.integer({ min: 0, max: 3 }),
    seconds: fc.integer({ min: PUSH_FROM, max: PUSH_TO - 1 })
  },
  PLAIN
)

const MAX_TAGS = 8

/** The twin's partitions: `aws`, `aws-cn` and `aws-us-gov`. */
const twinRegion: fc.Arbitrary<Region> = /*#__PURE__*/ fc
  .constantFrom(
    ...PARTITIONS.filter((p) => ['aws', 'aws-cn', 'aws-us-gov'].includes(p.partition)).flatMap((p) => p.regions)
  )
  .map((r) => r as Region)

const twinRepository: fc.Arbitrary<TwinRepository> = /*#__PURE__*/ fc
  .record(
    {
      repositoryName,
      imageTagMutability: fc.constantFrom('MUTABLE' as const, 'IMMUTABLE' as const),
      tags: fc.uniqueArray(resourceTag, { maxLength: 3, selector: (t) => t.Key }),
      shapes: fc.uniqueArray(twinImageShape, { maxLength: 5, selector: (i) => i.seconds }),
      imageTags: fc.uniqueArray(imageTag, { maxLength: MAX_TAGS }),
      owners: fc.array(fc.nat(), { minLength: MAX_TAGS, maxLength: MAX_TAGS })
    },
    PLAIN
  )
  .map(({ repositoryName, imageTagMutability, tags, shapes, imageTags, owners }) => ({
    repositoryName,
    imageTagMutability,
    tags,
    images: shapes.map(
      (shape, i): TwinImage => ({
        tags: imageTags.filter((_, t) => (owners[t] ?? 0) % shapes.length === i),
        platforms: shape.platforms,
        index: shape.platforms.length > 1 || shape.wrapSingle,
        format: shape.format,
        layers: shape.layers,
        pushedAt: new Date(shape.seconds * SECOND)
      })
    )
  }))

/**
 * Registry states for the in-memory twin: an account and a region (of the `aws`, `aws-cn` and
 * `aws-us-gov` partitions, which the twin serves), and 0 to 4 repositories (distinct
 * names, mutable or immutable tags, 0 to 3 resource tags), each with 0 to 5 images: tags none of
 * which two images share, 1 to 4 platforms (an index, or one manifest), Docker or OCI format, 0 to
 * 3 layers, distinct push times. Fill a twin with it with `seedTwin`.
 *
 * Law: a twin seeded with `s` lists exactly the repositories of `s`, and each tag of `s` names the
 * image pushed for it.
 *
 * @category twin states
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as Registry from 'ecr-fp-ts/Registry'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * const listsItsRepositories = fc.asyncProperty(Arb.twinState, async (state) => {
 *   const twin = InMemoryEcr.make({ accountId: state.accountId, region: state.region })
 *   assert.ok(E.isRight(Arb.seedTwin(twin, state)))
 *   const listed = await Registry.listRepositories()(twin.env)()
 *   assert.ok(E.isRight(listed))
 *   assert.deepStrictEqual(
 *     listed.right.map((r) => r.repositoryName).sort(),
 *     state.repositories.map((r) => r.repositoryName).sort()
 *   )
 * })
 * fc.assert(listsItsRepositories, { numRuns: 10 }).then(() => assert.ok(true))
 */
export const twinState: fc.Arbitrary<TwinState> = /*#__PURE__*/ fc.record(
  {
    accountId,
    region: twinRegion,
    repositories: fc.uniqueArray(twinRepository, { maxLength: 4, selector: (r) => r.repositoryName })
  },
  PLAIN
)

/**
 * Fills a twin with a state: each repository created (`createRepository` with its tag mutability
 * and resource tags), then each image pushed in order (`pushImage` with its tags, platforms,
 * format, layers and push time). Returns what each push made, one per image of the state,
 * repositories first, in the state's order. Make the twin with `InMemoryEcr.make` for the state's
 * account and region (and any other options: a clock, latencies, faults); a twin of another
 * registry is an `InvalidArgument`. Another `Left` is what the twin answered (never for a state
 * from `twinState` and a fresh twin).
 *
 * This module does not load the twin (the AWS SDK and undici): it only fills the one it is given.
 *
 * @category twin states
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import type { AccountId, ImageTag, Region, RepositoryName } from 'ecr-fp-ts/Primitives'
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const state: Arb.TwinState = {
 *   accountId: '111122223333' as AccountId,
 *   region: 'eu-west-1' as Region,
 *   repositories: [
 *     {
 *       repositoryName: 'team/app' as RepositoryName,
 *       imageTagMutability: 'IMMUTABLE',
 *       tags: [{ Key: 'team', Value: 'platform' }],
 *       images: [
 *         { tags: [], platforms: [{ os: 'linux', architecture: 'amd64' }], index: false, format: 'docker', layers: 1, pushedAt: new Date('2024-01-01') },
 *         {
 *           tags: ['v1' as ImageTag],
 *           platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }],
 *           index: true,
 *           format: 'oci',
 *           layers: 2,
 *           pushedAt: new Date('2024-02-01')
 *         }
 *       ]
 *     }
 *   ]
 * }
 * const twin = InMemoryEcr.make({ accountId: state.accountId, region: state.region })
 * const pushed = Arb.seedTwin(twin, state)
 * assert.ok(E.isRight(pushed))
 * assert.strictEqual(twin.tagsOf('team/app').get('v1'), pushed.right[1]?.imageDigest)
 * assert.strictEqual(pushed.right[1]?.children.length, 2)
 * // a twin of another registry
 * assert.ok(E.isLeft(Arb.seedTwin(InMemoryEcr.make(), state)))
 */
export const seedTwin = (
  twin: InMemoryEcr.InMemoryEcr,
  state: TwinState
): E.Either<EcrError, ReadonlyArray<InMemoryEcr.PushedImage>> => {
  if (twin.accountId !== state.accountId || twin.region !== state.region) {
    return E.left(
      EcrErrors.invalidArgument(
        `the state is of registry ${state.accountId} in ${state.region}, the twin of ${twin.accountId} in ${twin.region}`
      )
    )
  }
  const pushed: Array<InMemoryEcr.PushedImage> = []
  for (const repository of state.repositories) {
    const created = twin.createRepository(repository.repositoryName, {
      imageTagMutability: repository.imageTagMutability,
      tags: repository.tags
    })
    if (E.isLeft(created)) return created
    for (const image of repository.images) {
      const result = twin.pushImage(repository.repositoryName, {
        tags: image.tags,
        platforms: image.platforms,
        index: image.index,
        format: image.format,
        layers: image.layers,
        pushedAt: image.pushedAt,
        createRepository: false
      })
      if (E.isLeft(result)) return result
      pushed.push(result.right)
    }
  }
  return E.right(pushed)
}

// -------------------------------------------------------------------------------------
// invalid values
// -------------------------------------------------------------------------------------

/**
 * Kinds of mistake in an account id, each breaking one rule of `12 digits`.
 *
 * @category invalid values
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as fc from 'fast-check'
 *
 * const m: Arb.AccountIdMistakes = Arb.mistakes.accountId
 * assert.ok(fc.sample(m.withDashes, 10).every((s) => /^\d{4}-\d{4}-\d{4}$/.test(s)))
 */
export interface AccountIdMistakes {
  /** 1 to 11 digits: a digit lost in copying. */
  readonly tooShort: fc.Arbitrary<string>
  /** 13 to 20 digits: a digit too many. */
  readonly tooLong: fc.Arbitrary<string>
  /** `1234-5678-9012`: the console's display form. */
  readonly withDashes: fc.Arbitrary<string>
  /** One digit replaced by a look-alike letter or a space (`O` for `0`, `l` for `1`, ...). */
  readonly notADigit: fc.Arbitrary<string>
  /** An account alias (`acme-prod`) instead of the number. */
  readonly alias: fc.Arbitrary<string>
  /** The empty string. */
  readonly empty: fc.Arbitrary<string>
}

/**
 * Kinds of mistake in a region code, each breaking one rule of `<prefix>-<direction>-<number>`.
 *
 * @category invalid values
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import { isRegion } from 'ecr-fp-ts/Primitives'
 * import * as fc from 'fast-check'
 *
 * const m: Arb.RegionMistakes = Arb.mistakes.region
 * const zones = fc.sample(m.availabilityZone, 10)
 * assert.ok(zones.every((z) => !isRegion(z) && isRegion(z.slice(0, -1))))
 */
export interface RegionMistakes {
  /** An availability zone (`us-west-2a`) instead of its region. */
  readonly availabilityZone: fc.Arbitrary<string>
  /** Upper case (`US-WEST-2`). */
  readonly upperCase: fc.Arbitrary<string>
  /** A prefix no partition has (`mars-east-1`, `uk-south-1`). */
  readonly unknownPrefix: fc.Arbitrary<string>
  /** A direction regions do not have (`us-centre-1`, `eu-up-1`). */
  readonly unknownDirection: fc.Arbitrary<string>
  /** No number (`eu-west`). */
  readonly missingNumber: fc.Arbitrary<string>
  /** A number that is 0, has a leading zero, or three digits (`us-east-01`, `us-east-100`). */
  readonly badNumber: fc.Arbitrary<string>
  /** The region's display name (`US West (Oregon)`). */
  readonly displayName: fc.Arbitrary<string>
  /** The empty string. */
  readonly empty: fc.Arbitrary<string>
}

/**
 * Kinds of mistake in a repository name, each breaking one of ECR's rules.
 *
 * @category invalid values
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as fc from 'fast-check'
 *
 * const m: Arb.RepositoryNameMistakes = Arb.mistakes.repositoryName
 * assert.ok(fc.sample(m.tooLong, 10).every((n) => n.length > 256))
 */
export interface RepositoryNameMistakes {
  /** An upper-case letter (`Team/api`): names are lower case. */
  readonly upperCase: fc.Arbitrary<string>
  /** One character: names have at least two. */
  readonly tooShort: fc.Arbitrary<string>
  /** 257 to 300 characters: names have at most 256. */
  readonly tooLong: fc.Arbitrary<string>
  /** Starting with `.`, `_` or `-`. */
  readonly leadingSeparator: fc.Arbitrary<string>
  /** Ending with `.`, `_` or `-`. */
  readonly trailingSeparator: fc.Arbitrary<string>
  /** An empty path component: a leading or trailing `/`, or `//`. */
  readonly emptyComponent: fc.Arbitrary<string>
  /** Two separators in a row that ECR does not accept (`..`, `._`, `-.`, `___`, ...). */
  readonly badSeparator: fc.Arbitrary<string>
  /** A character outside `a-z 0-9 . _ - /` (a space, `:`, `@`, `+`, `é`, ...). */
  readonly badCharacter: fc.Arbitrary<string>
}

/**
 * Kinds of mistake in an image tag, each breaking one of Docker's rules.
 *
 * @category invalid values
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as fc from 'fast-check'
 *
 * const m: Arb.ImageTagMistakes = Arb.mistakes.imageTag
 * assert.ok(fc.sample(m.semverBuildMetadata, 10).every((t) => t.includes('+')))
 */
export interface ImageTagMistakes {
  /** The empty string. */
  readonly empty: fc.Arbitrary<string>
  /** 129 to 300 characters (ECR's API takes 300; Docker's references at most 128). */
  readonly tooLong: fc.Arbitrary<string>
  /** Starting with `.`. */
  readonly leadingPeriod: fc.Arbitrary<string>
  /** Starting with `-`. */
  readonly leadingDash: fc.Arbitrary<string>
  /** A character outside `A-Z a-z 0-9 _ . -` (`:`, `/`, `@`, a space, `é`, ...). */
  readonly badCharacter: fc.Arbitrary<string>
  /** A semantic version with build metadata (`1.2.3+build.5`): `+` is not allowed in tags. */
  readonly semverBuildMetadata: fc.Arbitrary<string>
}

/**
 * Kinds of mistake in an image digest, each breaking one rule of `sha256:<64 hex>` / `sha512:<128 hex>`.
 *
 * @category invalid values
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as fc from 'fast-check'
 *
 * const m: Arb.ImageDigestMistakes = Arb.mistakes.imageDigest
 * assert.ok(fc.sample(m.tagSchemaForm, 10).every((d) => d.startsWith('sha256-')))
 */
export interface ImageDigestMistakes {
  /** Upper-case hex digits. */
  readonly upperCaseHex: fc.Arbitrary<string>
  /** A hex part of another length than the algorithm's (64 for sha256, 128 for sha512). */
  readonly wrongLength: fc.Arbitrary<string>
  /** A character that is not a hex digit. */
  readonly notHex: fc.Arbitrary<string>
  /** An algorithm other than sha256 and sha512 (`md5`, `sha1`, `sha384`, `SHA256`). */
  readonly unknownAlgorithm: fc.Arbitrary<string>
  /** The hex alone, without `sha256:`. */
  readonly missingAlgorithm: fc.Arbitrary<string>
  /** `sha256-<hex>`: the referrers tag schema's form, not a digest. */
  readonly tagSchemaForm: fc.Arbitrary<string>
  /** `sha256:` and nothing after it. */
  readonly emptyHex: fc.Arbitrary<string>
}

/**
 * Kinds of mistake in a registry URI (a registry host).
 *
 * @category invalid values
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as fc from 'fast-check'
 *
 * const m: Arb.RegistryUriMistakes = Arb.mistakes.registryUri
 * assert.ok(fc.sample(m.withScheme, 10).every((u) => u.includes('://')))
 */
export interface RegistryUriMistakes {
  /** A scheme in front (`https://`, `docker://`, `oci://`). */
  readonly withScheme: fc.Arbitrary<string>
  /** A path after the host (a repository, or a trailing `/`). */
  readonly withPath: fc.Arbitrary<string>
  /** A port after the host (`:443`). */
  readonly withPort: fc.Arbitrary<string>
  /** The host in upper case. */
  readonly upperCase: fc.Arbitrary<string>
  /** An invalid account id in the host (any of `AccountIdMistakes` that keeps the host's shape). */
  readonly badAccount: fc.Arbitrary<string>
  /** An invalid region in the host (any of `RegionMistakes` that keeps the host's shape). */
  readonly badRegion: fc.Arbitrary<string>
  /** A domain that is not ECR's (`amazonaws.co`, `amazonaws.com.evil.example`, ...). */
  readonly wrongDomain: fc.Arbitrary<string>
  /** Another partition's domain (`cn-north-1` on `amazonaws.com`, `us-east-1` on `amazonaws.com.cn`). */
  readonly partitionDomain: fc.Arbitrary<string>
  /** `dkr.ecr-fips` in a partition without FIPS endpoints (China, the ISO partitions, EUSC). */
  readonly fipsWithoutEndpoint: fc.Arbitrary<string>
  /** Another service's host: ECR's API endpoint, ECR Public, ECS, a missing `dkr`. */
  readonly notTheRegistry: fc.Arbitrary<string>
  /** Whitespace around it (the trailing newline of a shell's `$(...)`). */
  readonly withWhitespace: fc.Arbitrary<string>
}

/**
 * Kinds of mistake in a repository URI.
 *
 * @category invalid values
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as fc from 'fast-check'
 *
 * const m: Arb.RepositoryUriMistakes = Arb.mistakes.repositoryUri
 * assert.ok(fc.sample(m.withTag, 10).every((u) => /:[^/]*$/.test(u)))
 */
export interface RepositoryUriMistakes {
  /** A mistake in the registry host (any of `RegistryUriMistakes` but `withPath`). */
  readonly badHost: fc.Arbitrary<string>
  /** The registry alone, or with a trailing `/`. */
  readonly noName: fc.Arbitrary<string>
  /** An invalid repository name (any of `RepositoryNameMistakes`). */
  readonly badName: fc.Arbitrary<string>
  /** A tag after the name: an image URI, not a repository's. */
  readonly withTag: fc.Arbitrary<string>
  /** A digest after the name: an image URI, not a repository's. */
  readonly withDigest: fc.Arbitrary<string>
}

/**
 * Kinds of mistake in an image URI.
 *
 * @category invalid values
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as fc from 'fast-check'
 *
 * const m: Arb.ImageUriMistakes = Arb.mistakes.imageUri
 * assert.ok(fc.sample(m.tagAndDigest, 10).every((u) => u.includes('@sha')))
 */
export interface ImageUriMistakes {
  /** A mistake in the registry host (any of `RegistryUriMistakes` but `withPath`). */
  readonly badHost: fc.Arbitrary<string>
  /** An invalid repository name (any of `RepositoryNameMistakes`). */
  readonly badName: fc.Arbitrary<string>
  /** An invalid tag after `:` (any of `ImageTagMistakes`). */
  readonly badTag: fc.Arbitrary<string>
  /** An invalid digest after `@` (any of `ImageDigestMistakes`). */
  readonly badDigest: fc.Arbitrary<string>
  /** Neither tag nor digest: a repository URI. */
  readonly noReference: fc.Arbitrary<string>
  /** Both a tag and a digest (`app:v1@sha256:...`): an image URI here names an image one way. */
  readonly tagAndDigest: fc.Arbitrary<string>
  /** A digest after `:` instead of `@` (`app:sha256:...`). */
  readonly digestAfterColon: fc.Arbitrary<string>
}

/**
 * Kinds of mistake in a repository ARN.
 *
 * @category invalid values
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as fc from 'fast-check'
 *
 * const m: Arb.RepositoryArnMistakes = Arb.mistakes.repositoryArn
 * assert.ok(fc.sample(m.missingPrefix, 10).every((a) => !a.startsWith('arn:')))
 */
export interface RepositoryArnMistakes {
  /** Without the leading `arn:`. */
  readonly missingPrefix: fc.Arbitrary<string>
  /** A partition AWS does not have (`aws-xx`, `amazon`, `AWS`). */
  readonly unknownPartition: fc.Arbitrary<string>
  /** A partition other than the region's (`arn:aws-cn:ecr:us-east-1:...`). */
  readonly partitionMismatch: fc.Arbitrary<string>
  /** Another service (`ecr-public`, `ecs`, `s3`, `ECR`). */
  readonly wrongService: fc.Arbitrary<string>
  /** An invalid region (any of `RegionMistakes` without `:`). */
  readonly badRegion: fc.Arbitrary<string>
  /** An invalid account id (any of `AccountIdMistakes`). */
  readonly badAccount: fc.Arbitrary<string>
  /** A resource type other than `repository/` (`repositories/`, `image/`, none). */
  readonly wrongResourceType: fc.Arbitrary<string>
  /** An invalid or empty repository name (any of `RepositoryNameMistakes`). */
  readonly badName: fc.Arbitrary<string>
}

/**
 * The kinds of mistake of every invalid generator, one generator per kind.
 *
 * @category invalid values
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 *
 * const m: Arb.Mistakes = Arb.mistakes
 * assert.deepStrictEqual(Object.keys(m.imageDigest).sort(), [
 *   'emptyHex', 'missingAlgorithm', 'notHex', 'tagSchemaForm', 'unknownAlgorithm', 'upperCaseHex', 'wrongLength'
 * ])
 */
export interface Mistakes {
  /** Account ids. */
  readonly accountId: AccountIdMistakes
  /** Region codes. */
  readonly region: RegionMistakes
  /** Repository names. */
  readonly repositoryName: RepositoryNameMistakes
  /** Image tags. */
  readonly imageTag: ImageTagMistakes
  /** Image digests. */
  readonly imageDigest: ImageDigestMistakes
  /** Registry URIs. */
  readonly registryUri: RegistryUriMistakes
  /** Repository URIs. */
  readonly repositoryUri: RepositoryUriMistakes
  /** Image URIs. */
  readonly imageUri: ImageUriMistakes
  /** Repository ARNs. */
  readonly repositoryArn: RepositoryArnMistakes
}

/**
 * One invalid generator per kind of value: any of its kinds of mistake.
 *
 * @category invalid values
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import { isAccountId } from 'ecr-fp-ts/Primitives'
 * import * as fc from 'fast-check'
 *
 * const invalid: Arb.Invalid = Arb.invalid
 * assert.ok(fc.sample(invalid.accountId, 50).every((s) => !isAccountId(s)))
 */
export type Invalid = { readonly [K in keyof Mistakes]: fc.Arbitrary<string> }

/** Any of the kinds of mistake, each as likely as the others. */
const oneOfKinds = <K extends string>(kinds: { readonly [k in K]: fc.Arbitrary<string> }): fc.Arbitrary<string> =>
  fc.oneof(...Object.values<fc.Arbitrary<string>>(kinds))

// account ids

const LOOK_ALIKES = 'OoIlSBZ '

const accountIdMistakes: AccountIdMistakes = {
  tooShort: /*#__PURE__*/ stringOf(digit, 1, 11),
  tooLong: /*#__PURE__*/ stringOf(digit, 13, 20),
  withDashes: /*#__PURE__*/ accountId.map((id) => `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}`),
  notADigit: /*#__PURE__*/ fc
    .tuple(accountId, fc.nat(), charOf(LOOK_ALIKES))
    .map(([id, at, c]) => replaceAt(id, at, c)),
  alias: /*#__PURE__*/ fc
    .tuple(
      fc.constantFrom('acme', 'payments', 'team', 'my-company'),
      fc.constantFrom('prod', 'dev', 'staging', 'sandbox')
    )
    .map(([a, b]) => `${a}-${b}`),
  empty: /*#__PURE__*/ fc.constant('')
}

// regions

const WRONG_PREFIXES = ['mars', 'uk', 'de', 'asia', 'europe', 'usa', 'gov', 'eu-gov', 'cn-gov', 'us-iso-b']
const WRONG_DIRECTIONS = ['up', 'down', 'centre', 'middle', 'northnorth', 'norteast', 'western', 'e', 'w']
const DISPLAY_NAMES = [
  'US East (N. Virginia)',
  'US West (Oregon)',
  'Europe (Ireland)',
  'Asia Pacific (Tokyo)',
  'Frankfurt',
  'Oregon'
]

const regionPrefix = /*#__PURE__*/ fc.constantFrom(...PARTITIONS.flatMap((p) => p.prefixes))
const regionDirection = /*#__PURE__*/ fc.constantFrom(...DIRECTIONS)
const regionNumber = /*#__PURE__*/ fc.integer({ min: 1, max: 99 })

const regionMistakes: RegionMistakes = {
  availabilityZone: /*#__PURE__*/ fc.tuple(region, charOf('abcdef')).map(([r, z]) => `${r}${z}`),
  upperCase: /*#__PURE__*/ region.map((r) => r.toUpperCase()),
  unknownPrefix: /*#__PURE__*/ fc
    .tuple(fc.constantFrom(...WRONG_PREFIXES), regionDirection, regionNumber)
    .map(([p, d, n]) => `${p}-${d}-${n}`),
  unknownDirection: /*#__PURE__*/ fc
    .tuple(regionPrefix, fc.constantFrom(...WRONG_DIRECTIONS), regionNumber)
    .map(([p, d, n]) => `${p}-${d}-${n}`),
  missingNumber: /*#__PURE__*/ fc.tuple(regionPrefix, regionDirection).map(([p, d]) => `${p}-${d}`),
  badNumber: /*#__PURE__*/ fc
    .tuple(
      regionPrefix,
      regionDirection,
      fc.oneof(
        fc.constant('0'),
        fc.integer({ min: 0, max: 9 }).map((n) => `0${n}`),
        fc.integer({ min: 100, max: 999 }).map(String)
      )
    )
    .map(([p, d, n]) => `${p}-${d}-${n}`),
  displayName: /*#__PURE__*/ fc.constantFrom(...DISPLAY_NAMES),
  empty: /*#__PURE__*/ fc.constant('')
}

// repository names

const NAME_BAD_CHARACTERS = [' ', ':', '@', '!', '#', '+', 'é', '~', '*', '%', '\\', '$']
const NAME_BAD_SEPARATORS = ['..', '._', '_.', '___', '-.', '.-', '-_', '_-', '.__', '__.']

/** Valid names of 2 to 199 characters, components kept apart for the mistakes that need them. */
const nameComponents = /*#__PURE__*/ fc.array(nameComponent, { minLength: 1, maxLength: 4 })

const repositoryNameMistakes: RepositoryNameMistakes = {
  upperCase: /*#__PURE__*/ fc.tuple(shortName, fc.nat(), charOf(UPPER)).map(([n, at, c]) => insertAt(n, at, c)),
  tooShort: /*#__PURE__*/ lowerOrDigit,
  tooLong: /*#__PURE__*/ fc
    .tuple(shortName, fc.integer({ min: MAX_NAME + 1, max: 300 }))
    .map(([n, length]) => padName(n, length)),
  leadingSeparator: /*#__PURE__*/ fc.tuple(fc.constantFrom('.', '_', '-'), shortName).map(([s, n]) => s + n),
  trailingSeparator: /*#__PURE__*/ fc.tuple(shortName, fc.constantFrom('.', '_', '-')).map(([n, s]) => n + s),
  emptyComponent: /*#__PURE__*/ fc
    .tuple(nameComponents, fc.nat(), fc.constantFrom('leading', 'trailing', 'double'))
    .map(([cs, at, where]) => {
      const n = cs.join('/')
      if (where === 'leading') return `/${n}`
      if (where === 'trailing') return `${n}/`
      const i = at % cs.length
      return [...cs.slice(0, i + 1), '', ...cs.slice(i + 1)].join('/')
    }),
  badSeparator: /*#__PURE__*/ fc
    .tuple(nameWord, fc.constantFrom(...NAME_BAD_SEPARATORS), nameWord)
    .map(([a, s, b]) => a + s + b),
  badCharacter: /*#__PURE__*/ fc
    .tuple(shortName, fc.nat(), fc.constantFrom(...NAME_BAD_CHARACTERS))
    .map(([n, at, c]) => insertAt(n, at, c))
}

// image tags

const TAG_BAD_CHARACTERS = [':', '/', '@', '+', ' ', '!', '#', 'é', '~', '*', '$', '\t']

const imageTagMistakes: ImageTagMistakes = {
  empty: /*#__PURE__*/ fc.constant(''),
  tooLong: /*#__PURE__*/ fc.integer({ min: MAX_TAG + 1, max: 300 }).chain((n) => tagOfLength(n, n)),
  leadingPeriod: /*#__PURE__*/ tagOfLength(1, MAX_TAG - 1).map((t) => `.${t}`),
  leadingDash: /*#__PURE__*/ tagOfLength(1, MAX_TAG - 1).map((t) => `-${t}`),
  badCharacter: /*#__PURE__*/ fc
    .tuple(tagOfLength(1, 100), fc.nat(), fc.constantFrom(...TAG_BAD_CHARACTERS))
    .map(([t, at, c]) => insertAt(t, at, c)),
  semverBuildMetadata: /*#__PURE__*/ fc
    .tuple(semver, fc.constantFrom('build', 'sha', 'git'), fc.nat({ max: 999 }))
    .map(([v, w, n]) => `${v}+${w}.${n}`)
}

// image digests

const hexOfLength = (n: number): fc.Arbitrary<string> => stringOf(hexDigit, n, n)

const imageDigestMistakes: ImageDigestMistakes = {
  upperCaseHex: /*#__PURE__*/ fc
    .tuple(
      fc
        .constantFrom(['sha256', 64] as const, ['sha512', 128] as const)
        .chain(([a, n]) => hexOfLength(n).map((h) => [a, h] as const)),
      fc.nat(),
      charOf('ABCDEF')
    )
    .map(([[a, h], at, c]) => `${a}:${replaceAt(h, at, c)}`),
  wrongLength: /*#__PURE__*/ fc
    .oneof(
      fc.integer({ min: 1, max: 63 }).map((n) => ['sha256', n] as const),
      fc.integer({ min: 65, max: 200 }).map((n) => ['sha256', n] as const),
      fc.integer({ min: 1, max: 127 }).map((n) => ['sha512', n] as const),
      fc.integer({ min: 129, max: 200 }).map((n) => ['sha512', n] as const)
    )
    .chain(([a, n]) => hexOfLength(n).map((h) => `${a}:${h}`)),
  notHex: /*#__PURE__*/ fc
    .tuple(hexOfLength(64), fc.nat(), charOf('ghijklmnopqrstuvwxyz-_.'))
    .map(([h, at, c]) => `sha256:${replaceAt(h, at, c)}`),
  unknownAlgorithm: /*#__PURE__*/ fc
    .constantFrom(
      ['md5', 32] as const,
      ['sha1', 40] as const,
      ['sha384', 96] as const,
      ['blake3', 64] as const,
      ['SHA256', 64] as const
    )
    .chain(([a, n]) => hexOfLength(n).map((h) => `${a}:${h}`)),
  missingAlgorithm: /*#__PURE__*/ fc.constantFrom(64, 128).chain(hexOfLength),
  tagSchemaForm: /*#__PURE__*/ hexOfLength(64).map((h) => `sha256-${h}`),
  emptyHex: /*#__PURE__*/ fc.constantFrom('sha256:', 'sha512:')
}

// registry URIs

/** Domains that are not ECR's: none is a partition's suffix. */
const WRONG_DOMAINS = [
  'amazonaws.co',
  'amazon.com',
  'aws.com',
  'amazonaws',
  'amazonaws.com.evil.example',
  'amazonaws.org',
  'amazonaws.com.c'
]

const SUFFIXES: ReadonlyArray<string> = [...new Set(PARTITIONS.map((p) => p.suffix))]

/** Partitions without FIPS endpoints, as registry parts. */
const nonFipsRegion = /*#__PURE__*/ fc.constantFrom(
  ...PARTITIONS.filter((p) => p.partition !== 'aws' && p.partition !== 'aws-us-gov').flatMap((p) => p.regions)
)

const hostWith = (account: string, r: string, domain: string, service = 'dkr.ecr'): string =>
  `${account}.${service}.${r}.${domain}`

/** Mistakes of the account id and region that keep a host's shape (no `.` or space inside). */
const hostSafe = (s: string): boolean => !/[.\s]/.test(s) && s.length > 0

const registryUriMistakes: RegistryUriMistakes = {
  withScheme: /*#__PURE__*/ fc
    .tuple(fc.constantFrom('https://', 'http://', 'docker://', 'oci://'), registryUri)
    .map(([s, u]) => s + u),
  withPath: /*#__PURE__*/ fc.tuple(registryUri, fc.oneof(fc.constant(''), repositoryName)).map(([u, n]) => `${u}/${n}`),
  withPort: /*#__PURE__*/ fc.tuple(registryUri, fc.constantFrom(443, 5000, 80)).map(([u, p]) => `${u}:${p}`),
  upperCase: /*#__PURE__*/ registryUri.map((u) => u.toUpperCase()),
  badAccount: /*#__PURE__*/ fc
    .tuple(oneOfKinds(accountIdMistakes), registryRef)
    .map(([a, r]) => hostWith(hostSafe(a) ? a : `${r.accountId}0`, r.region, partitionOf(r.region).suffix)),
  badRegion: /*#__PURE__*/ fc
    .tuple(accountId, oneOfKinds(regionMistakes))
    .map(([a, r]) => hostWith(a, hostSafe(r) ? r : 'us-west', 'amazonaws.com')),
  wrongDomain: /*#__PURE__*/ fc
    .tuple(registryRef, fc.constantFrom(...WRONG_DOMAINS))
    .map(([r, d]) => hostWith(r.accountId, r.region, d)),
  partitionDomain: /*#__PURE__*/ fc.tuple(registryRef, fc.nat()).map(([r, at]) => {
    const others = SUFFIXES.filter((s) => s !== partitionOf(r.region).suffix)
    return hostWith(r.accountId, r.region, others[at % others.length] ?? 'amazonaws.com.cn')
  }),
  fipsWithoutEndpoint: /*#__PURE__*/ fc
    .tuple(accountId, nonFipsRegion)
    .map(([a, r]) => hostWith(a, r, partitionOf(r).suffix, 'dkr.ecr-fips')),
  notTheRegistry: /*#__PURE__*/ fc.tuple(registryRef, fc.nat({ max: 4 })).map(([r, kind]) => {
    const suffix = partitionOf(r.region).suffix
    switch (kind) {
      case 0:
        return `api.ecr.${r.region}.${suffix}`
      case 1:
        return `${r.accountId}.ecr.${r.region}.${suffix}`
      case 2:
        return hostWith(r.accountId, r.region, suffix, 'dkr.ecs')
      case 3:
        return hostWith(r.accountId, r.region, suffix, 'dkr.ecr-public')
      default:
        return 'public.ecr.aws'
    }
  }),
  withWhitespace: /*#__PURE__*/ fc
    .tuple(registryUri, fc.constantFrom(['', '\n'], [' ', ''], ['', ' '], ['\t', '']))
    .map(([u, [before, after]]) => before + u + after)
}

const { withPath: _withPath, ...hostMistakes } = registryUriMistakes

/** A registry host with one mistake (not a path: the callers add one). */
const badHost = /*#__PURE__*/ oneOfKinds(hostMistakes)

// repository URIs

const repositoryUriMistakes: RepositoryUriMistakes = {
  badHost: /*#__PURE__*/ fc.tuple(badHost, repositoryName).map(([h, n]) => `${h}/${n}`),
  noName: /*#__PURE__*/ fc.tuple(registryUri, fc.constantFrom('', '/')).map(([u, s]) => u + s),
  badName: /*#__PURE__*/ fc.tuple(registryUri, oneOfKinds(repositoryNameMistakes)).map(([u, n]) => `${u}/${n}`),
  withTag: /*#__PURE__*/ fc.tuple(repositoryUri, imageTag).map(([u, t]) => `${u}:${t}`),
  withDigest: /*#__PURE__*/ fc.tuple(repositoryUri, imageDigest).map(([u, d]) => `${u}@${d}`)
}

// image URIs

const reference = /*#__PURE__*/ fc.oneof(
  imageTag.map((t) => `:${t}`),
  imageDigest.map((d) => `@${d}`)
)

const imageUriMistakes: ImageUriMistakes = {
  badHost: /*#__PURE__*/ fc.tuple(badHost, repositoryName, reference).map(([h, n, r]) => `${h}/${n}${r}`),
  badName: /*#__PURE__*/ fc
    .tuple(registryUri, oneOfKinds(repositoryNameMistakes), reference)
    .map(([u, n, r]) => `${u}/${n}${r}`),
  badTag: /*#__PURE__*/ fc.tuple(repositoryUri, oneOfKinds(imageTagMistakes)).map(([u, t]) => `${u}:${t}`),
  badDigest: /*#__PURE__*/ fc.tuple(repositoryUri, oneOfKinds(imageDigestMistakes)).map(([u, d]) => `${u}@${d}`),
  noReference: /*#__PURE__*/ repositoryUri,
  tagAndDigest: /*#__PURE__*/ fc.tuple(repositoryUri, imageTag, imageDigest).map(([u, t, d]) => `${u}:${t}@${d}`),
  digestAfterColon: /*#__PURE__*/ fc.tuple(repositoryUri, imageDigest).map(([u, d]) => `${u}:${d}`)
}

// repository ARNs

const WRONG_PARTITIONS = ['aws-xx', 'amazon', 'AWS', 'aws-gov', 'aws-china', '']
const WRONG_SERVICES = ['ecr-public', 'ecs', 's3', 'ECR', 'iam', '']
const WRONG_RESOURCE_TYPES = ['repositories/', 'repo/', 'image/', '', 'repository:', 'Repository/']

const arnWith = (partition: string, service: string, r: string, account: string, resource: string): string =>
  `arn:${partition}:${service}:${r}:${account}:${resource}`

const repositoryArnMistakes: RepositoryArnMistakes = {
  missingPrefix: /*#__PURE__*/ repositoryArn.map((a) => a.slice('arn:'.length)),
  unknownPartition: /*#__PURE__*/ fc
    .tuple(repositoryRef, fc.constantFrom(...WRONG_PARTITIONS))
    .map(([r, p]) => arnWith(p, 'ecr', r.region, r.accountId, `repository/${r.repositoryName}`)),
  partitionMismatch: /*#__PURE__*/ fc.tuple(repositoryRef, fc.nat()).map(([r, at]) => {
    const others = PARTITIONS.filter((p) => p.partition !== partitionOf(r.region).partition)
    const p = others[at % others.length] ?? (PARTITIONS[1] as PartitionRule)
    return arnWith(p.partition, 'ecr', r.region, r.accountId, `repository/${r.repositoryName}`)
  }),
  wrongService: /*#__PURE__*/ fc
    .tuple(repositoryRef, fc.constantFrom(...WRONG_SERVICES))
    .map(([r, s]) =>
      arnWith(partitionOf(r.region).partition, s, r.region, r.accountId, `repository/${r.repositoryName}`)
    ),
  badRegion: /*#__PURE__*/ fc
    .tuple(repositoryRef, oneOfKinds(regionMistakes))
    .map(([r, bad]) =>
      arnWith(partitionOf(r.region).partition, 'ecr', bad, r.accountId, `repository/${r.repositoryName}`)
    ),
  badAccount: /*#__PURE__*/ fc
    .tuple(repositoryRef, oneOfKinds(accountIdMistakes))
    .map(([r, bad]) =>
      arnWith(partitionOf(r.region).partition, 'ecr', r.region, bad, `repository/${r.repositoryName}`)
    ),
  wrongResourceType: /*#__PURE__*/ fc
    .tuple(repositoryRef, fc.constantFrom(...WRONG_RESOURCE_TYPES))
    .map(([r, t]) => arnWith(partitionOf(r.region).partition, 'ecr', r.region, r.accountId, `${t}${r.repositoryName}`)),
  badName: /*#__PURE__*/ fc
    .tuple(repositoryRef, fc.oneof(fc.constant(''), oneOfKinds(repositoryNameMistakes)))
    .map(([r, n]) => arnWith(partitionOf(r.region).partition, 'ecr', r.region, r.accountId, `repository/${n}`))
}

/**
 * Strings close to valid values, one generator per kind of mistake (see the `*Mistakes` types):
 * each takes a valid value and breaks one rule.
 *
 * Law: the library's parser or codec gives a `Left` for every one of them.
 *
 * @category invalid values
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * // an image URI with a tag that is not a Docker tag
 * fc.assert(fc.property(Arb.mistakes.imageUri.badTag, (u) => assert.ok(E.isLeft(ImageUri.parse(u)))), { numRuns: 20 })
 */
export const mistakes: Mistakes = {
  accountId: accountIdMistakes,
  region: regionMistakes,
  repositoryName: repositoryNameMistakes,
  imageTag: imageTagMistakes,
  imageDigest: imageDigestMistakes,
  registryUri: registryUriMistakes,
  repositoryUri: repositoryUriMistakes,
  imageUri: imageUriMistakes,
  repositoryArn: repositoryArnMistakes
}

/**
 * Invalid values, each kind of mistake of `mistakes` as likely as the others: `invalid.accountId`,
 * `invalid.region`, `invalid.repositoryName`, `invalid.imageTag`, `invalid.imageDigest`,
 * `invalid.registryUri`, `invalid.repositoryUri`, `invalid.imageUri`, `invalid.repositoryArn`.
 *
 * Law: `parse` (or the codec) is `Left` for every one: `ImageUri.parse(u)` for `invalid.imageUri`,
 * `Repository.fromArn(a)` for `invalid.repositoryArn`, `AccountIdC.decode(s)` for
 * `invalid.accountId`, and so on.
 *
 * @category invalid values
 * @since 0.2.0
 * @example
 * import * as Arb from 'ecr-fp-ts/arbitraries'
 * import * as ImageUri from 'ecr-fp-ts/ImageUri'
 * import * as E from 'fp-ts/Either'
 * import * as fc from 'fast-check'
 *
 * fc.assert(fc.property(Arb.invalid.imageUri, (u) => assert.ok(E.isLeft(ImageUri.parse(u)))), { numRuns: 50 })
 */
export const invalid: Invalid = {
  accountId: /*#__PURE__*/ oneOfKinds(accountIdMistakes),
  region: /*#__PURE__*/ oneOfKinds(regionMistakes),
  repositoryName: /*#__PURE__*/ oneOfKinds(repositoryNameMistakes),
  imageTag: /*#__PURE__*/ oneOfKinds(imageTagMistakes),
  imageDigest: /*#__PURE__*/ oneOfKinds(imageDigestMistakes),
  registryUri: /*#__PURE__*/ oneOfKinds(registryUriMistakes),
  repositoryUri: /*#__PURE__*/ oneOfKinds(repositoryUriMistakes),
  imageUri: /*#__PURE__*/ oneOfKinds(imageUriMistakes),
  repositoryArn: /*#__PURE__*/ oneOfKinds(repositoryArnMistakes)
}
