/**
 * The check that Rust code calls no libc function that takes or returns a translated value
 * without going through a shim. The linker wrapper asks the linker for a cross-reference table
 * (`-Wl,--cref` in the link map next to each linked ELF): for every symbol, the file that defines
 * it and every file that refers to it. A Rust object (an `.rlib` member or a rustc `.rcgu.o`)
 * that refers to such a function by its plain name bypassed the boundary translation: std's
 * (the generated layer's drift) is an error, a dependency's (its own `extern "C"` declaration)
 * a warning naming the object. cosmo's own objects and C code from build scripts, compiled
 * against cosmo's headers with cosmo's values, call the plain names by design.
 *
 * Pure core: map text in, findings out. Thin edge: `checkBoundaryCalls` reads the maps.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ActionError } from '../../errors.js';
import type { Log } from '../../log.js';
import { SHIMMED_FUNCTIONS } from './c-shims.js';

/**
 * Functions that take values whose numbering differs per host but that Rust may call directly,
 * each with the reason that is safe.
 */
export const DIRECT_CALLS_ALLOWED: Readonly<Record<string, string>> = {
  mprotect: 'PROT_* are literals equal to Linux values in cosmo (domain prot, proved per build)',
  sysconf:
    "the _SC_* names of the sysconf domain are literals equal to Linux's (proved per build); cosmo swaps _SC_SIGSTKSZ and _SC_MINSIGSTKSZ (249/250), which libc 0.2.183 defines only for Hurd",
  shutdown: 'SHUT_* are literals equal to Linux values in cosmo (domain shutdown_how)',
  posix_spawnattr_setflags: 'POSIX_SPAWN_* are literals equal to Linux values (domain spawn_flags)',
  waitid:
    "std's pidfd support; the linker wrapper aliases it to cosmo's enosys (cosmo has no waitid), so it fails with ENOSYS and std falls back",
  getauxval:
    "std asks for AT_HWCAP/AT_MINSIGSTKSZ; off Linux cosmo has no such key and answers 0, which std treats as 'unknown'"
};

/** Value-taking functions with no shim: a Rust call to one is reported. */
const UNSHIMMED_VALUE_FUNCTIONS = [
  'dup3', 'eventfd', 'epoll_create1', 'epoll_ctl', 'timerfd_create', 'signalfd', 'inotify_init1',
  'prctl', 'prlimit', 'ppoll', 'wait4', 'sigwait',
  'sigtimedwait', 'setitimer', 'timer_create', 'mremap', 'msync', 'mlock2', 'fadvise',
  'posix_fadvise', 'fallocate', 'sendmmsg', 'recvmmsg', 'statx'
]; // prettier-ignore

/** Every function whose plain name a Rust object must not refer to. */
export function guardedFunctions(): Set<string> {
  const guarded = new Set<string>([
    ...Object.values(SHIMMED_FUNCTIONS).flat(),
    ...UNSHIMMED_VALUE_FUNCTIONS,
    'syscall'
  ]);
  for (const name of Object.keys(DIRECT_CALLS_ALLOWED)) guarded.delete(name);
  return guarded;
}

const TABLE_HEADER = 'Cross Reference Table';

/**
 * symbol -> [defining file, referring files...] from GNU ld's `--cref` table in a link map, for
 * the symbols `wanted` accepts. A std link map is several MB and a touched build reads two, so
 * the table is walked line start by line start: only symbol lines are cut out, and the file
 * lines of symbols nobody wants are skipped uncopied.
 */
export function parseCrossReferences(
  map: string,
  wanted: (symbol: string) => boolean = () => true
): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const start = map.indexOf(TABLE_HEADER);
  if (start < 0) return table;
  let current: string[] | undefined;
  for (let at = lineAfter(map, start); at < map.length; at = lineAfter(map, at)) {
    const first = map[at];
    if (first === ' ' || first === '\t' || first === '\n') {
      if (current) {
        const file = map.slice(at, lineEnd(map, at)).trim();
        if (file) current.push(file);
      }
      continue;
    }
    // a symbol too long for its column stands alone, its files on the following lines
    const line = map.slice(at, lineEnd(map, at));
    const gap = line.search(/\s/);
    const symbol = gap < 0 ? line : line.slice(0, gap);
    current = symbol !== 'Symbol' && wanted(symbol) ? [] : undefined;
    if (!current) continue;
    table.set(symbol, current);
    const file = gap < 0 ? '' : line.slice(gap).trim();
    if (file) current.push(file);
  }
  return table;
}

function lineEnd(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end < 0 ? text.length : end;
}

function lineAfter(text: string, at: number): number {
  return lineEnd(text, at) + 1;
}

/** A link map's cross-reference table, decoded alone (the memory map before it is not needed). */
export async function readCrossReferenceText(map: string): Promise<string> {
  const bytes = await readFile(map);
  const start = bytes.indexOf(TABLE_HEADER);
  return start < 0 ? '' : bytes.toString('utf8', start);
}

export interface BypassingCall {
  symbol: string;
  /** The Rust object that refers to it. */
  file: string;
  /** std, core, alloc and their dependencies: the layer's own drift. */
  fromStd: boolean;
}

const RUST_OBJECT = /\.rlib\(|\.rcgu\.o\b/;
const STD_OBJECT =
  /\/lib(std|core|alloc|panic_abort|panic_unwind|unwind|compiler_builtins|libc|hashbrown|rustc_std_workspace_[a-z]+|std_detect|addr2line|gimli|object|miniz_oxide|adler2?|memchr|cfg_if|rustc_demangle)-[0-9a-f]+\.rlib\(/;

/** Rust objects that refer to a guarded function by its plain name. */
export function bypassingCalls(map: string, guarded = guardedFunctions()): BypassingCall[] {
  const found: BypassingCall[] = [];
  for (const [symbol, [, ...referrers]] of parseCrossReferences(map, name => guarded.has(name))) {
    for (const file of referrers.filter(referrer => RUST_OBJECT.test(referrer))) {
      found.push({ symbol, file, fromStd: STD_OBJECT.test(file) });
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// the effectful edge: after cargo, before apelink

/** One linked per-arch ELF to check: its final path and the bin it is. */
export interface LinkedBinary {
  arch: string;
  bin: string;
  /** `target/<spec>/<profile>/<bin>`; rustc linked it as `deps/<bin>-<hash>`. */
  path: string;
}

/** The newest link map the wrapper wrote for `binary` (next to rustc's `deps/<bin>-<hash>`). */
async function linkMapOf(binary: LinkedBinary): Promise<string | undefined> {
  const deps = path.join(path.dirname(binary.path), 'deps');
  const stems = new Set([`${binary.bin}-`, `${binary.bin.replace(/-/g, '_')}-`]);
  const maps = (await readdir(deps).catch(() => [] as string[])).filter(
    name => name.endsWith('.map') && [...stems].some(stem => name.startsWith(stem))
  );
  const dated = await Promise.all(
    maps.map(async name => ({ name, mtime: (await stat(path.join(deps, name))).mtimeMs }))
  );
  const newest = dated.sort((a, b) => b.mtime - a.mtime)[0];
  return newest && path.join(deps, newest.name);
}

/** A map already checked (and unchanged since) is not read again: warm runs stay cheap. */
async function alreadyChecked(map: string): Promise<{ done: boolean; mark: () => Promise<void> }> {
  const marker = `${map}.checked`;
  const identity = `${(await stat(map)).mtimeMs}`;
  const done = (await readFile(marker, 'utf8').catch(() => '')) === identity;
  return { done, mark: () => writeFile(marker, identity) };
}

/** One binary's map read (unless already checked unchanged): undefined when there is none. */
async function findingsFor(
  binary: LinkedBinary
): Promise<{ map?: string; calls: BypassingCall[] }> {
  const map = await linkMapOf(binary);
  if (!map) return { calls: [] };
  const checked = await alreadyChecked(map);
  if (checked.done) return { map, calls: [] };
  const calls = bypassingCalls(await readCrossReferenceText(map));
  if (calls.length === 0) await checked.mark(); // findings are repeated on every run
  return { map, calls };
}

/**
 * Reads each binary's link map (all at once) and reports Rust objects that call a guarded
 * function by its plain name: std's as an ActionError (the layer drifted), a dependency's as a
 * warning.
 */
export async function checkBoundaryCalls(
  binaries: readonly LinkedBinary[],
  log: Log
): Promise<void> {
  const findings = await Promise.all(binaries.map(findingsFor));
  const fromStd: string[] = [];
  for (const [i, { map, calls }] of findings.entries()) {
    const binary = binaries[i];
    if (!map) {
      log.warning(
        `no link map for ${binary.bin} (${binary.arch}) next to ${binary.path}: the check that ` +
          'Rust code reaches per-host values only through the shims did not run for it'
      );
    }
    for (const call of calls.filter(call => !call.fromStd)) {
      log.warning(
        `${binary.bin} (${binary.arch}): ${path.basename(call.file)} calls ${call.symbol} directly, ` +
          'with Linux values the host may not share (its own extern declaration, not the libc ' +
          "crate's): it behaves as on Linux only on Linux"
      );
    }
    fromStd.push(
      ...calls.filter(call => call.fromStd).map(call => `${call.symbol} from ${call.file}`)
    );
  }
  if (fromStd.length > 0) {
    throw new ActionError(
      `std calls libc functions that take per-host values without the runtime layer's shims: ` +
        `${fromStd.join('; ')}. This std reaches libc in a way the layer does not redirect; ` +
        'use the default nightly or update ape-action.'
    );
  }
  log.info(
    `boundary check: no Rust code calls a translated libc function directly (${binaries.length} binaries)`
  );
}
