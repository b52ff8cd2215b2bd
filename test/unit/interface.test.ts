/**
 * The interface is promised in three places: action.yml (what the runner reads), the README's
 * tables (what users read) and INPUT_DEFAULTS (what the code applies). They must agree.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { INPUT_DEFAULTS } from '../../src/inputs.js';
import { OUTPUT } from '../../src/outputs.js';
import { REPO_ROOT } from '../helpers/runner.js';

interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean; description: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string; post: string };
}

const action = parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as ActionYml;
const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** Rows of the first markdown table after `## <heading>`: first cell (unquoted) → cells. */
function readmeTable(heading: string): Map<string, string[]> {
  const section = readme.split(`\n## ${heading}\n`)[1];
  if (section === undefined) throw new Error(`README has no '## ${heading}' section`);
  const rows = section
    .split('\n')
    .filter(line => line.startsWith('|'))
    .slice(2);
  const table = new Map<string, string[]>();
  for (const row of rows) {
    const cells = row
      .split('|')
      .slice(1, -1)
      .map(cell => cell.trim());
    table.set(
      cells[0].replace(/`/g, ''),
      cells.slice(1).map(cell => cell.replace(/`/g, ''))
    );
    if (!section.slice(section.indexOf(row) + row.length).startsWith('\n|')) break;
  }
  return table;
}

describe('action.yml', () => {
  it('runs on node24 with a main and a post step from dist/', () => {
    expect(action.runs).toMatchObject({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/post.js'
    });
  });
  it('declares exactly the inputs the code parses, with the same defaults', () => {
    const declared = Object.fromEntries(
      Object.entries(action.inputs).map(([name, spec]) => [name, spec.default ?? ''])
    );
    expect(declared).toEqual({ ...INPUT_DEFAULTS });
    for (const spec of Object.values(action.inputs))
      expect(spec.description.length).toBeGreaterThan(10);
  });
  it('declares the promised outputs', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(
      [
        'binaries',
        'binary',
        'cache-hit',
        'checksums-file',
        'cosmocc-path',
        'cosmocc-version',
        'rust-toolchain',
        'sha256'
      ].sort()
    );
  });
  it('declares exactly the outputs the code sets (the OUTPUT constants)', () => {
    expect(Object.values(OUTPUT).sort()).toEqual(Object.keys(action.outputs).sort());
  });
});

describe('README tables', () => {
  it('list every input with the default action.yml gives it', () => {
    const table = readmeTable('Inputs');
    expect([...table.keys()].sort()).toEqual(Object.keys(action.inputs).sort());
    for (const [name, spec] of Object.entries(action.inputs))
      expect(table.get(name)?.[0]).toBe(spec.default ?? '');
  });
  it('list every output', () => {
    expect([...readmeTable('Outputs').keys()].sort()).toEqual(Object.keys(action.outputs).sort());
  });
});

describe('README commands', () => {
  it('start with the two commands that .ci/run runs', () => {
    const blocks = [...readme.matchAll(/```sh\n(.+)\n```/g)].map(m => m[1]);
    expect(blocks.slice(0, 2)).toEqual(['npm ci && npm run example', 'npm ci && npm run test:all']);
    const ci = readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toContain('(npm ci && npm run example)');
    expect(ci).toContain('npm ci && npm run test:all');
  });
});
