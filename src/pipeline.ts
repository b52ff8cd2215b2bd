/**
 * The whole run, stage by stage, shared by the action (main.ts) and the local command (cli.ts).
 * Each stage lives in its own module; this file only orders them, times them, and turns their
 * results into outputs, PATH entries and the job summary.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fuseWithApelink } from './ape/apelink.js';
import { renderSha256Sums, sha256File } from './ape/checksums.js';
import { inspectApeFile, missingArches } from './ape/inspect.js';
import { buildCacheKey, buildCachePaths, rustToolchainCacheKey } from './cache/build-cache.js';
import { restoreForPost } from './cache/cache-state.js';
import { describeCosmoccInstall, installCosmocc, type CosmoccInstall } from './cosmocc/install.js';
import { requiredCosmoccTools } from './cosmocc/layout.js';
import { ActionError } from './errors.js';
import { run } from './process.js';
import type { Host } from './host.js';
import type { Arch, Config } from './inputs.js';
import {
  builtBinaryPath,
  cargoBuildArgs,
  cargoBuildEnv,
  profileDir,
  readCargoMetadata,
  warnAboutLinkerOverrides,
  selectBins,
  type BinSelection,
  type CargoMetadata
} from './rust/cargo.js';
import { writeArWrapper, writeLinkerWrapper } from './rust/linker-wrapper.js';
import {
  rebaseRustcLocation,
  writeProblemMatcher,
  RUSTC_MATCHER_OWNER
} from './rust/problem-matcher.js';
import { COSMO_TARGETS, writeTargetSpecs } from './rust/target-spec.js';
import {
  resolveRustToolchain,
  rustupHome,
  rustupHostTriple,
  rustupToolchainDir,
  type RustToolchain
} from './rust/toolchain.js';
import { renderBuildSummary, renderSetupSummary, type BuiltApe } from './report/summary.js';

export interface PipelineOptions {
  host: Host;
  /** Register the rustc problem matcher (only meaningful on a runner). */
  annotations: boolean;
}

export interface StageTimer {
  stages: Array<{ name: string; seconds: number }>;
  /** Times a stage; `grouped: false` for stages that open their own log group. */
  run<T>(name: string, fn: () => Promise<T>, grouped?: boolean): Promise<T>;
}

export function createStageTimer(host: Host): StageTimer {
  const stages: Array<{ name: string; seconds: number }> = [];
  return {
    stages,
    async run<T>(name: string, fn: () => Promise<T>, grouped = true): Promise<T> {
      const started = Date.now();
      try {
        return await (grouped ? host.group(name, fn) : fn());
      } finally {
        stages.push({ name, seconds: (Date.now() - started) / 1000 });
      }
    }
  };
}

/** `mode: setup`: cosmocc on PATH, nothing else. */
export async function runSetup(config: Config, options: PipelineOptions): Promise<CosmoccInstall> {
  const { host } = options;
  const cosmocc = await installAndExposeCosmocc(config, host);
  await host.appendSummary(renderSetupSummary(describeCosmoccInstall(cosmocc)));
  return cosmocc;
}

async function installAndExposeCosmocc(config: Config, host: Host): Promise<CosmoccInstall> {
  const cosmocc = await installCosmocc(config.cosmocc, {
    host,
    requiredTools: requiredCosmoccTools(config.mode, config.arches),
    useCache: config.cache
  });
  host.addPath(cosmocc.bin);
  host.setOutput('cosmocc-path', cosmocc.root);
  host.setOutput('cosmocc-version', cosmocc.version);
  host.setOutput('cache-hit', String(cosmocc.cacheHit));
  return cosmocc;
}

interface BuildContext {
  config: Config;
  options: PipelineOptions;
  manifestPath: string;
  outputDir: string;
  workDir: string;
  toolchain: RustToolchain;
  metadata: CargoMetadata;
  selection: BinSelection;
}

/** `mode: build`: crate to one fused `.com` per bin, checksummed and reported. */
export async function runBuild(config: Config, options: PipelineOptions): Promise<BuiltApe[]> {
  const { host } = options;
  const timer = createStageTimer(host);
  const manifestPath = resolveManifest(config.manifestPath);
  const outputDir = path.resolve(config.outputDir);
  const workDir = await makeWorkDir();
  host.debug(`target specs and linker wrappers: ${workDir}`);
  const toolchain = await timer.run('Rust toolchain', () => installRustToolchain(config, host));
  host.setOutput('rust-toolchain', toolchain.versionLine);
  const { metadata, selection } = await timer.run('Crate', () =>
    planCrate(config, manifestPath, toolchain, host)
  );
  const ctx: BuildContext = {
    config,
    options,
    manifestPath,
    outputDir,
    workDir,
    toolchain,
    metadata,
    selection
  };
  await removePreviousOutputs(outputDir, selection);
  const cosmocc = await timer.run('cosmocc', () => installAndExposeCosmocc(config, host), false);
  const specs = await timer.run('Target specs and linker wrappers', () =>
    prepareTargets(ctx, cosmocc)
  );
  await timer.run('Restore build cache', () => restoreCargoCache(ctx, specs));
  await timer.run('cargo build', () => buildWithCargo(ctx, cosmocc, specs));
  const apes = await timer.run('apelink', () => fuseAll(ctx, cosmocc));
  await publishOutputs(host, outputDir, apes);
  await host.appendSummary(
    renderBuildSummary({
      apes,
      rustc: toolchain.versionLine,
      cosmoccVersion: cosmocc.version,
      cosmoccLine: describeCosmoccInstall(cosmocc),
      stages: timer.stages
    })
  );
  return apes;
}

/** A rustup-installed nightly is restored from the Actions cache first and saved by the post step. */
async function installRustToolchain(config: Config, host: Host): Promise<RustToolchain> {
  const request = config.rustToolchain;
  if (request.kind === 'rustup' && config.cache) {
    const triple = rustupHostTriple(process.platform, process.arch);
    const dir = rustupToolchainDir(
      request.toolchain,
      triple,
      rustupHome(process.env, os.homedir())
    );
    await restoreForPost(
      host,
      'rust-toolchain-cache',
      'Rust toolchain',
      rustToolchainCacheKey(request.toolchain, triple),
      [dir],
      true
    );
  }
  return resolveRustToolchain(request, host);
}

function resolveManifest(manifestPath: string): string {
  const absolute = path.resolve(manifestPath);
  if (!existsSync(absolute)) {
    throw new ActionError(
      `Input 'manifest-path' points at ${manifestPath}, which does not exist (resolved to ${absolute}); check out the repository first or set manifest-path to your crate's Cargo.toml.`
    );
  }
  return absolute;
}

/**
 * Specs and wrappers live under the runner's temp dir at a fixed path: the spec holds the
 * wrapper's absolute path, and a spec that changes from run to run would make cargo rebuild std
 * and miss the build cache every time.
 */
async function makeWorkDir(): Promise<string> {
  const dir = path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'ape-action-targets');
  await mkdir(dir, { recursive: true });
  return dir;
}

async function planCrate(
  config: Config,
  manifestPath: string,
  toolchain: RustToolchain,
  host: Host
) {
  const metadata = await readCargoMetadata(toolchain.cargo, manifestPath, toolchain.env);
  const selection = selectBins(metadata, { package: config.package, bins: config.bins });
  host.info(
    `bins: ${selection.bins.map(b => b.name).join(', ')}; arches: ${config.arches.join(', ')}`
  );
  await warnAboutLinkerOverrides(metadata.workspace_root, host);
  return { metadata, selection };
}

/** A failed run must not leave last run's `.com` looking like this run's output. */
async function removePreviousOutputs(outputDir: string, selection: BinSelection): Promise<void> {
  const names = [...selection.bins.map(b => `${b.name}.com`), 'SHA256SUMS'];
  await Promise.all(names.map(name => rm(path.join(outputDir, name), { force: true })));
}

async function prepareTargets(
  ctx: BuildContext,
  cosmocc: CosmoccInstall
): Promise<Partial<Record<Arch, string>>> {
  const linkers: Partial<Record<Arch, string>> = {};
  for (const arch of ctx.config.arches) {
    linkers[arch] = await writeLinkerWrapper(ctx.workDir, arch, cosmocc.bin);
  }
  return writeTargetSpecs(ctx.toolchain, ctx.config.arches, ctx.workDir, linkers, ctx.options.host);
}

async function restoreCargoCache(
  ctx: BuildContext,
  specs: Partial<Record<Arch, string>>
): Promise<void> {
  const { host } = ctx.options;
  if (!ctx.config.cache) {
    host.info('cache: off (input cache is false)');
    return;
  }
  const lockPath = path.join(ctx.metadata.workspace_root, 'Cargo.lock');
  const key = buildCacheKey({
    platform: process.platform,
    arch: process.arch,
    rustc: ctx.toolchain.versionLine,
    cosmoccVersion: ctx.config.cosmocc.version,
    specs: await Promise.all(Object.values(specs).map(file => readFile(file, 'utf8'))),
    profile: ctx.config.profile,
    lockfile: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : ''
  });
  const paths = buildCachePaths(
    ctx.metadata.target_directory,
    ctx.config.arches.map(arch => COSMO_TARGETS[arch]),
    profileDir(ctx.config.profile)
  );
  await restoreForPost(host, 'build-cache', 'cargo build output', key, paths, true);
}

async function buildWithCargo(
  ctx: BuildContext,
  cosmocc: CosmoccInstall,
  specs: Partial<Record<Arch, string>>
): Promise<void> {
  const { host } = ctx.options;
  const targets = Object.fromEntries(ctx.config.arches.map(a => [a, COSMO_TARGETS[a]])) as Partial<
    Record<Arch, string>
  >;
  const args = cargoBuildArgs({
    manifestPath: ctx.manifestPath,
    profile: ctx.config.profile,
    specs,
    selection: ctx.selection,
    explicitBins: ctx.config.bins.length > 0,
    package: ctx.config.package,
    cargoArgs: ctx.config.cargoArgs
  });
  const env: Record<string, string> = {
    ...cargoBuildEnv(targets, cosmocc.bin, await writeArWrapper(ctx.workDir, cosmocc.bin)),
    ...ctx.toolchain.env
  };
  if (host.isDebug()) env.APE_ACTION_DEBUG = '1';
  host.info(`${ctx.toolchain.cargo} ${args.join(' ')}`);
  const matcher = ctx.options.annotations ? await writeProblemMatcher(ctx.workDir) : undefined;
  if (matcher) host.info(`::add-matcher::${matcher}`);
  try {
    // every line goes to the log as it comes (the runner's problem matcher reads it there),
    // with rustc's locations made relative to the checkout so annotations land on the file
    const root = ctx.metadata.workspace_root;
    const { exitCode: code } = await run(ctx.toolchain.cargo, args, env, undefined, line =>
      host.info(matcher ? rebaseRustcLocation(line, root, process.cwd()) : line)
    );
    if (code !== 0) {
      throw new ActionError(
        `cargo build failed (exit ${code}) for ${ctx.config.arches.join(' and ')}; the compiler's messages are above${matcher ? ' and annotated on the files' : ''}.`
      );
    }
  } finally {
    if (matcher) host.info(`::remove-matcher owner=${RUSTC_MATCHER_OWNER}::`);
  }
}

/** apelink each bin into a staging dir, inspect it, then move all into place together. */
async function fuseAll(ctx: BuildContext, cosmocc: CosmoccInstall): Promise<BuiltApe[]> {
  const staging = path.join(ctx.outputDir, `.ape-staging-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    const apes: BuiltApe[] = [];
    for (const { name } of ctx.selection.bins) {
      apes.push(await fuseOne(ctx, cosmocc, name, staging));
    }
    for (const ape of apes) {
      const final = path.join(ctx.outputDir, `${ape.bin}.com`);
      await rename(ape.path, final);
      ape.path = final;
    }
    return apes;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function fuseOne(
  ctx: BuildContext,
  cosmocc: CosmoccInstall,
  bin: string,
  staging: string
): Promise<BuiltApe> {
  const inputs: Partial<Record<Arch, string>> = {};
  for (const arch of ctx.config.arches) {
    inputs[arch] = builtBinaryPath(
      ctx.metadata.target_directory,
      COSMO_TARGETS[arch],
      ctx.config.profile,
      bin
    );
  }
  const output = path.join(staging, `${bin}.com`);
  await fuseWithApelink({ cosmoccBin: cosmocc.bin, inputs, output });
  const report = await inspectApeFile(output);
  const missing = report.isApe ? missingArches(report, ctx.config.arches) : ctx.config.arches;
  if (!report.isApe || missing.length > 0) {
    throw new ActionError(
      `${bin}.com is not a complete APE: ${report.isApe ? `no ${missing.join(', ')} payload inside` : report.reason}. apelink's output does not hold every requested arch.`
    );
  }
  const info = await stat(output);
  return {
    bin,
    path: output,
    size: info.size,
    arches: report.arches,
    sha256: await sha256File(output)
  };
}

async function publishOutputs(host: Host, outputDir: string, apes: BuiltApe[]): Promise<void> {
  const checksums = path.join(outputDir, 'SHA256SUMS');
  await writeFile(
    checksums,
    renderSha256Sums(apes.map(a => ({ name: `${a.bin}.com`, sha256: a.sha256 })))
  );
  host.setOutput('binaries', JSON.stringify(apes.map(a => a.path)));
  host.setOutput('binary', apes[0].path);
  host.setOutput('sha256', apes[0].sha256);
  host.setOutput('checksums-file', checksums);
  for (const ape of apes) host.info(`${ape.path}  ${ape.sha256}  (${ape.arches.join(', ')})`);
}
