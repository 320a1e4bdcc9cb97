/**
 * Layers in the twin's ECR API: availability (a layer only archived images use is `ARCHIVED`),
 * download URLs and the layer upload calls.
 *
 * @since 0.2.0
 */
import {
  EmptyUploadException,
  InvalidLayerException,
  InvalidLayerPartException,
  LayerAlreadyExistsException,
  LayerInaccessibleException,
  LayersNotFoundException,
  UploadNotFoundException
} from '@aws-sdk/client-ecr'
import { randomUUID } from 'crypto'
import * as E from 'fp-ts/Either'
import { showValue } from '../../internal/codec'
import * as Storage from '../storage'
import * as Store from '../store'
import { constraint, DIGEST_PATTERN, fail, locate, MAX_IDS } from './common'
import type { Context, Handler, Input, Located, Output } from './common'

/** ECR's part size for layer uploads through the API. */
const PART_SIZE = 10 * 1024 * 1024

const layerDigestsOf = (input: Input): E.Either<Error, ReadonlyArray<unknown>> => {
  const ds = input.layerDigests
  if (!Array.isArray(ds)) return constraint('layerDigests', 'Member must not be null')
  if (ds.length < 1 || ds.length > MAX_IDS)
    return constraint('layerDigests', `Member must have length between 1 and ${MAX_IDS}`)
  return E.right(ds)
}

/** @internal */
export const batchCheckLayerAvailability: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo } = located.right
  const digests = layerDigestsOf(input)
  if (E.isLeft(digests)) return digests
  const layers: Array<Output> = []
  const failures: Array<Output> = []
  for (const d of digests.right) {
    if (typeof d !== 'string' || !DIGEST_PATTERN.test(d)) {
      failures.push({ layerDigest: d, failureCode: 'InvalidLayerDigest', failureReason: 'Invalid layer digest' })
      continue
    }
    const blob = Store.getBlob(ctx.store, repo, d)
    if (blob === undefined) {
      failures.push({ layerDigest: d, failureCode: 'MissingLayerDigest', failureReason: 'Could not find layer' })
      continue
    }
    layers.push({
      layerDigest: d,
      layerAvailability: Store.isBlobArchived(ctx.store, repo, d) ? 'ARCHIVED' : 'AVAILABLE',
      layerSize: blob.bytes.length,
      mediaType: blob.mediaType ?? 'application/octet-stream'
    })
  }
  return E.right({ layers, failures })
}

/** @internal A layer only archived images use cannot be downloaded (`LayerInaccessibleException`). */
export const getDownloadUrlForLayer: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const { repo, registryId } = located.right
  const digest = input.layerDigest
  if (typeof digest !== 'string' || !DIGEST_PATTERN.test(digest)) return constraint('layerDigest', 'Invalid layer digest')
  if (Store.getBlob(ctx.store, repo, digest) === undefined)
    return fail(
      LayersNotFoundException,
      `The layer with digest '${digest}' does not exist in the repository with name '${repo.name}' in the registry with id '${registryId}'`
    )
  if (Store.isBlobArchived(ctx.store, repo, digest))
    return fail(
      LayerInaccessibleException,
      `The layer with digest '${digest}' in the repository with name '${repo.name}' belongs to archived images only. Restore an image that uses it to download it`
    )
  return E.right({ downloadUrl: Storage.presign(ctx.storage, digest, ctx.store.now()), layerDigest: digest })
}

/** @internal */
export const initiateLayerUpload: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const id = randomUUID()
  ctx.store.uploads.set(id, { id, repositoryName: located.right.repo.name, chunks: [], size: 0 })
  return E.right({ uploadId: id, partSize: PART_SIZE })
}

const sessionOf = (ctx: Context, located: Located, input: Input): E.Either<Error, Store.UploadSession> => {
  const id = input.uploadId
  const session = typeof id === 'string' ? ctx.store.uploads.get(id) : undefined
  return session === undefined || session.repositoryName !== located.repo.name
    ? fail(
        UploadNotFoundException,
        `Upload with id '${typeof id === 'string' ? id : showValue(id)}' does not exist in the repository with name '${
          located.repo.name
        }' in the registry with id '${located.registryId}'`
      )
    : E.right(session)
}

/** @internal */
export const uploadLayerPart: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const session = sessionOf(ctx, located.right, input)
  if (E.isLeft(session)) return session
  const blob = input.layerPartBlob
  const first = input.partFirstByte
  const last = input.partLastByte
  if (!(blob instanceof Uint8Array)) return constraint('layerPartBlob', 'Member must not be null')
  if (first !== session.right.size || typeof last !== 'number' || last !== first + blob.length - 1)
    return fail(
      InvalidLayerPartException,
      `The part with first byte ${showValue(first)} and last byte ${showValue(last)} does not follow the ${
        session.right.size
      } bytes already received`
    )
  session.right.chunks.push(Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength))
  session.right.size += blob.length
  return E.right({
    registryId: located.right.registryId,
    repositoryName: located.right.repo.name,
    uploadId: session.right.id,
    lastByteReceived: session.right.size - 1
  })
}

/** @internal */
export const completeLayerUpload: Handler = (ctx, input) => {
  const located = locate(ctx, input)
  if (E.isLeft(located)) return located
  const session = sessionOf(ctx, located.right, input)
  if (E.isLeft(session)) return session
  const digests = layerDigestsOf(input)
  if (E.isLeft(digests)) return digests
  const expected = digests.right[0]
  if (session.right.size === 0) return fail(EmptyUploadException, `The upload with id '${session.right.id}' is empty`)
  const bytes = Buffer.concat(session.right.chunks)
  const actual = Store.sha256(bytes)
  if (typeof expected !== 'string' || expected !== actual)
    return fail(
      InvalidLayerException,
      `The layer digest '${typeof expected === 'string' ? expected : showValue(expected)}' does not match the digest of the uploaded layer '${actual}'`
    )
  ctx.store.uploads.delete(session.right.id)
  if (located.right.repo.blobs.has(actual))
    return fail(
      LayerAlreadyExistsException,
      `The layer with digest '${actual}' already exists in the repository with name '${located.right.repo.name}'`
    )
  Store.addBlob(ctx.store, located.right.repo, bytes, actual)
  return E.right({
    registryId: located.right.registryId,
    repositoryName: located.right.repo.name,
    uploadId: session.right.id,
    layerDigest: actual
  })
}
