/**
 * The Linux numbers Rust code passes to `syscall()`, read from the exact `libc` crate source that
 * std is built with. Rust's `libc` bakes them in at compile time (musl's values for the target
 * arch), so the C shim that decodes those calls must use the very same numbers: they are parsed
 * from the source, never typed by hand, and a name that cannot be found fails the build naming
 * the libc version, the name and the files searched.
 *
 * Pure core: `parseLinuxAbi` (file texts in, values out). Thin edge: `readLinuxAbi` reads the files.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ActionError } from '../errors.js';

import { ARCHES, type Arch } from '../arch.js';
import { cosmoTargetCfg, itemIsCompiled } from './rust-cfg.js';

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
 * defines a name (for this target's cfg) wins: for a musl target, the most specific module's
 * definition is the one that is compiled in. Both the `<arch>/mod.rs` and the older `<arch>.rs`
 * layouts are listed, and the `src/new/` tree newer libc releases move definitions into (files
 * there are found by directory: `available` lists the crate's files).
 */
export function libcSearchPath(arch: Arch, available: Iterable<string> = []): string[] {
  const files = [...available];
  const under = (dir: string, skip: RegExp = /$^/) =>
    files.filter(file => file.startsWith(`${dir}/`) && !skip.test(file)).sort();
  return [
    ...under(`${NEW_MUSL}/arch/${arch}`),
    `${MUSL_B64}/${arch}/mod.rs`,
    `${MUSL_B64}/${arch}.rs`,
    ...under(NEW_MUSL, /\/arch\/(?!generic\/|mod\.rs)/),
    `${MUSL_B64}/mod.rs`,
    `${LINUX_LIKE}/linux/musl/mod.rs`,
    `${LINUX_LIKE}/linux/arch/generic/mod.rs`,
    `${LINUX_LIKE}/linux/mod.rs`,
    `${LINUX_LIKE}/linux_l4re_shared.rs`,
    `${LINUX_LIKE}/mod.rs`,
    ...under('src/new/linux_uapi'),
    ...under('src/new/common/linux_like'),
    ...under('src/new/common/posix'),
    'src/unix/mod.rs'
  ];
}

/** The `src/new/` directories the search path may draw from, read whole. */
export const LIBC_NEW_DIRS = [
  'src/new/musl',
  'src/new/linux_uapi',
  'src/new/common/linux_like',
  'src/new/common/posix'
] as const;
const NEW_MUSL = 'src/new/musl';

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
  const { version, files } = await readLibcConstantFiles(libcSrc);
  return parseLinuxAbi(version, files);
}

/**
 * Any Linux constants of the libc source, per arch: a name the source does not define is left out
 * (the caller decides whether that is an error). Used by the boundary translation's tables.
 */
export function linuxConstants(
  libcVersion: string,
  files: LibcFiles,
  arch: Arch,
  names: readonly string[]
): Map<string, number> {
  const resolver = new ConstResolver(libcVersion, arch, files);
  const values = new Map<string, number>();
  for (const name of names) {
    if (resolver.defines(name)) values.set(name, resolver.value(name));
  }
  return values;
}

/** Reads every file of the search path (both arches) of the libc crate at `libcSrc`. */
export async function readLibcConstantFiles(
  libcSrc: string
): Promise<{ version: string; files: Map<string, string> }> {
  const cargoToml = await readFile(path.join(libcSrc, 'Cargo.toml'), 'utf8').catch(() => {
    throw new ActionError(`${libcSrc} is not a libc crate source: it has no Cargo.toml`);
  });
  const version = parseCrateVersion(cargoToml);
  if (version === undefined) {
    throw new ActionError(`${libcSrc}/Cargo.toml has no [package] version`);
  }
  const newFiles = (
    await Promise.all(LIBC_NEW_DIRS.map(dir => rustFilesUnder(libcSrc, dir)))
  ).flat();
  const wanted = new Set(ARCHES.flatMap(arch => libcSearchPath(arch, newFiles)));
  const files = new Map<string, string>();
  for (const relative of wanted) {
    const text = await readFile(path.join(libcSrc, relative), 'utf8').catch(() => undefined);
    if (text !== undefined) files.set(relative, text);
  }
  return { version, files };
}

/** The `.rs` files under `root/dir`, relative to root with `/`; none if it does not exist. */
async function rustFilesUnder(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { recursive: true }).catch(() => []);
  return entries
    .filter(entry => entry.endsWith('.rs'))
    .map(entry => `${dir}/${entry.split(path.sep).join('/')}`);
}

interface ConstDefinition {
  index: number;
  type: string;
  expr: string;
}

/** `pub const NAME: TYPE = EXPR;` on one line, as libc writes its constants. */
function constDefinitions(text: string, name: string): ConstDefinition[] {
  const pattern = new RegExp(
    `^[ \\t]*(?:pub(?:\\([a-z]+\\))?[ \\t]+)?const ${name}\\s*:([^=;]+)=\\s*([^;]+);`,
    'gm'
  );
  return [...text.matchAll(pattern)].map(match => ({
    index: match.index,
    type: match[1].trim(),
    expr: match[2].trim()
  }));
}

/** Integer types narrower than 64 bits, as (bits, signed): literals wrap to them as rustc does. */
const NARROW_TYPES: Readonly<Record<string, [number, boolean]>> = {
  c_int: [32, true],
  i32: [32, true],
  c_uint: [32, false],
  u32: [32, false],
  c_short: [16, true],
  i16: [16, true],
  c_ushort: [16, false],
  u16: [16, false]
};

/**
 * `value` as a constant of `type` holds it: libc allows overflowing literals, so
 * `SA_RESETHAND: c_int = 0x80000000` is -2147483648 in Rust, and that is what the shims compare.
 */
export function wrapToType(value: number, type: string): number {
  const narrow = NARROW_TYPES[type.replace(/^(?:crate|core::ffi|::core::ffi)::/, '')];
  if (!narrow) return value;
  const [bits, signed] = narrow;
  const wrapped = signed ? BigInt.asIntN(bits, BigInt(value)) : BigInt.asUintN(bits, BigInt(value));
  return Number(wrapped);
}

/** Resolves a constant by searching one arch's file list, following references to other names. */
class ConstResolver {
  private readonly searchPath: string[];
  private readonly cfg: ReadonlyMap<string, readonly string[]>;

  constructor(
    private readonly libcVersion: string,
    private readonly arch: Arch,
    private readonly files: LibcFiles
  ) {
    this.searchPath = libcSearchPath(arch, files.keys());
    this.cfg = cosmoTargetCfg(arch);
  }

  /** Whether some file of the search path defines `name`. */
  defines(name: string): boolean {
    return this.searchPath.some(file => this.definitionsIn(file, name).length > 0);
  }

  /** `name`'s definitions in `file` that this target compiles. */
  private definitionsIn(file: string, name: string): ConstDefinition[] {
    const text = this.files.get(file) ?? '';
    return constDefinitions(text, name).filter(definition =>
      itemIsCompiled(text, definition.index, this.cfg)
    );
  }

  value(name: string, seen: readonly string[] = []): number {
    if (seen.includes(name)) this.fail(`${[...seen, name].join(' -> ')} refers to itself`);
    for (const file of this.searchPath) {
      const text = this.files.get(file);
      if (text === undefined) continue;
      const definitions = this.definitionsIn(file, name);
      if (definitions.length === 0) continue;
      const values = new Set(
        definitions.map(({ expr, type }) =>
          wrapToType(this.evaluate(expr, name, [...seen, name]), type)
        )
      );
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

  /** Integer literals, other constants, `-a`, `a + b`, `a | b`, `a << b`, parentheses, `as` casts. */
  private evaluate(source: string, name: string, seen: readonly string[]): number {
    const expr = source.replace(/\b(?:crate|self|super)::/g, '');
    const tokens = expr.match(
      /0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*|[A-Za-z_]\w*|<<|[-+|()]/g
    );
    const leftover = expr.replace(
      /0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*|\w+|<<|[-+|()\s]/g,
      ''
    );
    if (!tokens || leftover !== '') this.fail(`cannot evaluate ${name} = ${expr}`);
    let position = 0;
    const peek = (): string | undefined => tokens[position];
    const term = (): number => {
      const token = tokens[position++];
      let result: number;
      if (token === '-') {
        return -term();
      } else if (token === '(') {
        result = or();
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
    // Rust's precedence: `+` binds tighter than `<<`, which binds tighter than `|`.
    const binary =
      (operator: string, operand: () => number, apply: (a: bigint, b: bigint) => bigint) =>
      (): number => {
        let result = operand();
        while (peek() === operator) {
          position++;
          result = Number(apply(BigInt(result), BigInt(operand())));
        }
        return result;
      };
    const sum = binary('+', term, (a, b) => a + b);
    const shift = binary('<<', sum, (a, b) => a << b);
    const or = binary('|', shift, (a, b) => a | b);
    const result = or();
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
