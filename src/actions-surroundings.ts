/**
 * The surroundings as seen from a GitHub runner: messages and files go to @actions/core's file
 * contract, and the runner environment is read from the process once, here.
 */
import * as core from '@actions/core';
import type { AnnotationProps, Log, RunnerFiles } from './log.js';

export function actionsLog(): Log {
  return {
    info: message => core.info(message),
    warning: (message, props?: AnnotationProps) => core.warning(message, props),
    error: (message, props?: AnnotationProps) => core.error(message, props),
    debug: message => core.debug(message),
    isDebug: () => core.isDebug(),
    group: (name, fn) => core.group(name, fn),
    // @actions/core has no call for these workflow commands; the runner reads them from stdout
    addMatcher: file => core.info(`::add-matcher::${file}`),
    removeMatcher: owner => core.info(`::remove-matcher owner=${owner}::`)
  };
}

export function actionsRunnerFiles(summaryFile: string | undefined): RunnerFiles {
  return {
    setOutput: (name, value) => core.setOutput(name, value),
    addPath: dir => core.addPath(dir),
    saveState: (name, value) => core.saveState(name, value),
    getState: name => core.getState(name),
    appendSummary: async markdown => {
      // Outside a runner (or on an old one) there is no summary file: skip it, never fail.
      if (!summaryFile) return;
      await core.summary.addRaw(markdown, true).write();
    }
  };
}
