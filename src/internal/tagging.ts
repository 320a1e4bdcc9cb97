/**
 * The Resource Groups Tagging API boundary (`EcrEnv.tagging`): `GetResources` for ECR repositories,
 * its output decoded where it enters, pages followed by `PaginationToken`. The client package is an
 * optional peer dependency: its command class is loaded (a dynamic import) only when an environment
 * with a tagging capability makes the call, so nothing of it loads otherwise.
 *
 * Each call holds one permit of the environment's limiter and has its `callTimeoutMs` deadline; the
 * library adds no retries (an SDK client retries by itself).
 *
 * @internal
 */
import type { GetResourcesCommand, GetResourcesCommandInput } from '@aws-sdk/client-resource-groups-tagging-api'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import type * as RTE from 'fp-ts/ReaderTaskEither'
import * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import type { EcrEnv, Tagging } from '../Env'
import * as EcrError from '../EcrError'
import type { ResourceTag } from '../Primitives'
import { fromAwsError } from './awsError'
import { decode, struct } from './codec'
import { withPermits } from './limiter'
import { paginate, type Page } from './paginate'
import { callTimeoutOf, within } from './send'

/** The package of the tagging client. */
const PACKAGE = '@aws-sdk/client-resource-groups-tagging-api'

/** GetResources' largest page. */
export const RESOURCES_PER_PAGE = 100

/** GetResources' limit of tag filters in one call. */
export const MAX_TAG_FILTERS = 50

/** A resource GetResources listed: its ARN and its tags. */
export interface TaggedResource {
  readonly arn: string
  readonly tags: ReadonlyArray<ResourceTag>
}

/** The environment of a call to the tagging API. */
export type TaggingEnv = Pick<EcrEnv, 'callTimeoutMs' | 'limiter' | 'paging'> & { readonly tagging: Tagging }

const list = <C extends t.Mixed>(codec: C) => t.readonlyArray(codec, `an array of ${codec.name}`)

const GetResourcesC = /*#__PURE__*/ struct(
  'GetResources',
  {},
  {
    ResourceTagMappingList: list(
      struct('ResourceTagMapping', {}, { ResourceARN: t.string, Tags: list(struct('Tag', { Key: t.string, Value: t.string }, {})) })
    ),
    PaginationToken: t.string
  }
)

/** GetResources: one page of resources (one without an ARN is left out); an empty token ends the walk. */
export const decodeGetResources = (out: unknown): E.Either<EcrError.EcrError, Page<TaggedResource>> =>
  pipe(
    decode('GetResources response', GetResourcesC)(out),
    E.map((o) => ({
      items: (o.ResourceTagMappingList ?? []).flatMap((m) =>
        m.ResourceARN === undefined ? [] : [{ arn: m.ResourceARN, tags: (m.Tags ?? []).map(({ Key, Value }) => ({ Key, Value })) }]
      ),
      nextToken: o.PaginationToken === '' ? undefined : o.PaginationToken
    }))
  )

/** The command class, loaded on first use; a missing package is an `InvalidArgument` saying what to install. */
const loadCommand = (): Promise<E.Either<EcrError.EcrError, typeof GetResourcesCommand>> =>
  import('@aws-sdk/client-resource-groups-tagging-api')
    .then((m) => E.right(m.GetResourcesCommand))
    .catch((e: unknown) =>
      E.left(
        EcrError.invalidArgument(
          `EcrEnv.tagging is given, but the package ${PACKAGE} cannot be loaded (${e instanceof Error ? e.message : 'unknown reason'}): install it, or leave tagging out`
        )
      )
    )

const rejected = (e: unknown): Promise<never> => Promise.reject(e)

/** One GetResources call through `env.tagging`, its output decoded. */
const getResourcesPage =
  (input: GetResourcesCommandInput): RTE.ReaderTaskEither<TaggingEnv, EcrError.EcrError, Page<TaggedResource>> =>
  (env) =>
  async () => {
    const Command = await loadCommand()
    if (E.isLeft(Command)) return Command
    const command = new Command.right(input)
    return pipe(
      TE.tryCatch(
        () =>
          withPermits(env.limiter, 1, () =>
            within(callTimeoutOf(env), 'GetResources', (abortSignal) => env.tagging.send(command, { abortSignal }))
          ).then(E.getOrElseW(rejected)),
        fromAwsError('GetResources')
      ),
      TE.flatMapEither(decodeGetResources)
    )()
  }

/**
 * Every ECR repository of the tagging client's account and region that carries every tag of
 * `filters` (a key with one of its values), with all its tags: GetResources, pages of 100.
 */
export const taggedRepositories = (
  filters: ReadonlyArray<{ readonly Key: string; readonly Values: ReadonlyArray<string> }>
): RTE.ReaderTaskEither<TaggingEnv, EcrError.EcrError, ReadonlyArray<TaggedResource>> =>
  paginate('GetResources', (token) =>
    getResourcesPage({
      ResourceTypeFilters: ['ecr:repository'],
      TagFilters: filters.map((f) => ({ Key: f.Key, Values: [...f.Values] })),
      ResourcesPerPage: RESOURCES_PER_PAGE,
      ...(token === undefined ? {} : { PaginationToken: token })
    })
  )
