import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import {
  arWrapperScript,
  ADDED_LINKER_FLAGS,
  DROPPED_LINKER_FLAGS,
  linkerWrapperScript,
  shellQuote
} from '../../src/rust/linker-wrapper.js';
import { cosmoccTools } from '../../src/cosmocc/tools.js';
import { planTargets } from '../../src/plan.js';

describe('linkerWrapperScript', () => {
  const script = linkerWrapperScript('x86_64', '/opt/cosmo cc/bin/x86_64-unknown-cosmo-cc');

  it('is a POSIX sh script that names its arch', () => {
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain('ape-action linker for x86_64');
    expect(script).not.toMatch(/#!\/bin\/bash|\[\[|\beval\b|\blocal\b/);
  });

  it('execs the quoted compiler path with the rebuilt arguments', () => {
    expect(script).toContain("compiler='/opt/cosmo cc/bin/x86_64-unknown-cosmo-cc'\n");
    expect(script).toContain('exec "$compiler" "$@"\n');
    expect(script).toContain('for arg; do\n  shift\n');
    expect(script).toContain('  set -- "$@" "$arg"\ndone\n');
  });

  it('drops every listed flag, quoted as a literal case pattern', () => {
    const pattern = DROPPED_LINKER_FLAGS.map(flag => `'${flag}'`).join(' | ');
    expect(script).toContain(`    ${pattern})\n      continue\n`);
    for (const flag of [
      '-lunwind',
      '-Wl,-Bdynamic',
      '-Wl,-Bstatic',
      '-Wl,--strip-all',
      '-Wl,--strip-debug',
      '-s'
    ]) {
      expect(DROPPED_LINKER_FLAGS).toContain(flag);
    }
    expect(DROPPED_LINKER_FLAGS).not.toContain('-lc');
  });

  it('drops the same flags from response files', () => {
    const grep = DROPPED_LINKER_FLAGS.map(flag => `-e '${flag}'`).join(' ');
    expect(script).toContain(`grep -v -x -F ${grep} "\${arg#@}"`);
  });

  it('appends the waitid alias after the rebuilt arguments', () => {
    expect(ADDED_LINKER_FLAGS).toEqual(['-Wl,--defsym,waitid=enosys']);
    expect(script).toContain('set -- "$@" \'-Wl,--defsym,waitid=enosys\'\n');
  });

  it('prints its argv only under the runner debug flag or APE_ACTION_DEBUG', () => {
    expect(script).toContain(
      'if [ "${RUNNER_DEBUG:-}" = 1 ] || [ "${APE_ACTION_DEBUG:-}" = 1 ]; then'
    );
    expect(script).toMatch(/printf [^\n]* >&2/);
  });

  it('calls the aarch64 compiler for aarch64', () => {
    const arm = linkerWrapperScript('aarch64', cosmoccTools('/c').compiler('aarch64'));
    expect(arm).toContain("compiler='/c/bin/aarch64-unknown-cosmo-cc'\n");
    expect(arm).toContain('ape-action linker (aarch64)');
  });
});

describe('helpers', () => {
  it('quotes for sh, including single quotes', () => {
    expect(shellQuote('plain')).toBe("'plain'");
    expect(shellQuote("it's $HOME")).toBe("'it'\\''s $HOME'");
  });

  it('names the wrapper after the target', () => {
    expect(path.basename(planTargets(['x86_64'], '/w')[0].linker)).toBe(
      'x86_64-unknown-linux-cosmo-linker'
    );
  });
});

describe('arWrapperScript', () => {
  it('runs cosmoar through sh, path quoted, arguments passed on', () => {
    expect(arWrapperScript('/opt/cosmo cc/bin/cosmoar')).toBe(
      `#!/bin/sh\nexec sh '/opt/cosmo cc/bin/cosmoar' "$@"\n`
    );
  });
});
