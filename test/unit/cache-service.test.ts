import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheStateName, Caches, type CacheEntry } from '../../src/cache/service.js';
import { trimTargetDirs } from '../../src/cache/trim.js';
import { folderCache } from '../helpers/folder-cache.js';
import { MemoryHost } from '../helpers/memory-host.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ape-cache-service-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function entry(overrides: Partial<CacheEntry>): CacheEntry {
  return {
    name: 'build',
    what: 'cargo build output',
    key: 'k1',
    restoreKeys: [],
    explanation: [],
    paths: [tempDir()],
    save: 'post',
    ...overrides
  };
}

/** What the main step leaves for the post step, as the runner would hand it over. */
function recorded(states: Record<string, object>): MemoryHost {
  const host = new MemoryHost();
  for (const [name, state] of Object.entries(states)) host.saveState(name, JSON.stringify(state));
  return host;
}

describe('the post step (Caches.saveRecorded)', () => {
  it('saves nothing after an exact hit', async () => {
    const host = recorded({
      [cacheStateName('build')]: { entry: entry({ key: 'k1' }), hitKey: 'k1', enabled: true }
    });
    await new Caches(host.reporter, { enabled: true }).saveRecorded();
    expect(host.lines).toEqual(['cargo build output: exact cache hit (k1), nothing to save.']);
  });

  it('says so when none of the paths exists', async () => {
    const toolchain = entry({
      name: 'rust-toolchain',
      what: 'Rust toolchain',
      key: 'k2',
      paths: ['/nonexistent/a']
    });
    const host = recorded({
      [cacheStateName('rust-toolchain')]: { entry: toolchain, enabled: true }
    });
    await new Caches(host.reporter, { enabled: true }).saveRecorded();
    expect(host.lines).toEqual([
      'Rust toolchain: nothing to save (none of /nonexistent/a exists).'
    ]);
  });

  it('tries to save a miss, which without a cache service is a log line, not a failure', async () => {
    const host = recorded({
      [cacheStateName('build')]: { entry: entry({ key: 'k3' }), hitKey: 'older', enabled: true }
    });
    await new Caches(host.reporter, { enabled: true }).saveRecorded();
    expect(host.lines.join('\n')).toMatch(
      /Not saving cargo build output to the Actions cache: no Actions cache service here/
    );
  });

  it('does nothing without state (the main step failed before restoring)', async () => {
    const host = new MemoryHost();
    await new Caches(host.reporter, { enabled: true }).saveRecorded();
    expect(host.lines).toEqual([]);
  });
});

describe('restore, post-step save, restore again (the Actions cache version contract)', () => {
  it('hits on the next run although a cached path (git/db) does not exist', async () => {
    const store = folderCache(path.join(tempDir(), 'store'));
    const home = tempDir();
    const built = path.join(home, 'target', 'x86_64-unknown-linux-cosmo');
    const absent = path.join(home, 'cargo', 'git', 'db');
    const build = entry({ key: 'ape-build-x', paths: [absent, built] });

    // run 1: a miss; cargo builds; the post step saves
    const run1 = new MemoryHost();
    expect(await new Caches(run1.reporter, { enabled: true, store }).restore(build)).toBe(
      undefined
    );
    mkdirSync(built, { recursive: true });
    writeFileSync(path.join(built, 'libstd.rlib'), 'std');
    await new Caches(run1.reporter, { enabled: true, store }).saveRecorded();
    expect(store.saved).toEqual(['ape-build-x']);

    // run 2, on a fresh machine: the same entry must hit and bring the build back
    rmSync(built, { recursive: true });
    const run2 = new MemoryHost();
    expect(await new Caches(run2.reporter, { enabled: true, store }).restore(build)).toBe(
      'ape-build-x'
    );
    expect(existsSync(path.join(built, 'libstd.rlib'))).toBe(true);
  });

  it('logs the key, the restore keys, every path and why, in one group', async () => {
    const host = new MemoryHost();
    const build = entry({
      key: 'k-full',
      restoreKeys: ['k-'],
      paths: ['/a', '/b'],
      explanation: ['rustc: 1.96']
    });
    await new Caches(host.reporter, { enabled: false }).restore(build);
    expect(host.lines.slice(0, 7)).toEqual([
      'group: Cache: cargo build output',
      'key: k-full',
      'restore keys: k-',
      'paths:',
      '  /a',
      '  /b',
      'key part: rustc: 1.96'
    ]);
  });
});

describe('trimTargetDirs', () => {
  it('removes incremental data one and two levels down, and keeps the rest', async () => {
    const target = tempDir();
    const keep = path.join(target, 'x86_64-unknown-linux-cosmo', 'release', 'deps');
    const drop = path.join(target, 'x86_64-unknown-linux-cosmo', 'release', 'incremental');
    const dropHost = path.join(target, 'incremental');
    for (const dir of [keep, drop, dropHost]) mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(keep, 'libstd.rlib'), 'x');
    await trimTargetDirs([path.join(target, 'x86_64-unknown-linux-cosmo'), target, '/nonexistent']);
    expect(existsSync(path.join(keep, 'libstd.rlib'))).toBe(true);
    expect(existsSync(drop)).toBe(false);
    expect(existsSync(dropHost)).toBe(false);
  });
});
