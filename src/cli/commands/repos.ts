/**
 * `ecr-fp-ts repos [--name S] [--match RE] [--tag K=V...]`: the repositories of the registry
 * (`Registry.getRepositories`), one URI a line; `--json`: an array of repositories.
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as Registry from '../../Registry'
import * as Repository from '../../Repository'
import type { Context, Output } from '../context'
import { repositoryJson } from '../json'
import { finishWith } from '../targets'
import type { ReposOptions } from './index'

export type { ReposOptions } from './index'

/** The filter of `Registry.getRepositories` the options stand for. */
export const toFilter = (options: ReposOptions): Registry.RepositoryFilter => {
  const name = options.match ?? options.name
  return {
    ...(name === undefined ? {} : { name }),
    ...(options.tag === undefined || options.tag.length === 0 ? {} : { tags: options.tag })
  }
}

export const toOutput = (repos: ReadonlyArray<Repository.RepositoryRef>): Output => ({
  text: repos.map(Repository.toUri),
  json: repos.map(repositoryJson)
})

/** `repos [--name S | --match RE] [--tag K=V...]` */
export const run = (ctx: Context, options: ReposOptions): Promise<void> =>
  pipe(
    ctx.env(),
    TE.flatMap((env) => Registry.getRepositories(toFilter(options))(env)),
    finishWith(ctx, toOutput)
  )
