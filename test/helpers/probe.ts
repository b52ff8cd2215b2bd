/** What examples/probe prints: one `probe: <category> pass|fail <detail>` line per category. */

/** Every category, in the order the probe runs and prints them. */
export const PROBE_CATEGORIES = [
  'fs',
  'threads',
  'sync',
  'time',
  'process',
  'errors',
  'stdio',
  'env',
  'random',
  'panic',
  'net',
  'ffi'
];
