/*
 * ape-action test stand-in: forced into every C file the stand-in cosmocc compiles (-include),
 * so that C code sees cosmo 4.0.2's C ABI for the types where it differs from glibc's, as it
 * would under the real cosmocc (whose headers define one ABI for every OS and both arches):
 *   pthread_attr_t   64 bytes                      libc/thread/thread.h
 *   sigset_t         one uint64_t                  libc/calls/struct/sigset.h
 *   struct sigaction {handler, u64 flags, restorer, sigset_t mask}, 32 bytes
 *                                                  libc/calls/struct/sigaction.h
 *   struct utsname   six char[150]                 libc/calls/struct/utsname.h
 *   sem_t            a 256-byte union              libc/thread/semaphore.h
 *   struct statfs    Linux's fields, then f_owner and f_fstypename: 144 bytes
 *                                                  libc/calls/struct/statfs.h
 *   struct stat      x86_64 Linux's layout on both arches (aarch64 differs from glibc)
 *                                                  libc/calls/struct/stat.h
 * glibc's own definitions are included first under other names (the #defines below) and then
 * replaced. Only the types change: a C file that calls these functions through this stand-in
 * still gets glibc's prototypes (the Rust side links by symbol name and is not affected).
 * cosmo's headers expose the GNU extensions without feature macros, hence _GNU_SOURCE.
 */
#if !defined(APE_STANDIN_ABI_H) && !defined(__ASSEMBLER__)
#define APE_STANDIN_ABI_H
/* defined for glibc's features.h only, and taken back below, so that a file that defines it
   itself (as most do, with any value) gets no redefinition warning */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#define APE_STANDIN_DEFINED_GNU_SOURCE
#endif

#define pthread_attr_t ape_glibc_pthread_attr_t
#define sigset_t ape_glibc_sigset_t
#define sigaction ape_glibc_sigaction
#define utsname ape_glibc_utsname
#define sem_t ape_glibc_sem_t
#define statfs ape_glibc_statfs
#ifdef __aarch64__
#define stat ape_glibc_stat
#endif
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#ifdef __aarch64__
/* (on x86_64 glibc's struct stat already is cosmo's layout: nothing to replace) */
#include <sys/stat.h>
#endif
#include <sys/statfs.h>
#include <sys/utsname.h>
#undef pthread_attr_t
#undef sigset_t
#undef sigaction
#undef utsname
#undef sem_t
#undef statfs
#undef stat
/* glibc spells these members as macros into its own union; cosmo's struct has them plainly */
#undef sa_handler
#undef sa_sigaction

#include <stdint.h>
#ifdef APE_STANDIN_DEFINED_GNU_SOURCE
#undef _GNU_SOURCE
#undef APE_STANDIN_DEFINED_GNU_SOURCE
#endif

typedef struct {
  uint64_t __ape_opaque[8];
} pthread_attr_t;

typedef uint64_t sigset_t;

struct sigaction {
  union {
    void (*sa_handler)(int);
    void (*sa_sigaction)(int, siginfo_t *, void *);
  };
  uint64_t sa_flags;
  void (*sa_restorer)(void);
  sigset_t sa_mask;
};

struct utsname {
  char sysname[150];
  char nodename[150];
  char release[150];
  char version[150];
  char machine[150];
  char domainname[150];
};

typedef union {
  void *__ape_space[32];
} sem_t;

struct statfs {
  int64_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
  fsid_t f_fsid;
  int64_t f_namelen, f_frsize, f_flags, f_spare[4];
  uint32_t f_owner;
  char f_fstypename[16];
};

#ifdef __aarch64__
/* on x86_64 glibc's struct stat already is this layout */
struct stat {
  uint64_t st_dev, st_ino, st_nlink;
  uint32_t st_mode, st_uid, st_gid, st_flags;
  uint64_t st_rdev;
  int64_t st_size, st_blksize, st_blocks;
  struct timespec st_atim, st_mtim, st_ctim, st_birthtim;
  uint64_t st_gen;
};
#endif
#endif
