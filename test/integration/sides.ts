/**
 * The pieces the integration tests build each side of a copy from: a fetch through one undici
 * dispatcher, a twin whose login points at a real registry (its blob checks answered there), and
 * repository refs.
 */
import { fetch as undiciFetch, type Dispatcher } from 'undici'
import { BatchCheckLayerAvailabilityCommand } from '@aws-sdk/client-ecr'
import type { EcrEnv, HttpEnv } from '../../src/Env'
import type { AccountId, Region, RepositoryName } from '../../src/Primitives'
import type { RepositoryRef } from '../../src/internal/refs'
import * as InMemoryEcr from '../../src/testing/InMemoryEcr'
import { blobAvailability } from './ecrOverRegistry'

/** An account and a region, as plain strings. */
export interface At {
  readonly accountId: string
  readonly region: string
}

/** undici's fetch through `dispatcher`, typed as the global one (undici's implementation of it). */
export const fetchWith =
  (dispatcher: Dispatcher): HttpEnv['fetch'] =>
  (input, init) =>
    undiciFetch(input, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1]) as unknown as Promise<Response>

/**
 * A twin of `at` whose login points at the registry `reg`. The twin holds none of the registry's
 * blobs, so its BatchCheckLayerAvailability is answered from the registry (as ECR's API answers
 * from its own storage; through `dispatcher` when given, else the global fetch); every other
 * command is the twin's.
 */
export const twinFor = (reg: { readonly url: string; readonly password: string }, at: At, dispatcher?: Dispatcher): InMemoryEcr.InMemoryEcr => {
  const twin = InMemoryEcr.make({ ...at, proxyEndpoint: reg.url, password: reg.password })
  const layersFromRegistry = (inner: EcrEnv['ecr']): EcrEnv['ecr'] => {
    const send = async (command: { readonly input: unknown }): Promise<unknown> => {
      if (!(command instanceof BatchCheckLayerAvailabilityCommand)) return (inner.send as (c: unknown) => Promise<unknown>)(command)
      const { repositoryName, layerDigests } = command.input
      const access = { url: reg.url, username: 'AWS', password: reg.password, ...(dispatcher === undefined ? {} : { dispatcher }) }
      return { ...(await blobAvailability(access, repositoryName ?? '', layerDigests ?? [])), $metadata: {} }
    }
    // `send` answers any command with the SDK's conventions; the client's overloaded signature cannot be written for it
    return { send: send as unknown as EcrEnv['ecr']['send'] }
  }
  return { ...twin, ecr: layersFromRegistry(twin.ecr), env: { ...twin.env, ecr: layersFromRegistry(twin.env.ecr) } }
}

/** The repository `name` of `at`. */
export const repo = (at: At, name: string): RepositoryRef => ({
  accountId: at.accountId as AccountId,
  region: at.region as Region,
  repositoryName: name as RepositoryName
})
