/**
 * Follows `nextToken` until a page comes without one, whatever `maxResults` the server honoured.
 * A token seen twice ends the walk with an error instead of looping forever (emulators have been
 * seen to do that), and so does a walk that would go past the environment's paging cap
 * (`EcrEnv.paging`: 1,000,000 items or 10,000 pages by default), so a server answering a fresh
 * token forever cannot make a read run, or grow, without end.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import type { EcrEnv, Paging } from '../Env'
import * as EcrError from '../EcrError'

/** ECR's largest page for ListImages, DescribeImages and DescribeRepositories. */
export const MAX_RESULTS = 1000

/** ECR's limit for `imageIds`, `layerDigests` and `repositoryNames` in one call. */
export const BATCH_LIMIT = 100

/** The most items one paginated read collects unless `paging.maxItems` says otherwise. */
export const DEFAULT_MAX_ITEMS = 1_000_000

/** The most pages one paginated read asks for unless `paging.maxPages` says otherwise. */
export const DEFAULT_MAX_PAGES = 10_000

/** The code of the `AwsError` a read stopped by the paging cap fails with. */
export const PAGING_LIMIT_EXCEEDED = 'PagingLimitExceeded'

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextToken?: string | undefined
}

/** The cap of the environment: each of `maxItems` and `maxPages` when at least 1, else its default. */
export const pagingOf = (env: Pick<EcrEnv, 'paging'>): Required<Paging> => {
  const { maxItems, maxPages } = env.paging ?? {}
  return {
    maxItems: maxItems !== undefined && maxItems >= 1 ? maxItems : DEFAULT_MAX_ITEMS,
    maxPages: maxPages !== undefined && maxPages >= 1 ? maxPages : DEFAULT_MAX_PAGES
  }
}

/** What a read stopped by the cap fails with: which operation, which cap, and how to raise it. */
const capError = (operation: string, cap: number, field: keyof Paging): EcrError.EcrError =>
  EcrError.awsError(
    operation,
    PAGING_LIMIT_EXCEEDED,
    `${operation}: stopped at the paging cap of ${cap.toLocaleString('en-US')} ${field === 'maxItems' ? 'items' : 'pages'} with more announced; raise EcrEnv.paging.${field} to read further`,
    false
  )

export const paginate =
  <R, A>(
    operation: string,
    fetchPage: (nextToken: string | undefined) => RTE.ReaderTaskEither<R, EcrError.EcrError, Page<A>>
  ): RTE.ReaderTaskEither<R & Pick<EcrEnv, 'paging'>, EcrError.EcrError, ReadonlyArray<A>> =>
  (r) =>
  async () => {
    const { maxItems, maxPages } = pagingOf(r)
    const all: Array<A> = []
    const seen = new Set<string>()
    let token: string | undefined = undefined
    for (let pages = 1; ; pages++) {
      const page: E.Either<EcrError.EcrError, Page<A>> = await fetchPage(token)(r)()
      if (E.isLeft(page)) return page
      if (all.length + page.right.items.length > maxItems)
        return E.left(capError(operation, maxItems, 'maxItems'))
      for (const item of page.right.items) all.push(item)
      const next: string | undefined = page.right.nextToken
      if (next === undefined || next === '') return E.right(all)
      if (seen.has(next))
        return E.left(EcrError.awsError(operation, 'PaginationLoop', `the service returned nextToken ${JSON.stringify(next.slice(0, 32))} twice`, false))
      if (pages >= maxPages) return E.left(capError(operation, maxPages, 'maxPages'))
      seen.add(next)
      token = next
    }
  }

/** `xs` in chunks of at most `n`. */
export const chunksOf = <A>(xs: ReadonlyArray<A>, n: number): ReadonlyArray<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n))
  return out
}
