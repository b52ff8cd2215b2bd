import type { ProgressSnapshot } from './progress.js';

/**
 * Where the pipeline's messages go. The action sends them to the runner (workflow commands via
 * @actions/core); the local command prints them. Stages take a Log instead of importing
 * @actions/core, which keeps them testable without mocks.
 */
export interface AnnotationProps {
  file?: string;
  startLine?: number;
  startColumn?: number;
  title?: string;
}

export interface Log {
  info(message: string): void;
  warning(message: string, props?: AnnotationProps): void;
  error(message: string, props?: AnnotationProps): void;
  debug(message: string): void;
  /** True when the user asked for debug logs (ACTIONS_STEP_DEBUG / RUNNER_DEBUG or --verbose). */
  isDebug(): boolean;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Registers a problem matcher file (a no-op where nothing reads matchers). */
  addMatcher(file: string): void;
  removeMatcher(owner: string): void;
  /**
   * Redraws a live progress line (a terminal); `undefined` clears it. Absent where every line is
   * kept (the Actions log): long work then logs a line now and then instead.
   */
  liveProgress?(snapshot: ProgressSnapshot | undefined): void;
}

/**
 * What the action hands back to the runner: step outputs, PATH entries, state for the post step
 * and the job summary. The local command prints outputs and keeps state in memory.
 */
export interface RunnerFiles {
  setOutput(name: string, value: string): void;
  addPath(dir: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** Appends markdown to the job summary (a no-op where there is none). */
  appendSummary(markdown: string): Promise<void>;
}

/** Everything a stage may report through: messages and the runner's files. */
export interface Reporter {
  log: Log;
  runner: RunnerFiles;
}
