/**
 * `ecr-fp-ts config <image> [--platform os/arch[/variant]]`: the image's config, read from the
 * registry API (`Image.getConfig`, digest verified). Text: platform, labels and environment;
 * `--json`: the whole config.
 */
import { Option } from 'commander'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Image from '../../Image'
import * as Manifest from '../../Manifest'
import { parsePlatform, usage } from '../args'
import type { Output, Register } from '../context'
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

export const register: Register = (program, ctx) => {
  program
    .command('config')
    .description('print the config of an image: platform, labels and env (--json: all of it)')
    .argument('<image>', 'image URI, or name:tag / name@digest in the default registry (a bare name: its latest tagged image)')
    .addOption(
      new Option('--platform <os/arch[/variant]>', 'the platform to read from a multi-platform image (default: linux/amd64)').argParser(
        usage(parsePlatform)
      )
    )
    .action((arg: string, options: { readonly platform?: Manifest.Platform }) =>
      pipe(
        image(ctx, arg),
        TE.flatMap(({ env, ref }) => Image.getConfig(ref, options.platform === undefined ? {} : { platform: options.platform })(env)),
        finishWith(ctx, toOutput)
      )
    )
}
