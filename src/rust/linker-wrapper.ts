/**
 * The linker rustc runs for a cosmo target: a small POSIX sh script that forwards to cosmocc's
 * per-arch compiler (`<arch>-unknown-cosmo-cc`), without the flags rustc adds for musl that cosmo
 * cannot honour, plus the symbol aliases std needs under cosmo. The script text is a pure
 * function; writing it (skipped on a warm run whose text is unchanged) is the only effect.
 */
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { ActionError } from '../errors.js';
import type { Arch } from '../arch.js';
import type { Log } from '../log.js';
import type { ArchTarget } from '../plan.js';
import { contentHash, reuseOrRedo, stampFileFor } from '../stamp.js';

/**
 * Flags removed from rustc's link line, each exactly as rustc passes it.
 * - `-lunwind`: std asks for libunwind on musl targets; cosmocc ships no libunwind to link.
 * - `-Wl,-Bdynamic`, `-Wl,-Bstatic`: rustc brackets libraries with these for musl; cosmo links
 *   everything statically with its own linker script, and a stray -Bdynamic would look for .so
 *   files.
 * - `-Wl,--strip-all`, `-Wl,--strip-debug`, `-Wl,-s`, `-Wl,-S`, `-s` (from `-C strip=...`):
 *   the linked ELF is apelink's input; cosmo's backtraces and --ftrace read its symbol table, so
 *   stripping belongs to apelink (-s), after linking.
 */
export const DROPPED_LINKER_FLAGS = [
  '-lunwind',
  '-Wl,-Bdynamic',
  '-Wl,-Bstatic',
  '-Wl,--strip-all',
  '-Wl,--strip-debug',
  '-Wl,-s',
  '-Wl,-S',
  '-s'
] as const;

/**
 * Flags appended to every link.
 * - `waitid=enosys`: std's pidfd support references waitid, which cosmo does not have; pidfds
 *   are Linux-only and unusable under cosmo anyway, so the alias only has to satisfy the linker
 *   (cosmo's enosys fails with ENOSYS if it is ever called).
 */
export const ADDED_LINKER_FLAGS = ['-Wl,--defsym,waitid=enosys'] as const;

/** Quotes a string for POSIX sh: single quotes, with each ' written as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The wrapper script. Arguments are filtered with `for arg; do shift; ...; set -- "$@" "$arg"`:
 * each original argument is shifted off the front and, unless dropped, appended at the back, so
 * every argument stays one word whatever it contains, with no eval. rustc passes a response file
 * (`@file`) instead of arguments when the command line is too long; those get a filtered copy.
 * `extraArgs` (the runtime layer's objects and bindings) follow ADDED_LINKER_FLAGS.
 * `RUNNER_DEBUG=1` (the runner's debug logging) or `APE_ACTION_DEBUG=1` prints the final argv.
 */
export function linkerWrapperScript(
  arch: Arch,
  compilerPath: string,
  extraArgs: readonly string[] = []
): string {
  const added = [...ADDED_LINKER_FLAGS, ...extraArgs].map(shellQuote).join(' ');
  return `#!/bin/sh
# ape-action linker for ${arch}: rustc runs this as the target spec's linker. Generated; do not edit.
# Forwards to cosmocc's ${arch} compiler without the flags rustc adds for musl that cosmo cannot
# honour, and with the aliases and runtime objects std needs under cosmo.
compiler=${shellQuote(compilerPath)}
rsp_dir=
rsp_count=0
${filterArgumentsLoop()}
set -- "$@" ${added}
${extraArgs.length > 0 ? LINK_MAP : ''}${debugAndExec(arch)}`;
}

/**
 * With the runtime layer: a link map with GNU ld's cross-reference table next to the output
 * (`<output>.map`), which the boundary check reads to find Rust objects that call a translated
 * libc function by its plain name (runtime/boundary/link-check.ts).
 */
const LINK_MAP = `output=
previous=
for arg; do
  if [ "$previous" = -o ]; then output=$arg; fi
  previous=$arg
done
if [ -n "$output" ]; then set -- "$@" -Wl,--cref "-Wl,-Map,$output.map"; fi
`;

/** The loop that rebuilds "$@" without the dropped flags (response files filtered too). */
function filterArgumentsLoop(): string {
  const dropPatterns = DROPPED_LINKER_FLAGS.map(shellQuote).join(' | ');
  const grepPatterns = DROPPED_LINKER_FLAGS.map(flag => `-e ${shellQuote(flag)}`).join(' ');
  return `for arg; do
  shift
  case $arg in
    ${dropPatterns})
      continue
      ;;
    @*)
      # A response file: one argument per line; drop the same flags from a copy of it.
      if [ -f "\${arg#@}" ]; then
        if [ -z "$rsp_dir" ]; then
          rsp_dir=$(mktemp -d "\${TMPDIR:-/tmp}/ape-action-link.XXXXXX") || exit 1
        fi
        rsp_count=$((rsp_count + 1))
        grep -v -x -F ${grepPatterns} "\${arg#@}" >"$rsp_dir/$rsp_count.rsp"
        if [ $? -gt 1 ]; then
          rm -rf "$rsp_dir"
          exit 1
        fi
        arg="@$rsp_dir/$rsp_count.rsp"
      fi
      ;;
  esac
  set -- "$@" "$arg"
done`;
}

/** Prints the final argv when asked, then runs the compiler (cleaning response-file copies). */
function debugAndExec(arch: Arch): string {
  return `if [ "\${RUNNER_DEBUG:-}" = 1 ] || [ "\${APE_ACTION_DEBUG:-}" = 1 ]; then
  printf 'ape-action linker (${arch}): %s' "$compiler" >&2
  printf " '%s'" "$@" >&2
  printf '\\n' >&2
fi
if [ -z "$rsp_dir" ]; then
  exec "$compiler" "$@"
fi
"$compiler" "$@"
status=$?
rm -rf "$rsp_dir"
exit "$status"
`;
}

/**
 * Writes the wrapper for `arch` at `file` (mode 755); the target spec names that path as its
 * linker. Fails clearly when cosmocc's compiler is not where expected.
 */
export async function writeLinkerWrapper(
  file: string,
  arch: Arch,
  compiler: string,
  extraArgs: readonly string[] = []
): Promise<void> {
  await requireCompiler(arch, compiler);
  await writeExecutable(file, linkerWrapperScript(arch, compiler, extraArgs));
}

/**
 * The wrapper of every target in the plan, each rewritten only when its text changed since the
 * last run. The text is the stamp's input, so any change to what a wrapper says (compiler,
 * flags, the runtime layer's arguments) rewrites it. The compiler is checked on every run.
 */
export async function writeLinkerWrappers(
  targets: readonly ArchTarget[],
  compilerFor: (arch: Arch) => string,
  linkArgs: Partial<Record<Arch, readonly string[]>>,
  log: Log
): Promise<void> {
  await Promise.all(
    targets.map(async ({ arch, linker }) => {
      const compiler = compilerFor(arch);
      await requireCompiler(arch, compiler);
      const text = linkerWrapperScript(arch, compiler, linkArgs[arch]);
      await reuseOrRedo({
        what: `${arch} linker wrapper`,
        doing: 'writing it',
        stampFile: stampFileFor(linker),
        inputs: { wrapper: contentHash(text) },
        log,
        brokenReason: async () =>
          (await holdsScript(linker, text)) ? undefined : `${linker} was changed or removed`,
        work: async () => {
          await writeExecutable(linker, text);
          return { file: linker };
        }
      });
    })
  );
}

async function requireCompiler(arch: Arch, compiler: string): Promise<void> {
  try {
    await access(compiler, constants.X_OK);
  } catch {
    throw new ActionError(
      `cosmocc's ${arch} compiler ${compiler} is missing or not executable: is ${path.dirname(compiler)} the bin/ directory of a complete cosmocc?`
    );
  }
}

/** Whether `file` is an executable holding exactly `text`. */
async function holdsScript(file: string, text: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await readFile(file, 'utf8')) === text;
  } catch {
    return false;
  }
}

/** cc-rs execs AR directly; cosmoar is a script that needs `sh`, so AR gets this tiny wrapper. */
export function arWrapperScript(cosmoar: string): string {
  return `#!/bin/sh\nexec sh ${shellQuote(cosmoar)} "$@"\n`;
}

export async function writeArWrapper(file: string, cosmoar: string): Promise<void> {
  await writeExecutable(file, arWrapperScript(cosmoar));
}

async function writeExecutable(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  await chmod(file, 0o755);
}
