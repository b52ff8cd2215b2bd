/**
 * The cargo build stage: one `cargo build` with `-Z build-std` for every arch of the plan, its
 * environment (cc-rs pointed at cosmo's compilers), and its output streamed to the log with the
 * rustc problem matcher registered and rustc's locations rebased onto the checkout. argv and env
 * are pure functions; `buildWithCargo` is the stage.
 */
import path from 'node:path';
import type { CosmoccTools } from '../cosmocc/tools.js';
import { ActionError } from '../errors.js';
import type { Log } from '../log.js';
import type { ArchTarget } from '../plan.js';
import { run } from '../process.js';
import type { BinSelection, Crate } from './crate.js';
import { writeArWrapper } from './linker-wrapper.js';
import {
  rebaseRustcLocation,
  RUSTC_MATCHER_OWNER,
  writeProblemMatcher
} from './problem-matcher.js';
import type { RustToolchain } from './toolchain.js';

export interface CargoBuildPlan {
  manifestPath: string;
  profile: string;
  /** Absolute target-spec paths, in plan order. */
  specs: string[];
  selection: BinSelection;
  /** True when the user named bins; otherwise every bin of the chosen packages. */
  explicitBins: boolean;
  package?: string;
  cargoArgs: string[];
  /** The `ecosystem-cfgs` input: false leaves ECOSYSTEM_CFGS out. */
  ecosystemCfgs?: boolean;
}

export function cargoBuildArgs(plan: CargoBuildPlan): string[] {
  const args = ['build', '--manifest-path', plan.manifestPath];
  // std is built from source for the custom targets; panic_abort because cosmo has no unwinder.
  args.push('-Z', 'build-std=std,panic_abort', '-Z', 'json-target-spec');
  for (const spec of plan.specs) args.push('--target', spec);
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
  targets: ReadonlyArray<Pick<ArchTarget, 'arch' | 'target'>>,
  tools: Pick<CosmoccTools, 'compiler' | 'cxxCompiler'>,
  arWrapper: string
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { arch, target } of targets) {
    const suffix = targetEnvSuffix(target);
    env[`CC_${suffix}`] = tools.compiler(arch);
    env[`CXX_${suffix}`] = tools.cxxCompiler(arch);
    env[`AR_${suffix}`] = arWrapper;
  }
  return env;
}

export interface CargoBuild {
  toolchain: RustToolchain;
  targets: readonly ArchTarget[];
  tools: CosmoccTools;
  crate: Crate;
  /** The build's argv, less the specs and bins (from the targets and the crate). */
  options: Omit<CargoBuildPlan, 'specs' | 'selection'>;
  /** Where the AR wrapper and the problem matcher are written. */
  workDir: string;
  /** What the runtime layer adds: cargo's environment and argv (std workspace, libc patches). */
  layer: { cargoEnv: Record<string, string>; cargoArgs: string[] };
  /** The checkout, for annotations; undefined where nothing reads problem matchers. */
  annotateRelativeTo?: string;
  log: Log;
}

/**
 * cfgs that make ecosystem crates pick the OS paths cosmo has, where they would pick Linux-only
 * ones at compile time: rustix calls libc instead of raw Linux syscalls; polling (async-io, smol)
 * and mio (tokio) use poll(2) rather than epoll, which cosmo does not have; mio wakes its poll
 * with a pipe rather than an eventfd.
 */
export const ECOSYSTEM_CFGS = [
  'rustix_use_libc',
  'polling_test_poll_backend',
  'mio_unsupported_force_poll_poll',
  'mio_unsupported_force_waker_pipe'
] as const;

/**
 * Where the ecosystem cfgs go so that they add to the user's flags rather than replace them:
 * appended to CARGO_ENCODED_RUSTFLAGS or RUSTFLAGS when the environment sets one, even to an
 * empty value (cargo then ignores config-file rustflags, `--config` ones included), else as
 * `build.rustflags`, which cargo merges with the user's config files.
 */
export function ecosystemRustflags(env: Readonly<Record<string, string | undefined>>): {
  env: Record<string, string>;
  args: string[];
} {
  const flags = ECOSYSTEM_CFGS.flatMap(cfg => ['--cfg', cfg]);
  const encoded = env.CARGO_ENCODED_RUSTFLAGS;
  if (encoded !== undefined) {
    const joined = [encoded, ...flags].filter(flag => flag !== '').join('\x1f');
    return { env: { CARGO_ENCODED_RUSTFLAGS: joined }, args: [] };
  }
  const plain = env.RUSTFLAGS;
  if (plain !== undefined) {
    return { env: { RUSTFLAGS: [plain.trim(), ...flags].filter(Boolean).join(' ') }, args: [] };
  }
  return { env: {}, args: ['--config', `build.rustflags=${JSON.stringify(flags)}`] };
}

/** The stage: runs cargo, every line to the log as it comes; a failure is one clear error. */
export async function buildWithCargo(build: CargoBuild): Promise<void> {
  const { toolchain, targets, log } = build;
  const specs = targets.map(target => target.spec);
  const cfgs =
    build.options.ecosystemCfgs === false
      ? { env: {}, args: [] }
      : ecosystemRustflags(toolchain.childEnv);
  const args = [
    ...cargoBuildArgs({ ...build.options, specs, selection: build.crate.selection }),
    ...build.layer.cargoArgs,
    ...cfgs.args
  ];
  const env = { ...(await cargoEnvironment(build)), ...cfgs.env };
  log.info(`${toolchain.cargo} ${args.join(' ')}`);
  const matcher = await registerMatcher(build);
  try {
    const { exitCode } = await run(toolchain.cargo, args, { env, onLine: matcher.rewrite });
    if (exitCode !== 0) {
      const annotated = matcher.active ? ' and annotated on the files' : '';
      throw new ActionError(
        `cargo build failed (exit ${exitCode}) for ${targets.map(t => t.arch).join(' and ')}; the compiler's messages are above${annotated}.`
      );
    }
  } finally {
    matcher.remove();
  }
}

async function cargoEnvironment(build: CargoBuild): Promise<Record<string, string>> {
  const arWrapper = path.join(build.workDir, 'cosmoar-wrapper');
  await writeArWrapper(arWrapper, build.tools.cosmoar);
  const env: Record<string, string> = {
    ...build.toolchain.childEnv,
    ...cargoBuildEnv(build.targets, build.tools, arWrapper),
    ...build.layer.cargoEnv,
    // the rebasing below reads plain lines: colour codes would hide ` --> ` from it
    CARGO_TERM_COLOR: 'never'
  };
  if (build.log.isDebug()) env.APE_ACTION_DEBUG = '1';
  return env;
}

interface Matcher {
  active: boolean;
  rewrite(line: string): void;
  remove(): void;
}

/**
 * With annotations on, the rustc problem matcher is registered for the build and every line is
 * logged with rustc's locations made relative to the checkout, so annotations land on the file.
 */
async function registerMatcher(build: CargoBuild): Promise<Matcher> {
  const { log, annotateRelativeTo: checkout } = build;
  // rustc prints locations relative to the cargo workspace root
  const root = build.crate.metadata.workspace_root;
  if (checkout === undefined) {
    return { active: false, rewrite: line => log.info(line), remove: () => undefined };
  }
  log.addMatcher(await writeProblemMatcher(build.workDir));
  return {
    active: true,
    rewrite: line => log.info(rebaseRustcLocation(line, root, checkout)),
    remove: () => log.removeMatcher(RUSTC_MATCHER_OWNER)
  };
}
