/**
 * Downloads the cosmocc zip from an ordered list of sources and verifies its SHA-256 while the
 * bytes stream to disk, so nothing unverified is ever extracted, cached or put on PATH.
 *
 * Pure core: the retry decision, the backoff schedule and the wording of failures. Effectful
 * edge: one HTTP attempt (through @actions/http-client, which honours the runner's proxy
 * settings) and the loop over sources and attempts.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { HttpClient } from '@actions/http-client';
import { ActionError, errorMessage } from '../errors.js';
import { formatBytes, formatSeconds } from '../format.js';
import type { Log } from '../log.js';
import { createProgress } from '../progress.js';

export interface RetryPolicy {
  /** Attempts per URL, the first one included. */
  attempts: number;
  /** Delay before the second attempt; it doubles for each later one. */
  baseDelayMs: number;
}

/** Three tries per source, waiting 2 s then 4 s: rides out a flaky CDN without stalling a job. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 2000 };

/** No single wait longer than this, whatever the policy says. */
const MAX_DELAY_MS = 30_000;

/** A connection that sends nothing for this long is treated as dropped (and retried). */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/** What went wrong with one attempt on one URL. */
export type AttemptFailure =
  | { kind: 'http'; status: number }
  | { kind: 'truncated'; received: number; expected: number }
  | { kind: 'network'; message: string };

/** Everything that happened to one source, in order. */
export interface SourceReport {
  url: string;
  failures: AttemptFailure[];
}

export interface VerifiedDownload {
  file: string;
  url: string;
  sha256: string;
  bytes: number;
}

export interface DownloadOptions {
  log: Log;
  retry?: RetryPolicy;
  idleTimeoutMs?: number;
  /** Waits between attempts; tests may pass their own. */
  sleep?: (ms: number) => Promise<void>;
  /** Longest quiet time between two progress lines in the log (default 5 s). */
  progressIntervalMs?: number;
}

/**
 * Waits before attempt 2, 3, ... of one URL: base, 2*base, 4*base, capped at 30 s.
 * `attempts` counts the first attempt, so the schedule has `attempts - 1` entries.
 */
export function backoffSchedule(policy: RetryPolicy): number[] {
  const waits: number[] = [];
  for (let retry = 0; retry < policy.attempts - 1; retry++) {
    waits.push(Math.min(policy.baseDelayMs * 2 ** retry, MAX_DELAY_MS));
  }
  return waits;
}

/**
 * Transient failures are worth another try on the same URL: server errors, timeouts, rate
 * limits, dropped connections and cut-off bodies. Any other 4xx (404, 403, ...) will not change
 * by asking again, so the next source is tried at once.
 */
export function isTransient(failure: AttemptFailure): boolean {
  if (failure.kind !== 'http') return true;
  return failure.status >= 500 || failure.status === 408 || failure.status === 429;
}

export function describeAttemptFailure(failure: AttemptFailure): string {
  switch (failure.kind) {
    case 'http': {
      const text = STATUS_CODES[failure.status];
      return text ? `HTTP ${failure.status} ${text}` : `HTTP ${failure.status}`;
    }
    case 'truncated':
      return `body cut off after ${failure.received} of ${failure.expected} bytes`;
    case 'network':
      return `network error: ${failure.message}`;
  }
}

/** One line per source: every attempt and its outcome, and why it stopped there. */
export function describeSourceReport(report: SourceReport): string {
  const outcomes = report.failures.map(
    (failure, i) => `attempt ${i + 1}: ${describeAttemptFailure(failure)}`
  );
  const last = report.failures[report.failures.length - 1];
  const note =
    last !== undefined && !isTransient(last) ? ' (not retried: a 4xx does not heal)' : '';
  return `- ${report.url}: ${outcomes.join('; ')}${note}`;
}

export function formatDownloadFailure(version: string, reports: SourceReport[]): string {
  return [
    `Could not download cosmocc ${version} from any of its ${reports.length} source(s):`,
    ...reports.map(describeSourceReport),
    'Check the runner can reach these hosts (HTTPS_PROXY and NO_PROXY are honoured), point ' +
      'cosmocc-url at a reachable copy of the same zip, or unpack cosmocc yourself and set cosmocc-dir.'
  ].join('\n');
}

export function formatChecksumMismatch(
  version: string,
  url: string,
  expected: string,
  actual: string
): string {
  return [
    `Checksum mismatch for cosmocc ${version} downloaded from ${url}:`,
    `  expected SHA-256 ${expected}`,
    `  actual   SHA-256 ${actual}`,
    'The file was deleted; nothing was extracted, cached or put on PATH. If you set ' +
      'cosmocc-sha256 or cosmocc-url, check that both describe the same zip; otherwise the source ' +
      'served different bytes than the published release.'
  ].join('\n');
}

/** Thrown by one attempt; carries the classified failure. */
class AttemptError extends Error {
  constructor(readonly failure: AttemptFailure) {
    super(describeAttemptFailure(failure));
  }
}

/**
 * Tries each URL in order (with retries for transient failures) until one delivers the whole
 * body, then checks its digest. Returns the verified file at `dest`; on any failure `dest` is
 * removed and an ActionError says what happened to every source.
 */
export async function downloadVerified(
  version: string,
  urls: string[],
  expectedSha256: string,
  dest: string,
  options: DownloadOptions
): Promise<VerifiedDownload> {
  const waits = backoffSchedule(options.retry ?? DEFAULT_RETRY);
  const reports: SourceReport[] = [];
  for (const url of urls) {
    const report: SourceReport = { url, failures: [] };
    reports.push(report);
    for (let attempt = 0; attempt <= waits.length; attempt++) {
      const got = await attemptOnce(url, attempt, dest, options, report);
      if (got !== undefined) return checkDigest(version, got, expectedSha256, dest, options.log);
      const last = report.failures[report.failures.length - 1];
      if (!isTransient(last) || attempt === waits.length) break;
      options.log.info(`  retrying in ${formatSeconds(waits[attempt])}`);
      await (options.sleep ?? defaultSleep)(waits[attempt]);
    }
  }
  throw new ActionError(formatDownloadFailure(version, reports));
}

/** One GET of one URL; a failure another try might fix is recorded in `report`. */
async function attemptOnce(
  url: string,
  attempt: number,
  dest: string,
  options: DownloadOptions,
  report: SourceReport
): Promise<{ url: string; sha256: string; bytes: number; ms: number } | undefined> {
  options.log.info(`Downloading ${url}${attempt > 0 ? ` (attempt ${attempt + 1})` : ''}`);
  const started = Date.now();
  try {
    const got = await fetchToFile(url, dest, options);
    return { url, ...got, ms: Date.now() - started };
  } catch (err) {
    await rm(dest, { force: true }); // never leave unverified bytes behind
    if (!(err instanceof AttemptError)) throw err;
    report.failures.push(err.failure);
    options.log.info(`  ${err.message}`);
    return undefined;
  }
}

async function checkDigest(
  version: string,
  got: { url: string; sha256: string; bytes: number; ms: number },
  expectedSha256: string,
  dest: string,
  log: Log
): Promise<VerifiedDownload> {
  const expected = expectedSha256.toLowerCase();
  if (got.sha256 !== expected) {
    await rm(dest, { force: true });
    throw new ActionError(formatChecksumMismatch(version, got.url, expected, got.sha256));
  }
  log.info(
    `Downloaded ${formatBytes(got.bytes)} in ${formatSeconds(got.ms)}; SHA-256 verified (${got.sha256})`
  );
  return { file: dest, url: got.url, sha256: got.sha256, bytes: got.bytes };
}

/**
 * One GET, streamed through SHA-256 into `dest`. Throws AttemptError for anything another try
 * might fix, ActionError for problems with our own disk. The file is opened before the request
 * so that the response is consumed the moment it arrives, and closed before this returns so the
 * caller's cleanup cannot race it.
 */
async function fetchToFile(
  url: string,
  dest: string,
  options: DownloadOptions
): Promise<{ sha256: string; bytes: number }> {
  const file = createWriteStream(dest, { flags: 'wx' });
  try {
    await once(file, 'open');
  } catch (err) {
    throw new ActionError(`Could not create the download file ${dest}: ${errorMessage(err)}`);
  }
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  // No client-level retries: this module decides what to retry, and it must see every failure.
  const client = new HttpClient('ape-action', undefined, {
    allowRetries: false,
    socketTimeout: idleTimeoutMs
  });
  try {
    const message = await requestOk(client, url);
    const total = parseContentLength(message.headers['content-length']);
    const progress = showProgress(options, total);
    const got = await streamBody(message, file, idleTimeoutMs, progress.update);
    progress.finish(got.bytes);
    return got;
  } finally {
    client.dispose();
    await closeQuietly(file);
  }
}

/** Closes the file and waits for it; the error that destroyed it was already handled. */
async function closeQuietly(file: WriteStream): Promise<void> {
  if (file.closed) return;
  const closed = new Promise<void>(resolve => file.once('close', () => resolve()));
  file.destroy();
  await closed;
}

async function requestOk(client: HttpClient, url: string): Promise<IncomingMessage> {
  let response;
  try {
    response = await client.get(url);
  } catch (err) {
    throw new AttemptError({ kind: 'network', message: errorMessage(err) });
  }
  const status = response.message.statusCode ?? 0;
  if (status !== 200) {
    response.message.resume(); // drain so the socket is released
    throw new AttemptError({ kind: 'http', status });
  }
  return response.message;
}

/**
 * Where the download's progress goes: a live line where the log has one (a terminal), else a
 * log line now and then (at most every ~5 s or 10 %: the Actions log keeps every line).
 */
function showProgress(
  options: DownloadOptions,
  total: number | undefined
): { update(bytes: number): void; finish(bytes: number): void } {
  const { log } = options;
  const progress = createProgress({ total, now: Date.now, intervalMs: options.progressIntervalMs });
  return {
    update: bytes => {
      const line = progress.update(bytes);
      if (log.liveProgress) log.liveProgress(progress.snapshot());
      else if (line !== undefined) log.info(line);
    },
    finish: bytes => {
      log.liveProgress?.(undefined);
      log.info(progress.finish(bytes));
    }
  };
}

/** Hashes and counts while writing; a body shorter than its Content-Length is "truncated". */
async function streamBody(
  message: IncomingMessage,
  file: WriteStream,
  idleTimeoutMs: number,
  onBytes: (received: number) => void
): Promise<{ sha256: string; bytes: number }> {
  const expected = parseContentLength(message.headers['content-length']);
  const hash = createHash('sha256');
  const idle = watchIdle(message, idleTimeoutMs);
  let received = 0;
  try {
    await pipeline(
      message,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          idle.rearm();
          hash.update(chunk);
          received += chunk.length;
          onBytes(received);
          yield chunk;
        }
      },
      file
    );
  } catch (err) {
    throw classifyStreamError(err, {
      path: String(file.path),
      stalled: idle.fired(),
      received,
      expected,
      idleTimeoutMs
    });
  } finally {
    idle.stop();
  }
  if (expected !== undefined && received !== expected) {
    throw new AttemptError({ kind: 'truncated', received, expected });
  }
  return { sha256: hash.digest('hex'), bytes: received };
}

/** Destroys `message` when no data arrives for `ms`; `fired` tells the error handler why. */
function watchIdle(message: IncomingMessage, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  let stalled = false;
  const rearm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      message.destroy();
    }, ms);
  };
  rearm();
  return { rearm, fired: () => stalled, stop: () => clearTimeout(timer) };
}

function classifyStreamError(
  err: unknown,
  at: { path: string; stalled: boolean; received: number; expected?: number; idleTimeoutMs: number }
): Error {
  const { received, expected } = at;
  if (isLocalDiskError(err)) {
    return new ActionError(`Could not write the download to ${at.path}: ${errorMessage(err)}`);
  }
  if (at.stalled) {
    const of = expected === undefined ? '' : ` of ${expected}`;
    const message = `no data for ${formatSeconds(at.idleTimeoutMs)} after ${received}${of} bytes`;
    return new AttemptError({ kind: 'network', message });
  }
  if (expected !== undefined && received < expected) {
    return new AttemptError({ kind: 'truncated', received, expected });
  }
  return new AttemptError({
    kind: 'network',
    message: `${errorMessage(err)} after ${received} bytes`
  });
}

/** Errors of our own disk: no other source or retry will fix these, so they end the download. */
function isLocalDiskError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && ['ENOSPC', 'EDQUOT', 'EACCES', 'EROFS'].includes(code);
}

function parseContentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
