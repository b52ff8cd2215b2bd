/**
 * The crate stage: which bins exist (cargo metadata, before anything is downloaded, so a typo in
 * `bins` fails in seconds) and whether a cargo config could hijack the link. Selection and
 * config reading are pure; only the metadata call runs anything.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ActionError } from '../errors.js';
import type { Log } from '../log.js';
import { runChecked } from '../process.js';
import { stampedCargoMetadata, type ProbeStamps } from './probe-stamps.js';
import type { RustToolchain } from './toolchain.js';

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
  const args = ['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifestPath];
  const failure = `cargo metadata failed for ${manifestPath}`;
  const result = await runChecked(cargo, args, { env, failure, tailChars: 2000 });
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
export async function warnAboutLinkerOverrides(workspaceRoot: string, log: Log): Promise<void> {
  for (let dir = workspaceRoot; ; dir = path.dirname(dir)) {
    for (const name of ['config.toml', 'config']) {
      const file = path.join(dir, '.cargo', name);
      if (!existsSync(file)) continue;
      for (const section of findLinkerOverrides(await readFile(file, 'utf8'))) {
        log.warning(
          `${file} sets a linker in [${section}]; if it applies to the cosmo targets it links with the wrong compiler. Remove it for this build if the link fails.`,
          { file }
        );
      }
    }
    if (path.dirname(dir) === dir) return;
  }
}

export interface CrateRequest {
  manifestPath: string;
  /** Where cargo reads its own config; the metadata stamp watches it. */
  cargoHome: string;
  package?: string;
  bins: string[];
}

export interface Crate {
  /** The absolute manifest path the action was given. */
  manifestPath: string;
  metadata: CargoMetadata;
  selection: BinSelection;
}

/** The stage: read the crate, pick its bins, warn about linker overrides. */
export async function planCrate(
  request: CrateRequest,
  toolchain: RustToolchain,
  log: Log,
  stamps?: ProbeStamps
): Promise<Crate> {
  const { cargo, childEnv: env } = toolchain;
  const { manifestPath } = request;
  const probe = { cargo, manifestPath, env, cwd: process.cwd(), cargoHome: request.cargoHome };
  const metadata = await stampedCargoMetadata(probe, stamps, () =>
    readCargoMetadata(cargo, manifestPath, env)
  );
  const selection = selectBins(metadata, request);
  log.info(`bins: ${selection.bins.map(b => b.name).join(', ')}`);
  await warnAboutLinkerOverrides(metadata.workspace_root, log);
  return { manifestPath: request.manifestPath, metadata, selection };
}

/** The manifest as an absolute path; a missing one is an input error, before anything runs. */
export function resolveManifestPath(manifestPath: string, cwd: string): string {
  const absolute = path.resolve(cwd, manifestPath);
  if (!existsSync(absolute)) {
    throw new ActionError(
      `Input 'manifest-path' points at ${manifestPath}, which does not exist (resolved to ${absolute}); check out the repository first or set manifest-path to your crate's Cargo.toml.`
    );
  }
  return absolute;
}
