/**
 * Environment -> environment wrappers for the CLI's global options, applied to whatever
 * environment `Io.makeEnv` built (the AWS SDK's, or the twin in tests):
 *
 * - `--registry-endpoint URL`: the registry API is reached at URL instead of the login's
 *   `proxyEndpoint` (GetAuthorizationToken's answer is rewritten, so every registry request, small
 *   or streamed, goes there);
 * - `--verbose`: the library's log lines go to stderr.
 *
 * Loaded only when an environment is built with one of these options: it loads the AWS SDK.
 */
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr'
import { withEcrLogging, type EcrEnv, type Logger } from '../Env'
import { showValue } from '../internal/codec'
import { likeInner } from '../internal/send'
import type { GlobalOptions } from './context'

type Send = EcrEnv['ecr']['send']

/** `url` without the slashes it ends with: the library appends `/v2/...`. */
export const registryBase = (url: string): string => url.replace(/\/+$/, '')

/** GetAuthorizationToken's answer with every `authorizationData[].proxyEndpoint` set to `url`; any other value as it is. */
export const withProxyEndpoint = (out: unknown, url: string): unknown => {
  if (typeof out !== 'object' || out === null || !('authorizationData' in out) || !Array.isArray(out.authorizationData)) return out
  return {
    ...out,
    authorizationData: out.authorizationData.map((d: unknown) => (typeof d === 'object' && d !== null ? { ...d, proxyEndpoint: url } : d))
  }
}

/** The environment with its registry API at `url`: logins name `url` as their endpoint. */
export const withRegistryEndpoint =
  (url: string) =>
  <R extends EcrEnv>(env: R): R => {
    const base = registryBase(url)
    const send = (async (command: unknown, ...rest: ReadonlyArray<unknown>) => {
      // called on env.ecr (the parentheses keep it as `this`): an SDK client's send needs it
      const out: unknown = await (env.ecr.send as (c: unknown, ...r: ReadonlyArray<unknown>) => Promise<unknown>)(command, ...rest)
      return command instanceof GetAuthorizationTokenCommand ? withProxyEndpoint(out, base) : out
    }) as Send
    // the wrapper bounds its attempts when the wrapped send does (deadlines stay per attempt)
    return { ...env, ecr: likeInner(env.ecr, { send }) }
  }

/** Log lines on stderr: `debug: ecr call {"operation":"DescribeImages"}`. */
export const stderrLogger = (write: (text: string) => void): Logger => {
  const line =
    (level: string) =>
    (message: string, meta?: Readonly<Record<string, unknown>>): void =>
      write(`${level}: ${message}${meta === undefined ? '' : ` ${showValue(meta, 400)}`}\n`)
  return { debug: line('debug'), info: line('info'), warn: line('warn') }
}

/** Every wrapper the options ask for. */
export const forOptions =
  (options: GlobalOptions, write: (text: string) => void) =>
  <R extends EcrEnv>(env: R): R => {
    const pointed = options.registryEndpoint === undefined ? env : withRegistryEndpoint(options.registryEndpoint)(env)
    if (!options.verbose) return pointed
    const logger = stderrLogger(write)
    // ECR calls are told by the logging middleware, registry requests by the wire layer (env.logger)
    return { ...withEcrLogging<R>(logger)(pointed), logger }
  }
