/**
 * `ecr-fp-ts demo`: a short tour of the library. For now it parses an example image URI.
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import type { Register } from '../context'
import { parseAny, toOutput } from './parse'

export const EXAMPLE_URI = '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:v1.2.3'

export const register: Register = (program, ctx) => {
  program
    .command('demo')
    .description('a short tour of the library')
    .action(() =>
      ctx.finish(
        pipe(
          parseAny(EXAMPLE_URI),
          E.map(toOutput),
          E.map((out) => ({ text: [`parse ${EXAMPLE_URI}`, ...out.text.map((l) => `  ${l}`)], json: out.json }))
        )
      )
    )
}
