// Types of scripts/run-examples.mjs, for the tests that import it.

/** Type-checks and runs the examples of `<dir>/index.ts`; resolves to the exit code (0: all passed). */
export declare const main: (index: string, write?: (text: string) => void) => Promise<number>
