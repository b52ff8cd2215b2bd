/**
 * The bundled action, run the way a GitHub runner runs it (child process, INPUT_* variables,
 * runner files), installing a test-made cosmocc zip from a real HTTP server on 127.0.0.1.
 * The runner files are read back: that is the whole contract between an action and a runner.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cacheStateName } from '../../src/cache/service.js';
import { makeCosmoccZip, type CosmoccZip } from '../helpers/cosmocc-zip.js';
import { startScriptedServer, type ScriptedServer } from '../helpers/http-server.js';
import { makeRunnerDir, runAsRunner } from '../helpers/runner.js';

let zip: CosmoccZip;
let server: ScriptedServer;
const dirs: string[] = [];

function freshDir(): string {
  const dir = makeRunnerDir();
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  zip = await makeCosmoccZip();
  server = await startScriptedServer({
    '/cosmocc-4.0.2.zip': [{ kind: 'body', body: zip.bytes }],
    '/flaky.zip': [
      { kind: 'status', status: 503 },
      { kind: 'body', body: zip.bytes }
    ]
  });
});

afterAll(async () => {
  await server.close();
  await zip.cleanup();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('mode: setup through the runner contract', () => {
  it('installs, verifies, exports PATH and outputs, writes the summary; a second step hits the tool cache', async () => {
    const dir = freshDir();
    const inputs = {
      mode: 'setup',
      'cosmocc-url': server.url('/cosmocc-4.0.2.zip'),
      'cosmocc-sha256': zip.sha256
    };
    const first = await runAsRunner({ dir, inputs });
    expect(first.stdout).not.toMatch(/::error::/);
    expect(first.code).toBe(0);
    const root = path.join(dir, 'tool-cache', 'cosmocc', '4.0.2', process.arch);
    expect(first.outputs).toEqual({
      'cosmocc-path': root,
      'cosmocc-version': '4.0.2',
      'cache-hit': 'false'
    });
    expect(first.paths).toEqual([path.join(root, 'bin')]);
    expect(existsSync(path.join(root, 'bin', 'apelink'))).toBe(true);
    expect(first.summary).toContain('### cosmocc');
    expect(first.summary).toContain(zip.sha256);
    expect(first.summary).toContain(server.url('/cosmocc-4.0.2.zip'));
    expect(first.stdout).toMatch(/::group::/);
    expect(server.countFor('/cosmocc-4.0.2.zip')).toBe(1);

    const second = await runAsRunner({ dir, inputs });
    expect(second.code).toBe(0);
    expect(second.outputs['cache-hit']).toBe('true');
    expect(second.paths).toEqual([path.join(root, 'bin')]);
    expect(server.countFor('/cosmocc-4.0.2.zip')).toBe(1);
  });

  it('retries a 503 and succeeds', async () => {
    const result = await runAsRunner({
      dir: freshDir(),
      inputs: {
        mode: 'setup',
        'cosmocc-url': server.url('/flaky.zip'),
        'cosmocc-sha256': zip.sha256
      }
    });
    // the shipped backoff (about 2 s) is used as is: no test-only knob in the action
    expect(result.code).toBe(0);
    expect(server.countFor('/flaky.zip')).toBe(2);
  }, 60_000);

  it('fails a checksum mismatch with both digests, the URL, and nothing on PATH or in the tool cache', async () => {
    const dir = freshDir();
    const wrong = '0'.repeat(64);
    const result = await runAsRunner({
      dir,
      inputs: {
        mode: 'setup',
        'cosmocc-url': server.url('/cosmocc-4.0.2.zip'),
        'cosmocc-sha256': wrong
      }
    });
    expect(result.code).toBe(1);
    const error = result.stdout.split('\n').find(line => line.startsWith('::error::')) ?? '';
    expect(error).toContain(wrong);
    expect(error).toContain(zip.sha256);
    expect(error).toContain(server.url('/cosmocc-4.0.2.zip'));
    expect(result.paths).toEqual([]);
    expect(result.outputs).toEqual({});
    expect(readdirSync(path.join(dir, 'tool-cache'))).toEqual([]);
  });

  it('refuses an unknown version without a checksum before any request', async () => {
    const before = server.requests.length;
    const result = await runAsRunner({
      dir: freshDir(),
      inputs: {
        mode: 'setup',
        'cosmocc-version': '9.9.9',
        'cosmocc-url': server.url('/cosmocc-4.0.2.zip')
      }
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /::error::Input 'cosmocc-version' has an invalid value "9\.9\.9": .*cosmocc-sha256/
    );
    expect(server.requests.length).toBe(before);
  });

  it('refuses a bad mode with the allowed values', async () => {
    const result = await runAsRunner({ dir: freshDir(), inputs: { mode: 'install' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /::error::Input 'mode' has an invalid value "install": use 'build'.*'setup'/
    );
  });
});

describe('post step', () => {
  it('with no cache service, saves nothing and does not fail', async () => {
    const dir = freshDir();
    // what the main step records for a build-cache miss (Caches.restore)
    const entry = {
      name: 'build',
      what: 'cargo build output',
      key: 'k',
      restoreKeys: [],
      explanation: [],
      paths: [path.join(dir, 'workspace')],
      save: 'post'
    };
    const state = { [cacheStateName('build')]: JSON.stringify({ entry, enabled: true }) };
    const result = await runAsRunner({ dir, entry: 'post', inputs: {}, state });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /Not saving cargo build output to the Actions cache: no Actions cache service here/
    );
    expect(result.stdout).not.toMatch(/::error::/);
  });

  it('with no state (main step failed early), does nothing', async () => {
    const result = await runAsRunner({ dir: freshDir(), entry: 'post', inputs: {} });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/::(error|warning)::/);
  });
});
