/**
 * `ecr-fp-ts lifecycle <repo> --expire-untagged-after DAYS`: sets the repository's lifecycle policy
 * to one rule, expire untagged images DAYS days after their push (`LifecyclePolicy.removeUntagged`,
 * `Repository.putLifecyclePolicy`; a policy already there is replaced), and prints the policy JSON.
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import * as LifecyclePolicy from '../../LifecyclePolicy'
import * as Repository from '../../Repository'
import type { Context, Output } from '../context'
import { finishWith, repository } from '../targets'

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
