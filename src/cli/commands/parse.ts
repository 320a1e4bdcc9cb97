/**
 * `ecr-fp-ts parse <uri>`: the parts of a registry, repository or image URI, or of a repository ARN.
 * Pure: it loads neither the AWS SDK nor undici.
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import type { EcrError, UriKind } from '../../EcrError'
import * as ImageUri from '../../ImageUri'
import * as RegistryUri from '../../RegistryUri'
// Repository.fromArn is this function; Repository itself loads the AWS SDK, which parse must not
import { fromArn } from '../../internal/arn'
import * as RepositoryUri from '../../RepositoryUri'
import type { Context, Output } from '../context'

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
  RepositoryArn: fromArn
}

/** Parses any of the four forms into its parts (only the fields the form has, in a fixed order). */
export const parseAny = (input: string): E.Either<EcrError, Parsed> => {
  const kind = kindOf(input)
  return pipe(
    parsers[kind](input),
    E.map(
      (parts): Parsed => ({
        kind,
        accountId: parts.accountId,
        region: parts.region,
        ...(parts.repositoryName === undefined ? {} : { repositoryName: parts.repositoryName }),
        ...(parts.tag === undefined ? {} : { tag: parts.tag }),
        ...(parts.digest === undefined ? {} : { digest: parts.digest }),
        ...(parts.fips === undefined ? {} : { fips: parts.fips })
      })
    )
  )
}

export const toOutput = (parsed: Parsed): Output => ({
  text: Object.entries(parsed).map(([k, v]) => `${k}: ${String(v)}`),
  json: parsed
})

/** `parse <uri>` */
export const run = (ctx: Context, uri: string): void => ctx.finish(pipe(parseAny(uri), E.map(toOutput)))
