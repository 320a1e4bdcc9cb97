/**
 * `ecr-fp-ts config <image> [--platform os/arch[/variant]]`: the image's config, read from the
 * registry API (`Image.getConfig`, digest verified). Text: platform, labels and environment;
 * `--json`: the whole config.
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Image from '../../Image'
import * as Manifest from '../../Manifest'
import type { Context, Output } from '../context'
import { indent } from '../format'
import { finishWith, image } from '../targets'

/** `platform: ...`, then `labels:` and `env:` with one indented line each (`(none)` when empty). */
export const configLines = (config: Image.ImageConfig): ReadonlyArray<string> => {
  const labels = Object.entries(config.config?.Labels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
  const env = config.config?.Env ?? []
  const platform = Manifest.platformToString({
    os: config.os,
    architecture: config.architecture,
    ...(config.variant === undefined ? {} : { variant: config.variant })
  })
  return [
    `platform: ${platform}`,
    ...(labels.length === 0 ? ['labels: (none)'] : ['labels:', ...indent(labels)]),
    ...(env.length === 0 ? ['env: (none)'] : ['env:', ...indent(env)])
  ]
}

export const toOutput = (config: Image.ImageConfig): Output => ({
  text: configLines(config),
  json: config
})

/** `config <image> [--platform os/arch[/variant]]` */
export const run = (ctx: Context, arg: string, options: { readonly platform?: Manifest.Platform }): Promise<void> =>
  pipe(
    image(ctx, arg),
    TE.flatMap(({ env, ref }) => Image.getConfig(ref, options.platform === undefined ? {} : { platform: options.platform })(env)),
    finishWith(ctx, toOutput)
  )
