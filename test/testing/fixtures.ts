// Helpers shared by the twin's tests.
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import type { InMemoryEcr as Twin } from '../../src/testing/InMemoryEcr'
import type { PushedImage, PushImageOptions } from '../../src/testing/InMemoryEcr'

/** The rejection of a promise; fails the test when it resolves. */
export const rejection = async (p: Promise<unknown>): Promise<Record<string, unknown> & Error> => {
  try {
    const value = await p
    throw new Error(`expected a rejection, got ${JSON.stringify(value)}`)
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('expected a rejection')) throw e
    return e as Record<string, unknown> & Error
  }
}

/** Pushes or fails the test. */
export const push = (twin: Twin, repositoryName: string, options?: PushImageOptions): PushedImage => {
  const r = twin.pushImage(repositoryName, options)
  if (E.isLeft(r)) throw new Error(`push failed: ${r.left.message}`)
  return r.right
}

/** `Basic <token>` from GetAuthorizationToken. */
export const authorization = async (twin: Twin): Promise<string> => {
  const out = await twin.ecr.send(new GetAuthorizationTokenCommand({}))
  return `Basic ${out.authorizationData?.[0]?.authorizationToken ?? ''}`
}

export const url = (twin: Twin, path: string): string => `${twin.proxyEndpoint}${path}`
