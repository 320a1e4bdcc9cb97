/**
 * Image configs: the OCI / Docker JSON blob a manifest's `config` points at (platform, environment,
 * entrypoint, labels, layer history). Pure: `Image.getConfig` reads one from a registry.
 *
 * @since 0.2.0
 */
import type * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import type { EcrError } from './EcrError'
import { decodeJson, stringRecord, struct } from './internal/codec'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How a container of the image runs (`config` of the image config). Docker writes `null` for an
 * empty list or map.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { ContainerConfig } from 'ecr-fp-ts/ImageConfig'
 *
 * const config: ContainerConfig = { Entrypoint: ['/app'], Cmd: null, Env: ['MODE=prod'], Labels: { team: 'infra' } }
 * assert.deepStrictEqual(config.Entrypoint, ['/app'])
 */
export interface ContainerConfig {
  /** The user the process runs as. */
  readonly User?: string
  /** Ports the container listens on, as keys (`80/tcp`). */
  readonly ExposedPorts?: Readonly<Record<string, unknown>> | null
  /** Environment variables, `NAME=value`. */
  readonly Env?: ReadonlyArray<string> | null
  /** The program to run. */
  readonly Entrypoint?: ReadonlyArray<string> | null
  /** Its default arguments. */
  readonly Cmd?: ReadonlyArray<string> | null
  /** Volume mount points, as keys. */
  readonly Volumes?: Readonly<Record<string, unknown>> | null
  /** The working directory. */
  readonly WorkingDir?: string
  /** Labels. */
  readonly Labels?: Readonly<Record<string, string>> | null
  /** The signal that stops the container. */
  readonly StopSignal?: string
}

/**
 * One step of the image's build history.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { History } from 'ecr-fp-ts/ImageConfig'
 *
 * const step: History = { created_by: 'COPY . /app', empty_layer: false }
 * assert.strictEqual(step.empty_layer, false)
 */
export interface History {
  /** When the step ran (RFC 3339). */
  readonly created?: string
  /** The command of the step. */
  readonly created_by?: string
  /** Who made it. */
  readonly author?: string
  /** A comment. */
  readonly comment?: string
  /** True when the step added no layer. */
  readonly empty_layer?: boolean
}

/**
 * The layers of the image's file system, as the digests of their uncompressed contents.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { RootFs } from 'ecr-fp-ts/ImageConfig'
 *
 * const rootfs: RootFs = { type: 'layers', diff_ids: ['sha256:' + 'a'.repeat(64)] }
 * assert.strictEqual(rootfs.diff_ids.length, 1)
 */
export interface RootFs {
  /** Always `layers`. */
  readonly type: string
  /** One digest per layer, bottom first. */
  readonly diff_ids: ReadonlyArray<string>
}

/**
 * An OCI / Docker image config. Fields this type does not name are kept as they are.
 *
 * @category model
 * @since 0.2.0
 * @example
 * import type { ImageConfig } from 'ecr-fp-ts/ImageConfig'
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
export interface ImageConfig {
  /** The CPU architecture (`amd64`, `arm64`, ...). */
  readonly architecture: string
  /** The operating system (`linux`, `windows`). */
  readonly os: string
  /** The layers' uncompressed digests. */
  readonly rootfs: RootFs
  /** The CPU variant (`v8` for `arm64/v8`). */
  readonly variant?: string
  /** The operating system version (Windows images). */
  readonly 'os.version'?: string
  /** When the image was built (RFC 3339). */
  readonly created?: string
  /** Who built it. */
  readonly author?: string
  /** How a container of the image runs. */
  readonly config?: ContainerConfig
  /** The build steps. */
  readonly history?: ReadonlyArray<History>
  /** Any other field, kept as it is. */
  readonly [key: string]: unknown
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/** `codec` or `null` (Docker's empty value), adding no key of its own to error paths. */
const nullable = <C extends t.Mixed>(codec: C) =>
  new t.Type<t.TypeOf<C> | null, t.OutputOf<C> | null, unknown>(
    `${codec.name} or null`,
    (u): u is t.TypeOf<C> | null => u === null || codec.is(u),
    (u, c) => (u === null ? t.success(null) : codec.validate(u, c)),
    (a) => (a === null ? null : codec.encode(a))
  )

const strings = /*#__PURE__*/ t.readonlyArray(t.string, 'an array of strings')

const ContainerConfigC = /*#__PURE__*/ struct(
  'ContainerConfig',
  {},
  {
    User: t.string,
    ExposedPorts: /*#__PURE__*/ nullable(t.UnknownRecord),
    Env: /*#__PURE__*/ nullable(strings),
    Entrypoint: /*#__PURE__*/ nullable(strings),
    Cmd: /*#__PURE__*/ nullable(strings),
    Volumes: /*#__PURE__*/ nullable(t.UnknownRecord),
    WorkingDir: t.string,
    Labels: /*#__PURE__*/ nullable(stringRecord),
    StopSignal: t.string
  }
)

const HistoryC = /*#__PURE__*/ struct(
  'History',
  {},
  { created: t.string, created_by: t.string, author: t.string, comment: t.string, empty_layer: t.boolean }
)

const RootFsC = /*#__PURE__*/ struct('RootFs', { type: t.string, diff_ids: strings }, {})

/**
 * io-ts codec of `ImageConfig`; decoding keeps unknown fields, and accepts Docker's `null` for
 * empty `Labels`, `Env`, `Entrypoint`, `Cmd`, `ExposedPorts` and `Volumes`.
 *
 * @category codecs
 * @since 0.2.0
 * @example
 * import * as ImageConfig from 'ecr-fp-ts/ImageConfig'
 * import * as E from 'fp-ts/Either'
 *
 * const config = {
 *   architecture: 'amd64',
 *   os: 'linux',
 *   config: { Labels: { team: 'infra' }, Env: ['PATH=/usr/bin'], Entrypoint: null },
 *   rootfs: { type: 'layers', diff_ids: ['sha256:' + 'a'.repeat(64)] },
 *   'moby.buildkit.buildinfo.v1': 'e30='
 * }
 * assert.deepStrictEqual(ImageConfig.codec.decode(config), E.right(config))
 * assert.strictEqual(E.isLeft(ImageConfig.codec.decode({ os: 'linux' })), true)
 */
export const codec: t.Type<ImageConfig, ImageConfig, unknown> = /*#__PURE__*/ struct(
  'ImageConfig',
  { architecture: t.string, os: t.string, rootfs: RootFsC },
  {
    variant: t.string,
    'os.version': t.string,
    created: t.string,
    author: t.string,
    config: ContainerConfigC,
    history: /*#__PURE__*/ t.readonlyArray(HistoryC, 'an array of History')
  }
)

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The config a JSON text holds: text that is not JSON, or JSON that is not an image config, is a
 * `DecodeError` naming each failing path.
 *
 * @category conversions
 * @since 0.2.0
 * @example
 * import * as ImageConfig from 'ecr-fp-ts/ImageConfig'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 *
 * const text = JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })
 * assert.deepStrictEqual(pipe(ImageConfig.fromJson(text), E.map((c) => c.architecture)), E.right('arm64'))
 * const bad = ImageConfig.fromJson('{"os":"linux"}')
 * assert.ok(E.isLeft(bad) && bad.left._tag === 'DecodeError')
 * assert.ok(E.isLeft(ImageConfig.fromJson('not json')))
 */
export const fromJson = (text: string): E.Either<EcrError, ImageConfig> => decodeJson('ImageConfig', codec, text)
