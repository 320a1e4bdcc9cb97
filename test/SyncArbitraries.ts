// Arbitrary plans, built from the plan's rules (digests, tags, URIs from the library's arbitraries).
import * as fc from 'fast-check'
import * as Arb from '../src/arbitraries'
import type { ImageDigest, ImageTag } from '../src/Primitives'
import type * as RepositoryUri from '../src/RepositoryUri'
import * as Sync from '../src/Sync'

const digest: fc.Arbitrary<ImageDigest> = Arb.imageDigest.filter((d) => d.startsWith('sha256:'))

/** A small pool of digests, so blobs and manifests are shared between images. */
const pooled = (pool: ReadonlyArray<ImageDigest>) => fc.constantFrom(...pool)

const mediaType = fc.constantFrom('application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json')

const blobs = (pool: ReadonlyArray<ImageDigest>) =>
  fc.uniqueArray(fc.record({ digest: pooled(pool), size: fc.nat({ max: 1_000_000 }), action: fc.constantFrom<Sync.BlobAction>('send', 'mount', 'skip') }), {
    selector: (b) => b.digest,
    maxLength: 4
  })

const manifests = (pool: ReadonlyArray<ImageDigest>) =>
  fc.array(fc.record({ digest: pooled(pool), mediaType, size: fc.nat({ max: 10_000 }), action: fc.constantFrom<Sync.PutAction>('put', 'skip') }), {
    minLength: 1,
    maxLength: 3
  })

const tag: fc.Arbitrary<Sync.PlannedTag> = fc.oneof(
  fc.record({ tag: Arb.imageTag as fc.Arbitrary<ImageTag>, action: fc.constantFrom<Sync.PutAction>('put', 'skip') }),
  fc.record({ tag: Arb.imageTag as fc.Arbitrary<ImageTag>, action: fc.constant<Sync.PutAction>('put'), current: digest })
)

const image = (pool: ReadonlyArray<ImageDigest>): fc.Arbitrary<Sync.PlannedImage> =>
  fc.record({
    digest,
    sourceDigest: digest,
    mediaType,
    tags: fc.array(tag, { minLength: 1, maxLength: 3 }),
    manifests: manifests(pool),
    blobs: blobs(pool),
    referrers: fc.array(
      fc.record({
        subject: digest,
        digest,
        mediaType,
        artifactType: fc.constantFrom('application/spdx+json', 'application/vnd.dev.cosign.artifact.sig.v1+json'),
        action: fc.constantFrom<Sync.PutAction>('put', 'skip'),
        manifests: manifests(pool),
        blobs: blobs(pool)
      }),
      { maxLength: 2 }
    )
  })

const platform = fc.record(
  { os: fc.constantFrom('linux', 'windows'), architecture: fc.constantFrom('amd64', 'arm64'), variant: fc.constantFrom('v7', 'v8') },
  { requiredKeys: ['os', 'architecture'] }
)

const settings: fc.Arbitrary<Sync.PlanSettings> = fc.record({
  tags: fc.oneof(
    fc.constant('all' as const),
    fc.array(Arb.imageTag, { maxLength: 3 }),
    fc.record({ pattern: fc.constantFrom('^v', 'rc$', '.*'), flags: fc.constantFrom('', 'i') })
  ),
  platforms: fc.oneof(fc.constant('all' as const), fc.array(platform, { minLength: 1, maxLength: 2 })),
  referrers: fc.oneof(fc.boolean(), fc.record({ artifactTypes: fc.array(fc.constantFrom('application/spdx+json', 'x/y'), { maxLength: 2 }) }))
})

const createRepository: fc.Arbitrary<Sync.CreateRepositoryPlan> = fc.record({
  imageTagMutability: fc.oneof(
    fc.constantFrom<'MUTABLE' | 'IMMUTABLE'>('MUTABLE', 'IMMUTABLE'),
    fc.record({ mode: fc.constantFrom<'MUTABLE' | 'IMMUTABLE'>('MUTABLE', 'IMMUTABLE'), exceptFor: fc.array(fc.constantFrom('latest', 'sha256-*'), { maxLength: 2 }) })
  ),
  encryption: fc.oneof(
    fc.constant({ type: 'AES256' as const }),
    fc.record({ type: fc.constantFrom<'KMS' | 'KMS_DSSE'>('KMS', 'KMS_DSSE'), kmsKey: fc.constant('alias/ecr') }, { requiredKeys: ['type'] })
  )
})

/** A plan: images sharing blobs and manifests from a small pool, with totals computed from them. */
export const arbitraryPlan: fc.Arbitrary<Sync.Plan> = fc
  .tuple(
    fc.uniqueArray(digest, { minLength: 1, maxLength: 6 }),
    Arb.repositoryUri as fc.Arbitrary<RepositoryUri.RepositoryUri>,
    Arb.repositoryUri as fc.Arbitrary<RepositoryUri.RepositoryUri>,
    settings,
    fc.option(createRepository, { nil: undefined })
  )
  .chain(([pool, source, destination, s, create]) =>
    fc.array(image(pool), { maxLength: 4 }).map(
      (images): Sync.Plan => ({
        version: 1,
        source,
        destination,
        settings: s,
        ...(create === undefined ? {} : { createRepository: create }),
        images,
        totals: Sync.totals(images, create !== undefined)
      })
    )
  )
