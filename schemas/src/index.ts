// The public surface of @orderflow/schemas: every schema is exported by name, with its inferred type of the same name.
export { Address } from './common/address.js';
export { CurrencyCode, MinorUnits, Money, PositiveMoney } from './common/money.js';
export { Quantity, StockDelta, StockQuantity } from './common/quantity.js';
export { CancellationReason, CancelledBy, DeclineReason, RejectionReason, StockAdjustmentReason } from './common/reasons.js';
export { boundedText, CustomerId, Id, OrderId, PaymentMethodToken, RequestId, Sku, Timestamp } from './common/scalars.js';

export {
  OrderCancelled,
  OrderConfirmed,
  OrderDelivered,
  OrderEvent,
  OrderLine,
  OrderPlaced,
  OrderRefunded,
  OrderShipped,
} from './events/orderEvents.js';
export {
  InventoryItemEvent,
  ReservationCommitted,
  ReservationExpired,
  ReservationRejected,
  ReservationReleased,
  SkuLimitsChanged,
  SkuPriceChanged,
  SkuRegistered,
  StockAdjusted,
  StockReceived,
  StockReserved,
} from './events/inventoryEvents.js';
export {
  PaymentAuthorized,
  PaymentCaptured,
  PaymentDeclined,
  PaymentEvent,
  PaymentRefunded,
  PaymentRequested,
  PaymentVoided,
} from './events/paymentEvents.js';
export {
  CheckoutAdvanced,
  CheckoutEffect,
  CheckoutEvent,
  CheckoutInput,
  CheckoutPhase,
  CheckoutStarted,
  CheckoutTimer,
  CheckoutTimerKind,
} from './events/checkoutEvents.js';
export { EventMetadata } from './events/eventMetadata.js';
export { type AnyEvent, eventRegistry, type EventOf, type EventType, eventTypes, isEventType } from './events/eventRegistry.js';
export { EventSchemaError } from './events/eventSchemaError.js';
export { OrderPlacedV1Data, upcastOrderPlacedV1 } from './events/legacy/orderPlacedV1.js';
export { parseEvent, type StoredEvent } from './events/parseEvent.js';
export { upcast, type Upcaster, upcasters } from './events/upcast.js';

export { Actor, CommandMetadata } from './commands/commandMetadata.js';
export { CancelOrder, ConfirmOrder, DeliverOrder, OrderCommand, PlaceOrder, RefundOrder, ShipOrder } from './commands/orderCommands.js';
export {
  AdjustStock,
  ChangeSku,
  CommitReservation,
  ExpireReservations,
  InventoryItemCommand,
  ReceiveStock,
  RegisterSku,
  ReleaseReservation,
  ReserveStock,
} from './commands/inventoryCommands.js';
export {
  CapturePayment,
  PaymentCommand,
  RecordPaymentAuthorized,
  RecordPaymentDeclined,
  RefundPayment,
  RequestPaymentAuthorization,
  VoidPayment,
} from './commands/paymentCommands.js';
export { CheckoutPolicy, HandleCheckoutInput } from './commands/checkoutCommands.js';
export { commandSchemas, type CommandType } from './commands/commandRegistry.js';

export { CommandAcceptedResponse } from './http/commandAccepted.js';
export { CommandHeaders, IdempotencyKey, PlaceOrderHeaders, StreamETag } from './http/headers.js';
export {
  AdjustStockRequest,
  ChangeSkuRequest,
  ReceiveStockRequest,
  RegisterSkuRequest,
  RegisterSkuResponse,
  SkuParams,
} from './http/inventoryBodies.js';
export {
  CancelOrderRequest,
  DeliverOrderRequest,
  OrderParams,
  PlaceOrderRequest,
  PlaceOrderResponse,
  RefundOrderRequest,
  ShipOrderRequest,
} from './http/orderBodies.js';
export { OutOfStockProblem, ProblemDetails } from './http/problem.js';
export { httpSchemas, type HttpSchemaName } from './http/httpSchemas.js';
export { type JSONSchema, type JSONSchemaCatalog, toJSONSchema } from './jsonSchema.js';

export { CatalogItem } from './readModels/stock.js';
export { OrderHistoryDocument, OrderStatus, PaymentStatus, TimelineEntry } from './readModels/orderHistory.js';
export { Notification, NotificationKind } from './readModels/notifications.js';
export { asyncApiDocument, type AsyncApiDocument, type AsyncApiOptions } from './asyncapi/asyncApiDocument.js';
export { eventCategories } from './asyncapi/eventCategories.js';
