/**
 * The boundary harness (test/helpers/boundary-harness.mjs) itself: C compiled as the stand-in
 * cosmocc compiles it sees cosmo's constants as variables, and the harness gives them the values
 * of the host a test names, as cosmo's start-up would there. A recording fake of a libc function
 * wins over glibc's for the calls the program makes.
 */
import { describe, expect, it } from '@jest/globals';
import { HarnessBuildError, runWithHost } from '../helpers/boundary-harness.mjs';

const PRINT_CONSTANTS = {
  name: 'print.c',
  text: `#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
int main(void) {
  printf("O_CREAT %#x\\nEAGAIN %d\\nO_DIRECTORY %#x\\n", O_CREAT, EAGAIN, O_DIRECTORY);
  return 0;
}
`
};

function lines(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map(line => line.split(' ', 2))
  );
}

describe('runWithHost', () => {
  it("gives C the host's values: xnu 0x200 and 35, linux 0x40 and 11", () => {
    const xnu = runWithHost({ host: 'xnu', sources: [PRINT_CONSTANTS] });
    expect(xnu.exitCode).toBe(0);
    expect(lines(xnu.stdout)).toMatchObject({ O_CREAT: '0x200', EAGAIN: '35' });
    const linux = runWithHost({ host: 'linux', sources: [PRINT_CONSTANTS] });
    expect(linux.exitCode).toBe(0);
    expect(lines(linux.stdout)).toMatchObject({ O_CREAT: '0x40', EAGAIN: '11' });
    expect(linux.missing).toEqual([]);
  });

  it('builds and runs aarch64 programs under qemu with that arch column (O_DIRECTORY 0x4000)', () => {
    const result = runWithHost({
      host: 'linux_aarch64',
      arch: 'aarch64',
      sources: [PRINT_CONSTANTS]
    });
    expect(result.exitCode).toBe(0);
    expect(lines(result.stdout)).toEqual({ O_CREAT: '0x40', EAGAIN: '11', O_DIRECTORY: '0x4000' });
  });

  it("lets a recording fake of open() see exactly what the code under test passes (a shim's view)", () => {
    const shim = {
      name: 'shim.c',
      text: `#include <fcntl.h>
int shim_create(const char *path) { return open(path, O_CREAT | O_EXCL | O_CLOEXEC, 0600); }
`
    };
    const fakeAndDriver = {
      name: 'driver.c',
      text: `#include <stdio.h>
static int seen_flags = -1;
int open(const char *path, int flags, ...) { (void)path; seen_flags = flags; return 42; }
int shim_create(const char *path);
int main(void) {
  int fd = shim_create("/nonexistent/dir/file");
  printf("fd %d\\nflags %#x\\n", fd, seen_flags);
  return 0;
}
`
    };
    // XNU: O_CREAT 0x200 | O_EXCL 0x800 | O_CLOEXEC 0x1000000
    const xnu = runWithHost({ host: 'xnu', sources: [shim, fakeAndDriver] });
    expect(lines(xnu.stdout)).toEqual({ fd: '42', flags: '0x1000a00' });
    const freebsd = runWithHost({ host: 'freebsd', sources: [shim, fakeAndDriver] });
    expect(lines(freebsd.stdout)['flags']).toBe('0x100a00');
  });

  it('`switch (x) { case O_CREAT: }` no longer compiles: O_CREAT is a variable, as under cosmocc', () => {
    const source = {
      name: 'switch.c',
      text: `#include <fcntl.h>
int kind(int flags) {
  switch (flags) {
    case O_CREAT: return 1;
    default: return 0;
  }
}
int main(void) { return kind(0); }
`
    };
    const build = () => runWithHost({ host: 'linux', sources: [source] });
    expect(build).toThrow(HarnessBuildError);
    expect(build).toThrow(
      /compiling switch\.c failed[\s\S]*case label does not reduce to an integer constant/
    );
  });

  it('leaves a name the host has no value for undefined: a use fails to link, naming it', () => {
    const overrides = { O_CREAT: undefined };
    const build = () => runWithHost({ host: 'openbsd', sources: [PRINT_CONSTANTS], overrides });
    expect(build).toThrow(
      /linking for openbsd \(openbsd has no value for O_CREAT\) failed[\s\S]*undefined reference to .O_CREAT./
    );
    const unused = runWithHost({
      host: 'openbsd',
      overrides,
      sources: [{ name: 'main.c', text: 'int main(void) { return 0; }\n' }]
    });
    expect(unused.exitCode).toBe(0);
    expect(unused.missing).toEqual(['O_CREAT']);
  });
});
