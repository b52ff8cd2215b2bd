/**
 * The caches the post step saves, as entries of the cache service: the rustup toolchain (so a
 * dated nightly is downloaded once), the files the action generates under RUNNER_TEMP (which a
 * runner empties per job) and the cargo build output (registry downloads, std and the crate
 * built for each custom target).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArchPlanEntry } from '../plan.js';
import { profileDir } from '../plan.js';
import type { RunnerEnv } from '../runner-env.js';
import type { RustToolchain } from '../rust/toolchain.js';
import { rustupHostTriple, rustupToolchainDir } from '../rust/toolchain.js';
import { codeHash } from '../stamp.js';
import {
  buildCacheKey,
  buildCachePaths,
  generatedFilesCacheKey,
  rustToolchainCacheKey
} from './keys.js';
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

export interface GeneratedFilesCacheRequest {
  /** The folder under RUNNER_TEMP the action generates into (plan.ts prepareWorkDir). */
  workDir: string;
  manifestPath: string;
  toolchain: Pick<RustToolchain, 'versionLine'>;
  cosmocc: { sha256: string; dir?: string };
  crate: { metadata: { workspace_root: string } };
  env: Pick<RunnerEnv, 'platform' | 'cpu'>;
}

/**
 * The generated files, for a new job: without them it derives the specs, generates the runtime
 * layer and fuses the .com again (seconds), though its build cache is warm. Restored before any
 * of that runs, and each piece is reused only if its own stamp still holds.
 */
export async function generatedFilesCacheEntry(
  request: GeneratedFilesCacheRequest
): Promise<CacheEntry> {
  const lockPath = path.join(request.crate.metadata.workspace_root, 'Cargo.lock');
  const key = generatedFilesCacheKey({
    platform: request.env.platform,
    arch: request.env.cpu,
    manifestPath: request.manifestPath,
    rustc: request.toolchain.versionLine,
    cosmocc: request.cosmocc.dir ?? request.cosmocc.sha256,
    code: await codeHash(import.meta.url),
    lockfile: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : ''
  });
  const what = 'generated files';
  return { name: 'generated', what, ...key, paths: [request.workDir], save: 'post' };
}
