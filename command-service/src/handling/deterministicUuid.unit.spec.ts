import { describe, expect, it } from 'vitest';
import { deterministicUuid } from './handleCommand.js';

describe('deterministicUuid', () => {
  // A checkout replayed after an upgrade must derive the very ids it derived before, or the store and the handlers
  // would not recognise its steps as repeats: these values were computed by the first implementation.
  it('keeps the ids it has always derived from a name', () => {
    expect(deterministicUuid('checkout\norder-1\nreserve:SKU-1')).toBe('77aad49b-30a9-8ba4-93ed-9ce963a2fa81');
    expect(deterministicUuid('operator-cancel\no-42')).toBe('3cdc4ef6-9efe-83e5-aa58-9c2c1b6e2c21');
  });

  it('is an RFC 9562 version 8 UUID, different for different names', () => {
    const ids = new Set(Array.from({ length: 1_000 }, (_, i) => deterministicUuid(`name-${i}`)));
    expect(ids.size).toBe(1_000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
