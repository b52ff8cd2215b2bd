/**
 * Running other programs: argv only, never a shell, output captured and optionally streamed
 * line by line. node's spawn, not @actions/exec: the latter re-splits the program path on
 * spaces, which breaks tools installed under a path with a space.
 */
import { spawn } from 'node:child_process';
import { ActionError } from './errors.js';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** The child's whole environment (see childEnv); inherited when absent. */
  env?: Record<string, string>;
  cwd?: string;
  /** Gets every non-blank output line as it arrives (stdout and stderr). */
  onLine?: (line: string) => void;
}

/** Runs a program and returns its exit code and output, whatever the exit code. */
export function run(program: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const { env, cwd, onLine } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = { stdout: '', stderr: '' };
    const pending = { stdout: '', stderr: '' };
    const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString();
      output[stream] += text;
      if (!onLine) return;
      const lines = (pending[stream] + text).split('\n');
      pending[stream] = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onLine(line);
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    child.on('error', err => reject(new ActionError(`could not run ${program}: ${err.message}`)));
    child.on('close', (code, signal) => {
      for (const rest of [pending.stdout, pending.stderr]) if (onLine && rest.trim()) onLine(rest);
      resolve({ exitCode: code ?? (signal ? 128 : 1), ...output });
    });
  });
}

export interface CheckedRunOptions extends RunOptions {
  /**
   * What failed, as the start of the error: `cargo metadata failed for X`. The exit code and
   * the tail of the tool's own output are added.
   */
  failure: string;
  /** How much of the output's tail the error keeps. */
  tailChars?: number;
}

/** Runs a program; a non-zero exit is an ActionError with the tool's complaint. */
export async function runChecked(
  program: string,
  args: string[],
  options: CheckedRunOptions
): Promise<RunResult> {
  const result = await run(program, args, options);
  if (result.exitCode !== 0) {
    const said = tail(result.stderr || result.stdout, options.tailChars);
    throw new ActionError(`${options.failure} (exit ${result.exitCode}):\n${said}`);
  }
  return result;
}

/** The end of a tool's output, where its actual complaint is. */
export function tail(text: string, maxChars = 4000): string {
  const trimmed = text.trim();
  return trimmed.length <= maxChars ? trimmed : `...${trimmed.slice(-maxChars)}`;
}
