import { describe, expect, it } from '@jest/globals';
import { SafeCache, type CacheStore } from '../../src/cache/safe-cache.js';
import { MemoryHost } from '../helpers/memory-host.js';

/** A cache service whose every answer is scripted, recording the calls it gets. */
function scriptedService(script: Partial<CacheStore>): CacheStore & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    isFeatureAvailable: script.isFeatureAvailable ?? (() => true),
    restoreCache: async (paths, key, restoreKeys) => {
      calls.push(`restore ${key}`);
      return script.restoreCache ? script.restoreCache(paths, key, restoreKeys) : undefined;
    },
    saveCache: async (paths, key) => {
      calls.push(`save ${key}`);
      return script.saveCache ? script.saveCache(paths, key) : 1;
    }
  };
}

describe('SafeCache', () => {
  it('skips both directions when the cache input is false, without asking the service', async () => {
    const host = new MemoryHost();
    const service = scriptedService({
      isFeatureAvailable: () => {
        throw new Error('must not be asked');
      }
    });
    const cache = new SafeCache(host, { enabled: false, store: service });
    expect(await cache.restore('thing', ['/p'], 'k')).toBeUndefined();
    expect(await cache.save('thing', ['/p'], 'k')).toBe(false);
    expect(service.calls).toEqual([]);
    expect(host.lines).toEqual([
      'Not restoring thing from the Actions cache: the cache input is false.',
      'Not saving thing to the Actions cache: the cache input is false.'
    ]);
  });

  it('skips with an info line where no cache service exists', async () => {
    const host = new MemoryHost();
    const service = scriptedService({ isFeatureAvailable: () => false });
    const cache = new SafeCache(host, { enabled: true, store: service });
    expect(await cache.restore('thing', ['/p'], 'k')).toBeUndefined();
    expect(service.calls).toEqual([]);
    expect(host.lines[0]).toMatch(/not on a GitHub runner/);
  });

  it('turns a restore error into a warning and a miss', async () => {
    const host = new MemoryHost();
    const service = scriptedService({
      restoreCache: async () => {
        throw new Error('service down');
      }
    });
    const cache = new SafeCache(host, { enabled: true, store: service });
    expect(await cache.restore('thing', ['/p'], 'k')).toBeUndefined();
    expect(host.lines).toEqual([
      'warning: Could not restore thing from the Actions cache (key k); continuing without it: service down'
    ]);
  });

  it('turns a save error into a warning and false', async () => {
    const host = new MemoryHost();
    const service = scriptedService({
      saveCache: async () => {
        throw new Error('reserved by another job');
      }
    });
    const cache = new SafeCache(host, { enabled: true, store: service });
    expect(await cache.save('thing', ['/p'], 'k')).toBe(false);
    expect(host.lines[0]).toMatch(/^warning: Could not save thing .*reserved by another job$/);
  });

  it('reports a refused save (-1) as not saved, without a warning', async () => {
    const host = new MemoryHost();
    const cache = new SafeCache(host, {
      enabled: true,
      store: scriptedService({ saveCache: async () => -1 })
    });
    expect(await cache.save('thing', ['/p'], 'k')).toBe(false);
    expect(host.lines).toEqual(['thing was not saved to the Actions cache (key k).']);
  });

  it('passes hits and saves through', async () => {
    const host = new MemoryHost();
    const service = scriptedService({ restoreCache: async (_p, key) => key });
    const cache = new SafeCache(host, { enabled: true, store: service });
    expect(await cache.restore('thing', ['/p'], 'k1')).toBe('k1');
    expect(await cache.save('thing', ['/p'], 'k2')).toBe(true);
    expect(service.calls).toEqual(['restore k1', 'save k2']);
  });
});
