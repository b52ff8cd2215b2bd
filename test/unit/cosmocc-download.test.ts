import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_RETRY,
  backoffSchedule,
  describeAttemptFailure,
  formatChecksumMismatch,
  formatDownloadFailure,
  isTransient
} from '../../src/cosmocc/download.js';

describe('backoffSchedule', () => {
  it('waits 2 s then 4 s by default (three attempts)', () => {
    expect(DEFAULT_RETRY).toEqual({ attempts: 3, baseDelayMs: 2000 });
    expect(backoffSchedule(DEFAULT_RETRY)).toEqual([2000, 4000]);
  });

  it('doubles each time and caps a single wait at 30 s', () => {
    expect(backoffSchedule({ attempts: 6, baseDelayMs: 5000 })).toEqual([
      5000, 10000, 20000, 30000, 30000
    ]);
  });

  it('has no waits for a single attempt', () => {
    expect(backoffSchedule({ attempts: 1, baseDelayMs: 2000 })).toEqual([]);
  });
});

describe('isTransient', () => {
  it.each([500, 502, 503, 504, 408, 429])('retries HTTP %i', status => {
    expect(isTransient({ kind: 'http', status })).toBe(true);
  });

  it.each([400, 401, 403, 404, 410])('does not retry HTTP %i', status => {
    expect(isTransient({ kind: 'http', status })).toBe(false);
  });

  it('retries cut-off bodies and network errors', () => {
    expect(isTransient({ kind: 'truncated', received: 1, expected: 2 })).toBe(true);
    expect(isTransient({ kind: 'network', message: 'ECONNRESET' })).toBe(true);
  });
});

describe('failure messages', () => {
  it('describes each kind of failed attempt', () => {
    expect(describeAttemptFailure({ kind: 'http', status: 404 })).toBe('HTTP 404 Not Found');
    expect(describeAttemptFailure({ kind: 'http', status: 599 })).toBe('HTTP 599');
    expect(describeAttemptFailure({ kind: 'truncated', received: 10, expected: 100 })).toBe(
      'body cut off after 10 of 100 bytes'
    );
    expect(describeAttemptFailure({ kind: 'network', message: 'connect ECONNREFUSED' })).toBe(
      'network error: connect ECONNREFUSED'
    );
  });

  it('lists every URL tried with every attempt, and what to do', () => {
    const message = formatDownloadFailure('4.0.2', [
      { url: 'https://a.example/c.zip', failures: [{ kind: 'http', status: 404 }] },
      {
        url: 'https://b.example/c.zip',
        failures: [
          { kind: 'http', status: 503 },
          { kind: 'truncated', received: 5, expected: 9 },
          { kind: 'network', message: 'socket hang up' }
        ]
      }
    ]);
    expect(message.split('\n')).toEqual([
      'Could not download cosmocc 4.0.2 from any of its 2 source(s):',
      '- https://a.example/c.zip: attempt 1: HTTP 404 Not Found (not retried: a 4xx does not heal)',
      '- https://b.example/c.zip: attempt 1: HTTP 503 Service Unavailable; attempt 2: body cut off after 5 of 9 bytes; attempt 3: network error: socket hang up',
      expect.stringMatching(/cosmocc-url .*cosmocc-dir/)
    ]);
  });

  it('puts both digests and the URL in a checksum mismatch', () => {
    const message = formatChecksumMismatch(
      '4.0.2',
      'https://a.example/c.zip',
      'aa'.repeat(32),
      'bb'.repeat(32)
    );
    expect(message).toContain('https://a.example/c.zip');
    expect(message).toContain(`expected SHA-256 ${'aa'.repeat(32)}`);
    expect(message).toContain(`actual   SHA-256 ${'bb'.repeat(32)}`);
  });
});
