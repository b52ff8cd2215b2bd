/* The probe's C half, compiled by cc-rs with the target's C compiler (cosmocc's in an APE). */
#include <stddef.h>
#include <stdio.h>

/* FNV-1a over `len` bytes: the Rust side computes the same sum over what it expects. */
static unsigned fnv1a(const char *bytes, size_t len) {
  unsigned hash = 2166136261u;
  for (size_t i = 0; i < len; i++) {
    hash ^= (unsigned char)bytes[i];
    hash *= 16777619u;
  }
  return hash;
}

/*
 * Formats `name`, `n` (decimal and hex), `x` and a 64-bit product into `out` with snprintf, and
 * returns the FNV-1a sum of what it wrote. Varargs with a string, ints, a double and a long long
 * cover the calling-convention cases that differ between C ABIs.
 */
unsigned probe_ffi_format(char *out, size_t cap, const char *name, int n, double x) {
  int len = snprintf(out, cap, "%s|%d|%x|%.3f|%lld", name, n, (unsigned)n, x,
                     (long long)n * 1000000007LL);
  if (len < 0 || (size_t)len >= cap) return 0;
  return fnv1a(out, (size_t)len);
}

/*
 * The path of the running program as the C runtime knows it, or NULL. Under cosmo, an APE started
 * through its loader has the loader as /proc/self/exe (and macOS, Windows and the BSDs have no
 * /proc), so std's current_exe() cannot find the program; cosmo's runtime can
 * (libc/calls/getprogramexecutablename.greg.c). cosmocc defines __COSMOPOLITAN__.
 */
#ifdef __COSMOPOLITAN__
char *GetProgramExecutableName(void);
const char *probe_program_path(void) { return GetProgramExecutableName(); }
#else
const char *probe_program_path(void) { return NULL; }
#endif
