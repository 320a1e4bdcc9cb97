/**
 * `ecr-fp-ts demo`: a short tour of the library on the in-memory ECR twin (`ecr-fp-ts/testing`),
 * so it runs without an AWS account and never touches AWS. It seeds a registry with three
 * repositories and a few images, then parses a URI, lists repositories (all, then by resource
 * tag), resolves the latest image and an image by tag, promotes `latest` to `prod`, reads an image
 * config through the registry API, and ends with the API calls each step took, from the twin's log.
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as TE from 'fp-ts/TaskEither'
import type * as EcrError from '../../EcrError'
import type { EcrEnv, HttpEnv } from '../../Env'
import * as Image from '../../Image'
import type { ResourceTag } from '../../Primitives'
import * as Registry from '../../Registry'
import * as Repository from '../../Repository'
import { resolveImageUri } from '../../resolve'
import { InMemoryEcr, type PushedImage } from '../../testing'
import type { Context, Output } from '../context'
import { indent, table } from '../format'
import { imageJson, repositoryJson } from '../json'
import { configLines } from './config'
import { parseAny, toOutput as parsedOutput } from './parse'
import { toOutput as resolvedOutput } from './resolve'

type Env = EcrEnv & HttpEnv

// -------------------------------------------------------------------------------------
// the registry
// -------------------------------------------------------------------------------------

export const ACCOUNT_ID = '123456789012'
export const REGION = 'us-west-2'
export const REGISTRY = `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com`
export const EXAMPLE_URI = `${REGISTRY}/team/app:v1.2.3`

const PROD: ResourceTag = { Key: 'env', Value: 'prod' }
const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

const labels = (version: string): Readonly<Record<string, string>> => ({
  'org.opencontainers.image.title': 'app',
  'org.opencontainers.image.version': version,
  'org.opencontainers.image.source': 'https://example.com/team/app'
})

export interface Seeded {
  readonly twin: InMemoryEcr.InMemoryEcr
  /** team/app:v1.2.2 */
  readonly previous: PushedImage
  /** team/app:v1.2.3 and :latest, an index of linux/amd64 and linux/arm64 */
  readonly latest: PushedImage
  /** team/app, untagged, pushed last */
  readonly untagged: PushedImage
}

/**
 * The demo registry, its call log empty: team/app (env=prod), team/worker (env=prod) and
 * sandbox/scratch (env=dev), with images pushed on increasing dates.
 */
export const seed = (): E.Either<EcrError.EcrError, Seeded> => {
  const twin = InMemoryEcr.make({
    accountId: ACCOUNT_ID,
    region: REGION,
    seed: 'demo'
  })
  const at = (day: number) => new Date(Date.UTC(2024, 4, day, 9, 30))
  return pipe(
    twin.createRepository('team/app', {
      tags: [{ Key: 'team', Value: 'app' }, PROD]
    }),
    E.flatMap(() =>
      twin.createRepository('team/worker', {
        tags: [{ Key: 'team', Value: 'app' }, PROD]
      })
    ),
    E.flatMap(() =>
      twin.createRepository('sandbox/scratch', {
        tags: [
          { Key: 'team', Value: 'research' },
          { Key: 'env', Value: 'dev' }
        ]
      })
    ),
    E.flatMap(() =>
      twin.pushImage('team/app', {
        tag: 'v1.2.2',
        pushedAt: at(1),
        labels: labels('1.2.2'),
        env: [PATH, 'NODE_ENV=production']
      })
    ),
    E.bindTo('previous'),
    E.tap(() =>
      twin.pushImage('team/worker', {
        tag: 'v0.9.0',
        pushedAt: at(3),
        env: [PATH]
      })
    ),
    E.tap(() =>
      twin.pushImage('sandbox/scratch', {
        tag: 'nightly',
        pushedAt: at(5),
        env: [PATH]
      })
    ),
    E.bind('latest', () =>
      twin.pushImage('team/app', {
        tags: ['v1.2.3', 'latest'],
        platforms: [
          { os: 'linux', architecture: 'amd64' },
          { os: 'linux', architecture: 'arm64', variant: 'v8' }
        ],
        pushedAt: at(8),
        labels: labels('1.2.3'),
        env: [PATH, 'NODE_ENV=production']
      })
    ),
    E.bind('untagged', () => twin.pushImage('team/app', { pushedAt: at(9), env: [PATH] })),
    E.map((images) => {
      twin.resetCalls()
      return { twin, ...images }
    })
  )
}

// -------------------------------------------------------------------------------------
// the steps
// -------------------------------------------------------------------------------------

export interface Step {
  /** a short name, for the table of calls */
  readonly name: string
  readonly title: string
  /** the library call, as code */
  readonly call: string
  readonly run: RTE.ReaderTaskEither<Env, EcrError.EcrError, Output>
}

const app = `${REGISTRY}/team/app`

const repoList = (repos: ReadonlyArray<Repository.RepositoryRef>): Output => ({
  text: repos.map(Repository.toUri),
  json: repos.map(repositoryJson)
})

export const steps: ReadonlyArray<Step> = [
  {
    name: 'parse',
    title: 'Parse an image URI (pure: no environment, no calls)',
    call: `ImageUri.parse('${EXAMPLE_URI}')`,
    run: RTE.fromEither(pipe(parseAny(EXAMPLE_URI), E.map(parsedOutput)))
  },
  {
    name: 'list',
    title: 'List the repositories',
    call: 'Registry.listRepositories()',
    run: pipe(Registry.listRepositories(), RTE.map(repoList))
  },
  {
    name: 'filter',
    title: 'Repositories tagged env=prod',
    call: "Registry.getRepositories({ tags: [{ Key: 'env', Value: 'prod' }] })",
    run: pipe(Registry.getRepositories({ tags: [PROD] }), RTE.map(repoList))
  },
  {
    name: 'resolve latest',
    title: 'Resolve team/app to its most recently pushed tagged image (digest form; a later untagged push is skipped)',
    call: "resolveImageUri('team/app')",
    run: pipe(
      resolveImageUri('team/app'),
      RTE.map(resolvedOutput)
    )
  },
  {
    name: 'resolve by tag',
    title: 'Resolve team/app by tag',
    call: "resolveImageUri('team/app', { defaultTag: 'v1.2.2' })",
    run: pipe(
      resolveImageUri('team/app', { defaultTag: 'v1.2.2' }),
      RTE.map(resolvedOutput)
    )
  },
  {
    name: 'promote',
    title: 'Promote latest to prod: the image tagged latest gets the tag prod',
    call: `Image.fromUri('${app}:latest'), then Image.addTags(ref, ['prod'])`,
    run: pipe(
      Image.fromUri(`${app}:latest`),
      RTE.tap((ref) => Image.addTags(ref, ['prod'])),
      RTE.bindTo('ref'),
      RTE.bind('tags', ({ ref }) => Image.getTags(ref)),
      RTE.map(({ ref, tags }) => {
        const sorted = [...tags].sort()
        return {
          text: [`${app}:prod`, `${Image.toUri(ref)} now has the tags: ${sorted.join(', ')}`],
          json: { ...imageJson(ref), tags: sorted }
        }
      })
    )
  },
  {
    name: 'config',
    title: 'Read the config of team/app:prod for linux/arm64 (a two-platform index) through the registry API',
    call: `Image.fromUri('${app}:prod'), then Image.getConfig(ref, { platform: { os: 'linux', architecture: 'arm64' } })`,
    run: pipe(
      Image.fromUri(`${app}:prod`),
      RTE.flatMap((ref) =>
        Image.getConfig(ref, {
          platform: { os: 'linux', architecture: 'arm64' }
        })
      ),
      RTE.map((config) => ({
        text: configLines(config),
        json: {
          os: config.os,
          architecture: config.architecture,
          labels: config.config?.Labels ?? {},
          env: config.config?.Env ?? []
        }
      }))
    )
  }
]

// -------------------------------------------------------------------------------------
// running and printing
// -------------------------------------------------------------------------------------

export interface StepResult {
  readonly step: Step
  readonly output: Output
  /** ECR API operations the step called, in order */
  readonly ecrCalls: ReadonlyArray<string>
  /** registry HTTP requests the step made */
  readonly httpRequests: number
}

/** Runs the step and reads from the twin's log which calls it made. */
const measured =
  (twin: InMemoryEcr.InMemoryEcr) =>
  (step: Step): RTE.ReaderTaskEither<Env, EcrError.EcrError, StepResult> =>
  (env) =>
  () => {
    // read when the step runs, not when the program is put together
    const ecr0 = twin.calls.length
    const http0 = twin.httpCalls.length
    return pipe(
      step.run(env),
      TE.map((output) => ({
        step,
        output,
        ecrCalls: twin.calls.slice(ecr0).map((c) => c.operation),
        httpRequests: twin.httpCalls.length - http0
      }))
    )()
  }

/** The steps, one after the other, on the twin; the first failure stops the tour. */
export const runSteps = (twin: InMemoryEcr.InMemoryEcr): TE.TaskEither<EcrError.EcrError, ReadonlyArray<StepResult>> =>
  pipe(steps.map(measured(twin)), RTE.sequenceSeqArray)(twin.env)

/** `DescribeImages 2, BatchGetImage 1`, in order of first call; `-` for none. */
export const countCalls = (operations: ReadonlyArray<string>): string => {
  const counts = new Map<string, number>()
  for (const op of operations) counts.set(op, (counts.get(op) ?? 0) + 1)
  return counts.size === 0 ? '-' : Array.from(counts, ([op, n]) => `${op} ${n}`).join(', ')
}

const countsOf = (operations: ReadonlyArray<string>): Readonly<Record<string, number>> =>
  operations.reduce<Record<string, number>>((acc, op) => ({ ...acc, [op]: (acc[op] ?? 0) + 1 }), {})

export const toOutput = (seeded: Seeded, results: ReadonlyArray<StepResult>): Output => {
  const { twin, latest } = seeded
  const intro = [
    `ecr-fp-ts demo: the library against an in-memory twin of one ECR registry (${REGISTRY}); no AWS account needed.`,
    `Seeded: team/app (env=prod; v1.2.2, v1.2.3 = latest for ${latest.children
      .map((c) => `${c.platform.os}/${c.platform.architecture}`)
      .join(' + ')}, one untagged build),`,
    '        team/worker (env=prod), sandbox/scratch (env=dev).'
  ]
  const sections = results.flatMap((r, i) => ['', `${i + 1}. ${r.step.title}`, `   > ${r.step.call}`, ...indent(r.output.text, 3)])
  const totalEcr = results.flatMap((r) => r.ecrCalls)
  const totalHttp = results.reduce((n, r) => n + r.httpRequests, 0)
  const calls = table(
    ['STEP', 'ECR API CALLS', 'HTTP REQUESTS'],
    [
      ...results.map((r, i) => [`${i + 1}. ${r.step.name}`, countCalls(r.ecrCalls), `${r.httpRequests}`]),
      ['all', `${totalEcr.length} calls`, `${totalHttp}`]
    ]
  )
  return {
    text: [...intro, ...sections, '', `${results.length + 1}. API calls per step (from the twin's call log)`, ...indent(calls, 3)],
    json: {
      registry: REGISTRY,
      accountId: twin.accountId,
      region: twin.region,
      steps: results.map((r) => ({
        name: r.step.name,
        title: r.step.title,
        call: r.step.call,
        result: r.output.json,
        ecrCalls: countsOf(r.ecrCalls),
        httpRequests: r.httpRequests
      }))
    }
  }
}

/** The whole tour on a fresh twin. */
export const demo = (): TE.TaskEither<EcrError.EcrError, Output> =>
  pipe(
    TE.fromEither(seed()),
    TE.flatMap((seeded) =>
      pipe(
        runSteps(seeded.twin),
        TE.map((results) => toOutput(seeded, results))
      )
    )
  )

/** `demo` */
export const run = async (ctx: Context): Promise<void> => ctx.finish(await demo()())
