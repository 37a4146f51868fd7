/**
 * Migration 7: the common path of a group in one statement. `es.append_to_streams` runs about ten statements and a
 * loop per call, and that fixed cost was most of an append's backend time: a group of 16 single-event appends took
 * ~2.2 ms against ~0.6 ms for the bare multi-row insert of the same rows (pgbench, one session). `es.try_append_to_streams`
 * does only what an append that is neither refused nor retried needs, as one statement of data-modifying CTEs:
 *
 * - the existing stream rows move by one update whose condition is the expected-revision check and "not
 *   tombstoned"; it waits for, locks and re-checks the latest version of each row (in the order the caller sends
 *   the appends: by stream), so concurrent writers of one stream are serialised as with `select … for update`;
 *   streams not written yet are created by an insert that takes no row lock and skips a row created meanwhile;
 * - the events of the appends that moved are inserted with their new revisions, in array order.
 *
 * An append whose stream did not move (a conflict, a tombstone, or a retry whose stream has moved on) comes back with
 * a null revision and nothing of it written: the caller sends those again through `es.append_to_streams`, which says
 * which it was (and returns the original result of a retry). Event ids are not looked up here: an id already stored
 * (a retry with `any` or `stream_exists`, an id reused elsewhere) trips the unique index, the statement writes nothing,
 * and the caller likewise sends the group again through `es.append_to_streams`.
 *
 * Arguments: per append `p_streams`, `p_expected`, `p_counts`; per event `p_event_streams` (its append's stream) and
 * `p_event_k` (its place in its append, from 1), then as for `es.append_to_streams`. One row per append, in order.
 */
export const tryAppendSql = `
create function es.try_append_to_streams(
  p_streams text[], p_expected text[], p_counts int[], p_event_streams text[], p_event_k int[],
  p_ids uuid[], p_types text[], p_data json, p_metadata json)
returns table (revision bigint, tx_id text, seq bigint)
language plpgsql
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
as $fn$
begin
  return query
  with input as (
    select a.stream_id, a.expected, a.n, a.ord from unnest(p_streams, p_expected, p_counts) with ordinality a(stream_id, expected, n, ord)
  ),
  -- Every existing stream row moves in one update, locked in the order of the input, which the caller sorts by
  -- stream: two groups wait for each other's rows in one order and cannot deadlock on them. Streams not written yet
  -- are created by an insert that takes no row lock, at most waiting for another writer's insert of the same new
  -- stream to end (a row created meanwhile is a conflict: left unwritten, and the checked path answers it).
  old_moved as (
    update es.streams s set revision = s.revision + i.n
      from input i
     where s.stream_id = i.stream_id and not s.tombstoned
       and case i.expected when 'any' then true
                           when 'no_stream' then s.revision < s.truncate_before
                           when 'stream_exists' then s.revision >= s.truncate_before
                           else s.revision = i.expected::bigint end
    returning s.stream_id, s.revision
  ),
  new_moved as (
    insert into es.streams as s (stream_id, revision)
    select i.stream_id, i.n - 1 from input i
     where i.expected in ('any', 'no_stream') and not exists (select from es.streams t where t.stream_id = i.stream_id)
     order by i.stream_id
    on conflict (stream_id) do nothing
    returning s.stream_id, s.revision
  ),
  moved as (
    select m.stream_id, m.revision from old_moved m
    union all select m.stream_id, m.revision from new_moved m
  ),
  inserted as (
    insert into es.events (stream_id, revision, event_id, type, data, metadata)
    select x.stream_id, m.revision - i.n + x.k, x.id, x.type, x.data, x.metadata
      from rows from (unnest(p_event_streams), unnest(p_event_k), unnest(p_ids), unnest(p_types),
                      json_array_elements(p_data), json_array_elements(p_metadata))
             with ordinality x(stream_id, k, id, type, data, metadata, ord)
      join moved m on m.stream_id = x.stream_id
      join input i on i.stream_id = x.stream_id
     order by x.ord
    returning es.events.stream_id, es.events.seq
  ),
  last as (select l.stream_id, max(l.seq) as seq from inserted l group by l.stream_id)
  select m.revision, case when m.revision is null then null else pg_current_xact_id_if_assigned()::text end, l.seq
    from input i left join moved m on m.stream_id = i.stream_id left join last l on l.stream_id = i.stream_id
   order by i.ord;
end
$fn$;
`;
