/**
 * Reads an Actually Portable Executable without running it and reports what it holds: the file
 * magic, the PE header behind the MZ stub, one ELF header per CPU, the Mach-O header and the ZIP
 * central directory. The pipeline uses it to prove that apelink's output really carries every
 * requested architecture before the file is uploaded or released.
 *
 * Facts this relies on, all from the jart/cosmopolitan repository:
 * - ape/specification.md: the 8-byte magics `MZqFpD='`, `jartsr='` and `APEDBG='`; ELF headers are
 *   shell `printf '...'` statements of plain ASCII and octal escapes (never `\n`-style escapes)
 *   within the first 8192 bytes, one per CPU, told apart by e_machine; the x86-64 Mach-O header is
 *   found through a `dd ... bs=N skip=N count=N` statement of the prolog.
 * - ape/loader.c: the loader scans exactly those bytes for `printf '` and decodes 1-3 digit octal,
 *   storing the value into a byte, i.e. keeping its low 8 bits (as printf(1) in dash and bash does).
 *   Real files need that: apelink fills e_phoff in with FixupWordAsPrintf, whose first octal digit
 *   also takes bit 8 of the value, so e.g. an e_phoff of 0x2148 is spelled `\510\041`.
 * - tool/build/apelink.c: the MZ stub keeps e_lfanew at 0x3c (FinishGeneratingDosHeader) and it
 *   stays 0 when no x86-64 input carries a PE header; the printf'd Elf64_Ehdr gets a file offset
 *   as e_phoff (SecondPass); without Windows and bare metal in the support vector the magic is
 *   `jartsr=` plus a newline, no quote; the Mach-O header is 0xFEEDFACF for x86-64 (GenerateMacho);
 *   zip assets go at the end with absolute offsets (CopyZips).
 * - libc/elf/def.h (EM_NEXGEN32E 62, EM_AARCH64 183), libc/macho.h (CPU types),
 *   libc/nt/pedef.internal.h (PE machines 0x8664, 0xAA64), libc/zip.h (ZIP record magics).
 */
import { readFile } from 'node:fs/promises';
import { ActionError, errorMessage } from '../errors.js';

export type ApeMagic = 'MZqFpD' | 'jartsr' | 'APEDBG';

export interface ElfHeaderSighting {
  machine: 'x86_64' | 'aarch64' | string;
  /** `printf`: decoded from the shell prolog (what APE loaders use); `raw`: a binary header. */
  where: 'printf' | 'raw';
  /** File offset of the `printf` statement, or of the raw header. */
  offset: number;
}

export interface ApeReport {
  isApe: boolean;
  /** Why the file is not an APE (set exactly when isApe is false). */
  reason?: string;
  magic?: ApeMagic;
  size: number;
  pe: { present: boolean; offset?: number; machine?: string };
  elf: ElfHeaderSighting[];
  macho: { present: boolean; offset?: number; cpu?: string };
  zip: { present: boolean; entries?: number; centralDirectoryOffset?: number };
  /** Distinct ELF machines found, in order of first sighting. */
  arches: string[];
}

/** The prolog window in which the spec requires the ELF printf statements. */
export const PRINTF_WINDOW = 8192;
const ELF_HEADER_SIZE = 64;
const ELF_PHDR_SIZE = 56;
const PT_LOAD = 1;
const MZ_HEADER_SIZE = 64;
const E_LFANEW_OFFSET = 0x3c;
const PE_SIGNATURE = Buffer.from('PE\0\0', 'latin1');
const ELF_MAGIC = Buffer.from('\x7fELF', 'latin1');
const MACHO_MAGIC_64 = Buffer.from([0xcf, 0xfa, 0xed, 0xfe]);
const MACHO_EXECUTE = 2;
const ZIP_EOCD = 0x06054b50;
const ZIP_EOCD_SIZE = 22;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP_CENTRAL_FILE = 0x02014b50;

const ELF_MACHINES: Record<number, string> = { 62: 'x86_64', 183: 'aarch64' };
const PE_MACHINES: Record<number, string> = { 0x8664: 'x86_64', 0xaa64: 'aarch64' };
const MACHO_CPUS: Record<number, string> = { 0x01000007: 'x86_64', 0x0100000c: 'aarch64' };

export function elfMachineName(eMachine: number): string {
  return ELF_MACHINES[eMachine] ?? `e_machine ${eMachine}`;
}

/**
 * Never throws: any byte string gets a report, and whatever is not a well-formed APE gets
 * isApe false with the first reason found.
 */
export function inspectApe(bytes: Buffer): ApeReport {
  const report: ApeReport = {
    isApe: false,
    size: bytes.length,
    pe: { present: false },
    elf: [],
    macho: { present: false },
    zip: { present: false },
    arches: []
  };
  try {
    fillReport(bytes, report);
  } catch (err) {
    // A bounds bug must not turn a bad file into a crash of the whole step.
    report.isApe = false;
    report.reason = `could not be parsed: ${errorMessage(err)}`;
  }
  return report;
}

function fillReport(bytes: Buffer, report: ApeReport): void {
  const magic = readMagic(bytes);
  if (!magic) {
    report.reason = describeNonApe(bytes);
    return;
  }
  report.magic = magic;
  report.zip = findZip(bytes);
  const printf = findPrintfElfHeaders(bytes);
  const raw = findRawElfHeaders(bytes);
  report.elf = [...printf.headers, ...raw].sort((a, b) => a.offset - b.offset);
  report.arches = distinct(report.elf.map(h => h.machine));
  report.macho = findMacho(bytes);
  const pe = magic === 'MZqFpD' ? readPe(bytes) : { header: { present: false } };
  report.pe = pe.header;
  const reason = pe.problem ?? printf.problems[0] ?? noElfReason(report.elf);
  if (reason) report.reason = reason;
  report.isApe = reason === undefined;
}

function readMagic(bytes: Buffer): ApeMagic | undefined {
  const head = bytes.toString('latin1', 0, 8);
  if (head === "MZqFpD='") return 'MZqFpD';
  if (head === "APEDBG='") return 'APEDBG';
  // apelink writes `jartsr=` + newline (no quote) when neither Windows nor metal is targeted.
  if (head === "jartsr='" || head === 'jartsr=\n') return 'jartsr';
  return undefined;
}

function describeNonApe(bytes: Buffer): string {
  if (bytes.length === 0) return 'the file is empty';
  if (startsWith(bytes, ELF_MAGIC)) {
    const machine = bytes.length >= 20 ? elfMachineName(bytes.readUInt16LE(18)) : 'unknown';
    return `a plain ELF file (${machine}), not an APE: it has no shell prolog and runs on one OS only`;
  }
  if (startsWith(bytes, Buffer.from('#!'))) {
    return "a script starting with #!, not an APE (no MZqFpD=' or jartsr=' magic)";
  }
  if (startsWith(bytes, Buffer.from('MZ'))) {
    return "a plain MZ/PE (Windows) executable, not an APE: it lacks the MZqFpD=' magic";
  }
  if (startsWith(bytes, Buffer.from('PK\x03\x04', 'latin1'))) {
    return 'a plain ZIP archive, not an APE';
  }
  const shown = bytes.subarray(0, 8).toString('hex');
  return `no APE magic (MZqFpD=', jartsr=' or APEDBG=') at the start; first bytes are ${shown}`;
}

function noElfReason(elf: ElfHeaderSighting[]): string | undefined {
  if (elf.length > 0) return undefined;
  return (
    `no ELF header: no printf '\\177ELF...' statement in the first ${PRINTF_WINDOW} bytes ` +
    'and no embedded ELF header, so no Linux/BSD loader can start it'
  );
}

// ---------- PE ----------

function readPe(bytes: Buffer): { header: ApeReport['pe']; problem?: string } {
  if (bytes.length < MZ_HEADER_SIZE) {
    return {
      header: { present: false },
      problem: `truncated: ${bytes.length} bytes, but an MZqFpD APE needs the ${MZ_HEADER_SIZE}-byte MZ header`
    };
  }
  const lfanew = bytes.readUInt32LE(E_LFANEW_OFFSET);
  // apelink leaves e_lfanew 0 when no input carries a PE header (e.g. an aarch64-only build).
  if (lfanew === 0) return { header: { present: false } };
  const hex = `0x${lfanew.toString(16)}`;
  if (lfanew + 24 > bytes.length) {
    return {
      header: { present: false },
      problem: `the MZ header's e_lfanew (${hex}) points past the end of the file (${bytes.length} bytes): the PE header is missing or the file is truncated`
    };
  }
  if (!bytes.subarray(lfanew, lfanew + 4).equals(PE_SIGNATURE)) {
    return {
      header: { present: false },
      problem: `the MZ header's e_lfanew (${hex}) does not point at a 'PE\\0\\0' signature`
    };
  }
  const machine = bytes.readUInt16LE(lfanew + 4);
  const name = PE_MACHINES[machine] ?? `0x${machine.toString(16)}`;
  return { header: { present: true, offset: lfanew, machine: name } };
}

// ---------- ELF headers in printf statements ----------

export interface PrintfScan {
  headers: ElfHeaderSighting[];
  /** One line per printf statement that starts like an ELF header but is broken. */
  problems: string[];
}

/** Finds every `printf '\177ELF...'` in the prolog window and checks the header it encodes. */
export function findPrintfElfHeaders(bytes: Buffer): PrintfScan {
  const scan: PrintfScan = { headers: [], problems: [] };
  const window = bytes.subarray(0, Math.min(bytes.length, PRINTF_WINDOW));
  const needle = Buffer.from("printf '\\177ELF", 'latin1');
  for (let at = window.indexOf(needle); at >= 0; at = window.indexOf(needle, at + 1)) {
    const decoded = decodePrintfString(window, at + "printf '".length);
    const where = `printf ELF header at offset ${at}`;
    if ('error' in decoded) {
      scan.problems.push(`${where}: ${decoded.error}`);
      continue;
    }
    const problem = checkElfHeader(decoded.bytes, 0, bytes);
    if (problem) scan.problems.push(`${where}: ${problem}`);
    else {
      const machine = elfMachineName(decoded.bytes.readUInt16LE(18));
      scan.headers.push({ machine, where: 'printf', offset: at });
    }
  }
  return scan;
}

/**
 * Decodes the body of a single-quoted printf format as the spec allows it: printable ASCII as
 * itself and `\` followed by 1-3 octal digits, of which only the low 8 bits count (escapes up to
 * `\777` occur in real files; see the facts above). Anything else (a `\n`, a raw control byte, no
 * closing quote) is reported, since loaders would decode a different header than intended.
 */
export function decodePrintfString(
  text: Buffer,
  start: number
): { bytes: Buffer } | { error: string } {
  const out: number[] = [];
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === 0x27) return { bytes: Buffer.from(out) };
    if (c === 0x5c) {
      const { value, next } = readOctal(text, i + 1);
      if (value === undefined) {
        const shown =
          i + 1 < text.length ? JSON.stringify(String.fromCharCode(text[i + 1])) : 'EOF';
        return {
          error: `unsupported escape \\ followed by ${shown} (only octal escapes are allowed)`
        };
      }
      // What the loader's `char` store and printf(1) do: `\510` is 0x48.
      out.push(value & 0xff);
      i = next;
      continue;
    }
    if (c < 0x20 || c > 0x7e) {
      return { error: `raw byte 0x${c.toString(16)} inside the printf string` };
    }
    out.push(c);
    i += 1;
  }
  return {
    error: `the printf string has no closing quote within the first ${PRINTF_WINDOW} bytes`
  };
}

function readOctal(text: Buffer, start: number): { value?: number; next: number } {
  let value: number | undefined;
  let i = start;
  while (i < text.length && i < start + 3 && text[i] >= 0x30 && text[i] <= 0x37) {
    value = (value ?? 0) * 8 + (text[i] - 0x30);
    i += 1;
  }
  return { value, next: i };
}

/**
 * Checks an Elf64 header at `at` of `header`; its e_phoff (made absolute by `phoffBase`) must
 * point at program headers inside `file` that include a PT_LOAD, and every PT_LOAD's bytes must
 * be inside `file` too (offsets made absolute by the same base). Returns the problem, if any.
 */
function checkElfHeader(
  header: Buffer,
  at: number,
  file: Buffer,
  phoffBase = 0
): string | undefined {
  if (header.length - at < ELF_HEADER_SIZE) {
    return `decodes to ${header.length - at} bytes, an ELF64 header needs ${ELF_HEADER_SIZE}`;
  }
  if (!header.subarray(at, at + 4).equals(ELF_MAGIC)) return 'no \\177ELF magic';
  if (header[at + 4] !== 2 || header[at + 5] !== 1) return 'not a 64-bit little-endian ELF header';
  const type = header.readUInt16LE(at + 16);
  if (type !== 2 && type !== 3) return `e_type ${type} is not an executable`;
  const phentsize = header.readUInt16LE(at + 54);
  if (phentsize !== ELF_PHDR_SIZE) return `e_phentsize ${phentsize} is not ${ELF_PHDR_SIZE}`;
  const phnum = header.readUInt16LE(at + 56);
  if (phnum === 0) return 'e_phnum is 0';
  const phoff = Number(header.readBigUInt64LE(at + 32)) + phoffBase;
  if (!Number.isSafeInteger(phoff) || phoff + phnum * ELF_PHDR_SIZE > file.length) {
    return `its program headers (e_phoff ${phoff}, ${phnum} entries) lie past the end of the file (${file.length} bytes)`;
  }
  return checkLoadSegments(file, phoff, phnum, phoffBase);
}

/** Every PT_LOAD's bytes must be in the file: a cut-off download or copy fails here. */
function checkLoadSegments(
  file: Buffer,
  phoff: number,
  phnum: number,
  base: number
): string | undefined {
  let loads = 0;
  for (let k = 0; k < phnum; k += 1) {
    const entry = phoff + k * ELF_PHDR_SIZE;
    if (file.readUInt32LE(entry) !== PT_LOAD) continue;
    loads += 1;
    const offset = Number(file.readBigUInt64LE(entry + 8)) + base;
    const size = Number(file.readBigUInt64LE(entry + 32));
    if (!Number.isSafeInteger(offset + size) || offset + size > file.length) {
      return `a PT_LOAD segment (file offset ${offset}, ${size} bytes) lies past the end of the file (${file.length} bytes): truncated?`;
    }
  }
  return loads > 0
    ? undefined
    : `none of its ${phnum} program headers at offset ${phoff} is PT_LOAD`;
}

// ---------- raw ELF headers ----------

/**
 * Binary Elf64 headers embedded in the file (8-byte aligned, as linkers place them). Only headers
 * whose program header table lies inside the file and has a PT_LOAD count, so a stray "\177ELF"
 * inside code or data is not mistaken for one.
 */
export function findRawElfHeaders(bytes: Buffer): ElfHeaderSighting[] {
  const found: ElfHeaderSighting[] = [];
  for (let at = bytes.indexOf(ELF_MAGIC, 8); at >= 0; at = bytes.indexOf(ELF_MAGIC, at + 1)) {
    if (at % 8 !== 0) continue;
    if (checkElfHeader(bytes, at, bytes, at) !== undefined) continue;
    found.push({ machine: elfMachineName(bytes.readUInt16LE(at + 18)), where: 'raw', offset: at });
  }
  return found;
}

// ---------- Mach-O ----------

/** The spec's generalised `dd` rule: quotes and $(( )) around numbers are tolerated. */
const MACHO_DD =
  /bs=(['"] *)?(\$\(\( *)?(\d+)( *\)\))?( *['"])? +skip=(['"] *)?(\$\(\( *)?(\d+)( *\)\))?( *['"])? +count=/g;

function findMacho(bytes: Buffer): ApeReport['macho'] {
  const prolog = bytes.toString('latin1', 0, Math.min(bytes.length, PRINTF_WINDOW));
  for (const match of prolog.matchAll(MACHO_DD)) {
    const offset = Number(match[3]) * Number(match[8]);
    const cpu = machoCpuAt(bytes, offset);
    if (cpu) return { present: true, offset, cpu };
  }
  for (
    let at = bytes.indexOf(MACHO_MAGIC_64);
    at >= 0;
    at = bytes.indexOf(MACHO_MAGIC_64, at + 1)
  ) {
    if (at % 8 !== 0) continue;
    const cpu = machoCpuAt(bytes, at);
    if (cpu) return { present: true, offset: at, cpu };
  }
  return { present: false };
}

/** The CPU of a 64-bit Mach-O executable header at `at`, if one is there. */
function machoCpuAt(bytes: Buffer, at: number): string | undefined {
  if (!Number.isSafeInteger(at) || at + 32 > bytes.length) return undefined;
  if (!bytes.subarray(at, at + 4).equals(MACHO_MAGIC_64)) return undefined;
  if (bytes.readUInt32LE(at + 12) !== MACHO_EXECUTE) return undefined;
  return MACHO_CPUS[bytes.readUInt32LE(at + 4)];
}

// ---------- ZIP ----------

/** The end-of-central-directory record (zip64 aware), checked against the central directory. */
export function findZip(bytes: Buffer): ApeReport['zip'] {
  const lowest = Math.max(0, bytes.length - ZIP_EOCD_SIZE - 0xffff);
  for (let at = bytes.length - ZIP_EOCD_SIZE; at >= lowest; at -= 1) {
    if (bytes.readUInt32LE(at) !== ZIP_EOCD) continue;
    if (at + ZIP_EOCD_SIZE + bytes.readUInt16LE(at + 20) !== bytes.length) continue;
    const directory = readCentralDirectory(bytes, at);
    if (directory) return { present: true, ...directory };
  }
  return { present: false };
}

function readCentralDirectory(
  bytes: Buffer,
  eocd: number
): { entries: number; centralDirectoryOffset: number } | undefined {
  let entries = bytes.readUInt16LE(eocd + 10);
  let size = bytes.readUInt32LE(eocd + 12);
  let offset = bytes.readUInt32LE(eocd + 16);
  let end = eocd;
  if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const zip64 = readZip64(bytes, eocd);
    if (!zip64) return undefined;
    ({ entries, size, offset, end } = zip64);
  }
  if (offset + size > end) return undefined;
  if (
    entries > 0 &&
    (offset + 4 > bytes.length || bytes.readUInt32LE(offset) !== ZIP_CENTRAL_FILE)
  ) {
    return undefined;
  }
  return { entries, centralDirectoryOffset: offset };
}

function readZip64(
  bytes: Buffer,
  eocd: number
): { entries: number; size: number; offset: number; end: number } | undefined {
  const locator = eocd - 20;
  if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR) return undefined;
  const record = Number(bytes.readBigUInt64LE(locator + 8));
  if (!Number.isSafeInteger(record) || record + 56 > locator) return undefined;
  if (bytes.readUInt32LE(record) !== ZIP64_EOCD) return undefined;
  return {
    entries: Number(bytes.readBigUInt64LE(record + 32)),
    size: Number(bytes.readBigUInt64LE(record + 40)),
    offset: Number(bytes.readBigUInt64LE(record + 48)),
    end: record
  };
}

// ---------- edges and helpers for the pipeline ----------

export async function inspectApeFile(path: string): Promise<ApeReport> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ActionError(
        `Cannot inspect ${path}: the file does not exist (apelink should have written it)`
      );
    }
    throw new ActionError(`Cannot inspect ${path}: ${errorMessage(err)}`);
  }
  return inspectApe(bytes);
}

/** The requested architectures that have no ELF header in the file. */
export function missingArches(report: ApeReport, wanted: readonly string[]): string[] {
  return wanted.filter(arch => !report.arches.includes(arch));
}

export function formatApeReport(report: ApeReport, path: string): string {
  const size = formatSize(report.size);
  if (!report.isApe) return `${path}: not an APE (${size}): ${report.reason ?? 'unknown reason'}`;
  const lines = [`${path}: APE (${report.magic}), ${size}, arches: ${report.arches.join(', ')}`];
  const elf = report.elf.map(h => `${h.machine} (${h.where} @${hex(h.offset)})`).join(', ');
  lines.push(`  ELF headers: ${elf}`);
  lines.push(
    report.pe.present
      ? `  PE: ${report.pe.machine} header @${hex(report.pe.offset)}`
      : '  PE: none (no Windows)'
  );
  lines.push(
    report.macho.present
      ? `  Mach-O: ${report.macho.cpu} header @${hex(report.macho.offset)}`
      : '  Mach-O: none'
  );
  lines.push(
    report.zip.present
      ? `  ZIP: ${report.zip.entries} entries, central directory @${hex(report.zip.centralDirectoryOffset)}`
      : '  ZIP: none'
  );
  return lines.join('\n');
}

function hex(n: number | undefined): string {
  return n === undefined ? '?' : `0x${n.toString(16)}`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}
