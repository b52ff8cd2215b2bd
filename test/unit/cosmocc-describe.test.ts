import { describe, expect, it } from '@jest/globals';
import { describeCosmoccInstall, type CosmoccInstall } from '../../src/cosmocc/install.js';
import { cosmoccTools } from '../../src/cosmocc/tools.js';

const SHA = '85b8c37a406d862e656ad4ec14be9f6ce474c1b436b9615e91a55208aced3f44';
const base: CosmoccInstall = {
  root: '/t/cosmocc/4.0.2/x64',
  bin: '/t/cosmocc/4.0.2/x64/bin',
  tools: cosmoccTools('/t/cosmocc/4.0.2/x64'),
  version: '4.0.2',
  source: 'download',
  url: 'https://cosmo.zip/pub/cosmocc/cosmocc-4.0.2.zip',
  sha256: SHA,
  cacheHit: false,
  cacheKey: 'ape-action-cosmocc-v1-4.0.2-85b8c37a406d862e-linux-x64',
  cacheSaved: true,
  seconds: 12.34
};

describe('describeCosmoccInstall', () => {
  it('says where a download came from, that it was verified, and how long it took', () => {
    expect(describeCosmoccInstall(base)).toBe(
      `cosmocc 4.0.2 downloaded from https://cosmo.zip/pub/cosmocc/cosmocc-4.0.2.zip, SHA-256 ${SHA} verified before unpacking, installed in 12.3 s, and saved to the Actions cache.`
    );
  });

  it('leaves out the cache save when there was none', () => {
    expect(describeCosmoccInstall({ ...base, cacheSaved: false })).not.toMatch(/saved/);
  });

  it('names the tool cache and the Actions cache key on a hit', () => {
    expect(describeCosmoccInstall({ ...base, source: 'tool-cache', cacheHit: true })).toMatch(
      /reused from the runner's tool cache \(SHA-256 85b8.* verified when it was downloaded\), in 12\.3 s\./
    );
    expect(describeCosmoccInstall({ ...base, source: 'cache', cacheHit: true })).toContain(
      'restored from the Actions cache (key ape-action-cosmocc-v1-4.0.2-85b8c37a406d862e-linux-x64;'
    );
  });

  it('says plainly that a cosmocc-dir was not verified', () => {
    expect(
      describeCosmoccInstall({ ...base, source: 'cosmocc-dir', root: '/opt/cosmo', seconds: 0 })
    ).toBe(
      'cosmocc from cosmocc-dir /opt/cosmo used as is (not downloaded, no checksum check; the required tools are present), in 0.0 s.'
    );
  });
});
