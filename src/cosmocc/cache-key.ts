/**
 * The key under which an installed cosmocc is kept in the Actions cache across runs.
 *
 * The digest is in the key, not just the version: a user who changes `cosmocc-sha256` (a
 * re-published zip, a private build) must never get the old bytes back. OS and CPU are in it
 * because the cached folder holds the extracted tree with its modes and symlinks, and the tool
 * cache path it is restored into contains the CPU name.
 */
export interface CosmoccCacheKeyParts {
  version: string;
  sha256: string;
  /** process.platform, e.g. linux, darwin, win32 */
  platform: string;
  /** process.arch, e.g. x64, arm64 */
  arch: string;
}

/** Bump when the cached folder's layout changes, so old entries are never restored. */
const CACHE_FORMAT = 'v1';

/** 16 hex digits (64 bits) are plenty to tell zips apart and keep the key readable. */
const SHA_PREFIX_LENGTH = 16;

export function cosmoccCacheKey(parts: CosmoccCacheKeyParts): string {
  const sha = parts.sha256.toLowerCase().slice(0, SHA_PREFIX_LENGTH);
  return `ape-action-cosmocc-${CACHE_FORMAT}-${parts.version}-${sha}-${parts.platform}-${parts.arch}`;
}
