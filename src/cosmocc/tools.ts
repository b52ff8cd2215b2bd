/**
 * cosmocc's files, by what they are for. Every file name under cosmocc's bin/ that the action
 * uses is spelled here and nowhere else: the installer checks exactly these, and every stage asks
 * the tool map for a path instead of joining names of its own.
 */
import path from 'node:path';
import type { Arch } from '../arch.js';

export type CosmoccMode = 'build' | 'setup';

/** Paths of the cosmocc files the pipeline calls or hands to a tool. */
export interface CosmoccTools {
  /** The folder holding bin/, include/, lib/. */
  root: string;
  bin: string;
  include: string;
  /** `<arch>-unknown-cosmo-cc`: cosmocross, the per-arch compiler and link driver. */
  compiler(arch: Arch): string;
  cxxCompiler(arch: Arch): string;
  /** `ape-<arch>.elf`: the loader apelink embeds for that arch. */
  loader(arch: Arch): string;
  /** `ape-m1.c`: the Apple Silicon loader source apelink embeds with -M. */
  m1Source: string;
  apelink: string;
  /** A `#!/bin/sh` script: programs that exec it directly need a wrapper (FACTS). */
  cosmoar: string;
}

const compilerName = (arch: Arch): string => `${arch}-unknown-cosmo-cc`;
const cxxCompilerName = (arch: Arch): string => `${arch}-unknown-cosmo-c++`;
const loaderName = (arch: Arch): string => `ape-${arch}.elf`;
const M1_SOURCE = 'ape-m1.c';
const APELINK = 'apelink';
const COSMOAR = 'cosmoar';
/** The drivers `mode: setup` users call for C and C++ projects. */
const SETUP_DRIVERS = ['cosmocc', 'cosmoc++'];

export function cosmoccTools(root: string): CosmoccTools {
  const bin = path.join(root, 'bin');
  const inBin = (name: string): string => path.join(bin, name);
  return {
    root,
    bin,
    include: path.join(root, 'include'),
    compiler: arch => inBin(compilerName(arch)),
    cxxCompiler: arch => inBin(cxxCompilerName(arch)),
    loader: arch => inBin(loaderName(arch)),
    m1Source: inBin(M1_SOURCE),
    apelink: inBin(APELINK),
    cosmoar: inBin(COSMOAR)
  };
}

/**
 * The bin/ files a run needs. A build also calls each arch's cross compiler and hands apelink
 * that arch's loader; an aarch64 build must embed the Apple Silicon loader source
 * (`apelink -M ape-m1.c`), or the .com would not start on arm64 macOS.
 */
export function requiredCosmoccTools(mode: CosmoccMode, arches: readonly Arch[]): string[] {
  const tools = [...SETUP_DRIVERS, COSMOAR, APELINK];
  if (mode === 'setup') return tools;
  for (const arch of arches) {
    tools.push(compilerName(arch), cxxCompilerName(arch), loaderName(arch));
  }
  if (arches.includes('aarch64')) tools.push(M1_SOURCE);
  return tools;
}

/** The bin/ name of the setup driver, for the "points at bin/ itself" hint. */
export const MAIN_DRIVER = SETUP_DRIVERS[0];
