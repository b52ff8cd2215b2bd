/**
 * The stamps of a warm run, with real processes: target specs derived and validated by the
 * Debian rustc (behind a script that counts its calls) and linker wrappers run by /bin/sh. A hit
 * runs no rustc and rewrites nothing; a changed input or an edited file redoes the work, and the
 * log says which stamp hit or missed and why.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planTargets } from '../../src/plan.js';
import { writeLinkerWrappers } from '../../src/rust/linker-wrapper.js';
import { writeTargetSpecs } from '../../src/rust/target-spec.js';
import { inspectRustc, type RustToolchain } from '../../src/rust/toolchain.js';
import { KIT_HINT } from '../helpers/kit.mjs';
import { MemoryHost } from '../helpers/memory-host.js';

const DEBIAN_RUSTC = '/usr/bin/rustc';

let dir: string;
let calls: string;
let toolchain: RustToolchain;

beforeAll(async () => {
  if (!existsSync(DEBIAN_RUSTC)) throw new Error(`${DEBIAN_RUSTC} is missing: ${KIT_HINT}`);
  dir = mkdtempSync(path.join(os.tmpdir(), 'ape-target-stamps-'));
  calls = path.join(dir, 'rustc-calls');
  const rustc = path.join(dir, 'rustc');
  writeFileSync(rustc, `#!/bin/sh\necho "$*" >>'${calls}'\nexec ${DEBIAN_RUSTC} "$@"\n`);
  chmodSync(rustc, 0o755);
  toolchain = await inspectRustc(rustc, '/usr/bin/cargo', 'preinstalled', process.env);
  rustcCalls(); // -vV and --print sysroot
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** rustc calls since the last look. */
function rustcCalls(): string[] {
  const lines = existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean) : [];
  rmSync(calls, { force: true });
  return lines;
}

describe('target spec stamps', () => {
  it('derive and validate once; a hit runs no rustc; a changed rustc or an edited spec redoes it', async () => {
    const targets = planTargets(['x86_64', 'aarch64'], path.join(dir, 'specs'));
    const log = new MemoryHost();
    await writeTargetSpecs(toolchain, targets, log);
    // print and validate, per arch
    expect(rustcCalls()).toHaveLength(4);
    expect(log.lines).toContain(
      'x86_64 target spec: stamp miss (no stamp from an earlier run); deriving and validating'
    );
    const specs = targets.map(target => readFileSync(target.spec, 'utf8'));

    const warm = new MemoryHost();
    await writeTargetSpecs(toolchain, targets, warm);
    expect(rustcCalls()).toEqual([]);
    for (const arch of ['x86_64', 'aarch64']) {
      expect(warm.lines).toContain(
        `${arch} target spec: stamp hit (rustc, ape-action, linker unchanged); reused`
      );
    }
    expect(warm.lines.join('\n')).toContain(`Target spec ${targets[0].spec}`);
    expect(targets.map(target => readFileSync(target.spec, 'utf8'))).toEqual(specs);

    const otherRustc = { ...toolchain, versionLine: `${toolchain.versionLine} (rebuilt)` };
    const changed = new MemoryHost();
    await writeTargetSpecs(otherRustc, targets.slice(0, 1), changed);
    expect(rustcCalls()).toHaveLength(2);
    expect(changed.lines).toContain(
      'x86_64 target spec: stamp miss (changed: rustc); deriving and validating'
    );

    writeFileSync(targets[1].spec, '{}\n');
    const edited = new MemoryHost();
    await writeTargetSpecs(toolchain, targets.slice(1), edited);
    expect(rustcCalls()).toHaveLength(2);
    expect(edited.lines).toContain(
      `aarch64 target spec: stamp miss (${targets[1].spec} was changed or removed); deriving and validating`
    );
    expect(readFileSync(targets[1].spec, 'utf8')).toBe(specs[1]);
  });

  it('derive again for a spec that names another linker', async () => {
    const [target] = planTargets(['x86_64'], path.join(dir, 'linker'));
    await writeTargetSpecs(toolchain, [target], new MemoryHost());
    rustcCalls();
    const log = new MemoryHost();
    const moved = { ...target, linker: path.join(dir, 'elsewhere', 'x86_64-linker') };
    await writeTargetSpecs(toolchain, [moved], log);
    expect(rustcCalls()).toHaveLength(2);
    expect(log.lines).toContain(
      'x86_64 target spec: stamp miss (changed: linker); deriving and validating'
    );
    expect(JSON.parse(readFileSync(target.spec, 'utf8')).linker).toBe(moved.linker);
  });
});

describe('linker wrapper stamps', () => {
  it('write once; a hit rewrites nothing; a changed text or an edited file rewrites it', async () => {
    const compiler = path.join(dir, 'x86_64-unknown-cosmo-cc');
    writeFileSync(compiler, '#!/bin/sh\nexit 0\n');
    chmodSync(compiler, 0o755);
    const targets = planTargets(['x86_64'], path.join(dir, 'wrappers'));
    const wrapper = targets[0].linker;
    const write = async (linkArgs: string[]) => {
      const log = new MemoryHost();
      await writeLinkerWrappers(targets, () => compiler, { x86_64: linkArgs }, log);
      return log.lines;
    };

    expect(await write(['/shim.o'])).toEqual([
      'x86_64 linker wrapper: stamp miss (no stamp from an earlier run); writing it'
    ]);
    const first = readFileSync(wrapper, 'utf8');
    expect(first).toContain("'/shim.o'");

    // a hit writes nothing: the file keeps an older modification time
    const past = new Date(Date.now() - 60_000);
    utimesSync(wrapper, past, past);
    expect(await write(['/shim.o'])).toEqual([
      'x86_64 linker wrapper: stamp hit (wrapper unchanged); reused'
    ]);
    expect(Math.round(statSync(wrapper).mtimeMs)).toBe(past.getTime());

    // any new argument (a linker map file, say) changes the text, so the wrapper is rewritten
    expect(await write(['/shim.o', '-Wl,-Map,/x86_64.map'])).toEqual([
      'x86_64 linker wrapper: stamp miss (changed: wrapper); writing it'
    ]);
    expect(readFileSync(wrapper, 'utf8')).toContain("'-Wl,-Map,/x86_64.map'");

    const written = readFileSync(wrapper, 'utf8');
    writeFileSync(wrapper, '#!/bin/sh\n');
    expect(await write(['/shim.o', '-Wl,-Map,/x86_64.map'])).toEqual([
      `x86_64 linker wrapper: stamp miss (${wrapper} was changed or removed); writing it`
    ]);
    expect(readFileSync(wrapper, 'utf8')).toBe(written);
    rmSync(wrapper);
    expect(await write(['/shim.o', '-Wl,-Map,/x86_64.map'])).toEqual([
      `x86_64 linker wrapper: stamp miss (${wrapper} was changed or removed); writing it`
    ]);
    expect(statSync(wrapper).mode & 0o111).not.toBe(0);
  });
});
