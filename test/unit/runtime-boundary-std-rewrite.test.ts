/**
 * std declares `__errno_location` and `__xpg_strerror_r` itself, not through the libc crate, so
 * the copy of std's workspace rewrites those two link names to the shims' symbols: the pure
 * rewrite, reading the files that hold them, and the overlay of real directories (on the way to
 * a rewritten file) and symlinks (everywhere else) on a small fake `library/`. The real rust-src
 * is test/integration/runtime-std-workspace.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActionError } from '../../src/errors.js';
import {
  readStdLinkNameFiles,
  rewriteStdLinkNames,
  STD_LINK_NAME_REWRITES,
  writeStdWorkspace
} from '../../src/runtime/std-workspace.js';

const ERROR_RS = 'std/src/sys/io/error/unix.rs';
const OTHER_RS = 'std/src/sys/pal/unix/os.rs';

/** Like std 1.96's io/error/unix.rs: both attributes, and the names elsewhere in the text. */
const ERROR_TEXT = `unsafe extern "C" {
    #[cfg_attr(
        any(target_os = "linux", target_os = "emscripten"),
        link_name = "__errno_location"
    )]
    #[cfg_attr(target_os = "netbsd", link_name = "__errno")]
    fn errno_location() -> *mut c_int;
}
// std calls __errno_location and __xpg_strerror_r on Linux
fn error_string(errno: i32) -> String {
    unsafe extern "C" {
        #[cfg_attr(target_os = "linux", link_name = "__xpg_strerror_r")]
        fn strerror_r(errnum: c_int, buf: *mut c_char, buflen: libc::size_t) -> c_int;
    }
    String::new()
}
`;

describe('rewriteStdLinkNames', () => {
  it('points the two attributes at the shims and changes nothing else', () => {
    const rewritten = rewriteStdLinkNames(new Map([[ERROR_RS, ERROR_TEXT]]));
    expect([...rewritten.keys()]).toEqual([ERROR_RS]);
    const text = rewritten.get(ERROR_RS) as string;
    expect(text).toContain('        link_name = "__ape_shim___errno_location"\n');
    expect(text).toContain('#[cfg_attr(target_os = "linux", link_name = "__ape_shim_strerror_r")]');
    expect(text).toBe(
      ERROR_TEXT.replace(
        '"__errno_location"',
        `"${STD_LINK_NAME_REWRITES.__errno_location}"`
      ).replace('"__xpg_strerror_r"', `"${STD_LINK_NAME_REWRITES.__xpg_strerror_r}"`)
    );
    // the comment still names the real symbols, and other link names stay
    expect(text).toContain('// std calls __errno_location and __xpg_strerror_r on Linux');
    expect(text).toContain('link_name = "__errno")]');
  });

  it('rewrites every file that holds an attribute, and returns only those', () => {
    const [errnoPart, strerrorPart] = ERROR_TEXT.split('// std calls');
    const rewritten = rewriteStdLinkNames(
      new Map([
        [ERROR_RS, errnoPart],
        [OTHER_RS, strerrorPart],
        ['std/src/sys/mentions.rs', '// "__errno_location" in a comment is no attribute\n']
      ])
    );
    expect([...rewritten.keys()].sort()).toEqual([ERROR_RS, OTHER_RS]);
    expect(rewritten.get(ERROR_RS)).toContain('link_name = "__ape_shim___errno_location"');
    expect(rewritten.get(OTHER_RS)).toContain('link_name = "__ape_shim_strerror_r"');
  });

  it('refuses a std without either symbol, naming it', () => {
    const noErrno = ERROR_TEXT.replace('link_name = "__errno_location"', 'link_name = "__errno"');
    expect(() => rewriteStdLinkNames(new Map([[ERROR_RS, noErrno]]))).toThrow(ActionError);
    expect(() => rewriteStdLinkNames(new Map([[ERROR_RS, noErrno]]))).toThrow(
      `std's sources declare no link_name = "__errno_location" (searched std/src/sys)`
    );
    const noStrerror = ERROR_TEXT.replace('"__xpg_strerror_r"', '"strerror_r"');
    expect(() => rewriteStdLinkNames(new Map([[ERROR_RS, noStrerror]]))).toThrow(
      `std's sources declare no link_name = "__xpg_strerror_r" (searched std/src/sys)`
    );
    expect(() => rewriteStdLinkNames(new Map())).toThrow('__errno_location');
  });
});

describe('the overlay in the copy of std’s workspace', () => {
  let root: string;
  let library: string;

  /** Every entry under `dir` (links not followed) with its kind and mtime. */
  function snapshot(dir: string): string[] {
    return readdirSync(dir, { recursive: true })
      .map(String)
      .map(rel => {
        const stat = lstatSync(path.join(dir, rel));
        return `${rel} ${stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'dir' : 'file'} ${stat.mtimeMs}`;
      })
      .sort();
  }

  function write(rel: string, text: string): void {
    mkdirSync(path.dirname(path.join(library, rel)), { recursive: true });
    writeFileSync(path.join(library, rel), text);
  }

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ape-std-overlay-'));
    library = path.join(root, 'library');
    write('Cargo.toml', '[workspace]\nmembers = ["std"]\n');
    write('Cargo.lock', 'version = 4\n');
    write('core/src/lib.rs', '// core\n');
    write('std/Cargo.toml', '[package]\nname = "std"\n');
    write('std/src/lib.rs', '// std\n');
    write('std/src/sys/mod.rs', '// sys\n');
    write(ERROR_RS, ERROR_TEXT);
    write('std/src/sys/io/mod.rs', '// io\n');
    write('std/src/sys/pal/unix/os.rs', '// os: no "__errno_location" attribute here\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads the std/src/sys files that name a symbol', async () => {
    const files = await readStdLinkNameFiles(library);
    // os.rs names the symbol in a comment: read, then left alone by the rewrite
    expect([...files.keys()].sort()).toEqual([ERROR_RS, OTHER_RS]);
    expect([...rewriteStdLinkNames(files).keys()]).toEqual([ERROR_RS]);
  });

  it('makes real dirs on the way to a rewritten file and symlinks elsewhere; a re-run writes nothing', async () => {
    const overlay = rewriteStdLinkNames(await readStdLinkNameFiles(library));
    const copy = path.join(root, 'copy', 'library');
    const libc = path.join(root, 'libc-generated');
    expect(await writeStdWorkspace(library, copy, libc, overlay)).toBe(copy);

    const kind = (rel: string) => {
      const stat = lstatSync(path.join(copy, rel));
      return stat.isSymbolicLink()
        ? `link ${readlinkSync(path.join(copy, rel))}`
        : stat.isDirectory()
          ? 'dir'
          : 'file';
    };
    for (const dir of ['std', 'std/src', 'std/src/sys', 'std/src/sys/io', 'std/src/sys/io/error']) {
      expect([dir, kind(dir)]).toEqual([dir, 'dir']);
    }
    for (const rel of [
      'core',
      'std/Cargo.toml',
      'std/src/lib.rs',
      'std/src/sys/mod.rs',
      'std/src/sys/pal',
      'std/src/sys/io/mod.rs'
    ]) {
      expect([rel, kind(rel)]).toEqual([rel, `link ${path.join(library, rel)}`]);
    }
    expect(kind(ERROR_RS)).toBe('file');
    expect(readFileSync(path.join(copy, ERROR_RS), 'utf8')).toBe(overlay.get(ERROR_RS));
    expect(kind('Cargo.toml')).toBe('file');
    expect(readFileSync(path.join(copy, 'Cargo.toml'), 'utf8')).toContain(
      `libc = { path = ${JSON.stringify(libc)} }`
    );
    // the toolchain's own file is untouched
    expect(readFileSync(path.join(library, ERROR_RS), 'utf8')).toBe(ERROR_TEXT);

    const before = snapshot(copy);
    await new Promise(resolve => setTimeout(resolve, 20));
    await writeStdWorkspace(library, copy, libc, overlay);
    expect(snapshot(copy)).toEqual(before);
  });

  it('turns a symlinked dir of an earlier copy into a real one without writing through it', async () => {
    const copy = path.join(root, 'reused', 'library');
    const libc = path.join(root, 'libc-generated');
    await writeStdWorkspace(library, copy, libc);
    expect(lstatSync(path.join(copy, 'std')).isSymbolicLink()).toBe(true);
    const first = new Map([[ERROR_RS, '// rewritten\n']]);
    await writeStdWorkspace(library, copy, libc, first);
    expect(lstatSync(path.join(copy, 'std')).isDirectory()).toBe(true);
    expect(readFileSync(path.join(copy, ERROR_RS), 'utf8')).toBe('// rewritten\n');
    // a file that was a symlink in this copy is replaced, never written through
    const more = new Map([...first, ['std/src/sys/io/mod.rs', '// io, rewritten\n']]);
    await writeStdWorkspace(library, copy, libc, more);
    expect(lstatSync(path.join(copy, 'std/src/sys/io/mod.rs')).isSymbolicLink()).toBe(false);
    expect(readFileSync(path.join(copy, 'std/src/sys/io/mod.rs'), 'utf8')).toBe(
      '// io, rewritten\n'
    );
    expect(readFileSync(path.join(library, 'std/src/sys/io/mod.rs'), 'utf8')).toBe('// io\n');
    expect(readFileSync(path.join(library, ERROR_RS), 'utf8')).toBe(ERROR_TEXT);
  });
});
