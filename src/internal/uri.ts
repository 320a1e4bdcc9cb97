/**
 * The grammar shared by the URI modules and repository ARNs: the partition table (region ->
 * partition, DNS suffix, FIPS), registry host parsing and formatting, the split of an image
 * reference into name, tag and digest, and a precise reason for every invalid part.
 *
 * Parsing has two paths: `fast` checks a whole valid URI with one precompiled expression, and the
 * `*Problem` functions explain, part by part, why a string is invalid (they return the reason, or
 * `undefined`). `parseWith` runs the fast path and asks for a reason only when it fails; the public
 * modules wrap the reason in an `EcrError`. These functions run in hot loops.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type { EcrError, UriKind } from '../EcrError'
import * as EcrErrors from '../EcrError'
import type { AccountId, ImageDigest, ImageTag, Region, RepositoryName } from '../Primitives'
import { isAccountId, isImageDigest, isImageTag, isRegion, isRepositoryName } from '../Primitives'
import { redactText } from './redact'

// -------------------------------------------------------------------------------------
// partitions
// -------------------------------------------------------------------------------------

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b' | 'aws-iso-e' | 'aws-iso-f' | 'aws-eusc'

/** DNS suffix of each partition (AWS SDK partition data). */
export const DNS_SUFFIX: Readonly<Record<Partition, string>> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
  'aws-iso-e': 'cloud.adc-e.uk',
  'aws-iso-f': 'csp.hci.ic.gov',
  'aws-eusc': 'amazonaws.eu'
}

const PARTITIONS: ReadonlySet<string> = /*#__PURE__*/ new Set(Object.keys(DNS_SUFFIX))

const KNOWN_SUFFIXES: ReadonlySet<string> = /*#__PURE__*/ new Set(Object.values(DNS_SUFFIX))

/** ECR has `dkr.ecr-fips` registry hosts only in the commercial and GovCloud partitions. */
const FIPS_PARTITIONS: ReadonlySet<Partition> = /*#__PURE__*/ new Set<Partition>(['aws', 'aws-us-gov'])

export const isPartition = (s: string): s is Partition => PARTITIONS.has(s)

/** The partition of a region code, from its prefix (the AWS SDK's region regexes). */
export const partitionOf = (region: string): Partition =>
  region.startsWith('cn-')
    ? 'aws-cn'
    : region.startsWith('us-gov-')
    ? 'aws-us-gov'
    : region.startsWith('us-isob-')
    ? 'aws-iso-b'
    : region.startsWith('us-isof-')
    ? 'aws-iso-f'
    : region.startsWith('us-iso-')
    ? 'aws-iso'
    : region.startsWith('eu-isoe-')
    ? 'aws-iso-e'
    : region.startsWith('eusc-')
    ? 'aws-eusc'
    : 'aws'

export const hasFips = (region: string): boolean => FIPS_PARTITIONS.has(partitionOf(region))

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface HostParts {
  readonly accountId: AccountId
  readonly region: Region
  readonly fips: boolean
}

/** The raw pieces of `<host>[/<name>][:<tag>][@<digest>]`, unchecked. */
export interface Split {
  readonly host: string
  readonly path: string | undefined
  readonly name: string | undefined
  readonly tag: string | undefined
  readonly digest: string | undefined
}

// -------------------------------------------------------------------------------------
// reasons
// -------------------------------------------------------------------------------------

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//
const WHITESPACE = /\s/
const UPPER = /[A-Z]/
const HOST_SHAPE = /^([^.]*)\.dkr\.(ecr|ecr-fips)\.([^.]*)\.(.*)$/
const NAME_BAD_CHAR = /[^a-z0-9._/-]/
const NAME_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const NAME_EDGE = /^[a-z0-9].*[a-z0-9]$|^[a-z0-9]$/
const TAG_BAD_CHAR = /[^A-Za-z0-9_.-]/
const DIGEST_SHAPE = /^([A-Za-z0-9+._-]+):(.*)$/
const HEX = /^[a-f0-9]*$/
const HEX_ANY_CASE = /^[A-Fa-f0-9]*$/

const MAX_SHOWN = 80

/** A part of the input quoted for a reason, clipped so an error never echoes a long value. */
export const show = (s: string): string => JSON.stringify(s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s)

/** An `InvalidUri` error whose reason is redacted like the input. */
export const invalid = (input: string, expected: UriKind, reason: string): EcrError =>
  EcrErrors.invalidUri(input, expected, redactText(reason))

/** Problems any URI can have before its grammar is looked at. */
export const preProblem = (s: string): string | undefined => {
  if (s.length === 0) return 'empty'
  const scheme = SCHEME.exec(s)
  if (scheme !== null) return `an ECR URI has no scheme: remove ${show(scheme[0])}`
  if (WHITESPACE.test(s)) return 'contains whitespace'
  return undefined
}

export const accountProblem = (account: string): string | undefined =>
  isAccountId(account) ? undefined : `account must be 12 digits, got ${show(account)}`

export const regionProblem = (region: string): string | undefined =>
  isRegion(region) ? undefined : region.length === 0 ? 'region is empty' : `not a region code: ${region.length > MAX_SHOWN ? show(region) : region}`

export const fipsProblem = (region: string): string | undefined =>
  hasFips(region) ? undefined : `no FIPS registry endpoint in partition ${partitionOf(region)}`

export const repositoryNameProblem = (name: string): string | undefined => {
  if (isRepositoryName(name)) return undefined
  if (name.length === 0) return 'repository name is empty'
  if (name.length < 2 || name.length > 256) return `repository name must be 2 to 256 characters, got ${name.length}`
  if (UPPER.test(name)) return `repository name must be lower case: ${show(name)}`
  const bad = NAME_BAD_CHAR.exec(name)
  if (bad !== null) return `repository name has a character other than a-z 0-9 . _ - /: ${show(bad[0])}`
  for (const component of name.split('/')) {
    if (component.length === 0) return `repository name has an empty path component: ${show(name)}`
    if (!NAME_EDGE.test(component)) {
      return `repository name component ${show(component)} must start and end with a letter or digit`
    }
    if (!NAME_COMPONENT.test(component)) {
      return `repository name component ${show(component)} has an invalid separator (one of . _ __ or a run of -)`
    }
  }
  return `not a repository name: ${show(name)}`
}

export const tagProblem = (tag: string): string | undefined => {
  if (isImageTag(tag)) return undefined
  if (tag.length === 0) return 'tag is empty'
  if (tag.length > 128) return `tag must be 1 to 128 characters, got ${tag.length}`
  const bad = TAG_BAD_CHAR.exec(tag)
  if (bad !== null) return `tag has a character other than A-Z a-z 0-9 _ . -: ${show(bad[0])}`
  return `tag must start with a letter, digit or _: ${show(tag)}`
}

export const digestProblem = (digest: string): string | undefined => {
  if (isImageDigest(digest)) return undefined
  if (digest.length === 0) return 'digest is empty'
  const m = DIGEST_SHAPE.exec(digest)
  if (m === null) return `digest must be <algorithm>:<hex>, got ${show(digest)}`
  const algorithm = m[1] ?? ''
  const hex = m[2] ?? ''
  const length = algorithm === 'sha256' ? 64 : algorithm === 'sha512' ? 128 : undefined
  if (length === undefined) return `digest algorithm must be sha256 or sha512, got ${show(algorithm)}`
  if (!HEX.test(hex)) {
    return HEX_ANY_CASE.test(hex)
      ? `digest hex must be lower case: ${show(digest)}`
      : `digest has a character that is not hex: ${show(digest)}`
  }
  return `a ${algorithm} digest has ${length} hex digits, got ${hex.length}`
}

// -------------------------------------------------------------------------------------
// hosts
// -------------------------------------------------------------------------------------

/** Splits a registry host into account, region and FIPS flag without checking them; `undefined` if it has no ECR shape. */
export const splitHost = (
  host: string
): { readonly accountId: string; readonly region: string; readonly fips: boolean; readonly suffix: string } | undefined => {
  const m = HOST_SHAPE.exec(host)
  return m === null
    ? undefined
    : { accountId: m[1] ?? '', fips: m[2] === 'ecr-fips', region: m[3] ?? '', suffix: m[4] ?? '' }
}

export const parseHost = (host: string): E.Either<string, HostParts> => {
  if (host.length === 0) return E.left('the registry host is empty')
  if (UPPER.test(host)) return E.left('the registry host must be lower case')
  const h = splitHost(host)
  if (h === undefined) {
    return E.left(`not an ECR registry host: expected <account>.dkr.ecr.<region>.amazonaws.com, got ${show(host)}`)
  }
  const problem = accountProblem(h.accountId) ?? regionProblem(h.region)
  if (problem !== undefined) return E.left(problem)
  const partition = partitionOf(h.region)
  const suffix = DNS_SUFFIX[partition]
  if (h.suffix !== suffix) {
    return E.left(
      KNOWN_SUFFIXES.has(h.suffix)
        ? `region ${h.region} (partition ${partition}) has hosts in .${suffix}, not .${h.suffix}`
        : `not an ECR domain: ${show(h.suffix)} (expected ${suffix})`
    )
  }
  if (h.fips) {
    const fips = fipsProblem(h.region)
    if (fips !== undefined) return E.left(fips)
  }
  return E.right({ accountId: h.accountId as AccountId, region: h.region as Region, fips: h.fips })
}

export const formatHost = (accountId: string, region: string, fips: boolean): string =>
  `${accountId}.dkr.${fips ? 'ecr-fips' : 'ecr'}.${region}.${DNS_SUFFIX[partitionOf(region)]}`

/** The registry host of a reference: the FIPS host when `fips` is `true` and the partition has one. */
export const refHost = (ref: { readonly accountId: string; readonly region: string; readonly fips?: boolean }): string =>
  formatHost(ref.accountId, ref.region, ref.fips === true && hasFips(ref.region))

/**
 * Splits `<host>/<name>[:<tag>][@<digest>]`: the host ends at the first `/`, a digest follows the
 * first `@`, and a tag follows the last `:` after the last `/` of what precedes the digest.
 */
export const split = (s: string): Split => {
  const slash = s.indexOf('/')
  if (slash < 0) return { host: s, path: undefined, name: undefined, tag: undefined, digest: undefined }
  const host = s.slice(0, slash)
  const path = s.slice(slash + 1)
  const at = path.indexOf('@')
  const ref = at < 0 ? path : path.slice(0, at)
  const digest = at < 0 ? undefined : path.slice(at + 1)
  const colon = ref.lastIndexOf(':')
  return colon > ref.lastIndexOf('/')
    ? { host, path, name: ref.slice(0, colon), tag: ref.slice(colon + 1), digest }
    : { host, path, name: ref, tag: undefined, digest }
}

// -------------------------------------------------------------------------------------
// fast path
// -------------------------------------------------------------------------------------

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * One expression for every well-formed URI: host, then an optional name with an optional tag or
 * digest. Groups: 1 account, 2 `ecr`/`ecr-fips`, 3 region, 4 domain, 5 name, 6 tag, 7 digest.
 */
const URI_FAST = /*#__PURE__*/ new RegExp(
  `^(\\d{12})\\.dkr\\.(ecr|ecr-fips)\\.([a-z0-9-]+)\\.(${[...new Set(Object.values(DNS_SUFFIX))]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|')})(?:/([a-z0-9._/-]+)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})|@(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}))?)?$`
)

export interface Fast {
  readonly accountId: AccountId
  readonly region: Region
  readonly fips: boolean
  readonly name: RepositoryName | undefined
  readonly tag: ImageTag | undefined
  readonly digest: ImageDigest | undefined
}

/**
 * The parts of a valid registry, repository or image URI in one pass, or `undefined` when the
 * string is not one (the caller then asks the `*Problem` functions why). Never accepts what they reject.
 */
export const fast = (s: string): Fast | undefined => {
  const m = URI_FAST.exec(s)
  if (m === null) return undefined
  const region = m[3] ?? ''
  const name = m[5]
  const fips = m[2] === 'ecr-fips'
  return isRegion(region) &&
    m[4] === DNS_SUFFIX[partitionOf(region)] &&
    (!fips || hasFips(region)) &&
    (name === undefined || isRepositoryName(name))
    ? {
        accountId: (m[1] ?? '') as AccountId,
        region: region as Region,
        fips,
        name,
        tag: m[6] as ImageTag | undefined,
        digest: m[7] as ImageDigest | undefined
      }
    : undefined
}

/** The parts of a string already known to be a valid URI (a branded value): no checks, no failure. */
export const unsafeRef = (
  s: string
): {
  readonly accountId: AccountId
  readonly region: Region
  readonly fips: boolean
  readonly repositoryName: RepositoryName
  readonly tag: ImageTag | undefined
  readonly digest: ImageDigest | undefined
} => {
  const f = fast(s)
  if (f !== undefined) {
    const repositoryName = (f.name ?? '') as RepositoryName
    return { accountId: f.accountId, region: f.region, fips: f.fips, repositoryName, tag: f.tag, digest: f.digest }
  }
  const parts = split(s)
  const host = splitHost(parts.host)
  return {
    accountId: (host?.accountId ?? '') as AccountId,
    region: (host?.region ?? '') as Region,
    fips: host?.fips ?? false,
    repositoryName: (parts.name ?? '') as RepositoryName,
    tag: parts.tag as ImageTag | undefined,
    digest: parts.digest as ImageDigest | undefined
  }
}

// -------------------------------------------------------------------------------------
// whole URIs
// -------------------------------------------------------------------------------------

export const isRegistryUri = (s: string): boolean => {
  const f = fast(s)
  return f !== undefined && f.name === undefined
}

export const isRepositoryUri = (s: string): boolean => {
  const f = fast(s)
  return f !== undefined && f.name !== undefined && f.tag === undefined && f.digest === undefined
}

export const isImageUri = (s: string): boolean => {
  const f = fast(s)
  return f !== undefined && f.name !== undefined && (f.tag === undefined) !== (f.digest === undefined)
}

/** Why `s` is not a registry URI, or `undefined` if it is one. */
export const registryProblem = (s: string): string | undefined => {
  const pre = preProblem(s)
  if (pre !== undefined) return pre
  const slash = s.indexOf('/')
  const host = parseHost(slash < 0 ? s : s.slice(0, slash))
  if (E.isLeft(host)) return host.left
  if (slash >= 0) return slash === s.length - 1 ? 'has a path: a trailing /' : `has a path: ${show(s.slice(slash))}`
  return undefined
}

/** Why `s` is not a repository URI, or `undefined` if it is one. */
export const repositoryProblem = (s: string): string | undefined => {
  const pre = preProblem(s)
  if (pre !== undefined) return pre
  const parts = split(s)
  const host = parseHost(parts.host)
  if (E.isLeft(host)) return host.left
  if (parts.name === undefined) return 'no repository name: this is a registry URI'
  if (parts.digest !== undefined) return `has a digest: a repository URI names no image, got ${show(`@${parts.digest}`)}`
  if (parts.tag !== undefined) return `has a tag: a repository URI names no image, got ${show(`:${parts.tag}`)}`
  return repositoryNameProblem(parts.name)
}

/** Why a tag and digest pair does not name one image, or `undefined` if it does. */
export const referenceProblem = (tag: string | undefined, digest: string | undefined): string | undefined => {
  if (tag !== undefined && digest !== undefined) return 'needs exactly one of tag or digest, got both'
  if (tag !== undefined) return tagProblem(tag)
  if (digest !== undefined) return digestProblem(digest)
  return 'needs exactly one of tag or digest, got neither'
}

/** Why `s` is not an image URI, or `undefined` if it is one. */
export const imageProblem = (s: string): string | undefined => {
  const pre = preProblem(s)
  if (pre !== undefined) return pre
  const parts = split(s)
  const host = parseHost(parts.host)
  if (E.isLeft(host)) return host.left
  if (parts.name === undefined) return 'no repository name: this is a registry URI'
  return repositoryNameProblem(parts.name) ?? referenceProblem(parts.tag, parts.digest)
}

/**
 * Parses with the fast path, asking the slow path for the reason only when it fails (and trusting
 * the slow path's verdict, so both paths always agree on what is accepted).
 */
export const parseWith =
  <A extends string>(expected: UriKind, isValid: (s: string) => boolean, problem: (s: string) => string | undefined) =>
  (s: string): E.Either<EcrError, A> => {
    if (isValid(s)) return E.right(s as A)
    const reason = problem(s)
    return reason === undefined ? E.right(s as A) : E.left(invalid(s, expected, reason))
  }
