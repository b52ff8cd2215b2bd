/** How sizes and durations are written in logs and summaries: one place, one style. */

const KIB = 1024;
const MIB = 1024 * 1024;

/** `512 B`, `3.4 KiB`, `421.96 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < KIB) return `${bytes} B`;
  if (bytes < MIB) return `${(bytes / KIB).toFixed(1)} KiB`;
  return `${(bytes / MIB).toFixed(2)} MiB`;
}

/** `2.0 s` from milliseconds. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
