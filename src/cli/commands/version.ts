/**
 * `ecr-fp-ts version`: the package's version (as `--version` prints it); `--json` adds the Node.js
 * version.
 */
import * as E from 'fp-ts/Either'
import type { Context, Output } from '../context'
import { PACKAGE_NAME, packageVersion } from '../version'

export const toOutput = (version: string, node: string): Output => ({
  text: [version],
  json: { name: PACKAGE_NAME, version, node }
})

/** `version` */
export const run = (ctx: Context): void => ctx.finish(E.right(toOutput(packageVersion(), process.version)))
