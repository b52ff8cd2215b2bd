/**
 * Stamps: work whose result depends only on a few named inputs is skipped on a warm run when
 * none of them changed. A stamp file holds the inputs (as short hashes) and the result; the log
 * says whether it hit and, on a miss, which input changed. A missing or unreadable stamp is a
 * miss, never an error.
 */
import { createHash } from 'node:crypto';
import { statSync, type Stats } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Named inputs, each already reduced to a string (a version line, a content hash, a path). */
export type StampInputs = Record<string, string>;

interface StampFile<T> {
  inputs: StampInputs;
  result: T;
}

/** Why the stored inputs do not match the current ones, or undefined when they all do. */
export function stampMissReason(
  stored: StampInputs | undefined,
  current: StampInputs
): string | undefined {
  if (stored === undefined) return 'no stamp from an earlier run';
  const names = [...new Set([...Object.keys(stored), ...Object.keys(current)])].sort();
  const changed = names.filter(name => stored[name] !== current[name]);
  return changed.length === 0 ? undefined : `changed: ${changed.join(', ')}`;
}

/**
 * Path, size and modification time: a replaced or rewritten file changes it. A warm run asks
 * for dozens of these in a row, and a synchronous stat takes microseconds where a promise stat
 * makes a round trip through libuv's thread pool.
 */
export function fileIdentity(file: string): string {
  const info = statIfThere(file);
  return info ? `${file} ${info.size} ${info.mtimeMs}` : `${file} missing`;
}

function statIfThere(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined; // not a path to a file (ENOTDIR), or not ours to read: "missing" all the same
  }
}

/** sha256 of some text or bytes, short: enough to tell versions of a file apart. */
export function contentHash(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

export async function readStamp<T>(
  file: string,
  current: StampInputs
): Promise<{ result?: T; reason?: string }> {
  const stored = await readFile(file, 'utf8').then(parseStamp<T>, () => undefined);
  const reason = stampMissReason(stored?.inputs, current);
  return reason === undefined ? { result: stored?.result } : { reason };
}

function parseStamp<T>(text: string): StampFile<T> | undefined {
  try {
    return JSON.parse(text) as StampFile<T>;
  } catch {
    return undefined;
  }
}

export async function writeStamp<T>(file: string, inputs: StampInputs, result: T): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ inputs, result } satisfies StampFile<T>, null, 2)}\n`);
}

/** Where the stamp of work that writes `file` lives: `<dir>/stamps/<name>.json`, next to it. */
export function stampFileFor(file: string): string {
  return path.join(path.dirname(file), 'stamps', `${path.basename(file)}.json`);
}

const codeHashes = new Map<string, Promise<string>>();

/**
 * contentHash of the file a module was loaded from (the entry file, once bundled), read once
 * per process: work derived by the action's own code is redone whenever that code changes.
 * Chunk files (scripts/bundle.mjs) are not hashed: they hold the cache client, tool-cache and
 * the download path, which no stamped work runs.
 */
export function codeHash(moduleUrl: string): Promise<string> {
  let hash = codeHashes.get(moduleUrl);
  if (hash === undefined) {
    hash = readFile(fileURLToPath(moduleUrl)).then(contentHash);
    codeHashes.set(moduleUrl, hash);
  }
  return hash;
}

/** Work kept behind a stamp: done again only when an input changed or its output is not intact. */
export interface StampedWork<T> {
  /** Names the work in the log, e.g. "x86_64 target spec". */
  what: string;
  /** What a miss goes on to do, for the log, e.g. "deriving and validating". */
  doing: string;
  stampFile: string;
  inputs: StampInputs;
  log: { info(message: string): void };
  /** Why a stored result can no longer be used (its files were changed or removed), if so. */
  brokenReason?: (result: T) => Promise<string | undefined>;
  /** Called with the stored result on a hit: e.g. to repeat the warnings the work gave. */
  onHit?: (result: T) => void;
  work: () => Promise<T>;
}

/**
 * The stored result while every input is unchanged and the output intact; otherwise the work,
 * whose result is stamped for the next run. The log says which, and on a miss why.
 */
export async function reuseOrRedo<T>(stamped: StampedWork<T>): Promise<T> {
  const { what, log, inputs } = stamped;
  const stored = await readStamp<T>(stamped.stampFile, inputs);
  const broken =
    stored.result === undefined ? undefined : await stamped.brokenReason?.(stored.result);
  if (stored.result !== undefined && broken === undefined) {
    log.info(`${what}: stamp hit (${Object.keys(inputs).join(', ')} unchanged); reused`);
    stamped.onHit?.(stored.result);
    return stored.result;
  }
  const why = stored.reason ?? broken ?? 'the stamp holds no result';
  log.info(`${what}: stamp miss (${why}); ${stamped.doing}`);
  const result = await stamped.work();
  await writeStamp(stamped.stampFile, inputs, result);
  return result;
}
