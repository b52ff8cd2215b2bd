/**
 * The whole run, stage by stage, shared by the action (main.ts) and the local command (cli.ts).
 * Each stage lives in its own module and owns its work; this file only orders them, times them,
 * and hands their results to the report.
 */
import path from 'node:path';
import { fuseBins, removePreviousOutputs } from './ape/fuse.js';
import {
  buildCacheEntry,
  generatedFilesCacheEntry,
  type GeneratedFilesCacheRequest,
  rustToolchainCacheEntry,
  type BuildCacheRequest
} from './cache/entries.js';
import type { CacheStore } from './cache/safe-cache.js';
import { Caches, type CacheEntry } from './cache/service.js';
import { describeCosmoccInstall, type CosmoccInstall } from './cosmocc/install.js';
import { setUpCosmocc } from './cosmocc/stage.js';
import type { CosmoccTools } from './cosmocc/tools.js';
import type { Config } from './config.js';
import { startEarly, type Early } from './early.js';
import type { Log, Reporter } from './log.js';
import { OUTPUT } from './outputs.js';
import { planArches, planTargets, prepareWorkDir, type ArchPlanEntry } from './plan.js';
import { publishBuildOutputs } from './report/outputs.js';
import { renderBuildSummary, renderSetupSummary, type BuiltApe } from './report/summary.js';
import type { RunnerEnv } from './runner-env.js';
import { checkRuntimeLayerCalls, runtimeLayerFor, type RuntimeLayer } from './runtime/layer.js';
import { buildWithCargo } from './rust/cargo-build.js';
import { planCrate, resolveManifestPath } from './rust/crate.js';
import type { ProbeStamps } from './rust/probe-stamps.js';
import { writeLinkerWrappers } from './rust/linker-wrapper.js';
import { writeTargetSpecs } from './rust/target-spec.js';
import { resolveRustToolchain, type RustToolchain } from './rust/toolchain.js';
import { createStageTimer, type StageTimer } from './stage-timer.js';

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
  const cosmocc = await setUpCosmocc(config, { ...ctx, caches: cachesFor(config, ctx) });
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
  const { dir: workDir, fresh: newJob } = await prepareWorkDir(env.tempDir);
  const stamps = { dir: workDir, log };
  const toolchain = await stages.run('Rust toolchain', () =>
    installRust(config, { ...ctx, stamps }, caches)
  );
  ctx.runner.setOutput(OUTPUT.rustToolchain, toolchain.versionLine);
  const crateRequest = { ...config, manifestPath, cargoHome: env.cargoHome };
  const crate = await stages.run('Crate', () => planCrate(crateRequest, toolchain, log, stamps));
  const generated = { ...config, manifestPath, workDir, toolchain, crate, env };
  const restoreGenerated = () => restoreGeneratedFiles(caches, generated);
  const generatedCache = newJob
    ? await stages.run('Restore generated files', restoreGenerated, false)
    : undefined;
  // the specs need only the compiler: derived while cosmocc and the runtime layer are prepared
  // (on a cold run, two rustc calls per arch)
  const targets = planTargets(config.arches, workDir);
  const specs = startEarly(log, held => writeTargetSpecs(toolchain, targets, held));
  const bins = crate.selection.bins.map(bin => bin.name);
  await removePreviousOutputs(outputDir, bins);
  const install = () => setUpCosmocc(config, { ...ctx, caches });
  const cosmocc = await stages.run('cosmocc', install, false);
  const { tools } = cosmocc;
  const targetDirectory = crate.metadata.target_directory;
  const plan = planArches(config.arches, { workDir, targetDirectory, profile: config.profile });
  const prepared = { toolchain, plan, tools, crate, workDir, log };
  const layer = await stages.run('Cosmo runtime layer', () =>
    runtimeLayerFor(config.runtimeLayer, prepared)
  );
  await stages.run('Target specs and linker wrappers', () => writeTargets(prepared, layer, specs));
  const cacheFor = { ...config, ...prepared, cosmocc, env, layer };
  await stages.run('Restore build cache', restoreWith(caches, cacheFor), false);
  const annotateRelativeTo = ctx.annotations ? env.cwd : undefined;
  const options = { ...config, manifestPath, explicitBins: config.bins.length > 0 };
  const build = { ...prepared, targets: plan, options, annotateRelativeTo, layer };
  await stages.run('cargo build', () => buildWithCargo(build));
  await stages.run('Boundary check', () => checkRuntimeLayerCalls(layer, plan, bins, log));
  const reuse = { dir: path.join(workDir, 'ape'), log };
  const fuse = { bins, plan, tools, outputDir, launch: cosmocc.apeLaunch, reuse };
  const apes = await stages.run('apelink', () => fuseBins(fuse));
  // saved by the post step only now: a failed run's half-generated files are not worth keeping
  if (generatedCache) caches.record(generatedCache.entry, generatedCache.hitKey);
  await publishBuildOutputs(ctx, outputDir, apes);
  await ctx.runner.appendSummary(buildSummary(apes, toolchain, cosmocc, stages));
  return apes;
}

function buildSummary(
  apes: BuiltApe[],
  toolchain: RustToolchain,
  cosmocc: CosmoccInstall,
  timer: StageTimer
): string {
  const cosmoccLine = describeCosmoccInstall(cosmocc);
  const rustc = toolchain.versionLine;
  const report = {
    apes,
    rustc,
    cosmoccVersion: cosmocc.version,
    cosmoccLine,
    stages: timer.stages
  };
  return renderBuildSummary(report);
}

function cachesFor(config: Config, ctx: Surroundings): Caches {
  return new Caches(ctx, { enabled: config.cache, store: ctx.cacheStore });
}

/** A rustup nightly is restored from the Actions cache first and saved by the post step. */
async function installRust(
  config: Config,
  ctx: Surroundings & { stamps: ProbeStamps },
  caches: Caches
): Promise<RustToolchain> {
  const request = config.rustToolchain;
  if (request.kind === 'rustup') {
    await caches.restore(rustToolchainCacheEntry(request.toolchain, ctx.env));
  }
  return resolveRustToolchain(request, ctx);
}

/** Linker wrappers (with the runtime layer's link arguments), and the specs that name them. */
async function writeTargets(
  prepared: { plan: ArchPlanEntry[]; tools: CosmoccTools; log: Log },
  layer: RuntimeLayer,
  specs: Early<void>
): Promise<void> {
  const { plan, tools, log } = prepared;
  await writeLinkerWrappers(plan, arch => tools.compiler(arch), layer.linkArgs, log);
  await specs.result(log);
}

async function restoreGeneratedFiles(
  caches: Caches,
  request: GeneratedFilesCacheRequest
): Promise<{ entry: CacheEntry; hitKey?: string }> {
  const entry = await generatedFilesCacheEntry(request);
  return { entry, hitKey: await caches.restore(entry, { record: false }) };
}

function restoreWith(caches: Caches, request: BuildCacheRequest): () => Promise<void> {
  return async () => {
    await caches.restore(await buildCacheEntry(request));
  };
}
