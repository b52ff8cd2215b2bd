/**
 * The target architectures: the bottom of the module graph. Everything that names an arch, a
 * cosmo target or the builtin target a spec starts from imports it from here, and this file
 * imports nothing.
 */

/** In the order everything is done and listed: x86_64 first, as cosmocc's own docs order them. */
export const ARCHES = ['x86_64', 'aarch64'] as const;
export type Arch = (typeof ARCHES)[number];

/** The custom target names; a spec file is `<name>.json` and cargo builds into target/<name>/. */
const COSMO_TARGETS: Readonly<Record<Arch, string>> = {
  x86_64: 'x86_64-unknown-linux-cosmo',
  aarch64: 'aarch64-unknown-linux-cosmo'
};

export function cosmoTarget(arch: Arch): string {
  return COSMO_TARGETS[arch];
}

/** The builtin target each cosmo spec starts from: cosmo's libc ABI is musl-like Linux. */
export function baseMuslTarget(arch: Arch): string {
  return `${arch}-unknown-linux-musl`;
}

export function isArch(value: string): value is Arch {
  return (ARCHES as readonly string[]).includes(value);
}

/** `arches` in ARCHES order, without duplicates: the one order logs, argv and caches use. */
export function inArchOrder(arches: readonly Arch[]): Arch[] {
  return ARCHES.filter(arch => arches.includes(arch));
}

/** The arch of a CPU as Node names it (process.arch), or undefined for one cosmo does not build. */
export function archOfNodeCpu(cpu: string): Arch | undefined {
  if (cpu === 'x64') return 'x86_64';
  if (cpu === 'arm64') return 'aarch64';
  return undefined;
}
