import { z } from 'zod';
import { commandSchemas, type CommandType } from './commands/commandRegistry.js';
import { eventRegistry, type EventType } from './events/eventRegistry.js';
import { httpSchemas, type HttpSchemaName } from './http/httpSchemas.js';

export type JSONSchema = z.core.JSONSchema.BaseSchema;

/** JSON Schema (draft 2020-12) of every event, command and HTTP contract, e.g. for AsyncAPI and OpenAPI documents. */
export interface JSONSchemaCatalog {
  readonly events: Readonly<Record<EventType, { readonly schemaVersion: number; readonly schema: JSONSchema }>>;
  readonly commands: Readonly<Record<CommandType, JSONSchema>>;
  readonly http: Readonly<Record<HttpSchemaName, JSONSchema>>;
}

function convert<Key extends string, Value, Out>(record: Readonly<Record<Key, Value>>, to: (value: Value) => Out): Record<Key, Out> {
  return Object.fromEntries(Object.entries<Value>(record).map(([key, value]) => [key, to(value)])) as Record<Key, Out>;
}

/** Request bodies are described as accepted (`io: 'input'`); they have no defaults or transforms, so both agree. */
export function toJSONSchema(): JSONSchemaCatalog {
  return {
    events: convert(eventRegistry, ({ schema, schemaVersion }) => ({ schemaVersion, schema: z.toJSONSchema(schema) })),
    commands: convert(commandSchemas, (schema) => z.toJSONSchema(schema)),
    http: convert(httpSchemas, (schema) => z.toJSONSchema(schema, { io: 'input' })),
  };
}
