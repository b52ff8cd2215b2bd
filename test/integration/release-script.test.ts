// scripts/release.mjs run for real, with real git, on clones of a test-made repository whose
// package.json defines the release checks as trivial scripts (one fails on request, check-dist
// compares src/ with dist/). Every refusal leaves the clone without tags; a release tags the
// commit, moves the major tag, and prints a push command that works; --verify-tag accepts what
// was pushed and rejects what the tag workflow must reject.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../scripts/release.mjs', import.meta.url));
const CHECKS = ['check-dist', 'lint', 'typecheck', 'test:unit'];

// Each check appends its name to $CHECK_LOG and fails when $FAIL_CHECK names it; check-dist
// also fails when dist/index.js is not a copy of src/index.js (a stale bundle).
const CHECKS_MJS = `import { appendFileSync, readFileSync } from 'node:fs';
const name = process.argv[2];
appendFileSync(process.env.CHECK_LOG, name + '\\n');
if (process.env.FAIL_CHECK === name) {
  console.error(name + ': failing on request');
  process.exit(1);
}
if (name === 'check-dist' && readFileSync('src/index.js', 'utf8') !== readFileSync('dist/index.js', 'utf8')) {
  console.error('dist/ is out of date');
  process.exit(1);
}
`;

function packageJson(version: string): string {
  const scripts = Object.fromEntries(CHECKS.map(check => [check, `node checks.mjs ${check}`]));
  return JSON.stringify({ name: 'fake-action', version, private: true, scripts }, null, 2) + '\n';
}

let tmp: string;
let origin: string;
let env: NodeJS.ProcessEnv;
let checkLog: string;

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
}

interface Run {
  code: number | null;
  output: string;
}

function release(args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(process.execPath, [SCRIPT, ...args], {
    cwd,
    env: { ...env, ...extraEnv },
    encoding: 'utf8'
  });
  return { code: result.status, output: result.stdout + result.stderr };
}

const tags = (cwd: string): string[] => git(['tag', '--list'], cwd).split('\n').filter(Boolean);
const commitOf = (ref: string, cwd: string): string => git(['rev-parse', `${ref}^{commit}`], cwd);
const typeOf = (ref: string, cwd: string): string => git(['cat-file', '-t', ref], cwd);
const checksRun = async (): Promise<string[]> =>
  (await fs.readFile(checkLog, 'utf8')).split('\n').filter(Boolean);

async function writeAndCommit(cwd: string, files: Record<string, string>, message: string) {
  for (const [name, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(cwd, name)), { recursive: true });
    await fs.writeFile(path.join(cwd, name), text);
  }
  git(['add', '--all'], cwd);
  git(['commit', '--quiet', '--message', message], cwd);
}

/** A fresh clone of the test-made origin, as a maintainer would have it. */
async function cloneOrigin(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(tmp, 'clone-'));
  git(['clone', '--quiet', origin, dir], tmp);
  return dir;
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'ape-release-'));
  const globalConfig = path.join(tmp, 'gitconfig');
  await fs.writeFile(globalConfig, '');
  env = {
    ...process.env,
    // No maintainer settings (signing, hooks paths, default branch) leak into the test.
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Release Test',
    GIT_AUTHOR_EMAIL: 'release@test.invalid',
    GIT_COMMITTER_NAME: 'Release Test',
    GIT_COMMITTER_EMAIL: 'release@test.invalid',
    npm_config_update_notifier: 'false',
    FAIL_CHECK: ''
  };
  const seed = path.join(tmp, 'seed');
  await fs.mkdir(seed);
  git(['init', '--quiet', '--initial-branch=main'], seed);
  await writeAndCommit(
    seed,
    {
      'package.json': packageJson('1.2.3'),
      'checks.mjs': CHECKS_MJS,
      'src/index.js': 'export const answer = 42;\n',
      'dist/index.js': 'export const answer = 42;\n',
      '.gitignore': 'ignored/\n'
    },
    'fake action 1.2.3'
  );
  origin = path.join(tmp, 'origin.git');
  git(['clone', '--quiet', '--bare', seed, origin], tmp);
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

beforeEach(async () => {
  checkLog = path.join(tmp, `checks-${Date.now()}-${Math.random()}.log`);
  await fs.writeFile(checkLog, '');
  env.CHECK_LOG = checkLog;
});

describe('npm run release -- X.Y.Z refuses', () => {
  it.each(['v1.2.3', '1.2', '1.2.3-rc.1', '01.2.3', ''])('the version %p', async version => {
    const clone = await cloneOrigin();
    const run = release([version], clone);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/refused: (the version must be X\.Y\.Z|usage:)/);
    expect(tags(clone)).toEqual([]);
  });

  it('no arguments, with the usage', async () => {
    const run = release([], await cloneOrigin());
    expect(run.code).toBe(1);
    expect(run.output).toContain('usage: npm run release -- X.Y.Z');
  });

  it('a version that package.json does not declare', async () => {
    const clone = await cloneOrigin();
    const run = release(['1.2.4'], clone);
    expect(run.code).toBe(1);
    expect(run.output).toContain("package.json's version is 1.2.3, not 1.2.4");
    expect(run.output).toContain('npm version 1.2.4 --no-git-tag-version');
    expect(tags(clone)).toEqual([]);
  });

  it('a tracked change, before running any check', async () => {
    const clone = await cloneOrigin();
    await fs.appendFile(path.join(clone, 'src/index.js'), '// edited\n');
    const run = release(['1.2.3'], clone);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/working tree is not clean before the checks[^]*src\/index\.js/);
    expect(await checksRun()).toEqual([]);
    expect(tags(clone)).toEqual([]);
  });

  it('an untracked file that is not ignored', async () => {
    const clone = await cloneOrigin();
    await fs.writeFile(path.join(clone, 'notes.txt'), 'draft\n');
    const run = release(['1.2.3'], clone);
    expect(run.code).toBe(1);
    expect(run.output).toContain('?? notes.txt');
    expect(tags(clone)).toEqual([]);
  });

  it('a stale dist/', async () => {
    const clone = await cloneOrigin();
    await writeAndCommit(clone, { 'src/index.js': 'export const answer = 43;\n' }, 'src only');
    const run = release(['1.2.3'], clone);
    expect(run.code).toBe(1);
    expect(run.output).toContain('dist/ is out of date');
    expect(run.output).toContain('refused: `npm run check-dist` failed (exit 1)');
    expect(tags(clone)).toEqual([]);
  });

  it.each(CHECKS)('a failing %s, after the checks before it passed', async check => {
    const clone = await cloneOrigin();
    const run = release(['1.2.3'], clone, { FAIL_CHECK: check });
    expect(run.code).toBe(1);
    expect(run.output).toContain(`refused: \`npm run ${check}\` failed (exit 1)`);
    expect(await checksRun()).toEqual(CHECKS.slice(0, CHECKS.indexOf(check) + 1));
    expect(tags(clone)).toEqual([]);
  });

  it('a tag that already exists', async () => {
    const clone = await cloneOrigin();
    git(['tag', 'v1.2.3'], clone);
    const run = release(['1.2.3'], clone);
    expect(run.code).toBe(1);
    expect(run.output).toContain('refused: the tag v1.2.3 already exists');
    expect(await checksRun()).toEqual([]);
    expect(tags(clone)).toEqual(['v1.2.3']);
  });
});

describe('a release', () => {
  let clone: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    clone = await cloneOrigin();
  });

  it('runs every check, tags vX.Y.Z (annotated) and moves vX (lightweight)', async () => {
    await fs.mkdir(path.join(clone, 'ignored'));
    await fs.writeFile(path.join(clone, 'ignored/cache'), 'ignored files do not block\n');
    first = commitOf('HEAD', clone);
    const run = release(['1.2.3'], clone);
    expect(run.output).toContain('tagged v1.2.3 (annotated)');
    expect(run.code).toBe(0);
    expect(await checksRun()).toEqual(CHECKS);
    expect(tags(clone)).toEqual(['v1', 'v1.2.3']);
    expect(typeOf('refs/tags/v1.2.3', clone)).toBe('tag');
    expect(typeOf('refs/tags/v1', clone)).toBe('commit');
    expect(commitOf('v1.2.3', clone)).toBe(first);
    expect(commitOf('v1', clone)).toBe(first);
    expect(run.output).toContain('git push --atomic origin refs/tags/v1.2.3 +refs/tags/v1\n');
  });

  it('prints a push command that pushes both tags, and never pushes itself', () => {
    expect(git(['ls-remote', '--tags', origin], tmp)).toBe('');
    git(['push', '--quiet', '--atomic', 'origin', 'refs/tags/v1.2.3', '+refs/tags/v1'], clone);
    const remote = git(['ls-remote', '--tags', origin], tmp);
    expect(remote).toContain(`${first}\trefs/tags/v1\n`);
    expect(remote).toMatch(/\trefs\/tags\/v1\.2\.3\n/);
    // The peeled entry exists only for an annotated tag.
    expect(remote).toContain(`${first}\trefs/tags/v1.2.3^{}`);
  });

  it('moves vX again with the next release and keeps the earlier tag', async () => {
    await writeAndCommit(clone, { 'package.json': packageJson('1.2.4') }, 'release 1.2.4');
    second = commitOf('HEAD', clone);
    const run = release(['1.2.4'], clone);
    expect(run.code).toBe(0);
    expect(tags(clone)).toEqual(['v1', 'v1.2.3', 'v1.2.4']);
    expect(commitOf('v1', clone)).toBe(second);
    expect(commitOf('v1.2.3', clone)).toBe(first);
    expect(commitOf('v1.2.4', clone)).toBe(second);
    git(['push', '--quiet', '--atomic', 'origin', 'refs/tags/v1.2.4', '+refs/tags/v1'], clone);
    expect(git(['ls-remote', '--tags', origin, 'refs/tags/v1'], tmp)).toBe(
      `${second}\trefs/tags/v1`
    );
  });

  it('leaves vX alone for a patch of an older minor', async () => {
    const branch = await cloneOrigin();
    git(['fetch', '--quiet', '--tags', 'origin'], branch);
    git(['checkout', '--quiet', '-b', 'maint-1.2.3', 'v1.2.3'], branch);
    git(['tag', 'v1.3.0', second], branch); // a newer minor already exists
    await writeAndCommit(branch, { 'package.json': packageJson('1.2.5') }, 'backport 1.2.5');
    const run = release(['1.2.5'], branch);
    expect(run.code).toBe(0);
    expect(run.output).toContain('left v1 alone: a newer v1.x.y release exists');
    expect(run.output).toContain('git push --atomic origin refs/tags/v1.2.5\n');
    expect(commitOf('v1', branch)).toBe(second);
  });
});

// Runs after 'a release', which pushed v1.2.3, v1.2.4 and v1 to the origin.
describe('--verify-tag (the tag workflow)', () => {
  /**
   * What actions/checkout leaves after a tag push: a shallow fetch of the tagged commit straight
   * into the tag's ref (`+<sha>:refs/tags/<tag>`), which makes the tag lightweight locally.
   */
  async function checkoutLikeActions(tag: string): Promise<string> {
    const dir = await fs.mkdtemp(path.join(tmp, 'checkout-'));
    const commit = commitOf(tag, origin);
    git(['init', '--quiet'], dir);
    git(['remote', 'add', 'origin', `file://${origin}`], dir);
    git(
      ['fetch', '--quiet', '--no-tags', '--depth=1', 'origin', `+${commit}:refs/tags/${tag}`],
      dir
    );
    git(['checkout', '--quiet', '--detach', `refs/tags/${tag}`], dir);
    return dir;
  }

  it('accepts the pushed release tag and major tag, though checkout made them lightweight', async () => {
    for (const tag of ['v1.2.4', 'v1']) {
      const dir = await checkoutLikeActions(tag);
      expect(typeOf(`refs/tags/${tag}`, dir)).toBe('commit');
      const run = release(['--verify-tag', tag], dir);
      expect(run.output).toContain(`release: ${tag} verified: v1.2.4 is annotated`);
      expect(run.code).toBe(0);
    }
  });

  it("rejects a tag that is not package.json's version", async () => {
    const dir = await checkoutLikeActions('v1.2.4');
    for (const tag of ['v1.2.3', 'v2', 'latest']) {
      const run = release(['--verify-tag', tag], dir);
      expect(run.code).toBe(1);
      expect(run.output).toContain(
        `the tag ${tag} does not match package.json's version 1.2.4 (expected v1.2.4, or v1`
      );
    }
  });

  it('rejects a lightweight release tag', async () => {
    const pusher = await cloneOrigin();
    await writeAndCommit(pusher, { 'package.json': packageJson('1.2.6') }, 'release 1.2.6');
    git(['tag', 'v1.2.6'], pusher);
    git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main', 'refs/tags/v1.2.6'], pusher);
    const run = release(['--verify-tag', 'v1.2.6'], await checkoutLikeActions('v1.2.6'));
    expect(run.code).toBe(1);
    expect(run.output).toContain('v1.2.6 is a lightweight tag: a release tag must be annotated');
  });

  it('rejects a checkout that is not the tagged commit', async () => {
    const dir = await checkoutLikeActions('v1.2.4');
    await writeAndCommit(dir, { 'README.md': 'later\n' }, 'after the release');
    const run = release(['--verify-tag', 'v1.2.4'], dir);
    expect(run.code).toBe(1);
    expect(run.output).toContain(
      `v1.2.4 points at ${commitOf('v1.2.4', origin).slice(0, 12)}, but this checkout is`
    );
  });

  it('rejects a release tag that is not on the remote', async () => {
    const dir = await checkoutLikeActions('v1.2.4');
    await writeAndCommit(dir, { 'package.json': packageJson('1.2.7') }, 'unreleased 1.2.7');
    const run = release(['--verify-tag', 'v1.2.7'], dir);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/refused: git fetch .*refs\/tags\/v1\.2\.7.* failed/);
  });
});
