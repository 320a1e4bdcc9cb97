/**
 * The platform an image runs on (`linux/amd64`, `linux/arm64/v8`, `windows/amd64`, ...), as an
 * image index writes it for each of its entries: its codec, the `os/architecture[/variant]` text
 * form, normalisation (`arm64` is `arm64/v8`, `aarch64` is `arm64`, ...), matching, and the choice
 * of an index entry for a platform.
 *
 * This module knows index entries only by their `platform` and `annotations`, so it works on the
 * descriptors of `Manifest` (which uses it) and on any record of that shape.
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as t from 'io-ts'
import type { EcrError } from './EcrError'
import * as EcrErrors from './EcrError'
import { showValue, stringArray, struct } from './internal/codec'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The platform of an index entry, with the optional fields the OCI and Docker formats define.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import * as Platform from 'ecr-fp-ts/Platform'
 * import * as E from 'fp-ts/Either'
 *
 * const p = Platform.parse('linux/arm/v7')
 * assert.ok(E.isRight(p))
 * const arm: Platform.Platform = p.right
 * assert.deepStrictEqual(arm, { os: 'linux', architecture: 'arm', variant: 'v7' })
 */
export interface Platform {
  /** The operating system: `linux`, `windows`, ... */
  readonly os: string
  /** The CPU architecture, in Go's names: `amd64`, `arm64`, `arm`, `386`, `ppc64le`, ... */
  readonly architecture: string
  /** The CPU variant: `v7` for `arm`, `v8` for `arm64`, ... */
  readonly variant?: string
  /** The operating system version (Windows images). */
  readonly 'os.version'?: string
  /** Required operating system features (OCI). */
  readonly 'os.features'?: ReadonlyArray<string>
  /** Required CPU features (Docker manifest lists only). */
  readonly features?: ReadonlyArray<string>
}

/**
 * What an index entry tells about its platform: a descriptor of `Manifest` is one.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import * as Platform from 'ecr-fp-ts/Platform'
 *
 * const entries: ReadonlyArray<Platform.Entry> = [
 *   { platform: { os: 'linux', architecture: 'amd64' } },
 *   { platform: { os: 'unknown', architecture: 'unknown' } },
 *   {}
 * ]
 * assert.deepStrictEqual(Platform.offered(entries), [{ os: 'linux', architecture: 'amd64' }])
 */
export interface Entry {
  /** The platform of the entry's image, when the index says it. */
  readonly platform?: Platform
  /** The entry's annotations; buildx marks its attestations with `vnd.docker.reference.type`. */
  readonly annotations?: Readonly<Record<string, string>>
}

// -------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------

/**
 * `linux/amd64`, the platform chosen from an index when none is asked for.
 *
 * @category constants
 * @since 0.2.0
 * @example
 * import * as Platform from 'ecr-fp-ts/Platform'
 *
 * assert.strictEqual(Platform.format(Platform.defaultPlatform), 'linux/amd64')
 */
export const defaultPlatform: Platform = { os: 'linux', architecture: 'amd64' }

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const rawPlatform = /*#__PURE__*/ struct(
  'Platform',
  { os: t.string, architecture: t.string },
  {
    variant: t.string,
    'os.version': t.string,
    'os.features': stringArray,
    features: stringArray
  }
)

// a copy with the named fields only, in a fixed order, and never an undefined one
const copy = (p: Platform): Platform => ({
  os: p.os,
  architecture: p.architecture,
  ...(p.variant === undefined ? {} : { variant: p.variant }),
  ...(p['os.version'] === undefined ? {} : { 'os.version': p['os.version'] }),
  ...(p['os.features'] === undefined ? {} : { 'os.features': [...p['os.features']] }),
  ...(p.features === undefined ? {} : { features: [...p.features] })
})

/**
 * Decodes the `platform` of an index entry, keeping the fields `Platform` names and dropping others.
 *
 * @category codecs
 * @since 0.2.0
 * @example
 * import * as Platform from 'ecr-fp-ts/Platform'
 * import * as E from 'fp-ts/Either'
 *
 * assert.deepStrictEqual(
 *   Platform.PlatformC.decode({ os: 'linux', architecture: 'arm64', extra: 1 }),
 *   E.right({ os: 'linux', architecture: 'arm64' })
 * )
 * assert.strictEqual(E.isLeft(Platform.PlatformC.decode({ os: 'linux' })), true)
 */
export const PlatformC: t.Type<Platform, Platform, unknown> = /*#__PURE__*/ new t.Type<Platform, Platform, unknown>(
  'Platform',
  (u): u is Platform => rawPlatform.is(u),
  (u, c) => pipe(rawPlatform.validate(u, c), E.map(copy)),
  copy
)

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const PART = /^[A-Za-z0-9_.-]+$/

/**
 * Parses `os/architecture[/variant]`, e.g. `linux/arm64/v8`; each part is letters, digits, `_`,
 * `.` or `-`.
 *
 * @category constructors
 * @since 0.2.0
 * @example
 * import * as Platform from 'ecr-fp-ts/Platform'
 * import * as E from 'fp-ts/Either'
 *
 * assert.deepStrictEqual(Platform.parse('linux/arm64/v8'), E.right({ os: 'linux', architecture: 'arm64', variant: 'v8' }))
 * assert.deepStrictEqual(Platform.parse('windows/amd64'), E.right({ os: 'windows', architecture: 'amd64' }))
 * assert.strictEqual(E.isLeft(Platform.parse('arm64')), true)
 */
export const parse = (s: string): E.Either<EcrError, Platform> => {
  const [os, architecture, variant, ...rest] = s.split('/')
  return os !== undefined &&
    architecture !== undefined &&
    rest.length === 0 &&
    [os, architecture, variant ?? 'x'].every((p) => PART.test(p))
    ? E.right(variant === undefined ? { os, architecture } : { os, architecture, variant })
    : E.left(
        EcrErrors.invalidArgument(
          `not a platform: ${showValue(s)} (expected os/architecture[/variant], e.g. linux/arm64/v8)`
        )
      )
}

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * `os/architecture` or `os/architecture/variant` (an empty variant is left out).
 *
 * @category conversions
 * @since 0.2.0
 * @example
 * import * as Platform from 'ecr-fp-ts/Platform'
 *
 * assert.strictEqual(Platform.format({ os: 'linux', architecture: 'arm', variant: 'v7' }), 'linux/arm/v7')
 * assert.strictEqual(Platform.format({ os: 'linux', architecture: 'amd64', variant: '' }), 'linux/amd64')
 */
export const format = (p: Platform): string =>
  p.variant === undefined || p.variant === '' ? `${p.os}/${p.architecture}` : `${p.os}/${p.architecture}/${p.variant}`

const ARCH_ALIASES: Readonly<Record<string, { readonly architecture: string; readonly variant?: string }>> = {
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  aarch64: { architecture: 'arm64' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
  i386: { architecture: '386' }
}

/**
 * The canonical form of a platform's `os`, `architecture` and `variant` (other fields are left
 * out): lower case; the aliases `x86_64`, `aarch64`, `armhf`, `armel` and `i386` by their Go names;
 * a bare variant number as `v<n>`; `arm64` without a variant is `arm64/v8`, `arm` is `arm/v7`, and
 * `amd64/v1` is `amd64`.
 *
 * @category conversions
 * @since 0.2.0
 * @example
 * import * as Platform from 'ecr-fp-ts/Platform'
 *
 * assert.deepStrictEqual(Platform.normalise({ os: 'Linux', architecture: 'aarch64' }), { os: 'linux', architecture: 'arm64', variant: 'v8' })
 * assert.deepStrictEqual(Platform.normalise({ os: 'linux', architecture: 'arm', variant: '6' }), { os: 'linux', architecture: 'arm', variant: 'v6' })
 * assert.deepStrictEqual(Platform.normalise({ os: 'linux', architecture: 'amd64', variant: 'v1' }), { os: 'linux', architecture: 'amd64' })
 */
export const normalise = (p: Platform): Platform => {
  const arch = p.architecture.toLowerCase()
  const alias = Object.prototype.hasOwnProperty.call(ARCH_ALIASES, arch) ? ARCH_ALIASES[arch] : undefined
  const architecture = alias?.architecture ?? arch
  const given = p.variant === undefined || p.variant === '' ? alias?.variant : p.variant.toLowerCase()
  const v = given !== undefined && /^\d+$/.test(given) ? `v${given}` : given
  const variant =
    architecture === 'arm64'
      ? v ?? 'v8'
      : architecture === 'arm'
      ? v ?? 'v7'
      : architecture === 'amd64' && v === 'v1'
      ? undefined
      : v
  const os = p.os.toLowerCase()
  return variant === undefined ? { os, architecture } : { os, architecture, variant }
}

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * Whether an index entry is an attestation (a build provenance or SBOM record) rather than a
 * runnable image: platform `unknown/unknown`, or the annotation
 * `vnd.docker.reference.type: attestation-manifest`.
 *
 * @category refinements
 * @since 0.2.0
 * @example
 * import * as Platform from 'ecr-fp-ts/Platform'
 *
 * assert.strictEqual(Platform.isAttestation({ platform: { os: 'unknown', architecture: 'unknown' } }), true)
 * assert.strictEqual(Platform.isAttestation({ annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }), true)
 * assert.strictEqual(Platform.isAttestation({ platform: { os: 'linux', architecture: 'amd64' } }), false)
 */
export const isAttestation = (entry: Entry): boolean =>
  (entry.platform !== undefined && entry.platform.os === 'unknown' && entry.platform.architecture === 'unknown') ||
  entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const sameExactly = (a: Platform, b: Platform): boolean =>
  a.os === b.os && a.architecture === b.architecture && (a.variant || undefined) === (b.variant || undefined)

/**
 * Whether two platforms are the same after normalisation (`linux/arm64` matches `linux/arm64/v8`
 * and `Linux/aarch64`, not `linux/arm64/v9`).
 *
 * @category utils
 * @since 0.2.0
 * @example
 * import * as Platform from 'ecr-fp-ts/Platform'
 *
 * assert.strictEqual(Platform.matches({ os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }), true)
 * assert.strictEqual(Platform.matches({ os: 'linux', architecture: 'x86_64' }, Platform.defaultPlatform), true)
 * assert.strictEqual(Platform.matches({ os: 'linux', architecture: 'arm' }, { os: 'linux', architecture: 'arm', variant: 'v6' }), false)
 */
export const matches = (a: Platform, b: Platform): boolean => {
  const x = normalise(a)
  const y = normalise(b)
  return x.os === y.os && x.architecture === y.architecture && x.variant === y.variant
}

const runnable = <A extends Entry>(entry: A): entry is A & { readonly platform: Platform } =>
  entry.platform !== undefined && !isAttestation(entry)

/**
 * The index entry for a platform: the first entry whose platform is the same exactly, else the
 * first that `matches` it. Entries without a platform and attestations are skipped. `None` when no
 * entry matches.
 *
 * @category utils
 * @since 0.2.0
 * @example
 * import * as Platform from 'ecr-fp-ts/Platform'
 * import * as O from 'fp-ts/Option'
 *
 * const entries = [
 *   { digest: 'a', platform: { os: 'linux', architecture: 'amd64' } },
 *   { digest: 'b', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
 *   { digest: 'c', platform: { os: 'unknown', architecture: 'unknown' } }
 * ]
 * const pick = (p: Platform.Platform) => O.map((e: { readonly digest: string }) => e.digest)(Platform.select(entries, p))
 * assert.deepStrictEqual(pick({ os: 'linux', architecture: 'arm64' }), O.some('b'))
 * assert.deepStrictEqual(pick(Platform.defaultPlatform), O.some('a'))
 * assert.deepStrictEqual(pick({ os: 'unknown', architecture: 'unknown' }), O.none)
 */
export const select = <A extends Entry>(entries: ReadonlyArray<A>, platform: Platform): O.Option<A> => {
  const candidates = entries.filter(runnable)
  const exact = candidates.find((e) => sameExactly(e.platform, platform))
  return exact !== undefined ? O.some(exact) : O.fromNullable(candidates.find((e) => matches(e.platform, platform)))
}

/**
 * The platforms a list of index entries offers, in order, attestations and entries without a
 * platform left out.
 *
 * @category utils
 * @since 0.2.0
 * @example
 * import * as Platform from 'ecr-fp-ts/Platform'
 *
 * const offered = Platform.offered([
 *   { platform: { os: 'linux', architecture: 'amd64' } },
 *   { platform: { os: 'linux', architecture: 'arm64' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
 *   { platform: { os: 'windows', architecture: 'amd64' } }
 * ])
 * assert.deepStrictEqual(offered.map(Platform.format), ['linux/amd64', 'windows/amd64'])
 */
export const offered = (entries: ReadonlyArray<Entry>): ReadonlyArray<Platform> =>
  entries.filter(runnable).map((e) => e.platform)
