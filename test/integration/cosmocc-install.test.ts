/**
 * installCosmocc against a real HTTP server on 127.0.0.1 serving a real zip made with `zip -ry`,
 * unpacked by the real `unzip` through tool-cache, into a real (temporary) tool cache.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmod, cp, lstat, mkdir, mkdtemp, readdir, readlink, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tc from '@actions/tool-cache';
import type { CacheStore } from '../../src/cache/safe-cache.js';
import { Caches } from '../../src/cache/service.js';
import {
  installCosmocc,
  VERIFIED_SHA256_FILE,
  type CosmoccRequest,
  type InstallCosmoccOptions
} from '../../src/cosmocc/install.js';
import { requiredCosmoccTools } from '../../src/cosmocc/tools.js';
import { ActionError } from '../../src/errors.js';
import { MemoryHost, testRunnerEnv } from '../helpers/memory-host.js';
import { parseInputs } from '../../src/inputs.js';
import { makeCosmoccZip, writeCosmoccTree, type CosmoccZip } from '../helpers/cosmocc-zip.js';
import { startScriptedServer, type Reply, type ScriptedServer } from '../helpers/http-server.js';

const run = promisify(execFile);
const VERSION = '4.0.2';
const ALL_TOOLS = requiredCosmoccTools('build', ['x86_64', 'aarch64']);
const FAST_RETRY = { attempts: 3, baseDelayMs: 2 };

let zip: CosmoccZip;
let sandbox: string;
let toolCache: string;
let runnerTemp: string;
let server: ScriptedServer | undefined;
let host: MemoryHost;

beforeAll(async () => {
  zip = await makeCosmoccZip();
});
afterAll(async () => {
  await zip.cleanup();
});

beforeEach(async () => {
  sandbox = await mkdtemp(path.join(os.tmpdir(), 'cosmocc-install-'));
  toolCache = path.join(sandbox, 'toolcache');
  runnerTemp = path.join(sandbox, 'temp');
  await mkdir(toolCache);
  await mkdir(runnerTemp);
  process.env.RUNNER_TOOL_CACHE = toolCache;
  process.env.RUNNER_TEMP = runnerTemp;
  host = new MemoryHost();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(sandbox, { recursive: true, force: true });
});

async function serve(script: Record<string, Reply[]>): Promise<ScriptedServer> {
  server = await startScriptedServer(script);
  return server;
}

function requestFor(urls: string[], sha256 = zip.sha256): CosmoccRequest {
  return { version: VERSION, sha256, urls };
}

interface InstallOverrides extends Partial<InstallCosmoccOptions> {
  /** The `cache` input. */
  useCache?: boolean;
  cacheService?: CacheStore;
}

function install(
  request: CosmoccRequest,
  { useCache = false, cacheService, ...overrides }: InstallOverrides = {}
): ReturnType<typeof installCosmocc> {
  const caches = new Caches(host.reporter, { enabled: useCache, store: cacheService });
  return installCosmocc(request, {
    log: host,
    env: { ...testRunnerEnv(sandbox), tempDir: runnerTemp, toolCache },
    requiredTools: ALL_TOOLS,
    caches,
    retry: FAST_RETRY,
    ...overrides
  });
}

const expectedRoot = (): string => path.join(toolCache, 'cosmocc', VERSION, os.arch());

/** Nothing half-written: no tool cache entry and an empty RUNNER_TEMP. */
async function expectNothingLeftBehind(): Promise<void> {
  expect(tc.find('cosmocc', VERSION)).toBe('');
  expect(await readdir(toolCache)).toEqual([]);
  expect(await readdir(runnerTemp)).toEqual([]);
}

const body = (): Reply => ({ kind: 'body', body: zip.bytes });

describe('installCosmocc from a download', () => {
  it('downloads, verifies, unpacks with modes and symlinks, and caches; then hits the tool cache', async () => {
    const srv = await serve({ '/cosmocc.zip': [body()] });
    const first = await install(requestFor([srv.url('/cosmocc.zip')]));

    expect(first).toMatchObject({
      root: expectedRoot(),
      bin: path.join(expectedRoot(), 'bin'),
      version: VERSION,
      source: 'download',
      url: srv.url('/cosmocc.zip'),
      sha256: zip.sha256,
      cacheHit: false,
      cacheSaved: false
    });
    expect(tc.find('cosmocc', VERSION)).toBe(expectedRoot());

    const bin = first.bin;
    expect((await stat(path.join(bin, 'cosmocc'))).mode & 0o777).toBe(0o755);
    expect((await stat(path.join(bin, 'ape-m1.c'))).mode & 0o777).toBe(0o644);
    const link = path.join(bin, 'x86_64-unknown-cosmo-cc');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe('cosmocross');
    // Runs through the symlink: both the link and the execute bit survived.
    expect((await run(link, [])).stdout).toBe('stand-in x86_64-unknown-cosmo-cc\n');
    expect((await stat(path.join(first.root, 'include', 'stdio.h'))).isFile()).toBe(true);
    expect((await stat(path.join(first.root, 'lib', 'libcosmo.a'))).isFile()).toBe(true);
    expect(await readdir(runnerTemp)).toEqual([]);
    expect(host.lines[0]).toBe(`group: Install cosmocc ${VERSION}`);
    expect(host.lines).toContain(
      'Not saving cosmocc 4.0.2 to the Actions cache: the cache input is false.'
    );

    const second = await install(requestFor([srv.url('/cosmocc.zip')]));
    expect(second).toMatchObject({ root: expectedRoot(), source: 'tool-cache', cacheHit: true });
    expect(srv.requests).toEqual(['/cosmocc.zip']);
  });

  it('unpacks a zip whose content sits in one wrapping folder', async () => {
    const wrapped = await makeCosmoccZip({ wrapFolder: 'cosmocc-4.0.2' });
    try {
      const srv = await serve({ '/w.zip': [{ kind: 'body', body: wrapped.bytes }] });
      const got = await install(requestFor([srv.url('/w.zip')], wrapped.sha256));
      expect(got.root).toBe(expectedRoot());
      expect((await stat(path.join(got.bin, 'apelink'))).isFile()).toBe(true);
    } finally {
      await wrapped.cleanup();
    }
  });

  it('follows a redirect, as GitHub release downloads do', async () => {
    // @actions/http-client needs an absolute Location (GitHub sends one).
    const target = await startScriptedServer({ '/objects/blob': [body()] });
    const srv = await serve({
      '/releases/cosmocc.zip': [{ kind: 'redirect', location: target.url('/objects/blob') }]
    }).catch(async err => {
      await target.close();
      throw err;
    });
    try {
      const got = await install(requestFor([srv.url('/releases/cosmocc.zip')]));
      expect(got.url).toBe(srv.url('/releases/cosmocc.zip'));
      expect(srv.requests).toEqual(['/releases/cosmocc.zip']);
      expect(target.requests).toEqual(['/objects/blob']);
    } finally {
      await target.close();
    }
  });

  it('refuses a checksum mismatch with both digests and the URL, caching nothing', async () => {
    const srv = await serve({ '/cosmocc.zip': [body()] });
    const wrong = 'ab'.repeat(32);
    const failure = install(requestFor([srv.url('/cosmocc.zip')], wrong));
    await expect(failure).rejects.toThrow(ActionError);
    await expect(failure).rejects.toThrow(srv.url('/cosmocc.zip'));
    await expect(failure).rejects.toThrow(`expected SHA-256 ${wrong}`);
    await expect(failure).rejects.toThrow(`actual   SHA-256 ${zip.sha256}`);
    await expectNothingLeftBehind();
    // A mismatch is not a transient failure: one request, no retry.
    expect(srv.requests).toEqual(['/cosmocc.zip']);
  });

  it('goes to the mirror after a 404, without retrying the 404', async () => {
    const srv = await serve({ '/mirror.zip': [body()] });
    const got = await install(requestFor([srv.url('/gone.zip'), srv.url('/mirror.zip')]));
    expect(got.url).toBe(srv.url('/mirror.zip'));
    expect(srv.requests).toEqual(['/gone.zip', '/mirror.zip']);
    expect(host.lines).toContain('  HTTP 404 Not Found');
  });

  it('retries a 500 on the same URL and succeeds', async () => {
    const srv = await serve({ '/cosmocc.zip': [{ kind: 'status', status: 500 }, body()] });
    const got = await install(requestFor([srv.url('/cosmocc.zip')]));
    expect(got.source).toBe('download');
    expect(srv.countFor('/cosmocc.zip')).toBe(2);
    expect(host.lines).toContain('  retrying in 0.0 s');
  });

  it('retries a truncated body and succeeds', async () => {
    const half = Math.floor(zip.bytes.length / 2);
    const srv = await serve({
      '/cosmocc.zip': [{ kind: 'truncated', body: zip.bytes, sendBytes: half }, body()]
    });
    const got = await install(requestFor([srv.url('/cosmocc.zip')]));
    expect(got.sha256).toBe(zip.sha256);
    expect(srv.countFor('/cosmocc.zip')).toBe(2);
    expect(host.lines).toContain(`  body cut off after ${half} of ${zip.bytes.length} bytes`);
  });

  it('retries a connection that goes silent', async () => {
    const srv = await serve({
      '/cosmocc.zip': [{ kind: 'stall', body: zip.bytes, sendBytes: 100 }, body()]
    });
    const got = await install(requestFor([srv.url('/cosmocc.zip')]), { idleTimeoutMs: 200 });
    expect(got.source).toBe('download');
    expect(srv.countFor('/cosmocc.zip')).toBe(2);
    expect(host.lines).toContain(
      `  network error: no data for 0.2 s after 100 of ${zip.bytes.length} bytes`
    );
  });

  it('fails clearly when every source keeps cutting the body off, listing each URL', async () => {
    const cut: Reply = { kind: 'truncated', body: zip.bytes, sendBytes: 64 };
    const srv = await serve({ '/a.zip': [cut], '/b.zip': [cut] });
    const failure = install(requestFor([srv.url('/a.zip'), srv.url('/b.zip')]));
    const error = await failure.then(
      () => undefined,
      (err: unknown) => err
    );
    expect(error).toBeInstanceOf(ActionError);
    const lines = (error as Error).message.split('\n');
    const cutOff = `body cut off after 64 of ${zip.bytes.length} bytes`;
    const threeTimes = [1, 2, 3].map(n => `attempt ${n}: ${cutOff}`).join('; ');
    expect(lines[0]).toBe('Could not download cosmocc 4.0.2 from any of its 2 source(s):');
    expect(lines[1]).toBe(`- ${srv.url('/a.zip')}: ${threeTimes}`);
    expect(lines[2]).toBe(`- ${srv.url('/b.zip')}: ${threeTimes}`);
    expect(srv.countFor('/a.zip')).toBe(3);
    expect(srv.countFor('/b.zip')).toBe(3);
    await expectNothingLeftBehind();
  });

  it('refuses a verified zip that lacks required tools, caching nothing', async () => {
    const partial = await makeCosmoccZip({ omit: ['apelink', 'ape-m1.c'] });
    try {
      const srv = await serve({ '/p.zip': [{ kind: 'body', body: partial.bytes }] });
      const failure = install(requestFor([srv.url('/p.zip')], partial.sha256));
      await expect(failure).rejects.toThrow(/missing bin\/apelink, bin\/ape-m1\.c/);
      await expect(failure).rejects.toThrow(srv.url('/p.zip'));
      await expectNothingLeftBehind();
    } finally {
      await partial.cleanup();
    }
  });

  it('reinstalls when the tool cache holds this version from a different zip', async () => {
    const srv = await serve({ '/cosmocc.zip': [body()] });
    await install(requestFor([srv.url('/cosmocc.zip')]));
    const other = await makeCosmoccZip({ wrapFolder: 'x' });
    try {
      server = undefined;
      await srv.close();
      const srv2 = await serve({ '/other.zip': [{ kind: 'body', body: other.bytes }] });
      const got = await install(requestFor([srv2.url('/other.zip')], other.sha256));
      expect(got.source).toBe('download');
      expect(got.sha256).toBe(other.sha256);
      expect(host.lines).toContainEqual(
        expect.stringMatching(/Not reusing cosmocc .*a different zip \(SHA-256 [0-9a-f]{64}\)/)
      );
    } finally {
      await other.cleanup();
    }
  });
});

describe('inputs refuse before any download', () => {
  it('refuses an unknown version without a checksum, with zero requests', async () => {
    const srv = await serve({ '/cosmocc.zip': [body()] });
    expect(() =>
      parseInputs(name =>
        name === 'cosmocc-version'
          ? '9.9.9'
          : name === 'cosmocc-url'
            ? srv.url('/cosmocc.zip')
            : undefined
      )
    ).toThrow(/cosmocc-sha256/);
    expect(srv.requests).toEqual([]);
  });
});

describe('installCosmocc with cosmocc-dir', () => {
  it('uses a complete directory as is: no download, nothing cached', async () => {
    const dir = path.join(sandbox, 'my-cosmocc');
    await writeCosmoccTree(dir);
    const got = await install({ version: VERSION, sha256: '', urls: [], dir });
    expect(got).toMatchObject({
      root: dir,
      bin: path.join(dir, 'bin'),
      source: 'cosmocc-dir',
      cacheHit: false
    });
    expect(got.sha256).toBeUndefined();
    expect(await readdir(toolCache)).toEqual([]);
  });

  it('lists every missing tool and the directory', async () => {
    const dir = path.join(sandbox, 'partial');
    await writeCosmoccTree(dir, ['apelink', 'aarch64-unknown-cosmo-cc', 'ape-m1.c']);
    await expect(install({ version: VERSION, sha256: '', urls: [], dir })).rejects.toThrow(
      `cosmocc at ${dir} is incomplete: missing bin/apelink, bin/aarch64-unknown-cosmo-cc, bin/ape-m1.c. Point cosmocc-dir at`
    );
  });

  it('names tools that lost their execute bit', async () => {
    const dir = path.join(sandbox, 'modes-lost');
    await writeCosmoccTree(dir);
    await chmod(path.join(dir, 'bin', 'cosmocross'), 0o644);
    await expect(install({ version: VERSION, sha256: '', urls: [], dir })).rejects.toThrow(
      /not executable bin\/x86_64-unknown-cosmo-cc, bin\/x86_64-unknown-cosmo-c\+\+, bin\/aarch64-unknown-cosmo-cc, bin\/aarch64-unknown-cosmo-c\+\+ \(/
    );
  });

  it('says to use the parent when pointed at bin/ itself', async () => {
    const dir = path.join(sandbox, 'c');
    await writeCosmoccTree(dir);
    await expect(
      install({ version: VERSION, sha256: '', urls: [], dir: path.join(dir, 'bin') })
    ).rejects.toThrow(`cosmocc-dir points at bin/ itself; set it to the parent folder ${dir}.`);
  });

  it('refuses a directory that does not exist', async () => {
    const dir = path.join(sandbox, 'nope');
    await expect(install({ version: VERSION, sha256: '', urls: [], dir })).rejects.toThrow(
      `cosmocc-dir ${dir} does not exist or is not a directory.`
    );
  });
});

/** A cache service backed by a local folder: save copies the path in, restore copies it back. */
function folderCache(store: string): CacheStore & { saved: string[] } {
  const saved: string[] = [];
  const entry = (key: string): string => path.join(store, key);
  return {
    saved,
    isFeatureAvailable: () => true,
    restoreCache: async (paths, key) => {
      const found = await stat(entry(key)).then(
        () => true,
        () => false
      );
      if (!found) return undefined;
      await cp(entry(key), paths[0], { recursive: true, verbatimSymlinks: true });
      return key;
    },
    saveCache: async (paths, key) => {
      await cp(paths[0], entry(key), { recursive: true, verbatimSymlinks: true });
      saved.push(key);
      return 1;
    }
  };
}

describe('installCosmocc with the Actions cache', () => {
  it('saves after a verified install and restores into the tool cache without downloading', async () => {
    const service = folderCache(path.join(sandbox, 'actions-cache'));
    const srv = await serve({ '/cosmocc.zip': [body()] });
    const first = await install(requestFor([srv.url('/cosmocc.zip')]), {
      useCache: true,
      cacheService: service
    });
    expect(first.source).toBe('download');
    expect(first.cacheSaved).toBe(true);
    expect(service.saved).toEqual([first.cacheKey]);
    expect(first.cacheKey).toMatch(/^ape-action-cosmocc-v1-4\.0\.2-[0-9a-f]{16}-/);

    // A new job: the tool cache is empty again.
    await rm(toolCache, { recursive: true });
    await mkdir(toolCache);
    const second = await install(requestFor([srv.url('/cosmocc.zip')]), {
      useCache: true,
      cacheService: service
    });
    expect(second).toMatchObject({ source: 'cache', cacheHit: true, root: expectedRoot() });
    expect(srv.requests).toEqual(['/cosmocc.zip']);
    expect(tc.find('cosmocc', VERSION)).toBe(expectedRoot());
    expect(await readlink(path.join(second.bin, 'aarch64-unknown-cosmo-cc'))).toBe('cosmocross');
  });

  it('ignores a restored entry that does not record the verified digest, and downloads', async () => {
    const store = path.join(sandbox, 'actions-cache');
    const service = folderCache(store);
    const srv = await serve({ '/cosmocc.zip': [body()] });
    const first = await install(requestFor([srv.url('/cosmocc.zip')]), {
      useCache: true,
      cacheService: service
    });
    await rm(path.join(store, first.cacheKey as string, VERIFIED_SHA256_FILE));
    await rm(toolCache, { recursive: true });
    await mkdir(toolCache);

    const second = await install(requestFor([srv.url('/cosmocc.zip')]), {
      useCache: true,
      cacheService: service
    });
    expect(second.source).toBe('download');
    expect(srv.countFor('/cosmocc.zip')).toBe(2);
    expect(host.lines).toContainEqual(
      expect.stringMatching(/^warning: Ignoring the restored cosmocc cache entry .*no record/)
    );
  });

  it('turns cache service errors into warnings and still installs', async () => {
    const broken: CacheStore = {
      isFeatureAvailable: () => true,
      restoreCache: async () => {
        throw new Error('cache service unreachable');
      },
      saveCache: async () => {
        throw new Error('cache write denied: read-only token');
      }
    };
    const srv = await serve({ '/cosmocc.zip': [body()] });
    const got = await install(requestFor([srv.url('/cosmocc.zip')]), {
      useCache: true,
      cacheService: broken
    });
    expect(got).toMatchObject({ source: 'download', cacheSaved: false });
    const warnings = host.lines.filter(line => line.startsWith('warning: '));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/restore .*cache service unreachable/);
    expect(warnings[1]).toMatch(/save .*read-only token/);
  });
});
