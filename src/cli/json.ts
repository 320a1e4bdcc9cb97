/**
 * What `--json` prints: one shape per kind of thing, whatever the command. A repository always has
 * its `uri`; an image always has its `uri` (digest form) and `digest`; a failure is
 * `{ "error": { "_tag", "message" } }`. Commands add fields to these shapes (an image's `tags`,
 * `pushedAt`, ...), never rename them.
 */
import type { EcrError } from '../EcrError'
import * as EcrErrors from '../EcrError'
import type { ImageRef } from '../Image'
import type { RepositoryRef } from '../Repository'
import * as RepositoryUri from '../RepositoryUri'

/** A repository. */
export interface RepositoryJson {
  /** `<registry>/<name>` */
  readonly uri: string
  readonly accountId: string
  readonly region: string
  readonly repositoryName: string
}

/** An image of a repository. */
export interface ImageJson extends RepositoryJson {
  /** `<registry>/<name>@<digest>` */
  readonly uri: string
  readonly digest: string
}

/** Why a command failed: the `EcrError` variant (or `UsageError`) and its one-line message. */
export interface ErrorJson {
  readonly error: { readonly _tag: string; readonly message: string }
}

export const repositoryJson = (ref: RepositoryRef): RepositoryJson => ({
  uri: RepositoryUri.fromRef(ref),
  accountId: ref.accountId,
  region: ref.region,
  repositoryName: ref.repositoryName
})

export const imageJson = (ref: ImageRef): ImageJson => ({
  ...repositoryJson(ref),
  uri: `${RepositoryUri.fromRef(ref)}@${ref.imageDigest}`,
  digest: ref.imageDigest
})

/** One line: an error message never spans lines. */
export const oneLine = (s: string): string => s.replace(/\s*[\r\n]+\s*/g, ' ').trim()

export const errorJson = (e: EcrError): ErrorJson => ({ error: { _tag: e._tag, message: oneLine(EcrErrors.message(e)) } })

/** A usage error (exit 2): commander's message without its `error: ` prefix. */
export const usageErrorJson = (message: string): ErrorJson => ({
  error: { _tag: 'UsageError', message: oneLine(message).replace(/^error:\s*/, '') }
})

/** Indented JSON and a newline, as every command prints it. */
export const print = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`
