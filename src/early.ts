/**
 * Work started ahead of the stage that needs its result, so that it overlaps the stages in
 * between. Its log lines are held back and written when that stage takes the result: the log
 * still reads stage by stage (the runner's log groups cannot interleave), and the stage timer
 * counts only the wait that is left.
 */
import type { Log } from './log.js';

export interface Early<T> {
  /** Writes the held-back lines to `log`, then gives the result (or throws the work's error). */
  result(log: Log): Promise<T>;
}

export function startEarly<T>(log: Log, work: (held: Log) => Promise<T>): Early<T> {
  const held: Array<(into: Log) => void> = [];
  const holding: Log = {
    info: message => held.push(into => into.info(message)),
    warning: (message, props) => held.push(into => into.warning(message, props)),
    error: (message, props) => held.push(into => into.error(message, props)),
    debug: message => held.push(into => into.debug(message)),
    isDebug: () => log.isDebug(),
    group: (name, fn) => {
      held.push(into => into.info(name));
      return fn();
    },
    addMatcher: file => held.push(into => into.addMatcher(file)),
    removeMatcher: owner => held.push(into => into.removeMatcher(owner))
  };
  // settled here, never rejected: a run that fails in another stage first must not end with an
  // unhandled rejection from this one
  const outcome = work(holding).then(
    value => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error })
  );
  return {
    async result(into: Log): Promise<T> {
      const done = await outcome;
      for (const line of held.splice(0)) line(into);
      if (!done.ok) throw done.error;
      return done.value;
    }
  };
}
