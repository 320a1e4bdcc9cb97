/**
 * The package's version, read from its package.json (found upwards from this file: the same code
 * runs from src/cli and from dist/cjs/cli).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'

export const PACKAGE_NAME = 'ecr-fp-ts'

/** The `version` of the nearest package.json above `from` named ecr-fp-ts; `unknown` when there is none. */
export const packageVersion = (from: string = __dirname): string => {
  for (let dir = from, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    try {
      const pkg: unknown = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
      if (typeof pkg === 'object' && pkg !== null && 'name' in pkg && pkg.name === PACKAGE_NAME && 'version' in pkg && typeof pkg.version === 'string')
        return pkg.version
    } catch {
      // no package.json here (or not JSON): look further up
    }
  }
  return 'unknown'
}
