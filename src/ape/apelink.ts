/**
 * Fusing per-arch executables into one APE with cosmocc's apelink. The argv is a pure function
 * so its contract (loaders for every arch, `-M ape-m1.c` whenever aarch64 is in) is unit-tested.
 */
import path from 'node:path';
import { ActionError } from '../errors.js';
import { ARCHES, type Arch } from '../inputs.js';
import { run, tail } from '../process.js';

export interface ApelinkCall {
  cosmoccBin: string;
  /** Per-arch ELF executable of one bin. */
  inputs: Partial<Record<Arch, string>>;
  output: string;
}

/**
 * `apelink -l <loader per arch> [-M ape-m1.c] -o OUT INPUT...`. The Apple Silicon loader source
 * is embedded whenever aarch64 is built: without it the .com cannot start on arm64 macOS, and
 * that failure would only show on a Mac, long after the release.
 */
export function apelinkArgv(call: ApelinkCall): string[] {
  // x86_64 first, as cosmocc's own docs order them; apelink itself does not care.
  const arches = ARCHES.filter(arch => call.inputs[arch] !== undefined);
  if (arches.length === 0) throw new ActionError('apelink needs at least one per-arch executable');
  const argv: string[] = [];
  for (const arch of arches) argv.push('-l', path.join(call.cosmoccBin, `ape-${arch}.elf`));
  if (arches.includes('aarch64')) argv.push('-M', path.join(call.cosmoccBin, 'ape-m1.c'));
  argv.push('-o', call.output);
  for (const arch of arches) argv.push(call.inputs[arch] as string);
  return argv;
}

export async function fuseWithApelink(call: ApelinkCall): Promise<void> {
  const apelink = path.join(call.cosmoccBin, 'apelink');
  const argv = apelinkArgv(call);
  const result = await run(apelink, argv);
  if (result.exitCode !== 0) {
    throw new ActionError(
      `apelink failed (exit ${result.exitCode}) making ${call.output}:\n${tail(result.stderr || result.stdout, 2000)}\ncommand: ${apelink} ${argv.join(' ')}`
    );
  }
}
