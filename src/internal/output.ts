/**
 * Reads ECR API outputs defensively: a list that is missing (an emulator, a fault) or not a list
 * reads as empty, and an optional string that is not a string reads as absent, so a malformed
 * answer becomes an error value or an empty result, never a crash.
 *
 * @internal
 */

/** The list, or `[]` when `u` is not an array. Items may still be `null` at run time: read them with `?.`. */
export const listOf = <A>(u: ReadonlyArray<A> | null | undefined): ReadonlyArray<A> => (Array.isArray(u) ? u : [])

/** The string, or `undefined` when `u` is not a non-empty string. */
export const stringOf = (u: unknown): string | undefined => (typeof u === 'string' && u !== '' ? u : undefined)
