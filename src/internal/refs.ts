/**
 * The reference records, for the modules below the operations (URIs, internal helpers): type-only
 * re-exports of the interfaces the public modules declare and document, so nothing here exists at
 * run time and importing it loads no operation.
 *
 * @internal
 */
export type { RegistryRef } from '../Registry'
export type { RepositoryRef } from '../Repository'
export type { ImageDetail, ImageRef, Layer } from '../Image'
