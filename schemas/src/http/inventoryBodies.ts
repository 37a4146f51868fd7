import { z } from 'zod';
import { Money } from '../common/money.js';
import { Quantity, StockDelta, StockQuantity } from '../common/quantity.js';
import { StockAdjustmentReason } from '../common/reasons.js';
import { boundedText, Sku } from '../common/scalars.js';
import { CommandAcceptedResponse } from './commandAccepted.js';

export const SkuParams = z.strictObject({ sku: Sku });
export type SkuParams = z.infer<typeof SkuParams>;

/** `POST /v1/inventory` (admin). */
export const RegisterSkuRequest = z.strictObject({
  sku: Sku,
  name: boundedText(200),
  unitPrice: Money,
  perCustomerLimit: Quantity,
  perOrderLimit: Quantity.optional(),
});
export type RegisterSkuRequest = z.infer<typeof RegisterSkuRequest>;

export const RegisterSkuResponse = CommandAcceptedResponse.extend({ sku: Sku });
export type RegisterSkuResponse = z.infer<typeof RegisterSkuResponse>;

/** `POST /v1/inventory/:sku/receive` (admin). */
export const ReceiveStockRequest = z.strictObject({ quantity: StockQuantity });
export type ReceiveStockRequest = z.infer<typeof ReceiveStockRequest>;

/** `POST /v1/inventory/:sku/adjust` (admin): refused when it would leave fewer on hand than reserved. */
export const AdjustStockRequest = z.strictObject({ delta: StockDelta, reason: StockAdjustmentReason, note: boundedText(500).optional() });
export type AdjustStockRequest = z.infer<typeof AdjustStockRequest>;

/** `PATCH /v1/inventory/:sku` (admin): at least one member; `perOrderLimit: null` removes the per-order limit. */
export const ChangeSkuRequest = z
  .strictObject({
    unitPrice: Money.optional(),
    perCustomerLimit: Quantity.optional(),
    perOrderLimit: Quantity.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one of unitPrice, perCustomerLimit, perOrderLimit');
export type ChangeSkuRequest = z.infer<typeof ChangeSkuRequest>;
