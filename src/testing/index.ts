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
   */
  CreateRepositoryOptions,
  /**
   * @category model
   * @since 0.1.0
   */
  EcrCall,
  /**
   * @category model
   * @since 0.1.0
   */
  Fault,
  /**
   * @category model
   * @since 0.1.0
   */
  FaultAnswer,
  /**
   * @category model
   * @since 0.1.0
   */
  FaultCall,
  /**
   * @category model
   * @since 0.1.0
   */
  HttpCall,
  /**
   * @category model
   * @since 0.1.0
   */
  Options,
  /**
   * @category model
   * @since 0.1.0
   */
  Platform,
  /**
   * @category model
   * @since 0.1.0
   */
  PushedChild,
  /**
   * @category model
   * @since 0.1.0
   */
  PushedImage,
  /**
   * @category model
   * @since 0.1.0
   */
  PushImageOptions
} from './InMemoryEcr'
