/**
 * Every cache key the action uses, and what each cache holds. Pure, so each key is unit-tested:
 * everything that changes the cached bytes is in the key, in the style of Swatinem/rust-cache,
 * and each key comes with one line per part so the log explains why this key and not another.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

export interface CacheKey {
  key: string;
  restoreKeys: string[];
  /** One line per part, for the log. */
  explanation: string[];
}

/** Bump when what a cache holds changes shape, so old entries are never restored. */
const BUILD_CACHE_VERSION = 'v1';
const COSMOCC_CACHE_FORMAT = 'v1';
/** 16 hex digits (64 bits) are plenty to tell zips apart and keep the key readable. */
const SHA_PREFIX_LENGTH = 16;

export function shortHash(parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 20);
}

export interface CosmoccCacheKeyParts {
  version: string;
  sha256: string;
  /** Node's platform and CPU names, e.g. linux / x64. */
  platform: string;
  arch: string;
}

/**
 * The digest is in the key, not just the version: a user who changes `cosmocc-sha256` (a
 * re-published zip, a private build) must never get the old bytes back. OS and CPU are in it
 * because the cached folder holds the extracted tree with its modes and symlinks, and the tool
 * cache path it is restored into contains the CPU name.
 */
export function cosmoccCacheKey(parts: CosmoccCacheKeyParts): string {
  const sha = parts.sha256.toLowerCase().slice(0, SHA_PREFIX_LENGTH);
  return `ape-action-cosmocc-${COSMOCC_CACHE_FORMAT}-${parts.version}-${sha}-${parts.platform}-${parts.arch}`;
}

export interface BuildCacheInputs {
  platform: string;
  arch: string;
  rustc: string;
  cosmoccVersion: string;
  /** Content of every generated target spec, in arch order. */
  specs: string[];
  profile: string;
  /** The runtime layer's fingerprint: generated libc and shims ('off' without the layer). */
  runtime: string;
  /** Content of Cargo.lock ('' when the crate has none yet). */
  lockfile: string;
}

/**
 * A restore-key prefix without the lockfile lets a dependency bump start from the previous
 * build instead of from nothing.
 */
export function buildCacheKey(inputs: BuildCacheInputs): CacheKey {
  const toolchain = shortHash([
    inputs.rustc,
    inputs.cosmoccVersion,
    ...inputs.specs,
    inputs.profile,
    inputs.runtime
  ]);
  const lock = inputs.lockfile ? shortHash([inputs.lockfile]) : 'nolock';
  const prefix = `ape-build-${BUILD_CACHE_VERSION}-${inputs.platform}-${inputs.arch}-${toolchain}-`;
  return {
    key: `${prefix}${lock}`,
    restoreKeys: [prefix],
    explanation: [
      `rustc: ${inputs.rustc}`,
      `cosmocc: ${inputs.cosmoccVersion}`,
      `target specs: ${inputs.specs.length} (hashed)`,
      `profile: ${inputs.profile}`,
      `runtime layer: ${inputs.runtime}`,
      `Cargo.lock: ${lock}`
    ]
  };
}

/**
 * Cargo's download caches plus the target-dir parts our build writes (custom targets and host).
 * The list is the cache's identity (@actions/cache hashes it into the entry's version): restore
 * and save must pass it unchanged, paths that do not exist included.
 */
export function buildCachePaths(
  cargoHome: string,
  targetDirectory: string,
  targetNames: string[],
  profileDirName: string
): string[] {
  return [
    path.join(cargoHome, 'registry', 'index'),
    path.join(cargoHome, 'registry', 'cache'),
    path.join(cargoHome, 'git', 'db'),
    ...targetNames.map(name => path.join(targetDirectory, name)),
    // build scripts and proc-macros are built for the host, outside the custom-target dirs
    path.join(targetDirectory, profileDirName)
  ];
}

export interface GeneratedFilesCacheInputs {
  platform: string;
  arch: string;
  manifestPath: string;
  rustc: string;
  /** The cosmocc zip's digest (what a cosmocc-dir install has none of: its path instead). */
  cosmocc: string;
  /** A hash of the action's own code, which writes the files. */
  code: string;
  /** Content of Cargo.lock ('' when the crate has none yet). */
  lockfile: string;
}

/**
 * What the action generates under RUNNER_TEMP (specs, wrappers, runtime layer, the last .com)
 * is checked by its own stamps after a restore, so any earlier entry for the same crate is worth
 * restoring (the prefix); the full key changes whenever what would be generated changes, so the
 * post step saves a new entry then.
 */
export function generatedFilesCacheKey(inputs: GeneratedFilesCacheInputs): CacheKey {
  const crate = shortHash([inputs.manifestPath]);
  const prefix = `ape-generated-${BUILD_CACHE_VERSION}-${inputs.platform}-${inputs.arch}-${crate}-`;
  const lock = inputs.lockfile ? shortHash([inputs.lockfile]) : 'nolock';
  return {
    key: `${prefix}${shortHash([inputs.rustc, inputs.cosmocc, inputs.code, lock])}`,
    restoreKeys: [prefix],
    explanation: [
      `crate: ${inputs.manifestPath}`,
      `rustc: ${inputs.rustc}`,
      `cosmocc: ${inputs.cosmocc}`,
      `ape-action code: ${inputs.code}`,
      `Cargo.lock: ${lock}`
    ]
  };
}

/**
 * A rustup toolchain is identified by its dated name and host: the same name always holds the
 * same compiler, so the key needs nothing else (and never a restore prefix: a different nightly
 * would be a wrong hit).
 */
export function rustToolchainCacheKey(toolchain: string, hostTriple: string): CacheKey {
  return {
    key: `ape-rust-${BUILD_CACHE_VERSION}-${toolchain}-${hostTriple}`,
    restoreKeys: [],
    explanation: [`toolchain: ${toolchain}`, `host: ${hostTriple}`]
  };
}
