/**
 * A stand-in cosmocc install for end-to-end tests, at the one boundary this machine cannot
 * cross (the real cosmocc is a 422 MB download). It keeps the real contract so a wrong call from
 * the action fails the test, and it fails where the real cosmo 4.0.2 fails:
 * - the same bin/ names the action looks for, and an include/ with a `cosmo.h`;
 * - per-arch compilers that behave like cosmocc's `cosmocross` driver: they reject the flags it
 *   rejects ("<prog>: <flag> not supported", exit 1), drop the ones it drops, have no libunwind;
 *   underneath they are `gcc -static` / `aarch64-linux-gnu-gcc -static`, so the binaries are
 *   real and run (x86_64 natively, aarch64 under qemu);
 * - they link like cosmo: the libraries cosmocc ships empty (`-lc` in the middle of rustc's link
 *   line among them) are dropped, then a stand-in cosmo runtime (test/helpers/standin-runtime/,
 *   one object per function, like libcosmo.a) comes before glibc, so `syscall`,
 *   `__xpg_strerror_r`, `strerror_r`, `sigaction`, the pthread_attr_t calls and (aarch64) the
 *   stat family behave as cosmo's do where glibc's would be kind;
 * - C code sees cosmo's constants as cosmo's headers declare them (test/helpers/cosmo-constants.mjs):
 *   most are 8-byte variables (`extern const unsigned O_CREAT;`), not glibc's literal macros, so
 *   `case O_CREAT:` or a static initializer from EAGAIN fails to compile as under cosmocc; the
 *   runtime archive defines them with the Linux column of consts.sh for the arch;
 * - they refuse, at link time, what a link against cosmo 4.0.2 would not give: an undefined
 *   reference to a name cosmo does not define (test/helpers/cosmo-symbols.mjs), and the
 *   `.ltext*`/`.ldata*`/`.lrodata*`/`.lbss*` sections of the large code model, which cosmo's
 *   linker scripts never name;
 * - an apelink that enforces apelink's option string and writes a launcher holding every payload
 *   (test/helpers/standin-apelink.mjs).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import {
  COSMO_CONSTANT_HEADERS,
  COSMO_CONSTANTS,
  COSMO_UNDECLARED,
  symbolConstants
} from './cosmo-constants.mjs';
import { COSMO_DEFINED_SYMBOLS } from './cosmo-symbols.mjs';
import { requireTools } from './kit.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RUNTIME_SOURCES = path.join(HERE, 'standin-runtime');
const ABI_HEADER = path.join(HERE, 'standin-include', 'ape-standin-abi.h');

/** @typedef {'x86_64' | 'aarch64'} StandinArch */

/** @type {Readonly<Record<StandinArch, { cc: string, cxx: string, ar: string }>>} */
export const TOOLS = {
  x86_64: { cc: 'gcc', cxx: 'g++', ar: 'ar' },
  aarch64: { cc: 'aarch64-linux-gnu-gcc', cxx: 'aarch64-linux-gnu-g++', ar: 'aarch64-linux-gnu-ar' }
};

/**
 * cosmocc ships these as empty archives (tool/cosmocc/package.sh in cosmopolitan 4.0.2), so
 * `-l<name>` resolves to nothing and libcosmo.a, linked last, answers every symbol. With glibc
 * underneath, a `-lc` left in the middle of rustc's link line would answer first instead.
 */
export const EMPTY_COSMO_LIBRARIES = Object.freeze([
  'c',
  'dl',
  'gcc_s',
  'm',
  'crypt',
  'pthread',
  'resolv',
  'rt',
  'gomp',
  'stdc++'
]);

const PTHREAD_ATTR_WRAPS = [
  'pthread_attr_init',
  'pthread_getattr_np',
  'pthread_attr_destroy',
  'pthread_attr_getguardsize',
  'pthread_attr_getstack',
  'pthread_attr_getstacksize',
  'pthread_attr_setstacksize',
  'pthread_create'
];

/**
 * Functions the stand-in runtime interposes with `-Wl,--wrap=NAME` rather than defines: glibc
 * calls them internally too (under other names), and those calls must stay glibc's.
 * @type {Readonly<Record<StandinArch, readonly string[]>>}
 */
/** Everything that reads or writes a sigset_t: cosmo's is 8 bytes (standin-runtime/sigset.c). */
const SIGSET_WRAPS = [
  'sigemptyset',
  'sigfillset',
  'sigaddset',
  'sigdelset',
  'sigismember',
  'pthread_sigmask',
  'sigprocmask'
];

/** cosmo's posix_spawnattr_t and file actions are pointers (standin-runtime/spawn.c). */
const SPAWN_WRAPS = [
  'posix_spawnattr_init',
  'posix_spawnattr_destroy',
  'posix_spawnattr_setflags',
  'posix_spawnattr_getflags',
  'posix_spawnattr_setpgroup',
  'posix_spawnattr_setsigdefault',
  'posix_spawnattr_setsigmask',
  'posix_spawnattr_getsigmask',
  'posix_spawn_file_actions_init',
  'posix_spawn_file_actions_destroy',
  'posix_spawn_file_actions_adddup2',
  'posix_spawn_file_actions_addclose',
  'posix_spawn_file_actions_addchdir_np',
  'posix_spawn',
  'posix_spawnp'
];

export const WRAPPED_FUNCTIONS = Object.freeze({
  x86_64: Object.freeze([...PTHREAD_ATTR_WRAPS, 'sigaction', ...SIGSET_WRAPS, ...SPAWN_WRAPS]),
  // glibc's aarch64 struct stat is the kernel's generic layout; on x86_64 it has cosmo's offsets
  aarch64: Object.freeze([
    ...PTHREAD_ATTR_WRAPS,
    'sigaction',
    ...SIGSET_WRAPS,
    ...SPAWN_WRAPS,
    'stat',
    'fstat',
    'lstat',
    'fstatat'
  ])
});

/**
 * What cosmocc's compilers define and leave undefined; with `-isystem <include>` and the forced
 * include (when C code sees cosmo's ABI) this is how the stand-in compiles C (see cosmo_cc below).
 */
export const COSMO_CC_FLAGS = Object.freeze([
  '-U_FORTIFY_SOURCE',
  '-D__COSMOPOLITAN__',
  '-D__COSMOCC__'
]);

/**
 * The flags that make a host compiler compile C as the stand-in cosmocc does, cosmo's ABI and
 * constants included, for an include dir written by writeStandinInclude.
 * @param {string} include
 */
export function cosmoCompileFlags(include) {
  return [
    '-include',
    path.join(include, 'ape-standin-abi.h'),
    ...COSMO_CC_FLAGS,
    '-isystem',
    include
  ];
}

/**
 * The glibc headers that define the modelled constants as macros (or enumerators): the forced
 * include reads them first, so that a later `#include` of them is a no-op, and then replaces
 * each name with cosmo's form.
 */
export const GLIBC_CONSTANT_HEADERS = Object.freeze([
  'fcntl.h',
  'sys/mman.h',
  'sys/socket.h',
  'netinet/in.h',
  'netinet/tcp.h',
  'poll.h',
  'signal.h',
  'time.h',
  'errno.h',
  'sys/wait.h',
  'sys/ioctl.h',
  'unistd.h',
  'spawn.h',
  'dirent.h',
  'netdb.h',
  'sys/stat.h',
  'sys/resource.h',
  'sys/file.h'
]);

/**
 * The names glibc declares as enumerators (`enum { SOCK_NONBLOCK = ..., #define SOCK_NONBLOCK
 * SOCK_NONBLOCK }`) that cosmo declares as symbols or not at all: an `#undef` cannot take an
 * enumerator away, so the forced include renames them while glibc's headers are read.
 * @param {readonly string[]} compilers
 */
function glibcEnumerators(compilers) {
  const wanted = new Set([...symbolConstants().map(c => c.name), ...COSMO_UNDECLARED]);
  const source = `#define _GNU_SOURCE\n${GLIBC_CONSTANT_HEADERS.map(h => `#include <${h}>`).join('\n')}\n`;
  const found = new Set();
  for (const compiler of compilers) {
    const macros = execFileSync(compiler, ['-E', '-dM', '-x', 'c', '-'], {
      input: source,
      encoding: 'utf8'
    });
    for (const [, name, body] of macros.matchAll(/^#define (\w+) (\w+)$/gm)) {
      if (name === body && wanted.has(name)) found.add(name);
    }
  }
  return [...found].sort();
}

/**
 * One modelled header in cosmo's syntax (libc/sysv/consts/o.h and the like): each name first
 * loses glibc's macro. A literal that cosmo also declares extern is written as the literal only,
 * which is all C code can see of it (and glibc may have an enumerator of that name).
 * @param {string} header
 */
export function cosmoHeaderText(header) {
  const guard = `APE_STANDIN_${header.replace(/\W/g, '_').toUpperCase()}`;
  const body = Object.values(COSMO_CONSTANTS)
    .filter(constant => constant.header === header)
    .map(constant => {
      const name = constant.name;
      if (constant.form === 'literal') return `#undef ${name}\n#define ${name} ${constant.value}`;
      if (constant.form === 'alias') return `#undef ${name}\n#define ${name} ${constant.target}`;
      const define = constant.ifdef ? `\n#define ${name} ${name}` : '';
      return `#undef ${name}\nextern ${constant.type} ${name};${define}`;
    });
  return `/* stand-in for cosmocc's include/${header} (cosmopolitan 4.0.2), the names
   test/helpers/cosmo-constants.mjs models, in cosmo's forms */
#ifndef ${guard}
#define ${guard}
#ifdef __cplusplus
extern "C" {
#endif
${body.join('\n')}
#ifdef __cplusplus
}
#endif
#endif
`;
}

/**
 * cosmocc's include/ as the stand-in has it: cosmo.h, the forced ABI header, and the modelled
 * constant headers at cosmo's paths with the two generated headers the forced one reads. The
 * enumerators are looked up with each of `compilers` (one per arch the include dir serves).
 * @param {string} include
 * @param {readonly string[]} [compilers]
 */
export function writeStandinInclude(include, compilers = Object.values(TOOLS).map(t => t.cc)) {
  mkdirSync(include, { recursive: true });
  copyFileSync(path.join(RUNTIME_SOURCES, 'cosmo.h'), path.join(include, 'cosmo.h'));
  // cosmo's C ABI for the types where it differs from glibc's, forced into every compile
  copyFileSync(ABI_HEADER, path.join(include, 'ape-standin-abi.h'));
  for (const header of COSMO_CONSTANT_HEADERS) {
    mkdirSync(path.dirname(path.join(include, header)), { recursive: true });
    writeFileSync(path.join(include, header), cosmoHeaderText(header));
  }
  const renames = glibcEnumerators(compilers).map(
    name => `#define ${name} __ape_glibc_enum_${name}`
  );
  writeFileSync(
    path.join(include, 'ape-standin-glibc-enums.h'),
    `/* generated: glibc's enumerators of names cosmo declares as symbols or not at all, renamed
   while glibc's headers are read (ape-standin-abi.h) */\n${renames.join('\n')}\n`
  );
  writeFileSync(
    path.join(include, 'ape-standin-constants.h'),
    `/* generated: glibc's headers that define cosmo's constant names, then cosmo's forms of them
   (test/helpers/cosmo-constants.mjs), then no trace of the names cosmo declares nowhere */
${GLIBC_CONSTANT_HEADERS.map(h => `#include <${h}>`).join('\n')}
${COSMO_CONSTANT_HEADERS.map(h => `#include "${h}"`).join('\n')}
${COSMO_UNDECLARED.map(name => `#undef ${name}`).join('\n')}
`
  );
}

/**
 * Assembly that defines each name as an 8-byte object holding `value`, like cosmo's `.quad`
 * (libc/sysv/consts/syscon.internal.h): read-only unless cosmo declares it without const.
 * @param {{ name: string, value: number, writable: boolean }[]} definitions
 */
export function constantsAssembly(definitions) {
  const objects = definitions.map(({ name, value, writable }) =>
    [
      `\t.section .${writable ? 'data' : 'rodata'}.${name},"a${writable ? 'w' : ''}"`,
      '\t.balign 8',
      `\t.globl ${name}`,
      `\t.type ${name}, %object`,
      `\t.size ${name}, 8`,
      `${name}:`,
      `\t.quad ${value}`
    ].join('\n')
  );
  return `${objects.join('\n')}\n\t.section .note.GNU-stack,"",%progbits\n`;
}

/** @param {string} value */
function shellQuote(value) {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Lists ld's "undefined reference" warnings of the check link as ld's errors would read, once per
 * name, with the function that refers to it; exits 1 if there is any.
 */
const UNDEFINED_REFERENCES_AWK = `
  index($0, ": in function " bq) && substr($0, length($0)) == ":" {
    where = substr($0, 1, length($0) - 1); sub(/^[^ ]*ld: /, "", where); gsub(bq, q, where)
    next
  }
  {
    at = index($0, "undefined reference to " bq); if (at == 0) next
    name = substr($0, at + 24); name = substr(name, 1, index(name, q) - 1)
    if (name in seen) next
    seen[name] = 1; failed = 1
    printf "%s: %s: undefined reference to %s (cosmo 4.0.2 does not define it)\\n", prog, where, q name q
  }
  END { exit (failed ? 1 : 0) }
`;

/**
 * Counts the input sections of the large code model that the check link's map shows as kept
 * (the map lists discarded ones first, before "Linker script and memory map"); exits 1 if any.
 */
const LARGE_MODEL_SECTIONS_AWK = `
  /^Linker script and memory map/ { kept = 1; next }
  kept && /^ [.](ltext|lrodata|ldata|lbss)([.]|[ \\t]|$)/ {
    count++; if (count <= 3) names = names (count > 1 ? ", " : "") $1
  }
  END {
    if (count == 0) exit 0
    printf "%s: %d orphan input sections of the large code model (.ltext*, .ldata*, .lrodata*, .lbss*), which cosmo%ss linker script never places: %s%s\\n", prog, count, q, names, (count > 3 ? ", ..." : "")
    exit 1
  }
`;

/**
 * The arguments, as cosmocross takes them: rejected flags fail, dropped ones go, and so do the
 * libraries cosmocc ships empty (also inside a response file, which rustc writes when the command
 * line is long: one argument a line).
 */
function argumentFilter() {
  const emptyLibraries = EMPTY_COSMO_LIBRARIES.map(name => shellQuote(`-l${name}`));
  return `rsp_count=0
for arg; do
  shift
  case "$arg" in
    -r|-pie|-shared|-nostdlib|-mred-zone|-fsanitize=thread)
      echo "$prog: $arg not supported" >&2; exit 1 ;;
    -lunwind)
      echo "$prog: cannot find -lunwind (cosmo has no libunwind)" >&2; exit 1 ;;
    -fpic|-fPIC|-fpie|-static-libgcc|-static-libstdc++|-s) ;;
    ${emptyLibraries.join('|')}) ;;
    @*)
      if [ -n "$work" ] && [ -f "\${arg#@}" ]; then
        if grep -q -x -F -e -lunwind "\${arg#@}"; then
          echo "$prog: cannot find -lunwind (cosmo has no libunwind)" >&2; exit 1
        fi
        rsp_count=$((rsp_count + 1))
        grep -v -x -F ${emptyLibraries.map(flag => `-e ${flag}`).join(' ')} "\${arg#@}" >"$work/$rsp_count.rsp"
        [ $? -le 1 ] || exit 1
        arg="@$work/$rsp_count.rsp"
      fi
      set -- "$@" "$arg" ;;
    *) set -- "$@" "$arg" ;;
  esac
done`;
}

/**
 * What a link against cosmo would see: the program's own inputs, then libcosmo.a (cosmocross
 * links -nostdlib with crt.o and libcosmo.a only). Here a linker script PROVIDEs every name cosmo
 * 4.0.2 defines, so ld warns about each remaining unresolved reference, and only about those from
 * sections --gc-sections keeps, exactly where a real link would fail. Its map shows the sections.
 * @param {boolean} checkSymbols
 */
function cosmoLinkCheck(checkSymbols) {
  const undefinedReferences = `awk -v prog="$prog" -v q="'" -v bq='\`' '${UNDEFINED_REFERENCES_AWK}' "$work/check.err" >&2 || refused=1`;
  return `cosmo_cc -static -no-pie -nostdlib "$@" "$cosmo_names" -Wl,-e,main \\
  -Wl,--warn-unresolved-symbols -Wl,-Map="$work/map" -o "$work/check" >/dev/null 2>"$work/check.err"
if [ $? -ne 0 ]; then
  cat "$work/check.err" >&2
  echo "$prog: the check link against cosmo 4.0.2's names failed (above)" >&2
  exit 1
fi
# no map: not a link at all (--version, -dumpmachine, -print-file-name=...)
if [ -f "$work/map" ]; then
  refused=0
  ${checkSymbols ? undefinedReferences : '# (no symbol check: see makeStandinCosmocc)'}
  awk -v prog="$prog" -v q="'" '${LARGE_MODEL_SECTIONS_AWK}' "$work/map" >&2 || refused=1
  if [ "$refused" = 1 ]; then
    echo "$prog: error: ld returned 1 exit status" >&2
    exit 1
  fi
fi`;
}

/**
 * cosmocross's contract, as a POSIX sh driver around a host compiler, linking like cosmo: the
 * program's inputs, then the stand-in runtime, then glibc. `cosmo_cc` stands for cosmo's
 * headers too: they have no _FORTIFY_SOURCE wrappers (whose __*_chk functions libcosmo lacks),
 * and cosmocc has an include/ with <cosmo.h>.
 * @param {{ compiler: string, root: string, runtime: string, cosmoNames: string,
 *   wraps: readonly string[], checkSymbols: boolean }} options
 */
export function compilerDriver({ compiler, root, runtime, cosmoNames, wraps, checkSymbols }) {
  const wrapFlags = wraps.map(name => `-Wl,--wrap=${name}`).join(' ');
  return `#!/bin/sh
# stand-in for cosmocc's <arch>-unknown-cosmo-cc (cosmocross): same rejected/dropped flags, a link
# like cosmo's (stand-in cosmo runtime before glibc), and cosmo's link failures.
prog=\${0##*/}
compiler=${shellQuote(compiler)}
include=${shellQuote(path.join(root, 'include'))}
runtime=${shellQuote(runtime)}
cosmo_names=${shellQuote(cosmoNames)}
# cosmo's headers give C cosmo's ABI and constants (include/ape-standin-abi.h). A test program
# that stands in for Rust code, which sees no C headers, sets APE_STANDIN_NO_C_ABI=1.
abi=
if [ -z "\${APE_STANDIN_NO_C_ABI:-}" ]; then
  abi=$include/ape-standin-abi.h
fi
cosmo_cc() {
  if [ -n "$abi" ]; then set -- -include "$abi" "$@"; fi
  "$compiler" ${COSMO_CC_FLAGS.join(' ')} -isystem "$include" "$@"
}
linking=1
for arg; do
  case "$arg" in -c|-S|-E|-M|-MM) linking=0 ;; esac
done
work=
if [ "$linking" = 1 ]; then
  work=$(mktemp -d "\${TMPDIR:-/tmp}/standin-cosmocc.XXXXXX") || exit 1
  trap 'rm -rf "$work"' 0
  trap 'exit 1' HUP INT PIPE TERM
fi
${argumentFilter()}
if [ "$linking" = 0 ]; then
  cosmo_cc "$@"
  exit
fi
${cosmoLinkCheck(checkSymbols)}
cosmo_cc -static -no-pie "$@" ${wrapFlags} "$runtime" \\
  -Wl,-Bstatic -Wl,--start-group -lc -lm -lgcc -lgcc_eh -Wl,--end-group
`;
}

/**
 * @param {string} file
 * @param {string} text
 */
function writeExecutable(file, text) {
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

/**
 * One assembly file per symbol-form constant (cosmo too has one object per name), holding the
 * Linux column of consts.sh for `arch`; returns their paths.
 * @param {string} dir
 * @param {StandinArch} arch
 */
function writeConstantSources(dir, arch) {
  mkdirSync(dir, { recursive: true });
  const column = arch === 'x86_64' ? 'linux' : 'linux_aarch64';
  return symbolConstants().map(({ name, writable, hosts }) => {
    if (!hosts) throw new Error(`cosmo-constants: ${name} has no consts.sh columns`);
    const file = path.join(dir, `${name}.s`);
    writeFileSync(file, constantsAssembly([{ name, value: hosts[column], writable }]));
    return file;
  });
}

/**
 * Compiles the stand-in runtime for one arch into an archive, one object per source file, which
 * is one per function except where cosmo too defines several in one file (cosmo_futex.c) and for
 * the --wrap interposers (whose __wrap_ names nothing else defines). So a program's own
 * definition of a name wins, as against libcosmo.a. Returns the archive's path.
 * @param {string} lib
 * @param {StandinArch} arch
 */
function buildRuntimeArchive(lib, arch) {
  const { cc, ar } = TOOLS[arch];
  const objects = path.join(lib, arch, 'objects');
  mkdirSync(objects, { recursive: true });
  const sources = readdirSync(RUNTIME_SOURCES)
    .filter(file => file.endsWith('.c'))
    .map(file => path.join(RUNTIME_SOURCES, file));
  execFileSync(cc, ['-c', '-O2', '-std=gnu11', '-Wall', '-fno-stack-protector', ...sources], {
    cwd: objects,
    stdio: ['ignore', 'ignore', 'pipe']
  });
  execFileSync(cc, ['-c', ...writeConstantSources(path.join(lib, arch, 'constants'), arch)], {
    cwd: objects,
    stdio: ['ignore', 'ignore', 'pipe']
  });
  const archive = path.join(lib, arch, 'libstandin-cosmo.a');
  const members = readdirSync(objects).map(file => path.join(objects, file));
  execFileSync(ar, ['rcs', archive, ...members]);
  return archive;
}

/**
 * A linker script that defines every name cosmo 4.0.2 defines, for the check link: PROVIDE
 * defines a name only where nothing else does, as an archive member would. The address is never
 * run, only linked against.
 * @param {string} lib
 */
function writeCosmoNamesScript(lib) {
  const script = path.join(lib, 'cosmo-names.ld');
  const names = [...COSMO_DEFINED_SYMBOLS, ...symbolConstants().map(constant => constant.name)];
  const provides = names.map(name => `PROVIDE(${name} = 0x1000);`);
  writeFileSync(
    script,
    `/* names cosmopolitan 4.0.2 defines (test/helpers/cosmo-symbols.mjs) */\n${provides.join('\n')}\n`
  );
  return script;
}

/**
 * Makes `<root>/bin` with every tool the action checks for, `<root>/include` (writeStandinInclude)
 * and the runtime archives in `<root>/lib`; returns root.
 * @param {string} root
 * @returns {string}
 */
export function makeStandinCosmocc(root) {
  requireTools(['gcc', 'g++', 'ar', 'aarch64-linux-gnu-gcc', 'aarch64-linux-gnu-ar']);
  const bin = path.join(root, 'bin');
  const lib = path.join(root, 'lib');
  const include = path.join(root, 'include');
  for (const dir of [bin, lib]) mkdirSync(dir, { recursive: true });
  writeStandinInclude(include);
  const cosmoNames = writeCosmoNamesScript(lib);
  for (const arch of /** @type {StandinArch[]} */ (['x86_64', 'aarch64'])) {
    const { cc, cxx } = TOOLS[arch];
    const common = { root, runtime: buildRuntimeArchive(lib, arch), cosmoNames };
    const wraps = WRAPPED_FUNCTIONS[arch];
    writeExecutable(
      path.join(bin, `${arch}-unknown-cosmo-cc`),
      compilerDriver({ ...common, compiler: cc, wraps, checkSymbols: true })
    );
    // cosmo's C++ links add its libcxx (-lcxx), which this stand-in does not model: its check
    // link has no C++ runtime, so the symbol check would name every operator new and __cxa_*
    // that libstdc++ answers in the real link. The section check stays.
    writeExecutable(
      path.join(bin, `${arch}-unknown-cosmo-c++`),
      compilerDriver({ ...common, compiler: cxx, wraps, checkSymbols: false })
    );
    writeFileSync(path.join(bin, `ape-${arch}.elf`), `stand-in ${arch} loader\n`);
  }
  writeExecutable(path.join(bin, 'cosmocc'), '#!/bin/sh\nexec gcc -static "$@"\n');
  writeExecutable(path.join(bin, 'cosmoc++'), '#!/bin/sh\nexec g++ -static "$@"\n');
  writeExecutable(path.join(bin, 'cosmoar'), '#!/bin/sh\nexec ar "$@"\n');
  writeFileSync(path.join(bin, 'ape-m1.c'), '/* stand-in Apple Silicon loader source */\n');
  // real apelink is an APE: it runs when exec'd and when started as `sh apelink` (its shell
  // prolog), so the stand-in is a sh script too, in front of the node program
  const libexec = path.join(root, 'libexec');
  mkdirSync(libexec, { recursive: true });
  copyFileSync(path.join(HERE, 'standin-apelink.mjs'), path.join(libexec, 'apelink.mjs'));
  writeExecutable(
    path.join(bin, 'apelink'),
    `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(path.join(libexec, 'apelink.mjs'))} "$@"\n`
  );
  return root;
}
