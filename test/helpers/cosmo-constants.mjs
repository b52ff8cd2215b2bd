/**
 * cosmopolitan 4.0.2's constants, as C code compiled by cosmocc sees them and as its start-up
 * fills them, for the names the boundary translation handles: test data modelling the real tool,
 * like cosmo-symbols.mjs. The stand-in cosmocc (standin-cosmocc.mjs) writes headers in cosmo's
 * syntax from it and defines the symbols with the Linux column; the boundary harness
 * (boundary-harness.mjs) defines them with any host's column.
 *
 * Source: jart/cosmopolitan at tag 4.0.2, read there: the declarations from
 * libc/sysv/consts/*.h, libc/errno.h, libc/runtime/sysconf.h and libc/proc/posix_spawn.h; the host
 * columns copied verbatim from the `syscon` lines of libc/sysv/consts.sh (group name linux
 * linux-aarch64 xnu xnu-arm64 freebsd openbsd netbsd windows; each value is assembled by
 * `.uleb128` into the name's 8-byte `.quad` at start-up, so `-1` is all ones and `0+1` is 1).
 *
 * Names: every name of src/runtime/boundary/domains.ts (its `cosmoNames` too), every `E*` name
 * libc/errno.h declares, and cosmo's own aliases of them (MAP_ANON, O_NDELAY, EWOULDBLOCK).
 * domains.ts names that cosmo declares nowhere are in COSMO_UNDECLARED.
 *
 * Each name, under the header that declares it, is `[declaration, columns]`:
 * - `'extern const int'`: a symbol (`extern const int NAME;` and `#define NAME NAME`); with
 *   `', no #define'` the header has no `#define NAME NAME` (so `#ifdef NAME` is false); a type
 *   without `const` (`'extern int'`) is a symbol cosmo itself may change after start-up;
 * - `'#define 16'`: a literal, which wins over an extern of the same name as in C (then noted as
 *   `'#define 16, extern const int'`);
 * - `'#define O_NONBLOCK'`: an alias of another name;
 * - columns: the name's 8 `syscon` values, verbatim; absent where consts.sh has no line for it.
 * To add a name, copy its declaration and its consts.sh columns the same way.
 */

/** consts.sh's columns, in its order. */
export const HOSTS = Object.freeze([
  'linux',
  'linux_aarch64',
  'xnu',
  'xnu_aarch64',
  'freebsd',
  'openbsd',
  'netbsd',
  'windows'
]);

/** @typedef {'linux' | 'linux_aarch64' | 'xnu' | 'xnu_aarch64' | 'freebsd' | 'openbsd' | 'netbsd' | 'windows'} Host */

// prettier-ignore
const DECLARED = {
  'libc/errno.h': {
    ENOSYS: ['extern const errno_t', '38 38 78 78 78 78 78 1'],
    EPERM: ['extern const errno_t', '1 1 1 1 1 1 1 12'],
    ENOENT: ['extern const errno_t', '2 2 2 2 2 2 2 2'],
    ESRCH: ['extern const errno_t', '3 3 3 3 3 3 3 566'],
    EINTR: ['extern const errno_t', '4 4 4 4 4 4 4 10004'],
    EIO: ['extern const errno_t', '5 5 5 5 5 5 5 1117'],
    ENXIO: ['extern const errno_t', '6 6 6 6 6 6 6 1112'],
    E2BIG: ['extern const errno_t', '7 7 7 7 7 7 7 1639'],
    ENOEXEC: ['extern const errno_t', '8 8 8 8 8 8 8 193'],
    EBADF: ['extern const errno_t', '9 9 9 9 9 9 9 6'],
    ECHILD: ['extern const errno_t', '10 10 10 10 10 10 10 128'],
    EAGAIN: ['extern const errno_t', '11 11 35 35 35 35 35 10035'],
    ENOMEM: ['extern const errno_t', '12 12 12 12 12 12 12 14'],
    EACCES: ['extern const errno_t', '13 13 13 13 13 13 13 5'],
    EFAULT: ['extern const errno_t', '14 14 14 14 14 14 14 487'],
    ENOTBLK: ['extern const errno_t', '15 15 15 15 15 15 15 26'],
    EBUSY: ['extern const errno_t', '16 16 16 16 16 16 16 170'],
    EEXIST: ['extern const errno_t', '17 17 17 17 17 17 17 183'],
    EXDEV: ['extern const errno_t', '18 18 18 18 18 18 18 17'],
    ENODEV: ['extern const errno_t', '19 19 19 19 19 19 19 1200'],
    ENOTDIR: ['extern const errno_t', '20 20 20 20 20 20 20 3'],
    EISDIR: ['extern const errno_t', '21 21 21 21 21 21 21 267'],
    EINVAL: ['extern const errno_t', '22 22 22 22 22 22 22 87'],
    ENFILE: ['extern const errno_t', '23 23 23 23 23 23 23 331'],
    EMFILE: ['extern const errno_t', '24 24 24 24 24 24 24 4'],
    ENOTTY: ['extern const errno_t', '25 25 25 25 25 25 25 1118'],
    ETXTBSY: ['extern const errno_t', '26 26 26 26 26 26 26 148'],
    EFBIG: ['extern const errno_t', '27 27 27 27 27 27 27 223'],
    ENOSPC: ['extern const errno_t', '28 28 28 28 28 28 28 39'],
    EDQUOT: ['extern const errno_t', '122 122 69 69 69 69 69 1816'],
    ESPIPE: ['extern const errno_t', '29 29 29 29 29 29 29 25'],
    EROFS: ['extern const errno_t', '30 30 30 30 30 30 30 6009'],
    EMLINK: ['extern const errno_t', '31 31 31 31 31 31 31 1142'],
    EPIPE: ['extern const errno_t', '32 32 32 32 32 32 32 109'],
    EDOM: ['extern const errno_t', '33 33 33 33 33 33 33 20000'],
    ERANGE: ['extern const errno_t', '34 34 34 34 34 34 34 6604'],
    EDEADLK: ['extern const errno_t', '35 35 11 11 11 11 11 1131'],
    ENAMETOOLONG: ['extern const errno_t', '36 36 63 63 63 63 63 10063'],
    ENOLCK: ['extern const errno_t', '37 37 77 77 77 77 77 158'],
    ENOTEMPTY: ['extern const errno_t', '39 39 66 66 66 66 66 145'],
    ELOOP: ['extern const errno_t', '40 40 62 62 62 62 62 1921'],
    ENOMSG: ['extern const errno_t', '42 42 91 91 83 90 83 4306'],
    EIDRM: ['extern const errno_t', '43 43 90 90 82 89 82 1287'],
    ETIME: ['extern const errno_t', '62 62 101 101 60 60 92 1460'],
    EPROTO: ['extern const errno_t', '71 71 100 100 92 95 96 7065'],
    EOVERFLOW: ['extern const errno_t', '75 75 84 84 84 87 84 534'],
    EILSEQ: ['extern const errno_t', '84 84 92 92 86 84 85 582'],
    EUSERS: ['extern const errno_t', '87 87 68 68 68 68 68 10068'],
    ENOTSOCK: ['extern const errno_t', '88 88 38 38 38 38 38 10038'],
    EDESTADDRREQ: ['extern const errno_t', '89 89 39 39 39 39 39 10039'],
    EMSGSIZE: ['extern const errno_t', '90 90 40 40 40 40 40 10040'],
    EPROTOTYPE: ['extern const errno_t', '91 91 41 41 41 41 41 10041'],
    ENOPROTOOPT: ['extern const errno_t', '92 92 42 42 42 42 42 10042'],
    EPROTONOSUPPORT: ['extern const errno_t', '93 93 43 43 43 43 43 10043'],
    ESOCKTNOSUPPORT: ['extern const errno_t', '94 94 44 44 44 44 44 10044'],
    ENOTSUP: ['extern const errno_t', '95 95 45 45 45 91 86 10045'],
    EOPNOTSUPP: ['extern const errno_t', '95 95 102 102 45 45 45 10045'],
    EPFNOSUPPORT: ['extern const errno_t', '96 96 46 46 46 46 46 10046'],
    EAFNOSUPPORT: ['extern const errno_t', '97 97 47 47 47 47 47 10047'],
    EADDRINUSE: ['extern const errno_t', '98 98 48 48 48 48 48 10048'],
    EADDRNOTAVAIL: ['extern const errno_t', '99 99 49 49 49 49 49 10049'],
    ENETDOWN: ['extern const errno_t', '100 100 50 50 50 50 50 10050'],
    ENETUNREACH: ['extern const errno_t', '101 101 51 51 51 51 51 10051'],
    ENETRESET: ['extern const errno_t', '102 102 52 52 52 52 52 10052'],
    ECONNABORTED: ['extern const errno_t', '103 103 53 53 53 53 53 10053'],
    ECONNRESET: ['extern const errno_t', '104 104 54 54 54 54 54 10054'],
    ENOBUFS: ['extern const errno_t', '105 105 55 55 55 55 55 10055'],
    EISCONN: ['extern const errno_t', '106 106 56 56 56 56 56 10056'],
    ENOTCONN: ['extern const errno_t', '107 107 57 57 57 57 57 10057'],
    ESHUTDOWN: ['extern const errno_t', '108 108 58 58 58 58 58 10058'],
    ETOOMANYREFS: ['extern const errno_t', '109 109 59 59 59 59 59 10059'],
    ETIMEDOUT: ['extern const errno_t', '110 110 60 60 60 60 60 1460'],
    ECONNREFUSED: ['extern const errno_t', '111 111 61 61 61 61 61 10061'],
    EHOSTDOWN: ['extern const errno_t', '112 112 64 64 64 64 64 10064'],
    EHOSTUNREACH: ['extern const errno_t', '113 113 65 65 65 65 65 10065'],
    EALREADY: ['extern const errno_t', '114 114 37 37 37 37 37 10037'],
    EINPROGRESS: ['extern const errno_t', '115 115 36 36 36 36 36 10036'],
    ESTALE: ['extern const errno_t', '116 116 70 70 70 70 70 10070'],
    EREMOTE: ['extern const errno_t', '66 66 71 71 71 71 71 10071'],
    EBADMSG: ['extern const errno_t', '74 74 94 94 89 92 88 0'],
    ECANCELED: ['extern const errno_t', '125 125 89 89 85 88 87 1223'],
    EOWNERDEAD: ['extern const errno_t', '130 130 105 105 96 94 97 105'],
    ENOTRECOVERABLE: ['extern const errno_t', '131 131 104 104 95 93 98 0'],
    ENONET: ['extern const errno_t', '64 64 317 317 317 317 317 0'],
    ERESTART: ['extern const errno_t', '85 85 318 318 318 318 -3 20000'],
    ENOSR: ['extern const errno_t', '63 63 98 98 0 90 90 0'],
    ENOSTR: ['extern const errno_t', '60 60 99 99 0 0 91 0'],
    ENODATA: ['extern const errno_t', '61 61 96 96 0 0 89 232'],
    EMULTIHOP: ['extern const errno_t', '72 72 95 95 90 0 94 0'],
    ENOLINK: ['extern const errno_t', '67 67 97 97 91 0 95 0'],
    ENOMEDIUM: ['extern const errno_t', '123 123 0 0 0 85 0 0'],
    EMEDIUMTYPE: ['extern const errno_t', '124 124 0 0 0 86 0 0'],
    EFTYPE: ['extern const errno_t', '305 305 79 79 79 79 79 222'],
    EAUTH: ['extern const errno_t, no #define', '306 306 80 80 80 80 80 1244'],
    EBADARCH: ['extern const errno_t, no #define', '313 313 86 86 313 313 313 216'],
    EBADEXEC: ['extern const errno_t, no #define', '312 312 85 85 312 312 312 192'],
    EBADMACHO: ['extern const errno_t, no #define', '315 315 88 88 315 315 315 0'],
    EBADRPC: ['extern const errno_t, no #define', '300 300 72 72 72 72 72 1626'],
    EDEVERR: ['extern const errno_t, no #define', '311 311 83 83 311 311 311 483'],
    ENEEDAUTH: ['extern const errno_t, no #define', '307 307 81 81 81 81 81 224'],
    ENOATTR: ['extern const errno_t, no #define', '309 309 93 93 87 83 93 117'],
    ENOPOLICY: ['extern const errno_t, no #define', '316 316 103 103 316 316 316 0'],
    EPROCLIM: ['extern const errno_t, no #define', '308 308 67 67 67 67 67 10067'],
    EPROCUNAVAIL: ['extern const errno_t, no #define', '304 304 76 76 76 76 76 15841'],
    EPROGMISMATCH: ['extern const errno_t, no #define', '303 303 75 75 75 75 75 595'],
    EPROGUNAVAIL: ['extern const errno_t, no #define', '302 302 74 74 74 74 74 329'],
    EPWROFF: ['extern const errno_t, no #define', '310 310 82 82 310 310 310 639'],
    ERPCMISMATCH: ['extern const errno_t, no #define', '301 301 73 73 73 73 73 1627'],
    ESHLIBVERS: ['extern const errno_t, no #define', '314 314 87 87 314 314 314 0'],
    EADV: ['extern const errno_t, no #define', '68 68 -1 -1 -1 -1 -1 -1'],
    EBADE: ['extern const errno_t, no #define', '52 52 -1 -1 -1 -1 -1 -1'],
    EBADFD: ['extern const errno_t, no #define', '77 77 9 9 0 0 0 0'],
    EBADR: ['extern const errno_t, no #define', '53 53 -1 -1 -1 -1 -1 -1'],
    EBADRQC: ['extern const errno_t, no #define', '56 56 -1 -1 -1 -1 -1 -1'],
    EBADSLT: ['extern const errno_t, no #define', '57 57 -1 -1 -1 -1 -1 -1'],
    ECHRNG: ['extern const errno_t, no #define', '44 44 -1 -1 -1 -1 -1 -1'],
    ECOMM: ['extern const errno_t, no #define', '70 70 -1 -1 -1 -1 -1 -1'],
    EDOTDOT: ['extern const errno_t, no #define', '73 73 -1 -1 -1 -1 -1 -1'],
    EHWPOISON: ['extern const errno_t, no #define', '133 133 -1 -1 -1 -1 -1 -1'],
    EISNAM: ['extern const errno_t, no #define', '120 120 -1 -1 -1 -1 -1 -1'],
    EKEYEXPIRED: ['extern const errno_t, no #define', '127 127 -1 -1 -1 -1 -1 -1'],
    EKEYREJECTED: ['extern const errno_t, no #define', '129 129 -1 -1 -1 -1 -1 -1'],
    EKEYREVOKED: ['extern const errno_t, no #define', '128 128 -1 -1 -1 -1 -1 -1'],
    EL2HLT: ['extern const errno_t, no #define', '51 51 -1 -1 -1 -1 -1 -1'],
    EL2NSYNC: ['extern const errno_t, no #define', '45 45 -1 -1 -1 -1 -1 -1'],
    EL3HLT: ['extern const errno_t, no #define', '46 46 -1 -1 -1 -1 -1 -1'],
    EL3RST: ['extern const errno_t, no #define', '47 47 -1 -1 -1 -1 -1 -1'],
    ELIBACC: ['extern const errno_t, no #define', '79 79 -1 -1 -1 -1 -1 -1'],
    ELIBBAD: ['extern const errno_t, no #define', '80 80 -1 -1 -1 -1 -1 -1'],
    ELIBEXEC: ['extern const errno_t, no #define', '83 83 -1 -1 -1 -1 -1 -1'],
    ELIBMAX: ['extern const errno_t, no #define', '82 82 -1 -1 -1 -1 -1 -1'],
    ELIBSCN: ['extern const errno_t, no #define', '81 81 -1 -1 -1 -1 -1 -1'],
    ELNRNG: ['extern const errno_t, no #define', '48 48 -1 -1 -1 -1 -1 -1'],
    ENAVAIL: ['extern const errno_t, no #define', '119 119 -1 -1 -1 -1 -1 -1'],
    ENOANO: ['extern const errno_t, no #define', '55 55 -1 -1 -1 -1 -1 -1'],
    ENOCSI: ['extern const errno_t, no #define', '50 50 -1 -1 -1 -1 -1 -1'],
    ENOKEY: ['extern const errno_t, no #define', '126 126 -1 -1 -1 -1 -1 -1'],
    ENOPKG: ['extern const errno_t, no #define', '65 65 -1 -1 -1 -1 -1 -1'],
    ENOTNAM: ['extern const errno_t, no #define', '118 118 -1 -1 -1 -1 -1 -1'],
    ENOTUNIQ: ['extern const errno_t, no #define', '76 76 -1 -1 -1 -1 -1 -1'],
    EREMCHG: ['extern const errno_t, no #define', '78 78 -1 -1 -1 -1 -1 -1'],
    EREMOTEIO: ['extern const errno_t, no #define', '121 121 -1 -1 -1 -1 -1 -1'],
    ERFKILL: ['extern const errno_t, no #define', '132 132 -1 -1 -1 -1 -1 -1'],
    ESRMNT: ['extern const errno_t, no #define', '69 69 -1 -1 -1 -1 -1 -1'],
    ESTRPIPE: ['extern const errno_t, no #define', '86 86 -1 -1 -1 -1 -1 -1'],
    EUCLEAN: ['extern const errno_t, no #define', '117 117 -1 -1 -1 -1 -1 -1'],
    EUNATCH: ['extern const errno_t, no #define', '49 49 -1 -1 -1 -1 -1 -1'],
    EXFULL: ['extern const errno_t, no #define', '54 54 -1 -1 -1 -1 -1 -1'],
    EWOULDBLOCK: ['#define EAGAIN'],
  },
  'libc/proc/posix_spawn.h': {
    POSIX_SPAWN_RESETIDS: ['#define 1'],
    POSIX_SPAWN_SETPGROUP: ['#define 2'],
    POSIX_SPAWN_SETSIGDEF: ['#define 4'],
    POSIX_SPAWN_SETSIGMASK: ['#define 8'],
    POSIX_SPAWN_SETSID: ['#define 128'],
  },
  'libc/runtime/sysconf.h': {
    _SC_ARG_MAX: ['#define 0'],
    _SC_CLK_TCK: ['#define 2'],
    _SC_NGROUPS_MAX: ['#define 3'],
    _SC_OPEN_MAX: ['#define 4'],
    _SC_PAGESIZE: ['#define 30'],
    _SC_GETPW_R_SIZE_MAX: ['#define 70'],
    _SC_THREAD_STACK_MIN: ['#define 75'],
    _SC_NPROCESSORS_ONLN: ['#define 84'],
    _SC_HOST_NAME_MAX: ['#define 180'],
  },
  'libc/sysv/consts/af.h': {
    AF_UNSPEC: ['#define 0, extern const int', '0 0 0 0 0 0 0 0'],
    AF_UNIX: ['#define 1, extern const int', '1 1 1 1 1 1 1 1'],
    AF_INET: ['#define 2, extern const int', '2 2 2 2 2 2 2 2'],
    AF_INET6: ['extern const int', '10 10 30 30 28 24 24 23'],
  },
  'libc/sysv/consts/at.h': {
    AT_REMOVEDIR: ['extern const int', '0x0200 0x0200 0x80 0x80 0x0800 8 0x800 0x0200'],
    AT_SYMLINK_FOLLOW: ['extern const int', '0x0400 0x0400 0x40 0x40 0x0400 4 0x400 0x0400'],
    AT_EMPTY_PATH: ['extern const int, no #define', '0x1000 0x1000 0 0 0 0 0 0x1000'],
    AT_SYMLINK_NOFOLLOW: ['extern const int', '0x0100 0x0100 0x20 0x20 0x0200 2 0x200 0x0100'],
    AT_EACCESS: ['extern const int', '0x0200 0x0200 0x10 0x10 0x0100 1 0x100 0'],
    AT_FDCWD: ['extern const int', '-100 -100 -2 -2 -100 -100 -100 -100'],
  },
  'libc/sysv/consts/auxv.h': {
    AT_NO_AUTOMOUNT: ['extern const unsigned long, no #define', '0x0800 0x0800 0 0 0 0x0800 0 0x0800'],
  },
  'libc/sysv/consts/clock.h': {
    CLOCK_REALTIME: ['#define 0', '0 0 0 0 0 0 0 0'],
    CLOCK_MONOTONIC: ['extern const int', '1 1 8 8 5 5 3 1'],
    CLOCK_PROCESS_CPUTIME_ID: ['extern const int', '2 2 12 12 15 2 0x40000000 4'],
    CLOCK_THREAD_CPUTIME_ID: ['extern const int', '3 3 16 16 14 4 0x20000000 5'],
    CLOCK_MONOTONIC_RAW: ['extern int', '4 4 127 8 8 127 3 1'],
    CLOCK_REALTIME_COARSE: ['extern int', '5 5 0 0 10 0 0 2'],
    CLOCK_MONOTONIC_COARSE: ['extern int', '6 6 9 9 8 5 3 6'],
    CLOCK_BOOTTIME: ['extern const int', '7 7 6 6 4 3 3 3'],
  },
  'libc/sysv/consts/dt.h': {
    DT_UNKNOWN: ['#define 0'],
    DT_FIFO: ['#define 1'],
    DT_CHR: ['#define 2'],
    DT_DIR: ['#define 4'],
    DT_BLK: ['#define 6'],
    DT_REG: ['#define 8'],
    DT_LNK: ['#define 10'],
    DT_SOCK: ['#define 12'],
  },
  'libc/sysv/consts/f.h': {
    F_DUPFD: ['#define 0, extern const int', '0 0 0 0 0 0 0 0'],
    F_GETFD: ['#define 1, extern const int', '1 1 1 1 1 1 1 1'],
    F_SETFD: ['#define 2, extern const int', '2 2 2 2 2 2 2 2'],
    F_GETFL: ['#define 3, extern const int', '3 3 3 3 3 3 3 3'],
    F_SETFL: ['#define 4, extern const int', '4 4 4 4 4 4 4 4'],
    F_GETLK: ['extern const int', '5 5 7 7 11 7 7 5'],
    F_SETLK: ['extern const int', '6 6 8 8 12 8 8 6'],
    F_SETLKW: ['extern const int', '7 7 9 9 13 9 9 7'],
    F_DUPFD_CLOEXEC: ['extern const int', '0x0406 0x0406 67 67 17 10 12 0x0406'],
    F_SETOWN: ['extern const int, no #define', '8 8 6 6 6 6 6 -1'],
    F_GETOWN: ['extern const int, no #define', '9 9 5 5 5 5 5 -1'],
    F_RDLCK: ['extern const int', '0 0 1 1 1 1 1 0'],
    F_WRLCK: ['extern const int', '1 1 3 3 3 3 3 1'],
    F_UNLCK: ['extern const int', '2 2 2 2 2 2 2 2'],
  },
  'libc/sysv/consts/fd.h': {
    FD_CLOEXEC: ['#define 1, extern const int', '1 1 1 1 1 1 1 1'],
  },
  'libc/sysv/consts/fio.h': {
    FIONBIO: ['extern const uint32_t, no #define', '0x5421 0x5421 0x8004667e 0x8004667e 0x8004667e 0x8004667e 0x8004667e 0x8004667e'],
    FIONREAD: ['extern const uint32_t', '0x541b 0x541b 0x4004667f 0x4004667f 0x4004667f 0x4004667f 0x4004667f 0x4004667f'],
    FIOCLEX: ['extern const uint32_t, no #define', '0x5451 0x5451 0x20006601 0x20006601 0x20006601 0x20006601 0x20006601 0x5451'],
    FIONCLEX: ['extern const uint32_t, no #define', '0x5450 0x5450 0x20006602 0x20006602 0x20006602 0x20006602 0x20006602 0x5450'],
  },
  'libc/sysv/consts/ip.h': {
    IP_TOS: ['extern const int', '1 1 3 3 3 3 3 3'],
    IP_TTL: ['extern const int', '2 2 4 4 4 4 4 4'],
    IP_MULTICAST_IF: ['extern const int', '32 32 9 9 9 9 9 9'],
    IP_MULTICAST_TTL: ['extern const int', '33 33 10 10 10 10 10 10'],
    IP_MULTICAST_LOOP: ['extern const int', '34 34 11 11 11 11 11 11'],
    IP_ADD_MEMBERSHIP: ['extern const int', '35 35 12 12 12 12 12 12'],
    IP_DROP_MEMBERSHIP: ['extern const int', '36 36 13 13 13 13 13 13'],
  },
  'libc/sysv/consts/ipproto.h': {
    IPPROTO_IP: ['#define 0'],
    IPPROTO_IPV6: ['#define 41'],
    IPPROTO_TCP: ['#define 6'],
    IPPROTO_UDP: ['#define 17'],
  },
  'libc/sysv/consts/ipv6.h': {
    IPV6_UNICAST_HOPS: ['extern const int', '16 16 4 4 4 4 4 4'],
    IPV6_MULTICAST_IF: ['extern const int', '17 17 9 9 9 9 9 9'],
    IPV6_MULTICAST_HOPS: ['extern const int', '18 18 10 10 10 10 10 10'],
    IPV6_MULTICAST_LOOP: ['extern const int', '19 19 11 11 11 11 11 11'],
    IPV6_V6ONLY: ['extern const int', '26 26 27 27 27 27 27 27'],
    IPV6_JOIN_GROUP: ['extern const int', '20 20 12 12 12 12 12 12'],
    IPV6_LEAVE_GROUP: ['extern const int', '21 21 13 13 13 13 13 13'],
  },
  'libc/sysv/consts/lock.h': {
    LOCK_SH: ['extern const int', '1 1 1 1 1 1 1 0'],
    LOCK_EX: ['#define 2, extern const int', '2 2 2 2 2 2 2 2'],
    LOCK_NB: ['extern const int', '4 4 4 4 4 4 4 1'],
    LOCK_UN: ['extern const int', '8 8 8 8 8 8 8 8'],
  },
  'libc/sysv/consts/rlimit.h': {
    RLIMIT_CPU: ['extern const unsigned', '0 0 0 0 0 0 0 127'],
    RLIMIT_FSIZE: ['extern const unsigned', '1 1 1 1 1 1 1 127'],
    RLIMIT_DATA: ['extern const unsigned', '2 2 2 2 2 2 2 127'],
    RLIMIT_STACK: ['extern const unsigned', '3 3 3 3 3 3 3 1'],
    RLIMIT_CORE: ['extern const unsigned', '4 4 4 4 4 4 4 127'],
    RLIMIT_RSS: ['extern const unsigned', '5 5 5 5 5 5 5 127'],
    RLIMIT_NPROC: ['extern const unsigned', '6 6 7 7 7 7 7 127'],
    RLIMIT_NOFILE: ['extern const unsigned', '7 7 8 8 8 8 8 127'],
    RLIMIT_MEMLOCK: ['extern const unsigned', '8 8 6 6 6 6 6 127'],
    RLIMIT_AS: ['extern const unsigned', '9 9 5 5 10 2 10 0'],
    RLIMIT_LOCKS: ['extern const unsigned', '10 10 127 127 127 127 127 127'],
    RLIMIT_SIGPENDING: ['extern const unsigned', '11 11 127 127 127 127 127 127'],
    RLIMIT_MSGQUEUE: ['extern const unsigned', '12 12 127 127 127 127 127 127'],
    RLIMIT_NICE: ['extern const unsigned', '13 13 127 127 127 127 127 127'],
    RLIMIT_RTPRIO: ['extern const unsigned', '14 14 127 127 127 127 127 127'],
    RLIMIT_RTTIME: ['extern const unsigned', '15 15 127 127 127 127 127 127']
  },
  'libc/sysv/consts/madv.h': {
    MADV_NORMAL: ['#define 0, extern const unsigned', '0 0 0 0 0 0 0 0'],
    MADV_RANDOM: ['#define 1, extern const unsigned', '1 1 1 1 1 1 1 1'],
    MADV_SEQUENTIAL: ['#define 2, extern const unsigned', '2 2 2 2 2 2 2 2'],
    MADV_WILLNEED: ['#define 3, extern const unsigned', '3 3 3 3 3 3 3 3'],
    MADV_DONTNEED: ['extern const unsigned, no #define', '4 4 4 4 4 4 4 127'],
    MADV_FREE: ['extern const unsigned, no #define', '8 8 5 5 5 6 6 8'],
  },
  'libc/sysv/consts/map.h': {
    MAP_SHARED: ['#define 1, extern const int', '1 1 1 1 1 1 1 1'],
    MAP_PRIVATE: ['#define 2, extern const int', '2 2 2 2 2 2 2 2'],
    MAP_FIXED: ['#define 16, extern const int', '0x00000010 0x00000010 0x00000010 0x00000010 0x00000010 0x00000010 0x00000010 0x00000010'],
    MAP_ANONYMOUS: ['extern const int', '0x00000020 0x00000020 0x00001000 0x00001000 0x00001000 0x00001000 0x00001000 0x00000020'],
    MAP_NORESERVE: ['extern const int', '0x00004000 0x00004000 0x00000040 0x00000040 0 0 0x00000040 0'],
    MAP_POPULATE: ['extern const int', '0x00008000 0x00008000 0 0 0x00040000 0 0 0'],
    MAP_FIXED_NOREPLACE: ['extern const int', '0x08000000 0x08000000 0x00004000 0x00004000 0x08000000 0x08000000 0x08000000 0x08000000'],
    MAP_LOCKED: ['extern const int, no #define', '0x00002000 0x00002000 0 0 0 0 0 0'],
    MAP_HUGETLB: ['extern const int, no #define', '0x00040000 -1 -1 -1 -1 -1 -1 -1'],
    MAP_ANON: ['#define MAP_ANONYMOUS, extern const int'],
  },
  'libc/sysv/consts/msg.h': {
    MSG_OOB: ['#define 1', '1 1 1 1 1 1 1 1'],
    MSG_PEEK: ['#define 2', '2 2 2 2 2 2 2 2'],
    MSG_DONTROUTE: ['#define 4', '4 4 4 4 4 4 4 4'],
    MSG_CTRUNC: ['extern const int', '8 8 0x20 0x20 0x20 0x20 0x20 0x0200'],
    MSG_TRUNC: ['extern const int', '0x20 0x20 0x10 0x10 0x10 0x10 0x10 0x0100'],
    MSG_DONTWAIT: ['extern const int', '0x40 0x40 0x80 0x80 0x80 0x80 0x80 0x40'],
    MSG_WAITALL: ['extern const int', '0x0100 0x0100 0x40 0x40 0x40 0x40 0x40 8'],
    MSG_NOSIGNAL: ['extern const int', '0x4000 0x4000 0x80000 0x80000 0x020000 0x0400 0x0400 0x10000000'],
  },
  'libc/sysv/consts/o.h': {
    O_APPEND: ['extern const unsigned', '0x00000400 0x00000400 8 8 8 8 8 0x00000400'],
    O_CREAT: ['extern const unsigned', '0x00000040 0x00000040 0x00000200 0x00000200 0x00000200 0x00000200 0x00000200 0x00000040'],
    O_EXCL: ['extern const unsigned', '0x00000080 0x00000080 0x00000800 0x00000800 0x00000800 0x00000800 0x00000800 0x00000080'],
    O_TRUNC: ['extern const unsigned', '0x00000200 0x00000200 0x00000400 0x00000400 0x00000400 0x00000400 0x00000400 0x00000200'],
    O_DIRECTORY: ['extern const unsigned', '0x00010000 0x00004000 0x00100000 0x00100000 0x00020000 0x00020000 0x00200000 0x00010000'],
    O_NOFOLLOW: ['extern const unsigned', '0x00020000 0x00008000 0x00000100 0x00000100 0x00000100 0x00000100 0x00000100 0x00020000'],
    O_NONBLOCK: ['extern const unsigned', '0x00000800 0x00000800 0x00000004 0x00000004 0x00000004 0x00000004 0x00000004 0x00000800'],
    O_CLOEXEC: ['extern const unsigned', '0x00080000 0x00080000 0x01000000 0x01000000 0x00100000 0x00010000 0x00400000 0x00080000'],
    O_SYNC: ['extern const unsigned', '0x00101000 0x00101000 0x00000080 0x00000080 0x00000080 0x00000080 0x00000080 0xffffffff'],
    O_DSYNC: ['extern const unsigned, no #define', '0x00001000 0x00001000 0x00400000 0x00400000 0xffffffff 0x00000080 0x00010000 0xffffffff'],
    O_NOCTTY: ['extern const unsigned', '0x00000100 0x00000100 0x00020000 0x00020000 0x00008000 0x00008000 0x00008000 0'],
    O_DIRECT: ['extern const unsigned, no #define', '0x00004000 0x00010000 0xffffffff 0xffffffff 0x00010000 0xffffffff 0x00080000 0x00004000'],
    O_NOATIME: ['extern const unsigned', '0x00040000 0x00040000 0 0 0 0 0 0'],
    O_PATH: ['extern const unsigned, no #define', '0x00200000 0x00200000 0xffffffff 0xffffffff 0xffffffff 0xffffffff 0xffffffff 0xffffffff'],
    O_ASYNC: ['extern const unsigned', '0x00002000 0x00002000 0x00000040 0x00000040 0x00000040 0x00000040 0x00000040 0xffffffff'],
    O_LARGEFILE: ['extern const unsigned', '0x00008000 0x00020000 0 0 0 0 0 0'],
    O_NDELAY: ['#define O_NONBLOCK'],
  },
  'libc/sysv/consts/poll.h': {
    POLLIN: ['extern const int16_t', '1 1 1 1 1 1 1 0x0300'],
    POLLPRI: ['extern const int16_t', '2 2 2 2 2 2 2 0x0400'],
    POLLOUT: ['extern const int16_t', '4 4 4 4 4 4 4 0x0010'],
    POLLERR: ['extern const int16_t', '8 8 8 8 8 8 8 0x0001'],
    POLLHUP: ['extern const int16_t', '0x10 0x10 0x10 0x10 0x10 0x10 0x10 0x0002'],
    POLLNVAL: ['extern const int16_t', '0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x0004'],
    POLLRDNORM: ['extern const int16_t', '0x40 0x40 0x40 0x40 0x40 0x40 0x40 0x0100'],
    POLLRDBAND: ['extern const int16_t', '0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x0200'],
    POLLWRNORM: ['extern const int16_t', '0x0100 0x0100 4 4 4 4 4 0x0010'],
    POLLWRBAND: ['extern const int16_t', '0x0200 0x0200 0x0100 0x0100 0x0100 0x0100 0x0100 0x0020'],
    POLLRDHUP: ['extern const int16_t', '0x2000 0x2000 0x10 0x10 0x10 0x10 0x10 2'],
  },
  'libc/sysv/consts/prot.h': {
    PROT_NONE: ['#define 0', '0 0 0 0 0 0 0 0'],
    PROT_READ: ['#define 1', '1 1 1 1 1 1 1 1'],
    PROT_WRITE: ['#define 2', '2 2 2 2 2 2 2 2'],
    PROT_EXEC: ['#define 4', '4 4 4 4 4 4 4 4'],
  },
  'libc/sysv/consts/sa.h': {
    SA_NOCLDSTOP: ['extern const uint64_t', '1 1 8 8 8 8 8 1'],
    SA_NOCLDWAIT: ['extern const uint64_t', '2 2 32 32 32 32 32 2'],
    SA_SIGINFO: ['extern const uint64_t', '4 4 64 64 64 64 64 4'],
    SA_ONSTACK: ['extern const uint64_t', '0x08000000 0x08000000 1 1 1 1 1 0x08000000'],
    SA_RESTART: ['extern const uint64_t', '0x10000000 0x10000000 2 2 2 2 2 0x10000000'],
    SA_NODEFER: ['extern const uint64_t', '0x40000000 0x40000000 16 16 16 16 16 0x40000000'],
    SA_RESETHAND: ['extern const uint64_t', '0x80000000 0x80000000 4 4 4 4 4 0x80000000'],
  },
  'libc/sysv/consts/shut.h': {
    SHUT_RD: ['#define 0, extern const int', '0 0 0 0 0 0 0 0'],
    SHUT_WR: ['#define 1, extern const int', '1 1 1 1 1 1 1 1'],
    SHUT_RDWR: ['#define 2, extern const int', '2 2 2 2 2 2 2 2'],
  },
  'libc/sysv/consts/sig.h': {
    SIGHUP: ['#define 1', '1 1 1 1 1 1 1 1'],
    SIGINT: ['#define 2', '2 2 2 2 2 2 2 2'],
    SIGQUIT: ['#define 3', '3 3 3 3 3 3 3 3'],
    SIGILL: ['#define 4', '4 4 4 4 4 4 4 4'],
    SIGTRAP: ['#define 5', '5 5 5 5 5 5 5 5'],
    SIGABRT: ['#define 6', '6 6 6 6 6 6 6 6'],
    SIGBUS: ['extern const int', '7 7 10 10 10 10 10 7'],
    SIGFPE: ['#define 8', '8 8 8 8 8 8 8 8'],
    SIGKILL: ['#define 9', '9 9 9 9 9 9 9 9'],
    SIGUSR1: ['extern const int', '10 10 30 30 30 30 30 10'],
    SIGSEGV: ['#define 11', '11 11 11 11 11 11 11 11'],
    SIGUSR2: ['extern const int', '12 12 31 31 31 31 31 12'],
    SIGPIPE: ['#define 13', '13 13 13 13 13 13 13 13'],
    SIGALRM: ['#define 14', '14 14 14 14 14 14 14 14'],
    SIGTERM: ['#define 15', '15 15 15 15 15 15 15 15'],
    SIGSTKFLT: ['extern const int, no #define', '16 16 0 0 0 0 0 0'],
    SIGCHLD: ['extern const int', '17 17 20 20 20 20 20 17'],
    SIGCONT: ['extern const int', '18 18 19 19 19 19 19 18'],
    SIGSTOP: ['extern const int', '19 19 17 17 17 17 17 19'],
    SIGTSTP: ['extern const int', '20 20 18 18 18 18 18 20'],
    SIGTTIN: ['#define 21', '21 21 21 21 21 21 21 21'],
    SIGTTOU: ['#define 22', '22 22 22 22 22 22 22 22'],
    SIGURG: ['extern const int', '23 23 16 16 16 16 16 23'],
    SIGXCPU: ['#define 24', '24 24 24 24 24 24 24 24'],
    SIGXFSZ: ['#define 25', '25 25 25 25 25 25 25 25'],
    SIGVTALRM: ['#define 26', '26 26 26 26 26 26 26 26'],
    SIGPROF: ['#define 27', '27 27 27 27 27 27 27 27'],
    SIGWINCH: ['#define 28', '28 28 28 28 28 28 28 28'],
    SIGIO: ['extern const int, no #define', '29 29 23 23 23 23 23 29'],
    SIGPWR: ['extern const int', '30 30 30 30 30 30 32 30'],
    SIGSYS: ['extern const int', '31 31 12 12 12 12 12 31'],
    SIG_BLOCK: ['extern const int', '0 0 1 1 1 1 1 0'],
    SIG_UNBLOCK: ['extern const int', '1 1 2 2 2 2 2 1'],
    SIG_SETMASK: ['extern const int', '2 2 3 3 3 3 3 2'],
  },
  'libc/sysv/consts/so.h': {
    SO_DEBUG: ['#define 1', '1 1 1 1 1 1 1 1'],
    SO_REUSEADDR: ['extern const int', '2 2 4 4 4 4 4 -5'],
    SO_REUSEPORT: ['extern const int', '15 15 512 512 512 512 512 0'],
    SO_KEEPALIVE: ['extern const int', '9 9 8 8 8 8 8 8'],
    SO_DONTROUTE: ['extern const int', '5 5 16 16 16 16 16 16'],
    SO_BROADCAST: ['extern const int', '6 6 32 32 32 32 32 32'],
    SO_LINGER: ['extern const int', '13 13 4224 4224 128 128 128 128'],
    SO_OOBINLINE: ['extern const int', '10 10 256 256 256 256 256 256'],
    SO_SNDBUF: ['extern const int', '7 7 0x1001 0x1001 0x1001 0x1001 0x1001 0x1001'],
    SO_RCVBUF: ['extern const int', '8 8 0x1002 0x1002 0x1002 0x1002 0x1002 0x1002'],
    SO_RCVLOWAT: ['extern const int', '18 18 0x1004 0x1004 0x1004 0x1004 0x1004 0x1004'],
    SO_SNDLOWAT: ['extern const int', '19 19 0x1003 0x1003 0x1003 0x1003 0x1003 0x1003'],
    SO_RCVTIMEO: ['extern const int', '20 20 0x1006 0x1006 0x1006 0x1006 0x100c 0x1006'],
    SO_SNDTIMEO: ['extern const int', '21 21 0x1005 0x1005 0x1005 0x1005 0x100b 0x1005'],
    SO_ERROR: ['extern const int', '4 4 0x1007 0x1007 0x1007 0x1007 0x1007 0x1007'],
    SO_TYPE: ['extern const int', '3 3 0x1008 0x1008 0x1008 0x1008 0x1008 0x1008'],
    SO_ACCEPTCONN: ['extern const int', '30 30 2 2 2 2 2 2'],
  },
  'libc/sysv/consts/sock.h': {
    SOCK_STREAM: ['#define 1, extern const int', '1 1 1 1 1 1 1 1'],
    SOCK_DGRAM: ['#define 2, extern const int', '2 2 2 2 2 2 2 2'],
    SOCK_RAW: ['#define 3, extern const int', '3 3 3 3 3 3 3 3'],
    SOCK_SEQPACKET: ['#define 5, extern const int', '5 5 5 5 5 5 5 5'],
    SOCK_NONBLOCK: ['extern const int', '0x0800 0x0800 0x0800 0x0800 0x20000000 0x4000 0x20000000 0x00000800'],
    SOCK_CLOEXEC: ['extern const int', '0x080000 0x080000 0x080000 0x080000 0x10000000 0x8000 0x10000000 0x00080000'],
  },
  'libc/sysv/consts/sol.h': {
    SOL_SOCKET: ['extern const int', '1 1 0xffff 0xffff 0xffff 0xffff 0xffff 0xffff'],
  },
  'libc/sysv/consts/ss.h': {
    SS_ONSTACK: ['#define 1', '1 1 1 1 1 1 1 1'],
    SS_DISABLE: ['extern const int', '2 2 4 4 4 4 4 2'],
  },
  'libc/sysv/consts/tcp.h': {
    TCP_NODELAY: ['#define 1, extern const int', '1 1 1 1 1 1 1 1'],
    TCP_MAXSEG: ['extern const int', '2 2 2 2 2 2 2 0'],
    TCP_KEEPIDLE: ['extern const int', '4 4 0 0 0x100 0 3 3'],
    TCP_KEEPINTVL: ['extern const int', '5 5 0x101 0x101 0x200 0 5 17'],
    TCP_KEEPCNT: ['extern const int', '6 6 0x102 0x102 0x400 0 6 16'],
  },
  'libc/sysv/consts/termios.h': {
    TIOCGWINSZ: ['extern const uint64_t', '0x5413 0x5413 1074295912 1074295912 1074295912 1074295912 1074295912 0x5413'],
  },
  'libc/sysv/consts/timer.h': {
    TIMER_ABSTIME: ['#define 1'],
  },
  'libc/sysv/consts/utime.h': {
    UTIME_NOW: ['extern const int', '0x3fffffff 0x3fffffff -1 -1 -1 -2 0x3fffffff -2'],
    UTIME_OMIT: ['extern const int', '0x3ffffffe 0x3ffffffe -2 -2 -2 -1 0x3ffffffe -1'],
  },
  'libc/sysv/consts/w.h': {
    WNOHANG: ['#define 1, extern const int', '1 1 1 1 1 1 1 1'],
    WUNTRACED: ['extern const int', '2 2 2 2 2 2 2 0'],
    WCONTINUED: ['extern const int', '8 8 0x10 0x10 4 8 16 0'],
  },
};

/**
 * Names of src/runtime/boundary/domains.ts that cosmo 4.0.2 declares in no header (its whole libc/
 * tree was searched): C code that uses one does not compile under cosmocc.
 */
export const COSMO_UNDECLARED = Object.freeze([
  'MAP_STACK',
  'MAP_GROWSDOWN',
  'IPV6_ADD_MEMBERSHIP', // cosmo has the RFC 3493 name IPV6_JOIN_GROUP
  'IPV6_DROP_MEMBERSHIP', // and IPV6_LEAVE_GROUP
  'MSG_EOR',
  'MSG_CMSG_CLOEXEC'
]);

/**
 * @typedef {{ name: string, header: string, form: 'symbol', type: string, writable: boolean,
 *   ifdef: boolean, hosts?: Readonly<Record<Host, number>> }} SymbolConstant
 *   `type` as declared (`const unsigned`, `int`); `writable` when it has no `const`; `ifdef` when
 *   the header also says `#define NAME NAME`; `hosts` absent when consts.sh has no line for it.
 * @typedef {{ name: string, header: string, form: 'literal', value: number, externType?: string,
 *   hosts?: Readonly<Record<Host, number>> }} LiteralConstant
 * @typedef {{ name: string, header: string, form: 'alias', target: string, externType?: string }}
 *   AliasConstant
 * @typedef {SymbolConstant | LiteralConstant | AliasConstant} CosmoConstant
 */

/**
 * One integer term as gas reads it in `.uleb128`: decimal, 0x hex or 0b binary, maybe negative.
 * @param {string} token
 * @returns {bigint}
 */
function integerTerm(token) {
  const match = /^(-?)(0[xX][0-9a-fA-F]+|0[bB][01]+|[1-9][0-9]*|0)$/.exec(token);
  if (!match) throw new Error(`cosmo-constants: cannot read the value ${JSON.stringify(token)}`);
  const magnitude = BigInt(match[2].toLowerCase());
  return match[1] ? -magnitude : magnitude;
}

/**
 * A consts.sh value (a sum of products of integer terms, e.g. `0x0800`, `-1`, `0+1`, `128*1024`)
 * as the 8-byte symbol holds it, read as a signed 64-bit integer.
 * @param {string} text
 * @returns {number}
 */
export function sysconValue(text) {
  const sum = text
    .split('+')
    .map(product =>
      product
        .split('*')
        .map(integerTerm)
        .reduce((a, b) => a * b, 1n)
    )
    .reduce((a, b) => a + b, 0n);
  const value = Number(BigInt.asIntN(64, sum));
  if (!Number.isSafeInteger(value)) throw new Error(`cosmo-constants: ${text} is out of range`);
  return value;
}

/**
 * @param {string} name
 * @param {string | undefined} columns
 * @returns {Readonly<Record<Host, number>> | undefined}
 */
function hostColumns(name, columns) {
  if (columns === undefined) return undefined;
  const values = columns.trim().split(/\s+/);
  if (values.length !== HOSTS.length) {
    throw new Error(`cosmo-constants: ${name} has ${values.length} columns, not ${HOSTS.length}`);
  }
  return Object.freeze(
    /** @type {Record<Host, number>} */ (
      Object.fromEntries(HOSTS.map((host, i) => [host, sysconValue(values[i])]))
    )
  );
}

/**
 * @param {string} name
 * @param {string} header
 * @param {[string, string?]} entry
 * @returns {CosmoConstant}
 */
function parseEntry(name, header, [declaration, columns]) {
  const [first, second] = declaration.split(', ');
  const hosts = hostColumns(name, columns);
  const externType = second?.startsWith('extern ') ? second.slice(7) : undefined;
  const extern = /^extern (.+)$/.exec(first);
  if (extern) {
    const type = extern[1];
    const ifdef = second !== 'no #define';
    return { name, header, form: 'symbol', type, writable: !/^const /.test(type), ifdef, hosts };
  }
  const define = /^#define (\S+)$/.exec(first);
  if (!define) throw new Error(`cosmo-constants: cannot read the declaration of ${name}`);
  if (/^[A-Za-z_]\w*$/.test(define[1])) {
    return { name, header, form: 'alias', target: define[1], externType };
  }
  return { name, header, form: 'literal', value: sysconValue(define[1]), externType, hosts };
}

/** @type {Readonly<Record<string, CosmoConstant>>} every modelled name */
export const COSMO_CONSTANTS = Object.freeze(
  Object.fromEntries(
    Object.entries(DECLARED).flatMap(([header, names]) =>
      Object.entries(names).map(([name, entry]) => [
        name,
        Object.freeze(parseEntry(name, header, /** @type {[string, string?]} */ (entry)))
      ])
    )
  )
);

/** The headers the model has names from, as cosmo's paths. */
export const COSMO_CONSTANT_HEADERS = Object.freeze(Object.keys(DECLARED).sort());

/** @returns {SymbolConstant[]} the names that are 8-byte symbols start-up fills */
export function symbolConstants() {
  return Object.values(COSMO_CONSTANTS).filter(
    /** @returns {constant is SymbolConstant} */ constant => constant.form === 'symbol'
  );
}

/**
 * The value a name has for C code under cosmo on `host` (a literal's on every host, an alias's
 * target's), or undefined where consts.sh has no value for it.
 * @param {string} name
 * @param {Host} host
 * @returns {number | undefined}
 */
export function hostValue(name, host) {
  const constant = COSMO_CONSTANTS[name];
  if (!constant) throw new Error(`cosmo-constants: ${name} is not modelled`);
  if (constant.form === 'alias') return hostValue(constant.target, host);
  if (constant.form === 'literal') return constant.value;
  return constant.hosts?.[host];
}
