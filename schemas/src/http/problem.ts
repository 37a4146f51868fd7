import { z } from 'zod';
import { Sku } from '../common/scalars.js';

/**
 * RFC 9457 problem details, the body of every 4xx/5xx (`application/problem+json`). `code` is stable and
 * machine-readable; extension members (e.g. `sku`, `available`) are allowed beside the standard ones.
 */
export const ProblemDetails = z.looseObject({
  type: z.string().min(1).max(2048),
  title: z.string().min(1).max(200),
  status: z.int().min(400).max(599),
  detail: z.string().max(2000).optional(),
  instance: z.string().max(2048).optional(),
  code: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/),
  /** Validation problems name each bad field (`body.lines.0.quantity`). */
  errors: z
    .array(z.strictObject({ path: z.string().max(500), message: z.string().max(500) }))
    .max(100)
    .optional(),
});
export type ProblemDetails = z.infer<typeof ProblemDetails>;

/** Out of stock names the SKU and how many are available (DESIGN.md §5). */
export const OutOfStockProblem = ProblemDetails.extend({ code: z.literal('out_of_stock'), sku: Sku, available: z.int().min(0) });
export type OutOfStockProblem = z.infer<typeof OutOfStockProblem>;
