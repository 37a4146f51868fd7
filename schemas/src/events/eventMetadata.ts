import { z } from 'zod';
import { Id, Timestamp } from '../common/scalars.js';

/** The envelope's metadata (DESIGN.md §4); `occurredAt` is the command's `now`, not the store's clock. */
export const EventMetadata = z.object({
  eventId: z.uuid(),
  correlationId: Id.optional(),
  causationId: Id.optional(),
  /** W3C trace context. */
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional(),
  /** `<role>:<id>`, e.g. `customer:c-1` or `system:checkout`. */
  actor: z
    .string()
    .regex(/^(customer|admin|system):[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/)
    .optional(),
  schemaVersion: z.int().min(1),
  occurredAt: Timestamp,
});
export type EventMetadata = z.infer<typeof EventMetadata>;
