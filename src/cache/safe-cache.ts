/**
 * The Actions cache as a pure speed-up: a restore or save that cannot happen (cache disabled by
 * the `cache` input, no cache service in local runs, fork PRs with read-only tokens, a key
 * another job is saving, a service outage) is logged and skipped, never a failure. Every stage
 * that caches goes through here (via Caches in service.ts) so they all behave the same.
 */
import type * as ActionsCache from '@actions/cache';
import { errorMessage } from '../errors.js';
import type { Log } from '../log.js';

/** The part of @actions/cache used here; a stand-in can be passed where no service exists. */
export interface CacheStore {
  isFeatureAvailable(): boolean | Promise<boolean>;
  restoreCache(
    paths: string[],
    primaryKey: string,
    restoreKeys?: string[]
  ): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

let actionsCache: Promise<typeof ActionsCache> | undefined;

/**
 * @actions/cache (with the storage SDK behind it) is most of the code, and many runs never use
 * it (`cache: false`, the local command, `mode: setup` on a tool-cache hit): it lives in a chunk
 * file of its own (scripts/bundle.mjs) that is read and compiled on first use, not at start.
 */
function loadActionsCache(): Promise<typeof ActionsCache> {
  actionsCache ??= import('@actions/cache');
  return actionsCache;
}

export const ACTIONS_CACHE_STORE: CacheStore = {
  isFeatureAvailable: async () => (await loadActionsCache()).isFeatureAvailable(),
  restoreCache: async (paths, primaryKey, restoreKeys) =>
    (await loadActionsCache()).restoreCache(paths, primaryKey, restoreKeys),
  saveCache: async (paths, key) => (await loadActionsCache()).saveCache(paths, key)
};

/** Where no cache service is used: the local command, which never saves across runs. */
export const NO_CACHE_STORE: CacheStore = {
  isFeatureAvailable: () => false,
  restoreCache: async () => undefined,
  saveCache: async () => -1
};

export interface SafeCacheOptions {
  /** The action's `cache` input. */
  enabled: boolean;
  store?: CacheStore;
}

export class SafeCache {
  private readonly service: CacheStore;

  constructor(
    private readonly log: Log,
    private readonly options: SafeCacheOptions
  ) {
    this.service = options.store ?? ACTIONS_CACHE_STORE;
  }

  /** Why the cache cannot be used right now, or undefined when it can. */
  async unusableReason(): Promise<string | undefined> {
    if (!this.options.enabled) return 'the cache input is false';
    let available: boolean;
    try {
      available = await this.service.isFeatureAvailable();
    } catch (err) {
      return `the cache service could not be checked (${errorMessage(err)})`;
    }
    return available ? undefined : 'no Actions cache service here (not on a GitHub runner)';
  }

  /** Restores `paths`; returns the key that hit, or undefined on a miss or any problem. */
  async restore(
    what: string,
    paths: string[],
    key: string,
    restoreKeys: string[] = []
  ): Promise<string | undefined> {
    const skip = await this.unusableReason();
    if (skip !== undefined) {
      this.log.info(`Not restoring ${what} from the Actions cache: ${skip}.`);
      return undefined;
    }
    try {
      const hit = await this.service.restoreCache(paths, key, restoreKeys);
      this.log.info(
        hit === undefined
          ? `Actions cache miss for ${what} (key ${key}).`
          : `Restored ${what} from the Actions cache (key ${hit}).`
      );
      return hit;
    } catch (err) {
      this.log.warning(
        `Could not restore ${what} from the Actions cache (key ${key}); continuing without it: ${errorMessage(err)}`
      );
      return undefined;
    }
  }

  /** Saves `paths` under `key`; returns whether an entry was written. */
  async save(what: string, paths: string[], key: string): Promise<boolean> {
    const skip = await this.unusableReason();
    if (skip !== undefined) {
      this.log.info(`Not saving ${what} to the Actions cache: ${skip}.`);
      return false;
    }
    try {
      const id = await this.service.saveCache(paths, key);
      // @actions/cache reports most refusals itself and returns -1 (e.g. another job holds the key).
      if (id === -1) {
        this.log.info(`${what} was not saved to the Actions cache (key ${key}).`);
        return false;
      }
      this.log.info(`Saved ${what} to the Actions cache (key ${key}).`);
      return true;
    } catch (err) {
      this.log.warning(
        `Could not save ${what} to the Actions cache (key ${key}); the next run will download it again: ${errorMessage(err)}`
      );
      return false;
    }
  }
}
