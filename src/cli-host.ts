/**
 * The Host for the local command: plain console output, outputs printed at the end as
 * `name=value` lines, the summary written to a file only when asked. PATH changes apply to this
 * process (so later stages find cosmocc) and are reported, since a CLI cannot change its shell's.
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { AnnotationProps, Host } from './host.js';

export interface CliHostOptions {
  verbose: boolean;
  summaryFile?: string;
}

export class CliHost implements Host {
  readonly outputs = new Map<string, string>();
  private readonly state = new Map<string, string>();

  constructor(private readonly options: CliHostOptions) {}

  info(message: string): void {
    console.log(message);
  }
  warning(message: string, props?: AnnotationProps): void {
    console.error(`warning: ${where(props)}${message}`);
  }
  error(message: string, props?: AnnotationProps): void {
    console.error(`error: ${where(props)}${message}`);
  }
  debug(message: string): void {
    if (this.options.verbose) console.error(`debug: ${message}`);
  }
  isDebug(): boolean {
    return this.options.verbose;
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    console.log(`== ${name}`);
    return fn();
  }
  setOutput(name: string, value: string): void {
    this.outputs.set(name, value);
  }
  addPath(dir: string): void {
    process.env.PATH = `${dir}${path.delimiter}${process.env.PATH ?? ''}`;
    this.info(`(add to your PATH to use it outside this command: ${dir})`);
  }
  exportVariable(name: string, value: string): void {
    process.env[name] = value;
  }
  saveState(name: string, value: string): void {
    this.state.set(name, value);
  }
  getState(name: string): string {
    return this.state.get(name) ?? '';
  }
  async appendSummary(markdown: string): Promise<void> {
    if (this.options.summaryFile) await appendFile(this.options.summaryFile, markdown);
  }
}

function where(props?: AnnotationProps): string {
  if (!props?.file) return '';
  return `${props.file}${props.startLine ? `:${props.startLine}` : ''}: `;
}
