/**
 * What a usable cosmocc directory looks like: where its root is inside an unpacked zip, and which
 * files under bin/ the pipeline will call. Pure functions decide; two small fs helpers look.
 */
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ActionError } from '../errors.js';
import { MAIN_DRIVER } from './tools.js';

/** Loaders and loader source are read by apelink, not run, so they need no execute bit. */
export function mustBeExecutable(tool: string): boolean {
  return !tool.endsWith('.elf') && !tool.endsWith('.c');
}

/** Ignored at the top of a zip: macOS Finder's resource-fork folder is not a wrapping folder. */
const ZIP_NOISE = new Set(['__MACOSX']);

/**
 * Finds the cosmocc root (the folder holding bin/) in a listing of an unpacked zip: relative
 * POSIX paths at least two levels deep, directories ending in `/`. Official zips have bin/ at the
 * top (''); a repackaged one may wrap everything in exactly one folder (its name is returned).
 */
export function detectCosmoccRoot(listing: readonly string[]): string {
  const entries = listing
    .map(entry => entry.replace(/^\.\//, ''))
    .filter(entry => entry.length > 0 && !ZIP_NOISE.has(entry.split('/')[0]));
  const hasBinUnder = (prefix: string): boolean =>
    entries.some(entry => entry.startsWith(`${prefix}bin/`));

  if (hasBinUnder('')) return '';
  const topNames = [...new Set(entries.map(entry => entry.split('/')[0]))];
  if (topNames.length === 1 && hasBinUnder(`${topNames[0]}/`)) return topNames[0];

  const shown = topNames.length === 0 ? 'none, the zip is empty' : topNames.sort().join(', ');
  throw new ActionError(
    `The cosmocc zip has no bin/ folder at its top or inside a single wrapping folder (top-level entries: ${shown}). ` +
      'It does not look like a cosmocc release: check cosmocc-url and cosmocc-version.'
  );
}

/** Lists `dir` two levels deep in the form detectCosmoccRoot reads. */
export async function listTwoLevels(dir: string): Promise<string[]> {
  const listing: string[] = [];
  for (const top of await readdir(dir, { withFileTypes: true })) {
    if (!top.isDirectory()) {
      listing.push(top.name);
      continue;
    }
    listing.push(`${top.name}/`);
    for (const child of await readdir(path.join(dir, top.name), { withFileTypes: true })) {
      listing.push(`${top.name}/${child.name}${child.isDirectory() ? '/' : ''}`);
    }
  }
  return listing;
}

export interface ToolProblems {
  /** Absent, a dangling symlink, or not a regular file. */
  missing: string[];
  notExecutable: string[];
}

export function hasProblems(problems: ToolProblems): boolean {
  return problems.missing.length > 0 || problems.notExecutable.length > 0;
}

/** The error text for an incomplete cosmocc: every problem, the directory, then `fix`. */
export function formatToolProblems(root: string, problems: ToolProblems, fix: string): string {
  const parts: string[] = [];
  if (problems.missing.length > 0) {
    parts.push(`missing ${problems.missing.map(tool => `bin/${tool}`).join(', ')}`);
  }
  if (problems.notExecutable.length > 0) {
    parts.push(
      `not executable ${problems.notExecutable.map(tool => `bin/${tool}`).join(', ')} (file modes were lost; chmod +x them)`
    );
  }
  return `cosmocc at ${root} is incomplete: ${parts.join('; ')}. ${fix}`;
}

/**
 * Looks at each required tool under `root/bin` (following symlinks, as running it would). On
 * Windows node's X_OK check is an existence check, so the mode test is harmless there.
 */
export async function inspectCosmoccTools(
  root: string,
  tools: readonly string[]
): Promise<ToolProblems> {
  const problems: ToolProblems = { missing: [], notExecutable: [] };
  for (const tool of tools) {
    const file = path.join(root, 'bin', tool);
    const info = await stat(file).catch(() => undefined);
    if (info === undefined || !info.isFile()) {
      problems.missing.push(tool);
    } else if (mustBeExecutable(tool) && !(await isExecutable(file))) {
      problems.notExecutable.push(tool);
    }
  }
  return problems;
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false
  );
}

/** Throws an ActionError naming every problem unless `root` holds all of `tools`. */
export async function checkCosmoccTools(
  root: string,
  tools: readonly string[],
  fix: string
): Promise<void> {
  const problems = await inspectCosmoccTools(root, tools);
  if (hasProblems(problems)) throw new ActionError(formatToolProblems(root, problems, fix));
}

export const COSMOCC_DIR_FIX =
  'Point cosmocc-dir at the folder an official cosmocc zip unpacks to (it holds bin/, include/ and lib/), ' +
  'or leave cosmocc-dir empty so the action downloads and verifies cosmocc itself.';

/**
 * Checks a user-supplied `cosmocc-dir` before it is used as is. Catches the common slip of
 * pointing at bin/ itself with a hint of its own.
 */
export async function checkCosmoccDir(dir: string, tools: readonly string[]): Promise<string> {
  const root = path.resolve(dir);
  const info = await stat(root).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new ActionError(
      `cosmocc-dir ${root} does not exist or is not a directory. ${COSMOCC_DIR_FIX}`
    );
  }
  const looksLikeBin =
    path.basename(root) === 'bin' &&
    (await stat(path.join(root, MAIN_DRIVER)).then(
      s => s.isFile(),
      () => false
    ));
  const fix = looksLikeBin
    ? `cosmocc-dir points at bin/ itself; set it to the parent folder ${path.dirname(root)}.`
    : COSMOCC_DIR_FIX;
  await checkCosmoccTools(root, tools, fix);
  return root;
}
