/**
 * The pieces the integration tests build each side of a copy from: a fetch through one undici
 * dispatcher, a twin whose login points at a real registry, and repository refs.
 */
import { fetch as undiciFetch, type Dispatcher } from 'undici'
import type { HttpEnv } from '../../src/Env'
import type { AccountId, Region, RepositoryName } from '../../src/Primitives'
import type { RepositoryRef } from '../../src/internal/refs'
import * as InMemoryEcr from '../../src/testing/InMemoryEcr'

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

/** A twin of `at` whose login points at the registry `reg`. */
export const twinFor = (reg: { readonly url: string; readonly password: string }, at: At): InMemoryEcr.InMemoryEcr =>
  InMemoryEcr.make({ ...at, proxyEndpoint: reg.url, password: reg.password })

/** The repository `name` of `at`. */
export const repo = (at: At, name: string): RepositoryRef => ({
  accountId: at.accountId as AccountId,
  region: at.region as Region,
  repositoryName: name as RepositoryName
})
