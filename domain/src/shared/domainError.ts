/**
 * How the HTTP layer should read a domain error: `invalid` (422, the request cannot be honoured as stated),
 * `not_found` (404), `conflict` (409, the state forbids it now).
 */
export type DomainErrorCategory = 'invalid' | 'not_found' | 'conflict';

/** Values that may travel as problem+json extension members. */
export type ProblemExtensions = Readonly<Record<string, string | number | boolean | null>>;

/**
 * A business rule the caller broke. `code` is stable (it becomes the problem+json `code`); `details` become
 * extension members, so they name ids and amounts, never internals.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly category: DomainErrorCategory;

  constructor(
    message: string,
    readonly details: ProblemExtensions = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A command whose data breaks an invariant the schema cannot express (or that skipped the schema). */
export class InvalidCommand extends DomainError {
  readonly code = 'invalid_command';
  readonly category = 'invalid';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field} ${reason}`, { field });
  }
}

export class CurrencyMismatch extends DomainError {
  readonly code = 'currency_mismatch';
  readonly category = 'invalid';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`expected an amount in ${expected}, got ${actual}`, { expected, actual });
  }
}

/** A request id seen before with a different operation or amount: a client bug, never a retry. */
export class RequestIdConflict extends DomainError {
  readonly code = 'request_id_conflict';
  readonly category = 'conflict';
  constructor(readonly requestId: string) {
    super(`request ${requestId} was already used for a different operation or amount`, { requestId });
  }
}

/** More refunded than captured: by an order's own refunds, or by the payment ledger. */
export class InsufficientCapturedAmount extends DomainError {
  readonly code = 'insufficient_captured_amount';
  readonly category = 'conflict';
  constructor(
    readonly requested: number,
    readonly refundable: number,
    readonly currency: string,
  ) {
    super(`cannot refund ${requested} ${currency}: only ${refundable} is captured and not yet refunded`, {
      requested,
      refundable,
      currency,
    });
  }
}
