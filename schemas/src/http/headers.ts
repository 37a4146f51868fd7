import { z } from 'zod';

/** Stripe-style idempotency key: printable ASCII, no spaces. */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces');

/** A strong ETag holding a stream revision, e.g. `"3"`. */
export const StreamETag = z.string().regex(/^"\d{1,20}"$/, 'must be a quoted stream revision such as "3"');

/** Headers of every command route; other headers pass through untouched. */
export const CommandHeaders = z.object({
  'idempotency-key': IdempotencyKey.optional(),
  'if-match': StreamETag.optional(),
});
export type CommandHeaders = z.infer<typeof CommandHeaders>;

/** `POST /v1/orders` requires an idempotency key: a retried checkout must never place two orders. */
export const PlaceOrderHeaders = CommandHeaders.extend({ 'idempotency-key': IdempotencyKey });
export type PlaceOrderHeaders = z.infer<typeof PlaceOrderHeaders>;
