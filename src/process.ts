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

/**
 * Runs a program (argv, no shell) with extra environment, capturing its output; `onLine` also
 * gets every output line as it arrives. node's spawn, not @actions/exec: the latter re-splits the
 * program path on spaces.
 */
export function run(
  program: string,
  args: string[],
  extraEnv: Record<string, string> = {},
  cwd?: string,
  onLine?: (line: string) => void
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd,
      env: { ...process.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe']
    });
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

/** The end of a tool's output, where its actual complaint is. */
export function tail(text: string, maxChars = 4000): string {
  const trimmed = text.trim();
  return trimmed.length <= maxChars ? trimmed : `...${trimmed.slice(-maxChars)}`;
}
