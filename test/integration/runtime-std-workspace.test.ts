/**
 * std built through the action's copy of rust-src's `library/` workspace, with the generated
 * cosmo libc, by the real Debian cargo 1.96 and rustc 1.96, offline (crates.io replaced by std's
 * vendored crates in a test-only CARGO_HOME). A lib crate needs no linker, so the musl targets
 * serve: std must compile against the generated libc for both arches with its compile-time
 * layout proofs holding, the user's crate graph must see the same layouts through the `--config`
 * patch, and a deliberately wrong table entry must fail the build with the action's message.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ActionError } from '../../src/errors.js';
import { cosmoLayouts, type Arch } from '../../src/runtime/layouts.js';
import {
  findUserLibcs,
  patchConfigArgs,
  patchStdManifest,
  patchUserLibc,
  prepareCosmoStd,
  STD_SRC_ROOT_ENV,
  stdLibcVersion,
  writeStdWorkspace,
  type CargoMetadata,
  type CosmoStd
} from '../../src/runtime/std-workspace.js';
import { KIT_HINT, requireTools } from '../helpers/kit.mjs';

const DEBIAN_LIBRARY = '/usr/lib/rustlib/src/rust/library';
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/runtime');
const TARGETS = ['x86_64-unknown-linux-musl', 'aarch64-unknown-linux-musl'];
const LONG = 20 * 60 * 1000;

let dir: string;
let env: Record<string, string>;
let std: CosmoStd;

function cargo(args: string[], cwd: string, extraEnv: Record<string, string> = {}) {
  const started = Date.now();
  const result = spawnSync('/usr/bin/cargo', args, {
    cwd,
    encoding: 'utf8',
    env: { ...env, ...extraEnv },
    maxBuffer: 64 * 1024 * 1024
  });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

/** Every entry under `root` (links not followed) with its mtime. */
function mtimes(root: string): string[] {
  return readdirSync(root, { recursive: true })
    .map(rel => `${rel} ${lstatSync(path.join(root, String(rel))).mtimeMs}`)
    .sort();
}

beforeAll(() => {
  requireTools(['/usr/bin/cargo', '/usr/bin/rustc']);
  if (!existsSync(path.join(DEBIAN_LIBRARY, 'vendor'))) {
    throw new Error(`no ${DEBIAN_LIBRARY}/vendor: ${KIT_HINT}`);
  }
  dir = mkdtempSync(path.join(os.tmpdir(), 'ape-std-ws-'));
  const cargoHome = path.join(dir, 'cargo-home');
  mkdirSync(cargoHome);
  // offline: crates.io is std's vendored crates (the test's doing, not the action's)
  writeFileSync(
    path.join(cargoHome, 'config.toml'),
    `[source.crates-io]\nreplace-with = "stdvendor"\n` +
      `[source.stdvendor]\ndirectory = ${JSON.stringify(path.join(DEBIAN_LIBRARY, 'vendor'))}\n`
  );
  env = {
    ...(process.env as Record<string, string>),
    // Debian's toolchain first: rustup's proxies come first otherwise, without rust-src
    PATH: ['/usr/bin', '/bin', process.env.PATH ?? ''].join(':'),
    CARGO_HOME: cargoHome,
    CARGO_TARGET_DIR: path.join(dir, 'target'),
    CARGO_TERM_COLOR: 'never',
    RUSTC_BOOTSTRAP: '1'
  };
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("std's manifest and lockfile (pure)", () => {
  it('patches libc inside the existing [patch.crates-io], keeping std own entries', () => {
    const manifest = readFileSync(path.join(DEBIAN_LIBRARY, 'Cargo.toml'), 'utf8');
    const patched = patchStdManifest(manifest, '/gen/libc-0.2.183-abc');
    expect(patched.match(/^\[patch\.crates-io\]$/gm)).toHaveLength(1);
    expect(patched).toContain(
      '[patch.crates-io]\nlibc = { path = "/gen/libc-0.2.183-abc" }\n# See comments'
    );
    expect(patched).toContain("rustc-std-workspace-core = { path = 'rustc-std-workspace-core' }");
    expect(patchStdManifest('[workspace]\nmembers = ["std"]\n', '/x')).toBe(
      '[workspace]\nmembers = ["std"]\n\n[patch.crates-io]\nlibc = { path = "/x" }\n'
    );
    expect(() => patchStdManifest('[patch.crates-io]\nlibc = { path = "y" }\n', '/x')).toThrow(
      ActionError
    );
  });

  it("reads std's libc version from its lockfile, and refuses a lockfile without libc", () => {
    const lock = readFileSync(path.join(DEBIAN_LIBRARY, 'Cargo.lock'), 'utf8');
    expect(stdLibcVersion(lock, 'Cargo.lock')).toMatch(/^0\.2\.\d+$/);
    const noLibc = lock.replace(/\[\[package\]\]\nname = "libc"/, '[[package]]\nname = "libd"');
    expect(() => stdLibcVersion(noLibc, '/src/library/Cargo.lock')).toThrow(
      '/src/library/Cargo.lock has no libc package'
    );
  });

  it('quotes paths as TOML strings in cargo --config arguments', () => {
    expect(patchConfigArgs('/a "b"\\c')).toEqual([
      '--config',
      'patch.crates-io.libc.path="/a \\"b\\"\\\\c"'
    ]);
    expect(patchConfigArgs('/d', 'libc-0_1_12')).toEqual([
      '--config',
      'patch.crates-io.libc-0_1_12.path="/d"',
      '--config',
      'patch.crates-io.libc-0_1_12.package="libc"'
    ]);
  });
});

describe("the user's crate graph (pure parts)", () => {
  const patchedByUser = JSON.parse(
    readFileSync(path.join(FIXTURES, 'metadata-patched-libc.json'), 'utf8')
  ) as CargoMetadata;

  it('leaves a libc the user patches alone, and says what that means', async () => {
    expect(findUserLibcs(patchedByUser).fromRegistry).toEqual([]);
    const result = await patchUserLibc(patchedByUser, { workDir: path.join(dir, 'unused') });
    expect(result.configArgs).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain(
      'libc 0.2.180 in your crate graph comes from /home/user/forks/libc, not crates.io'
    );
    expect(result.warnings[0]).toContain("std uses cosmo's (pthread_attr_t, stat, sigaction");
    expect(existsSync(path.join(dir, 'unused'))).toBe(false);
  });

  it('does nothing for a graph without libc, and refuses metadata without dependencies', async () => {
    const noLibc: CargoMetadata = {
      packages: patchedByUser.packages.filter(pkg => pkg.name !== 'libc'),
      resolve: { nodes: [{ id: 'path+file:///home/user/app#0.1.0' }] }
    };
    expect(await patchUserLibc(noLibc, { workDir: dir })).toEqual({
      configArgs: [],
      warnings: [],
      patched: []
    });
    const noDeps: CargoMetadata = { packages: noLibc.packages, resolve: null };
    await expect(patchUserLibc(noDeps, { workDir: dir })).rejects.toThrow(
      'cargo metadata without dependencies'
    );
  });
});

describe("the copy of std's workspace", () => {
  it('refuses a rust-src without Cargo.lock, or whose lock has no libc, naming the file', async () => {
    const fake = path.join(dir, 'fake-library');
    mkdirSync(fake, { recursive: true });
    writeFileSync(path.join(fake, 'Cargo.toml'), '[workspace]\n');
    const attempt = prepareCosmoStd({
      rustSrcLibrary: fake,
      workDir: path.join(dir, 'fake-work'),
      cargo: '/usr/bin/cargo',
      env
    });
    await expect(attempt).rejects.toThrow(ActionError);
    await expect(attempt).rejects.toThrow(`${fake}/Cargo.lock does not exist`);
    await expect(writeStdWorkspace(fake, path.join(dir, 'fake-copy'), '/x')).rejects.toThrow(
      'rustup component add rust-src'
    );
    writeFileSync(path.join(fake, 'Cargo.lock'), 'version = 4\n\n[[package]]\nname = "std"\n');
    await expect(
      prepareCosmoStd({ rustSrcLibrary: fake, workDir: dir, cargo: '/usr/bin/cargo', env })
    ).rejects.toThrow(`${fake}/Cargo.lock has no libc package`);
  });

  it(
    'is symlinks plus a patched manifest, the very lockfile and std’s rewritten link names; a re-run changes nothing',
    async () => {
      const workDir = path.join(dir, 'work');
      std = await prepareCosmoStd({
        rustSrcLibrary: DEBIAN_LIBRARY,
        workDir,
        cargo: '/usr/bin/cargo',
        env
      });
      expect(std.env).toEqual({ [STD_SRC_ROOT_ENV]: std.srcRoot });
      expect(STD_SRC_ROOT_ENV).toBe('__CARGO_TESTS_ONLY_SRC_ROOT');
      const entries = readdirSync(std.srcRoot).sort();
      expect(entries).toEqual(readdirSync(DEBIAN_LIBRARY).sort());
      // std holds the rewritten file: a real directory; everything else links to rust-src
      for (const name of entries) {
        const own = name === 'Cargo.toml' || name === 'Cargo.lock' || name === 'std';
        expect([name, lstatSync(path.join(std.srcRoot, name)).isSymbolicLink()]).toEqual([
          name,
          !own
        ]);
      }
      // std 1.96 declares both symbols in one file: the copy points them at the shims
      const errorRs = 'std/src/sys/io/error/unix.rs';
      const original = readFileSync(path.join(DEBIAN_LIBRARY, errorRs), 'utf8');
      const rewritten = readFileSync(path.join(std.srcRoot, errorRs), 'utf8');
      expect(lstatSync(path.join(std.srcRoot, errorRs)).isSymbolicLink()).toBe(false);
      expect(rewritten).toBe(
        original
          .replace('link_name = "__errno_location"', 'link_name = "__ape_shim___errno_location"')
          .replace('link_name = "__xpg_strerror_r"', 'link_name = "__ape_shim_strerror_r"')
      );
      expect(rewritten).not.toBe(original);
      for (const dir of [
        'std',
        'std/src',
        'std/src/sys',
        'std/src/sys/io',
        'std/src/sys/io/error'
      ]) {
        expect([dir, lstatSync(path.join(std.srcRoot, dir)).isDirectory()]).toEqual([dir, true]);
      }
      for (const rel of ['std/Cargo.toml', 'std/src/lib.rs', 'std/src/sys/io/mod.rs']) {
        expect([rel, lstatSync(path.join(std.srcRoot, rel)).isSymbolicLink()]).toEqual([rel, true]);
      }
      // named by the rewrite's content, so a changed rewrite is a new path cargo rebuilds std at
      expect(path.relative(workDir, std.srcRoot)).toMatch(/^std-workspace\/[0-9a-f]{12}\/library$/);
      expect(readFileSync(path.join(std.srcRoot, 'Cargo.lock'), 'utf8')).toBe(
        readFileSync(path.join(DEBIAN_LIBRARY, 'Cargo.lock'), 'utf8')
      );
      expect(readFileSync(path.join(std.srcRoot, 'Cargo.toml'), 'utf8')).toContain(
        `libc = { path = ${JSON.stringify(std.libc.dir)} }`
      );
      expect(path.basename(std.libc.dir)).toMatch(/^libc-0\.2\.\d+-[0-9a-f]{12}$/);

      const before = mtimes(workDir);
      const again = await prepareCosmoStd({
        rustSrcLibrary: DEBIAN_LIBRARY,
        workDir,
        cargo: '/usr/bin/cargo',
        env
      });
      expect(again).toEqual(std);
      expect(mtimes(workDir)).toEqual(before);
    },
    LONG
  );

  it('has a --config form cargo itself accepts, even for a path with quotes and spaces', () => {
    const odd = path.join(dir, `odd 'dir' "q"`);
    cpSync(std.libc.dir, odd, { recursive: true });
    const probe = path.join(dir, 'probe-metadata');
    cpSync(path.join(FIXTURES, 'probe'), probe, { recursive: true });
    const result = cargo(['metadata', '--format-version', '1', ...patchConfigArgs(odd)], probe);
    expect(result.stderr).not.toMatch(/error/);
    const metadata = JSON.parse(result.stdout) as CargoMetadata;
    const libc = metadata.packages.find(pkg => pkg.name === 'libc');
    expect(libc?.manifest_path).toBe(path.join(odd, 'Cargo.toml'));
    expect(libc?.source).toBeNull();
  });
});

describe('building std and a crate with it (cargo 1.96, -Z build-std, both musl targets)', () => {
  let probe: string;

  beforeAll(() => {
    probe = path.join(dir, 'probe');
    cpSync(path.join(FIXTURES, 'probe'), probe, { recursive: true });
  });

  function build(targets: string[], configArgs: string[], srcRoot: string) {
    const args = ['build', '-Z', 'build-std=std,panic_abort'];
    for (const target of targets) args.push('--target', target);
    return cargo([...args, ...configArgs], probe, { [STD_SRC_ROOT_ENV]: srcRoot });
  }

  it(
    'compiles std against the generated libc, with the proofs holding on both sides',
    async () => {
      const metadata = cargo(['metadata', '--format-version', '1'], probe);
      expect(metadata.status).toBe(0);
      const user = await patchUserLibc(JSON.parse(metadata.stdout) as CargoMetadata, {
        workDir: path.join(dir, 'work'),
        std: std.libc
      });
      // the user's lockfile resolves std's libc version: one generated copy serves both
      expect(user.patched).toEqual([std.libc]);
      expect(user.warnings).toEqual([]);

      const cold = build(TARGETS, user.configArgs, std.srcRoot);
      console.log(`cold build-std of both musl targets through the copy: ${cold.seconds} s`);
      // cargo's output shows in the failure, if any
      expect([cold.status, cold.status === 0 ? '' : cold.stderr.slice(-4000)]).toEqual([0, '']);
      expect(cold.stderr).toContain(`Compiling libc v${std.libc.version} (${std.libc.dir})`);
      expect(cold.stderr).toContain(`Compiling std v0.0.0 (${std.srcRoot}/std)`);
      // nothing under the toolchain's sources and nothing in the copy was written by cargo
      expect(readFileSync(path.join(std.srcRoot, 'Cargo.lock'), 'utf8')).toBe(
        readFileSync(path.join(DEBIAN_LIBRARY, 'Cargo.lock'), 'utf8')
      );

      const warm = build(TARGETS, user.configArgs, std.srcRoot);
      expect(warm.status).toBe(0);
      expect(warm.stderr).not.toContain('Compiling');
    },
    LONG
  );

  it(
    "fails the build with the action's message on a deliberately wrong table entry",
    async () => {
      // x86_64's stat claimed to be 140 bytes: repr(C) rounds it to 144, the assert refuses
      const wrong = (arch: Arch) =>
        cosmoLayouts(arch).map(l => (l.rust === 'stat' ? { ...l, size: 140 } : l));
      const broken = await prepareCosmoStd({
        rustSrcLibrary: DEBIAN_LIBRARY,
        workDir: path.join(dir, 'work'),
        cargo: '/usr/bin/cargo',
        env,
        libc: { layouts: wrong }
      });
      expect(broken.libc.dir).not.toBe(std.libc.dir);
      const result = build([TARGETS[0]], [], broken.srcRoot);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(
        "ape-action: libc::stat on x86_64 must be 140 bytes (cosmo 4.0.2's struct stat, " +
          'libc/calls/struct/stat.h)'
      );
      expect(result.stderr).toContain('could not compile `libc`');
    },
    LONG
  );
});
