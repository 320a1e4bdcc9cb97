/**
 * What every command of the CLI gets: the program's input and output, its global options, a way
 * to build the ECR environment, and `finish`, the one place where a result becomes output and an
 * exit code. Loaded on every run: it imports nothing heavy (the environment's middleware is loaded
 * when an environment is built).
 */
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import * as EcrError from '../EcrError'
import type { EcrEnv, HttpEnv } from '../Env'
import { errorJson, oneLine, print } from './json'

export { oneLine } from './json'

/** Exit codes: 0 ok, 1 the operation failed, 2 usage error. */
export type ExitCode = 0 | 1 | 2

export interface GlobalOptions {
  readonly region?: string
  readonly profile?: string
  /** the ECR (and STS) API endpoint */
  readonly endpoint?: string
  /** the registry's account: no STS call */
  readonly account?: string
  /** the registry API base URL, instead of the login's proxyEndpoint */
  readonly registryEndpoint?: string
  /** the deadline (ms) of each ECR call attempt and of each stage of a registry request */
  readonly timeout?: number
  readonly json: boolean
  readonly verbose: boolean
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
  /** Lines for standard error (warnings, or the failed part of a partial result), with or without `--json`. */
  readonly stderr?: ReadonlyArray<string>
  /** 1 when part of the operation failed (the result is still printed); default 0. */
  readonly exitCode?: 0 | 1
}

export interface Context {
  readonly io: Io
  /** the global options, as parsed (call it inside an action) */
  readonly options: () => GlobalOptions
  /**
   * The environment for `options`: `io.makeEnv`'s, pointed at `--registry-endpoint` and logging to
   * stderr with `--verbose`.
   */
  readonly makeEnv: (options: GlobalOptions) => TE.TaskEither<EcrError.EcrError, EcrEnv & HttpEnv>
  /** the environment for the global options */
  readonly env: () => TE.TaskEither<EcrError.EcrError, EcrEnv & HttpEnv>
  /**
   * Prints a result (`--json` aware) and sets the exit code 0; or its error as one line on stderr
   * (with `--json`, also as `{ "error": { "_tag", "message" } }` on stdout) and the exit code 1.
   */
  readonly finish: (result: E.Either<EcrError.EcrError, Output>) => void
}

export const makeContext = (io: Io, options: () => GlobalOptions, setExitCode: (code: ExitCode) => void): Context => {
  const makeEnv =
    (o: GlobalOptions): TE.TaskEither<EcrError.EcrError, EcrEnv & HttpEnv> =>
    async () => {
      const env = await io.makeEnv(o)()
      if (E.isLeft(env) || (o.registryEndpoint === undefined && !o.verbose)) return env
      const { forOptions } = await import('./middleware')
      return E.right(forOptions(o, io.stderr)(env.right))
    }
  return {
    io,
    options,
    makeEnv,
    env: () => makeEnv(options()),
    finish: (result) => {
      const json = options().json
      if (E.isLeft(result)) {
        if (json) io.stdout(print(errorJson(result.left)))
        io.stderr(`${oneLine(EcrError.message(result.left))}\n`)
        setExitCode(1)
        return
      }
      const out = result.right
      io.stdout(json ? print(out.json) : out.text.map((l) => `${l}\n`).join(''))
      if (out.stderr !== undefined && out.stderr.length > 0) io.stderr(out.stderr.map((l) => `${oneLine(l)}\n`).join(''))
      setExitCode(out.exitCode ?? 0)
    }
  }
}
