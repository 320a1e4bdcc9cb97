/**
 * The commands of the CLI, in the order `--help` lists them. A new command is one file in this
 * folder and one line here.
 */
import type { Register } from '../context'
import * as config from './config'
import * as copy from './copy'
import * as create from './create'
import * as delete_ from './delete'
import * as demo from './demo'
import * as images from './images'
import * as lifecycle from './lifecycle'
import * as parse from './parse'
import * as replication from './replication'
import * as repos from './repos'
import * as resolve from './resolve'
import * as tag from './tag'

export const commands: ReadonlyArray<Register> = [
  parse.register,
  resolve.register,
  repos.register,
  images.register,
  create.register,
  delete_.register,
  tag.register,
  config.register,
  lifecycle.register,
  replication.register,
  copy.register,
  demo.register
]
