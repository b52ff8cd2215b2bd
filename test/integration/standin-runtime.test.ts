/**
 * The stand-in cosmocc (test/helpers/standin-cosmocc.mjs) against the cosmo 4.0.2 behaviour it
 * reproduces (where cosmo differs from glibc in what Rust's std relies on): small C programs
 * from test/fixtures/standin/, built with its per-arch compilers and run natively (x86_64) and
 * under qemu (aarch64). These test the stand-in itself, not the action; where a result could
 * be glibc's own, a control build with the plain host compiler shows that it is not.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCosmoLayouts } from '../../src/runtime/layout-check.js';
import { COSMO_DEFINED_SYMBOLS, COSMO_UNDEFINED_SYMBOLS } from '../helpers/cosmo-symbols.mjs';
import { requireTools } from '../helpers/kit.mjs';
import { makeStandinCosmocc } from '../helpers/standin-cosmocc.mjs';

type Arch = 'x86_64' | 'aarch64';
const ARCHES: Arch[] = ['x86_64', 'aarch64'];
const FIXTURES = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'standin'
);
const HOST_CC: Record<Arch, string> = { x86_64: 'gcc', aarch64: 'aarch64-linux-gnu-gcc' };

let dir: string;
let cosmocc: string;

beforeAll(() => {
  requireTools(['gcc', 'aarch64-linux-gnu-gcc', 'qemu-aarch64-static']);
  dir = mkdtempSync(path.join(tmpdir(), 'standin-runtime-'));
  cosmocc = makeStandinCosmocc(path.join(dir, 'cosmocc'));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function standinCc(arch: Arch): string {
  return path.join(cosmocc, 'bin', `${arch}-unknown-cosmo-cc`);
}

/**
 * Runs a compiler; the result of the call, never a throw. The fixtures stand in for Rust code,
 * which sees no C headers (they declare what they call themselves, with Rust's musl layouts), so
 * the stand-in's cosmo C ABI header stays out of them.
 */
function compile(compiler: string, args: string[]) {
  const env = { ...process.env, APE_STANDIN_NO_C_ABI: '1' };
  return spawnSync(compiler, args, { cwd: dir, encoding: 'utf8', env });
}

/** Builds test/fixtures/standin/<name>.c for `arch` with the stand-in; fails with its stderr. */
function build(arch: Arch, name: string, extra: string[] = []): string {
  const output = path.join(dir, `${name}-${arch}`);
  const result = compile(standinCc(arch), [
    '-O2',
    '-o',
    output,
    path.join(FIXTURES, `${name}.c`),
    ...extra
  ]);
  if (result.status !== 0)
    throw new Error(`building ${name} for ${arch} failed:\n${result.stderr}`);
  return output;
}

function run(arch: Arch, program: string, args: string[] = []) {
  const [command, argv] =
    arch === 'aarch64' ? ['qemu-aarch64-static', [program, ...args]] : [program, args];
  return spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
}

/** `name rest...` lines as name -> rest (the fixtures print one line per check). */
function results(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map(line => {
        const space = line.indexOf(' ');
        return [line.slice(0, space), line.slice(space + 1)];
      })
  );
}

function runFixture(arch: Arch, name: string, args: string[] = []): Record<string, string> {
  const result = run(arch, build(arch, name), args);
  if (result.status !== 0) {
    throw new Error(`${name} (${arch}) exited ${result.status}:\n${result.stdout}${result.stderr}`);
  }
  return results(result.stdout);
}

describe.each(ARCHES)('the stand-in runtime on %s', arch => {
  it('syscall() knows only cosmo numbers 1, 2, 3 (gettid, getrandom, getcpu); every Linux number is ENOSYS', () => {
    const seen = runFixture(arch, 'syscall');
    expect(seen['linux-futex']).toBe('-1 38');
    expect(seen['linux-getrandom']).toBe('-1 38');
    expect(seen['linux-gettid']).toBe('-1 38');
    expect(seen['cosmo-gettid-is-tid']).toBe('1 0');
    expect(seen['cosmo-getrandom']).toBe('16 0');
    expect(seen['cosmo-getcpu']).toBe('0 0');
    expect(seen['cosmo-getcpu-wrote']).toBe('1 0');
  });

  it('getrandom() takes only GRND_NONBLOCK | GRND_RANDOM (EINVAL for 4), EFAULT for a null buffer; enosys() is ENOSYS', () => {
    const seen = runFixture(arch, 'syscall');
    expect(seen['getrandom']).toBe('16 0');
    expect(seen['getrandom-nonblock-random']).toBe('16 0');
    expect(seen['getrandom-insecure']).toBe('-1 22');
    expect(seen['getrandom-null']).toBe('-1 14');
    expect(seen['enosys']).toBe('-1 38');
  });

  it('cosmo_futex_wait/wake (from <cosmo.h>) return 0, a count or -errno and leave errno alone', () => {
    const seen = runFixture(arch, 'futex');
    // "result errno": errno stays at the 1234 the fixture sets before each call
    expect(seen['wait-not-expected']).toBe('-11 1234'); // -EAGAIN
    expect(seen['wait-deadline-zero']).toBe('-110 1234'); // -ETIMEDOUT at once
    expect(seen['wait-monotonic-100ms']).toBe('-110 1234');
    expect(seen['wait-realtime-shared-100ms']).toBe('-110 1234');
    expect(seen['waited-ms-at-least-90']).toBe('1 1234');
    expect(seen['wake-nobody']).toBe('0 1234');
    expect(seen['wake-one']).toBe('1 1234');
    expect(seen['waiter-woken']).toBe('0 1234');
  });

  it('strerror_r is the XSI one (0 / ERANGE) and __xpg_strerror_r returns its buffer as char *', () => {
    const seen = runFixture(arch, 'strerror');
    expect(seen['enoent']).toBe('0 [No such file or directory]');
    expect(seen['zero']).toBe('0 [No error information]');
    expect(seen['unknown']).toBe('0 [Error 99999]');
    expect(seen['truncated']).toBe('34 [No such]'); // ERANGE, NUL-terminated
    expect(seen['exact-fit']).toBe('34 [No such file or directory]'); // cosmo's own quirk
    expect(seen['xpg-returns-buffer']).toBe('1 [Permission denied]');
    // what std, declaring it as returning c_int, sees: the pointer's low half
    expect(seen['xpg-as-int-is-pointer-low-half']).toBe('1');
  });

  it('posix_spawnattr_t and file actions are pointers, sigset_t 8 bytes: nothing written past them', () => {
    const seen = runFixture(arch, 'spawn-sigset');
    expect(seen).toEqual({ spawnattr: '0 4 0', file_actions: '0 0 0', sigset: '0 1 0' });
  });

  it('sigaction() reads and writes the 32-byte cosmo struct sigaction; a musl-layout one loses its flags', () => {
    const seen = runFixture(arch, 'sigaction');
    expect(seen['install']).toBe('0');
    expect(seen['siginfo-delivered']).toBe('1');
    expect(seen['old-handler']).toBe('1');
    expect(seen['old-flags-siginfo-restart']).toBe('1');
    expect(seen['old-mask']).toBe('1');
    expect(seen['wrote-32-bytes-only']).toBe('1');
    expect(seen['install-musl-layout']).toBe('0');
    expect(seen['musl-flags-lost']).toBe('1');
  });

  it('pthread_attr_t is 64 bytes: init and getattr_np write bytes 56..63, destroy fills all 64 with 0xff', () => {
    const seen = runFixture(arch, 'pthread-attr', ['big']);
    expect(seen['init']).toBe('0');
    expect(seen['init-wrote-bytes-56-63']).toBe('1');
    expect(seen['getstacksize']).toBe('0 1048576');
    expect(seen['create']).toBe('0');
    expect(seen['join']).toBe('0 42');
    expect(seen['destroy-filled-64-bytes-with-ff']).toBe('1');
    expect(seen['getattr_np-wrote-bytes-56-63']).toBe('1');
    expect(seen['getstack']).toBe('0 1');
  });

  it('a 56-byte pthread_attr_t: init overwrites its neighbour, and the next call aborts naming the size', () => {
    const result = run(arch, build(arch, 'pthread-attr'), ['small']);
    expect(result.stdout).toContain('init-overwrote-neighbour 1');
    expect(result.stdout).not.toContain('still-running');
    expect(result.stderr).toMatch(
      /stand-in cosmo: pthread_attr_getstacksize: the pthread_attr_t at 0x[0-9a-f]+ lost its bytes 56\.\.63 .*cosmo's pthread_attr_t is 64 bytes/
    );
    expect(result.status === 134 || result.signal === 'SIGABRT').toBe(true);
  });

  it('stat, lstat, fstat and fstatat fill the 144-byte cosmo struct stat, st_mode at 24', () => {
    const seen = runFixture(arch, 'stat');
    // "rc mode-at-24-is-dir wrote-byte-143 untouched-from-144 musl-mode-at-16-is-dir"
    for (const call of ['stat', 'lstat', 'fstat', 'fstatat']) expect(seen[call]).toBe('0 1 1 1 0');
    expect(seen['stat-missing']).toBe('-1 2 1'); // ENOENT, nothing written
  });
});

describe('the stand-in differs from plain glibc where cosmo does (controls)', () => {
  function buildPlain(arch: Arch, name: string, extra: string[] = []): string {
    const output = path.join(dir, `${name}-${arch}-glibc`);
    const result = compile(HOST_CC[arch], [
      '-O2',
      '-static',
      '-o',
      output,
      path.join(FIXTURES, `${name}.c`),
      ...extra
    ]);
    if (result.status !== 0) throw new Error(result.stderr);
    return output;
  }

  it('aarch64: glibc alone writes its 128-byte stat with st_mode at 16; the stand-in does not', () => {
    const seen = results(run('aarch64', buildPlain('aarch64', 'stat')).stdout);
    expect(seen['stat']).toBe('0 0 0 1 1');
  });

  it('glibc alone answers a Linux SYS_futex and knows no cosmo numbers', () => {
    // glibc has no enosys: any function stands in, the control does not look at it
    const plain = buildPlain('x86_64', 'syscall', ['-Wl,--defsym,enosys=getpid']);
    const seen = results(run('x86_64', plain).stdout);
    expect(seen['linux-futex']).toBe('-1 11'); // EAGAIN from the kernel
    expect(seen['cosmo-gettid-is-tid']).toBe('0 0');
  });
});

describe('linking like cosmo', () => {
  it('refuses an undefined reference to a name cosmo 4.0.2 does not define, as ld would', () => {
    const result = compile(standinCc('x86_64'), ['-o', 'w', path.join(FIXTURES, 'waitid.c')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /x86_64-unknown-cosmo-cc: .*in function 'main': undefined reference to 'waitid' \(cosmo 4\.0\.2 does not define it\)/
    );
    expect(COSMO_UNDEFINED_SYMBOLS).toContain('waitid');
  });

  it.each(ARCHES)(
    '%s: every name it accepts resolves in the real link (runtime or glibc)',
    arch => {
      expect(COSMO_DEFINED_SYMBOLS).not.toEqual(
        expect.arrayContaining([...COSMO_UNDEFINED_SYMBOLS])
      );
      const names = COSMO_DEFINED_SYMBOLS;
      const source = path.join(dir, 'every-cosmo-name.c');
      writeFileSync(
        source,
        `${names.map(name => `extern char ${name}[];`).join('\n')}\n` +
          `void *const every_cosmo_name[] = {${names.join(', ')}};\n` +
          'int main(void) { return every_cosmo_name[0] == 0; }\n'
      );
      const result = compile(standinCc(arch), ['-w', '-fno-builtin', '-o', 'every', source]);
      expect(result.stderr).not.toMatch(/undefined reference|cosmo 4\.0\.2 does not define/);
      expect(result.status).toBe(0);
    }
  );

  it.each(ARCHES)('%s: links it once waitid is aliased to enosys, as the action does', arch => {
    const exe = build(arch, 'waitid', ['-Wl,--defsym,waitid=enosys']);
    expect(run(arch, exe).status).toBe(0); // waitid() == -1
  });

  it.each(ARCHES)(
    '%s: a program defining syscall itself wins over the runtime (no duplicate symbol)',
    arch => {
      expect(runFixture(arch, 'own-syscall')['syscall']).toBe('4202');
    }
  );

  it('refuses large-code-model sections that --gc-sections keeps, naming them', () => {
    const result = compile(standinCc('x86_64'), [
      '-o',
      'large',
      path.join(FIXTURES, 'large-sections.c'),
      '-Wl,--gc-sections'
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /x86_64-unknown-cosmo-cc: 1 orphan input sections of the large code model .*: \.ltext\.standin_far\n/
    );
    const kept = compile(standinCc('aarch64'), [
      '-o',
      'large',
      path.join(FIXTURES, 'large-sections.c')
    ]);
    expect(kept.stderr).toMatch(
      /: 2 orphan input sections .*\.ltext\.standin_far, \.ldata\.standin_unused/
    );
  });

  it('drops the -lc in the middle of the link line (libcosmo.a comes last), also in a response file', () => {
    const object = path.join(dir, 'syscall-x86_64.o');
    const compiled = compile(standinCc('x86_64'), [
      '-c',
      '-o',
      object,
      path.join(FIXTURES, 'syscall.c')
    ]);
    expect(compiled.status).toBe(0);
    const direct = compile(standinCc('x86_64'), ['-o', 'lc-direct', object, '-lc', '-lpthread']);
    expect(direct.status).toBe(0);
    expect(results(run('x86_64', path.join(dir, 'lc-direct')).stdout)['linux-futex']).toBe('-1 38');
    const rsp = path.join(dir, 'link.rsp');
    writeFileSync(rsp, `${object}\n-lc\n`);
    const viaFile = compile(standinCc('x86_64'), ['-o', 'lc-rsp', `@${rsp}`]);
    expect(viaFile.status).toBe(0);
    expect(results(run('x86_64', path.join(dir, 'lc-rsp')).stdout)['linux-futex']).toBe('-1 38');
  });

  it('keeps the flag contract of cosmocross: rejected, dropped, and no libunwind', () => {
    const source = path.join(FIXTURES, 'own-syscall.c');
    const shared = compile(standinCc('x86_64'), ['-shared', '-o', 'x', source]);
    expect(shared.status).toBe(1);
    expect(shared.stderr).toBe('x86_64-unknown-cosmo-cc: -shared not supported\n');
    const unwind = compile(standinCc('aarch64'), ['-o', 'x', source, '-lunwind']);
    expect(unwind.status).toBe(1);
    expect(unwind.stderr).toMatch(/cannot find -lunwind/);
    expect(compile(standinCc('x86_64'), ['-fPIC', '-s', '-o', 'x', source]).status).toBe(0);
  });

  it('answers compiler queries that link nothing once, as the host compiler does', () => {
    const query = compile(standinCc('aarch64'), ['-dumpmachine']);
    expect(query.status).toBe(0);
    expect(query.stdout).toBe('aarch64-linux-gnu\n');
  });
});

describe("C code sees cosmo's ABI (the real cosmocc's headers have one for every OS)", () => {
  it.each(ARCHES)(
    "%s: the runtime layer's layout check passes against the stand-in, as against cosmocc 4.0.2",
    async arch => {
      await expect(
        checkCosmoLayouts(standinCc(arch), arch, path.join(dir, `layouts-${arch}`))
      ).resolves.toBeUndefined();
    }
  );
});
