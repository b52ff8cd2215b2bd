/** The step's outputs and the SHA256SUMS file next to the built `.com` files. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderSha256Sums } from '../ape/checksums.js';
import type { CosmoccInstall } from '../cosmocc/install.js';
import type { Reporter } from '../log.js';
import { OUTPUT } from '../outputs.js';
import type { BuiltApe } from './summary.js';

export async function publishBuildOutputs(
  { log, runner }: Reporter,
  outputDir: string,
  apes: BuiltApe[]
): Promise<void> {
  const checksums = path.join(outputDir, 'SHA256SUMS');
  const sums = apes.map(ape => ({ name: path.basename(ape.path), sha256: ape.sha256 }));
  await writeFile(checksums, renderSha256Sums(sums));
  runner.setOutput(OUTPUT.binaries, JSON.stringify(apes.map(ape => ape.path)));
  runner.setOutput(OUTPUT.binary, apes[0].path);
  runner.setOutput(OUTPUT.sha256, apes[0].sha256);
  runner.setOutput(OUTPUT.checksumsFile, checksums);
  for (const ape of apes) log.info(`${ape.path}  ${ape.sha256}  (${ape.arches.join(', ')})`);
}

/** cosmocc's bin/ on PATH for later steps, and where it is. */
export function publishCosmocc({ runner }: Reporter, cosmocc: CosmoccInstall): void {
  runner.addPath(cosmocc.bin);
  runner.setOutput(OUTPUT.cosmoccPath, cosmocc.root);
  runner.setOutput(OUTPUT.cosmoccVersion, cosmocc.version);
  runner.setOutput(OUTPUT.cacheHit, String(cosmocc.cacheHit));
}
