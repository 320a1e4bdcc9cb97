// Paginated reads stop at a cap: a server answering a fresh nextToken forever ends in a Left that
// names the operation and the cap, after at most `maxPages` calls and `maxItems` items.
import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import type { ECRClient } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import * as RTE from 'fp-ts/ReaderTaskEither'
import type { EcrEnv } from '../src/Env'
import * as Registry from '../src/Registry'
import * as Repository from '../src/Repository'
import { DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGES, PAGING_LIMIT_EXCEEDED, paginate, pagingOf, type Page } from '../src/internal/paginate'
import type { AccountId, Region, RepositoryName } from '../src/Primitives'

const accountId = '123456789012' as AccountId
const region = 'us-east-1' as Region

/** `paginate` over `pages` (the last without a token), counting the pages asked for. */
const over = (pages: ReadonlyArray<ReadonlyArray<number>>) => {
  let asked = 0
  const fetchPage = (token: string | undefined): RTE.ReaderTaskEither<unknown, never, Page<number>> => {
    asked++
    const i = token === undefined ? 0 : Number(token)
    return RTE.right({ items: pages[i] ?? [], ...(i + 1 < pages.length ? { nextToken: String(i + 1) } : {}) })
  }
  return { run: paginate('ListImages', fetchPage), asked: () => asked }
}

describe('pagingOf', () => {
  it('each cap when at least 1, else its default', () => {
    expect(pagingOf({})).toEqual({ maxItems: DEFAULT_MAX_ITEMS, maxPages: DEFAULT_MAX_PAGES })
    expect(DEFAULT_MAX_ITEMS).toBe(1_000_000)
    expect(DEFAULT_MAX_PAGES).toBe(10_000)
    fc.assert(
      fc.property(fc.option(fc.double(), { nil: undefined }), fc.option(fc.double(), { nil: undefined }), (maxItems, maxPages) => {
        const p = pagingOf({ paging: { ...(maxItems === undefined ? {} : { maxItems }), ...(maxPages === undefined ? {} : { maxPages }) } })
        expect(p.maxItems).toBe(maxItems !== undefined && maxItems >= 1 ? maxItems : DEFAULT_MAX_ITEMS)
        expect(p.maxPages).toBe(maxPages !== undefined && maxPages >= 1 ? maxPages : DEFAULT_MAX_PAGES)
      })
    )
  })
})

describe('paginate under a cap', () => {
  it('every item when the pages and items fit the cap; otherwise a Left naming the operation and the cap, and no page past it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer(), { maxLength: 5 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 1, max: 40 }),
        async (pages, maxPages, maxItems) => {
          const p = over(pages)
          const r = await p.run({ paging: { maxPages, maxItems } })()
          const items = pages.flat()
          // the items read before the page that crosses maxItems
          let read = 0
          let crossing = pages.length
          for (const [i, page] of pages.entries()) {
            if (read + page.length > maxItems) {
              crossing = i
              break
            }
            read += page.length
          }
          if (pages.length <= maxPages && items.length <= maxItems) {
            expect(r).toEqual(E.right(items))
          } else {
            expect(E.isLeft(r) && r.left._tag === 'AwsError' && r.left.code).toBe(PAGING_LIMIT_EXCEEDED)
            const cap = crossing < maxPages ? 'maxItems' : 'maxPages'
            expect(E.isLeft(r) && r.left.message).toContain(`ListImages: stopped at the paging cap`)
            expect(E.isLeft(r) && r.left.message).toContain(`raise EcrEnv.paging.${cap}`)
          }
          expect(p.asked()).toBeLessThanOrEqual(maxPages)
        }
      )
    )
  })
})

/** An `ecr.send` answering every DescribeImages / DescribeRepositories with `size` items and a fresh nextToken. */
const endless = (size: number) => {
  let calls = 0
  const f = (command: { readonly input: object }): Promise<unknown> => {
    calls++
    const token = `token-${calls}`
    const hex = calls.toString(16).padStart(64, '0')
    return Promise.resolve(
      'repositoryName' in command.input
        ? {
            $metadata: {},
            nextToken: token,
            imageDetails: Array.from({ length: size }, (_, i) => ({ imageDigest: `sha256:${hex.slice(0, 60)}${i.toString(16).padStart(4, '0')}`, imageTags: [] }))
          }
        : { $metadata: {}, nextToken: token, repositories: Array.from({ length: size }, (_, i) => ({ repositoryName: `r${calls}-${i}` })) }
    )
  }
  // a test double: only the promise form of send is called, with SDK commands (which have `input`)
  return { send: f as unknown as ECRClient['send'], calls: () => calls }
}

describe('a server that answers a fresh nextToken forever', () => {
  const repo = { accountId, region, repositoryName: 'app' as RepositoryName }

  it('DescribeImages stops at maxPages with a Left that says so', async () => {
    const s = endless(10)
    const env: EcrEnv = { ecr: { send: s.send }, accountId, region, paging: { maxPages: 50 } }
    const r = await Repository.listImageDetails(repo)(env)()
    expect(r).toEqual(
      E.left({
        _tag: 'AwsError',
        operation: 'DescribeImages',
        code: 'PagingLimitExceeded',
        message: 'DescribeImages: stopped at the paging cap of 50 pages with more announced; raise EcrEnv.paging.maxPages to read further',
        retryable: false
      })
    )
    expect(s.calls()).toBe(50)
  })

  it('DescribeImages stops at maxItems before holding more than the cap', async () => {
    const s = endless(1000)
    const env: EcrEnv = { ecr: { send: s.send }, accountId, region, paging: { maxItems: 5_000 } }
    const r = await Repository.listImageDetails(repo)(env)()
    expect(E.isLeft(r) && r.left.message).toBe(
      'DescribeImages: stopped at the paging cap of 5,000 items with more announced; raise EcrEnv.paging.maxItems to read further'
    )
    expect(s.calls()).toBe(6)
  })

  it('DescribeRepositories (listRepositories) and ListImages (getImages) too', async () => {
    const s = endless(3)
    const r = await Registry.listRepositories()({ ecr: { send: s.send }, accountId, region, paging: { maxPages: 7 } })()
    expect(E.isLeft(r) && r.left._tag === 'AwsError' && [r.left.operation, r.left.code]).toEqual(['DescribeRepositories', 'PagingLimitExceeded'])
    expect(s.calls()).toBe(7)
    let listCalls = 0
    const listing = (): Promise<unknown> => {
      listCalls++
      return Promise.resolve({ $metadata: {}, nextToken: `t${listCalls}`, imageIds: [] })
    }
    // a test double: only the promise form of send is called
    const g = await Repository.getImages(repo)({ ecr: { send: listing as unknown as ECRClient['send'] }, accountId, region, paging: { maxPages: 4 } })()
    expect(E.isLeft(g) && g.left._tag === 'AwsError' && [g.left.operation, g.left.code]).toEqual(['ListImages', 'PagingLimitExceeded'])
    expect(listCalls).toBe(4)
  })

  it('with no paging given, the default cap stops it: 10,000 pages, then a Left', async () => {
    const s = endless(1)
    const r = await Repository.listImageDetails(repo)({ ecr: { send: s.send }, accountId, region })()
    expect(E.isLeft(r) && r.left.message).toContain('paging cap of 10,000 pages')
    expect(s.calls()).toBe(10_000)
  })
})
