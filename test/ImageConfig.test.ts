import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as ImageConfig from '../src/ImageConfig'

const strings = fc.array(fc.string(), { maxLength: 3 })
const nullable = <A>(a: fc.Arbitrary<A>) => fc.oneof(a, fc.constant(null))

const config: fc.Arbitrary<ImageConfig.ImageConfig> = fc.record(
  {
    architecture: fc.constantFrom('amd64', 'arm64', 'arm'),
    os: fc.constantFrom('linux', 'windows'),
    rootfs: fc.record({ type: fc.constant('layers'), diff_ids: strings }),
    variant: fc.constantFrom('v7', 'v8'),
    created: fc.string(),
    config: fc.record(
      { User: fc.string(), Env: nullable(strings), Entrypoint: nullable(strings), Cmd: nullable(strings), Labels: nullable(fc.dictionary(fc.string(), fc.string())), WorkingDir: fc.string() },
      { requiredKeys: [] }
    ),
    history: fc.array(fc.record({ created_by: fc.string(), empty_layer: fc.boolean() }, { requiredKeys: [] }), { maxLength: 3 })
  },
  { requiredKeys: ['architecture', 'os', 'rootfs'] }
)

describe('ImageConfig', () => {
  it('codec: decode(encode(a)) = a, and JSON round trips through fromJson', () => {
    fc.assert(
      fc.property(config, (c) => {
        expect(ImageConfig.codec.decode(ImageConfig.codec.encode(c))).toEqual(E.right(c))
        expect(ImageConfig.fromJson(JSON.stringify(c))).toEqual(E.right(c))
      })
    )
  })

  it('keeps fields it does not name', () => {
    fc.assert(
      fc.property(config, fc.dictionary(fc.string({ minLength: 1 }).map((k) => `x-${k}`), fc.jsonValue()), (c, extra) => {
        const withExtra = { ...extra, ...c }
        expect(ImageConfig.codec.decode(withExtra)).toEqual(E.right(withExtra))
      })
    )
  })

  it('a wrong field is a DecodeError at its JSON path; text that is not JSON too', () => {
    const r = ImageConfig.fromJson(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [1] }, config: { Labels: { a: 1 } } }))
    expect(E.isLeft(r) && r.left._tag === 'DecodeError' && r.left.errors).toEqual([
      '/rootfs/diff_ids/0: expected string, got 1',
      '/config/Labels/a: expected string, got 1'
    ])
    const notJson = ImageConfig.fromJson('{')
    expect(E.isLeft(notJson) && notJson.left._tag === 'DecodeError' && notJson.left.errors[0]).toMatch(/^\/: not JSON/)
    fc.assert(fc.property(fc.anything(), (u) => E.isLeft(ImageConfig.codec.decode(u)) || ImageConfig.codec.is(u)))
  })
})
