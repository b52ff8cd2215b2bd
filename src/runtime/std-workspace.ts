/**
 * Building std, and the user's crate graph, against the generated cosmo `libc`.
 *
 * std: cargo's `-Z build-std` resolves std as its own workspace, `<sysroot>/lib/rustlib/src/rust/
 * library`, unless `__CARGO_TESTS_ONLY_SRC_ROOT` names another directory. cargo 1.96
 * (src/cargo/core/compiler/standard_lib.rs, `detect_sysroot_src_path`) takes that value as the
 * `library` directory itself: it reads `<value>/Cargo.toml` as the workspace manifest and skips
 * its own Cargo.lock existence check. So the action hands cargo a *copy* of `library/`: real,
 * rewritten `Cargo.toml` (std's own `[patch.crates-io]` plus `libc = { path = <generated> }`)
 * and a copied `Cargo.lock`, with every other entry a symlink into the toolchain's sources. The
 * toolchain's sysroot is never written to, and the copy costs a few KiB.
 *
 * The user's graph: a `--config patch.crates-io.libc.path=...` naming a generated copy of the
 * libc version their lockfile resolves, so their own Rust code and their dependencies see the
 * same layouts as std. A libc the user already patches (a path or git source) is left alone,
 * with a warning saying what that means.
 *
 * Re-runs with unchanged inputs change nothing on disk (files are written only when their
 * content differs, symlinks only when their target does), so a warm build stays warm.
 */
import { mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ActionError } from '../errors.js';
import { runChecked } from '../process.js';
import { writePatchedLibc, type GeneratedLibc, type LibcPatchOptions } from './libc-crate.js';
import { ERRNO_LOCATION_SHIM } from './boundary/c-runtime.js';
import { SHIM_PREFIX } from './boundary/c-shims.js';

/** The variable cargo reads std's workspace directory (the `library` dir itself) from. */
export const STD_SRC_ROOT_ENV = '__CARGO_TESTS_ONLY_SRC_ROOT';

/** The entries of `library/` the copy writes itself; everything else is a symlink. */
const OWN_ENTRIES = new Set(['Cargo.toml', 'Cargo.lock']);

// ---------------------------------------------------------------------------------------------
// pure: std's lockfile and manifest

/** The libc version std's own lockfile pins. */
export function stdLibcVersion(lockText: string, lockPath: string): string {
  const versions = lockPackages(lockText)
    .filter(pkg => pkg.name === 'libc')
    .map(pkg => pkg.version);
  if (versions.length === 0) {
    throw new ActionError(
      `${lockPath} has no libc package: this rust-src cannot be built for cosmo (std must ` +
        `depend on the libc crate, whose structs the action rewrites to cosmo's layouts)`
    );
  }
  if (versions.length > 1) {
    throw new ActionError(`${lockPath} pins several libc versions (${versions.join(', ')})`);
  }
  return versions[0];
}

function lockPackages(lockText: string): { name: string; version: string }[] {
  return lockText
    .split(/^\[\[package\]\]\s*$/m)
    .slice(1)
    .map(block => ({
      name: /^name\s*=\s*"([^"]*)"/m.exec(block)?.[1] ?? '',
      version: /^version\s*=\s*"([^"]*)"/m.exec(block)?.[1] ?? ''
    }));
}

/** A TOML basic string: JSON's escapes are all valid TOML escapes. */
export function tomlString(value: string): string {
  return JSON.stringify(value);
}

/** std's workspace manifest with libc patched to `libcDir`, inside its own `[patch.crates-io]`. */
export function patchStdManifest(manifest: string, libcDir: string): string {
  const entry = `libc = { path = ${tomlString(libcDir)} }`;
  const header = /^\[patch\.crates-io\][ \t]*$/m.exec(manifest);
  if (!header) return `${manifest.replace(/\s*$/, '\n')}\n[patch.crates-io]\n${entry}\n`;
  const sectionStart = header.index + header[0].length;
  const nextHeader = /^\[/m.exec(manifest.slice(sectionStart));
  const section = manifest.slice(sectionStart, sectionStart + (nextHeader?.index ?? Infinity));
  if (/^\s*libc\s*=/m.test(section)) {
    throw new ActionError(`std's workspace manifest already patches libc: ${section.trim()}`);
  }
  return `${manifest.slice(0, sectionStart)}\n${entry}${manifest.slice(sectionStart)}`;
}

// ---------------------------------------------------------------------------------------------
// pure: the user's crate graph

export interface MetadataPackage {
  id: string;
  name: string;
  version: string;
  source: string | null;
  manifest_path: string;
}

/** The part of `cargo metadata --format-version 1` (with dependencies) read here. */
export interface CargoMetadata {
  packages: MetadataPackage[];
  resolve?: { nodes: { id: string }[] } | null;
}

export interface UserLibcs {
  /** libc packages from crates.io (or a registry replacing it): these get patched. */
  fromRegistry: MetadataPackage[];
  /** libc packages from a path or git source: the user's own `[patch]`, left alone. */
  overridden: MetadataPackage[];
}

/** The libc packages the user's lockfile resolves, split by where they come from. */
export function findUserLibcs(metadata: CargoMetadata): UserLibcs {
  if (!metadata.resolve) {
    // `--no-deps` metadata lists no dependencies: patching "nothing" would silently leave the
    // user's graph on musl's layouts
    throw new ActionError('cargo metadata without dependencies cannot show which libc to patch');
  }
  const resolved = new Set(metadata.resolve.nodes.map(node => node.id));
  const libcs = metadata.packages
    .filter(pkg => pkg.name === 'libc' && resolved.has(pkg.id))
    .sort((a, b) => compareVersions(b.version, a.version));
  const isRegistry = (pkg: MetadataPackage) => /^(registry|sparse)\+/.test(pkg.source ?? '');
  return {
    fromRegistry: libcs.filter(isRegistry),
    overridden: libcs.filter(pkg => !isRegistry(pkg))
  };
}

function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.+-]/).map(n => Number.parseInt(n, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  }
  return 0;
}

/**
 * cargo `--config` arguments patching crates.io's libc to `dir`. `key` is the patch entry's
 * name: `libc` for the first, a renamed entry (`package = "libc"`) for another major version.
 */
export function patchConfigArgs(dir: string, key = 'libc'): string[] {
  const args = ['--config', `patch.crates-io.${key}.path=${tomlString(dir)}`];
  if (key !== 'libc') args.push('--config', `patch.crates-io.${key}.package="libc"`);
  return args;
}

/** What a user's own libc patch means for the binary, as a warning to show. */
export function overriddenLibcWarning(pkg: MetadataPackage): string {
  const from = pkg.source ? pkg.source.replace(/#.*$/, '') : path.dirname(pkg.manifest_path);
  return (
    `libc ${pkg.version} in your crate graph comes from ${from}, not crates.io (a [patch] of ` +
    `your own): the action leaves it alone, so your crate and its dependencies use that libc's ` +
    `struct layouts while std uses cosmo's (pthread_attr_t, stat, sigaction, sigset_t, utsname, ` +
    `sem_t, statfs). Unless your libc already has cosmo's layouts, passing these structs to ` +
    `cosmo from your code can corrupt memory; drop the patch to let the action generate it.`
  );
}

// ---------------------------------------------------------------------------------------------
// effects

/** Writes `content` unless the file already holds exactly that. */
async function syncText(file: string, content: string): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current !== content) await writeFile(file, content);
}

/** Points `link` at `target`, leaving a link that already does alone. */
async function syncSymlink(target: string, link: string): Promise<void> {
  const current = await readlink(link).catch(() => undefined);
  if (current === target) return;
  await rm(link, { force: true, recursive: true });
  await symlink(target, link);
}

/**
 * std declares two libc symbols itself rather than through the libc crate
 * (std/src/sys/io/error/unix.rs in 1.96): `__errno_location`, which must reach the errno shim
 * (Linux-numbered errno), and `__xpg_strerror_r`, which cosmo defines returning `char *` where std
 * expects glibc's XSI int (FACTS: "Run time", item 2). The copy of std rewrites just those link
 * names; a std where either is not found is drift.
 */
export const STD_LINK_NAME_REWRITES: Readonly<Record<string, string>> = {
  __errno_location: ERRNO_LOCATION_SHIM,
  __xpg_strerror_r: `${SHIM_PREFIX}strerror_r`
};

/** The rewritten std files (relative to `library/`), from the files that name the symbols. */
export function rewriteStdLinkNames(files: ReadonlyMap<string, string>): Map<string, string> {
  const rewritten = new Map<string, string>();
  for (const [symbol, shim] of Object.entries(STD_LINK_NAME_REWRITES)) {
    const attribute = `link_name = "${symbol}"`;
    const holders = [...files.keys()].filter(file =>
      (rewritten.get(file) ?? files.get(file) ?? '').includes(attribute)
    );
    if (holders.length === 0) {
      throw new ActionError(
        `std's sources declare no ${attribute} (searched ${STD_SCANNED_DIR}): this rust-src ` +
          'reaches errno or strerror_r differently, so the runtime layer cannot point it at ' +
          'its shims; use the default nightly or update ape-action'
      );
    }
    for (const file of holders) {
      const text = rewritten.get(file) ?? (files.get(file) as string);
      rewritten.set(file, text.split(attribute).join(`link_name = "${shim}"`));
    }
  }
  return rewritten;
}

/** Where std's own libc declarations live. */
const STD_SCANNED_DIR = 'std/src/sys';

/** The `.rs` files under `library/std/src/sys` that mention one of the rewritten symbols. */
export async function readStdLinkNameFiles(libraryDir: string): Promise<Map<string, string>> {
  const entries = await readdir(path.join(libraryDir, STD_SCANNED_DIR), { recursive: true });
  const files = new Map<string, string>();
  const symbols = Object.keys(STD_LINK_NAME_REWRITES);
  for (const entry of entries.filter(name => name.endsWith('.rs'))) {
    const rel = `${STD_SCANNED_DIR}/${entry.split(path.sep).join('/')}`;
    const text = await readFile(path.join(libraryDir, rel), 'utf8');
    if (symbols.some(symbol => text.includes(`"${symbol}"`))) files.set(rel, text);
  }
  return files;
}

/**
 * Makes `copy/dir` a real directory whose entries are symlinks into `library/dir`, except the
 * overlaid files (written) and the directories on their way (made the same way, recursively).
 */
async function writeOverlayDir(
  libraryDir: string,
  copyDir: string,
  dir: string,
  overlay: ReadonlyMap<string, string>
): Promise<void> {
  const copy = path.join(copyDir, dir);
  if ((await readlink(copy).catch(() => undefined)) !== undefined) await rm(copy);
  await mkdir(copy, { recursive: true });
  for (const name of await readdir(path.join(libraryDir, dir))) {
    const rel = dir ? `${dir}/${name}` : name;
    if (overlay.has(rel)) {
      // a symlink left by an earlier copy points into rust-src: replace it, never write through
      const file = path.join(copyDir, rel);
      if ((await readlink(file).catch(() => undefined)) !== undefined) await rm(file);
      await syncText(file, overlay.get(rel) as string);
    } else if ([...overlay.keys()].some(file => file.startsWith(`${rel}/`))) {
      await writeOverlayDir(libraryDir, copyDir, rel, overlay);
    } else if (dir || !OWN_ENTRIES.has(name)) {
      await syncSymlink(path.join(libraryDir, rel), path.join(copyDir, rel));
    }
  }
}

/**
 * Writes the copy of std's workspace at `copyDir`: symlinks to every entry of `libraryDir` but
 * the manifest and lockfile and the `overlay` files (real directories on their way), the
 * manifest patched to `libcDir`, the lockfile as is (cargo keeps it: the patched libc has the very
 * version it pins). Returns `copyDir`.
 */
export async function writeStdWorkspace(
  libraryDir: string,
  copyDir: string,
  libcDir: string,
  overlay: ReadonlyMap<string, string> = new Map()
): Promise<string> {
  const manifestPath = path.join(libraryDir, 'Cargo.toml');
  const lockPath = path.join(libraryDir, 'Cargo.lock');
  const [manifest, lock] = await Promise.all([
    readFile(manifestPath, 'utf8').catch(() => missingRustSrc(manifestPath)),
    readFile(lockPath, 'utf8').catch(() => missingRustSrc(lockPath))
  ]);
  await writeOverlayDir(libraryDir, copyDir, '', overlay);
  await syncText(path.join(copyDir, 'Cargo.toml'), patchStdManifest(manifest, libcDir));
  await syncText(path.join(copyDir, 'Cargo.lock'), lock);
  return copyDir;
}

function missingRustSrc(file: string): never {
  throw new ActionError(
    `${file} does not exist: building std for cosmo needs the rust-src component of this exact ` +
      `toolchain (rustup component add rust-src)`
  );
}

/**
 * The directory of libc `version`'s source as cargo would build it (downloaded if need be, or
 * from whatever source replacement cargo is configured with), via `cargo metadata` on a one-line
 * manifest that requires exactly that version. std's workspace itself cannot be asked: its
 * dev-dependencies would be resolved and fetched too.
 */
export async function locateLibcSource(
  cargo: string,
  version: string,
  workDir: string,
  env: Record<string, string>
): Promise<string> {
  const dir = path.join(workDir, 'libc-locator');
  await mkdir(dir, { recursive: true });
  await syncText(
    path.join(dir, 'Cargo.toml'),
    '[package]\nname = "ape-action-libc-locator"\nversion = "0.0.0"\nedition = "2021"\n' +
      'publish = false\n\n[lib]\npath = "lib.rs"\n\n[dependencies]\n' +
      `libc = { version = "=${version}", default-features = false }\n\n[workspace]\n`
  );
  await syncText(path.join(dir, 'lib.rs'), '');
  const { stdout } = await runChecked(
    cargo,
    ['metadata', '--format-version', '1', '--manifest-path', path.join(dir, 'Cargo.toml')],
    { env, failure: `cannot get the source of libc ${version} (std's version)` }
  );
  const metadata = JSON.parse(stdout) as CargoMetadata;
  const libc = metadata.packages.find(pkg => pkg.name === 'libc' && pkg.version === version);
  if (!libc) throw new ActionError(`cargo metadata did not resolve libc ${version}`);
  return path.dirname(libc.manifest_path);
}

export interface CosmoStdOptions {
  /** The toolchain's `<sysroot>/lib/rustlib/src/rust/library`; read only. */
  rustSrcLibrary: string;
  /** Where the action keeps generated files (the libc copies and the workspace copy). */
  workDir: string;
  cargo: string;
  /** cargo's whole environment (PATH, CARGO_HOME, proxies): the one the build runs with. */
  env: Record<string, string>;
  libc?: LibcPatchOptions;
}

export interface CosmoStd {
  /** The workspace copy cargo builds std from. */
  srcRoot: string;
  /** What cargo's environment needs for `-Z build-std` to use it. */
  env: Record<string, string>;
  libc: GeneratedLibc;
}

/** Generates std's cosmo libc and the workspace copy that builds std with it. */
export async function prepareCosmoStd(options: CosmoStdOptions): Promise<CosmoStd> {
  const lockPath = path.join(options.rustSrcLibrary, 'Cargo.lock');
  const lock = await readFile(lockPath, 'utf8').catch(() => missingRustSrc(lockPath));
  const version = stdLibcVersion(lock, lockPath);
  const source = await locateLibcSource(options.cargo, version, options.workDir, options.env);
  const libc = await writePatchedLibc(source, path.join(options.workDir, 'libc'), options.libc);
  const overlay = rewriteStdLinkNames(await readStdLinkNameFiles(options.rustSrcLibrary));
  // named by content, like the libc copies: cargo never fingerprints std's sources, so a changed
  // rewrite must be a new path to rebuild std in a warm target dir
  const srcRoot = await writeStdWorkspace(
    options.rustSrcLibrary,
    path.join(options.workDir, 'std-workspace', overlayHash(overlay), 'library'),
    libc.dir,
    overlay
  );
  return { srcRoot, env: { [STD_SRC_ROOT_ENV]: srcRoot }, libc };
}

function overlayHash(overlay: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const [file, text] of [...overlay].sort()) hash.update(file).update('\0').update(text);
  return hash.digest('hex').slice(0, 12);
}

export interface UserLibcPatch {
  /** cargo arguments: `--config patch.crates-io.libc.path="..."` per patched libc. */
  configArgs: string[];
  warnings: string[];
  patched: GeneratedLibc[];
}

/**
 * Patches the libc(s) the user's lockfile resolves to generated cosmo copies. `std` is std's
 * generated libc: the same version is reused as is, never generated twice.
 */
export async function patchUserLibc(
  metadata: CargoMetadata,
  options: { workDir: string; std?: GeneratedLibc; libc?: LibcPatchOptions }
): Promise<UserLibcPatch> {
  const { fromRegistry, overridden } = findUserLibcs(metadata);
  const result: UserLibcPatch = {
    configArgs: [],
    warnings: overridden.map(overriddenLibcWarning),
    patched: []
  };
  for (const [index, pkg] of fromRegistry.entries()) {
    const generated =
      options.std?.version === pkg.version
        ? options.std
        : await writePatchedLibc(
            path.dirname(pkg.manifest_path),
            path.join(options.workDir, 'libc'),
            options.libc
          );
    const key = index === 0 ? 'libc' : `libc-${pkg.version.replace(/\W/g, '_')}`;
    result.configArgs.push(...patchConfigArgs(generated.dir, key));
    result.patched.push(generated);
  }
  return result;
}
