/**
 * `ecr-fp-ts create <repo> [--immutable] [--tag K=V...]`: creates a repository
 * (`Repository.create`) and prints its URI. An existing repository is a success, and gets the
 * given tags; its tag mutability is left as it is.
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Repository from '../../Repository'
import type { Context, Output } from '../context'
import { repositoryJson } from '../json'
import { finishWith, repository } from '../targets'
import type { CreateOptions } from './index'

export type { CreateOptions } from './index'

export const toCreateOptions = (options: CreateOptions): Repository.CreateOptions => ({
  imageTagMutability: options.immutable === true ? 'IMMUTABLE' : 'MUTABLE',
  ...(options.tag === undefined || options.tag.length === 0 ? {} : { tags: options.tag })
})

/** The repository's URI; `--json`: the repository. */
export const refOutput = (ref: Repository.RepositoryRef): Output => ({
  text: [Repository.toUri(ref)],
  json: repositoryJson(ref)
})

/** `create <repo> [--immutable] [--tag K=V...]` */
export const run = (ctx: Context, repo: string, options: CreateOptions): Promise<void> =>
  pipe(
    repository(ctx, repo),
    TE.tap(({ env, ref }) => Repository.create(ref, toCreateOptions(options))(env)),
    TE.map(({ ref }) => ref),
    finishWith(ctx, refOutput)
  )
