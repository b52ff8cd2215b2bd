/**
 * cosmo's side of the boundary tables: how cosmocc's headers define a constant name (an 8-byte
 * symbol start-up fills, a literal, or an alias of either), read from header texts and from an
 * include/ laid out like cosmocc's.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  cIntegerLiteral,
  COSMO_CONSTANT_HEADERS,
  parseCosmoConstants,
  readCosmoConstantHeaders,
  readCosmoConstants
} from '../../src/runtime/boundary/cosmo-headers.js';

const O_H = 'libc/sysv/consts/o.h';

function parse(text: string, header = O_H) {
  return parseCosmoConstants(new Map([[header, text]]));
}

describe('cIntegerLiteral', () => {
  it('reads the literal forms C headers use', () => {
    expect(cIntegerLiteral('0')).toBe(0);
    expect(cIntegerLiteral('16')).toBe(16);
    expect(cIntegerLiteral('0x0800')).toBe(0x800);
    expect(cIntegerLiteral('0X1F')).toBe(31);
    expect(cIntegerLiteral('0100')).toBe(64); // octal
    expect(cIntegerLiteral('-1')).toBe(-1);
    expect(cIntegerLiteral('(-100)')).toBe(-100);
    expect(cIntegerLiteral(' ( 4 ) ')).toBe(4);
    expect(cIntegerLiteral('0x40000000u')).toBe(0x40000000);
    expect(cIntegerLiteral('1UL')).toBe(1);
    expect(cIntegerLiteral('(-1L)')).toBe(-1);
  });

  it('refuses what is not one integer literal', () => {
    for (const text of ['O_RDWR', '1 + 2', '(1 << 3)', '08', '0x', '1.0', '"1"', '', '-']) {
      expect([text, cIntegerLiteral(text)]).toEqual([text, undefined]);
    }
  });
});

describe('parseCosmoConstants', () => {
  it('reads extern declarations of any integer type as per-host symbols', () => {
    const constants = parse(
      [
        'extern const unsigned O_CREAT;',
        '#define O_CREAT O_CREAT',
        'extern const int MAP_SHARED;',
        '  extern const errno_t EAGAIN;',
        'extern const unsigned long FIONREAD;',
        'extern const uint32_t O_DIRECT;',
        'extern int CLOCK_MONOTONIC_RAW;',
        'extern const   long  long   BIG;'
      ].join('\n')
    );
    expect(Object.fromEntries(constants)).toEqual({
      O_CREAT: { form: 'symbol', type: 'unsigned', header: O_H },
      MAP_SHARED: { form: 'symbol', type: 'int', header: O_H },
      EAGAIN: { form: 'symbol', type: 'errno_t', header: O_H },
      FIONREAD: { form: 'symbol', type: 'unsigned long', header: O_H },
      O_DIRECT: { form: 'symbol', type: 'uint32_t', header: O_H },
      // not const: cosmo may change it after start-up, the shim reads it at every call anyway
      CLOCK_MONOTONIC_RAW: { form: 'symbol', type: 'int', header: O_H },
      BIG: { form: 'symbol', type: 'long long', header: O_H }
    });
  });

  it('reads literal defines: hex, octal, negative, parenthesised, suffixed, commented', () => {
    const constants = parse(
      [
        '#define O_RDONLY 0',
        '#define O_ACCMODE 0x3',
        '#define O_OCTAL 0100',
        '#define AT_FDCWD -100',
        '#define UTIME_X (-2)',
        '#define BIGFLAG 0x80000000u',
        '#  define SPACED 7 /* a comment */',
        '#define FN(x) ((x) + 1)',
        '#define EXPR (1 << 3)'
      ].join('\n')
    );
    const values = Object.fromEntries(
      [...constants].map(([name, c]) => [name, c.form === 'literal' ? c.value : c.form])
    );
    expect(values).toEqual({
      O_RDONLY: 0,
      O_ACCMODE: 3,
      O_OCTAL: 64,
      AT_FDCWD: -100,
      UTIME_X: -2,
      BIGFLAG: 0x80000000,
      SPACED: 7
    });
    expect(constants.get('AT_FDCWD')).toEqual({ form: 'literal', value: -100, header: O_H });
  });

  it('lets a literal define win over an extern of the same name, in any header order', () => {
    const headers = new Map([
      ['libc/sysv/consts/prot.h', '#define PROT_READ 1\n'],
      ['libc/sysv/consts/z.h', 'extern const int PROT_READ;\n#define PROT_READ PROT_READ\n']
    ]);
    expect(parseCosmoConstants(headers).get('PROT_READ')).toEqual({
      form: 'literal',
      value: 1,
      header: 'libc/sysv/consts/prot.h'
    });
    const same = parse('extern const int F_OK;\n#define F_OK 0\n');
    expect(same.get('F_OK')).toEqual({ form: 'literal', value: 0, header: O_H });
  });

  it('gives an alias the form of its target, through chains', () => {
    const constants = parseCosmoConstants(
      new Map([
        [
          'libc/sysv/consts/map.h',
          [
            'extern const int MAP_ANONYMOUS;',
            '#define MAP_ANONYMOUS MAP_ANONYMOUS',
            '#define MAP_ANON MAP_ANONYMOUS',
            '#define MAP_ANON2 MAP_ANON'
          ].join('\n')
        ],
        ['libc/errno.h', '#define EWOULDBLOCK EAGAIN\nextern const errno_t EAGAIN;\n'],
        ['libc/sysv/consts/o.h', '#define O_NDELAY O_NONBLOCK\n#define O_NONBLOCK 0x800\n']
      ])
    );
    const symbol = (header: string) => ({ form: 'symbol', type: 'int', header });
    expect(constants.get('MAP_ANON')).toEqual(symbol('libc/sysv/consts/map.h'));
    expect(constants.get('MAP_ANON2')).toEqual(symbol('libc/sysv/consts/map.h'));
    expect(constants.get('EWOULDBLOCK')).toEqual({
      form: 'symbol',
      type: 'errno_t',
      header: 'libc/errno.h'
    });
    expect(constants.get('O_NDELAY')).toEqual({
      form: 'literal',
      value: 0x800,
      header: 'libc/sysv/consts/o.h'
    });
  });

  it('takes `#define NAME NAME` as no definition, and ignores #undef and unresolved aliases', () => {
    const constants = parse(
      [
        '#define ONLY_IFDEF ONLY_IFDEF',
        '#undef O_CREAT',
        '#undef EAGAIN',
        '#define DANGLING NOT_DEFINED_ANYWHERE',
        '#define LOOP_A LOOP_B',
        '#define LOOP_B LOOP_A'
      ].join('\n')
    );
    expect([...constants.keys()]).toEqual([]);
  });

  it('ignores declarations that are not at the start of a line, or not of a plain name', () => {
    const constants = parse(
      [
        '/* extern const int COMMENTED; */',
        'extern const int ARRAY[4];',
        'extern int function(void);',
        'int not_extern;'
      ].join('\n')
    );
    expect([...constants.keys()]).toEqual([]);
  });
});

describe('readCosmoConstantHeaders on an include/ laid out like cosmocc’s', () => {
  let include: string;

  beforeAll(() => {
    include = mkdtempSync(path.join(os.tmpdir(), 'ape-cosmo-include-'));
    const write = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(include, rel)), { recursive: true });
      writeFileSync(path.join(include, rel), text);
    };
    write('libc/sysv/consts/o.h', 'extern const unsigned O_CREAT;\n#define O_CREAT O_CREAT\n');
    write('libc/sysv/consts/at.h', '#define AT_FDCWD -100\n');
    write('libc/sysv/consts/notes.txt', 'extern const int NOT_A_HEADER;\n');
    write('libc/sysv/consts/map.internal.h', 'extern const int MAP_INTERNAL;\n');
    write('libc/errno.h', 'extern const errno_t EAGAIN;\n#define EWOULDBLOCK EAGAIN\n');
    write('libc/runtime/sysconf.h', '#define _SC_PAGESIZE 30\n');
    // posix_spawn.h is missing: a cosmocc without it simply contributes nothing from it
    write('libc/calls/calls.h', 'extern const int ELSEWHERE;\n');
  });
  afterAll(() => rmSync(include, { recursive: true, force: true }));

  it('reads every .h of the consts directory and the listed single headers, in order', async () => {
    const headers = await readCosmoConstantHeaders(include);
    expect([...headers.keys()]).toEqual([
      'libc/sysv/consts/at.h',
      'libc/sysv/consts/map.internal.h',
      'libc/sysv/consts/o.h',
      'libc/errno.h',
      'libc/runtime/sysconf.h'
    ]);
    expect(COSMO_CONSTANT_HEADERS).toContain('libc/proc/posix_spawn.h');
  });

  it('parses them into forms, by name', async () => {
    const constants = await readCosmoConstants(include);
    expect(Object.fromEntries(constants)).toEqual({
      O_CREAT: { form: 'symbol', type: 'unsigned', header: 'libc/sysv/consts/o.h' },
      AT_FDCWD: { form: 'literal', value: -100, header: 'libc/sysv/consts/at.h' },
      MAP_INTERNAL: { form: 'symbol', type: 'int', header: 'libc/sysv/consts/map.internal.h' },
      EAGAIN: { form: 'symbol', type: 'errno_t', header: 'libc/errno.h' },
      EWOULDBLOCK: { form: 'symbol', type: 'errno_t', header: 'libc/errno.h' },
      _SC_PAGESIZE: { form: 'literal', value: 30, header: 'libc/runtime/sysconf.h' }
    });
  });

  it('finds nothing in an include/ without cosmo’s headers', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'ape-cosmo-empty-'));
    try {
      expect((await readCosmoConstants(empty)).size).toBe(0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
