// The two node scripts of the reusable smoke workflow, run as the workflow runs them: inputs in
// the environment, outputs in the GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLAN = path.join(ROOT, 'workflows/ape-smoke-plan.mjs');
const SUMMARY = path.join(ROOT, 'workflows/ape-smoke-summary.mjs');

interface Run {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smoke-plan-test-'));
});

afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** Runs a script with a fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, and reads both back. */
async function runScript(script: string, env: Record<string, string>): Promise<Run> {
  counter += 1;
  const outputFile = path.join(dir, `output-${counter}`);
  const summaryFile = path.join(dir, `summary-${counter}`);
  await fs.writeFile(outputFile, '');
  await fs.writeFile(summaryFile, '');
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [script], {
        env: {
          PATH: process.env.PATH,
          GITHUB_OUTPUT: outputFile,
          GITHUB_STEP_SUMMARY: summaryFile,
          ...env
        }
      });
      let out = '';
      child.stdout.on('data', chunk => (out += String(chunk)));
      child.stderr.on('data', chunk => (out += String(chunk)));
      child.on('error', reject);
      child.on('close', exitCode => resolve({ code: exitCode, stdout: out }));
    }
  );
  const outputs: Record<string, string> = {};
  for (const line of (await fs.readFile(outputFile, 'utf8')).split('\n').filter(Boolean)) {
    const eq = line.indexOf('=');
    outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return { code, stdout, outputs, summary: await fs.readFile(summaryFile, 'utf8') };
}

/** The reusable workflow's own input defaults, as the plan job passes them. */
function defaultPlanEnv(): Record<string, string> {
  const text = readFileSync(path.join(ROOT, '.github/workflows/ape-smoke.yml'), 'utf8');
  const inputs = parse(text).on.workflow_call.inputs;
  return {
    PLATFORMS: inputs.platforms.default,
    ALLOWED_FAILURES: inputs['allowed-failures'].default,
    TIMEOUT_SECONDS: String(inputs['timeout-seconds'].default),
    FREEBSD_VERSION: inputs['freebsd-version'].default,
    NETBSD_VERSION: inputs['netbsd-version'].default,
    OPENBSD_VERSION: inputs['openbsd-version'].default
  };
}

describe('ape-smoke-plan.mjs', () => {
  it("plans every platform from the workflow's defaults, OpenBSD allowed to fail", async () => {
    const run = await runScript(PLAN, defaultPlanEnv());
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.hosted)).toEqual([
      { platform: 'linux-x86_64', runner: 'ubuntu-latest', allowed_failure: false },
      { platform: 'linux-aarch64', runner: 'ubuntu-24.04-arm', allowed_failure: false },
      { platform: 'macos-arm64', runner: 'macos-latest', allowed_failure: false },
      { platform: 'macos-x86_64', runner: 'macos-15-intel', allowed_failure: false },
      { platform: 'windows-x64', runner: 'windows-latest', allowed_failure: false },
      { platform: 'windows-arm64', runner: 'windows-11-arm', allowed_failure: false }
    ]);
    expect(JSON.parse(run.outputs.vms)).toEqual([
      { platform: 'freebsd', os: 'freebsd', version: '14.3', allowed_failure: false },
      { platform: 'netbsd', os: 'netbsd', version: '10.1', allowed_failure: false },
      { platform: 'openbsd', os: 'openbsd', version: '7.9', allowed_failure: true }
    ]);
    expect(JSON.parse(run.outputs.platforms)).toHaveLength(9);
  });

  it('plans only the platforms asked for, and empty matrices for the rest', async () => {
    const run = await runScript(PLAN, {
      ...defaultPlanEnv(),
      PLATFORMS: ' netbsd,\nlinux-x86_64 netbsd',
      ALLOWED_FAILURES: 'none'
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.hosted)).toEqual([
      { platform: 'linux-x86_64', runner: 'ubuntu-latest', allowed_failure: false }
    ]);
    expect(JSON.parse(run.outputs.vms).map((v: { platform: string }) => v.platform)).toEqual([
      'netbsd'
    ]);
    const hostedOnly = await runScript(PLAN, { ...defaultPlanEnv(), PLATFORMS: 'macos-arm64' });
    expect(hostedOnly.outputs.vms).toBe('[]');
  });

  it.each([
    [
      'an unknown platform',
      { PLATFORMS: 'linux-x86_64, plan9' },
      'platforms: unknown platform(s) plan9; known: linux-x86_64'
    ],
    ['no platform', { PLATFORMS: ' , ' }, 'platforms: empty'],
    [
      'an unknown allowed failure',
      { ALLOWED_FAILURES: 'haiku' },
      'allowed-failures: unknown platform(s) haiku'
    ],
    [
      'a fractional timeout',
      { TIMEOUT_SECONDS: '1.5' },
      "timeout-seconds: '1.5' is not a whole number"
    ],
    ['a timeout beyond the job limit', { TIMEOUT_SECONDS: '5000' }, 'from 1 to 1200'],
    [
      'a VM version that is not a release number',
      { OPENBSD_VERSION: '7.9; rm -rf /' },
      'openbsd-version:'
    ]
  ])('rejects %s with one error line and no outputs', async (_name, change, message) => {
    const run = await runScript(PLAN, { ...defaultPlanEnv(), ...change });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error title=ape-smoke inputs::');
    expect(run.stdout).toContain(message);
    expect(run.outputs).toEqual({});
  });
});

describe('ape-smoke-summary.mjs', () => {
  const plan = [
    { platform: 'linux-x86_64', allowed_failure: false },
    { platform: 'windows-x64', allowed_failure: false },
    { platform: 'openbsd', allowed_failure: true }
  ];

  async function resultsDir(name: string, results: object[]): Promise<string> {
    const target = path.join(dir, name);
    // Nested like a download with one directory per artifact, to prove the search recurses.
    for (const result of results) {
      const sub = path.join(target, (result as { platform: string }).platform);
      await fs.mkdir(sub, { recursive: true });
      await fs.writeFile(path.join(sub, 'result.json'), JSON.stringify(result));
    }
    return target;
  }

  const pass = (platform: string) => ({
    platform,
    result: 'pass',
    exit: 0,
    seconds: 2,
    reason: 'pass',
    launch: 'direct'
  });

  it('passes when every required platform passed, even if an allowed one failed', async () => {
    const results = await resultsDir('mixed-ok', [
      pass('linux-x86_64'),
      pass('windows-x64'),
      {
        platform: 'openbsd',
        result: 'fail',
        exit: 134,
        seconds: 1,
        reason: 'exit-code',
        launch: 'direct'
      }
    ]);
    const run = await runScript(SUMMARY, {
      PLAN_PLATFORMS: JSON.stringify(plan),
      RESULTS_DIR: results
    });
    expect(run.code).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(run.summary).toContain('| Platform | Result | Reason | Exit | Time (s) | Started as |');
    expect(run.summary).toContain('| linux-x86_64 | ✅ pass | pass | 0 | 2 | direct |');
    expect(run.summary).toContain('| openbsd | ⚠️ fail (allowed) | exit-code | 134 | 1 | direct |');
    expect(JSON.parse(run.outputs.results)).toEqual([
      { ...pass('linux-x86_64'), allowed_failure: false, probe: [] },
      { ...pass('windows-x64'), allowed_failure: false, probe: [] },
      {
        platform: 'openbsd',
        result: 'fail',
        reason: 'exit-code',
        exit: 134,
        seconds: 1,
        launch: 'direct',
        allowed_failure: true,
        probe: []
      }
    ]);
    // No probe lines anywhere: no matrix.
    expect(run.summary).not.toContain('Per category');
  });

  it('fails when a required platform failed or left no result', async () => {
    const results = await resultsDir('required-missing', [
      {
        platform: 'linux-x86_64',
        result: 'fail',
        exit: null,
        seconds: 60,
        reason: 'timeout',
        launch: 'sh'
      }
    ]);
    const run = await runScript(SUMMARY, {
      PLAN_PLATFORMS: JSON.stringify(plan),
      RESULTS_DIR: results
    });
    expect(run.code).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(run.summary).toContain('| linux-x86_64 | ❌ fail | timeout | – | 60 | sh |');
    expect(run.summary).toContain('| windows-x64 | ❌ no result | no-result | – | – | – |');
    expect(run.summary).toContain('| openbsd | ⚠️ no result (allowed) |');
    expect(run.stdout).toContain('::error title=ape-smoke windows-x64::missing (no-result)');
  });

  it('treats a missing results directory as no results, and skips unreadable files', async () => {
    const results = await resultsDir('junk', [pass('linux-x86_64')]);
    await fs.writeFile(path.join(results, 'junk.json'), '{not json');
    const run = await runScript(SUMMARY, {
      PLAN_PLATFORMS: JSON.stringify([{ platform: 'linux-x86_64', allowed_failure: false }]),
      RESULTS_DIR: results
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('::warning title=ape-smoke summary::ignoring');
    const none = await runScript(SUMMARY, {
      PLAN_PLATFORMS: JSON.stringify(plan),
      RESULTS_DIR: path.join(dir, 'never-downloaded')
    });
    expect(none.code).toBe(1);
    expect(JSON.parse(none.outputs.results).map((r: { result: string }) => r.result)).toEqual([
      'missing',
      'missing',
      'missing'
    ]);
  });

  it('renders the platform x category matrix, writes its SVG and outputs per-category results', async () => {
    const probe = (failing: string[]) =>
      ['fs', 'net', 'ffi'].map(category => ({
        category,
        result: failing.includes(category) ? 'fail' : 'pass',
        detail: failing.includes(category) ? `${category} broke | <here>` : `${category} ok`
      }));
    const results = await resultsDir('probe', [
      { ...pass('linux-x86_64'), probe: probe([]) },
      {
        ...pass('windows-x64'),
        result: 'fail',
        exit: 1,
        reason: 'exit-code',
        // An entry the runner could not have written is dropped, not rendered.
        probe: [...probe(['net']), { category: 'bad name', result: 'pass' }]
      }
    ]);
    const svg = path.join(dir, 'probe-matrix', 'nested', 'matrix.svg');
    const run = await runScript(SUMMARY, {
      PLAN_PLATFORMS: JSON.stringify(plan),
      RESULTS_DIR: results,
      MATRIX_SVG: svg
    });
    expect(run.code).toBe(1);
    expect(run.summary).toContain('| Platform | fs | net | ffi |');
    expect(run.summary).toContain('| linux-x86\\_64 | 🟩 | 🟩 | 🟩 |');
    expect(run.summary).toContain('| windows-x64 | 🟩 | 🟥 | 🟩 |');
    expect(run.summary).toContain('| openbsd (allowed to fail) | ⬜ | ⬜ | ⬜ |');
    expect(run.summary).toContain('- windows-x64 · net: net broke \\| &lt;here&gt;');
    const rows = JSON.parse(run.outputs.results);
    expect(rows[0].probe).toEqual(probe([]));
    expect(rows[1].probe).toEqual(probe(['net']));
    expect(rows[2].probe).toEqual([]);
    const written = await fs.readFile(svg, 'utf8');
    expect(written.match(/<rect class="cell"/g)).toHaveLength(9);
    expect(written).toContain('data-platform="windows-x64" data-category="net" data-result="fail"');
  });

  it('writes no SVG when the program printed no probe lines', async () => {
    const results = await resultsDir('no-probe', [pass('linux-x86_64')]);
    const svg = path.join(dir, 'no-probe-matrix', 'matrix.svg');
    const run = await runScript(SUMMARY, {
      PLAN_PLATFORMS: JSON.stringify([{ platform: 'linux-x86_64', allowed_failure: false }]),
      RESULTS_DIR: results,
      MATRIX_SVG: svg
    });
    expect(run.code).toBe(0);
    await expect(fs.access(svg)).rejects.toThrow();
  });

  it('refuses a plan that is not a JSON array', async () => {
    const run = await runScript(SUMMARY, { PLAN_PLATFORMS: '{}', RESULTS_DIR: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('PLAN_PLATFORMS is unusable');
  });
});
