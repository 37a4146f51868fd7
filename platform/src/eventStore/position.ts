import { EventStoreValidationError } from './errors.js';
import type { Position } from './types.js';

const width = 16;
const max = (1n << 64n) - 1n;
const pattern = /^[0-9a-f]{16}\/[0-9a-f]{16}$/;

/**
 * Positions are two unsigned 64-bit numbers (PostgreSQL: transaction id and sequence; EventStoreDB: commit and
 * prepare), written as fixed-width hex, so string order is position order.
 */
export function encodePosition(major: bigint, minor: bigint): Position {
  if (major < 0n || minor < 0n || major > max || minor > max) throw new RangeError(`position out of range: ${major}/${minor}`);
  return `${major.toString(16).padStart(width, '0')}/${minor.toString(16).padStart(width, '0')}` as Position;
}

export function decodePosition(position: string): { major: bigint; minor: bigint } {
  if (!pattern.test(position)) throw new EventStoreValidationError('position', `"${position}" is not a position of this store`);
  const [major = '', minor = ''] = position.split('/');
  return { major: BigInt(`0x${major}`), minor: BigInt(`0x${minor}`) };
}

/** Parses untrusted text (a query parameter, a stored checkpoint) into a position. */
export function parsePosition(text: string): Position {
  decodePosition(text);
  return text as Position;
}

export function isPosition(text: string): text is Position {
  return pattern.test(text);
}

export function comparePositions(a: Position, b: Position): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The last position whose major part is below `major`: everything before `major` has been scanned. */
export function positionBefore(major: bigint): Position {
  // The minor part is a signed 64-bit number on both backends (PostgreSQL bigint, EventStoreDB prepare position).
  return encodePosition(major - 1n, (1n << 63n) - 1n);
}
