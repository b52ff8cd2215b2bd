/**
 * The arch plan: one entry per requested arch, built once, in ARCHES order, holding every path
 * the stages need for that arch (target name, spec, linker wrapper, where cargo puts each bin).
 * Stages walk the plan instead of rebuilding per-arch maps of their own.
 */
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { cosmoTarget, inArchOrder, type Arch } from './arch.js';

/** What is known about an arch before cargo has been asked anything. */
export interface ArchTarget {
  arch: Arch;
  /** The custom target's name, e.g. x86_64-unknown-linux-cosmo. */
  target: string;
  /** The target spec file: `<workDir>/<target>.json`. */
  spec: string;
  /** The linker wrapper the spec names: `<workDir>/<target>-linker`. */
  linker: string;
}

export interface ArchPlanEntry extends ArchTarget {
  /** Where cargo leaves a bin: `<target-dir>/<target>/<profile dir>/<bin>`. */
  binary(bin: string): string;
}

/** The targets of `arches` with their files in `workDir`, in ARCHES order. */
export function planTargets(arches: readonly Arch[], workDir: string): ArchTarget[] {
  return inArchOrder(arches).map(arch => {
    const target = cosmoTarget(arch);
    return {
      arch,
      target,
      spec: path.join(workDir, `${target}.json`),
      linker: path.join(workDir, `${target}-linker`)
    };
  });
}

export interface BuildDirs {
  /** Where specs and wrappers live (a fixed path: see the pipeline's workDir). */
  workDir: string;
  /** cargo metadata's target_directory. */
  targetDirectory: string;
  profile: string;
}

export function planArches(arches: readonly Arch[], dirs: BuildDirs): ArchPlanEntry[] {
  return planTargets(arches, dirs.workDir).map(entry => ({
    ...entry,
    binary: bin => path.join(dirs.targetDirectory, entry.target, profileDir(dirs.profile), bin)
  }));
}

/** The directory cargo names after a profile: `dev` and `test` build into `debug`. */
export function profileDir(profile: string): string {
  if (profile === 'dev' || profile === 'test') return 'debug';
  if (profile === 'bench') return 'release';
  return profile;
}

/**
 * Specs and wrappers live under the runner's temp dir at a fixed path: the spec holds the
 * wrapper's absolute path, and a spec that changes from run to run would make cargo rebuild std
 * and miss the build cache every time. `fresh` when the folder was empty: a new job (a runner
 * empties its temp dir per job), not a second step of the same job.
 */
export async function prepareWorkDir(tempDir: string): Promise<{ dir: string; fresh: boolean }> {
  const dir = path.join(tempDir, 'ape-action-targets');
  await mkdir(dir, { recursive: true });
  return { dir, fresh: (await readdir(dir)).length === 0 };
}
