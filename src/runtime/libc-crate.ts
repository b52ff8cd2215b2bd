/**
 * The generated `libc` crate: a copy of the exact `libc` source in use (std's, or the one the
 * user's lockfile resolves) whose musl definitions of the structs in layouts.ts are rewritten to
 * cosmo 4.0.2's layouts (struct-rewrite.ts), whose `syscall` links to the action's C shim, and
 * which proves every rewritten layout at compile time. It keeps the crate's name and version, so
 * `[patch.crates-io]` applies to it.
 *
 * Why a rewrite of the source in use rather than a kept patch file: the definitions move and
 * change shape between libc releases. The generator reads each definition it replaces; when one
 * is not where it expects it, or has a shape it does not understand, generation fails naming the
 * libc version, the file and the item, rather than emitting a crate with musl's layout left in.
 *
 * Rust's `syscall` and every function whose values the boundary translation translates are
 * redirected to the action's C shims (a link name): C code compiled against cosmo's headers keeps
 * calling cosmo's own functions with cosmo's values.
 *
 * Pure core: `patchLibcSources` (file texts in, changed file texts out). Thin edge:
 * `writePatchedLibc` copies the crate and writes only files whose content differs, so a re-run
 * leaves every mtime alone and cargo's fingerprints stay fresh.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ActionError } from '../errors.js';
import { ARCHES } from '../arch.js';
import { cosmoLayouts, COSMO_VERSION, layoutOf, type Arch, type StructLayout } from './layouts.js';
import { cosmoCfg, RewriteProblem, rewriteStructIn } from './struct-rewrite.js';
import { findStructs } from './rust-items.js';
import { SHIM_PREFIX, SHIMMED_FUNCTIONS } from './boundary/c-shims.js';
import { DOMAINS } from './boundary/domains.js';
import { LINUX_NAMES, linuxConstants } from './linux-abi.js';

/** The symbol Rust's `syscall` links to in the generated crate (the C shim defines it). */
export const RUST_SYSCALL_LINK_NAME = '__ape_action_syscall';

/** What the generator reads besides the crate root: every Rust file of the Linux family. */
export const LIBC_SCAN_DIR = 'src/unix/linux_like';
const LINUX_DIR = `${LIBC_SCAN_DIR}/linux`;
const MUSL_DIR = `${LINUX_DIR}/musl`;
export const LIBC_ROOT_FILE = 'src/lib.rs';
/** Where libc declares most POSIX functions, and the tree newer releases move items into. */
const UNIX_ROOT_FILE = 'src/unix/mod.rs';
const NEW_DIR = 'src/new';
/** The module the generator adds: the compile-time layout proofs. */
export const CHECKS_FILE = 'src/ape_action_layout_checks.rs';
/** The module the generator adds: the compile-time proof of the shims' Linux values. */
export const VALUE_CHECKS_FILE = 'src/ape_action_value_checks.rs';

/** One definition to replace: the item, the file that must hold it, the arches it serves. */
interface StructRewrite {
  file: string;
  item: string;
  /** The layout it gets, by name in layouts.ts. */
  layout: string;
  arches: readonly Arch[];
}

/** Where libc 0.2.x keeps musl's definitions of the structs cosmo lays out differently. */
const STRUCT_REWRITES: readonly StructRewrite[] = [
  { file: `${MUSL_DIR}/b64/mod.rs`, item: 'pthread_attr_t', layout: 'pthread_attr_t', arches: ARCHES },
  { file: `${MUSL_DIR}/b64/mod.rs`, item: 'sigset_t', layout: 'sigset_t', arches: ARCHES },
  { file: `${MUSL_DIR}/b64/mod.rs`, item: 'sem_t', layout: 'sem_t', arches: ARCHES },
  { file: `${MUSL_DIR}/b64/x86_64/mod.rs`, item: 'stat', layout: 'stat', arches: ['x86_64'] },
  { file: `${MUSL_DIR}/b64/aarch64/mod.rs`, item: 'stat', layout: 'stat', arches: ['aarch64'] },
  { file: `${MUSL_DIR}/mod.rs`, item: 'sigaction', layout: 'sigaction', arches: ARCHES },
  { file: `${MUSL_DIR}/mod.rs`, item: 'statfs', layout: 'statfs', arches: ARCHES },
  // the crate's musl statfs64()/fstatfs64() hand their buffer to statfs()/fstatfs()
  { file: `${MUSL_DIR}/mod.rs`, item: 'statfs64', layout: 'statfs', arches: ARCHES },
  { file: `${LIBC_SCAN_DIR}/mod.rs`, item: 'utsname', layout: 'utsname', arches: ARCHES }
]; // prettier-ignore

export interface LibcPatchOptions {
  /** The layouts to apply per arch (tests pass a deliberately wrong table). */
  layouts?: (arch: Arch) => readonly StructLayout[];
  /**
   * An extra cfg predicate every cosmo definition also requires (e.g. `target_vendor = "cosmo"`
   * if the target spec sets that vendor), so that a musl *host* building build scripts with this
   * crate never sees cosmo's layouts.
   */
  extraCfg?: string;
}

export interface LibcSources {
  version: string;
  /** Relative path (with `/`) to text: LIBC_ROOT_FILE and every `.rs` under LIBC_SCAN_DIR. */
  files: Readonly<Record<string, string>>;
}

/** Generation failed on drift: names libc's version, the file and the item. */
export class LibcDriftError extends ActionError {
  constructor(version: string, file: string, item: string, problem: string) {
    super(
      `cannot generate the cosmo libc from libc ${version}: ${file}: ${item}: ${problem}. ` +
        `This libc release moved or reshaped a definition the action rewrites to cosmo ` +
        `${COSMO_VERSION}'s layout; use a libc version the action supports, or update the action.`
    );
  }
}

// ---------------------------------------------------------------------------------------------
// pure core

type ResolvedOptions = LibcPatchOptions & Required<Pick<LibcPatchOptions, 'layouts'>>;

/** One struct rewritten in `text`; a problem becomes a LibcDriftError naming version and file. */
function rewriteOne(
  sources: LibcSources,
  text: string,
  rewrite: StructRewrite,
  options: ResolvedOptions
): string {
  try {
    return rewriteStructIn(text, {
      item: rewrite.item,
      arches: rewrite.arches,
      layoutOn: arch => layoutOf(options.layouts(arch), rewrite.layout),
      extraCfg: options.extraCfg,
      rewrittenWidths: { sigset_t: layoutOf(options.layouts('x86_64'), 'sigset_t').size }
    });
  } catch (err) {
    if (!(err instanceof RewriteProblem)) throw err;
    const hint = /not found$/.test(err.message) ? movedTo(sources, rewrite) : '';
    throw new LibcDriftError(sources.version, rewrite.file, rewrite.item, err.message + hint);
  }
}

/** Where else in the expected file's directory (or below) the item is: a drift hint. */
function movedTo(sources: LibcSources, rewrite: StructRewrite): string {
  const dir = `${path.posix.dirname(rewrite.file)}/`;
  const elsewhere = Object.keys(sources.files)
    .filter(file => file.startsWith(dir) && file !== rewrite.file)
    .filter(file => findStructs(sources.files[file], rewrite.item).length > 0)
    .sort();
  return elsewhere.length > 0 ? ` (defined in ${elsewhere.join(', ')} instead)` : '';
}

/** The libc functions Rust's calls are redirected for, and the C symbol each goes to. */
export function redirectedFunctions(): Map<string, string> {
  const functions = new Map([['syscall', RUST_SYSCALL_LINK_NAME]]);
  for (const name of Object.values(SHIMMED_FUNCTIONS).flat()) {
    functions.set(name, `${SHIM_PREFIX}${name}`);
  }
  return functions;
}

/**
 * Points every declaration of a shimmed function at its shim, for cosmo targets only: a link
 * name only Rust code uses, so C code (and cosmo itself) keeps calling cosmo's functions. Every
 * declaration gets the attribute (one a cosmo target does not compile is unaffected); a function
 * declared nowhere is drift.
 */
function redirectFunctions(sources: LibcSources, extraCfg?: string): Record<string, string> {
  const changed: Record<string, string> = {};
  const found = new Set<string>();
  for (const [name, symbol] of redirectedFunctions()) {
    const attr = `#[cfg_attr(${cosmoCfg(ARCHES, extraCfg)}, link_name = "${symbol}")]`;
    const declaration = new RegExp(`^([ \\t]*)(pub fn ${name}\\()`, 'gm');
    for (const file of Object.keys(sources.files)) {
      const text = changed[file] ?? sources.files[file];
      if (!declaration.test(text)) continue;
      found.add(name);
      changed[file] = text.replace(declaration, `$1${attr}\n$1$2`);
    }
  }
  const missing = [...redirectedFunctions().keys()].filter(name => !found.has(name));
  if (missing.length > 0) {
    const searched = `${LIBC_SCAN_DIR}, ${UNIX_ROOT_FILE}, ${NEW_DIR}`;
    throw new LibcDriftError(
      sources.version,
      searched,
      missing.join(', '),
      `\`pub fn ${missing[0]}(\` not found`
    );
  }
  return changed;
}

/** The Rust asserts for one struct on one arch: size, alignment, every field's offset. */
function layoutAsserts(item: string, layout: StructLayout, arch: Arch, cfg: string): string[] {
  const from = `cosmo ${COSMO_VERSION}'s ${layout.cType}, ${layout.cosmoSource}`;
  const assert = (check: string, message: string) =>
    `#[cfg(${cfg})]\nconst _: () = ::core::assert!(${check}, ` +
    `${JSON.stringify(`ape-action: ${message} (${from})`)});`;
  return [
    assert(
      `::core::mem::size_of::<crate::${item}>() == ${layout.size}`,
      `libc::${item} on ${arch} must be ${layout.size} bytes`
    ),
    assert(
      `::core::mem::align_of::<crate::${item}>() == ${layout.align}`,
      `libc::${item} on ${arch} must be aligned to ${layout.align}`
    ),
    ...layout.fields.map(f =>
      assert(
        `::core::mem::offset_of!(crate::${item}, ${f.rust}) == ${f.offset}`,
        `libc::${item}.${f.rust} on ${arch} must be at offset ${f.offset}`
      )
    )
  ];
}

/** The added module: the compile-time proof of every rewritten layout, per arch. */
export function layoutChecksModule(
  layouts: (arch: Arch) => readonly StructLayout[],
  extraCfg?: string
): string {
  const asserts: string[] = [];
  for (const rewrite of STRUCT_REWRITES) {
    for (const arch of rewrite.arches) {
      const layout = layoutOf(layouts(arch), rewrite.layout);
      asserts.push(...layoutAsserts(rewrite.item, layout, arch, cosmoCfg([arch], extraCfg)));
    }
  }
  return [
    "//! Generated by ape-action. The structs rewritten to cosmo's layouts must have exactly",
    `//! cosmo ${COSMO_VERSION}'s sizes, alignments and field offsets: a failing assert names the`,
    "//! struct, the field and the number from cosmo's headers.",
    '',
    ...asserts,
    ''
  ].join('\n');
}

function withChecksModule(libRs: string, extraCfg?: string): string {
  return (
    `${libRs.replace(/\s*$/, '\n')}\n` +
    "// Added by ape-action: the proof that the structs rewritten for cosmo have cosmo's layouts,\n" +
    '// and that the Linux values its C shims translate from are the ones this crate compiles.\n' +
    `#[cfg(${cosmoCfg(ARCHES, extraCfg)})]\n` +
    `mod ${path.posix.basename(CHECKS_FILE, '.rs')};\n` +
    `#[cfg(${cosmoCfg(ARCHES, extraCfg)})]\n` +
    `mod ${path.posix.basename(VALUE_CHECKS_FILE, '.rs')};\n`
  );
}

/**
 * The added module proving, per arch, that every Linux value the shims' tables were generated
 * with (read from this source by linux-abi.ts, which evaluates cfgs itself) is the value rustc
 * compiles: if the reader ever picks the wrong cfg variant, the build fails naming the constant.
 */
export function valueChecksModule(sources: LibcSources, extraCfg?: string): string {
  const files = new Map(Object.entries(sources.files));
  const names = [...new Set([...DOMAINS.flatMap(domain => domain.names), ...LINUX_NAMES])];
  const asserts: string[] = [];
  for (const arch of ARCHES) {
    const values = linuxConstants(sources.version, files, arch, names);
    for (const [name, value] of values) {
      asserts.push(
        `#[cfg(${cosmoCfg([arch], extraCfg)})]\nconst _: () = ::core::assert!(crate::${name} as i64 == ${value}i64, ` +
          `${JSON.stringify(`ape-action: libc::${name} on ${arch} is not ${value}, the value its C shims were generated with`)});`
      );
    }
  }
  return [
    '//! Generated by ape-action: the Linux values the boundary translation was generated with.',
    '',
    ...asserts,
    ''
  ].join('\n');
}

/**
 * The changed and added files of the generated crate, from the texts of the crate in use.
 * Throws LibcDriftError when something it rewrites is not where, or not how, it expects.
 */
export function patchLibcSources(
  sources: LibcSources,
  options: LibcPatchOptions = {}
): Record<string, string> {
  const resolved: ResolvedOptions = { ...options, layouts: options.layouts ?? cosmoLayouts };
  const changed = redirectFunctions(sources, options.extraCfg);
  for (const rewrite of STRUCT_REWRITES) {
    const text = changed[rewrite.file] ?? existingFile(sources, rewrite.file, rewrite.item);
    changed[rewrite.file] = rewriteOne(sources, text, rewrite, resolved);
  }
  const libRs = existingFile(sources, LIBC_ROOT_FILE, 'crate root');
  changed[LIBC_ROOT_FILE] = withChecksModule(libRs, options.extraCfg);
  changed[CHECKS_FILE] = layoutChecksModule(resolved.layouts, options.extraCfg);
  changed[VALUE_CHECKS_FILE] = valueChecksModule(sources, options.extraCfg);
  return changed;
}

function existingFile(sources: LibcSources, file: string, item: string): string {
  const text = sources.files[file];
  if (text === undefined) {
    throw new LibcDriftError(sources.version, file, item, 'the file does not exist');
  }
  return text;
}

/** The `name` and `version` of a crate's `[package]`, from its (normalized) Cargo.toml. */
export function crateIdentity(cargoToml: string): { name: string; version: string } | undefined {
  const start = /^\[package\][ \t]*$/m.exec(cargoToml);
  if (!start) return undefined;
  const rest = cargoToml.slice(start.index + start[0].length);
  const section = rest.slice(0, /^\[/m.exec(rest)?.index ?? rest.length);
  const name = /^name\s*=\s*"([^"]+)"/m.exec(section)?.[1];
  const version = /^version\s*=\s*"([^"]+)"/m.exec(section)?.[1];
  return name && version ? { name, version } : undefined;
}

/**
 * The generated crate's directory name: its version and a hash of every file it will hold. New
 * content gets a new directory, which cargo sees as a new package. That matters: cargo does not
 * fingerprint std's dependencies by their sources (build-std units are never "local"), so files
 * rewritten in place would leave a stale std in a warm target dir.
 */
export function generatedDirName(
  version: string,
  files: ReadonlyMap<string, Buffer | string>
): string {
  const hash = createHash('sha256').update(version);
  for (const rel of [...files.keys()].sort())
    hash.update(`\0${rel}\0`).update(files.get(rel) ?? '');
  return `libc-${version}-${hash.digest('hex').slice(0, 12)}`;
}

// ---------------------------------------------------------------------------------------------
// the effectful edge

/** Files of a registry crate that vouch for the original, not for this copy. */
const NOT_COPIED = new Set(['.cargo-checksum.json', '.cargo-checksum.json.orig', '.cargo-ok']);

async function listFiles(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (rel !== 'target' && rel !== '.git') files.push(...(await listFiles(root, rel)));
    } else if (!NOT_COPIED.has(rel)) {
      files.push(rel);
    }
  }
  return files;
}

/**
 * The modification time of every file written into a generated libc. cargo reruns libc's build
 * script when build.rs is newer than the script's last output, and rebuilds a path dependency
 * (the user's patched libc) when a source is newer than its dep-info. Every new job starts with
 * an empty RUNNER_TEMP and writes these files again: stamped with the time of writing, they
 * would make a build cache restored with older outputs rebuild libc, std and all above it.
 * A fixed old time is safe because the directory is named by a hash of every file's content
 * (generatedDirName): new content is always a new package to cargo, never an old one edited.
 */
export const GENERATED_MTIME = new Date('2000-01-01T00:00:00Z');

/** Writes `content` unless the file already holds exactly that (keeps mtimes on re-runs). */
async function syncFile(file: string, content: Buffer): Promise<void> {
  const current = await readFile(file).catch(() => undefined);
  if (current?.equals(content)) return;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  await utimes(file, GENERATED_MTIME, GENERATED_MTIME);
}

/** Reads what `patchLibcSources` needs from a libc crate directory. */
export async function readLibcSources(crateDir: string): Promise<LibcSources> {
  const manifest = path.join(crateDir, 'Cargo.toml');
  const toml = await readFile(manifest, 'utf8').catch(() => {
    throw new ActionError(`no libc crate at ${crateDir}: cannot read ${manifest}`);
  });
  const identity = crateIdentity(toml);
  if (identity?.name !== 'libc') {
    throw new ActionError(`${manifest} is not the libc crate (package ${identity?.name ?? '?'})`);
  }
  const scanned = [
    ...(await listFiles(crateDir, LIBC_SCAN_DIR).catch(() => [])),
    ...(await listFiles(crateDir, NEW_DIR).catch(() => []))
  ];
  const files: Record<string, string> = {};
  for (const rel of [LIBC_ROOT_FILE, UNIX_ROOT_FILE, ...scanned.filter(f => f.endsWith('.rs'))]) {
    const text = await readFile(path.join(crateDir, rel), 'utf8').catch(() => undefined);
    if (text !== undefined) files[rel] = text;
  }
  return { version: identity.version, files };
}

export interface GeneratedLibc {
  dir: string;
  version: string;
}

/**
 * Generates the cosmo libc from the crate at `sourceDir` into `outRoot/libc-<version>-<hash>`
 * and returns where. The same source and options always give the same directory, and a second
 * run writes nothing.
 */
export async function writePatchedLibc(
  sourceDir: string,
  outRoot: string,
  options: LibcPatchOptions = {}
): Promise<GeneratedLibc> {
  const sources = await readLibcSources(sourceDir);
  const changed = patchLibcSources(sources, options);
  const files = new Map<string, Buffer | string>();
  for (const rel of await listFiles(sourceDir)) {
    files.set(rel, changed[rel] ?? (await readFile(path.join(sourceDir, rel))));
  }
  for (const [rel, text] of Object.entries(changed)) files.set(rel, text);
  const dir = path.join(outRoot, generatedDirName(sources.version, files));
  for (const [rel, content] of files) await syncFile(path.join(dir, rel), Buffer.from(content));
  return { dir, version: sources.version };
}
