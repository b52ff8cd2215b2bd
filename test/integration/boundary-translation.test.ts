/**
 * The boundary translation's C, as the action generates it (pairing the libc source std is built
 * with against the stand-in cosmocc's headers, which model cosmo 4.0.2's), linked with the values
 * cosmo's start-up gives each host and a recording fake of the libc beneath the shims
 * (test/helpers/boundary-harness.mjs). Linux values go in, the host's must reach the fake; the
 * host's answers come back, and Rust must read Linux's. Every expected host value is cosmo's own
 * table (test/helpers/cosmo-constants.mjs), never a number typed here.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Arch } from '../../src/arch.js';
import { readCosmoConstants } from '../../src/runtime/boundary/cosmo-headers.js';
import { shimSource } from '../../src/runtime/boundary/shim-source.js';
import { pairDomains } from '../../src/runtime/boundary/tables.js';
import {
  linuxConstants,
  parseLinuxAbi,
  readLibcConstantFiles
} from '../../src/runtime/linux-abi.js';
import { runWithHost } from '../helpers/boundary-harness.mjs';
import { hostValue } from '../helpers/cosmo-constants.mjs';
import { STD_VENDOR_DIR } from '../helpers/offline-vendor.mjs';
import { TOOLS, writeStandinInclude } from '../helpers/standin-cosmocc.mjs';

const FIXTURES = fileURLToPath(new URL('../fixtures/boundary-translation', import.meta.url));
const fixture = (name: string) => ({ name, text: readFileSync(path.join(FIXTURES, name), 'utf8') });

type Host =
  'linux' | 'linux_aarch64' | 'xnu' | 'xnu_aarch64' | 'freebsd' | 'openbsd' | 'netbsd' | 'windows';

/** The generated shim C for `arch`, as shim-objects.ts generates it. */
async function generatedShim(arch: Arch): Promise<string> {
  const include = mkdtempSync(path.join(tmpdir(), 'boundary-include-'));
  try {
    writeStandinInclude(include, [TOOLS[arch].cc]);
    const libcDir = readdirSync(STD_VENDOR_DIR).find(name => /^libc-0\.2\.\d+$/.test(name));
    const { version, files } = await readLibcConstantFiles(path.join(STD_VENDOR_DIR, `${libcDir}`));
    const cosmo = await readCosmoConstants(include);
    const linuxValue = (name: string) => linuxConstants(version, files, arch, [name]).get(name);
    const paired = pairDomains({ arch, libcVersion: version, linuxValue, cosmo });
    return shimSource({
      arch,
      abi: parseLinuxAbi(version, files),
      paired,
      cosmoccLabel: 'stand-in'
    });
  } finally {
    rmSync(include, { recursive: true, force: true });
  }
}

/** The program's output, split into its cases: case name -> lines. */
function cases(stdout: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  let current = '';
  for (const line of stdout.trim().split('\n')) {
    const start = /^case (\S+)$/.exec(line);
    if (start) result[(current = start[1])] = [];
    else result[current]?.push(line);
  }
  return result;
}

/** As the C side prints with %#x: the 32-bit pattern, `0` for zero. */
const hex = (value: number) => (value === 0 ? '0' : `0x${(value >>> 0).toString(16)}`);
const host = (name: string, on: Host): number => {
  const value = hostValue(name, on);
  if (value === undefined) throw new Error(`cosmo's table has no ${name} for ${on}`);
  return Number(value);
};

function runOn(on: Host, arch: Arch, shim: string) {
  const result = runWithHost({
    host: on,
    arch,
    sources: [{ name: 'shim.c', text: shim }, fixture('fake-libc.c'), fixture('driver.c')]
  });
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return cases(result.stdout);
}

describe('boundary translation against other hosts (x86_64)', () => {
  let shim: string;
  beforeAll(async () => {
    shim = await generatedShim('x86_64');
  });

  it("on XNU: open flags reach the fake in XNU's bits, errno 35 reads as EAGAIN (11)", () => {
    const out = runOn('xnu', 'x86_64', shim);
    const flags = host('O_CREAT', 'xnu') | host('O_EXCL', 'xnu') | host('O_CLOEXEC', 'xnu') | 2;
    expect(out['open-create']).toEqual([`open file flags=${hex(flags)}`, 'rc=3']);
    expect(host('EAGAIN', 'xnu')).toBe(35);
    expect(out['open-eagain']).toEqual([
      `open file flags=${hex(host('O_NONBLOCK', 'xnu'))}`,
      'rc=-1 errno=11'
    ]);
  });

  it('refuses a flag the host has no value for with EINVAL, without calling the host', () => {
    const out = runOn('xnu', 'x86_64', shim);
    expect(host('O_PATH', 'xnu') | 0).toBe(-1); // cosmo's 'no such flag here'
    expect(out['open-path-refused']).toEqual(['rc=-1 errno=22']);
  });

  it.each<Host>(['xnu', 'freebsd', 'openbsd', 'netbsd', 'windows', 'linux'])(
    'on %s: every case translates in and out with that host’s column',
    on => {
      const out = runOn(on, 'x86_64', shim);
      const value = (name: string) => host(name, on);
      const or = (...names: string[]) => names.reduce((bits, name) => bits | value(name), 0);
      expect(out['open-create'][0]).toBe(
        `open file flags=${hex(or('O_CREAT', 'O_EXCL', 'O_CLOEXEC') | 2)}`
      );
      expect(out['open-eagain']).toEqual([
        `open file flags=${hex(value('O_NONBLOCK'))}`,
        'rc=-1 errno=11'
      ]);
      expect(out['fcntl-getfl']).toEqual(['fcntl fd=3 command=3 arg=0', 'rc=0x802']);
      // MAP_STACK is a hint cosmo has no name for: dropped, never passed with Linux's bit
      expect(out['mmap-stack']).toEqual([
        `mmap prot=0x3 flags=${hex(or('MAP_PRIVATE', 'MAP_ANONYMOUS'))}`,
        'rc=mapped'
      ]);
      expect(out['socket-inet6']).toEqual([
        `socket domain=${value('AF_INET6')} type=${hex(or('SOCK_STREAM', 'SOCK_CLOEXEC'))} protocol=0`,
        'rc=3'
      ]);
      expect(out.sockopt).toEqual([
        `setsockopt fd=3 level=${hex(value('SOL_SOCKET'))} name=${hex(value('SO_REUSEADDR'))}`,
        `getsockopt fd=3 level=${hex(value('SOL_SOCKET'))} name=${hex(value('SO_ERROR'))}`,
        'rc=0 so_error=110'
      ]);
      expect(out['sigaction-sigbus']).toEqual([
        `sigaction signal=${value('SIGBUS')} flags=${hex(or('SA_SIGINFO', 'SA_ONSTACK'))}`,
        'rc=0',
        'handler signal=7'
      ]);
      expect(out['kill-usr1']).toEqual([`kill pid=42 signal=${value('SIGUSR1')}`, 'rc=0']);
      expect(out['clock-monotonic']).toEqual([
        `clock_gettime clock=${value('CLOCK_MONOTONIC')}`,
        'rc=0'
      ]);
      expect(out['waitpid-signaled']).toEqual([
        `waitpid pid=42 options=${hex(value('WNOHANG'))}`,
        'rc=42 status=7'
      ]);
    }
  );

  it('on Windows: POLLIN is two host bits, and a host that reports one of them reports readability', () => {
    const out = runOn('windows', 'x86_64', shim);
    expect(host('POLLIN', 'windows')).toBe(
      host('POLLRDNORM', 'windows') | host('POLLRDBAND', 'windows')
    );
    const events = host('POLLIN', 'windows') | host('POLLWRNORM', 'windows');
    expect(out.poll[0]).toBe(`poll events=${hex(events)}`);
    // the fake reports the host's POLLIN; Rust sees POLLIN | POLLRDNORM | POLLRDBAND (Linux's)
    expect(out.poll[1]).toBe('rc=1 events=0x101 revents=0xc1');
  });
});

describe('boundary translation on aarch64 (qemu)', () => {
  it.each<Host>(['xnu_aarch64', 'linux_aarch64'])(
    'on %s: open flags, errno and signals',
    async on => {
      const out = runOn(on, 'aarch64', await generatedShim('aarch64'));
      const value = (name: string) => host(name, on);
      expect(out['open-create'][0]).toBe(
        `open file flags=${hex(value('O_CREAT') | value('O_EXCL') | value('O_CLOEXEC') | 2)}`
      );
      expect(out['open-eagain'][1]).toBe('rc=-1 errno=11');
      expect(out['sigaction-sigbus'][2]).toBe('handler signal=7');
    }
  );
});
