/**
 * The composed C of the runtime layer for one arch (tables, translation core, function shims,
 * syscall shim), from a small paired set (test/fixtures/boundary/small-set.json: a few names per
 * domain, Linux's x86_64 values) and the syscall values of the libc-distinct fixture. It must
 * compile warning-free with the host's gcc, as cosmocc compiles it (-O2 -Wall -Werror): glibc's
 * headers give literal constants where cosmo's give symbols, which is fine for a compile check;
 * <cosmo.h> is the stand-in runtime's. Values per host are test/integration's business.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import type { Arch } from '../../src/arch.js';
import { C_RUNTIME, C_TYPES } from '../../src/runtime/boundary/c-runtime.js';
import { C_INCLUDES, C_SHIMS } from '../../src/runtime/boundary/c-shims.js';
import type { CosmoConstant } from '../../src/runtime/boundary/cosmo-headers.js';
import { COSMO_ERRNO_HEADER, DOMAINS } from '../../src/runtime/boundary/domains.js';
import { shimSource } from '../../src/runtime/boundary/shim-source.js';
import { errnoDomain, tablesSource, type PairedDomain } from '../../src/runtime/boundary/tables.js';
import { readLinuxAbi, type LinuxAbi } from '../../src/runtime/linux-abi.js';
import { syscallShimSource } from '../../src/runtime/syscall-shim.js';
import { requireTool } from '../helpers/kit.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const STANDIN_RUNTIME = path.join(HERE, '../helpers/standin-runtime');
const SMALL_SET = path.join(HERE, '../fixtures/boundary/small-set.json');
const DISTINCT_LIBC = path.join(HERE, '../fixtures/runtime-shim/libc-distinct');
const COMPILERS: Record<Arch, string> = { x86_64: 'gcc', aarch64: 'aarch64-linux-gnu-gcc' };

const LINUX = (JSON.parse(readFileSync(SMALL_SET, 'utf8')) as { linux: Record<string, number> })
  .linux;

/**
 * Every domain with the fixture's names, paired as pairDomains pairs them: cosmo's name read at
 * run time, or 0 (dropped) / -1 (refused) for a name the domain lists as unpaired.
 */
function smallSet(): PairedDomain[] {
  const errnos = Object.keys(LINUX).filter(name => /^E[A-Z0-9]+$/.test(name));
  const cosmo = new Map<string, CosmoConstant>(
    errnos.map(name => [name, { form: 'symbol', type: 'errno_t', header: COSMO_ERRNO_HEADER }])
  );
  return [...DOMAINS, errnoDomain(cosmo)].map(domain => ({
    domain,
    pairs: domain.names
      .filter(name => LINUX[name] !== undefined)
      .map(name => {
        const cosmoName = domain.cosmoNames?.[name] ?? name;
        const droppable = domain.droppable?.[name] !== undefined;
        const unpaired = domain.unpaired?.[name] !== undefined;
        const hostExpression = !unpaired ? cosmoName : droppable ? '0' : '-1';
        return { name, cosmoName, linux: LINUX[name], hostExpression, droppable };
      })
  }));
}

let tmp: string;
let abi: LinuxAbi;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ape-shim-source-'));
  abi = await readLinuxAbi(DISTINCT_LIBC);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function source(arch: Arch, paired = smallSet()): string {
  return shimSource({ arch, abi, paired, cosmoccLabel: 'a test cosmocc' });
}

/** Compiles `text` as the action does (flags of shim-objects.ts); gcc's stderr on failure. */
function compile(arch: Arch, text: string): { status: number | null; stderr: string } {
  const file = path.join(tmp, `shim-${arch}.c`);
  writeFileSync(file, text);
  const compiler = requireTool(COMPILERS[arch]);
  const args = ['-c', '-O2', '-Wall', '-Werror', '-I', STANDIN_RUNTIME, '-o', `${file}.o`, file];
  const env = { ...process.env, LC_ALL: 'C' }; // plain quotes in gcc's messages
  const result = spawnSync(compiler, args, { encoding: 'utf8', env });
  return { status: result.status, stderr: result.stderr };
}

describe('shimSource', () => {
  it('is given every Linux name the C refers to (else the fixture needs it)', () => {
    const used = new Set(
      [...`${C_RUNTIME}${C_SHIMS}`.matchAll(/\bAPE_LINUX_([A-Z_0-9]+)\b/g)].map(m => m[1])
    );
    const given = new Set(smallSet().flatMap(domain => domain.pairs.map(pair => pair.name)));
    expect([...used].filter(name => !given.has(name))).toEqual([]);
  });

  it.each(['x86_64', 'aarch64'] as const)(
    'compiles with -Wall -Werror for %s',
    arch => {
      const result = compile(arch, source(arch));
      expect([result.status, result.stderr]).toEqual([0, '']);
    },
    60_000
  );

  it('fails to compile without a domain the shims use: the check has teeth', () => {
    const withoutSignal = smallSet().filter(domain => domain.domain.id !== 'signal');
    const result = compile('x86_64', source('x86_64', withoutSignal));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/error: 'ape_signal' undeclared/);
  }, 60_000);

  it('defines APE_LINUX_<NAME> as each pair’s Linux value, once per name', () => {
    const text = source('x86_64');
    const defines = [...text.matchAll(/^#define APE_LINUX_(\w+) \((-?\d+)L\)$/gm)];
    const defined = new Map(defines.map(([, name, value]) => [name, Number(value)]));
    expect(defines).toHaveLength(defined.size);
    const expected = new Map(smallSet().flatMap(d => d.pairs.map(p => [p.name, p.linux] as const)));
    expect(defined).toEqual(expected);
    expect(defined.get('AT_FDCWD')).toBe(-100);
    // identity names too: the tables prove them, the C may use them
    expect(defined.get('PROT_READ')).toBe(1);
  });

  it('sizes the lookup buffers to the largest table', () => {
    const largest = Math.max(...smallSet().map(domain => domain.pairs.length));
    expect(source('x86_64')).toContain(`\n#define APE_TABLE_MAX ${largest}\n`);
  });

  it('puts the parts in dependency order, and names its arch, libc and cosmocc', () => {
    const text = source('aarch64');
    expect(text).toContain("ape-action's runtime layer for aarch64");
    expect(text).toContain("Rust's libc 0.2.999-distinct bakes in");
    expect(text).toContain('(a test cosmocc)');
    const at = (part: string) => {
      const index = text.indexOf(part);
      expect(index).toBeGreaterThanOrEqual(0);
      return index;
    };
    const order = [
      at(C_INCLUDES),
      at('#define APE_LINUX_'),
      at('#define APE_TABLE_MAX'),
      at(C_TYPES),
      at(tablesSource(smallSet())),
      at(C_RUNTIME),
      at(C_SHIMS),
      at(syscallShimSource('aarch64', abi))
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
