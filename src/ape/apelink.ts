/**
 * Fusing per-arch executables into one APE with cosmocc's apelink. The argv is a pure function
 * so its contract (loaders for every arch, `-M ape-m1.c` whenever aarch64 is in) is unit-tested.
 */
import type { Arch } from '../arch.js';
import type { ApeLaunch } from '../cosmocc/binfmt.js';
import type { CosmoccTools } from '../cosmocc/tools.js';
import { ActionError } from '../errors.js';
import { runChecked } from '../process.js';

export interface ApelinkCall {
  tools: Pick<CosmoccTools, 'apelink' | 'loader' | 'm1Source'>;
  /** Per-arch ELF executables of one bin, in arch-plan order. */
  inputs: ReadonlyArray<{ arch: Arch; file: string }>;
  output: string;
  /** 'sh': a binfmt_misc entry would hijack apelink, so it starts through its shell prolog. */
  launch?: ApeLaunch;
}

/**
 * `apelink -l <loader per arch> [-M ape-m1.c] -o OUT INPUT...`. The Apple Silicon loader source
 * is embedded whenever aarch64 is built: without it the .com cannot start on arm64 macOS, and
 * that failure would only show on a Mac, long after the release.
 */
export function apelinkArgv(call: ApelinkCall): string[] {
  if (call.inputs.length === 0) {
    throw new ActionError('apelink needs at least one per-arch executable');
  }
  const argv: string[] = [];
  for (const { arch } of call.inputs) argv.push('-l', call.tools.loader(arch));
  if (call.inputs.some(input => input.arch === 'aarch64')) argv.push('-M', call.tools.m1Source);
  argv.push('-o', call.output);
  for (const { file } of call.inputs) argv.push(file);
  return argv;
}

export async function fuseWithApelink(call: ApelinkCall): Promise<void> {
  const argv = apelinkArgv(call);
  const viaSh = call.launch === 'sh';
  const [program, args] = viaSh
    ? ['sh', [call.tools.apelink, ...argv]]
    : [call.tools.apelink, argv];
  const command = `${program} ${args.join(' ')}`;
  await runChecked(program, args, {
    failure: `apelink failed making ${call.output} (command: ${command})`,
    tailChars: 2000
  });
}
