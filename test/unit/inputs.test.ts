import { describe, expect, it } from '@jest/globals';
import { parseInputs, INPUT_DEFAULTS, type InputName } from '../../src/inputs.js';

const parse = (values: Partial<Record<InputName, string>>) => parseInputs(name => values[name]);

describe('parseInputs', () => {
  it('applies every default', () => {
    const config = parse({});
    expect(config.mode).toBe('build');
    expect(config.arches).toEqual(['x86_64', 'aarch64']);
    expect(config.cosmocc.sha256).toBe('85b8c37a406d862e656ad4ec14be9f6ce474c1b436b9615e91a55208aced3f44');
    expect(INPUT_DEFAULTS['rust-toolchain']).toMatch(/^nightly-/);
  });
});
