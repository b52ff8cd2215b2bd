/**
 * examples/probe built for the host with Debian's cargo, offline (crates.io replaced by the
 * combined vendor directory of test/helpers/offline-vendor.mjs), and run on plain Linux/glibc.
 * This tests the probe itself: every category must pass here, a failing or crashing category
 * must be reported as such without hiding the others, and children must go through
 * PROBE_EXEC_WRAPPER. (The end-to-end tests run the same crate built by the action.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTools } from '../helpers/kit.mjs';
import {
  makeOfflineCargoHome,
  offlineCargoConfig,
  PACKAGED_CRATES,
  STD_VENDOR_DIR
} from '../helpers/offline-vendor.mjs';
import { PROBE_CATEGORIES } from '../helpers/probe.js';

const CATEGORIES = PROBE_CATEGORIES;
const CRATE = fileURLToPath(new URL('../../examples/probe', import.meta.url));
const LINE = /^probe: (\S+) (pass|fail) (.+)$/;
const BUILD_TIMEOUT = 10 * 60 * 1000;

let dir: string;
let cargoHome: string;
let probe: string;

interface ProbeLine {
  category: string;
  verdict: string;
  detail: string;
}

interface ProbeRun {
  status: number | null;
  stdout: string;
  stderr: string;
  lines: ProbeLine[];
}

/** Every stdout line must be a category line: the output format is the probe's contract. */
function parseLines(stdout: string): ProbeLine[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map(line => {
      const match = LINE.exec(line);
      if (!match) throw new Error(`not a probe line: ${JSON.stringify(line)}`);
      return { category: match[1], verdict: match[2], detail: match[3] };
    });
}

function runProbe(args: string[], env: Record<string, string> = {}): ProbeRun {
  const baseEnv = { ...process.env };
  delete baseEnv.PROBE_EXEC_WRAPPER;
  const result = spawnSync(probe, args, {
    encoding: 'utf8',
    env: { ...baseEnv, ...env },
    timeout: 5 * 60 * 1000
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    lines: parseLines(result.stdout)
  };
}

function line(run: ProbeRun, category: string): ProbeLine {
  const found = run.lines.find(l => l.category === category);
  if (!found) throw new Error(`no line for ${category} in:\n${run.stdout}\n${run.stderr}`);
  return found;
}

function expectAllPass(run: ProbeRun, categories: string[]): void {
  const failed = run.lines.filter(l => l.verdict !== 'pass');
  expect({ failed, stderr: failed.length > 0 ? run.stderr : '' }).toEqual({
    failed: [],
    stderr: ''
  });
  expect(run.lines.map(l => l.category)).toEqual(categories);
  expect(run.status).toBe(0);
}

/** Debian's toolchain, offline, one target dir of our own; rustup's proxies stay out of it. */
function buildProbe(): string {
  const targetDir = path.join(dir, 'target');
  const result = spawnSync(
    '/usr/bin/cargo',
    ['build', '--release', '--locked', '--manifest-path', path.join(CRATE, 'Cargo.toml')],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: ['/usr/bin', '/bin', process.env.PATH ?? ''].join(':'),
        RUSTC: '/usr/bin/rustc',
        CARGO_HOME: cargoHome,
        CARGO_TARGET_DIR: targetDir,
        CARGO_TERM_COLOR: 'never'
      }
    }
  );
  if (result.status !== 0) {
    throw new Error(`cargo build of the probe failed (${result.status}):\n${result.stderr}`);
  }
  return path.join(targetDir, 'release', 'probe');
}

/**
 * A wrapper that logs each child it starts and runs it without exec (so an abort reaches the
 * parent as exit status 134); started for the `errors` category it crashes instead, as a
 * category with a broken runtime would.
 */
function writeCrashingWrapper(log: string): string {
  const wrapper = path.join(dir, 'wrapper.sh');
  writeFileSync(
    wrapper,
    `#!/bin/sh
ulimit -c 0
printf '%s\\n' "$*" >> '${log}'
case "$*" in
  *"--in-process errors"*) echo "simulated crash in errors" >&2; kill -SEGV $$ ;;
esac
"$@"
`
  );
  chmodSync(wrapper, 0o755);
  return wrapper;
}

beforeAll(() => {
  requireTools(['/usr/bin/cargo', '/usr/bin/rustc', 'gcc']);
  dir = mkdtempSync(path.join(os.tmpdir(), 'probe-host-'));
  cargoHome = makeOfflineCargoHome(path.join(dir, 'cargo-home'));
  probe = buildProbe();
}, BUILD_TIMEOUT);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the offline cargo home', () => {
  it('replaces crates.io with one vendor dir holding std vendored crates and packaged cc', () => {
    const vendor = path.join(cargoHome, 'vendor');
    expect(readFileSync(path.join(cargoHome, 'config.toml'), 'utf8')).toBe(
      offlineCargoConfig(vendor)
    );
    expect(offlineCargoConfig(vendor)).toContain('replace-with = "offline-vendor"');
    expect(existsSync(path.join(vendor, 'libc-0.2.183', 'Cargo.toml'))).toBe(true);
    for (const crate of PACKAGED_CRATES) {
      const checksum = JSON.parse(
        readFileSync(
          path.join(vendor, `${crate.name}-${crate.version}`, '.cargo-checksum.json'),
          'utf8'
        )
      );
      expect(checksum).toEqual({ files: {}, package: crate.checksum });
    }
  });

  it("the probe's committed Cargo.lock pins exactly what it serves, with crates.io checksums", () => {
    const lock = readFileSync(path.join(CRATE, 'Cargo.lock'), 'utf8');
    const stdLibc = JSON.parse(
      readFileSync(path.join(STD_VENDOR_DIR, 'libc-0.2.183', '.cargo-checksum.json'), 'utf8')
    );
    const cc = PACKAGED_CRATES.find(crate => crate.name === 'cc');
    expect(lock).toContain(
      `name = "libc"\nversion = "0.2.183"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${stdLibc.package}"`
    );
    expect(lock).toContain(
      `name = "cc"\nversion = "1.0.73"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${cc?.checksum}"`
    );
  });
});

describe('probe on the host', () => {
  it('passes every category, one line each, in order, each category in its own child', () => {
    const run = runProbe([]);
    expectAllPass(run, CATEGORIES);
    expect(line(run, 'sync').detail).toMatch(/blocked 1 s used \d+ ms cpu/);
    expect(line(run, 'panic').detail).toContain('killed by SIGABRT');
  });

  it('runs in-process, and only the categories named', () => {
    const run = runProbe(['--in-process', 'time', 'ffi']);
    expectAllPass(run, ['time', 'ffi']);
    expect(line(run, 'ffi').detail).toContain('"probe ✓|48879|beef|1234.568|48879000342153"');
  });

  it('starts children through PROBE_EXEC_WRAPPER; a crashing category fails alone', () => {
    const log = path.join(dir, 'wrapper.log');
    const run = runProbe([], { PROBE_EXEC_WRAPPER: writeCrashingWrapper(log) });
    expect(run.lines.map(l => l.category)).toEqual(CATEGORIES);
    expect(line(run, 'errors')).toEqual({
      category: 'errors',
      verdict: 'fail',
      detail:
        'killed by signal 11 (SIGSEGV) before printing its line; stderr: simulated crash in errors'
    });
    expect(run.lines.filter(l => l.verdict === 'fail').map(l => l.category)).toEqual(['errors']);
    expect(line(run, 'panic').detail).toContain('exit status 134');
    expect(line(run, 'process').detail).toContain('(via ');
    expect(run.status).toBe(1);
    const started = readFileSync(log, 'utf8');
    expect(started).toContain(`${probe} --probe-child ping\n`);
    expect(started).toContain(`${probe} --in-process fs\n`);
    // children of a category's child use the wrapper too
    expect(started).toContain(`${probe} --probe-child panic\n`);
  });

  it('reports failing checks as fail with the reason, runs the rest, exits 1', () => {
    // a wrapper that starts nothing: the probe cannot start itself, so it runs in-process
    const run = runProbe([], { PROBE_EXEC_WRAPPER: '/bin/false' });
    expect(run.stderr).toContain('running categories in-process');
    expect(run.lines.map(l => l.category)).toEqual(CATEGORIES);
    const failed = run.lines.filter(l => l.verdict === 'fail').map(l => l.category);
    expect(failed).toEqual(['process', 'stdio', 'env', 'random', 'panic']);
    expect(line(run, 'process').detail).toBe('child exiting with 0: exit 1');
    expect(run.status).toBe(1);
  });

  it('rejects an unknown category with the usage, exit 2', () => {
    const run = runProbe(['filesystem']);
    expect(run.status).toBe(2);
    expect(run.lines).toEqual([]);
    expect(run.stderr).toContain("unknown category or option 'filesystem'");
    expect(run.stderr).toContain('usage: probe [--in-process] [CATEGORY...]');
  });
});
