/**
 * The stand-in apelink (test/helpers/standin-apelink.mjs) with real inputs: static hello programs
 * from gcc and aarch64-linux-gnu-gcc. It must accept exactly the calls real apelink accepts (and
 * insist on a loader per CPU), write a file the inspector sees as an APE holding both arches, and
 * that file must run: x86_64 natively, aarch64 under qemu.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decodePrintfString, findPrintfElfHeaders, inspectApe } from '../../src/ape/inspect.js';
import { compileStaticHello } from '../helpers/ape-fixtures.js';
import { requireTools } from '../helpers/kit.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const STANDIN_SOURCE = path.join(HERE, '..', 'helpers', 'standin-apelink.mjs');

let dir: string;
let apelink: string;
let log: string;
const loader = { x86_64: '', aarch64: '' };
let m1: string;
const hello = { x86_64: '', aarch64: '' };

function runApelink(args: string[], env: Record<string, string> = {}) {
  return spawnSync(apelink, args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, APELINK_STANDIN_LOG: log, ...env }
  });
}

function runCom(com: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync('sh', [com, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

function fatArgs(output: string): string[] {
  return [
    '-l',
    loader.x86_64,
    '-l',
    loader.aarch64,
    '-M',
    m1,
    '-o',
    output,
    hello.x86_64,
    hello.aarch64
  ];
}

/** The `printf '...'` statement at `offset`, without its `>&7` redirection. */
function printfStatementAt(bytes: Buffer, offset: number): string {
  const end = bytes.indexOf("' >&7\n", offset, 'latin1');
  if (end < 0) throw new Error(`no end of the printf statement at ${offset}`);
  return bytes.toString('latin1', offset, end + 1);
}

function loggedCalls(): string[][] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line) as string[]);
}

beforeAll(async () => {
  requireTools(['qemu-aarch64-static', 'unzip', 'gcc', 'aarch64-linux-gnu-gcc']);
  dir = await mkdtemp(path.join(tmpdir(), 'standin-apelink-'));
  const bin = path.join(dir, 'cosmocc', 'bin');
  mkdirSync(bin, { recursive: true });
  // installed the way the e2e tests install it: a copy named apelink in a cosmocc-like bin/
  apelink = path.join(bin, 'apelink');
  copyFileSync(STANDIN_SOURCE, apelink);
  chmodSync(apelink, 0o755);
  for (const arch of ['x86_64', 'aarch64'] as const) {
    loader[arch] = path.join(bin, `ape-${arch}.elf`);
    writeFileSync(loader[arch], `stand-in ${arch} loader\n`);
    hello[arch] = await compileStaticHello(dir, arch);
  }
  m1 = path.join(bin, 'ape-m1.c');
  writeFileSync(m1, 'int main(void) { return 0; } /* stand-in Apple Silicon loader */\n');
  log = path.join(dir, 'apelink.log');
}, 120000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the stand-in script itself', () => {
  it('is executable in the repository, so it can be copied in as bin/apelink', () => {
    expect(statSync(STANDIN_SOURCE).mode & 0o777).toBe(0o755);
    expect(readFileSync(STANDIN_SOURCE, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('fusing real x86_64 and aarch64 executables', () => {
  let com: string;
  let bytes: Buffer;

  beforeAll(() => {
    com = path.join(dir, 'hello.com');
    const result = runApelink(fatArgs(com));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    bytes = readFileSync(com);
  });

  it('writes an executable file and nothing else next to it', () => {
    expect(statSync(com).mode & 0o777).toBe(0o755);
    expect(readdirSync(dir).filter(name => name.includes('hello.com'))).toEqual(['hello.com']);
  });

  it('is an APE with both arches, PE, Mach-O and ZIP as the inspector sees it', () => {
    const report = inspectApe(bytes);
    expect(report.reason).toBeUndefined();
    expect(report.isApe).toBe(true);
    expect(report.magic).toBe('MZqFpD');
    expect(report.pe).toMatchObject({ present: true, machine: 'x86_64' });
    expect(report.macho).toMatchObject({ present: true, cpu: 'x86_64' });
    expect(report.zip).toMatchObject({ present: true, entries: 1 });
    expect(report.elf.filter(h => h.where === 'printf').map(h => h.machine)).toEqual([
      'x86_64',
      'aarch64'
    ]);
    expect(report.arches).toEqual(['x86_64', 'aarch64']);
  });

  it("has printf ELF headers a real APE loader could follow to each payload's segments", () => {
    const sightings = findPrintfElfHeaders(bytes).headers;
    expect(sightings).toHaveLength(2);
    for (const [i, sighting] of sightings.entries()) {
      const input = readFileSync([hello.x86_64, hello.aarch64][i]);
      const decoded = decodePrintfString(bytes, sighting.offset + "printf '".length);
      if (!('bytes' in decoded)) throw new Error(decoded.error);
      const header = decoded.bytes;
      expect(header.readUInt16LE(18)).toBe(input.readUInt16LE(18)); // e_machine
      expect(header.readBigUInt64LE(24)).toBe(input.readBigUInt64LE(24)); // e_entry
      const phoff = Number(header.readBigUInt64LE(32));
      const phnum = header.readUInt16LE(56);
      expect(phnum).toBe(input.readUInt16LE(56));
      const inputPhoff = Number(input.readBigUInt64LE(32));
      for (let k = 0; k < phnum; k += 1) {
        const fused = phoff + k * 56;
        const original = inputPhoff + k * 56;
        if (bytes.readUInt32LE(fused) !== 1) continue; // PT_LOAD only
        const at = Number(bytes.readBigUInt64LE(fused + 8));
        const from = Number(input.readBigUInt64LE(original + 8));
        const size = Number(input.readBigUInt64LE(original + 32));
        expect(bytes.subarray(at, at + size).equals(input.subarray(from, from + size))).toBe(true);
        // file offset congruent with p_vaddr modulo the page size, as ELF loaders need
        expect((BigInt(at) - bytes.readBigUInt64LE(fused + 16)) % 4096n).toBe(0n);
      }
    }
  });

  it("spells e_phoff as apelink's fixup does: an escape above \\377 that sh's printf reads", () => {
    const sightings = findPrintfElfHeaders(bytes).headers;
    expect(sightings.map(h => h.machine)).toEqual(['x86_64', 'aarch64']);
    for (const { offset } of sightings) {
      const statement = printfStatementAt(bytes, offset);
      // one 3-digit escape whose first digit is 4-7: FixupWordAsPrintf's bit 8 (the next byte's)
      expect(statement).toMatch(/\\[4-7][0-7]{2}/);
      const decoded = decodePrintfString(bytes, offset + "printf '".length);
      if (!('bytes' in decoded)) throw new Error(decoded.error);
      const printed = spawnSync('sh', ['-c', statement], { env: { PATH: process.env.PATH } });
      expect(printed.status).toBe(0);
      expect(printed.stdout.equals(decoded.bytes)).toBe(true);
    }
  });

  it('runs the x86_64 payload natively with the arguments and passes the exit code on', () => {
    const result = runCom(com, ['there', '5']);
    expect(result.stdout).toBe('hello from x86_64, there\n');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(5);
  });

  it('runs the aarch64 payload under qemu when APE_STANDIN_ARCH=aarch64', () => {
    const result = runCom(com, ['arm', '3'], { APE_STANDIN_ARCH: 'aarch64' });
    expect(result.stdout).toBe('hello from aarch64, arm\n');
    expect(result.status).toBe(3);
  });

  it('embeds the gzipped -M source where its dd statement says', () => {
    const prolog = bytes.toString('latin1', 0, 8192);
    const dd = /dd if="\$o" skip=(\d+) count=(\d+) bs=1 2>\/dev\/null \| gzip -dc/.exec(prolog);
    expect(dd).not.toBeNull();
    const [skip, count] = [Number(dd?.[1]), Number(dd?.[2])];
    expect(gunzipSync(bytes.subarray(skip, skip + count)).equals(readFileSync(m1))).toBe(true);
  });

  it('ends in a ZIP that unzip reads, listing each payload', () => {
    const listed = spawnSync('unzip', ['-p', com, '.ape-standin.json'], { encoding: 'utf8' });
    expect(listed.status).toBe(0);
    const manifest = JSON.parse(listed.stdout) as {
      inputs: Array<{ arch: string; sha256: string }>;
    };
    const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(manifest.inputs.map(i => [i.arch, i.sha256])).toEqual([
      ['x86_64', sha(hello.x86_64)],
      ['aarch64', sha(hello.aarch64)]
    ]);
  });

  it('fails loudly, not silently, when the file was cut short', () => {
    const cut = path.join(dir, 'cut.com');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 200000), { mode: 0o755 });
    const result = runCom(cut, [], { APE_STANDIN_ARCH: 'aarch64' });
    expect(result.status).toBe(121);
    expect(result.stderr).toBe(`${cut}: the aarch64 payload is cut short (truncated file?)\n`);
    expect(inspectApe(readFileSync(cut)).reason).toMatch(/PT_LOAD segment .* lies past the end/);
  });
});

describe('other calls real apelink accepts', () => {
  it('an aarch64-only build: MZ without a PE header, and no x86_64 payload to run', () => {
    const com = path.join(dir, 'arm-only.com');
    const made = runApelink(['-l', loader.aarch64, '-M', m1, '-o', com, hello.aarch64]);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    const report = inspectApe(readFileSync(com));
    expect(report).toMatchObject({ isApe: true, magic: 'MZqFpD', arches: ['aarch64'] });
    expect(report.pe).toEqual({ present: false });
    const run = runCom(com, []);
    expect(run.status).toBe(127);
    expect(run.stderr).toBe(`${com}: this ape program lacks x86_64 support\n`);
    expect(runCom(com, ['q'], { APE_STANDIN_ARCH: 'arm64' }).stdout).toBe(
      'hello from aarch64, q\n'
    );
  });

  it('-V without Windows gives the jartsr magic and no PE header', () => {
    const com = path.join(dir, 'unix.com');
    const made = runApelink(['-V', 'linux+xnu', ...fatArgs(com)]);
    expect(made.status).toBe(0);
    const report = inspectApe(readFileSync(com));
    expect(report).toMatchObject({ isApe: true, magic: 'jartsr', arches: ['x86_64', 'aarch64'] });
    expect(report.pe).toEqual({ present: false });
    expect(runCom(com, ['unix']).stdout).toBe('hello from x86_64, unix\n');
  });

  it('clustered flags, attached option arguments and -- before a dash-named input', () => {
    const odd = path.join(dir, '-xinput');
    copyFileSync(hello.x86_64, odd);
    const com = path.join(dir, 'getopt.com');
    const made = runApelink(['-sG', `-l${loader.x86_64}`, `-o${com}`, '--', '-xinput']);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    expect(runCom(com, ['getopt']).stdout).toBe('hello from x86_64, getopt\n');
  });

  it('prints usage for -h and exits 0 without writing anything', () => {
    const result = runApelink(['-h', '-o', path.join(dir, 'help.com'), hello.x86_64]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^USAGE/);
    expect(existsSync(path.join(dir, 'help.com'))).toBe(false);
  });
});

describe('calls real apelink rejects fail the same way, leaving no output', () => {
  const out = () => path.join(dir, 'bad.com');

  function expectRejected(args: string[], firstLine: string) {
    const result = runApelink(args);
    expect(result.stderr.split('\n')[0]).toBe(firstLine);
    expect(result.status).toBe(1);
    expect(existsSync(out())).toBe(false);
    expect(readdirSync(dir).filter(name => name.endsWith('.tmp'))).toEqual([]);
  }

  it('an unknown option', () => {
    expectRejected(['-x', ...fatArgs(out())], 'apelink: illegal option -- x');
  });

  it("-k, which 4.0.2's option string does not have (newer trees add it)", () => {
    expectRejected(['-k', 'linux', ...fatArgs(out())], 'apelink: illegal option -- k');
  });

  it('an unknown option inside a cluster', () => {
    expectRejected(['-sx', ...fatArgs(out())], 'apelink: illegal option -- x');
  });

  it('no -o', () => {
    expectRejected(
      fatArgs(out()).slice(0, 6).concat(hello.x86_64, hello.aarch64),
      'apelink: need output path'
    );
  });

  it('-o without its argument', () => {
    expectRejected(['-o'], 'apelink: option requires an argument -- o');
  });

  it('no input', () => {
    expectRejected(['-l', loader.x86_64, '-o', out()], 'apelink: missing input argument');
  });

  it('-M without an aarch64 input', () => {
    expectRejected(
      ['-l', loader.x86_64, '-M', m1, '-o', out(), hello.x86_64],
      `${m1}: won't embed macos arm64 ape loader source code because a native build of your program for aarch64 wasn't passed as an argument`
    );
  });

  it('an input whose arch has no -l loader', () => {
    expectRejected(
      ['-l', loader.x86_64, '-o', out(), hello.x86_64, hello.aarch64],
      `${hello.aarch64}: no -l loader for aarch64 (pass -l <cosmocc>/bin/ape-aarch64.elf); the stand-in requires one loader per input cpu`
    );
  });

  it('a loader path that does not exist', () => {
    const missing = path.join(dir, 'nowhere', 'ape-x86_64.elf');
    expectRejected(
      ['-l', missing, '-o', out(), hello.x86_64],
      `${missing}: No such file or directory`
    );
  });

  it('a loader that is not one of the cosmocc loaders', () => {
    expectRejected(
      ['-l', m1, '-o', out(), hello.x86_64],
      `${m1}: the stand-in apelink takes only cosmocc bin/ape-x86_64.elf or bin/ape-aarch64.elf as -l loaders`
    );
  });

  it('an input that is not an ELF executable', () => {
    const source = path.join(dir, 'hello-x86_64.c');
    expectRejected(['-l', loader.x86_64, '-o', out(), source], `${source}: not an elf64 binary`);
  });

  it('a dynamically linked input', () => {
    const dynamic = path.join(dir, 'hello-dynamic');
    const cc = spawnSync('gcc', ['-o', dynamic, path.join(dir, 'hello-x86_64.c'), '-DARCH="dyn"']);
    expect(cc.status).toBe(0);
    expectRejected(
      ['-l', loader.x86_64, '-o', out(), dynamic],
      `${dynamic}: ELF has PT_INTERP which isn't supported`
    );
  });

  it('two inputs for the same arch', () => {
    expectRejected(
      ['-l', loader.x86_64, '-o', out(), hello.x86_64, hello.x86_64],
      'apelink: multiple executables passed for the same machine type'
    );
  });

  it('options after the first input (getopt does not permute)', () => {
    expectRejected(
      ['-o', out(), hello.x86_64, '-l', loader.x86_64],
      '-l: No such file or directory'
    );
  });

  it('an output path it cannot write, with no temp file left behind', () => {
    const taken = path.join(dir, 'taken.com');
    mkdirSync(taken);
    const result = runApelink(['-l', loader.x86_64, '-o', taken, hello.x86_64]);
    expect(result.stderr).toBe(`${taken}: Is a directory\n`);
    expect(result.status).toBe(1);
    expect(readdirSync(dir).filter(name => name.includes('taken.com'))).toEqual(['taken.com']);
  });

  it('keeps an existing output untouched when the call is rejected', () => {
    const previous = path.join(dir, 'previous.com');
    writeFileSync(previous, 'previous build\n');
    const result = runApelink(['-l', loader.x86_64, '-o', previous, m1]);
    expect(result.status).toBe(1);
    expect(readFileSync(previous, 'utf8')).toBe('previous build\n');
  });
});

describe('the argv log', () => {
  it('holds every call, failed ones too, as one JSON array per line', () => {
    const before = loggedCalls().length;
    const good = fatArgs(path.join(dir, 'logged.com'));
    const bad = ['-q', '-o', path.join(dir, 'never.com')];
    expect(runApelink(good).status).toBe(0);
    expect(runApelink(bad).status).toBe(1);
    expect(loggedCalls().slice(before)).toEqual([good, bad]);
  });

  it('is not written when APELINK_STANDIN_LOG is unset', () => {
    const before = loggedCalls().length;
    const env = { ...process.env };
    delete env.APELINK_STANDIN_LOG;
    const result = spawnSync(apelink, ['-v'], { cwd: dir, encoding: 'utf8', env });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^apelink /);
    expect(loggedCalls()).toHaveLength(before);
  });
});
