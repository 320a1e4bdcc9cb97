/**
 * The one table of media types: manifests, configs and layers, Docker and OCI. `Manifest.MediaType`
 * re-exports it; the registry client and the twin read it from here so that neither loads io-ts.
 *
 * @internal
 */

export const MediaType = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerSchema1Manifest: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1SignedManifest: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  dockerPluginConfig: 'application/vnd.docker.plugin.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociForeignLayer: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociForeignLayerGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociForeignLayerZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  inToto: 'application/vnd.in-toto+json'
} as const

/** The media types of the four manifest kinds: Docker manifest and list, OCI manifest and index. */
export const manifestMediaTypes: ReadonlyArray<string> = [
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.ociIndex
]

/** The `Accept` header of a manifest request (without the index types ECR may answer with one platform). */
export const acceptManifests: string = manifestMediaTypes.join(', ')

/** A Docker manifest list or an OCI index. */
export const isIndexMediaType = (mediaType: string): boolean =>
  mediaType === MediaType.dockerManifestList || mediaType === MediaType.ociIndex

/** A single-platform Docker or OCI manifest. */
export const isManifestMediaType = (mediaType: string): boolean =>
  mediaType === MediaType.dockerManifest || mediaType === MediaType.ociManifest
