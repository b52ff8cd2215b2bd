import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError } from '../../src/errors.js';
import {
  decodePrintfString,
  formatApeReport,
  inspectApe,
  inspectApeFile,
  missingArches
} from '../../src/ape/inspect.js';
import {
  EM_AARCH64,
  MACHO_CPU_ARM64,
  buildApe,
  machoHeader,
  plainElf,
  zipArchive,
  zipEocd
} from '../helpers/ape-fixtures.js';

/** Deterministic noise, so a failure can be reproduced. */
function garbage(length: number, seed = 12345): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('inspectApe on well-formed APE layouts', () => {
  it('reads an MZqFpD fat binary: PE, both printf ELF headers, Mach-O via dd, ZIP', () => {
    const { bytes, layout } = buildApe({
      printfArches: ['x86_64', 'aarch64'],
      macho: {},
      zip: true
    });
    const report = inspectApe(bytes);
    expect(report.reason).toBeUndefined();
    expect(report.isApe).toBe(true);
    expect(report.magic).toBe('MZqFpD');
    expect(report.size).toBe(bytes.length);
    expect(report.pe).toEqual({ present: true, offset: layout.pe, machine: 'x86_64' });
    expect(report.elf).toEqual([
      { machine: 'x86_64', where: 'printf', offset: layout.printf[0] },
      { machine: 'aarch64', where: 'printf', offset: layout.printf[1] }
    ]);
    expect(report.arches).toEqual(['x86_64', 'aarch64']);
    expect(report.macho).toEqual({ present: true, offset: layout.macho, cpu: 'x86_64' });
    expect(report.zip).toEqual({
      present: true,
      entries: 1,
      centralDirectoryOffset: layout.zipCentralDirectory
    });
  });

  it("reads a jartsr=' file: no PE even though bytes sit at 0x3c", () => {
    const { bytes } = buildApe({ magic: "jartsr='", printfArches: ['aarch64'], lfanew: 0x2100 });
    const report = inspectApe(bytes);
    expect(report.isApe).toBe(true);
    expect(report.magic).toBe('jartsr');
    expect(report.pe).toEqual({ present: false });
    expect(report.arches).toEqual(['aarch64']);
    expect(report.zip).toEqual({ present: false });
    expect(report.macho).toEqual({ present: false });
  });

  it('accepts the quote-less jartsr= form apelink writes without Windows and metal', () => {
    const { bytes } = buildApe({ magic: 'jartsr=\n', printfArches: ['x86_64'] });
    const report = inspectApe(bytes);
    expect(report.isApe).toBe(true);
    expect(report.magic).toBe('jartsr');
  });

  it("accepts the APEDBG=' debug magic", () => {
    const { bytes } = buildApe({ magic: "APEDBG='", printfArches: ['x86_64'], pe: false });
    expect(inspectApe(bytes)).toMatchObject({ isApe: true, magic: 'APEDBG' });
  });

  it('treats e_lfanew 0 as "no PE header" (what apelink writes for aarch64-only builds)', () => {
    const { bytes } = buildApe({ printfArches: ['aarch64'], pe: false });
    const report = inspectApe(bytes);
    expect(report.isApe).toBe(true);
    expect(report.pe).toEqual({ present: false });
  });

  it('finds raw ELF headers and counts their machines as arches', () => {
    const { bytes, layout } = buildApe({ magic: "jartsr='", rawArches: ['x86_64', 'aarch64'] });
    const report = inspectApe(bytes);
    expect(report.isApe).toBe(true);
    expect(report.elf).toEqual([
      { machine: 'x86_64', where: 'raw', offset: layout.raw.x86_64 },
      { machine: 'aarch64', where: 'raw', offset: layout.raw.aarch64 }
    ]);
    expect(report.arches).toEqual(['x86_64', 'aarch64']);
  });

  it('lists printf and raw headers together in file order without duplicating arches', () => {
    const { bytes } = buildApe({ printfArches: ['x86_64'], rawArches: ['x86_64', 'aarch64'] });
    const report = inspectApe(bytes);
    expect(report.elf.map(h => `${h.where}:${h.machine}`)).toEqual([
      'printf:x86_64',
      'raw:x86_64',
      'raw:aarch64'
    ]);
    expect(report.arches).toEqual(['x86_64', 'aarch64']);
  });

  it('finds a Mach-O header without a dd statement by scanning, and names arm64 as aarch64', () => {
    const { bytes, layout } = buildApe({
      printfArches: ['aarch64'],
      macho: { cpu: MACHO_CPU_ARM64, viaDd: false }
    });
    expect(inspectApe(bytes).macho).toEqual({
      present: true,
      offset: layout.macho,
      cpu: 'aarch64'
    });
  });

  it('ignores Mach-O magic that is not an executable header', () => {
    const { bytes } = buildApe({ printfArches: ['x86_64'] });
    machoHeader(undefined, 6 /* MH_DYLIB */).copy(bytes, 8192 + 0x300);
    expect(inspectApe(bytes).macho).toEqual({ present: false });
  });

  it('reads a ZIP end record that carries a comment', () => {
    const { bytes } = buildApe({ printfArches: ['x86_64'] });
    const withZip = Buffer.concat([bytes, zipEocd(0, 0, bytes.length, 'made by a test')]);
    expect(inspectApe(withZip).zip).toEqual({
      present: true,
      entries: 0,
      centralDirectoryOffset: bytes.length
    });
  });

  it('reads a zip64 end record through its locator', () => {
    const { bytes } = buildApe({ printfArches: ['x86_64'] });
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(3n, 32);
    record.writeBigUInt64LE(46n, 40);
    record.writeBigUInt64LE(BigInt(bytes.length), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(bytes.length + 46), 8);
    const eocd = zipEocd(0xffff, 0xffffffff, 0xffffffff);
    const report = inspectApe(Buffer.concat([bytes, cd, record, locator, eocd]));
    expect(report.zip).toEqual({ present: true, entries: 3, centralDirectoryOffset: bytes.length });
  });

  it('does not report a ZIP whose end record points at no central directory', () => {
    const { bytes } = buildApe({ printfArches: ['x86_64'] });
    const report = inspectApe(Buffer.concat([bytes, zipEocd(2, 46, 100)]));
    expect(report.zip).toEqual({ present: false });
    expect(report.isApe).toBe(true);
  });
});

/**
 * Real apelink fills e_phoff in with FixupWordAsPrintf (tool/build/apelink.c at 4.0.2), whose
 * first octal digit takes bit 8 of the value too: every real fat APE has escapes such as \510 in
 * e_phoff. The expected spellings are written out here, independent of the fixture's encoder.
 */
describe('printf ELF headers whose e_phoff escapes go above \\377, as apelink writes them', () => {
  const statementAt = (bytes: Buffer, at: number) => bytes.toString('latin1', at, at + 300);

  it.each([
    { arch: 'x86_64', phoff: 0x2148, spelled: '\\510\\041\\000\\000\\0\\0\\0\\0' },
    { arch: 'aarch64', phoff: 0x2148, spelled: '\\510\\041\\000\\000\\0\\0\\0\\0' },
    { arch: 'x86_64', phoff: 0x101d0, spelled: '\\720\\401\\001\\000\\0\\0\\0\\0' },
    { arch: 'aarch64', phoff: 0x101d0, spelled: '\\720\\401\\001\\000\\0\\0\\0\\0' }
  ] as const)(
    'reads the $arch header whose e_phoff is spelled $spelled',
    ({ arch, phoff, spelled }) => {
      const { bytes, layout } = buildApe({ printfArches: [arch], phoff });
      expect(statementAt(bytes, layout.printf[0])).toContain(spelled);
      const report = inspectApe(bytes);
      expect(report.reason).toBeUndefined();
      expect(report.isApe).toBe(true);
      expect(report.arches).toEqual([arch]);
      const decoded = decodePrintfString(bytes, layout.printf[0] + "printf '".length);
      if (!('bytes' in decoded)) throw new Error(decoded.error);
      expect(decoded.bytes.readBigUInt64LE(32)).toBe(BigInt(phoff));
    }
  );

  it('reads both arches of a fat MZqFpD file laid out that way', () => {
    const { bytes, layout } = buildApe({
      printfArches: ['x86_64', 'aarch64'],
      phoff: 0x2148,
      macho: {},
      zip: true
    });
    for (const at of layout.printf) expect(statementAt(bytes, at)).toContain('\\510\\041');
    const report = inspectApe(bytes);
    expect(report.reason).toBeUndefined();
    expect(report.elf).toEqual([
      { machine: 'x86_64', where: 'printf', offset: layout.printf[0] },
      { machine: 'aarch64', where: 'printf', offset: layout.printf[1] }
    ]);
  });

  it('reads e_ident written with an escape above \\377 as its low 8 bits', () => {
    const { bytes } = buildApe({
      printfArches: ['x86_64'],
      editPrintf: s => s.replace('\\177ELF\\2\\1', '\\177ELF\\402\\401')
    });
    expect(inspectApe(bytes)).toMatchObject({ isApe: true, arches: ['x86_64'] });
  });
});

describe('inspectApe on files that are not (well-formed) APEs', () => {
  const notApe = (bytes: Buffer): string => {
    const report = inspectApe(bytes);
    expect(report.isApe).toBe(false);
    expect(report.size).toBe(bytes.length);
    return report.reason ?? '';
  };

  it('an empty file', () => {
    expect(notApe(Buffer.alloc(0))).toBe('the file is empty');
  });

  it('random garbage', () => {
    expect(notApe(garbage(65536))).toMatch(/^no APE magic .* first bytes are [0-9a-f]{16}$/);
  });

  it('a file truncated right after the MZqFpD magic', () => {
    expect(notApe(Buffer.from("MZqFpD='\n"))).toMatch(/truncated: 9 bytes.*64-byte MZ header/);
  });

  it('a jartsr file truncated after the magic has no ELF header', () => {
    expect(notApe(Buffer.from("jartsr='\n\n"))).toMatch(/^no ELF header/);
  });

  it('a file cut after the prolog: the printf header points past the end', () => {
    const { bytes } = buildApe({ magic: "jartsr='", printfArches: ['x86_64'] });
    expect(notApe(bytes.subarray(0, 8192))).toMatch(
      /printf ELF header at offset \d+: its program headers .* lie past the end of the file \(8192 bytes\)/
    );
  });

  it('a printf header whose PT_LOAD segment lies past the end of the file', () => {
    const { bytes, layout } = buildApe({ printfArches: ['x86_64'] });
    bytes.writeBigUInt64LE(0x100000n, layout.phdrs + 32); // p_filesz
    expect(notApe(bytes)).toMatch(
      /a PT_LOAD segment \(file offset 0, 1048576 bytes\) lies past the end of the file \(\d+ bytes\): truncated\?/
    );
  });

  it('a printf header whose program headers hold no PT_LOAD', () => {
    const { bytes, layout } = buildApe({ printfArches: ['aarch64'] });
    bytes.writeUInt32LE(6, layout.phdrs); // PT_PHDR
    expect(notApe(bytes)).toMatch(/none of its 1 program headers at offset 8192 is PT_LOAD/);
  });

  it('e_lfanew pointing past the end of the file', () => {
    const { bytes } = buildApe({ printfArches: ['x86_64'], lfanew: 0x7fff0000 });
    expect(notApe(bytes)).toMatch(/e_lfanew \(0x7fff0000\) points past the end of the file/);
  });

  it('e_lfanew pointing at something that is not a PE header', () => {
    const { bytes } = buildApe({ printfArches: ['x86_64'], lfanew: 0x100 });
    expect(notApe(bytes)).toMatch(/e_lfanew \(0x100\) does not point at a 'PE\\0\\0' signature/);
  });

  it('a printf header using a \\n escape instead of octal', () => {
    const { bytes } = buildApe({
      printfArches: ['x86_64'],
      editPrintf: s => s.replace('\\177ELF\\2', '\\177ELF\\n')
    });
    expect(notApe(bytes)).toMatch(/unsupported escape \\ followed by "n"/);
  });

  it('a printf header using a non-octal digit escape', () => {
    const { bytes } = buildApe({
      printfArches: ['aarch64'],
      editPrintf: s => s.replace('\\177ELF\\2', '\\177ELF\\9')
    });
    expect(notApe(bytes)).toMatch(/unsupported escape \\ followed by "9"/);
  });

  it('a printf header without its closing quote', () => {
    const { bytes } = buildApe({
      printfArches: ['x86_64'],
      editPrintf: s => s.replace("' >&7", ' >&7')
    });
    expect(notApe(bytes)).toMatch(/raw byte 0xa inside the printf string/);
  });

  it('a printf header cut short', () => {
    const { bytes } = buildApe({
      printfArches: ['x86_64'],
      editPrintf: s => `${s.slice(0, 40)}' >&7\n`
    });
    expect(notApe(bytes)).toMatch(/decodes to \d+ bytes, an ELF64 header needs 64/);
  });

  it('one broken printf header spoils the file even when another is fine', () => {
    let n = 0;
    const { bytes } = buildApe({
      printfArches: ['x86_64', 'aarch64'],
      editPrintf: s => (n++ === 1 ? s.replace('\\177ELF\\2', '\\177ELF\\1') : s)
    });
    const report = inspectApe(bytes);
    expect(report.isApe).toBe(false);
    expect(report.reason).toMatch(/not a 64-bit little-endian ELF header/);
    expect(report.arches).toEqual(['x86_64']);
  });

  it('an APE magic with no ELF header anywhere', () => {
    const { bytes } = buildApe({});
    expect(notApe(bytes)).toMatch(/^no ELF header: no printf '\\177ELF\.\.\.' statement/);
  });

  it('a plain ELF file', () => {
    expect(notApe(plainElf(EM_AARCH64))).toMatch(/^a plain ELF file \(aarch64\), not an APE/);
  });

  it('a #!/bin/sh script', () => {
    expect(notApe(Buffer.from('#!/bin/sh\necho hello\n'))).toMatch(/^a script starting with #!/);
  });

  it('a plain ZIP archive', () => {
    const zip = zipArchive([{ name: 'a.txt', data: Buffer.from('a') }]);
    expect(notApe(zip)).toBe('a plain ZIP archive, not an APE');
  });

  it('a plain PE file', () => {
    const pe = Buffer.alloc(512);
    pe.write('MZ', 0, 'latin1');
    expect(notApe(pe)).toMatch(/plain MZ\/PE \(Windows\) executable/);
  });

  it('never throws on any prefix of a real-shaped APE', () => {
    const { bytes } = buildApe({ printfArches: ['x86_64', 'aarch64'], macho: {}, zip: true });
    for (let cut = 0; cut <= bytes.length; cut += 97) {
      expect(() => inspectApe(bytes.subarray(0, cut))).not.toThrow();
    }
  });
});

describe('decodePrintfString', () => {
  const decode = (text: string) => decodePrintfString(Buffer.from(`${text}'`, 'latin1'), 0);

  it('decodes 1-3 digit octal escapes and literal ASCII', () => {
    expect(decode('\\177ELF\\2\\0\\12>A\\0101')).toEqual({
      bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 0, 10, 0x3e, 0x41, 0o10, 0x31])
    });
  });

  it('keeps the low 8 bits of escapes above \\377, as the APE loader and printf(1) do', () => {
    expect(decode('\\400\\510\\720\\460\\777')).toEqual({
      bytes: Buffer.from([0x00, 0x48, 0xd0, 0x30, 0xff])
    });
  });

  it('reads at most three octal digits, so \\5101 is H and then 1', () => {
    expect(decode('\\5101\\0008')).toEqual({ bytes: Buffer.from([0x48, 0x31, 0, 0x38]) });
  });

  it('rejects a backslash before a non-octal character', () => {
    expect(decode('AB\\8')).toEqual({
      error: 'unsupported escape \\ followed by "8" (only octal escapes are allowed)'
    });
  });

  it('stops at the closing quote', () => {
    expect(decodePrintfString(Buffer.from("AB' CD'"), 0)).toEqual({ bytes: Buffer.from('AB') });
  });

  it('reports a missing closing quote', () => {
    expect(decodePrintfString(Buffer.from('ABC'), 0)).toEqual({
      error: 'the printf string has no closing quote within the first 8192 bytes'
    });
  });
});

describe('missingArches', () => {
  it('names each requested arch the file lacks', () => {
    const report = inspectApe(buildApe({ printfArches: ['x86_64'] }).bytes);
    expect(missingArches(report, ['x86_64', 'aarch64'])).toEqual(['aarch64']);
    expect(missingArches(report, ['x86_64'])).toEqual([]);
  });

  it('finds everything missing in a file that is not an APE', () => {
    expect(missingArches(inspectApe(Buffer.alloc(0)), ['x86_64', 'aarch64'])).toEqual([
      'x86_64',
      'aarch64'
    ]);
  });
});

describe('formatApeReport', () => {
  it('summarises an APE in a few lines', () => {
    const { bytes, layout } = buildApe({
      printfArches: ['x86_64', 'aarch64'],
      macho: {},
      zip: true
    });
    const text = formatApeReport(inspectApe(bytes), 'dist/hello.com');
    const lines = text.split('\n');
    expect(lines[0]).toBe('dist/hello.com: APE (MZqFpD), 12.1 KiB, arches: x86_64, aarch64');
    expect(lines).toContain(
      `  ELF headers: x86_64 (printf @0x${layout.printf[0].toString(16)}), aarch64 (printf @0x${layout.printf[1].toString(16)})`
    );
    expect(lines).toContain('  PE: x86_64 header @0x2100');
    expect(lines).toContain('  Mach-O: x86_64 header @0x2200');
    expect(lines).toContain(
      `  ZIP: 1 entries, central directory @0x${layout.zipCentralDirectory?.toString(16)}`
    );
    expect(lines).toHaveLength(5);
  });

  it('says what is missing for an APE without PE, Mach-O and ZIP', () => {
    const text = formatApeReport(
      inspectApe(buildApe({ magic: "jartsr='", printfArches: ['aarch64'] }).bytes),
      'x.com'
    );
    expect(text).toContain('  PE: none (no Windows)');
    expect(text).toContain('  Mach-O: none');
    expect(text).toContain('  ZIP: none');
  });

  it('gives the reason for a file that is not an APE', () => {
    expect(formatApeReport(inspectApe(Buffer.alloc(0)), 'x.com')).toBe(
      'x.com: not an APE (0 bytes): the file is empty'
    );
  });
});

describe('inspectApeFile', () => {
  it('reads a file from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ape-inspect-'));
    try {
      const file = join(dir, 'fat.com');
      await writeFile(file, buildApe({ printfArches: ['x86_64', 'aarch64'] }).bytes);
      const report = await inspectApeFile(file);
      expect(report.isApe).toBe(true);
      expect(report.arches).toEqual(['x86_64', 'aarch64']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('turns a missing file into an ActionError naming the path', async () => {
    const missing = join(tmpdir(), 'ape-inspect-does-not-exist', 'gone.com');
    const attempt = inspectApeFile(missing);
    await expect(attempt).rejects.toBeInstanceOf(ActionError);
    await expect(attempt).rejects.toThrow(`Cannot inspect ${missing}: the file does not exist`);
  });

  it('turns a directory into an ActionError naming the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ape-inspect-'));
    try {
      await expect(inspectApeFile(dir)).rejects.toThrow(`Cannot inspect ${dir}: `);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
