#!/usr/bin/env node
/**
 * The `ecr-fp-ts` command-line program. It only parses arguments, builds an environment and calls
 * the library; `run` is the whole program as a function of its arguments and its input/output,
 * returning the exit code: 0 ok, 1 the operation failed, 2 usage error.
 *
 * Start-up loads commander, the option parsers and the command declarations only; a command's
 * implementation, the AWS SDK and undici are loaded when a command needs them.
 */
import { Command, CommanderError, Option } from 'commander'
import * as E from 'fp-ts/Either'
import * as EcrError from '../EcrError'
import type { EcrEnv, HttpEnv } from '../Env'
import { parseAccountId, parsePositiveInteger, parseRegion, parseUrl, usage } from './args'
import { declare } from './commands'
import type { Seeded } from './commands/demo'
import { type ExitCode, type GlobalOptions, type Io, makeContext, oneLine } from './context'
import { print, usageErrorJson } from './json'
import { PACKAGE_NAME, packageVersion } from './version'

export type { ExitCode, GlobalOptions, Io } from './context'

// -------------------------------------------------------------------------------------
// the process
// -------------------------------------------------------------------------------------

/** The environment variable that turns the SDK's Node.js version warning off. */
export const SDK_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'

/**
 * The one-line note `--verbose` prints instead of the AWS SDK's nine-line warning, for a Node.js
 * older than 22 (`v20.20.2`); none for 22 and later.
 */
export const sdkNodeNote = (nodeVersion: string): string | undefined => {
  const major = Number(/^v?(\d+)\./.exec(nodeVersion)?.[1])
  return Number.isInteger(major) && major < 22
    ? `note: Node.js ${nodeVersion}: AWS SDK releases after January 2027 need Node.js 22 or later`
    : undefined
}

/**
 * A hidden switch for benchmarks and demonstrations: with `ECR_FP_TS_CLI_TWIN=demo`, commands run
 * against the in-memory registry of `ecr-fp-ts demo` (one per process) instead of AWS.
 */
export const TWIN_SWITCH = 'ECR_FP_TS_CLI_TWIN'

const twinEnv = (): Io['makeEnv'] => {
  let seeded: Promise<E.Either<EcrError.EcrError, EcrEnv & HttpEnv>> | undefined
  return (options) => async () => {
    seeded ??= import('./commands/demo').then((demo) => E.map((s: Seeded): EcrEnv & HttpEnv => s.twin.env)(demo.seed()))
    const env = await seeded
    if (E.isLeft(env)) return env
    const { accountId, region } = env.right
    return (options.region ?? region) === region && (options.account ?? accountId) === accountId
      ? env
      : E.left(EcrError.invalidArgument(`the in-memory registry of ${TWIN_SWITCH}=demo is ${accountId} in ${region}`))
  }
}

/**
 * Standard output and error of the process, and the AWS SDK's default environment (the in-memory
 * twin with `ECR_FP_TS_CLI_TWIN=demo`). The SDK's Node.js version warning is switched off; with
 * `--verbose` a one-line note says it once.
 */
export const makeProcessIo = (vars: NodeJS.ProcessEnv = process.env): Io => {
  const stderr = (text: string): void => void process.stderr.write(text)
  let noted = false
  const aws: Io['makeEnv'] = (options) => async () => {
    vars[SDK_WARNING_SWITCH] = 'true'
    const note = sdkNodeNote(process.version)
    if (options.verbose && !noted && note !== undefined) stderr(`${note}\n`)
    noted = true
    const Env = await import('../Env')
    return Env.fromDefaults({
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.account === undefined ? {} : { accountId: options.account }),
      ...(options.timeout === undefined
        ? {}
        : {
            callTimeoutMs: options.timeout,
            timeouts: { connectMs: options.timeout, headersMs: options.timeout, idleMs: options.timeout }
          })
    })()
  }
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr,
    makeEnv: vars[TWIN_SWITCH] === 'demo' ? twinEnv() : aws
  }
}

export const processIo: Io = makeProcessIo()

// -------------------------------------------------------------------------------------
// the program
// -------------------------------------------------------------------------------------

/** The program with its global options and every command of src/cli/commands. */
export const program = (io: Io, setExitCode: (code: ExitCode) => void): Command => {
  const root = new Command(PACKAGE_NAME)
    .description('Amazon ECR from the command line: URIs, repositories, images, logins, lifecycle policies, copies.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .addOption(new Option('--region <region>', 'AWS region (default: the AWS SDK default)').argParser(usage(parseRegion)))
    .addOption(new Option('--profile <name>', 'named profile of the shared AWS config and credentials files'))
    .addOption(new Option('--account <id>', "the registry's account (default: yours, from STS)").argParser(usage(parseAccountId)))
    .addOption(new Option('--endpoint <url>', 'ECR (and STS) API endpoint, for an emulator').argParser(usage(parseUrl)))
    .addOption(
      new Option('--registry-endpoint <url>', "registry API base URL, instead of the login's (emulators, proxies)").argParser(usage(parseUrl))
    )
    .addOption(
      new Option(
        '--timeout <ms>',
        'deadline of each attempt of an ECR call, and of each stage of a registry request (connect, headers, between bytes), in milliseconds (default: 30000 for ECR calls; 10000, 30000, 60000 for registry requests)'
      ).argParser(usage(parsePositiveInteger))
    )
    .addOption(new Option('--json', 'print JSON instead of text (failures too)'))
    .addOption(new Option('--verbose', 'log the calls made, on stderr'))
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run ecr-fp-ts --help for usage)')
  const options = (): GlobalOptions => {
    const o = root.opts<{
      region?: string
      profile?: string
      account?: string
      endpoint?: string
      registryEndpoint?: string
      timeout?: number
      json?: boolean
      verbose?: boolean
    }>()
    return {
      ...(o.region === undefined ? {} : { region: o.region }),
      ...(o.profile === undefined ? {} : { profile: o.profile }),
      ...(o.account === undefined ? {} : { account: o.account }),
      ...(o.endpoint === undefined ? {} : { endpoint: o.endpoint }),
      ...(o.registryEndpoint === undefined ? {} : { registryEndpoint: o.registryEndpoint }),
      ...(o.timeout === undefined ? {} : { timeout: o.timeout }),
      json: o.json === true,
      verbose: o.verbose === true
    }
  }
  declare(root, makeContext(io, options, setExitCode))
  return root
}

/** Whether `argv` asks for JSON (`--json` before any `--`), whether or not it parses. */
export const wantsJson = (argv: ReadonlyArray<string>): boolean => {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json')
}

/**
 * Runs the program on `argv` (without `node` and the script path) and returns its exit code. A
 * usage error is commander's message on stderr (with `--json`, also a `UsageError` on stdout).
 */
export const run = async (argv: ReadonlyArray<string>, io: Io = processIo): Promise<ExitCode> => {
  let code: ExitCode = 0
  try {
    await program(io, (c) => (code = c)).parseAsync([...argv], { from: 'user' })
    return code
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0
      if (wantsJson(argv)) io.stdout(print(usageErrorJson(e.code === 'commander.help' ? 'no command given' : e.message)))
      return 2
    }
    // not expected: every failure of a command is an EcrError given to ctx.finish
    const message = oneLine(e instanceof Error ? e.message : String(e))
    if (wantsJson(argv)) io.stdout(print({ error: { _tag: 'UnexpectedError', message } }))
    io.stderr(`${message}\n`)
    return 1
  }
}

if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
}
