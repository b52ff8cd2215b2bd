/** The action's main step: inputs → pipeline → outputs, failing the step with one clear message. */
import * as core from '@actions/core';
import { createActionsHost } from './actions-host.js';
import { describeFailure } from './failure.js';
import { parseInputs } from './inputs.js';
import { runBuild, runSetup } from './pipeline.js';

export async function run(): Promise<void> {
  const host = createActionsHost();
  try {
    const config = parseInputs(name => core.getInput(name));
    const options = { host, annotations: true };
    if (config.mode === 'setup') await runSetup(config, options);
    else await runBuild(config, options);
  } catch (err) {
    core.setFailed(describeFailure(err, host));
  }
}

await run();
