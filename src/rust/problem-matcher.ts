/**
 * A problem matcher for rustc's human-readable diagnostics, so compile errors and warnings show
 * as annotations on the PR's files. The runner reads the matcher from a file announced with
 * `::add-matcher::`; the file is written at run time so the bundle needs no side files.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

export const RUSTC_MATCHER_OWNER = 'ape-action-rustc';

/** `error[E0425]: message` followed (after any lines) by ` --> src/main.rs:2:5`. */
export const RUSTC_PROBLEM_MATCHER = {
  problemMatcher: [
    {
      owner: RUSTC_MATCHER_OWNER,
      pattern: [
        { regexp: '^(warning|error)(?:\\[(\\w+)\\])?: (.*)$', severity: 1, code: 2, message: 3 },
        { regexp: '^\\s*-->\\s+(.+?):(\\d+):(\\d+)$', file: 1, line: 2, column: 3 }
      ]
    }
  ]
};

export async function writeProblemMatcher(dir: string): Promise<string> {
  const file = path.join(dir, 'rustc-problem-matcher.json');
  await writeFile(file, JSON.stringify(RUSTC_PROBLEM_MATCHER, null, 2));
  return file;
}

const LOCATION_LINE = /^(\s*-->\s+)(.+?)(:\d+:\d+)$/;
/** SGR colour sequences (`ESC [ ... m`), which a coloured rustc puts around ` --> `. */
// eslint-disable-next-line no-control-regex
const ANSI_COLOUR = /\u001b\[[0-9;]*m/g;

/**
 * rustc prints locations relative to the cargo workspace root, but annotations need paths
 * relative to the checkout (the job's working directory). For a crate in a subdirectory,
 * ` --> src/main.rs:4:20` becomes ` --> crates/cli/src/main.rs:4:20`. A coloured location line
 * (CARGO_TERM_COLOR=always, `--color always`) is rebased without its colours. Lines that are not
 * locations, absolute paths and paths outside the checkout are left alone.
 */
export function rebaseRustcLocation(
  line: string,
  workspaceRoot: string,
  checkoutRoot: string
): string {
  const match = LOCATION_LINE.exec(line.replace(ANSI_COLOUR, ''));
  if (!match || path.isAbsolute(match[2])) return line;
  const relative = path.relative(checkoutRoot, path.resolve(workspaceRoot, match[2]));
  if (relative.startsWith('..') || path.isAbsolute(relative)) return line;
  return `${match[1]}${relative.split(path.sep).join('/')}${match[3]}`;
}
