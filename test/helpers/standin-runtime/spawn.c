/* cosmo's posix_spawnattr_t and posix_spawn_file_actions_t are pointers to objects that the
   init functions allocate (libc/proc/posix_spawn.h: `typedef struct _posix_spawna
   *posix_spawnattr_t;`), 8 bytes where glibc's are 336 and 80: a caller's object only has to
   hold the pointer. Here the pointer is to a glibc object on the heap, and every function
   that takes one is interposed with --wrap; sets are cosmo's 8-byte sigset_t (sigset.c). */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>

void standin_sigset_to_glibc(sigset_t *glibc, const uint64_t *cosmo);
void standin_sigset_from_glibc(uint64_t *cosmo, const sigset_t *glibc);

#define ATTR(cosmo) (*(posix_spawnattr_t **)(cosmo))
#define ACTIONS(cosmo) (*(posix_spawn_file_actions_t **)(cosmo))

int __real_posix_spawnattr_init(posix_spawnattr_t *);
int __wrap_posix_spawnattr_init(void *cosmo) {
  posix_spawnattr_t *attr = malloc(sizeof(*attr));
  if (!attr) return ENOMEM;
  int rc = __real_posix_spawnattr_init(attr);
  if (rc) free(attr);
  else ATTR(cosmo) = attr;
  return rc;
}

int __real_posix_spawnattr_destroy(posix_spawnattr_t *);
int __wrap_posix_spawnattr_destroy(void *cosmo) {
  int rc = __real_posix_spawnattr_destroy(ATTR(cosmo));
  free(ATTR(cosmo));
  ATTR(cosmo) = NULL;
  return rc;
}

int __real_posix_spawnattr_setflags(posix_spawnattr_t *, short);
int __wrap_posix_spawnattr_setflags(void *cosmo, short flags) {
  return __real_posix_spawnattr_setflags(ATTR(cosmo), flags);
}

int __real_posix_spawnattr_getflags(const posix_spawnattr_t *, short *);
int __wrap_posix_spawnattr_getflags(const void *cosmo, short *flags) {
  return __real_posix_spawnattr_getflags(ATTR(cosmo), flags);
}

int __real_posix_spawnattr_setpgroup(posix_spawnattr_t *, pid_t);
int __wrap_posix_spawnattr_setpgroup(void *cosmo, pid_t pgroup) {
  return __real_posix_spawnattr_setpgroup(ATTR(cosmo), pgroup);
}

int __real_posix_spawnattr_setsigdefault(posix_spawnattr_t *, const sigset_t *);
int __wrap_posix_spawnattr_setsigdefault(void *cosmo, const uint64_t *set) {
  sigset_t glibc;
  standin_sigset_to_glibc(&glibc, set);
  return __real_posix_spawnattr_setsigdefault(ATTR(cosmo), &glibc);
}

int __real_posix_spawnattr_setsigmask(posix_spawnattr_t *, const sigset_t *);
int __wrap_posix_spawnattr_setsigmask(void *cosmo, const uint64_t *set) {
  sigset_t glibc;
  standin_sigset_to_glibc(&glibc, set);
  return __real_posix_spawnattr_setsigmask(ATTR(cosmo), &glibc);
}

int __real_posix_spawnattr_getsigmask(const posix_spawnattr_t *, sigset_t *);
int __wrap_posix_spawnattr_getsigmask(const void *cosmo, uint64_t *set) {
  sigset_t glibc;
  int rc = __real_posix_spawnattr_getsigmask(ATTR(cosmo), &glibc);
  if (rc == 0) standin_sigset_from_glibc(set, &glibc);
  return rc;
}

int __real_posix_spawn_file_actions_init(posix_spawn_file_actions_t *);
int __wrap_posix_spawn_file_actions_init(void *cosmo) {
  posix_spawn_file_actions_t *actions = malloc(sizeof(*actions));
  if (!actions) return ENOMEM;
  int rc = __real_posix_spawn_file_actions_init(actions);
  if (rc) free(actions);
  else ACTIONS(cosmo) = actions;
  return rc;
}

int __real_posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *);
int __wrap_posix_spawn_file_actions_destroy(void *cosmo) {
  int rc = __real_posix_spawn_file_actions_destroy(ACTIONS(cosmo));
  free(ACTIONS(cosmo));
  ACTIONS(cosmo) = NULL;
  return rc;
}

int __real_posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *, int, int);
int __wrap_posix_spawn_file_actions_adddup2(void *cosmo, int fd, int newfd) {
  return __real_posix_spawn_file_actions_adddup2(ACTIONS(cosmo), fd, newfd);
}

int __real_posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *, int);
int __wrap_posix_spawn_file_actions_addclose(void *cosmo, int fd) {
  return __real_posix_spawn_file_actions_addclose(ACTIONS(cosmo), fd);
}

int __real_posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *, const char *);
int __wrap_posix_spawn_file_actions_addchdir_np(void *cosmo, const char *dir) {
  return __real_posix_spawn_file_actions_addchdir_np(ACTIONS(cosmo), dir);
}

int __real_posix_spawnp(pid_t *, const char *, const posix_spawn_file_actions_t *,
                        const posix_spawnattr_t *, char *const[], char *const[]);
int __wrap_posix_spawnp(pid_t *pid, const char *file, const void *actions, const void *attr,
                        char *const argv[], char *const envp[]) {
  return __real_posix_spawnp(pid, file, actions ? ACTIONS(actions) : NULL,
                             attr ? ATTR(attr) : NULL, argv, envp);
}

int __real_posix_spawn(pid_t *, const char *, const posix_spawn_file_actions_t *,
                       const posix_spawnattr_t *, char *const[], char *const[]);
int __wrap_posix_spawn(pid_t *pid, const char *path, const void *actions, const void *attr,
                       char *const argv[], char *const envp[]) {
  return __real_posix_spawn(pid, path, actions ? ACTIONS(actions) : NULL,
                            attr ? ATTR(attr) : NULL, argv, envp);
}
