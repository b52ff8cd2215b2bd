/**
 * Test doubles of the pipeline's surroundings: a Log and RunnerFiles that collect everything in
 * memory (one object serves as both, so a test reads one list of lines), and a RunnerEnv for a
 * sandbox folder.
 */
import os from 'node:os';
import path from 'node:path';
import type { Log, RunnerFiles } from '../../src/log.js';
import { resolveRunnerEnv, type RunnerEnv } from '../../src/runner-env.js';

export class MemoryHost implements Log, RunnerFiles {
  readonly lines: string[] = [];
  readonly outputs = new Map<string, string>();
  readonly paths: string[] = [];
  readonly state = new Map<string, string>();
  readonly matchers: string[] = [];
  summary = '';
  debugEnabled = false;

  info(message: string): void {
    this.lines.push(message);
  }
  warning(message: string): void {
    this.lines.push(`warning: ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`);
  }
  debug(message: string): void {
    if (this.debugEnabled) this.lines.push(`debug: ${message}`);
  }
  isDebug(): boolean {
    return this.debugEnabled;
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`group: ${name}`);
    return fn();
  }
  addMatcher(file: string): void {
    this.matchers.push(file);
  }
  removeMatcher(owner: string): void {
    this.lines.push(`remove-matcher: ${owner}`);
  }
  setOutput(name: string, value: string): void {
    this.outputs.set(name, value);
  }
  addPath(dir: string): void {
    this.paths.push(dir);
  }
  saveState(name: string, value: string): void {
    this.state.set(name, value);
  }
  getState(name: string): string {
    return this.state.get(name) ?? '';
  }
  async appendSummary(markdown: string): Promise<void> {
    this.summary += markdown;
  }
  /** The host as the `{log, runner}` pair stages take. */
  get reporter(): { log: Log; runner: RunnerFiles } {
    return { log: this, runner: this };
  }
}

/**
 * A runner environment rooted in `dir` (temp, tool cache), with this process's environment for
 * children, or `env` where given.
 */
export function testRunnerEnv(
  dir = os.tmpdir(),
  env: Record<string, string | undefined> = process.env
): RunnerEnv {
  return resolveRunnerEnv({
    env: {
      ...env,
      RUNNER_TEMP: path.join(dir, 'temp'),
      RUNNER_TOOL_CACHE: path.join(dir, 'tool-cache')
    },
    homeDir: os.homedir(),
    tmpDir: os.tmpdir(),
    platform: process.platform,
    cpu: process.arch,
    cwd: process.cwd()
  });
}
