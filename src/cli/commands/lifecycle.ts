/**
 * `ecr-fp-ts lifecycle get|put|preview <repo>`: a repository's lifecycle policy
 * (`Repository.getLifecyclePolicy`, `putLifecyclePolicy`, `previewLifecyclePolicy`), and the short
 * form `lifecycle <repo> --expire-untagged-after DAYS`: the policy of one rule, expire untagged
 * images DAYS days after their push (`LifecyclePolicy.removeUntagged`; a policy already there is
 * replaced). A policy is printed as JSON.
 */
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import * as EcrError from '../../EcrError'
import * as LifecyclePolicy from '../../LifecyclePolicy'
import * as Repository from '../../Repository'
import type { Context, Output } from '../context'
import { finishWith, repository } from '../targets'
import type { PolicyOptions } from './index'

export const policyOf = (days: number): LifecyclePolicy.LifecyclePolicy =>
  LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged({ days }))

/** Text: the policy exactly as sent to ECR; `--json`: the same policy, indented. */
export const toOutput = (policy: LifecyclePolicy.LifecyclePolicy): Output => ({
  text: [LifecyclePolicy.toJson(policy)],
  json: LifecyclePolicy.codec.encode(policy)
})

/** `lifecycle <repo> --expire-untagged-after DAYS` */
export const run = (ctx: Context, repo: string, options: { readonly expireUntaggedAfter: number }): Promise<void> => {
  const policy = policyOf(options.expireUntaggedAfter)
  return pipe(
    repository(ctx, repo),
    TE.tap(({ env, ref }) => Repository.putLifecyclePolicy(ref, policy)(env)),
    TE.map(() => policy),
    finishWith(ctx, toOutput)
  )
}

/** `lifecycle get <repo>`: the policy; none: no line (`--json`: `null`). */
export const get = (ctx: Context, repo: string): Promise<void> =>
  pipe(
    repository(ctx, repo),
    TE.flatMap(({ env, ref }) => Repository.getLifecyclePolicy(ref)(env)),
    finishWith(
      ctx,
      O.match(
        (): Output => ({ text: [], json: null }),
        (policy) => toOutput(policy)
      )
    )
  )

/** The policy of `--file` (read and decoded: a `DecodeError` names the JSON path) or `--expire-untagged-after`. */
const policyFrom = (options: PolicyOptions): TE.TaskEither<EcrError.EcrError, O.Option<LifecyclePolicy.LifecyclePolicy>> => {
  const file = options.file
  if (file !== undefined)
    return pipe(
      TE.tryCatch(
        async () => (await import('node:fs/promises')).readFile(file, 'utf8'),
        (e) => EcrError.invalidArgument(`cannot read the policy file ${file}: ${e instanceof Error ? e.message : 'unreadable'}`)
      ),
      TE.flatMapEither(LifecyclePolicy.fromJson),
      TE.map(O.some)
    )
  return TE.right(options.expireUntaggedAfter === undefined ? O.none : O.some(policyOf(options.expireUntaggedAfter)))
}

/** `lifecycle put <repo> (--file F | --expire-untagged-after N)` */
export const put = (ctx: Context, repo: string, options: PolicyOptions): Promise<void> =>
  pipe(
    policyFrom(options),
    TE.flatMap((policy) =>
      O.isNone(policy) ? TE.left(EcrError.invalidArgument('no policy given')) : TE.right(policy.value)
    ),
    TE.bindTo('policy'),
    TE.bind('target', () => repository(ctx, repo)),
    TE.tap(({ policy, target }) => Repository.putLifecyclePolicy(target.ref, policy)(target.env)),
    TE.map(({ policy }) => policy),
    finishWith(ctx, toOutput)
  )

/** A line per image: the rule's priority, the action, the image's URI and tags, its push date. */
export const previewOutput = (ref: Repository.RepositoryRef, outcomes: ReadonlyArray<LifecyclePolicy.Outcome>): Output => ({
  text: outcomes.map((o) =>
    [
      `rule ${o.rulePriority}`,
      o.action.type === 'expire' ? 'expire' : 'archive',
      `${Repository.toUri(ref)}@${o.image.imageDigest}`,
      o.image.imageTags.length === 0 ? '-' : o.image.imageTags.join(','),
      o.image.imagePushedAt?.toISOString() ?? '-'
    ].join('  ')
  ),
  json: outcomes.map((o) => ({
    rulePriority: o.rulePriority,
    action: o.action,
    image: {
      uri: `${Repository.toUri(ref)}@${o.image.imageDigest}`,
      accountId: ref.accountId,
      region: ref.region,
      repositoryName: ref.repositoryName,
      digest: o.image.imageDigest,
      tags: o.image.imageTags,
      ...(o.image.imagePushedAt === undefined ? {} : { pushedAt: o.image.imagePushedAt.toISOString() }),
      status: o.image.status
    }
  }))
})

/** `lifecycle preview <repo> [--file F | --expire-untagged-after N]` */
export const preview = (ctx: Context, repo: string, options: PolicyOptions): Promise<void> =>
  pipe(
    policyFrom(options),
    TE.bindTo('policy'),
    TE.bind('target', () => repository(ctx, repo)),
    TE.flatMap(({ policy, target }) =>
      pipe(
        Repository.previewLifecyclePolicy(target.ref, O.toUndefined(policy))(target.env),
        TE.map((outcomes) => ({ ref: target.ref, outcomes }))
      )
    ),
    finishWith(ctx, ({ ref, outcomes }) => previewOutput(ref, outcomes))
  )

