import type { Actor, CommandMetadata } from '@orderflow/schemas';

export const t0 = '2026-11-21T10:00:00.000Z';

let counter = 0;

/** Metadata for a command in a spec: the saga (`system`) at `t0` unless told otherwise. */
export function commandMetadata(overrides: { now?: string; actor?: Actor } = {}): CommandMetadata {
  counter += 1;
  return { commandId: `cmd-${counter}`, now: overrides.now ?? t0, actor: overrides.actor ?? { role: 'system', id: 'checkout' } };
}

/** `t0` plus some minutes, in the schemas' timestamp format. */
export function minutesAfterT0(minutes: number): string {
  const hours = 10 + Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `2026-11-21T${String(hours).padStart(2, '0')}:${String(rest).padStart(2, '0')}:00.000Z`;
}
