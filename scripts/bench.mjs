// Measures what the action costs on top of cargo: cold and warm builds of examples/hello through
// the local command (the action's own pipeline) versus plain cargo with the same flags and
// specs, and one cargo invocation for both arches versus one per arch. Offline, with the test
// kit (Debian's cargo with -Z build-std) and the stand-in cosmocc of the end-to-end tests.
// Wall-clock figures on a shared machine are noisy: read them as ratios. Not a test.
//
//   npm run bench                 (needs: bash scripts/install-test-kit.sh, npm run bundle)
//   npm run bench -- --setup-only (just the warm `mode: setup` figure; seconds, not minutes)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireTools } from '../test/helpers/kit.mjs';
import { makeStandinCosmocc } from '../test/helpers/standin-cosmocc.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const WORK = path.join(ROOT, '.bench');
const MANIFEST = path.join(ROOT, 'examples', 'hello', 'Cargo.toml');
const VENDOR = '/usr/lib/rustlib/src/rust/library/vendor';
const ARCHES = ['x86_64', 'aarch64'];

requireTools(['/usr/bin/cargo', '/usr/bin/rustc', 'aarch64-linux-gnu-gcc']);
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
const cosmocc = makeStandinCosmocc(path.join(WORK, 'cosmocc'));
const cargoHome = path.join(WORK, 'cargo-home');
mkdirSync(cargoHome);
writeFileSync(
  path.join(cargoHome, 'config.toml'),
  `[source.crates-io]\nreplace-with = "stdvendor"\n[source.stdvendor]\ndirectory = "${VENDOR}"\n`
);
const runnerTemp = path.join(WORK, 'runner-temp');
const baseEnv = {
  ...process.env,
  PATH: `/usr/bin:/bin:${process.env.PATH}`,
  CARGO_HOME: cargoHome,
  RUNNER_TEMP: runnerTemp,
  RUNNER_TOOL_CACHE: path.join(WORK, 'tool-cache')
};

function timed(label, cmd, args, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    console.error(result.stdout.slice(-3000), result.stderr.slice(-3000));
    throw new Error(`${label} failed (exit ${result.status})`);
  }
  console.log(`${label.padEnd(44)} ${seconds.toFixed(1).padStart(7)} s`);
  return seconds;
}

function touchMain() {
  const now = new Date();
  utimesSync(path.join(ROOT, 'examples', 'hello', 'src', 'main.rs'), now, now);
}

function action(label, targetDir) {
  const args = ['dist/cli.js', 'build', '--manifest-path', MANIFEST, '--cosmocc-dir', cosmocc];
  args.push('--rust-toolchain', 'preinstalled', '--output-dir', path.join(WORK, 'out'));
  return timed(label, process.execPath, args, { ...baseEnv, CARGO_TARGET_DIR: targetDir });
}

/** The same cargo call the action makes, with the specs the action wrote (fixed path). */
function cargo(label, targetDir, arches) {
  const args = ['build', '--manifest-path', MANIFEST, '-Z', 'build-std=std,panic_abort'];
  args.push('-Z', 'json-target-spec');
  for (const arch of arches)
    args.push(
      '--target',
      path.join(runnerTemp, 'ape-action-targets', `${arch}-unknown-linux-cosmo.json`)
    );
  args.push('--profile', 'release', '--bins');
  const env = {
    ...baseEnv,
    CARGO_TARGET_DIR: targetDir,
    RUSTC_BOOTSTRAP: '1',
    RUSTC: '/usr/bin/rustc'
  };
  return timed(label, '/usr/bin/cargo', args, env);
}

/**
 * `mode: setup` with cosmocc already in the tool cache: the whole `node dist/index.js` process,
 * as a runner starts it, median of several runs (the 422 MB download is what it saves).
 */
function setupWarm(runs) {
  const toolCache = path.join(WORK, 'setup-tool-cache');
  const root = path.join(toolCache, 'cosmocc', '4.0.2', process.arch);
  cpSync(cosmocc, root, { recursive: true });
  // what a verified install leaves behind: the digest it was checked against, and tool-cache's marker
  writeFileSync(
    path.join(root, '.ape-action-verified-sha256'),
    '85b8c37a406d862e656ad4ec14be9f6ce474c1b436b9615e91a55208aced3f44\n'
  );
  writeFileSync(`${root}.complete`, '');
  const files = ['output', 'path', 'env', 'summary', 'state'].map(name =>
    path.join(WORK, `setup-${name}`)
  );
  const env = {
    ...baseEnv,
    RUNNER_TOOL_CACHE: toolCache,
    GITHUB_OUTPUT: files[0],
    GITHUB_PATH: files[1],
    GITHUB_ENV: files[2],
    GITHUB_STEP_SUMMARY: files[3],
    GITHUB_STATE: files[4],
    INPUT_MODE: 'setup',
    INPUT_CACHE: 'true'
  };
  const seconds = [];
  for (let i = 0; i < runs; i++) {
    for (const file of files) writeFileSync(file, '');
    seconds.push(
      timed(`setup, warm tool cache, run ${i + 1}`, process.execPath, ['dist/index.js'], env)
    );
  }
  const baseline = [];
  for (let i = 0; i < runs; i++)
    baseline.push(timed(`node startup alone, run ${i + 1}`, process.execPath, ['-e', ''], env));
  const median = list => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return { median: median(seconds), nodeAlone: median(baseline) };
}

const t = {};
t.setup = setupWarm(7);
if (process.argv.includes('--setup-only')) {
  console.log(
    `\nsetup, warm tool cache (median of 7): ${t.setup.median.toFixed(2)} s; node alone ${t.setup.nodeAlone.toFixed(2)} s`
  );
  process.exit(0);
}
console.log(
  'cold = empty target dir (std built from source for each arch); warm = nothing changed;'
);
console.log('touched = src/main.rs touched (the crate recompiles and relinks, std does not)\n');
t.actionCold = action('action, cold (both arches)', path.join(WORK, 't-action'));
t.actionWarm = action('action, warm', path.join(WORK, 't-action'));
touchMain();
t.actionTouched = action('action, touched', path.join(WORK, 't-action'));
t.cargoCold = cargo(
  'plain cargo, cold (both arches, one call)',
  path.join(WORK, 't-cargo'),
  ARCHES
);
t.cargoWarm = cargo('plain cargo, warm', path.join(WORK, 't-cargo'), ARCHES);
touchMain();
t.cargoTouched = cargo('plain cargo, touched', path.join(WORK, 't-cargo'), ARCHES);
t.perArch = ARCHES.map(arch =>
  cargo(`plain cargo, cold, ${arch} alone`, path.join(WORK, 't-per-arch'), [arch])
);

const com = path.join(WORK, 'out', 'hello.com');
const perArchTotal = t.perArch.reduce((a, b) => a + b, 0);
const ratio = (a, b) => (a / b).toFixed(2);
const distBytes = ['index.js', 'post.js', 'cli.js', 'licenses.txt'].map(
  f => statSync(path.join(ROOT, 'dist', f)).size
);
const summary = [
  '',
  `setup, warm tool cache (median of 7): ${t.setup.median.toFixed(2)} s (node starting alone: ${t.setup.nodeAlone.toFixed(2)} s)`,
  `dist/: ${(distBytes.reduce((a, b) => a + b, 0) / 1e6).toFixed(1)} MB (index.js ${(distBytes[0] / 1e6).toFixed(1)} MB)`,
  `action / cargo, cold:     ${ratio(t.actionCold, t.cargoCold)}  (${(t.actionCold - t.cargoCold).toFixed(1)} s more)`,
  `action / cargo, warm:     ${ratio(t.actionWarm, t.cargoWarm)}  (${(t.actionWarm - t.cargoWarm).toFixed(1)} s more)`,
  `action / cargo, touched:  ${ratio(t.actionTouched, t.cargoTouched)}  (${(t.actionTouched - t.cargoTouched).toFixed(1)} s more)`,
  `per-arch calls / one call, cold: ${ratio(perArchTotal, t.cargoCold)}  (${perArchTotal.toFixed(1)} s vs ${t.cargoCold.toFixed(1)} s)`,
  `hello.com: ${statSync(com).size} bytes (stand-in apelink: both payloads plus a launcher; a real APE differs)`
];
console.log(summary.join('\n'));
writeFileSync(
  path.join(WORK, 'bench.json'),
  JSON.stringify({ seconds: t, comBytes: statSync(com).size }, null, 2)
);
