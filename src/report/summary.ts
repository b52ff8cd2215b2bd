/** Job-summary markdown. Pure: data in, markdown out, so the exact table is unit-tested. */
import { formatBytes } from '../format.js';

export interface BuiltApe {
  bin: string;
  path: string;
  size: number;
  arches: string[];
  sha256: string;
}

export interface BuildReport {
  apes: BuiltApe[];
  rustc: string;
  cosmoccVersion: string;
  cosmoccLine: string;
  /** Seconds per stage, in the order the stages ran. */
  stages: Array<{ name: string; seconds: number }>;
}

export function renderBuildSummary(report: BuildReport): string {
  const rows = report.apes.map(
    ape =>
      `| \`${ape.bin}.com\` | ${formatBytes(ape.size)} | ${ape.arches.join(', ')} | \`${ape.sha256}\` |`
  );
  const stages = report.stages.map(s => `${s.name} ${s.seconds.toFixed(1)} s`).join(' · ');
  return [
    '### Actually Portable Executables',
    '',
    '| bin | size | arches | sha256 |',
    '|---|---|---|---|',
    ...rows,
    '',
    `rustc: \`${report.rustc}\` · cosmocc: ${report.cosmoccVersion}`,
    '',
    report.cosmoccLine,
    '',
    `Stages: ${stages}`,
    ''
  ].join('\n');
}

export function renderSetupSummary(cosmoccLine: string): string {
  return ['### cosmocc', '', cosmoccLine, ''].join('\n');
}
