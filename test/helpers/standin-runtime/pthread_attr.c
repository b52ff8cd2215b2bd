/* cosmo's pthread_attr_t is 64 bytes (libc/thread/thread.h); glibc's x86_64 one and musl's (the
   layout Rust's libc crate declares for a musl-like target) are 56. cosmo's pthread_attr_init
   (libc/thread/pthread_attr_init.c) and pthread_getattr_np (libc/thread/pthread_getattr_np.c)
   store all 64 bytes and pthread_attr_destroy (libc/thread/pthread_attr_destroy.c) fills all 64
   with 0xff: with a 56-byte object, 8 bytes of whatever lies next to it are overwritten.

   These wrappers (linked with -Wl,--wrap=NAME; glibc's own calls keep glibc's) let glibc keep
   its state in bytes 0..55, write a canary into bytes 56..63 where cosmo writes its
   __sigaltstackaddr, and check the canary on every later call that takes the object; destroy
   then fills all 64 bytes with 0xff, as cosmo does.

   How reliable the check is: a caller whose object really has 64 bytes never trips it (nothing
   else owns bytes 56..63), and a 56-byte caller is reported as soon as anything writes the 8
   bytes after its object between the writing call and a later call on it (in Rust's std the
   neighbour is typically another local of the same frame: the pthread_t that pthread_create
   fills, a pointer, a saved register). If nothing writes there in between, the check cannot
   see it; the overwrite itself still happens, as under cosmo, and so does destroy's 0xff fill. */
#include <pthread.h>
#include <string.h>
#include "standin.h"

int __real_pthread_attr_init(pthread_attr_t *);
int __real_pthread_getattr_np(pthread_t, pthread_attr_t *);
int __real_pthread_attr_destroy(pthread_attr_t *);
int __real_pthread_attr_getguardsize(const pthread_attr_t *, size_t *);
int __real_pthread_attr_getstack(const pthread_attr_t *, void **, size_t *);
int __real_pthread_attr_getstacksize(const pthread_attr_t *, size_t *);
int __real_pthread_attr_setstacksize(pthread_attr_t *, size_t);
int __real_pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

static void write_canary(void *attr) {
  const unsigned long long canary = STANDIN_ATTR_CANARY;
  memcpy((char *)attr + GLIBC_PTHREAD_ATTR_USED, &canary, sizeof(canary));
}

static void check_canary(const void *attr, const char *caller) {
  const unsigned long long canary = STANDIN_ATTR_CANARY;
  if (memcmp((const char *)attr + GLIBC_PTHREAD_ATTR_USED, &canary, sizeof(canary)) != 0)
    __standin_die("%s: the pthread_attr_t at %p lost its bytes 56..63 (written by "
                  "pthread_attr_init or pthread_getattr_np): cosmo's pthread_attr_t is 64 bytes "
                  "(libc/thread/thread.h), this object is smaller",
                  caller, attr);
}

int __wrap_pthread_attr_init(pthread_attr_t *attr) {
  int rc = __real_pthread_attr_init(attr);
  write_canary(attr);
  return rc;
}

int __wrap_pthread_getattr_np(pthread_t thread, pthread_attr_t *attr) {
  int rc = __real_pthread_getattr_np(thread, attr);
  if (rc == 0) write_canary(attr);
  return rc;
}

int __wrap_pthread_attr_destroy(pthread_attr_t *attr) {
  check_canary(attr, "pthread_attr_destroy");
  int rc = __real_pthread_attr_destroy(attr);
  memset(attr, 0xff, COSMO_PTHREAD_ATTR_SIZE);
  return rc;
}

int __wrap_pthread_attr_getguardsize(const pthread_attr_t *attr, size_t *size) {
  check_canary(attr, "pthread_attr_getguardsize");
  return __real_pthread_attr_getguardsize(attr, size);
}

int __wrap_pthread_attr_getstack(const pthread_attr_t *attr, void **addr, size_t *size) {
  check_canary(attr, "pthread_attr_getstack");
  return __real_pthread_attr_getstack(attr, addr, size);
}

int __wrap_pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size) {
  check_canary(attr, "pthread_attr_getstacksize");
  return __real_pthread_attr_getstacksize(attr, size);
}

int __wrap_pthread_attr_setstacksize(pthread_attr_t *attr, size_t size) {
  check_canary(attr, "pthread_attr_setstacksize");
  return __real_pthread_attr_setstacksize(attr, size);
}

int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                          void *(*start)(void *), void *arg) {
  if (attr) check_canary(attr, "pthread_create");
  return __real_pthread_create(thread, attr, start, arg);
}
