/**
 * Compiles the syscall shim once per arch with that arch's cosmocc compiler, so the link can put
 * the object (and the strerror binding) in front of libcosmo. Files are rewritten only when their
 * text changes, so a warm build keeps its mtimes and cargo relinks nothing; the arches compile
 * concurrently.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ActionError } from '../errors.js';
import { run, tail } from '../process.js';
import { linuxConstants, parseLinuxAbi, readLibcConstantFiles, type Arch } from './linux-abi.js';
import { readCosmoConstants } from './boundary/cosmo-headers.js';
import { shimSource } from './boundary/shim-source.js';
import { pairDomains, type PairedDomain } from './boundary/tables.js';

export interface ShimObject {
  /** The compiled shim. */
  object: string;
  /** What the arch's link line needs: the object. */
  linkArgs: string[];
  /** The generated C it was compiled from. */
  source: string;
  /** The paired tables it translates with (for the log and the note's figures). */
  paired: readonly PairedDomain[];
}

export interface ShimObjectsOptions {
  arches: readonly Arch[];
  /** The per-arch cosmocc compiler (`<cosmocc>/bin/<arch>-unknown-cosmo-cc`). */
  compilerFor: (arch: Arch) => string;
  /** cosmocc's `include/` directory. */
  includeDir: string;
  /** Root of the `libc` crate source std is built with. */
  libcSrc: string;
  /** Where the C files and objects live; kept between builds. */
  workDir: string;
}

/** Flags that make any warning in the generated C a build failure rather than a surprise. */
const COMPILE_FLAGS = ['-c', '-O2', '-Wall', '-Werror'];

/** The files where cosmocc's headers declare the cosmo futex API, as package.sh lays them out. */
const COSMO_HEADERS = ['libc/cosmo.h', 'cosmo.h'];
const REQUIRED_DECLARATIONS = ['cosmo_futex_wait', 'cosmo_futex_wake'];

/**
 * Per arch: the shim generated from the libc source in use, compiled by that arch's cosmocc
 * compiler, and the arguments its link needs. ActionError when cosmocc lacks the futex API, when
 * the libc source has drifted, or when the compile fails.
 */
export async function buildShimObjects(
  options: ShimObjectsOptions
): Promise<Partial<Record<Arch, ShimObject>>> {
  await assertCosmoFutexDeclared(options.includeDir);
  const [{ version, files }, cosmo] = await Promise.all([
    readLibcConstantFiles(options.libcSrc),
    readCosmoConstants(options.includeDir)
  ]);
  const abi = parseLinuxAbi(version, files);
  await mkdir(options.workDir, { recursive: true });
  const built = await Promise.all(
    options.arches.map(async arch => {
      const linuxValue = (name: string) => linuxConstants(version, files, arch, [name]).get(name);
      const paired = pairDomains({ arch, libcVersion: version, linuxValue, cosmo });
      const cosmoccLabel = "cosmocc's headers";
      const source = shimSource({ arch, abi, paired, cosmoccLabel });
      const object = await compileShim(arch, source, options);
      return [arch, { object, linkArgs: [object], source, paired }] as const;
    })
  );
  return Object.fromEntries(built);
}

/** Which of REQUIRED_DECLARATIONS none of the header texts declares. */
export function missingCosmoDeclarations(headerTexts: readonly string[]): string[] {
  return REQUIRED_DECLARATIONS.filter(
    name => !headerTexts.some(text => new RegExp(`\\b${name}\\s*\\(`).test(text))
  );
}

/**
 * cosmo_futex_wait/wake first appeared in cosmocc 3.9.7; an older cosmocc would fail deep in the
 * compile with an implicit-declaration error, so say what is wrong up front.
 */
async function assertCosmoFutexDeclared(includeDir: string): Promise<void> {
  const files = COSMO_HEADERS.map(header => path.join(includeDir, header));
  const texts = await Promise.all(files.map(file => readFile(file, 'utf8').catch(() => '')));
  const missing = missingCosmoDeclarations(texts);
  if (missing.length === 0) return;
  throw new ActionError(
    `cosmocc ${path.dirname(includeDir)} has no ${missing.join(' or ')}: ape-action's runtime ` +
      'layer needs cosmocc >= 3.9.7, where cosmo_futex_wait and cosmo_futex_wake were added ' +
      `(4.0.2 is the tested version); looked in ${files.join(', ')}. Use cosmocc-version 4.0.2.`
  );
}

/** The compile command; part of the file text so a different compiler means a new object. */
function compileArgs(arch: Arch, options: ShimObjectsOptions, cFile: string, object: string) {
  const program = options.compilerFor(arch);
  const args = [...COMPILE_FLAGS, '-isystem', options.includeDir, '-o', object, cFile];
  return { program, args };
}

/** The C file's full text: the shim plus the command that compiles it. */
export function shimFileText(source: string, program: string, args: readonly string[]): string {
  return `${source}\n/* compiled with: ${[program, ...args].join(' ').replace(/\*\//g, '* /')} */\n`;
}

async function compileShim(arch: Arch, source: string, options: ShimObjectsOptions) {
  const cFile = path.join(options.workDir, `shim-${arch}.c`);
  const object = path.join(options.workDir, `shim-${arch}.o`);
  const { program, args } = compileArgs(arch, options, cFile, object);
  const text = shimFileText(source, program, args);
  if (await isUpToDate(cFile, object, text)) return object;

  // The old object must not outlive a failed compile of new text: the next run would find the
  // new C file unchanged and keep an object built from the old one.
  await rm(object, { force: true });
  await writeFile(cFile, text);
  const result = await run(program, args, { cwd: options.workDir });
  if (result.exitCode !== 0) {
    await rm(object, { force: true });
    throw new ActionError(
      `compiling ape-action's syscall shim for ${arch} with ${program} failed ` +
        `(exit ${result.exitCode}):\n${tail(result.stderr || result.stdout)}`
    );
  }
  return object;
}

/** The C file already holds `text` and the object was built from it. */
async function isUpToDate(cFile: string, object: string, text: string): Promise<boolean> {
  const current = await readFile(cFile, 'utf8').catch(() => undefined);
  if (current !== text) return false;
  const [cStat, objectStat] = await Promise.all([stat(cFile), stat(object).catch(() => undefined)]);
  return objectStat !== undefined && objectStat.mtimeMs >= cStat.mtimeMs;
}
