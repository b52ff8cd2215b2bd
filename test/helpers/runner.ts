/**
 * Runs a bundled entry point (dist/index.js, dist/post.js) the way a GitHub runner does: a child
 * node process with inputs as `INPUT_<NAME>` (upper-cased, hyphens kept) and the runner's files
 * (GITHUB_OUTPUT, GITHUB_PATH, GITHUB_ENV, GITHUB_STEP_SUMMARY, GITHUB_STATE) pointing at temp
 * files, which are read back afterwards. Nothing of @actions/core is mocked.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunnerResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  paths: string[];
  env: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  dir: string;
}

export interface RunnerOptions {
  entry?: 'index' | 'post';
  inputs: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** Reuse a runner dir (tool cache, temp, state files) across steps, as one job does. */
  dir?: string;
  cwd?: string;
  /** State written by an earlier step (the main step's saveState feeds the post step). */
  state?: Record<string, string>;
}

/** Parses the runner's `name<<DELIM\nvalue\nDELIM` file format (and plain `name=value`). */
export function parseRunnerFile(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      result[heredoc[1]] = value.join('\n');
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      result[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return result;
}

export function makeRunnerDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ape-runner-'));
  for (const sub of ['temp', 'tool-cache', 'workspace']) mkdirSync(path.join(dir, sub));
  return dir;
}

export async function runAsRunner(options: RunnerOptions): Promise<RunnerResult> {
  const dir = options.dir ?? makeRunnerDir();
  const entry = path.join(REPO_ROOT, 'dist', `${options.entry ?? 'index'}.js`);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run 'npm run bundle' first`);
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_PATH: path.join(dir, 'path'),
    GITHUB_ENV: path.join(dir, 'env'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
    GITHUB_STATE: path.join(dir, 'state')
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...files,
    RUNNER_TEMP: path.join(dir, 'temp'),
    RUNNER_TOOL_CACHE: path.join(dir, 'tool-cache'),
    GITHUB_WORKSPACE: path.join(dir, 'workspace'),
    GITHUB_ACTIONS: 'true',
    // no cache service here: @actions/cache must see it as unavailable, not fail
    ACTIONS_CACHE_URL: undefined,
    ACTIONS_RESULTS_URL: undefined,
    ACTIONS_RUNTIME_TOKEN: undefined,
    ...options.env
  };
  for (const [name, value] of Object.entries(options.inputs))
    env[`INPUT_${name.toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const { code, stdout, stderr } = await spawnNode(
    entry,
    env as Record<string, string>,
    options.cwd ?? REPO_ROOT
  );
  return {
    code,
    stdout,
    stderr,
    outputs: parseRunnerFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    paths: readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean),
    env: parseRunnerFile(readFileSync(files.GITHUB_ENV, 'utf8')),
    state: parseRunnerFile(readFileSync(files.GITHUB_STATE, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    dir
  };
}

function spawnNode(entry: string, env: Record<string, string>, cwd: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [entry], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('error', reject);
    child.on('close', code => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
