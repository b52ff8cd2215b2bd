/**
 * Unit tests of C shims against other hosts' constants, on this Linux machine: the shim C and the
 * test's C (a recording fake of the libc functions beneath the shim, and a driver `main`) are
 * compiled as the stand-in cosmocc compiles C (gcc with its forced include, so cosmo's constants
 * are variables: test/helpers/standin-cosmocc.mjs), then linked with a generated
 * `host-constants.c` that gives every symbol-form constant the value of ONE host's column of
 * cosmo's consts.sh (test/helpers/cosmo-constants.mjs), as cosmo's start-up would on that host.
 *
 * The program is a plain dynamic executable: its own definitions of `open`, `fcntl`, ... win over
 * glibc's for every call it makes (glibc's internal calls keep glibc's), so a fake sees exactly
 * what the shim passes down. aarch64 programs run under qemu-aarch64-static.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HOSTS, symbolConstants } from './cosmo-constants.mjs';
import { requireTools } from './kit.mjs';
import { TOOLS, cosmoCompileFlags, writeStandinInclude } from './standin-cosmocc.mjs';

/** @typedef {import('./cosmo-constants.mjs').Host} Host */
/** @typedef {import('./standin-cosmocc.mjs').StandinArch} StandinArch */
/** @typedef {{ name: string, text: string }} CSource */

/** A compile or link that failed: the compiler's own words are in the message and `stderr`. */
export class HarnessBuildError extends Error {
  /**
   * @param {string} message
   * @param {string} stderr
   */
  constructor(message, stderr) {
    super(`${message}\n${stderr}`);
    this.name = 'HarnessBuildError';
    this.stderr = stderr;
  }
}

/**
 * C that defines every symbol-form constant as cosmo's start-up leaves it on `host`: an 8-byte
 * object (cosmo's `.quad`), read-only unless cosmo declares it without const. A name the host's
 * column lacks is left undefined, so a use of it fails to link; `missing` names them.
 * Compiled on its own, never with the forced include (whose macros name these very symbols).
 * @param {Host} host
 * @param {Readonly<Record<string, number | undefined>>} [overrides] values to use instead
 *   (undefined: as if the column lacked the name)
 */
export function hostConstantsSource(host, overrides = {}) {
  /** @type {string[]} */
  const missing = [];
  const lines = [];
  for (const { name, writable, hosts } of symbolConstants()) {
    const value = name in overrides ? overrides[name] : hosts?.[host];
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    lines.push(`${writable ? '' : 'const '}long long ${name} = ${value}LL;`);
  }
  const text = `/* cosmopolitan 4.0.2's constants as its start-up fills them on ${host} (consts.sh) */\n${lines.join('\n')}\n`;
  return { text, missing };
}

/** @param {string} cc */
function qemuSysroot(cc) {
  const libc = spawnSync(cc, ['-print-file-name=libc.so.6'], { encoding: 'utf8' }).stdout.trim();
  return path.dirname(path.dirname(realpathSync(libc)));
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {string} what
 */
function build(command, args, what) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new HarnessBuildError(
      `boundary harness: ${what} failed (exit ${result.status})`,
      result.stderr
    );
  }
}

/**
 * Compiles `sources` like the stand-in cosmocc, links them with `host`'s constants and runs the
 * program. Throws HarnessBuildError when a compile or the link fails (an undefined reference to
 * a name the host lacks included; the message lists such names).
 * @param {{ host: Host, sources: CSource[], arch?: StandinArch, args?: string[],
 *   cflags?: string[], overrides?: Readonly<Record<string, number | undefined>> }} options
 * @returns {{ stdout: string, stderr: string, exitCode: number | null, missing: string[] }}
 */
export function runWithHost({ host, sources, arch = 'x86_64', args = [], cflags = [], overrides }) {
  if (!HOSTS.includes(host))
    throw new Error(`boundary harness: no host ${host} (${HOSTS.join(', ')})`);
  const { cc } = TOOLS[arch];
  requireTools(arch === 'aarch64' ? [cc, 'qemu-aarch64-static'] : [cc]);
  const work = mkdtempSync(path.join(tmpdir(), 'boundary-harness-'));
  try {
    const include = path.join(work, 'include');
    writeStandinInclude(include, [cc]);
    const objects = sources.map(({ name, text }, i) => {
      const source = path.join(work, `${i}-${path.basename(name)}`);
      writeFileSync(source, text);
      const object = `${source}.o`;
      build(
        cc,
        [...cosmoCompileFlags(include), ...cflags, '-c', '-o', object, source],
        `compiling ${name}`
      );
      return object;
    });
    const constants = hostConstantsSource(host, overrides);
    const constantsFile = path.join(work, 'host-constants.c');
    writeFileSync(constantsFile, constants.text);
    const program = path.join(work, 'program');
    const missingNote = constants.missing.length
      ? ` (${host} has no value for ${constants.missing.join(', ')})`
      : '';
    build(cc, ['-o', program, ...objects, constantsFile], `linking for ${host}${missingNote}`);
    const [command, argv] =
      arch === 'aarch64'
        ? ['qemu-aarch64-static', ['-L', qemuSysroot(cc), program, ...args]]
        : [program, args];
    const run = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
    return {
      stdout: run.stdout,
      stderr: run.stderr,
      exitCode: run.status,
      missing: constants.missing
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
