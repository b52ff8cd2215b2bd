/**
 * The action's post step: saves the caches the main step missed, after the build, so they hold
 * its output. A cache problem is a warning: it must never fail a build that succeeded.
 */
import * as core from '@actions/core';
import { createActionsHost } from './actions-host.js';
import { saveCachesFromState } from './cache/cache-state.js';
import { errorMessage } from './errors.js';

export async function runPost(): Promise<void> {
  try {
    await saveCachesFromState(createActionsHost());
  } catch (err) {
    core.warning(`Saving caches failed; the next run starts colder: ${errorMessage(err)}`);
  }
}

await runPost();
