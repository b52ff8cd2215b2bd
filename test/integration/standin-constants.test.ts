/**
 * The stand-in cosmocc's model of cosmo 4.0.2's constants (test/helpers/cosmo-constants.mjs):
 * it covers every name the boundary translation handles, its Linux columns agree with glibc's
 * own values where the two should (the known exceptions are facts about cosmo, listed), and C
 * compiled by the stand-in sees cosmo's forms: variables for most names, with the Linux value of
 * the arch at run time, and the compile errors real cosmocc gives for constant-expression uses.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCosmoConstants } from '../../src/runtime/boundary/cosmo-headers.js';
import { C_INCLUDES } from '../../src/runtime/boundary/c-shims.js';
import { DOMAINS } from '../../src/runtime/boundary/domains.js';
import {
  COSMO_CONSTANTS,
  COSMO_UNDECLARED,
  HOSTS,
  hostValue,
  symbolConstants,
  sysconValue
} from '../helpers/cosmo-constants.mjs';
import { requireTools } from '../helpers/kit.mjs';
import { GLIBC_CONSTANT_HEADERS, makeStandinCosmocc } from '../helpers/standin-cosmocc.mjs';

type Arch = 'x86_64' | 'aarch64';
const ARCHES: Arch[] = ['x86_64', 'aarch64'];
const HOST_CC: Record<Arch, string> = { x86_64: 'gcc', aarch64: 'aarch64-linux-gnu-gcc' };
const LINUX_COLUMN = { x86_64: 'linux', aarch64: 'linux_aarch64' } as const;

/**
 * Where cosmo's Linux column is not glibc's value, read in consts.sh and cosmo's sources:
 * facts the boundary translation has to know, not errors of the model.
 */
const GLIBC_DIFFERS: Record<string, { arches: Arch[]; why: string }> = {
  MAP_FIXED_NOREPLACE: {
    arches: ['x86_64', 'aarch64'],
    why: "cosmo's own bit 0x08000000 on every host; its mmap (libc/intrin/mmap.c) turns it into Linux's 0x100000"
  },
  O_LARGEFILE: {
    arches: ['x86_64', 'aarch64'],
    why: "glibc defines it as 0 on 64-bit targets; cosmo has the kernel's bit (0x8000, aarch64 0x20000)"
  },
  MAP_HUGETLB: { arches: ['aarch64'], why: 'cosmo says -1 (unsupported) for Linux on aarch64' }
};

let dir: string;
let cosmocc: string;

beforeAll(() => {
  requireTools(['gcc', 'g++', 'aarch64-linux-gnu-gcc', 'qemu-aarch64-static']);
  dir = mkdtempSync(path.join(tmpdir(), 'standin-constants-'));
  cosmocc = makeStandinCosmocc(path.join(dir, 'cosmocc'));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(arch: Arch, program: string) {
  const [command, argv] = arch === 'aarch64' ? ['qemu-aarch64-static', [program]] : [program, []];
  return spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
}

/** Compiles `text` with the stand-in's compiler for `arch`; the spawn result. */
function standin(arch: Arch, text: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const source = path.join(dir, `t-${arch}-${Math.random().toString(36).slice(2)}.c`);
  writeFileSync(source, text);
  const compiler = path.join(cosmocc, 'bin', `${arch}-unknown-cosmo-cc`);
  return spawnSync(compiler, [...args, source], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...env }
  });
}

function values(stdout: string): Record<string, number> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map(line => [line.split(' ')[0], Number(line.split(' ')[1])])
  );
}

describe('the model of cosmo 4.0.2 constants', () => {
  it('covers every name of the boundary domains, declared by cosmo or listed as undeclared', () => {
    const domainNames = DOMAINS.flatMap(domain => [
      ...domain.names.map(name => domain.cosmoNames?.[name] ?? name),
      ...Object.values(domain.cosmoNames ?? {})
    ]);
    const unknown = domainNames.filter(
      name => !(name in COSMO_CONSTANTS) && !COSMO_UNDECLARED.includes(name)
    );
    expect(unknown).toEqual([]);
    expect(Object.keys(COSMO_CONSTANTS)).not.toEqual(expect.arrayContaining([...COSMO_UNDECLARED]));
  });

  it('reads consts.sh values as the 8-byte .quad holds them (signed 64-bit)', () => {
    expect(sysconValue('-1')).toBe(-1);
    expect(sysconValue('0x8004667e')).toBe(0x8004667e);
    expect(sysconValue('0b0000000000010000')).toBe(16);
    expect(sysconValue('0+1')).toBe(1);
    expect(sysconValue('128*1024')).toBe(131072);
    expect(() => sysconValue('1<<3')).toThrow(/cannot read the value/);
  });

  it('has a value in every host column for each symbol, and knows the forms cosmo declares', () => {
    for (const constant of symbolConstants()) {
      expect(Object.keys(constant.hosts ?? {})).toEqual([...HOSTS]);
    }
    expect(COSMO_CONSTANTS['O_CREAT']).toMatchObject({ form: 'symbol', type: 'const unsigned' });
    expect(COSMO_CONSTANTS['CLOCK_MONOTONIC_RAW']).toMatchObject({ type: 'int', writable: true });
    expect(COSMO_CONSTANTS['MAP_FIXED']).toMatchObject({ form: 'literal', value: 16 });
    expect(COSMO_CONSTANTS['EWOULDBLOCK']).toMatchObject({ form: 'alias', target: 'EAGAIN' });
    expect(hostValue('EAGAIN', 'xnu')).toBe(35);
    expect(hostValue('AT_FDCWD', 'xnu_aarch64')).toBe(-2);
  });

  it.each(ARCHES)(
    "%s: after every header the shims include, each of cosmo's symbol constants is still the symbol (no glibc literal slips back in)",
    arch => {
      const source = path.join(dir, `shim-headers-${arch}.c`);
      writeFileSync(source, C_INCLUDES);
      const compiler = path.join(cosmocc, 'bin', `${arch}-unknown-cosmo-cc`);
      const macros = spawnSync(compiler, ['-E', '-dM', source], { encoding: 'utf8' });
      expect(macros.stderr).toBe('');
      // cosmo writes `#define NAME NAME` after most declarations and none after some (errnos):
      // either way, no other body
      const literal = symbolConstants()
        .map(constant => constant.name)
        .filter(name => new RegExp(`^#define ${name} (?!${name}$)`, 'm').test(macros.stdout));
      expect(literal).toEqual([]);
    }
  );

  it.each(ARCHES)(
    "%s: the Linux column is glibc's own value wherever glibc defines the name",
    arch => {
      const names = Object.keys(COSMO_CONSTANTS);
      const source = path.join(dir, `glibc-values-${arch}.c`);
      writeFileSync(
        source,
        `#define _GNU_SOURCE\n${GLIBC_CONSTANT_HEADERS.map(h => `#include <${h}>`).join('\n')}\n` +
          '#include <stdio.h>\nint main(void) {\n' +
          names
            .map(n => `#ifdef ${n}\n  printf("${n} %lld\\n", (long long)(${n}));\n#endif`)
            .join('\n') +
          '\n  return 0;\n}\n'
      );
      const program = path.join(dir, `glibc-values-${arch}`);
      const built = spawnSync(HOST_CC[arch], ['-static', '-o', program, source], {
        encoding: 'utf8'
      });
      expect(built.stderr).toBe('');
      const glibc = values(run(arch, program).stdout);
      const differences = Object.entries(glibc)
        .filter(([name, value]) => hostValue(name, LINUX_COLUMN[arch]) !== value)
        .map(([name]) => name);
      const expected = Object.entries(GLIBC_DIFFERS)
        .filter(([, known]) => known.arches.includes(arch))
        .map(([name]) => name);
      expect(differences.sort()).toEqual(expected.sort());
      // glibc lacks only the XNU/BSD errnos: every other modelled name was compared
      const lacking = names.filter(name => !(name in glibc));
      expect(lacking.filter(name => !/^E[A-Z0-9]+$/.test(name))).toEqual([]);
    }
  );
});

describe("the stand-in cosmocc's headers and runtime", () => {
  it("declare every modelled name in the form the action's header parser expects", async () => {
    const parsed = await readCosmoConstants(path.join(cosmocc, 'include'));
    for (const [name, constant] of Object.entries(COSMO_CONSTANTS)) {
      const form =
        constant.form === 'alias' ? COSMO_CONSTANTS[constant.target].form : constant.form;
      expect([name, parsed.get(name)?.form]).toEqual([name, form]);
      if (constant.form === 'literal')
        expect(parsed.get(name)).toMatchObject({ value: constant.value });
    }
  });

  it.each(ARCHES)(
    "%s: C sees cosmo's variables, holding the arch's Linux column at run time",
    arch => {
      const result = standin(
        arch,
        `#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
int main(void) {
  printf("O_CREAT %u\\nO_DIRECTORY %u\\nEAGAIN %d\\nEWOULDBLOCK %d\\nSOCK_NONBLOCK %d\\n",
         O_CREAT, O_DIRECTORY, EAGAIN, EWOULDBLOCK, SOCK_NONBLOCK);
  CLOCK_MONOTONIC_RAW = CLOCK_MONOTONIC_RAW; /* cosmo declares it without const */
  printf("CLOCK_MONOTONIC_RAW %d\\nO_RDONLY %d\\n", CLOCK_MONOTONIC_RAW, O_RDONLY);
  errno = 0;
  int fd = open("/nonexistent/ape-standin", O_RDONLY);
  printf("open-fails-with-ENOENT %d\\n", fd == -1 && errno == ENOENT);
  return 0;
}
`,
        ['-O2', '-o', `vars-${arch}`]
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const seen = values(run(arch, path.join(dir, `vars-${arch}`)).stdout);
      const column = LINUX_COLUMN[arch];
      for (const name of ['O_CREAT', 'O_DIRECTORY', 'EAGAIN', 'EWOULDBLOCK', 'SOCK_NONBLOCK']) {
        expect([name, seen[name]]).toEqual([name, hostValue(name, column)]);
      }
      expect(seen['O_DIRECTORY']).toBe(arch === 'x86_64' ? 0x10000 : 0x4000);
      expect(seen['CLOCK_MONOTONIC_RAW']).toBe(4);
      expect(seen['O_RDONLY']).toBe(0);
      expect(seen['open-fails-with-ENOENT']).toBe(1);
    }
  );

  it('refuses what cosmocc refuses: a case label or a static initializer from a variable', () => {
    const switchOn = standin(
      'x86_64',
      '#include <fcntl.h>\nint f(int x) { switch (x) { case O_CREAT: return 1; } return 0; }\n',
      ['-c', '-o', 'switch.o']
    );
    expect(switchOn.status).not.toBe(0);
    expect(switchOn.stderr).toMatch(/case label does not reduce to an integer constant/);
    const initializer = standin(
      'aarch64',
      '#include <errno.h>\nstatic int e = EAGAIN;\nint *p = &e;\n',
      ['-c', '-o', 'init.o']
    );
    expect(initializer.status).not.toBe(0);
    expect(initializer.stderr).toMatch(/initializer element is not constant/);
  });

  it('keeps the literals constant and hides what cosmo does not declare', () => {
    const literals = standin(
      'x86_64',
      `#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
int f(int x) { switch (x) { case O_RDONLY: case SIGHUP: case MAP_FIXED: return 1; } return 0; }
#ifndef O_CREAT
#error cosmo defines O_CREAT as itself
#endif
#ifdef O_DSYNC
#error cosmo declares O_DSYNC without a #define
#endif
`,
      ['-c', '-o', 'literals.o']
    );
    expect(literals.stderr).toBe('');
    expect(literals.status).toBe(0);
    const undeclared = standin(
      'x86_64',
      '#include <sys/socket.h>\nint f(void) { return MSG_EOR; }\n',
      ['-c', '-o', 'eor.o']
    );
    expect(undeclared.status).not.toBe(0);
    expect(undeclared.stderr).toMatch(/.MSG_EOR. undeclared/);
  });

  it("compiles C++ against cosmo's forms too", () => {
    const source = path.join(dir, 'constants.cc');
    writeFileSync(
      source,
      '#include <fcntl.h>\nunsigned creat_flag() { return O_CREAT | O_EXCL; }\n'
    );
    const result = spawnSync(
      path.join(cosmocc, 'bin', 'x86_64-unknown-cosmo-c++'),
      ['-c', '-o', 'cc.o', source],
      { cwd: dir, encoding: 'utf8' }
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('APE_STANDIN_NO_C_ABI=1 (a fixture standing for Rust code) skips the constant model', () => {
    const result = standin(
      'x86_64',
      '#include <fcntl.h>\nint f(int x) { switch (x) { case O_CREAT: return 1; } return 0; }\n',
      ['-c', '-o', 'no-abi.o'],
      { APE_STANDIN_NO_C_ABI: '1' }
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
