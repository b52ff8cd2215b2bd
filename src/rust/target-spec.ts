/**
 * Target specs for `<arch>-unknown-linux-cosmo`. No rustc ships such a target, and the JSON
 * schema drifts between rustc versions (field names, integer vs string widths, data-layout
 * strings). So the spec is derived from the running rustc's own `<arch>-unknown-linux-musl`
 * spec, overriding only what cosmo needs: every field name, the data-layout and the LLVM target
 * then come from the very compiler that will read the spec back.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { baseMuslTarget, type Arch } from '../arch.js';
import type { Log } from '../log.js';
import type { ArchTarget } from '../plan.js';
import { ActionError } from '../errors.js';
import { runChecked, tail } from '../process.js';
import { codeHash, contentHash, reuseOrRedo, stampFileFor, type StampInputs } from '../stamp.js';
import type { RustToolchain } from './toolchain.js';
import { validateTargetSpec } from './validate-spec.js';

export type TargetSpec = Record<string, unknown>;

/** Fields rustc prints with `--print target-spec-json` but rejects in a spec it reads. */
const PRINT_ONLY_FIELDS = ['is-builtin'];

/**
 * musl's crt object lists. rustc only uses them when it links "self-contained", which
 * `crt-objects-fallback: "false"` turns off; cosmo's compiler brings its own crt (ape.o, crt.o).
 * Dropped so the spec does not name musl files that cosmo does not have.
 */
const MUSL_CRT_OBJECT_FIELDS = ['pre-link-objects-fallback', 'post-link-objects-fallback'];

/**
 * Fields cosmo needs at rustc's default, removed should a builtin ever set them. `code-model`:
 * cosmo links at 0x400000 and builds its own C with the default (small) model; the large model
 * puts code and data into .ltext/.lrodata/.ldata/.lbss, which cosmo's ape/ape.lds never names,
 * so the linker places them as orphans (.ldata after _edata): a broken binary.
 */
const DEFAULT_ONLY_FIELDS = ['code-model'];

/** What every cosmo target needs, whatever the arch. */
const COMMON_OVERRIDES: TargetSpec = {
  // cosmocc links every program with -static -no-pie at a fixed address: no PIC, no PIE of
  // either kind (its compiler rejects -pie outright).
  'relocation-model': 'static',
  'position-independent-executables': false,
  'static-position-independent-executables': false,
  // An APE has no dynamic loader on any of the systems it runs on.
  'dynamic-linking': false,
  // Always statically linked; rustc insists that a static default is also "respected".
  'crt-static-default': true,
  'crt-static-respected': true,
  // std is built with build-std=std,panic_abort: the abort strategy has to match it.
  'panic-strategy': 'abort',
  // Never add musl's crt1.o/crti.o/crtbegin.o: cosmo's compiler links its own start files.
  'crt-objects-fallback': 'false',
  // Native #[thread_local] compiles to direct %fs / tpidr_el0 accesses that only Linux honours;
  // cosmo's C code is rewritten by its tlscc for every OS, Rust code never passes through it.
  // With false, std keeps thread locals in pthread keys, which cosmo implements everywhere.
  'has-thread-local': false,
  // cosmocc builds all C with -fno-omit-frame-pointer; cosmo's backtraces and --ftrace walk
  // frame pointers, so Rust frames must keep them too.
  'frame-pointer': 'always'
};

/** What differs per arch; gets the builtin spec to edit lists (features) rather than replace. */
const ARCH_OVERRIDES: Record<Arch, (builtin: TargetSpec) => TargetSpec> = {
  x86_64: () => ({
    // cosmocc compiles everything with -mno-red-zone: Rust code shares its stacks with cosmo's
    // signal delivery, which may write just below the interrupted stack pointer.
    'disable-redzone': true
  }),
  aarch64: builtin => ({ features: aarch64Features(builtin.features) })
};

/**
 * cosmocc compiles aarch64 with -ffixed-x18 -ffixed-x28: cosmo keeps its own thread pointer and
 * state there, so Rust must never allocate them (a violation is silent memory corruption, not a
 * link error).
 *
 * `+outline-atomics` (which the musl spec brings) is dropped on purpose: it turns every atomic
 * read-modify-write into a call to an `__aarch64_*` helper that picks LSE or LL/SC at run time
 * from a flag that a Linux-specific constructor sets from getauxval(AT_HWCAP). Whether that flag
 * is set up under cosmo on macOS, Windows and the BSDs is not something we can check, and a wrong
 * guess would be a crash far from its cause. Without the feature LLVM inlines LL/SC sequences,
 * which are correct on every ARMv8 CPU under every OS; the price is slower contended atomics on
 * large many-core machines.
 */
const AARCH64_RESERVED_REGISTERS = ['+reserve-x18', '+reserve-x28'];
const AARCH64_DROPPED_FEATURES = ['+outline-atomics', '-reserve-x18', '-reserve-x28'];

export function aarch64Features(builtinFeatures: unknown): string {
  const kept = String(builtinFeatures ?? '')
    .split(',')
    .map(feature => feature.trim())
    .filter(feature => feature !== '' && !AARCH64_DROPPED_FEATURES.includes(feature))
    .filter(feature => !AARCH64_RESERVED_REGISTERS.includes(feature));
  return [...kept, ...AARCH64_RESERVED_REGISTERS].join(',');
}

/**
 * The spec for `COSMO_TARGETS[arch]`, from rustc's builtin musl spec for the same arch. Pure.
 * Keeps data-layout, llvm-target, exe-suffix (none) and every field not listed above as the
 * builtin has them.
 */
export function deriveTargetSpec(arch: Arch, builtin: TargetSpec, linkerPath: string): TargetSpec {
  checkBuiltin(arch, builtin);
  if (!path.isAbsolute(linkerPath)) {
    throw new Error(`the linker in a target spec must be an absolute path, got ${linkerPath}`);
  }
  const spec: TargetSpec = withoutFields(builtin, [
    ...PRINT_ONLY_FIELDS,
    ...MUSL_CRT_OBJECT_FIELDS,
    ...DEFAULT_ONLY_FIELDS
  ]);
  Object.assign(spec, COMMON_OVERRIDES, ARCH_OVERRIDES[arch](builtin));
  spec['linker-flavor'] = ccLinkerFlavor(builtin['linker-flavor']);
  // rustc runs this as the linker; the wrapper forwards to cosmocc's per-arch compiler.
  spec.linker = linkerPath;
  if (isObject(builtin.metadata)) spec.metadata = cosmoMetadata(arch, builtin.metadata);
  return sortKeys(withoutEmptyLinkArgs(spec)) as TargetSpec;
}

function checkBuiltin(arch: Arch, builtin: TargetSpec): void {
  if (builtin.arch !== arch) {
    throw new Error(
      `expected rustc's builtin ${baseMuslTarget(arch)} spec, got arch ${String(builtin.arch)}`
    );
  }
  for (const field of ['data-layout', 'llvm-target']) {
    if (typeof builtin[field] !== 'string') {
      throw new Error(`rustc's builtin ${baseMuslTarget(arch)} spec has no ${field}`);
    }
  }
}

/**
 * rustc links through a C compiler driver (cosmocc's `<arch>-unknown-cosmo-cc`). Newer rustcs
 * print that flavor as `gnu-cc`, older ones as `gcc`; keep the spelling this rustc uses. A
 * builtin without a cc flavor gets `gcc`, the legacy name every rustc still reads.
 */
export function ccLinkerFlavor(builtinFlavor: unknown): string {
  return builtinFlavor === 'gnu-cc' || builtinFlavor === 'gcc' ? builtinFlavor : 'gcc';
}

function cosmoMetadata(arch: Arch, builtin: Record<string, unknown>): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    ...builtin,
    description: `Actually Portable Executable (${arch}) linked by cosmocc; derived from ${baseMuslTarget(arch)}`,
    // rustc and cargo do not run on this target; std does (built with build-std).
    host_tools: false,
    std: true
  };
  // Not one of rustc's support tiers.
  delete metadata.tier;
  return metadata;
}

/**
 * rustc rejects an empty argument list for a linker flavor ("linker flavor args must not be
 * empty"), so flavors with no arguments are removed, and link-args fields left with none.
 */
export function withoutEmptyLinkArgs(spec: TargetSpec): TargetSpec {
  const result: TargetSpec = { ...spec };
  for (const [field, value] of Object.entries(spec)) {
    if (!field.includes('link-args') || !isObject(value)) continue;
    const nonEmpty = Object.entries(value).filter(
      ([, args]) => !(Array.isArray(args) && args.length === 0)
    );
    if (nonEmpty.length === 0) delete result[field];
    else result[field] = Object.fromEntries(nonEmpty);
  }
  return result;
}

function withoutFields(spec: TargetSpec, fields: string[]): TargetSpec {
  return Object.fromEntries(Object.entries(spec).filter(([key]) => !fields.includes(key)));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map(key => [key, sortKeys(value[key])])
  );
}

/** JSON with sorted keys and no whitespace: equal specs give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** sha256 of the canonical JSON, for cache keys: any change to the spec changes the hash. */
export function specHash(spec: TargetSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

/** The spec file's text: sorted keys, two-space indent, trailing newline (stable diffs). */
export function renderTargetSpec(spec: TargetSpec): string {
  return `${JSON.stringify(sortKeys(spec), null, 2)}\n`;
}

/** `rustc --print target-spec-json` of the builtin musl target, parsed. */
export async function printBuiltinSpec(toolchain: RustToolchain, arch: Arch): Promise<TargetSpec> {
  const target = baseMuslTarget(arch);
  const args = ['-Z', 'unstable-options', '--print', 'target-spec-json', '--target', target];
  const result = await runChecked(toolchain.rustc, args, {
    env: { ...toolchain.childEnv, RUSTC_BOOTSTRAP: '1' },
    failure: `${toolchain.versionLine} (${toolchain.rustc}) could not print its ${target} target spec`
  });
  try {
    return JSON.parse(result.stdout) as TargetSpec;
  } catch {
    throw new ActionError(
      `${toolchain.versionLine} (${toolchain.rustc}) printed a ${target} target spec that is not JSON: ${tail(result.stdout, 300)}`
    );
  }
}

/**
 * Derives, writes and validates the spec of every target in the plan, at the plan's paths. The
 * specs embed the linker paths, so the plan keeps both at stable paths across runs: a changed
 * spec makes cargo rebuild std. A warm run reuses the last run's specs on a stamp (specStampInputs).
 */
export async function writeTargetSpecs(
  toolchain: RustToolchain,
  targets: readonly ArchTarget[],
  log: Log
): Promise<void> {
  // each arch is its own rustc calls (print, validate): run them side by side, it is most of
  // what a cold run costs over cargo itself before the build starts
  await Promise.all(targets.map(target => writeOneTargetSpec(toolchain, target, log)));
}

/** What a derivation leaves for the next run: the file it wrote and what rustc said of it. */
interface WrittenSpec {
  /** contentHash of the spec file's text, to tell an edited or removed file. */
  fileHash: string;
  /** specHash, for the log. */
  sha256: string;
  /** rustc's warnings about the spec, repeated on a reuse. */
  warnings: string;
}

async function writeOneTargetSpec(
  toolchain: RustToolchain,
  target: ArchTarget,
  log: Log
): Promise<void> {
  const { arch, spec: specPath } = target;
  const written = await reuseOrRedo<WrittenSpec>({
    what: `${arch} target spec`,
    doing: 'deriving and validating',
    stampFile: stampFileFor(specPath),
    inputs: await specStampInputs(toolchain, target),
    log,
    brokenReason: async ({ fileHash }) =>
      (await fileContentHash(specPath)) === fileHash
        ? undefined
        : `${specPath} was changed or removed`,
    work: () => deriveAndValidate(toolchain, target)
  });
  if (written.warnings)
    log.warning(`rustc warns about the ${arch} target spec: ${written.warnings}`);
  log.info(
    `Target spec ${specPath}: ${baseMuslTarget(arch)} of ${toolchain.versionLine} with cosmo overrides (sha256 ${written.sha256})`
  );
}

/**
 * What a spec depends on: the compiler that prints the builtin spec and validates the result,
 * the derivation (this action's code) and the linker path it names. The spec text itself is
 * checked on the file (brokenReason), so an edited or removed spec is derived again.
 */
async function specStampInputs(
  toolchain: Pick<RustToolchain, 'versionLine' | 'sysroot'>,
  target: Pick<ArchTarget, 'linker'>
): Promise<StampInputs> {
  return {
    rustc: `${toolchain.versionLine} at ${toolchain.sysroot}`,
    'ape-action': await codeHash(import.meta.url),
    linker: target.linker
  };
}

async function deriveAndValidate(
  toolchain: RustToolchain,
  { arch, spec: specPath, linker }: ArchTarget
): Promise<WrittenSpec> {
  const spec = deriveTargetSpec(arch, await printBuiltinSpec(toolchain, arch), linker);
  const text = renderTargetSpec(spec);
  await mkdir(path.dirname(specPath), { recursive: true });
  await writeFile(specPath, text);
  const warnings = await validateTargetSpec(toolchain, arch, specPath);
  return { fileHash: contentHash(text), sha256: specHash(spec).slice(0, 16), warnings };
}

async function fileContentHash(file: string): Promise<string | undefined> {
  return readFile(file).then(contentHash, () => undefined);
}
