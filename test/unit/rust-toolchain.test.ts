import { describe, expect, it } from '@jest/globals';
import { tail } from '../../src/process.js';
import {
  isNightlyRelease,
  missingRustSrcMessage,
  parseRustcVerbose,
  rustSrcDir,
  rustSrcMarker,
  rustupHome,
  rustupHostTriple,
  rustupInstallArgs,
  rustupToolchainDir,
  rustupToolchainOfSysroot,
  toolchainEnv,
  summarizeRustupFailure
} from '../../src/rust/toolchain.js';
import { DEBIAN, RUSTUP_NIGHTLY, RUSTUP_STABLE } from '../fixtures/rustc-verbose.js';

describe('parseRustcVerbose', () => {
  it.each([
    [RUSTUP_STABLE, 'rustc 1.95.0 (59807616e 2026-04-14)', '1.95.0', '22.1.2'],
    [RUSTUP_NIGHTLY, 'rustc 1.97.0-nightly (e50aa6fba 2026-05-19)', '1.97.0-nightly', '22.1.4'],
    [
      DEBIAN,
      'rustc 1.96.0 (ac68faa20 2026-05-25) (built from a source tarball)',
      '1.96.0',
      '22.1.8'
    ]
  ])('parses a recorded output (%#)', (text, versionLine, release, llvm) => {
    expect(parseRustcVerbose(text)).toEqual({
      versionLine,
      release,
      hostTriple: 'x86_64-unknown-linux-gnu',
      commitHash: expect.stringMatching(/^[0-9a-f]{40}$/),
      llvmVersion: llvm
    });
  });

  it('parses a minimal output without commit or LLVM lines', () => {
    const info = parseRustcVerbose(
      'rustc 1.80.0\nhost: aarch64-unknown-linux-gnu\nrelease: 1.80.0\n'
    );
    expect(info).toMatchObject({ release: '1.80.0', hostTriple: 'aarch64-unknown-linux-gnu' });
    expect(info.commitHash).toBeUndefined();
  });

  it('refuses text that is not rustc -vV', () => {
    expect(() => parseRustcVerbose('')).toThrow(/rustc -vV/);
    expect(() => parseRustcVerbose('rustc 1.95.0 (59807616e 2026-04-14)\n')).toThrow(/rustc -vV/);
    expect(() => parseRustcVerbose('cargo 1.95.0\nhost: x\nrelease: 1.95.0')).toThrow(/rustc -vV/);
  });
});

describe('channel and environment', () => {
  it('knows which releases take -Z flags without RUSTC_BOOTSTRAP', () => {
    expect(isNightlyRelease('1.97.0-nightly')).toBe(true);
    expect(isNightlyRelease('1.98.0-dev')).toBe(true);
    expect(isNightlyRelease('1.96.0')).toBe(false);
    expect(isNightlyRelease('1.96.0-beta.3')).toBe(false);
  });

  it('sets RUSTC_BOOTSTRAP only for non-nightlies and always pins RUSTC', () => {
    expect(toolchainEnv('/usr/bin/rustc', '1.96.0')).toEqual({
      RUSTC: '/usr/bin/rustc',
      RUSTC_BOOTSTRAP: '1'
    });
    expect(toolchainEnv('/t/bin/rustc', '1.97.0-nightly', 'nightly-2026-05-20')).toEqual({
      RUSTC: '/t/bin/rustc',
      RUSTUP_TOOLCHAIN: 'nightly-2026-05-20'
    });
  });
});

describe('paths', () => {
  it('finds rust-src in the sysroot', () => {
    expect(rustSrcDir('/usr')).toBe('/usr/lib/rustlib/src/rust');
    expect(rustSrcMarker('/usr')).toBe('/usr/lib/rustlib/src/rust/library/std');
  });

  it('recognises a rustup toolchain sysroot', () => {
    expect(
      rustupToolchainOfSysroot('/home/u/.rustup/toolchains/stable-x86_64-unknown-linux-gnu')
    ).toBe('stable-x86_64-unknown-linux-gnu');
    expect(rustupToolchainOfSysroot('/usr')).toBeUndefined();
  });

  it('puts rustup toolchains where rustup does', () => {
    expect(rustupHome({}, '/home/u')).toBe('/home/u/.rustup');
    expect(rustupHome({ RUSTUP_HOME: '/opt/rustup' }, '/home/u')).toBe('/opt/rustup');
    expect(
      rustupToolchainDir('nightly-2026-05-20', 'x86_64-unknown-linux-gnu', '/home/u/.rustup')
    ).toBe('/home/u/.rustup/toolchains/nightly-2026-05-20-x86_64-unknown-linux-gnu');
  });

  it('maps Node platform and arch to rustup host triples', () => {
    expect(rustupHostTriple('linux', 'x64')).toBe('x86_64-unknown-linux-gnu');
    expect(rustupHostTriple('linux', 'arm64')).toBe('aarch64-unknown-linux-gnu');
    expect(rustupHostTriple('darwin', 'arm64')).toBe('aarch64-apple-darwin');
    expect(() => rustupHostTriple('win32', 'x64')).toThrow(/win32\/x64/);
  });
});

describe('rustup', () => {
  it('installs the minimal profile plus rust-src and never updates itself', () => {
    expect(rustupInstallArgs('nightly-2026-05-20')).toEqual([
      'toolchain',
      'install',
      'nightly-2026-05-20',
      '--profile',
      'minimal',
      '--component',
      'rust-src',
      '--no-self-update'
    ]);
  });
});

describe('missingRustSrcMessage', () => {
  const toolchain = {
    rustc: '/home/u/.cargo/bin/rustc',
    versionLine: 'rustc 1.95.0 (59807616e 2026-04-14)',
    sysroot: '/home/u/.rustup/toolchains/stable-x86_64-unknown-linux-gnu'
  };

  it('names the rustc, its version, the path looked at and the rustup fix', () => {
    const message = missingRustSrcMessage(toolchain, 'stable-x86_64-unknown-linux-gnu');
    expect(message).toContain('/home/u/.cargo/bin/rustc');
    expect(message).toContain('rustc 1.95.0');
    expect(message).toContain(`${toolchain.sysroot}/lib/rustlib/src/rust/library/std`);
    expect(message).toContain(
      'rustup component add rust-src --toolchain stable-x86_64-unknown-linux-gnu'
    );
  });

  it('names the Debian packages for a rustc outside rustup', () => {
    const message = missingRustSrcMessage({
      ...toolchain,
      rustc: '/usr/bin/rustc',
      sysroot: '/usr'
    });
    expect(message).toContain('rust-web-src');
    expect(message).toContain('/usr/lib/rustlib/src/rust/library/std');
  });
});

describe('tail', () => {
  it('keeps short text and the end of long text', () => {
    expect(tail('  short \n')).toBe('short');
    expect(tail('0123456789', 4)).toBe('...6789');
  });
});

describe('summarizeRustupFailure', () => {
  it('keeps the error line and the innermost cause, not the backtrace', () => {
    const stderr = [
      'info: syncing channel updates for nightly-2026-05-20-x86_64-unknown-linux-gnu',
      "error: could not download file from 'https://example.invalid/x.sha256' to '/tmp/f'",
      'Caused by:',
      '    0: error downloading file',
      '    3: dns error',
      '    4: failed to lookup address information: Name or service not known',
      'Stack backtrace:',
      '   0: <E as anyhow::context::ext::StdError>::ext_context',
      '   1: rustup::download::download_file_with_resume::{{closure}}'
    ].join('\n');
    expect(summarizeRustupFailure(stderr)).toBe(
      "error: could not download file from 'https://example.invalid/x.sha256' to '/tmp/f' (failed to lookup address information: Name or service not known)"
    );
  });
  it('falls back to the output tail when there is no error line', () => {
    expect(summarizeRustupFailure('something odd\n')).toBe('something odd');
  });
});
