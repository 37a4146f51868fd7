export { createEventStore, type EventStoreConfig } from './createEventStore.js';
export { ConcurrencyError, EventIdReusedError, EventStoreError, EventStoreValidationError, StreamDeletedError } from './errors.js';
export { comparePositions, isPosition, parsePosition } from './position.js';
export type * from './types.js';
export { defaultLimits, type EventStoreLimits } from './validate.js';
