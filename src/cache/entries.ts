/**
 * The caches the post step saves, as entries of the cache service: the rustup toolchain (so a
 * dated nightly is downloaded once) and the cargo build output (registry downloads, std and the
 * crate built for each custom target).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArchPlanEntry } from '../plan.js';
import { profileDir } from '../plan.js';
import type { RunnerEnv } from '../runner-env.js';
import type { RustToolchain } from '../rust/toolchain.js';
import { rustupHostTriple, rustupToolchainDir } from '../rust/toolchain.js';
import { buildCacheKey, buildCachePaths, rustToolchainCacheKey } from './keys.js';
import type { CacheEntry } from './service.js';

export function rustToolchainCacheEntry(
  toolchain: string,
  env: Pick<RunnerEnv, 'platform' | 'cpu' | 'rustupHome'>
): CacheEntry {
  const triple = rustupHostTriple(env.platform, env.cpu);
  return {
    name: 'rust-toolchain',
    what: 'Rust toolchain',
    ...rustToolchainCacheKey(toolchain, triple),
    paths: [rustupToolchainDir(toolchain, triple, env.rustupHome)],
    save: 'post'
  };
}

export interface BuildCacheRequest {
  toolchain: RustToolchain;
  cosmocc: { version: string };
  plan: readonly ArchPlanEntry[];
  profile: string;
  crate: { metadata: { workspace_root: string; target_directory: string } };
  /** The runtime layer ('off' as its fingerprint without it). */
  layer: { fingerprint: string };
  env: Pick<RunnerEnv, 'platform' | 'cpu' | 'cargoHome'>;
}

/** Keyed on everything that changes the compiled output: toolchain, cosmocc, specs, lockfile. */
export async function buildCacheEntry(request: BuildCacheRequest): Promise<CacheEntry> {
  const { workspace_root: workspaceRoot, target_directory: targetDirectory } =
    request.crate.metadata;
  const lockPath = path.join(workspaceRoot, 'Cargo.lock');
  const key = buildCacheKey({
    platform: request.env.platform,
    arch: request.env.cpu,
    rustc: request.toolchain.versionLine,
    cosmoccVersion: request.cosmocc.version,
    specs: await Promise.all(request.plan.map(entry => readFile(entry.spec, 'utf8'))),
    profile: request.profile,
    runtime: request.layer.fingerprint,
    lockfile: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : ''
  });
  const paths = buildCachePaths(
    request.env.cargoHome,
    targetDirectory,
    request.plan.map(entry => entry.target),
    profileDir(request.profile)
  );
  return { name: 'build', what: 'cargo build output', ...key, paths, save: 'post' };
}
