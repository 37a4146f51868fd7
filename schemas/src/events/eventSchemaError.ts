/** A stored event this release cannot read: an unknown type, or a schema version with no upcaster path. */
export class EventSchemaError extends Error {
  constructor(
    readonly code: 'unknown_event_type' | 'unsupported_schema_version',
    readonly eventType: string,
    readonly schemaVersion: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'EventSchemaError';
  }
}
