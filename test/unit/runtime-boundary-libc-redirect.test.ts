/**
 * The generated libc's redirect of every shimmed function: each `pub fn NAME(` declaration gets
 * one cfg_attr pointing Rust's calls at `__ape_shim_NAME` on cosmo targets only, wherever libc
 * declares it. The fixture (test/fixtures/boundary/libc-decls) spreads the declarations over
 * src/unix/mod.rs, the linux_like tree and the newer src/new tree, with look-alikes the rule must
 * leave alone; it is merged over the reduced libc of test/fixtures/runtime/libc-moved (with its
 * stat put back) for the struct rewrites. A function added to the shims needs a declaration there.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHIM_PREFIX, SHIMMED_FUNCTIONS } from '../../src/runtime/boundary/c-shims.js';
import {
  LibcDriftError,
  patchLibcSources,
  readLibcSources,
  redirectedFunctions,
  RUST_SYSCALL_LINK_NAME,
  type LibcSources
} from '../../src/runtime/libc-crate.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const DECLS = path.join(FIXTURES, 'boundary/libc-decls');
const MOVED = path.join(FIXTURES, 'runtime/libc-moved');
const ARM = 'src/unix/linux_like/linux/musl/b64/aarch64/mod.rs';
const COSMO =
  'all(target_os = "linux", target_env = "musl", any(target_arch = "x86_64", target_arch = "aarch64"))';

let sources: LibcSources;
let patched: Record<string, string>;

/** The fixture's files, relative to its root. */
function fixtureFiles(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(root, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
  }
  return files;
}

/** Every `pub fn NAME(` line of `text` with the line above it. */
function declarations(text: string, name: string): { above: string; line: string }[] {
  const lines = text.split('\n');
  return lines.flatMap((line, i) =>
    new RegExp(`^\\s*pub fn ${name}\\(`).test(line) ? [{ above: lines[i - 1] ?? '', line }] : []
  );
}

function attribute(symbol: string): string {
  return `#[cfg_attr(${COSMO}, link_name = "${symbol}")]`;
}

beforeAll(async () => {
  const moved = await readLibcSources(MOVED);
  const stat = moved.files['src/unix/linux_like/linux/musl/b64/aarch64/stat.rs'];
  sources = {
    ...moved,
    files: { ...moved.files, [ARM]: `${moved.files[ARM]}\n${stat}`, ...fixtureFiles(DECLS) }
  };
  patched = patchLibcSources(sources);
});

describe('redirectedFunctions', () => {
  it('is syscall plus every shimmed function, each to its shim symbol', () => {
    const functions = redirectedFunctions();
    expect(functions.get('syscall')).toBe(RUST_SYSCALL_LINK_NAME);
    const shimmed = Object.values(SHIMMED_FUNCTIONS).flat();
    expect(functions.size).toBe(shimmed.length + 1);
    for (const name of shimmed) expect(functions.get(name)).toBe(`${SHIM_PREFIX}${name}`);
  });
});

describe('the redirect of a fixture libc', () => {
  it('gives every declaration of every redirected function exactly one attribute', () => {
    for (const [name, symbol] of redirectedFunctions()) {
      const originals = Object.values(sources.files).flatMap(t => declarations(t, name));
      const redirected = Object.values(patched).flatMap(t => declarations(t, name));
      expect([name, redirected.length]).toEqual([name, originals.length]);
      expect(originals.length).toBeGreaterThan(0);
      for (const { above } of redirected)
        expect([name, above.trim()]).toEqual([name, attribute(symbol)]);
      const all = Object.values(patched).join('\n').split(`link_name = "${symbol}"`).length - 1;
      expect([name, all]).toEqual([name, originals.length]);
    }
  });

  it('redirects in src/unix/mod.rs, the linux_like tree and src/new, keeping their indent', () => {
    expect(patched['src/unix/mod.rs']).toContain(
      `    ${attribute('__ape_shim_send')}\n    pub fn send(socket: c_int,`
    );
    expect(patched['src/new/common/posix/pthread.rs']).toContain(
      `    ${attribute('__ape_shim_pthread_kill')}\n    pub fn pthread_kill(`
    );
    expect(patched['src/unix/linux_like/linux_l4re_shared.rs']).toContain(
      `    ${attribute('__ape_shim___errno_location')}\n    pub fn __errno_location()`
    );
    // both declarations of open, one in a musl-only module of the src/new tree
    expect(patched['src/new/musl/sys/socket.rs']).toContain(
      `    ${attribute('__ape_shim_open')}\n    pub fn open(path`
    );
    // an attribute already there stays, the redirect goes right above the declaration
    expect(patched['src/unix/mod.rs']).toContain(
      `        link_name = "open$UNIX2003"\n    )]\n    ${attribute('__ape_shim_open')}\n    pub fn open(`
    );
    expect(patched['src/unix/linux_like/linux_l4re_shared.rs']).toContain(
      `        link_name = "__xpg_strerror_r"\n    )]\n    ${attribute('__ape_shim_strerror_r')}\n    pub fn strerror_r(`
    );
  });

  it('leaves look-alikes alone: sendto is not send’s, nor open64 open’s', () => {
    expect(declarations(patched['src/unix/mod.rs'], 'sendto')[0].above.trim()).toBe(
      attribute('__ape_shim_sendto')
    );
    const text = Object.values(patched).join('\n');
    expect(text.split('link_name = "__ape_shim_send"').length - 1).toBe(1);
    for (const name of ['open64', 'signalfd', 'killpg']) {
      const [declaration] = declarations(
        patched['src/unix/linux_like/linux_l4re_shared.rs'] + patched['src/unix/mod.rs'],
        name
      );
      expect([name, declaration.above]).toEqual([name, expect.not.stringContaining('link_name')]);
    }
    // a private fn and a commented-out declaration are not declarations
    expect(patched['src/unix/linux_like/linux_l4re_shared.rs']).toContain(
      'mod private {\n    fn open(path: *const c_char) -> c_int {'
    );
    expect(patched['src/unix/mod.rs']).toContain(
      '    pub fn kill(pid: pid_t, sig: c_int) -> c_int;\n    // pub fn kill('
    );
  });

  it('changes nothing but the added attribute lines', () => {
    for (const file of Object.keys(fixtureFiles(DECLS))) {
      const stripped = patched[file].replace(
        /^[ \t]*#\[cfg_attr\(.*, link_name = "__ape_\w+"\)\]\n/gm,
        ''
      );
      expect([file, stripped]).toEqual([file, sources.files[file]]);
    }
  });

  it('refuses a function declared nowhere, naming it and every other missing one', () => {
    const files = { ...sources.files };
    files['src/unix/mod.rs'] = files['src/unix/mod.rs']
      .replace('pub fn flock(', 'pub fn flock_gone(')
      .replace('pub fn waitpid(', 'pub fn waitpid_gone(');
    const attempt = () => patchLibcSources({ ...sources, files });
    expect(attempt).toThrow(LibcDriftError);
    expect(attempt).toThrow(
      'libc 0.2.999: src/unix/linux_like, src/unix/mod.rs, src/new: flock, waitpid: `pub fn flock(` not found'
    );
  });
});
