/**
 * A stand-in of the Actions cache service backed by a local folder, keeping the contract of
 * @actions/cache that bites: an entry's *version* is a hash of the exact path list passed to
 * saveCache, and restoreCache only finds entries whose version matches the list it is given
 * (so restore and save must pass the same list); a save where none of the paths exists is
 * refused (the library throws a "Path Validation Error"); a key that is saved twice is refused
 * (reserved). Restore keys match by prefix, newest first, as on GitHub. Files keep their
 * modification times both ways, as the library's tar archives do: cargo decides what to rebuild
 * by comparing them.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CacheStore } from '../../src/cache/safe-cache.js';

export interface FolderCache extends CacheStore {
  saved: string[];
  restored: string[];
}

/** tar keeps symlinks as links and restores modification times. */
const KEEP_FILES_AS_TAR_DOES = { verbatimSymlinks: true, preserveTimestamps: true };

export function versionOf(paths: string[]): string {
  return createHash('sha256').update(paths.join('|')).digest('hex').slice(0, 16);
}

export function folderCache(store: string): FolderCache {
  const saved: string[] = [];
  const restored: string[] = [];
  const entryDir = (key: string, version: string): string =>
    path.join(store, version, encodeURIComponent(key));
  const find = async (version: string, key: string, restoreKeys: string[]) => {
    const dir = path.join(store, version);
    const keys = existsSync(dir) ? (await readdir(dir)).map(decodeURIComponent) : [];
    if (keys.includes(key)) return key;
    for (const prefix of restoreKeys) {
      const hits = keys.filter(k => k.startsWith(prefix)).sort();
      if (hits.length > 0) return hits[hits.length - 1];
    }
    return undefined;
  };
  return {
    saved,
    restored,
    isFeatureAvailable: () => true,
    restoreCache: async (paths, key, restoreKeys = []) => {
      const version = versionOf(paths);
      const hit = await find(version, key, restoreKeys);
      if (hit === undefined) return undefined;
      const dir = entryDir(hit, version);
      const kept = JSON.parse(await readFile(path.join(dir, 'paths.json'), 'utf8')) as string[];
      for (const [i, p] of kept.entries()) {
        await cp(path.join(dir, String(i)), p, { recursive: true, ...KEEP_FILES_AS_TAR_DOES });
      }
      restored.push(hit);
      return hit;
    },
    saveCache: async (paths, key) => {
      const existing = paths.filter(p => existsSync(p));
      if (existing.length === 0) {
        throw new Error(
          'Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.'
        );
      }
      const dir = entryDir(key, versionOf(paths));
      if (existsSync(dir)) throw new Error(`Unable to reserve cache with key ${key}`);
      await mkdir(dir, { recursive: true });
      for (const [i, p] of existing.entries()) {
        await cp(p, path.join(dir, String(i)), { recursive: true, ...KEEP_FILES_AS_TAR_DOES });
      }
      await writeFile(path.join(dir, 'paths.json'), JSON.stringify(existing));
      saved.push(key);
      return 1;
    }
  };
}

/** Empties the store (a test that wants a fresh cache service). */
export async function clearFolderCache(store: string): Promise<void> {
  await rm(store, { recursive: true, force: true });
}
