/**
 * The C side of the layout check: the table itself, the generated C file, reading numbers back
 * from gcc's assembly, and the messages. The last block runs the real check with Debian's gcc and
 * aarch64-linux-gnu-gcc against glibc's headers (fast, no cosmocc needed): glibc's layouts are
 * exactly the musl-like ones cosmo differs from, so the check must report them, with numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActionError } from '../../src/errors.js';
import {
  checkCosmoLayouts,
  compareLayouts,
  layoutCheckSource,
  MEASURE_ONLY_DEFINE,
  parseLayoutAssembly
} from '../../src/runtime/layout-check.js';
import { cosmoLayouts, layoutOf, type StructLayout } from '../../src/runtime/layouts.js';
import { requireTools } from '../helpers/kit.mjs';

const X86 = cosmoLayouts('x86_64');

/** Every number of the table, as the compiler would report it if it agreed. */
function agreeing(layouts: readonly StructLayout[]): Map<string, number> {
  const values = new Map<string, number>();
  for (const layout of layouts) {
    values.set(`ape_layout_${layout.rust}_size`, layout.size);
    values.set(`ape_layout_${layout.rust}_align`, layout.align);
    for (const f of layout.fields) values.set(`ape_layout_${layout.rust}_off_${f.rust}`, f.offset);
  }
  return values;
}

describe("cosmo 4.0.2's layout table", () => {
  it.each(X86.map(layout => [layout.cType, layout] as const))(
    '%s: fields in order, aligned, inside the struct',
    (_name, layout) => {
      let end = 0;
      for (const f of layout.fields) {
        expect(f.offset).toBeGreaterThanOrEqual(end);
        expect(f.offset % Math.min(f.size, layout.align)).toBe(0);
        end = f.offset + f.size;
      }
      expect(end).toBeLessThanOrEqual(layout.size);
      expect(layout.size % layout.align).toBe(0);
    }
  );

  it('is the same on both arches (cosmo has one ABI)', () => {
    expect(cosmoLayouts('aarch64')).toEqual(X86);
  });
});

describe('the C file', () => {
  const source = layoutCheckSource('aarch64');

  it('includes every header once, with glibc-visible names', () => {
    const includes = source.match(/^#include <.*>$/gm) ?? [];
    expect(includes).toEqual([...new Set(includes)]);
    expect(includes).toEqual(
      expect.arrayContaining([
        '#include <stddef.h>',
        '#include <sys/stat.h>',
        '#include <signal.h>'
      ])
    );
    expect(source.indexOf('#define _GNU_SOURCE')).toBeLessThan(source.indexOf('#include'));
  });

  it('has one static assert and one measured constant per number', () => {
    const asserts = source.match(/^_Static_assert\(/gm) ?? [];
    const constants = source.match(/^const unsigned long ape_layout_/gm) ?? [];
    expect(asserts.length).toBe(agreeing(X86).size);
    expect(constants.length).toBe(asserts.length);
    expect(source).toContain(
      '_Static_assert(offsetof(struct stat, st_atim.tv_sec) == 72, "ape-action (aarch64): ' +
        'struct stat must have st_atim.tv_sec at offset 72, as the generated libc has it");'
    );
    expect(source).toContain(
      'const unsigned long ape_layout_sigaction_off_sa_flags = offsetof(struct sigaction, sa_flags);'
    );
    expect(source).toContain('const unsigned long ape_layout_sem_t_align = _Alignof(sem_t);');
  });

  it('keeps the asserts out of the measuring pass', () => {
    const guarded = source.slice(
      source.indexOf(`#ifndef ${MEASURE_ONLY_DEFINE}`),
      source.indexOf('#endif')
    );
    expect(guarded.match(/_Static_assert/g)?.length).toBe(agreeing(X86).size);
  });
});

describe('reading numbers back from assembly', () => {
  it("reads gcc's x86_64 .quad and .zero", () => {
    const asm = [
      '\t.globl\tape_layout_stat_size',
      '\t.section\t.rodata',
      '\t.align 8',
      '\t.type\tape_layout_stat_size, @object',
      '\t.size\tape_layout_stat_size, 8',
      'ape_layout_stat_size:',
      '\t.quad\t144',
      'ape_layout_stat_off_st_dev:',
      '\t.zero\t8',
      'ape_layout_stat_align:',
      '\t.quad\t0x8 # hex, with a comment'
    ].join('\n');
    expect(parseLayoutAssembly(asm)).toEqual(
      new Map([
        ['ape_layout_stat_size', 144],
        ['ape_layout_stat_off_st_dev', 0],
        ['ape_layout_stat_align', 8]
      ])
    );
  });

  it("reads gcc's aarch64 .xword (and .8byte), skipping labels without data", () => {
    const asm = [
      'main:',
      '\tmov\tw0, 0',
      'ape_layout_stat_size:',
      '\t.xword\t128',
      'ape_layout_utsname_size:',
      '\t.8byte\t390 // comment'
    ].join('\n');
    expect(parseLayoutAssembly(asm)).toEqual(
      new Map([
        ['ape_layout_stat_size', 128],
        ['ape_layout_utsname_size', 390]
      ])
    );
  });
});

describe('comparing', () => {
  it('finds nothing when the compiler agrees with the table', () => {
    expect(compareLayouts(X86, agreeing(X86), 'x86_64')).toEqual([]);
  });

  it('names the struct, the arch, both numbers, and the Rust name where C differs', () => {
    const measured = agreeing(X86);
    measured.set('ape_layout_stat_off_st_mode', 16);
    measured.set('ape_layout_stat_off_st_atime', 64);
    measured.set('ape_layout_pthread_attr_t_size', 56);
    measured.set('ape_layout_sem_t_align', 4);
    measured.delete('ape_layout_utsname_size');
    expect(compareLayouts(X86, measured, 'aarch64')).toEqual([
      "cosmocc's pthread_attr_t (aarch64): 56 bytes, the generated libc expects 64",
      "cosmocc's struct stat (aarch64): st_mode at offset 16, the generated libc expects 24",
      "cosmocc's struct stat (aarch64): st_atim.tv_sec (libc's st_atime) at offset 64, the generated libc expects 72",
      "cosmocc's struct utsname (aarch64): sizeof(struct utsname) is missing from the compiler's assembly",
      "cosmocc's sem_t (aarch64): aligned to 4, the generated libc expects 8"
    ]);
  });
});

describe('checking a real compiler (gcc with glibc headers, which are not cosmo)', () => {
  let dir: string;

  beforeAll(() => {
    requireTools(['gcc', 'aarch64-linux-gnu-gcc']);
    dir = mkdtempSync(path.join(os.tmpdir(), 'ape-layout-'));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function failure(compiler: string, arch: 'x86_64' | 'aarch64'): Promise<string> {
    const error = await checkCosmoLayouts(compiler, arch, path.join(dir, arch)).then(
      () => undefined,
      (err: unknown) => err
    );
    expect(error).toBeInstanceOf(ActionError);
    return (error as Error).message;
  }

  it("reports glibc x86_64's layouts with both numbers", async () => {
    const message = await failure('gcc', 'x86_64');
    expect(message).toContain(
      'cosmocc (gcc) does not lay out structs the way the generated libc does'
    );
    expect(message).toContain(
      "cosmocc's pthread_attr_t (x86_64): 56 bytes, the generated libc expects 64"
    );
    expect(message).toContain(
      "cosmocc's struct sigaction (x86_64): 152 bytes, the generated libc expects 32"
    );
    expect(message).toContain(
      "cosmocc's struct sigaction (x86_64): sa_mask at offset 8, the generated libc expects 24"
    );
    expect(message).toContain(
      "cosmocc's sigset_t (x86_64): 128 bytes, the generated libc expects 8"
    );
    expect(message).toContain(
      "cosmocc's struct utsname (x86_64): 390 bytes, the generated libc expects 900"
    );
    expect(message).toContain("cosmocc's sem_t (x86_64): 32 bytes, the generated libc expects 256");
    expect(message).toContain(
      "cosmocc's struct statfs (x86_64): 120 bytes, the generated libc expects 144"
    );
    // x86_64 Linux's stat is cosmo's: nothing to report there
    expect(message).not.toContain('struct stat (');
  });

  it("reports glibc aarch64's stat (the generic Linux layout) with both numbers", async () => {
    const message = await failure('aarch64-linux-gnu-gcc', 'aarch64');
    expect(message).toContain(
      "cosmocc's struct stat (aarch64): 128 bytes, the generated libc expects 144"
    );
    expect(message).toContain(
      "cosmocc's struct stat (aarch64): st_mode at offset 16, the generated libc expects 24"
    );
    expect(message).toContain(
      "cosmocc's struct stat (aarch64): st_nlink at offset 20, the generated libc expects 16"
    );
    // glibc's aarch64 pthread_attr_t happens to be 64 bytes, like cosmo's
    expect(message).not.toContain('pthread_attr_t (aarch64)');
  });

  it('passes, both passes, where the compiler agrees (x86_64 stat is the same in glibc)', async () => {
    const stat = [layoutOf(X86, 'stat')];
    await expect(
      checkCosmoLayouts('gcc', 'x86_64', path.join(dir, 'agree'), { layouts: stat })
    ).resolves.toBeUndefined();
  });

  it('has static asserts that make the compiler itself refuse a wrong layout (the belt)', () => {
    const file = path.join(dir, 'belt.c');
    writeFileSync(file, layoutCheckSource('x86_64'));
    const result = spawnSync('gcc', ['-fsyntax-only', file], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      'ape-action (x86_64): pthread_attr_t must be 64 bytes, as the generated libc has it'
    );
    const measuring = spawnSync('gcc', ['-fsyntax-only', `-D${MEASURE_ONLY_DEFINE}`, file], {
      encoding: 'utf8'
    });
    expect(measuring.stderr).toBe('');
    expect(measuring.status).toBe(0);
  });
});
