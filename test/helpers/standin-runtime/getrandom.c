/* cosmo's getrandom (libc/calls/getrandom.c; flags from libc/sysv/consts/grnd.h): a null buffer
   with a length is EFAULT, flags other than GRND_NONBLOCK (1) and GRND_RANDOM (2) are EINVAL
   (Linux's GRND_INSECURE, 4, included), and on Linux the rest is the getrandom system call. */
#include <errno.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include "standin.h"

enum { COSMO_GRND_NONBLOCK = 1, COSMO_GRND_RANDOM = 2 };

ssize_t getrandom(void *buf, size_t len, unsigned flags) {
  if (!buf && len) {
    errno = EFAULT;
    return -1;
  }
  if (flags & ~(unsigned)(COSMO_GRND_NONBLOCK | COSMO_GRND_RANDOM)) {
    errno = EINVAL;
    return -1;
  }
  long rc = __standin_linux_syscall(SYS_getrandom, (long)buf, (long)len, flags, 0, 0, 0);
  if (rc < 0) {
    errno = (int)-rc;
    return -1;
  }
  return rc;
}
