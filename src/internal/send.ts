/**
 * Sends one ECR API command through `env.ecr.send`, turning every rejection (and a synchronous
 * throw) into an `EcrError`. All ECR calls of the library go through here.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import type { EcrEnv } from '../Env'
import type { EcrError } from '../EcrError'
import { fromAwsError } from './awsError'

/**
 * `send<DescribeImagesCommandOutput>('DescribeImages', new DescribeImagesCommand(input), id)`: `id` names
 * the repository or image for `NotFound` / `AlreadyExists` errors.
 */
export const send =
  <O>(operation: string, command: unknown, id?: string): RTE.ReaderTaskEither<EcrEnv, EcrError, O> =>
  (env) =>
  async () => {
    try {
      env.logger?.debug('ecr call', { operation })
      const out = await (env.ecr.send as (c: unknown) => Promise<unknown>)(command)
      return E.right((out ?? {}) as O)
    } catch (e) {
      return E.left(fromAwsError(operation, id)(e))
    }
  }
