/**
 * Stamps: work whose result depends only on a few named inputs is skipped on a warm run when
 * none of them changed. A stamp file holds the inputs (as short hashes) and the result; the log
 * says whether it hit and, on a miss, which input changed. A missing or unreadable stamp is a
 * miss, never an error.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

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
