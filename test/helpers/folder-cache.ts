/**
 * A stand-in of the Actions cache service backed by a local folder, keeping the contract of
 * @actions/cache that bites: an entry's *version* is a hash of the exact path list passed to
 * saveCache, and restoreCache only finds entries whose version matches the list it is given
 * (so restore and save must pass the same list); a save where none of the paths exists is
 * refused (the library throws a "Path Validation Error"); a key that is saved twice is refused
 * (reserved). Restore keys match by prefix, the most recently saved entry first, as on GitHub.
 * Entries are GNU tar archives made and unpacked with the library's own arguments
 * (`tar --posix -cf ... -P`, `tar -xf ... -P`): files, folders and symlinks keep their
 * modification times to the nanosecond, which cargo and the action's stamps compare.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CacheStore } from '../../src/cache/safe-cache.js';

export interface FolderCache extends CacheStore {
  saved: string[];
  restored: string[];
}

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
      const hits = await Promise.all(
        keys
          .filter(k => k.startsWith(prefix))
          .map(async k => ({ k, savedAt: await savedAt(entryDir(k, version)) }))
      );
      hits.sort((a, b) => a.savedAt - b.savedAt);
      if (hits.length > 0) return hits[hits.length - 1].k;
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
      tar(['-xf', path.join(dir, 'cache.tar'), '-P', '-C', '/']);
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
      const manifest = path.join(dir, 'manifest.txt');
      await writeFile(manifest, `${existing.join('\n')}\n`);
      tar([
        '--posix',
        '-cf',
        path.join(dir, 'cache.tar'),
        '-P',
        '-C',
        '/',
        '--files-from',
        manifest
      ]);
      const savedAtMs = performance.timeOrigin + performance.now();
      await writeFile(path.join(dir, 'entry.json'), JSON.stringify({ savedAt: savedAtMs }));
      saved.push(key);
      return 1;
    }
  };
}

function tar(args: string[]): void {
  execFileSync('tar', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function savedAt(entry: string): Promise<number> {
  return (JSON.parse(await readFile(path.join(entry, 'entry.json'), 'utf8')) as { savedAt: number })
    .savedAt;
}

/** Empties the store (a test that wants a fresh cache service). */
export async function clearFolderCache(store: string): Promise<void> {
  await rm(store, { recursive: true, force: true });
}
