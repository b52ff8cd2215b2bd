/**
 * The surroundings of the local command: plain console output, outputs printed at the end as
 * `name=value` lines, state kept in memory, the summary written to a file only when asked.
 * PATH entries are printed, since a command cannot change its shell's PATH.
 */
import { appendFile } from 'node:fs/promises';
import type { AnnotationProps, Log, RunnerFiles } from './log.js';
import { renderTtyLine, type ProgressSnapshot } from './progress.js';

/** What the live line needs of a terminal (stderr by default). */
type Terminal = Pick<NodeJS.WriteStream, 'isTTY' | 'columns' | 'write'>;

export function cliLog(verbose: boolean, terminal: Terminal = process.stderr): Log {
  return {
    ...(terminal.isTTY ? { liveProgress: liveLine(terminal) } : {}),
    info: message => console.log(message),
    warning: (message, props?: AnnotationProps) =>
      console.error(`warning: ${where(props)}${message}`),
    error: (message, props?: AnnotationProps) => console.error(`error: ${where(props)}${message}`),
    debug: message => {
      if (verbose) console.error(`debug: ${message}`);
    },
    isDebug: () => verbose,
    group: async (name, fn) => {
      console.log(`== ${name}`);
      return fn();
    },
    // nothing reads problem matchers outside a runner
    addMatcher: () => undefined,
    removeMatcher: () => undefined
  };
}

export class CliRunnerFiles implements RunnerFiles {
  readonly outputs = new Map<string, string>();
  private readonly state = new Map<string, string>();

  constructor(private readonly summaryFile?: string) {}

  setOutput(name: string, value: string): void {
    this.outputs.set(name, value);
  }
  addPath(dir: string): void {
    console.log(`(add to your PATH to use it outside this command: ${dir})`);
  }
  saveState(name: string, value: string): void {
    this.state.set(name, value);
  }
  getState(name: string): string {
    return this.state.get(name) ?? '';
  }
  async appendSummary(markdown: string): Promise<void> {
    if (this.summaryFile) await appendFile(this.summaryFile, markdown);
  }
}

/** Redraws one line on the terminal, at most ten times a second; `undefined` erases it. */
function liveLine(terminal: Terminal): (snapshot: ProgressSnapshot | undefined) => void {
  let drawnAt = 0;
  return snapshot => {
    if (snapshot === undefined) {
      terminal.write('\r\x1b[K');
      return;
    }
    if (Date.now() - drawnAt < 100) return;
    drawnAt = Date.now();
    terminal.write(renderTtyLine(snapshot, terminal.columns));
  };
}

function where(props?: AnnotationProps): string {
  if (!props?.file) return '';
  return `${props.file}${props.startLine ? `:${props.startLine}` : ''}: `;
}
