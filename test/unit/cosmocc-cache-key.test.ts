import { describe, expect, it } from '@jest/globals';
import { cosmoccCacheKey } from '../../src/cache/keys.js';

const SHA = '85b8c37a406d862e656ad4ec14be9f6ce474c1b436b9615e91a55208aced3f44';
const base = { version: '4.0.2', sha256: SHA, platform: 'linux', arch: 'x64' };

describe('cosmoccCacheKey', () => {
  it('names version, digest prefix, OS and CPU', () => {
    expect(cosmoccCacheKey(base)).toBe('ape-action-cosmocc-v1-4.0.2-85b8c37a406d862e-linux-x64');
  });

  it('is the same for an upper-case digest', () => {
    expect(cosmoccCacheKey({ ...base, sha256: SHA.toUpperCase() })).toBe(cosmoccCacheKey(base));
  });

  it('changes with each part', () => {
    const keys = [
      cosmoccCacheKey(base),
      cosmoccCacheKey({ ...base, version: '4.0.1' }),
      cosmoccCacheKey({ ...base, sha256: `0${SHA.slice(1)}` }),
      cosmoccCacheKey({ ...base, platform: 'darwin' }),
      cosmoccCacheKey({ ...base, arch: 'arm64' })
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
