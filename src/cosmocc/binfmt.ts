/**
 * cosmocc's own tools `apelink` and `fixupobj` (cosmocross runs fixupobj after every link) are
 * APEs: files that start with `MZqFpD`. On a Linux runner where a binfmt_misc entry claims `MZ`
 * files (mono's `cli`, WINE, WSLInterop), the kernel hands them to that interpreter and they fail
 * with "run-detectors: unable to find an interpreter" (FACTS, Run time item 5). Before the build
 * the action looks: with no such entry the tools start as they are; with one, it registers the
 * APE loader for MZqFpD files (Linux tries the newest entry first, so it wins over the hijacker,
 * and real PE files still reach it), as cosmopolitan's own CI does; where it cannot (not root),
 * apelink is started through `sh` (its shell prolog) and the log says how to fix fixupobj.
 *
 * Pure: parsing an entry, deciding whether it claims an APE, the register line. Effects: reading
 * the binfmt_misc folder and writing its register file.
 */
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors.js';
import type { Log } from '../log.js';

export interface BinfmtEntry {
  name: string;
  enabled: boolean;
  interpreter: string;
  offset: number;
  /** Hex of the magic bytes, '' for an entry that matches by file extension. */
  magic: string;
  mask: string;
}

/** How cosmocc's APE tools are started in this job. */
export type ApeLaunch = 'direct' | 'registered' | 'sh';

/** The head of every Windows-capable APE (`MZqFpD`), as binfmt_misc compares it. */
const APE_MAGIC_HEX = Buffer.from('MZqFpD').toString('hex');
export const APE_BINFMT_NAME = 'APE_ape_action';

/** One `/proc/sys/fs/binfmt_misc/<name>` file, as the kernel prints it. */
export function parseBinfmtEntry(name: string, text: string): BinfmtEntry {
  const entry: BinfmtEntry = {
    name,
    enabled: false,
    interpreter: '',
    offset: 0,
    magic: '',
    mask: ''
  };
  for (const line of text.split('\n').map(l => l.trim())) {
    const [key, ...rest] = line.split(' ');
    const value = rest.join(' ');
    if (line === 'enabled') entry.enabled = true;
    else if (key === 'interpreter') entry.interpreter = value;
    else if (key === 'offset') entry.offset = Number(value);
    else if (key === 'magic') entry.magic = value.toLowerCase();
    else if (key === 'mask') entry.mask = value.toLowerCase();
  }
  return entry;
}

/**
 * Would this entry take cosmocc's APE tools (`MZqFpD...`, no extension) away from their prolog?
 * An entry that already runs an APE loader does not count.
 */
export function claimsApe(entry: BinfmtEntry): boolean {
  if (!entry.enabled || /^ape([-.]|$)/.test(path.basename(entry.interpreter))) return false;
  if (entry.magic === '' || entry.offset !== 0) return false;
  // a masked magic is compared on its MZ bytes alone: over-reporting only costs a registration
  const compared = entry.mask ? entry.magic.slice(0, 4) : entry.magic;
  return APE_MAGIC_HEX.startsWith(compared) || compared.startsWith(APE_MAGIC_HEX);
}

/** The register line that sends MZqFpD files to `loader`. */
export function apeRegisterLine(loader: string): string {
  return `:${APE_BINFMT_NAME}:M::MZqFpD::${loader}:`;
}

/** The enabled entries in `dir` that would claim an APE (none where binfmt_misc is absent). */
export async function findApeHijackers(dir: string): Promise<BinfmtEntry[]> {
  const status = await readFile(path.join(dir, 'status'), 'utf8').catch(() => undefined);
  if (status === undefined || status.trim() !== 'enabled') return [];
  const names = (await readdir(dir)).filter(name => name !== 'register' && name !== 'status');
  const entries = await Promise.all(
    names.map(async name => {
      const text = await readFile(path.join(dir, name), 'utf8').catch(() => '');
      return parseBinfmtEntry(name, text);
    })
  );
  return entries.filter(claimsApe);
}

export interface ApeToolsRequest {
  /** The binfmt_misc folder: /proc/sys/fs/binfmt_misc on Linux. */
  binfmtDir: string;
  /** cosmocc's loader for this machine's CPU (bin/ape-<arch>.elf). */
  loader: string;
  log: Log;
}

/** Decides, and where needed prepares, how cosmocc's APE tools start in this job. */
export async function prepareApeTools(request: ApeToolsRequest): Promise<ApeLaunch> {
  const { log } = request;
  const hijackers = await findApeHijackers(request.binfmtDir);
  if (hijackers.length === 0) return 'direct';
  const names = hijackers.map(entry => `${entry.name} (${entry.interpreter})`).join(', ');
  try {
    await chmod(request.loader, 0o755);
    await writeFile(
      path.join(request.binfmtDir, 'register'),
      `${apeRegisterLine(request.loader)}\n`
    );
    log.info(
      `binfmt_misc entries ${names} would take cosmocc's APE tools; registered the APE loader ${request.loader} for MZqFpD files for this machine (as ${APE_BINFMT_NAME}).`
    );
    return 'registered';
  } catch (err) {
    log.warning(
      `binfmt_misc entries ${names} would take cosmocc's APE tools and the APE loader could not be registered (${errorMessage(err)}); apelink is started through sh. If linking fails with "run-detectors: unable to find an interpreter" (cosmocc's fixupobj), run this step as root or disable the entry: echo -1 | sudo tee ${path.join(request.binfmtDir, hijackers[0].name)}`
    );
    return 'sh';
  }
}
