import { CommandAcceptedResponse } from './commandAccepted.js';
import { CommandHeaders, PlaceOrderHeaders } from './headers.js';
import {
  AdjustStockRequest,
  ChangeSkuRequest,
  ReceiveStockRequest,
  RegisterSkuRequest,
  RegisterSkuResponse,
  SkuParams,
} from './inventoryBodies.js';
import {
  CancelOrderRequest,
  DeliverOrderRequest,
  OrderParams,
  PlaceOrderRequest,
  PlaceOrderResponse,
  RefundOrderRequest,
  ShipOrderRequest,
} from './orderBodies.js';
import { OutOfStockProblem, ProblemDetails } from './problem.js';

/** Every HTTP contract of the command API by name, for JSON Schema export. */
export const httpSchemas = {
  CommandHeaders,
  PlaceOrderHeaders,
  OrderParams,
  SkuParams,
  PlaceOrderRequest,
  PlaceOrderResponse,
  CancelOrderRequest,
  ShipOrderRequest,
  DeliverOrderRequest,
  RefundOrderRequest,
  RegisterSkuRequest,
  RegisterSkuResponse,
  ReceiveStockRequest,
  AdjustStockRequest,
  ChangeSkuRequest,
  CommandAcceptedResponse,
  ProblemDetails,
  OutOfStockProblem,
} as const;

export type HttpSchemaName = keyof typeof httpSchemas;
