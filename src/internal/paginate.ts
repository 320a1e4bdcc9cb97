/**
 * Follows `nextToken` until a page comes without one, whatever `maxResults` the server honoured.
 * A token seen twice ends the walk with an error instead of looping forever (emulators have been
 * seen to do that).
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import * as EcrError from '../EcrError'

/** ECR's largest page for ListImages, DescribeImages and DescribeRepositories. */
export const MAX_RESULTS = 1000

/** ECR's limit for `imageIds`, `layerDigests` and `repositoryNames` in one call. */
export const BATCH_LIMIT = 100

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextToken?: string | undefined
}

export const paginate =
  <R, A>(
    operation: string,
    fetchPage: (nextToken: string | undefined) => RTE.ReaderTaskEither<R, EcrError.EcrError, Page<A>>
  ): RTE.ReaderTaskEither<R, EcrError.EcrError, ReadonlyArray<A>> =>
  (r) =>
  async () => {
    const all: Array<A> = []
    const seen = new Set<string>()
    let token: string | undefined = undefined
    for (;;) {
      const page: E.Either<EcrError.EcrError, Page<A>> = await fetchPage(token)(r)()
      if (E.isLeft(page)) return page
      for (const item of page.right.items) all.push(item)
      const next: string | undefined = page.right.nextToken
      if (next === undefined || next === '') return E.right(all)
      if (seen.has(next))
        return E.left(EcrError.awsError(operation, 'PaginationLoop', `the service returned nextToken ${JSON.stringify(next.slice(0, 32))} twice`, false))
      seen.add(next)
      token = next
    }
  }
