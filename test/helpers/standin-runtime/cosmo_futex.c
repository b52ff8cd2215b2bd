/* cosmo_futex_wait / cosmo_futex_wake (declared in libc/cosmo.h, implemented in
   libc/intrin/cosmo_futex.c) as cosmo 4.0.2 runs them on a Linux that has FUTEX_WAIT_BITSET
   (cosmo probes for it once and uses it with absolute deadlines; every Linux since 2.6.29 has it):
   - both return -errno on failure and leave errno as it was; wait returns 0 when woken (or on a
     spurious wake-up), wake returns how many threads the kernel woke;
   - wait: an absolute time <= 0 is -ETIMEDOUT before anything else, then *w != expect is
     -EAGAIN without a system call, then the kernel's ETIMEDOUT, EINTR, EAGAIN or EINVAL;
   - pshare == PTHREAD_PROCESS_PRIVATE (0) adds FUTEX_PRIVATE_FLAG, any other value is shared;
   - clock CLOCK_REALTIME or CLOCK_REALTIME_COARSE adds FUTEX_CLOCK_REALTIME, any other clock
     waits on the kernel's monotonic clock (cosmo passes the deadline through unconverted). */
#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include "standin.h"

#define COSMO_PTHREAD_PROCESS_PRIVATE 0

static int deadline_has_passed(const struct timespec *abs) {
  return abs->tv_sec < 0 || (abs->tv_sec == 0 && abs->tv_nsec <= 0);
}

static int wait_op(char pshare, int clock) {
  int op = FUTEX_WAIT_BITSET;
  if (pshare == COSMO_PTHREAD_PROCESS_PRIVATE) op |= FUTEX_PRIVATE_FLAG;
  if (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE) op |= FUTEX_CLOCK_REALTIME;
  return op;
}

int cosmo_futex_wait(atomic_int *w, int expect, char pshare, int clock,
                     const struct timespec *abs) {
  if (abs && deadline_has_passed(abs)) return -ETIMEDOUT;
  if (atomic_load_explicit(w, memory_order_acquire) != expect) return -EAGAIN;
  long rc = __standin_linux_syscall(SYS_futex, (long)w, wait_op(pshare, clock), expect,
                                    (long)abs, 0, (long)FUTEX_BITSET_MATCH_ANY);
  return rc < 0 ? (int)rc : 0;
}

int cosmo_futex_wake(atomic_int *w, int count, char pshare) {
  int op = FUTEX_WAKE;
  if (pshare == COSMO_PTHREAD_PROCESS_PRIVATE) op |= FUTEX_PRIVATE_FLAG;
  return (int)__standin_linux_syscall(SYS_futex, (long)w, op, count, 0, 0, 0);
}
