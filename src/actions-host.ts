/** The Host as seen from a GitHub runner: every call goes to @actions/core's file contract. */
import * as core from '@actions/core';
import type { AnnotationProps, Host } from './host.js';

export function createActionsHost(): Host {
  return {
    info: message => core.info(message),
    warning: (message, props?: AnnotationProps) => core.warning(message, props),
    error: (message, props?: AnnotationProps) => core.error(message, props),
    debug: message => core.debug(message),
    isDebug: () => core.isDebug(),
    group: (name, fn) => core.group(name, fn),
    setOutput: (name, value) => core.setOutput(name, value),
    addPath: dir => core.addPath(dir),
    exportVariable: (name, value) => core.exportVariable(name, value),
    saveState: (name, value) => core.saveState(name, value),
    getState: name => core.getState(name),
    appendSummary: async markdown => {
      // Outside a runner (or on an old one) there is no summary file: skip it, never fail.
      if (!process.env.GITHUB_STEP_SUMMARY) return;
      await core.summary.addRaw(markdown, true).write();
    }
  };
}
