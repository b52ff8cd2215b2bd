/**
 * A stand-in cosmocc install for end-to-end tests, at the one boundary this machine cannot
 * cross (the real cosmocc is a 422 MB download). It keeps the real contract so a wrong call from
 * the action fails the test:
 * - the same bin/ names the action looks for;
 * - per-arch compilers that behave like cosmocc's `cosmocross` driver: they reject the flags it
 *   rejects ("<prog>: <flag> not supported", exit 1), drop the ones it drops, have no libunwind,
 *   and provide cosmo's `enosys`; underneath they are `gcc -static` / `aarch64-linux-gnu-gcc
 *   -static`, so the binaries are real and run (x86_64 natively, aarch64 under qemu);
 * - an apelink that enforces apelink's option string and writes a launcher holding every payload
 *   (test/helpers/standin-apelink.mjs).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTools } from './kit.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const COMPILERS = {
  x86_64: { cc: 'gcc', cxx: 'g++' },
  aarch64: { cc: 'aarch64-linux-gnu-gcc', cxx: 'aarch64-linux-gnu-g++' }
};

/**
 * cosmocross's contract, as a POSIX sh driver around a host compiler.
 * @param {string} compiler
 * @param {string} enosysObject
 */
function compilerDriver(compiler, enosysObject) {
  return `#!/bin/sh
# stand-in for cosmocc's <arch>-unknown-cosmo-cc (cosmocross): same rejected/dropped flags.
prog=\${0##*/}
linking=1
for arg; do
  case "$arg" in -c|-S|-E|-M|-MM) linking=0 ;; esac
done
for arg; do
  shift
  case "$arg" in
    -r|-pie|-shared|-nostdlib|-mred-zone|-fsanitize=thread)
      echo "$prog: $arg not supported" >&2; exit 1 ;;
    -lunwind)
      echo "$prog: cannot find -lunwind (cosmo has no libunwind)" >&2; exit 1 ;;
    -fpic|-fPIC|-fpie|-static-libgcc|-static-libstdc++|-s) ;;
    *) set -- "$@" "$arg" ;;
  esac
done
if [ "$linking" = 1 ]; then
  exec ${compiler} -static -no-pie "$@" '${enosysObject}' -Wl,-Bstatic -Wl,--start-group -lc -lgcc -lgcc_eh -Wl,--end-group
fi
exec ${compiler} "$@"
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
 * cosmo's libc defines `enosys` (the action's wrapper points waitid at it); glibc does not.
 * @param {string} dir
 * @param {string} compiler
 */
function buildEnosys(dir, compiler) {
  const source = path.join(dir, 'enosys.c');
  writeFileSync(source, '#include <errno.h>\nlong enosys(void) { errno = ENOSYS; return -1; }\n');
  const object = path.join(dir, `enosys-${compiler}.o`);
  execFileSync(compiler, ['-c', '-O2', '-o', object, source]);
  return object;
}

/**
 * Makes `<root>/bin` with every tool the action checks for; returns root.
 * @param {string} root
 * @returns {string}
 */
export function makeStandinCosmocc(root) {
  requireTools(['gcc', 'g++', 'aarch64-linux-gnu-gcc', 'ar']);
  const bin = path.join(root, 'bin');
  const lib = path.join(root, 'lib');
  mkdirSync(bin, { recursive: true });
  mkdirSync(lib, { recursive: true });
  for (const [arch, { cc, cxx }] of Object.entries(COMPILERS)) {
    const enosys = buildEnosys(lib, cc);
    writeExecutable(path.join(bin, `${arch}-unknown-cosmo-cc`), compilerDriver(cc, enosys));
    writeExecutable(path.join(bin, `${arch}-unknown-cosmo-c++`), compilerDriver(cxx, enosys));
    writeFileSync(path.join(bin, `ape-${arch}.elf`), `stand-in ${arch} loader\n`);
  }
  writeExecutable(path.join(bin, 'cosmocc'), '#!/bin/sh\nexec gcc -static "$@"\n');
  writeExecutable(path.join(bin, 'cosmoc++'), '#!/bin/sh\nexec g++ -static "$@"\n');
  writeExecutable(path.join(bin, 'cosmoar'), '#!/bin/sh\nexec ar "$@"\n');
  writeFileSync(path.join(bin, 'ape-m1.c'), '/* stand-in Apple Silicon loader source */\n');
  copyFileSync(path.join(HERE, 'standin-apelink.mjs'), path.join(bin, 'apelink'));
  chmodSync(path.join(bin, 'apelink'), 0o755);
  return root;
}
