/**
 * One place that turns an exception into what the user sees: an ActionError is the whole story
 * (one clear line); anything else is a bug, reported as such with its stack in the debug log.
 */
import { ActionError, errorMessage } from './errors.js';
import type { Log } from './log.js';

export function describeFailure(err: unknown, log: Log): string {
  if (err instanceof ActionError) return err.message;
  if (err instanceof Error && err.stack) log.debug(err.stack);
  return `Unexpected error in ape-action (please report it with the debug log): ${errorMessage(err)}`;
}
