/* cosmo's struct sigaction is {handler, uint64_t sa_flags, restorer, sigset_t sa_mask} with a
   one-uint64_t sigset_t, 32 bytes (libc/calls/struct/sigaction.h, libc/calls/struct/sigset.h);
   musl's and glibc's put a 128-byte mask before an int sa_flags. This wrapper (linked with
   -Wl,--wrap=sigaction) reads and writes cosmo's layout and hands glibc its own, so a caller
   that fills musl's layout loses its flags (they land in the mask) as it would under cosmo.
   As on Linux under cosmo, the old action reports the kernel's flags (SA_RESTORER included). */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include "standin.h"

int __real_sigaction(int, const struct sigaction *, struct sigaction *);

static void cosmo_to_glibc(const struct cosmo_sigaction *c, struct sigaction *g) {
  memset(g, 0, sizeof(*g));
  g->sa_handler = (void (*)(int))c->handler;
  g->sa_flags = (int)(uint32_t)c->flags;
  /* Both number signal n as bit n-1 of the first 64-bit word. */
  memcpy(&g->sa_mask, &c->mask, sizeof(c->mask));
}

static void glibc_to_cosmo(const struct sigaction *g, struct cosmo_sigaction *c) {
  struct cosmo_sigaction out = {0};
  out.handler = (void *)g->sa_handler;
  out.flags = (uint32_t)g->sa_flags;
  out.restorer = g->sa_restorer;
  memcpy(&out.mask, &g->sa_mask, sizeof(out.mask));
  memcpy(c, &out, sizeof(out));
}

int __wrap_sigaction(int sig, const struct cosmo_sigaction *act, struct cosmo_sigaction *old) {
  struct sigaction new_glibc, old_glibc;
  if (act) cosmo_to_glibc(act, &new_glibc);
  int rc = __real_sigaction(sig, act ? &new_glibc : NULL, old ? &old_glibc : NULL);
  if (rc == 0 && old) glibc_to_cosmo(&old_glibc, old);
  return rc;
}
