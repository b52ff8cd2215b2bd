/**
 * The cosmo runtime layer stage: what makes the produced binary correct under the real cosmo
 * (FACTS: "Real cosmo 4.0.2 versus what Rust's std assumes"), derived from the toolchain and the
 * sources in use and checked at build time, never a hand-kept patch:
 * - both sides of every struct layout: cosmocc's own headers measured and static-asserted
 *   (layout-check.ts), and a `libc` crate generated from the exact source in use with cosmo's
 *   layouts and const asserts (libc-crate.ts);
 * - std built through a copy of rust-src's `library/` workspace that patches in that libc, and
 *   the user's graph patched the same way through cargo `--config` (std-workspace.ts); the
 *   user's files and the toolchain's sysroot are never edited;
 * - boundary translation (boundary/): the generated libc and std's copy link the functions that
 *   take or return per-host values (flags, errno, signals, clock ids, ...) to C shims that
 *   translate between Linux's values and the host's; among them a Rust-only `syscall` that routes
 *   futex and getrandom to cosmo (syscall-shim.ts). Compiled by cosmocc and linked by the wrapper
 *   (shim-objects.ts).
 * A drift anywhere stops the build naming what drifted.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Arch } from '../arch.js';
import type { CosmoccTools } from '../cosmocc/tools.js';
import type { Log } from '../log.js';
import { runChecked } from '../process.js';
import type { ArchPlanEntry, ArchTarget } from '../plan.js';
import type { Crate } from '../rust/crate.js';
import type { RustToolchain } from '../rust/toolchain.js';
import { reuseOrGenerate } from './layer-stamp.js';
import { checkCosmoLayouts } from './layout-check.js';
import { buildShimObjects } from './shim-objects.js';
import { tableFigures } from './boundary/tables.js';
import { checkBoundaryCalls } from './boundary/link-check.js';
import { redirectedFunctions } from './libc-crate.js';
import { patchUserLibc, prepareCosmoStd, tomlString, type CargoMetadata } from './std-workspace.js';

export interface RuntimeLayerRequest {
  toolchain: RustToolchain;
  plan: readonly ArchTarget[];
  tools: CosmoccTools;
  /** The user's crate: its manifest and workspace root (where Cargo.lock is). */
  crate: Pick<Crate, 'manifestPath' | 'metadata'>;
  /** Where generated files live; kept at the same path between runs (cargo's fingerprints). */
  workDir: string;
  log: Log;
}

export interface RuntimeLayer {
  /** For cargo's environment: the std workspace copy. */
  cargoEnv: Record<string, string>;
  /** For cargo's argv: the user's libc patches (and the lockfile copy they need). */
  cargoArgs: string[];
  /** Appended to each arch's link line: the shim object and the strerror binding. */
  linkArgs: Partial<Record<Arch, string[]>>;
  /** Changes whenever anything the layer puts into the build changes (for cache keys). */
  fingerprint: string;
  /** False for `runtime-layer: false`. */
  enabled: boolean;
}

/** What a generation leaves behind, for the stamp: the files a reuse needs, warnings to repeat. */
export interface GeneratedLayer {
  layer: RuntimeLayer;
  files: string[];
  warnings: string[];
}

/** The stage's work: reused from the last run when nothing it depends on changed (stamp). */
export async function prepareRuntimeLayer(request: RuntimeLayerRequest): Promise<RuntimeLayer> {
  return reuseOrGenerate(request, generateRuntimeLayer);
}

async function generateRuntimeLayer(request: RuntimeLayerRequest): Promise<GeneratedLayer> {
  const { toolchain, tools, log } = request;
  const arches = request.plan.map(entry => entry.arch);
  const dir = path.join(request.workDir, 'runtime');
  await Promise.all(
    arches.map(arch => checkCosmoLayouts(tools.compiler(arch), arch, path.join(dir, 'layout')))
  );
  log.info(`cosmocc's struct layouts match the generated libc (${arches.join(', ')})`);
  const std = await prepareCosmoStd({
    rustSrcLibrary: path.join(toolchain.rustSrc, 'library'),
    workDir: dir,
    cargo: toolchain.cargo,
    env: toolchain.childEnv
  });
  log.info(`std builds through ${std.srcRoot} with libc ${std.libc.version} (${std.libc.dir})`);
  const user = await patchUsersLibc(request, dir, std.libc);
  const shims = await buildShimObjects({
    arches,
    compilerFor: arch => tools.compiler(arch),
    includeDir: tools.include,
    libcSrc: std.libc.dir,
    workDir: path.join(dir, 'shim')
  });
  logTranslation(log, shims);
  const linkArgs = Object.fromEntries(arches.map(arch => [arch, shims[arch]?.linkArgs ?? []]));
  const libcDirs = [std.libc.dir, ...user.libcDirs];
  const fingerprint = fingerprintOf(libcDirs, shims);
  const objects = Object.values(shims).map(shim => shim.object);
  return {
    layer: { cargoEnv: std.env, cargoArgs: user.cargoArgs, linkArgs, fingerprint, enabled: true },
    files: [std.srcRoot, ...libcDirs, ...objects],
    warnings: user.warnings
  };
}

/** One line on what the boundary translation covers, from the tables actually generated. */
function logTranslation(log: Log, shims: Awaited<ReturnType<typeof buildShimObjects>>): void {
  const first = Object.values(shims)[0];
  if (!first) return;
  const figures = tableFigures(first.paired);
  const functions = redirectedFunctions().size;
  log.info(
    `boundary translation: ${figures.names} constants in ${figures.domains} domains paired with ` +
      `cosmo's, ${figures.identity} domains proven equal, ${functions} libc functions through shims`
  );
}

/**
 * The user's graph gets the same generated libc through `--config patch...`. cargo writes the
 * patched resolution into the lockfile, so it works on a copy of Cargo.lock (cargo's
 * `-Z lockfile-path`), resolved once here so that a `--locked` build finds it up to date.
 */
async function patchUsersLibc(
  request: RuntimeLayerRequest,
  dir: string,
  stdLibc: { dir: string; version: string }
): Promise<{ cargoArgs: string[]; libcDirs: string[]; warnings: string[] }> {
  const { toolchain, log } = request;
  const { manifestPath } = request.crate;
  const metadata = await cargoMetadata(toolchain, manifestPath, []);
  const patch = await patchUserLibc(metadata, { workDir: dir, std: stdLibc });
  const { warnings } = patch;
  for (const warning of warnings) log.warning(warning);
  if (patch.configArgs.length === 0) return { cargoArgs: [], libcDirs: [], warnings };
  const cargoArgs = [...(await lockfileCopyArgs(request, dir)), ...patch.configArgs];
  await cargoMetadata(toolchain, manifestPath, cargoArgs);
  const versions = patch.patched.map(libc => libc.version).join(', ');
  log.info(`your crate's libc ${versions} is patched to the generated copy for this build`);
  return { cargoArgs, libcDirs: patch.patched.map(libc => libc.dir), warnings };
}

async function lockfileCopyArgs(request: RuntimeLayerRequest, dir: string): Promise<string[]> {
  const original = path.join(request.crate.metadata.workspace_root, 'Cargo.lock');
  const copy = path.join(dir, 'lockfile', 'Cargo.lock');
  await mkdir(path.dirname(copy), { recursive: true });
  if (existsSync(original)) await copyFile(original, copy);
  return ['-Z', 'lockfile-path', '--config', `resolver.lockfile-path=${tomlString(copy)}`];
}

async function cargoMetadata(
  toolchain: RustToolchain,
  manifestPath: string,
  extraArgs: string[]
): Promise<CargoMetadata> {
  const args = ['metadata', '--format-version', '1', '--manifest-path', manifestPath];
  const result = await runChecked(toolchain.cargo, [...args, ...extraArgs], {
    env: toolchain.childEnv,
    failure: `cargo metadata (with dependencies) failed for ${manifestPath}`,
    tailChars: 2000
  });
  return JSON.parse(result.stdout) as CargoMetadata;
}

/** A hash of every generated input: the libc copies are named by their content hash already. */
function fingerprintOf(
  libcDirs: string[],
  shims: Partial<Record<Arch, { source: string }>>
): string {
  const hash = createHash('sha256');
  for (const dir of [...new Set(libcDirs)].sort()) hash.update(path.basename(dir)).update('\0');
  for (const [arch, shim] of Object.entries(shims).sort()) {
    hash.update(arch).update(shim.source);
  }
  return hash.digest('hex').slice(0, 16);
}

/** The stage: the layer, or (`runtime-layer: false`) stock std, said plainly in the log. */
export async function runtimeLayerFor(
  enabled: boolean,
  request: RuntimeLayerRequest
): Promise<RuntimeLayer> {
  return enabled ? prepareRuntimeLayer(request) : withoutRuntimeLayer(request.log);
}

function withoutRuntimeLayer(log: Log): RuntimeLayer {
  log.warning(
    'runtime-layer is false: std is built as for musl, so under cosmo Mutex/Condvar/park busy-spin, displaying an io::Error can abort, and thread spawn overwrites stack (README: The cosmo runtime layer).'
  );
  return { cargoEnv: {}, cargoArgs: [], linkArgs: {}, fingerprint: 'off', enabled: false };
}

/**
 * After cargo: the link maps of every linked per-arch ELF show no Rust object calling a
 * translated libc function by its plain name (boundary/link-check.ts). Nothing to check without
 * the layer.
 */
export async function checkRuntimeLayerCalls(
  layer: RuntimeLayer,
  plan: readonly ArchPlanEntry[],
  bins: readonly string[],
  log: Log
): Promise<void> {
  if (!layer.enabled) return;
  const linked = plan.flatMap(entry =>
    bins.map(bin => ({ arch: entry.arch, bin, path: entry.binary(bin) }))
  );
  await checkBoundaryCalls(linked, log);
}
