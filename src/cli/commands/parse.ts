/**
 * `ecr-fp-ts parse <uri>`: the parts of a registry, repository or image URI, or of a repository ARN.
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import type { EcrError, UriKind } from '../../EcrError'
import * as ImageUri from '../../ImageUri'
import * as RegistryUri from '../../RegistryUri'
import * as Repository from '../../Repository'
import * as RepositoryUri from '../../RepositoryUri'
import type { Output, Register } from '../context'

export interface Parsed {
  readonly kind: UriKind
  readonly accountId: string
  readonly region: string
  readonly repositoryName?: string
  readonly tag?: string
  readonly digest?: string
  readonly fips?: boolean
}

/** Which parser an input is for, from its shape; that parser then says what is wrong with it. */
export const kindOf = (input: string): UriKind => {
  if (input.startsWith('arn:')) return 'RepositoryArn'
  const slash = input.indexOf('/')
  if (slash < 0) return 'RegistryUri'
  return /[:@]/.test(input.slice(slash + 1)) ? 'ImageUri' : 'RepositoryUri'
}

const parsers: Record<UriKind, (s: string) => E.Either<EcrError, Omit<Parsed, 'kind'>>> = {
  RegistryUri: (s) => pipe(RegistryUri.parse(s), E.map(RegistryUri.toRef)),
  RepositoryUri: (s) => pipe(RepositoryUri.parse(s), E.map(RepositoryUri.toRef)),
  ImageUri: (s) => pipe(ImageUri.parse(s), E.map(ImageUri.toRef)),
  RepositoryArn: Repository.fromArn
}

const FIELDS = ['kind', 'accountId', 'region', 'repositoryName', 'tag', 'digest', 'fips'] as const

/** Parses any of the four forms into its parts (only the fields the form has). */
export const parseAny = (input: string): E.Either<EcrError, Parsed> => {
  const kind = kindOf(input)
  return pipe(
    parsers[kind](input),
    E.map((parts) => {
      const all: Record<string, unknown> = { ...parts, kind }
      return Object.fromEntries(FIELDS.filter((f) => all[f] !== undefined).map((f) => [f, all[f]])) as unknown as Parsed
    })
  )
}

export const toOutput = (parsed: Parsed): Output => ({
  text: Object.entries(parsed).map(([k, v]) => `${k}: ${String(v)}`),
  json: parsed
})

export const register: Register = (program, ctx) => {
  program
    .command('parse')
    .description('print the parts of a registry, repository or image URI, or of a repository ARN')
    .argument('<uri>', 'e.g. 123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:v1')
    .action((uri: string) => ctx.finish(pipe(parseAny(uri), E.map(toOutput))))
}
