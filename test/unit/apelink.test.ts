import { describe, expect, it } from '@jest/globals';
import { apelinkArgv } from '../../src/ape/apelink.js';
import type { Arch } from '../../src/arch.js';
import { cosmoccTools } from '../../src/cosmocc/tools.js';
import { planArches } from '../../src/plan.js';

const tools = cosmoccTools('/c');

/** The inputs the fuse stage hands apelink: per arch of the plan, in the plan's order. */
function inputs(files: Partial<Record<Arch, string>>): Array<{ arch: Arch; file: string }> {
  const arches = Object.keys(files) as Arch[];
  const plan = planArches(arches, { workDir: '/w', targetDirectory: '/t', profile: 'release' });
  return plan.map(entry => ({ arch: entry.arch, file: files[entry.arch] as string }));
}

describe('apelinkArgv', () => {
  it('one arch: its loader, no Apple Silicon loader source', () => {
    expect(
      apelinkArgv({ tools, inputs: inputs({ x86_64: '/t/x/hello' }), output: '/o/hello.com' })
    ).toEqual(['-l', '/c/bin/ape-x86_64.elf', '-o', '/o/hello.com', '/t/x/hello']);
  });
  it('aarch64 alone still embeds ape-m1.c (arm64 macOS starts through it)', () => {
    expect(
      apelinkArgv({ tools, inputs: inputs({ aarch64: '/t/a/hello' }), output: '/o/hello.com' })
    ).toEqual([
      '-l',
      '/c/bin/ape-aarch64.elf',
      '-M',
      '/c/bin/ape-m1.c',
      '-o',
      '/o/hello.com',
      '/t/a/hello'
    ]);
  });
  it('two arches: both loaders, -M, inputs in the same order as the loaders', () => {
    expect(
      apelinkArgv({
        tools,
        inputs: inputs({ aarch64: '/t/a/hello', x86_64: '/t/x/hello' }),
        output: '/o/hello.com'
      })
    ).toEqual([
      '-l',
      '/c/bin/ape-x86_64.elf',
      '-l',
      '/c/bin/ape-aarch64.elf',
      '-M',
      '/c/bin/ape-m1.c',
      '-o',
      '/o/hello.com',
      '/t/x/hello',
      '/t/a/hello'
    ]);
  });
  it('several bins: one call each, nothing shared but the loaders', () => {
    const calls = ['a', 'b'].map(name =>
      apelinkArgv({
        tools,
        inputs: inputs({ x86_64: `/t/x/${name}`, aarch64: `/t/a/${name}` }),
        output: `/o/${name}.com`
      })
    );
    expect(calls[0].slice(-3)).toEqual(['/o/a.com', '/t/x/a', '/t/a/a']);
    expect(calls[1].slice(-3)).toEqual(['/o/b.com', '/t/x/b', '/t/a/b']);
    expect(calls[0].slice(0, 6)).toEqual(calls[1].slice(0, 6));
  });
  it('refuses an empty call', () => {
    expect(() => apelinkArgv({ tools, inputs: inputs({}), output: '/o/x.com' })).toThrow(
      /at least one/
    );
  });
});
