import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cosmoTarget, type Arch } from '../../src/arch.js';
import {
  aarch64Features,
  canonicalJson,
  ccLinkerFlavor,
  deriveTargetSpec,
  renderTargetSpec,
  specHash,
  withoutEmptyLinkArgs,
  type TargetSpec
} from '../../src/rust/target-spec.js';
import { probeCompileArgs } from '../../src/rust/validate-spec.js';

const fixtures = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/builtin-specs'
);
const LINKER = '/opt/ape action/x86_64-unknown-linux-cosmo-linker';

/** Every recorded `--print target-spec-json` output: `<release>-<arch>-unknown-linux-musl.json`. */
const recorded = readdirSync(fixtures)
  .filter(name => name.endsWith('-unknown-linux-musl.json'))
  .map(name => {
    const match = /^(.+)-(x86_64|aarch64)-unknown-linux-musl\.json$/.exec(name);
    if (!match) throw new Error(`unexpected fixture name ${name}`);
    const builtin = JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')) as TargetSpec;
    return { name, release: match[1], arch: match[2] as Arch, builtin };
  });

describe('recorded builtin specs', () => {
  it('cover both arches for at least two rustc releases', () => {
    for (const arch of ['x86_64', 'aarch64'] as const) {
      const releases = new Set(recorded.filter(r => r.arch === arch).map(r => r.release));
      expect(releases.size).toBeGreaterThanOrEqual(2);
    }
  });
});

describe.each(recorded)('deriveTargetSpec from $name', ({ arch, builtin }) => {
  const spec = deriveTargetSpec(arch, builtin, LINKER);

  it('keeps data-layout, llvm-target, pointer width and arch exactly as the builtin has them', () => {
    for (const field of [
      'data-layout',
      'llvm-target',
      'target-pointer-width',
      'arch',
      'os',
      'env'
    ]) {
      expect(spec[field]).toEqual(builtin[field]);
    }
    expect(spec['data-layout']).toMatch(/^e-m:e-/);
  });

  it('applies the cosmo overrides', () => {
    expect(spec).toMatchObject({
      'relocation-model': 'static',
      'position-independent-executables': false,
      'static-position-independent-executables': false,
      'dynamic-linking': false,
      'crt-static-default': true,
      'crt-static-respected': true,
      'panic-strategy': 'abort',
      'crt-objects-fallback': 'false',
      'has-thread-local': false,
      'frame-pointer': 'always',
      linker: LINKER
    });
  });

  it('keeps the linker flavor spelling of this rustc', () => {
    expect(spec['linker-flavor']).toBe(builtin['linker-flavor']);
  });

  it('drops the musl crt object lists and keeps no exe suffix', () => {
    expect(spec).not.toHaveProperty('pre-link-objects-fallback');
    expect(spec).not.toHaveProperty('post-link-objects-fallback');
    expect(spec).not.toHaveProperty('is-builtin');
    expect(spec['exe-suffix']).toEqual(builtin['exe-suffix']);
  });

  it('describes itself and is not a host or tiered target', () => {
    const metadata = spec.metadata as Record<string, unknown>;
    expect(metadata.description).toMatch(new RegExp(`Actually Portable Executable \\(${arch}\\)`));
    expect(metadata.host_tools).toBe(false);
    expect(metadata.std).toBe(true);
    expect(metadata).not.toHaveProperty('tier');
  });

  if (arch === 'x86_64') {
    it('uses the default (small) code model, as cosmo does, and no red zone', () => {
      expect(spec).not.toHaveProperty('code-model');
      expect(
        deriveTargetSpec(arch, { ...builtin, 'code-model': 'large' }, LINKER)
      ).not.toHaveProperty('code-model');
      expect(spec['disable-redzone']).toBe(true);
      expect(spec['pre-link-args']).toEqual(builtin['pre-link-args']);
    });
  } else {
    it('reserves x18 and x28, drops outline atomics, keeps the rest of the features', () => {
      const features = String(spec.features).split(',');
      expect(features).toEqual(expect.arrayContaining(['+reserve-x18', '+reserve-x28']));
      expect(features).not.toContain('+outline-atomics');
      const kept = String(builtin.features)
        .split(',')
        .filter(f => f !== '+outline-atomics');
      expect(features).toEqual(expect.arrayContaining(kept));
      expect(spec).not.toHaveProperty('code-model');
      expect(spec).not.toHaveProperty('disable-redzone');
    });
  }

  it('leaves the builtin object untouched', () => {
    expect(builtin['has-thread-local']).toBe(true);
    expect(builtin).toHaveProperty('pre-link-objects-fallback');
  });
});

describe('deriveTargetSpec against schema drift', () => {
  const x86 = recorded.find(r => r.arch === 'x86_64')!.builtin;

  it('keeps an older rustc spelling: gcc flavor and string widths', () => {
    const older = {
      ...x86,
      'linker-flavor': 'gcc',
      'target-pointer-width': '64',
      'target-c-int-width': '32'
    };
    const spec = deriveTargetSpec('x86_64', older, LINKER);
    expect(spec['linker-flavor']).toBe('gcc');
    expect(spec['target-pointer-width']).toBe('64');
    expect(spec['target-c-int-width']).toBe('32');
  });

  it('drops is-builtin, which rustc prints but rejects on input', () => {
    const spec = deriveTargetSpec('x86_64', { ...x86, 'is-builtin': true }, LINKER);
    expect(spec).not.toHaveProperty('is-builtin');
  });

  it('removes empty link-arg lists and link-args fields left empty', () => {
    const builtin = {
      ...x86,
      'pre-link-args': { 'gnu-cc': ['-m64'], 'gnu-lld-cc': [] },
      'late-link-args': { 'gnu-cc': [] }
    };
    const spec = deriveTargetSpec('x86_64', builtin, LINKER);
    expect(spec['pre-link-args']).toEqual({ 'gnu-cc': ['-m64'] });
    expect(spec).not.toHaveProperty('late-link-args');
  });

  it('adds no metadata when this rustc does not print any', () => {
    const rest: TargetSpec = { ...x86 };
    delete rest.metadata;
    expect(deriveTargetSpec('x86_64', rest, LINKER)).not.toHaveProperty('metadata');
  });

  it('refuses a builtin for the other arch, one without data-layout, and a relative linker', () => {
    expect(() => deriveTargetSpec('aarch64', x86, LINKER)).toThrow(/arch x86_64/);
    const noLayout: TargetSpec = { ...x86 };
    delete noLayout['data-layout'];
    expect(() => deriveTargetSpec('x86_64', noLayout, LINKER)).toThrow(/data-layout/);
    expect(() => deriveTargetSpec('x86_64', x86, 'cosmo-linker')).toThrow(/absolute/);
  });
});

describe('pieces', () => {
  it('names the targets after the spec files', () => {
    expect({ x86_64: cosmoTarget('x86_64'), aarch64: cosmoTarget('aarch64') }).toEqual({
      x86_64: 'x86_64-unknown-linux-cosmo',
      aarch64: 'aarch64-unknown-linux-cosmo'
    });
  });

  it('builds aarch64 features from any builtin list', () => {
    expect(aarch64Features('+v8a,+outline-atomics')).toBe('+v8a,+reserve-x18,+reserve-x28');
    expect(aarch64Features(undefined)).toBe('+reserve-x18,+reserve-x28');
    expect(aarch64Features('+v8a,-reserve-x18,+reserve-x28,+neon')).toBe(
      '+v8a,+neon,+reserve-x18,+reserve-x28'
    );
  });

  it('falls back to the gcc flavor only when the builtin has no cc flavor', () => {
    expect(ccLinkerFlavor('gnu-cc')).toBe('gnu-cc');
    expect(ccLinkerFlavor('gcc')).toBe('gcc');
    expect(ccLinkerFlavor('gnu-lld')).toBe('gcc');
  });

  it('keeps non-empty link args as they are', () => {
    const spec = { 'post-link-args': { 'gnu-cc': ['-x'] }, other: [] };
    expect(withoutEmptyLinkArgs(spec)).toEqual(spec);
  });

  it('hashes canonical JSON: key order does not matter, any value does', () => {
    const a = { b: 1, a: { d: [1, 2], c: 'x' } };
    const reordered = { a: { c: 'x', d: [1, 2] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[1,2]},"b":1}');
    expect(specHash(a)).toBe(specHash(reordered));
    expect(specHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(specHash({ ...a, b: 2 })).not.toBe(specHash(a));
  });

  it('renders the spec file with sorted keys and a trailing newline', () => {
    const text = renderTargetSpec({ z: 1, a: { y: true, b: false } });
    expect(text).toBe('{\n  "a": {\n    "b": false,\n    "y": true\n  },\n  "z": 1\n}\n');
  });

  it('probes with an object emit of a lib crate for the spec path', () => {
    const args = probeCompileArgs('/s/x.json', '/t/probe.rs', '/t/probe.o');
    expect(args).toEqual(expect.arrayContaining(['-Z', 'unstable-options']));
    expect(args[args.indexOf('--target') + 1]).toBe('/s/x.json');
    expect(args[args.indexOf('--emit') + 1]).toBe('obj');
    expect(args[args.indexOf('--crate-type') + 1]).toBe('lib');
    expect(args[args.indexOf('-o') + 1]).toBe('/t/probe.o');
    expect(args.at(-1)).toBe('/t/probe.rs');
  });
});
