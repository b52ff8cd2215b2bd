/**
 * The generated cosmo libc, from the real libc source std 1.96 is built with (Debian's vendored
 * copy) and from a fixture of a "libc that moved things": what is rewritten and how, the syscall
 * and shim redirects, the compile-time proofs, and drift refused by name. Building with it is
 * test/integration/runtime-std-workspace.test.ts; the redirect rule on a fixture is
 * test/unit/runtime-boundary-libc-redirect.test.ts.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cosmoLayouts, type StructLayout } from '../../src/runtime/layouts.js';
import {
  CHECKS_FILE,
  crateIdentity,
  LIBC_ROOT_FILE,
  LibcDriftError,
  patchLibcSources,
  readLibcSources,
  redirectedFunctions,
  RUST_SYSCALL_LINK_NAME,
  VALUE_CHECKS_FILE,
  GENERATED_MTIME,
  writePatchedLibc,
  type LibcSources
} from '../../src/runtime/libc-crate.js';
import { evalCfg, parseFields } from '../../src/runtime/rust-items.js';
import { SHIM_SYSCALL_SYMBOL } from '../../src/runtime/syscall-shim.js';
import { stdLibcVersion } from '../../src/runtime/std-workspace.js';
import { KIT_HINT } from '../helpers/kit.mjs';

const DEBIAN_LIBRARY = '/usr/lib/rustlib/src/rust/library';
const MOVED_FIXTURE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/runtime/libc-moved'
);

const MUSL = 'src/unix/linux_like/linux/musl';
const B64 = `${MUSL}/b64/mod.rs`;
const X86 = `${MUSL}/b64/x86_64/mod.rs`;
const ARM = `${MUSL}/b64/aarch64/mod.rs`;
const MUSL_MOD = `${MUSL}/mod.rs`;
const LINUX_LIKE = 'src/unix/linux_like/mod.rs';
const LINUX = 'src/unix/linux_like/linux/mod.rs';
const BOTH =
  'all(target_os = "linux", target_env = "musl", any(target_arch = "x86_64", target_arch = "aarch64"))';

let libcDir: string;
let real: LibcSources;
let patched: Record<string, string>;

/** cosmo's twin of `item` in a patched file: from its `#[cfg(<cfg>)]` line to its `}` line. */
function twin(text: string, item: string, cfg = BOTH): string {
  for (const match of text.matchAll(/^ {4}#\[cfg\((.*)\)\]$/gm)) {
    const block = text.slice(match.index, text.indexOf('\n    }\n', match.index) + 6);
    if (match[1] === cfg && block.includes(`pub struct ${item} {`)) return block;
  }
  throw new Error(`no twin of ${item} under cfg(${cfg})`);
}

function withFile(sources: LibcSources, file: string, text: string): LibcSources {
  return { ...sources, files: { ...sources.files, [file]: text } };
}

/** A patched text without the redirect attributes the generator adds above declarations. */
function withoutRedirects(text: string): string {
  return text.replace(/^[ \t]*#\[cfg_attr\(.*, link_name = "__ape_\w+"\)\]\n/gm, '');
}

/** Where the moved fixture declares the shimmed functions: nowhere, so one file declares all. */
const DECLARATIONS = [
  'extern "C" {',
  ...[...redirectedFunctions().keys()].map(name => `    pub fn ${name}();`),
  '}',
  ''
].join('\n');

beforeAll(async () => {
  const lock = path.join(DEBIAN_LIBRARY, 'Cargo.lock');
  if (!existsSync(lock)) throw new Error(`no ${lock}: ${KIT_HINT}`);
  libcDir = path.join(
    DEBIAN_LIBRARY,
    'vendor',
    `libc-${stdLibcVersion(readFileSync(lock, 'utf8'), lock)}`
  );
  if (!existsSync(libcDir)) throw new Error(`no ${libcDir}: ${KIT_HINT}`);
  real = await readLibcSources(libcDir);
  patched = patchLibcSources(real);
});

describe("rewriting std's own libc", () => {
  it('reads the crate root and the Linux family, and changes only what it rewrites', () => {
    expect(real.files[LIBC_ROOT_FILE]).toContain('#![crate_name = "libc"]');
    // the struct rewrites and the layout proofs
    const rewritten = [
      B64,
      X86,
      ARM,
      MUSL_MOD,
      LINUX_LIKE,
      LIBC_ROOT_FILE,
      CHECKS_FILE,
      VALUE_CHECKS_FILE
    ];
    expect(Object.keys(patched)).toEqual(expect.arrayContaining([...rewritten, LINUX]));
    // every other file only gains redirect attributes above function declarations
    const redirectedOnly = Object.keys(patched).filter(file => !rewritten.includes(file));
    expect(redirectedOnly).toEqual(
      expect.arrayContaining([LINUX, 'src/unix/mod.rs', 'src/unix/linux_like/linux_l4re_shared.rs'])
    );
    for (const file of redirectedOnly) {
      expect([file, patched[file] !== real.files[file]]).toEqual([file, true]);
      expect([file, withoutRedirects(patched[file])]).toEqual([file, real.files[file]]);
    }
  });

  it('keeps every original definition, gated off for cosmo only', () => {
    const gatedOff = (file: string) => patched[file].split(`#[cfg(not(${BOTH}))]`).length - 1;
    expect(gatedOff(B64)).toBe(3); // pthread_attr_t, sigset_t, sem_t
    expect(gatedOff(MUSL_MOD)).toBe(3); // sigaction, statfs, statfs64
    expect(gatedOff(LINUX_LIKE)).toBe(1); // utsname
    expect(patched[ARM]).toContain(
      '#[cfg(not(all(target_os = "linux", target_env = "musl", target_arch = "aarch64")))]\n    pub struct stat {\n        pub st_dev: crate::dev_t,\n        pub st_ino: crate::ino_t,\n        pub st_mode'
    );
  });

  it("lays aarch64's stat out as cosmo's: x86_64 order, padding after the narrower musl types", () => {
    const cfg = 'all(target_os = "linux", target_env = "musl", target_arch = "aarch64")';
    const body = twin(patched[ARM], 'stat', cfg);
    expect(body.split('\n').slice(2).join('\n')).toBe(
      [
        '    pub struct stat {',
        '        pub st_dev: crate::dev_t,',
        '        pub st_ino: crate::ino_t,',
        '        pub st_nlink: crate::nlink_t,',
        '        __ape_pad_20: [u8; 4],',
        '        pub st_mode: crate::mode_t,',
        '        pub st_uid: crate::uid_t,',
        '        pub st_gid: crate::gid_t,',
        '        __ape_pad_36: [u8; 4],',
        '        pub st_rdev: crate::dev_t,',
        '        pub st_size: off_t,',
        '        pub st_blksize: crate::blksize_t,',
        '        __ape_pad_60: [u8; 4],',
        '        pub st_blocks: crate::blkcnt_t,',
        '        pub st_atime: crate::time_t,',
        '        pub st_atime_nsec: c_long,',
        '        pub st_mtime: crate::time_t,',
        '        pub st_mtime_nsec: c_long,',
        '        pub st_ctime: crate::time_t,',
        '        pub st_ctime_nsec: c_long,',
        '        __ape_pad_120: [u8; 24],',
        '    }'
      ].join('\n')
    );
    // x86_64 musl already has cosmo's layout: the twin only renames the padding
    const x86 = twin(patched[X86], 'stat', cfg.replace('aarch64', 'x86_64'));
    expect(x86).toContain('pub st_nlink: crate::nlink_t,\n        pub st_mode: crate::mode_t,');
    expect(x86).toContain('pub st_blksize: crate::blksize_t,\n        pub st_blocks');
  });

  it("puts sigaction's mask last, as cosmo does, padding std's c_int flags to cosmo's u64", () => {
    const body = twin(patched[MUSL_MOD], 'sigaction');
    expect(body).toContain('    #[allow(unpredictable_function_pointer_comparisons)]\n');
    expect(body).toContain(
      [
        '    pub struct sigaction {',
        '        pub sa_sigaction: crate::sighandler_t,',
        '        pub sa_flags: c_int,',
        '        __ape_pad_12: [u8; 4],',
        '        pub sa_restorer: Option<extern "C" fn()>,',
        '        pub sa_mask: crate::sigset_t,',
        '    }'
      ].join('\n')
    );
  });

  it('sizes the opaque types like cosmo, aligned like cosmo', () => {
    expect(twin(patched[B64], 'pthread_attr_t')).toContain('__size: [u64; 8],');
    expect(twin(patched[B64], 'sigset_t')).toContain('__val: [c_ulong; 1],');
    // musl's int array would be 4-aligned; cosmo's sem_t holds pointers
    expect(twin(patched[B64], 'sem_t')).toContain('__val: [u64; 32],');
  });

  it("gives utsname cosmo's 150-byte strings and statfs cosmo's 24-byte tail", () => {
    const utsname = twin(patched[LINUX_LIKE], 'utsname');
    expect(utsname.match(/: \[c_char; 150\],/g)).toHaveLength(6);
    for (const item of ['statfs', 'statfs64']) {
      const body = twin(
        patched[MUSL_MOD].slice(patched[MUSL_MOD].indexOf(`pub struct ${item} {`)),
        item
      );
      expect(body).toContain('pub f_spare: [c_ulong; 4],\n        __ape_pad_120: [u8; 24],');
    }
  });

  it("redirects Rust's syscall to the shim's symbol on cosmo targets only", () => {
    expect(RUST_SYSCALL_LINK_NAME).toBe(SHIM_SYSCALL_SYMBOL);
    expect(patched[LINUX]).toContain(
      `    #[cfg_attr(${BOTH}, link_name = "__ape_action_syscall")]\n    pub fn syscall(num: c_long, ...) -> c_long;`
    );
    expect(patched[LINUX].match(/link_name = "__ape_action_syscall"/g)).toHaveLength(1);
  });

  it('proves every layout at compile time, per arch, with messages naming the numbers', () => {
    const checks = patched[CHECKS_FILE];
    const perArch = (layout: StructLayout) => 2 + layout.fields.length;
    const expected =
      cosmoLayouts('x86_64').reduce((n, layout) => n + perArch(layout), 0) * 2 +
      perArch(cosmoLayouts('x86_64').find(l => l.rust === 'statfs') as StructLayout) * 2;
    expect(checks.match(/const _: \(\) = ::core::assert!/g)).toHaveLength(expected);
    expect(checks).toContain(
      '#[cfg(all(target_os = "linux", target_env = "musl", target_arch = "aarch64"))]\n' +
        'const _: () = ::core::assert!(::core::mem::offset_of!(crate::stat, st_mode) == 24, ' +
        '"ape-action: libc::stat.st_mode on aarch64 must be at offset 24 ' +
        '(cosmo 4.0.2\'s struct stat, libc/calls/struct/stat.h)");'
    );
    expect(checks).toContain('::core::mem::size_of::<crate::pthread_attr_t>() == 64');
    expect(checks).toContain('::core::mem::size_of::<crate::statfs64>() == 144');
    expect(patched[LIBC_ROOT_FILE]).toContain(`\n#[cfg(${BOTH})]\nmod ape_action_layout_checks;\n`);
    expect(
      patched[LIBC_ROOT_FILE].endsWith(`\n#[cfg(${BOTH})]\nmod ape_action_value_checks;\n`)
    ).toBe(true);
  });

  it('adds an extra cfg to every gate when asked (a musl host then keeps musl layouts)', () => {
    const gated = patchLibcSources(real, { extraCfg: 'target_vendor = "cosmo"' });
    const armOnly = 'target_os = "linux", target_env = "musl", target_arch = "aarch64"';
    expect(gated[ARM]).toContain(`#[cfg(not(all(${armOnly}, target_vendor = "cosmo")))]\n`);
    expect(gated[ARM]).toContain(`#[cfg(all(${armOnly}, target_vendor = "cosmo"))]\n`);
    expect(gated[LINUX]).toContain('target_vendor = "cosmo"), link_name');
    const cfgs = gated[CHECKS_FILE].match(/#\[cfg\(.*\)\]/g) ?? [];
    expect(cfgs.length).toBeGreaterThan(100);
    expect(cfgs.filter(cfg => !cfg.endsWith(', target_vendor = "cosmo"))]'))).toEqual([]);
  });
});

describe('drift is refused by name', () => {
  it('names the version, the file and the item when a definition moved (fixture)', async () => {
    const read = await readLibcSources(MOVED_FIXTURE);
    // the fixture predates the shims: give it their declarations, so only the move is wrong
    const moved = withFile(read, 'src/unix/mod.rs', DECLARATIONS);
    expect(() => patchLibcSources(moved)).toThrow(LibcDriftError);
    expect(() => patchLibcSources(moved)).toThrow(
      `cannot generate the cosmo libc from libc 0.2.999: ${ARM}: stat: \`pub struct stat\` not ` +
        `found (defined in ${MUSL}/b64/aarch64/stat.rs instead)`
    );
    // the same fixture with stat back in place generates: only the move was the problem
    const statText = moved.files[`${MUSL}/b64/aarch64/stat.rs`];
    const fixed = withFile(moved, ARM, `${moved.files[ARM]}\n${statText}`);
    expect(patchLibcSources(fixed)[CHECKS_FILE]).toContain('crate::stat');
  });

  const reshaped: [string, string, (text: string) => string, string][] = [
    ['a renamed field', MUSL_MOD, t => t.replace('pub sa_flags: c_int', 'pub sa_flag: c_int'), 'sigaction: public field(s) sa_flag not in cosmo\'s layout table'],
    ['an opaque type with a public field', B64, t => t.replace('__size: [u64; 7]', 'pub size: [u64; 7]'), 'pthread_attr_t: expected one private array field, found: pub size'],
    ['a type of unknown width', MUSL_MOD, t => t.replace('pub f_type: c_ulong', 'pub f_type: crate::__fsword_t'), 'statfs: field f_type has a type of unknown size: crate::__fsword_t'],
    ['a field under an undecided cfg', LINUX_LIKE, t => t.replace('pub machine:', '#[cfg(feature = "x")]\n        pub machine:'), 'utsname: field machine depends on a cfg the target does not decide'],
    ['a duplicated definition', B64, t => `${t}\ns! { pub struct sem_t { __val: [c_int; 8] } }\n`, 'sem_t: defined 2 times']
  ]; // prettier-ignore

  it.each(reshaped)('refuses %s', (_what, file, edit, message) => {
    const sources = withFile(real, file, edit(real.files[file]));
    expect(() => patchLibcSources(sources)).toThrow(`libc ${real.version}: `);
    expect(() => patchLibcSources(sources)).toThrow(message);
  });

  it('refuses a libc that declares syscall nowhere, naming where it searched', () => {
    const files = Object.fromEntries(
      Object.entries(real.files).map(([file, text]) => [
        file,
        text.replace(/pub fn syscall\(/g, 'pub fn not_syscall(')
      ])
    );
    expect(() => patchLibcSources({ ...real, files })).toThrow(LibcDriftError);
    expect(() => patchLibcSources({ ...real, files })).toThrow(
      `libc ${real.version}: src/unix/linux_like, src/unix/mod.rs, src/new: syscall: ` +
        '`pub fn syscall(` not found'
    );
  });

  it('refuses a libc without one of the files it rewrites', () => {
    const files = { ...real.files };
    delete files[X86];
    expect(() => patchLibcSources({ ...real, files })).toThrow(
      `libc ${real.version}: ${X86}: stat: the file does not exist`
    );
  });
});

describe('the generated crate on disk', () => {
  it('keeps name and version, drops the registry checksums, and re-runs write nothing', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'ape-libc-'));
    try {
      const first = await writePatchedLibc(libcDir, out);
      expect(path.basename(first.dir)).toMatch(new RegExp(`^libc-${real.version}-[0-9a-f]{12}$`));
      const manifest = readFileSync(path.join(first.dir, 'Cargo.toml'), 'utf8');
      expect(crateIdentity(manifest)).toEqual({ name: 'libc', version: real.version });
      expect(existsSync(path.join(first.dir, '.cargo-checksum.json'))).toBe(false);
      expect(readFileSync(path.join(first.dir, ARM), 'utf8')).toBe(patched[ARM]);
      const mtimes = () =>
        readdirSync(first.dir, { recursive: true })
          .map(rel => `${rel} ${statSync(path.join(first.dir, String(rel))).mtimeMs}`)
          .sort();
      const before = mtimes();
      // every file carries the fixed time, so a regenerated copy (a new job's empty RUNNER_TEMP)
      // is never newer than the outputs of a restored build cache
      const files = readdirSync(first.dir, { recursive: true, withFileTypes: true });
      const times = files
        .filter(f => f.isFile())
        .map(f => statSync(path.join(f.parentPath, f.name)).mtimeMs);
      expect(times.length).toBeGreaterThan(100);
      expect(new Set(times)).toEqual(new Set([GENERATED_MTIME.getTime()]));
      const again = await writePatchedLibc(libcDir, out);
      expect(again).toEqual(first);
      expect(mtimes()).toEqual(before);
      // other content, other directory: cargo then sees another package and rebuilds std
      const other = await writePatchedLibc(libcDir, out, { extraCfg: 'target_vendor = "cosmo"' });
      expect(other.dir).not.toBe(first.dir);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses a directory that is not the libc crate', async () => {
    await expect(readLibcSources(path.join(MOVED_FIXTURE, 'src'))).rejects.toThrow(
      'no libc crate at'
    );
  });
});

describe('reading Rust items', () => {
  it('evaluates cfgs three-valued: an unknown name decides nothing unless the rest does', () => {
    const env = { target_arch: 'aarch64', target_pointer_width: '64', unix: true } as const;
    expect(evalCfg('all(musl32_time64, target_pointer_width = "32")', env)).toBe(false);
    expect(evalCfg('not(all(musl32_time64, target_pointer_width = "32"))', env)).toBe(true);
    expect(evalCfg('any(musl_v1_2_3, target_arch = "aarch64")', env)).toBe(true);
    expect(evalCfg('any(musl_v1_2_3, target_arch = "x86_64")', env)).toBeUndefined();
    expect(evalCfg('unix', env)).toBe(true);
  });

  it('splits fields with multi-line attributes, function pointers and arrays', () => {
    const fields = parseFields(`
        // a comment, with a comma
        #[deprecated(
            since = "0.2.54",
            note = "a, (tricky) note"
        )]
        pub _pad: [c_int; 29],
        handler: Option<unsafe extern "C" fn(c_int) -> c_int>,
        pub(crate) last: crate::sigset_t
    `);
    expect(fields.map(f => [f.isPub, f.name, f.type])).toEqual([
      [true, '_pad', '[c_int; 29]'],
      [false, 'handler', 'Option<unsafe extern "C" fn(c_int) -> c_int>'],
      [true, 'last', 'crate::sigset_t']
    ]);
    expect(fields[0].attrs[0]).toMatch(/^#\[deprecated\([\s\S]*\)\]$/);
  });
});
