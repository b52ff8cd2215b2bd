#!/usr/bin/env node
/**
 * Test double of cosmocc's `apelink` (tool/build/apelink.c in jart/cosmopolitan), installed by the
 * end-to-end tests as `<stand-in cosmocc>/bin/apelink`. It must stay self-contained (node: imports
 * only) because it is copied there.
 *
 * It enforces apelink's calling contract, so a wrong call from the action fails the test:
 * - getopt(3) over 4.0.2's `hvgsGBo:l:S:M:V:` exactly as cosmo's getopt does it (clustered flags,
 *   attached arguments, `--`, options end at the first operand; "illegal option -- x" and
 *   "option requires an argument -- x" then usage, exit 1);
 * - -o is required, at least one input is required; -V takes numbers or OS names;
 * - inputs must be ELF64 executables (no PT_INTERP/PT_DYNAMIC, at least one PT_LOAD), one per CPU;
 * - -M must name a readable text file and needs an aarch64 input while macOS is supported;
 * - loaders: each -l must name an existing `ape-x86_64.elf` or `ape-aarch64.elf`, one per CPU.
 *   Stricter than the real tool on purpose: every input's CPU must have its loader (real apelink
 *   would silently fall back to a self-modifying file there), so the action cannot forget one.
 * Messages match the real ones ("apelink: need output path", "<file>: not an elf64 binary", ...).
 *
 * Its output is APE-shaped the way apelink lays it out: `MZqFpD='` (or `jartsr='` without
 * Windows, `APEDBG='` with -B), the MZ stub with e_lfanew at 0x3c pointing at a PE header when
 * there is an x86_64 input, one `printf '\177ELF...'` header per CPU in the first 8192 bytes
 * whose e_phoff points at that CPU's relocated program headers (spelled as apelink spells it, with
 * the octal escapes above `\377` its e_phoff fixup writes), an x86_64 Mach-O header located
 * by a `dd` statement while macOS is supported, the gzipped -M source, and a ZIP at the end.
 * Unlike the real file it cannot start on macOS, Windows or through an APE loader: its shell
 * prolog is a launcher that extracts the payload for `uname -m` (or $APE_STANDIN_ARCH) to a temp
 * file and runs it with the arguments, under qemu-<arch>-static when the host CPU differs, and
 * exits with its status.
 *
 * Every call's argv is appended as one JSON array line to $APELINK_STANDIN_LOG when set.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import zlib from 'node:zlib';

/** tool/build/apelink.c at 4.0.2: no `-k` (newer trees add it; 4.0.2 refuses it). */
const OPTSTRING = 'hvgsGBo:l:S:M:V:';
const USAGE = `USAGE

  apelink [FLAGS] -o OUTPUT INPUT...   (ape-action's test stand-in)

FLAGS

  -h  help          -v  version        -o FILE  output (required)
  -l LOADER         embed ape-x86_64.elf / ape-aarch64.elf (one per input cpu)
  -M ape-m1.c       embed the Apple Silicon loader source (needs an aarch64 input)
  -V VECTOR         support vector: number or names (linux, windows, xnu, bsd, ...)
  -s -g -G -B -S CODE   accepted as by apelink
`;

const HOST = { linux: 1, metal: 2, windows: 4, xnu: 8, openbsd: 16, freebsd: 32, netbsd: 64 };
const HOST_NAMES = {
  linux: HOST.linux,
  metal: HOST.metal,
  windows: HOST.windows,
  win: HOST.windows,
  nt: HOST.windows,
  pe: HOST.windows,
  xnu: HOST.xnu,
  mac: HOST.xnu,
  macos: HOST.xnu,
  macho: HOST.xnu,
  darwin: HOST.xnu,
  freebsd: HOST.freebsd,
  openbsd: HOST.openbsd,
  netbsd: HOST.netbsd,
  bsd: HOST.freebsd | HOST.openbsd | HOST.netbsd,
  elf: HOST.metal | HOST.linux | HOST.freebsd | HOST.openbsd | HOST.netbsd,
  unix: HOST.linux | HOST.freebsd | HOST.openbsd | HOST.netbsd | HOST.xnu
};

const ARCH_OF_MACHINE = { 62: 'x86_64', 183: 'aarch64' };
const LOADER_ARCH = { 'ape-x86_64.elf': 'x86_64', 'ape-aarch64.elf': 'aarch64' };
const PE_MACHINE_AMD64 = 0x8664;
const MACHO_CPU_X86_64 = 0x01000007;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
/** The spec wants the ELF printf statements within the first 8192 bytes: the text ends there. */
const PROLOG_TEXT_SIZE = 8192;
/** Payload offsets are multiples of this (and of every p_align), so dd can cut by 4 KiB blocks. */
const PAYLOAD_ALIGN = 65536;

class Exit extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

function die(thing, reason) {
  throw new Exit(`${thing}: ${reason}\n`);
}

/** perror(3)-style text for the errors the real tool reports with DieSys. */
function dieSys(thing, err) {
  const text = {
    ENOENT: 'No such file or directory',
    EACCES: 'Permission denied',
    EISDIR: 'Is a directory',
    ENOTDIR: 'Not a directory'
  };
  die(thing, text[err.code] ?? err.message);
}

// ---------- argv ----------

/**
 * BSD getopt as cosmo implements it (third_party/getopt/getopt.c): yields [letter, value] in
 * order; stops at `--`, at a lone `-` and at the first operand; returns the operands.
 */
function* getopt(args, optstring, operands) {
  const wantsArg = new Map();
  for (let i = 0; i < optstring.length; i += 1) {
    if (optstring[i] === ':') continue;
    wantsArg.set(optstring[i], optstring[i + 1] === ':');
  }
  let i = 0;
  while (i < args.length) {
    const arg = args[i];
    if (arg === '--') {
      i += 1;
      break;
    }
    if (arg.length < 2 || arg[0] !== '-') break;
    for (let j = 1; j < arg.length; j += 1) {
      const letter = arg[j];
      if (!wantsArg.has(letter)) throw new Exit(`apelink: illegal option -- ${letter}\n${USAGE}`);
      if (!wantsArg.get(letter)) {
        yield [letter, undefined];
      } else if (j + 1 < arg.length) {
        yield [letter, arg.slice(j + 1)];
        break;
      } else if (i + 1 < args.length) {
        i += 1;
        yield [letter, args[i]];
      } else {
        throw new Exit(`apelink: option requires an argument -- ${letter}\n${USAGE}`);
      }
    }
    i += 1;
  }
  operands.push(...args.slice(i));
}

/** tool/build/lib/parsesupportvector.c: a number (strtol base 0) or names joined by " ,+:/|". */
function parseSupportVector(text) {
  const number = /^[+-]?(0x[0-9a-f]+|0b[01]+|0[0-7]*|[1-9][0-9]*)$/i;
  if (number.test(text)) {
    const sign = text.startsWith('-') ? -1 : 1;
    const digits = text.replace(/^[+-]/, '');
    const value = /^0[0-7]+$/.test(digits) ? parseInt(digits, 8) : Number(digits);
    return sign * value;
  }
  let bits = 0;
  for (const raw of text.split(/[ ,+:/|]+/).filter(Boolean)) {
    const token = raw.toLowerCase().replace(/^_host/, '');
    if (!(token in HOST_NAMES))
      die('apelink', 'unrecognized token passed to -V support vector flag');
    bits |= HOST_NAMES[token];
  }
  return bits;
}

function parseArgs(args) {
  const call = { loaders: [], inputs: [], kernel: undefined, vector: undefined, flags: new Set() };
  for (const [letter, value] of getopt(args, OPTSTRING, call.inputs)) {
    switch (letter) {
      case 'o':
        call.output = value;
        break;
      case 'l':
        call.loaders.push({ path: value, kernel: call.kernel });
        break;
      case 'M':
        call.m1 = { path: value, text: loadSourceCode(value) };
        break;
      case 'V':
        call.vector = (call.vector ?? 0) | parseSupportVector(value);
        break;
      case 'S':
        call.shellCode = value;
        break;
      case 'v':
        throw new Exit('apelink (ape-action test stand-in of cosmocc apelink)\n', 0);
      case 'h':
        throw new Exit(USAGE, 0);
      default:
        call.flags.add(letter);
    }
  }
  if (!call.output) die('apelink', 'need output path');
  if (call.inputs.length === 0) die('apelink', 'missing input argument');
  call.vector ??= -1;
  return call;
}

// ---------- files ----------

function readInputFile(file) {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    return dieSys(file, err);
  }
}

function loadSourceCode(file) {
  const text = readInputFile(file);
  if (text.includes(0)) die(file, 'source code contains binary data');
  return text;
}

function openLoader({ path: file, kernel }) {
  const arch = LOADER_ARCH[path.basename(file)];
  if (!arch) {
    die(
      file,
      'the stand-in apelink takes only cosmocc bin/ape-x86_64.elf or bin/ape-aarch64.elf as -l loaders'
    );
  }
  readInputFile(file);
  return { path: file, arch, kernel };
}

function checkLoadersDistinct(loaders) {
  for (let i = 0; i < loaders.length; i += 1) {
    for (let j = i + 1; j < loaders.length; j += 1) {
      const [a, b] = [loaders[i], loaders[j]];
      if (a.arch !== b.arch) continue;
      if (!a.kernel && !b.kernel)
        die('apelink', 'multiple ape loaders specified for the same platform');
      if (a.kernel && a.kernel === b.kernel) {
        die(
          'apelink',
          'multiple ape loaders specified for the same platform with matching kernels'
        );
      }
    }
  }
}

/** OpenInput + ValidateElfImage of apelink.c, the parts a linker mistake would trip. */
function openInput(file) {
  const bytes = readInputFile(file);
  const isElf64 =
    bytes.length >= 64 &&
    bytes.toString('latin1', 0, 4) === '\x7fELF' &&
    bytes[4] === 2 &&
    bytes[5] === 1;
  if (!isElf64) die(file, 'not an elf64 binary');
  const arch = ARCH_OF_MACHINE[bytes.readUInt16LE(18)];
  if (!arch) die(file, 'unsupported cpu architecture');
  const type = bytes.readUInt16LE(16);
  if (type !== 2 && type !== 3) die(file, "elf binary isn't an executable");
  const phoff = Number(bytes.readBigUInt64LE(32));
  const phnum = bytes.readUInt16LE(56);
  if (!phnum) die(file, 'elf executable needs at least one program header');
  if (bytes.readUInt16LE(54) !== 56) die(file, "elf e_phentsize isn't sizeof(Elf64_Phdr)");
  if (phoff > bytes.length) die(file, 'elf program header offset points past image eof');
  if (phoff & 7) die(file, 'elf e_phoff must be aligned on an 8-byte boundary');
  if (phoff + phnum * 56 > bytes.length) die(file, 'elf program header array overlaps image eof');
  const phdrs = Buffer.from(bytes.subarray(phoff, phoff + phnum * 56));
  let loads = 0;
  let align = 1;
  for (let k = 0; k < phnum; k += 1) {
    const type = phdrs.readUInt32LE(k * 56);
    if (type === PT_INTERP) die(file, "ELF has PT_INTERP which isn't supported");
    if (type === PT_DYNAMIC) die(file, "ELF has PT_DYNAMIC which isn't supported");
    if (type === PT_LOAD) {
      loads += 1;
      align = Math.max(align, Number(phdrs.readBigUInt64LE(k * 56 + 48)));
    }
  }
  if (!loads) die(file, 'ELF must have at least one PT_LOAD segment');
  return { path: file, bytes, arch, phdrs, align };
}

function checkInputsDistinct(inputs) {
  const seen = new Set();
  for (const input of inputs) {
    if (seen.has(input.arch))
      die('apelink', 'multiple executables passed for the same machine type');
    seen.add(input.arch);
  }
}

function checkContract(call, inputs, loaders) {
  const onlyOne = inputs.length === 1;
  const appleOrWindows = call.vector & (HOST.windows | HOST.xnu);
  if (onlyOne && (!appleOrWindows || !(call.vector & ~(HOST.windows | HOST.xnu)))) {
    die(
      'apelink',
      'stand-in models only the APE output; with one input and this -V, real apelink writes a plain ELF, PE or Mach-O'
    );
  }
  if (call.m1 && call.vector & HOST.xnu && !inputs.some(i => i.arch === 'aarch64')) {
    die(
      call.m1.path,
      "won't embed macos arm64 ape loader source code because a native build of your program for aarch64 wasn't passed as an argument"
    );
  }
  for (const input of inputs) {
    if (!loaders.some(l => l.arch === input.arch)) {
      die(
        input.path,
        `no -l loader for ${input.arch} (pass -l <cosmocc>/bin/ape-${input.arch}.elf); the stand-in requires one loader per input cpu`
      );
    }
  }
}

// ---------- output layout ----------

function alignUp(n, to) {
  return Math.ceil(n / to) * to;
}

/**
 * apelink.c EncodeWordAsPrintf: the low `count` bytes of `value`, printable ASCII other than
 * digits, `\` and `%` as themselves, the rest as the shortest octal escape (safe because a digit
 * never follows an escape literally). Unlike apelink it also escapes `'`: apelink would write a
 * 0x27 byte of e_entry literally and so end the shell string early; the stand-in's output must
 * stay readable whatever addresses the test kit's linkers pick.
 */
function encodeWordAsPrintf(value, count) {
  let out = '';
  let rest = BigInt(value);
  for (let k = 0; k < count; k += 1, rest >>= 8n) {
    const c = Number(rest & 0xffn);
    const ch = String.fromCharCode(c);
    const literal = c >= 0x20 && c < 0x7f && !/[0-9\\%']/.test(ch);
    out += literal ? ch : `\\${c.toString(8)}`;
  }
  return out;
}

/**
 * apelink.c FixupWordAsPrintf over a placeholder of `slots` `\000` escapes: one 3-digit escape
 * per byte, as many as the value needs. Its first digit is bits 6-8 of the not yet shifted value,
 * so whenever the next byte up is odd the escape goes above `\377` (0x2148 is `\510\041`);
 * the loader and printf(1) keep the low 8 bits, and APE readers must cope with it.
 */
function fixupWordAsPrintf(value, slots) {
  const escapes = [];
  let rest = BigInt(value);
  do {
    escapes.push(`\\${(rest & 0o777n).toString(8).padStart(3, '0')}`);
    rest >>= 8n;
  } while (rest > 0n);
  if (escapes.length > slots) die('apelink', `${value} does not fit its printf placeholder`);
  return escapes.join('') + '\\000'.repeat(slots - escapes.length);
}

/** apelink.c PickElfOsAbi: the one OS's ABI when only one is supported, else FreeBSD's. */
function pickElfOsAbi(vector) {
  const only = { [HOST.linux]: 3, [HOST.netbsd]: 2, [HOST.openbsd]: 12 };
  return only[vector] ?? 9;
}

/**
 * The statement apelink's prolog writes for one input (tool/build/apelink.c, the ELF part of the
 * shell script plus SecondPass's fixups), spelled byte for byte the same way: fixed escapes for
 * the constant fields, EncodeWordAsPrintf for os/abi, e_machine and e_entry, FixupWordAsPrintf for
 * e_phoff and e_phnum. e_phoff points at the input's relocated program headers.
 */
function printfElfHeader(input, phoff, vector) {
  const ident = `\\177ELF\\2\\1\\1${encodeWordAsPrintf(pickElfOsAbi(vector), 1)}\\0\\0\\0\\0\\0\\0\\0\\0`;
  const machine = encodeWordAsPrintf(input.bytes.readUInt16LE(18), 1);
  const entry = encodeWordAsPrintf(input.bytes.readBigUInt64LE(24), 8);
  const phnum = input.phdrs.length / 56;
  const text =
    `${ident}\\2\\0${machine}\\0\\1\\0\\0\\0${entry}` +
    `${fixupWordAsPrintf(phoff, 4)}\\0\\0\\0\\0` + // e_phoff
    '\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\100\\0\\70\\0' + // e_shoff, e_flags, e_ehsize, e_phentsize
    `${fixupWordAsPrintf(phnum, 2)}\\0\\0\\0\\0\\0\\0`; // e_phnum, e_sh*
  return `printf '${text}' >&7\n`;
}

function relocatedPhdrs(input, payloadOffset) {
  const table = Buffer.from(input.phdrs);
  for (let k = 0; k < table.length; k += 56) {
    table.writeBigUInt64LE(table.readBigUInt64LE(k + 8) + BigInt(payloadOffset), k + 8);
  }
  return table;
}

function peHeader() {
  const pe = Buffer.alloc(24);
  pe.write('PE\0\0', 0, 'latin1');
  pe.writeUInt16LE(PE_MACHINE_AMD64, 4);
  pe.writeUInt32LE(Math.floor(Date.UTC(2020, 0, 1) / 1000), 8);
  pe.writeUInt16LE(0x22, 22); // executable image, large address aware
  return pe;
}

function machoHeader() {
  const macho = Buffer.alloc(32);
  macho.writeUInt32LE(0xfeedfacf, 0);
  macho.writeUInt32LE(MACHO_CPU_X86_64, 4);
  macho.writeUInt32LE(3, 8); // CPU_SUBTYPE_X86_64_ALL
  macho.writeUInt32LE(2, 12); // MH_EXECUTE
  macho.writeUInt32LE(1, 24); // MH_NOUNDEFS
  return macho;
}

/**
 * Where a program header table may start: 8-aligned (as apelink's SecondPass aligns it) and with
 * bit 8 set. Real apelink puts the tables wherever its prolog text happens to end, so about half
 * of real e_phoff values have an odd second byte, which FixupWordAsPrintf spells with an escape
 * above `\377`; every real fat APE seen has one. The stand-in's text is padded to a fixed size, so
 * it picks such offsets on purpose, and every file it writes exercises that spelling.
 */
function phdrsTableStart(at) {
  const aligned = alignUp(at, 8);
  return aligned & 0x100 ? aligned : Math.floor(aligned / 0x200) * 0x200 + 0x100;
}

/** Binary headers after the prolog text, then each payload at a PAYLOAD_ALIGN boundary. */
function planLayout(call, inputs, magic) {
  let at = PROLOG_TEXT_SIZE;
  const phdrsAt = [];
  for (const input of inputs) {
    at = phdrsTableStart(at);
    phdrsAt.push(at);
    at += input.phdrs.length;
  }
  at = alignUp(at, 8);
  const hasX86 = inputs.some(i => i.arch === 'x86_64');
  const machoAt = hasX86 && call.vector & HOST.xnu ? at : undefined;
  if (machoAt !== undefined) at += 32;
  const peAt = hasX86 && magic === "MZqFpD='" ? at : undefined;
  if (peAt !== undefined) at += 24;
  const payloadAt = [];
  for (const input of inputs) {
    at = alignUp(at, Math.max(PAYLOAD_ALIGN, input.align));
    payloadAt.push(at);
    at += input.bytes.length;
  }
  return { phdrsAt, machoAt, peAt, payloadAt, end: at };
}

/** 64 bytes: magic, DOS header words, quote closed, a heredoc swallowing e_lfanew at 0x3c. */
function mzStub(magic, heredoc, lfanew) {
  const stub = Buffer.alloc(64);
  stub.write(`${magic}\n\n`, 0, 'latin1');
  const words = [0x1000, 0xf800, 0, 0, 0, 0x0100, 0x0800, 0x0040];
  words.forEach((word, i) => stub.writeUInt16LE(word, 10 + 2 * i));
  stub.write(`' <<'${heredoc}'\n`, 40, 'latin1');
  stub.writeUInt32LE(lfanew ?? 0, 0x3c);
  return stub;
}

/** The part of the prolog that runs: pick a payload, extract it, run it, pass its status on. */
function launcherScript(inputs, layout) {
  const cases = inputs
    .map((input, i) => {
      const names = input.arch === 'x86_64' ? 'x86_64|amd64' : 'aarch64|arm64';
      return `${names}) s=${layout.payloadAt[i]} n=${input.bytes.length} ;;`;
    })
    .join('\n');
  return `# Launcher written by ape-action's stand-in for cosmocc's apelink (tests only).
o=$0
case $o in */*) ;; *) [ -r "$o" ] || o=$(command -v -- "$o") || exit 127 ;; esac
m=$(uname -m 2>/dev/null) || m=unknown
a=\${APE_STANDIN_ARCH:-$m}
s= n=
case $a in
${cases}
esac
if [ -z "$s" ]; then
  echo "$0: this ape program lacks $a support" >&2
  exit 127
fi
case $a in aarch64|arm64) a=aarch64 ;; *) a=x86_64 ;; esac
case $m in arm64) m=aarch64 ;; amd64) m=x86_64 ;; esac
t=$(mktemp "\${TMPDIR:-/tmp}/.ape-standin.XXXXXX") || exit 121
trap 'rm -f "$t"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
dd if="$o" bs=4096 skip=$((s / 4096)) 2>/dev/null | head -c "$n" >"$t"
if [ "$(($(wc -c <"$t")))" -ne "$n" ]; then
  echo "$0: the $a payload is cut short (truncated file?)" >&2
  exit 121
fi
chmod 700 "$t" || exit 121
if [ "$a" = "$m" ]; then
  "$t" "$@"
elif command -v "qemu-$a-static" >/dev/null 2>&1; then
  "qemu-$a-static" "$t" "$@"
elif command -v "qemu-$a" >/dev/null 2>&1; then
  "qemu-$a" "$t" "$@"
else
  echo "$0: running the $a payload on this $m host needs qemu-$a-static" >&2
  exit 126
fi
exit $?
`;
}

/** After the launcher's exit, never run: what APE readers look for, like apelink writes it. */
function headerStatements(call, inputs, layout, m1) {
  let text =
    '# headers for APE readers (ape/specification.md); the launcher above never gets here\n';
  inputs.forEach((input, i) => {
    text += `exec 7<> "$o" || exit 121\n${printfElfHeader(input, layout.phdrsAt[i], call.vector)}exec 7<&-\n`;
  });
  if (layout.machoAt !== undefined) {
    text += `dd if="$o" of="$o" bs=1 skip=${layout.machoAt} count=32 conv=notrunc 2>/dev/null\n`;
  }
  if (m1) {
    text += `dd if="$o" skip=${m1.offset} count=${m1.size} bs=1 2>/dev/null | gzip -dc >"$t.c.$$"\n`;
  }
  return text;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data) {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const DOS_DATE_1980_01_01 = (1 << 5) | 1;

/** One stored file as a ZIP with absolute offsets (`base` is where it starts in the output). */
function zipWithOneFile(name, data, base) {
  const nameBytes = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(0x031e, 4);
  central.writeUInt16LE(10, 6);
  central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
  central.writeUInt32LE(base, 42);
  const cdOffset = base + 30 + nameBytes.length + data.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + nameBytes.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, eocd]);
}

function pickMagic(call) {
  if (call.flags.has('B')) return "APEDBG='";
  return call.vector & HOST.windows ? "MZqFpD='" : "jartsr='";
}

function buildApe(call, inputs, loaders) {
  const magic = pickMagic(call);
  const layout = planLayout(call, inputs, magic);
  const digest = createHash('sha256');
  for (const input of inputs) digest.update(input.bytes);
  const heredoc = `standin${digest.digest('hex').slice(0, 6)}`;
  const m1Data = call.m1 ? zlib.gzipSync(call.m1.text, { level: 9 }) : undefined;
  const m1 = m1Data && { offset: layout.end, size: m1Data.length };
  const text =
    `\n${heredoc}\n#'"\n\n` +
    (call.shellCode === undefined ? '' : `${call.shellCode}\n`) +
    launcherScript(inputs, layout) +
    headerStatements(call, inputs, layout, m1);
  const stub = mzStub(magic, heredoc, layout.peAt);
  if (stub.length + Buffer.byteLength(text) > PROLOG_TEXT_SIZE) {
    die('apelink', `stand-in shell prolog exceeds ${PROLOG_TEXT_SIZE} bytes (-S code too long?)`);
  }
  const image = Buffer.alloc(layout.end);
  stub.copy(image, 0);
  image.write(text, stub.length);
  inputs.forEach((input, i) => {
    relocatedPhdrs(input, layout.payloadAt[i]).copy(image, layout.phdrsAt[i]);
    input.bytes.copy(image, layout.payloadAt[i]);
  });
  if (layout.machoAt !== undefined) machoHeader().copy(image, layout.machoAt);
  if (layout.peAt !== undefined) peHeader().copy(image, layout.peAt);
  const parts = m1Data ? [image, m1Data] : [image];
  const manifest = {
    standin: 'ape-action test double of cosmocc apelink',
    inputs: inputs.map((input, i) => ({
      arch: input.arch,
      file: path.basename(input.path),
      offset: layout.payloadAt[i],
      size: input.bytes.length,
      sha256: createHash('sha256').update(input.bytes).digest('hex')
    })),
    loaders: loaders.map(l => path.basename(l.path)),
    appleSiliconLoaderSource: Boolean(call.m1)
  };
  const zipBase = parts.reduce((n, p) => n + p.length, 0);
  const zip = zipWithOneFile(
    '.ape-standin.json',
    Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
    zipBase
  );
  return Buffer.concat([...parts, zip]);
}

/** Temp file then rename, so a failure never leaves a partial output behind. */
function writeAtomically(output, bytes) {
  const temp = path.join(
    path.dirname(output),
    `.${path.basename(output)}.apelink-${process.pid}.tmp`
  );
  try {
    fs.writeFileSync(temp, bytes, { mode: 0o755 });
    fs.chmodSync(temp, 0o755);
    fs.renameSync(temp, output);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    dieSys(output, err);
  }
}

function logCall(args) {
  const log = process.env.APELINK_STANDIN_LOG;
  if (log) fs.appendFileSync(log, `${JSON.stringify(args)}\n`);
}

function main(args) {
  logCall(args);
  const call = parseArgs(args);
  const loaders = call.loaders.map(openLoader);
  checkLoadersDistinct(loaders);
  const inputs = call.inputs.map(openInput);
  checkInputsDistinct(inputs);
  checkContract(call, inputs, loaders);
  writeAtomically(call.output, buildApe(call, inputs, loaders));
}

try {
  main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof Exit)) throw err;
  (err.code === 0 ? process.stdout : process.stderr).write(err.message);
  process.exitCode = err.code;
}
