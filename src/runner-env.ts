/**
 * The machine and runner facts the pipeline depends on, resolved once in the entry files from the
 * process's environment, so that no stage reads `process.env` or `process.platform` itself (and
 * a test can hand a stage any machine it likes).
 */
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';

export type ProcessEnv = Readonly<Record<string, string | undefined>>;

export interface RunnerEnv {
  /** RUNNER_TEMP: scratch space that lives for the job. */
  tempDir: string;
  /** RUNNER_TOOL_CACHE: where @actions/tool-cache keeps installed tools. */
  toolCache: string;
  /** CARGO_HOME, else ~/.cargo. */
  cargoHome: string;
  /** RUSTUP_HOME, else ~/.rustup. */
  rustupHome: string;
  /** Node's names: linux, darwin, win32 / x64, arm64. */
  platform: string;
  cpu: string;
  /** The job's working directory (the checkout): annotations are relative to it. */
  cwd: string;
  /** The environment child processes start from. */
  processEnv: ProcessEnv;
  /** Linux's binfmt_misc folder (where a hijacker of APE files would be registered). */
  binfmtDir: string;
}

export interface MachineFacts {
  env: ProcessEnv;
  homeDir: string;
  tmpDir: string;
  platform: string;
  cpu: string;
  cwd: string;
}

/** Pure: the runner environment for a process with these facts. */
export function resolveRunnerEnv(facts: MachineFacts): RunnerEnv {
  const { env, homeDir } = facts;
  return {
    tempDir: env.RUNNER_TEMP || path.join(facts.tmpDir, 'ape-action'),
    toolCache:
      env.RUNNER_TOOL_CACHE ||
      path.join(env.XDG_CACHE_HOME || path.join(homeDir, '.cache'), 'ape-action', 'tool-cache'),
    cargoHome: env.CARGO_HOME || path.join(homeDir, '.cargo'),
    rustupHome: env.RUSTUP_HOME || path.join(homeDir, '.rustup'),
    platform: facts.platform,
    cpu: facts.cpu,
    cwd: facts.cwd,
    processEnv: env,
    binfmtDir: '/proc/sys/fs/binfmt_misc'
  };
}

/** The environment for a child: the process's own plus `extra` (which wins). */
export function childEnv(
  runner: Pick<RunnerEnv, 'processEnv'>,
  extra: Record<string, string> = {}
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(runner.processEnv)) {
    if (value !== undefined) env[name] = value;
  }
  return Object.assign(env, extra);
}

// the edge: the process this runs in (kept apart from @actions/core, which the local command
// never needs to load)

/**
 * This process's runner environment, for the action and the local command alike: per-user
 * defaults where a runner would set a value. @actions/tool-cache reads RUNNER_TOOL_CACHE and
 * RUNNER_TEMP from the process itself, so the resolved folders are handed to it that way (the
 * library's contract; the pipeline itself reads the returned value).
 */
export function processRunnerEnv(): RunnerEnv {
  const env = resolveRunnerEnv({
    env: process.env,
    homeDir: os.homedir(),
    tmpDir: os.tmpdir(),
    platform: process.platform,
    cpu: process.arch,
    cwd: process.cwd()
  });
  process.env.RUNNER_TOOL_CACHE = env.toolCache;
  process.env.RUNNER_TEMP = env.tempDir;
  return env;
}
