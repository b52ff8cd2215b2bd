import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEarly } from '../../src/early.js';
import { codeHash, contentHash, reuseOrRedo, stampFileFor } from '../../src/stamp.js';
import { MemoryHost } from '../helpers/memory-host.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ape-stamp-reuse-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('reuseOrRedo', () => {
  /** Work that writes `out` with `text` and counts its runs. */
  function stamped(dir: string, log: MemoryHost, inputs: Record<string, string>, runs: number[]) {
    const out = path.join(dir, 'out.txt');
    return reuseOrRedo({
      what: 'thing',
      doing: 'making it',
      stampFile: stampFileFor(out),
      inputs,
      log,
      brokenReason: async (result: { text: string }) => {
        try {
          return readFileSync(out, 'utf8') === result.text ? undefined : `${out} was changed`;
        } catch {
          return `${out} is gone`;
        }
      },
      work: async () => {
        runs.push(runs.length);
        const text = `made from ${inputs.a}`;
        writeFileSync(out, text);
        return { text };
      }
    });
  }

  it('does the work once while nothing changed, and says which stamp hit or missed and why', async () => {
    const dir = tempDir();
    const log = new MemoryHost();
    const runs: number[] = [];
    expect(await stamped(dir, log, { a: '1', b: '2' }, runs)).toEqual({ text: 'made from 1' });
    expect(log.lines.at(-1)).toBe('thing: stamp miss (no stamp from an earlier run); making it');
    expect(await stamped(dir, log, { a: '1', b: '2' }, runs)).toEqual({ text: 'made from 1' });
    expect(log.lines.at(-1)).toBe('thing: stamp hit (a, b unchanged); reused');
    expect(runs).toHaveLength(1);

    expect(await stamped(dir, log, { a: '3', b: '2' }, runs)).toEqual({ text: 'made from 3' });
    expect(log.lines.at(-1)).toBe('thing: stamp miss (changed: a); making it');
    expect(runs).toHaveLength(2);
  });

  it('redoes the work when its output was changed or removed, inputs unchanged', async () => {
    const dir = tempDir();
    const log = new MemoryHost();
    const runs: number[] = [];
    await stamped(dir, log, { a: '1' }, runs);
    writeFileSync(path.join(dir, 'out.txt'), 'edited by hand');
    await stamped(dir, log, { a: '1' }, runs);
    expect(log.lines.at(-1)).toMatch(/^thing: stamp miss \(.*out\.txt was changed\); making it$/);
    expect(runs).toHaveLength(2);
    rmSync(path.join(dir, 'out.txt'));
    await stamped(dir, log, { a: '1' }, runs);
    expect(log.lines.at(-1)).toMatch(/out\.txt is gone\); making it$/);
    expect(runs).toHaveLength(3);
  });

  it('hands the stored result to onHit on a hit only (to repeat what the work warned about)', async () => {
    const dir = tempDir();
    const log = new MemoryHost();
    const hits: string[] = [];
    const run = () =>
      reuseOrRedo({
        what: 'layer',
        doing: 'generating',
        stampFile: path.join(dir, 'stamp.json'),
        inputs: { a: '1' },
        log,
        onHit: (result: { warning: string }) => hits.push(result.warning),
        work: async () => ({ warning: 'libc is patched by you' })
      });
    await run();
    expect(hits).toEqual([]);
    await run();
    expect(hits).toEqual(['libc is patched by you']);
  });

  it('keeps stamps in a stamps/ folder next to the file they describe', () => {
    expect(stampFileFor('/w/x86_64-unknown-linux-cosmo.json')).toBe(
      '/w/stamps/x86_64-unknown-linux-cosmo.json.json'
    );
  });

  it('hashes the code a module was loaded from', async () => {
    const file = path.join(tempDir(), 'module.js');
    writeFileSync(file, 'export {};\n');
    expect(await codeHash(pathToFileURL(file).href)).toBe(contentHash('export {};\n'));
  });
});

describe('startEarly', () => {
  it('holds the log lines back until the result is taken, then writes them in order', async () => {
    const log = new MemoryHost();
    const early = startEarly(log, async held => {
      held.info('first');
      held.warning('second');
      return 42;
    });
    await new Promise(resolve => setImmediate(resolve));
    log.info('a stage in between');
    expect(await early.result(log)).toBe(42);
    expect(log.lines).toEqual(['a stage in between', 'first', 'warning: second']);
  });

  it('writes what was logged before a failure, then throws it', async () => {
    const log = new MemoryHost();
    const early = startEarly(log, async held => {
      held.info('tried');
      throw new Error('rustc refused');
    });
    await expect(early.result(log)).rejects.toThrow('rustc refused');
    expect(log.lines).toEqual(['tried']);
  });
});
