/**
 * The runtime layer refuses what it cannot make correct, before cargo builds anything: one clear
 * error, no .com, nothing for the post step to cache. The pipeline runs in-process against the
 * stand-in cosmocc and Debian's toolchain (or a rustc whose sysroot is a test-made copy of it).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Caches } from '../../src/cache/service.js';
import { ActionError } from '../../src/errors.js';
import { parseInputs } from '../../src/inputs.js';
import { runBuild } from '../../src/pipeline.js';
import { folderCache } from '../helpers/folder-cache.js';
import { KIT_HINT, requireTools } from '../helpers/kit.mjs';
import { MemoryHost, testRunnerEnv } from '../helpers/memory-host.js';
import { makeOfflineCargoHome } from '../helpers/offline-vendor.mjs';
import { REPO_ROOT } from '../helpers/runner.js';
import { makeStandinCosmocc } from '../helpers/standin-cosmocc.mjs';

const LIBRARY = '/usr/lib/rustlib/src/rust/library';
let dir: string;
let cosmocc: string;
let cargoHome: string;

beforeAll(() => {
  requireTools(['/usr/bin/cargo', '/usr/bin/rustc', 'aarch64-linux-gnu-gcc']);
  if (!existsSync(path.join(LIBRARY, 'Cargo.lock'))) throw new Error(`no ${LIBRARY}: ${KIT_HINT}`);
  dir = mkdtempSync(path.join(os.tmpdir(), 'ape-layer-failures-'));
  cosmocc = makeStandinCosmocc(path.join(dir, 'cosmocc'));
  cargoHome = makeOfflineCargoHome(path.join(dir, 'cargo-home'));
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * A rustc that is Debian's, but whose sysroot (and so rust-src) is `sysroot`: the library/
 * folder there is a symlink copy of the real one that `edit` may change.
 */
function rustcWithSysroot(name: string, edit: (library: string) => void): string {
  const sysroot = path.join(dir, name, 'sysroot');
  const library = path.join(sysroot, 'lib', 'rustlib', 'src', 'rust', 'library');
  mkdirSync(library, { recursive: true });
  for (const entry of readdirSync(LIBRARY)) {
    if (entry === 'Cargo.lock') cpSync(path.join(LIBRARY, entry), path.join(library, entry));
    else symlinkSync(path.join(LIBRARY, entry), path.join(library, entry));
  }
  edit(library);
  const bin = path.join(dir, name, 'bin');
  mkdirSync(bin);
  writeFileSync(
    path.join(bin, 'rustc'),
    `#!/bin/sh\nif [ "$*" = "--print sysroot" ]; then echo '${sysroot}'; exit 0; fi\nexec /usr/bin/rustc "$@"\n`
  );
  chmodSync(path.join(bin, 'rustc'), 0o755);
  symlinkSync('/usr/bin/cargo', path.join(bin, 'cargo'));
  return bin;
}

/** Builds examples/hello in-process with the layer on; returns the error and what is left. */
async function failingBuild(name: string, options: { pathFirst?: string; cosmoccDir?: string }) {
  const host = new MemoryHost();
  const store = folderCache(path.join(dir, name, 'actions-cache'));
  const out = path.join(dir, name, 'out');
  const searchPath = [options.pathFirst, '/usr/bin', '/bin'].filter(Boolean).join(':');
  const env = {
    ...testRunnerEnv(path.join(dir, name)),
    cargoHome,
    processEnv: { ...process.env, PATH: searchPath, CARGO_HOME: cargoHome }
  };
  const inputs: Record<string, string> = {
    'manifest-path': path.join(REPO_ROOT, 'examples', 'hello', 'Cargo.toml'),
    'output-dir': out,
    'cosmocc-dir': options.cosmoccDir ?? cosmocc,
    'rust-toolchain': 'preinstalled'
  };
  const config = parseInputs(input => inputs[input]);
  const savedPath = process.env.PATH;
  process.env.PATH = searchPath; // `preinstalled` looks rustc up on this process's PATH
  try {
    const error = await runBuild(config, {
      log: host,
      runner: host,
      env,
      annotations: false,
      cacheStore: store
    }).then(
      () => undefined,
      (err: unknown) => err
    );
    await new Caches(host.reporter, { enabled: true, store }).saveRecorded();
    const left = existsSync(out) ? readdirSync(out) : [];
    return { error, left, saved: store.saved, lines: host.lines };
  } finally {
    process.env.PATH = savedPath;
  }
}

describe('the runtime layer refuses, with one clear error and nothing left behind', () => {
  it(
    'a rust-src without library/Cargo.lock',
    async () => {
      const bin = rustcWithSysroot('no-lock', library => rmSync(path.join(library, 'Cargo.lock')));
      const got = await failingBuild('no-lock', { pathFirst: bin });
      expect(got.error).toBeInstanceOf(ActionError);
      expect((got.error as Error).message).toMatch(
        /library\/Cargo\.lock does not exist.*rust-src/s
      );
      expect(got.left).toEqual([]);
      expect(got.saved).toEqual([]);
    },
    5 * 60 * 1000
  );

  it(
    'a libc whose source the generator does not recognise, naming the version and the item',
    async () => {
      // std's lockfile names libc 0.2.999, a fixture in which musl's aarch64 stat has moved
      const bin = rustcWithSysroot('drift', library => {
        const lock = path.join(library, 'Cargo.lock');
        const text = readFileSync(lock, 'utf8').replace(
          /name = "libc"\nversion = "[^"]+"\nsource = "[^"]+"\nchecksum = "[^"]+"/,
          'name = "libc"\nversion = "0.2.999"\nsource = "registry+https://github.com/rust-lang/crates.io-index"'
        );
        writeFileSync(lock, text);
      });
      const vendor = path.join(cargoHome, 'vendor', 'libc-0.2.999');
      cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'runtime', 'libc-moved'), vendor, {
        recursive: true
      });
      writeFileSync(path.join(vendor, '.cargo-checksum.json'), '{"files":{},"package":""}');
      try {
        const got = await failingBuild('drift', { pathFirst: bin });
        expect(got.error).toBeInstanceOf(ActionError);
        expect((got.error as Error).message).toMatch(/libc 0\.2\.999: .*stat/);
        expect(got.left).toEqual([]);
        expect(got.saved).toEqual([]);
      } finally {
        rmSync(vendor, { recursive: true, force: true });
      }
    },
    5 * 60 * 1000
  );

  it(
    'a cosmocc whose headers lack cosmo_futex_wait',
    async () => {
      const old = makeStandinCosmocc(path.join(dir, 'old-cosmocc'));
      const header = path.join(old, 'include', 'cosmo.h');
      writeFileSync(
        header,
        readFileSync(header, 'utf8')
          .split('\n')
          .filter(line => !line.includes('cosmo_futex_'))
          .join('\n')
      );
      const got = await failingBuild('old-cosmocc', { cosmoccDir: old });
      expect(got.error).toBeInstanceOf(ActionError);
      expect((got.error as Error).message).toMatch(/cosmo_futex_wait/);
      expect(got.left).toEqual([]);
      expect(got.saved).toEqual([]);
    },
    5 * 60 * 1000
  );
});
