/**
 * Test doubles for programs built on ecr-fp-ts: `InMemoryEcr`, an in-memory twin of one Amazon ECR
 * registry (the ECR API and the registry HTTP API over one store).
 *
 * @since 0.1.0
 * @example
 * import { InMemoryEcr } from 'ecr-fp-ts/testing'
 * import * as E from 'fp-ts/Either'
 *
 * const twin = InMemoryEcr.make()
 * assert.strictEqual(twin.accountId, '123456789012')
 * assert.strictEqual(twin.region, 'us-east-1')
 * const pushed = twin.pushImage('app', { tag: 'v1' })
 * assert.strictEqual(E.isRight(pushed) && twin.hasBlob('app', pushed.right.configDigest ?? ''), true)
 */

/**
 * The in-memory ECR twin: `InMemoryEcr.make(options)`.
 *
 * @category testing
 * @since 0.1.0
 */
export * as InMemoryEcr from './InMemoryEcr'

export type {
  /**
   * @category model
   * @since 0.1.0
   * @example
   * import type { CreateRepositoryOptions } from 'ecr-fp-ts/testing'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   *
   * const twin = InMemoryEcr.make()
   * const options: CreateRepositoryOptions = { imageTagMutability: 'IMMUTABLE' }
   * assert.deepStrictEqual(twin.createRepository('app', options), E.right(undefined))
   * const again = twin.createRepository('app', options)
   * assert.strictEqual(E.isLeft(again) && again.left._tag, 'AlreadyExists')
   */
  CreateRepositoryOptions,
  /**
   * @category model
   * @since 0.1.0
   * @example
   * import type { EcrCall } from 'ecr-fp-ts/testing'
   * import * as Registry from 'ecr-fp-ts/Registry'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   *
   * const twin = InMemoryEcr.make()
   * Registry.getLogin()(twin.env)().then(() => {
   *   const calls: ReadonlyArray<EcrCall> = twin.calls
   *   assert.deepStrictEqual(calls.map((c) => c.operation), ['GetAuthorizationToken'])
   * })
   */
  EcrCall,
  /**
   * @category model
   * @since 0.1.0
   * @example
   * import type { Fault } from 'ecr-fp-ts/testing'
   * import * as Repository from 'ecr-fp-ts/Repository'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   * import { pipe } from 'fp-ts/function'
   * import * as RTE from 'fp-ts/ReaderTaskEither'
   *
   * const noTags: Fault = (call) => (call.kind === 'ecr' && call.operation === 'ListTagsForResource' ? 'missing-fields' : undefined)
   * const twin = InMemoryEcr.make()
   * twin.createRepository('app', { tags: [{ Key: 'team', Value: 'infra' }] })
   * twin.setFault(noTags)
   * pipe(Repository.make('app'), RTE.flatMap(Repository.getResourceTags))(twin.env)().then((r) => {
   *   assert.deepStrictEqual(r, E.right([]))
   * })
   */
  Fault,
  /**
   * @category model
   * @since 0.1.0
   * @example
   * import type { FaultAnswer } from 'ecr-fp-ts/testing'
   * import * as Image from 'ecr-fp-ts/Image'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   * import { pipe } from 'fp-ts/function'
   * import * as RTE from 'fp-ts/ReaderTaskEither'
   *
   * const twin = InMemoryEcr.make()
   * twin.pushImage('app', { tag: 'v1' })
   * const forbidden: FaultAnswer = { status: 403 }
   * twin.setFault((call) => (call.kind === 'http' ? forbidden : undefined))
   * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfig(ref)))(twin.env)().then((r) => {
   *   assert.deepStrictEqual(pipe(r, E.mapLeft((e) => (e._tag === 'HttpError' ? e.status : e._tag))), E.left(403))
   * })
   */
  FaultAnswer,
  /**
   * @category model
   * @since 0.1.0
   * @example
   * import type { FaultCall } from 'ecr-fp-ts/testing'
   * import * as Image from 'ecr-fp-ts/Image'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import { pipe } from 'fp-ts/function'
   * import * as RTE from 'fp-ts/ReaderTaskEither'
   *
   * const twin = InMemoryEcr.make()
   * twin.pushImage('app', { tag: 'v1' })
   * const asked: Array<FaultCall> = []
   * twin.setFault((call) => {
   *   asked.push(call)
   *   return undefined
   * })
   * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfig(ref)))(twin.env)().then(() => {
   *   assert.deepStrictEqual(asked.map((c) => (c.kind === 'ecr' ? c.operation : c.method)), ['BatchGetImage', 'GetAuthorizationToken', 'GET'])
   * })
   */
  FaultCall,
  /**
   * @category model
   * @since 0.1.0
   * @example
   * import type { HttpCall } from 'ecr-fp-ts/testing'
   * import * as Image from 'ecr-fp-ts/Image'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   * import { pipe } from 'fp-ts/function'
   * import * as RTE from 'fp-ts/ReaderTaskEither'
   *
   * const twin = InMemoryEcr.make()
   * const pushed = twin.pushImage('app', { tag: 'v1' })
   * assert.ok(E.isRight(pushed))
   * pipe(Image.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'), RTE.flatMap((ref) => Image.getConfig(ref)))(twin.env)().then(() => {
   *   const calls: ReadonlyArray<HttpCall> = twin.httpCalls
   *   const url = `${twin.proxyEndpoint}/v2/app/blobs/${pushed.right.configDigest}`
   *   assert.deepStrictEqual(calls, [{ method: 'GET', url, authorization: true }])
   * })
   */
  HttpCall,
  /**
   * @category model
   * @since 0.1.0
   * @example
   * import type { Options } from 'ecr-fp-ts/testing'
   * import * as Registry from 'ecr-fp-ts/Registry'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   *
   * const now = new Date('2024-01-01T00:00:00Z')
   * const options: Options = { now: () => now, tokenTtlMs: 60_000 }
   * Registry.getLogin()(InMemoryEcr.make(options).env)().then((r) => {
   *   assert.deepStrictEqual(E.map((l: { readonly expiresAt: Date }) => l.expiresAt)(r), E.right(new Date('2024-01-01T00:01:00Z')))
   * })
   */
  Options,
  /**
   * @category model
   * @since 0.1.0
   * @example
   * import type { Platform } from 'ecr-fp-ts/testing'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   *
   * const arm: Platform = { os: 'linux', architecture: 'arm64' }
   * const single = InMemoryEcr.make().pushImage('app', { platforms: [arm], index: false })
   * assert.ok(E.isRight(single))
   * assert.strictEqual(single.right.mediaType, 'application/vnd.docker.distribution.manifest.v2+json')
   * assert.deepStrictEqual(single.right.children, [])
   */
  Platform,
  /**
   * @category model
   * @since 0.1.0
   * @example
   * import type { PushedChild } from 'ecr-fp-ts/testing'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   *
   * const pushed = InMemoryEcr.make().pushImage('app', {
   *   platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }]
   * })
   * assert.ok(E.isRight(pushed))
   * const children: ReadonlyArray<PushedChild> = pushed.right.children
   * assert.deepStrictEqual(children.map((c) => c.platform.architecture), ['amd64', 'arm64'])
   * assert.ok(children.every((c) => pushed.right.manifest.includes(c.imageDigest)))
   */
  PushedChild,
  /**
   * @category model
   * @since 0.1.0
   * @example
   * import type { PushedImage } from 'ecr-fp-ts/testing'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   *
   * const result = InMemoryEcr.make().pushImage('app', { tag: 'v1', platforms: [{ os: 'linux', architecture: 'amd64' }] })
   * assert.ok(E.isRight(result))
   * const index: PushedImage = result.right
   * assert.strictEqual(index.mediaType, 'application/vnd.docker.distribution.manifest.list.v2+json')
   * assert.strictEqual(index.configDigest, undefined)
   * assert.deepStrictEqual([index.layerDigests, index.children.length], [[], 1])
   */
  PushedImage,
  /**
   * @category model
   * @since 0.1.0
   * @example
   * import type { PushImageOptions } from 'ecr-fp-ts/testing'
   * import { InMemoryEcr } from 'ecr-fp-ts/testing'
   * import * as E from 'fp-ts/Either'
   *
   * const twin = InMemoryEcr.make()
   * const options: PushImageOptions = { tag: 'v1', createRepository: false }
   * const missing = twin.pushImage('app', options)
   * assert.strictEqual(E.isLeft(missing) && missing.left._tag, 'NotFound')
   * twin.createRepository('app')
   * assert.ok(E.isRight(twin.pushImage('app', options)))
   */
  PushImageOptions
} from './types'
