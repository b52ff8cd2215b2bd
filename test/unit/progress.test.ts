// The download progress text, driven by a fake clock: what a line says, when one is due, and
// that a flood of chunks never becomes a flood of lines.
import { cliLog } from '../../src/cli-surroundings.js';
import { describe, expect, it } from '@jest/globals';
import {
  createProgress,
  describeFinish,
  describeProgress,
  formatDuration,
  renderTtyLine
} from '../../src/progress.js';

const MIB = 1024 * 1024;
const COSMOCC_BYTES = Math.round(422.1 * MIB);

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('describeProgress', () => {
  it('shows percent, MiB done/total, rate and time left', () => {
    const line = describeProgress({
      label: 'cosmocc',
      bytes: 180.3 * MIB,
      total: 422.1 * MIB,
      elapsedMs: 5122
    });
    expect(line).toBe('cosmocc: 42% (180.3/422.1 MiB) at 35.2 MiB/s, 7 s left');
  });

  it('shows MiB and rate only without a total (no Content-Length)', () => {
    const line = describeProgress({ label: 'cosmocc', bytes: 180.3 * MIB, elapsedMs: 5122 });
    expect(line).toBe('cosmocc: 180.3 MiB at 35.2 MiB/s');
  });

  it('shows no rate before any time has passed', () => {
    const line = describeProgress({ label: 'x', bytes: MIB, total: 4 * MIB, elapsedMs: 0 });
    expect(line).toBe('x: 25% (1.0/4.0 MiB)');
  });

  it('caps at 100% when the server sends more than it announced', () => {
    const line = describeProgress({ label: 'x', bytes: 5 * MIB, total: 4 * MIB, elapsedMs: 1000 });
    expect(line).toBe('x: 100% (5.0/4.0 MiB) at 5.0 MiB/s, 0 s left');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [7.4, '7 s'],
    [59.6, '1 min 0 s'],
    [125, '2 min 5 s'],
    [3780, '1 h 3 min'],
    [-3, '0 s']
  ])('%p s reads %p', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('describeFinish', () => {
  it('gives size, time and average rate', () => {
    expect(
      describeFinish({ label: 'cosmocc', bytes: 422.1 * MIB, total: 422.1 * MIB, elapsedMs: 12000 })
    ).toBe('cosmocc: 422.1 MiB in 12 s (35.2 MiB/s)');
  });
});

describe('createProgress', () => {
  it('logs nothing until the interval passes or a step is crossed', () => {
    const clock = fakeClock();
    const progress = createProgress({ total: 100 * MIB, now: clock.now });
    clock.advance(1000);
    expect(progress.update(5 * MIB)).toBeUndefined();
    clock.advance(3999);
    expect(progress.update(9 * MIB)).toBeUndefined();
    clock.advance(1);
    expect(progress.update(9.5 * MIB)).toBe('cosmocc: 9% (9.5/100.0 MiB) at 1.9 MiB/s, 48 s left');
  });

  it('logs when the download crosses the next step, once per step', () => {
    const clock = fakeClock();
    const progress = createProgress({ total: 100 * MIB, now: clock.now });
    clock.advance(100);
    expect(progress.update(10 * MIB)).toMatch(/^cosmocc: 10% /);
    clock.advance(100);
    expect(progress.update(15 * MIB)).toBeUndefined();
    clock.advance(100);
    // A jump over several steps is one line, not one per step.
    expect(progress.update(45 * MIB)).toMatch(/^cosmocc: 45% /);
    expect(progress.update(49 * MIB)).toBeUndefined();
  });

  it('logs a line per interval without a total', () => {
    const clock = fakeClock();
    const progress = createProgress({ now: clock.now, intervalMs: 2000 });
    const lines: string[] = [];
    for (let second = 1; second <= 10; second++) {
      clock.advance(1000);
      const line = progress.update(second * MIB);
      if (line) lines.push(line);
    }
    expect(lines).toEqual([
      'cosmocc: 2.0 MiB at 1.0 MiB/s',
      'cosmocc: 4.0 MiB at 1.0 MiB/s',
      'cosmocc: 6.0 MiB at 1.0 MiB/s',
      'cosmocc: 8.0 MiB at 1.0 MiB/s',
      'cosmocc: 10.0 MiB at 1.0 MiB/s'
    ]);
  });

  it('turns 10,000 tiny chunks of a fast download into one line per step', () => {
    const clock = fakeClock();
    const progress = createProgress({ total: COSMOCC_BYTES, now: clock.now });
    const chunk = COSMOCC_BYTES / 10_000;
    const lines: string[] = [];
    for (let i = 1; i <= 10_000; i++) {
      clock.advance(1); // 10 s in all: no interval line is ever due
      const line = progress.update(Math.round(i * chunk));
      if (line) lines.push(line);
    }
    expect(lines.map(line => /: (\d+)%/.exec(line)?.[1])).toEqual([
      '10',
      '20',
      '30',
      '40',
      '50',
      '60',
      '70',
      '80',
      '90'
    ]);
    expect(progress.finish()).toBe('cosmocc: 422.1 MiB in 10 s (42.2 MiB/s)');
  });

  it('turns 10,000 tiny chunks of a slow download into one line per interval', () => {
    const clock = fakeClock();
    const total = 1000 * MIB;
    const progress = createProgress({ total, now: clock.now, intervalMs: 5000 });
    let lines = 0;
    for (let i = 1; i <= 10_000; i++) {
      clock.advance(10); // 100 s for 10 % of the file
      if (progress.update(i * 10 * 1024)) lines += 1;
    }
    expect(lines).toBe(100_000 / 5000);
  });

  it('closes with the last count, or the one given to finish', () => {
    const clock = fakeClock();
    const progress = createProgress({ total: 8 * MIB, now: clock.now, label: 'zip' });
    clock.advance(2000);
    progress.update(6 * MIB);
    expect(progress.finish()).toBe('zip: 6.0 MiB in 2 s (3.0 MiB/s)');
    expect(progress.finish(8 * MIB)).toBe('zip: 8.0 MiB in 2 s (4.0 MiB/s)');
  });

  it('treats a zero total as unknown', () => {
    const clock = fakeClock();
    const progress = createProgress({ total: 0, now: clock.now });
    clock.advance(5000);
    expect(progress.update(MIB)).toBe('cosmocc: 1.0 MiB at 0.2 MiB/s');
  });
});

describe('renderTtyLine', () => {
  const snapshot = { label: 'cosmocc', bytes: 211.05 * MIB, total: 422.1 * MIB, elapsedMs: 6000 };

  it('redraws in place with a bar and erases the rest of the old line', () => {
    expect(renderTtyLine(snapshot, 200)).toBe(
      '\rcosmocc: [##########..........] 50% (211.1/422.1 MiB) at 35.2 MiB/s, 6 s left\x1b[K'
    );
  });

  it('stays one column short of the terminal width so it never wraps', () => {
    const line = renderTtyLine(snapshot, 30);
    expect(line.startsWith('\r')).toBe(true);
    expect(line.endsWith('\x1b[K')).toBe(true);
    expect(line.length - '\r'.length - '\x1b[K'.length).toBe(29);
  });

  it('has no bar without a total', () => {
    expect(renderTtyLine({ ...snapshot, total: undefined })).toBe(
      '\rcosmocc: 211.1 MiB at 35.2 MiB/s\x1b[K'
    );
  });
});

describe('the local command in a terminal', () => {
  it('redraws one live line and erases it; no live line when stderr is not a terminal', () => {
    const written: string[] = [];
    const terminal = { isTTY: true, columns: 100, write: (text: string) => written.push(text) };
    const log = cliLog(false, terminal as unknown as NodeJS.WriteStream);
    log.liveProgress?.({
      label: 'cosmocc',
      bytes: 5 * 1024 * 1024,
      total: 10 * 1024 * 1024,
      elapsedMs: 1000
    });
    log.liveProgress?.(undefined);
    expect(written[0]).toMatch(
      /^\rcosmocc: \[#{10}\.{10}\] 50% \(5\.0\/10\.0 MiB\) at 5\.0 MiB\/s/
    );
    expect(written[1]).toBe('\r\x1b[K');
    const pipe = { isTTY: false, columns: 0, write: () => true };
    expect(cliLog(false, pipe as unknown as NodeJS.WriteStream).liveProgress).toBeUndefined();
  });
});
