/**
 * The shims, as C text: one `__ape_shim_<name>` per libc function whose arguments or results
 * carry a translated value, with the libc function's own signature. The generated libc crate
 * links Rust's declaration of `<name>` here (a link name only Rust uses), so cosmo's own internal
 * calls never pass through a shim. Each translates Linux -> host on the way in, calls cosmo, and
 * host -> Linux on the way out; a value the host has no equivalent for is refused with Linux's
 * EINVAL rather than passed on with a Linux meaning.
 *
 * `APE_LINUX_<NAME>` are the Linux values the tables were generated from (tables.ts).
 */

/** Every function a shim serves, by area; the libc crate's declarations of these are redirected. */
export const SHIMMED_FUNCTIONS = {
  errno: ['__errno_location', 'strerror_r'],
  files: ['open', 'openat', 'fcntl', 'pipe2', 'flock', 'linkat', 'unlinkat', 'fstatat',
    'faccessat', 'utimensat', 'futimens', 'mkdirat', 'renameat', 'symlinkat', 'readlinkat',
    'fchmodat', 'fchownat', 'ioctl'],
  memory: ['mmap', 'madvise'],
  net: ['socket', 'socketpair', 'accept', 'accept4', 'bind', 'connect', 'getsockname',
    'getpeername', 'setsockopt', 'getsockopt', 'send', 'sendto', 'recv', 'recvfrom', 'sendmsg',
    'recvmsg', 'poll', 'getaddrinfo'],
  signals: ['sigaction', 'signal', 'sigaddset', 'sigdelset', 'sigismember', 'kill', 'raise',
    'pthread_kill', 'pthread_sigmask', 'sigprocmask', 'sigaltstack'],
  time: ['clock_gettime', 'clock_getres', 'clock_nanosleep'],
  process: ['waitpid', 'getrlimit', 'setrlimit']
} as const; // prettier-ignore

export const SHIM_PREFIX = '__ape_shim_';

const HELPERS = `
/* ---- helpers ---- */

/* Translate or refuse: \`return\` from the shim with EINVAL when the host has no such value. */
#define APE_ENUM_IN(domain, value, out) \\
  do { long ape_v_; if (ape_enum_to_host(&ape_##domain, (long)(value), &ape_v_)) return APE_REFUSE(); (out) = ape_v_; } while (0)
#define APE_FLAGS_IN(domain, value, out) \\
  do { long ape_v_; if (ape_flags_to_host(&ape_##domain, (long)(value), &ape_v_)) return APE_REFUSE(); (out) = ape_v_; } while (0)

static long ape_enum_out(const struct ape_domain *d, long host) {
  long linux_value;
  return ape_enum_to_linux(d, host, &linux_value) == 0 ? linux_value : host;
}

/* AT_FDCWD is -100 on Linux, -2 on XNU; real descriptors are the same everywhere. */
static int ape_dirfd(int fd) {
  long host;
  return fd < 0 && ape_enum_to_host(&ape_at_fd, fd, &host) == 0 ? (int)host : fd;
}

/* open flags: the access mode (low two bits) is the same everywhere, the rest is translated. */
static int ape_open_flags_in(long linux_flags, long *out) {
  long rest;
  if (ape_flags_to_host(&ape_open_flags, linux_flags & ~3L, &rest)) return -1;
  *out = (linux_flags & 3L) | rest;
  return 0;
}

static long ape_open_flags_out(long host_flags) {
  return (host_flags & 3L) | ape_flags_to_linux(&ape_open_flags, host_flags & ~3L);
}
`;

const FILES = `
/* ---- files ---- */

int ${SHIM_PREFIX}open(const char *path, int flags, ...) {
  long host;
  unsigned mode;
  va_list va;
  va_start(va, flags);
  mode = va_arg(va, unsigned); /* read like musl does: an unused register if not passed */
  va_end(va);
  if (ape_open_flags_in(flags, &host)) return APE_REFUSE();
  return open(path, (int)host, mode);
}

int ${SHIM_PREFIX}openat(int dirfd, const char *path, int flags, ...) {
  long host;
  unsigned mode;
  va_list va;
  va_start(va, flags);
  mode = va_arg(va, unsigned);
  va_end(va);
  if (ape_open_flags_in(flags, &host)) return APE_REFUSE();
  return openat(ape_dirfd(dirfd), path, (int)host, mode);
}

int ${SHIM_PREFIX}pipe2(int fds[2], int flags) {
  long host;
  if (ape_open_flags_in(flags, &host)) return APE_REFUSE();
  return pipe2(fds, (int)host);
}

static int ape_fcntl_lock(int fd, int command, struct flock *lock) {
  struct flock copy = *lock;
  long host_type;
  int rc;
  APE_ENUM_IN(lock_type, lock->l_type, host_type);
  copy.l_type = (short)host_type;
  rc = fcntl(fd, command, &copy);
  if (rc == 0) {
    *lock = copy;
    lock->l_type = (short)ape_enum_out(&ape_lock_type, copy.l_type);
  }
  return rc;
}

int ${SHIM_PREFIX}fcntl(int fd, int linux_command, ...) {
  long command, arg, host;
  int rc;
  va_list va;
  va_start(va, linux_command);
  arg = va_arg(va, long);
  va_end(va);
  APE_ENUM_IN(fcntl_cmd, linux_command, command);
  if (linux_command == APE_LINUX_F_GETLK || linux_command == APE_LINUX_F_SETLK ||
      linux_command == APE_LINUX_F_SETLKW) {
    return ape_fcntl_lock(fd, (int)command, (struct flock *)arg);
  }
  if (linux_command == APE_LINUX_F_SETFL) {
    if (ape_open_flags_in(arg, &host)) return APE_REFUSE();
    arg = host;
  }
  rc = fcntl(fd, (int)command, arg);
  if (rc != -1 && linux_command == APE_LINUX_F_GETFL) rc = (int)ape_open_flags_out(rc);
  return rc;
}

int ${SHIM_PREFIX}flock(int fd, int operation) {
  long host;
  APE_FLAGS_IN(flock_op, operation, host);
  return flock(fd, (int)host);
}

int ${SHIM_PREFIX}linkat(int olddirfd, const char *old, int newdirfd, const char *new_path,
                         int flags) {
  long host;
  APE_FLAGS_IN(at_link, flags, host);
  return linkat(ape_dirfd(olddirfd), old, ape_dirfd(newdirfd), new_path, (int)host);
}

int ${SHIM_PREFIX}unlinkat(int dirfd, const char *path, int flags) {
  long host;
  APE_FLAGS_IN(at_unlink, flags, host);
  return unlinkat(ape_dirfd(dirfd), path, (int)host);
}

int ${SHIM_PREFIX}fstatat(int dirfd, const char *path, struct stat *st, int flags) {
  long host;
  APE_FLAGS_IN(at_stat, flags, host);
  return fstatat(ape_dirfd(dirfd), path, st, (int)host);
}

int ${SHIM_PREFIX}faccessat(int dirfd, const char *path, int mode, int flags) {
  long host;
  APE_FLAGS_IN(at_access, flags, host);
  return faccessat(ape_dirfd(dirfd), path, mode, (int)host);
}

/* UTIME_NOW and UTIME_OMIT are tv_nsec values that differ per host. */
static void ape_times_in(const struct timespec *times, struct timespec copy[2]) {
  long host;
  int i;
  for (i = 0; i < 2; ++i) {
    copy[i] = times[i];
    if (ape_enum_to_host(&ape_utime_special, times[i].tv_nsec, &host) == 0) copy[i].tv_nsec = host;
  }
}

int ${SHIM_PREFIX}utimensat(int dirfd, const char *path, const struct timespec times[2],
                            int flags) {
  struct timespec copy[2];
  long host;
  APE_FLAGS_IN(at_nofollow, flags, host);
  if (times) ape_times_in(times, copy);
  return utimensat(ape_dirfd(dirfd), path, times ? copy : 0, (int)host);
}

int ${SHIM_PREFIX}futimens(int fd, const struct timespec times[2]) {
  struct timespec copy[2];
  if (times) ape_times_in(times, copy);
  return futimens(fd, times ? copy : 0);
}

int ${SHIM_PREFIX}mkdirat(int dirfd, const char *path, mode_t mode) {
  return mkdirat(ape_dirfd(dirfd), path, mode);
}

int ${SHIM_PREFIX}renameat(int olddirfd, const char *old, int newdirfd, const char *new_path) {
  return renameat(ape_dirfd(olddirfd), old, ape_dirfd(newdirfd), new_path);
}

int ${SHIM_PREFIX}symlinkat(const char *target, int dirfd, const char *path) {
  return symlinkat(target, ape_dirfd(dirfd), path);
}

ssize_t ${SHIM_PREFIX}readlinkat(int dirfd, const char *path, char *buffer, size_t size) {
  return readlinkat(ape_dirfd(dirfd), path, buffer, size);
}

int ${SHIM_PREFIX}fchmodat(int dirfd, const char *path, mode_t mode, int flags) {
  long host;
  APE_FLAGS_IN(at_nofollow, flags, host);
  return fchmodat(ape_dirfd(dirfd), path, mode, (int)host);
}

int ${SHIM_PREFIX}fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags) {
  long host;
  APE_FLAGS_IN(at_stat, flags, host);
  return fchownat(ape_dirfd(dirfd), path, uid, gid, (int)host);
}

/* The libc crate declares the request as c_int for musl. Requests the table does not name are
   passed on unchanged: an ioctl is device-specific and may well mean the same on the host. */
int ${SHIM_PREFIX}ioctl(int fd, int request, ...) {
  long host;
  void *arg;
  va_list va;
  va_start(va, request);
  arg = va_arg(va, void *);
  va_end(va);
  if (ape_enum_to_host(&ape_ioctl, (long)(unsigned)request, &host)) host = (unsigned)request;
  return ioctl(fd, (unsigned long)host, arg);
}
`;

const MEMORY = `
/* ---- memory ---- */

void *${SHIM_PREFIX}mmap(void *address, size_t length, int prot, int flags, int fd, off_t offset) {
  long host;
  if (ape_flags_to_host(&ape_map_flags, flags, &host)) {
    APE_REFUSE();
    return MAP_FAILED;
  }
  return mmap(address, length, prot, (int)host, fd, offset);
}

int ${SHIM_PREFIX}madvise(void *address, size_t length, int advice) {
  long host;
  APE_ENUM_IN(madvise, advice, host);
  return madvise(address, length, (int)host);
}
`;

const NET = `
/* ---- sockets ---- */

/* SOCK_* types sit in the low four bits on Linux, SOCK_NONBLOCK/SOCK_CLOEXEC above them. */
static int ape_socket_type_in(int linux_type, long *out) {
  long type, flags;
  if (ape_enum_to_host(&ape_sock_type, linux_type & 0xf, &type)) return -1;
  if (ape_flags_to_host(&ape_sock_flags, linux_type & ~0xf, &flags)) return -1;
  *out = type | flags;
  return 0;
}

int ${SHIM_PREFIX}socket(int domain, int type, int protocol) {
  long host_domain, host_type;
  APE_ENUM_IN(family, domain, host_domain);
  if (ape_socket_type_in(type, &host_type)) return APE_REFUSE();
  return socket((int)host_domain, (int)host_type, protocol);
}

int ${SHIM_PREFIX}socketpair(int domain, int type, int protocol, int fds[2]) {
  long host_domain, host_type;
  APE_ENUM_IN(family, domain, host_domain);
  if (ape_socket_type_in(type, &host_type)) return APE_REFUSE();
  return socketpair((int)host_domain, (int)host_type, protocol, fds);
}

/* cosmo gives C Linux-shaped sockaddrs (a 16-bit family first) but the family value is the
   host's: a copy with the family translated goes in, the family comes back translated. */
static const struct sockaddr *ape_address_in(const struct sockaddr *address, socklen_t length,
                                             struct sockaddr_storage *copy) {
  long host;
  if (!address || length < sizeof(address->sa_family)) return address;
  if (length > sizeof(*copy)) length = sizeof(*copy);
  memcpy(copy, address, length);
  if (ape_enum_to_host(&ape_family, address->sa_family, &host)) return 0;
  ((struct sockaddr *)copy)->sa_family = (unsigned short)host;
  return (const struct sockaddr *)copy;
}

static void ape_address_out(struct sockaddr *address, const socklen_t *length) {
  if (!address || !length || *length < sizeof(address->sa_family)) return;
  address->sa_family = (unsigned short)ape_enum_out(&ape_family, address->sa_family);
}

int ${SHIM_PREFIX}bind(int fd, const struct sockaddr *address, socklen_t length) {
  struct sockaddr_storage copy;
  const struct sockaddr *host = ape_address_in(address, length, &copy);
  if (address && !host) return APE_REFUSE();
  return bind(fd, host, length);
}

int ${SHIM_PREFIX}connect(int fd, const struct sockaddr *address, socklen_t length) {
  struct sockaddr_storage copy;
  const struct sockaddr *host = ape_address_in(address, length, &copy);
  if (address && !host) return APE_REFUSE();
  return connect(fd, host, length);
}

int ${SHIM_PREFIX}accept(int fd, struct sockaddr *address, socklen_t *length) {
  int rc = accept(fd, address, length);
  if (rc >= 0) ape_address_out(address, length);
  return rc;
}

int ${SHIM_PREFIX}accept4(int fd, struct sockaddr *address, socklen_t *length, int flags) {
  long host;
  int rc;
  APE_FLAGS_IN(sock_flags, flags, host);
  rc = accept4(fd, address, length, (int)host);
  if (rc >= 0) ape_address_out(address, length);
  return rc;
}

int ${SHIM_PREFIX}getsockname(int fd, struct sockaddr *address, socklen_t *length) {
  int rc = getsockname(fd, address, length);
  if (rc == 0) ape_address_out(address, length);
  return rc;
}

int ${SHIM_PREFIX}getpeername(int fd, struct sockaddr *address, socklen_t *length) {
  int rc = getpeername(fd, address, length);
  if (rc == 0) ape_address_out(address, length);
  return rc;
}

/* A socket option: its level, then its name in that level's table. ENOPROTOOPT, as Linux says,
   for a level or option the host does not have. */
static int ape_option_in(int level, int name, int *host_level, int *host_name) {
  const struct ape_domain *names;
  long value;
  if (level == APE_LINUX_SOL_SOCKET) names = &ape_so_option;
  else if (level == APE_LINUX_IPPROTO_TCP) names = &ape_tcp_option;
  else if (level == APE_LINUX_IPPROTO_IP) names = &ape_ip_option;
  else if (level == APE_LINUX_IPPROTO_IPV6) names = &ape_ipv6_option;
  else return -1;
  if (ape_enum_to_host(&ape_sock_level, level, &value)) return -1;
  *host_level = (int)value;
  if (ape_enum_to_host(names, name, &value)) return -1;
  *host_name = (int)value;
  return 0;
}

int ${SHIM_PREFIX}setsockopt(int fd, int level, int name, const void *value, socklen_t length) {
  int host_level, host_name;
  if (ape_option_in(level, name, &host_level, &host_name)) return ape_fail(APE_LINUX_ENOPROTOOPT);
  return setsockopt(fd, host_level, host_name, value, length);
}

int ${SHIM_PREFIX}getsockopt(int fd, int level, int name, void *value, socklen_t *length) {
  int host_level, host_name, rc;
  if (ape_option_in(level, name, &host_level, &host_name)) return ape_fail(APE_LINUX_ENOPROTOOPT);
  rc = getsockopt(fd, host_level, host_name, value, length);
  if (rc != 0 || !value || !length || *length < sizeof(int) || level != APE_LINUX_SOL_SOCKET) return rc;
  /* the two options whose payload is itself a translated value */
  if (name == APE_LINUX_SO_ERROR) *(int *)value = __ape_shim_errno_to_linux(*(int *)value);
  if (name == APE_LINUX_SO_TYPE) *(int *)value = (int)ape_enum_out(&ape_sock_type, *(int *)value);
  return rc;
}

ssize_t ${SHIM_PREFIX}send(int fd, const void *buffer, size_t length, int flags) {
  long host;
  APE_FLAGS_IN(msg_flags, flags, host);
  return send(fd, buffer, length, (int)host);
}

ssize_t ${SHIM_PREFIX}sendto(int fd, const void *buffer, size_t length, int flags,
                             const struct sockaddr *address, socklen_t address_length) {
  struct sockaddr_storage copy;
  const struct sockaddr *host_address = ape_address_in(address, address_length, &copy);
  long host;
  APE_FLAGS_IN(msg_flags, flags, host);
  if (address && !host_address) return APE_REFUSE();
  return sendto(fd, buffer, length, (int)host, host_address, address_length);
}

ssize_t ${SHIM_PREFIX}recv(int fd, void *buffer, size_t length, int flags) {
  long host;
  APE_FLAGS_IN(msg_flags, flags, host);
  return recv(fd, buffer, length, (int)host);
}

ssize_t ${SHIM_PREFIX}recvfrom(int fd, void *buffer, size_t length, int flags,
                               struct sockaddr *address, socklen_t *address_length) {
  long host;
  ssize_t rc;
  APE_FLAGS_IN(msg_flags, flags, host);
  rc = recvfrom(fd, buffer, length, (int)host, address, address_length);
  if (rc >= 0) ape_address_out(address, address_length);
  return rc;
}

/* Control messages carry a level (SOL_SOCKET is 1 on Linux, 0xffff on XNU and the BSDs). */
static void ape_control_levels(struct msghdr *message, int to_host) {
  struct cmsghdr *header;
  long value;
  if (!message->msg_control || message->msg_controllen < sizeof(struct cmsghdr)) return;
  for (header = CMSG_FIRSTHDR(message); header; header = CMSG_NXTHDR(message, header)) {
    if (to_host ? ape_enum_to_host(&ape_sock_level, header->cmsg_level, &value) == 0
                : ape_enum_to_linux(&ape_sock_level, header->cmsg_level, &value) == 0) {
      header->cmsg_level = (int)value;
    }
  }
}

ssize_t ${SHIM_PREFIX}sendmsg(int fd, const struct msghdr *message, int flags) {
  struct msghdr copy = *message;
  struct sockaddr_storage address;
  long host;
  ssize_t rc;
  APE_FLAGS_IN(msg_flags, flags, host);
  copy.msg_name = (void *)ape_address_in(message->msg_name, message->msg_namelen, &address);
  if (message->msg_name && !copy.msg_name) return APE_REFUSE();
  ape_control_levels(&copy, 1);
  rc = sendmsg(fd, &copy, (int)host);
  ape_control_levels(&copy, 0); /* the caller's buffer, as it was */
  return rc;
}

ssize_t ${SHIM_PREFIX}recvmsg(int fd, struct msghdr *message, int flags) {
  long host;
  ssize_t rc;
  APE_FLAGS_IN(msg_flags, flags, host);
  rc = recvmsg(fd, message, (int)host);
  if (rc < 0) return rc;
  ape_address_out(message->msg_name, &message->msg_namelen);
  ape_control_levels(message, 0);
  message->msg_flags = (int)ape_flags_to_linux(&ape_msg_flags, message->msg_flags);
  return rc;
}

/* events go in translated, revents come back translated, and the caller's events are put back
   (kept aside meanwhile: poll writes every revents). */
int ${SHIM_PREFIX}poll(struct pollfd *fds, nfds_t count, int timeout) {
  short kept[64], *linux_events = count <= 64 ? kept : malloc(count * sizeof(short));
  long host;
  nfds_t i;
  int rc = -1;
  if (!linux_events) return ape_fail(APE_LINUX_ENOMEM);
  for (i = 0; i < count; ++i) linux_events[i] = fds[i].events;
  for (i = 0; i < count; ++i) {
    if (ape_flags_to_host(&ape_poll_events, linux_events[i], &host)) break;
    fds[i].events = (short)host;
  }
  if (i == count) rc = poll(fds, count, timeout);
  else APE_REFUSE();
  for (i = 0; i < count; ++i) {
    if (rc > 0) fds[i].revents = (short)ape_flags_to_linux(&ape_poll_events, fds[i].revents);
    fds[i].events = linux_events[i];
  }
  if (linux_events != kept) free(linux_events);
  return rc;
}

int ${SHIM_PREFIX}getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                              struct addrinfo **result) {
  struct addrinfo copy, *entry;
  long value;
  int rc;
  if (hints) {
    copy = *hints;
    if (ape_enum_to_host(&ape_family, hints->ai_family, &value)) return EAI_FAMILY;
    copy.ai_family = (int)value;
    if (hints->ai_socktype) {
      if (ape_socket_type_in(hints->ai_socktype, &value)) return EAI_SOCKTYPE;
      copy.ai_socktype = (int)value;
    }
  }
  rc = getaddrinfo(node, service, hints ? &copy : 0, result);
  if (rc != 0) return rc;
  for (entry = *result; entry; entry = entry->ai_next) {
    entry->ai_family = (int)ape_enum_out(&ape_family, entry->ai_family);
    entry->ai_socktype = (int)ape_enum_out(&ape_sock_type, entry->ai_socktype);
    ape_address_out(entry->ai_addr, &entry->ai_addrlen);
  }
  return 0;
}
`;

const SIGNALS = `
/* ---- signals ---- */

#define APE_MAX_SIGNAL 64
typedef void (*ape_handler)(int, siginfo_t *, void *);

/* The handlers Rust installed, by Linux signal number, and the Linux flags it asked for. */
static ape_handler _Atomic ape_handlers[APE_MAX_SIGNAL + 1];
static long _Atomic ape_handler_flags[APE_MAX_SIGNAL + 1];

static int ape_signal_in(int linux_signal, long *host) {
  if (linux_signal <= 0 || linux_signal > APE_MAX_SIGNAL) return -1;
  return ape_enum_to_host(&ape_signal, linux_signal, host);
}

/* Every handler Rust installs runs behind this: the host's signal number becomes Linux's. */
static void ape_signal_trampoline(int host_signal, siginfo_t *info, void *context) {
  int saved = errno;
  long linux_signal;
  ape_handler handler;
  if (ape_enum_to_linux(&ape_signal, host_signal, &linux_signal) == 0 && linux_signal > 0 &&
      linux_signal <= APE_MAX_SIGNAL) {
    handler = ape_handlers[linux_signal];
    if (handler) handler((int)linux_signal, info, context);
  }
  errno = saved;
}

static int ape_is_user_handler(void (*handler)(int)) {
  return handler != SIG_DFL && handler != SIG_IGN && handler != SIG_ERR;
}

int ${SHIM_PREFIX}sigaction(int linux_signal, const struct sigaction *action,
                            struct sigaction *old) {
  struct sigaction copy, previous;
  ape_handler previous_handler;
  long host_signal, flags, previous_flags;
  int rc;
  if (ape_signal_in(linux_signal, &host_signal)) return APE_REFUSE();
  previous_handler = ape_handlers[linux_signal];
  previous_flags = ape_handler_flags[linux_signal];
  if (action) {
    copy = *action;
    APE_FLAGS_IN(sa_flags, action->sa_flags, flags);
    copy.sa_flags = flags;
    if (ape_is_user_handler(action->sa_handler)) {
      ape_handlers[linux_signal] = (ape_handler)action->sa_sigaction;
      ape_handler_flags[linux_signal] = action->sa_flags;
      copy.sa_sigaction = ape_signal_trampoline;
      copy.sa_flags |= SA_SIGINFO;
    }
  }
  rc = sigaction((int)host_signal, action ? &copy : 0, &previous);
  if (rc != 0 || !old) return rc;
  *old = previous;
  if (previous.sa_sigaction == ape_signal_trampoline) {
    old->sa_sigaction = previous_handler;
    old->sa_flags = previous_flags;
  } else {
    old->sa_flags = ape_flags_to_linux(&ape_sa_flags, previous.sa_flags);
  }
  return rc;
}

typedef void (*ape_plain_handler)(int);

ape_plain_handler ${SHIM_PREFIX}signal(int linux_signal, ape_plain_handler handler) {
  ape_handler previous_handler;
  ape_plain_handler previous;
  long host_signal;
  if (ape_signal_in(linux_signal, &host_signal)) {
    APE_REFUSE();
    return SIG_ERR;
  }
  previous_handler = ape_handlers[linux_signal];
  if (ape_is_user_handler(handler)) {
    ape_handlers[linux_signal] = (ape_handler)(void *)handler;
    previous = signal((int)host_signal, (ape_plain_handler)(void *)ape_signal_trampoline);
  } else {
    previous = signal((int)host_signal, handler);
  }
  if (previous == (ape_plain_handler)(void *)ape_signal_trampoline) {
    return (ape_plain_handler)(void *)previous_handler;
  }
  return previous;
}

#define APE_SIGSET_SHIM(name)                                      \\
  int ${SHIM_PREFIX}##name(sigset_t *set, int linux_signal) {      \\
    long host;                                                     \\
    if (ape_signal_in(linux_signal, &host)) return APE_REFUSE();   \\
    return name(set, (int)host);                                   \\
  }
APE_SIGSET_SHIM(sigaddset)
APE_SIGSET_SHIM(sigdelset)

int ${SHIM_PREFIX}sigismember(const sigset_t *set, int linux_signal) {
  long host;
  if (ape_signal_in(linux_signal, &host)) return APE_REFUSE();
  return sigismember(set, (int)host);
}

/* Signal 0 only checks that the target exists: the same on every host. */
static int ape_kill_signal_in(int linux_signal, long *host) {
  if (linux_signal == 0) {
    *host = 0;
    return 0;
  }
  return ape_signal_in(linux_signal, host);
}

int ${SHIM_PREFIX}kill(pid_t pid, int linux_signal) {
  long host;
  if (ape_kill_signal_in(linux_signal, &host)) return APE_REFUSE();
  return kill(pid, (int)host);
}

int ${SHIM_PREFIX}raise(int linux_signal) {
  long host;
  if (ape_kill_signal_in(linux_signal, &host)) return APE_REFUSE();
  return raise((int)host);
}

/* pthread_kill and pthread_sigmask return the error number instead of setting errno. */
int ${SHIM_PREFIX}pthread_kill(pthread_t thread, int linux_signal) {
  long host;
  if (ape_kill_signal_in(linux_signal, &host)) return APE_LINUX_EINVAL;
  return __ape_shim_errno_to_linux(pthread_kill(thread, (int)host));
}

int ${SHIM_PREFIX}pthread_sigmask(int how, const sigset_t *set, sigset_t *old) {
  long host;
  if (set && ape_enum_to_host(&ape_sigmask_how, how, &host)) return APE_LINUX_EINVAL;
  return __ape_shim_errno_to_linux(pthread_sigmask(set ? (int)host : 0, set, old));
}

int ${SHIM_PREFIX}sigprocmask(int how, const sigset_t *set, sigset_t *old) {
  long host = 0;
  if (set) APE_ENUM_IN(sigmask_how, how, host);
  return sigprocmask((int)host, set, old);
}

int ${SHIM_PREFIX}sigaltstack(const stack_t *stack, stack_t *old) {
  stack_t copy;
  long flags;
  int rc;
  if (stack) {
    copy = *stack;
    APE_FLAGS_IN(ss_flags, stack->ss_flags, flags);
    copy.ss_flags = (int)flags;
  }
  rc = sigaltstack(stack ? &copy : 0, old);
  if (rc == 0 && old) old->ss_flags = (int)ape_flags_to_linux(&ape_ss_flags, old->ss_flags);
  return rc;
}
`;

const TIME_AND_PROCESS = `
/* ---- time ---- */

int ${SHIM_PREFIX}clock_gettime(clockid_t clock, struct timespec *ts) {
  long host;
  APE_ENUM_IN(clock, clock, host);
  return clock_gettime((clockid_t)host, ts);
}

int ${SHIM_PREFIX}clock_getres(clockid_t clock, struct timespec *ts) {
  long host;
  APE_ENUM_IN(clock, clock, host);
  return clock_getres((clockid_t)host, ts);
}

/* clock_nanosleep returns the error number itself. */
int ${SHIM_PREFIX}clock_nanosleep(clockid_t clock, int flags, const struct timespec *request,
                                  struct timespec *remain) {
  long host_clock, host_flags;
  if (ape_enum_to_host(&ape_clock, clock, &host_clock) ||
      ape_flags_to_host(&ape_timer_flags, flags, &host_flags)) {
    return APE_LINUX_EINVAL;
  }
  return __ape_shim_errno_to_linux(
      clock_nanosleep((clockid_t)host_clock, (int)host_flags, request, remain));
}

/* ---- processes ---- */

/* A wait status carries a signal number: in the low seven bits when a signal ended the child,
   in bits 8-15 (low bits 0x7f) when one stopped it. */
static int ape_status_out(int status) {
  long linux_signal;
  int low = status & 0x7f;
  if (low == 0) return status;
  if (low == 0x7f) {
    if (ape_enum_to_linux(&ape_signal, (status >> 8) & 0xff, &linux_signal)) return status;
    return (status & ~0xff00) | ((int)linux_signal << 8);
  }
  if (ape_enum_to_linux(&ape_signal, low, &linux_signal)) return status;
  return (status & ~0x7f) | (int)linux_signal;
}

/* The resource is translated (RLIMIT_NOFILE is 7 on Linux, 8 on XNU and the BSDs). The limits
   themselves pass as they are: Linux's RLIM_INFINITY (all ones) is not translated to the 2^63-1
   XNU and the BSDs use, so an unlimited value set there is the host's largest finite one. */
int ${SHIM_PREFIX}getrlimit(int resource, struct rlimit *limit) {
  long host;
  APE_ENUM_IN(rlimit_resource, resource, host);
  return getrlimit((int)host, limit);
}

int ${SHIM_PREFIX}setrlimit(int resource, const struct rlimit *limit) {
  long host;
  APE_ENUM_IN(rlimit_resource, resource, host);
  return setrlimit((int)host, limit);
}

pid_t ${SHIM_PREFIX}waitpid(pid_t pid, int *status, int options) {
  long host;
  pid_t rc;
  APE_FLAGS_IN(wait_options, options, host);
  rc = waitpid(pid, status, (int)host);
  if (rc > 0 && status) *status = ape_status_out(*status);
  return rc;
}
`;

export const C_SHIMS = [HELPERS, FILES, MEMORY, NET, SIGNALS, TIME_AND_PROCESS].join('\n');

export const C_INCLUDES = `#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <cosmo.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
`;
