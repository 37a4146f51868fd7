import { z } from 'zod';

/**
 * The answer to an accepted command. `revision` (also sent as the `ETag`) is the stream's last revision, for
 * `If-Match`; `position` is the consistency token the query API waits for (read-your-writes).
 */
export const CommandAcceptedResponse = z.strictObject({
  streamId: z.string().min(1).max(200),
  revision: z.string().regex(/^\d{1,20}$/),
  position: z.string().min(1).max(200),
});
export type CommandAcceptedResponse = z.infer<typeof CommandAcceptedResponse>;
