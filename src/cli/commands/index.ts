/**
 * Every command of the CLI, in the order `--help` lists them: its arguments, options and help
 * text. Option values are parsed here (a bad one is a usage error, exit 2, before anything is
 * loaded or called); the command's implementation, one file in this folder, is loaded only when
 * the command runs, so `parse` never loads the AWS SDK and no command loads what it does not use.
 *
 * A new command is one declaration here and one file in this folder exporting what its action
 * calls.
 */
import { Argument, type Command, Option } from 'commander'
import type * as Manifest from '../../Manifest'
import type { ResourceTag } from '../../Primitives'
import {
  collect,
  parseExclusionFilter,
  parseImageTag,
  parseImageToDelete,
  parsePlatform,
  parsePositiveInteger,
  parsePrefix,
  parseRegExp,
  parseRepository,
  parseResourceTag,
  parseTagMutability,
  parseTarget,
  usage,
  type Target
} from '../args'
import type { Context } from '../context'

const IMAGE = 'image URI, or name:tag / name@digest in the default registry (a bare name: its latest tagged image)'
const REPOSITORY = 'repository name (default registry) or repository URI'

/** The options of `copy`, as parsed. */
export interface CopyOptions {
  readonly tag?: ReadonlyArray<string>
  readonly platform?: ReadonlyArray<Manifest.Platform>
  readonly allPlatforms?: boolean
  /** print what the copy would do (`Sync.plan`), copy nothing */
  readonly dryRun?: boolean
  /** create a missing destination repository */
  readonly createRepository?: boolean
  /** `false` with `--no-referrers` */
  readonly referrers?: boolean
}

/** The options of `sync`, as parsed. */
export interface SyncOptions {
  readonly tags?: RegExp
  readonly platform?: ReadonlyArray<Manifest.Platform>
  readonly allPlatforms?: boolean
  readonly dryRun?: boolean
  readonly createRepository?: boolean
  /** `false` with `--no-referrers` */
  readonly referrers?: boolean
  /** a reviewed plan (JSON file) to apply instead of planning */
  readonly plan?: string
}

/** The options of `repos`, as parsed. */
export interface ReposOptions {
  readonly name?: string
  readonly match?: RegExp
  readonly tag?: ReadonlyArray<ResourceTag>
}

/** The options of `images`, as parsed. */
export interface ImagesOptions {
  readonly tagged?: boolean
  readonly untagged?: boolean
}

/** The options of `create`, as parsed. */
export interface CreateOptions {
  readonly immutable?: boolean
  readonly tagMutability?: 'MUTABLE' | 'IMMUTABLE'
  readonly excludeTagPattern?: ReadonlyArray<string>
  readonly kmsKey?: string
  readonly scanOnPush?: boolean
  readonly tag?: ReadonlyArray<ResourceTag>
}

/** The policy options of `lifecycle put` and `lifecycle preview`, as parsed. */
export interface PolicyOptions {
  readonly file?: string
  readonly expireUntaggedAfter?: number
}

/** The options of `replication put`, as parsed. */
export interface PutOptions {
  readonly to: ReadonlyArray<Target>
  readonly prefix?: ReadonlyArray<string>
  readonly add?: boolean
}

/** Declares every command on `program`. */
export const declare = (program: Command, ctx: Context): void => {
  program
    .command('parse')
    .description('print the parts of a registry, repository or image URI, or of a repository ARN (no AWS call)')
    .argument('<uri>', 'e.g. 123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:v1')
    .action(async (uri: string) => (await import('./parse')).run(ctx, uri))

  program
    .command('resolve')
    .description('print the full image URI of a name (a repository: its latest tagged image, digest form)')
    .argument('<name>', 'repository name or URI, name:tag, name@digest, or an image URI')
    .addOption(
      new Option('--tag <tag>', 'for a repository: the image with this tag (default: the most recently pushed tagged image)').argParser(
        usage(parseImageTag)
      )
    )
    .action(async (name: string, options: { readonly tag?: string }) => (await import('./resolve')).run(ctx, name, options))

  program
    .command('digest')
    .description("print an image's digest (a tag is looked up)")
    .argument('<image>', IMAGE)
    .action(async (image: string) => (await import('./digest')).run(ctx, image))

  program
    .command('login')
    .description("print the registry password, for docker login --username AWS --password-stdin <registry>")
    .argument('[registry]', 'registry URI, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com (default: your registry)')
    .action(async (registry: string | undefined) => (await import('./login')).run(ctx, registry))

  program
    .command('repos')
    .description('list the repositories of the registry, one URI a line')
    .addOption(new Option('--name <text>', 'only repositories whose name contains this text').conflicts('match'))
    .addOption(new Option('--match <regexp>', 'only repositories whose name matches this regular expression').argParser(usage(parseRegExp)))
    .addOption(
      new Option('--tag <key=value...>', 'only repositories with all these resource tags (repeatable)').argParser(collect(parseResourceTag))
    )
    .action(async (options: ReposOptions) => (await import('./repos')).run(ctx, options))

  program
    .command('images')
    .description('list the images of a repository, newest first: digest, tags, push time, size')
    .argument('<repo>', REPOSITORY)
    .addOption(new Option('--tagged', 'only images with at least one tag').conflicts('untagged'))
    .addOption(new Option('--untagged', 'only images without tags'))
    .action(async (repo: string, options: ImagesOptions) => (await import('./images')).run(ctx, repo, options))

  program
    .command('create')
    .description('create a repository (an existing one is kept and gets the tags) and print its URI')
    .argument('<repo>', REPOSITORY)
    .addOption(new Option('--immutable', 'image tags cannot be moved to another image (IMMUTABLE)').conflicts('tagMutability'))
    .addOption(
      new Option('--tag-mutability <mode>', 'MUTABLE (default) or IMMUTABLE').argParser(usage(parseTagMutability))
    )
    .addOption(
      new Option(
        '--exclude-tag-pattern <pattern...>',
        `tags that follow the opposite rule, ECR wildcard patterns such as 'latest' or 'sha256-*' (at most 5)`
      ).argParser(collect(parseExclusionFilter))
    )
    .addOption(new Option('--kms-key <key>', 'encrypt images with this KMS key (ARN, id or alias) instead of AES256'))
    .option('--scan-on-push', 'scan each pushed image (basic scanning)')
    .addOption(new Option('--tag <key=value...>', 'resource tags of the repository (repeatable)').argParser(collect(parseResourceTag)))
    .action(async (repo: string, options: CreateOptions) => (await import('./create')).run(ctx, repo, options))

  program
    .command('rm')
    .description('delete images by tag or digest (a tag: only that tag, the image with its last one) and print what was deleted')
    .addArgument(
      new Argument('<image...>', 'name:tag, name@digest or an image URI (a bare name is refused)').argParser(collect(parseImageToDelete))
    )
    .action(async (images: ReadonlyArray<string>) => (await import('./rm')).run(ctx, images))

  program
    .command('delete')
    .description('delete a repository and print its URI')
    .argument('<repo>', REPOSITORY)
    .option('--force', 'also when it still holds images (they are deleted with it)')
    .action(async (repo: string, options: { readonly force?: boolean }) => (await import('./delete')).run(ctx, repo, options))

  program
    .command('tag')
    .description("add tags to an image and print the image's new URIs")
    .argument('<image>', IMAGE)
    .addArgument(new Argument('<tag...>', 'tags to add').argParser(collect(parseImageTag)))
    .action(async (image: string, tags: ReadonlyArray<string>) => (await import('./tag')).run(ctx, image, tags))

  program
    .command('untag')
    .description("remove tags from an image and print the removed URIs (removing an image's last tag deletes the image)")
    .argument('<image>', IMAGE)
    .addArgument(new Argument('<tag...>', 'tags to remove').argParser(collect(parseImageTag)))
    .action(async (image: string, tags: ReadonlyArray<string>) => (await import('./untag')).run(ctx, image, tags))

  program
    .command('archive')
    .description("move an image to ECR's archive storage class (it cannot be pulled until restored) and print its status")
    .argument('<image>', IMAGE)
    .action(async (image: string) => (await import('./archive')).archive(ctx, image))

  program
    .command('restore')
    .description('restore an archived image (ACTIVATING until ECR is done, then ACTIVE) and print its status')
    .argument('<image>', IMAGE)
    .action(async (image: string) => (await import('./archive')).restore(ctx, image))

  program
    .command('scan')
    .description('start a scan of an image (--wait: wait for it and print its findings)')
    .argument('<image>', IMAGE)
    .option('--wait', 'poll until the scan is done (at most 30 minutes) and print the findings')
    .action(async (image: string, options: { readonly wait?: boolean }) => (await import('./scan')).run(ctx, image, options))

  program
    .command('config')
    .description('print the config of an image: platform, labels and env (--json: all of it)')
    .argument('<image>', IMAGE)
    .addOption(
      new Option('--platform <os/arch[/variant]>', 'the platform to read from a multi-platform image (default: linux/amd64)').argParser(
        usage(parsePlatform)
      )
    )
    .action(async (image: string, options: { readonly platform?: Manifest.Platform }) => (await import('./config')).run(ctx, image, options))

  const lifecycle = program
    .command('lifecycle')
    .description("a repository's lifecycle policy: get, put, preview (and the short form: lifecycle <repo> --expire-untagged-after DAYS)")
    .argument('[repo]', REPOSITORY)
    .addOption(
      new Option('--expire-untagged-after <days>', 'set the policy to: expire untagged images this many days after their push').argParser(
        usage(parsePositiveInteger)
      )
    )
    .action(async (repo: string | undefined, options: PolicyOptions, command: Command) => {
      if (repo === undefined || options.expireUntaggedAfter === undefined)
        return command.error('error: give a subcommand (get, put, preview) or <repo> --expire-untagged-after DAYS', {
          exitCode: 2,
          code: 'ecr-fp-ts.usage'
        })
      return (await import('./lifecycle')).run(ctx, repo, { expireUntaggedAfter: options.expireUntaggedAfter })
    })
  // `--expire-untagged-after` is the parent's option too (the short form): commander hands it to
  // `lifecycle`, so a subcommand reads it from there
  const policyOptionsOf = (options: { readonly file?: string }, command: Command): PolicyOptions | string => {
    const days = (command.parent?.opts() as { readonly expireUntaggedAfter?: number } | undefined)?.expireUntaggedAfter
    if (options.file !== undefined && days !== undefined) return 'give the policy once: --file <path> or --expire-untagged-after <days>'
    return { ...(options.file === undefined ? {} : { file: options.file }), ...(days === undefined ? {} : { expireUntaggedAfter: days }) }
  }
  const usageError = (command: Command, message: string): never =>
    command.error(`error: ${message}`, { exitCode: 2, code: 'ecr-fp-ts.usage' })
  lifecycle
    .command('get')
    .description("print the repository's lifecycle policy as JSON (none: nothing, --json: null)")
    .argument('<repo>', REPOSITORY)
    .action(async (repo: string) => (await import('./lifecycle')).get(ctx, repo))
  lifecycle
    .command('put')
    .description("set the repository's lifecycle policy (replacing any) from --file or --expire-untagged-after, and print it")
    .argument('<repo>', REPOSITORY)
    .option('--file <path>', "the policy: a JSON file in ECR's lifecycle policy format")
    .action(async (repo: string, options: { readonly file?: string }, command: Command) => {
      const policy = policyOptionsOf(options, command)
      if (typeof policy === 'string') return usageError(command, policy)
      if (policy.file === undefined && policy.expireUntaggedAfter === undefined)
        return usageError(command, 'give the policy: --file <path> or --expire-untagged-after <days>')
      return (await import('./lifecycle')).put(ctx, repo, policy)
    })
  lifecycle
    .command('preview')
    .description("what a lifecycle policy (--file, --expire-untagged-after, else the repository's) would do to its images now, as ECR computes it")
    .argument('<repo>', REPOSITORY)
    .option('--file <path>', "the policy: a JSON file in ECR's lifecycle policy format")
    .action(async (repo: string, options: { readonly file?: string }, command: Command) => {
      const policy = policyOptionsOf(options, command)
      if (typeof policy === 'string') return usageError(command, policy)
      return (await import('./lifecycle')).preview(ctx, repo, policy)
    })

  const replication = program
    .command('replication')
    .description("read or set the registry's replication configuration (ECR's own replication of new pushes)")
  replication
    .command('get')
    .description('print the replication configuration as JSON')
    .action(async () => (await import('./replication')).get(ctx))
  replication
    .command('put')
    .description('replace the replication configuration with one rule (--add: add the rule to those there) and print it')
    .addOption(
      new Option('--to <destination...>', 'destination registry: REGION or REGION:ACCOUNT (default account: this one)')
        .argParser(collect(parseTarget))
        .makeOptionMandatory()
    )
    .addOption(
      new Option('--prefix <prefix...>', 'replicate only repositories whose name starts with one of these (default: all)').argParser(
        collect(parsePrefix)
      )
    )
    .option('--add', 'keep the rules already there and add this one')
    .action(async (options: PutOptions, command: Command) => (await import('./replication')).put(ctx, options, command))
  replication
    .command('clear')
    .description('remove every replication rule and print the (empty) configuration')
    .action(async () => (await import('./replication')).clear(ctx))
  replication
    .command('status')
    .description("print where ECR's replication has copied an image: one line per destination")
    .argument('<image>', IMAGE)
    .action(async (image: string) => (await import('./replication')).status(ctx, image))
  const backfill = replication
    .command('backfill')
    .description('copy to a destination the images pushed before a replication rule sent them there (ECR does it)')
  backfill
    .command('start')
    .description('start a backfill to a destination of the replication configuration and print it')
    .addArgument(new Argument('<destination>', 'REGION or REGION:ACCOUNT (default account: this one)').argParser(usage(parseTarget)))
    .action(async (to: Target) => (await import('./replication')).backfillStart(ctx, to))
  backfill
    .command('stop')
    .description('stop a backfill and print it')
    .argument('<id>', 'the backfill id (replication backfill list)')
    .action(async (id: string) => (await import('./replication')).backfillStop(ctx, id))
  backfill
    .command('list')
    .description("list the registry's backfills, running or ended")
    .action(async () => (await import('./replication')).backfillList(ctx))

  program
    .command('copy')
    .description('copy an image into another repository (another account or region too) over the registry API')
    .argument('<image>', IMAGE)
    .addArgument(
      new Argument('<repo>', 'destination repository: a name in the default registry, or a repository URI').argParser(
        usage(parseRepository)
      )
    )
    .addOption(new Option('--tag <tag...>', "tags to give the copy (default: the source image's tags)").argParser(collect(parseImageTag)))
    .addOption(
      new Option('--platform <os/arch...>', 'platforms to keep of a multi-platform image, os/arch[/variant] (default: linux/amd64)')
        .argParser(collect(parsePlatform))
        .conflicts('allPlatforms')
    )
    .addOption(new Option('--all-platforms', 'copy a multi-platform image with all its platforms, digest unchanged'))
    .option('--create-repository', "create the destination repository when it is missing (with the source's tag mutability and encryption)")
    .option('--no-referrers', 'leave the referrers (signatures, SBOMs, attestations) behind')
    .option('--dry-run', 'print what the copy would do (blobs to send, mount or skip, manifests, tags, referrers) and copy nothing')
    .action(async (image: string, repo: string, options: CopyOptions) => (await import('./copy')).run(ctx, image, repo, options))

  program
    .command('sync')
    .description("copy a repository's tags into another repository (another account or region too): plan, then apply")
    .addArgument(
      new Argument('[src-repo]', 'source repository: a name in the default registry, or a repository URI').argParser(usage(parseRepository))
    )
    .addArgument(
      new Argument('[dst-repo]', 'destination repository: a name in the default registry, or a repository URI').argParser(
        usage(parseRepository)
      )
    )
    .addOption(
      new Option('--tags <regexp>', 'only the tags this regular expression matches (default: every tag)').argParser(usage(parseRegExp))
    )
    .addOption(
      new Option(
        '--platform <os/arch...>',
        'platforms to keep of multi-platform images, os/arch[/variant] (default: all, digests unchanged)'
      )
        .argParser(collect(parsePlatform))
        .conflicts('allPlatforms')
    )
    .addOption(new Option('--all-platforms', 'copy multi-platform images with all their platforms (the default)'))
    .option('--create-repository', "create the destination repository when it is missing (with the source's tag mutability and encryption)")
    .option('--no-referrers', 'leave the referrers (signatures, SBOMs, attestations) behind')
    .option(
      '--dry-run',
      'print the plan (per image: tags, blobs to send, mount or skip, manifests, referrers; the totals) and copy nothing'
    )
    .addOption(
      new Option('--plan <file>', 'apply this plan (the JSON of sync --dry-run --json, reviewed) instead of planning').conflicts([
        'tags',
        'platform',
        'allPlatforms',
        'createRepository',
        'referrers'
      ])
    )
    .action(async (src: string | undefined, dst: string | undefined, options: SyncOptions, command: Command) => {
      if (options.plan !== undefined && (src !== undefined || dst !== undefined))
        return command.error('error: --plan takes both repositories from the plan: give no <src-repo> or <dst-repo>', {
          exitCode: 2,
          code: 'ecr-fp-ts.usage'
        })
      if (options.plan === undefined && (src === undefined || dst === undefined))
        return command.error('error: give <src-repo> and <dst-repo> (or --plan <file>)', { exitCode: 2, code: 'ecr-fp-ts.usage' })
      return (await import('./sync')).run(ctx, src, dst, options)
    })

  program
    .command('demo')
    .description('a short tour of the library on an in-memory ECR registry (no AWS account needed)')
    .action(async () => (await import('./demo')).run(ctx))

  program
    .command('version')
    .description('print the version of ecr-fp-ts (--json: with the Node.js version)')
    .action(async () => (await import('./version')).run(ctx))
}
