/**
 * An AbortSignal that counts the `abort` listeners added to it: how many a long operation hangs on
 * its caller's signal (Node warns past 10).
 */
export interface CountingSignal {
  readonly signal: AbortSignal
  /** `abort` listeners added so far (removed ones included). */
  readonly abortListeners: () => number
}

export const countingSignal = (): CountingSignal => {
  const controller = new AbortController()
  let listeners = 0
  const add = controller.signal.addEventListener.bind(controller.signal)
  controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
    if (args[0] === 'abort') listeners++
    return add(...args)
  }) as typeof add
  return { signal: controller.signal, abortListeners: () => listeners }
}
