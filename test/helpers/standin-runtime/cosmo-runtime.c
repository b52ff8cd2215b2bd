/*
 * Stand-in cosmo runtime: cosmopolitan 4.0.2's behaviour, on top of glibc, where Rust's std
 * (built for a musl-like target) cares and glibc would be kind.
 *
 * The end-to-end tests cannot download the real cosmocc, so the stand-in cosmocc links with
 * `gcc -static` and glibc. glibc answers `syscall`, `strerror_r`, `sigaction`, `stat` ... the way
 * std expects, so bugs that real users hit under cosmo would pass there. The stand-in compiler
 * driver links this runtime as an archive, one object per function as cosmo's libcosmo.a is
 * built, after the program's own inputs and before glibc (an object of the program that defines
 * one of these names wins, as it would against libcosmo.a). Functions that glibc also calls
 * internally under other names are interposed with `-Wl,--wrap=NAME` instead (`__wrap_NAME`
 * calls glibc's `__real_NAME`), so glibc's own calls stay glibc's.
 *
 * Each file reproduces (file names are paths in jart/cosmopolitan at tag 4.0.2):
 * - syscall.c: `syscall()` knows only cosmo's numbers SYS_gettid 1, SYS_getrandom 2, SYS_getcpu
 *   3 and fails every other number with -1/ENOSYS (libc/stdio/syscall.c, libc/stdio/syscall.h).
 *   Linux numbers mean something else there: x86_64's write (1) returns the thread id.
 * - cosmo_futex.c: `cosmo_futex_wait` / `cosmo_futex_wake` (libc/cosmo.h,
 *   libc/intrin/cosmo_futex.c) as they run on a modern Linux: 0 or -errno (errno untouched),
 *   -ETIMEDOUT at once for an absolute time <= 0, -EAGAIN when *w != expect, FUTEX_WAIT_BITSET
 *   with an absolute deadline, the private flag for pshare 0, the realtime flag for
 *   CLOCK_REALTIME(_COARSE); wake returns the kernel's count of woken threads or -errno.
 * - getrandom.c: `getrandom` (libc/calls/getrandom.c): EFAULT for a null buffer with a length,
 *   EINVAL for flags other than GRND_NONBLOCK 1 / GRND_RANDOM 2, else the Linux system call.
 * - strerror_r.c: `strerror_r` is the XSI one returning an errno_t (libc/intrin/strerror_r.c):
 *   0, or ERANGE after copying a truncated, NUL-terminated message.
 * - xpg_strerror_r.c: `__xpg_strerror_r` returns `char *` (its buffer), not an int
 *   (libc/fmt/__xpg_strerror_r.c): a caller that reads an int sees the pointer's low half.
 * - enosys.c: `enosys`, -1 with ENOSYS (libc/sysv/errfuns.h; the action aliases waitid to it).
 * - pthread_attr.c (wrapped): cosmo's pthread_attr_t is 64 bytes (libc/thread/thread.h);
 *   pthread_attr_init and pthread_getattr_np write all 64 (libc/thread/pthread_attr_init.c,
 *   pthread_getattr_np.c), pthread_attr_destroy fills all 64 with 0xff
 *   (libc/thread/pthread_attr_destroy.c). Bytes 56..63 get a canary that every later call on
 *   the object checks, so a 56-byte caller object is reported (how reliably: pthread_attr.c).
 * - sigaction.c (wrapped): cosmo's struct sigaction {handler, uint64_t sa_flags, restorer,
 *   uint64_t sa_mask}, 32 bytes (libc/calls/struct/sigaction.h, libc/calls/struct/sigset.h),
 *   converted to and from glibc's.
 * - sigset.c (wrapped): cosmo's sigset_t is one uint64_t (libc/calls/struct/sigset.h), so
 *   sigemptyset & co., pthread_sigmask and sigprocmask read and write 8 bytes, converted to and
 *   from glibc's 128-byte set.
 * - spawn.c (wrapped): cosmo's posix_spawnattr_t and posix_spawn_file_actions_t are pointers to
 *   what init allocates (libc/proc/posix_spawn.h): 8 bytes where glibc's are 336 and 80.
 * - getprogramexecutablename.c: GetProgramExecutableName (libc/cosmo.h), for C code that asks.
 * - stat.c (wrapped, aarch64 only): stat/fstat/lstat/fstatat fill cosmo's 144-byte struct stat,
 *   st_mode at 24, on both arches (libc/calls/struct/stat.h), converted from the kernel's as
 *   __stat2cosmo does (libc/calls/stat2cosmo.c). On x86_64 glibc's layout already has those
 *   offsets. musl's aarch64 struct stat is 128 bytes with st_mode at 16.
 *
 * This file holds the helpers the others share.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "standin.h"

long __standin_linux_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
#if defined(__x86_64__)
  register long r10 __asm__("r10") = a4;
  register long r8 __asm__("r8") = a5;
  register long r9 __asm__("r9") = a6;
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
#elif defined(__aarch64__)
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a1;
  register long x1 __asm__("x1") = a2;
  register long x2 __asm__("x2") = a3;
  register long x3 __asm__("x3") = a4;
  register long x4 __asm__("x4") = a5;
  register long x5 __asm__("x5") = a6;
  __asm__ volatile("svc #0"
                   : "+r"(x0)
                   : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                   : "memory");
  return x0;
#else
#error "the stand-in cosmo runtime supports x86_64 and aarch64"
#endif
}

_Noreturn void __standin_die(const char *fmt, ...) {
  va_list va;
  va_start(va, fmt);
  fputs("stand-in cosmo: ", stderr);
  vfprintf(stderr, fmt, va);
  fputc('\n', stderr);
  va_end(va);
  abort();
}
