/**
 * Every action input, parsed and validated into one typed Config before anything is downloaded.
 * Pure: takes a lookup function for raw values, so the action (core.getInput), the local command
 * (flags) and tests all feed it the same way.
 */
import { split as shellSplit } from 'shlex';
import { ARCHES, inArchOrder, isArch, type Arch } from './arch.js';
import type { Config, Mode } from './config.js';
import type { CosmoccRequest } from './cosmocc/install.js';
import { InputError } from './errors.js';
import { DEFAULT_RUST_TOOLCHAIN, type RustToolchainRequest } from './rust/toolchain.js';
import {
  COSMOCC_VERSION_PATTERN,
  DEFAULT_COSMOCC_VERSION,
  KNOWN_COSMOCC_SHA256,
  defaultCosmoccUrls,
  knownSha256
} from './cosmocc/versions.js';

export type { Config, Mode } from './config.js';

/** Input names and defaults, exactly as in action.yml (a test keeps the two in step). */
export const INPUT_DEFAULTS = {
  mode: 'build',
  'manifest-path': 'Cargo.toml',
  bins: '',
  package: '',
  arch: 'x86_64,aarch64',
  profile: 'release',
  'cargo-args': '',
  'output-dir': 'target/ape',
  'cosmocc-version': DEFAULT_COSMOCC_VERSION,
  'cosmocc-sha256': '',
  'cosmocc-url': '',
  'cosmocc-dir': '',
  'rust-toolchain': DEFAULT_RUST_TOOLCHAIN,
  cache: 'true',
  'runtime-layer': 'true',
  'ecosystem-cfgs': 'true'
} as const;

export type InputName = keyof typeof INPUT_DEFAULTS;
export const INPUT_NAMES = Object.keys(INPUT_DEFAULTS) as InputName[];

/** Returns the raw value of an input; '' (or undefined) means "not set". */
export type InputLookup = (name: InputName) => string | undefined;

const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const PACKAGE_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.+:@/-]*$/;
const SHA256_PATTERN = /^[0-9a-fA-F]{64}$/;
const NIGHTLY_PATTERN = /^nightly-(\d{4})-(\d{2})-(\d{2})$/;
/** Arguments the action sets itself; a second copy from cargo-args would fight it. */
const RESERVED_CARGO_ARGS = [
  '--target',
  '--manifest-path',
  '--profile',
  '--release',
  '-Z',
  '--bin',
  '--package',
  '-p'
];

export function parseInputs(lookup: InputLookup): Config {
  const get = (name: InputName): string => (lookup(name) ?? '').trim() || INPUT_DEFAULTS[name];
  const optional = (name: InputName): string | undefined =>
    (lookup(name) ?? '').trim() || undefined;

  const mode = parseMode(get('mode'));
  const cosmocc = parseCosmocc(
    get('cosmocc-version'),
    optional('cosmocc-sha256'),
    optional('cosmocc-url'),
    optional('cosmocc-dir')
  );
  return {
    mode,
    manifestPath: parseManifestPath(get('manifest-path')),
    bins: parseList(get('bins')).map(bin =>
      checkName('bins', bin, 'a bin target name (letters, digits, _ and -)')
    ),
    package: parsePackage(optional('package')),
    arches: parseArches(get('arch')),
    profile: checkName('profile', get('profile'), 'a cargo profile name such as release or dev'),
    cargoArgs: parseCargoArgs(optional('cargo-args')),
    outputDir: get('output-dir'),
    cosmocc,
    rustToolchain: parseRustToolchain(get('rust-toolchain')),
    cache: parseBoolean('cache', get('cache')),
    runtimeLayer: parseBoolean('runtime-layer', get('runtime-layer')),
    ecosystemCfgs: parseBoolean('ecosystem-cfgs', get('ecosystem-cfgs'))
  };
}

/** Splits on commas and newlines, dropping blanks: `a, b` and a YAML block list both work. */
export function parseList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map(item => item.trim())
    .filter(item => item.length > 0);
}

function parseMode(value: string): Mode {
  if (value === 'build' || value === 'setup') return value;
  throw new InputError(
    'mode',
    value,
    "use 'build' (crate to .com) or 'setup' (install cosmocc only)"
  );
}

function parseManifestPath(value: string): string {
  if (!/(^|[\\/])Cargo\.toml$/.test(value)) {
    throw new InputError(
      'manifest-path',
      value,
      'give the path of a Cargo.toml file, e.g. Cargo.toml or crates/cli/Cargo.toml'
    );
  }
  return value;
}

function parsePackage(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!PACKAGE_PATTERN.test(value)) {
    throw new InputError(
      'package',
      value,
      'give one workspace member as a cargo package spec, e.g. my-cli or my-cli@1.2.0'
    );
  }
  return value;
}

function checkName(input: InputName, value: string, allowed: string): string {
  if (!NAME_PATTERN.test(value)) throw new InputError(input, value, allowed);
  return value;
}

export function parseArches(value: string): Arch[] {
  const items = parseList(value);
  if (items.length === 0)
    throw new InputError('arch', value, `list one or both of ${ARCHES.join(', ')}`);
  const arches: Arch[] = [];
  for (const item of items) {
    if (!isArch(item)) {
      const hint = ARCH_ALIASES[item.toLowerCase()];
      const suggestion = hint ? ` (did you mean ${hint}?)` : '';
      throw new InputError(
        'arch',
        value,
        `each entry must be one of ${ARCHES.join(', ')}; got '${item}'${suggestion}`
      );
    }
    arches.push(item);
  }
  // Always x86_64 first: apelink's output does not depend on the order, but logs and caches do.
  return inArchOrder(arches);
}

const ARCH_ALIASES: Record<string, Arch> = {
  x64: 'x86_64',
  amd64: 'x86_64',
  'x86-64': 'x86_64',
  x86_64: 'x86_64',
  arm64: 'aarch64',
  aarch64: 'aarch64'
};

export function parseCargoArgs(value: string | undefined): string[] {
  if (value === undefined) return [];
  let args: string[];
  try {
    // Shell-word splitting only: quotes group words, but nothing is expanded or executed, so
    // `;`, `$(..)` and `|` reach cargo as literal text.
    args = shellSplit(value);
  } catch (err) {
    throw new InputError(
      'cargo-args',
      value,
      `write arguments as shell words with balanced quotes (${(err as Error).message})`
    );
  }
  for (const arg of args) {
    const flag = arg.split('=')[0];
    if (RESERVED_CARGO_ARGS.includes(flag) || (flag.startsWith('-Z') && flag !== '-Z')) {
      throw new InputError(
        'cargo-args',
        value,
        `'${arg}' is set by the action itself; use the inputs bins, package, profile and arch instead`
      );
    }
  }
  return args;
}

function parseCosmocc(
  version: string,
  sha: string | undefined,
  url: string | undefined,
  dir: string | undefined
): CosmoccRequest {
  if (!COSMOCC_VERSION_PATTERN.test(version)) {
    throw new InputError(
      'cosmocc-version',
      version,
      'give a released cosmocc version as MAJOR.MINOR.PATCH, e.g. 4.0.2 (not "latest")'
    );
  }
  if (sha !== undefined && !SHA256_PATTERN.test(sha)) {
    throw new InputError('cosmocc-sha256', sha, 'give the 64 hex digit SHA-256 of the cosmocc zip');
  }
  const urls = url === undefined ? defaultCosmoccUrls(version) : [parseUrl(url)];
  const expected = sha?.toLowerCase() ?? knownSha256(version);
  if (dir !== undefined) return { version, sha256: expected ?? '', urls, dir };
  if (expected === undefined) {
    throw new InputError(
      'cosmocc-version',
      version,
      `this version is not in the action's checksum table; set cosmocc-sha256 to the zip's SHA-256 (known versions: ${Object.keys(KNOWN_COSMOCC_SHA256).join(', ')})`
    );
  }
  return { version, sha256: expected, urls };
}

function parseUrl(value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new InputError('cosmocc-url', value, 'give a full http(s) URL of a cosmocc zip');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new InputError('cosmocc-url', value, 'only http and https URLs are supported');
  }
  return parsed.toString();
}

export function parseRustToolchain(value: string): RustToolchainRequest {
  if (value === 'preinstalled') return { kind: 'preinstalled' };
  const match = NIGHTLY_PATTERN.exec(value);
  if (match && isRealDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    return { kind: 'rustup', toolchain: value };
  }
  throw new InputError(
    'rust-toolchain',
    value,
    `use a dated nightly such as ${DEFAULT_RUST_TOOLCHAIN} (an undated one changes under the cache), or 'preinstalled' to use rustc and cargo from PATH`
  );
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

function parseBoolean(input: InputName, value: string): boolean {
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new InputError(input, value, "use 'true' or 'false'");
}
