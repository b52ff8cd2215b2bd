// ape-smoke-plan.mjs: turns the reusable smoke workflow's inputs into its job matrices.
//
// Run by the `plan` job of .github/workflows/ape-smoke.yml on ubuntu-latest (plain node, no
// dependencies). Inputs arrive through the environment, never through the command line:
//   PLATFORMS         platforms to test, comma/space separated, or "all"
//   ALLOWED_FAILURES  platforms whose failure does not fail the workflow ("none" or empty: none)
//   TIMEOUT_SECONDS   per-program timeout, checked here so a bad value fails before any VM boots
//   FREEBSD_VERSION, NETBSD_VERSION, OPENBSD_VERSION  VM releases (cross-platform-actions)
// Writes to $GITHUB_OUTPUT (when set) and prints the same lines:
//   hosted=<JSON [{platform, runner, allowed_failure}]>   jobs on GitHub-hosted runners
//   vms=<JSON [{platform, os, version, allowed_failure}]> BSD jobs in a VM on ubuntu-latest
//   platforms=<JSON [{platform, allowed_failure}]>        every selected platform, for the summary
// Exits 1 with a ::error:: line naming the bad input and what is allowed.
import { appendFileSync } from 'node:fs';
import console from 'node:console';
import process from 'node:process';

/** Every platform the workflow knows: a hosted runner label, or a BSD in a VM. */
const PLATFORMS = {
  'linux-x86_64': { runner: 'ubuntu-latest' },
  'linux-aarch64': { runner: 'ubuntu-24.04-arm' },
  'macos-arm64': { runner: 'macos-latest' },
  'macos-x86_64': { runner: 'macos-15-intel' },
  'windows-x64': { runner: 'windows-latest' },
  'windows-arm64': { runner: 'windows-11-arm' },
  freebsd: { vm: 'freebsd', versionVariable: 'FREEBSD_VERSION' },
  netbsd: { vm: 'netbsd', versionVariable: 'NETBSD_VERSION' },
  openbsd: { vm: 'openbsd', versionVariable: 'OPENBSD_VERSION' }
};

const MAX_TIMEOUT_SECONDS = 1200; // the smoke jobs' timeout-minutes leave room for this

class PlanError extends Error {}

/** Splits a list input on commas and whitespace, dropping empties and repeats. */
function splitList(text) {
  return [...new Set((text ?? '').split(/[\s,]+/).filter(Boolean))];
}

function checkNames(inputName, names) {
  const known = Object.keys(PLATFORMS);
  const unknown = names.filter(name => !known.includes(name));
  if (unknown.length > 0) {
    throw new PlanError(
      `${inputName}: unknown platform(s) ${unknown.join(', ')}; known: ${known.join(', ')}`
    );
  }
}

function selectedPlatforms(text) {
  const names = splitList(text);
  if (names.length === 1 && names[0] === 'all') return Object.keys(PLATFORMS);
  if (names.length === 0) throw new PlanError('platforms: empty; name at least one, or "all"');
  checkNames('platforms', names);
  return names;
}

function allowedFailures(text) {
  const names = splitList(text);
  if (names.length === 1 && names[0] === 'none') return [];
  checkNames('allowed-failures', names);
  return names;
}

function checkTimeout(text) {
  const seconds = Number(text);
  if (!/^\d+$/.test(text ?? '') || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new PlanError(
      `timeout-seconds: '${text}' is not a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}`
    );
  }
}

function vmVersion(env, variable) {
  const version = (env[variable] ?? '').trim();
  if (!/^\d+(\.\d+)*$/.test(version)) {
    const input = variable.toLowerCase().replace('_', '-');
    throw new PlanError(`${input}: '${version}' is not a release number like 14.3`);
  }
  return version;
}

/** Pure core: the environment's inputs in, the three matrices out (or a PlanError). */
function planMatrices(env) {
  const platforms = selectedPlatforms(env.PLATFORMS);
  const allowed = allowedFailures(env.ALLOWED_FAILURES);
  checkTimeout(env.TIMEOUT_SECONDS);
  const hosted = [];
  const vms = [];
  for (const platform of platforms) {
    const spec = PLATFORMS[platform];
    const allowed_failure = allowed.includes(platform);
    if (spec.runner) {
      hosted.push({ platform, runner: spec.runner, allowed_failure });
    } else {
      const version = vmVersion(env, spec.versionVariable);
      vms.push({ platform, os: spec.vm, version, allowed_failure });
    }
  }
  const all = platforms.map(platform => ({
    platform,
    allowed_failure: allowed.includes(platform)
  }));
  return { hosted, vms, platforms: all };
}

function main() {
  let plan;
  try {
    plan = planMatrices(process.env);
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    console.log(`::error title=ape-smoke inputs::${error.message}`);
    process.exit(1);
  }
  const lines = Object.entries(plan).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  for (const line of lines) console.log(line);
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `${lines.join('\n')}\n`);
}

main();
