/**
 * The runtime layer's C (boundary tables and shims, and the syscall shim), generated from std's
 * own vendored `libc` source and cosmocc's constant headers, compiled per arch by the stand-in
 * cosmocc's compilers (gcc and aarch64-linux-gnu-gcc seeing cosmo's ABI, its `cosmo.h` and its
 * constant headers, where most constants are symbols, as 4.0.2's are:
 * test/helpers/standin-cosmocc.mjs). A probe program calls the syscall shim with the numbers from
 * the system's Linux headers, against recording cosmo_futex_wait/wake doubles, reads errno as
 * Rust does (through the errno shim), and runs natively (x86_64) or under qemu-aarch64-static
 * (aarch64), linked with the stand-in runtime, which defines the constant symbols with Linux's
 * values as cosmo's start-up does on Linux.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ActionError } from '../../src/errors.js';
import { readLinuxAbi, type Arch, type LinuxAbi } from '../../src/runtime/linux-abi.js';
import { buildShimObjects, type ShimObject } from '../../src/runtime/shim-objects.js';
import { KIT_HINT, requireTool } from '../helpers/kit.mjs';
import { makeStandinCosmocc } from '../helpers/standin-cosmocc.mjs';

const FIXTURES = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/runtime-shim'
);
const PROBE_SOURCE = path.join(FIXTURES, 'routing-probe.c');
const STD_LIBRARY = '/usr/lib/rustlib/src/rust/library';

/** The host compilers the probe is linked with (the stand-in's compilers wrap the same ones). */
const COMPILERS: Record<Arch, string> = { x86_64: 'gcc', aarch64: 'aarch64-linux-gnu-gcc' };

/** The libc crate std itself locks, from the vendored std sources of the test kit. */
function stdLibcSource(): string {
  const lock = path.join(STD_LIBRARY, 'Cargo.lock');
  if (!existsSync(lock)) throw new Error(`missing ${lock}: ${KIT_HINT}`);
  const version = readFileSync(lock, 'utf8').match(
    /\[\[package\]\]\nname = "libc"\nversion = "([^"]+)"/
  )?.[1];
  const dir = path.join(STD_LIBRARY, 'vendor', `libc-${version}`);
  if (!version || !existsSync(dir))
    throw new Error(`missing std's libc source ${dir}: ${KIT_HINT}`);
  return dir;
}

let tmp: string;
/** The stand-in cosmocc: bin/<arch>-unknown-cosmo-cc, include/, lib/<arch>/ (its runtime). */
let cosmocc: string;
let includeDir: string;
let libcSrc: string;
let compilers: Record<Arch, string>;

const cosmoCompiler = (root: string, arch: Arch) =>
  path.join(root, 'bin', `${arch}-unknown-cosmo-cc`);

beforeAll(async () => {
  compilers = {
    x86_64: requireTool(COMPILERS.x86_64),
    aarch64: requireTool(COMPILERS.aarch64)
  };
  requireTool('qemu-aarch64-static');
  libcSrc = stdLibcSource();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'ape action shim-'));
  cosmocc = makeStandinCosmocc(path.join(tmp, 'cosmo cc'));
  includeDir = path.join(cosmocc, 'include');
}, 120_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function build(workDir: string, overrides: { includeDir?: string; libcSrc?: string } = {}) {
  return buildShimObjects({
    arches: ['x86_64', 'aarch64'],
    compilerFor: arch => cosmoCompiler(cosmocc, arch),
    includeDir: overrides.includeDir ?? includeDir,
    libcSrc: overrides.libcSrc ?? libcSrc,
    workDir
  });
}

type ProbeLine = Record<string, number> & { case: string };

/**
 * Links the probe with the arch's shim object and the stand-in's runtime (its constant symbols)
 * and runs it; one parsed JSON line per case. The probe stands for Rust code: it sees glibc's
 * headers (Linux's numbers), not cosmo's, so the host compiler links it.
 */
function runProbe(arch: Arch, shim: ShimObject, workDir: string): Map<string, ProbeLine> {
  const exe = path.join(workDir, `probe-${arch}`);
  const runtime = path.join(cosmocc, 'lib', arch, 'libstandin-cosmo.a');
  const cc = spawnSync(
    compilers[arch],
    ['-static', '-O1', '-Wall', '-Werror', '-o', exe, PROBE_SOURCE, ...shim.linkArgs, runtime],
    { encoding: 'utf8' }
  );
  if (cc.status !== 0) throw new Error(`linking the ${arch} probe failed:\n${cc.stderr}`);
  const [program, args] =
    arch === 'x86_64' ? [exe, []] : [requireTool('qemu-aarch64-static'), [exe]];
  const result = spawnSync(program, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`the ${arch} probe failed (${result.status}):\n${result.stderr}`);
  }
  const lines = result.stdout.trim().split('\n');
  return new Map(lines.map(line => JSON.parse(line) as ProbeLine).map(line => [line.case, line]));
}

describe('the vendored libc std builds with', () => {
  it('yields the Linux numbers of each arch', async () => {
    const abi: LinuxAbi = await readLinuxAbi(libcSrc);
    expect(abi.values.x86_64).toMatchObject({
      SYS_futex: 202,
      SYS_getrandom: 318,
      SYS_gettid: 186
    });
    expect(abi.values.aarch64).toMatchObject({
      SYS_futex: 98,
      SYS_getrandom: 278,
      SYS_gettid: 178
    });
    for (const arch of ['x86_64', 'aarch64'] as const) {
      expect(abi.values[arch]).toMatchObject({
        FUTEX_WAIT: 0,
        FUTEX_WAKE: 1,
        FUTEX_WAIT_BITSET: 9,
        FUTEX_PRIVATE_FLAG: 128,
        FUTEX_CLOCK_REALTIME: 256,
        GRND_NONBLOCK: 1,
        GRND_RANDOM: 2,
        GRND_INSECURE: 4,
        EPERM: 1,
        EINTR: 4,
        EAGAIN: 11,
        EFAULT: 14,
        EINVAL: 22,
        ENOSYS: 38,
        ETIMEDOUT: 110,
        ECANCELED: 125
      });
    }
  });
});

describe.each(['x86_64', 'aarch64'] as const)('the %s shim routes Linux calls to cosmo', arch => {
  let probe: Map<string, ProbeLine>;
  let constants: ProbeLine;

  beforeAll(async () => {
    const workDir = path.join(tmp, `routing ${arch}`);
    const objects = await build(workDir);
    probe = runProbe(arch, objects[arch]!, workDir);
    constants = probe.get('constants')!;
  }, 120_000);

  const line = (name: string): ProbeLine => {
    const found = probe.get(name);
    if (!found) throw new Error(`the probe printed no case ${name}`);
    return found;
  };

  it('the system headers agree with the numbers parsed from libc', async () => {
    const abi = await readLinuxAbi(libcSrc);
    expect(constants.SYS_futex).toBe(abi.values[arch].SYS_futex);
    expect(constants.SYS_getrandom).toBe(abi.values[arch].SYS_getrandom);
    expect(constants.SYS_gettid).toBe(abi.values[arch].SYS_gettid);
  });

  it('std’s wait (FUTEX_WAIT_BITSET, private, absolute deadline) reaches cosmo_futex_wait', () => {
    expect(line('wait_bitset')).toMatchObject({
      ret: 0,
      errno: 0,
      waits: 1,
      sameWord: 1,
      expect: 5,
      pshare: constants.private,
      clock: constants.monotonic,
      hasDeadline: 1,
      deadlineNs: 1000 * 1e9 + 500
    });
  });

  it('reports cosmo’s -errno results as -1 with Linux errno, never reading cosmo’s errno', () => {
    // errno is read through the errno shim, as Rust reads it: Linux's numbering
    expect(line('wait_bitset_timeout')).toMatchObject({ ret: -1, errno: constants.ETIMEDOUT });
    expect(line('wait_bitset_value_differs')).toMatchObject({
      ret: -1,
      errno: constants.EAGAIN,
      expect: 4,
      hasDeadline: 0
    });
    expect(line('wait_bitset_interrupted')).toMatchObject({ ret: -1, errno: constants.EINTR });
  });

  it('maps FUTEX_CLOCK_REALTIME to CLOCK_REALTIME and a missing private flag to shared', () => {
    expect(line('wait_bitset_realtime_shared')).toMatchObject({
      ret: 0,
      waits: 1,
      pshare: constants.shared,
      clock: constants.realtime,
      deadlineNs: 1000 * 1e9 + 500
    });
  });

  it('refuses what Linux refuses, without calling cosmo', () => {
    for (const name of ['wait_bitset_empty_mask', 'wait_bad_timespec']) {
      expect(line(name)).toMatchObject({ ret: -1, errno: constants.EINVAL, waits: 0 });
    }
  });

  it('turns FUTEX_WAIT’s relative timeout into a deadline on the same clock', () => {
    for (const [name, clock] of [
      ['wait_relative', constants.monotonic],
      ['wait_relative_realtime', constants.realtime]
    ] as const) {
      const waited = line(name);
      const window = line(`${name}_window`);
      expect(waited).toMatchObject({ ret: 0, waits: 1, clock, hasDeadline: 1 });
      expect(waited.deadlineNs).toBeGreaterThanOrEqual(window.lowNs);
      expect(waited.deadlineNs).toBeLessThanOrEqual(window.highNs);
    }
    expect(line('wait_relative').pshare).toBe(constants.private);
  });

  it('wakes through cosmo_futex_wake and returns how many woke', () => {
    expect(line('wake_one')).toMatchObject({
      ret: 1,
      wakes: 1,
      waits: 0,
      sameWord: 1,
      count: 1,
      pshare: constants.private
    });
    expect(line('wake_all')).toMatchObject({ ret: 3, wakes: 1, count: 2147483647 });
    expect(line('wake_shared_nobody')).toMatchObject({
      ret: 0,
      wakes: 1,
      pshare: constants.shared
    });
  });

  it('gives ENOSYS to futex ops cosmo cannot serve', () => {
    for (const name of ['wake_realtime', 'wake_bitset', 'cmp_requeue']) {
      expect(line(name)).toMatchObject({ ret: -1, errno: constants.ENOSYS, waits: 0, wakes: 0 });
    }
  });

  it('fills getrandom buffers, and refuses GRND_INSECURE with EINVAL as kernels before 5.6 do', () => {
    for (const name of ['getrandom', 'getrandom_nonblock']) {
      expect(line(name)).toMatchObject({ ret: 64, ret2: 64, filled: 1, differ: 1 });
    }
    expect(line('getrandom_insecure')).toMatchObject({
      ret: -1,
      ret2: -1,
      errno: constants.EINVAL,
      filled: 0
    });
  });

  it('answers gettid', () => {
    const tid = line('gettid');
    expect(tid.ret).toBeGreaterThan(0);
    expect(tid.ret).toBe(tid.expected);
  });

  it('says ENOSYS to every other number, including cosmo’s own 1..3', () => {
    const unknown = [...probe.keys()].filter(name => name.startsWith('unknown_'));
    expect(unknown).toHaveLength(9);
    for (const name of unknown) {
      expect(line(name)).toMatchObject({ ret: -1, errno: constants.ENOSYS, waits: 0, wakes: 0 });
    }
  });
});

describe('buildShimObjects', () => {
  it('returns per arch the object, the link arguments and the paired tables', async () => {
    const workDir = path.join(tmp, 'link args');
    const objects = await build(workDir);
    for (const arch of ['x86_64', 'aarch64'] as const) {
      const object = path.join(workDir, `shim-${arch}.o`);
      expect(objects[arch]).toEqual({
        object,
        // no --defsym for strerror_r any more: std's link name is rewritten to the shim's
        linkArgs: [object],
        source: expect.stringContaining('long __ape_action_syscall('),
        paired: expect.any(Array)
      });
      const paired = objects[arch]!.paired;
      expect(paired.map(domain => domain.domain.id)).toEqual(
        expect.arrayContaining(['open_flags', 'signal', 'errno'])
      );
      const eagain = paired
        .find(d => d.domain.id === 'errno')
        ?.pairs.find(p => p.name === 'EAGAIN');
      expect(eagain).toMatchObject({ linux: 11, hostExpression: 'EAGAIN' });
      const symbols = spawnSync('nm', [object], { encoding: 'utf8' }).stdout;
      expect(symbols).toMatch(/ T __ape_action_syscall$/m);
      for (const shim of [
        '__ape_shim___errno_location',
        '__ape_shim_strerror_r',
        '__ape_shim_open',
        '__ape_shim_mmap',
        '__ape_shim_sigaction'
      ]) {
        expect(symbols).toMatch(new RegExp(` T ${shim}$`, 'm'));
      }
      // the host's values are cosmo's symbols, read at run time, not numbers baked in
      for (const constant of ['O_CREAT', 'EAGAIN', 'SIGCHLD', 'POLLIN', 'MAP_ANONYMOUS']) {
        expect(symbols).toMatch(new RegExp(` U ${constant}$`, 'm'));
      }
    }
  });

  it('keeps files and mtimes on a warm rebuild, and rebuilds when the libc numbers change', async () => {
    const workDir = path.join(tmp, 'warm');
    const files = ['shim-x86_64.c', 'shim-x86_64.o', 'shim-aarch64.c', 'shim-aarch64.o'].map(name =>
      path.join(workDir, name)
    );
    const mtimes = () => files.map(file => statSync(file).mtimeMs);
    await build(workDir);
    const first = mtimes();
    await new Promise(resolve => setTimeout(resolve, 50));
    await build(workDir);
    expect(mtimes()).toEqual(first);

    // the same libc with x86_64's SYS_futex changed: only x86_64's text differs, so only its
    // files are rewritten
    const edited = path.join(tmp, 'libc edited');
    cpSync(libcSrc, edited, { recursive: true });
    const x86 = path.join(edited, 'src/unix/linux_like/linux/musl/b64/x86_64/mod.rs');
    const text = readFileSync(x86, 'utf8');
    expect(text).toContain('pub const SYS_futex: c_long = 202;');
    await writeFile(
      x86,
      text.replace('pub const SYS_futex: c_long = 202;', 'pub const SYS_futex: c_long = 7202;')
    );
    await build(workDir, { libcSrc: edited });
    const changed = mtimes();
    expect(changed[0]).toBeGreaterThan(first[0]);
    expect(changed[1]).toBeGreaterThan(first[1]);
    expect(changed.slice(2)).toEqual(first.slice(2));
    expect(readFileSync(files[0], 'utf8')).toContain('#define LINUX_SYS_futex 7202\n');
  });

  it('fails with cosmocc’s directory when its headers lack cosmo_futex_wait, before compiling', async () => {
    const oldRoot = path.join(tmp, 'cosmocc 3.9.6');
    const oldInclude = path.join(oldRoot, 'include');
    await mkdir(path.join(oldInclude, 'libc'), { recursive: true });
    await writeFile(path.join(oldInclude, 'cosmo.h'), '#include "libc/cosmo.h"\n');
    await writeFile(path.join(oldInclude, 'libc', 'cosmo.h'), 'int cosmo_once(void);\n');
    const workDir = path.join(tmp, 'old cosmocc');
    const attempt = build(workDir, { includeDir: oldInclude });
    await expect(attempt).rejects.toThrow(ActionError);
    await expect(attempt).rejects.toThrow(
      `cosmocc ${oldRoot} has no cosmo_futex_wait or cosmo_futex_wake: ape-action's runtime layer needs cosmocc >= 3.9.7`
    );
    expect(existsSync(workDir) ? await readdir(workDir) : []).toEqual([]);
  });

  it('reports a compiler failure with its output, and leaves no object behind', async () => {
    const workDir = path.join(tmp, 'broken compiler');
    // a cosmocc whose cosmo.h declares the futex functions with other types: its constant
    // headers pair, but a -Werror build of the shim must fail loudly
    const broken = makeStandinCosmocc(path.join(tmp, 'broken cosmocc'));
    await writeFile(
      path.join(broken, 'include', 'cosmo.h'),
      'int cosmo_futex_wait(long *, int, char, int, int);\nint cosmo_futex_wake(long *, int, char);\n'
    );
    const attempt = buildShimObjects({
      arches: ['x86_64'],
      compilerFor: arch => cosmoCompiler(broken, arch),
      includeDir: path.join(broken, 'include'),
      libcSrc,
      workDir
    });
    await expect(attempt).rejects.toThrow(
      /compiling ape-action's syscall shim for x86_64 with .*x86_64-unknown-cosmo-cc failed \(exit 1\):\n[\s\S]*cosmo_futex_wait/
    );
    expect(existsSync(path.join(workDir, 'shim-x86_64.o'))).toBe(false);
  }, 120_000);
});
