/**
 * The libc names cosmopolitan 4.0.2 defines, as far as the programs this project builds need
 * them: the stand-in cosmocc (test/helpers/standin-cosmocc.mjs) refuses, at link time, an
 * undefined reference to any other name, as a link against the real libcosmo.a would fail.
 * Each name maps to the file of jart/cosmopolitan at tag 4.0.2 that defines it (read there, as
 * a C definition, an assembly label or a weak/strong reference).
 *
 * A name missing here that cosmo 4.0.2 does define is a false refusal: confirm it in that tree
 * and add it, with its file.
 */

/**
 * The libc names Rust's std (1.96, built for a musl-like target) imports on x86_64 and aarch64,
 * threads, fs, time, process and net included; waitid, which cosmo lacks, left out.
 */
const STD_IMPORTS = {
  __errno_location: 'libc/sysv/errno.c',
  __xpg_strerror_r: 'libc/fmt/__xpg_strerror_r.c',
  _exit: 'libc/intrin/exit.c',
  _Unwind_Backtrace: 'third_party/libunwind/UnwindLevel1-gcc-ext.c',
  _Unwind_GetIP: 'third_party/libunwind/UnwindLevel1.c',
  abort: 'libc/calls/abort.c',
  accept4: 'libc/sock/accept4.c',
  bcmp: 'libc/str/bcmp.c',
  bind: 'libc/sock/bind.c',
  calloc: 'libc/mem/calloc.c',
  chdir: 'libc/calls/chdir.c',
  chmod: 'libc/calls/chmod.c',
  chroot: 'libc/calls/chroot.c',
  clock_gettime: 'libc/intrin/clock_gettime.c',
  clock_nanosleep: 'libc/calls/clock_nanosleep.c',
  close: 'libc/calls/close.c',
  closedir: 'libc/stdio/dirstream.c',
  connect: 'libc/sock/connect.c',
  dirfd: 'libc/stdio/dirstream.c',
  dl_iterate_phdr: 'libc/calls/dl_iterate_phdr.c',
  dup: 'libc/calls/dup.c',
  dup2: 'libc/calls/dup2.c',
  environ: 'libc/nexgen32e/environ.S',
  execvp: 'libc/proc/execvp.c',
  exit: 'libc/runtime/exit.c',
  fchmod: 'libc/calls/fchmod.c',
  fcntl: 'libc/calls/fcntl.c',
  fdopendir: 'libc/stdio/dirstream.c',
  fork: 'libc/proc/fork.c',
  free: 'libc/mem/free.c',
  freeaddrinfo: 'third_party/musl/freeaddrinfo.c',
  fstat: 'libc/calls/fstat.c',
  fsync: 'libc/calls/fsync.c',
  ftruncate: 'libc/calls/ftruncate.c',
  futimens: 'libc/calls/futimens.c',
  gai_strerror: 'third_party/musl/gai_strerror.c',
  getaddrinfo: 'third_party/musl/getaddrinfo.c',
  getauxval: 'libc/intrin/getauxval.c',
  getcwd: 'libc/stdio/getcwd.c',
  getenv: 'libc/intrin/getenv.c',
  getpeername: 'libc/sock/getsockname.c',
  getpid: 'libc/intrin/getpid.c',
  getpwuid_r: 'third_party/musl/pwd.c',
  getsockname: 'libc/sock/getsockname.c',
  getsockopt: 'libc/sock/getsockopt.c',
  getuid: 'libc/calls/getuid.c',
  ioctl: 'libc/calls/ioctl.c',
  kill: 'libc/proc/kill.c',
  linkat: 'libc/calls/linkat.c',
  listen: 'libc/sock/listen.c',
  lseek: 'libc/calls/lseek.c',
  lstat: 'libc/calls/lstat.c',
  malloc: 'libc/mem/malloc.c',
  memcmp: 'libc/intrin/memcmp.c',
  memcpy: 'libc/intrin/memmove.c',
  memmove: 'libc/intrin/memmove.c',
  memset: 'libc/intrin/memset.c',
  mkdir: 'libc/calls/mkdir.c',
  mmap: 'libc/intrin/mmap.c',
  mprotect: 'libc/intrin/mprotect.c',
  munmap: 'libc/intrin/mmap.c',
  open: 'libc/calls/open.c',
  openat: 'libc/calls/openat.c',
  opendir: 'libc/stdio/dirstream.c',
  pause: 'libc/calls/pause.c',
  pipe2: 'libc/calls/pipe2.c',
  poll: 'libc/calls/poll.c',
  posix_memalign: 'libc/mem/posix_memalign.c',
  posix_spawn_file_actions_addchdir_np: 'libc/proc/posix_spawn_file_actions_addchdir_np.c',
  posix_spawn_file_actions_adddup2: 'libc/proc/posix_spawn_file_actions_adddup2.c',
  posix_spawn_file_actions_destroy: 'libc/proc/posix_spawn_file_actions_destroy.c',
  posix_spawn_file_actions_init: 'libc/proc/posix_spawn_file_actions_init.c',
  posix_spawnattr_destroy: 'libc/proc/posix_spawnattr_destroy.c',
  posix_spawnattr_init: 'libc/proc/posix_spawnattr_init.c',
  posix_spawnattr_setflags: 'libc/proc/posix_spawnattr_setflags.c',
  posix_spawnattr_setpgroup: 'libc/proc/posix_spawnattr_setpgroup.c',
  posix_spawnattr_setsigdefault: 'libc/proc/posix_spawnattr_setsigdefault.c',
  posix_spawnp: 'libc/proc/posix_spawnp.c',
  pthread_attr_destroy: 'libc/thread/pthread_attr_destroy.c',
  pthread_attr_getguardsize: 'libc/thread/pthread_attr_getguardsize.c',
  pthread_attr_getstack: 'libc/thread/pthread_attr_getstack.c',
  pthread_attr_init: 'libc/thread/pthread_attr_init.c',
  pthread_attr_setstacksize: 'libc/thread/pthread_attr_setstacksize.c',
  pthread_create: 'libc/thread/pthread_create.c',
  pthread_detach: 'libc/thread/pthread_detach.c',
  pthread_getattr_np: 'libc/thread/pthread_getattr_np.c',
  pthread_getspecific: 'libc/thread/pthread_getspecific.c',
  pthread_join: 'libc/thread/pthread_join.c',
  pthread_key_create: 'libc/thread/pthread_key_create.c',
  pthread_key_delete: 'libc/thread/pthread_key_delete.c',
  pthread_self: 'libc/thread/pthread_self.c',
  pthread_setname_np: 'libc/thread/pthread_setname_np.c',
  pthread_setspecific: 'libc/thread/pthread_getspecific.c',
  read: 'libc/calls/read.c',
  readdir: 'libc/stdio/dirstream.c',
  readlink: 'libc/calls/readlink.c',
  realloc: 'libc/mem/realloc.c',
  realpath: 'libc/mem/realpath.c',
  recv: 'libc/sock/recv.c',
  recvfrom: 'libc/sock/recvfrom.c',
  recvmsg: 'libc/sock/recvmsg.c',
  rename: 'libc/calls/rename.c',
  sched_getaffinity: 'libc/proc/sched_getaffinity.c',
  sched_yield: 'libc/intrin/pthread_yield_np.c',
  send: 'libc/sock/send.c',
  sendfile: 'libc/sock/sendfile.c',
  sendmsg: 'libc/sock/sendmsg.c',
  sendto: 'libc/sock/sendto.c',
  setenv: 'libc/mem/setenv.c',
  setgid: 'libc/calls/setgid.c',
  setgroups: 'libc/calls/setgroups.c',
  setpgid: 'libc/calls/setpgid.c',
  setsid: 'libc/calls/setsid.c',
  setsockopt: 'libc/sock/setsockopt.c',
  setuid: 'libc/calls/setuid.c',
  shutdown: 'libc/sock/shutdown.c',
  sigaction: 'libc/calls/sigaction.c',
  sigaddset: 'libc/intrin/sigaddset.c',
  sigaltstack: 'libc/calls/sigaltstack.c',
  sigemptyset: 'libc/intrin/sigemptyset.c',
  signal: 'libc/calls/signal.c',
  socket: 'libc/sock/socket.c',
  socketpair: 'libc/sock/socketpair.c',
  splice: 'libc/calls/splice.c',
  stat: 'libc/calls/stat.c',
  strlen: 'libc/intrin/strlen.c',
  symlink: 'libc/calls/symlink.c',
  syscall: 'libc/stdio/syscall.c',
  sysconf: 'libc/runtime/sysconf.c',
  unlink: 'libc/calls/unlink.c',
  unlinkat: 'libc/calls/unlinkat.c',
  waitpid: 'libc/proc/waitpid.c',
  write: 'libc/calls/write.c',
  writev: 'libc/calls/writev.c'
};

/** What the action's runtime layer may call instead of std's raw `syscall` and `strerror_r`. */
const RUNTIME_LAYER = {
  cosmo_futex_wait: 'libc/intrin/cosmo_futex.c',
  cosmo_futex_wake: 'libc/intrin/cosmo_futex.c',
  enosys: 'libc/sysv/errfuns/enosys.S',
  getrandom: 'libc/calls/getrandom.c',
  getrusage: 'libc/proc/getrusage.c',
  strerror_r: 'libc/intrin/strerror_r.c'
};

/**
 * What the runtime layer's boundary shims call beneath them that nothing above lists (the shims
 * stand for every function whose values they translate, not only those std imports).
 */
const BOUNDARY_SHIMS = {
  accept: 'libc/sock/accept.c',
  clock_getres: 'libc/calls/clock_getres.c',
  faccessat: 'libc/calls/faccessat.c',
  fchmodat: 'libc/calls/fchmodat.c',
  fchownat: 'libc/calls/fchownat.c',
  flock: 'libc/calls/flock.c',
  getrlimit: 'libc/calls/getrlimit.c',
  madvise: 'libc/calls/madvise.c',
  mkdirat: 'libc/calls/mkdirat.c',
  pthread_kill: 'libc/thread/pthread_kill.c',
  pthread_sigmask: 'libc/thread/pthread_sigmask.c',
  readlinkat: 'libc/calls/readlinkat.c',
  renameat: 'libc/calls/renameat.c',
  sigdelset: 'libc/intrin/sigdelset.c',
  sigprocmask: 'libc/intrin/sigprocmask.c',
  symlinkat: 'libc/calls/symlinkat.c',
  utimensat: 'libc/calls/utimensat.c'
};

/**
 * std imports FACTS.md's list misses (seen in the link of examples/probe: env::remove_var and
 * fs::remove_dir).
 */
const STD_IMPORTS_BEYOND_THE_LIST = {
  rmdir: 'libc/calls/rmdir.c',
  unsetenv: 'libc/intrin/unsetenv.c'
};

/** What examples/probe calls itself: its program path (cosmo finds it on every OS), rlimits, tty. */
const PROBE = {
  GetProgramExecutableName: 'libc/calls/getprogramexecutablename.greg.c',
  isatty: 'libc/calls/isatty.c',
  setrlimit: 'libc/calls/setrlimit.c'
};

/** What the stand-in's own test programs call. */
const TEST_PROGRAMS = {
  __stack_chk_fail: 'libc/intrin/stackchkfail.c',
  fflush: 'libc/stdio/fflush.c',
  fprintf: 'libc/stdio/fprintf.c',
  fputs: 'libc/stdio/fputs.c',
  fstatat: 'libc/calls/fstatat.c',
  fwrite: 'libc/stdio/fwrite.c',
  gettid: 'libc/intrin/gettid.c',
  nanosleep: 'libc/calls/nanosleep.c',
  posix_spawnattr_getflags: 'libc/proc/posix_spawnattr_getflags.c',
  printf: 'libc/stdio/printf.c',
  pthread_attr_getstacksize: 'libc/thread/pthread_attr_getstacksize.c',
  pthread_cond_broadcast: 'libc/thread/pthread_cond_broadcast.c',
  pthread_cond_signal: 'libc/thread/pthread_cond_signal.c',
  pthread_cond_wait: 'libc/thread/pthread_cond_wait.c',
  pthread_mutex_lock: 'libc/intrin/pthread_mutex_lock.c',
  pthread_mutex_unlock: 'libc/intrin/pthread_mutex_unlock.c',
  putchar: 'libc/stdio/putchar.c',
  puts: 'libc/stdio/puts.c',
  raise: 'libc/calls/raise.c',
  sigismember: 'libc/intrin/sigismember.c',
  snprintf: 'libc/stdio/snprintf.c',
  stderr: 'libc/stdio/stderr.c',
  stdout: 'libc/stdio/stdout.c',
  strcmp: 'libc/intrin/strcmp.c',
  strncmp: 'libc/intrin/strncmp.c',
  usleep: 'libc/calls/usleep.c'
};

/** name -> defining file in cosmopolitan 4.0.2 */
export const COSMO_SYMBOL_SOURCES = Object.freeze({
  ...STD_IMPORTS,
  ...STD_IMPORTS_BEYOND_THE_LIST,
  ...RUNTIME_LAYER,
  ...BOUNDARY_SHIMS,
  ...PROBE,
  ...TEST_PROGRAMS
});

/** Every name above, sorted. */
export const COSMO_DEFINED_SYMBOLS = Object.freeze(Object.keys(COSMO_SYMBOL_SOURCES).sort());

/**
 * Names Rust's std references that cosmo 4.0.2 does not define anywhere in its tree (std's pidfd
 * support calls waitid; the action aliases it to cosmo's enosys).
 */
export const COSMO_UNDEFINED_SYMBOLS = Object.freeze(['waitid']);
