import { z } from 'zod';
import { CommandMetadata } from './commandMetadata.js';

/** A command: `{ type, data, metadata }`, strict throughout (commands are built by our code, never loosely). */
export function defineCommand<const Type extends string, const Shape extends z.ZodRawShape>(type: Type, shape: Shape) {
  return z.strictObject({ type: z.literal(type), data: z.strictObject(shape), metadata: CommandMetadata });
}
