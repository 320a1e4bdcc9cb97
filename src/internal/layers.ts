/**
 * Blob availability through ECR's API: BatchCheckLayerAvailability, 100 digests a call, the calls
 * within the environment's concurrency. One call answers for up to 100 blobs where the registry API
 * needs a HEAD each (and undici closes the connection after every HEAD).
 *
 * @internal
 */
import { BatchCheckLayerAvailabilityCommand, type BatchCheckLayerAvailabilityCommandOutput } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as t from 'io-ts'
import type { EcrEnv } from '../Env'
import * as EcrError from '../EcrError'
import { decode, struct } from './codec'
import { traverseRTE } from './concurrency'
import { BATCH_LIMIT, chunksOf } from './paginate'
import type { RepositoryRef } from './refs'
import { send } from './send'

/** The blobs BatchCheckLayerAvailability says are `AVAILABLE`, with their size when given. */
export type Availability = ReadonlyArray<{ readonly digest: string; readonly size?: number }>

const LayerC = /*#__PURE__*/ struct('Layer', {}, { layerDigest: t.string, layerAvailability: t.string, layerSize: t.number })
const LayerFailureC = /*#__PURE__*/ struct('LayerFailure', {}, { layerDigest: t.string, failureCode: t.string, failureReason: t.string })
const AvailabilityC = /*#__PURE__*/ struct(
  'BatchCheckLayerAvailability',
  {},
  {
    layers: /*#__PURE__*/ t.readonlyArray(LayerC, 'an array of layers'),
    failures: /*#__PURE__*/ t.readonlyArray(LayerFailureC, 'an array of layer failures')
  }
)

/**
 * BatchCheckLayerAvailability: the blobs it says are `AVAILABLE`, with their size when given (the
 * others are missing). A failure code other than `MissingLayerDigest` is an `AwsError`.
 */
export const availability = (out: BatchCheckLayerAvailabilityCommandOutput): E.Either<EcrError.EcrError, Availability> =>
  pipe(
    decode('BatchCheckLayerAvailability response', AvailabilityC)(out),
    E.flatMap((o) => {
      const other = (o.failures ?? []).find((f) => f.failureCode !== 'MissingLayerDigest')
      if (other !== undefined)
        return E.left(
          EcrError.awsError(
            'BatchCheckLayerAvailability',
            other.failureCode ?? 'UnknownFailure',
            `${other.layerDigest ?? '?'}: ${other.failureReason ?? other.failureCode ?? 'failed'}`,
            false
          )
        )
      return E.right(
        (o.layers ?? []).flatMap((l) =>
          l.layerDigest === undefined || l.layerAvailability !== 'AVAILABLE'
            ? []
            : [{ digest: l.layerDigest, ...(l.layerSize === undefined ? {} : { size: l.layerSize }) }]
        )
      )
    })
  )

/** The environment BatchCheckLayerAvailability runs in. */
export type LayersEnv = Pick<EcrEnv, 'ecr' | 'callTimeoutMs' | 'limiter' | 'rateLimits' | 'concurrency'> & { readonly signal?: AbortSignal }

/**
 * The blobs of `digests` the repository has, with their sizes (`undefined` when ECR gives none):
 * BatchCheckLayerAvailability by 100, at most `concurrency` calls at once. A digest asked twice is
 * asked once.
 */
export const blobSizes = (
  ref: RepositoryRef,
  digests: ReadonlyArray<string>
): RTE.ReaderTaskEither<LayersEnv, EcrError.EcrError, ReadonlyMap<string, number | undefined>> =>
  pipe(
    chunksOf([...new Set(digests)], BATCH_LIMIT),
    traverseRTE((chunk: ReadonlyArray<string>): RTE.ReaderTaskEither<LayersEnv, EcrError.EcrError, Availability> =>
      pipe(
        send(
          new BatchCheckLayerAvailabilityCommand({ registryId: ref.accountId, repositoryName: ref.repositoryName, layerDigests: [...chunk] }),
          ref.repositoryName
        ),
        RTE.flatMapEither(availability)
      )
    ),
    RTE.map((answers) => new Map(answers.flat().map((b): [string, number | undefined] => [b.digest, b.size])))
  )
