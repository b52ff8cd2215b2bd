/**
 * cosmo's side of each pair: how cosmocc's own headers define a constant name. cosmo 4.0.2 has
 * two forms (libc/sysv/consts/*.h): most names are `extern const <type> NAME;` plus
 * `#define NAME NAME`, an 8-byte symbol start-up fills (a few, such as CLOCK_MONOTONIC_RAW, are
 * `extern int` without const: cosmo may change them, so the shim reads them at every call) from the host's column of
 * libc/sysv/consts.sh; a few that are the same on every host are plain literals
 * (`#define O_RDONLY 0`). The shim takes the first form by the symbol's name, so the host's value
 * is read at run time, and the second by its literal. Read from the headers of the cosmocc in
 * use, never typed here.
 *
 * Pure core: `parseCosmoConstants` (header texts in, forms out). Thin edge: `readCosmoConstants`.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export type CosmoConstant =
  | { form: 'symbol'; type: string; header: string }
  | { form: 'literal'; value: number; header: string };

/** Where cosmocc's include/ keeps constants: directories (every .h) and single headers. */
export const COSMO_CONSTANT_HEADERS = [
  'libc/sysv/consts',
  'libc/errno.h',
  'libc/runtime/sysconf.h',
  'libc/proc/posix_spawn.h'
] as const;

const EXTERN =
  /^[ \t]*extern[ \t]+(?:const[ \t]+)?([A-Za-z_][\w \t]*?)[ \t]+([A-Za-z_]\w*)[ \t]*;/gm;
const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^\n]*?)[ \t]*(?:\/\*.*)?$/gm;

/** A C integer literal, possibly negative, parenthesised or suffixed; undefined otherwise. */
export function cIntegerLiteral(text: string): number | undefined {
  const match = /^\(?[ \t]*(-?)[ \t]*(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)[uUlL]*[ \t]*\)?$/.exec(
    text.trim()
  );
  if (!match) return undefined;
  const digits = match[2];
  const magnitude = /^0[xX]/.test(digits)
    ? parseInt(digits.slice(2), 16)
    : digits.length > 1 && digits.startsWith('0')
      ? parseInt(digits.slice(1), 8)
      : parseInt(digits, 10);
  return match[1] === '-' ? -magnitude : magnitude;
}

/**
 * Every constant the header texts define, by name. `#define A B` aliases take B's form; a name
 * defined as anything else (an expression, a function-like macro) is not a constant here.
 */
export function parseCosmoConstants(
  headers: ReadonlyMap<string, string>
): Map<string, CosmoConstant> {
  const constants = new Map<string, CosmoConstant>();
  const aliases = new Map<string, string>();
  for (const [header, text] of headers) {
    for (const [, type, name] of text.matchAll(EXTERN)) {
      constants.set(name, { form: 'symbol', type: type.replace(/\s+/g, ' '), header });
    }
  }
  for (const [header, text] of headers) {
    for (const [, name, body] of text.matchAll(DEFINE)) {
      // A literal `#define` is what C code sees, even where an extern of the name also exists.
      const value = cIntegerLiteral(body);
      if (value !== undefined) constants.set(name, { form: 'literal', value, header });
      else if (/^[A-Za-z_]\w*$/.test(body) && body !== name) aliases.set(name, body);
      // (`#define NAME NAME` only makes the symbol visible to #ifdef)
    }
  }
  for (const [name, target] of aliases) {
    const resolved = resolveAlias(target, aliases, constants);
    if (resolved && !constants.has(name)) constants.set(name, resolved);
  }
  return constants;
}

function resolveAlias(
  target: string,
  aliases: ReadonlyMap<string, string>,
  constants: ReadonlyMap<string, CosmoConstant>
): CosmoConstant | undefined {
  const seen = new Set<string>();
  let current = target;
  while (!constants.has(current) && aliases.has(current) && !seen.has(current)) {
    seen.add(current);
    current = aliases.get(current) as string;
  }
  return constants.get(current);
}

/** The header texts under cosmocc's `include/`, keyed by their path relative to it. */
export async function readCosmoConstantHeaders(includeDir: string): Promise<Map<string, string>> {
  const headers = new Map<string, string>();
  for (const entry of COSMO_CONSTANT_HEADERS) {
    const full = path.join(includeDir, entry);
    const files = entry.endsWith('.h')
      ? [entry]
      : (await readdir(full).catch(() => []))
          .filter(name => name.endsWith('.h'))
          .sort()
          .map(name => `${entry}/${name}`);
    for (const rel of files) {
      const text = await readFile(path.join(includeDir, rel), 'utf8').catch(() => undefined);
      if (text !== undefined) headers.set(rel, text);
    }
  }
  return headers;
}

export async function readCosmoConstants(includeDir: string): Promise<Map<string, CosmoConstant>> {
  return parseCosmoConstants(await readCosmoConstantHeaders(includeDir));
}
