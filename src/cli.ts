/**
 * The local command: the same pipeline as the action, outside GitHub Actions, so a CI build can be
 * reproduced on a laptop. Flags mirror the action's inputs one to one (`--cosmocc-version 4.0.2`).
 *
 *   node dist/cli.js build [--manifest-path crate/Cargo.toml] [--arch x86_64] ...
 *   node dist/cli.js setup [--cosmocc-version 4.0.2]
 *   node dist/cli.js inspect FILE [--json]
 */
import { parseArgs } from 'node:util';
import { processRunnerEnv } from './runner-env.js';
import { formatApeReport, inspectApeFile } from './ape/inspect.js';
import { NO_CACHE_STORE } from './cache/safe-cache.js';
import { cliLog, CliRunnerFiles } from './cli-surroundings.js';
import { describeFailure } from './failure.js';
import { INPUT_DEFAULTS, INPUT_NAMES, parseInputs, type InputName } from './inputs.js';
import { runBuild, runSetup, type Surroundings } from './pipeline.js';

const COMMANDS = ['build', 'setup', 'inspect'] as const;

export function helpText(): string {
  const width = Math.max(...INPUT_NAMES.map(n => n.length)) + 4;
  const inputs = INPUT_NAMES.filter(n => n !== 'mode').map(
    name =>
      `  --${name.padEnd(width)}${INPUT_DEFAULTS[name] ? `default: ${INPUT_DEFAULTS[name]}` : ''}`
  );
  return [
    'Usage: node dist/cli.js <command> [flags]',
    '',
    'Commands:',
    '  build              build the crate into one .com per bin (like the action with mode: build)',
    '  setup              install cosmocc only and print where (like mode: setup)',
    '  inspect FILE       describe an APE file without running it (--json for machine output)',
    '',
    'Flags (the action inputs of the same names; see the README for each):',
    ...inputs,
    '',
    'Other flags:',
    '  --verbose          debug output (also makes the linker wrappers print their argv)',
    '  --summary-file F   append the job-summary markdown to F',
    '  --json             with inspect: print the report as JSON',
    '  --help             this text',
    '',
    'Outside GitHub Actions, cosmocc is kept in $RUNNER_TOOL_CACHE (default: ~/.cache/ape-action/tool-cache)',
    'and the cross-run Actions cache is not used.'
  ].join('\n');
}

type ParsedFlags = Record<string, string | boolean | undefined>;

function parseFlags(argv: string[]): { positionals: string[]; flags: ParsedFlags } {
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    verbose: { type: 'boolean' },
    help: { type: 'boolean' },
    json: { type: 'boolean' },
    'summary-file': { type: 'string' }
  };
  for (const name of INPUT_NAMES) if (name !== 'mode') options[name] = { type: 'string' };
  const { values, positionals } = parseArgs({
    args: argv,
    options,
    allowPositionals: true,
    strict: true
  });
  return { positionals, flags: values as ParsedFlags };
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (err) {
    console.error(`error: ${(err as Error).message}\n\n${helpText()}`);
    return 2;
  }
  const { positionals, flags } = parsed;
  const command = positionals[0];
  if (flags.help || command === undefined) {
    console.log(helpText());
    return flags.help ? 0 : 2;
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    console.error(
      `error: unknown command '${command}'; use one of ${COMMANDS.join(', ')}\n\n${helpText()}`
    );
    return 2;
  }
  const log = cliLog(flags.verbose === true);
  const runner = new CliRunnerFiles(flags['summary-file'] as string | undefined);
  try {
    if (command === 'inspect') return await inspect(positionals[1], flags.json === true);
    const config = parseInputs(name =>
      name === 'mode' ? command : (flags[name as InputName] as string | undefined)
    );
    // the local command never uses the Actions cache (see helpText), so it never loads it
    const env = processRunnerEnv();
    const ctx: Surroundings = { log, runner, env, annotations: false, cacheStore: NO_CACHE_STORE };
    if (config.mode === 'setup') await runSetup(config, ctx);
    else await runBuild(config, ctx);
    for (const [name, value] of runner.outputs) console.log(`${name}=${value}`);
    return 0;
  } catch (err) {
    log.error(describeFailure(err, log));
    return 1;
  }
}

async function inspect(file: string | undefined, json: boolean): Promise<number> {
  if (!file) {
    console.error('error: inspect needs a file: node dist/cli.js inspect FILE [--json]');
    return 2;
  }
  const report = await inspectApeFile(file);
  console.log(json ? JSON.stringify(report, null, 2) : formatApeReport(report, file));
  return report.isApe ? 0 : 1;
}
