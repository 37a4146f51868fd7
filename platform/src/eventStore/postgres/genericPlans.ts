/**
 * Migration 5: `es.append_to_streams` plans its statements once per connection. With the default plan cache mode,
 * PostgreSQL kept planning them afresh on every call (array arguments make each custom plan look cheaper than the
 * generic one), and planning was most of the function's cost: a lone single-event append took 470–540 µs of backend
 * time, 260–320 µs with generic plans (measured in a loop inside one session). The generic plans are the ones
 * wanted for any group size: index lookups on event ids and stream ids (2,000 one-event appends: 37 µs each).
 */
export const genericPlansSql = `
alter function es.append_to_streams(text[], text[], int[], uuid[], text[], json, json) set plan_cache_mode = force_generic_plan;
`;
