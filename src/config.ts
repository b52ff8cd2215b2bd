/**
 * The parsed inputs of one run, as every stage may read them. inputs.ts makes one from the raw
 * values; the pipeline and the stages only read it, so they import this type, not the parser.
 */
import type { Arch } from './arch.js';
import type { CosmoccRequest } from './cosmocc/install.js';
import type { CosmoccMode } from './cosmocc/tools.js';
import type { RustToolchainRequest } from './rust/toolchain.js';

export type Mode = CosmoccMode;

export interface Config {
  mode: Mode;
  manifestPath: string;
  /** Empty means every bin target of the package(s). */
  bins: string[];
  package?: string;
  arches: Arch[];
  profile: string;
  cargoArgs: string[];
  outputDir: string;
  cosmocc: CosmoccRequest;
  rustToolchain: RustToolchainRequest;
  cache: boolean;
  /** Build std and the crate's libc against cosmo's ABI (src/runtime/). */
  runtimeLayer: boolean;
  /** Pass the cfgs that steer ecosystem crates to what cosmo has (cargo-build.ts). */
  ecosystemCfgs: boolean;
}
