/**
 * cosmo 4.0.2's layouts of the C structs whose musl definitions in Rust's `libc` crate disagree
 * with cosmo's one C ABI. cosmo presents the same Linux-x86_64-like ABI to C on every OS and on
 * both arches (it converts to each host's own structs inside its syscall wrappers), so Rust code
 * handing cosmo a musl-shaped buffer gets an overwrite (pthread_attr_t, stat on aarch64,
 * utsname), lost fields (sigaction's flags behind musl's 128-byte mask) or wrong reads.
 *
 * This table is the single source of truth for both sides of the check: the generated `libc`
 * crate is rewritten to these layouts and asserts them at compile time (libc-crate.ts), and
 * cosmocc's own compiler is asked for the same numbers from cosmo's headers (layout-check.ts).
 * Every number was read from cosmopolitan's sources at tag 4.0.2; the file is named per struct.
 *
 * Fields: only those the Rust side names (std and common crates touch them); `c` is the member
 * designator as C's `offsetof` takes it, `rust` the field name in the `libc` crate, `size` the C
 * member's width (the Rust field may be narrower; the generator pads, both arches are
 * little-endian).
 */

import type { Arch } from '../arch.js';

export type { Arch };

export interface FieldLayout {
  /** The field's name in Rust's `libc` crate. */
  rust: string;
  /** The member designator in C, as `offsetof(T, <c>)` takes it. */
  c: string;
  offset: number;
  size: number;
}

export interface StructLayout {
  /** The item's name in Rust's `libc` crate (`stat`, `pthread_attr_t`, ...). */
  rust: string;
  /** The C type expression (`struct stat`, `pthread_attr_t`, ...). */
  cType: string;
  /** The POSIX header a C file includes to get the type (cosmocc and glibc both have it). */
  header: string;
  /** Where cosmo defines it, in cosmopolitan's repository at tag 4.0.2. */
  cosmoSource: string;
  size: number;
  align: number;
  /** Empty for types the Rust side keeps opaque (only the size and alignment matter). */
  fields: FieldLayout[];
}

export const COSMO_VERSION = '4.0.2';

const field = (rust: string, offset: number, size: number, c = rust): FieldLayout => ({
  rust,
  c,
  offset,
  size
});

/**
 * libc/thread/thread.h: `struct pthread_attr_s`: three chars, four ints, a uint64_t sigmask,
 * guardsize, stacksize, stackaddr, sigaltstackaddr: 64 bytes. musl's is 56, and cosmo's
 * pthread_attr_init / pthread_getattr_np write all 64.
 */
const PTHREAD_ATTR_T: StructLayout = {
  rust: 'pthread_attr_t',
  cType: 'pthread_attr_t',
  header: 'pthread.h',
  cosmoSource: 'libc/thread/thread.h',
  size: 64,
  align: 8,
  fields: []
};

/**
 * libc/calls/struct/stat.h ("cosmo abi"): the x86_64 Linux layout on both arches, plus
 * st_flags (in x86_64 Linux's padding), st_birthtim and st_gen (in its reserved tail). musl's
 * aarch64 layout (the generic Linux one) is 128 bytes with st_mode at 16.
 */
const STAT: StructLayout = {
  rust: 'stat',
  cType: 'struct stat',
  header: 'sys/stat.h',
  cosmoSource: 'libc/calls/struct/stat.h',
  size: 144,
  align: 8,
  fields: [
    field('st_dev', 0, 8),
    field('st_ino', 8, 8),
    field('st_nlink', 16, 8),
    field('st_mode', 24, 4),
    field('st_uid', 28, 4),
    field('st_gid', 32, 4),
    field('st_rdev', 40, 8),
    field('st_size', 48, 8),
    field('st_blksize', 56, 8),
    field('st_blocks', 64, 8),
    // struct timespec (libc/calls/struct/timespec.h) is { int64_t tv_sec, tv_nsec }
    field('st_atime', 72, 8, 'st_atim.tv_sec'),
    field('st_atime_nsec', 80, 8, 'st_atim.tv_nsec'),
    field('st_mtime', 88, 8, 'st_mtim.tv_sec'),
    field('st_mtime_nsec', 96, 8, 'st_mtim.tv_nsec'),
    field('st_ctime', 104, 8, 'st_ctim.tv_sec'),
    field('st_ctime_nsec', 112, 8, 'st_ctim.tv_nsec')
  ]
};

/** libc/calls/struct/sigset.h: `typedef uint64_t sigset_t;` (musl: 128 bytes). */
const SIGSET_T: StructLayout = {
  rust: 'sigset_t',
  cType: 'sigset_t',
  header: 'signal.h',
  cosmoSource: 'libc/calls/struct/sigset.h',
  size: 8,
  align: 8,
  fields: []
};

/**
 * libc/calls/struct/sigaction.h: `{ union { sa_handler, sa_sigaction }; uint64_t sa_flags;
 * void (*sa_restorer)(void); sigset_t sa_mask; }`: 32 bytes. musl puts the mask second, so the
 * SA_SIGINFO | SA_ONSTACK that std sets would land inside cosmo's mask.
 */
const SIGACTION: StructLayout = {
  rust: 'sigaction',
  cType: 'struct sigaction',
  header: 'signal.h',
  cosmoSource: 'libc/calls/struct/sigaction.h',
  size: 32,
  align: 8,
  fields: [
    field('sa_sigaction', 0, 8),
    field('sa_flags', 8, 8),
    field('sa_restorer', 16, 8),
    field('sa_mask', 24, 8)
  ]
};

/** libc/calls/struct/utsname.h: six `char[SYS_NMLN]` with SYS_NMLN 150 (Linux: 65). */
const UTSNAME: StructLayout = {
  rust: 'utsname',
  cType: 'struct utsname',
  header: 'sys/utsname.h',
  cosmoSource: 'libc/calls/struct/utsname.h',
  size: 900,
  align: 1,
  fields: ['sysname', 'nodename', 'release', 'version', 'machine', 'domainname'].map((name, i) =>
    field(name, i * 150, 150)
  )
};

/**
 * libc/thread/semaphore.h: a union of the named/unnamed fields with `void *sem_space[32]`:
 * 256 bytes, pointer-aligned (musl: 32 bytes of int).
 */
const SEM_T: StructLayout = {
  rust: 'sem_t',
  cType: 'sem_t',
  header: 'semaphore.h',
  cosmoSource: 'libc/thread/semaphore.h',
  size: 256,
  align: 8,
  fields: []
};

/**
 * libc/calls/struct/statfs.h ("cosmo abi"): the Linux fields as int64_t up to f_spare[4] ("end
 * of linux abi"), then uint32_t f_owner and char f_fstypename[16]: 144 bytes (musl: 120).
 * fsid_t is two uint32_t (libc/calls/struct/fsid.h).
 */
const STATFS: StructLayout = {
  rust: 'statfs',
  cType: 'struct statfs',
  header: 'sys/statfs.h',
  cosmoSource: 'libc/calls/struct/statfs.h',
  size: 144,
  align: 8,
  fields: [
    field('f_type', 0, 8),
    field('f_bsize', 8, 8),
    field('f_blocks', 16, 8),
    field('f_bfree', 24, 8),
    field('f_bavail', 32, 8),
    field('f_files', 40, 8),
    field('f_ffree', 48, 8),
    field('f_fsid', 56, 8),
    field('f_namelen', 64, 8),
    field('f_frsize', 72, 8),
    field('f_flags', 80, 8),
    field('f_spare', 88, 32)
  ]
};

/**
 * The same on both arches: none of these headers has an arch condition, cosmo has one ABI.
 * Kept per arch so that a future cosmo that differs per arch changes data, not code.
 */
const LAYOUTS: Readonly<Record<Arch, readonly StructLayout[]>> = {
  x86_64: [PTHREAD_ATTR_T, STAT, SIGSET_T, SIGACTION, UTSNAME, SEM_T, STATFS],
  aarch64: [PTHREAD_ATTR_T, STAT, SIGSET_T, SIGACTION, UTSNAME, SEM_T, STATFS]
};

/** cosmo 4.0.2's layouts for `arch`, in the order checks report them. */
export function cosmoLayouts(arch: Arch): readonly StructLayout[] {
  return LAYOUTS[arch];
}

/** One struct's layout by its Rust name; throws on a name the table does not have (a bug). */
export function layoutOf(layouts: readonly StructLayout[], rust: string): StructLayout {
  const found = layouts.find(layout => layout.rust === rust);
  if (!found) throw new Error(`no layout for ${rust} in the table`);
  return found;
}
