/**
 * Caches restored by the main step and saved by the post step (after the build, so the saved
 * entry holds what the build produced). The main step records what it restored in the step's
 * state; the post step reads it back and saves only on a miss, trimmed of what is not reused.
 */
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Host } from '../host.js';
import type { CacheKey } from './build-cache.js';
import { SafeCache } from './safe-cache.js';

export interface SavedCacheState {
  what: string;
  key: string;
  paths: string[];
  /** The key that was restored, if any; an exact hit needs no save. */
  hitKey?: string;
  enabled: boolean;
}

/** State names the post step reads, in the order it saves them. */
export const CACHE_STATE_NAMES = ['rust-toolchain-cache', 'build-cache'] as const;

export async function restoreForPost(
  host: Host,
  stateName: (typeof CACHE_STATE_NAMES)[number],
  what: string,
  key: CacheKey,
  paths: string[],
  enabled: boolean
): Promise<SavedCacheState> {
  for (const line of key.explanation) host.info(`  ${what} key part: ${line}`);
  const hitKey = await new SafeCache(host, { enabled }).restore(
    what,
    paths,
    key.key,
    key.restoreKeys
  );
  const state: SavedCacheState = { what, key: key.key, paths, hitKey, enabled };
  host.saveState(stateName, JSON.stringify(state));
  return state;
}

/** Post step: save every cache the main step missed. Never throws. */
export async function saveCachesFromState(host: Host): Promise<void> {
  for (const name of CACHE_STATE_NAMES) {
    const raw = host.getState(name);
    if (!raw) continue;
    const state = JSON.parse(raw) as SavedCacheState;
    if (state.hitKey === state.key) {
      host.info(`${state.what}: exact cache hit (${state.key}), nothing to save.`);
      continue;
    }
    if (name === 'build-cache') await trimTargetDirs(state.paths);
    // @actions/cache refuses a save naming a path that does not exist (a crate without
    // dependencies has no registry dir), so only existing paths are saved
    const paths = state.paths.filter(p => existsSync(p));
    if (paths.length === 0) {
      host.info(`${state.what}: nothing to save (none of ${state.paths.join(', ')} exists).`);
      continue;
    }
    await new SafeCache(host, { enabled: state.enabled }).save(state.what, paths, state.key);
  }
}

/**
 * Incremental-compilation data is large and never reused by a fresh CI build of the same
 * sources in release mode; dropping it keeps the cache small and the restore fast.
 */
export async function trimTargetDirs(paths: string[]): Promise<void> {
  for (const dir of paths) {
    for (const sub of await listDirs(dir)) {
      if (sub === 'incremental') await rm(path.join(dir, sub), { recursive: true, force: true });
      else await trimNested(path.join(dir, sub));
    }
  }
}

async function trimNested(dir: string): Promise<void> {
  for (const sub of await listDirs(dir)) {
    if (sub === 'incremental') await rm(path.join(dir, sub), { recursive: true, force: true });
  }
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter(e => e.isDirectory()).map(e => e.name);
  } catch {
    return [];
  }
}
