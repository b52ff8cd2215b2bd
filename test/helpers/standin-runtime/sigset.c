/* cosmo's sigset_t is one uint64_t, bit n-1 for signal n (libc/calls/struct/sigset.h; 8 bytes,
   against glibc's 128). The set functions and the calls that take a set (pthread_sigmask,
   sigprocmask; the posix_spawnattr ones are in spawn.c) read and write 8 bytes, converted to and
   from glibc's set, whose first word has the same bits. Interposed with --wrap. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

void standin_sigset_to_glibc(sigset_t *glibc, const uint64_t *cosmo) {
  memset(glibc, 0, sizeof(*glibc));
  memcpy(glibc, cosmo, sizeof(*cosmo));
}

void standin_sigset_from_glibc(uint64_t *cosmo, const sigset_t *glibc) {
  memcpy(cosmo, glibc, sizeof(*cosmo));
}

static int bad_signal(int sig) {
  if (sig >= 1 && sig <= 64) return 0;
  errno = EINVAL;
  return 1;
}

int __wrap_sigemptyset(uint64_t *set) {
  *set = 0;
  return 0;
}

int __wrap_sigfillset(uint64_t *set) {
  *set = ~(uint64_t)0;
  return 0;
}

int __wrap_sigaddset(uint64_t *set, int sig) {
  if (bad_signal(sig)) return -1;
  *set |= (uint64_t)1 << (sig - 1);
  return 0;
}

int __wrap_sigdelset(uint64_t *set, int sig) {
  if (bad_signal(sig)) return -1;
  *set &= ~((uint64_t)1 << (sig - 1));
  return 0;
}

int __wrap_sigismember(const uint64_t *set, int sig) {
  if (bad_signal(sig)) return -1;
  return (int)((*set >> (sig - 1)) & 1);
}

int __real_pthread_sigmask(int, const sigset_t *, sigset_t *);
int __wrap_pthread_sigmask(int how, const uint64_t *set, uint64_t *old) {
  sigset_t in, out;
  if (set) standin_sigset_to_glibc(&in, set);
  int rc = __real_pthread_sigmask(how, set ? &in : NULL, old ? &out : NULL);
  if (rc == 0 && old) standin_sigset_from_glibc(old, &out);
  return rc;
}

int __real_sigprocmask(int, const sigset_t *, sigset_t *);
int __wrap_sigprocmask(int how, const uint64_t *set, uint64_t *old) {
  sigset_t in, out;
  if (set) standin_sigset_to_glibc(&in, set);
  int rc = __real_sigprocmask(how, set ? &in : NULL, old ? &out : NULL);
  if (rc == 0 && old) standin_sigset_from_glibc(old, &out);
  return rc;
}
