/**
 * The one way the action uses the Actions cache. An entry says what it caches (key, restore
 * keys, paths) and when it is saved: `now` (right after the main step made it, e.g. a verified
 * cosmocc install) or `post` (by the post step, after the build, so the entry holds the build's
 * output). Every entry is logged the same way (key, restore keys, paths, why this key: as
 * Swatinem/rust-cache's printInfo does), and a cache problem is always a warning, never a failure.
 *
 * The path list is the entry's identity: @actions/cache hashes it into the entry's version, so
 * restore and save pass exactly the same list, paths that do not exist included.
 */
import { existsSync } from 'node:fs';
import type { Reporter } from '../log.js';
import type { CacheKey } from './keys.js';
import { SafeCache, type CacheStore } from './safe-cache.js';
import { trimTargetDirs } from './trim.js';

/** Entries the post step saves, in this order. */
export const POST_SAVED_ENTRIES = ['rust-toolchain', 'generated', 'build'] as const;
export type CacheEntryName = (typeof POST_SAVED_ENTRIES)[number] | 'cosmocc';

export interface CacheEntry extends CacheKey {
  name: CacheEntryName;
  /** What it holds, for people: "cargo build output". */
  what: string;
  paths: string[];
  save: 'now' | 'post';
}

/** Work done on the paths right before a save; looked up by name, as the post step has no code. */
const BEFORE_SAVE: Partial<Record<CacheEntryName, (paths: string[]) => Promise<void>>> = {
  build: trimTargetDirs
};

/** What the main step leaves for the post step, per entry. */
interface RecordedEntry {
  entry: CacheEntry;
  hitKey?: string;
  enabled: boolean;
}

export const cacheStateName = (name: CacheEntryName): string => `cache-${name}`;

export interface CachesOptions {
  /** The action's `cache` input. */
  enabled: boolean;
  /** Defaults to @actions/cache. */
  store?: CacheStore;
}

export class Caches {
  private readonly safe: SafeCache;

  constructor(
    private readonly reporter: Reporter,
    private readonly options: CachesOptions
  ) {
    this.safe = new SafeCache(reporter.log, options);
  }

  /**
   * Restores an entry; returns the key that hit. A `post` entry is recorded for the post step,
   * unless `record: false` (the caller records it with `record` once the build succeeded).
   * `grouped: false` where the caller already logs inside a group (the runner cannot nest them).
   */
  async restore(
    entry: CacheEntry,
    { grouped = true, record = true } = {}
  ): Promise<string | undefined> {
    const restore = async () => {
      this.explain(entry);
      return this.safe.restore(entry.what, entry.paths, entry.key, entry.restoreKeys);
    };
    const hitKey = await (grouped
      ? this.reporter.log.group(`Cache: ${entry.what}`, restore)
      : restore());
    if (record) this.record(entry, hitKey);
    return hitKey;
  }

  /** Leaves a `post` entry (and the key its restore hit) for the post step to save. */
  record(entry: CacheEntry, hitKey: string | undefined): void {
    if (entry.save !== 'post') return;
    const recorded: RecordedEntry = { entry, hitKey, enabled: this.options.enabled };
    this.reporter.runner.saveState(cacheStateName(entry.name), JSON.stringify(recorded));
  }

  /** Saves an entry unless it was an exact hit; returns whether an entry was written. */
  async save(entry: CacheEntry, hitKey?: string): Promise<boolean> {
    const { log } = this.reporter;
    if (hitKey === entry.key) {
      log.info(`${entry.what}: exact cache hit (${entry.key}), nothing to save.`);
      return false;
    }
    await BEFORE_SAVE[entry.name]?.(entry.paths);
    // @actions/cache refuses a save only when none of the paths exists; any other subset is
    // saved under the full list, which is what the next restore asks for
    if (!entry.paths.some(p => existsSync(p))) {
      log.info(`${entry.what}: nothing to save (none of ${entry.paths.join(', ')} exists).`);
      return false;
    }
    return this.safe.save(entry.what, entry.paths, entry.key);
  }

  /** The post step: saves every entry the main step restored for it. Never throws. */
  async saveRecorded(): Promise<void> {
    for (const name of POST_SAVED_ENTRIES) {
      const raw = this.reporter.runner.getState(cacheStateName(name));
      if (!raw) continue;
      const recorded = JSON.parse(raw) as RecordedEntry;
      const caches = new Caches(this.reporter, { ...this.options, enabled: recorded.enabled });
      await caches.save(recorded.entry, recorded.hitKey);
    }
  }

  private explain(entry: CacheEntry): void {
    const { log } = this.reporter;
    log.info(`key: ${entry.key}`);
    if (entry.restoreKeys.length > 0) log.info(`restore keys: ${entry.restoreKeys.join(', ')}`);
    log.info('paths:');
    for (const p of entry.paths) log.info(`  ${p}`);
    for (const line of entry.explanation) log.info(`key part: ${line}`);
  }
}
