/**
 * One place that turns an exception into what the user sees: an ActionError is the whole story
 * (one clear line); anything else is a bug, reported as such with its stack in the debug log.
 */
import { ActionError, errorMessage } from './errors.js';
import type { Host } from './host.js';

export function describeFailure(err: unknown, host: Host): string {
  if (err instanceof ActionError) return err.message;
  if (err instanceof Error && err.stack) host.debug(err.stack);
  return `Unexpected error in ape-action (please report it with the debug log): ${errorMessage(err)}`;
}
