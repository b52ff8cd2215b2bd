/* cosmo's strerror_r is the XSI one (libc/intrin/strerror_r.c): it returns an errno_t, 0 or
   ERANGE, and always leaves a NUL-terminated (possibly truncated) message in the buffer:
   "No error information" for 0, "Error <n>" for a number it has no text for. Like cosmo's, it
   says ERANGE when the message and its NUL fill the buffer exactly.
   No <string.h> here: glibc's header redirects strerror_r to other symbol names. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

const char *strerrordesc_np(int); /* glibc's message table, standing in for cosmo's */

int strerror_r(int err, char *buf, size_t size) {
  char unknown[32];
  const char *msg = err ? strerrordesc_np(err) : "No error information";
  if (!msg) {
    snprintf(unknown, sizeof(unknown), "Error %d", err);
    msg = unknown;
  }
  char *p = buf, *end = buf + size;
  while (*msg && p + 1 < end) *p++ = *msg++;
  if (p < end) *p++ = 0;
  return p < end ? 0 : ERANGE;
}
