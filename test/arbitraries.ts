/**
 * fast-check arbitraries for valid ECR values (account ids, regions, repository names, tags,
 * digests), the parts of registry / repository / image URIs, and mutations of valid strings.
 * Shared by the test files; built from the rules themselves, not from the library's regexes.
 */
import * as fc from 'fast-check'
import type { AccountId, ImageDigest, ImageTag, Region, RepositoryName } from '../src/Primitives'

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

export const accountId: fc.Arbitrary<AccountId> = fc.stringMatching(/^\d{12}$/).map((s) => s as AccountId)

/** Regions AWS has today, in every partition. */
export const KNOWN_REGIONS: ReadonlyArray<string> = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-northeast-1',
  'ap-northeast-3',
  'ap-south-2',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-north-1',
  'eu-south-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'mx-central-1',
  'sa-east-1',
  'cn-north-1',
  'cn-northwest-1',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-iso-east-1',
  'us-iso-west-1',
  'us-isob-east-1',
  'us-isof-south-1',
  'eu-isoe-west-1',
  'eusc-de-east-1'
]

const REGION_PREFIXES = ['us', 'eu', 'ap', 'sa', 'ca', 'me', 'af', 'il', 'mx', 'cn', 'us-gov', 'us-iso', 'us-isob', 'eu-isoe', 'us-isof', 'eusc-de']
const DIRECTIONS = ['north', 'south', 'east', 'west', 'central', 'northeast', 'northwest', 'southeast', 'southwest']

export const region: fc.Arbitrary<Region> = fc
  .oneof(
    { arbitrary: fc.constantFrom(...KNOWN_REGIONS), weight: 3 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...REGION_PREFIXES), fc.constantFrom(...DIRECTIONS), fc.integer({ min: 1, max: 99 }))
        .map(([p, d, n]) => `${p}-${d}-${n}`),
      weight: 1
    }
  )
  .map((s) => s as Region)

/** The partition a region is in, by its prefix. */
export const partitionOf = (r: string): string =>
  r.startsWith('cn-')
    ? 'aws-cn'
    : r.startsWith('us-gov-')
    ? 'aws-us-gov'
    : r.startsWith('us-isob-')
    ? 'aws-iso-b'
    : r.startsWith('us-isof-')
    ? 'aws-iso-f'
    : r.startsWith('us-iso-')
    ? 'aws-iso'
    : r.startsWith('eu-isoe-')
    ? 'aws-iso-e'
    : r.startsWith('eusc-')
    ? 'aws-eusc'
    : 'aws'

/** Regions whose partition has `dkr.ecr-fips` hosts (commercial and GovCloud). */
export const hasFips = (r: string): boolean => ['aws', 'aws-us-gov'].includes(partitionOf(r))

const word = fc.stringMatching(/^[a-z0-9]{1,10}$/)
const separator = fc.constantFrom('.', '_', '__', '-', '--', '---')
const component = fc
  .tuple(word, fc.array(fc.tuple(separator, word), { maxLength: 4 }))
  .map(([w, rest]) => w + rest.map(([s, x]) => s + x).join(''))
const shortName = fc
  .array(component, { minLength: 1, maxLength: 5 })
  .map((cs) => cs.join('/'))
  .filter((n) => n.length >= 2 && n.length <= 256)
/** Names of exactly 256 characters, the longest ECR allows. */
const longestName = shortName.filter((n) => n.length <= 254).map((n) => `${n}-${'a'.repeat(255 - n.length)}`)

export const repositoryName: fc.Arbitrary<RepositoryName> = fc
  .oneof({ arbitrary: shortName, weight: 9 }, { arbitrary: longestName, weight: 1 })
  .map((s) => s as RepositoryName)

const TAG_FIRST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_'
const TAG_REST = `${TAG_FIRST}.-`
const longestTag = fc
  .tuple(fc.constantFrom(...TAG_FIRST), fc.array(fc.constantFrom(...TAG_REST), { minLength: 127, maxLength: 127 }))
  .map(([c, cs]) => c + cs.join(''))

export const imageTag: fc.Arbitrary<ImageTag> = fc
  .oneof(
    { arbitrary: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), weight: 8 },
    { arbitrary: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/), weight: 1 },
    { arbitrary: longestTag, weight: 1 }
  )
  .map((s) => s as ImageTag)

export const imageDigest: fc.Arbitrary<ImageDigest> = fc
  .oneof(
    { arbitrary: fc.stringMatching(/^[a-f0-9]{64}$/).map((h) => `sha256:${h}`), weight: 3 },
    { arbitrary: fc.stringMatching(/^[a-f0-9]{128}$/).map((h) => `sha512:${h}`), weight: 1 }
  )
  .map((s) => s as ImageDigest)

// -------------------------------------------------------------------------------------
// URI parts
// -------------------------------------------------------------------------------------

export interface RegistryParts {
  readonly accountId: AccountId
  readonly region: Region
  readonly fips?: boolean
}

/** Valid registry parts, `fips: true` only where the partition has FIPS hosts (never `fips: false`). */
export const registryParts: fc.Arbitrary<RegistryParts> = fc
  .record({ accountId, region, fips: fc.boolean() })
  .map(({ accountId, region, fips }) =>
    fips && hasFips(region) ? { accountId, region, fips: true } : { accountId, region }
  )

export interface RepositoryParts extends RegistryParts {
  readonly repositoryName: RepositoryName
}

export const repositoryParts: fc.Arbitrary<RepositoryParts> = fc
  .tuple(registryParts, repositoryName)
  .map(([r, repositoryName]) => ({ ...r, repositoryName }))

export interface ImageParts extends RepositoryParts {
  readonly tag?: ImageTag
  readonly digest?: ImageDigest
}

export const imageParts: fc.Arbitrary<ImageParts> = fc
  .tuple(repositoryParts, fc.oneof(imageTag.map((tag) => ({ tag })), imageDigest.map((digest) => ({ digest }))))
  .map(([r, ref]) => ({ ...r, ...ref }))

/** The host of registry parts, written out from the documented forms. */
export const hostOf = (p: RegistryParts): string => {
  const partition = partitionOf(p.region)
  const suffix: Record<string, string> = {
    aws: 'amazonaws.com',
    'aws-us-gov': 'amazonaws.com',
    'aws-cn': 'amazonaws.com.cn',
    'aws-iso': 'c2s.ic.gov',
    'aws-iso-b': 'sc2s.sgov.gov',
    'aws-iso-e': 'cloud.adc-e.uk',
    'aws-iso-f': 'csp.hci.ic.gov',
    'aws-eusc': 'amazonaws.eu'
  }
  return `${p.accountId}.dkr.${p.fips === true ? 'ecr-fips' : 'ecr'}.${p.region}.${suffix[partition]}`
}

export const repositoryUriOf = (p: RepositoryParts): string => `${hostOf(p)}/${p.repositoryName}`

export const imageUriOf = (p: ImageParts): string =>
  `${repositoryUriOf(p)}${p.tag === undefined ? '' : `:${p.tag}`}${p.digest === undefined ? '' : `@${p.digest}`}`

// -------------------------------------------------------------------------------------
// mutations
// -------------------------------------------------------------------------------------

const interestingChar = fc.oneof(
  fc.constantFrom('/', ':', '@', '.', '-', '_', '__', 'A', 'z', '0', ' ', '\n', '\t', 'é', '\u0000', '🙂', '%2F', '..', '//'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })
)

const SUFFIXES = ['/', ':', '@', ':latest', `@sha256:${'a'.repeat(64)}`, '/x', '.cn', '.evil.example', '?x=1', '#f']
const PREFIXES = ['https://', 'http://', 'docker://', ' ', 'arn:', '/']

export type Mutation =
  | { readonly op: 'insert'; readonly at: number; readonly text: string }
  | { readonly op: 'delete'; readonly at: number; readonly length: number }
  | { readonly op: 'replace'; readonly at: number; readonly text: string }
  | { readonly op: 'duplicate'; readonly at: number; readonly length: number }
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'upper' }
  | { readonly op: 'prefix'; readonly text: string }
  | { readonly op: 'suffix'; readonly text: string }

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: interestingChar }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), text: interestingChar }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.constant({ op: 'upper' as const }),
  fc.record({ op: fc.constant('prefix' as const), text: fc.constantFrom(...PREFIXES) }),
  fc.record({ op: fc.constant('suffix' as const), text: fc.constantFrom(...SUFFIXES) })
)

export const applyMutation = (s: string, m: Mutation): string => {
  switch (m.op) {
    case 'insert': {
      const i = m.at % (s.length + 1)
      return s.slice(0, i) + m.text + s.slice(i)
    }
    case 'delete': {
      const i = m.at % (s.length + 1)
      return s.slice(0, i) + s.slice(i + m.length)
    }
    case 'replace': {
      const i = m.at % (s.length + 1)
      return s.slice(0, i) + m.text + s.slice(i + 1)
    }
    case 'duplicate': {
      const i = m.at % (s.length + 1)
      return s.slice(0, i + m.length) + s.slice(i)
    }
    case 'truncate':
      return s.slice(0, m.at % (s.length + 1))
    case 'upper':
      return s.toUpperCase()
    case 'prefix':
      return m.text + s
    case 'suffix':
      return s + m.text
  }
}

/** A valid string changed by one to three mutations (which may leave it valid). */
export const mutated = (valid: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([s, ms]) => ms.reduce(applyMutation, s))

/** Any string: ASCII-heavy, full Unicode, and strings made of the URI's own punctuation. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('a', '1', '.', '/', ':', '@', '-', '_', 'dkr', 'ecr', 'amazonaws', 'com', 'cn') })
)
