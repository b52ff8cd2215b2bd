/**
 * The boundary check reads GNU ld's cross-reference table (`--cref` in the link map): a Rust
 * object that refers to a translated libc function by its plain name bypassed the shims.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  bypassingCalls,
  DIRECT_CALLS_ALLOWED,
  guardedFunctions,
  parseCrossReferences,
  readCrossReferenceText
} from '../../src/runtime/boundary/link-check.js';

const T = '/t/x86_64-unknown-linux-cosmo/release/deps';
const COSMO = '/cosmocc/x86_64-linux-cosmo/lib/libcosmo.a';
const pad = (symbol: string) => symbol.padEnd(50);

/** A map as ld writes it: a symbol, its definer, then one referrer per continuation line. */
function map(entries: Record<string, string[]>): string {
  const lines = ['Memory Configuration', '', 'Cross Reference Table', '', `${pad('Symbol')}File`];
  for (const [symbol, files] of Object.entries(entries)) {
    const [first, ...rest] = files;
    if (symbol.length >= 50) lines.push(symbol, `${pad('')}${first}`);
    else lines.push(`${pad(symbol)}${first}`);
    for (const file of rest) lines.push(`${pad('')}${file}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('parseCrossReferences', () => {
  it('reads each symbol with its definer first, including symbols too long for their column', () => {
    const long = `_ZN3std2io5stdio6_print17h${'0'.repeat(30)}E`;
    const table = parseCrossReferences(
      map({
        open: [`${COSMO}(open.o)`, `${T}/probe-1.probe.abc-cgu.0.rcgu.o`],
        [long]: [`${T}/libstd-0123456789abcdef.rlib(std.o)`]
      })
    );
    expect(table.get('open')).toEqual([`${COSMO}(open.o)`, `${T}/probe-1.probe.abc-cgu.0.rcgu.o`]);
    expect(table.get(long)).toEqual([`${T}/libstd-0123456789abcdef.rlib(std.o)`]);
  });

  it('is empty for a map without the table (no --cref)', () => {
    expect(parseCrossReferences('Memory Configuration\n').size).toBe(0);
  });
});

describe('bypassingCalls', () => {
  it("reports Rust objects only: std's as std, a dependency's as not; cosmo and C objects call plain names by design", () => {
    const found = bypassingCalls(
      map({
        open: [
          `${COSMO}(open.o)`,
          `${COSMO}(fopen.o)`,
          `${T}/libstd-0123456789abcdef.rlib(std-0123.std.a1-cgu.0.rcgu.o)`,
          `${T}/libnix-fedcba9876543210.rlib(nix-fe.nix.b2-cgu.3.rcgu.o)`,
          '/t/release/build/zstd-sys-1/out/libzstd.a(zstd.o)'
        ],
        __ape_shim_open: [
          '/runner-temp/ape-action-targets/runtime/shim/shim-x86_64.o',
          `${T}/libstd-0123456789abcdef.rlib(std.o)`
        ],
        read: [`${COSMO}(read.o)`, `${T}/libstd-0123456789abcdef.rlib(std.o)`]
      })
    );
    expect(found).toEqual([
      {
        symbol: 'open',
        file: `${T}/libstd-0123456789abcdef.rlib(std-0123.std.a1-cgu.0.rcgu.o)`,
        fromStd: true
      },
      {
        symbol: 'open',
        file: `${T}/libnix-fedcba9876543210.rlib(nix-fe.nix.b2-cgu.3.rcgu.o)`,
        fromStd: false
      }
    ]);
  });

  it('guards every shimmed function and syscall, but not the calls allowed with a reason', () => {
    const guarded = guardedFunctions();
    for (const name of [
      'open',
      'fcntl',
      'mmap',
      'sigaction',
      'poll',
      'syscall',
      '__errno_location'
    ]) {
      expect(guarded.has(name)).toBe(true);
    }
    for (const name of Object.keys(DIRECT_CALLS_ALLOWED)) expect(guarded.has(name)).toBe(false);
    const allowed = map({
      sysconf: [`${COSMO}(sysconf.o)`, `${T}/libstd-0123456789abcdef.rlib(std.o)`]
    });
    expect(bypassingCalls(allowed)).toEqual([]);
  });
});

describe('readCrossReferenceText', () => {
  it('decodes the table alone, non-ASCII paths intact, and nothing from a map without one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ape-cref-'));
    try {
      const caller = `/home/zoë/t/deps/libstd-0123456789abcdef.rlib(std.o)`;
      const withTable = path.join(dir, 'with.map');
      writeFileSync(withTable, map({ open: [`${COSMO}(open.o)`, caller] }));
      const text = await readCrossReferenceText(withTable);
      expect(text.startsWith('Cross Reference Table')).toBe(true);
      expect(bypassingCalls(text)).toEqual([{ symbol: 'open', file: caller, fromStd: true }]);

      const without = path.join(dir, 'without.map');
      writeFileSync(without, 'Memory Configuration\n\nLinker script and memory map\n');
      expect(await readCrossReferenceText(without)).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
