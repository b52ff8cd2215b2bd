/**
 * The fuse stage's stamp: a warm run whose per-arch executables did not change copies the last
 * .com instead of running apelink again; a relinked executable (new size or mtime) fuses anew.
 * Real per-arch ELFs (gcc and the aarch64 cross gcc) and the stand-in cosmocc's apelink.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fuseBins } from '../../src/ape/fuse.js';
import { cosmoccTools } from '../../src/cosmocc/tools.js';
import { planArches } from '../../src/plan.js';
import { MemoryHost } from '../helpers/memory-host.js';
import { makeStandinCosmocc, TOOLS } from '../helpers/standin-cosmocc.mjs';

const root = mkdtempSync(path.join(tmpdir(), 'fuse-reuse-'));
const plan = planArches(['x86_64', 'aarch64'], {
  workDir: path.join(root, 'work'),
  targetDirectory: path.join(root, 'target'),
  profile: 'release'
});

function compile(arch: 'x86_64' | 'aarch64', file: string, message: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const source = `${file}.c`;
  writeFileSync(source, `#include <stdio.h>\nint main(void) { puts("${message}"); return 0; }\n`);
  const result = spawnSync(TOOLS[arch].cc, ['-static', '-O1', '-o', file, source], {
    encoding: 'utf8'
  });
  expect(result.stderr).toBe('');
}

async function fuse(host: MemoryHost, outputDir: string) {
  const tools = cosmoccTools(path.join(root, 'cosmocc'));
  const reuse = { dir: path.join(root, 'work', 'ape'), log: host };
  return fuseBins({ bins: ['hello'], plan, tools, outputDir, reuse });
}

describe('fuseBins with a stamp', () => {
  beforeAll(() => {
    makeStandinCosmocc(path.join(root, 'cosmocc'));
    for (const entry of plan) compile(entry.arch, entry.binary('hello'), 'one');
  }, 300_000);

  it('fuses on the first run, copies the kept .com while nothing changed, fuses again after a relink', async () => {
    const first = new MemoryHost();
    const [cold] = await fuse(first, path.join(root, 'out1'));
    expect(first.lines.join('\n')).toMatch(
      /hello\.com: stamp miss \(no stamp from an earlier run\); running apelink/
    );

    const second = new MemoryHost();
    const [warm] = await fuse(second, path.join(root, 'out2'));
    expect(second.lines.join('\n')).toMatch(/hello\.com: stamp hit \(.*unchanged\); reused/);
    expect(readFileSync(warm.path)).toEqual(readFileSync(cold.path));
    expect({ ...warm, path: '' }).toEqual({ ...cold, path: '' });

    const x86 = plan[0].binary('hello');
    compile('x86_64', x86, 'two, a longer message');
    utimesSync(x86, new Date(), new Date(Date.now() + 5000));
    const third = new MemoryHost();
    const [relinked] = await fuse(third, path.join(root, 'out3'));
    expect(third.lines.join('\n')).toMatch(
      /hello\.com: stamp miss \(changed: x86_64\); running apelink/
    );
    expect(relinked.sha256).not.toBe(cold.sha256);
  }, 120_000);
});
