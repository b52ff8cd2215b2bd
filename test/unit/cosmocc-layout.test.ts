import { describe, expect, it } from '@jest/globals';
import { ActionError } from '../../src/errors.js';
import {
  detectCosmoccRoot,
  formatToolProblems,
  mustBeExecutable
} from '../../src/cosmocc/layout.js';
import { requiredCosmoccTools } from '../../src/cosmocc/tools.js';

describe('detectCosmoccRoot', () => {
  it('finds bin/ at the top, as in the official zip', () => {
    expect(detectCosmoccRoot(['bin/', 'bin/cosmocc', 'include/', 'lib/', 'README.md'])).toBe('');
  });

  it('accepts ./ prefixes', () => {
    expect(detectCosmoccRoot(['./bin/', './bin/cosmocc'])).toBe('');
  });

  it('finds bin/ inside exactly one wrapping folder', () => {
    expect(detectCosmoccRoot(['cosmocc-4.0.2/', 'cosmocc-4.0.2/bin/', 'cosmocc-4.0.2/lib/'])).toBe(
      'cosmocc-4.0.2'
    );
  });

  it('ignores a __MACOSX folder next to the wrapping folder', () => {
    expect(detectCosmoccRoot(['__MACOSX/', '__MACOSX/x/', 'cosmocc/', 'cosmocc/bin/'])).toBe(
      'cosmocc'
    );
  });

  it('refuses two top-level folders, naming them', () => {
    expect(() => detectCosmoccRoot(['a/', 'a/bin/', 'b/', 'b/bin/'])).toThrow(
      /no bin\/ folder .*top-level entries: a, b/
    );
  });

  it('refuses a wrapping folder without bin/', () => {
    expect(() => detectCosmoccRoot(['stuff/', 'stuff/lib/'])).toThrow(ActionError);
  });

  it('refuses a file named bin', () => {
    expect(() => detectCosmoccRoot(['bin', 'README'])).toThrow(/top-level entries: README, bin\)/);
  });

  it('says so for an empty zip', () => {
    expect(() => detectCosmoccRoot([])).toThrow(/the zip is empty/);
  });
});

describe('requiredCosmoccTools', () => {
  it('needs only the drivers, archiver and apelink in setup mode', () => {
    expect(requiredCosmoccTools('setup', ['x86_64', 'aarch64'])).toEqual([
      'cosmocc',
      'cosmoc++',
      'cosmoar',
      'apelink'
    ]);
  });

  it('adds the x86_64 compilers and loader for an x86_64 build, and no ape-m1.c', () => {
    expect(requiredCosmoccTools('build', ['x86_64'])).toEqual([
      'cosmocc',
      'cosmoc++',
      'cosmoar',
      'apelink',
      'x86_64-unknown-cosmo-cc',
      'x86_64-unknown-cosmo-c++',
      'ape-x86_64.elf'
    ]);
  });

  it('adds ape-m1.c whenever aarch64 is built', () => {
    const tools = requiredCosmoccTools('build', ['aarch64']);
    expect(tools).toContain('aarch64-unknown-cosmo-cc');
    expect(tools).toContain('aarch64-unknown-cosmo-c++');
    expect(tools).toContain('ape-aarch64.elf');
    expect(tools).toContain('ape-m1.c');
    expect(tools).not.toContain('ape-x86_64.elf');
  });

  it('covers both arches for a fat build', () => {
    expect(requiredCosmoccTools('build', ['x86_64', 'aarch64'])).toHaveLength(4 + 3 + 3 + 1);
  });
});

describe('tool problems', () => {
  it('does not ask for execute bits on loaders and loader source', () => {
    expect(mustBeExecutable('ape-x86_64.elf')).toBe(false);
    expect(mustBeExecutable('ape-m1.c')).toBe(false);
    expect(mustBeExecutable('cosmocc')).toBe(true);
    expect(mustBeExecutable('x86_64-unknown-cosmo-c++')).toBe(true);
  });

  it('lists every missing and non-executable tool, the directory and the fix', () => {
    const message = formatToolProblems(
      '/opt/cosmo',
      { missing: ['apelink', 'ape-m1.c'], notExecutable: ['cosmocc'] },
      'Do the thing.'
    );
    expect(message).toBe(
      'cosmocc at /opt/cosmo is incomplete: missing bin/apelink, bin/ape-m1.c; ' +
        'not executable bin/cosmocc (file modes were lost; chmod +x them). Do the thing.'
    );
  });
});
