/**
 * Known cosmocc releases and the SHA-256 of their zip. cosmocc publishes no checksum file next
 * to its zips, so the digests live here; a version missing from the table needs the user's own
 * `cosmocc-sha256`. Add a row only with a digest confirmed from two independent sources.
 */
export const KNOWN_COSMOCC_SHA256: Readonly<Record<string, string>> = {
  '4.0.2': '85b8c37a406d862e656ad4ec14be9f6ce474c1b436b9615e91a55208aced3f44'
};

export const DEFAULT_COSMOCC_VERSION = '4.0.2';

/**
 * cosmocc tags are plain `MAJOR.MINOR.PATCH`. Anything else (`latest`, `4.0`, `../x`) is refused:
 * it would either escape the tool-cache directory or never hit the semver-keyed tool cache, and
 * the unversioned "current" zip must never be cached under a version.
 */
export const COSMOCC_VERSION_PATTERN = /^(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})$/;

export function knownSha256(version: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(KNOWN_COSMOCC_SHA256, version)
    ? KNOWN_COSMOCC_SHA256[version]
    : undefined;
}

/** Where a version is downloaded from, in order: the project's own host, then GitHub's mirror. */
export function defaultCosmoccUrls(version: string): string[] {
  return [
    `https://cosmo.zip/pub/cosmocc/cosmocc-${version}.zip`,
    `https://github.com/jart/cosmopolitan/releases/download/${version}/cosmocc-${version}.zip`
  ];
}
