/**
 * The cargo stage: which bins exist (cargo metadata), the exact `cargo build` argv and
 * environment for a build-std of every requested arch in one invocation, and where cargo puts
 * each binary. argv/env/paths are pure functions; only metadata reading and the build run.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ActionError } from '../errors.js';
import type { Host } from '../host.js';
import type { Arch } from '../inputs.js';
import { run, tail } from '../process.js';

export interface CargoTarget {
  name: string;
  kind: string[];
}
export interface CargoPackage {
  name: string;
  version: string;
  id: string;
  manifest_path: string;
  targets: CargoTarget[];
}
export interface CargoMetadata {
  packages: CargoPackage[];
  workspace_members: string[];
  workspace_default_members?: string[];
  target_directory: string;
  workspace_root: string;
}

export interface BinSelection {
  /** The package each bin belongs to and the bin names, in metadata order. */
  bins: Array<{ package: string; name: string }>;
}

/** Runs `cargo metadata` without resolving dependencies (so it needs no network). */
export async function readCargoMetadata(
  cargo: string,
  manifestPath: string,
  env: Record<string, string>
): Promise<CargoMetadata> {
  const result = await run(
    cargo,
    ['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifestPath],
    env
  );
  if (result.exitCode !== 0) {
    throw new ActionError(
      `cargo metadata failed for ${manifestPath}:\n${tail(result.stderr, 2000)}`
    );
  }
  return JSON.parse(result.stdout) as CargoMetadata;
}

/**
 * Picks the bins to build. With `package`, only that member; otherwise the workspace's default
 * members (what a plain `cargo build` builds). An unknown bin or a package without bins is an
 * error that lists what does exist.
 */
export function selectBins(
  metadata: CargoMetadata,
  request: { package?: string; bins: string[] }
): BinSelection {
  const packages = candidatePackages(metadata, request.package);
  const available = packages.flatMap(pkg =>
    pkg.targets.filter(t => t.kind.includes('bin')).map(t => ({ package: pkg.name, name: t.name }))
  );
  if (available.length === 0) {
    const names = packages.map(p => p.name).join(', ');
    throw new ActionError(
      `No bin target in ${names}: an APE is an executable, so the crate needs a src/main.rs or a [[bin]] section.`
    );
  }
  if (request.bins.length === 0) return { bins: available };
  const unknown = request.bins.filter(bin => !available.some(b => b.name === bin));
  if (unknown.length > 0) {
    throw new ActionError(
      `Input 'bins' names ${unknown.map(b => `'${b}'`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not a bin target here; available: ${available.map(b => b.name).join(', ')}`
    );
  }
  return { bins: available.filter(b => request.bins.includes(b.name)) };
}

function candidatePackages(metadata: CargoMetadata, spec?: string): CargoPackage[] {
  const members = metadata.packages.filter(p => metadata.workspace_members.includes(p.id));
  if (spec !== undefined) {
    const [name, version] = spec.split('@');
    const found = members.filter(p => p.name === name && (!version || p.version === version));
    if (found.length === 0) {
      throw new ActionError(
        `Input 'package' names '${spec}', which is not a member of this workspace; members: ${members.map(p => p.name).join(', ')}`
      );
    }
    return found;
  }
  const defaults = metadata.workspace_default_members;
  return defaults && defaults.length > 0 ? members.filter(p => defaults.includes(p.id)) : members;
}

/** The directory cargo names after a profile: `dev` and `test` build into `debug`. */
export function profileDir(profile: string): string {
  if (profile === 'dev' || profile === 'test') return 'debug';
  if (profile === 'bench') return 'release';
  return profile;
}

export interface CargoBuildPlan {
  manifestPath: string;
  profile: string;
  /** Absolute target-spec path per arch. */
  specs: Partial<Record<Arch, string>>;
  selection: BinSelection;
  /** True when the user named bins; otherwise every bin of the chosen packages. */
  explicitBins: boolean;
  package?: string;
  cargoArgs: string[];
}

export function cargoBuildArgs(plan: CargoBuildPlan): string[] {
  const args = ['build', '--manifest-path', plan.manifestPath];
  // std is built from source for the custom targets; panic_abort because cosmo has no unwinder.
  args.push('-Z', 'build-std=std,panic_abort', '-Z', 'json-target-spec');
  for (const spec of Object.values(plan.specs)) args.push('--target', spec);
  args.push('--profile', plan.profile);
  if (plan.package !== undefined) args.push('--package', plan.package);
  if (plan.explicitBins) {
    for (const bin of plan.selection.bins) args.push('--bin', bin.name);
  } else {
    args.push('--bins');
  }
  return [...args, ...plan.cargoArgs];
}

/** cc-rs reads `CC_<target>` with the target's dashes turned into underscores. */
export function targetEnvSuffix(targetName: string): string {
  return targetName.replace(/-/g, '_');
}

/**
 * Environment that makes crates with C code (cc-rs) use cosmo's per-arch compilers for our
 * custom targets. AR goes through a wrapper: cosmoar is a script that Rust's Command cannot
 * exec directly ("Exec format error").
 */
export function cargoBuildEnv(
  targets: Partial<Record<Arch, string>>,
  cosmoccBin: string,
  arWrapper: string
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [arch, target] of Object.entries(targets) as Array<[Arch, string]>) {
    const suffix = targetEnvSuffix(target);
    env[`CC_${suffix}`] = path.join(cosmoccBin, `${arch}-unknown-cosmo-cc`);
    env[`CXX_${suffix}`] = path.join(cosmoccBin, `${arch}-unknown-cosmo-c++`);
    env[`AR_${suffix}`] = arWrapper;
  }
  return env;
}

/** Where cargo leaves a bin for a custom target: `<target-dir>/<target-name>/<profile-dir>/<bin>`. */
export function builtBinaryPath(
  targetDirectory: string,
  targetName: string,
  profile: string,
  bin: string
): string {
  return path.join(targetDirectory, targetName, profileDir(profile), bin);
}

/**
 * Finds `[target.<musl or cfg>]` sections that set `linker` in a cargo config: such a setting
 * can win over the spec's linker and link with the wrong compiler.
 */
export function findLinkerOverrides(configText: string): string[] {
  const found: string[] = [];
  let section = '';
  for (const raw of configText.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1].trim();
    } else if (
      /^linker\s*=/.test(line) &&
      section.startsWith('target.') &&
      /musl|cfg\(/.test(section)
    ) {
      found.push(section);
    }
  }
  return found;
}

/** A user `.cargo/config.toml` that sets a linker for musl or cfg() targets can win over ours. */
export async function warnAboutLinkerOverrides(workspaceRoot: string, host: Host): Promise<void> {
  for (let dir = workspaceRoot; ; dir = path.dirname(dir)) {
    for (const name of ['config.toml', 'config']) {
      const file = path.join(dir, '.cargo', name);
      if (!existsSync(file)) continue;
      for (const section of findLinkerOverrides(await readFile(file, 'utf8'))) {
        host.warning(
          `${file} sets a linker in [${section}]; if it applies to the cosmo targets it links with the wrong compiler. Remove it for this build if the link fails.`,
          { file }
        );
      }
    }
    if (path.dirname(dir) === dir) return;
  }
}
