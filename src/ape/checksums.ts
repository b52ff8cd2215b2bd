/** SHA-256 of the built files and the `SHA256SUMS` text that `sha256sum -c` accepts. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** One `<hex>  <name>` line per file (two spaces: text mode), sorted by name for stable diffs. */
export function renderSha256Sums(entries: Array<{ name: string; sha256: string }>): string {
  return [...entries]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(e => `${e.sha256}  ${e.name}\n`)
    .join('');
}
