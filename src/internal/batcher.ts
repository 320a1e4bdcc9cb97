/**
 * A DataLoader-style batcher: requests made during one tick that share an owner and a group are
 * handed to one `run` together (in chunks of at most `maxBatch` distinct requests), and each request
 * gets its own answer back.
 *
 * - The owner is an object of the caller's environment (for image reads: the ECR capability
 *   `env.ecr`). Each batcher keeps its pending batches in a `WeakMap` keyed by the owner, so the
 *   state belongs to that object and goes with it: nothing outlives the environment, and two
 *   environments with different capabilities never share a call. A `{ ...env }` spread keeps the
 *   capability, and so does middleware applied once with `RTE.local` around the work; middleware
 *   that wraps the capability gets batches of its own, sent through its own wrapper.
 * - One tick: the batch is sent when the event loop reaches its next check phase (`setImmediate`),
 *   after every promise continuation already queued has run, so all the reads a concurrent traversal
 *   starts arrive in one batch whatever chain of `flatMap`s leads each of them there.
 * - Identical requests (same `keyOf`) in one batch are asked once; each caller gets the answer.
 * - `run` gets the environment of the batch's first request and the batch's distinct requests, and
 *   answers one result per request, in order. It must not reject; if it does anyway, `onFailure`
 *   makes the result every request of that chunk gets.
 *
 * @internal
 */

/** How a batcher groups, sends and answers requests of type `Q` made with environment `R`. */
export interface BatcherOptions<R, Q, A> {
  /** The object whose batches a request joins (requests of different owners are never batched together). */
  readonly ownerOf: (r: R) => object
  /** Requests of one owner are batched together when their groups are equal. */
  readonly groupOf: (q: Q) => string
  /** Requests with equal keys in one batch are one request. */
  readonly keyOf: (q: Q) => string
  /** The most distinct requests one `run` gets; a bigger batch is split into chunks run concurrently. */
  readonly maxBatch: number
  /** Answers the requests of one chunk, one result per request, in order. */
  readonly run: (r: R, requests: ReadonlyArray<Q>) => Promise<ReadonlyArray<A>>
  /** The result of every request of a chunk whose `run` rejected, or answered too few results. */
  readonly onFailure: (e: unknown) => A
}

interface Pending<Q, A> {
  readonly request: Q
  readonly waiters: Array<(a: A) => void>
}

interface Batch<R, Q, A> {
  readonly env: R
  readonly requests: Map<string, Pending<Q, A>>
}

/** The next check phase of the event loop (`setImmediate`), or a zero timeout where there is none. */
const nextTick = (f: () => void): void => {
  if (typeof globalThis.setImmediate === 'function') globalThis.setImmediate(f)
  else globalThis.setTimeout(f, 0)
}

const chunksOf = <T>(n: number, ts: ReadonlyArray<T>): ReadonlyArray<ReadonlyArray<T>> => {
  const size = Math.max(1, Math.floor(n))
  const out: Array<ReadonlyArray<T>> = []
  for (let i = 0; i < ts.length; i += size) out.push(ts.slice(i, i + size))
  return out
}

/**
 * A batched form of `options.run`: `load(q)(r)()` joins the batch of the current tick for `r`'s owner
 * and `q`'s group, and resolves with `q`'s own result.
 */
export const makeBatcher = <R, Q, A>(options: BatcherOptions<R, Q, A>): ((q: Q) => (r: R) => () => Promise<A>) => {
  const pending = new WeakMap<object, Map<string, Batch<R, Q, A>>>()

  const runChunk = (env: R, chunk: ReadonlyArray<Pending<Q, A>>): void => {
    const answer = (results: ReadonlyArray<A>): void => {
      const all =
        results.length === chunk.length
          ? results
          : chunk.map(() => options.onFailure(new Error(`the batch answered ${results.length} results for ${chunk.length} requests`)))
      all.forEach((result, i) => chunk[i]?.waiters.forEach((w) => w(result)))
    }
    Promise.resolve()
      .then(() => options.run(env, chunk.map((p) => p.request)))
      .then(answer, (e: unknown) => answer(chunk.map(() => options.onFailure(e))))
  }

  const flush = (owner: object, group: string, batch: Batch<R, Q, A>): void => {
    const batches = pending.get(owner)
    if (batches?.get(group) === batch) batches.delete(group)
    if (batches !== undefined && batches.size === 0) pending.delete(owner)
    chunksOf(options.maxBatch, [...batch.requests.values()]).forEach((chunk) => runChunk(batch.env, chunk))
  }

  return (q) => (r) => () =>
    new Promise<A>((resolve) => {
      const owner = options.ownerOf(r)
      const group = options.groupOf(q)
      const batches = pending.get(owner) ?? new Map<string, Batch<R, Q, A>>()
      pending.set(owner, batches)
      const existing = batches.get(group)
      const batch: Batch<R, Q, A> = existing ?? { env: r, requests: new Map() }
      if (existing === undefined) {
        batches.set(group, batch)
        nextTick(() => flush(owner, group, batch))
      }
      const key = options.keyOf(q)
      const same = batch.requests.get(key)
      if (same !== undefined) same.waiters.push(resolve)
      else batch.requests.set(key, { request: q, waiters: [resolve] })
    })
}
