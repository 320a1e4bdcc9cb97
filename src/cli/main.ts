#!/usr/bin/env node
/**
 * The `ecr-fp-ts` command-line program. It only parses arguments, builds an environment and calls
 * the library; `run` is the whole program as a function of its arguments and its input/output,
 * returning the exit code: 0 ok, 1 the operation failed, 2 usage error.
 */
import { Command, CommanderError, Option } from 'commander'
import * as Env from '../Env'
import { commands } from './commands'
import { type ExitCode, type GlobalOptions, type Io, makeContext, oneLine } from './context'

export type { ExitCode, GlobalOptions, Io } from './context'

/** Standard output and error of the process, and the AWS SDK's default environment. */
export const processIo: Io = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  makeEnv: (options) =>
    Env.fromDefaults({
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint })
    })
}

/** The program with its global options and every command of src/cli/commands. */
export const program = (io: Io, setExitCode: (code: ExitCode) => void): Command => {
  const root = new Command('ecr-fp-ts')
    .description('Amazon ECR from the command line: URIs, repositories, images, lifecycle policies, copies.')
    .addOption(new Option('--region <region>', 'AWS region (default: the AWS SDK default)'))
    .addOption(new Option('--profile <name>', 'named profile of the shared AWS config and credentials files'))
    .addOption(new Option('--endpoint <url>', 'ECR API endpoint (for a local emulator)'))
    .addOption(new Option('--json', 'print JSON instead of text').default(false))
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run ecr-fp-ts --help for usage)')
  const options = (): GlobalOptions => {
    const o = root.opts<{ region?: string; profile?: string; endpoint?: string; json?: boolean }>()
    return {
      ...(o.region === undefined ? {} : { region: o.region }),
      ...(o.profile === undefined ? {} : { profile: o.profile }),
      ...(o.endpoint === undefined ? {} : { endpoint: o.endpoint }),
      json: o.json === true
    }
  }
  const ctx = makeContext(io, options, setExitCode)
  for (const register of commands) register(root, ctx)
  return root
}

/** Runs the program on `argv` (without `node` and the script path) and returns its exit code. */
export const run = async (argv: ReadonlyArray<string>, io: Io = processIo): Promise<ExitCode> => {
  let code: ExitCode = 0
  try {
    await program(io, (c) => (code = c)).parseAsync([...argv], { from: 'user' })
    return code
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2
    io.stderr(`${oneLine(e instanceof Error ? e.message : String(e))}\n`)
    return 1
  }
}

if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
}
