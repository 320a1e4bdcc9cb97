/**
 * `ecr-fp-ts rm <image...>`: deletes images by tag or digest (`Repository.deleteImages`, one call
 * per 100 ids of a repository). By tag only that tag goes (and the image with its last tag); by
 * digest, the image and its tags. Prints one URI per tag or image deleted; what ECR refused is
 * listed on standard error, and the exit code is then 1.
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as RegistryUri from '../../RegistryUri'
import * as ImageUri from '../../ImageUri'
import * as Repository from '../../Repository'
import type { EcrError } from '../../EcrError'
import type { Context, Output } from '../context'
import { repositoryJson } from '../json'
import { repository } from '../targets'

/** One argument: the repository (name or URI) and the id in it. */
interface Wanted {
  readonly repo: string
  readonly id: Repository.ImageIdentifier
}

const wantedOf = (arg: string): E.Either<EcrError, Wanted> => {
  if (RegistryUri.isPrefixed(arg))
    return pipe(
      ImageUri.parse(arg),
      E.map((uri) => {
        const parts = ImageUri.toRef(uri)
        const repo = Repository.toUri({ accountId: parts.accountId, region: parts.region, repositoryName: parts.repositoryName })
        return { repo, id: parts.digest !== undefined ? { digest: parts.digest } : { tag: parts.tag ?? '' } }
      })
    )
  const at = arg.indexOf('@')
  if (at >= 0) return E.right({ repo: arg.slice(0, at), id: { digest: arg.slice(at + 1) } })
  const colon = arg.lastIndexOf(':')
  return E.right({ repo: arg.slice(0, colon), id: { tag: arg.slice(colon + 1) } })
}

interface Deleted {
  readonly ref: Repository.RepositoryRef
  readonly result: Repository.DeleteImagesResult
}

const idText = (id: Repository.ImageIdentifier): string => ('tag' in id ? `:${id.tag}` : `@${id.digest}`)

/** A URI per tag or image deleted; failures on stderr, exit 1 when there is one. */
export const toOutput = (all: ReadonlyArray<Deleted>): Output => {
  const failures = all.flatMap(({ ref, result }) =>
    result.failures.map((f) => `not deleted: ${Repository.toUri(ref)}${idText(f.id)}: ${f.code}${f.reason === '' ? '' : ` (${f.reason})`}`)
  )
  return {
    text: all.flatMap(({ ref, result }) =>
      result.deleted.map((d) => `${Repository.toUri(ref)}${d.imageTag === undefined ? `@${d.imageDigest}` : `:${d.imageTag}`}`)
    ),
    json: all.map(({ ref, result }) => ({
      repository: repositoryJson(ref),
      deleted: result.deleted.map((d) => ({
        uri: `${Repository.toUri(ref)}@${d.imageDigest}`,
        digest: d.imageDigest,
        ...(d.imageTag === undefined ? {} : { tag: d.imageTag })
      })),
      failures: result.failures
    })),
    stderr: failures,
    exitCode: failures.length > 0 ? 1 : 0
  }
}

/** `rm <image...>` (each already checked to name a tag or a digest) */
export const run = async (ctx: Context, images: ReadonlyArray<string>): Promise<void> => {
  const wanted = E.traverseArray(wantedOf)(images)
  if (E.isLeft(wanted)) return ctx.finish(wanted)
  const byRepo = new Map<string, Array<Repository.ImageIdentifier>>()
  for (const w of wanted.right) byRepo.set(w.repo, [...(byRepo.get(w.repo) ?? []), w.id])
  const task = pipe(
    Array.from(byRepo),
    TE.traverseSeqArray(([repo, ids]) =>
      pipe(
        repository(ctx, repo),
        TE.flatMap(({ env, ref }) => pipe(Repository.deleteImages(ref, ids)(env), TE.map((result): Deleted => ({ ref, result }))))
      )
    )
  )
  ctx.finish(pipe(await task(), E.map(toOutput)))
}
