import type { Command } from 'commander';

/** Runs an action; a failure becomes `error: <message>` on stderr and exit code 1, not a stack trace. */
export function cleanly<Args extends unknown[]>(action: (...args: Args) => Promise<void>) {
  return async function (this: Command, ...args: Args): Promise<void> {
    try {
      await action(...args);
    } catch (err) {
      this.error(`error: ${err instanceof Error ? err.message : String(err)}`, { exitCode: 1 });
    }
  };
}
