/**
 * Progress of the big download, from a real HTTP server on 127.0.0.1 that sends its body slowly:
 * a line now and then in the Actions log (never one per chunk), a live line in a terminal.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { downloadVerified } from '../../src/cosmocc/download.js';
import type { ProgressSnapshot } from '../../src/progress.js';
import { startScriptedServer, type ScriptedServer } from '../helpers/http-server.js';
import { MemoryHost } from '../helpers/memory-host.js';

const BODY = randomBytes(3 * 1024 * 1024);
const SHA = createHash('sha256').update(BODY).digest('hex');
let server: ScriptedServer | undefined;
let dir: string | undefined;

afterEach(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  server = undefined;
});

async function download(chunked: boolean, log: MemoryHost) {
  server = await startScriptedServer({
    '/cosmocc.zip': [{ kind: 'slow', body: BODY, chunks: 40, delayMs: 25, chunked }]
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'ape-progress-'));
  const dest = path.join(dir, 'cosmocc.zip');
  const started = Date.now();
  await downloadVerified('4.0.2', [server.url('/cosmocc.zip')], SHA, dest, {
    log,
    progressIntervalMs: 300
  });
  return Date.now() - started;
}

const progressLines = (log: MemoryHost) => log.lines.filter(line => line.startsWith('cosmocc: '));

describe('download progress', () => {
  it('logs percent, MiB, rate and time left every 10 % or interval, and a closing line', async () => {
    const log = new MemoryHost();
    const ms = await download(false, log);
    const lines = progressLines(log);
    const during = lines.slice(0, -1);
    expect(during.length).toBeGreaterThanOrEqual(3);
    // 40 chunks, yet at most one line per 10 % step plus one per interval
    expect(during.length).toBeLessThanOrEqual(9 + Math.ceil(ms / 300));
    for (const line of during) {
      expect(line).toMatch(/^cosmocc: \d+% \(\d+\.\d\/3\.0 MiB\) at \d+\.\d MiB\/s, .+ left$/);
    }
    const percents = during.map(line => Number(/(\d+)%/.exec(line)?.[1]));
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    expect(lines.at(-1)).toMatch(/^cosmocc: 3\.0 MiB in \d+ s/);
    expect(log.lines.join('\n')).toContain(`SHA-256 verified (${SHA})`);
  });

  it('without a Content-Length: MiB and rate, no percent', async () => {
    const log = new MemoryHost();
    await download(true, log);
    const lines = progressLines(log);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines.slice(0, -1)) {
      expect(line).toMatch(/^cosmocc: \d+\.\d MiB at \d+\.\d MiB\/s$/);
    }
  });

  it('draws a live line instead of log lines where the log has one (a terminal)', async () => {
    const log = new MemoryHost();
    const live: Array<ProgressSnapshot | undefined> = [];
    Object.assign(log, { liveProgress: (s: ProgressSnapshot | undefined) => live.push(s) });
    await download(false, log);
    expect(progressLines(log)).toHaveLength(1); // the closing line only
    expect(live.length).toBeGreaterThanOrEqual(40);
    expect(live.at(-1)).toBeUndefined(); // cleared before the closing line
    expect(live.at(-2)).toMatchObject({ bytes: BODY.length, total: BODY.length });
  });
});
