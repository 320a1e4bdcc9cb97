/**
 * What a command's argument names, together with the environment to act on it in: a repository (a
 * name in the default registry, or a repository URI) or an image (anything `resolveImageUri`
 * reads). When the argument is a URI and `--region` was not given, the environment is built for
 * the URI's region, so `images 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app` works from
 * anywhere; with `--region`, a URI in another region is the library's `InvalidArgument`.
 *
 * Loaded by the commands that call ECR, when they run (it loads the AWS SDK).
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { EcrError } from '../EcrError'
import type { EcrEnv, HttpEnv } from '../Env'
import * as Image from '../Image'
import type * as ImageUri from '../ImageUri'
import * as RegistryUri from '../RegistryUri'
import * as Repository from '../Repository'
import { resolveImageUri } from '../resolve'
import type { Context, Output } from './context'

type Env = EcrEnv & HttpEnv

/** The region of the registry host `arg` starts with, if it starts with one. */
export const regionOf = (arg: string): O.Option<string> => {
  if (!RegistryUri.isPrefixed(arg)) return O.none
  const slash = arg.indexOf('/')
  return pipe(
    RegistryUri.parse(slash < 0 ? arg : arg.slice(0, slash)),
    O.fromEither,
    O.map((u) => RegistryUri.toRef(u).region)
  )
}

/** The environment of the global options; for `region` when `--region` was not given. */
export const envIn = (ctx: Context, region: O.Option<string>): TE.TaskEither<EcrError, Env> => {
  const options = ctx.options()
  return O.isSome(region) && options.region === undefined ? ctx.makeEnv({ ...options, region: region.value }) : ctx.env()
}

/** A repository name or URI, and its environment. A malformed URI fails before any environment is built. */
export const repository = (
  ctx: Context,
  arg: string
): TE.TaskEither<EcrError, { readonly env: Env; readonly ref: Repository.RepositoryRef }> =>
  RegistryUri.isPrefixed(arg)
    ? pipe(
        TE.fromEither(Repository.fromUri(arg)),
        TE.bindTo('ref'),
        TE.bind('env', ({ ref }) => envIn(ctx, O.some(ref.region)))
      )
    : pipe(
        ctx.env(),
        TE.bindTo('env'),
        TE.bind('ref', ({ env }) => Repository.make(arg)(env))
      )

/** What `resolveImageUri` makes of `arg` (`defaultTag` for a repository), and its environment. */
export const imageUri = (
  ctx: Context,
  arg: string,
  defaultTag?: string
): TE.TaskEither<EcrError, { readonly env: Env; readonly uri: ImageUri.ImageUri }> =>
  pipe(
    envIn(ctx, regionOf(arg)),
    TE.bindTo('env'),
    TE.bind('uri', ({ env }) => resolveImageUri(arg, defaultTag === undefined ? {} : { defaultTag })(env))
  )

/** The image `arg` names (a tag resolved to its digest, the manifest read), and its environment. */
export const image = (ctx: Context, arg: string): TE.TaskEither<EcrError, { readonly env: Env; readonly ref: Image.ImageRef }> =>
  pipe(
    imageUri(ctx, arg),
    TE.bind('ref', ({ env, uri }) => Image.fromUri(uri)(env)),
    TE.map(({ env, ref }) => ({ env, ref }))
  )

/** Runs `task` and hands its result, as output, to `ctx.finish`. */
export const finishWith =
  <A>(ctx: Context, toOutput: (a: A) => Output) =>
  async (task: TE.TaskEither<EcrError, A>): Promise<void> =>
    ctx.finish(pipe(await task(), E.map(toOutput)))

/**
 * The image `arg` names, found with DescribeImages (`Image.lookup`): no manifest is read, so an
 * archived image is found too. For the commands that act on an image without reading it
 * (`untag`, `archive`, `restore`, `scan`, `replication status`).
 */
export const imageAnyStatus = (
  ctx: Context,
  arg: string
): TE.TaskEither<EcrError, { readonly env: Env; readonly ref: Image.ImageRef }> =>
  pipe(
    imageUri(ctx, arg),
    TE.bind('ref', ({ env, uri }) => Image.lookup(uri)(env)),
    TE.map(({ env, ref }) => ({ env, ref }))
  )
