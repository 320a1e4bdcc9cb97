import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  PutImageCommand,
  type ECRClient
} from '@aws-sdk/client-ecr'
import { isRetryable, operationName, send } from '../../src/internal/send'

describe('operationName', () => {
  it("is the command's operation", () => {
    expect(operationName(new DescribeImagesCommand({ repositoryName: 'a' }))).toBe('DescribeImages')
    expect(operationName(new BatchGetImageCommand({ repositoryName: 'a', imageIds: [] }))).toBe('BatchGetImage')
    expect(operationName(new GetAuthorizationTokenCommand({}))).toBe('GetAuthorizationToken')
    expect(operationName(new PutImageCommand({ repositoryName: 'a', imageManifest: '{}' }))).toBe('PutImage')
  })
})

describe('send', () => {
  const env = (f: () => Promise<unknown>) => ({ ecr: { send: f as unknown as ECRClient['send'] } })

  it('answers the output as it came', async () => {
    const out = { $metadata: {}, repositories: [] }
    expect(await send(new DescribeRepositoriesCommand({}))(env(() => Promise.resolve(out)))()).toEqual(E.right(out))
  })

  it('turns any rejection or throw into an EcrError naming the operation, never a rejection', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.boolean(), async (reason, sync) => {
        const f = sync
          ? () => {
              throw reason
            }
          : () => Promise.reject(reason)
        const r = await send(new DescribeRepositoriesCommand({}), 'app')(env(f))()
        expect(E.isLeft(r)).toBe(true)
        if (E.isLeft(r) && r.left._tag === 'AwsError') expect(r.left.operation).toBe('DescribeRepositories')
      })
    )
  })

  it('a not-found exception is NotFound naming the id', async () => {
    const r = await send(new DescribeRepositoriesCommand({}), 'ghost')(
      env(() => Promise.reject(Object.assign(new Error('gone'), { name: 'RepositoryNotFoundException' })))
    )()
    expect(r).toEqual(E.left(expect.objectContaining({ _tag: 'NotFound', resource: 'Repository', id: 'ghost' })))
  })
})

describe('isRetryable', () => {
  it('throttling, server errors and network resets are; a missing resource is not', () => {
    expect(isRetryable(Object.assign(new Error('x'), { name: 'ThrottlingException' }))).toBe(true)
    expect(isRetryable(Object.assign(new Error('x'), { name: 'ServerException', $metadata: { httpStatusCode: 500 } }))).toBe(true)
    expect(isRetryable(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true)
    expect(isRetryable(Object.assign(new Error('x'), { name: 'RepositoryNotFoundException' }))).toBe(false)
    fc.assert(fc.property(fc.anything(), (u) => typeof isRetryable(u) === 'boolean'))
  })
})
