// The workflow files: scripts/lint-workflows.mjs (actionlint offline + hardening rules) run for
// real on the repository's workflows and on deliberately bad ones, plus the promises the
// workflows make to each other (inputs, defaults, permissions, the example's greeting).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { PROBE_CATEGORIES } from '../helpers/probe.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LINTER = path.join(ROOT, 'scripts/lint-workflows.mjs');

interface Run {
  code: number | null;
  output: string;
}

function lint(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LINTER, ...args], { cwd: ROOT });
    let output = '';
    child.stdout.on('data', chunk => (output += String(chunk)));
    child.stderr.on('data', chunk => (output += String(chunk)));
    child.on('error', reject);
    child.on('close', code => resolve({ code, output }));
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = any;
const readWorkflow = (relative: string): Yaml =>
  parse(readFileSync(path.join(ROOT, relative), 'utf8'));

const SHA = '3d3c42e5aac5ba805825da76410c181273ba90b1';

const BAD_WORKFLOW = `name: bad
on:
  pull_request:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@${SHA}
      - uses: docker://alpine:3
      - run: echo "\${{ github.event.pull_request.title }}"
      - env:
          NAME: \${{ inputs.name }}
        run: echo "\${{ matrix.os }} $NAME"
  fancy:
    runs-on: macos-99-fancy
    timeout-minutes: 5
    permissions:
      contents: read
    steps:
      - run: echo hi
`;

// Newer than actionlint 1.7.7, yet valid on GitHub: must pass.
const NEWER_FEATURES_WORKFLOW = `name: newer
on:
  workflow_call:
permissions:
  contents: read
jobs:
  mac:
    runs-on: macos-15-intel
    timeout-minutes: 5
    steps:
      - uses: actions/checkout@${SHA} # v7.0.1
        with:
          repository: \${{ job.workflow_repository }}
          ref: \${{ job.workflow_sha }}
  arm:
    runs-on: windows-11-arm
    timeout-minutes: 5
    steps:
      - run: echo hi
  call:
    uses: ./.github/workflows/other.yml
`;

let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lint-workflows-test-'));
});

afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('scripts/lint-workflows.mjs', () => {
  it('passes every workflow file in the repository', async () => {
    const run = await lint([]);
    expect(run.output).toMatch(/lint-workflows: \d+ file\(s\), no findings/);
    expect(run.code).toBe(0);
  });

  it('catches each hardening violation and actionlint finding in a bad workflow', async () => {
    const bad = path.join(dir, 'bad');
    await fs.mkdir(bad);
    await fs.writeFile(path.join(bad, 'bad.yml'), BAD_WORKFLOW);
    const run = await lint([bad]);
    expect(run.code).toBe(1);
    const expected = [
      'job "build" has no permissions:',
      'job "build" has no timeout-minutes',
      '"actions/checkout@v4" must be pinned to a full 40-hex commit SHA',
      `"actions/setup-node@${SHA}" needs a "# vX.Y.Z" comment`,
      '"docker://alpine:3" must be pinned to an image digest',
      'bad.yml:11:14: job "build": ${{ }} inside run:',
      'bad.yml:14:14: job "build": ${{ }} inside run:',
      // actionlint's own injection check, and an unknown label that is NOT on the allow-list.
      '"github.event.pull_request.title" is potentially untrusted',
      'label "macos-99-fancy" is unknown'
    ];
    for (const text of expected) expect(run.output).toContain(text);
    expect(run.output).not.toContain('job "fancy" has no');
  });

  it('drops only the findings about runner labels and job context newer than actionlint', async () => {
    const file = path.join(dir, 'newer.yml');
    await fs.writeFile(file, NEWER_FEATURES_WORKFLOW);
    const run = await lint([file]);
    expect(run.output).toContain('no findings (4 finding(s) about GitHub features newer');
    expect(run.code).toBe(0);
  });

  it('reports a file that is not valid YAML', async () => {
    const file = path.join(dir, 'broken.yml');
    await fs.writeFile(file, 'jobs:\n  a: [unclosed\n');
    const run = await lint([file]);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/broken\.yml:\d+:\d+: .*\[(yaml|syntax-check)\]/);
  });

  it('fails when there is nothing to lint', async () => {
    const run = await lint([path.join(dir, 'no-such-dir')]);
    expect(run.code).toBe(1);
    expect(run.output).toContain('no workflow files found');
  });
});

describe('the reusable smoke workflow', () => {
  const workflow = readWorkflow('.github/workflows/ape-smoke.yml');
  const inputs = workflow.on.workflow_call.inputs;

  it('takes the inputs callers are told about', () => {
    expect(Object.keys(inputs)).toEqual(
      expect.arrayContaining([
        'artifact',
        'file',
        'args',
        'expected-output',
        'expected-lines',
        'platforms',
        'allowed-failures',
        'timeout-seconds'
      ])
    );
    expect(inputs.artifact.required).toBe(true);
    expect(inputs.file.required).toBe(true);
    expect(inputs['allowed-failures'].default).toBe('openbsd');
    expect(workflow.on.workflow_call.outputs).toHaveProperty('results');
  });

  it('defaults to every platform an APE claims', () => {
    expect(inputs.platforms.default.split(/[\s,]+/)).toEqual([
      'linux-x86_64',
      'linux-aarch64',
      'macos-arm64',
      'macos-x86_64',
      'windows-x64',
      'windows-arm64',
      'freebsd',
      'netbsd',
      'openbsd'
    ]);
  });

  it('hands expected-lines to the runner on hosted runners and inside the VMs', () => {
    expect(inputs['expected-lines']).toMatchObject({ type: 'string', default: '' });
    const run = workflow.jobs.hosted.steps.find((s: Yaml) => s.name === 'Run the program');
    expect(run.env.APE_SMOKE_EXPECT_LINES).toBe('${{ inputs.expected-lines }}');
    const vm = workflow.jobs.vm;
    expect(vm.env.APE_SMOKE_EXPECT_LINES).toBe('${{ inputs.expected-lines }}');
    const start = vm.steps.find((s: Yaml) => String(s.uses).startsWith('cross-platform-actions/'));
    // The VM sees only the variables the action forwards by name.
    expect(start.with.environment_variables.split(' ')).toEqual(
      expect.arrayContaining(Object.keys(vm.env))
    );
  });

  it("judges a VM run by the platform's own verdict, not by a probe entry's", async () => {
    const verdict = workflow.jobs.vm.steps.find(
      (s: Yaml) => s.name === 'Fail unless the program passed'
    );
    const check = async (result: object) => {
      const file = path.join(dir, `vm-result-${Math.random().toString(36).slice(2)}.json`);
      await fs.writeFile(file, `${JSON.stringify(result)}\n`);
      return spawnSync('bash', ['-c', verdict.run], {
        env: { PATH: process.env.PATH, APE_SMOKE_RESULT_JSON: file },
        encoding: 'utf8'
      }).status;
    };
    // Fields in the order ape-smoke.sh writes them.
    const result = (verdict: string, exit: number, reason: string) => ({
      platform: 'freebsd',
      result: verdict,
      exit,
      seconds: 3,
      reason,
      launch: 'direct',
      probe: [{ category: 'fs', result: 'pass', detail: '"result":"pass"' }]
    });
    expect(await check(result('fail', 1, 'exit-code'))).not.toBe(0);
    expect(await check(result('pass', 0, 'pass'))).toBe(0);
  });

  it('writes the per-category matrix as an SVG and keeps it as its own artifact', () => {
    const steps = workflow.jobs.summary.steps;
    const summary = steps.find((s: Yaml) => s.id === 'summary');
    const upload = steps.find((s: Yaml) => String(s.uses).startsWith('actions/upload-artifact@'));
    expect(upload.with.path).toBe(`${path.dirname(summary.env.MATRIX_SVG)}/`);
    expect(upload.with.name).toBe('${{ inputs.artifact }}-probe-matrix');
    // The summary job downloads <artifact>-smoke-*: the matrix must not look like a result.
    const download = steps.find((s: Yaml) =>
      String(s.uses).startsWith('actions/download-artifact@')
    );
    expect(download.with.pattern).toBe('${{ inputs.artifact }}-smoke-*');
    // The summary step fails the job when a platform failed; the matrix is wanted most then.
    expect(upload.if).toBe('${{ !cancelled() }}');
  });

  it('asks for nothing but read access', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values<Yaml>(workflow.jobs)) expect(job.permissions).toBeUndefined();
  });

  it('gets its runner from its own repository and commit in every job', () => {
    for (const job of Object.values<Yaml>(workflow.jobs)) {
      const checkout = job.steps.find((s: Yaml) => String(s.uses).startsWith('actions/checkout@'));
      expect(checkout.with).toMatchObject({
        repository: '${{ job.workflow_repository }}',
        ref: '${{ job.workflow_sha }}'
      });
    }
  });
});

describe('the self-test CI workflow', () => {
  const ci = readWorkflow('.github/workflows/ci.yml');

  it('runs the full check, builds the example with the action, then smokes it', () => {
    expect(ci.jobs.check.steps.map((s: Yaml) => s.run)).toContain('bash .ci/run');
    const build = ci.jobs['build-example'].steps.find((s: Yaml) => s.uses === './');
    expect(build.with['manifest-path']).toBe('examples/hello/Cargo.toml');
    expect(ci.jobs['smoke-example'].uses).toBe('./.github/workflows/ape-smoke.yml');
  });

  it('expects exactly the greeting examples/hello prints', () => {
    const source = readFileSync(path.join(ROOT, 'examples/hello/src/main.rs'), 'utf8');
    const printed = /println!\("([^"]+)"\)/.exec(source)?.[1];
    expect(printed).toBe('Hello from an Actually Portable Executable!');
    const expected = ci.jobs['smoke-example'].with['expected-output'];
    expect(new RegExp(expected).test(printed as string)).toBe(true);
    expect(new RegExp(expected).test(`${printed} and more`)).toBe(false);
  });
});

describe("the self-test CI workflow's probe run", () => {
  const ci = readWorkflow('.github/workflows/ci.yml');

  it('builds examples/probe with the action, runtime layer at its default, and smokes it', () => {
    const build = ci.jobs['build-probe'].steps.find((s: Yaml) => s.uses === './');
    expect(build.with).toEqual({ 'manifest-path': 'examples/probe/Cargo.toml' });
    const upload = ci.jobs['build-probe'].steps.find((s: Yaml) =>
      String(s.uses).startsWith('actions/upload-artifact@')
    );
    const smoke = ci.jobs['smoke-probe'];
    expect(smoke.needs).toBe('build-probe');
    expect(smoke.uses).toBe('./.github/workflows/ape-smoke.yml');
    expect(smoke.with.artifact).toBe(upload.with.name);
    expect(smoke.with.file).toBe('probe.com');
    expect(smoke.with.platforms ?? 'all nine').toBe('all nine');
    expect(smoke.permissions).toEqual({ contents: 'read' });
  });

  it("requires every category's pass line, one expected-lines regex per category", () => {
    const regexes = ci.jobs['smoke-probe'].with['expected-lines']
      .split('\n')
      .filter(Boolean)
      .map((line: string) => new RegExp(line));
    expect(regexes).toHaveLength(PROBE_CATEGORIES.length);
    for (const category of PROBE_CATEGORIES) {
      const pass = `probe: ${category} pass some detail`;
      expect(regexes.filter((re: RegExp) => re.test(pass))).toHaveLength(1);
      expect(regexes.some((re: RegExp) => re.test(`probe: ${category} pass`))).toBe(true);
      expect(regexes.some((re: RegExp) => re.test(`probe: ${category} fail some detail`))).toBe(
        false
      );
      expect(regexes.some((re: RegExp) => re.test(`probe: ${category} passed`))).toBe(false);
    }
  });

  it("keeps hello's smoke job", () => {
    expect(ci.jobs['smoke-example'].with.artifact).toBe('hello-ape');
  });
});

describe('the copy-ready release example', () => {
  const release = readWorkflow('workflows/release.yml');

  it('grants write access only to the jobs that need it', () => {
    expect(release.permissions).toEqual({ contents: 'read' });
    expect(release.jobs.release.permissions).toEqual({ contents: 'write' });
    expect(release.jobs.attest.permissions).toEqual({
      contents: 'read',
      'id-token': 'write',
      attestations: 'write'
    });
    for (const name of ['build', 'smoke']) {
      expect(release.jobs[name].permissions ?? { contents: 'read' }).toEqual({ contents: 'read' });
    }
  });

  it('releases only after the smoke test, attaching every .com and SHA256SUMS', () => {
    expect(release.jobs.release.needs).toEqual(expect.arrayContaining(['build', 'smoke']));
    const upload = release.jobs.release.steps.map((s: Yaml) => s.run ?? '').join('\n');
    expect(upload).toContain('gh release upload "$TAG" ape-release/*.com ape-release/SHA256SUMS');
    expect(release.jobs.attest.if).toBe("vars.APE_ATTEST == 'true'");
  });
});
