/**
 * The probes before cargo, behind stamps, with real processes: the Debian rustc and cargo behind
 * scripts that count their calls. A hit runs neither; a changed compiler, manifest, target
 * folder, cargo config or CARGO_* variable asks again, and the log names what changed. A rustc
 * outside a sysroot (a rustup proxy is one) is never stamped.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planCrate } from '../../src/rust/crate.js';
import { inspectRustc, type RustToolchain } from '../../src/rust/toolchain.js';
import { requireTools } from '../helpers/kit.mjs';
import { MemoryHost } from '../helpers/memory-host.js';

let dir: string;
let calls: string;

beforeAll(() => {
  requireTools(['/usr/bin/rustc', '/usr/bin/cargo']);
  dir = mkdtempSync(path.join(os.tmpdir(), 'ape-probe-stamps-'));
  calls = path.join(dir, 'calls');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A script at `file` that records its arguments and runs `real`. */
function countingScript(file: string, real: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\necho "$*" >>'${calls}'\nexec ${real} "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

/** Calls of the counting scripts since the last look. */
function takeCalls(): string[] {
  const lines = existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean) : [];
  rmSync(calls, { force: true });
  return lines;
}

async function inspect(rustc: string, log: MemoryHost): Promise<RustToolchain> {
  const stamps = { dir: path.join(dir, 'work'), log };
  return inspectRustc(rustc, '/usr/bin/cargo', 'preinstalled', process.env, undefined, stamps);
}

describe('rustc probe stamp', () => {
  it('asks rustc once; a hit asks nothing; a rebuilt rustc is asked again', async () => {
    const toolchainDir = path.join(dir, 'toolchain');
    mkdirSync(path.join(toolchainDir, 'lib', 'rustlib'), { recursive: true });
    const rustc = countingScript(path.join(toolchainDir, 'bin', 'rustc'), '/usr/bin/rustc');

    const cold = new MemoryHost();
    const first = await inspect(rustc, cold);
    expect(takeCalls().sort()).toEqual(['--print sysroot', '-vV']);
    expect(cold.lines).toContain(
      'rustc probe: stamp miss (no stamp from an earlier run); running rustc -vV and --print sysroot'
    );

    const warm = new MemoryHost();
    const second = await inspect(rustc, warm);
    expect(takeCalls()).toEqual([]);
    expect(warm.lines).toContain(
      'rustc probe: stamp hit (rustc, toolchain lib, ape-action unchanged); reused'
    );
    expect(second).toEqual(first);

    utimesSync(rustc, new Date(2030, 0, 1), new Date(2030, 0, 1));
    const rebuilt = new MemoryHost();
    await inspect(rustc, rebuilt);
    expect(takeCalls()).toHaveLength(2);
    expect(rebuilt.lines).toContain(
      'rustc probe: stamp miss (changed: rustc); running rustc -vV and --print sysroot'
    );
  });

  it('always asks a rustc that is not in a sysroot (a rustup proxy runs whichever toolchain)', async () => {
    const proxy = countingScript(path.join(dir, 'cargo-bin', 'rustc'), '/usr/bin/rustc');
    for (let run = 0; run < 2; run++) {
      const log = new MemoryHost();
      await inspect(proxy, log);
      expect(takeCalls()).toHaveLength(2);
      expect(log.lines.join('\n')).toMatch(/rustc probe: not stamped \(.*rustup proxy\); probing/);
    }
  });
});

describe('cargo metadata stamp', () => {
  let crateDir: string;
  let toolchain: RustToolchain;

  beforeAll(async () => {
    crateDir = path.join(dir, 'ws', 'tool');
    mkdirSync(path.join(crateDir, 'src'), { recursive: true });
    writeFileSync(
      path.join(crateDir, 'Cargo.toml'),
      '[package]\nname = "tool"\nversion = "0.1.0"\nedition = "2021"\n'
    );
    writeFileSync(path.join(crateDir, 'src', 'main.rs'), 'fn main() {}\n');
    const real = await inspectRustc(
      '/usr/bin/rustc',
      '/usr/bin/cargo',
      'preinstalled',
      process.env
    );
    const cargo = countingScript(path.join(dir, 'cargo-wrapper', 'cargo'), '/usr/bin/cargo');
    toolchain = { ...real, cargo };
  });

  async function plan(env: Record<string, string> = toolchain.childEnv) {
    const log = new MemoryHost();
    const cargoHome = path.join(dir, 'cargo-home');
    const request = { manifestPath: path.join(crateDir, 'Cargo.toml'), bins: [], cargoHome };
    const stamps = { dir: path.join(dir, 'work'), log };
    const crate = await planCrate(request, { ...toolchain, childEnv: env }, log, stamps);
    const stampLine = log.lines.find(line => line.startsWith('cargo metadata: '));
    return { bins: crate.selection.bins.map(bin => bin.name), stampLine, calls: takeCalls() };
  }

  it('asks cargo once; a hit asks nothing', async () => {
    const cold = await plan();
    expect(cold.calls).toHaveLength(1);
    expect(cold.stampLine).toBe(
      'cargo metadata: stamp miss (no stamp from an earlier run); running cargo metadata --no-deps'
    );
    const warm = await plan();
    expect(warm).toEqual({
      bins: ['tool'],
      stampLine:
        'cargo metadata: stamp hit (cargo, manifest, ape-action, CARGO_* variables, cargo configs, manifests above unchanged); reused',
      calls: []
    });
  });

  it('asks again for a new bin file, an edited manifest, a cargo config or a CARGO_* variable', async () => {
    await plan();
    mkdirSync(path.join(crateDir, 'src', 'bin'));
    writeFileSync(path.join(crateDir, 'src', 'bin', 'extra.rs'), 'fn main() {}\n');
    const newBin = await plan();
    expect(newBin.calls).toHaveLength(1);
    // src/ and src/bin/ both changed: the new folder is in src/, the new file in src/bin/
    expect(newBin.stampLine).toContain(`${path.join(crateDir, 'src', 'bin')}); running cargo`);
    expect(newBin.bins.sort()).toEqual(['extra', 'tool']);

    const manifest = path.join(crateDir, 'Cargo.toml');
    writeFileSync(
      manifest,
      `${readFileSync(manifest, 'utf8')}\n[[bin]]\nname = "renamed"\npath = "src/main.rs"\n`
    );
    const edited = await plan();
    expect(edited.stampLine).toContain('stamp miss (changed: manifests above)');
    expect(edited.bins.sort()).toEqual(['extra', 'renamed']);

    mkdirSync(path.join(crateDir, '.cargo'));
    writeFileSync(
      path.join(crateDir, '.cargo', 'config.toml'),
      '[build]\ntarget-dir = "elsewhere"\n'
    );
    const configured = await plan();
    expect(configured.stampLine).toContain('stamp miss (changed: cargo configs)');
    expect(configured.calls).toHaveLength(1);

    // cargo's own config in CARGO_HOME counts too
    mkdirSync(path.join(dir, 'cargo-home'), { recursive: true });
    writeFileSync(path.join(dir, 'cargo-home', 'config.toml'), '[term]\nverbose = false\n');
    const homeConfigured = await plan();
    expect(homeConfigured.stampLine).toContain('stamp miss (changed: cargo configs)');

    const otherTarget = await plan({
      ...toolchain.childEnv,
      CARGO_TARGET_DIR: path.join(dir, 't')
    });
    expect(otherTarget.stampLine).toContain('stamp miss (changed: CARGO_* variables)');
    expect(otherTarget.calls).toHaveLength(1);
  });
});
