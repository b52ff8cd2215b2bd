/**
 * Checks a target spec with the rustc that will use it, before cargo spends minutes building std.
 * `--print cfg` only parses the JSON: a data-layout that disagrees with LLVM passes it. Compiling
 * a tiny `#![no_core]` crate to an object reaches LLVM, which checks the layout against the LLVM
 * target, so a spec that passes here is one rustc can really generate code for.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Arch } from '../arch.js';
import { runChecked } from '../process.js';
import type { RustToolchain } from './toolchain.js';

/**
 * The smallest crate that makes rustc run LLVM: no core, no lang items (their names drift
 * between versions), just a crate rustc must emit an object for.
 */
export const PROBE_CRATE_SOURCE = '#![feature(no_core)]\n#![no_core]\n';

/** argv of the probe compile (pure). */
export function probeCompileArgs(specPath: string, source: string, object: string): string[] {
  return [
    '-Z',
    'unstable-options',
    '--target',
    specPath,
    '--crate-name',
    'ape_action_spec_probe',
    '--crate-type',
    'lib',
    '--emit',
    'obj',
    '-o',
    object,
    source
  ];
}

/**
 * Compiles the probe crate for `specPath` with the toolchain's rustc. Throws an ActionError with
 * rustc's own message when the spec is rejected; returns rustc's warnings ('' when none).
 */
export async function validateTargetSpec(
  toolchain: RustToolchain,
  arch: Arch,
  specPath: string
): Promise<string> {
  // next to the spec: the runner's temp dir, never a global one
  const dir = await mkdtemp(path.join(path.dirname(path.resolve(specPath)), '.spec-probe-'));
  try {
    const source = path.join(dir, 'probe.rs');
    await writeFile(source, PROBE_CRATE_SOURCE);
    const args = probeCompileArgs(path.resolve(specPath), source, path.join(dir, 'probe.o'));
    // The probe needs unstable features on any channel; cwd keeps a crate's rust-toolchain.toml
    // out of the picture for rustup proxies.
    const result = await runChecked(toolchain.rustc, args, {
      env: { ...toolchain.childEnv, RUSTC_BOOTSTRAP: '1' },
      cwd: dir,
      failure: `${toolchain.versionLine} (${toolchain.rustc}) rejects the ${arch} target spec ${specPath}`
    });
    return result.stderr.trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
