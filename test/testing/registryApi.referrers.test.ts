// The registry API of the twin for archived images and OCI 1.1 referrers.
import { DescribeImagesCommand, UpdateImageStorageClassCommand } from '@aws-sdk/client-ecr'
import { createHash } from 'crypto'
import { describe, expect, it } from 'vitest'
import { InMemoryEcr } from '../../src/testing'
import { authorization, push, url } from './fixtures'

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`

const setup = async (options: InMemoryEcr.Options = {}) => {
  const twin = InMemoryEcr.make(options)
  const headers = { authorization: await authorization(twin) }
  return { twin, headers }
}

const archive = (twin: InMemoryEcr.InMemoryEcr, imageDigest: string) =>
  twin.ecr.send(
    new UpdateImageStorageClassCommand({ repositoryName: 'app', imageId: { imageDigest }, targetStorageClass: 'ARCHIVE' })
  )

describe('archived images on the registry API', () => {
  it('a manifest GET or HEAD answers 404 MANIFEST_UNKNOWN saying it is archived; its blobs 404 too', async () => {
    const { twin, headers } = await setup()
    const a = push(twin, 'app', { tag: 'v1' })
    const b = push(twin, 'app', { tag: 'v2' })
    await archive(twin, a.imageDigest)
    for (const reference of ['v1', a.imageDigest]) {
      const res = await twin.fetch(url(twin, `/v2/app/manifests/${reference}`), { headers })
      expect(res.status).toBe(404)
      const body = (await res.json()) as { errors: ReadonlyArray<{ code: string; message: string }> }
      expect(body.errors[0]?.code).toBe('MANIFEST_UNKNOWN')
      expect(body.errors[0]?.message).toContain('archived')
      expect(body.errors[0]?.message).toContain('UpdateImageStorageClass')
      expect((await twin.fetch(url(twin, `/v2/app/manifests/${reference}`), { headers, method: 'HEAD' })).status).toBe(404)
    }
    const blob = await twin.fetch(url(twin, `/v2/app/blobs/${a.configDigest ?? ''}`), { headers })
    expect(blob.status).toBe(404)
    expect(((await blob.json()) as { errors: ReadonlyArray<{ code: string }> }).errors[0]?.code).toBe('BLOB_UNKNOWN')
    // the other image is untouched
    expect((await twin.fetch(url(twin, `/v2/app/manifests/v2`), { headers })).status).toBe(200)
    expect((await twin.fetch(url(twin, `/v2/app/blobs/${b.configDigest ?? ''}`), { headers })).status).toBe(200)
  })

  it('a blob an active image shares stays readable', async () => {
    const { twin, headers } = await setup()
    const a = push(twin, 'app', { tag: 'v1' })
    // another manifest, which stays active, uses the same config blob
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1, digest: a.configDigest },
      layers: []
    })
    const put = await twin.fetch(url(twin, '/v2/app/manifests/other'), {
      method: 'PUT',
      headers: { ...headers, 'content-type': OCI_MANIFEST },
      body: manifest
    })
    expect(put.status).toBe(201)
    await archive(twin, a.imageDigest)
    expect((await twin.fetch(url(twin, `/v2/app/blobs/${a.configDigest ?? ''}`), { headers })).status).toBe(200)
  })

  it('a manifest GET records the pull time; HEAD does not', async () => {
    let t = Date.parse('2025-01-01T00:00:00Z')
    const { twin, headers } = await setup({ now: () => new Date(t) })
    push(twin, 'app', { tag: 'v1' })
    await twin.fetch(url(twin, '/v2/app/manifests/v1'), { headers, method: 'HEAD' })
    const pulled = async () =>
      (await twin.ecr.send(new DescribeImagesCommand({ repositoryName: 'app' }))).imageDetails?.[0]?.lastRecordedPullTime
    expect(await pulled()).toBeUndefined()
    t += 1000
    await twin.fetch(url(twin, '/v2/app/manifests/v1'), { headers })
    expect(await pulled()).toEqual(new Date(t))
  })
})

describe('the referrers API (OCI 1.1)', () => {
  const withReferrers = async (options: InMemoryEcr.Options = {}) => {
    const { twin, headers } = await setup(options)
    const subject = push(twin, 'app', { tag: 'v1' })
    const sig = push(twin, 'app', {
      subject: subject.imageDigest,
      artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      annotations: { created: 'now' }
    })
    const sbom = push(twin, 'app', { subject: subject.imageDigest, artifactType: 'application/spdx+json' })
    return { twin, headers, subject, sig, sbom }
  }

  it('answers an image index of the descriptors of the manifests whose subject is the digest', async () => {
    const { twin, headers, subject, sig, sbom } = await withReferrers()
    const res = await twin.fetch(url(twin, `/v2/app/referrers/${subject.imageDigest}`), { headers })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(OCI_INDEX)
    expect(res.headers.get('oci-filters-applied')).toBeNull()
    expect(await res.json()).toEqual({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: sig.imageDigest,
          size: Buffer.byteLength(sig.manifest),
          artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
          annotations: { created: 'now' }
        },
        { mediaType: OCI_MANIFEST, digest: sbom.imageDigest, size: Buffer.byteLength(sbom.manifest), artifactType: 'application/spdx+json' }
      ]
    })
    expect(sha(sig.manifest)).toBe(sig.imageDigest)
  })

  it('filters by artifactType and says so in OCI-Filters-Applied', async () => {
    const { twin, headers, subject, sbom } = await withReferrers()
    const res = await twin.fetch(
      url(twin, `/v2/app/referrers/${subject.imageDigest}?artifactType=${encodeURIComponent('application/spdx+json')}`),
      { headers }
    )
    expect(res.headers.get('oci-filters-applied')).toBe('artifactType')
    const body = (await res.json()) as { manifests: ReadonlyArray<{ digest: string }> }
    expect(body.manifests.map((m) => m.digest)).toEqual([sbom.imageDigest])
  })

  it('an unknown subject has an empty index (200, never 404); a bad digest is 400; archived referrers are left out', async () => {
    const { twin, headers, subject, sig } = await withReferrers()
    const none = await twin.fetch(url(twin, `/v2/app/referrers/sha256:${'0'.repeat(64)}`), { headers })
    expect(none.status).toBe(200)
    expect(((await none.json()) as { manifests: ReadonlyArray<unknown> }).manifests).toEqual([])
    expect((await twin.fetch(url(twin, '/v2/app/referrers/latest'), { headers })).status).toBe(400)
    await archive(twin, sig.imageDigest)
    const res = await twin.fetch(url(twin, `/v2/app/referrers/${subject.imageDigest}`), { headers })
    expect(((await res.json()) as { manifests: ReadonlyArray<unknown> }).manifests).toHaveLength(1)
  })

  it('a manifest PUT with a subject answers OCI-Subject', async () => {
    const { twin, headers, subject } = await withReferrers()
    const empty = await twin.fetch(url(twin, `/v2/app/blobs/uploads/?digest=${sha('{}')}`), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body: '{}'
    })
    expect(empty.status).toBe(201)
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/example',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', size: 2, digest: sha('{}') },
      layers: [],
      subject: { mediaType: subject.mediaType, size: Buffer.byteLength(subject.manifest), digest: subject.imageDigest }
    })
    const put = await twin.fetch(url(twin, `/v2/app/manifests/${sha(manifest)}`), {
      method: 'PUT',
      headers: { ...headers, 'content-type': OCI_MANIFEST },
      body: manifest
    })
    expect(put.status).toBe(201)
    expect(put.headers.get('oci-subject')).toBe(subject.imageDigest)
  })

  it('with referrersApi: false the registry answers 404 and no OCI-Subject, as one without the API', async () => {
    const { twin, headers, subject } = await withReferrers({ referrersApi: false })
    const res = await twin.fetch(url(twin, `/v2/app/referrers/${subject.imageDigest}`), { headers })
    expect(res.status).toBe(404)
    // the tag-schema fallback is plain tags and indexes, which the twin serves as any other
    const fallback = `sha256-${subject.imageDigest.slice('sha256:'.length)}`
    const pushed = twin.pushImage('app', { tag: fallback, format: 'oci' })
    expect(pushed._tag).toBe('Right')
    expect((await twin.fetch(url(twin, `/v2/app/manifests/${fallback}`), { headers })).status).toBe(200)
  })
})
