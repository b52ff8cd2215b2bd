/**
 * Every real rustc on the machine derives, writes and validates both cosmo specs, and its
 * validation catches a wrong data-layout that `--print cfg` lets through. Needs the offline kit's
 * Debian rustc (scripts/install-test-kit.sh) plus at least one more rustc (rustup toolchains are
 * found under $RUSTUP_HOME or ~/.rustup).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KIT_HINT } from '../helpers/kit.mjs';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ActionError } from '../../src/errors.js';
import { MemoryHost } from '../helpers/memory-host.js';
import { cosmoTarget, type Arch } from '../../src/arch.js';
import { planTargets } from '../../src/plan.js';
import {
  printBuiltinSpec,
  renderTargetSpec,
  writeTargetSpecs,
  type TargetSpec
} from '../../src/rust/target-spec.js';
import { run } from '../../src/process.js';
import { inspectRustc, type RustToolchain } from '../../src/rust/toolchain.js';
import { testRunnerEnv } from '../helpers/memory-host.js';
import { validateTargetSpec } from '../../src/rust/validate-spec.js';

const DEBIAN_RUSTC = '/usr/bin/rustc';

/** Real rustc binaries (never rustup proxies), one per distinct version. */
function findRustcs(): string[] {
  const candidates = [DEBIAN_RUSTC];
  const toolchains = path.join(testRunnerEnv().rustupHome, 'toolchains');
  if (existsSync(toolchains)) {
    for (const name of readdirSync(toolchains).sort()) {
      candidates.push(path.join(toolchains, name, 'bin', 'rustc'));
    }
  }
  const byVersion = new Map<string, string>();
  for (const rustc of candidates.filter(c => existsSync(c))) {
    const version = execFileSync(rustc, ['-V'], { encoding: 'utf8' }).trim();
    if (!byVersion.has(version)) byVersion.set(version, rustc);
  }
  return [...byVersion.values()];
}

const rustcs = findRustcs();

describe('the machine has the compilers this suite needs', () => {
  it(`has the Debian rustc (${KIT_HINT})`, () => {
    if (!rustcs.includes(DEBIAN_RUSTC)) throw new Error(`${DEBIAN_RUSTC} is missing: ${KIT_HINT}`);
  });
  it('has at least one more rustc version than the Debian one', () => {
    if (rustcs.length < 2) {
      throw new Error(
        `only ${rustcs.length} rustc found (${rustcs.join(', ')}); install rustup's stable or a nightly too, so specs are checked against more than one rustc`
      );
    }
  });
});

/** Real drift of the past: LLVM 18 added `-i128:128` on x86_64, LLVM 20 added `-Fn32` on aarch64. */
const OUTDATED_LAYOUT_PART: Record<Arch, string> = { x86_64: '-i128:128', aarch64: '-Fn32' };

describe.each(rustcs)('target specs with %s', rustc => {
  let toolchain: RustToolchain;
  let dir: string;

  beforeAll(async () => {
    toolchain = await inspectRustc(
      rustc,
      path.join(path.dirname(rustc), 'cargo'),
      'preinstalled',
      process.env
    );
    dir = await mkdtemp(path.join(os.tmpdir(), 'ape-action-specs-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe.each(['x86_64', 'aarch64'] as const)('%s', arch => {
    const specFor = async (sub: string): Promise<string> => {
      const host = new MemoryHost();
      const targets = planTargets([arch], path.join(dir, sub));
      await writeTargetSpecs(toolchain, targets, host);
      expect(host.lines.filter(l => l.startsWith('warning'))).toEqual([]);
      return targets[0].spec;
    };

    it('derives from the live builtin spec and validates with the same rustc', async () => {
      const specPath = await specFor(arch);
      expect(path.basename(specPath)).toBe(`${cosmoTarget(arch)}.json`);
      const spec = JSON.parse(await readFile(specPath, 'utf8')) as TargetSpec;
      const builtin = await printBuiltinSpec(toolchain, arch);
      expect(spec['data-layout']).toBe(builtin['data-layout']);
      expect(spec['llvm-target']).toBe(builtin['llvm-target']);
      expect(await validateTargetSpec(toolchain, arch, specPath)).toBe('');
    });

    it('is read back by rustc with the cosmo overrides in force', async () => {
      const specPath = await specFor(`${arch}-roundtrip`);
      const printed = await run(
        toolchain.rustc,
        ['-Z', 'unstable-options', '--print', 'target-spec-json', '--target', specPath],
        { env: { ...toolchain.childEnv, RUSTC_BOOTSTRAP: '1' } }
      );
      expect(printed.stderr).toBe('');
      const spec = JSON.parse(printed.stdout) as TargetSpec;
      expect(spec).toMatchObject({
        'relocation-model': 'static',
        'frame-pointer': 'always',
        'panic-strategy': 'abort',
        'crt-objects-fallback': 'false'
      });
      // rustc prints only what differs from its defaults: these are true in the musl builtin and
      // false (so left out) once the overrides are in force.
      for (const field of [
        'has-thread-local',
        'position-independent-executables',
        'dynamic-linking'
      ]) {
        expect(spec[field] ?? false).toBe(false);
      }
      // rustc prints only what differs from its defaults: the small code model is the default
      expect(spec['code-model']).toBeUndefined();
      if (arch === 'aarch64') expect(String(spec.features)).toContain('+reserve-x18,+reserve-x28');
    });

    it('rejects an outdated data-layout that --print cfg accepts', async () => {
      const goodPath = await specFor(`${arch}-bad`);
      const spec = JSON.parse(await readFile(goodPath, 'utf8')) as TargetSpec;
      const layout = String(spec['data-layout']);
      const outdated = layout.replace(OUTDATED_LAYOUT_PART[arch], '');
      expect(outdated).not.toBe(layout);
      const badPath = path.join(dir, `${arch}-bad`, `${cosmoTarget(arch)}.json`);
      await writeFile(badPath, renderTargetSpec({ ...spec, 'data-layout': outdated }));

      const cfg = await run(
        toolchain.rustc,
        ['-Z', 'unstable-options', '--print', 'cfg', '--target', badPath],
        { env: { ...toolchain.childEnv, RUSTC_BOOTSTRAP: '1' } }
      );
      expect(cfg.exitCode).toBe(0);
      expect(cfg.stdout).toContain(`target_arch="${arch}"`);

      const failure = await validateTargetSpec(toolchain, arch, badPath).then(
        () => undefined,
        (err: unknown) => err
      );
      expect(failure).toBeInstanceOf(ActionError);
      const message = (failure as Error).message;
      expect(message).toContain(toolchain.versionLine);
      expect(message).toContain(`${arch} target spec`);
      expect(message).toContain('data-layout');
      expect(message).toContain(outdated);
    });
  });

  it.each([
    ['an empty link-args list', { 'late-link-args': { 'gnu-cc': [] } }, 'must not be empty'],
    ['is-builtin', { 'is-builtin': false }, 'unknown field']
  ])('rejects a spec with %s (what deriveTargetSpec removes)', async (_what, extra, complaint) => {
    const host = new MemoryHost();
    const good = planTargets(['x86_64'], path.join(dir, 'schema'));
    await writeTargetSpecs(toolchain, good, host);
    const spec = JSON.parse(await readFile(good[0].spec, 'utf8')) as TargetSpec;
    const badPath = path.join(dir, 'schema', 'rejected.json');
    await writeFile(badPath, renderTargetSpec({ ...spec, ...extra }));
    await expect(validateTargetSpec(toolchain, 'x86_64', badPath)).rejects.toThrow(complaint);
  });

  it('writes both specs in one call, with stable names', async () => {
    const host = new MemoryHost();
    const targets = planTargets(['aarch64', 'x86_64'], path.join(dir, 'both'));
    await writeTargetSpecs(toolchain, targets, host);
    expect(targets.map(t => t.spec)).toEqual([
      path.join(dir, 'both', 'x86_64-unknown-linux-cosmo.json'),
      path.join(dir, 'both', 'aarch64-unknown-linux-cosmo.json')
    ]);
    for (const target of targets) {
      const spec = JSON.parse(await readFile(target.spec, 'utf8')) as TargetSpec;
      expect(spec.linker).toBe(target.linker);
    }
    expect(host.lines.join('\n')).toContain(toolchain.versionLine);
  });
});
