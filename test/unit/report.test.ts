import { describe, expect, it } from '@jest/globals';
import { renderSha256Sums } from '../../src/ape/checksums.js';
import { buildCacheKey, buildCachePaths, generatedFilesCacheKey } from '../../src/cache/keys.js';
import { formatBytes as formatSize } from '../../src/format.js';
import { renderBuildSummary } from '../../src/report/summary.js';
import { rebaseRustcLocation, RUSTC_PROBLEM_MATCHER } from '../../src/rust/problem-matcher.js';

describe('renderSha256Sums', () => {
  it('writes sha256sum -c lines sorted by name', () => {
    expect(
      renderSha256Sums([
        { name: 'b.com', sha256: 'bb' },
        { name: 'a.com', sha256: 'aa' }
      ])
    ).toBe('aa  a.com\nbb  b.com\n');
  });
});

describe('renderBuildSummary', () => {
  it('has one row per bin and the toolchain and stage lines', () => {
    const md = renderBuildSummary({
      apes: [
        {
          bin: 'hello',
          path: '/o/hello.com',
          size: 2_621_440,
          arches: ['x86_64', 'aarch64'],
          sha256: 'ab12'
        }
      ],
      rustc: 'rustc 1.96.0',
      cosmoccVersion: '4.0.2',
      cosmoccLine: 'cosmocc 4.0.2 from the tool cache',
      stages: [
        { name: 'cargo build', seconds: 71.26 },
        { name: 'apelink', seconds: 0.4 }
      ]
    });
    expect(md).toContain('| `hello.com` | 2.50 MiB | x86_64, aarch64 | `ab12` |');
    expect(md).toContain('rustc: `rustc 1.96.0` · cosmocc: 4.0.2');
    expect(md).toContain('Stages: cargo build 71.3 s · apelink 0.4 s');
  });
  it('formats sizes', () => {
    expect([12, 2048, 3 * 1024 * 1024].map(formatSize)).toEqual(['12 B', '2.0 KiB', '3.00 MiB']);
  });
});

describe('buildCacheKey', () => {
  const inputs = {
    platform: 'linux',
    arch: 'x64',
    rustc: 'rustc 1.97.0-nightly (e50aa6fba 2026-05-19)',
    cosmoccVersion: '4.0.2',
    specs: ['{"a":1}', '{"b":2}'],
    profile: 'release',
    runtime: '0123456789abcdef',
    lockfile: '[[package]]\nname = "x"\n'
  };
  it('is stable and restores by the toolchain prefix', () => {
    const key = buildCacheKey(inputs);
    expect(key).toEqual(buildCacheKey({ ...inputs }));
    expect(key.key.startsWith(key.restoreKeys[0])).toBe(true);
    expect(key.key).toMatch(/^ape-build-v1-linux-x64-[0-9a-f]{20}-[0-9a-f]{20}$/);
  });
  it('changes with everything that changes the output', () => {
    const key = buildCacheKey(inputs).key;
    for (const change of [
      { rustc: 'rustc 1.96.0' },
      { cosmoccVersion: '4.0.3' },
      { specs: ['{"a":1}', '{"b":3}'] },
      { profile: 'dev' },
      { runtime: 'off' },
      { lockfile: '' },
      { platform: 'darwin' },
      { arch: 'arm64' }
    ]) {
      expect(buildCacheKey({ ...inputs, ...change }).key).not.toBe(key);
    }
    // a lockfile change keeps the restore prefix: the previous build is a good start
    expect(buildCacheKey({ ...inputs, lockfile: 'other' }).restoreKeys).toEqual(
      buildCacheKey(inputs).restoreKeys
    );
    expect(buildCacheKey({ ...inputs, lockfile: '' }).key.endsWith('-nolock')).toBe(true);
  });
  it('caches the custom-target dirs and the host build-script dir', () => {
    const paths = buildCachePaths(
      '/home/u/.cargo',
      '/ws/target',
      ['x86_64-unknown-linux-cosmo'],
      'release'
    );
    expect(paths.slice(-2)).toEqual([
      '/ws/target/x86_64-unknown-linux-cosmo',
      '/ws/target/release'
    ]);
    expect(paths.some(p => p.endsWith('registry/cache'))).toBe(true);
  });
});

describe('generatedFilesCacheKey', () => {
  const inputs = {
    platform: 'linux',
    arch: 'x64',
    manifestPath: '/ws/Cargo.toml',
    rustc: 'rustc 1.97.0-nightly (e50aa6fba 2026-05-19)',
    cosmocc: '85b8c37a406d862e656ad4ec14be9f6ce474c1b436b9615e91a55208aced3f44',
    code: '0123456789abcdef',
    lockfile: '[[package]]\nname = "x"\n'
  };
  it('changes with what is generated, and restores any earlier entry of the same crate', () => {
    const key = generatedFilesCacheKey(inputs);
    expect(key.key).toMatch(/^ape-generated-v1-linux-x64-[0-9a-f]{20}-[0-9a-f]{20}$/);
    expect(key.key.startsWith(key.restoreKeys[0])).toBe(true);
    for (const change of [
      { rustc: 'rustc 1.96.0' },
      { cosmocc: '/opt/cosmocc' },
      { code: 'fedcba9876543210' },
      { lockfile: '' }
    ]) {
      const changed = generatedFilesCacheKey({ ...inputs, ...change });
      expect(changed.key).not.toBe(key.key);
      expect(changed.restoreKeys).toEqual(key.restoreKeys);
    }
    // another crate never restores this one's files
    const other = generatedFilesCacheKey({ ...inputs, manifestPath: '/ws/b/Cargo.toml' });
    expect(other.restoreKeys).not.toEqual(key.restoreKeys);
  });
});

describe('rustc problem matcher', () => {
  const [message, location] = RUSTC_PROBLEM_MATCHER.problemMatcher[0].pattern;
  it('matches an error with a code, a warning without, and the location line', () => {
    expect(
      new RegExp(message.regexp).exec('error[E0425]: cannot find value `x` in this scope')?.slice(1)
    ).toEqual(['error', 'E0425', 'cannot find value `x` in this scope']);
    expect(new RegExp(message.regexp).exec('warning: unused variable: `y`')?.slice(1)).toEqual([
      'warning',
      undefined,
      'unused variable: `y`'
    ]);
    expect(new RegExp(location.regexp).exec('  --> src/main.rs:4:20')?.slice(1)).toEqual([
      'src/main.rs',
      '4',
      '20'
    ]);
    expect(new RegExp(message.regexp).test('   Compiling hello v0.1.0')).toBe(false);
  });
});

describe('rebaseRustcLocation', () => {
  it('makes a location relative to the checkout when the crate is in a subdirectory', () => {
    expect(rebaseRustcLocation('  --> src/main.rs:4:20', '/repo/crates/cli', '/repo')).toBe(
      '  --> crates/cli/src/main.rs:4:20'
    );
  });
  it('rebases a coloured location line (rustc with colour forced), without its colours', () => {
    const coloured =
      '\u001b[0m  \u001b[0m\u001b[0m\u001b[1m\u001b[38;5;12m--> \u001b[0m\u001b[0msrc/main.rs:4:20\u001b[0m';
    expect(rebaseRustcLocation(coloured, '/repo/crates/cli', '/repo')).toBe(
      '  --> crates/cli/src/main.rs:4:20'
    );
  });
  it('leaves other lines, absolute paths and paths outside the checkout alone', () => {
    expect(rebaseRustcLocation('error[E0425]: x', '/repo/c', '/repo')).toBe('error[E0425]: x');
    expect(rebaseRustcLocation(' --> /usr/lib/rustlib/src/x.rs:1:2', '/repo/c', '/repo')).toBe(
      ' --> /usr/lib/rustlib/src/x.rs:1:2'
    );
    expect(rebaseRustcLocation(' --> src/main.rs:1:2', '/elsewhere/c', '/repo')).toBe(
      ' --> src/main.rs:1:2'
    );
    expect(rebaseRustcLocation(' --> src/main.rs:1:2', '/repo', '/repo')).toBe(
      ' --> src/main.rs:1:2'
    );
  });
});
