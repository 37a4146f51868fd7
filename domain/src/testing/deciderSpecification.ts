import { expect } from 'vitest';
import type { Decider } from '../shared/decider.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Given events → When command → Then events / error, for any decider (as Emmett's `DeciderSpecification`).
 * The given events are folded with the decider's own `evolve`, so a spec also proves that evolve and decide agree.
 */
export function deciderSpecification<State, Command, Event>(decider: Decider<State, Command, Event>) {
  return {
    given(events: readonly Event[]) {
      return {
        when(command: Command) {
          const run = () => decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
          return {
            /** Exactly these events, in this order. */
            then(expected: readonly Event[]): void {
              expect(run()).toEqual(expected);
            },
            /** Already satisfied: the command is accepted and changes nothing. */
            thenNothingHappened(): void {
              expect(run()).toEqual([]);
            },
            /** Refused with this error class, and (optionally) these properties, e.g. `{ code, available }`. */
            thenThrows(errorClass: ErrorClass, expected: Record<string, unknown> = {}): void {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toBeInstanceOf(errorClass);
              expect(thrown).toMatchObject(expected);
            },
          };
        },
      };
    },
  };
}
