/* cosmo's GetProgramExecutableName (libc/calls/getprogramexecutablename.greg.c, declared in
   libc/cosmo.h): the path of the running program, which cosmo finds on every OS (an APE started
   through its loader has the loader as /proc/self/exe). Here, on Linux, /proc/self/exe is it. */
#include <limits.h>
#include <unistd.h>

char *GetProgramExecutableName(void) {
  static char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  path[n > 0 ? n : 0] = 0;
  return path;
}
