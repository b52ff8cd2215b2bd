/**
 * Hand-built byte fixtures shaped like the parts of an Actually Portable Executable, so the
 * inspector is tested against every header it reads, one at a time, and against broken files.
 * Layouts follow jart/cosmopolitan's ape/specification.md and tool/build/apelink.c (see
 * src/ape/inspect.ts for the list of facts).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KIT_HINT } from './kit.mjs';

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const MACHO_CPU_X86_64 = 0x01000007;
export const MACHO_CPU_ARM64 = 0x0100000c;
export const PE_MACHINE_AMD64 = 0x8664;

export type FixtureArch = 'x86_64' | 'aarch64';
const MACHINE_OF: Record<FixtureArch, number> = { x86_64: EM_X86_64, aarch64: EM_AARCH64 };

/** A 64-byte Elf64 executable header. */
export function elfHeader(opts: {
  machine: number;
  phoff: number;
  phnum?: number;
  type?: number;
}): Buffer {
  const h = Buffer.alloc(64);
  h.write('\x7fELF', 0, 'latin1');
  h[4] = 2; // ELFCLASS64
  h[5] = 1; // little endian
  h[6] = 1; // EV_CURRENT
  h[7] = 9; // FreeBSD, what apelink picks for multi-OS binaries
  h.writeUInt16LE(opts.type ?? 2, 16); // ET_EXEC
  h.writeUInt16LE(opts.machine, 18);
  h.writeUInt32LE(1, 20);
  h.writeBigUInt64LE(0x400000n, 24); // e_entry
  h.writeBigUInt64LE(BigInt(opts.phoff), 32);
  h.writeUInt16LE(64, 52); // e_ehsize
  h.writeUInt16LE(56, 54); // e_phentsize
  h.writeUInt16LE(opts.phnum ?? 1, 56);
  return h;
}

/** `count` PT_LOAD program headers. */
export function programHeaders(count = 1, type = 1): Buffer {
  const table = Buffer.alloc(56 * count);
  for (let i = 0; i < count; i += 1) {
    table.writeUInt32LE(type, i * 56);
    table.writeUInt32LE(5, i * 56 + 4); // R+X
    table.writeBigUInt64LE(0x400000n, i * 56 + 16);
    table.writeBigUInt64LE(0x1000n, i * 56 + 32);
    table.writeBigUInt64LE(0x1000n, i * 56 + 40);
    table.writeBigUInt64LE(0x1000n, i * 56 + 48);
  }
  return table;
}

/** A plain ELF file: header and one PT_LOAD, nothing else. */
export function plainElf(machine = EM_X86_64): Buffer {
  return Buffer.concat([elfHeader({ machine, phoff: 64 }), programHeaders(1)]);
}

/**
 * Encodes bytes the way apelink's EncodeWordAsPrintf does: printable ASCII other than digits,
 * backslash, percent and quote as itself, the rest as the shortest octal escape (safe because a
 * digit never follows literally).
 */
export function printfEscape(bytes: Buffer): string {
  let out = '';
  for (const c of bytes) {
    const literal =
      c >= 0x20 &&
      c < 0x7f &&
      !(c >= 0x30 && c <= 0x39) &&
      !"\\%'".includes(String.fromCharCode(c));
    out += literal ? String.fromCharCode(c) : `\\${c.toString(8)}`;
  }
  return out;
}

/**
 * Encodes `value` the way apelink's FixupWordAsPrintf patches it into a placeholder of `slots`
 * `\000` escapes: one 3-digit escape per byte, as many bytes as the value needs, the rest of the
 * placeholder left as `\000`. The first digit is taken from bits 6-8 of the not yet shifted
 * value, so it is 4-7 (an escape above `\377`) whenever the next byte up is odd: `\510` for
 * 0x148's low byte. Shells and the APE loader keep the low 8 bits, so the file still works.
 */
export function printfFixup(value: bigint, slots: number): string {
  const escapes: string[] = [];
  let rest = value;
  do {
    escapes.push(`\\${(rest & 0o777n).toString(8).padStart(3, '0')}`);
    rest >>= 8n;
  } while (rest > 0n);
  if (escapes.length > slots) throw new Error(`${value} does not fit ${slots} printf slots`);
  return escapes.join('') + '\\000'.repeat(slots - escapes.length);
}

/**
 * The statement apelink writes for an Elf64 header: the magic spelled `\177ELF`, every field as
 * EncodeWordAsPrintf spells it, except e_phoff and e_phnum, which apelink fills in later through
 * FixupWordAsPrintf over the placeholders `\000\000\000\000\0\0\0\0` and `\000\000`.
 */
export function printfStatement(header: Buffer): string {
  const phoff = printfFixup(header.readBigUInt64LE(32), 4) + '\\0'.repeat(4);
  const phnum = printfFixup(BigInt(header.readUInt16LE(56)), 2);
  const body =
    printfEscape(header.subarray(4, 32)) +
    phoff +
    printfEscape(header.subarray(40, 56)) +
    phnum +
    printfEscape(header.subarray(58));
  return `printf '\\177ELF${body}' >&7\n`;
}

export type FixtureMagic = "MZqFpD='" | "jartsr='" | 'jartsr=\n' | "APEDBG='";

/**
 * The 64-byte MZ stub as apelink writes it: the magic, DOS header words, the quote closed and a
 * heredoc opened whose 13-character name ends exactly at 0x3c, where e_lfanew sits.
 */
export function mzStub(magic: FixtureMagic, lfanew: number): Buffer {
  const stub = Buffer.alloc(64);
  stub.write(`${magic}\n\n`.slice(0, 10), 0, 'latin1');
  const words = [0x1000, 0xf800, 0, 0, 0, 0x0100, 0x0800, 0x0040];
  words.forEach((w, i) => stub.writeUInt16LE(w, 10 + i * 2));
  stub.write("' <<'fixture123456'\n", 40, 'latin1');
  stub.writeUInt32LE(lfanew, 0x3c);
  return stub;
}

/** 'PE\0\0' and a COFF file header. */
export function peHeader(machine = PE_MACHINE_AMD64): Buffer {
  const pe = Buffer.alloc(24);
  pe.write('PE\0\0', 0, 'latin1');
  pe.writeUInt16LE(machine, 4);
  pe.writeUInt16LE(0x22, 22); // executable, large address aware
  return pe;
}

/** A 64-bit Mach-O executable header (no load commands). */
export function machoHeader(cpu = MACHO_CPU_X86_64, filetype = 2): Buffer {
  const h = Buffer.alloc(32);
  h.writeUInt32LE(0xfeedfacf, 0);
  h.writeUInt32LE(cpu, 4);
  h.writeUInt32LE(3, 8);
  h.writeUInt32LE(filetype, 12);
  h.writeUInt32LE(1, 24); // MH_NOUNDEFS
  return h;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A stored (uncompressed) ZIP of `files`, whose offsets are absolute for a placement at `base`
 * in a bigger file, the way apelink's CopyZips writes zip assets.
 */
export function zipArchive(files: Array<{ name: string; data: Buffer }>, base = 0): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = base;
  for (const file of files) {
    const name = Buffer.from(file.name);
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(file.data.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4);
    central.writeUInt16LE(10, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(file.data.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, file.data);
    centrals.push(central, name);
    offset += 30 + name.length + file.data.length;
  }
  const directory = Buffer.concat(centrals);
  return Buffer.concat([...locals, directory, zipEocd(files.length, directory.length, offset)]);
}

export function zipEocd(entries: number, cdSize: number, cdOffset: number, comment = ''): Buffer {
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries, 8);
  eocd.writeUInt16LE(entries, 10);
  eocd.writeUInt32LE(cdSize, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  eocd.writeUInt16LE(Buffer.byteLength(comment), 20);
  return Buffer.concat([eocd, Buffer.from(comment)]);
}

export interface ApeFixtureOptions {
  magic?: FixtureMagic;
  /** Arches that get a `printf '\177ELF...'` header in the prolog. */
  printfArches?: FixtureArch[];
  /** Arches that get a binary ELF header (with its program headers) after the prolog. */
  rawArches?: FixtureArch[];
  /** Put a PE header there and point e_lfanew at it (MZ stub only). */
  pe?: boolean;
  /** Overrides e_lfanew whatever `pe` says. */
  lfanew?: number;
  macho?: { cpu?: number; viaDd?: boolean };
  zip?: boolean;
  /** Rewrites each printf statement before it is placed (to break it). */
  editPrintf?: (statement: string) => string;
  /**
   * File offset of the program header table the printf headers point at (default 8192, right
   * after the prolog). An offset whose second byte is odd makes apelink's e_phoff escapes go
   * above `\377` (see printfFixup); the file grows to hold a table placed past its end.
   */
  phoff?: number;
}

/** Where buildApe put things. */
export interface ApeFixtureLayout {
  printf: number[];
  phdrs: number;
  pe?: number;
  macho?: number;
  raw: Partial<Record<FixtureArch, number>>;
  zipCentralDirectory?: number;
}

const PROLOG_SIZE = 8192;
const PHDRS_AT = PROLOG_SIZE;
const PE_AT = PROLOG_SIZE + 0x100;
const MACHO_AT = PROLOG_SIZE + 0x200;
const RAW_AT = PROLOG_SIZE + 0x1000;
const PHDRS_SIZE = 56;

/** A fixture that placed two things on the same bytes would test nothing: refuse it. */
function checkPhdrsPlacement(phoff: number, rawCount: number): void {
  const taken: Array<[number, number]> = [
    [PE_AT, 24],
    [MACHO_AT, 32],
    [RAW_AT, 0x1000 * rawCount]
  ];
  const clash = taken.some(([at, size]) => phoff < at + size && at < phoff + PHDRS_SIZE);
  if (phoff < PROLOG_SIZE || clash) {
    throw new Error(`fixture phoff ${phoff} overlaps the prolog or another header`);
  }
}

/**
 * An APE-shaped file: stub and shell prolog padded to 8192 bytes, then a program header table for
 * the printf headers, the PE and Mach-O headers, raw ELF headers one per 4 KiB, and a ZIP.
 */
export function buildApe(opts: ApeFixtureOptions = {}): {
  bytes: Buffer;
  layout: ApeFixtureLayout;
} {
  const magic = opts.magic ?? "MZqFpD='";
  const phoff = opts.phoff ?? PHDRS_AT;
  const rawCount = opts.rawArches?.length ?? 0;
  checkPhdrsPlacement(phoff, rawCount);
  const layout: ApeFixtureLayout = { printf: [], phdrs: phoff, raw: {} };
  const withPe = opts.pe ?? magic === "MZqFpD='";
  const lfanew = opts.lfanew ?? (withPe ? PE_AT : 0);
  const stub = mzStub(magic, lfanew);
  let script = '\nfixture123456\n#\'"\n\no=$0\n';
  for (const arch of opts.printfArches ?? []) {
    const header = elfHeader({ machine: MACHINE_OF[arch], phoff });
    const statement = (opts.editPrintf ?? (s => s))(printfStatement(header));
    script += 'exec 7<> "$o" || exit 121\n';
    layout.printf.push(stub.length + Buffer.byteLength(script, 'latin1'));
    script += statement;
  }
  if (opts.macho) {
    layout.macho = MACHO_AT;
    if (opts.macho.viaDd !== false) {
      script += `dd if="$o" of="$o" bs=1 skip=${MACHO_AT} count=32 conv=notrunc 2>/dev/null\n`;
    }
  }
  script += 'exit 127\n';
  const file = Buffer.alloc(Math.max(RAW_AT + 0x1000 * rawCount, phoff + PHDRS_SIZE));
  stub.copy(file, 0);
  file.write(script, stub.length, 'latin1');
  programHeaders(1).copy(file, phoff);
  if (withPe && opts.lfanew === undefined) {
    peHeader().copy(file, PE_AT);
    layout.pe = PE_AT;
  }
  if (opts.macho) machoHeader(opts.macho.cpu ?? MACHO_CPU_X86_64).copy(file, MACHO_AT);
  (opts.rawArches ?? []).forEach((arch, i) => {
    const at = RAW_AT + 0x1000 * i;
    plainElf(MACHINE_OF[arch]).copy(file, at);
    layout.raw[arch] = at;
  });
  if (!opts.zip) return { bytes: file, layout };
  const asset = { name: '.symtab.amd64', data: Buffer.from('symbols') };
  const zip = zipArchive([asset], file.length);
  layout.zipCentralDirectory = file.length + 30 + asset.name.length + asset.data.length;
  return { bytes: Buffer.concat([file, zip]), layout };
}

// ---------- real executables built by the offline test kit ----------

const COMPILERS: Record<FixtureArch, string> = {
  x86_64: 'gcc',
  aarch64: 'aarch64-linux-gnu-gcc'
};

/** A C program that prints a greeting with its first argument and exits with its second. */
export const HELLO_C = `#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  printf("hello from %s, %s\\n", ARCH, argc > 1 ? argv[1] : "world");
  return argc > 2 ? atoi(argv[2]) : 0;
}
`;

/**
 * Compiles HELLO_C with `<compiler> -static` into `dir` and returns the executable's path. A
 * missing compiler fails the test with the fix, never skips it.
 */
export async function compileStaticHello(dir: string, arch: FixtureArch): Promise<string> {
  const source = join(dir, `hello-${arch}.c`);
  const output = join(dir, `hello-${arch}.elf`);
  await writeFile(source, HELLO_C);
  const compiler = COMPILERS[arch];
  const args = ['-static', '-O1', `-DARCH="${arch}"`, '-o', output, source];
  await new Promise<void>((resolve, reject) => {
    execFile(compiler, args, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new Error(
          missing
            ? `${compiler} is not installed: ${KIT_HINT}`
            : `${compiler} ${args.join(' ')} failed: ${stderr}`
        )
      );
    });
  });
  return output;
}
