// Measures what the action costs on top of cargo, on examples/hello through the local command
// (the action's own pipeline) against plain cargo with the same flags, specs and std workspace,
// with the runtime layer on and off. Warm and touched runs alternate action and cargo (A B A B
// ...) so that a busy machine slows both alike; medians and their ratio are reported. Offline,
// with the test kit (Debian's cargo with -Z build-std) and the stand-in cosmocc of the e2e tests.
// The floor row is the same cargo started by a node process that does nothing else: no action
// written in node can cost less. The new-job rows start from an empty RUNNER_TEMP, as each job
// on a runner does, with the generated files put back as the action's cache restore would, or
// with nothing (everything generated again; the build itself stays warm). Wall-clock figures on a shared machine are noisy: read them as
// ratios. Not a test.
//
//   npm run bench                 (needs: bash scripts/install-test-kit.sh, npm run bundle)
//   npm run bench -- --setup-only (just the warm `mode: setup` figure; seconds, not minutes)
//   npm run bench -- --runs 9     (pairs per warm/touched figure; default 7)
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync
} from 'node:fs';
import path from 'node:path';
import { requireTools } from '../test/helpers/kit.mjs';
import { makeOfflineCargoHome } from '../test/helpers/offline-vendor.mjs';
import { makeStandinCosmocc } from '../test/helpers/standin-cosmocc.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const WORK = path.join(ROOT, '.bench');
const MANIFEST = path.join(ROOT, 'examples', 'hello', 'Cargo.toml');
const ARCHES = ['x86_64', 'aarch64'];
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;

requireTools(['/usr/bin/cargo', '/usr/bin/rustc', 'aarch64-linux-gnu-gcc']);
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
const cosmocc = makeStandinCosmocc(path.join(WORK, 'cosmocc'));
const cargoHome = makeOfflineCargoHome(path.join(WORK, 'cargo-home'));
const runnerTemp = path.join(WORK, 'runner-temp');
const specDir = path.join(runnerTemp, 'ape-action-targets');
const baseEnv = {
  ...process.env,
  PATH: `/usr/bin:/bin:${process.env.PATH}`,
  CARGO_HOME: cargoHome,
  RUNNER_TEMP: runnerTemp,
  RUNNER_TOOL_CACHE: path.join(WORK, 'tool-cache')
};

function timed(cmd, args, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    console.error(result.stdout.slice(-3000), result.stderr.slice(-3000));
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status})`);
  }
  return seconds;
}

function touchMain() {
  const now = new Date();
  utimesSync(path.join(ROOT, 'examples', 'hello', 'src', 'main.rs'), now, now);
}

/** The local command, as a user runs it. */
function action(targetDir, layer) {
  const args = ['dist/cli.js', 'build', '--manifest-path', MANIFEST, '--cosmocc-dir', cosmocc];
  args.push('--rust-toolchain', 'preinstalled', '--output-dir', path.join(WORK, 'out'));
  args.push('--runtime-layer', String(layer));
  return () => timed(process.execPath, args, { ...baseEnv, CARGO_TARGET_DIR: targetDir });
}

/** The same cargo call the action makes, with the specs and std workspace the action wrote. */
function cargo(targetDir, layer) {
  const args = ['build', '--manifest-path', MANIFEST, '-Z', 'build-std=std,panic_abort'];
  args.push('-Z', 'json-target-spec');
  for (const arch of ARCHES)
    args.push('--target', path.join(specDir, `${arch}-unknown-linux-cosmo.json`));
  args.push('--profile', 'release', '--bins');
  // the ecosystem cfgs the action passes by default (ecosystem-cfgs: true)
  const cfgs = ['rustix_use_libc', 'polling_test_poll_backend'];
  cfgs.push('mio_unsupported_force_poll_poll', 'mio_unsupported_force_waker_pipe');
  args.push('--config', `build.rustflags=${JSON.stringify(cfgs.flatMap(cfg => ['--cfg', cfg]))}`);
  const env = {
    ...baseEnv,
    CARGO_TARGET_DIR: targetDir,
    RUSTC_BOOTSTRAP: '1',
    RUSTC: '/usr/bin/rustc'
  };
  if (layer) env.__CARGO_TESTS_ONLY_SRC_ROOT = stdWorkspace();
  const run = () => timed('/usr/bin/cargo', args, env);
  run.call = { args, env };
  return run;
}

/**
 * The same cargo call, started by a node process that does nothing else: the least any action
 * written in node could cost, and so the floor for the action/cargo ratio on this machine.
 */
function nodeThenCargo(targetDir, layer) {
  const cargoRun = cargo(targetDir, layer);
  return () => {
    const { args, env } = cargoRun.call;
    const script = `process.exitCode = require('node:child_process').spawnSync(process.argv[1], JSON.parse(process.argv[2]), { stdio: 'ignore' }).status`;
    return timed(process.execPath, ['-e', script, '/usr/bin/cargo', JSON.stringify(args)], env);
  };
}

/** The std workspace copy the action wrote (named by a hash of its rewritten files). */
function stdWorkspace() {
  const dir = path.join(specDir, 'runtime', 'std-workspace');
  const [newest] = readdirSync(dir)
    .map(name => ({ name, mtime: statSync(path.join(dir, name)).mtimeMs }))
    .sort((x, y) => y.mtime - x.mtime);
  return path.join(dir, newest.name, 'library');
}

const median = list => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

/**
 * A new job's run: RUNNER_TEMP emptied first, as a runner does per job, and then (with
 * `snapshot`) the generated files put back with their mtimes, as the action's cache restore
 * does on GitHub (the local command has no cache service). Untimed; the action run is timed.
 */
function newJob(run, snapshot) {
  return () => {
    rmSync(specDir, { recursive: true, force: true });
    if (snapshot) cpSync(snapshot, specDir, KEEP_AS_TAR_DOES);
    return run();
  };
}

const KEEP_AS_TAR_DOES = { recursive: true, verbatimSymlinks: true, preserveTimestamps: true };

/** RUNS alternating pairs (or `runs`); `before` runs ahead of each command (e.g. touching main.rs). */
function alternate(a, b, before = () => {}, runs = RUNS) {
  const times = { a: [], b: [] };
  for (let i = 0; i < runs; i++) {
    before();
    times.a.push(a());
    before();
    times.b.push(b());
  }
  return { a: median(times.a), b: median(times.b), all: times };
}

/** `mode: setup` with cosmocc already in the tool cache: the whole node process, as a runner starts it. */
function setupWarm() {
  const toolCache = path.join(WORK, 'setup-tool-cache');
  const root = path.join(toolCache, 'cosmocc', '4.0.2', process.arch);
  cpSync(cosmocc, root, { recursive: true });
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
  const setup = () => {
    for (const file of files) writeFileSync(file, '');
    return timed(process.execPath, ['dist/index.js'], env);
  };
  return alternate(setup, () => timed(process.execPath, ['-e', ''], env));
}

const lines = [];
const setup = setupWarm();
lines.push(
  `setup, warm tool cache: ${setup.a.toFixed(2)} s (node starting alone ${setup.b.toFixed(2)} s)`
);
if (!process.argv.includes('--setup-only')) {
  for (const layer of [true, false]) {
    const label = `runtime layer ${layer ? 'on' : 'off'}`;
    const [targetA, targetC] = ['t-action', 't-cargo'].map(t => path.join(WORK, `${t}-${layer}`));
    const coldAction = action(targetA, layer)();
    const coldCargo = cargo(targetC, layer)();
    const warm = alternate(action(targetA, layer), cargo(targetC, layer));
    // right after the warm runs, while the generated files and the build agree (a touched run
    // relinks, and a snapshot taken before it would hold a stale apelink stamp)
    const snapshot = path.join(WORK, `generated-${layer}`);
    cpSync(specDir, snapshot, KEEP_AS_TAR_DOES);
    const restored = alternate(newJob(action(targetA, layer), snapshot), cargo(targetC, layer));
    const regenerated = alternate(
      newJob(action(targetA, layer)),
      cargo(targetC, layer),
      () => {},
      3
    );
    const touched = alternate(action(targetA, layer), cargo(targetC, layer), touchMain);
    const floor = alternate(nodeThenCargo(targetC, layer), cargo(targetC, layer));
    const ratio = (x, y) => `${(x / y).toFixed(2)}x (${x.toFixed(2)} s vs ${y.toFixed(2)} s)`;
    lines.push(`${label}, cold:    action/cargo ${ratio(coldAction, coldCargo)}`);
    lines.push(`${label}, warm:    action/cargo ${ratio(warm.a, warm.b)}`);
    lines.push(`${label}, touched: action/cargo ${ratio(touched.a, touched.b)}`);
    lines.push(`${label}, floor:   node+cargo/cargo ${ratio(floor.a, floor.b)} (warm)`);
    lines.push(
      `${label}, new job, generated files restored: action/cargo ${ratio(restored.a, restored.b)}`
    );
    lines.push(
      `${label}, new job, nothing restored: action/cargo ${ratio(regenerated.a, regenerated.b)} (3 pairs)`
    );
    writeFileSync(
      path.join(WORK, `bench-${layer ? 'on' : 'off'}.json`),
      JSON.stringify(
        { coldAction, coldCargo, warm, touched, floor, restored, regenerated },
        null,
        2
      )
    );
  }
  const com = path.join(WORK, 'out', 'hello.com');
  lines.push(`hello.com: ${statSync(com).size} bytes (stand-in apelink; a real APE differs)`);
}
const dist = ['index.js', 'post.js', 'cli.js'].map(f => statSync(path.join(ROOT, 'dist', f)).size);
lines.push(
  `dist/: index.js ${(dist[0] / 1e6).toFixed(2)} MB, post.js ${(dist[1] / 1e6).toFixed(2)} MB, cli.js ${(dist[2] / 1e6).toFixed(2)} MB`
);
console.log(`\n${lines.join('\n')}`);
