import { DomainError } from '@orderflow/domain';
import { HttpProblem, type ErrorMapper } from '@orderflow/platform';
import { EventSchemaError } from '@orderflow/schemas';

const statusOf = { invalid: 422, not_found: 404, conflict: 409 } as const;

/** Domain errors keep their stable code and their details (ids, amounts) as problem extension members. */
export const domainErrorMapper: ErrorMapper = (error) => {
  if (error instanceof DomainError)
    return new HttpProblem(
      statusOf[error.category],
      error.code,
      error.name.replace(/([a-z])([A-Z])/g, '$1 $2'),
      error.message,
      error.details,
    );
  // A stored event that no longer parses is our fault, never the caller's.
  if (error instanceof EventSchemaError) return new HttpProblem(500, 'stored_event_invalid', 'Internal server error');
  return undefined;
};
