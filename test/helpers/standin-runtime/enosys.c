/* cosmo's enosys (libc/sysv/errfuns/enosys.S): fails with ENOSYS. The action points std's
   waitid, which cosmo does not have, at it. */
#include <errno.h>

long enosys(void) {
  errno = ENOSYS;
  return -1;
}
