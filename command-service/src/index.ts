export { buildCommandApp, type CommandAppDeps } from './app.js';
export { deterministicUuid, handleCommand, type CommandContext, type DeciderLike, type HandleResult } from './handling/handleCommand.js';
export { demoCatalog, seedDemoCatalog } from './demoCatalog.js';
export {
  idempotencyKeyFor,
  type AuthorizeRequest,
  type CircuitState,
  type GatewayOperation,
  type GatewayOutcome,
  type MoneyMovementRequest,
  type PaymentGateway,
} from './payments/paymentGateway.js';
export { createHttpPaymentGateway, type HttpPaymentGatewayOptions } from './payments/httpPaymentGateway.js';
export { startSandboxGateway, type RunningSandboxGateway, type StartSandboxOptions } from './payments/sandbox/startSandboxGateway.js';
export {
  checkoutProcessor,
  defaultCheckoutPolicy,
  startCheckoutWorker,
  type CheckoutWorker,
  type CheckoutWorkerConfig,
  type CheckoutWorkerDeps,
  type StartProcessor,
} from './checkout/checkoutWorker.js';
export { checkoutOperators } from './checkout/checkoutOperators.js';
export { checkoutMigrations, type CheckoutRow } from './checkout/checkoutTables.js';
export { checkoutEnvSchema, checkoutPolicyFromEnv } from './checkout/checkoutConfig.js';
export { sandboxEnvSchema, sandboxOptionsFromEnv } from './payments/sandbox/sandboxConfig.js';
