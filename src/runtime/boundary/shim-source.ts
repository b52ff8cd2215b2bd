/**
 * The runtime layer's C for one arch, as one translation unit: cosmo's headers, the Linux values
 * the tables were generated from (`APE_LINUX_<NAME>`), the tables, the translation core, the
 * function shims and the syscall shim. Pure: everything it needs is passed in.
 */
import type { Arch } from '../../arch.js';
import type { LinuxAbi } from '../linux-abi.js';
import { syscallShimSource } from '../syscall-shim.js';
import { C_RUNTIME, C_TYPES } from './c-runtime.js';
import { C_INCLUDES, C_SHIMS } from './c-shims.js';
import { largestTable, tablesSource, type PairedDomain } from './tables.js';

export interface ShimSourceInput {
  arch: Arch;
  /** The syscall shim's values (linux-abi.ts). */
  abi: LinuxAbi;
  /** Every domain paired for `arch` (tables.ts). */
  paired: readonly PairedDomain[];
  /** The cosmocc the constants were read from, named in the file. */
  cosmoccLabel: string;
}

function linuxValueDefines(paired: readonly PairedDomain[]): string {
  const seen = new Map<string, number>();
  for (const domain of paired) for (const pair of domain.pairs) seen.set(pair.name, pair.linux);
  return [...seen].map(([name, value]) => `#define APE_LINUX_${name} (${value}L)`).join('\n');
}

export function shimSource(input: ShimSourceInput): string {
  return [
    `/*
 * ape-action's runtime layer for ${input.arch}: boundary translation between the Linux values
 * Rust's libc ${input.abi.libcVersion} bakes in and the host's values cosmo resolves at start-up
 * (${input.cosmoccLabel}). Generated on every build; do not edit.
 */`,
    C_INCLUDES,
    `/* Linux's values, read from libc ${input.abi.libcVersion} for ${input.arch}. */`,
    linuxValueDefines(input.paired),
    `#define APE_TABLE_MAX ${largestTable(input.paired)}`,
    C_TYPES,
    tablesSource(input.paired),
    C_RUNTIME,
    C_SHIMS,
    syscallShimSource(input.arch, input.abi)
  ].join('\n');
}
