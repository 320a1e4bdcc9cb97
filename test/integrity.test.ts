import type { RepositoryRef } from '../src/Repository'
// Every manifest BatchGetImage answers is checked against the digest ECR reports for it, where the
// answer is decoded: a hostile or broken endpoint whose manifest does not hash to its digest gives a
// DigestMismatch, and the manifest is never used (fromUri by tag, getManifest, getConfig, getImages).
import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import { BatchGetImageCommand, type ECRClient } from '@aws-sdk/client-ecr'
import * as E from 'fp-ts/Either'
import { createHash } from 'node:crypto'
import { pipe } from 'fp-ts/function'
import * as RTE from 'fp-ts/ReaderTaskEither'
import * as Image from '../src/Image'
import * as Manifest from '../src/Manifest'
import * as Repository from '../src/Repository'
import { checkDigests } from '../src/internal/images'
import type { FetchedImage } from '../src/internal/output'
import type { ImageDigest } from '../src/Primitives'
import { InMemoryEcr } from '../src/testing'

/** The twin's env, its BatchGetImage answers changed by `tamper` (the digests are left as they were). */
const hostile = (twin: InMemoryEcr.InMemoryEcr, tamper: (manifest: string) => string) => {
  const inner = twin.env.ecr
  const f = async (command: unknown, options?: unknown): Promise<unknown> => {
    // the twin's send, as the SDK's: the promise form with a command
    const out: unknown = await (inner.send as unknown as (c: unknown, o?: unknown) => Promise<unknown>)(command, options)
    if (!(command instanceof BatchGetImageCommand) || typeof out !== 'object' || out === null || !('images' in out) || !Array.isArray(out.images)) return out
    return { ...out, images: out.images.map((i: { imageManifest?: string }) => ({ ...i, imageManifest: tamper(i.imageManifest ?? '') })) }
  }
  // a test double standing for ECRClient['send']: only its promise form is called
  return { ...twin.env, ecr: { send: f as unknown as ECRClient['send'] } }
}

const URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/app'

/** A manifest that differs from the original by whitespace only: same JSON, other bytes, other digest. */
const reformatted = (m: string): string => `${m} `

describe('checkDigests', () => {
  const repo = { accountId: '123456789012', region: 'us-east-1', repositoryName: 'app' } as RepositoryRef
  const image = (manifest: string, digest?: string): FetchedImage => ({ imageDigest: (digest ?? Manifest.digest(manifest)) as ImageDigest, imageManifest: manifest })

  it('is the answer when every manifest hashes to its digest, else a DigestMismatch naming both digests', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.boolean()), { maxLength: 6 }), (specs) => {
        const images = specs.map(([m, lie]) => image(m, lie ? Manifest.digest(`${m}x`) : undefined))
        const r = checkDigests(repo)({ images, failures: [] })
        const liar = images.find((i) => Manifest.digest(i.imageManifest) !== i.imageDigest)
        if (liar === undefined) expect(r).toEqual(E.right({ images, failures: [] }))
        else
          expect(r).toEqual(
            E.left(expect.objectContaining({ _tag: 'DigestMismatch', expected: liar.imageDigest, actual: Manifest.digest(liar.imageManifest) }))
          )
      })
    )
  })

  it('hashes sha512 digests with sha512', () => {
    const m = '{"schemaVersion":2}'
    const d = `sha512:${createHash('sha512').update(m).digest('hex')}`
    expect(E.isRight(checkDigests(repo)({ images: [image(m, d)], failures: [] }))).toBe(true)
  })
})

describe('a BatchGetImage answer whose manifest does not hash to its digest', () => {
  it('Image.fromUri(tag) is a DigestMismatch', async () => {
    const twin = InMemoryEcr.make()
    const pushed = twin.pushImage('app', { tag: 'v1' })
    expect(E.isRight(pushed)).toBe(true)
    const r = await Image.fromUri(`${URI}:v1`)(hostile(twin, reformatted))()
    expect(E.isLeft(r) && r.left._tag).toBe('DigestMismatch')
    expect(E.isLeft(r) && r.left._tag === 'DigestMismatch' && E.isRight(pushed) && r.left.expected).toBe(E.isRight(pushed) && pushed.right.imageDigest)
  })

  it('getManifest and getConfig of a digest ref are DigestMismatch, never the manifest', async () => {
    const twin = InMemoryEcr.make()
    const pushed = twin.pushImage('app', { tag: 'v1', labels: { team: 'infra' } })
    if (E.isLeft(pushed)) throw new Error('push failed')
    const env = hostile(twin, (m) => m.replace('"schemaVersion"', ' "schemaVersion"'))
    const byDigest = Image.fromUri(`${URI}@${pushed.right.imageDigest}`)
    const manifest = await pipe(byDigest, RTE.flatMap(Image.getManifest))(env)()
    expect(E.isLeft(manifest) && manifest.left._tag).toBe('DigestMismatch')
    const config = await pipe(byDigest, RTE.flatMap((ref) => Image.getConfig(ref)))(env)()
    expect(E.isLeft(config) && config.left._tag).toBe('DigestMismatch')
  })

  it('Repository.getImage and getImages too; an untouched answer is accepted', async () => {
    const twin = InMemoryEcr.make()
    twin.pushImage('app', { tag: 'v1' })
    twin.pushImage('app', { tag: 'v2' })
    const repo = await Repository.make('app')(twin.env)()
    if (E.isLeft(repo)) throw new Error('no repo')
    const one = await Repository.getImage(repo.right, { tag: 'v1' })(hostile(twin, reformatted))()
    expect(E.isLeft(one) && one.left._tag).toBe('DigestMismatch')
    const all = await Repository.getImages(repo.right)(hostile(twin, reformatted))()
    expect(E.isLeft(all) && all.left._tag).toBe('DigestMismatch')
    const honest = await Repository.getImages(repo.right)(hostile(twin, (m) => m))()
    expect(E.isRight(honest) && honest.right.length).toBe(2)
  })
})
