/**
 * What the test files share beyond the public test kit (`src/arbitraries`, `ecr-fp-ts/arbitraries`):
 * the kit's valid generators under the names the tests use, and what is private to the tests: the
 * list of known regions, the partition table and host formatting written out independently of the
 * library (to compute the URI a test expects), and mutations of valid strings.
 */
import * as fc from 'fast-check'
import * as Arb from '../src/arbitraries'

// -------------------------------------------------------------------------------------
// primitives (the public kit)
// -------------------------------------------------------------------------------------

export { accountId, imageDigest, imageTag, region, repositoryName } from '../src/arbitraries'

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

// -------------------------------------------------------------------------------------
// URI parts (the public kit)
// -------------------------------------------------------------------------------------

export type RegistryParts = Arb.RegistryUriParts

/** Valid registry parts, `fips: true` only where there is a FIPS endpoint (never `fips: false`). */
export const registryParts: fc.Arbitrary<RegistryParts> = Arb.registryUriParts

export type RepositoryParts = Arb.RepositoryUriParts

export const repositoryParts: fc.Arbitrary<RepositoryParts> = Arb.repositoryUriParts

export type ImageParts = Arb.ImageUriParts

export const imageParts: fc.Arbitrary<ImageParts> = Arb.imageUriParts

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
