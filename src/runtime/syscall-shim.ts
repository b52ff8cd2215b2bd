/**
 * The C half of the runtime layer's syscall fix, as text. Why it exists (cosmopolitan 4.0.2):
 * cosmo's `syscall()` (libc/stdio/syscall.c) knows only its own numbers 1..3 and says ENOSYS to
 * every other, so std's futex (`libc::syscall(SYS_futex, ...)`) returns at once and every Mutex,
 * Condvar, park, mpsc and Once busy-spins. One global `syscall` cannot serve Rust (Linux numbers)
 * and C code compiled against cosmo's headers (cosmo's numbers) at once, so the generated `libc`
 * crate points only Rust's `syscall` at `__ape_action_syscall`, which this module writes:
 *
 * - SYS_futex wait/wake ops go to `cosmo_futex_wait` / `cosmo_futex_wake` (libc/cosmo.h), which
 *   use the host's own primitive on every OS (Linux futex, XNU ulock, FreeBSD umtx, Windows
 *   WaitOnAddress; libc/intrin/cosmo_futex.c);
 * - SYS_getrandom goes to cosmo's `getrandom()` (libc/calls/getrandom.c), SYS_gettid to `gettid()`;
 * - everything else gets what a kernel without that call says, -1 with ENOSYS, so std takes its
 *   fallbacks.
 *
 * Two numberings meet here. What Rust passes in and reads back is Linux's, baked into the libc
 * crate: those numbers are parsed from the libc source in use (linux-abi.ts) and written as
 * `LINUX_*` defines. What cosmo takes and returns is the host's, resolved by cosmo at start-up
 * (CLOCK_MONOTONIC, ETIMEDOUT, ... are variables in cosmo's headers): the C macros are used for
 * those, never a number. Errors go back to Rust in Linux's numbering, because std compares errno
 * with the libc crate's constants (ETIMEDOUT is 110 there, 60 on a Mac).
 */
import type { Arch, LinuxAbi, LinuxValues } from './linux-abi.js';

/** The C symbol the generated libc crate's `#[link_name]` points Rust's `syscall` at. */
export const SHIM_SYSCALL_SYMBOL = '__ape_action_syscall';

/** The syscalls the shim serves (Linux names); every other number gets ENOSYS. */
export const ROUTED_SYSCALLS = ['SYS_futex', 'SYS_getrandom', 'SYS_gettid'] as const;

/** The C source of `__ape_action_syscall` for `arch`, with the Linux values `abi` holds for it. */
export function syscallShimSource(arch: Arch, abi: LinuxAbi): string {
  const values = abi.values[arch];
  return [
    header(arch, abi.libcVersion),
    linuxDefines(arch, abi.libcVersion, values),
    FUTEX_ROUTING,
    GETRANDOM_ROUTING,
    ENTRY_POINT
  ].join('\n');
}

function header(arch: Arch, libcVersion: string): string {
  return `/*
 * The syscall shim for ${arch}, from the Linux values of libc ${libcVersion}. It follows the
 * boundary translation's core (ape_fail, ape_fail_host and errno kept in Linux's numbering).
 *
 * Only Rust code calls ${SHIM_SYSCALL_SYMBOL} (the generated libc crate links its syscall()
 * here); C code keeps cosmo's own syscall(), which speaks cosmo's numbers. Inputs are decoded with
 * the LINUX_* values below; cosmo is called with its own macros (host values at run time); errors
 * go back in Linux numbering, which is what Rust compares errno with.
 */`;
}

function linuxDefines(arch: Arch, libcVersion: string, values: LinuxValues): string {
  const lines = Object.entries(values).map(([name, value]) => `#define LINUX_${name} ${value}`);
  return `/* Linux values for ${arch}, read from libc ${libcVersion} (musl). */\n${lines.join('\n')}\n`;
}

const FUTEX_ROUTING = `/* Linux refuses a timespec with negative seconds or nanoseconds outside [0, 1e9) with EINVAL. */
static int ape_timespec_is_valid(const struct timespec *ts) {
  return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L;
}

/* FUTEX_WAIT's timeout is relative, cosmo_futex_wait takes an absolute deadline on \`clock\`.
   Sets *deadline to 0 (wait forever) where the sum would overflow time_t, as Linux would wait
   that long anyway. Returns -1 if the clock cannot be read. */
static int ape_deadline_after(int clock, const struct timespec *relative,
                              struct timespec *memory, const struct timespec **deadline) {
  struct timespec now;
  if (clock_gettime(clock, &now)) return -1;
  if (relative->tv_sec > LONG_MAX - now.tv_sec - 1) {
    *deadline = 0;
    return 0;
  }
  memory->tv_sec = now.tv_sec + relative->tv_sec;
  memory->tv_nsec = now.tv_nsec + relative->tv_nsec;
  if (memory->tv_nsec >= 1000000000L) {
    memory->tv_sec += 1;
    memory->tv_nsec -= 1000000000L;
  }
  *deadline = memory;
  return 0;
}

/* cosmo_futex_wait and cosmo_futex_wake return 0 or a count of woken threads, or -errno in the
   host's numbering (they never set errno: libc/intrin/cosmo_futex.c); the Linux system call
   returns the same count, or -1 with errno (translated to Linux's when Rust reads it). */
static long ape_futex_result(int rc) {
  return rc < 0 ? ape_fail_host(-rc) : rc;
}

/* Linux's private flag promises the word is not shared with another process, which lets cosmo
   use the cheaper process-private wait on every OS. */
static char ape_pshare(int op) {
  return (op & LINUX_FUTEX_PRIVATE_FLAG) ? PTHREAD_PROCESS_PRIVATE : PTHREAD_PROCESS_SHARED;
}

/* The waits: FUTEX_WAIT (relative timeout, what parking_lot and most crates use) and
   FUTEX_WAIT_BITSET (absolute deadline, what std uses with a full bitset). The clock is
   CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME is set, exactly as on Linux. A partial bitset is
   waited on as a plain wait: only FUTEX_WAKE_BITSET could tell them apart, and it is not served. */
static long ape_futex_wait(_Atomic(int) *word, int op, int command, int expect,
                           const struct timespec *timeout, unsigned bitset) {
  char pshare = ape_pshare(op);
  int clock = (op & LINUX_FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC;
  struct timespec memory;
  const struct timespec *deadline = timeout;
  if (command == LINUX_FUTEX_WAIT_BITSET && bitset == 0) return ape_fail(LINUX_EINVAL);
  if (timeout && !ape_timespec_is_valid(timeout)) return ape_fail(LINUX_EINVAL);
  if (timeout && command == LINUX_FUTEX_WAIT &&
      ape_deadline_after(clock, timeout, &memory, &deadline)) {
    return ape_fail(LINUX_EINVAL);
  }
  return ape_futex_result(cosmo_futex_wait(word, expect, pshare, clock, deadline));
}

/* std's futex_wait, futex_wake and futex_wake_all, in the forms std 1.96 uses, plus FUTEX_WAIT.
   Other ops (requeue, wake-op, PI locks, FUTEX_WAKE_BITSET) have no cosmo counterpart: ENOSYS,
   which is also what Linux says to FUTEX_CLOCK_REALTIME on a wake. */
static long ape_futex(long uaddr, long op_arg, long val, long timeout, long val3) {
  _Atomic(int) *word = (_Atomic(int) *)uaddr;
  int op = (int)op_arg;
  int command = op & ~(LINUX_FUTEX_PRIVATE_FLAG | LINUX_FUTEX_CLOCK_REALTIME);
  if (command == LINUX_FUTEX_WAIT || command == LINUX_FUTEX_WAIT_BITSET) {
    return ape_futex_wait(word, op, command, (int)val, (const struct timespec *)timeout,
                          (unsigned)val3);
  }
  if (command == LINUX_FUTEX_WAKE && !(op & LINUX_FUTEX_CLOCK_REALTIME)) {
    return ape_futex_result(cosmo_futex_wake(word, (int)val, ape_pshare(op)));
  }
  return ape_fail(LINUX_ENOSYS);
}
`;

const GETRANDOM_ROUTING = `/* cosmo's getrandom() fills the buffer from the host's source on every OS but accepts only
   GRND_NONBLOCK and GRND_RANDOM (EINVAL otherwise). GRND_INSECURE, which std asks for when seeding
   HashMap keys, gets the EINVAL a kernel older than 5.6 gives: std then retries with
   GRND_NONBLOCK once and remembers. */
static long ape_getrandom(void *buffer, size_t length, unsigned linux_flags) {
  unsigned flags = 0;
  ssize_t got;
  if (linux_flags & ~(unsigned)(LINUX_GRND_NONBLOCK | LINUX_GRND_RANDOM)) {
    return ape_fail(LINUX_EINVAL);
  }
  if (linux_flags & LINUX_GRND_NONBLOCK) flags |= GRND_NONBLOCK;
  if (linux_flags & LINUX_GRND_RANDOM) flags |= GRND_RANDOM;
  got = getrandom(buffer, length, flags);
  return got < 0 ? -1 : got; /* errno is the host's, translated when Rust reads it */
}
`;

const ENTRY_POINT = `/* Like musl's syscall(), read six machine words whatever the call: in the x86-64 SysV and
   AAPCS64 variadic conventions each argument has its own register or stack slot, so a word the
   caller did not pass is an unused value, never a fault. */
long ${SHIM_SYSCALL_SYMBOL}(long number, ...);
long ${SHIM_SYSCALL_SYMBOL}(long number, ...) {
  long arg[6];
  int i;
  va_list va;
  va_start(va, number);
  for (i = 0; i < 6; ++i) arg[i] = va_arg(va, long);
  va_end(va);
  switch (number) {
    case LINUX_SYS_futex:
      return ape_futex(arg[0], arg[1], arg[2], arg[3], arg[5]);
    case LINUX_SYS_getrandom:
      return ape_getrandom((void *)arg[0], (size_t)arg[1], (unsigned)arg[2]);
    case LINUX_SYS_gettid:
      return gettid();
    default:
      /* What a kernel without the call says: std falls back (copy_file_range to sendfile or
         read/write, pidfd_open to plain pids), and no Linux number ever reaches cosmo's own
         syscall(), where 1..3 mean gettid/getrandom/getcpu, not write/open/close. */
      return ape_fail(LINUX_ENOSYS);
  }
}
`;
