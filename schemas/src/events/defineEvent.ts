import { z } from 'zod';

/**
 * An event as the domain sees it: `{ type, data }`. The envelope's metadata travels beside it (`EventMetadata`).
 * Data objects strip unknown members rather than reject them, so a reader survives a writer one release ahead.
 */
export function defineEvent<const Type extends string, const Shape extends z.ZodRawShape>(type: Type, shape: Shape) {
  return z.object({ type: z.literal(type), data: z.object(shape) });
}
