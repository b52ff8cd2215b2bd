/**
 * The C core every shim translates with (as text): generic Linux <-> host lookups over the
 * generated tables (tables.ts), and errno kept in Linux's numbering for Rust.
 *
 * errno: Rust reads and writes errno through `__errno_location`, which the generated libc (and
 * std's own declaration) link to `__ape_shim___errno_location`. It hands out a thread-local
 * Linux-numbered copy. A host errno is translated into it only when C wrote errno since Rust last
 * looked: after every look the host errno is parked on a marker no function produces, so any
 * other value means "a call failed since" (comparing values instead would miss a call failing
 * with the errno the host already held). Shims that fail on their own set the copy directly.
 */

export const ERRNO_LOCATION_SHIM = '__ape_shim___errno_location';

/** The table descriptor, which the generated tables instantiate. */
export const C_TYPES = `
enum { APE_ENUM, APE_FLAGS };

struct ape_domain {
  const char *name;
  int kind;
  int count;
  const long *linux_values;
  const unsigned char *droppable;
  void (*read_host)(long *host);
  long unsupported_marker;
  int overlap;
};
`;

/** The lookups and errno; after the tables (it uses ape_errno). */
export const C_RUNTIME = `
/* cosmo's "this host has no such thing": -1 (0xffffffff in an unsigned), 0 for a name whose
   Linux value is not 0, or a domain's own marker (127 for some clocks and madvise advice). */
static int ape_unsupported(const struct ape_domain *d, long linux_value, long host) {
  if ((int)host == -1) return 1;
  if (host == 0 && linux_value != 0) return 1;
  return d->unsupported_marker != 0 && host == d->unsupported_marker;
}

/* One Linux value to the host's: 0 and *out, or -1 when this host has none (or it is unknown). */
static int ape_enum_to_host(const struct ape_domain *d, long linux_value, long *out) {
  long host[APE_TABLE_MAX];
  int i;
  d->read_host(host);
  for (i = 0; i < d->count; ++i) {
    if (d->linux_values[i] != linux_value) continue;
    if (ape_unsupported(d, linux_value, host[i])) return -1;
    *out = host[i];
    return 0;
  }
  return -1;
}

/* One host value to Linux's: 0 and *out, or -1 when no name has it. */
static int ape_enum_to_linux(const struct ape_domain *d, long host_value, long *out) {
  long host[APE_TABLE_MAX];
  int i;
  d->read_host(host);
  for (i = 0; i < d->count; ++i) {
    if (ape_unsupported(d, d->linux_values[i], host[i]) || host[i] != host_value) continue;
    *out = d->linux_values[i];
    return 0;
  }
  return -1;
}

/* Flag sets are 32-bit masks on both sides (Rust's c_int, cosmo's unsigned or 8-byte symbols
   read as such): SA_RESETHAND is -2147483648 as a c_int and 0x80000000 zero-extended. */
#define APE_MASK32(value) ((long)((unsigned long)(value) & 0xffffffffUL))

/* A Linux bit set to the host's, widest names first. -1 when a bit no name explains is set, or a
   name this host lacks and that is not a droppable hint. */
static int ape_flags_to_host(const struct ape_domain *d, long linux_bits, long *out) {
  long host[APE_TABLE_MAX];
  long rest = APE_MASK32(linux_bits), result = 0;
  int i;
  d->read_host(host);
  for (i = 0; i < d->count; ++i) {
    long bits = APE_MASK32(d->linux_values[i]);
    if (bits == 0 || (rest & bits) != bits) continue;
    rest &= ~bits;
    if (ape_unsupported(d, bits, host[i])) {
      if (d->droppable[i]) continue;
      return -1;
    }
    result |= APE_MASK32(host[i]);
  }
  if (rest != 0) return -1;
  *out = result;
  return 0;
}

/* A host bit set back to Linux's; host bits no name explains are left out. */
static long ape_flags_to_linux(const struct ape_domain *d, long host_bits) {
  long host[APE_TABLE_MAX];
  long result = 0;
  int i;
  d->read_host(host);
  host_bits = APE_MASK32(host_bits);
  for (i = 0; i < d->count; ++i) {
    long bits = APE_MASK32(host[i]);
    if (ape_unsupported(d, d->linux_values[i], host[i]) || bits == 0) continue;
    if (d->overlap ? (host_bits & bits) != 0 : (host_bits & bits) == bits) {
      result |= APE_MASK32(d->linux_values[i]);
    }
  }
  return result;
}

/* ---- errno ---- */

#define APE_ERRNO_PARKED 0x5e7a0bad

static _Thread_local int ape_linux_errno_copy;

/* Host errno to Linux's; a host-only errno (no Linux name) is passed on as it is. */
int __ape_shim_errno_to_linux(int host) {
  long linux_value;
  if (host == 0) return 0;
  return ape_enum_to_linux(&ape_errno, host, &linux_value) == 0 ? (int)linux_value : host;
}

static int ape_errno_to_host(int linux_errno) {
  long host;
  if (linux_errno == 0) return 0;
  return ape_enum_to_host(&ape_errno, linux_errno, &host) == 0 ? (int)host : linux_errno;
}

int *${ERRNO_LOCATION_SHIM}(void) {
  int host = errno;
  if (host != APE_ERRNO_PARKED) ape_linux_errno_copy = __ape_shim_errno_to_linux(host);
  errno = APE_ERRNO_PARKED;
  return &ape_linux_errno_copy;
}

/* A shim's own failure, already in Linux's numbering: -1 and that errno for Rust. */
static long ape_fail(int linux_errno) {
  ape_linux_errno_copy = linux_errno;
  errno = APE_ERRNO_PARKED;
  return -1;
}

/* A failure cosmo reported in the host's numbering (as a return value, not in errno). */
static long ape_fail_host(int host_errno) {
  errno = host_errno;
  return -1;
}

/* A value the host cannot take: EINVAL, as Linux says to a flag or id it does not know. */
#define APE_REFUSE() ape_fail(APE_LINUX_EINVAL)

/* cosmo's strerror_r is the XSI one (returns an errno value; libc/str/str.h). Declared here under
   its symbol, so a header that declares the GNU variant under _GNU_SOURCE cannot change the call. */
int ape_xsi_strerror_r(int, char *, size_t) __asm__("strerror_r");

/* std (through a rewritten link name) and the libc crate ask for messages with Linux numbers;
   cosmo's strerror_r takes the host's. */
int __ape_shim_strerror_r(int linux_errno, char *buffer, size_t size) {
  int rc = ape_xsi_strerror_r(ape_errno_to_host(linux_errno), buffer, size);
  return rc == 0 ? 0 : __ape_shim_errno_to_linux(rc);
}
`;
