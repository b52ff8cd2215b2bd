/**
 * `@github/local-action` (README: Run the action locally) against the action's TypeScript entry,
 * src/main.ts and its `run` export, in `mode: setup`: the inputs come from a .env file, and the
 * test-made cosmocc zip from a real HTTP server on 127.0.0.1. npm runs offline (the tool starts
 * itself through `npm exec`), so nothing reaches a registry.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeCosmoccZip, type CosmoccZip } from '../helpers/cosmocc-zip.js';
import { startScriptedServer, type ScriptedServer } from '../helpers/http-server.js';
import { REPO_ROOT } from '../helpers/runner.js';

const LOCAL_ACTION = path.join(REPO_ROOT, 'node_modules', '.bin', 'local-action');

let zip: CosmoccZip;
let server: ScriptedServer;
let dir: string;

beforeAll(async () => {
  zip = await makeCosmoccZip();
  server = await startScriptedServer({ '/cosmocc.zip': [{ kind: 'body', body: zip.bytes }] });
  dir = mkdtempSync(path.join(os.tmpdir(), 'ape-local-action-'));
});

afterAll(async () => {
  await server.close();
  await zip.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** `local-action run <action dir> <entry> <.env>`; the whole output, whatever the exit code. */
function localAction(envFile: string): Promise<{ code: number; output: string }> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    // npm exec (how the tool starts itself) and npm ls must never reach for a registry
    npm_config_offline: 'true',
    NO_COLOR: '1'
  };
  // not on a runner: the step's files and the cache service are the tool's stand-ins
  for (const name of Object.keys(env))
    if (/^(GITHUB_|ACTIONS_|INPUT_)/.test(name)) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(LOCAL_ACTION, ['run', REPO_ROOT, 'src/main.ts', envFile], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    child.on('error', reject);
    child.on('close', code => resolve({ code: code ?? -1, output }));
  });
}

describe('@github/local-action', () => {
  it('runs src/main.ts in mode: setup offline: cosmocc downloaded, verified, installed', async () => {
    expect(existsSync(LOCAL_ACTION)).toBe(true);
    const toolCache = path.join(dir, 'tool-cache');
    const temp = path.join(dir, 'temp');
    mkdirSync(toolCache);
    mkdirSync(temp);
    const envFile = path.join(dir, '.env');
    writeFileSync(
      envFile,
      [
        'INPUT_MODE=setup',
        `INPUT_COSMOCC-URL=${server.url('/cosmocc.zip')}`,
        `INPUT_COSMOCC-SHA256=${zip.sha256}`,
        // the tool's @actions/cache stand-in has no isFeatureAvailable (README)
        'INPUT_CACHE=false',
        `RUNNER_TOOL_CACHE=${toolCache}`,
        `RUNNER_TEMP=${temp}`,
        ''
      ].join('\n')
    );

    const { code, output } = await localAction(envFile);

    expect(output).toContain('Running Action');
    expect(output).not.toMatch(/::error::|Error:/);
    expect(code).toBe(0);
    const root = path.join(toolCache, 'cosmocc', '4.0.2', process.arch);
    expect(existsSync(path.join(root, 'bin', 'apelink'))).toBe(true);
    expect(output).toContain(`SHA-256 ${zip.sha256} verified before unpacking`);
    // the outputs table local-action prints at the end
    expect(output).toMatch(new RegExp(`'cosmocc-path'\\s*│\\s*'${root}'`));
    expect(output).toContain(
      'Not restoring cosmocc 4.0.2 from the Actions cache: the cache input is false.'
    );
    expect(server.countFor('/cosmocc.zip')).toBe(1);
  }, 120_000);
});
