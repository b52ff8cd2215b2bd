// Progress of the cosmocc download (about 422 MB), as text. Pure: the caller feeds byte counts
// and a clock, and decides where the text goes (the action's log, or a terminal line).
//
// In the action's log every line stays forever, so `update` returns a line only now and then:
// when `intervalMs` has passed since the last line, or when the download crosses the next
// `stepPercent` step. A fast download thus logs about 100 / stepPercent lines and a slow one one
// line per interval, however many chunks arrive. In a terminal the same figures are redrawn in
// place (`renderTtyLine`) as often as the caller likes.

const MIB = 1024 * 1024;

export interface ProgressOptions {
  /** Expected size in bytes (Content-Length); without it no percent or time left is shown. */
  total?: number;
  /** Milliseconds from any fixed origin (Date.now, performance.now, a fake clock). */
  now: () => number;
  /** Longest quiet time between two log lines. */
  intervalMs?: number;
  /** A log line is also due each time the download crosses a multiple of this percent. */
  stepPercent?: number;
  /** What is being downloaded, the prefix of every line. */
  label?: string;
}

/** The figures of one moment of the download. */
export interface ProgressSnapshot {
  label: string;
  bytes: number;
  total?: number;
  elapsedMs: number;
}

export interface Progress {
  /** Records the bytes received so far; returns a line to log when one is due. A retried
   * download starts over from byte 0: give each attempt its own `createProgress`. */
  update(bytesSoFar: number): string | undefined;
  /** The figures as of the last update (for a live terminal line). */
  snapshot(): ProgressSnapshot;
  /** The closing line: size, time and average rate. */
  finish(bytesSoFar?: number): string;
}

export function createProgress(options: ProgressOptions): Progress {
  const { now, intervalMs = 5000, stepPercent = 10, label = 'cosmocc' } = options;
  const total = options.total !== undefined && options.total > 0 ? options.total : undefined;
  const startedAt = now();
  let bytes = 0;
  let lastLineAt = startedAt;
  let lastStep = 0;

  const snapshot = (): ProgressSnapshot => ({ label, bytes, total, elapsedMs: now() - startedAt });

  return {
    update(bytesSoFar) {
      bytes = bytesSoFar;
      const at = now();
      const step = total === undefined ? 0 : completedSteps(bytes, total, stepPercent);
      const due = at - lastLineAt >= intervalMs || step > lastStep;
      lastStep = Math.max(lastStep, step);
      if (!due) return undefined;
      lastLineAt = at;
      return describeProgress(snapshot());
    },
    snapshot,
    finish(bytesSoFar) {
      if (bytesSoFar !== undefined) bytes = bytesSoFar;
      return describeFinish(snapshot());
    }
  };
}

/**
 * How many whole steps below 100 % are done. 100 % itself is not a step: `finish` reports the
 * end, so a complete download does not log "100%" and then "done" right after it.
 */
function completedSteps(bytes: number, total: number, stepPercent: number): number {
  const lastStepBelowFull = Math.ceil(100 / stepPercent) - 1;
  return Math.min(Math.floor(percentOf(bytes, total) / stepPercent), lastStepBelowFull);
}

/** Percent done, rounded down (never "100%" before the last byte), capped at 100 when the
 * server sent more than its Content-Length promised. */
function percentOf(bytes: number, total: number): number {
  return Math.min(100, Math.floor((bytes / total) * 100));
}

/** Bytes per second so far, or undefined before any time has passed. The average over the
 * whole download rather than a recent window: steadier, and a better guess of the time left. */
function rateOf(snapshot: ProgressSnapshot): number | undefined {
  return snapshot.elapsedMs > 0 ? snapshot.bytes / (snapshot.elapsedMs / 1000) : undefined;
}

function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}

/** `7 s`, `2 min 5 s`, `1 h 3 min`: whole seconds are precise enough for a download. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The figures without the label:
 * `42% (180.3/422.1 MiB) at 35.2 MiB/s, 7 s left`, or `180.3 MiB at 35.2 MiB/s` without a total. */
function progressFigures(snapshot: ProgressSnapshot): string {
  const { bytes, total } = snapshot;
  const rate = rateOf(snapshot);
  const size =
    total === undefined
      ? `${mib(bytes)} MiB`
      : `${percentOf(bytes, total)}% (${mib(bytes)}/${mib(total)} MiB)`;
  if (rate === undefined) return size;
  const speed = `${size} at ${mib(rate)} MiB/s`;
  if (total === undefined || rate === 0) return speed;
  return `${speed}, ${formatDuration(Math.max(0, total - bytes) / rate)} left`;
}

/** One log line, e.g. `cosmocc: 42% (180.3/422.1 MiB) at 35.2 MiB/s, 7 s left`. */
export function describeProgress(snapshot: ProgressSnapshot): string {
  return `${snapshot.label}: ${progressFigures(snapshot)}`;
}

/** The closing line, e.g. `cosmocc: 422.1 MiB in 12 s (35.2 MiB/s)`. */
export function describeFinish(snapshot: ProgressSnapshot): string {
  const rate = rateOf(snapshot);
  const speed = rate === undefined ? '' : ` (${mib(rate)} MiB/s)`;
  const time = formatDuration(snapshot.elapsedMs / 1000);
  return `${snapshot.label}: ${mib(snapshot.bytes)} MiB in ${time}${speed}`;
}

const BAR_WIDTH = 20;

function bar(snapshot: ProgressSnapshot): string {
  if (snapshot.total === undefined) return '';
  const filled = Math.round((percentOf(snapshot.bytes, snapshot.total) / 100) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] `;
}

/**
 * A line that redraws itself in a terminal: carriage return, bar and figures, then "erase to the
 * end of the line" so a shorter line leaves no tail of the longer one before it. Kept one column
 * short of the terminal width, because a line that fills the last column wraps in some
 * terminals and the next `\r` then redraws only the wrapped part.
 */
export function renderTtyLine(snapshot: ProgressSnapshot, columns = 80): string {
  const text = `${snapshot.label}: ${bar(snapshot)}${progressFigures(snapshot)}`;
  return `\r${text.slice(0, Math.max(0, columns - 1))}\x1b[K`;
}
