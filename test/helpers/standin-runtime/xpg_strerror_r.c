/* cosmo's __xpg_strerror_r returns its buffer as a char * (libc/fmt/__xpg_strerror_r.c), where
   glibc and musl return an int. A caller declaring it as returning int (Rust's libc crate)
   reads the low 32 bits of a pointer: negative whenever bit 31 of the address is set. */
#include <stddef.h> /* no <string.h>: it redirects strerror_r */

int strerror_r(int, char *, size_t); /* the XSI one, as cosmo's */

char *__xpg_strerror_r(int err, char *buf, size_t size) {
  strerror_r(err, buf, size);
  return buf;
}
