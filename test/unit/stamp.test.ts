import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cosmoccTools } from '../../src/cosmocc/tools.js';
import { planTargets } from '../../src/plan.js';
import type { GeneratedLayer, RuntimeLayerRequest } from '../../src/runtime/layer.js';
import { reuseOrGenerate } from '../../src/runtime/layer-stamp.js';
import type { RustToolchain } from '../../src/rust/toolchain.js';
import { readStamp, stampMissReason, writeStamp } from '../../src/stamp.js';
import { MemoryHost } from '../helpers/memory-host.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ape-stamp-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('stamps', () => {
  it('name every input that changed, and miss without a stored stamp', () => {
    expect(stampMissReason(undefined, { a: '1' })).toBe('no stamp from an earlier run');
    expect(stampMissReason({ a: '1', b: '2' }, { a: '1', b: '2' })).toBeUndefined();
    expect(stampMissReason({ a: '1', b: '2' }, { a: '1', b: '3', c: '4' })).toBe('changed: b, c');
  });

  it('round-trip the result; an unreadable file is a miss, not an error', async () => {
    const file = path.join(tempDir(), 'sub', 'stamp.json');
    expect(await readStamp(file, { a: '1' })).toEqual({ reason: 'no stamp from an earlier run' });
    await writeStamp(file, { a: '1' }, { value: 42 });
    expect(await readStamp(file, { a: '1' })).toEqual({ result: { value: 42 } });
    expect(await readStamp(file, { a: '2' })).toEqual({ reason: 'changed: a' });
    writeFileSync(file, '{ not json');
    expect((await readStamp(file, { a: '1' })).reason).toBe('no stamp from an earlier run');
  });
});

describe('the runtime layer on a warm run', () => {
  /** A cosmocc folder and a crate's lockfile, made once: the stamp reads them. */
  function machine(dir: string): void {
    const root = path.join(dir, 'cosmocc');
    mkdirSync(path.join(root, 'bin'), { recursive: true });
    mkdirSync(path.join(root, 'include'), { recursive: true });
    writeFileSync(path.join(root, 'bin', 'x86_64-unknown-cosmo-cc'), '#!/bin/sh\n');
    writeFileSync(path.join(root, 'include', 'cosmo.h'), 'int cosmo_futex_wait();\n');
    writeFileSync(path.join(dir, 'Cargo.lock'), 'version = 4\n');
  }

  function request(dir: string, log: MemoryHost): RuntimeLayerRequest {
    const root = path.join(dir, 'cosmocc');
    const toolchain = {
      versionLine: 'rustc 1.96.0',
      sysroot: '/sysroot',
      rustSrc: path.join(dir, 'rust-src'),
      childEnv: {}
    } as unknown as RustToolchain;
    return {
      toolchain,
      plan: planTargets(['x86_64'], dir),
      tools: cosmoccTools(root),
      crate: {
        manifestPath: path.join(dir, 'Cargo.toml'),
        metadata: { workspace_root: dir } as RuntimeLayerRequest['crate']['metadata']
      },
      workDir: path.join(dir, 'work'),
      log
    };
  }

  function generator(dir: string) {
    const calls: number[] = [];
    const generate = async (): Promise<GeneratedLayer> => {
      calls.push(calls.length);
      const object = path.join(dir, 'shim-x86_64.o');
      writeFileSync(object, 'obj');
      const layer = {
        cargoEnv: {},
        cargoArgs: [],
        linkArgs: { x86_64: [object] },
        fingerprint: 'f',
        enabled: true
      };
      return { layer, files: [object], warnings: ['your own libc patch wins'] };
    };
    return { calls, generate };
  }

  it('reuses the result while nothing changed, and says why it does not when something did', async () => {
    const dir = tempDir();
    machine(dir);
    const log = new MemoryHost();
    const { calls, generate } = generator(dir);
    const first = await reuseOrGenerate(request(dir, log), generate);
    const second = await reuseOrGenerate(request(dir, log), generate);
    expect(second).toEqual(first);
    expect(calls).toHaveLength(1);
    expect(log.lines.join('\n')).toMatch(/stamp miss \(no stamp from an earlier run\)/);
    expect(log.lines.join('\n')).toMatch(/stamp hit \(rustc, .*Cargo\.lock.* unchanged\); reused/);
    // the warning of the run that generated it is repeated on the run that reuses it
    expect(log.lines.filter(line => line === 'warning: your own libc patch wins')).toHaveLength(1);

    writeFileSync(path.join(dir, 'Cargo.lock'), 'version = 4\n# a dependency bump\n');
    await reuseOrGenerate(request(dir, log), generate);
    expect(calls).toHaveLength(2);
    expect(log.lines.at(-1)).toMatch(/stamp miss \(changed: Cargo\.lock\); generating/);

    rmSync(path.join(dir, 'shim-x86_64.o'));
    await reuseOrGenerate(request(dir, log), generate);
    expect(calls).toHaveLength(3);
    expect(log.lines.at(-1)).toMatch(/generated files are gone .*shim-x86_64\.o/);
  });
});
