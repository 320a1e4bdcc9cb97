// Runs the CLI in-process against in-memory twins, capturing its output and the environments it asks for.
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import { expect } from 'vitest'
import { type GlobalOptions, type Io, run } from '../../src/cli/main'
import * as EcrError from '../../src/EcrError'
import * as InMemoryEcr from '../../src/testing/InMemoryEcr'

export interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** the options of every `makeEnv` call, in order */
  readonly envRequests: ReadonlyArray<GlobalOptions>
}

/**
 * The CLI over `twins`: `makeEnv` gives the twin of the requested region, the first twin when no
 * region is requested, and an error for a region without a twin.
 */
export const cliOver =
  (...twins: ReadonlyArray<InMemoryEcr.InMemoryEcr>) =>
  async (...argv: ReadonlyArray<string>): Promise<Result> => {
    let stdout = ''
    let stderr = ''
    const envRequests: Array<GlobalOptions> = []
    const io: Io = {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      makeEnv: (options) => {
        envRequests.push(options)
        const twin = options.region === undefined ? twins[0] : twins.find((t) => t.region === options.region)
        return twin === undefined ? TE.left(EcrError.invalidArgument(`no twin for region ${String(options.region)}`)) : TE.right(twin.env)
      }
    }
    const code = await run(argv, io)
    return { code, stdout, stderr, envRequests }
  }

export const lines = (s: string): ReadonlyArray<string> => s.split('\n').filter((l) => l.length > 0)

/** Exit 1, nothing on stdout, exactly one line on stderr; returns that line. */
export const expectFailure = (r: Result): string => {
  expect(r.code).toBe(1)
  expect(r.stdout).toBe('')
  expect(r.stderr.endsWith('\n')).toBe(true)
  expect(r.stderr.slice(0, -1)).not.toMatch(/[\r\n]/)
  return r.stderr.slice(0, -1)
}

/** Exit 2 (usage), nothing on stdout, a message on stderr. */
export const expectUsageError = (r: Result): string => {
  expect(r.code).toBe(2)
  expect(r.stdout).toBe('')
  expect(r.stderr.length).toBeGreaterThan(0)
  return r.stderr
}

/** Pushes or fails the test. */
export const push = (
  twin: InMemoryEcr.InMemoryEcr,
  repositoryName: string,
  options?: InMemoryEcr.PushImageOptions
): InMemoryEcr.PushedImage => {
  const r = twin.pushImage(repositoryName, options)
  if (E.isLeft(r)) throw new Error(`push failed: ${r.left.message}`)
  return r.right
}

/** Creates or fails the test. */
export const createRepository = (twin: InMemoryEcr.InMemoryEcr, name: string, options?: InMemoryEcr.CreateRepositoryOptions): void => {
  const r = twin.createRepository(name, options)
  if (E.isLeft(r)) throw new Error(`create failed: ${r.left.message}`)
}

export const hostOf = (twin: InMemoryEcr.InMemoryEcr): string => `${twin.accountId}.dkr.ecr.${twin.region}.amazonaws.com`

export const day = (n: number): Date => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000)

export const makeTwin = (options: InMemoryEcr.Options = {}): InMemoryEcr.InMemoryEcr =>
  InMemoryEcr.make({ accountId: '123456789012', region: 'us-east-1', ...options })
