/**
 * The fuse stage: every bin's per-arch executables into one `.com` with apelink, each checked by
 * the inspector, staged in a hidden folder and moved into place only when all of them are good,
 * so a failed run never leaves a partial set of `.com` files that look like this run's output.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ApeLaunch } from '../cosmocc/binfmt.js';
import type { CosmoccTools } from '../cosmocc/tools.js';
import { ActionError } from '../errors.js';
import type { Log } from '../log.js';
import type { ArchPlanEntry } from '../plan.js';
import { codeHash, fileIdentity, reuseOrRedo, stampFileFor, type StampInputs } from '../stamp.js';
import type { BuiltApe } from '../report/summary.js';
import { fuseWithApelink } from './apelink.js';
import { sha256File } from './checksums.js';
import { inspectApeFile, missingArches } from './inspect.js';

export interface FuseRequest {
  bins: readonly string[];
  plan: readonly ArchPlanEntry[];
  tools: CosmoccTools;
  outputDir: string;
  launch?: ApeLaunch;
  /**
   * Where the last fused `.com` of each bin is kept with its stamp, so that a run whose per-arch
   * executables did not change copies it instead of running apelink again. Without it (and a
   * log), every run fuses.
   */
  reuse?: { dir: string; log: Log };
}

export async function fuseBins(request: FuseRequest): Promise<BuiltApe[]> {
  const staging = path.join(request.outputDir, `.ape-staging-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    const apes: BuiltApe[] = [];
    for (const bin of request.bins) apes.push(await fuseOne(request, bin, staging));
    for (const ape of apes) {
      const final = path.join(request.outputDir, path.basename(ape.path));
      await rename(ape.path, final);
      ape.path = final;
    }
    return apes;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function fuseOne(request: FuseRequest, bin: string, staging: string): Promise<BuiltApe> {
  const output = path.join(staging, `${bin}.com`);
  if (!request.reuse) return fuseFresh(request, bin, output);
  const { dir, log } = request.reuse;
  const kept = path.join(dir, `${bin}.com`);
  let fusedNow = false;
  const built = await reuseOrRedo({
    what: `${bin}.com`,
    doing: 'running apelink',
    stampFile: stampFileFor(kept),
    inputs: await fuseStampInputs(request, bin),
    log,
    brokenReason: async ape =>
      (await stat(kept).catch(() => undefined))?.size === ape.size ? undefined : `${kept} changed`,
    work: async () => {
      await mkdir(dir, { recursive: true });
      const ape = await fuseFresh(request, bin, output);
      await copyFile(output, kept);
      fusedNow = true;
      return ape;
    }
  });
  // a hit has only the kept copy; a fresh fuse already wrote `output`
  if (!fusedNow) await copyFile(kept, output);
  return { ...built, path: output };
}

/**
 * What a fused `.com` depends on: every per-arch executable (path, size, mtime: cargo rewrites
 * it on every relink), the apelink the cosmocc in use ships and how it is started, and the
 * action's own code (the inspection and the arguments apelink gets).
 */
async function fuseStampInputs(request: FuseRequest, bin: string): Promise<StampInputs> {
  const inputs: StampInputs = {};
  for (const entry of request.plan) inputs[entry.arch] = fileIdentity(entry.binary(bin));
  inputs.apelink = `${fileIdentity(request.tools.apelink)} ${request.launch ?? 'direct'}`;
  inputs['ape-action'] = await codeHash(import.meta.url);
  return inputs;
}

async function fuseFresh(request: FuseRequest, bin: string, output: string): Promise<BuiltApe> {
  const inputs = request.plan.map(entry => ({ arch: entry.arch, file: entry.binary(bin) }));
  await fuseWithApelink({ tools: request.tools, inputs, output, launch: request.launch });
  const arches = await checkEveryArchInside(output, bin, request.plan);
  return {
    bin,
    path: output,
    size: (await stat(output)).size,
    arches,
    sha256: await sha256File(output)
  };
}

async function checkEveryArchInside(
  file: string,
  bin: string,
  plan: readonly ArchPlanEntry[]
): Promise<string[]> {
  const wanted = plan.map(entry => entry.arch);
  const report = await inspectApeFile(file);
  const missing = report.isApe ? missingArches(report, wanted) : wanted;
  if (!report.isApe || missing.length > 0) {
    throw new ActionError(
      `${bin}.com is not a complete APE: ${report.isApe ? `no ${missing.join(', ')} payload inside` : report.reason}. apelink's output does not hold every requested arch.`
    );
  }
  return report.arches;
}

/** A failed run must not leave last run's `.com` looking like this run's output. */
export async function removePreviousOutputs(
  outputDir: string,
  bins: readonly string[]
): Promise<void> {
  const names = [...bins.map(bin => `${bin}.com`), 'SHA256SUMS'];
  await Promise.all(names.map(name => rm(path.join(outputDir, name), { force: true })));
}
