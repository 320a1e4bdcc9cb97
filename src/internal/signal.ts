/**
 * A signal to pass down a long operation. Its requests, permit waits and streams each listen to
 * the operation's signal while they are pending, and Node warns ("possible EventTarget memory
 * leak") past 10 listeners on one signal: the operation listens to the caller's signal once and
 * hands down its own, which takes any number of listeners.
 *
 * @internal
 */
import { setMaxListeners } from 'node:events'

export interface Followed {
  /** Aborted when the caller's signal is, with its reason. */
  readonly signal: AbortSignal
  /** Stops following (removes the one listener from the caller's signal). */
  readonly done: () => void
}

/** A signal that follows `outer`, for any number of listeners. */
export const follow = (outer: AbortSignal): Followed => {
  const inner = new AbortController()
  setMaxListeners(0, inner.signal)
  if (outer.aborted) {
    inner.abort(outer.reason)
    return { signal: inner.signal, done: () => undefined }
  }
  const onAbort = (): void => inner.abort(outer.reason)
  outer.addEventListener('abort', onAbort, { once: true })
  return { signal: inner.signal, done: () => outer.removeEventListener('abort', onAbort) }
}

/** Runs `run` with a signal following `outer` (none without one), and stops following when it settles. */
export const following = async <A>(outer: AbortSignal | undefined, run: (signal: AbortSignal | undefined) => Promise<A>): Promise<A> => {
  const followed = outer === undefined ? undefined : follow(outer)
  try {
    return await run(followed?.signal)
  } finally {
    followed?.done()
  }
}
