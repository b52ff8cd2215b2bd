/**
 * What the cross-run build cache holds and how it is keyed. Pure, so the key is unit-tested:
 * everything that changes the compiled output is in it (toolchain, cosmocc, the generated target
 * specs, the lockfile), in the style of Swatinem/rust-cache. A restore-key prefix without the
 * lockfile lets a dependency bump start from the previous build instead of from nothing.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export const BUILD_CACHE_VERSION = 'v1';

export interface BuildCacheInputs {
  platform: string;
  arch: string;
  rustc: string;
  cosmoccVersion: string;
  /** Content of every generated target spec, in arch order. */
  specs: string[];
  profile: string;
  /** Content of Cargo.lock ('' when the crate has none yet). */
  lockfile: string;
}

export interface CacheKey {
  key: string;
  restoreKeys: string[];
  /** One line per part, for the log: why this key and not another. */
  explanation: string[];
}

export function buildCacheKey(inputs: BuildCacheInputs): CacheKey {
  const toolchain = shortHash([
    inputs.rustc,
    inputs.cosmoccVersion,
    ...inputs.specs,
    inputs.profile
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
      `Cargo.lock: ${lock}`
    ]
  };
}

/** Cargo's download caches plus the target-dir parts our build writes (custom targets and host). */
export function buildCachePaths(
  targetDirectory: string,
  targetNames: string[],
  profileDirName: string
): string[] {
  const cargoHome = process.env.CARGO_HOME ?? path.join(os.homedir(), '.cargo');
  return [
    path.join(cargoHome, 'registry', 'index'),
    path.join(cargoHome, 'registry', 'cache'),
    path.join(cargoHome, 'git', 'db'),
    ...targetNames.map(name => path.join(targetDirectory, name)),
    // build scripts and proc-macros are built for the host, outside the custom-target dirs
    path.join(targetDirectory, profileDirName)
  ];
}

export function shortHash(parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 20);
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
