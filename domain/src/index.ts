// The public surface of @orderflow/domain: pure deciders, their states, errors and money helpers.
export { assertNever, type Decider } from './shared/decider.js';
export {
  CurrencyMismatch,
  DomainError,
  type DomainErrorCategory,
  InsufficientCapturedAmount,
  InvalidCommand,
  type ProblemExtensions,
  RequestIdConflict,
} from './shared/domainError.js';
export { addMoney, assertSameCurrency, money, multiplyMoney, subtractMoney, sumMoney, zeroMoney } from './shared/money.js';
export { isAtOrBefore, toEpochMillis } from './shared/timestamp.js';

export { orderDecider } from './order/decide.js';
export type {
  CancelledOrder,
  ConfirmedOrder,
  DeliveredOrder,
  NoOrder,
  OrderFacts,
  OrderRefunds,
  OrderState,
  PlacedOrder,
  ShippedOrder,
} from './order/order.js';
export {
  OrderAlreadyExists,
  OrderAlreadyShipped,
  OrderIsCancelled,
  OrderNotConfirmed,
  OrderNotFound,
  OrderNotShipped,
} from './order/orderErrors.js';

export { inventoryItemDecider } from './inventoryItem/decide.js';
export {
  availableStock,
  type InventoryItemState,
  type RegisteredItem,
  type ReservationRecord,
  type UnregisteredItem,
} from './inventoryItem/inventoryItem.js';
export {
  ReservationAlreadyCommitted,
  ReservationConflict,
  ReservationNotFound,
  ReservationNotLive,
  SkuAlreadyRegistered,
  SkuNotRegistered,
  StockBelowReserved,
} from './inventoryItem/inventoryItemErrors.js';

export { paymentDecider } from './payment/decide.js';
export {
  type AuthorizedPayment,
  type DeclinedPayment,
  type LedgerEntry,
  type LedgerOperation,
  type NoPayment,
  type PaymentLedger,
  type PaymentState,
  type RequestedPayment,
  uncaptured,
} from './payment/payment.js';
export {
  InsufficientAuthorizedAmount,
  NothingToVoid,
  PaymentAlreadyAuthorized,
  PaymentAlreadyDeclined,
  PaymentAlreadyRequested,
  PaymentNotAuthorized,
  PaymentNotRequested,
  UnknownPaymentRequest,
} from './payment/paymentErrors.js';

export { checkoutDecider } from './checkout/decide.js';
export {
  type Checkout,
  type CheckoutFacts,
  type CheckoutPayment,
  type CheckoutState,
  isCompleted,
  isSettled,
  type LineStatus,
  type NoCheckout,
} from './checkout/checkout.js';
export { addMillis } from './checkout/addMillis.js';
