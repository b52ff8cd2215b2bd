/**
 * Incremental-compilation data is large and never reused by a fresh CI build of the same
 * sources in release mode; dropping it before a save keeps the cache small and the restore fast.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

export async function trimTargetDirs(paths: string[]): Promise<void> {
  for (const dir of paths) {
    await removeIncremental(dir);
    for (const sub of await listDirs(dir)) await removeIncremental(path.join(dir, sub));
  }
}

async function removeIncremental(dir: string): Promise<void> {
  if ((await listDirs(dir)).includes('incremental')) {
    await rm(path.join(dir, 'incremental'), { recursive: true, force: true });
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
