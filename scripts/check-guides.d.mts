// Types of scripts/check-guides.mjs, for the tests that import it.

export interface Block {
  readonly lang: string
  readonly flags: ReadonlyArray<string>
  readonly code: string
  /** 1-based line of the block's first code line in the guide */
  readonly line: number
}

export interface NumberedBlock extends Block {
  /** 1-based, among the guide's ts blocks */
  readonly index: number
}

export interface Unit {
  readonly guide: string
  readonly blocks: ReadonlyArray<NumberedBlock>
  readonly run: boolean
}

export interface Rendered {
  readonly text: string
  readonly lineMap: ReadonlyArray<{ readonly line: number; readonly block: number } | undefined>
}

export declare const extractBlocks: (markdown: string) => ReadonlyArray<Block>
export declare const groupBlocks: (
  guide: string,
  blocks: ReadonlyArray<Block>
) => { readonly units: ReadonlyArray<Unit>; readonly problems: ReadonlyArray<string> }
export declare const renderUnit: (unit: Unit) => Rendered
export declare const mapDiagnostics: (output: string, files: ReadonlyMap<string, Unit & Rendered>) => ReadonlyArray<string>
export declare const main: (argv: ReadonlyArray<string>, log?: (line: string) => void) => Promise<number>
