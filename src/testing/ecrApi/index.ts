/**
 * The ECR API of the in-memory twin: a `send` that takes the SDK's own command objects, validates
 * their input like ECR, answers from the store, and rejects with the SDK's own exception classes,
 * names and messages. Every call is recorded; latency and faults can be injected. The operations
 * live by resource (`repositories`, `images`, `layers`, `policies`, `scanning`, `replication`,
 * `auth`); this module holds the table from command classes to them.
 *
 * @since 0.1.0
 */
import {
  BatchCheckLayerAvailabilityCommand,
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DeleteRepositoryCommand,
  DeleteRepositoryPolicyCommand,
  DescribeImageReplicationStatusCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  DescribeRegistryCommand,
  DescribeReplicationBackfillResultsCommand,
  DescribeRepositoriesCommand,
  ECRServiceException,
  GetAuthorizationTokenCommand,
  GetDownloadUrlForLayerCommand,
  GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand,
  GetRepositoryPolicyCommand,
  InitiateLayerUploadCommand,
  ListImageReferrersCommand,
  ListImagesCommand,
  ListReplicationBackfillsCommand,
  ListTagsForResourceCommand,
  PutImageCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  PutReplicationConfigurationCommand,
  ServerException,
  SetRepositoryPolicyCommand,
  StartImageScanCommand,
  StartLifecyclePolicyPreviewCommand,
  StartReplicationBackfillCommand,
  StopReplicationBackfillCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateImageStorageClassCommand,
  UploadLayerPartCommand
} from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { showValue } from '../../internal/codec'
import type { FaultAnswer } from '../types'
import { getAuthorizationToken } from './auth'
import { exception, fieldsOf, metadata } from './common'
import type { Context, ExceptionClass, Handler, Result } from './common'
import {
  batchDeleteImage,
  batchGetImage,
  describeImages,
  listImageReferrers,
  listImages,
  putImage,
  updateImageStorageClass
} from './images'
import {
  batchCheckLayerAvailability,
  completeLayerUpload,
  getDownloadUrlForLayer,
  initiateLayerUpload,
  uploadLayerPart
} from './layers'
import {
  putLifecyclePolicy,
  setRepositoryPolicy,
  withLifecyclePolicy,
  withRepositoryPolicy
} from './policies'
import {
  describeImageReplicationStatus,
  describeRegistry,
  describeReplicationBackfillResults,
  listReplicationBackfills,
  putReplicationConfiguration,
  startReplicationBackfill,
  stopReplicationBackfill
} from './replication'
import {
  createRepository,
  deleteRepository,
  describeRepositories,
  listTagsForResource,
  putImageScanningConfiguration,
  putImageTagMutability,
  tagResource,
  untagResource
} from './repositories'
import { getLifecyclePolicyPreview, startLifecyclePolicyPreview } from './lifecyclePreview'
import { describeImageScanFindings, startImageScan } from './scanning'

// -------------------------------------------------------------------------------------
// dispatch
// -------------------------------------------------------------------------------------

type CommandClass = new (...args: Array<never>) => unknown

const OPERATIONS: ReadonlyArray<readonly [CommandClass, string, Handler]> = [
  [GetAuthorizationTokenCommand, 'GetAuthorizationToken', getAuthorizationToken],
  [CreateRepositoryCommand, 'CreateRepository', createRepository],
  [DeleteRepositoryCommand, 'DeleteRepository', deleteRepository],
  [DescribeRepositoriesCommand, 'DescribeRepositories', describeRepositories],
  [PutImageTagMutabilityCommand, 'PutImageTagMutability', putImageTagMutability],
  [PutImageScanningConfigurationCommand, 'PutImageScanningConfiguration', putImageScanningConfiguration],
  [TagResourceCommand, 'TagResource', tagResource],
  [UntagResourceCommand, 'UntagResource', untagResource],
  [ListTagsForResourceCommand, 'ListTagsForResource', listTagsForResource],
  [ListImagesCommand, 'ListImages', listImages],
  [DescribeImagesCommand, 'DescribeImages', describeImages],
  [BatchGetImageCommand, 'BatchGetImage', batchGetImage],
  [BatchDeleteImageCommand, 'BatchDeleteImage', batchDeleteImage],
  [PutImageCommand, 'PutImage', putImage],
  [UpdateImageStorageClassCommand, 'UpdateImageStorageClass', updateImageStorageClass],
  [ListImageReferrersCommand, 'ListImageReferrers', listImageReferrers],
  [PutLifecyclePolicyCommand, 'PutLifecyclePolicy', putLifecyclePolicy],
  [GetLifecyclePolicyCommand, 'GetLifecyclePolicy', withLifecyclePolicy(false)],
  [DeleteLifecyclePolicyCommand, 'DeleteLifecyclePolicy', withLifecyclePolicy(true)],
  [StartLifecyclePolicyPreviewCommand, 'StartLifecyclePolicyPreview', startLifecyclePolicyPreview],
  [GetLifecyclePolicyPreviewCommand, 'GetLifecyclePolicyPreview', getLifecyclePolicyPreview],
  [SetRepositoryPolicyCommand, 'SetRepositoryPolicy', setRepositoryPolicy],
  [GetRepositoryPolicyCommand, 'GetRepositoryPolicy', withRepositoryPolicy(false)],
  [DeleteRepositoryPolicyCommand, 'DeleteRepositoryPolicy', withRepositoryPolicy(true)],
  [StartImageScanCommand, 'StartImageScan', startImageScan],
  [DescribeImageScanFindingsCommand, 'DescribeImageScanFindings', describeImageScanFindings],
  [BatchCheckLayerAvailabilityCommand, 'BatchCheckLayerAvailability', batchCheckLayerAvailability],
  [GetDownloadUrlForLayerCommand, 'GetDownloadUrlForLayer', getDownloadUrlForLayer],
  [InitiateLayerUploadCommand, 'InitiateLayerUpload', initiateLayerUpload],
  [UploadLayerPartCommand, 'UploadLayerPart', uploadLayerPart],
  [CompleteLayerUploadCommand, 'CompleteLayerUpload', completeLayerUpload],
  [DescribeRegistryCommand, 'DescribeRegistry', describeRegistry],
  [PutReplicationConfigurationCommand, 'PutReplicationConfiguration', putReplicationConfiguration],
  [DescribeImageReplicationStatusCommand, 'DescribeImageReplicationStatus', describeImageReplicationStatus],
  [StartReplicationBackfillCommand, 'StartReplicationBackfill', startReplicationBackfill],
  [StopReplicationBackfillCommand, 'StopReplicationBackfill', stopReplicationBackfill],
  [ListReplicationBackfillsCommand, 'ListReplicationBackfills', listReplicationBackfills],
  [DescribeReplicationBackfillResultsCommand, 'DescribeReplicationBackfillResults', describeReplicationBackfillResults]
]

/** @internal The operation a command object stands for, and its handler (none: not implemented). */
export type OperationOf = (command: unknown) => { readonly name: string; readonly handler: Handler | undefined }

/** @internal The operation a command object stands for: its class, else its constructor's name. */
export const operationOf = (command: unknown): { readonly name: string; readonly handler: Handler | undefined } => {
  for (const [cls, name, handler] of OPERATIONS) if (command instanceof cls) return { name, handler }
  const ctorName =
    typeof command === 'object' && command !== null
      ? (command as { constructor?: { name?: unknown } }).constructor?.name
      : undefined
  const name = typeof ctorName === 'string' ? ctorName.replace(/Command$/, '') : 'Unknown'
  const entry = OPERATIONS.find(([, n]) => n === name)
  return { name, handler: entry?.[2] }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** @internal The error or empty answer an injected ECR fault stands for. */
export const faultOutcome = (answer: Exclude<FaultAnswer, undefined>, operation: string): Result => {
  if (answer === 'missing-fields') return E.right({ $metadata: {} })
  if (answer === 'network')
    return E.left(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' }))
  if (answer === 'server-error')
    return E.left(
      exception(ServerException as ExceptionClass, 'We encountered an internal error. Please try again.', 500)
    )
  const status = answer === 'throttle' ? 400 : answer.status
  const name =
    answer === 'throttle' || status === 429
      ? 'ThrottlingException'
      : status === 403
      ? 'AccessDeniedException'
      : status >= 500
      ? 'InternalFailure'
      : 'UnknownError'
  const e = new ECRServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: metadata(status),
    message:
      answer === 'throttle' || status === 429 ? 'Rate exceeded' : `${operation} failed with HTTP status ${status}`
  })
  return E.left(
    Object.assign(e, {
      message: e.message,
      ...(name === 'ThrottlingException' ? { $retryable: { throttling: true } } : {})
    })
  )
}

/** @internal Answers one command: record, wait, maybe fail by injection, then run the operation. */
export const answer = async (ctx: Context, command: unknown, resolve: OperationOf = operationOf): Promise<Result> => {
  const { name, handler } = resolve(command)
  const rawInput = fieldsOf(command).input
  const input = fieldsOf(rawInput)
  ctx.record(name, rawInput)
  if (ctx.latencyMs > 0) await sleep(ctx.latencyMs)
  const injected = ctx.fault({ kind: 'ecr', operation: name, input: rawInput })
  if (injected !== undefined) return faultOutcome(injected, name)
  if (ctx.overQuota(name)) return faultOutcome('throttle', name)
  if (handler === undefined)
    return E.left(
      Object.assign(new Error(`The in-memory ECR twin does not implement ${name}`), {
        name: 'UnsupportedOperation',
        $fault: 'client'
      })
    )
  try {
    return handler(ctx, input)
  } catch (e) {
    // a bug of the twin, not an answer of ECR: say so (the SDK's callers see an unmodelled error)
    return E.left(new Error(`The in-memory ECR twin failed unexpectedly in ${name}: ${showValue(e instanceof Error ? e.message : e)}`))
  }
}

/** @internal A `send` with the SDK client's calling conventions (promise, or a callback last). */
export const makeSend =
  (ctx: Context, resolve: OperationOf = operationOf) =>
  (command: unknown, ...rest: ReadonlyArray<unknown>): Promise<unknown> | void => {
    const callback = rest.find((r): r is (err: unknown, data?: unknown) => void => typeof r === 'function')
    const result = answer(ctx, command, resolve).then((r) =>
      E.isRight(r)
        ? '$metadata' in r.right
          ? r.right
          : { ...r.right, $metadata: metadata(200) }
        : Promise.reject(r.left)
    )
    if (callback === undefined) return result
    result.then(
      (data) => callback(null, data),
      (err: unknown) => callback(err)
    )
  }
