/**
 * The fetch `Env.make` gives an environment that names none: `globalThis.fetch`, looked up per call,
 * so a runtime without one fails the request, not the import. Copies recognise it: when an
 * environment's `fetch` is this one, their small registry requests may take the environment's
 * undici dispatcher instead (see `wire.ts`, `SMALL_REQUESTS`); a fetch the caller passed is always
 * the one used.
 *
 * @internal
 */

/** The code of the error `builtinFetch` fails with; the registry client turns it into an `InvalidArgument`. */
export const NO_GLOBAL_FETCH = 'ERR_ECR_NO_GLOBAL_FETCH'

/** `globalThis.fetch`, looked up per call. */
export const builtinFetch = (input: string, init?: RequestInit): Promise<Response> =>
  typeof globalThis.fetch === 'function'
    ? globalThis.fetch(input, init)
    : Promise.reject(
        Object.assign(new Error('no global fetch in this runtime (Node 18 or later has one): pass `fetch` to Env.make'), {
          code: NO_GLOBAL_FETCH
        })
      )

/** Whether `fetch` is the one `Env.make` chose (not one the caller passed). */
export const isBuiltinFetch = (fetch: unknown): boolean => fetch === builtinFetch
