// Fails when the committed dist/ differs from a fresh bundle of src/: the action runs dist/, so a
// stale bundle would ship old code under a new commit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const fresh = mkdtempSync(path.join(os.tmpdir(), 'ape-dist-'));
try {
  execFileSync(process.execPath, ['scripts/bundle.mjs', fresh], { stdio: 'inherit' });
  const list = dir => readdirSync(dir, { recursive: true }).map(String).sort();
  const committed = list('dist');
  const rebuilt = list(fresh);
  const differing = [...new Set([...committed, ...rebuilt])].filter(file => {
    try {
      return !readFileSync(path.join('dist', file)).equals(readFileSync(path.join(fresh, file)));
    } catch {
      return true;
    }
  });
  if (differing.length > 0) {
    console.error(
      `dist/ is out of date (${differing.join(', ')}): run 'npm run bundle' and commit dist/.`
    );
    process.exit(1);
  }
  console.log('dist/ matches a fresh bundle of src/.');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
