/**
 * Runs the real linker wrapper under /bin/sh against a stand-in compiler that records the argv
 * it receives (and the content of any response file), in directories whose names have spaces.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ActionError } from '../../src/errors.js';
import type { Arch } from '../../src/arch.js';
import { cosmoccTools } from '../../src/cosmocc/tools.js';
import { writeLinkerWrapper } from '../../src/rust/linker-wrapper.js';

/** The compiler path the tool map gives for a cosmocc whose bin/ is `bin`. */
const compilerIn = (bin: string, arch: Arch): string =>
  cosmoccTools(path.dirname(bin)).compiler(arch);

let tmp: string;
let cosmoBin: string;
let record: string;

/** Records argv NUL-separated; for `@file` arguments also the file's content and path. */
const FAKE_COMPILER = `#!/bin/sh
for arg; do
  printf '%s\\0' "$arg" >>"$FAKE_RECORD"
  case $arg in
    @*) cat "\${arg#@}" >"$FAKE_RECORD.rsp"; printf '%s' "\${arg#@}" >"$FAKE_RECORD.rsp-path" ;;
  esac
done
exit "\${FAKE_EXIT:-0}"
`;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'ape action wrapper-'));
  cosmoBin = path.join(tmp, 'cosmo cc', 'bin');
  await mkdir(cosmoBin, { recursive: true });
  for (const arch of ['x86_64', 'aarch64']) {
    const compiler = path.join(cosmoBin, `${arch}-unknown-cosmo-cc`);
    await writeFile(compiler, FAKE_COMPILER.replace('#!/bin/sh\n', `#!/bin/sh\n# ${arch}\n`));
    await chmod(compiler, 0o755);
  }
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let runCount = 0;
async function runWrapper(
  wrapper: string,
  args: string[],
  env: Record<string, string> = {}
): Promise<{ status: number | null; stderr: string; argv: string[] }> {
  record = path.join(tmp, `record ${++runCount}`);
  const clean = { ...process.env };
  delete clean.RUNNER_DEBUG;
  delete clean.APE_ACTION_DEBUG;
  const result = spawnSync(wrapper, args, {
    env: { ...clean, FAKE_RECORD: record, TMPDIR: tmp, ...env },
    encoding: 'utf8'
  });
  const recorded = existsSync(record) ? await readFile(record, 'utf8') : '';
  return { status: result.status, stderr: result.stderr, argv: recorded.split('\0').slice(0, -1) };
}

const KEPT = [
  '-m64',
  '/objs with space/main.o',
  '',
  `it's "quoted" $HOME \`date\` *`,
  '-lc',
  '-Wl,--gc-sections',
  '-o',
  '/out dir/prog'
];
const DROPPED = [
  '-lunwind',
  '-Wl,-Bstatic',
  '-Wl,-Bdynamic',
  '-s',
  '-Wl,--strip-all',
  '-Wl,--strip-debug',
  '-Wl,-s',
  '-Wl,-S'
];
/** rustc's order: kept and dropped flags interleaved. */
const RUSTC_ARGS = [
  KEPT[0],
  DROPPED[0],
  KEPT[1],
  DROPPED[1],
  KEPT[2],
  KEPT[3],
  DROPPED[2],
  KEPT[4],
  ...DROPPED.slice(3),
  ...KEPT.slice(5)
];

describe('writeLinkerWrapper', () => {
  let wrapper: string;
  beforeAll(async () => {
    wrapper = path.join(tmp, 'wrappers dir', 'x86_64-unknown-linux-cosmo-linker');
    await writeLinkerWrapper(wrapper, 'x86_64', compilerIn(cosmoBin, 'x86_64'));
  });

  it('writes an executable (755) script at an absolute path', () => {
    expect(path.isAbsolute(wrapper)).toBe(true);
    expect(statSync(wrapper).mode & 0o777).toBe(0o755);
    expect(spawnSync('/bin/sh', ['-n', wrapper]).status).toBe(0);
  });

  it('passes every kept argument through unchanged, in order, drops the rest, appends waitid', async () => {
    const { status, stderr, argv } = await runWrapper(wrapper, RUSTC_ARGS);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(argv).toEqual([...KEPT, '-Wl,--defsym,waitid=enosys']);
  });

  it("returns the compiler's exit status", async () => {
    const { status } = await runWrapper(wrapper, ['-o', 'x'], { FAKE_EXIT: '7' });
    expect(status).toBe(7);
  });

  it.each(['RUNNER_DEBUG', 'APE_ACTION_DEBUG'])(
    'prints the final argv to stderr when %s=1',
    async name => {
      const { stderr, argv } = await runWrapper(wrapper, RUSTC_ARGS, { [name]: '1' });
      expect(stderr).toContain(
        `ape-action linker (x86_64): ${path.join(cosmoBin, 'x86_64-unknown-cosmo-cc')}`
      );
      expect(stderr).toContain("'/objs with space/main.o'");
      expect(stderr).toContain("'-Wl,--defsym,waitid=enosys'");
      expect(stderr).not.toContain('-lunwind');
      expect(argv).toEqual([...KEPT, '-Wl,--defsym,waitid=enosys']);
    }
  );

  it('filters a response file, keeps its escaped lines, and removes the copy afterwards', async () => {
    const rsp = path.join(tmp, 'link args.rsp');
    await writeFile(
      rsp,
      ['-lunwind', '/objs\\ with\\ space/a.o', '-Wl,-Bdynamic', '-lc', '-s', ''].join('\n')
    );
    const { status, argv } = await runWrapper(wrapper, ['-m64', `@${rsp}`], { FAKE_EXIT: '3' });
    expect(status).toBe(3);
    expect(argv[0]).toBe('-m64');
    expect(argv[1]).toMatch(/^@.*ape-action-link\.[^/]+\/1\.rsp$/);
    expect(argv.slice(2)).toEqual(['-Wl,--defsym,waitid=enosys']);
    expect(await readFile(`${record}.rsp`, 'utf8')).toBe('/objs\\ with\\ space/a.o\n-lc\n');
    const copy = await readFile(`${record}.rsp-path`, 'utf8');
    expect(existsSync(copy)).toBe(false);
    expect(await readFile(rsp, 'utf8')).toContain('-lunwind');
  });

  it('leaves an @ argument that is not a file alone', async () => {
    const { argv } = await runWrapper(wrapper, ['@not-a-file']);
    expect(argv).toEqual(['@not-a-file', '-Wl,--defsym,waitid=enosys']);
  });

  it('calls the aarch64 compiler for aarch64', async () => {
    const arm = path.join(tmp, 'wrappers dir', 'aarch64-unknown-linux-cosmo-linker');
    await writeLinkerWrapper(arm, 'aarch64', compilerIn(cosmoBin, 'aarch64'));
    expect(arm).not.toBe(wrapper);
    const { stderr, argv } = await runWrapper(arm, ['-lunwind', 'a.o'], { RUNNER_DEBUG: '1' });
    expect(stderr).toContain('aarch64-unknown-cosmo-cc');
    expect(argv).toEqual(['a.o', '-Wl,--defsym,waitid=enosys']);
  });

  it('refuses a cosmocc bin directory without the compiler', async () => {
    const empty = path.join(tmp, 'empty bin');
    await mkdir(empty, { recursive: true });
    const write = () =>
      writeLinkerWrapper(
        path.join(tmp, 'w2', 'linker'),
        'x86_64',
        path.join(empty, 'x86_64-unknown-cosmo-cc')
      );
    await expect(write()).rejects.toThrow(ActionError);
    await expect(write()).rejects.toThrow(path.join(empty, 'x86_64-unknown-cosmo-cc'));
  });
});
