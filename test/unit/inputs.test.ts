import { describe, expect, it } from '@jest/globals';
import { InputError } from '../../src/errors.js';
import { parseInputs, INPUT_DEFAULTS, type InputName } from '../../src/inputs.js';

const parse = (values: Partial<Record<InputName, string>>) => parseInputs(name => values[name]);
const KNOWN_SHA = '85b8c37a406d862e656ad4ec14be9f6ce474c1b436b9615e91a55208aced3f44';

function errorOf(values: Partial<Record<InputName, string>>): InputError {
  try {
    parse(values);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error(`no error for ${JSON.stringify(values)}`);
}

describe('parseInputs defaults', () => {
  it('fills every input from its default', () => {
    const config = parse({});
    expect(config).toEqual({
      mode: 'build',
      manifestPath: 'Cargo.toml',
      bins: [],
      package: undefined,
      arches: ['x86_64', 'aarch64'],
      profile: 'release',
      cargoArgs: [],
      outputDir: 'target/ape',
      cosmocc: {
        version: '4.0.2',
        sha256: KNOWN_SHA,
        urls: [
          'https://cosmo.zip/pub/cosmocc/cosmocc-4.0.2.zip',
          'https://github.com/jart/cosmopolitan/releases/download/4.0.2/cosmocc-4.0.2.zip'
        ]
      },
      rustToolchain: { kind: 'rustup', toolchain: INPUT_DEFAULTS['rust-toolchain'] },
      cache: true,
      runtimeLayer: true,
      ecosystemCfgs: true
    });
  });

  it('treats whitespace-only values as unset', () => {
    expect(parse({ profile: '   ', arch: '\n' }).profile).toBe('release');
  });
});

describe('each input, good values', () => {
  it('mode', () => expect(parse({ mode: 'setup' }).mode).toBe('setup'));
  it('manifest-path', () =>
    expect(parse({ 'manifest-path': 'crates/cli/Cargo.toml' }).manifestPath).toBe(
      'crates/cli/Cargo.toml'
    ));
  it('bins, comma- or newline-separated', () => {
    expect(parse({ bins: 'a, b-c\nd_e\n' }).bins).toEqual(['a', 'b-c', 'd_e']);
  });
  it('package, with an optional version', () =>
    expect(parse({ package: 'my-cli@1.2.0' }).package).toBe('my-cli@1.2.0'));
  it('arch, deduplicated and in a fixed order', () => {
    expect(parse({ arch: 'aarch64, x86_64, aarch64' }).arches).toEqual(['x86_64', 'aarch64']);
    expect(parse({ arch: 'aarch64' }).arches).toEqual(['aarch64']);
  });
  it('profile', () => expect(parse({ profile: 'dist-small' }).profile).toBe('dist-small'));
  it('cargo-args split as shell words, metacharacters kept literal', () => {
    expect(
      parse({ 'cargo-args': `--features "a b" --locked 'x;$(rm -rf /)' |` }).cargoArgs
    ).toEqual(['--features', 'a b', '--locked', 'x;$(rm -rf /)', '|']);
  });
  it('output-dir', () => expect(parse({ 'output-dir': 'dist/ape' }).outputDir).toBe('dist/ape'));
  it('cosmocc-version unknown to the table, with cosmocc-sha256 (upper case accepted)', () => {
    const sha = 'AB'.repeat(32);
    expect(parse({ 'cosmocc-version': '3.9.7', 'cosmocc-sha256': sha }).cosmocc).toEqual({
      version: '3.9.7',
      sha256: sha.toLowerCase(),
      urls: [
        'https://cosmo.zip/pub/cosmocc/cosmocc-3.9.7.zip',
        'https://github.com/jart/cosmopolitan/releases/download/3.9.7/cosmocc-3.9.7.zip'
      ]
    });
  });
  it('cosmocc-url replaces both default sources', () => {
    expect(parse({ 'cosmocc-url': 'http://127.0.0.1:8080/c.zip' }).cosmocc.urls).toEqual([
      'http://127.0.0.1:8080/c.zip'
    ]);
  });
  it('cosmocc-dir needs no checksum, whatever the version', () => {
    expect(
      parse({ 'cosmocc-dir': '/opt/cosmocc', 'cosmocc-version': '9.9.9' }).cosmocc
    ).toMatchObject({ dir: '/opt/cosmocc', sha256: '' });
  });
  it('rust-toolchain', () => {
    expect(parse({ 'rust-toolchain': 'preinstalled' }).rustToolchain).toEqual({
      kind: 'preinstalled'
    });
    expect(parse({ 'rust-toolchain': 'nightly-2026-02-28' }).rustToolchain).toEqual({
      kind: 'rustup',
      toolchain: 'nightly-2026-02-28'
    });
  });
  it('cache', () => {
    expect(parse({ cache: 'false' }).cache).toBe(false);
    expect(parse({ cache: 'TRUE' }).cache).toBe(true);
  });
  it('ecosystem-cfgs', () => {
    expect(parse({ 'ecosystem-cfgs': 'false' }).ecosystemCfgs).toBe(false);
    expect(parse({ 'ecosystem-cfgs': 'true' }).ecosystemCfgs).toBe(true);
  });

  it('runtime-layer', () => {
    expect(parse({ 'runtime-layer': 'false' }).runtimeLayer).toBe(false);
    expect(parse({ 'runtime-layer': 'true' }).runtimeLayer).toBe(true);
  });
});

describe('each input, bad values name the input, the value and what is allowed', () => {
  const cases: Array<[Partial<Record<InputName, string>>, InputName, RegExp]> = [
    [{ mode: 'compile' }, 'mode', /'build'.*'setup'/],
    [{ 'manifest-path': 'crates/cli' }, 'manifest-path', /Cargo\.toml/],
    [{ bins: 'ok, bad name' }, 'bins', /bin target name/],
    [{ bins: '../x' }, 'bins', /bin target name/],
    [{ package: 'a b' }, 'package', /package spec/],
    [{ arch: 'x86_64,arm64' }, 'arch', /got 'arm64' \(did you mean aarch64\?\)/],
    [{ arch: 'riscv64' }, 'arch', /one of x86_64, aarch64; got 'riscv64'$/],
    [{ arch: ' , ' }, 'arch', /list one or both/],
    [{ profile: 'rel ease' }, 'profile', /profile name/],
    [{ 'cargo-args': '--features "unterminated' }, 'cargo-args', /balanced quotes/],
    [
      { 'cargo-args': '--target x86_64-unknown-linux-gnu' },
      'cargo-args',
      /'--target' is set by the action/
    ],
    [{ 'cargo-args': '-Zbuild-std' }, 'cargo-args', /set by the action/],
    [{ 'cargo-args': '--release' }, 'cargo-args', /set by the action/],
    [{ 'cosmocc-version': 'latest' }, 'cosmocc-version', /MAJOR\.MINOR\.PATCH.*not "latest"/],
    [{ 'cosmocc-version': '../../etc' }, 'cosmocc-version', /MAJOR\.MINOR\.PATCH/],
    [{ 'cosmocc-version': '4.0' }, 'cosmocc-version', /MAJOR\.MINOR\.PATCH/],
    [
      { 'cosmocc-version': '4.0.1' },
      'cosmocc-version',
      /not in the action's checksum table; set cosmocc-sha256.*known versions: 4\.0\.2/
    ],
    [{ 'cosmocc-sha256': 'abc' }, 'cosmocc-sha256', /64 hex digit/],
    [{ 'cosmocc-url': 'not a url' }, 'cosmocc-url', /full http\(s\) URL/],
    [{ 'cosmocc-url': 'file:///tmp/c.zip' }, 'cosmocc-url', /only http and https/],
    [
      { 'rust-toolchain': 'nightly' },
      'rust-toolchain',
      /dated nightly such as nightly-\d{4}-\d{2}-\d{2}.*'preinstalled'/
    ],
    [{ 'rust-toolchain': 'nightly-2026-02-30' }, 'rust-toolchain', /dated nightly/],
    [{ 'rust-toolchain': 'stable' }, 'rust-toolchain', /dated nightly/],
    [{ cache: 'yes' }, 'cache', /'true' or 'false'/],
    [{ 'runtime-layer': 'off' }, 'runtime-layer', /'true' or 'false'/],
    [{ 'ecosystem-cfgs': 'no' }, 'ecosystem-cfgs', /'true' or 'false'/]
  ];
  it.each(cases)('%j', (values, input, allowed) => {
    const err = errorOf(values);
    expect(err.input).toBe(input);
    expect(err.message).toContain(`Input '${input}'`);
    expect(err.message).toContain(JSON.stringify(err.value));
    expect(err.message).toMatch(allowed);
  });
});
