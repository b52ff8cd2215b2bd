/**
 * End to end with the offline kit: the bundled action, run through the runner's file contract,
 * builds real crates with the real Debian cargo and rustc (-Z build-std from the packaged std
 * sources), the action's own target specs and linker wrappers, and a stand-in cosmocc that keeps
 * cosmocc's contract (test/helpers/standin-cosmocc.ts). The per-arch binaries are real: x86_64 runs
 * natively, aarch64 under qemu.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Caches } from '../../src/cache/service.js';
import { parseInputs, type InputName } from '../../src/inputs.js';
import { OUTPUT } from '../../src/outputs.js';
import { runBuild } from '../../src/pipeline.js';
import { RUSTC_PROBLEM_MATCHER } from '../../src/rust/problem-matcher.js';
import { folderCache } from '../helpers/folder-cache.js';
import { MemoryHost, testRunnerEnv } from '../helpers/memory-host.js';
import { makeRunnerDir, REPO_ROOT, runAsRunner, type RunnerResult } from '../helpers/runner.js';
import { KIT_HINT, requireTools } from '../helpers/kit.mjs';
import { makeOfflineCargoHome } from '../helpers/offline-vendor.mjs';
import { PROBE_CATEGORIES } from '../helpers/probe.js';
import { makeStandinCosmocc } from '../helpers/standin-cosmocc.mjs';

const DEBIAN_STD_VENDOR = '/usr/lib/rustlib/src/rust/library/vendor';
const CRATES = path.join(REPO_ROOT, 'test', 'fixtures', 'crates');
const LONG = 20 * 60 * 1000;

let dir: string;
let cosmocc: string;
let cargoHome: string;
let targetDir: string;
let apelinkLog: string;

/** Debian's toolchain first on PATH (rustup's proxies, without rust-src, come first otherwise). */
function kitPath(): string {
  return ['/usr/bin', '/bin', '/usr/sbin', '/sbin', ...(process.env.PATH ?? '').split(':')].join(
    ':'
  );
}

function buildAction(inputs: Record<string, string>, env: Record<string, string | undefined> = {}) {
  return runAsRunner({
    dir,
    inputs: {
      'cosmocc-dir': cosmocc,
      'rust-toolchain': 'preinstalled',
      cache: 'false',
      ...inputs
    },
    env: {
      PATH: kitPath(),
      // offline (see beforeAll): a cargo config in a test-only CARGO_HOME
      CARGO_HOME: cargoHome,
      // one target dir for every crate, so std is built once per arch for the whole suite
      CARGO_TARGET_DIR: targetDir,
      APELINK_STANDIN_LOG: apelinkLog,
      ...env
    }
  });
}

/** The inputs of the in-process run, as the action would read them. */
const inProcessInputs: Partial<Record<InputName, string>> = {};

function apelinkCalls(): string[][] {
  if (!existsSync(apelinkLog)) return [];
  return readFileSync(apelinkLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line) as string[]);
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** Fails with the action's own log, which is what a reader of a red test needs first. */
function expectSuccess(result: RunnerResult): void {
  if (result.code !== 0) {
    throw new Error(
      `action failed: exit ${result.code}\n--- stdout\n${result.stdout.slice(-6000)}\n--- stderr\n${result.stderr.slice(-2000)}`
    );
  }
}

beforeAll(() => {
  requireTools([
    '/usr/bin/cargo',
    '/usr/bin/rustc',
    'aarch64-linux-gnu-gcc',
    'qemu-aarch64-static'
  ]);
  if (!existsSync(DEBIAN_STD_VENDOR)) throw new Error(`no ${DEBIAN_STD_VENDOR}: ${KIT_HINT}`);
  dir = makeRunnerDir();
  cosmocc = makeStandinCosmocc(path.join(dir, 'cosmocc'));
  cargoHome = path.join(dir, 'cargo-home');
  targetDir = path.join(dir, 'target');
  apelinkLog = path.join(dir, 'apelink.log');
  // offline: std's vendored crates and Debian's cc, as a source replacement in a test-only
  // CARGO_HOME (the test's doing, not the action's)
  makeOfflineCargoHome(cargoHome);
  Object.assign(inProcessInputs, {
    'manifest-path': path.join(REPO_ROOT, 'examples', 'hello', 'Cargo.toml'),
    'output-dir': path.join(dir, 'out-in-process'),
    'cosmocc-dir': cosmocc,
    'rust-toolchain': 'preinstalled'
  });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('mode: build through the runner contract', () => {
  it(
    'builds examples/hello into one .com holding both arches, with checksums and outputs',
    async () => {
      const out = path.join(dir, 'out-hello');
      const result = await buildAction({
        'manifest-path': path.join(REPO_ROOT, 'examples', 'hello', 'Cargo.toml'),
        'output-dir': out
      });
      expectSuccess(result);
      const com = path.join(out, 'hello.com');
      expect(JSON.parse(result.outputs.binaries)).toEqual([com]);
      expect(result.outputs.binary).toBe(com);
      expect(result.outputs.sha256).toBe(sha256(com));
      expect(result.outputs['checksums-file']).toBe(path.join(out, 'SHA256SUMS'));
      expect(readFileSync(path.join(out, 'SHA256SUMS'), 'utf8')).toBe(
        `${sha256(com)}  hello.com\n`
      );
      expect(result.outputs['rust-toolchain']).toMatch(/^rustc 1\.\d+\.\d+/);
      expect(result.outputs['cosmocc-path']).toBe(cosmocc);
      expect(result.paths).toContain(path.join(cosmocc, 'bin'));
      expect(result.summary).toContain('`hello.com`');
      expect(result.summary).toContain(sha256(com));
      expect(result.summary).toMatch(/x86_64, aarch64/);
      expect(readdirSync(out).sort()).toEqual(['SHA256SUMS', 'hello.com']);

      // apelink got both loaders, the Apple Silicon loader source, the output and both inputs
      const [argv] = apelinkCalls().filter(call => call.some(a => a.startsWith(out)));
      const bin = path.join(cosmocc, 'bin');
      expect(argv.slice(0, 6)).toEqual([
        '-l',
        path.join(bin, 'ape-x86_64.elf'),
        '-l',
        path.join(bin, 'ape-aarch64.elf'),
        '-M',
        path.join(bin, 'ape-m1.c')
      ]);
      expect(argv[6]).toBe('-o');
      expect(path.basename(argv[7])).toBe('hello.com');
      expect(argv.slice(8)).toEqual([
        path.join(targetDir, 'x86_64-unknown-linux-cosmo', 'release', 'hello'),
        path.join(targetDir, 'aarch64-unknown-linux-cosmo', 'release', 'hello')
      ]);

      // the per-arch binaries are real: x86_64 natively, aarch64 under qemu
      const x86 = run(path.join(targetDir, 'x86_64-unknown-linux-cosmo', 'release', 'hello'), [
        'one',
        'two'
      ]);
      expect(x86.stdout).toBe('Hello from an Actually Portable Executable!\nargs: one two\n');
      const arm = run('qemu-aarch64-static', [
        path.join(targetDir, 'aarch64-unknown-linux-cosmo', 'release', 'hello')
      ]);
      expect(arm.stdout).toBe('Hello from an Actually Portable Executable!\n');
      expect(
        execFileSync(
          'file',
          ['-b', path.join(targetDir, 'aarch64-unknown-linux-cosmo', 'release', 'hello')],
          { encoding: 'utf8' }
        )
      ).toMatch(/ARM aarch64.*statically linked/);

      // the local command's inspector reads the same file without running it
      const inspected = JSON.parse(
        execFileSync(
          process.execPath,
          [path.join(REPO_ROOT, 'dist', 'cli.js'), 'inspect', com, '--json'],
          {
            encoding: 'utf8'
          }
        )
      );
      expect(inspected).toMatchObject({
        isApe: true,
        magic: 'MZqFpD',
        arches: ['x86_64', 'aarch64']
      });

      // and the fused launcher runs each payload
      expect(run('sh', [com, 'x']).stdout).toBe(
        'Hello from an Actually Portable Executable!\nargs: x\n'
      );
      expect(run('sh', [com], { APE_STANDIN_ARCH: 'aarch64' }).stdout).toBe(
        'Hello from an Actually Portable Executable!\n'
      );
    },
    LONG
  );

  it(
    'builds a crate with two bins and a registry dependency, one arch only',
    async () => {
      const out = path.join(dir, 'out-two');
      const result = await buildAction({
        'manifest-path': path.join(CRATES, 'two-bins', 'Cargo.toml'),
        'output-dir': out,
        arch: 'x86_64',
        profile: 'dev'
      });
      expectSuccess(result);
      const coms = [path.join(out, 'alpha.com'), path.join(out, 'beta.com')];
      expect(JSON.parse(result.outputs.binaries)).toEqual(coms);
      expect(readFileSync(path.join(out, 'SHA256SUMS'), 'utf8')).toBe(
        `${sha256(coms[0])}  alpha.com\n${sha256(coms[1])}  beta.com\n`
      );
      // one arch: one loader, no -M (it needs an aarch64 input)
      const calls = apelinkCalls().filter(call => call.some(a => a.startsWith(out)));
      expect(calls).toHaveLength(2);
      for (const call of calls) {
        expect(call).not.toContain('-M');
        expect(call.filter(a => a === '-l')).toHaveLength(1);
      }
      expect(run('sh', [coms[0]]).stdout).toBe('alpha on x86_64\n');
      const beta = run('sh', [coms[1], '13']);
      expect(beta.stdout).toBe('beta squares 13 to 169\n');
      expect(beta.status).toBe(13);
    },
    LONG
  );

  it(
    'builds only the bins asked for',
    async () => {
      const out = path.join(dir, 'out-beta');
      const result = await buildAction({
        'manifest-path': path.join(CRATES, 'two-bins', 'Cargo.toml'),
        'output-dir': out,
        bins: 'beta',
        arch: 'aarch64'
      });
      expectSuccess(result);
      expect(readdirSync(out).sort()).toEqual(['SHA256SUMS', 'beta.com']);
      const arm = run('sh', [path.join(out, 'beta.com'), '4'], { APE_STANDIN_ARCH: 'aarch64' });
      expect(arm.stdout).toBe('beta squares 4 to 16\n');
    },
    LONG
  );
});

describe('mode: build failures leave one clear error and nothing behind', () => {
  function expectCleanFailure(result: RunnerResult, message: RegExp, out?: string) {
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error::/);
    expect(result.stdout).toMatch(message);
    expect(result.stdout + result.stderr).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
    if (out)
      expect(
        existsSync(out)
          ? readdirSync(out).filter(
              f => f.endsWith('.com') || f === 'SHA256SUMS' || f.startsWith('.ape')
            )
          : []
      ).toEqual([]);
  }

  it('a missing manifest', async () => {
    const result = await buildAction({ 'manifest-path': path.join(dir, 'nowhere', 'Cargo.toml') });
    expectCleanFailure(
      result,
      /Input 'manifest-path' points at .*nowhere\/Cargo\.toml, which does not exist/
    );
  });

  it('an unknown bin, listing the real ones', async () => {
    const result = await buildAction({
      'manifest-path': path.join(CRATES, 'two-bins', 'Cargo.toml'),
      bins: 'alpha,gamma'
    });
    expectCleanFailure(
      result,
      /Input 'bins' names 'gamma', which is not a bin target here; available: alpha, beta/
    );
  });

  it('a package without a bin', async () => {
    const result = await buildAction({
      'manifest-path': path.join(CRATES, 'libonly', 'Cargo.toml')
    });
    expectCleanFailure(result, /No bin target in libonly/);
  });

  it('an arch typo, before anything runs', async () => {
    const result = await buildAction({
      'manifest-path': path.join(REPO_ROOT, 'examples', 'hello', 'Cargo.toml'),
      arch: 'x86_64,arm64'
    });
    expectCleanFailure(
      result,
      /Input 'arch' has an invalid value "x86_64,arm64".*did you mean aarch64/
    );
  });

  it(
    'cargo-args with shell metacharacters reach cargo literally and run nothing',
    async () => {
      const out = path.join(dir, 'out-meta');
      const marker = path.join(dir, 'pwned');
      const result = await buildAction({
        'manifest-path': path.join(REPO_ROOT, 'examples', 'hello', 'Cargo.toml'),
        'output-dir': out,
        'cargo-args': `--features "x;touch ${marker}" --config 'build.jobs=$(touch ${marker})'`
      });
      expect(existsSync(marker)).toBe(false);
      expectCleanFailure(result, /cargo build failed/, out);
      // cargo saw the literal text as one argument
      expect(result.stdout + result.stderr).toContain(`x;touch ${marker}`);
    },
    LONG
  );

  it(
    'a crate that does not compile: annotated error, no stale or partial .com',
    async () => {
      const out = path.join(dir, 'out-broken');
      mkdirSync(out, { recursive: true });
      writeFileSync(path.join(out, 'broken.com'), 'stale output of an earlier run');
      writeFileSync(path.join(out, 'SHA256SUMS'), 'stale');
      // a user who forces colour (CARGO_TERM_COLOR=always) still gets annotations
      const result = await buildAction(
        { 'manifest-path': path.join(CRATES, 'broken', 'Cargo.toml'), 'output-dir': out },
        { CARGO_TERM_COLOR: 'always' }
      );
      expectCleanFailure(result, /cargo build failed \(exit 101\)/, out);
      // the problem matcher is registered and matches the real rustc output
      const added = /::add-matcher::(.+)$/m.exec(result.stdout);
      expect(added).not.toBeNull();
      const [first, second] = RUSTC_PROBLEM_MATCHER.problemMatcher[0].pattern;
      const lines = (result.stdout + result.stderr).split('\n');
      const at = lines.findIndex(
        line => new RegExp(first.regexp).test(line) && line.includes('E0425')
      );
      expect(at).toBeGreaterThanOrEqual(0);
      expect(
        lines
          .slice(at + 1, at + 3)
          .some(
            line =>
              new RegExp(second.regexp).test(line) &&
              line.includes('test/fixtures/crates/broken/src/main.rs:4')
          )
      ).toBe(true);
      expect(result.stdout).toMatch(/::remove-matcher owner=ape-action-rustc::/);
    },
    LONG
  );

  it('a rustc without rust-src (rustup stable) names the fix', async () => {
    requireTools([path.join(process.env.HOME ?? '/root', '.cargo', 'bin', 'rustc')]);
    const rustupFirst = [path.join(process.env.HOME ?? '/root', '.cargo', 'bin'), kitPath()].join(
      ':'
    );
    const result = await buildAction(
      { 'manifest-path': path.join(REPO_ROOT, 'examples', 'hello', 'Cargo.toml') },
      { PATH: rustupFirst }
    );
    expectCleanFailure(result, /rust-src/);
  });
});

describe('runBuild in-process (the pipeline without the bundle)', () => {
  it(
    'builds examples/hello, saves the build cache in the post step and hits it on the next run',
    async () => {
      const host = new MemoryHost();
      const store = folderCache(path.join(dir, 'actions-cache'));
      // the runner dir and target dir of the builds above: same spec paths, so std is warm
      const env = {
        ...testRunnerEnv(dir),
        cargoHome,
        processEnv: {
          ...process.env,
          PATH: kitPath(),
          CARGO_HOME: cargoHome,
          CARGO_TARGET_DIR: targetDir
        }
      };
      const ctx = { log: host, runner: host, env, annotations: false, cacheStore: store };
      const config = parseInputs(name => inProcessInputs[name]);
      const savedPath = process.env.PATH;
      process.env.PATH = kitPath(); // `preinstalled` looks rustc up on this process's PATH
      try {
        // a runner empties RUNNER_TEMP per job (at the same path): each job here starts so
        const newJob = () =>
          rmSync(path.join(env.tempDir, 'ape-action-targets'), { recursive: true, force: true });
        newJob();
        const [ape] = await runBuild({ ...config, cache: true }, ctx);
        expect(ape.arches).toEqual(['x86_64', 'aarch64']);
        expect(host.outputs.get(OUTPUT.binary)).toBe(ape.path);
        expect(run('sh', [ape.path, 'in', 'process']).stdout).toBe(
          'Hello from an Actually Portable Executable!\nargs: in process\n'
        );
        await new Caches(host.reporter, { enabled: true, store }).saveRecorded();
        expect(store.saved).toHaveLength(2);
        expect(store.saved[0]).toMatch(/^ape-generated-v1-/);
        expect(store.saved[1]).toMatch(/^ape-build-v1-/);
        const compiled = (lines: string[]) => lines.filter(line => /^\s*Compiling /.test(line));

        // the next job: both entries restored; the generated files' stamps hold, so nothing is
        // generated or fused again, and cargo finds the build fresh
        newJob();
        const next = new MemoryHost();
        await runBuild({ ...config, cache: true }, { ...ctx, log: next, runner: next });
        expect(store.restored).toEqual(store.saved);
        const nextLog = next.lines.join('\n');
        expect(nextLog).toContain(
          `Restored generated files from the Actions cache (key ${store.saved[0]})`
        );
        expect(nextLog).toContain(
          `Restored cargo build output from the Actions cache (key ${store.saved[1]})`
        );
        expect(nextLog).toMatch(/runtime layer: stamp hit/);
        expect(nextLog).toMatch(/x86_64 target spec: stamp hit/);
        expect(nextLog).toMatch(/hello\.com: stamp hit/);
        expect(compiled(next.lines)).toEqual([]);

        // a job whose generated-files entry was evicted: everything is generated again, and
        // cargo must still find the restored build fresh (generated libc files keep a fixed time)
        newJob();
        const evicted: typeof store = {
          ...store,
          restoreCache: async (paths, key, restoreKeys) =>
            key.startsWith('ape-generated-')
              ? undefined
              : store.restoreCache(paths, key, restoreKeys)
        };
        const regenerated = new MemoryHost();
        const regeneratedCtx = {
          ...ctx,
          log: regenerated,
          runner: regenerated,
          cacheStore: evicted
        };
        await runBuild({ ...config, cache: true }, regeneratedCtx);
        expect(regenerated.lines.join('\n')).toMatch(/runtime layer: stamp miss/);
        expect(compiled(regenerated.lines)).toEqual([]);
      } finally {
        process.env.PATH = savedPath;
      }
    },
    LONG
  );
});

/** `probe: <category> pass|fail <detail>` lines as category -> [verdict, detail]. */
function probeResults(stdout: string): Map<string, [string, string]> {
  const lines = stdout.split('\n').filter(line => line.startsWith('probe: '));
  return new Map(
    lines.map(line => {
      const [, category, verdict, ...detail] = line.split(' ');
      return [category, [verdict, detail.join(' ')]];
    })
  );
}

/** Runs a per-arch probe binary: x86_64 natively, aarch64 (and its children) under qemu. */
function runProbe(arch: 'x86_64' | 'aarch64', binary: string) {
  const qemu = { PROBE_EXEC_WRAPPER: 'qemu-aarch64-static' };
  const [command, args, env] =
    arch === 'x86_64' ? [binary, [], {}] : ['qemu-aarch64-static', [binary], qemu];
  // in the test's own folder: a crashing child under qemu may leave a core file where it runs
  const result = spawnSync(command, args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 10 * 60 * 1000
  });
  return { ...result, results: probeResults(result.stdout ?? '') };
}

describe('examples/probe under the faithful stand-in', () => {
  const probeBinary = (layer: string, arch: string) =>
    path.join(dir, `target-probe-${layer}`, `${arch}-unknown-linux-cosmo`, 'release', 'probe');

  async function buildProbe(layer: 'on' | 'off') {
    const result = await buildAction(
      {
        'manifest-path': path.join(REPO_ROOT, 'examples', 'probe', 'Cargo.toml'),
        'output-dir': path.join(dir, `out-probe-${layer}`),
        'runtime-layer': layer === 'on' ? 'true' : 'false'
      },
      { CARGO_TARGET_DIR: path.join(dir, `target-probe-${layer}`) }
    );
    expectSuccess(result);
    return result;
  }

  it(
    'with the runtime layer: every category passes, x86_64 natively and aarch64 under qemu',
    async () => {
      const result = await buildProbe('on');
      expect(result.stdout).toMatch(/cosmocc's struct layouts match the generated libc/);
      // the translation is on, and the link maps show no Rust object bypassing its shims
      expect(result.stdout).toMatch(/boundary translation: \d+ constants in \d+ domains/);
      expect(result.stdout).toMatch(
        /boundary check: no Rust code calls a translated libc function directly \(2 binaries\)/
      );
      for (const arch of ['x86_64', 'aarch64'] as const) {
        const run = runProbe(arch, probeBinary('on', arch));
        const failed = [...run.results].filter(([, [verdict]]) => verdict !== 'pass');
        expect({ arch, failed, stderr: failed.length ? run.stderr : '' }).toEqual({
          arch,
          failed: [],
          stderr: ''
        });
        expect([...run.results.keys()]).toEqual(PROBE_CATEGORIES);
        expect(run.status).toBe(0);
      }
    },
    LONG
  );

  it(
    'without it (runtime-layer: false) the categories the facts name fail: the stand-in is faithful',
    async () => {
      const result = await buildProbe('off');
      expect(result.stdout).toMatch(/runtime-layer is false/);
      const x86 = runProbe('x86_64', probeBinary('off', 'x86_64'));
      expect(x86.status).not.toBe(0);
      // thread spawn trips the 64-byte pthread_attr_t; blocked waits busy-spin (no futex)
      expect(x86.results.get('threads')?.[0]).toBe('fail');
      expect(x86.results.get('sync')?.[0]).toBe('fail');
      const arm = runProbe('aarch64', probeBinary('off', 'aarch64'));
      expect(arm.status).not.toBe(0);
      // aarch64 reads cosmo's struct stat with musl's layout
      expect(arm.results.get('fs')?.[0]).toBe('fail');
      expect(arm.results.get('threads')?.[0]).toBe('fail');
    },
    LONG
  );
});
