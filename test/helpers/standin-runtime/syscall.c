/* cosmo's syscall() (libc/stdio/syscall.c, numbers from libc/stdio/syscall.h): a translation
   layer for three numbers of cosmo's own, not Linux's. Every other number is -1 with ENOSYS,
   so a Linux SYS_futex, SYS_statx or SYS_getrandom from Rust's libc never reaches a kernel. */
#include <errno.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include "standin.h"

enum { COSMO_SYS_gettid = 1, COSMO_SYS_getrandom = 2, COSMO_SYS_getcpu = 3 };

long getrandom(void *, size_t, unsigned); /* this runtime's, cosmo's semantics */

static long linux_result(long rc) {
  if (rc < 0 && rc > -4096) {
    errno = (int)-rc;
    return -1;
  }
  return rc;
}

static long cosmo_getcpu(unsigned *cpu, unsigned *node) {
  return linux_result(__standin_linux_syscall(SYS_getcpu, (long)cpu, (long)node, 0, 0, 0, 0));
}

long syscall(long number, ...) {
  va_list va;
  long rc;
  va_start(va, number);
  switch (number) {
    case COSMO_SYS_gettid:
      rc = __standin_linux_syscall(SYS_gettid, 0, 0, 0, 0, 0, 0);
      break;
    case COSMO_SYS_getrandom: {
      void *buf = va_arg(va, void *);
      size_t len = va_arg(va, size_t);
      unsigned flags = va_arg(va, unsigned);
      rc = getrandom(buf, len, flags);
      break;
    }
    case COSMO_SYS_getcpu: {
      unsigned *cpu = va_arg(va, unsigned *);
      unsigned *node = va_arg(va, unsigned *);
      rc = cosmo_getcpu(cpu, node);
      break;
    }
    default:
      errno = ENOSYS;
      rc = -1;
  }
  va_end(va);
  return rc;
}
