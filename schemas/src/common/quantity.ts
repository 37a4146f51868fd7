import { z } from 'zod';

/** Units of one SKU in an order line, a reservation or a limit. */
export const Quantity = z.int().min(1).max(10_000);
export type Quantity = z.infer<typeof Quantity>;

/** Units received into stock at once (a pallet, a container). */
export const StockQuantity = z.int().min(1).max(1_000_000);

/** A correction of units on hand: never zero. */
export const StockDelta = z
  .int()
  .min(-1_000_000)
  .max(1_000_000)
  .refine((delta) => delta !== 0, 'must not be zero');
