/**
 * `ecr-fp-ts create <repo> [--immutable] [--tag K=V...]`: creates a repository
 * (`Repository.create`) and prints its URI. An existing repository is a success, and gets the
 * given tags; its tag mutability is left as it is.
 */
import { Option } from 'commander'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { ResourceTag } from '../../Primitives'
import * as Repository from '../../Repository'
import { collect, parseResourceTag } from '../args'
import type { Output, Register } from '../context'
import { finishWith, repository } from '../targets'

export interface CreateOptions {
  readonly immutable?: boolean
  readonly tag?: ReadonlyArray<ResourceTag>
}

export const toCreateOptions = (options: CreateOptions): Repository.CreateOptions => ({
  imageTagMutability: options.immutable === true ? 'IMMUTABLE' : 'MUTABLE',
  ...(options.tag === undefined || options.tag.length === 0 ? {} : { tags: options.tag })
})

/** The repository's URI; `--json`: its ref and URI. */
export const refOutput = (ref: Repository.RepositoryRef): Output => {
  const uri = Repository.toUri(ref)
  return {
    text: [uri],
    json: {
      accountId: ref.accountId,
      region: ref.region,
      repositoryName: ref.repositoryName,
      uri
    }
  }
}

export const register: Register = (program, ctx) => {
  program
    .command('create')
    .description('create a repository (an existing one is kept and gets the tags) and print its URI')
    .argument('<repo>', 'repository name (default registry) or repository URI')
    .option('--immutable', 'image tags cannot be moved to another image (IMMUTABLE)')
    .addOption(new Option('--tag <key=value...>', 'resource tags of the repository (repeatable)').argParser(collect(parseResourceTag)))
    .action((repo: string, options: CreateOptions) =>
      pipe(
        repository(ctx, repo),
        TE.tap(({ env, ref }) => Repository.create(ref, toCreateOptions(options))(env)),
        TE.map(({ ref }) => ref),
        finishWith(ctx, refOutput)
      )
    )
}
