/**
 * Lifecycle policy previews in the twin's ECR API: StartLifecyclePolicyPreview computes, with
 * `LifecyclePolicy.evaluate`, what the policy (the one given, else the repository's) would do to
 * the repository's images now; the first GetLifecyclePolicyPreview after a start answers
 * `IN_PROGRESS`, the next ones `COMPLETE` with the results, paged like ECR.
 *
 * @since 0.2.0
 */
import {
  LifecyclePolicyNotFoundException,
  LifecyclePolicyPreviewInProgressException,
  LifecyclePolicyPreviewNotFoundException
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import * as LifecyclePolicy from '../../LifecyclePolicy'
import { isImageDigest } from '../../Primitives'
import * as Store from '../store'
import type { ImageDetail } from '../../Image'
import { constraint, fail, locate, maxResultsOf, pageOf } from './common'
import type { Context, Handler, Output } from './common'
import { lifecyclePolicyProblem } from './policies'

interface Preview {
  readonly text: string
  /** Gets answered so far: the first one answers `IN_PROGRESS`. */
  gets: number
  readonly results: ReadonlyArray<Output>
  readonly expiring: number
  readonly transitioning: number
}

/** The preview of each repository record (a deleted repository takes its preview with it). */
const previews = new WeakMap<Store.RepositoryRecord, Preview>()

/** ECR's bounds for GetLifecyclePolicyPreview's `maxResults`. */
const PREVIEW_RESULTS = { max: 100, default: 100 }

const detailOf = (ctx: Context, repo: Store.RepositoryRecord, image: Store.ImageRecord): ImageDetail | undefined =>
  isImageDigest(image.digest)
    ? {
        imageDigest: image.digest,
        imageTags: [...image.tags],
        imagePushedAt: image.pushedAt,
        status: Store.statusOf(ctx.store, repo, image),
        ...(image.lastRecordedPullTime === undefined ? {} : { lastRecordedPullTime: image.lastRecordedPullTime }),
        ...(image.lastArchivedAt === undefined ? {} : { lastArchivedAt: image.lastArchivedAt })
      }
    : undefined

const resultOf = (outcome: LifecyclePolicy.Outcome): Output => ({
  imageDigest: outcome.image.imageDigest,
  ...(outcome.image.imageTags.length === 0 ? {} : { imageTags: [...outcome.image.imageTags] }),
  ...(outcome.image.imagePushedAt === undefined ? {} : { imagePushedAt: new Date(outcome.image.imagePushedAt.getTime()) }),
  action:
    outcome.action.type === 'expire'
      ? { type: 'EXPIRE' }
      : { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' },
  appliedRulePriority: outcome.rulePriority,
  storageClass: outcome.image.status === 'ARCHIVED' ? 'ARCHIVE' : 'STANDARD'
})

/** @internal */
export const startLifecyclePolicyPreview: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo, registryId } = located.right
  const given = input.lifecyclePolicyText
  if (given !== undefined && given !== null) {
    if (typeof given !== 'string' || given.length < 100)
      return constraint('lifecyclePolicyText', 'Member must have length greater than or equal to 100')
    if (given.length > 30720) return constraint('lifecyclePolicyText', 'Member must have length less than or equal to 30720')
    const problem = lifecyclePolicyProblem(given)
    if (problem !== undefined) return constraint('lifecyclePolicyText', problem)
  }
  const text = typeof given === 'string' ? given : repo.lifecyclePolicy
  if (text === undefined)
    return fail(
      LifecyclePolicyNotFoundException,
      `Lifecycle policy does not exist for the repository with name '${repo.name}' in the registry with id '${registryId}'`
    )
  const running = previews.get(repo)
  if (running !== undefined && running.gets === 0)
    return fail(
      LifecyclePolicyPreviewInProgressException,
      `A lifecycle policy preview is already in progress for the repository with name '${repo.name}' in the registry with id '${registryId}'`
    )
  const policy = LifecyclePolicy.fromJson(text)
  // the twin's own check accepted the text: a policy the library's codec refuses is a twin bug
  if (E.isLeft(policy)) return constraint('lifecyclePolicyText', policy.left.message)
  const images = [...repo.images.values()].flatMap((i) => {
    const d = detailOf(ctx, repo, i)
    return d === undefined ? [] : [d]
  })
  const outcomes = LifecyclePolicy.evaluate(policy.right, images, ctx.store.now())
  previews.set(repo, {
    text,
    gets: 0,
    results: outcomes.map(resultOf),
    expiring: outcomes.filter((o) => o.action.type === 'expire').length,
    transitioning: outcomes.filter((o) => o.action.type === 'transition').length
  })
  return E.right({ registryId, repositoryName: repo.name, lifecyclePolicyText: text, status: 'IN_PROGRESS' })
}

/** @internal */
export const getLifecyclePolicyPreview: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo, registryId } = located.right
  const preview = previews.get(repo)
  if (preview === undefined)
    return fail(
      LifecyclePolicyPreviewNotFoundException,
      `There is no lifecycle policy preview for the repository with name '${repo.name}' in the registry with id '${registryId}'`
    )
  const max = maxResultsOf(input, PREVIEW_RESULTS)
  if (E.isLeft(max)) return max
  const base = { registryId, repositoryName: repo.name, lifecyclePolicyText: preview.text }
  if (preview.gets === 0) {
    preview.gets += 1
    return E.right({ ...base, status: 'IN_PROGRESS' })
  }
  preview.gets += 1
  const page = pageOf(input, 'GetLifecyclePolicyPreview', `${repo.name}#${repo.seq}`, preview.results, max.right)
  if (E.isLeft(page)) return page
  return E.right({
    ...base,
    status: 'COMPLETE',
    previewResults: page.right.page,
    summary: { expiringImageTotalCount: preview.expiring, transitioningImageTotalCount: preview.transitioning },
    ...(page.right.nextToken === undefined ? {} : { nextToken: page.right.nextToken })
  })
}
