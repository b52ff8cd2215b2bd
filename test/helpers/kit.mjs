/**
 * The offline test kit's tools, as tests need them: a missing tool FAILS the test with the fix
 * (never a skip), so a machine without the kit cannot pass CI by running less.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const KIT_HINT = 'run `bash scripts/install-test-kit.sh` (installs the offline test kit)';

/**
 * Where `tool` is (an absolute path is checked as is), or undefined.
 * @param {string} tool
 * @returns {string | undefined}
 */
export function findTool(tool) {
  if (tool.includes('/')) return existsSync(tool) ? tool : undefined;
  const found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/**
 * Throws, naming every missing tool and the fix, unless all of `tools` are there.
 * @param {string[]} tools
 */
export function requireTools(tools) {
  const missing = tools.filter(tool => findTool(tool) === undefined);
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: ${KIT_HINT}`);
}

/**
 * The path of one required tool.
 * @param {string} tool
 * @returns {string}
 */
export function requireTool(tool) {
  requireTools([tool]);
  return /** @type {string} */ (findTool(tool));
}
