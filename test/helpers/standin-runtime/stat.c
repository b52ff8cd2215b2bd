/* cosmo's struct stat (libc/calls/struct/stat.h) has x86_64 Linux's offsets on every arch: 144
   bytes, st_mode at 24. On aarch64, musl's and glibc's have the kernel's generic layout: 128
   bytes, st_mode at 16. These wrappers (linked with -Wl,--wrap=NAME, aarch64 only: on x86_64
   glibc's layout already has cosmo's offsets) fill cosmo's layout the way __stat2cosmo does
   for Linux (libc/calls/stat2cosmo.c), writing all 144 bytes on success and nothing on failure:
   a caller with musl's layout gets 16 bytes overwritten and reads st_nlink as st_mode. */
#ifdef __aarch64__
#include <string.h>
#include <sys/stat.h>
#include "standin.h"

int __real_stat(const char *, struct stat *);
int __real_lstat(const char *, struct stat *);
int __real_fstat(int, struct stat *);
int __real_fstatat(int, const char *, struct stat *, int);

static struct timespec earliest_birth(const struct stat *g) {
  struct timespec birth = g->st_ctim;
  if (g->st_atim.tv_sec < g->st_ctim.tv_sec) birth = g->st_atim;
  if (g->st_mtim.tv_sec < g->st_ctim.tv_sec) birth = g->st_mtim;
  return birth;
}

static int to_cosmo(int rc, const struct stat *g, struct cosmo_stat *c) {
  if (rc != 0) return rc;
  struct cosmo_stat out = {
      .st_dev = g->st_dev,
      .st_ino = g->st_ino,
      .st_nlink = g->st_nlink,
      .st_mode = g->st_mode,
      .st_uid = g->st_uid,
      .st_gid = g->st_gid,
      .st_rdev = g->st_rdev,
      .st_size = g->st_size,
      .st_blksize = g->st_blksize,
      .st_blocks = g->st_blocks,
      .st_atim = g->st_atim,
      .st_mtim = g->st_mtim,
      .st_ctim = g->st_ctim,
      .st_birthtim = earliest_birth(g),
  };
  memcpy(c, &out, sizeof(out));
  return 0;
}

int __wrap_stat(const char *path, struct cosmo_stat *st) {
  struct stat g;
  if (!st) return __real_stat(path, NULL);
  return to_cosmo(__real_stat(path, &g), &g, st);
}

int __wrap_lstat(const char *path, struct cosmo_stat *st) {
  struct stat g;
  if (!st) return __real_lstat(path, NULL);
  return to_cosmo(__real_lstat(path, &g), &g, st);
}

int __wrap_fstat(int fd, struct cosmo_stat *st) {
  struct stat g;
  if (!st) return __real_fstat(fd, NULL);
  return to_cosmo(__real_fstat(fd, &g), &g, st);
}

int __wrap_fstatat(int dirfd, const char *path, struct cosmo_stat *st, int flags) {
  struct stat g;
  if (!st) return __real_fstatat(dirfd, path, NULL, flags);
  return to_cosmo(__real_fstatat(dirfd, path, &g, flags), &g, st);
}
#endif
