/**
 * The commands of the CLI, in the order `--help` lists them. A new command is one file in this
 * folder and one line here.
 */
import type { Register } from '../context'
import * as copy from './copy'
import * as demo from './demo'
import * as parse from './parse'

export const commands: ReadonlyArray<Register> = [parse.register, copy.register, demo.register]
