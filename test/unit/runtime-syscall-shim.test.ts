/**
 * The syscall shim's pure parts: Linux values parsed from a libc source (a fixture whose numbers no
 * real libc has, so a value in the C text can only have come from the parse), and the generated C
 * routing exactly those numbers.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ActionError } from '../../src/errors.js';
import {
  LINUX_NAMES,
  libcSearchPath,
  linuxConstants,
  parseCrateVersion,
  parseLinuxAbi,
  readLinuxAbi,
  type LinuxAbi
} from '../../src/runtime/linux-abi.js';
import * as syscallShim from '../../src/runtime/syscall-shim.js';
import {
  ROUTED_SYSCALLS,
  SHIM_SYSCALL_SYMBOL,
  syscallShimSource
} from '../../src/runtime/syscall-shim.js';
import { missingCosmoDeclarations, shimFileText } from '../../src/runtime/shim-objects.js';
import { C_RUNTIME } from '../../src/runtime/boundary/c-runtime.js';
import { C_INCLUDES } from '../../src/runtime/boundary/c-shims.js';
import { STD_LINK_NAME_REWRITES } from '../../src/runtime/std-workspace.js';

const FIXTURE_LIBC = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/runtime-shim/libc-distinct'
);

const X86 = 'src/unix/linux_like/linux/musl/b64/x86_64/mod.rs';
const ARM = 'src/unix/linux_like/linux/musl/b64/aarch64/mod.rs';
const LINUX = 'src/unix/linux_like/linux/mod.rs';
const SHARED = 'src/unix/linux_like/linux_l4re_shared.rs';

/** A complete in-memory libc whose files can be edited per test. */
function memoryLibc(edit: Partial<Record<string, string>> = {}): Map<string, string> {
  const arch = (base: number) =>
    [
      `pub const SYS_futex: c_long = ${base + 1};`,
      `pub const SYS_getrandom: c_long = ${base + 2};`,
      `pub const SYS_gettid: c_long = ${base + 3};`,
      'pub const ENOSYS: c_int = 38;',
      'pub const ETIMEDOUT: c_int = 110;',
      'pub const ECANCELED: c_int = 125;'
    ].join('\n');
  const files: Record<string, string> = {
    [X86]: arch(100),
    [ARM]: arch(200),
    [LINUX]: [
      'pub const FUTEX_WAIT: c_int = 0;',
      'pub const FUTEX_WAKE: c_int = 1;',
      'pub const FUTEX_WAIT_BITSET: c_int = 9;',
      'pub const FUTEX_PRIVATE_FLAG: c_int = 128;',
      'pub const FUTEX_CLOCK_REALTIME: c_int = 256;',
      'pub const GRND_NONBLOCK: c_uint = 0x0001;',
      'pub const GRND_RANDOM: c_uint = 0x0002;',
      'pub const GRND_INSECURE: c_uint = 0x0004;'
    ].join('\n'),
    [SHARED]: [
      'pub const EPERM: c_int = 1;',
      'pub const EINTR: c_int = 4;',
      'pub const EAGAIN: c_int = 11;',
      'pub const EFAULT: c_int = 14;',
      'pub const EINVAL: c_int = 22;'
    ].join('\n')
  };
  for (const [file, text] of Object.entries(edit)) {
    if (text === undefined) delete files[file];
    else files[file] = text;
  }
  return new Map(Object.entries(files));
}

function parseError(files: Map<string, string>): ActionError {
  try {
    parseLinuxAbi('9.9.9-test', files);
  } catch (err) {
    if (err instanceof ActionError) return err;
    throw err;
  }
  throw new Error('parseLinuxAbi accepted a broken libc');
}

describe('readLinuxAbi on a fixture libc', () => {
  it('reads the version and every value from the source, per arch', async () => {
    const abi = await readLinuxAbi(FIXTURE_LIBC);
    expect(abi.libcVersion).toBe('0.2.999-distinct');
    expect(abi.values.x86_64).toMatchObject({
      SYS_futex: 7202, // `7000 + 202`
      SYS_getrandom: 7326, // hex literal
      SYS_gettid: 7186,
      ENOSYS: 7038,
      ETIMEDOUT: 7110,
      ECANCELED: 7125
    });
    expect(abi.values.aarch64).toMatchObject({
      SYS_futex: 8098, // a reference to SYS_futex_time64
      SYS_getrandom: 8278,
      SYS_gettid: 8178, // `8_178`
      ENOSYS: 8038,
      ETIMEDOUT: 8110
    });
    for (const arch of ['x86_64', 'aarch64'] as const) {
      expect(abi.values[arch]).toMatchObject({
        FUTEX_WAIT: 20,
        FUTEX_WAKE: 21,
        FUTEX_WAIT_BITSET: 29,
        FUTEX_PRIVATE_FLAG: 1024,
        FUTEX_CLOCK_REALTIME: 2048,
        GRND_NONBLOCK: 0x10,
        GRND_RANDOM: 0x20,
        GRND_INSECURE: 0x40,
        EPERM: 9001,
        EINTR: 9004,
        EAGAIN: 9011,
        EFAULT: 9014,
        EINVAL: 9022
      });
      expect(Object.keys(abi.values[arch]).sort()).toEqual([...LINUX_NAMES].sort());
    }
  });

  it('says which directory is not a libc crate', async () => {
    await expect(readLinuxAbi(path.join(FIXTURE_LIBC, 'src'))).rejects.toThrow(
      /libc-distinct\/src is not a libc crate source: it has no Cargo.toml/
    );
  });
});

describe('parseLinuxAbi drift', () => {
  it('names the libc version, the missing name and every file it searched', () => {
    const moved = memoryLibc({ [ARM]: 'pub const SYS_getrandom: c_long = 278;' });
    const err = parseError(moved);
    expect(err.message).toContain('libc 9.9.9-test');
    expect(err.message).toContain('cannot find SYS_futex for aarch64');
    expect(err.message).toContain(`searched ${ARM}, ${LINUX}, ${SHARED}`);
  });

  it('says when none of the expected files exists', () => {
    const err = parseError(new Map());
    expect(err.message).toMatch(/cannot find SYS_futex for x86_64; searched no file/);
  });

  it('refuses two different values in one file that both compile for the target', () => {
    const twoDefinitions = memoryLibc({
      [SHARED]: memoryLibc().get(SHARED) + '\npub const EAGAIN: c_int = 35;'
    });
    expect(parseError(twoDefinitions).message).toContain(
      `EAGAIN has 2 different definitions in ${SHARED}`
    );
    // a cfg the target satisfies does not make the second one a variant
    const bothMusl = memoryLibc({
      [SHARED]: `${memoryLibc().get(SHARED)}\n#[cfg(target_env = "musl")]\npub const EAGAIN: c_int = 35;`
    });
    expect(parseError(bothMusl).message).toContain(
      `EAGAIN has 2 different definitions in ${SHARED}`
    );
  });

  it('evaluates cfg variants: a cfg_if! mips branch loses to the else branch', () => {
    const shared = memoryLibc()
      .get(SHARED)!
      .replace(
        'pub const EAGAIN: c_int = 11;',
        [
          'cfg_if! {',
          '    if #[cfg(any(target_arch = "mips", target_arch = "mips64"))] {',
          '        pub const EAGAIN: c_int = 35;',
          '    } else {',
          '        pub const EAGAIN: c_int = 11;',
          '    }',
          '}',
          '#[cfg(target_arch = "mips")]',
          'pub const EINTR: c_int = 99;'
        ].join('\n')
      );
    const abi = parseLinuxAbi('1', memoryLibc({ [SHARED]: shared }));
    for (const arch of ['x86_64', 'aarch64'] as const) {
      expect([abi.values[arch].EAGAIN, abi.values[arch].EINTR]).toEqual([11, 4]);
    }
    // the mips branch alone defines nothing this target compiles
    const mipsOnly = shared.replace('pub const EAGAIN: c_int = 11;', '');
    expect(parseError(memoryLibc({ [SHARED]: mipsOnly })).message).toContain(
      'cannot find EAGAIN for x86_64'
    );
  });

  it('refuses an expression it cannot evaluate rather than guess', () => {
    const multiplied = memoryLibc({
      [X86]: memoryLibc().get(X86)!.replace('= 101;', '= 1 * 7;')
    });
    expect(parseError(multiplied).message).toContain('cannot evaluate SYS_futex = 1 * 7');
  });

  it('evaluates shifts, unary minus and crate:: paths with Rust precedence', () => {
    const files = memoryLibc({
      [LINUX]: [
        memoryLibc().get(LINUX),
        'pub const AT_FDCWD: c_int = -100;',
        'pub const O_BASE: c_int = 0o10000;',
        'pub const O_SYNC: c_int = 1 << 20 | crate::O_BASE;',
        'pub const SHIFTED_SUM: c_int = 1 << 2 + 1 | 0x100;',
        'pub const NEG_PAREN: c_long = -(4 + 1);',
        'pub(crate) const HIDDEN: c_int = 7;'
      ].join('\n')
    });
    const names = ['AT_FDCWD', 'O_SYNC', 'SHIFTED_SUM', 'NEG_PAREN', 'HIDDEN', 'NOT_THERE'];
    expect(Object.fromEntries(linuxConstants('1', files, 'aarch64', names))).toEqual({
      AT_FDCWD: -100,
      O_SYNC: 0x101000, // `|` binds loosest
      SHIFTED_SUM: 264, // `+` binds tighter than `<<`: 1 << 3, then | 0x100
      NEG_PAREN: -5,
      HIDDEN: 7
    });
  });

  it('prefers the arch file over shared files, as the compiled musl module does', () => {
    const shadowed = memoryLibc({
      [SHARED]: memoryLibc().get(SHARED) + '\npub const ETIMEDOUT: c_int = 60;'
    });
    expect(parseLinuxAbi('1', shadowed).values.x86_64.ETIMEDOUT).toBe(110);
  });

  it('searches the arch module before the generic ones, in both layouts', () => {
    expect(libcSearchPath('aarch64').slice(0, 2)).toEqual([
      ARM,
      'src/unix/linux_like/linux/musl/b64/aarch64.rs'
    ]);
  });

  it('draws on the src/new tree of newer libc releases, this arch first, other arches never', () => {
    const available = [
      'src/new/musl/arch/aarch64/mod.rs',
      'src/new/musl/arch/x86_64/mod.rs',
      'src/new/musl/arch/generic/mod.rs',
      'src/new/musl/sys/socket.rs',
      'src/new/linux_uapi/linux/fcntl.rs',
      'src/new/common/posix/unistd.rs',
      'src/new/qurt/errno.rs'
    ];
    const searched = libcSearchPath('aarch64', available);
    expect(searched[0]).toBe('src/new/musl/arch/aarch64/mod.rs');
    expect(searched).not.toContain('src/new/musl/arch/x86_64/mod.rs');
    expect(searched).not.toContain('src/new/qurt/errno.rs');
    const at = (file: string) => searched.indexOf(file);
    // the new musl files come before the old musl module, the shared uapi/posix ones after
    // every old linux_like file, and src/unix/mod.rs stays last
    expect(at('src/new/musl/sys/socket.rs')).toBeGreaterThan(at(ARM));
    expect(at('src/new/musl/arch/generic/mod.rs')).toBeLessThan(
      at('src/unix/linux_like/linux/musl/mod.rs')
    );
    expect(at('src/new/linux_uapi/linux/fcntl.rs')).toBeGreaterThan(at(SHARED));
    expect(at('src/new/common/posix/unistd.rs')).toBeGreaterThan(at(SHARED));
    expect(searched[searched.length - 1]).toBe('src/unix/mod.rs');
  });

  it('reads the package version, not a dependency version', () => {
    const toml = '[package]\nname = "libc"\nversion = "0.2.183"\n[dependencies.x]\nversion = "1"\n';
    expect(parseCrateVersion(toml)).toBe('0.2.183');
    expect(parseCrateVersion('[dependencies]\nversion = "1"\n')).toBeUndefined();
  });
});

describe('syscallShimSource', () => {
  let source: string;
  let abi: LinuxAbi;
  beforeAll(async () => {
    abi = await readLinuxAbi(FIXTURE_LIBC);
    source = syscallShimSource('x86_64', abi);
  });

  it('is generated for one arch from the parsed values', () => {
    expect(source).toContain(`long ${SHIM_SYSCALL_SYMBOL}(long number, ...) {`);
    expect(source).toContain(
      'The syscall shim for x86_64, from the Linux values of libc 0.2.999-distinct'
    );
  });

  it('defines every parsed value for its arch, and no number of the other arch', () => {
    for (const name of LINUX_NAMES) {
      expect(source).toContain(`#define LINUX_${name} ${abi.values.x86_64[name]}\n`);
    }
    expect(source).not.toMatch(/\b8098\b|\b8278\b|\b8178\b/);
    const arm = syscallShimSource('aarch64', abi);
    expect(arm).toContain('#define LINUX_SYS_futex 8098\n');
    expect(arm).not.toMatch(/\b7202\b/);
  });

  it('routes exactly the served syscall numbers; everything else gets Linux ENOSYS', () => {
    const cases = [...source.matchAll(/^\s*case (\w+):/gm)].map(match => match[1]);
    expect(cases).toEqual(ROUTED_SYSCALLS.map(name => `LINUX_${name}`));
    expect(source).toMatch(/default:[\s\S]*?return ape_fail\(LINUX_ENOSYS\);/);
    // no bare syscall number anywhere but in the defines: the routing cannot drift from them
    const defines = [...source.matchAll(/^#define LINUX_\w+ -?\d+\n/gm)];
    expect(defines).toHaveLength(LINUX_NAMES.length);
    const last = defines[defines.length - 1];
    const body = source.slice(last.index + last[0].length);
    expect(body).toContain('long __ape_action_syscall(long number, ...) {');
    expect(body).not.toMatch(/\b(7202|7326|7186|202|318|186)\b/);
  });

  it('decodes Linux futex ops and flags, and calls cosmo with its own macros', () => {
    expect(source).toContain(
      'int command = op & ~(LINUX_FUTEX_PRIVATE_FLAG | LINUX_FUTEX_CLOCK_REALTIME);'
    );
    expect(source).toContain(
      '(op & LINUX_FUTEX_PRIVATE_FLAG) ? PTHREAD_PROCESS_PRIVATE : PTHREAD_PROCESS_SHARED'
    );
    expect(source).toContain(
      '(op & LINUX_FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC'
    );
    expect(source).toContain('cosmo_futex_wait(word, expect, pshare, clock, deadline)');
    expect(source).toContain('cosmo_futex_wake(word, (int)val, ape_pshare(op))');
    expect(source).toContain('command == LINUX_FUTEX_WAIT || command == LINUX_FUTEX_WAIT_BITSET');
    // only the relative form is turned into a deadline
    expect(source).toMatch(/command == LINUX_FUTEX_WAIT &&\s+ape_deadline_after/);
  });

  it('leaves host errors in errno for the boundary core to translate on read', () => {
    // cosmo's -errno (host numbering) goes to errno as it is; errno reads translate it
    expect(source).toContain('return rc < 0 ? ape_fail_host(-rc) : rc;');
    expect(source).toContain('return got < 0 ? -1 : got;');
    // no errno table of its own: one translation, the core's, generated from both sides
    expect(source).not.toMatch(/host_errno ==|ape_linux_errno\(/);
    expect(source).not.toMatch(/^static long ape_fail(_host)?\(/m);
    expect(C_RUNTIME).toMatch(/^static long ape_fail\(int linux_errno\) \{/m);
    expect(C_RUNTIME).toMatch(/^static long ape_fail_host\(int host_errno\) \{/m);
    // its own refusals are already Linux numbers
    expect(source).toMatch(/return ape_fail\(LINUX_EINVAL\);/);
  });

  it('translates getrandom flag bits and refuses GRND_INSECURE like an old kernel', () => {
    expect(source).toContain('if (linux_flags & LINUX_GRND_NONBLOCK) flags |= GRND_NONBLOCK;');
    expect(source).toContain('if (linux_flags & LINUX_GRND_RANDOM) flags |= GRND_RANDOM;');
    expect(source).toMatch(
      /linux_flags & ~\(unsigned\)\(LINUX_GRND_NONBLOCK \| LINUX_GRND_RANDOM\)\) \{\s+return ape_fail\(LINUX_EINVAL\);/
    );
  });

  it('includes nothing itself: it follows the composed file’s cosmo headers', () => {
    expect(source).not.toMatch(/^#include/m);
    const includes = [...C_INCLUDES.matchAll(/^#include <([^>]+)>/gm)].map(match => match[1]);
    expect(includes).toContain('cosmo.h');
    expect(includes).toEqual(
      expect.arrayContaining(['errno.h', 'time.h', 'sys/random.h', 'pthread.h', 'stdarg.h'])
    );
  });
});

describe('link flags and cosmocc checks', () => {
  it('reaches cosmo’s XSI strerror_r through a shim, not a link-time binding', () => {
    // no --defsym any more: std's __xpg_strerror_r link name is rewritten to the shim's
    expect(Object.keys(syscallShim)).not.toContain('STRERROR_LINK_ARGS');
    expect(STD_LINK_NAME_REWRITES).toEqual({
      __errno_location: '__ape_shim___errno_location',
      __xpg_strerror_r: '__ape_shim_strerror_r'
    });
    // the shim calls cosmo's XSI strerror_r under its symbol, with the host's errno
    expect(C_RUNTIME).toContain(
      'int ape_xsi_strerror_r(int, char *, size_t) __asm__("strerror_r");'
    );
    expect(C_RUNTIME).toMatch(
      /int __ape_shim_strerror_r\(int linux_errno, char \*buffer, size_t size\) \{\n\s+int rc = ape_xsi_strerror_r\(ape_errno_to_host\(linux_errno\), buffer, size\);/
    );
  });

  it('finds the cosmo futex declarations, or names what is missing', () => {
    const real = 'int cosmo_futex_wake(_COSMO_ATOMIC(int) *, int, char);\nint cosmo_futex_wait(';
    expect(missingCosmoDeclarations(['', real])).toEqual([]);
    expect(missingCosmoDeclarations(['int cosmo_futex_wake(int *);'])).toEqual([
      'cosmo_futex_wait'
    ]);
    expect(missingCosmoDeclarations(['// cosmo_futex_wait_np is not it', ''])).toEqual([
      'cosmo_futex_wait',
      'cosmo_futex_wake'
    ]);
  });

  it('records the compile command in the file, so a new compiler means a new object', () => {
    const a = shimFileText('int x;', '/a/cc', ['-c', 'x.c']);
    expect(a).toContain('/* compiled with: /a/cc -c x.c */');
    expect(shimFileText('int x;', '/b/cc', ['-c', 'x.c'])).not.toBe(a);
    expect(shimFileText('int x;', '/odd*/dir/cc', [])).not.toContain('*/dir');
  });
});
