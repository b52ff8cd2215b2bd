/**
 * The Rust toolchain stage: find (preinstalled) or install (rustup, dated nightly) a rustc and
 * cargo, and make sure the std sources that `-Z build-std` compiles are there for that exact
 * rustc. Parsing and argv building are pure; only `which`, rustc/rustup runs and one stat touch
 * the machine.
 */
import * as io from '@actions/io';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ActionError } from '../errors.js';
import type { Log } from '../log.js';
import { run, runChecked, tail } from '../process.js';
import { childEnv, type ProcessEnv, type RunnerEnv } from '../runner-env.js';
import { stampedRustcProbe, type ProbeStamps } from './probe-stamps.js';

/**
 * The pinned default nightly. 2026-05-20 ships rustc 1.97.0-nightly (e50aa6fba 2026-05-19): newer
 * than cargo's `-Z json-target-spec` (2026-01-25), and the exact compiler our spec derivation is
 * validated against in this repository's integration tests.
 */
export const DEFAULT_RUST_TOOLCHAIN = 'nightly-2026-05-20';

export type RustToolchainRequest = { kind: 'preinstalled' } | { kind: 'rustup'; toolchain: string };

export interface RustToolchain {
  rustc: string;
  cargo: string;
  /** First line of `rustc -vV`, e.g. `rustc 1.96.0 (ac68faa20 2026-05-25)`. */
  versionLine: string;
  /** e.g. `1.96.0` or `1.97.0-nightly`. */
  release: string;
  isNightly: boolean;
  hostTriple: string;
  sysroot: string;
  /** `<sysroot>/lib/rustlib/src/rust`, the sources `-Z build-std` compiles. */
  rustSrc: string;
  /** What this toolchain adds to the environment of every rustc and cargo call (toolchainEnv). */
  env: Record<string, string>;
  /** The whole environment for rustc and cargo: the process's own plus `env`. */
  childEnv: Record<string, string>;
  source: 'preinstalled' | 'rustup';
}

export interface RustcVersionInfo {
  versionLine: string;
  release: string;
  hostTriple: string;
  commitHash?: string;
  llvmVersion?: string;
}

/** Parses `rustc -vV`. Throws when the text is not rustc's verbose version output. */
export function parseRustcVerbose(output: string): RustcVersionInfo {
  const lines = output.trim().split('\n');
  const versionLine = lines[0]?.trim() ?? '';
  const fields = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const release = fields.get('release');
  const hostTriple = fields.get('host');
  if (!versionLine.startsWith('rustc ') || !release || !hostTriple) {
    throw new Error(`not the output of 'rustc -vV': ${JSON.stringify(output.slice(0, 200))}`);
  }
  return {
    versionLine,
    release,
    hostTriple,
    commitHash: fields.get('commit-hash'),
    llvmVersion: fields.get('LLVM version')
  };
}

/**
 * Nightly and locally built (`-dev`) compilers accept `-Z` flags on their own; stable and beta
 * (Debian's rustc included) need RUSTC_BOOTSTRAP=1.
 */
export function isNightlyRelease(release: string): boolean {
  return /-(nightly|dev)\b/.test(release);
}

/**
 * The environment every rustc/cargo call of this toolchain gets. RUSTC pins cargo to the rustc
 * we checked: cargo otherwise runs whichever `rustc` comes first on PATH, which need not be the
 * one next to it (a rustup proxy ahead of /usr/bin, say). RUSTUP_TOOLCHAIN pins rustup's proxies
 * to the toolchain we checked, whatever a rust-toolchain.toml in the crate says.
 */
export function toolchainEnv(
  rustc: string,
  release: string,
  rustupToolchain?: string
): Record<string, string> {
  const env: Record<string, string> = { RUSTC: rustc };
  if (!isNightlyRelease(release)) env.RUSTC_BOOTSTRAP = '1';
  if (rustupToolchain !== undefined) env.RUSTUP_TOOLCHAIN = rustupToolchain;
  return env;
}

export function rustSrcDir(sysroot: string): string {
  return path.join(sysroot, 'lib', 'rustlib', 'src', 'rust');
}

/** The file whose presence shows the std sources are installed. */
export function rustSrcMarker(sysroot: string): string {
  return path.join(rustSrcDir(sysroot), 'library', 'std');
}

/** A sysroot under `<rustup home>/toolchains/<name>` belongs to the rustup toolchain `<name>`. */
export function rustupToolchainOfSysroot(sysroot: string): string | undefined {
  const parent = path.basename(path.dirname(path.resolve(sysroot)));
  return parent === 'toolchains' ? path.basename(sysroot) : undefined;
}

/** `rustup toolchain install` argv: only what build-std needs, and never touch rustup itself. */
export function rustupInstallArgs(toolchain: string): string[] {
  return [
    'toolchain',
    'install',
    toolchain,
    '--profile',
    'minimal',
    '--component',
    'rust-src',
    '--no-self-update'
  ];
}

/** Where rustup keeps its state: `$RUSTUP_HOME`, else `~/.rustup`. */
export function rustupHome(env: NodeJS.ProcessEnv, homeDir: string): string {
  return env.RUSTUP_HOME || path.join(homeDir, '.rustup');
}

/**
 * The directory rustup installs `toolchain` into (what a cache saves and restores across runs):
 * `<rustup home>/toolchains/<toolchain>-<host triple>`.
 */
export function rustupToolchainDir(toolchain: string, hostTriple: string, home: string): string {
  return path.join(home, 'toolchains', `${toolchain}-${hostTriple}`);
}

/** rustup's host triple for a Node platform/arch pair, known before any rustc exists. */
export function rustupHostTriple(platform: string, arch: string): string {
  const triples: Record<string, string> = {
    'linux/x64': 'x86_64-unknown-linux-gnu',
    'linux/arm64': 'aarch64-unknown-linux-gnu',
    'darwin/x64': 'x86_64-apple-darwin',
    'darwin/arm64': 'aarch64-apple-darwin'
  };
  const triple = triples[`${platform}/${arch}`];
  if (!triple) {
    throw new ActionError(
      `Building with cosmocc needs a Linux or macOS machine (x86_64 or arm64); this is ${platform}/${arch}.`
    );
  }
  return triple;
}

export function missingRustSrcMessage(
  toolchain: Pick<RustToolchain, 'rustc' | 'versionLine' | 'sysroot'>,
  rustupName?: string
): string {
  const fix = rustupName
    ? `run 'rustup component add rust-src --toolchain ${rustupName}'`
    : `install the std sources that match this rustc (Debian: the rust-src package for rustc, rust-web-src for rustc-web; rustup: 'rustup component add rust-src')`;
  return (
    `${toolchain.versionLine} at ${toolchain.rustc} has no Rust standard library sources ` +
    `(rust-src): ${rustSrcMarker(toolchain.sysroot)} does not exist. Building for cosmo compiles ` +
    `std with -Z build-std from the sources of this exact rustc. Fix: ${fix}, or set ` +
    `rust-toolchain to a dated nightly such as ${DEFAULT_RUST_TOOLCHAIN} and let the action install it.`
  );
}

/** Throws the clear missing-rust-src error unless the std sources are in the sysroot. */
export function requireRustSrc(toolchain: RustToolchain): void {
  if (!existsSync(rustSrcMarker(toolchain.sysroot))) {
    throw new ActionError(
      missingRustSrcMessage(toolchain, rustupToolchainOfSysroot(toolchain.sysroot))
    );
  }
}

/** What resolving a toolchain needs from its surroundings. */
export interface ToolchainContext {
  log: Log;
  env: Pick<RunnerEnv, 'processEnv'>;
  /** Where the rustc probe's stamp lives; without it, rustc is always asked. */
  stamps?: ProbeStamps;
}

export async function resolveRustToolchain(
  request: RustToolchainRequest,
  ctx: ToolchainContext
): Promise<RustToolchain> {
  const toolchain =
    request.kind === 'preinstalled'
      ? await resolvePreinstalled(ctx)
      : await resolveRustup(request.toolchain, ctx);
  requireRustSrc(toolchain);
  ctx.log.info(
    `Rust: ${toolchain.versionLine} (${toolchain.source}) at ${toolchain.rustc}; std sources at ${toolchain.rustSrc}`
  );
  return toolchain;
}

async function resolvePreinstalled(ctx: ToolchainContext): Promise<RustToolchain> {
  const rustc = await io.which('rustc', false);
  const cargo = await io.which('cargo', false);
  if (!rustc || !cargo) {
    const missing = [rustc ? '' : 'rustc', cargo ? '' : 'cargo'].filter(Boolean).join(' and ');
    throw new ActionError(
      `rust-toolchain is 'preinstalled' but ${missing} is not on PATH. Install Rust (with the rust-src component) first, or set rust-toolchain to a dated nightly such as ${DEFAULT_RUST_TOOLCHAIN}.`
    );
  }
  return inspectRustc(rustc, cargo, 'preinstalled', ctx.env.processEnv, undefined, ctx.stamps);
}

/**
 * Builds the toolchain description from a rustc binary: its version, host and sysroot. Does not
 * check for rust-src (see requireRustSrc), so it also describes compilers that can only print
 * and check specs.
 */
export async function inspectRustc(
  rustc: string,
  cargo: string,
  source: RustToolchain['source'],
  processEnv: ProcessEnv,
  rustupToolchain?: string,
  stamps?: ProbeStamps
): Promise<RustToolchain> {
  const pin = childEnv(
    { processEnv },
    rustupToolchain !== undefined ? { RUSTUP_TOOLCHAIN: rustupToolchain } : {}
  );
  // two independent questions to the same compiler: asked at once
  const { verbose, sysroot } = await stampedRustcProbe(rustc, stamps, async () => {
    const [verbose, printed] = await Promise.all([
      runOrThrow(rustc, ['-vV'], pin),
      runOrThrow(rustc, ['--print', 'sysroot'], pin)
    ]);
    return { verbose, sysroot: printed.trim() };
  });
  const info = parseRustcVerbose(verbose);
  const env = toolchainEnv(
    rustc,
    info.release,
    rustupToolchain ?? rustupToolchainOfSysroot(sysroot)
  );
  return {
    rustc,
    cargo,
    versionLine: info.versionLine,
    release: info.release,
    isNightly: isNightlyRelease(info.release),
    hostTriple: info.hostTriple,
    sysroot,
    rustSrc: rustSrcDir(sysroot),
    env,
    childEnv: childEnv({ processEnv }, env),
    source
  };
}

async function resolveRustup(name: string, ctx: ToolchainContext): Promise<RustToolchain> {
  const rustup = await io.which('rustup', false);
  if (!rustup) {
    throw new ActionError(
      `rust-toolchain is '${name}', which the action installs with rustup, but rustup is not on PATH. Install rustup (https://rustup.rs), or set rust-toolchain to 'preinstalled' to use the rustc and cargo on PATH (they need the rust-src component).`
    );
  }
  const env = childEnv(ctx.env);
  if (await isInstalledWithRustSrc(rustup, name, ctx)) {
    ctx.log.info(`Rust: reusing installed toolchain ${name}`);
  } else {
    await installWithRustup(rustup, name, ctx);
  }
  const which = (tool: string) => runOrThrow(rustup, ['which', '--toolchain', name, tool], env);
  const [rustc, cargo] = (await Promise.all([which('rustc'), which('cargo')])).map(s => s.trim());
  return inspectRustc(rustc, cargo, 'rustup', ctx.env.processEnv, name, ctx.stamps);
}

async function isInstalledWithRustSrc(
  rustup: string,
  name: string,
  ctx: ToolchainContext
): Promise<boolean> {
  // A probe, not an install: newer rustups would otherwise install a missing toolchain here.
  const env = childEnv(ctx.env, { RUSTUP_AUTO_INSTALL: '0' });
  const sysroot = await run(rustup, ['run', name, 'rustc', '--print', 'sysroot'], { env });
  return sysroot.exitCode === 0 && existsSync(rustSrcMarker(sysroot.stdout.trim()));
}

async function installWithRustup(
  rustup: string,
  name: string,
  ctx: ToolchainContext
): Promise<void> {
  const args = rustupInstallArgs(name);
  ctx.log.info(`Rust: rustup ${args.join(' ')}`);
  // rustup's own output is streamed above; a Rust backtrace would only bury the cause
  const result = await run(rustup, args, {
    env: childEnv(ctx.env, { RUST_BACKTRACE: '0' }),
    onLine: line => ctx.log.info(line)
  });
  if (result.exitCode !== 0) {
    throw new ActionError(
      `rustup could not install ${name} with rust-src (exit ${result.exitCode}): ${summarizeRustupFailure(result.stderr || result.stdout)}. Check that ${name} exists (dated nightlies are published daily; a rare date lacks some components) and that the runner can reach static.rust-lang.org; offline, use rust-toolchain 'preinstalled' with a rustc that has rust-src.`
    );
  }
}

/**
 * rustup's failure in one line: its first `error:` line and the innermost `Caused by` entry
 * (e.g. the DNS failure behind a download error). The full output is already in the log.
 */
export function summarizeRustupFailure(output: string): string {
  const lines = output.split('\n').map(line => line.trim());
  const error = lines.find(line => line.startsWith('error:'));
  if (!error) return tail(output, 500);
  const backtrace = lines.findIndex(line => line.startsWith('Stack backtrace'));
  const causes = lines
    .slice(lines.indexOf(error) + 1, backtrace === -1 ? undefined : backtrace)
    .filter(line => /^\d+: /.test(line));
  const cause = causes.at(-1)?.replace(/^\d+: /, '');
  return cause ? `${error} (${cause})` : error;
}

async function runOrThrow(
  program: string,
  args: string[],
  env: Record<string, string>
): Promise<string> {
  const failure = `'${program} ${args.join(' ')}' failed`;
  return (await runChecked(program, args, { env, failure })).stdout;
}
