/**
 * Makes a small zip shaped like a cosmocc release, with the real `zip -ry` the release uses:
 * bin/ at the top (or inside one wrapping folder), executable tools, per-arch compilers that are
 * symlinks to a `cosmocross` script, loaders and ape-m1.c without execute bits, include/ and lib/.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KIT_HINT } from './kit.mjs';

const run = promisify(execFile);

export const STAND_IN_SCRIPTS = ['cosmocc', 'cosmoc++', 'cosmoar', 'apelink', 'cosmocross'];
/** Symlinks to cosmocross, as in the real release. */
export const STAND_IN_LINKS = [
  'x86_64-unknown-cosmo-cc',
  'x86_64-unknown-cosmo-c++',
  'aarch64-unknown-cosmo-cc',
  'aarch64-unknown-cosmo-c++'
];
export const STAND_IN_DATA = ['ape-x86_64.elf', 'ape-aarch64.elf', 'ape-m1.c'];

export interface CosmoccZipOptions {
  /** Put everything inside this one folder instead of at the top. */
  wrapFolder?: string;
  /** bin/ names to leave out. */
  omit?: string[];
}

export interface CosmoccZip {
  file: string;
  bytes: Buffer;
  sha256: string;
  cleanup(): Promise<void>;
}

export async function makeCosmoccZip(options: CosmoccZipOptions = {}): Promise<CosmoccZip> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'cosmocc-zip-'));
  const tree = path.join(work, 'tree');
  const root = options.wrapFolder ? path.join(tree, options.wrapFolder) : tree;
  await writeCosmoccTree(root, options.omit);
  const file = path.join(work, 'cosmocc.zip');
  try {
    // -r recurse, -y store symlinks as symlinks (what the real release does), -q quiet.
    await run('zip', ['-qry', file, '.'], { cwd: tree });
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`The zip command is missing: ${KIT_HINT}`);
    }
    throw err;
  }
  const bytes = await readFile(file);
  return {
    file,
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    cleanup: () => rm(work, { recursive: true, force: true })
  };
}

/** Writes the unpacked form of that release under `root` (for cosmocc-dir tests too). */
export async function writeCosmoccTree(root: string, leaveOut: string[] = []): Promise<void> {
  const omit = new Set(leaveOut);
  const bin = path.join(root, 'bin');
  await mkdir(bin, { recursive: true });
  for (const name of STAND_IN_SCRIPTS.filter(n => !omit.has(n))) {
    // Each stand-in says which name it was started as, so a test can run it through a symlink.
    await writeFile(path.join(bin, name), '#!/bin/sh\necho "stand-in $(basename "$0")"\n');
    await chmod(path.join(bin, name), 0o755);
  }
  for (const name of STAND_IN_LINKS.filter(n => !omit.has(n))) {
    await symlink('cosmocross', path.join(bin, name));
  }
  for (const name of STAND_IN_DATA.filter(n => !omit.has(n))) {
    await writeFile(path.join(bin, name), `stand-in ${name}\n`);
    await chmod(path.join(bin, name), 0o644);
  }
  await mkdir(path.join(root, 'include'), { recursive: true });
  await writeFile(path.join(root, 'include', 'stdio.h'), '/* stand-in */\n');
  await mkdir(path.join(root, 'lib'), { recursive: true });
  await writeFile(path.join(root, 'lib', 'libcosmo.a'), '!<arch>\n');
  await writeFile(path.join(root, 'README.md'), 'cosmocc stand-in for tests\n');
}
