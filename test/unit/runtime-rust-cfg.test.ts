/**
 * The cfg evaluation the Linux-value reader relies on to pick, among a libc source's cfg-gated
 * variants of a constant, the one a cosmo target compiles: predicates, `#[cfg]` on an item, and
 * the branches of `cfg_if!` chains around it.
 */
import { describe, expect, it } from '@jest/globals';
import { cfgHolds, cosmoTargetCfg, itemIsCompiled } from '../../src/runtime/rust-cfg.js';

const X86 = cosmoTargetCfg('x86_64');
const ARM = cosmoTargetCfg('aarch64');

/** Whether the item whose line starts with `marker` is compiled for `cfg`. */
function compiled(text: string, marker: string, cfg = X86): boolean {
  const index = text.indexOf(marker);
  if (index < 0) throw new Error(`no ${marker} in the text`);
  return itemIsCompiled(text, index, cfg);
}

describe('cfgHolds', () => {
  it('knows the musl Linux target of each arch', () => {
    expect(cfgHolds('target_arch = "x86_64"', X86)).toBe(true);
    expect(cfgHolds('target_arch = "x86_64"', ARM)).toBe(false);
    expect(cfgHolds('target_arch = "aarch64"', ARM)).toBe(true);
    for (const cfg of [X86, ARM]) {
      expect(cfgHolds('target_os = "linux"', cfg)).toBe(true);
      expect(cfgHolds('target_env = "musl"', cfg)).toBe(true);
      expect(cfgHolds('target_env = "gnu"', cfg)).toBe(false);
      expect(cfgHolds('target_pointer_width = "64"', cfg)).toBe(true);
      expect(cfgHolds('target_pointer_width = "32"', cfg)).toBe(false);
      expect(cfgHolds('target_endian = "little"', cfg)).toBe(true);
      expect(cfgHolds('target_family = "unix"', cfg)).toBe(true);
    }
  });

  it('combines all, any and not, nested', () => {
    expect(cfgHolds('all(target_os = "linux", target_env = "musl")', X86)).toBe(true);
    expect(cfgHolds('all(target_os = "linux", target_env = "gnu")', X86)).toBe(false);
    expect(cfgHolds('any(target_arch = "mips", target_arch = "x86_64")', X86)).toBe(true);
    expect(cfgHolds('any(target_arch = "mips", target_arch = "sparc64")', X86)).toBe(false);
    expect(cfgHolds('not(target_arch = "mips")', X86)).toBe(true);
    expect(cfgHolds('not(target_env = "musl")', X86)).toBe(false);
    expect(
      cfgHolds(
        'all(not(any(target_arch = "mips", target_arch = "powerpc")), any(target_env = "musl", target_env = "ohos"))',
        ARM
      )
    ).toBe(true);
    expect(cfgHolds('all()', X86)).toBe(true);
    expect(cfgHolds('any()', X86)).toBe(false);
  });

  it('takes unix as set and every other bare flag as unset', () => {
    expect(cfgHolds('unix', X86)).toBe(true);
    // libc's build-script flags are not set for these targets
    expect(cfgHolds('linux_time_bits64', X86)).toBe(false);
    expect(cfgHolds('musl_v1_2_3', X86)).toBe(false);
    expect(cfgHolds('not(musl_v1_2_3)', X86)).toBe(true);
    expect(cfgHolds('windows', X86)).toBe(false);
    expect(cfgHolds('feature = "extra_traits"', X86)).toBe(false);
    expect(cfgHolds('target_vendor = "apple"', X86)).toBe(false);
  });
});

describe('itemIsCompiled: #[cfg] on the item', () => {
  const text = [
    'pub const PLAIN: c_int = 1;',
    '#[cfg(target_arch = "x86_64")]',
    'pub const X86_ONLY: c_int = 2;',
    '#[cfg(target_arch = "aarch64")]',
    '// a comment between the attribute and the item',
    '#[doc(hidden)]',
    'pub const ARM_ONLY: c_int = 3;',
    '#[cfg(target_env = "musl")]',
    '#[cfg(target_arch = "mips")]',
    'pub const BOTH_NEEDED: c_int = 4;',
    '#[cfg(target_arch = "mips")]',
    'pub const SOMETHING_ELSE: c_int = 5;',
    '',
    'pub const AFTER_AN_ITEM: c_int = 6;'
  ].join('\n');

  it('honours the attributes directly above the item only', () => {
    expect(compiled(text, 'pub const PLAIN')).toBe(true);
    expect(compiled(text, 'pub const X86_ONLY', X86)).toBe(true);
    expect(compiled(text, 'pub const X86_ONLY', ARM)).toBe(false);
    // comments and other attributes between do not end the attribute run
    expect(compiled(text, 'pub const ARM_ONLY', ARM)).toBe(true);
    expect(compiled(text, 'pub const ARM_ONLY', X86)).toBe(false);
    // every cfg attribute must hold
    expect(compiled(text, 'pub const BOTH_NEEDED')).toBe(false);
    // an attribute of the item above does not carry over
    expect(compiled(text, 'pub const AFTER_AN_ITEM')).toBe(true);
  });
});

describe('itemIsCompiled: cfg_if! chains', () => {
  const chain = `
cfg_if! {
    if #[cfg(any(target_arch = "mips", target_arch = "mips64"))] {
        pub const EAGAIN: c_int = 35; // mips
    } else if #[cfg(target_arch = "x86_64")] {
        pub const EAGAIN: c_int = 1011; // x86_64
    } else if #[cfg(target_env = "musl")] {
        pub const EAGAIN: c_int = 2011; // musl
    } else {
        pub const EAGAIN: c_int = 11; // else
    }
}
pub const OUTSIDE: c_int = 1;
`;

  it('takes the first branch whose cfg holds, and no later one', () => {
    const taken = (cfg: typeof X86) =>
      ['// mips', '// x86_64', '// musl', '// else'].filter(comment => {
        const line = chain.split('\n').find(l => l.includes(comment)) as string;
        return compiled(chain, line.trim(), cfg);
      });
    expect(taken(X86)).toEqual(['// x86_64']);
    expect(taken(ARM)).toEqual(['// musl']);
  });

  it('takes the else branch when no if holds', () => {
    const plain = `cfg_if! {
    if #[cfg(target_arch = "mips")] {
        pub const A: c_int = 1;
    } else {
        pub const A: c_int = 2;
    }
}`;
    expect(compiled(plain, 'pub const A: c_int = 1;')).toBe(false);
    expect(compiled(plain, 'pub const A: c_int = 2;')).toBe(true);
  });

  it('leaves an item after the block to its own cfgs', () => {
    expect(compiled(chain, 'pub const OUTSIDE')).toBe(true);
  });

  it('requires every enclosing branch of nested blocks', () => {
    const nested = `cfg_if! {
    if #[cfg(target_os = "linux")] {
        mod inner {
            cfg_if! {
                if #[cfg(target_arch = "aarch64")] {
                    pub const DEEP: c_int = 1;
                } else {
                    pub const DEEP: c_int = 2;
                }
            }
        }
    } else {
        pub const DEEP: c_int = 3;
    }
}`;
    expect(compiled(nested, 'pub const DEEP: c_int = 1;', ARM)).toBe(true);
    expect(compiled(nested, 'pub const DEEP: c_int = 1;', X86)).toBe(false);
    expect(compiled(nested, 'pub const DEEP: c_int = 2;', X86)).toBe(true);
    expect(compiled(nested, 'pub const DEEP: c_int = 3;', X86)).toBe(false);
    expect(compiled(nested, 'pub const DEEP: c_int = 3;', ARM)).toBe(false);
  });

  it('is not confused by braces in use lists, comments or earlier items', () => {
    const braces = `cfg_if! {
    if #[cfg(target_arch = "mips")] {
        pub use self::mips::{EAGAIN, EINTR};
        // a comment with an unbalanced { brace
        /* and a block comment } with another */
        pub const B: c_int = 1;
    } else {
        pub use self::other::{self, EPERM};
        s! { pub struct x { a: c_int } }
        // }
        pub const B: c_int = 2;
    }
}`;
    expect(compiled(braces, 'pub const B: c_int = 1;')).toBe(false);
    expect(compiled(braces, 'pub const B: c_int = 2;')).toBe(true);
  });

  it('combines an item cfg with its branch', () => {
    const both = `cfg_if! {
    if #[cfg(target_env = "musl")] {
        #[cfg(target_arch = "aarch64")]
        pub const C: c_int = 1;
    }
}`;
    expect(compiled(both, 'pub const C', ARM)).toBe(true);
    expect(compiled(both, 'pub const C', X86)).toBe(false);
  });
});

describe('itemIsCompiled: attributes rustfmt broke over lines', () => {
  it('reads a multi-line #[cfg] whole, and skips other multi-line attributes', () => {
    const text = [
      '#[cfg(any(',
      '    target_arch = "mips",',
      '    target_arch = "sparc64",',
      '))]',
      'pub const MIPS_OR_SPARC: c_int = 1;',
      '#[cfg(not(any(',
      '    target_arch = "mips",',
      '    target_arch = "sparc64"',
      ')))]',
      'pub const NOT_MIPS: c_int = 2;',
      '#[cfg(target_arch = "mips")]',
      '#[deprecated(',
      '    since = "0.2.55",',
      '    note = "use something else (really)"',
      ')]',
      'pub const DEPRECATED_MIPS: c_int = 3;',
      'pub const PLAIN: c_int = 4;',
      '#[doc(alias = "x")]',
      'pub const AFTER_PLAIN: c_int = 5;'
    ].join('\n');
    expect(compiled(text, 'pub const MIPS_OR_SPARC')).toBe(false);
    expect(compiled(text, 'pub const NOT_MIPS')).toBe(true);
    expect(compiled(text, 'pub const DEPRECATED_MIPS')).toBe(false);
    expect(compiled(text, 'pub const PLAIN')).toBe(true);
    expect(compiled(text, 'pub const AFTER_PLAIN')).toBe(true);
  });
});
