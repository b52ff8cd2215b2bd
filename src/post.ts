/**
 * The action's post step: saves the caches the main step restored for it, after the build, so
 * they hold its output. A cache problem is a warning: it must never fail a build that succeeded.
 */
import * as core from '@actions/core';
import { actionsLog, actionsRunnerFiles } from './actions-surroundings.js';
import { Caches } from './cache/service.js';
import { errorMessage } from './errors.js';

export async function runPost(): Promise<void> {
  try {
    const reporter = { log: actionsLog(), runner: actionsRunnerFiles(undefined) };
    // each recorded entry carries the `cache` input the main step saw
    await new Caches(reporter, { enabled: true }).saveRecorded();
  } catch (err) {
    core.warning(`Saving caches failed; the next run starts colder: ${errorMessage(err)}`);
  }
}
