// Test support for the ECR operations: an environment over an aws-sdk-client-mock ECRClient, and
// small manifests with their digests.
import { ECRClient } from '@aws-sdk/client-ecr'
import { mockClient } from 'aws-sdk-client-mock'
import { createHash } from 'node:crypto'
import * as E from 'fp-ts/Either'
import * as Env from '../src/Env'
import type { EcrError } from '../src/EcrError'
import type { AccountId, ImageDigest, Region, RepositoryName } from '../src/Primitives'
import type { ImageRef } from '../src/Image'
import type { RepositoryRef } from '../src/Repository'
import * as Retry from '../src/Retry'

export const ACCOUNT = '123456789012' as AccountId
export const REGION = 'us-west-2' as Region

export const ecrMock = mockClient(ECRClient)

/** An environment whose ECR client is mocked; retries do not wait. */
export const mockEnv = (overrides: Partial<Env.MakeOptions> = {}): Env.Env =>
  Env.make({
    ecr: new ECRClient({ region: REGION, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }),
    accountId: ACCOUNT,
    region: REGION,
    retry: { ecr: Retry.limitRetries(4) },
    sleep: () => Promise.resolve(),
    ...overrides
  })

export const repo = (name: string, region: Region = REGION): RepositoryRef => ({
  accountId: ACCOUNT,
  region,
  repositoryName: name as RepositoryName
})

export const sha256 = (data: string | Buffer): ImageDigest =>
  `sha256:${createHash('sha256').update(data).digest('hex')}` as ImageDigest

export const fakeDigest = (n: number): ImageDigest => `sha256:${n.toString(16).padStart(64, '0')}` as ImageDigest

export const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip'
} as const

export const ALL_MANIFEST_TYPES = [MT.dockerManifest, MT.dockerList, MT.ociManifest, MT.ociIndex]

/** A Docker v2 manifest naming a config blob and layers of the given sizes. */
export const dockerManifest = (config: { digest: string; size: number }, layers: ReadonlyArray<{ digest: string; size: number }>): string =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MT.dockerManifest,
    config: { mediaType: MT.dockerConfig, size: config.size, digest: config.digest },
    layers: layers.map((l) => ({ mediaType: MT.dockerLayer, size: l.size, digest: l.digest }))
  })

/** A manifest list with one entry per given child. */
export const manifestList = (
  children: ReadonlyArray<{ manifest: string; platform: { os: string; architecture: string; variant?: string } }>
): string =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MT.dockerList,
    manifests: children.map((c) => ({
      mediaType: MT.dockerManifest,
      size: Buffer.byteLength(c.manifest),
      digest: sha256(c.manifest),
      platform: c.platform
    }))
  })

export const imageRef = (name: string, manifest?: string, digest?: ImageDigest): ImageRef => ({
  ...repo(name),
  imageDigest: digest ?? sha256(manifest ?? name),
  ...(manifest === undefined ? {} : { imageManifest: manifest })
})

/** An SDK-style service exception. */
export const awsException = (name: string, message = name, status = 400): Error =>
  Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } })

export const leftOf = <A>(r: E.Either<EcrError, A>): EcrError => {
  if (E.isRight(r)) throw new Error(`expected a Left, got Right ${JSON.stringify(r.right)}`)
  return r.left
}

export const rightOf = <A>(r: E.Either<EcrError, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected a Right, got Left ${JSON.stringify(r.left)}`)
  return r.right
}
