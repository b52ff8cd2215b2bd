/**
 * The inspector against real executables from the offline test kit's compilers: a static ELF is
 * exactly what cosmocc's per-arch compilers produce before apelink, and must never pass for an APE.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRawElfHeaders, inspectApe, inspectApeFile } from '../../src/ape/inspect.js';
import { buildApe, compileStaticHello } from '../helpers/ape-fixtures.js';

let dir: string;
const elf: Record<'x86_64' | 'aarch64', string> = { x86_64: '', aarch64: '' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ape-inspect-real-'));
  elf.x86_64 = await compileStaticHello(dir, 'x86_64');
  elf.aarch64 = await compileStaticHello(dir, 'aarch64');
}, 120000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('inspectApe on real static ELF executables', () => {
  it.each(['x86_64', 'aarch64'] as const)(
    'gcc -static output for %s is a plain ELF, not an APE',
    async arch => {
      const report = await inspectApeFile(elf[arch]);
      expect(report.isApe).toBe(false);
      expect(report.reason).toBe(
        `a plain ELF file (${arch}), not an APE: it has no shell prolog and runs on one OS only`
      );
      expect(report.arches).toEqual([]);
    }
  );

  it('finds exactly the two real executables when both are embedded behind an APE prolog', async () => {
    const { bytes: prolog } = buildApe({ magic: "jartsr='" });
    const x86 = await readFile(elf.x86_64);
    const arm = await readFile(elf.aarch64);
    const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4096 - (b.length % 4096)) % 4096)]);
    const file = Buffer.concat([pad(prolog), pad(x86), arm]);
    const x86At = pad(prolog).length;
    const armAt = x86At + pad(x86).length;
    expect(findRawElfHeaders(file)).toEqual([
      { machine: 'x86_64', where: 'raw', offset: x86At },
      { machine: 'aarch64', where: 'raw', offset: armAt }
    ]);
    const report = inspectApe(file);
    expect(report.isApe).toBe(true);
    expect(report.arches).toEqual(['x86_64', 'aarch64']);
  });
});
