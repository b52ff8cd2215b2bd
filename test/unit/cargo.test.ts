import { describe, expect, it } from '@jest/globals';
import { cosmoccTools } from '../../src/cosmocc/tools.js';
import { planArches, profileDir } from '../../src/plan.js';
import {
  cargoBuildArgs,
  cargoBuildEnv,
  ECOSYSTEM_CFGS,
  ecosystemRustflags
} from '../../src/rust/cargo-build.js';
import { findLinkerOverrides, selectBins, type CargoMetadata } from '../../src/rust/crate.js';

function pkg(name: string, targets: Array<[string, string]>, version = '0.1.0') {
  return {
    name,
    version,
    id: `path+file:///ws/${name}#${version}`,
    manifest_path: `/ws/${name}/Cargo.toml`,
    targets: targets.map(([tname, kind]) => ({ name: tname, kind: [kind] }))
  };
}

const workspace: CargoMetadata = {
  packages: [
    pkg('cli', [
      ['cli', 'bin'],
      ['cli-admin', 'bin'],
      ['cli', 'lib']
    ]),
    pkg('core', [['core', 'lib']]),
    pkg('tool', [['tool', 'bin']], '2.0.0')
  ],
  workspace_members: [
    'path+file:///ws/cli#0.1.0',
    'path+file:///ws/core#0.1.0',
    'path+file:///ws/tool#2.0.0'
  ],
  workspace_default_members: ['path+file:///ws/cli#0.1.0', 'path+file:///ws/core#0.1.0'],
  target_directory: '/ws/target',
  workspace_root: '/ws'
};

describe('selectBins', () => {
  it('takes every bin of the default members when none are named', () => {
    expect(selectBins(workspace, { bins: [] }).bins).toEqual([
      { package: 'cli', name: 'cli' },
      { package: 'cli', name: 'cli-admin' }
    ]);
  });
  it('takes every member when the workspace has no default-members list', () => {
    const meta = { ...workspace, workspace_default_members: undefined };
    expect(selectBins(meta, { bins: [] }).bins.map(b => b.name)).toEqual([
      'cli',
      'cli-admin',
      'tool'
    ]);
  });
  it('narrows to a package, by name or name@version', () => {
    expect(selectBins(workspace, { package: 'tool', bins: [] }).bins).toEqual([
      { package: 'tool', name: 'tool' }
    ]);
    expect(selectBins(workspace, { package: 'tool@2.0.0', bins: [] }).bins).toHaveLength(1);
  });
  it('keeps only the named bins', () => {
    expect(selectBins(workspace, { bins: ['cli-admin'] }).bins).toEqual([
      { package: 'cli', name: 'cli-admin' }
    ]);
  });
  it('names unknown bins and lists the real ones', () => {
    expect(() => selectBins(workspace, { bins: ['cli', 'nope', 'gone'] })).toThrow(
      "Input 'bins' names 'nope', 'gone', which are not a bin target here; available: cli, cli-admin"
    );
  });
  it('refuses a package without bins', () => {
    expect(() => selectBins(workspace, { package: 'core', bins: [] })).toThrow(
      /No bin target in core/
    );
  });
  it('refuses a package that is not a member', () => {
    expect(() => selectBins(workspace, { package: 'tool@1.0.0', bins: [] })).toThrow(
      "Input 'package' names 'tool@1.0.0', which is not a member of this workspace; members: cli, core, tool"
    );
  });
});

describe('cargoBuildArgs', () => {
  const base = {
    manifestPath: '/ws/Cargo.toml',
    profile: 'release',
    specs: ['/t/x86_64-unknown-linux-cosmo.json', '/t/aarch64-unknown-linux-cosmo.json'],
    selection: { bins: [{ package: 'cli', name: 'cli' }] },
    explicitBins: false,
    cargoArgs: [] as string[]
  };
  it('builds std for every arch in one invocation', () => {
    expect(cargoBuildArgs(base)).toEqual([
      'build',
      '--manifest-path',
      '/ws/Cargo.toml',
      '-Z',
      'build-std=std,panic_abort',
      '-Z',
      'json-target-spec',
      '--target',
      '/t/x86_64-unknown-linux-cosmo.json',
      '--target',
      '/t/aarch64-unknown-linux-cosmo.json',
      '--profile',
      'release',
      '--bins'
    ]);
  });
  it('passes package, named bins and the user arguments last, untouched', () => {
    const args = cargoBuildArgs({
      ...base,
      specs: ['/t/a.json'],
      package: 'cli',
      explicitBins: true,
      selection: {
        bins: [
          { package: 'cli', name: 'a' },
          { package: 'cli', name: 'b' }
        ]
      },
      cargoArgs: ['--features', 'x;y', '--locked']
    });
    expect(args.slice(args.indexOf('--profile'))).toEqual([
      '--profile',
      'release',
      '--package',
      'cli',
      '--bin',
      'a',
      '--bin',
      'b',
      '--features',
      'x;y',
      '--locked'
    ]);
    expect(args.filter(a => a === '--target')).toHaveLength(1);
  });
});

describe('cargoBuildEnv', () => {
  it('points cc-rs at the cosmo compilers per custom target', () => {
    const targets = [{ arch: 'x86_64' as const, target: 'x86_64-unknown-linux-cosmo' }];
    expect(cargoBuildEnv(targets, cosmoccTools('/c'), '/w/ar')).toEqual({
      CC_x86_64_unknown_linux_cosmo: '/c/bin/x86_64-unknown-cosmo-cc',
      CXX_x86_64_unknown_linux_cosmo: '/c/bin/x86_64-unknown-cosmo-c++',
      AR_x86_64_unknown_linux_cosmo: '/w/ar'
    });
  });
});

describe('paths', () => {
  it('maps profiles to cargo directories', () => {
    expect(['dev', 'test', 'release', 'bench', 'dist'].map(profileDir)).toEqual([
      'debug',
      'debug',
      'release',
      'release',
      'dist'
    ]);
  });
  it('finds the built binary of a custom target', () => {
    const [entry] = planArches(['aarch64'], {
      workDir: '/w',
      targetDirectory: '/ws/target',
      profile: 'dev'
    });
    expect(entry.binary('cli')).toBe('/ws/target/aarch64-unknown-linux-cosmo/debug/cli');
  });
});

describe('findLinkerOverrides', () => {
  it('finds linkers set for musl and cfg() targets, not others or comments', () => {
    const config = [
      '[target.x86_64-unknown-linux-gnu]',
      'linker = "clang"',
      '[target.aarch64-unknown-linux-musl]',
      'linker = "aarch64-linux-musl-gcc" # cross',
      '[target.\'cfg(target_os = "linux")\']',
      '  linker="mold"',
      '[build]',
      '# linker = "x"',
      'rustflags = []'
    ].join('\n');
    expect(findLinkerOverrides(config)).toEqual([
      'target.aarch64-unknown-linux-musl',
      'target.\'cfg(target_os = "linux")\''
    ]);
  });
});

describe('ecosystemRustflags', () => {
  const cfgs = ECOSYSTEM_CFGS.flatMap(cfg => ['--cfg', cfg]);

  it('adds the cfgs to build.rustflags when the environment sets no rustflags (cargo merges config arrays)', () => {
    expect(ecosystemRustflags({})).toEqual({
      env: {},
      args: ['--config', `build.rustflags=${JSON.stringify(cfgs)}`]
    });
  });

  it('puts them in an empty RUSTFLAGS or CARGO_ENCODED_RUSTFLAGS: cargo then ignores build.rustflags', () => {
    expect(ecosystemRustflags({ RUSTFLAGS: '  ' })).toEqual({
      env: { RUSTFLAGS: cfgs.join(' ') },
      args: []
    });
    expect(ecosystemRustflags({ CARGO_ENCODED_RUSTFLAGS: '' })).toEqual({
      env: { CARGO_ENCODED_RUSTFLAGS: cfgs.join('\x1f') },
      args: []
    });
  });

  it("appends to the user's RUSTFLAGS, never replacing them", () => {
    expect(ecosystemRustflags({ RUSTFLAGS: '-C target-cpu=native' })).toEqual({
      env: { RUSTFLAGS: ['-C target-cpu=native', ...cfgs].join(' ') },
      args: []
    });
  });

  it('appends to CARGO_ENCODED_RUSTFLAGS (which wins over RUSTFLAGS) with its 0x1f separator', () => {
    const result = ecosystemRustflags({
      CARGO_ENCODED_RUSTFLAGS: '-C\x1fdebuginfo=1',
      RUSTFLAGS: 'ignored'
    });
    expect(result.env.CARGO_ENCODED_RUSTFLAGS?.split('\x1f')).toEqual([
      '-C',
      'debuginfo=1',
      ...cfgs
    ]);
    expect(result.env.RUSTFLAGS).toBeUndefined();
  });

  it('names the cfgs rustix, polling and mio read', () => {
    expect([...ECOSYSTEM_CFGS].sort()).toEqual([
      'mio_unsupported_force_poll_poll',
      'mio_unsupported_force_waker_pipe',
      'polling_test_poll_backend',
      'rustix_use_libc'
    ]);
  });
});
