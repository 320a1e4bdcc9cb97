import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as EcrError from '../src/EcrError'

/** Text without anything the redaction step rewrites (no URL, no credential-looking value). */
const plain = fc.stringMatching(/^[a-z0-9 ._:/-]{0,60}$/).filter((s) => !/https?:|basic|bearer|authorization|x-amz/i.test(s))

const resource = fc.constantFrom('Repository' as const, 'Image' as const, 'LifecyclePolicy' as const, 'Layer' as const)

/** Every variant, from its constructor. */
const uriKind = fc.constantFrom<EcrError.UriKind>('RegistryUri', 'RepositoryUri', 'ImageUri', 'RepositoryArn')

const status = fc.integer({ min: 100, max: 599 })

const anyError: fc.Arbitrary<EcrError.EcrError> = fc.oneof(
  fc
    .tuple(plain, uriKind, fc.option(plain, { nil: undefined }))
    .map(([input, kind, reason]) => EcrError.invalidUri(input, kind, reason)),
  plain.map(EcrError.invalidArgument),
  fc.tuple(resource, plain).map(([r, id]) => EcrError.notFound(r, id)),
  fc.tuple(fc.constantFrom('Repository' as const, 'ImageTag' as const), plain).map(([r, id]) => EcrError.alreadyExists(r, id)),
  fc.tuple(plain, plain, plain, fc.boolean()).map(([o, c, m, r]) => EcrError.awsError(o, c, m, r)),
  fc.tuple(fc.constantFrom('GET', 'PUT', 'HEAD'), fc.webUrl(), status, plain).map(([m, u, s, t]) => EcrError.httpError(m, u, s, t)),
  fc.tuple(plain, fc.array(plain, { maxLength: 8 })).map(([w, es]) => EcrError.decodeError(w, es)),
  fc.tuple(plain, plain).map(([e, a]) => EcrError.digestMismatch(e, a)),
  fc
    .tuple(plain, plain, fc.option(plain, { nil: undefined }), fc.option(plain, { nil: undefined }))
    .map(([e, a, subject, operation]) =>
      EcrError.digestMismatch(e, a, { ...(subject === undefined ? {} : { subject }), ...(operation === undefined ? {} : { operation }) })
    )
)

describe('constructors', () => {
  it('keep plain text as given', () => {
    fc.assert(
      fc.property(resource, plain, plain, (r, id, m) => {
        expect(EcrError.notFound(r, id)).toStrictEqual({ _tag: 'NotFound', resource: r, id, message: `${r} not found: ${id}` })
        expect(EcrError.notFound(r, id, m).message).toBe(m)
        expect(EcrError.invalidArgument(m)).toStrictEqual({ _tag: 'InvalidArgument', message: m })
        expect(EcrError.digestMismatch(id, m)).toStrictEqual({
          _tag: 'DigestMismatch',
          expected: id,
          actual: m,
          message: `digest mismatch: expected ${id}, got ${m}`
        })
      })
    )
  })

  it('digestMismatch keeps the subject and operation it is given, and its message ends with them', () => {
    fc.assert(
      fc.property(plain, plain, plain, plain, fc.option(plain, { nil: undefined }), (expected, actual, subject, operation, message) => {
        const base = message ?? `digest mismatch: expected ${expected}, got ${actual}`
        const context = { subject, operation, ...(message === undefined ? {} : { message }) }
        expect(EcrError.digestMismatch(expected, actual, context)).toStrictEqual({
          _tag: 'DigestMismatch',
          expected,
          actual,
          subject,
          operation,
          message: `${base} (${operation} of ${subject})`
        })
        const plainMessage = `digest mismatch: expected ${expected}, got ${actual}`
        expect(EcrError.digestMismatch(expected, actual, { operation }).message).toBe(`${plainMessage} (${operation})`)
        expect(EcrError.digestMismatch(expected, actual, { subject }).message).toBe(`${plainMessage} (${subject})`)
        // the old form: a message, and no context
        expect(EcrError.digestMismatch(expected, actual, base)).toStrictEqual({ _tag: 'DigestMismatch', expected, actual, message: base })
      })
    )
  })

  it('digestMismatch shows no secret a subject or message could carry', () => {
    fc.assert(
      fc.property(fc.webUrl(), fc.stringMatching(/^[A-Za-z0-9]{16,40}$/), (url, secret) => {
        const signed = `${url}${url.includes('?') ? '&' : '?'}X-Amz-Signature=${secret}`
        const e = EcrError.digestMismatch('a', 'b', { subject: signed, operation: 'GET blob', message: `Authorization: Basic ${secret}` })
        expect(EcrError.message(e).includes(secret)).toBe(false)
        expect(e._tag === 'DigestMismatch' && e.subject?.includes(secret)).toBe(false)
      })
    )
  })

  it('invalidUri clips the input at 300 characters and quotes it in the message', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^(?:[a-z0-9/]{1,20}[.:@-]){0,40}$/), (s) => {
        const e = EcrError.invalidUri(s, 'ImageUri', 'why')
        const shown = s.length > 300 ? `${s.slice(0, 300)}…` : s
        expect(e).toStrictEqual({
          _tag: 'InvalidUri',
          input: shown,
          expected: 'ImageUri',
          message: `not a valid ImageUri: ${JSON.stringify(shown)} (why)`
        })
      })
    )
  })

  it('decodeError lists at most five errors in its message', () => {
    fc.assert(
      fc.property(plain, fc.array(plain, { maxLength: 12 }), (what, errors) => {
        const e = EcrError.decodeError(what, errors)
        expect(e._tag === 'DecodeError' && e.errors).toStrictEqual(errors)
        expect(e.message).toBe(
          `cannot decode ${what}: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? '; …' : ''}`
        )
      })
    )
  })

  it('never keep a pre-signed query, user-info or an Authorization value', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true }), fc.stringMatching(/^[A-Za-z0-9]{16,40}$/), (url, secret) => {
        const signed = `${url}${url.includes('?') ? '&' : '?'}X-Amz-Signature=${secret}`
        const withUser = signed.replace('://', `://user:${secret}@`)
        const e = EcrError.httpError('GET', withUser, 403, `Authorization: Basic ${secret} rejected for ${signed}`)
        expect(e._tag === 'HttpError' && e.url.includes(secret)).toBe(false)
        expect(EcrError.message(e).includes(secret)).toBe(false)
      })
    )
  })
})

describe('match / message / isEcrError', () => {
  it('match calls the handler of the variant, and only it', () => {
    fc.assert(
      fc.property(anyError, (e) => {
        const tagOf = EcrError.match({
          InvalidUri: () => 'InvalidUri',
          InvalidArgument: () => 'InvalidArgument',
          NotFound: () => 'NotFound',
          AlreadyExists: () => 'AlreadyExists',
          AwsError: () => 'AwsError',
          HttpError: () => 'HttpError',
          DecodeError: () => 'DecodeError',
          DigestMismatch: () => 'DigestMismatch'
        })
        expect(tagOf(e)).toBe(e._tag)
      })
    )
  })

  it('message is one line that holds the variant message', () => {
    fc.assert(
      fc.property(anyError, (e) => {
        const m = EcrError.message(e)
        expect(m.includes('\n')).toBe(false)
        expect(m.endsWith(e.message)).toBe(true)
      })
    )
  })

  it('isEcrError holds of every constructed error and of nothing else here', () => {
    fc.assert(
      fc.property(anyError, (e) => {
        expect(EcrError.isEcrError(e)).toBe(true)
      })
    )
    fc.assert(
      fc.property(fc.anything(), (u) => {
        expect(EcrError.isEcrError(u)).toBe(false)
      })
    )
    expect(EcrError.isEcrError({ _tag: 'NotFound' })).toBe(false)
    expect(EcrError.isEcrError({ _tag: 'Other', message: 'x' })).toBe(false)
  })
})
