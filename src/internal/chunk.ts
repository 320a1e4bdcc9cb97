/**
 * Splits an array into chunks of at most `size` items (ECR batch calls take at most 100 ids).
 *
 * @internal
 */
export const chunksOf =
  (size: number) =>
  <A>(as: ReadonlyArray<A>): ReadonlyArray<ReadonlyArray<A>> => {
    const n = Math.max(1, Math.floor(size))
    const out: Array<ReadonlyArray<A>> = []
    for (let i = 0; i < as.length; i += n) out.push(as.slice(i, i + n))
    return out
  }

/** ECR's limit for `imageIds`, `layerDigests` and `repositoryNames` in one call. */
export const BATCH_LIMIT = 100
