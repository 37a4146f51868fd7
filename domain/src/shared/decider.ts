/**
 * A pure decision model (the decider pattern, as in Emmett): the command handler folds the stream's events with
 * `evolve` from `initialState()`, calls `decide`, and appends what it returns. `decide` throws a `DomainError` for
 * a caller's mistake and returns `[]` when the command is already satisfied.
 */
export interface Decider<State, Command, Event> {
  readonly decide: (command: Command, state: State) => Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

/** The `default` of an exhaustive `switch`: fails to compile when a case is missing. */
export function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
