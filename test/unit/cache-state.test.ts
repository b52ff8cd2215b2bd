import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveCachesFromState, trimTargetDirs } from '../../src/cache/cache-state.js';
import { MemoryHost } from '../../src/host.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ape-cache-state-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function hostWithState(states: Record<string, object>): MemoryHost {
  const host = new MemoryHost();
  for (const [name, state] of Object.entries(states)) host.saveState(name, JSON.stringify(state));
  return host;
}

describe('saveCachesFromState', () => {
  it('saves nothing after an exact hit', async () => {
    const host = hostWithState({
      'build-cache': {
        what: 'cargo build output',
        key: 'k1',
        hitKey: 'k1',
        paths: [tempDir()],
        enabled: true
      }
    });
    await saveCachesFromState(host);
    expect(host.lines).toEqual(['cargo build output: exact cache hit (k1), nothing to save.']);
  });

  it('skips paths that do not exist, and says so when none does', async () => {
    const host = hostWithState({
      'rust-toolchain-cache': {
        what: 'Rust toolchain',
        key: 'k2',
        paths: ['/nonexistent/a'],
        enabled: true
      }
    });
    await saveCachesFromState(host);
    expect(host.lines).toEqual([
      'Rust toolchain: nothing to save (none of /nonexistent/a exists).'
    ]);
  });

  it('tries to save a miss, which without a cache service is a log line, not a failure', async () => {
    const host = hostWithState({
      'build-cache': {
        what: 'cargo build output',
        key: 'k3',
        hitKey: 'older',
        paths: [tempDir()],
        enabled: true
      }
    });
    await saveCachesFromState(host);
    expect(host.lines.join('\n')).toMatch(
      /Not saving cargo build output to the Actions cache: no Actions cache service here/
    );
  });

  it('does nothing without state (the main step failed before restoring)', async () => {
    const host = new MemoryHost();
    await saveCachesFromState(host);
    expect(host.lines).toEqual([]);
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
