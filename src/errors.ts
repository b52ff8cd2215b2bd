/**
 * Errors the user can act on. Anything that is not one of these is a bug in the action and is
 * reported with its stack; these are reported as a single clear line.
 */
export class ActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A bad input value: names the input, the value and what is allowed. */
export class InputError extends ActionError {
  constructor(
    readonly input: string,
    readonly value: string,
    allowed: string
  ) {
    super(`Input '${input}' has an invalid value ${JSON.stringify(value)}: ${allowed}`);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
