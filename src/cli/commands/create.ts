/**
 * `ecr-fp-ts create <repo> [--immutable | --tag-mutability M] [--exclude-tag-pattern P...]
 * [--kms-key KEY] [--scan-on-push] [--tag K=V...]`: creates a repository (`Repository.create`) and
 * prints its URI. An existing repository is a success, and gets the given tags; its settings are
 * left as they are, and a warning on standard error names each one that differs from those asked
 * (`Repository.unmetSettings`).
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Repository from '../../Repository'
import type { Context, Output } from '../context'
import { repositoryJson } from '../json'
import { finishWith, repository } from '../targets'
import type { CreateOptions } from './index'

export type { CreateOptions } from './index'

export const toCreateOptions = (options: CreateOptions): Repository.CreateOptions => {
  const mode = options.tagMutability ?? (options.immutable === true ? 'IMMUTABLE' : 'MUTABLE')
  const exceptFor = options.excludeTagPattern ?? []
  return {
    imageTagMutability: exceptFor.length === 0 ? mode : { mode, exceptFor },
    ...(options.kmsKey === undefined ? {} : { encryption: { type: 'KMS', kmsKey: options.kmsKey } }),
    ...(options.scanOnPush === true ? { scanOnPush: true } : {}),
    ...(options.tag === undefined || options.tag.length === 0 ? {} : { tags: options.tag })
  }
}

/** The repository's URI; `--json`: the repository. */
export const refOutput = (ref: Repository.RepositoryRef): Output => ({
  text: [Repository.toUri(ref)],
  json: repositoryJson(ref)
})

/** The URI, and a warning per setting asked that the (existing) repository does not have. */
export const createdOutput = (asked: Repository.CreateOptions, settings: Repository.RepositorySettings): Output => ({
  ...refOutput(settings.ref),
  stderr: Repository.unmetSettings(asked, settings).map((d) => `warning: ${settings.ref.repositoryName} exists and keeps its settings: ${d}`)
})

/** `create <repo> [options]` */
export const run = (ctx: Context, repo: string, options: CreateOptions): Promise<void> => {
  const asked = toCreateOptions(options)
  return pipe(
    repository(ctx, repo),
    TE.flatMap(({ env, ref }) => Repository.create(ref, asked)(env)),
    finishWith(ctx, (settings) => createdOutput(asked, settings))
  )
}
