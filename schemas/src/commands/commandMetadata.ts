import { z } from 'zod';
import { Id, Timestamp } from '../common/scalars.js';

/** Who issues a command: a signed-in customer or admin, or the system (the checkout saga, timers). */
export const Actor = z.strictObject({ role: z.enum(['customer', 'admin', 'system']), id: Id });
export type Actor = z.infer<typeof Actor>;

/**
 * What every command carries besides its data. The domain has no clock and makes no ids: `now` and `commandId`
 * come from here (the saga derives `commandId` deterministically, so a replayed step appends nothing new).
 */
export const CommandMetadata = z.strictObject({
  commandId: Id,
  now: Timestamp,
  actor: Actor,
  correlationId: Id.optional(),
});
export type CommandMetadata = z.infer<typeof CommandMetadata>;
