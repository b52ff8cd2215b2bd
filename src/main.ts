/** The action's main step: inputs → pipeline → outputs, failing the step with one clear message. */
import * as core from '@actions/core';
import { actionsLog, actionsRunnerFiles } from './actions-surroundings.js';
import { processRunnerEnv } from './runner-env.js';
import { describeFailure } from './failure.js';
import { parseInputs } from './inputs.js';
import { runBuild, runSetup, type Surroundings } from './pipeline.js';

export async function run(): Promise<void> {
  const log = actionsLog();
  try {
    const config = parseInputs(name => core.getInput(name));
    const ctx: Surroundings = {
      log,
      runner: actionsRunnerFiles(process.env.GITHUB_STEP_SUMMARY),
      env: processRunnerEnv(),
      annotations: true
    };
    if (config.mode === 'setup') await runSetup(config, ctx);
    else await runBuild(config, ctx);
  } catch (err) {
    core.setFailed(describeFailure(err, log));
  }
}
