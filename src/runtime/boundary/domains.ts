/**
 * What the boundary translation translates: the value domains (groups of named constants) whose
 * numbers differ between Linux, which Rust's `libc` bakes into every binary, and the host, whose
 * numbers cosmo resolves at start-up (FACTS: "Real cosmo 4.0.2 versus what Rust's std assumes",
 * item 4). Only *names* live here. Both numbers are read at build time: the Linux value from the
 * `libc` source in use (linux-abi.ts), the host value from cosmo's own symbol or literal of the
 * same name, as cosmocc's headers declare it (cosmo-headers.ts); a name the generator cannot pair
 * fails the build unless a domain lists it under `unpaired` with the reason.
 *
 * Kinds:
 * - `enum`: one value maps to one value (signal numbers, clock ids, socket options);
 * - `flags`: a bit set, translated name by name; a bit no name explains is refused with EINVAL,
 *   never passed on with its Linux meaning;
 * - `errno`: like enum, from the host to Linux (errno is translated on read).
 * - `identity`: cosmo takes these as compile-time literals equal to Linux's; the generator proves
 *   that (a toolchain where one differs fails the build), and the functions that take only such
 *   values are called directly.
 */

export type DomainKind = 'enum' | 'flags' | 'errno' | 'identity';

export interface Domain {
  /** The C identifier part of the table (`ape_<id>`). */
  id: string;
  kind: DomainKind;
  /** The names, as both libc and cosmo spell them. */
  names: readonly string[];
  /**
   * Names that are hints a host may lack without changing what the call means: when the host has
   * no value for them they are dropped instead of failing the call. Each with its reason.
   */
  droppable?: Readonly<Record<string, string>>;
  /**
   * Names one of the two sides does not define, so they are not translated: a Linux value of
   * theirs is refused (flags: EINVAL; enum: the domain's `refusal`). Each with its reason.
   */
  unpaired?: Readonly<Record<string, string>>;
  /**
   * Linux names cosmo spells differently (the RFC 3493 names cosmo uses for the same options).
   */
  cosmoNames?: Readonly<Record<string, string>>;
  /**
   * A host value that means "this host has no such thing", beyond cosmo's usual -1 and (for a name
   * whose Linux value is not 0) 0. cosmo's table uses 127 for some madvise advice and clocks.
   */
  unsupportedMarker?: number;
  /**
   * How a host bit set is read back into Linux names: `exact` needs all of a name's host bits
   * (open flags, where XNU's O_SYNC is one bit), `overlap` any of them (poll events: Windows'
   * POLLIN is POLLRDNORM|POLLRDBAND, and a host that reports one of them reports readability).
   */
  readBack?: 'exact' | 'overlap';
}

const hint = (why: string) => why;

export const DOMAINS: readonly Domain[] = [
  {
    id: 'open_flags',
    kind: 'flags',
    // O_SYNC (0x101000 on Linux) contains O_DSYNC's bit: names are matched widest first
    names: ['O_APPEND', 'O_CREAT', 'O_EXCL', 'O_TRUNC', 'O_DIRECTORY', 'O_NOFOLLOW', 'O_NONBLOCK',
      'O_CLOEXEC', 'O_SYNC', 'O_DSYNC', 'O_NOCTTY', 'O_DIRECT', 'O_NOATIME', 'O_PATH', 'O_ASYNC',
      'O_LARGEFILE'],
    droppable: {
      O_LARGEFILE: hint('every cosmo file offset is 64-bit; 0 on every host but Linux'),
      O_NOATIME: hint('an access-time optimisation; only Linux has it')
    }
  },
  { id: 'fcntl_cmd', kind: 'enum', names: ['F_DUPFD', 'F_GETFD', 'F_SETFD', 'F_GETFL', 'F_SETFL',
      'F_GETLK', 'F_SETLK', 'F_SETLKW', 'F_DUPFD_CLOEXEC', 'F_SETOWN', 'F_GETOWN'] },
  // The *at flags share bits on Linux (AT_REMOVEDIR and AT_EACCESS are both 0x200), so each
  // function family gets the names it may be given.
  { id: 'at_unlink', kind: 'flags', names: ['AT_REMOVEDIR'] },
  { id: 'at_link', kind: 'flags', names: ['AT_SYMLINK_FOLLOW', 'AT_EMPTY_PATH'] },
  {
    id: 'at_stat',
    kind: 'flags',
    names: ['AT_SYMLINK_NOFOLLOW', 'AT_EMPTY_PATH', 'AT_NO_AUTOMOUNT'],
    droppable: { AT_NO_AUTOMOUNT: hint('only Linux automounts on stat') }
  },
  { id: 'at_access', kind: 'flags', names: ['AT_EACCESS', 'AT_SYMLINK_NOFOLLOW'] },
  { id: 'at_nofollow', kind: 'flags', names: ['AT_SYMLINK_NOFOLLOW'] },
  { id: 'at_fd', kind: 'enum', names: ['AT_FDCWD'] },
  { id: 'lock_type', kind: 'enum', names: ['F_RDLCK', 'F_WRLCK', 'F_UNLCK'] },
  { id: 'flock_op', kind: 'flags', names: ['LOCK_SH', 'LOCK_EX', 'LOCK_NB', 'LOCK_UN'] },
  { id: 'utime_special', kind: 'enum', names: ['UTIME_NOW', 'UTIME_OMIT'] },
  {
    id: 'map_flags',
    kind: 'flags',
    names: ['MAP_SHARED', 'MAP_PRIVATE', 'MAP_FIXED', 'MAP_ANONYMOUS', 'MAP_NORESERVE',
      'MAP_POPULATE', 'MAP_FIXED_NOREPLACE', 'MAP_STACK', 'MAP_GROWSDOWN', 'MAP_LOCKED',
      'MAP_HUGETLB'],
    droppable: {
      MAP_NORESERVE: hint('a commit-accounting hint; FreeBSD and OpenBSD have none'),
      MAP_POPULATE: hint('a prefault hint'),
      MAP_STACK: hint('a placement hint (std maps its signal stacks with it)'),
      MAP_GROWSDOWN: hint('a placement hint')
    },
    unpaired: {
      MAP_STACK: hint('cosmo 4.0.2 has no MAP_STACK: dropped, as a hint'),
      MAP_GROWSDOWN: hint('cosmo 4.0.2 has no MAP_GROWSDOWN: dropped, as a hint')
    }
  },
  {
    id: 'madvise',
    kind: 'enum',
    names: ['MADV_NORMAL', 'MADV_RANDOM', 'MADV_SEQUENTIAL', 'MADV_WILLNEED', 'MADV_DONTNEED',
      'MADV_FREE'],
    unsupportedMarker: 127
  },
  { id: 'family', kind: 'enum', names: ['AF_UNSPEC', 'AF_UNIX', 'AF_INET', 'AF_INET6'] },
  { id: 'sock_type', kind: 'enum', names: ['SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW',
      'SOCK_SEQPACKET'] },
  { id: 'sock_flags', kind: 'flags', names: ['SOCK_NONBLOCK', 'SOCK_CLOEXEC'] },
  { id: 'sock_level', kind: 'enum', names: ['SOL_SOCKET', 'IPPROTO_IP', 'IPPROTO_IPV6',
      'IPPROTO_TCP', 'IPPROTO_UDP'] },
  { id: 'so_option', kind: 'enum', names: ['SO_DEBUG', 'SO_REUSEADDR', 'SO_REUSEPORT',
      'SO_KEEPALIVE', 'SO_DONTROUTE', 'SO_BROADCAST', 'SO_LINGER', 'SO_OOBINLINE', 'SO_SNDBUF',
      'SO_RCVBUF', 'SO_RCVLOWAT', 'SO_SNDLOWAT', 'SO_RCVTIMEO', 'SO_SNDTIMEO', 'SO_ERROR', 'SO_TYPE',
      'SO_ACCEPTCONN'] },
  { id: 'tcp_option', kind: 'enum', names: ['TCP_NODELAY', 'TCP_MAXSEG', 'TCP_KEEPIDLE',
      'TCP_KEEPINTVL', 'TCP_KEEPCNT'] },
  { id: 'ip_option', kind: 'enum', names: ['IP_TOS', 'IP_TTL', 'IP_MULTICAST_IF',
      'IP_MULTICAST_TTL', 'IP_MULTICAST_LOOP', 'IP_ADD_MEMBERSHIP', 'IP_DROP_MEMBERSHIP'] },
  { id: 'ipv6_option', kind: 'enum', names: ['IPV6_UNICAST_HOPS', 'IPV6_MULTICAST_IF',
      'IPV6_MULTICAST_HOPS', 'IPV6_MULTICAST_LOOP', 'IPV6_ADD_MEMBERSHIP', 'IPV6_DROP_MEMBERSHIP',
      'IPV6_V6ONLY'],
    cosmoNames: { IPV6_ADD_MEMBERSHIP: 'IPV6_JOIN_GROUP', IPV6_DROP_MEMBERSHIP: 'IPV6_LEAVE_GROUP' } },
  {
    id: 'msg_flags',
    kind: 'flags',
    names: ['MSG_OOB', 'MSG_PEEK', 'MSG_DONTROUTE', 'MSG_CTRUNC', 'MSG_TRUNC', 'MSG_DONTWAIT',
      'MSG_EOR', 'MSG_WAITALL', 'MSG_NOSIGNAL', 'MSG_CMSG_CLOEXEC'],
    droppable: {
      MSG_CMSG_CLOEXEC: hint('received descriptors then lack close-on-exec on hosts without it')
    },
    unpaired: {
      MSG_EOR: hint('cosmo 4.0.2 has no MSG_EOR: refused with EINVAL'),
      MSG_CMSG_CLOEXEC: hint('cosmo 4.0.2 has no MSG_CMSG_CLOEXEC: dropped')
    }
  },
  {
    id: 'poll_events',
    kind: 'flags',
    names: ['POLLIN', 'POLLPRI', 'POLLOUT', 'POLLERR', 'POLLHUP', 'POLLNVAL', 'POLLRDNORM',
      'POLLRDBAND', 'POLLWRNORM', 'POLLWRBAND', 'POLLRDHUP'],
    droppable: { POLLRDHUP: hint('peer-closed is also reported as POLLHUP or a 0-byte read') },
    readBack: 'overlap'
  },
  {
    id: 'signal',
    kind: 'enum',
    names: ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE',
      'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT',
      'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU',
      'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS']
  },
  {
    id: 'sa_flags',
    kind: 'flags',
    names: ['SA_NOCLDSTOP', 'SA_NOCLDWAIT', 'SA_SIGINFO', 'SA_ONSTACK', 'SA_RESTART', 'SA_NODEFER',
      'SA_RESETHAND']
  },
  { id: 'sigmask_how', kind: 'enum', names: ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'] },
  { id: 'ss_flags', kind: 'flags', names: ['SS_ONSTACK', 'SS_DISABLE'] },
  {
    id: 'clock',
    kind: 'enum',
    names: ['CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_PROCESS_CPUTIME_ID',
      'CLOCK_THREAD_CPUTIME_ID', 'CLOCK_MONOTONIC_RAW', 'CLOCK_REALTIME_COARSE',
      'CLOCK_MONOTONIC_COARSE', 'CLOCK_BOOTTIME'],
    unsupportedMarker: 127
  },
  { id: 'timer_flags', kind: 'flags', names: ['TIMER_ABSTIME'] },
  {
    id: 'rlimit_resource',
    kind: 'enum',
    names: ['RLIMIT_CPU', 'RLIMIT_FSIZE', 'RLIMIT_DATA', 'RLIMIT_STACK', 'RLIMIT_CORE',
      'RLIMIT_RSS', 'RLIMIT_NPROC', 'RLIMIT_NOFILE', 'RLIMIT_MEMLOCK', 'RLIMIT_AS',
      'RLIMIT_LOCKS', 'RLIMIT_SIGPENDING', 'RLIMIT_MSGQUEUE', 'RLIMIT_NICE', 'RLIMIT_RTPRIO',
      'RLIMIT_RTTIME'],
    unsupportedMarker: 127
  },
  { id: 'wait_options', kind: 'flags', names: ['WNOHANG', 'WUNTRACED', 'WCONTINUED'] },
  { id: 'ioctl', kind: 'enum', names: ['FIONBIO', 'FIONREAD', 'FIOCLEX', 'FIONCLEX',
      'TIOCGWINSZ'] },
  // Values std passes to functions called directly (no shim): proven equal at build time.
  { id: 'prot', kind: 'identity', names: ['PROT_NONE', 'PROT_READ', 'PROT_WRITE', 'PROT_EXEC'] },
  { id: 'shutdown_how', kind: 'identity', names: ['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR'] },
  { id: 'fd_flags', kind: 'identity', names: ['FD_CLOEXEC'] },
  { id: 'sysconf', kind: 'identity', names: ['_SC_ARG_MAX', '_SC_CLK_TCK', '_SC_NGROUPS_MAX',
      '_SC_OPEN_MAX', '_SC_PAGESIZE', '_SC_GETPW_R_SIZE_MAX', '_SC_THREAD_STACK_MIN',
      '_SC_NPROCESSORS_ONLN', '_SC_HOST_NAME_MAX'] },
  { id: 'spawn_flags', kind: 'identity', names: ['POSIX_SPAWN_RESETIDS', 'POSIX_SPAWN_SETPGROUP',
      'POSIX_SPAWN_SETSIGDEF', 'POSIX_SPAWN_SETSIGMASK', 'POSIX_SPAWN_SETSID'] },
  { id: 'dirent_type', kind: 'identity', names: ['DT_UNKNOWN', 'DT_FIFO', 'DT_CHR', 'DT_DIR',
      'DT_BLK', 'DT_REG', 'DT_LNK', 'DT_SOCK'] }
]; // prettier-ignore

/**
 * errno's names are not listed: they are every `E*` name cosmo's errno.h declares, so an errno
 * new in either side is seen; each must have a Linux value or be listed below.
 */
export const ERRNO_DOMAIN_ID = 'errno';
/** The header whose `extern const errno_t E...;` names are cosmo's errnos. */
export const COSMO_ERRNO_HEADER = 'libc/errno.h';

/**
 * cosmo errnos Linux has no name for (XNU's and the BSDs' own). A host that reports one hands Rust
 * the host's number unchanged, which Rust maps to ErrorKind::Other-like kinds: there is no Linux
 * meaning to give it.
 */
export const HOST_ONLY_ERRNOS: Readonly<Record<string, string>> = Object.fromEntries(
  ['EFTYPE', 'EAUTH', 'EBADARCH', 'EBADEXEC', 'EBADMACHO', 'EBADRPC', 'EDEVERR', 'ENEEDAUTH',
    'ENOPOLICY', 'EPROCLIM', 'EPROCUNAVAIL', 'EPROGMISMATCH', 'EPROGUNAVAIL', 'EPWROFF',
    'ERPCMISMATCH', 'ESHLIBVERS'].map(name => [name, 'XNU/BSD only'])
); // prettier-ignore

/**
 * Where a host gives several errno names one value, the host's errno reads back as the first of
 * them in the table. These come first; the rest are in name order, which already picks the
 * POSIX name (EBADF over EBADFD on XNU, ENOMSG over ENOSR on OpenBSD, EDOM over ERESTART on
 * Windows).
 */
export const PREFERRED_ERRNOS: Readonly<Record<string, string>> = {
  ETIMEDOUT:
    'FreeBSD, OpenBSD and Windows give ETIME the value of ETIMEDOUT; a timeout must read as TimedOut'
};

export function domainById(id: string): Domain {
  const domain = DOMAINS.find(candidate => candidate.id === id);
  if (!domain) throw new Error(`no boundary domain ${id}`);
  return domain;
}
