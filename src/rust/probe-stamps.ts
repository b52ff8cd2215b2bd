/**
 * The two probes every build makes before cargo runs, behind stamps: `rustc -vV` with
 * `rustc --print sysroot`, and `cargo metadata --no-deps`. On a warm run they were a third of
 * what the action added to cargo's own time, and their answers change only with the files
 * named here. A changed file, or one added or removed, is a miss, and the log says which.
 *
 * - rustc's answers depend on the compiler binary and the toolchain it belongs to. A rustup
 *   proxy (`~/.cargo/bin/rustc`) is the same file whichever toolchain it runs, so a rustc that
 *   does not sit in a sysroot (`<sysroot>/bin/rustc` next to `<sysroot>/lib/rustlib`) is always
 *   probed.
 * - `cargo metadata --no-deps` depends on the manifests of the workspace, on the folders cargo
 *   discovers targets and glob members in (src/, src/bin/, each member's parent), on every
 *   cargo config it reads, on `CARGO_*` variables and on cargo itself.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import {
  codeHash,
  contentHash,
  fileIdentity,
  reuseOrRedo,
  stampMissReason,
  type StampInputs
} from '../stamp.js';
import type { CargoMetadata } from './crate.js';

/** Where the probes' stamps live and where their hits and misses are logged. */
export interface ProbeStamps {
  dir: string;
  log: { info(message: string): void };
}

export interface RustcAnswers {
  /** `rustc -vV` */
  verbose: string;
  /** `rustc --print sysroot`, trimmed */
  sysroot: string;
}

/** The rustc probe, reused while the compiler's files are unchanged. */
export async function stampedRustcProbe(
  rustc: string,
  stamps: ProbeStamps | undefined,
  probe: () => Promise<RustcAnswers>
): Promise<RustcAnswers> {
  const real = realPathOr(rustc);
  const toolchainDir = path.dirname(path.dirname(real));
  if (stamps === undefined || !existsSync(path.join(toolchainDir, 'lib', 'rustlib'))) {
    stamps?.log.info(
      `rustc probe: not stamped (${real} is not in a sysroot's bin/, e.g. a rustup proxy); probing`
    );
    return probe();
  }
  return reuseOrRedo({
    what: 'rustc probe',
    doing: 'running rustc -vV and --print sysroot',
    stampFile: path.join(stamps.dir, 'stamps', `rustc-${contentHash(real)}.json`),
    inputs: {
      rustc: fileIdentity(real),
      'toolchain lib': fileIdentity(path.join(toolchainDir, 'lib')),
      // what is stored with the answer may change shape with the action
      'ape-action': await codeHash(import.meta.url)
    },
    log: stamps.log,
    work: probe
  });
}

interface StampedMetadata {
  metadata: CargoMetadata;
  /** fileIdentity of every file and folder the answer was read from, when it was read. */
  watched: Record<string, string>;
}

/** What `cargo metadata` is run with: the answer depends on each. */
export interface MetadataProbe {
  cargo: string;
  manifestPath: string;
  env: Record<string, string>;
  /** Where cargo runs: it reads `.cargo/config.toml` from here upward. */
  cwd: string;
  /** Where cargo reads its own config (CARGO_HOME, or ~/.cargo). */
  cargoHome: string;
}

/** The `cargo metadata` probe, reused while the workspace's manifests and configs are unchanged. */
export async function stampedCargoMetadata(
  request: MetadataProbe,
  stamps: ProbeStamps | undefined,
  probe: () => Promise<CargoMetadata>
): Promise<CargoMetadata> {
  if (stamps === undefined) return probe();
  const stamped = await reuseOrRedo<StampedMetadata>({
    what: 'cargo metadata',
    doing: 'running cargo metadata --no-deps',
    stampFile: path.join(
      stamps.dir,
      'stamps',
      `metadata-${contentHash(request.manifestPath)}.json`
    ),
    inputs: await metadataInputs(request),
    log: stamps.log,
    // the same comparison as the inputs', on the paths the stored answer names
    brokenReason: async ({ watched }) => stampMissReason(watched, identities(Object.keys(watched))),
    work: async () => {
      const metadata = await probe();
      return { metadata, watched: identities(watchedPaths(metadata)) };
    }
  });
  return stamped.metadata;
}

async function metadataInputs(request: MetadataProbe): Promise<StampInputs> {
  const cargoVars = Object.entries(request.env)
    .filter(([name]) => name.startsWith('CARGO_'))
    .sort(([a], [b]) => a.localeCompare(b));
  const configs = [
    ...ancestors(request.cwd).flatMap(configFilesIn),
    ...ancestors(path.dirname(request.manifestPath)).flatMap(configFilesIn),
    ...['config.toml', 'config'].map(name => path.join(request.cargoHome, name))
  ];
  // cargo looks upward from the manifest for the workspace root: a Cargo.toml appearing above
  // it can make the crate a member of something new
  const manifests = ancestors(path.dirname(request.manifestPath)).map(dir =>
    path.join(dir, 'Cargo.toml')
  );
  return {
    cargo: fileIdentity(realPathOr(request.cargo)),
    manifest: request.manifestPath,
    'ape-action': await codeHash(import.meta.url),
    'CARGO_* variables': contentHash(JSON.stringify(cargoVars)),
    'cargo configs': contentHash([...new Set(configs)].map(fileIdentity).join('\n')),
    'manifests above': contentHash(manifests.map(fileIdentity).join('\n'))
  };
}

/** The files and folders a `--no-deps` answer was read from, beyond those in the inputs. */
function watchedPaths(metadata: CargoMetadata): string[] {
  const paths = new Set<string>([metadata.workspace_root]);
  for (const pkg of metadata.packages) {
    const dir = path.dirname(pkg.manifest_path);
    paths.add(pkg.manifest_path);
    // glob members (`crates/*`) appear as new folders in the member's parent
    paths.add(path.dirname(dir));
    // target auto-discovery: src/main.rs, src/bin/*.rs, src/bin/*/main.rs
    paths.add(path.join(dir, 'src'));
    paths.add(path.join(dir, 'src', 'bin'));
  }
  return [...paths].sort();
}

function identities(paths: string[]): Record<string, string> {
  return Object.fromEntries(paths.map(p => [p, fileIdentity(p)]));
}

/** Where a symlink (a Debian alternative, a rustup link) leads; the path itself if it cannot. */
function realPathOr(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function ancestors(dir: string): string[] {
  const list = [path.resolve(dir)];
  while (path.dirname(list[list.length - 1]) !== list[list.length - 1]) {
    list.push(path.dirname(list[list.length - 1]));
  }
  return list;
}

function configFilesIn(dir: string): string[] {
  return ['config.toml', 'config'].map(name => path.join(dir, '.cargo', name));
}
