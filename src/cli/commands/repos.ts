/**
 * `ecr-fp-ts repos [--name S] [--match RE] [--tag K=V...]`: the repositories of the registry
 * (`Registry.getRepositories`), one URI a line; `--json`: an array of repository refs.
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import { Option } from 'commander'
import type { ResourceTag } from '../../Primitives'
import * as Registry from '../../Registry'
import * as Repository from '../../Repository'
import { collect, parseRegExp, parseResourceTag, usage } from '../args'
import type { Output, Register } from '../context'
import { finishWith } from '../targets'

export interface ReposOptions {
  readonly name?: string
  readonly match?: RegExp
  readonly tag?: ReadonlyArray<ResourceTag>
}

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
  json: repos.map((r) => ({
    accountId: r.accountId,
    region: r.region,
    repositoryName: r.repositoryName
  }))
})

export const register: Register = (program, ctx) => {
  program
    .command('repos')
    .description('list the repositories of the registry, one URI a line')
    .addOption(new Option('--name <text>', 'only repositories whose name contains this text').conflicts('match'))
    .addOption(new Option('--match <regexp>', 'only repositories whose name matches this regular expression').argParser(usage(parseRegExp)))
    .addOption(
      new Option('--tag <key=value...>', 'only repositories with all these resource tags (repeatable)').argParser(collect(parseResourceTag))
    )
    .action((options: ReposOptions) =>
      pipe(
        ctx.env(),
        TE.flatMap((env) => Registry.getRepositories(toFilter(options))(env)),
        finishWith(ctx, toOutput)
      )
    )
}
