// ape-smoke-summary.mjs: folds the per-platform result files of the reusable smoke workflow
// into one table and one verdict.
//
// Run by the `summary` job of .github/workflows/ape-smoke.yml on ubuntu-latest (plain node).
// Inputs through the environment:
//   PLAN_PLATFORMS  JSON [{platform, allowed_failure}] from the plan job: what should have run
//   RESULTS_DIR     directory holding the result JSON files ape-smoke.sh wrote (searched
//                   recursively; it may be missing when no job got as far as uploading)
//   MATRIX_SVG      where to write the per-category matrix as SVG (optional)
// Outputs:
//   $GITHUB_STEP_SUMMARY  a markdown table: platform x result x time, and when the program
//                         printed `probe: <category> pass|fail` lines, a platform x category
//                         matrix of coloured cells (appended)
//   $GITHUB_OUTPUT        results=<JSON [{platform, result, reason, exit, seconds, launch,
//                         allowed_failure, probe: [{category, result, detail}]}]> (result:
//                         pass | fail | missing) and passed=<true|false> (false when a platform
//                         not allowed to fail did not pass)
//   MATRIX_SVG            the same matrix as SVG, only when there are probe lines
// Exit status 1 when passed is false, so the calling workflow fails too.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync
} from 'node:fs';
import path from 'node:path';
import console from 'node:console';
import process from 'node:process';
import {
  probeEntries,
  probeMatrix,
  renderMatrixMarkdown,
  renderMatrixSvg
} from './ape-smoke-matrix.mjs';

function resultFiles(dir) {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return resultFiles(full);
    return entry.name.endsWith('.json') ? [full] : [];
  });
}

/** Reads every result file; one that is not a result object is reported, not fatal. */
function readResults(dir, warn) {
  const byPlatform = new Map();
  for (const file of resultFiles(dir)) {
    try {
      const result = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof result?.platform !== 'string') throw new Error('no platform field');
      byPlatform.set(result.platform, result);
    } catch (error) {
      warn(`ignoring ${file}: ${error.message}`);
    }
  }
  return byPlatform;
}

/** Pure core: the plan and the results in, the rows and the verdict out. */
function summarize(plan, byPlatform) {
  const rows = plan.map(({ platform, allowed_failure }) => {
    const found = byPlatform.get(platform);
    if (!found) {
      return {
        platform,
        result: 'missing',
        reason: 'no-result',
        exit: null,
        seconds: null,
        launch: null,
        allowed_failure,
        probe: []
      };
    }
    const { result, reason, exit, seconds, launch, probe } = found;
    return {
      platform,
      result: result === 'pass' ? 'pass' : 'fail',
      reason: String(reason ?? ''),
      exit: exit ?? null,
      seconds: seconds ?? null,
      launch: launch ?? null,
      allowed_failure,
      probe: probeEntries(probe)
    };
  });
  const passed = rows.every(row => row.result === 'pass' || row.allowed_failure);
  return { rows, passed };
}

function resultCell(row) {
  if (row.result === 'pass') return '✅ pass';
  const label = row.result === 'missing' ? 'no result' : 'fail';
  return row.allowed_failure ? `⚠️ ${label} (allowed)` : `❌ ${label}`;
}

const cell = value => (value === null || value === undefined || value === '' ? '–' : String(value));

function renderMarkdown({ rows, passed }, matrix) {
  const lines = [
    '## APE smoke test',
    '',
    '| Platform | Result | Reason | Exit | Time (s) | Started as |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      row =>
        `| ${row.platform} | ${resultCell(row)} | ${cell(row.reason)} | ${cell(row.exit)} | ${cell(row.seconds)} | ${cell(row.launch)} |`
    ),
    '',
    passed
      ? 'Every platform that must pass passed.'
      : '**Failed:** at least one platform that must pass did not (see its job log).',
    '',
    ...(matrix ? [renderMatrixMarkdown(matrix)] : [])
  ];
  return lines.join('\n');
}

function writeSvg(file, matrix) {
  if (!file || !matrix) return;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, renderMatrixSvg(matrix));
}

function main() {
  const warn = message => console.log(`::warning title=ape-smoke summary::${message}`);
  let plan;
  try {
    plan = JSON.parse(process.env.PLAN_PLATFORMS ?? '');
    if (!Array.isArray(plan)) throw new Error('not a JSON array');
  } catch (error) {
    console.log(`::error title=ape-smoke summary::PLAN_PLATFORMS is unusable: ${error.message}`);
    process.exit(1);
  }
  const summary = summarize(plan, readResults(process.env.RESULTS_DIR, warn));
  const matrix = probeMatrix(summary.rows);
  const markdown = renderMarkdown(summary, matrix);
  writeSvg(process.env.MATRIX_SVG, matrix);
  console.log(markdown);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
  if (process.env.GITHUB_OUTPUT) {
    appendFileSync(
      process.env.GITHUB_OUTPUT,
      `results=${JSON.stringify(summary.rows)}\npassed=${summary.passed}\n`
    );
  }
  for (const row of summary.rows) {
    if (row.result !== 'pass' && !row.allowed_failure) {
      console.log(`::error title=ape-smoke ${row.platform}::${row.result} (${row.reason})`);
    }
  }
  process.exit(summary.passed ? 0 : 1);
}

main();
