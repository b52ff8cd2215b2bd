/*
 * Shared declarations of the stand-in cosmo runtime (see cosmo-runtime.c for what it is and why).
 * Layouts here are cosmopolitan 4.0.2's, written from its headers; glibc's own types keep their
 * glibc names, so every conversion reads as "glibc -> cosmo" or "cosmo -> glibc".
 */
#ifndef STANDIN_COSMO_H_
#define STANDIN_COSMO_H_

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* libc/calls/struct/stat.h: one layout on every arch (x86_64 Linux's offsets), 144 bytes. */
struct cosmo_stat {
  uint64_t st_dev;      /* 0 */
  uint64_t st_ino;      /* 8 */
  uint64_t st_nlink;    /* 16 */
  uint32_t st_mode;     /* 24 */
  uint32_t st_uid;      /* 28 */
  uint32_t st_gid;      /* 32 */
  uint32_t st_flags;    /* 36 */
  uint64_t st_rdev;     /* 40 */
  int64_t st_size;      /* 48 */
  int64_t st_blksize;   /* 56 */
  int64_t st_blocks;    /* 64 */
  struct timespec st_atim;     /* 72 */
  struct timespec st_mtim;     /* 88 */
  struct timespec st_ctim;     /* 104 */
  struct timespec st_birthtim; /* 120 */
  uint64_t st_gen;             /* 136 */
};
_Static_assert(sizeof(struct cosmo_stat) == 144, "cosmo 4.0.2 struct stat is 144 bytes");
_Static_assert(offsetof(struct cosmo_stat, st_mode) == 24, "cosmo st_mode sits at 24");

/* libc/calls/struct/sigset.h and libc/calls/struct/sigaction.h: a 64-bit sigset_t, 32 bytes. */
typedef uint64_t cosmo_sigset_t;
struct cosmo_sigaction { /* field names without sa_: glibc's headers define sa_handler as a macro */
  void *handler;          /* sa_handler / sa_sigaction */
  uint64_t flags;         /* sa_flags */
  void (*restorer)(void); /* sa_restorer */
  cosmo_sigset_t mask;    /* sa_mask */
};
_Static_assert(sizeof(struct cosmo_sigaction) == 32, "cosmo 4.0.2 struct sigaction is 32 bytes");

/* libc/thread/thread.h: pthread_attr_t is 64 bytes (glibc x86_64 and musl: 56). */
#define COSMO_PTHREAD_ATTR_SIZE 64
#define GLIBC_PTHREAD_ATTR_USED 56
/* What the stand-in writes into bytes 56..63 so that losing them is detectable (cosmo writes
   its __sigaltstackaddr there; the value differs on purpose, see pthread_attr.c). */
#define STANDIN_ATTR_CANARY 0x6f6d736f632d3634ull /* "64-cosmo" little endian */

/* The raw Linux system call, bypassing `syscall`, which this runtime replaces with cosmo's.
   Returns the kernel's value: a result, or -errno. */
long __standin_linux_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* Prints "stand-in cosmo: <message>" to stderr and aborts: a broken contract, loudly. */
_Noreturn void __standin_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
