/**
 * The cosmocc stage: install (or reuse) cosmocc, put its bin/ on PATH for later steps, and make
 * sure its APE tools start on this machine (binfmt.ts).
 */
import { archOfNodeCpu, type Arch } from '../arch.js';
import type { Caches } from '../cache/service.js';
import type { Reporter } from '../log.js';
import { publishCosmocc } from '../report/outputs.js';
import type { RunnerEnv } from '../runner-env.js';
import { prepareApeTools } from './binfmt.js';
import { installCosmocc, type CosmoccInstall, type CosmoccRequest } from './install.js';
import { requiredCosmoccTools, type CosmoccMode } from './tools.js';

export interface CosmoccStageConfig {
  mode: CosmoccMode;
  arches: Arch[];
  cosmocc: CosmoccRequest;
}

export async function setUpCosmocc(
  config: CosmoccStageConfig,
  ctx: Reporter & { env: RunnerEnv; caches: Caches }
): Promise<CosmoccInstall> {
  const { log, env, caches } = ctx;
  const requiredTools = requiredCosmoccTools(config.mode, config.arches);
  const cosmocc = await installCosmocc(config.cosmocc, { log, env, requiredTools, caches });
  publishCosmocc(ctx, cosmocc);
  const hostArch = archOfNodeCpu(env.cpu);
  if (env.platform === 'linux' && hostArch !== undefined) {
    const loader = cosmocc.tools.loader(hostArch);
    cosmocc.apeLaunch = await prepareApeTools({ binfmtDir: env.binfmtDir, loader, log });
  }
  return cosmocc;
}
