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

/**
 * Migration 6: the generic plans are made on a connection's first call, and a store starts with empty tables, for
 * which a sequential scan looks cheapest; the plan then stays while the tables grow. In the checkout benchmark the
 * duplicate-id check (`event_id = any(p_ids)`) came to scan es.events on every group (11.6 ms per call at ~50k
 * events, more than half of the function's time), and the es.streams lookups likewise. Every statement of the
 * function is a keyed lookup, so sequential scans are ruled out inside it: the plans use the indexes at any size.
 */
export const indexPlansSql = `
alter function es.append_to_streams(text[], text[], int[], uuid[], text[], json, json) set enable_seqscan = off;
`;
