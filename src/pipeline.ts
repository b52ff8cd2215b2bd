/**
 * The whole run, stage by stage, shared by the action (main.ts) and the local command (cli.ts).
 * Each stage lives in its own module and owns its work; this file only orders them, times them,
 * and hands their results to the report.
 */
import path from 'node:path';
import { fuseBins, removePreviousOutputs } from './ape/fuse.js';
import { buildCacheEntry, rustToolchainCacheEntry } from './cache/entries.js';
import type { CacheStore } from './cache/safe-cache.js';
import { Caches } from './cache/service.js';
import { describeCosmoccInstall, installCosmocc, type CosmoccInstall } from './cosmocc/install.js';
import { requiredCosmoccTools, type CosmoccTools } from './cosmocc/tools.js';
import type { Config } from './inputs.js';
import type { Log, Reporter } from './log.js';
import { OUTPUT } from './outputs.js';
import { planArches, prepareWorkDir, type ArchPlanEntry } from './plan.js';
import { publishBuildOutputs, publishCosmocc } from './report/outputs.js';
import { renderBuildSummary, renderSetupSummary, type BuiltApe } from './report/summary.js';
import type { RunnerEnv } from './runner-env.js';
import { buildWithCargo } from './rust/cargo-build.js';
import { planCrate, resolveManifestPath } from './rust/crate.js';
import { writeLinkerWrapper } from './rust/linker-wrapper.js';
import { writeTargetSpecs } from './rust/target-spec.js';
import { resolveRustToolchain, type RustToolchain } from './rust/toolchain.js';
import { createStageTimer } from './stage-timer.js';

/** The pipeline's surroundings, resolved once by the entry file. */
export interface Surroundings extends Reporter {
  env: RunnerEnv;
  /** Register the rustc problem matcher (only meaningful on a runner). */
  annotations: boolean;
  /** The Actions cache; defaults to @actions/cache. */
  cacheStore?: CacheStore;
}

/** `mode: setup`: cosmocc on PATH, nothing else. */
export async function runSetup(config: Config, ctx: Surroundings): Promise<CosmoccInstall> {
  const cosmocc = await installAndPublishCosmocc(config, ctx, cachesFor(config, ctx));
  await ctx.runner.appendSummary(renderSetupSummary(describeCosmoccInstall(cosmocc)));
  return cosmocc;
}

/** `mode: build`: crate to one fused `.com` per bin, checksummed and reported. */
export async function runBuild(config: Config, ctx: Surroundings): Promise<BuiltApe[]> {
  const { log, env } = ctx;
  const stages = createStageTimer(log);
  const caches = cachesFor(config, ctx);
  const manifestPath = resolveManifestPath(config.manifestPath, env.cwd);
  const outputDir = path.resolve(env.cwd, config.outputDir);
  const workDir = await prepareWorkDir(env.tempDir);

  const toolchain = await stages.run('Rust toolchain', () => installRust(config, ctx, caches));
  ctx.runner.setOutput(OUTPUT.rustToolchain, toolchain.versionLine);
  const crate = await stages.run('Crate', () =>
    planCrate({ ...config, manifestPath }, toolchain, log)
  );
  const bins = crate.selection.bins.map(bin => bin.name);
  await removePreviousOutputs(outputDir, bins);
  const install = () => installAndPublishCosmocc(config, ctx, caches);
  const cosmocc = await stages.run('cosmocc', install, false);
  const { tools, version: cosmoccVersion } = cosmocc;
  const targetDirectory = crate.metadata.target_directory;
  const plan = planArches(config.arches, { workDir, targetDirectory, profile: config.profile });

  await stages.run('Target specs and linker wrappers', () =>
    writeTargets(toolchain, plan, tools, log)
  );
  const cacheFor = { ...config, toolchain, cosmoccVersion, plan, crate, env };
  await stages.run('Restore build cache', restoreWith(caches, cacheFor), false);
  const options = { ...config, manifestPath, explicitBins: config.bins.length > 0 };
  const annotateRelativeTo = ctx.annotations ? env.cwd : undefined;
  const build = { toolchain, targets: plan, tools, crate, options, workDir, annotateRelativeTo };
  await stages.run('cargo build', () => buildWithCargo({ ...build, log }));
  const apes = await stages.run('apelink', () => fuseBins({ bins, plan, tools, outputDir }));

  await publishBuildOutputs(ctx, outputDir, apes);
  const cosmoccLine = describeCosmoccInstall(cosmocc);
  const report = { apes, rustc: toolchain.versionLine, cosmoccVersion, cosmoccLine };
  await ctx.runner.appendSummary(renderBuildSummary({ ...report, stages: stages.stages }));
  return apes;
}

function cachesFor(config: Config, ctx: Surroundings): Caches {
  return new Caches(ctx, { enabled: config.cache, store: ctx.cacheStore });
}

/** A rustup nightly is restored from the Actions cache first and saved by the post step. */
async function installRust(
  config: Config,
  ctx: Surroundings,
  caches: Caches
): Promise<RustToolchain> {
  const request = config.rustToolchain;
  if (request.kind === 'rustup') {
    await caches.restore(rustToolchainCacheEntry(request.toolchain, ctx.env));
  }
  return resolveRustToolchain(request, ctx);
}

async function installAndPublishCosmocc(
  config: Config,
  ctx: Surroundings,
  caches: Caches
): Promise<CosmoccInstall> {
  const requiredTools = requiredCosmoccTools(config.mode, config.arches);
  const options = { log: ctx.log, env: ctx.env, requiredTools, caches };
  const cosmocc = await installCosmocc(config.cosmocc, options);
  publishCosmocc(ctx, cosmocc);
  return cosmocc;
}

async function writeTargets(
  toolchain: RustToolchain,
  plan: ArchPlanEntry[],
  tools: CosmoccTools,
  log: Log
): Promise<void> {
  for (const { linker, arch } of plan) await writeLinkerWrapper(linker, arch, tools.compiler(arch));
  await writeTargetSpecs(toolchain, plan, log);
}

function restoreWith(
  caches: Caches,
  request: Parameters<typeof buildCacheEntry>[0]
): () => Promise<void> {
  return async () => {
    await caches.restore(await buildCacheEntry(request));
  };
}
