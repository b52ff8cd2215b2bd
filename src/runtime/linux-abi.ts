/**
 * The Linux numbers Rust code passes to `syscall()`, read from the exact `libc` crate source that
 * std is built with. Rust's `libc` bakes them in at compile time (musl's values for the target
 * arch), so the C shim that decodes those calls must use the very same numbers: they are parsed
 * from the source, never typed by hand, and a name that cannot be found fails the build naming
 * the libc version, the name and the files searched.
 *
 * Pure core: `parseLinuxAbi` (file texts in, values out). Thin edge: `readLinuxAbi` reads the files.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ActionError } from '../errors.js';

import { ARCHES, type Arch } from '../arch.js';

export type { Arch };

/**
 * Everything the shim decodes or reports. Syscall numbers: what std routes through
 * `libc::syscall` and cosmo can serve. Futex ops and flags: exactly what std's Linux futex uses
 * (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG with an absolute CLOCK_MONOTONIC deadline, FUTEX_WAKE |
 * FUTEX_PRIVATE_FLAG) plus the relative FUTEX_WAIT and FUTEX_CLOCK_REALTIME that other crates use.
 * Errno values: what the shim hands back to Rust, which compares errno with these constants.
 */
export const LINUX_NAMES = [
  'SYS_futex',
  'SYS_getrandom',
  'SYS_gettid',
  'FUTEX_WAIT',
  'FUTEX_WAKE',
  'FUTEX_WAIT_BITSET',
  'FUTEX_PRIVATE_FLAG',
  'FUTEX_CLOCK_REALTIME',
  'GRND_NONBLOCK',
  'GRND_RANDOM',
  'GRND_INSECURE',
  'EPERM',
  'EINTR',
  'EAGAIN',
  'EFAULT',
  'EINVAL',
  'ENOSYS',
  'ETIMEDOUT',
  'ECANCELED'
] as const;
export type LinuxName = (typeof LINUX_NAMES)[number];
export type LinuxValues = Record<LinuxName, number>;

export interface LinuxAbi {
  /** The `libc` crate's version, named in every error. */
  libcVersion: string;
  values: Record<Arch, LinuxValues>;
}

const LINUX_LIKE = 'src/unix/linux_like';
const MUSL_B64 = `${LINUX_LIKE}/linux/musl/b64`;

/**
 * Where libc keeps musl's Linux definitions, most specific first: the arch file (syscall numbers,
 * arch-dependent errno values), then the shared musl, Linux and Unix modules. The first file that
 * defines a name wins: for a musl target, the most specific module's definition is the one that
 * is compiled in. Both the `<arch>/mod.rs` and the older `<arch>.rs` layouts are listed.
 */
export function libcSearchPath(arch: Arch): string[] {
  return [
    `${MUSL_B64}/${arch}/mod.rs`,
    `${MUSL_B64}/${arch}.rs`,
    `${MUSL_B64}/mod.rs`,
    `${LINUX_LIKE}/linux/musl/mod.rs`,
    `${LINUX_LIKE}/linux/arch/generic/mod.rs`,
    `${LINUX_LIKE}/linux/mod.rs`,
    `${LINUX_LIKE}/linux_l4re_shared.rs`,
    `${LINUX_LIKE}/mod.rs`,
    'src/unix/mod.rs'
  ];
}

/** The files of the libc source that exist, keyed by their path relative to the crate root. */
export type LibcFiles = ReadonlyMap<string, string>;

/** Parses every name in LINUX_NAMES for every arch. */
export function parseLinuxAbi(libcVersion: string, files: LibcFiles): LinuxAbi {
  const perArch = (arch: Arch): LinuxValues => {
    const resolver = new ConstResolver(libcVersion, arch, files);
    return Object.fromEntries(LINUX_NAMES.map(name => [name, resolver.value(name)])) as LinuxValues;
  };
  return { libcVersion, values: { x86_64: perArch('x86_64'), aarch64: perArch('aarch64') } };
}

/** The `version` of the crate's `[package]`, from its Cargo.toml text. */
export function parseCrateVersion(cargoToml: string): string | undefined {
  const packageSection = cargoToml.split(/^\[/m).find(section => section.startsWith('package]'));
  return packageSection?.match(/^version\s*=\s*"([^"]+)"/m)?.[1];
}

/** Reads the libc crate at `libcSrc` (its root, holding Cargo.toml and src/). */
export async function readLinuxAbi(libcSrc: string): Promise<LinuxAbi> {
  const cargoToml = await readFile(path.join(libcSrc, 'Cargo.toml'), 'utf8').catch(() => {
    throw new ActionError(`${libcSrc} is not a libc crate source: it has no Cargo.toml`);
  });
  const version = parseCrateVersion(cargoToml);
  if (version === undefined) {
    throw new ActionError(`${libcSrc}/Cargo.toml has no [package] version`);
  }
  const wanted = new Set(ARCHES.flatMap(libcSearchPath));
  const files = new Map<string, string>();
  for (const relative of wanted) {
    const text = await readFile(path.join(libcSrc, relative), 'utf8').catch(() => undefined);
    if (text !== undefined) files.set(relative, text);
  }
  return parseLinuxAbi(version, files);
}

/** `pub const NAME: TYPE = EXPR;` on one line, as libc writes its constants. */
function constDefinitions(text: string, name: string): string[] {
  const pattern = new RegExp(`^\\s*pub const ${name}\\s*:[^=;]+=\\s*([^;]+);`, 'gm');
  return [...text.matchAll(pattern)].map(match => match[1].trim());
}

/** Resolves a constant by searching one arch's file list, following references to other names. */
class ConstResolver {
  private readonly searchPath: string[];

  constructor(
    private readonly libcVersion: string,
    private readonly arch: Arch,
    private readonly files: LibcFiles
  ) {
    this.searchPath = libcSearchPath(arch);
  }

  value(name: string, seen: readonly string[] = []): number {
    if (seen.includes(name)) this.fail(`${[...seen, name].join(' -> ')} refers to itself`);
    for (const file of this.searchPath) {
      const text = this.files.get(file);
      if (text === undefined) continue;
      const definitions = constDefinitions(text, name);
      if (definitions.length === 0) continue;
      const values = new Set(definitions.map(expr => this.evaluate(expr, name, [...seen, name])));
      // Several different definitions in one file are cfg-gated variants this reader cannot
      // choose between: guessing could bake a wrong number into every binary.
      if (values.size > 1) {
        this.fail(`${name} has ${values.size} different definitions in ${file}`);
      }
      return [...values][0];
    }
    const searched = this.searchPath.filter(file => this.files.has(file));
    this.fail(
      `cannot find ${name} for ${this.arch}; searched ${searched.join(', ') || 'no file (none of the expected files exists)'}`
    );
  }

  /** Integer literals, other constants, `a + b`, `a | b`, parentheses and `as` casts. */
  private evaluate(expr: string, name: string, seen: readonly string[]): number {
    const tokens = expr.match(/0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*|[A-Za-z_]\w*|[+|()]/g);
    const leftover = expr.replace(/0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*|\w+|[+|()\s]/g, '');
    if (!tokens || leftover !== '') this.fail(`cannot evaluate ${name} = ${expr}`);
    let position = 0;
    const peek = (): string | undefined => tokens[position];
    const term = (): number => {
      const token = tokens[position++];
      let result: number;
      if (token === '(') {
        result = sum();
        if (tokens[position++] !== ')') this.fail(`unbalanced parentheses in ${name} = ${expr}`);
      } else if (token !== undefined && /^\d/.test(token)) {
        result = Number(token.replace(/_/g, ''));
      } else if (token !== undefined && /^[A-Za-z_]/.test(token)) {
        result = this.value(token, seen);
      } else {
        this.fail(`cannot evaluate ${name} = ${expr}`);
      }
      // `as c_int` style casts: the Linux values the shim needs all fit, so a cast changes nothing
      if (peek() === 'as') position += 2;
      return result;
    };
    const sum = (): number => {
      let result = term();
      while (peek() === '+' || peek() === '|') {
        const operator = tokens[position++];
        const right = term();
        result = operator === '+' ? result + right : Number(BigInt(result) | BigInt(right));
      }
      return result;
    };
    const result = sum();
    if (position !== tokens.length) this.fail(`cannot evaluate ${name} = ${expr}`);
    return result;
  }

  private fail(what: string): never {
    throw new ActionError(
      `libc ${this.libcVersion}: ${what}. ape-action reads the Linux values its syscall shim ` +
        'decodes from the libc source std is built with; this libc version lays them out ' +
        'differently, so the runtime layer needs updating for it.'
    );
  }
}
