/**
 * The offline cargo setup the tests need: crates.io replaced by one local directory source that
 * combines std's vendored crates (Debian `rust-web-src`) with crates Debian packages on their own
 * (`librust-cc-dev`). Written into a test-only CARGO_HOME, so no user or machine cargo config is
 * touched and cargo never reaches for the network.
 *
 * Why a combined directory: cargo allows one replacement for crates.io, and the crates the tests
 * build come from two places. Why the checksums are written here: a committed Cargo.lock carries
 * crates.io's checksum of each package, and cargo compares it with the directory source's
 * `.cargo-checksum.json` "package" value. Debian's packaged crates may carry another value (or
 * none), so each packaged crate is mirrored (its entries symlinked) next to a checksum file that
 * holds crates.io's value: the same lockfile then works offline here and online.
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KIT_HINT } from './kit.mjs';

/** std's dependencies, vendored by Debian's `rust-web-src`. */
export const STD_VENDOR_DIR = '/usr/lib/rustlib/src/rust/library/vendor';

/** Where Debian's `librust-*-dev` packages put crate sources. */
export const DEBIAN_REGISTRY_DIR = '/usr/share/cargo/registry';

/**
 * Crates taken from Debian's registry, each with its crates.io checksum (the value a Cargo.lock
 * made online records; SHA-256 of the `.crate` file crates.io serves).
 */
export const PACKAGED_CRATES = [
  {
    name: 'cc',
    version: '1.0.73',
    debianPackage: 'librust-cc-dev',
    checksum: '2fff2a6927b3bb87f9595d67196a70493f627687a71d87a0d692242c33f58c11'
  }
];

/**
 * The cargo config that replaces crates.io with `vendorDir`, offline (pure).
 * JSON string syntax is valid TOML basic-string syntax, so paths are quoted with it.
 * @param {string} vendorDir
 * @returns {string}
 */
export function offlineCargoConfig(vendorDir) {
  return [
    '[source.crates-io]',
    'replace-with = "offline-vendor"',
    '',
    '[source.offline-vendor]',
    `directory = ${JSON.stringify(vendorDir)}`,
    '',
    '[net]',
    'offline = true',
    ''
  ].join('\n');
}

/**
 * Throws with the fix unless every source directory the combined vendor dir needs is there.
 * @returns {string[]} the packaged crates' source directories
 */
function requirePackagedSources() {
  if (!existsSync(STD_VENDOR_DIR)) throw new Error(`no ${STD_VENDOR_DIR}: ${KIT_HINT}`);
  return PACKAGED_CRATES.map(crate => {
    const dir = path.join(DEBIAN_REGISTRY_DIR, `${crate.name}-${crate.version}`);
    if (!existsSync(path.join(dir, 'Cargo.toml'))) {
      throw new Error(`no ${dir} (Debian ${crate.debianPackage} ${crate.version}): ${KIT_HINT}`);
    }
    return dir;
  });
}

/**
 * Links every crate of std's vendor directory into `vendorDir` as is: their checksum files
 * already hold crates.io's values.
 * @param {string} vendorDir
 */
function linkStdVendoredCrates(vendorDir) {
  for (const entry of readdirSync(STD_VENDOR_DIR, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith('.')) {
      symlinkSync(path.join(STD_VENDOR_DIR, entry.name), path.join(vendorDir, entry.name));
    }
  }
}

/**
 * Mirrors one packaged crate into `vendorDir` (its entries symlinked) with a checksum file that
 * holds crates.io's checksum; "files" stays empty, so cargo checks no file hashes.
 * @param {string} vendorDir
 * @param {string} sourceDir
 * @param {{ name: string, version: string, checksum: string }} crate
 */
function mirrorPackagedCrate(vendorDir, sourceDir, crate) {
  const target = path.join(vendorDir, `${crate.name}-${crate.version}`);
  mkdirSync(target);
  for (const entry of readdirSync(sourceDir)) {
    if (entry !== '.cargo-checksum.json') {
      symlinkSync(path.join(sourceDir, entry), path.join(target, entry));
    }
  }
  writeFileSync(
    path.join(target, '.cargo-checksum.json'),
    JSON.stringify({ files: {}, package: crate.checksum })
  );
}

/**
 * Creates `dir` as a combined vendor directory: std's vendored crates plus Debian's packaged
 * ones. `dir` must not exist yet.
 * @param {string} dir
 * @returns {string} the absolute path of the vendor directory
 */
export function makeOfflineVendorDir(dir) {
  const sources = requirePackagedSources();
  const vendorDir = path.resolve(dir);
  mkdirSync(vendorDir, { recursive: true });
  linkStdVendoredCrates(vendorDir);
  PACKAGED_CRATES.forEach((crate, i) => mirrorPackagedCrate(vendorDir, sources[i], crate));
  return vendorDir;
}

/**
 * Creates `dir` as a test-only CARGO_HOME whose config.toml makes cargo resolve crates.io
 * offline from a combined vendor directory (`dir/vendor`). Pass the result as CARGO_HOME.
 * @param {string} dir
 * @returns {string} the absolute path of the cargo home
 */
export function makeOfflineCargoHome(dir) {
  const cargoHome = path.resolve(dir);
  mkdirSync(cargoHome, { recursive: true });
  const vendorDir = makeOfflineVendorDir(path.join(cargoHome, 'vendor'));
  writeFileSync(path.join(cargoHome, 'config.toml'), offlineCargoConfig(vendorDir));
  return cargoHome;
}
