/**
 * resolveRustToolchain against real compilers (the offline kit's Debian rustc, rustup's stable
 * without rust-src) and, for the rustup path that cannot download here, against a stand-in
 * `rustup` script that behaves like rustup's CLI and records how it was called.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { KIT_HINT } from '../helpers/kit.mjs';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ActionError } from '../../src/errors.js';
import { MemoryHost, testRunnerEnv } from '../helpers/memory-host.js';

/** The context resolving needs, with this process's environment (tests set PATH in it). */
const toolchainContext = (log: MemoryHost) => ({ log, env: testRunnerEnv() });
import { shellQuote } from '../../src/rust/linker-wrapper.js';
import { resolveRustToolchain, rustupInstallArgs } from '../../src/rust/toolchain.js';
import { RUSTUP_NIGHTLY } from '../fixtures/rustc-verbose.js';

let savedPath: string | undefined;
let savedAutoInstall: string | undefined;
let tmp: string;

beforeAll(async () => {
  // A space in every path: nothing may split on it.
  tmp = await mkdtemp(path.join(os.tmpdir(), 'ape action toolchain-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  savedPath = process.env.PATH;
  savedAutoInstall = process.env.RUSTUP_AUTO_INSTALL;
  // Unset, so the stand-in rustup sees only what the code under test sets.
  delete process.env.RUSTUP_AUTO_INSTALL;
});
afterEach(() => {
  process.env.PATH = savedPath;
  if (savedAutoInstall === undefined) delete process.env.RUSTUP_AUTO_INSTALL;
  else process.env.RUSTUP_AUTO_INSTALL = savedAutoInstall;
});

async function writeScript(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  await chmod(file, 0o755);
}

async function resolveError(request: Parameters<typeof resolveRustToolchain>[0]): Promise<Error> {
  const result = await resolveRustToolchain(request, toolchainContext(new MemoryHost())).then(
    () => undefined,
    (err: unknown) => err
  );
  expect(result).toBeInstanceOf(ActionError);
  return result as Error;
}

describe('preinstalled, real compilers', () => {
  it(`resolves Debian's rustc with its std sources when PATH starts at /usr/bin (${KIT_HINT})`, async () => {
    if (!existsSync('/usr/bin/rustc') || !existsSync('/usr/bin/cargo')) {
      throw new Error(`/usr/bin/rustc or /usr/bin/cargo is missing: ${KIT_HINT}`);
    }
    process.env.PATH = '/usr/bin:/bin';
    const host = new MemoryHost();
    const toolchain = await resolveRustToolchain({ kind: 'preinstalled' }, toolchainContext(host));
    expect(toolchain).toMatchObject({
      rustc: '/usr/bin/rustc',
      cargo: '/usr/bin/cargo',
      release: expect.stringMatching(/^1\.\d+\.\d+$/),
      isNightly: false,
      sysroot: '/usr',
      rustSrc: '/usr/lib/rustlib/src/rust',
      source: 'preinstalled',
      env: { RUSTC: '/usr/bin/rustc', RUSTC_BOOTSTRAP: '1' }
    });
    expect(toolchain.versionLine).toMatch(/^rustc 1\.\d+/);
    expect(toolchain.hostTriple).toMatch(/-linux-gnu$/);
    expect(existsSync(path.join(toolchain.rustSrc, 'library', 'std', 'src', 'lib.rs'))).toBe(true);
    expect(host.lines.join('\n')).toContain(toolchain.versionLine);
  });

  it("checks rustup's ~/.cargo/bin rustc for rust-src when it comes first on PATH", async () => {
    const cargoBin = path.join(os.homedir(), '.cargo', 'bin');
    const rustc = path.join(cargoBin, 'rustc');
    if (!existsSync(rustc))
      throw new Error(`${rustc} is missing: install rustup (https://rustup.rs)`);
    const sysroot = execFileSync(rustc, ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
    const hasRustSrc = existsSync(path.join(sysroot, 'lib/rustlib/src/rust/library/std'));
    process.env.PATH = `${cargoBin}:/usr/bin:/bin`;
    if (hasRustSrc) {
      // Not the case on the machine this was written on; on a runner whose stable has rust-src
      // the same call must succeed and pin the proxies to that toolchain.
      const toolchain = await resolveRustToolchain(
        { kind: 'preinstalled' },
        toolchainContext(new MemoryHost())
      );
      expect(toolchain.env.RUSTUP_TOOLCHAIN).toBe(path.basename(sysroot));
      return;
    }
    const error = await resolveError({ kind: 'preinstalled' });
    expect(error.message).toContain(rustc);
    expect(error.message).toMatch(/rustc 1\.\d+\.\d+/);
    expect(error.message).toContain(path.join(sysroot, 'lib/rustlib/src/rust/library/std'));
    expect(error.message).toContain(
      `rustup component add rust-src --toolchain ${path.basename(sysroot)}`
    );
  });
});

describe('preinstalled, stand-in compilers', () => {
  it('explains a rustc without rust-src outside rustup with the Debian packages', async () => {
    const bin = path.join(tmp, 'no-src', 'bin');
    const sysroot = path.join(tmp, 'no-src', 'sysroot');
    await mkdir(sysroot, { recursive: true });
    await writeScript(
      path.join(bin, 'rustc'),
      `#!/bin/sh\ncase "$*" in\n  -vV) cat <<'EOF'\n${RUSTUP_NIGHTLY.trimEnd()}\nEOF\n  ;;\n  '--print sysroot') printf '%s\\n' ${shellQuote(sysroot)} ;;\n  *) exit 3 ;;\nesac\n`
    );
    await writeScript(path.join(bin, 'cargo'), '#!/bin/sh\nexit 3\n');
    process.env.PATH = `${bin}:/usr/bin:/bin`;
    const error = await resolveError({ kind: 'preinstalled' });
    expect(error.message).toContain(path.join(bin, 'rustc'));
    expect(error.message).toContain('rustc 1.97.0-nightly');
    expect(error.message).toContain(path.join(sysroot, 'lib/rustlib/src/rust/library/std'));
    expect(error.message).toContain('rust-web-src');
  });

  it('says which of rustc and cargo is missing from PATH', async () => {
    const bin = path.join(tmp, 'only-rustc');
    await writeScript(path.join(bin, 'rustc'), '#!/bin/sh\nexit 3\n');
    process.env.PATH = bin;
    const error = await resolveError({ kind: 'preinstalled' });
    expect(error.message).toContain('cargo is not on PATH');
    expect(error.message).not.toContain('rustc and cargo');
  });
});

describe('rustup, with a stand-in rustup', () => {
  const toolchain = 'nightly-2026-05-20';
  let state: string;
  let bin: string;

  /** A rustup that keeps toolchains under `state` and logs every call with RUSTUP_AUTO_INSTALL. */
  async function makeRustup(): Promise<void> {
    state = await mkdtemp(path.join(tmp, 'rustup-'));
    bin = path.join(state, 'bin');
    const tcBin = path.join(state, 'toolchains', toolchain, 'bin');
    await writeScript(
      path.join(tcBin, 'rustc'),
      `#!/bin/sh\ncase "$*" in\n  -vV) cat <<'EOF'\n${RUSTUP_NIGHTLY.trimEnd()}\nEOF\n  ;;\n  '--print sysroot') cd "$(dirname "$0")/.." && pwd ;;\n  *) exit 3 ;;\nesac\n`
    );
    await writeScript(path.join(tcBin, 'cargo'), '#!/bin/sh\nexit 3\n');
    await writeScript(
      path.join(bin, 'rustup'),
      `#!/bin/sh
state=${shellQuote(state)}
printf '%s|%s\\n' "\${RUSTUP_AUTO_INSTALL:-}" "$*" >>"$state/calls.log"
case $1 in
  run)
    tc=$2 tool=$3
    shift 3
    [ -f "$state/installed-$tc" ] || { echo "error: toolchain '$tc' is not installed" >&2; exit 1; }
    exec "$state/toolchains/$tc/bin/$tool" "$@"
    ;;
  toolchain)
    [ "$2" = install ] || exit 2
    if [ -f "$state/fail-install" ]; then
      echo "error: component 'rust-src' is unavailable for download for channel '$3'" >&2
      exit 1
    fi
    echo "info: installing component 'rust-src'"
    mkdir -p "$state/toolchains/$3/lib/rustlib/src/rust/library/std" && : >"$state/installed-$3"
    ;;
  which)
    [ "$2" = --toolchain ] && [ -f "$state/installed-$3" ] || exit 1
    printf '%s\\n' "$state/toolchains/$3/bin/$4"
    ;;
  *) exit 2 ;;
esac
`
    );
    process.env.PATH = `${bin}:/usr/bin:/bin`;
  }

  const calls = async (): Promise<string[]> =>
    (await readFile(path.join(state, 'calls.log'), 'utf8')).trim().split('\n');

  it('installs a missing toolchain with rust-src, then uses its rustc and cargo', async () => {
    await makeRustup();
    const host = new MemoryHost();
    const resolved = await resolveRustToolchain(
      { kind: 'rustup', toolchain },
      toolchainContext(host)
    );
    const tcDir = path.join(state, 'toolchains', toolchain);
    const { childEnv, ...described } = resolved;
    // children get this process's environment plus the toolchain's pins
    expect(childEnv).toMatchObject({ ...resolved.env, PATH: process.env.PATH });
    expect(described).toEqual({
      rustc: path.join(tcDir, 'bin', 'rustc'),
      cargo: path.join(tcDir, 'bin', 'cargo'),
      versionLine: 'rustc 1.97.0-nightly (e50aa6fba 2026-05-19)',
      release: '1.97.0-nightly',
      isNightly: true,
      hostTriple: 'x86_64-unknown-linux-gnu',
      sysroot: tcDir,
      rustSrc: path.join(tcDir, 'lib', 'rustlib', 'src', 'rust'),
      env: { RUSTC: path.join(tcDir, 'bin', 'rustc'), RUSTUP_TOOLCHAIN: toolchain },
      source: 'rustup'
    });
    const log = await calls();
    // one probe (rustc --print sysroot: it fails for a toolchain that is not installed)
    expect(log[0]).toBe(`0|run ${toolchain} rustc --print sysroot`);
    // The probe must not install (RUSTUP_AUTO_INSTALL=0); the install is the explicit call.
    expect(log[1]).toBe(`|${rustupInstallArgs(toolchain).join(' ')}`);
    expect(host.lines).toContain("info: installing component 'rust-src'");
  });

  it('reuses an installed toolchain that has rust-src, without calling install', async () => {
    await makeRustup();
    await mkdir(path.join(state, 'toolchains', toolchain, 'lib/rustlib/src/rust/library/std'), {
      recursive: true
    });
    await writeFile(path.join(state, `installed-${toolchain}`), '');
    const host = new MemoryHost();
    const resolved = await resolveRustToolchain(
      { kind: 'rustup', toolchain },
      toolchainContext(host)
    );
    expect(resolved.source).toBe('rustup');
    expect((await calls()).filter(c => c.includes('toolchain install'))).toEqual([]);
    expect(host.lines.join('\n')).toContain(`reusing installed toolchain ${toolchain}`);
  });

  it('installs rust-src into an installed toolchain that lacks it', async () => {
    await makeRustup();
    await writeFile(path.join(state, `installed-${toolchain}`), '');
    await resolveRustToolchain({ kind: 'rustup', toolchain }, toolchainContext(new MemoryHost()));
    expect((await calls()).filter(c => c.includes('toolchain install'))).toHaveLength(1);
  });

  it("reports rustup's own message when the install fails", async () => {
    await makeRustup();
    await writeFile(path.join(state, 'fail-install'), '');
    const error = await resolveError({ kind: 'rustup', toolchain });
    expect(error.message).toContain(`rustup could not install ${toolchain}`);
    expect(error.message).toContain("component 'rust-src' is unavailable");
  });

  it('says rustup is missing when it is not on PATH', async () => {
    process.env.PATH = path.join(tmp, 'empty');
    const error = await resolveError({ kind: 'rustup', toolchain });
    expect(error.message).toContain('rustup is not on PATH');
    expect(error.message).toContain("'preinstalled'");
  });
});
