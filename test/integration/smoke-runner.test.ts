// The smoke runner (workflows/ape-smoke.sh) run for real, under dash and bash, against a real
// program compiled here with gcc: every result it can report, its usage errors, the run bit it
// must restore, and its binfmt_misc detection on a fake binfmt directory.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTool } from '../helpers/kit.mjs';

const SCRIPT = fileURLToPath(new URL('../../workflows/ape-smoke.sh', import.meta.url));

// Prints a greeting on stdout, a line on stderr and a CRLF-terminated line, echoes its
// arguments, sleeps argv[2] seconds, then exits with argv[1].
const FIXTURE_C = `
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int code = argc > 1 ? atoi(argv[1]) : 0;
  int secs = argc > 2 ? atoi(argv[2]) : 0;
  printf("smoke fixture says hi\\n");
  printf("crlf line\\r\\n");
  printf("args:");
  for (int i = 1; i < argc; i++) printf(" %s", argv[i]);
  printf("\\n");
  fflush(stdout);
  fprintf(stderr, "only on stderr\\n");
  if (secs > 0) sleep(secs);
  return code;
}
`;

// What an APE's first bytes look like to a shell: "MZqFpD='" opens a quoted assignment, and
// the real prolog then starts the program. This stand-in execs the compiled fixture.
const FAKE_APE = `MZqFpD='
'
exec "$(dirname "$0")/fixture" "$@"
`;

// Prints probe-style lines the way examples/probe does, with details that need escaping, plus
// lines that only look like them; `many` prints 70 lines, `long` one 1000-byte detail of
// backslashes. Exits with $1.
const PROBE_FIXTURE = `#!/bin/sh
case \${2:-} in
  many)
    i=0
    while [ $i -lt 70 ]; do printf 'probe: c%s pass ok\\n' $i; i=$((i + 1)); done
    ;;
  long)
    printf 'probe: fs fail '
    i=0
    while [ $i -lt 1000 ]; do printf '\\\\'; i=$((i + 1)); done
    printf '\\n'
    ;;
  *)
    printf 'probe: fs pass said "hi" C:\\\\dir\\ttab\\001bell caf\\303\\251\\r\\n'
    printf 'probe: cannot start itself as a child (no exe); running categories in-process\\n'
    printf 'probe: net fail refused\\n' >&2
    printf 'probe: time passing\\n'
    printf 'probe: ffi pass\\n'
    ;;
esac
exit \${1:-0}
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface ResultLine {
  platform: string;
  result: string;
  exit: string;
  seconds: string;
  reason: string;
  launch: string;
}

const RESULT_LINE =
  /^ape-smoke: platform=(\S+) result=(pass|fail) exit=(-|\d+) seconds=(\d+) reason=(\S+) launch=(\S+)$/;

function parseResultLine(stdout: string): ResultLine {
  const lines = stdout.split('\n').filter(line => line !== '');
  expect(lines).toHaveLength(1);
  const match = RESULT_LINE.exec(lines[0]);
  if (!match) throw new Error(`not a result line: ${lines[0]}`);
  const [, platform, result, exit, seconds, reason, launch] = match;
  return { platform, result, exit, seconds, reason, launch };
}

let dir: string;
let emptyBinfmt: string;

/** The environment without any APE_SMOKE_* the developer may have set, plus `extra`. */
function smokeEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('APE_SMOKE_')) env[key] = value;
  }
  // An empty binfmt dir keeps results independent of the machine's own binfmt_misc.
  return { ...env, APE_SMOKE_BINFMT_DIR: emptyBinfmt, ...extra };
}

function runSmoke(
  shell: string,
  args: string[],
  extraEnv: Record<string, string> = {}
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell, [SCRIPT, ...args], { cwd: dir, env: smokeEnv(extraEnv) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += String(chunk)));
    child.stderr.on('data', chunk => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  const gcc = requireTool('gcc');
  requireTool('dash');
  requireTool('bash');
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ape-smoke-test-'));
  emptyBinfmt = path.join(dir, 'binfmt-empty');
  await fs.mkdir(emptyBinfmt);
  await fs.writeFile(path.join(dir, 'fixture.c'), FIXTURE_C);
  execFileSync(gcc, ['-O1', '-o', path.join(dir, 'fixture'), path.join(dir, 'fixture.c')]);
  await fs.writeFile(path.join(dir, 'fake-ape.com'), FAKE_APE, { mode: 0o755 });
  await fs.writeFile(path.join(dir, 'probe-fixture'), PROBE_FIXTURE, { mode: 0o755 });
});

afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe.each(['dash', 'bash'])('ape-smoke.sh under %s', shell => {
  it('passes a program that exits 0 and prints the expected line, and writes the JSON', async () => {
    const json = path.join(dir, `${shell}-out`, 'result.json');
    const run = await runSmoke(shell, [
      '--platform',
      'linux-test',
      '--expect',
      '^smoke fixture says hi$',
      '--result-json',
      json,
      './fixture'
    ]);
    expect(run.code).toBe(0);
    const line = parseResultLine(run.stdout);
    expect(line).toMatchObject({
      platform: 'linux-test',
      result: 'pass',
      exit: '0',
      reason: 'pass'
    });
    expect(line.launch).toBe('direct');
    expect(run.stderr).toContain('smoke fixture says hi');
    const written = JSON.parse(await fs.readFile(json, 'utf8'));
    expect(written).toEqual({
      platform: 'linux-test',
      result: 'pass',
      exit: 0,
      seconds: Number(line.seconds),
      reason: 'pass',
      launch: 'direct',
      probe: []
    });
  });

  it('matches the expected regex against stderr too, and ignores CRs at line ends', async () => {
    const stderrOnly = await runSmoke(shell, ['--expect', '^only on stderr$', './fixture']);
    expect(parseResultLine(stderrOnly.stdout).result).toBe('pass');
    const crlf = await runSmoke(shell, ['--expect', '^crlf line$', './fixture']);
    expect(parseResultLine(crlf.stdout).result).toBe('pass');
  });

  it('fails with output-mismatch when the output does not match', async () => {
    const run = await runSmoke(shell, ['--expect', 'Hello from an Actually', './fixture']);
    expect(run.code).toBe(1);
    expect(parseResultLine(run.stdout)).toMatchObject({
      result: 'fail',
      exit: '0',
      reason: 'output-mismatch'
    });
  });

  it('fails with exit-code and reports the status of a program that exits non-zero', async () => {
    const run = await runSmoke(shell, ['--expect', 'says hi', './fixture', '3']);
    expect(run.code).toBe(1);
    expect(parseResultLine(run.stdout)).toMatchObject({
      result: 'fail',
      exit: '3',
      reason: 'exit-code'
    });
  });

  it.each(['auto', 'builtin'])(
    'stops a program that outlives the timeout (timeout tool: %s)',
    async tool => {
      const json = path.join(dir, `${shell}-${tool}-timeout.json`);
      const run = await runSmoke(
        shell,
        ['--timeout', '1', '--result-json', json, './fixture', '0', '30'],
        { APE_SMOKE_TIMEOUT_TOOL: tool }
      );
      expect(run.code).toBe(1);
      expect(parseResultLine(run.stdout)).toMatchObject({
        result: 'fail',
        exit: '-',
        reason: 'timeout'
      });
      expect(JSON.parse(await fs.readFile(json, 'utf8'))).toMatchObject({
        exit: null,
        reason: 'timeout'
      });
    }
  );

  it('passes through the built-in watchdog when the program ends in time', async () => {
    const run = await runSmoke(shell, ['--timeout', '30', './fixture', '0', '1'], {
      APE_SMOKE_TIMEOUT_TOOL: 'builtin'
    });
    expect(parseResultLine(run.stdout)).toMatchObject({ result: 'pass', reason: 'pass' });
  });

  it('fails with missing-file for a file that is not there', async () => {
    const run = await runSmoke(shell, ['--platform', 'x', './no-such.com']);
    expect(run.code).toBe(1);
    expect(parseResultLine(run.stdout)).toEqual({
      platform: 'x',
      result: 'fail',
      exit: '-',
      seconds: '0',
      reason: 'missing-file',
      launch: '-'
    });
  });

  it.each([
    ['no program at all', [] as string[], 'no program given'],
    ['a timeout that is not whole seconds', ['--timeout', '1.5', './fixture'], 'timeout must be'],
    ['a zero timeout', ['--timeout', '0', './fixture'], 'timeout must be'],
    ['an unknown option', ['--frobnicate', './fixture'], 'unknown option --frobnicate'],
    ['an option without its value', ['--expect'], '--expect needs a value'],
    ['a malformed regex', ['--expect', 'a(b', './fixture'], 'not a valid ERE']
  ])('exits 2 without a result line for %s', async (_name, args, message) => {
    const run = await runSmoke(shell, args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
  });

  it('restores the run bit that an artifact download drops', async () => {
    const copy = path.join(dir, `${shell}-no-x-bit`);
    await fs.copyFile(path.join(dir, 'fixture'), copy);
    await fs.chmod(copy, 0o644);
    const run = await runSmoke(shell, ['--expect', 'says hi', path.basename(copy)]);
    expect(parseResultLine(run.stdout)).toMatchObject({ result: 'pass', launch: 'direct' });
    expect((await fs.stat(copy)).mode & 0o111).not.toBe(0);
  });

  it('takes the program and its arguments from the environment, without globbing', async () => {
    const run = await runSmoke(shell, [], {
      APE_SMOKE_FILE: './fixture',
      APE_SMOKE_ARGS: '0  0\n*',
      APE_SMOKE_EXPECT: '^args: 0 0 \\*$',
      APE_SMOKE_PLATFORM: 'env platform/with space',
      APE_SMOKE_TIMEOUT: '20'
    });
    expect(parseResultLine(run.stdout)).toMatchObject({
      platform: 'env_platform_with_space',
      result: 'pass'
    });
    const failing = await runSmoke(shell, [], { APE_SMOKE_FILE: 'fixture', APE_SMOKE_ARGS: '7' });
    expect(parseResultLine(failing.stdout)).toMatchObject({ exit: '7', reason: 'exit-code' });
  });

  it('requires every --expect-line regex to match some line, where --expect needs one', async () => {
    const lines = ['^smoke fixture says hi$', '^only on stderr$', '^crlf line$'];
    const all = await runSmoke(shell, [...lines.flatMap(re => ['--expect-line', re]), './fixture']);
    expect(parseResultLine(all.stdout)).toMatchObject({ result: 'pass', reason: 'pass' });
    const missing = ['^args: 9$', '^never printed$'];
    const run = await runSmoke(shell, [
      ...[...lines, ...missing].flatMap(re => ['--expect-line', re]),
      './fixture'
    ]);
    expect(run.code).toBe(1);
    expect(parseResultLine(run.stdout)).toMatchObject({ exit: '0', reason: 'output-mismatch' });
    for (const re of missing) {
      expect(run.stderr).toContain(`no output line matches the expected line regex: ${re}`);
    }
    expect(run.stderr).not.toContain(`expected line regex: ${lines[0]}`);
    // The same regexes as one --expect alternation pass on any single match.
    const one = await runSmoke(shell, ['--expect', [lines[0], ...missing].join('|'), './fixture']);
    expect(parseResultLine(one.stdout).result).toBe('pass');
  });

  it('takes expected lines from APE_SMOKE_EXPECT_LINES, blank lines ignored, options first', async () => {
    const env = { APE_SMOKE_EXPECT_LINES: '\n^smoke fixture says hi$\n   \n^args: 4 0$\n\n' };
    const run = await runSmoke(shell, ['./fixture', '4', '0'], env);
    expect(parseResultLine(run.stdout)).toMatchObject({ exit: '4', reason: 'exit-code' });
    const ok = await runSmoke(shell, ['./fixture', '0', '0'], {
      APE_SMOKE_EXPECT_LINES: '^smoke fixture says hi$\n^args: 0 0$'
    });
    expect(parseResultLine(ok.stdout)).toMatchObject({ result: 'pass' });
    const wrong = await runSmoke(shell, ['./fixture', '0', '0'], {
      APE_SMOKE_EXPECT_LINES: '^args: 5 5$'
    });
    expect(parseResultLine(wrong.stdout).reason).toBe('output-mismatch');
    // An --expect-line replaces the environment's list instead of adding to it.
    const replaced = await runSmoke(shell, ['--expect-line', 'says hi', './fixture', '0', '0'], {
      APE_SMOKE_EXPECT_LINES: '^args: 5 5$'
    });
    expect(parseResultLine(replaced.stdout).result).toBe('pass');
  });

  it('exits 2 for a malformed regex among the expected lines', async () => {
    const run = await runSmoke(shell, ['./fixture'], {
      APE_SMOKE_EXPECT_LINES: 'says hi\na(b'
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('expected-lines regex is not a valid ERE: a(b');
  });

  it('records the probe lines in the JSON, escaped, even when the run fails', async () => {
    const json = path.join(dir, `${shell}-probe.json`);
    const run = await runSmoke(shell, ['--result-json', json, './probe-fixture', '1']);
    expect(parseResultLine(run.stdout)).toMatchObject({ result: 'fail', reason: 'exit-code' });
    const written = JSON.parse(await fs.readFile(json, 'utf8'));
    expect(written).toMatchObject({ result: 'fail', exit: 1, reason: 'exit-code' });
    expect(written.probe).toEqual([
      // Tab as a space, the other control character dropped, CR gone, UTF-8 kept.
      { category: 'fs', result: 'pass', detail: 'said "hi" C:\\dir tabbell café' },
      { category: 'net', result: 'fail', detail: 'refused' },
      { category: 'ffi', result: 'pass', detail: '' }
    ]);
  });

  it('bounds the probe lines: at most 64, each cut to 300 bytes before escaping', async () => {
    const many = path.join(dir, `${shell}-probe-many.json`);
    await runSmoke(shell, ['--result-json', many, './probe-fixture', '0', 'many']);
    const entries = JSON.parse(await fs.readFile(many, 'utf8')).probe;
    expect(entries).toHaveLength(64);
    expect(entries[63]).toEqual({ category: 'c63', result: 'pass', detail: 'ok' });
    const long = path.join(dir, `${shell}-probe-long.json`);
    await runSmoke(shell, ['--result-json', long, './probe-fixture', '0', 'long']);
    const [entry] = JSON.parse(await fs.readFile(long, 'utf8')).probe;
    expect(entry.detail).toBe('\\'.repeat(300 - 'probe: fs fail '.length));
  });

  it('labels the platform from uname when none is given', async () => {
    const run = await runSmoke(shell, ['./fixture']);
    const expected = `${os.platform()}-${execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim()}`;
    expect(parseResultLine(run.stdout).platform).toBe(expected.toLowerCase());
  });
});

describe('binfmt_misc hijack detection', () => {
  let binfmt: string;

  beforeAll(async () => {
    binfmt = path.join(dir, 'binfmt');
    await fs.mkdir(binfmt);
    const entries: Record<string, string> = {
      status: 'enabled\n',
      register: '',
      // The hijackers: WINE and WSLInterop claim MZ by magic, a DOS runner by extension.
      wine: 'enabled\ninterpreter /usr/bin/wine\nflags: \noffset 0\nmagic 4d5a\n',
      WSLInterop: 'enabled\ninterpreter /init\nflags: PF\noffset 0\nmagic 4d5a\n',
      dosbox: 'enabled\ninterpreter /usr/bin/dosbox\nflags: \nextension .com\n',
      // Not hijackers: disabled, the APE loader itself, an ELF magic, another extension.
      cli: 'disabled\ninterpreter /usr/lib/binfmt-support/run-detectors\nflags: \noffset 0\nmagic 4d5a\n',
      APE: 'enabled\ninterpreter /usr/bin/ape\nflags: \noffset 0\nmagic 4d5a7146704427\n',
      'qemu-aarch64':
        'enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: OCF\noffset 0\n' +
        'magic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n',
      jar: 'enabled\ninterpreter /usr/bin/jexec\nflags: \nextension .jar\n'
    };
    for (const [name, text] of Object.entries(entries)) {
      await fs.writeFile(path.join(binfmt, name), text);
    }
  });

  const hijackers = async (file: string, binfmtDir: string): Promise<string[]> => {
    const run = await runSmoke('dash', ['--binfmt-hijackers', file], {
      APE_SMOKE_BINFMT_DIR: binfmtDir
    });
    expect(run.code).toBe(0);
    return run.stdout.split('\n').filter(Boolean).sort();
  };

  it('names exactly the enabled entries that would claim an MZ .com file', async () => {
    expect(await hijackers('fake-ape.com', binfmt)).toEqual(['WSLInterop', 'dosbox', 'wine']);
  });

  it('names none for an ELF program without the .com extension', async () => {
    expect(await hijackers('fixture', binfmt)).toEqual([]);
  });

  it('names none when binfmt_misc is disabled as a whole or absent', async () => {
    const disabled = path.join(dir, 'binfmt-disabled');
    await fs.cp(binfmt, disabled, { recursive: true });
    await fs.writeFile(path.join(disabled, 'status'), 'disabled\n');
    expect(await hijackers('fake-ape.com', disabled)).toEqual([]);
    expect(await hijackers('fake-ape.com', path.join(dir, 'no-binfmt-here'))).toEqual([]);
  });

  it.each(['dash', 'bash'])(
    'starts a hijacked APE through sh when it may not register a loader (%s)',
    async shell => {
      const run = await runSmoke(shell, ['--expect', '^args: 5 0$', 'fake-ape.com', '5', '0'], {
        APE_SMOKE_BINFMT_DIR: binfmt,
        APE_SMOKE_REGISTER: 'never'
      });
      expect(parseResultLine(run.stdout)).toMatchObject({
        result: 'fail',
        exit: '5',
        launch: 'sh'
      });
      expect(run.stderr).toContain('wine');
      const ok = await runSmoke(shell, ['--expect', 'says hi', 'fake-ape.com'], {
        APE_SMOKE_BINFMT_DIR: binfmt,
        APE_SMOKE_REGISTER: 'never'
      });
      expect(parseResultLine(ok.stdout)).toMatchObject({ result: 'pass', launch: 'sh' });
    }
  );

  it('starts the same APE directly when nothing hijacks it', async () => {
    const run = await runSmoke('dash', ['--expect', 'says hi', 'fake-ape.com']);
    expect(parseResultLine(run.stdout)).toMatchObject({ result: 'pass', launch: 'direct' });
  });

  it('falls back to sh when no APE loader can be found to register', async () => {
    const run = await runSmoke('dash', ['--expect', 'says hi', 'fake-ape.com'], {
      APE_SMOKE_BINFMT_DIR: binfmt,
      APE_SMOKE_LOADER: path.join(dir, 'no-such-loader')
    });
    expect(parseResultLine(run.stdout)).toMatchObject({ result: 'pass', launch: 'sh' });
  });

  it('prints the registration line for a loader (Windows-capable MZqFpD magic)', async () => {
    const run = await runSmoke('dash', ['--binfmt-register-line', '/usr/bin/ape']);
    expect(run.stdout).toBe(':APE_smoke:M::MZqFpD::/usr/bin/ape:\n');
  });
});
