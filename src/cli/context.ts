/**
 * What every command of the CLI gets: the program's input and output, its global options, a way
 * to build the ECR environment, and `finish`, the one place where a result becomes output and an
 * exit code.
 */
import type { Command } from 'commander'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import * as EcrError from '../EcrError'
import type { EcrEnv, HttpEnv } from '../Env'

/** Exit codes: 0 ok, 1 the operation failed, 2 usage error. */
export type ExitCode = 0 | 1 | 2

export interface GlobalOptions {
  readonly region?: string
  readonly profile?: string
  readonly endpoint?: string
  readonly json: boolean
}

export interface Io {
  /** raw text to standard output (the caller adds newlines) */
  readonly stdout: (text: string) => void
  /** raw text to standard error */
  readonly stderr: (text: string) => void
  /** Builds the environment of commands that call ECR; tests inject the in-memory twin. */
  readonly makeEnv: (options: GlobalOptions) => TE.TaskEither<EcrError.EcrError, EcrEnv & HttpEnv>
}

/** A command's result: lines for people, a value for `--json`. */
export interface Output {
  readonly text: ReadonlyArray<string>
  readonly json: unknown
}

export interface Context {
  readonly io: Io
  /** the global options, as parsed (call it inside an action) */
  readonly options: () => GlobalOptions
  /** the environment for the global options */
  readonly env: () => TE.TaskEither<EcrError.EcrError, EcrEnv & HttpEnv>
  /** prints a result (`--json` aware) or its error as one line on stderr, and sets the exit code */
  readonly finish: (result: E.Either<EcrError.EcrError, Output>) => void
}

/** A command: one file in src/cli/commands/, registering itself on the program. */
export type Register = (program: Command, ctx: Context) => void

/** One line: an error message never spans lines on stderr. */
export const oneLine = (s: string): string => s.replace(/\s*[\r\n]+\s*/g, ' ').trim()

export const makeContext = (io: Io, options: () => GlobalOptions, setExitCode: (code: ExitCode) => void): Context => ({
  io,
  options,
  env: () => io.makeEnv(options()),
  finish: (result) => {
    if (E.isLeft(result)) {
      io.stderr(`${oneLine(EcrError.message(result.left))}\n`)
      setExitCode(1)
      return
    }
    const out = result.right
    io.stdout(options().json ? `${JSON.stringify(out.json, null, 2)}\n` : out.text.map((l) => `${l}\n`).join(''))
    setExitCode(0)
  }
})
