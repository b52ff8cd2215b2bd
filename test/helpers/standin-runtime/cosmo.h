/* Stand-in for cosmocc's include/cosmo.h (cosmopolitan 4.0.2: libc/isystem/cosmo.h, which
   includes libc/cosmo.h). It declares only what the stand-in runtime provides, exactly as
   libc/cosmo.h declares it. */
#ifndef STANDIN_COSMO_COSMO_H_
#define STANDIN_COSMO_COSMO_H_
#include <time.h>

#ifdef __cplusplus
extern "C" {
#define _COSMO_ATOMIC(x) x
#else
#define _COSMO_ATOMIC(x) _Atomic(x)
#endif

/* Both return -errno on failure (errno untouched); wake returns the number of threads woken. */
int cosmo_futex_wake(_COSMO_ATOMIC(int) *, int, char);
int cosmo_futex_wait(_COSMO_ATOMIC(int) *, int, char, int, const struct timespec *);
char *GetProgramExecutableName(void);

#ifdef __cplusplus
}
#endif
#endif
