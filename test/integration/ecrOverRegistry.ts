/**
 * An ECR API over a real registry (docker-registry / distribution), for integration tests and
 * benchmarks: a `send` that answers the SDK commands `Sync` uses (GetAuthorizationToken,
 * DescribeRepositories, CreateRepository, DescribeImages, ListImages, BatchGetImage,
 * BatchCheckLayerAvailability) by asking the registry's HTTP API (tags/list, manifests, ranged blob GETs,
 * catalog), so `Sync.plan` / `Sync.apply` run end to end against a registry that stores the bytes.
 *
 * What a registry cannot say, this cannot either:
 * - Images are what the tags reach: each tag's manifest, the manifests an index lists, and the
 *   referrers a tag-schema fallback index (`sha256-<hex>` tag) lists (reported as untagged images
 *   with `subjectManifestDigest`). An untagged image nothing tagged reaches cannot be listed.
 * - A repository exists once it holds a tag, or once `CreateRepository` named it through this
 *   `send` (registries create repositories on first push); every repository is MUTABLE, AES256.
 * - Sizes are the manifests' own (no `imageSizeInBytes` of layers), there is no push time, and
 *   everything is ACTIVE.
 */
import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  InvalidParameterException,
  ListImagesCommand,
  RepositoryAlreadyExistsException,
  RepositoryNotFoundException
} from '@aws-sdk/client-ecr'
import { createHash } from 'node:crypto'
import { request as undiciRequest, type Dispatcher } from 'undici'
import * as Env from '../../src/Env'
import type { AccountId, Region } from '../../src/Primitives'

export interface RegistryAccess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly username: string
  readonly password: string
}

export interface EcrOverRegistryOptions extends RegistryAccess {
  readonly accountId: string
  readonly region: string
  /**
   * For the registry requests of this module and the library's small ones. Default: this module
   * asks through `dispatcher` when there is one (else the global fetch), and the library's
   * environment keeps its built-in fetch (which a copy routes through `dispatcher`).
   */
  readonly fetch?: Env.HttpEnv['fetch']
  /** For the library's registry requests (streamed ones at least), and this module's without `fetch`. */
  readonly dispatcher?: Dispatcher
  /** How many registry requests one command makes at once (default 8). */
  readonly concurrency?: number
  /**
   * The environment's pacing (`EcrEnv.rateLimits`). Default: none, because a docker-registry has no
   * request-rate quotas (against ECR, the library paces at ECR's quotas, and any other client is
   * throttled at them).
   */
  readonly rateLimits?: Env.RateLimits
}

export interface EcrOverRegistry {
  /** `Env.make` over this `send`, the registry's fetch and dispatcher. */
  readonly env: Env.EcrEnv & Env.HttpEnv
  /** The ECR API, answered from the registry. */
  readonly send: (command: { readonly input: unknown }) => Promise<unknown>
  /** The operations asked, oldest first. */
  readonly calls: ReadonlyArray<string>
}

/** Every operation `Env.make` paces by default, unpaced. */
const unpacedAll: Env.RateLimits = Object.fromEntries(Object.keys(Env.defaultRateLimits).map((op) => [op, Env.unpaced]))

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'])

const FALLBACK_TAG = /^sha256-([0-9a-f]{64})$/

const $metadata = { httpStatusCode: 200 }

interface Fetched {
  readonly digest: string
  readonly text: string
  readonly mediaType: string
}

interface Descriptor {
  readonly digest: string
  readonly mediaType?: string
  readonly artifactType?: string
}

interface ImageRecord {
  readonly imageDigest: string
  readonly imageTags: Array<string>
  readonly imageManifestMediaType: string
  readonly imageSizeInBytes: number
  artifactMediaType?: string
  subjectManifestDigest?: string
}

/** Runs `f` over `xs`, at most `n` at once, results in order. */
const bounded = async <A, B>(n: number, xs: ReadonlyArray<A>, f: (a: A) => Promise<B>): Promise<Array<B>> => {
  const out: Array<B> = new Array(xs.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < xs.length) {
      const i = next++
      out[i] = await f(xs[i] as A)
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, xs.length) }, worker))
  return out
}

/** The operations answered, by command class (not by class name, which a bundler may rename). */
const OPERATIONS = new Map<unknown, string>([
  [GetAuthorizationTokenCommand, 'GetAuthorizationToken'],
  [DescribeRepositoriesCommand, 'DescribeRepositories'],
  [CreateRepositoryCommand, 'CreateRepository'],
  [DescribeImagesCommand, 'DescribeImages'],
  [ListImagesCommand, 'ListImages'],
  [BatchGetImageCommand, 'BatchGetImage'],
  [BatchCheckLayerAvailabilityCommand, 'BatchCheckLayerAvailability']
])

const commandName = (command: { readonly input: unknown }): string =>
  OPERATIONS.get(command.constructor) ?? command.constructor.name.replace(/Command$/, '')

const fieldsOf = (u: unknown): Record<string, unknown> => (typeof u === 'object' && u !== null ? (u as Record<string, unknown>) : {})

const stringsOf = (u: unknown): ReadonlyArray<string> => (Array.isArray(u) ? u.filter((x): x is string => typeof x === 'string') : [])

const parseJson = (text: string): Record<string, unknown> => {
  try {
    return fieldsOf(JSON.parse(text))
  } catch {
    return {}
  }
}

const descriptorsOf = (u: unknown): ReadonlyArray<Descriptor> =>
  (Array.isArray(u) ? u : []).flatMap((d) => {
    const f = fieldsOf(d)
    return typeof f.digest === 'string'
      ? [{ digest: f.digest, ...(typeof f.mediaType === 'string' ? { mediaType: f.mediaType } : {}), ...(typeof f.artifactType === 'string' ? { artifactType: f.artifactType } : {}) }]
      : []
  })

/** What this module reads of a registry's answer. */
interface Answer {
  readonly status: number
  readonly header: (name: string) => string | undefined
  readonly text: () => Promise<string>
  readonly json: () => Promise<unknown>
  readonly arrayBuffer: () => Promise<ArrayBuffer>
}

/** One request: through `fetch` when given, else through `dispatcher` (undici's `request`), else the global fetch. */
const answer = async (
  url: string,
  init: { readonly method: 'GET'; readonly headers: Record<string, string> },
  via: Pick<EcrOverRegistryOptions, 'fetch' | 'dispatcher'>
): Promise<Answer> => {
  if (via.fetch === undefined && via.dispatcher !== undefined) {
    const res = await undiciRequest(url, { ...init, dispatcher: via.dispatcher })
    return {
      status: res.statusCode,
      header: (name) => {
        const v = res.headers[name.toLowerCase()]
        return Array.isArray(v) ? v[0] : v
      },
      text: () => res.body.text(),
      json: () => res.body.json(),
      arrayBuffer: () => res.body.arrayBuffer()
    }
  }
  const res = await (via.fetch ?? globalThis.fetch)(url, init)
  return {
    status: res.status,
    header: (name) => res.headers.get(name) ?? undefined,
    text: () => res.text(),
    json: () => res.json(),
    arrayBuffer: () => res.arrayBuffer()
  }
}

/**
 * BatchCheckLayerAvailability's answer for `digests` of repository `name`, from the registry: a GET
 * of each blob's first byte (not a HEAD: it tells the size in Content-Range and keeps the
 * connection open, where undici closes it after a HEAD, as an API endpoint would).
 */
export const blobAvailability = async (
  access: RegistryAccess & Pick<EcrOverRegistryOptions, 'fetch' | 'dispatcher'>,
  name: string,
  digests: ReadonlyArray<string>,
  limit = 8
): Promise<{ readonly layers: ReadonlyArray<Record<string, unknown>>; readonly failures: ReadonlyArray<Record<string, unknown>> }> => {
  const authorization = `Basic ${Buffer.from(`${access.username}:${access.password}`).toString('base64')}`
  const heads = await bounded(limit, digests, async (digest) => {
    const res = await answer(`${access.url}/v2/${name}/blobs/${digest}`, { method: 'GET', headers: { authorization, range: 'bytes=0-0' } }, access)
    await res.arrayBuffer()
    const total = /\/(\d+)$/.exec(res.header('content-range') ?? '')?.[1]
    const size = res.status === 206 && total !== undefined ? Number(total) : Number(res.header('content-length') ?? '0')
    return { digest, found: res.status === 200 || res.status === 206, size }
  })
  return {
    layers: heads.flatMap((h) => (h.found ? [{ layerDigest: h.digest, layerAvailability: 'AVAILABLE', layerSize: h.size }] : [])),
    failures: heads.flatMap((h) => (h.found ? [] : [{ layerDigest: h.digest, failureCode: 'MissingLayerDigest', failureReason: 'Could not find layer' }]))
  }
}

/** An ECR API answered from the registry at `options.url`. */
export const make = (options: EcrOverRegistryOptions): EcrOverRegistry => {
  const authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`
  const limit = options.concurrency ?? 8
  const created = new Set<string>()
  const calls: Array<string> = []

  const request = (path: string, init: { readonly method?: 'GET'; readonly headers?: Record<string, string> } = {}): Promise<Answer> =>
    answer(`${options.url}${path}`, { method: init.method ?? 'GET', headers: { authorization, ...init.headers } }, options)

  /** A repository's tags; `undefined` when the registry does not know the repository. */
  const tagsOf = async (name: string): Promise<ReadonlyArray<string> | undefined> => {
    const tags: Array<string> = []
    let path: string | undefined = `/v2/${name}/tags/list?n=1000`
    while (path !== undefined) {
      const res: Answer = await request(path)
      if (res.status === 404) {
        await res.arrayBuffer()
        return undefined
      }
      if (res.status !== 200) throw new Error(`tags/list ${name}: HTTP ${res.status}: ${await res.text()}`)
      tags.push(...stringsOf(fieldsOf(await res.json()).tags))
      const link = res.header('link')
      const m = link === undefined ? null : /<([^>]+)>/.exec(link)
      path = m?.[1] ?? undefined
    }
    return tags
  }

  /** A manifest by tag or digest; `undefined` when missing. */
  const manifest = async (name: string, reference: string): Promise<Fetched | undefined> => {
    const res = await request(`/v2/${name}/manifests/${reference}`, { headers: { accept: ACCEPT } })
    if (res.status === 404) {
      await res.arrayBuffer()
      return undefined
    }
    if (res.status !== 200) throw new Error(`manifest ${name}:${reference}: HTTP ${res.status}: ${await res.text()}`)
    const bytes = Buffer.from(await res.arrayBuffer())
    return {
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
      text: bytes.toString('utf8'),
      mediaType: (res.header('content-type') ?? '').split(';')[0]?.trim() ?? ''
    }
  }

  const exists = async (name: string): Promise<boolean> => created.has(name) || (await tagsOf(name)) !== undefined

  const notFound = (name: string): Error =>
    new RepositoryNotFoundException({
      message: `The repository with name '${name}' does not exist in the registry with id '${options.accountId}'`,
      $metadata: { httpStatusCode: 400 }
    })

  const repositoryRecord = (name: string) => ({
    registryId: options.accountId,
    repositoryName: name,
    repositoryArn: `arn:aws:ecr:${options.region}:${options.accountId}:repository/${name}`,
    repositoryUri: `${options.accountId}.dkr.ecr.${options.region}.amazonaws.com/${name}`,
    imageTagMutability: 'MUTABLE',
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' }
  })

  /** Every image the tags reach: tagged manifests, the children of indexes, the referrers of fallback indexes. */
  const images = async (name: string): Promise<ReadonlyArray<ImageRecord> | undefined> => {
    const tags = await tagsOf(name)
    if (tags === undefined) return created.has(name) ? [] : undefined
    const byDigest = new Map<string, ImageRecord>()
    const record = (digest: string, mediaType: string, size: number): ImageRecord => {
      const seen = byDigest.get(digest)
      if (seen !== undefined) return seen
      const r: ImageRecord = { imageDigest: digest, imageTags: [], imageManifestMediaType: mediaType, imageSizeInBytes: size }
      byDigest.set(digest, r)
      return r
    }
    const tagged = await bounded(limit, tags, async (tag) => ({ tag, m: await manifest(name, tag) }))
    const children: Array<{ digest: string; subject?: string; artifactType?: string }> = []
    for (const { tag, m } of tagged) {
      if (m === undefined) continue
      record(m.digest, m.mediaType, Buffer.byteLength(m.text)).imageTags.push(tag)
      if (!INDEX_TYPES.has(m.mediaType)) continue
      const fallback = FALLBACK_TAG.exec(tag)
      for (const d of descriptorsOf(parseJson(m.text).manifests))
        children.push({ digest: d.digest, ...(fallback === null ? {} : { subject: `sha256:${fallback[1] ?? ''}` }), ...(d.artifactType === undefined ? {} : { artifactType: d.artifactType }) })
    }
    // level by level: the manifests indexes list, and theirs
    let level = children
    for (let depth = 0; level.length > 0 && depth < 8; depth++) {
      const fresh = level.filter((c, i) => !byDigest.has(c.digest) && level.findIndex((x) => x.digest === c.digest) === i)
      const got = await bounded(limit, fresh, async (c) => ({ c, m: await manifest(name, c.digest) }))
      const next: typeof children = []
      for (const { c, m } of got) {
        if (m === undefined) continue
        const r = record(m.digest, m.mediaType, Buffer.byteLength(m.text))
        if (c.subject !== undefined) r.subjectManifestDigest = c.subject
        if (c.artifactType !== undefined) r.artifactMediaType = c.artifactType
        if (INDEX_TYPES.has(m.mediaType)) for (const d of descriptorsOf(parseJson(m.text).manifests)) next.push({ digest: d.digest })
      }
      level = next
    }
    return [...byDigest.values()]
  }

  const page = <A>(items: ReadonlyArray<A>, input: Record<string, unknown>): { readonly items: ReadonlyArray<A>; readonly nextToken?: string } => {
    const max = typeof input.maxResults === 'number' ? input.maxResults : 100
    const from = typeof input.nextToken === 'string' ? Number(input.nextToken) : 0
    const slice = items.slice(from, from + max)
    return from + max < items.length ? { items: slice, nextToken: String(from + max) } : { items: slice }
  }

  const handlers: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {
    GetAuthorizationToken: async () => ({
      authorizationData: [
        {
          authorizationToken: Buffer.from(`${options.username}:${options.password}`).toString('base64'),
          expiresAt: new Date(Date.now() + 12 * 60 * 60 * 1000),
          proxyEndpoint: options.url
        }
      ]
    }),
    DescribeRepositories: async (input) => {
      const names = stringsOf(input.repositoryNames)
      if (names.length > 0) {
        const found = await bounded(limit, names, async (n) => ((await exists(n)) ? n : undefined))
        const missing = names.find((_, i) => found[i] === undefined)
        if (missing !== undefined) throw notFound(missing)
        return { repositories: names.map(repositoryRecord) }
      }
      const res = await request('/v2/_catalog?n=10000')
      const catalog = stringsOf(fieldsOf(await res.json()).repositories)
      return { repositories: [...new Set([...catalog, ...created])].sort().map(repositoryRecord) }
    },
    CreateRepository: async (input) => {
      const name = typeof input.repositoryName === 'string' ? input.repositoryName : ''
      if (await exists(name))
        throw new RepositoryAlreadyExistsException({ message: `The repository with name '${name}' already exists in the registry with id '${options.accountId}'`, $metadata: { httpStatusCode: 400 } })
      created.add(name)
      return { repository: { ...repositoryRecord(name), createdAt: new Date() } }
    },
    DescribeImages: async (input) => {
      const name = typeof input.repositoryName === 'string' ? input.repositoryName : ''
      const all = await images(name)
      if (all === undefined) throw notFound(name)
      const status = fieldsOf(input.filter).tagStatus
      const kept = all.filter((i) => status === 'TAGGED' ? i.imageTags.length > 0 : status === 'UNTAGGED' ? i.imageTags.length === 0 : true)
      const p = page(kept, input)
      return {
        imageDetails: p.items.map((i) => ({
          registryId: options.accountId,
          repositoryName: name,
          imageDigest: i.imageDigest,
          ...(i.imageTags.length > 0 ? { imageTags: [...i.imageTags] } : {}),
          imageSizeInBytes: i.imageSizeInBytes,
          imageManifestMediaType: i.imageManifestMediaType,
          ...(i.artifactMediaType === undefined ? {} : { artifactMediaType: i.artifactMediaType }),
          ...(i.subjectManifestDigest === undefined ? {} : { subjectManifestDigest: i.subjectManifestDigest }),
          imageStatus: 'ACTIVE'
        })),
        ...(p.nextToken === undefined ? {} : { nextToken: p.nextToken })
      }
    },
    ListImages: async (input) => {
      const name = typeof input.repositoryName === 'string' ? input.repositoryName : ''
      const all = await images(name)
      if (all === undefined) throw notFound(name)
      const ids = all.flatMap((i) => (i.imageTags.length === 0 ? [{ imageDigest: i.imageDigest }] : i.imageTags.map((imageTag) => ({ imageDigest: i.imageDigest, imageTag }))))
      const p = page(ids, input)
      return { imageIds: p.items, ...(p.nextToken === undefined ? {} : { nextToken: p.nextToken }) }
    },
    BatchGetImage: async (input) => {
      const name = typeof input.repositoryName === 'string' ? input.repositoryName : ''
      if (!(await exists(name))) throw notFound(name)
      const ids = (Array.isArray(input.imageIds) ? input.imageIds : []).map(fieldsOf)
      const got = await bounded(limit, ids, async (id) => {
        const reference = typeof id.imageDigest === 'string' ? id.imageDigest : typeof id.imageTag === 'string' ? id.imageTag : ''
        return { id, m: await manifest(name, reference) }
      })
      return {
        images: got.flatMap(({ id, m }) =>
          m === undefined
            ? []
            : [{ registryId: options.accountId, repositoryName: name, imageId: { imageDigest: m.digest, ...(typeof id.imageTag === 'string' ? { imageTag: id.imageTag } : {}) }, imageManifest: m.text, imageManifestMediaType: m.mediaType }]
        ),
        failures: got.flatMap(({ id, m }) =>
          m === undefined ? [{ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }] : []
        )
      }
    },
    BatchCheckLayerAvailability: async (input) => {
      const name = typeof input.repositoryName === 'string' ? input.repositoryName : ''
      if (!(await exists(name))) throw notFound(name)
      return blobAvailability(options, name, stringsOf(input.layerDigests), limit)
    }
  }

  const send = async (command: { readonly input: unknown }): Promise<unknown> => {
    const operation = commandName(command)
    calls.push(operation)
    const handler = handlers[operation]
    if (handler === undefined)
      throw new InvalidParameterException({ message: `${operation} is not answered over a registry`, $metadata: { httpStatusCode: 400 } })
    const out = await handler(fieldsOf(command.input))
    return { ...fieldsOf(out), $metadata }
  }

  // `send` answers any command object with the SDK's conventions (its output, or its modelled
  // exception); the client's overloaded generic signature cannot be written for a function that
  // dispatches at run time, hence the cast.
  const ecr: Env.EcrEnv['ecr'] = { send: send as unknown as Env.EcrEnv['ecr']['send'] }
  const env = Env.make({
    ecr,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    accountId: options.accountId as AccountId,
    region: options.region as Region,
    rateLimits: options.rateLimits ?? unpacedAll
  })
  return { env, send, calls }
}
