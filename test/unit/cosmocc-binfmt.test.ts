/**
 * binfmt_misc: which entries would take cosmocc's APE tools (apelink, fixupobj) away from their
 * shell prolog, and what the action does about it, against test-made binfmt_misc folders whose
 * entry files read the way the kernel prints them.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  apeRegisterLine,
  claimsApe,
  parseBinfmtEntry,
  prepareApeTools
} from '../../src/cosmocc/binfmt.js';
import { MemoryHost } from '../helpers/memory-host.js';

/** As /proc/sys/fs/binfmt_misc/<name> prints them (Debian's mono and wine, and qemu). */
const MONO_CLI =
  'enabled\ninterpreter /usr/lib/binfmt-support/run-detectors\nflags: \noffset 0\nmagic 4d5a\n';
const WINE = 'enabled\ninterpreter /usr/bin/wine\nflags: \noffset 0\nmagic 4d5a\n';
const QEMU_ARM =
  'enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: F\noffset 0\nmagic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n';
const APE_ALREADY = 'enabled\ninterpreter /usr/bin/ape\nflags: \noffset 0\nmagic 4d5a7146704427\n';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function binfmtDir(entries: Record<string, string>, status = 'enabled'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ape-binfmt-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'status'), `${status}\n`);
  writeFileSync(path.join(dir, 'register'), '');
  for (const [name, text] of Object.entries(entries)) writeFileSync(path.join(dir, name), text);
  writeFileSync(path.join(dir, 'ape-x86_64.elf'), 'loader');
  return dir;
}

describe('claimsApe', () => {
  it('is true for enabled MZ entries (mono, wine), false for others', () => {
    expect(claimsApe(parseBinfmtEntry('cli', MONO_CLI))).toBe(true);
    expect(claimsApe(parseBinfmtEntry('wine', WINE))).toBe(true);
    expect(claimsApe(parseBinfmtEntry('qemu-aarch64', QEMU_ARM))).toBe(false);
    expect(claimsApe(parseBinfmtEntry('APE', APE_ALREADY))).toBe(false);
    expect(claimsApe(parseBinfmtEntry('cli', MONO_CLI.replace('enabled', 'disabled')))).toBe(false);
  });
  it('reads the fields the kernel prints', () => {
    expect(parseBinfmtEntry('cli', MONO_CLI)).toMatchObject({
      enabled: true,
      interpreter: '/usr/lib/binfmt-support/run-detectors',
      offset: 0,
      magic: '4d5a'
    });
  });
});

describe('prepareApeTools', () => {
  it('starts the tools directly when nothing claims MZ files', async () => {
    const dir = binfmtDir({ 'qemu-aarch64': QEMU_ARM });
    const log = new MemoryHost();
    const launch = await prepareApeTools({
      binfmtDir: dir,
      loader: path.join(dir, 'ape-x86_64.elf'),
      log
    });
    expect(launch).toBe('direct');
    expect(readFileSync(path.join(dir, 'register'), 'utf8')).toBe('');
    expect(log.lines).toEqual([]);
  });

  it('registers the APE loader (made executable) when mono would take them, and says so', async () => {
    const dir = binfmtDir({ cli: MONO_CLI });
    const loader = path.join(dir, 'ape-x86_64.elf');
    const log = new MemoryHost();
    expect(await prepareApeTools({ binfmtDir: dir, loader, log })).toBe('registered');
    expect(readFileSync(path.join(dir, 'register'), 'utf8')).toBe(`${apeRegisterLine(loader)}\n`);
    expect(apeRegisterLine(loader)).toBe(`:APE_ape_action:M::MZqFpD::${loader}:`);
    expect(statSync(loader).mode & 0o111).not.toBe(0);
    expect(log.lines.join('\n')).toMatch(/cli \(\/usr\/lib\/binfmt-support\/run-detectors\)/);
  });

  it('falls back to sh with a warning naming the fix where it cannot register', async () => {
    const dir = binfmtDir({ wine: WINE });
    const log = new MemoryHost();
    const loader = path.join(dir, 'missing-loader.elf');
    expect(await prepareApeTools({ binfmtDir: dir, loader, log })).toBe('sh');
    expect(log.lines.join('\n')).toMatch(
      /^warning: .*wine .*started through sh.*echo -1 \| sudo tee .*wine/m
    );
  });

  it('does nothing where binfmt_misc is off or absent', async () => {
    const log = new MemoryHost();
    const off = binfmtDir({ cli: MONO_CLI }, 'disabled');
    const loader = path.join(off, 'ape-x86_64.elf');
    expect(await prepareApeTools({ binfmtDir: off, loader, log })).toBe('direct');
    expect(await prepareApeTools({ binfmtDir: '/nonexistent', loader, log })).toBe('direct');
  });
});
