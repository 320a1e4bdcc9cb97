import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import * as Store from '../../src/testing/store'

const fixedStore = (t = 0) => Store.make({ accountId: '123456789012', region: 'us-east-1', now: () => new Date(t) })

const manifest = (
  config: string,
  layers: ReadonlyArray<string>,
  mediaType: string | null = Store.MediaType.dockerManifest
) =>
  JSON.stringify({
    schemaVersion: 2,
    ...(mediaType === null ? {} : { mediaType }),
    config: { mediaType: Store.MediaType.dockerConfig, size: 2, digest: config },
    layers: layers.map((d) => ({ mediaType: Store.MediaType.dockerLayer, size: 3, digest: d }))
  })

describe('SeqList', () => {
  it('behaves like an ordered map from sequence numbers, whatever appends and removals happen', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant<'append'>('append'), fc.nat({ max: 300 })), { maxLength: 400 }),
        fc.nat({ max: 320 }),
        (ops, after) => {
          const list = Store.seqList<number>()
          const model = new Map<number, number>()
          let seq = 0
          for (const op of ops) {
            if (op === 'append') {
              seq += 1
              Store.seqListAppend(list, seq, seq * 10)
              model.set(seq, seq * 10)
            } else {
              Store.seqListRemove(list, op)
              model.delete(op)
            }
          }
          expect([...Store.seqListFrom(list)]).toEqual([...model.values()])
          expect([...Store.seqListFrom(list, after)]).toEqual(
            [...model.entries()].filter(([k]) => k > after).map(([, v]) => v)
          )
          expect(list.live).toBe(model.size)
        }
      )
    )
  })
})

describe('parseManifest', () => {
  const d1 = Store.sha256('config')
  const d2 = Store.sha256('layer')

  it('reads manifests and indexes of both families', () => {
    const m = Store.parseManifest(manifest(d1, [d2]), undefined)
    expect(m).toEqual(
      E.right(
        expect.objectContaining({
          mediaType: Store.MediaType.dockerManifest,
          config: expect.objectContaining({ digest: d1 }),
          layers: [expect.objectContaining({ digest: d2, size: 3 })],
          artifactMediaType: Store.MediaType.dockerConfig
        })
      )
    )
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: Store.MediaType.ociIndex,
      manifests: [
        {
          mediaType: Store.MediaType.ociManifest,
          size: 10,
          digest: d1,
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }
        }
      ]
    })
    expect(Store.parseManifest(index, undefined)).toEqual(
      E.right(
        expect.objectContaining({
          mediaType: Store.MediaType.ociIndex,
          children: [
            expect.objectContaining({ digest: d1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } })
          ]
        })
      )
    )
  })

  it('takes the declared type when the manifest has none, and refuses a conflict or none at all', () => {
    const bare = manifest(d1, [d2], null)
    expect(Store.parseManifest(bare, undefined)).toEqual(E.left('Invalid JSON syntax'))
    expect(E.isRight(Store.parseManifest(bare, `${Store.MediaType.ociManifest}; charset=utf-8`))).toBe(true)
    expect(E.isLeft(Store.parseManifest(manifest(d1, [d2]), Store.MediaType.ociManifest))).toBe(true)
    expect(Store.parseManifest('{', undefined)).toEqual(E.left('Invalid JSON syntax'))
    expect(
      E.isLeft(
        Store.parseManifest(JSON.stringify({ schemaVersion: 1, mediaType: Store.MediaType.dockerManifest }), undefined)
      )
    ).toBe(true)
    expect(E.isLeft(Store.parseManifest(manifest('nope', [d2]), undefined))).toBe(true)
  })

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), fc.option(fc.string(), { nil: undefined }), (text, declared) => {
        const r = Store.parseManifest(text, declared)
        expect(E.isLeft(r) || E.isRight(r)).toBe(true)
      })
    )
  })

  it('does not require foreign layers to be present', () => {
    const store = fixedStore()
    const repo = Store.createRepository(store, 'app', {})
    if (E.isLeft(repo)) throw new Error('no repo')
    const config = Store.addBlob(store, repo.right, Buffer.from('{}'))
    const text = JSON.stringify({
      schemaVersion: 2,
      mediaType: Store.MediaType.dockerManifest,
      config: { mediaType: Store.MediaType.dockerConfig, size: 2, digest: config },
      layers: [
        {
          mediaType: Store.MediaType.dockerForeignLayer,
          size: 9,
          digest: Store.sha256('foreign'),
          urls: ['https://example.com/l']
        }
      ]
    })
    expect(E.isRight(Store.putManifest(store, repo.right, { text }))).toBe(true)
  })
})

describe('putManifest', () => {
  it('changes nothing when a check fails', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), fc.boolean(), (present, configPresent) => {
        const store = fixedStore()
        const repo = Store.createRepository(store, 'app', {})
        if (E.isLeft(repo)) throw new Error('no repo')
        const layers = present.map((p, i) => {
          const bytes = Buffer.from(`layer ${i}`)
          return p ? Store.addBlob(store, repo.right, bytes) : Store.sha256(bytes)
        })
        const configBytes = Buffer.from('{"c":1}')
        const config = configPresent ? Store.addBlob(store, repo.right, configBytes) : Store.sha256(configBytes)
        const r = Store.putManifest(store, repo.right, { text: manifest(config, layers), tag: 'v1' })
        const complete = configPresent && present.every((p) => p)
        expect(E.isRight(r)).toBe(complete)
        if (!complete) {
          expect(r).toEqual(E.left(expect.objectContaining({ _tag: 'LayersNotFound' })))
          expect(repo.right.images.size).toBe(0)
          expect(repo.right.tags.size).toBe(0)
        }
      })
    )
  })
})

describe('nextPushedAt', () => {
  it('is strictly increasing whatever the clock says, and honours explicit times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 1e12 }), fc.constant(-1)), { minLength: 1, maxLength: 50 }),
        (times) => {
          let clock = 0
          const store = Store.make({ accountId: '123456789012', region: 'us-east-1', now: () => new Date(clock) })
          let previous = Number.NEGATIVE_INFINITY
          for (const t of times) {
            if (t === -1) {
              const explicit = new Date(previous === Number.NEGATIVE_INFINITY ? 5 : previous - 1000)
              expect(Store.nextPushedAt(store, explicit).getTime()).toBe(explicit.getTime())
              previous = Math.max(previous, explicit.getTime())
            } else {
              clock = t
              const at = Store.nextPushedAt(store).getTime()
              expect(at).toBeGreaterThan(previous)
              expect(at).toBeGreaterThanOrEqual(t)
              previous = at
            }
          }
        }
      )
    )
  })
})

// -------------------------------------------------------------------------------------
// tag mutability with exclusion filters
// -------------------------------------------------------------------------------------

const tagChar = fc.constantFrom(...'abcXYZ019._-'.split(''))
const tagText = fc.array(tagChar, { minLength: 1, maxLength: 20 }).map((cs) => cs.join(''))

/** A filter built from a tag by replacing some runs of it with `*`: it must match that tag. */
const filterOf = (tag: string, cuts: ReadonlyArray<readonly [number, number]>): string => {
  let out = tag
  for (const [a, b] of cuts) {
    const i = Math.min(a, out.length)
    const j = Math.min(out.length, i + b)
    out = `${out.slice(0, i)}*${out.slice(j)}`
  }
  return out
}

describe('wildcardMatches', () => {
  it('a filter without * matches exactly itself; a lone * matches every tag', () => {
    fc.assert(
      fc.property(tagText, tagText, (a, b) => {
        expect(Store.wildcardMatches(a, b)).toBe(a === b)
        expect(Store.wildcardMatches('*', b)).toBe(true)
      })
    )
  })

  it('a tag matches every filter made by replacing parts of it with *; dots and dashes are literal', () => {
    fc.assert(
      fc.property(tagText, fc.array(fc.tuple(fc.nat({ max: 20 }), fc.nat({ max: 5 })), { maxLength: 3 }), (tag, cuts) => {
        expect(Store.wildcardMatches(filterOf(tag, cuts), tag)).toBe(true)
      })
    )
    expect(Store.wildcardMatches('v1.0', 'v1x0')).toBe(false)
    expect(Store.wildcardMatches('sha256-*.sig', 'sha256-abc.sig')).toBe(true)
    expect(Store.wildcardMatches('sha256-*.sig', 'sha256-abc.att')).toBe(false)
  })
})

describe('isTagImmutable and exclusionProblem', () => {
  const repoWith = (imageTagMutability: Store.TagMutability, exclusionFilters: ReadonlyArray<string>) => {
    const store = fixedStore()
    const created = Store.createRepository(store, 'app', { imageTagMutability, exclusionFilters })
    if (E.isLeft(created)) throw new Error('no repository')
    return created.right
  }

  it('an exclusion flips the mode for the tags it matches, and only for them', () => {
    fc.assert(
      fc.property(tagText, fc.array(tagText, { minLength: 1, maxLength: 5 }), (tag, filters) => {
        const excluded = filters.some((f) => Store.wildcardMatches(f, tag))
        expect(Store.isTagImmutable(repoWith('MUTABLE', []), tag)).toBe(false)
        expect(Store.isTagImmutable(repoWith('IMMUTABLE', []), tag)).toBe(true)
        expect(Store.isTagImmutable(repoWith('IMMUTABLE_WITH_EXCLUSION', filters), tag)).toBe(!excluded)
        expect(Store.isTagImmutable(repoWith('MUTABLE_WITH_EXCLUSION', filters), tag)).toBe(excluded)
      })
    )
  })

  it('filters go with the *_WITH_EXCLUSION modes only: 1 to 5 of [0-9a-zA-Z._*-]{1,128}', () => {
    const modes: ReadonlyArray<Store.TagMutability> = ['MUTABLE', 'IMMUTABLE', 'MUTABLE_WITH_EXCLUSION', 'IMMUTABLE_WITH_EXCLUSION']
    fc.assert(
      fc.property(fc.constantFrom(...modes), fc.array(fc.string({ maxLength: 130 }), { maxLength: 7 }), (mode, filters) => {
        const withExclusion = mode.endsWith('_WITH_EXCLUSION')
        const valid =
          (withExclusion ? filters.length >= 1 && filters.length <= 5 : filters.length === 0) &&
          filters.every((f) => /^[0-9a-zA-Z._*-]{1,128}$/.test(f))
        expect(Store.exclusionProblem(mode, filters) === undefined).toBe(valid)
      })
    )
  })
})
