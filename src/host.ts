/**
 * Everything the pipeline needs from its surroundings, so the same pipeline runs as the GitHub
 * Action (runner files via @actions/core) and as the local command (plain console). Stages take
 * a Host instead of importing @actions/core, which keeps them testable without mocks.
 */
export interface AnnotationProps {
  file?: string;
  startLine?: number;
  startColumn?: number;
  title?: string;
}

export interface Host {
  info(message: string): void;
  warning(message: string, props?: AnnotationProps): void;
  error(message: string, props?: AnnotationProps): void;
  debug(message: string): void;
  /** True when the user asked for debug logs (ACTIONS_STEP_DEBUG / RUNNER_DEBUG or --verbose). */
  isDebug(): boolean;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  setOutput(name: string, value: string): void;
  addPath(dir: string): void;
  exportVariable(name: string, value: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** Appends markdown to the job summary (a no-op where there is none). */
  appendSummary(markdown: string): Promise<void>;
}

/** Collects messages in memory; for unit tests of stages that log. */
export class MemoryHost implements Host {
  readonly lines: string[] = [];
  readonly outputs = new Map<string, string>();
  readonly paths: string[] = [];
  readonly env = new Map<string, string>();
  readonly state = new Map<string, string>();
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
  setOutput(name: string, value: string): void {
    this.outputs.set(name, value);
  }
  addPath(dir: string): void {
    this.paths.push(dir);
  }
  exportVariable(name: string, value: string): void {
    this.env.set(name, value);
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
}
