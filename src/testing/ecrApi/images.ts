/**
 * Images in the twin's ECR API: list and describe (by tag status and image status), get, delete,
 * put (with tag mutability and its exclusions), archive and restore (`UpdateImageStorageClass`) and
 * the referrers of an image (`ListImageReferrers`).
 *
 * @since 0.2.0
 */
import {
  ImageAlreadyExistsException,
  ImageDigestDoesNotMatchException,
  ImageStorageClassUpdateNotSupportedException,
  ImageTagAlreadyExistsException,
  LayersNotFoundException,
  ReferencedImagesNotFoundException
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import * as Store from '../store'
import {
  constraint,
  decodeToken,
  DIGEST_PATTERN,
  encodeToken,
  enumOf,
  fail,
  failure,
  fieldsOf,
  idFailure,
  imageDetail,
  locateImage,
  imageIdsOf,
  imageStatusOf,
  invalidParameter,
  isInteger,
  locate,
  matchesImageStatus,
  matchesTagStatus,
  maxResultsOf,
  optionalString,
  pageOf,
  repositoryNotFound,
  resolveId,
  tagStatusOf,
  take
} from './common'
import type { Context, Handler, ImageId, Output, StatusFilter, TagStatus } from './common'

// -------------------------------------------------------------------------------------
// list and describe
// -------------------------------------------------------------------------------------

interface ListKey {
  readonly s: number
  readonly t: string | null
}

const isListKey = (u: unknown): u is ListKey => {
  const o = fieldsOf(u)
  return isInteger(o.s) && (typeof o.t === 'string' || o.t === null)
}

function* listEntries(
  ctx: Context,
  repo: Store.RepositoryRecord,
  tagStatus: TagStatus,
  imageStatus: StatusFilter,
  after: ListKey | undefined
): Generator<{ readonly image: Store.ImageRecord; readonly tag: string | null }> {
  for (const image of Store.seqListFrom(repo.order, after === undefined ? undefined : after.s - 1)) {
    if (!matchesImageStatus(ctx, repo, imageStatus, image)) continue
    const resumed = after !== undefined && image.seq === after.s
    if (image.tags.size === 0) {
      if (!resumed && tagStatus !== 'TAGGED') yield { image, tag: null }
    } else if (tagStatus !== 'UNTAGGED') {
      for (const tag of [...image.tags].sort()) {
        if (resumed && (after.t === null || tag <= after.t)) continue
        yield { image, tag }
      }
    }
  }
}

/** @internal */
export const listImages: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo } = located.right
  const tagStatus = tagStatusOf(input)
  if (E.isLeft(tagStatus)) return tagStatus
  const imageStatus = imageStatusOf(fieldsOf(input.filter).imageStatus, 'filter.imageStatus')
  if (E.isLeft(imageStatus)) return imageStatus
  const max = maxResultsOf(input)
  if (E.isLeft(max)) return max
  const scope = `${repo.name}#${repo.seq}#${tagStatus.right}#${imageStatus.right}`
  const after = decodeToken(input, 'ListImages', scope, isListKey)
  if (E.isLeft(after)) return after
  const { page, more } = take(listEntries(ctx, repo, tagStatus.right, imageStatus.right, after.right), max.right)
  const last = page[page.length - 1]
  return E.right({
    imageIds: page.map((e) => ({ imageDigest: e.image.digest, ...(e.tag === null ? {} : { imageTag: e.tag }) })),
    ...(more && last !== undefined
      ? { nextToken: encodeToken('ListImages', scope, { s: last.image.seq, t: last.tag }) }
      : {})
  })
}

/** @internal Explicit ids are described whatever their status; a listing shows ACTIVE images unless told otherwise. */
export const describeImages: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo } = located.right
  if (input.imageIds !== undefined && input.imageIds !== null) {
    if (input.nextToken !== undefined || input.maxResults !== undefined)
      return invalidParameter('Invalid parameter: nextToken and maxResults cannot be used with imageIds')
    const ids = imageIdsOf(input)
    if (E.isLeft(ids)) return ids
    const seen = new Set<string>()
    const details: Array<Output> = []
    for (const id of ids.right) {
      const image = resolveId(located.right, id)
      if (E.isLeft(image)) return image
      if (!seen.has(image.right.digest)) {
        seen.add(image.right.digest)
        details.push(imageDetail(ctx, repo, image.right))
      }
    }
    return E.right({ imageDetails: details })
  }
  const tagStatus = tagStatusOf(input)
  if (E.isLeft(tagStatus)) return tagStatus
  const imageStatus = imageStatusOf(fieldsOf(input.filter).imageStatus, 'filter.imageStatus')
  if (E.isLeft(imageStatus)) return imageStatus
  const max = maxResultsOf(input)
  if (E.isLeft(max)) return max
  const scope = `${repo.name}#${repo.seq}#${tagStatus.right}#${imageStatus.right}`
  const after = decodeToken(input, 'DescribeImages', scope, isInteger)
  if (E.isLeft(after)) return after
  const matching = function* () {
    for (const image of Store.seqListFrom(repo.order, after.right))
      if (matchesTagStatus(tagStatus.right, image) && matchesImageStatus(ctx, repo, imageStatus.right, image))
        yield image
  }
  const { page, more } = take(matching(), max.right)
  const last = page[page.length - 1]
  return E.right({
    imageDetails: page.map((image) => imageDetail(ctx, repo, image)),
    ...(more && last !== undefined ? { nextToken: encodeToken('DescribeImages', scope, last.seq) } : {})
  })
}

// -------------------------------------------------------------------------------------
// get
// -------------------------------------------------------------------------------------

/** @internal The failure reason of a read of an image that is not active. */
export const archivedReason = (digest: string, status: Store.ImageStatus): string =>
  status === 'ACTIVATING'
    ? `The image with digest '${digest}' is being restored from archive and cannot be pulled until the restore completes`
    : `The image with digest '${digest}' is archived and cannot be pulled. Restore it with UpdateImageStorageClass (targetStorageClass STANDARD) first`

/** @internal An archived (or restoring) image fails with `ImageInaccessible`; a read is recorded as a pull. */
export const batchGetImage: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo, registryId } = located.right
  const ids = imageIdsOf(input)
  if (E.isLeft(ids)) return ids
  const acceptedRaw = input.acceptedMediaTypes
  const accepted = Array.isArray(acceptedRaw)
    ? (acceptedRaw as ReadonlyArray<unknown>).filter((a): a is string => typeof a === 'string')
    : undefined
  if (accepted !== undefined && (accepted.length < 1 || accepted.length > 100))
    return constraint('acceptedMediaTypes', 'Member must have length between 1 and 100')
  const images: Array<Output> = []
  const failures: Array<Output> = []
  for (const id of ids.right) {
    const bad = idFailure(id)
    if (bad !== undefined) {
      failures.push(bad)
      continue
    }
    const byDigest = id.imageDigest === undefined ? undefined : repo.images.get(id.imageDigest)
    const byTag = id.imageTag === undefined ? undefined : Store.findImage(repo, id.imageTag)
    if (id.imageDigest !== undefined && id.imageTag !== undefined && byTag !== undefined && byDigest !== byTag) {
      failures.push(
        failure(id, 'ImageTagDoesNotMatchDigest', 'Invalid request parameters: image tag does not match digest')
      )
      continue
    }
    const found = byDigest ?? byTag
    if (found === undefined || (id.imageDigest !== undefined && byDigest === undefined)) {
      failures.push(failure(id, 'ImageNotFound', 'Requested image not found'))
      continue
    }
    // By tag, an index goes only to a caller that accepts its type; others get one platform.
    const image =
      id.imageDigest === undefined &&
      Store.isIndexMediaType(found.mediaType) &&
      (accepted === undefined || !accepted.includes(found.mediaType))
        ? Store.defaultChild(repo, found) ?? found
        : found
    const status = Store.statusOf(ctx.store, repo, image)
    if (status !== 'ACTIVE') {
      failures.push(failure(id, 'ImageInaccessible', archivedReason(image.digest, status)))
      continue
    }
    Store.recordPull(ctx.store, image)
    images.push({
      registryId,
      repositoryName: repo.name,
      imageId: { imageDigest: image.digest, ...(id.imageTag === undefined ? {} : { imageTag: id.imageTag }) },
      imageManifest: image.manifest,
      imageManifestMediaType: image.mediaType
    })
  }
  return E.right({ images, failures })
}

// -------------------------------------------------------------------------------------
// delete
// -------------------------------------------------------------------------------------

/** @internal ECR's rules: removing an image's last tag deletes it; deleting by digest removes every tag. */
export const batchDeleteImage: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo } = located.right
  const ids = imageIdsOf(input)
  if (E.isLeft(ids)) return ids
  const deleted: Array<Output> = []
  const failures: Array<Output> = []
  const referenced = (id: ImageId, image: Store.ImageRecord) =>
    failure(
      id,
      'ImageReferencedByManifestList',
      `Requested image referenced by manifest list: [${[...image.parents].join(', ')}]`
    )
  for (const id of ids.right) {
    const bad = idFailure(id)
    if (bad !== undefined) {
      failures.push(bad)
      continue
    }
    if (id.imageDigest === undefined && id.imageTag !== undefined) {
      const image = Store.findImage(repo, id.imageTag)
      if (image === undefined) {
        failures.push(failure(id, 'ImageNotFound', 'Requested image not found'))
        continue
      }
      if (image.tags.size === 1 && image.parents.size > 0) {
        failures.push(referenced(id, image))
        continue
      }
      Store.removeTag(repo, id.imageTag)
      if (image.tags.size === 0) Store.deleteImage(repo, image)
      deleted.push({ imageDigest: image.digest, imageTag: id.imageTag })
      continue
    }
    const image = id.imageDigest === undefined ? undefined : repo.images.get(id.imageDigest)
    if (image === undefined || (id.imageTag !== undefined && !image.tags.has(id.imageTag))) {
      failures.push(failure(id, 'ImageNotFound', 'Requested image not found'))
      continue
    }
    if (image.parents.size > 0) {
      failures.push(referenced(id, image))
      continue
    }
    const tags = [...image.tags]
    Store.deleteImage(repo, image)
    if (tags.length === 0) deleted.push({ imageDigest: image.digest })
    else for (const tag of tags) deleted.push({ imageDigest: image.digest, imageTag: tag })
  }
  return E.right({ imageIds: deleted, failures })
}

// -------------------------------------------------------------------------------------
// put
// -------------------------------------------------------------------------------------

/** @internal */
export const putImage: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo, registryId } = located.right
  const manifest = input.imageManifest
  if (typeof manifest !== 'string' || manifest.length < 1)
    return constraint('imageManifest', 'Member must have length greater than or equal to 1')
  const tag = optionalString(input, 'imageTag')
  if (tag !== undefined && (tag.length < 1 || tag.length > 300))
    return constraint('imageTag', 'Member must have length between 1 and 300')
  const digest = optionalString(input, 'imageDigest')
  const mediaType = optionalString(input, 'imageManifestMediaType')
  const put = Store.putManifest(ctx.store, repo, {
    text: manifest,
    ...(mediaType === undefined ? {} : { mediaType }),
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest })
  })
  if (E.isRight(put))
    return E.right({
      image: {
        registryId,
        repositoryName: repo.name,
        imageId: { imageDigest: put.right.digest, ...(tag === undefined ? {} : { imageTag: tag }) },
        imageManifest: put.right.manifest,
        imageManifestMediaType: put.right.mediaType
      }
    })
  const e = put.left
  switch (e._tag) {
    case 'DigestMismatch':
      return fail(
        ImageDigestDoesNotMatchException,
        `The specified image digest '${e.expected}' does not match the digest that Amazon ECR calculated for the image: '${e.actual}'`
      )
    case 'InvalidManifest':
      return constraint('ImageManifest', e.reason)
    case 'LayersNotFound':
      return fail(
        LayersNotFoundException,
        `Layers with digests '[${e.digests.join(', ')}]' required for pushing image into repository with name '${
          repo.name
        }' in the registry with id '${registryId}' do not exist`
      )
    case 'ReferencedImagesNotFound':
      return fail(
        ReferencedImagesNotFoundException,
        `The manifest list references images with digests '[${e.digests.join(
          ', '
        )}]' that do not exist in the repository with name '${repo.name}' in the registry with id '${registryId}'`
      )
    case 'TagImmutable':
      return fail(
        ImageTagAlreadyExistsException,
        `The image tag '${e.tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`
      )
    case 'ImageAlreadyExists':
      return fail(
        ImageAlreadyExistsException,
        `Image with digest '${e.digest}' and tag '${e.tag ?? 'null'}' already exists in the repository with name '${
          repo.name
        }' in registry with id '${registryId}'`
      )
    default:
      return repositoryNotFound(repo.name, registryId)
  }
}

// -------------------------------------------------------------------------------------
// archive and restore
// -------------------------------------------------------------------------------------

const notSupported = (digest: string, why: string) =>
  fail(ImageStorageClassUpdateNotSupportedException, `The storage class of the image with digest '${digest}' cannot be updated: ${why}`)

/**
 * @internal `ARCHIVE` moves an active image (an index with its platform images) to the archive at
 * once; `STANDARD` starts restoring an archived one (`ACTIVATING`, for the twin's restore time).
 */
export const updateImageStorageClass: Handler = (ctx, input) => {
  if (input.targetStorageClass === undefined || input.targetStorageClass === null)
    return constraint('targetStorageClass', 'Member must not be null')
  const target = enumOf(input.targetStorageClass, 'targetStorageClass', ['STANDARD', 'ARCHIVE'], 'STANDARD')
  if (E.isLeft(target)) return target
  const found = locateImage(ctx, input)
  if (E.isLeft(found)) return found
  const { repo, registryId, image } = found.right
  const status = Store.statusOf(ctx.store, repo, image)
  const family = [image, ...image.children.flatMap((c) => repo.images.get(c.digest) ?? [])]
  if (target.right === 'ARCHIVE') {
    if (status !== 'ACTIVE') return notSupported(image.digest, `it is ${status}, not ACTIVE`)
    if (image.parents.size > 0)
      return notSupported(image.digest, `it is referenced by manifest list: [${[...image.parents].join(', ')}]`)
    const now = ctx.store.now()
    for (const i of family) Store.archive(repo, i, now)
  } else {
    if (status !== 'ARCHIVED') return notSupported(image.digest, `it is ${status}, not ARCHIVED`)
    for (const i of family) Store.restore(ctx.store, i)
  }
  return E.right({
    registryId,
    repositoryName: repo.name,
    imageId: { imageDigest: image.digest, ...(found.right.id.imageTag === undefined ? {} : { imageTag: found.right.id.imageTag }) },
    // the answer says what the call did: a restore is ACTIVATING until it is done
    imageStatus: target.right === 'ARCHIVE' ? 'ARCHIVED' : 'ACTIVATING'
  })
}

// -------------------------------------------------------------------------------------
// referrers
// -------------------------------------------------------------------------------------

/** @internal ListImageReferrers' page size. */
export const REFERRERS_PAGE = { max: 50, default: 20 }

/** @internal The referrers of a digest in a repository, oldest first. */
export const referrersOf = (repo: Store.RepositoryRecord, digest: string): ReadonlyArray<Store.ImageRecord> =>
  [...Store.seqListFrom(repo.order)].filter((image) => image.subject === digest)

/** @internal A referrer's artifact type, as the referrers API reports it. */
export const artifactTypeOf = (image: Store.ImageRecord): string | undefined =>
  image.artifactType ?? (image.config === undefined || image.config.mediaType === '' ? undefined : image.config.mediaType)

/** @internal */
export const listImageReferrers: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo } = located.right
  const subject = fieldsOf(input.subjectId).imageDigest
  if (typeof subject !== 'string') return constraint('subjectId.imageDigest', 'Member must not be null')
  if (!DIGEST_PATTERN.test(subject))
    return constraint('subjectId.imageDigest', "Member must satisfy regular expression pattern: [a-zA-Z0-9-_+.]+:[a-fA-F0-9]+")
  const filter = fieldsOf(input.filter)
  const typesRaw = filter.artifactTypes
  if (typesRaw !== undefined && typesRaw !== null && (!Array.isArray(typesRaw) || typesRaw.length < 1))
    return constraint('filter.artifactTypes', 'Member must have length greater than or equal to 1')
  const types = Array.isArray(typesRaw)
    ? (typesRaw as ReadonlyArray<unknown>).filter((t): t is string => typeof t === 'string')
    : undefined
  const status = imageStatusOf(filter.artifactStatus, 'filter.artifactStatus')
  if (E.isLeft(status)) return status
  const max = maxResultsOf(input, REFERRERS_PAGE)
  if (E.isLeft(max)) return max
  const referrers = referrersOf(repo, subject).filter((image) => {
    const type = artifactTypeOf(image)
    return (
      matchesImageStatus(ctx, repo, status.right, image) &&
      (types === undefined || (type !== undefined && types.includes(type)))
    )
  })
  const scope = `${repo.name}#${repo.seq}#${subject}#${status.right}#${(types ?? []).join(',')}`
  const page = pageOf(input, 'ListImageReferrers', scope, referrers, max.right)
  if (E.isLeft(page)) return page
  return E.right({
    referrers: page.right.page.map((image) => {
      const artifactType = artifactTypeOf(image)
      return {
        digest: image.digest,
        mediaType: image.mediaType,
        ...(artifactType === undefined ? {} : { artifactType }),
        size: Buffer.byteLength(image.manifest),
        ...(image.annotations === undefined ? {} : { annotations: { ...image.annotations } }),
        artifactStatus: Store.statusOf(ctx.store, repo, image)
      }
    }),
    ...(page.right.nextToken === undefined ? {} : { nextToken: page.right.nextToken })
  })
}
