#!/usr/bin/env node
// Cuts a release of the action, or verifies one in the tag workflow.
//
//   npm run release -- X.Y.Z
//     Tags the current commit `vX.Y.Z` (annotated) and moves the major tag `vX` to it, after
//     refusing anything that would make a bad release: a version that is not X.Y.Z, a
//     package.json whose version is not X.Y.Z (bump and commit it first), an existing tag
//     `vX.Y.Z`, a dirty tree (tracked changes or untracked files that are not ignored), or a
//     failing check (RELEASE_CHECKS: stale dist/, lint, typecheck, unit tests). It never
//     pushes: it prints the push command, which is the maintainer's step.
//
//   node scripts/release.mjs --verify-tag TAG
//     For .github/workflows/release-tag.yml: TAG (`vX.Y.Z` or `vX`) belongs to the release named
//     by package.json's version, whose tag is annotated and points at the checked-out commit.
//
// Every command is spawned with an argv, never through a shell.
//
// Why the major tag is lightweight: it is a pointer that moves with every release, not a
// record of one. The record (who, when, message) lives in the immutable annotated `vX.Y.Z`, and
// `git describe`, which looks at annotated tags only, keeps naming the exact release rather than
// `vX`. GitHub resolves `uses: owner/repo@vX` the same way for either kind.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

/** The npm scripts a release must pass, in order, the slow unit tests last. This is the one
 * list: a test repository swaps the checks by defining trivial scripts under these names. */
const RELEASE_CHECKS = ['check-dist', 'lint', 'typecheck', 'test:unit'];

/** The remote the push command names and the tag workflow fetches from. */
const REMOTE = 'origin';

const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

class Refusal extends Error {}

function refuse(message) {
  throw new Refusal(message);
}

// ---------------------------------------------------------------------------------------------
// Pure: versions, tags, messages

/** `1.2.3` as numbers, or undefined when it is not X.Y.Z (no `v`, no pre-release suffix). */
function parseVersion(text) {
  const match = VERSION.exec(text);
  return match ? match.slice(1, 4).map(Number) : undefined;
}

function compareVersions(a, b) {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The tags one release writes: the exact one and the major one. */
function releaseTags(version) {
  return { exact: `v${version.join('.')}`, major: `v${version[0]}` };
}

/** True when no existing `vX.Y.Z` tag of the same major is newer than `version`: only then
 * does the major tag move (a patch of an older minor must not pull `vX` users back). */
function isNewestOfMajor(version, tagNames) {
  return tagNames
    .map(name => (name.startsWith('v') ? parseVersion(name.slice(1)) : undefined))
    .filter(other => other !== undefined && other[0] === version[0])
    .every(other => compareVersions(other, version) < 0);
}

/** One atomic push: both tags land or neither does; `+` forces only the moving major tag. */
function pushCommand(tags, movedMajor) {
  const refs = [`refs/tags/${tags.exact}`];
  if (movedMajor) refs.push(`+refs/tags/${tags.major}`);
  return ['git', 'push', '--atomic', REMOTE, ...refs].join(' ');
}

function short(sha) {
  return sha.slice(0, 12);
}

// ---------------------------------------------------------------------------------------------
// Effects: git, npm, package.json

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) refuse(`could not start ${command}: ${result.error.message}`);
  return result;
}

/** git's trimmed stdout; a failure becomes a refusal naming the command and git's message. */
function git(args, cwd) {
  const result = run('git', args, { cwd });
  if (result.status !== 0) {
    refuse(`git ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim()}`);
  }
  return result.stdout.trim();
}

function tagExists(tag, cwd) {
  return run('git', ['rev-parse', '-q', '--verify', `refs/tags/${tag}`], { cwd }).status === 0;
}

function repositoryRoot() {
  return git(['rev-parse', '--show-toplevel'], process.cwd());
}

function packageVersion(root) {
  const file = path.join(root, 'package.json');
  const version = JSON.parse(readFileSync(file, 'utf8')).version;
  if (typeof version !== 'string') refuse(`${file} has no "version"`);
  return version;
}

/** npm through the same node and npm that started this script when there is one (no shell,
 * no `npm.cmd` lookup on Windows), else the `npm` on PATH. */
function npmArgv(args) {
  const npmCli = process.env.npm_execpath;
  return npmCli && /\.[cm]?js$/.test(npmCli)
    ? [process.execPath, [npmCli, ...args]]
    : ['npm', args];
}

function runCheck(script, root) {
  console.log(`release: npm run ${script}`);
  const [command, args] = npmArgv(['run', script]);
  const result = run(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    const exit = result.status ?? result.signal;
    refuse(
      `\`npm run ${script}\` failed (exit ${exit}): fix it, commit, and run the release again`
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Cutting a release

function requireCleanTree(root, when) {
  const status = git(['status', '--porcelain', '--untracked-files=normal'], root);
  if (status !== '') {
    const files = status.split('\n').slice(0, 10).join('\n  ');
    refuse(`the working tree is not clean ${when} (commit, or ignore, these):\n  ${files}`);
  }
}

function requireVersionInPackageJson(text, root) {
  const declared = packageVersion(root);
  if (declared !== text) {
    refuse(
      `package.json's version is ${declared}, not ${text}: set it ` +
        `(npm version ${text} --no-git-tag-version), commit, and run the release again`
    );
  }
}

function cutRelease(text) {
  const version = parseVersion(text);
  if (!version) refuse(`the version must be X.Y.Z (like 1.2.3, no "v"), not "${text}"`);
  const root = repositoryRoot();
  const tags = releaseTags(version);
  requireVersionInPackageJson(text, root);
  if (tagExists(tags.exact, root)) refuse(`the tag ${tags.exact} already exists`);
  requireCleanTree(root, 'before the checks');
  const head = git(['rev-parse', 'HEAD^{commit}'], root);

  for (const script of RELEASE_CHECKS) runCheck(script, root);
  // The checks must have run on exactly the commit being tagged.
  requireCleanTree(root, 'after the checks (a check changed files)');
  if (git(['rev-parse', 'HEAD^{commit}'], root) !== head) refuse('HEAD moved during the checks');

  const moveMajor = isNewestOfMajor(version, git(['tag', '--list', 'v*'], root).split('\n'));
  git(['tag', '--annotate', '--message', `Release ${tags.exact}`, tags.exact, head], root);
  if (moveMajor) git(['tag', '--force', tags.major, head], root);

  const majorNote = moveMajor
    ? `moved ${tags.major} (lightweight) to it`
    : `left ${tags.major} alone: a newer ${tags.major}.x.y release exists`;
  console.log(`release: tagged ${tags.exact} (annotated) at ${short(head)}; ${majorNote}.`);
  console.log('Push (this script never pushes; the tag workflow then verifies the release):');
  console.log(`  ${pushCommand(tags, moveMajor)}`);
}

// ---------------------------------------------------------------------------------------------
// Verifying a pushed tag (the tag workflow)

/** The release tag that a pushed tag belongs to, given package.json's version. */
function releaseTagFor(pushed, declared) {
  const version = parseVersion(declared);
  if (!version) refuse(`package.json's version "${declared}" is not X.Y.Z`);
  const tags = releaseTags(version);
  if (pushed !== tags.exact && pushed !== tags.major) {
    refuse(
      `the tag ${pushed} does not match package.json's version ${declared} ` +
        `(expected ${tags.exact}, or ${tags.major} for the major tag)`
    );
  }
  return tags.exact;
}

function verifyTag(pushed) {
  const root = repositoryRoot();
  const release = releaseTagFor(pushed, packageVersion(root));
  // actions/checkout writes the pushed tag as a lightweight ref to the commit, which hides the
  // annotation: fetch the tag object itself before asking what kind it is.
  git(
    ['fetch', '--no-tags', '--force', REMOTE, `+refs/tags/${release}:refs/tags/${release}`],
    root
  );
  if (git(['cat-file', '-t', `refs/tags/${release}`], root) !== 'tag') {
    refuse(`${release} is a lightweight tag: a release tag must be annotated (npm run release)`);
  }
  const tagged = git(['rev-parse', `refs/tags/${release}^{commit}`], root);
  const head = git(['rev-parse', 'HEAD^{commit}'], root);
  if (tagged !== head) {
    refuse(`${release} points at ${short(tagged)}, but this checkout is ${short(head)}`);
  }
  console.log(`release: ${pushed} verified: ${release} is annotated and tags ${short(head)}.`);
}

// ---------------------------------------------------------------------------------------------

const USAGE =
  'usage: npm run release -- X.Y.Z\n       node scripts/release.mjs --verify-tag vX.Y.Z|vX';

function main(args) {
  if (args.length === 1 && args[0] !== '--verify-tag' && !args[0].startsWith('-')) {
    cutRelease(args[0]);
  } else if (args.length === 2 && args[0] === '--verify-tag') {
    verifyTag(args[1]);
  } else {
    refuse(USAGE);
  }
}

try {
  main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof Refusal)) throw error;
  console.error(`release: refused: ${error.message}`);
  process.exitCode = 1;
}
