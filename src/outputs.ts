/**
 * The action's output names, exactly as action.yml declares them (the interface test keeps the
 * two in step), and where each is set.
 */
export const OUTPUT = {
  binaries: 'binaries',
  binary: 'binary',
  sha256: 'sha256',
  checksumsFile: 'checksums-file',
  rustToolchain: 'rust-toolchain',
  cosmoccPath: 'cosmocc-path',
  cosmoccVersion: 'cosmocc-version',
  cacheHit: 'cache-hit'
} as const;

export type OutputName = (typeof OUTPUT)[keyof typeof OUTPUT];
