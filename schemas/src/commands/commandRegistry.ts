import { InventoryItemCommand } from './inventoryCommands.js';
import { OrderCommand } from './orderCommands.js';
import { PaymentCommand } from './paymentCommands.js';

/** Every command's schema by type, for JSON Schema export and for parsing commands that cross a process boundary. */
export const commandSchemas = Object.fromEntries(
  [...OrderCommand.options, ...InventoryItemCommand.options, ...PaymentCommand.options].map((schema) => [schema.shape.type.value, schema]),
) as {
  readonly [
    C in (
      typeof OrderCommand.options | typeof InventoryItemCommand.options | typeof PaymentCommand.options
    )[number] as C['shape']['type']['value']
  ]: C;
};

export type CommandType = keyof typeof commandSchemas;
