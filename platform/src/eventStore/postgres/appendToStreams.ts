/**
 * Migration 4: group commit. `es.append_to_streams` applies the appends of many callers to distinct streams in one
 * transaction (one round trip, one commit, one WAL flush), each append checked on its own: a conflict, a tombstone or
 * a reused id in one append is returned as that append's error and the others are written. The set-based statements
 * cost the same for one append as for sixty-four; only the per-append checks loop.
 *
 * Arguments are parallel arrays, one element per append (`p_streams`, `p_expected`, `p_counts`) or per event, the
 * events of all appends in order (`p_ids`, `p_types`, and `p_data`/`p_metadata` as one JSON array each, which
 * PostgreSQL splits without re-encoding). One row comes back per append, in order: its last revision, transaction
 * id and sequence, or an error code of `sqlState` with its detail.
 */
export const appendToStreamsSql = `
create function es.append_to_streams(
  p_streams text[], p_expected text[], p_counts int[], p_ids uuid[], p_types text[], p_data json, p_metadata json)
returns table (revision bigint, tx_id text, seq bigint, error text, detail text)
language plpgsql as $fn$
declare
  v_n int := cardinality(p_streams);
  v_current bigint[];
  v_truncate bigint[];
  v_tombstoned boolean[];
  v_ev_stream text[] := array_fill(null::text, array[cardinality(p_ids)]);
  v_ev_revision bigint[] := array_fill(null::bigint, array[cardinality(p_ids)]);
  v_new_revision bigint[] := array_fill(null::bigint, array[v_n]);
  v_revision bigint[] := array_fill(null::bigint, array[v_n]);
  v_tx text[] := array_fill(null::text, array[v_n]);
  v_seq bigint[] := array_fill(null::bigint, array[v_n]);
  v_error text[] := array_fill(null::text, array[v_n]);
  v_detail text[] := array_fill(null::text, array[v_n]);
  v_any_known boolean;
  v_writes boolean := false;
  v_first int := 1;
  v_last int;
  v_exists boolean;
  v_expected text;
  v_xact text;
  v_last_seq bigint;
  v_known int;
  v_min bigint;
  v_matches boolean;
begin
  if cardinality(p_expected) <> v_n or cardinality(p_counts) <> v_n
     or (select sum(c) from unnest(p_counts) c) <> cardinality(p_ids)
     or (select count(distinct s) from unnest(p_streams) s) <> v_n then
    raise exception 'append_to_streams: mismatched arrays or a stream named twice';
  end if;

  -- Rows are created and locked in stream order, so concurrent groups cannot deadlock on each other.
  insert into es.streams (stream_id)
    select s from unnest(p_streams) s where not exists (select from es.streams t where t.stream_id = s) order by s
    on conflict do nothing;
  select array_agg(l.revision order by l.ord), array_agg(l.truncate_before order by l.ord), array_agg(l.tombstoned order by l.ord)
    into v_current, v_truncate, v_tombstoned
    from (select s.revision, s.truncate_before, s.tombstoned, a.ord
            from unnest(p_streams) with ordinality a(stream_id, ord) join es.streams s on s.stream_id = a.stream_id
           order by s.stream_id for update of s) l;

  v_any_known := exists (select from es.events e where e.event_id = any(p_ids));
  for i in 1 .. v_n loop
    v_last := v_first + p_counts[i] - 1;
    v_known := 0;
    if v_any_known then
      select count(*), min(e.revision) into v_known, v_min from es.events e where e.event_id = any(p_ids[v_first:v_last]);
    end if;
    if v_tombstoned[i] then
      v_error[i] := 'OF002';
    elsif v_known > 0 then
      -- A retried append (same ids, same events, same place) returns the original result and writes nothing.
      select bool_and(e.stream_id = p_streams[i] and e.revision = v_min + x.ord - 1 and e.type = x.type
                      and e.data::jsonb = (p_data -> (v_first + x.ord::int - 2))::jsonb)
        into v_matches
        from unnest(p_ids[v_first:v_last], p_types[v_first:v_last]) with ordinality x(id, type, ord)
        join es.events e on e.event_id = x.id;
      if v_known = p_counts[i] and v_matches then
        v_revision[i] := v_min + p_counts[i] - 1;
        select e.tx_id::text, e.seq into v_xact, v_last_seq
          from es.events e where e.stream_id = p_streams[i] and e.revision = v_revision[i];
        v_tx[i] := v_xact;
        v_seq[i] := v_last_seq;
      else
        v_error[i] := 'OF003';
        v_detail[i] := (select e.event_id::text || ' ' || e.stream_id || '@' || e.revision from es.events e
                         where e.event_id = any(p_ids[v_first:v_last]) order by e.revision limit 1);
      end if;
    else
      v_exists := v_current[i] >= v_truncate[i];
      v_expected := p_expected[i];
      if v_expected = 'any'
         or (v_expected = 'no_stream' and not v_exists)
         or (v_expected = 'stream_exists' and v_exists)
         or (v_expected ~ '^[0-9]+$' and v_current[i] = v_expected::bigint) then
        for k in v_first .. v_last loop
          v_ev_stream[k] := p_streams[i];
          v_ev_revision[k] := v_current[i] + (k - v_first + 1);
        end loop;
        v_new_revision[i] := v_current[i] + p_counts[i];
        v_revision[i] := v_new_revision[i];
        v_writes := true;
      else
        v_error[i] := 'OF001';
        v_detail[i] := case when v_exists then v_current[i]::text else '' end;
      end if;
    end if;
    v_first := v_last + 1;
  end loop;

  if v_writes then
    -- Events of refused appends have no stream here and are left out; seq follows array order within the insert.
    with inserted as (
      insert into es.events (stream_id, revision, event_id, type, data, metadata)
      select x.stream_id, x.revision, x.id, x.type, x.data, x.metadata
        from rows from (unnest(v_ev_stream), unnest(v_ev_revision), unnest(p_ids), unnest(p_types),
                        json_array_elements(p_data), json_array_elements(p_metadata)) x(stream_id, revision, id, type, data, metadata)
       where x.stream_id is not null
      returning es.events.stream_id, es.events.seq
    )
    select array_agg(coalesce(last.seq, a.seq) order by a.ord) into v_seq
      from unnest(p_streams, v_seq) with ordinality a(stream_id, seq, ord)
      left join (select i.stream_id, max(i.seq) as seq from inserted i group by i.stream_id) last
        on last.stream_id = a.stream_id and v_new_revision[a.ord::int] is not null;
    update es.streams s set revision = u.revision
      from unnest(p_streams, v_new_revision) u(stream_id, revision)
     where u.revision is not null and s.stream_id = u.stream_id;
    v_xact := pg_current_xact_id()::text;
    for i in 1 .. v_n loop
      if v_new_revision[i] is not null then
        v_tx[i] := v_xact;
      end if;
    end loop;
  end if;

  return query select u.revision, u.tx_id, u.seq, u.error, u.detail
    from unnest(v_revision, v_tx, v_seq, v_error, v_detail) with ordinality u(revision, tx_id, seq, error, detail, ord)
   order by u.ord;
end
$fn$;

-- The one-append function (and its callers) now goes through the group path: one set of rules for both.
create or replace function es.append_to_stream(p_stream text, p_expected text, p_events jsonb)
returns table (revision bigint, tx_id text, seq bigint)
language plpgsql as $fn$
declare
  r record;
begin
  select * into r from es.append_to_streams(
    array[p_stream], array[p_expected], array[jsonb_array_length(p_events)],
    array(select (x.ev->>'id')::uuid from jsonb_array_elements(p_events) with ordinality x(ev, ord) order by x.ord),
    array(select x.ev->>'type' from jsonb_array_elements(p_events) with ordinality x(ev, ord) order by x.ord),
    (select json_agg(x.ev->'data' order by x.ord) from jsonb_array_elements(p_events) with ordinality x(ev, ord)),
    (select json_agg(x.ev->'metadata' order by x.ord) from jsonb_array_elements(p_events) with ordinality x(ev, ord)));
  if r.error is not null then
    raise exception using errcode = r.error, message = p_stream, detail = coalesce(r.detail, '');
  end if;
  return query select r.revision, r.tx_id, r.seq;
end
$fn$;
`;
