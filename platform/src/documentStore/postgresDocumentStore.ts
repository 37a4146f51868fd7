import pg from 'pg';
import { prepared } from '../postgres/prepared.js';
import { textArray } from '../postgres/arrayLiteral.js';
import { checkCollectionName, checkFieldName, checkLimit } from './names.js';
import type { CollectionOptions, DocumentCollection, DocumentStore, FindQuery, IndexSpec, StoredDocument, Where } from './types.js';

export interface PostgresDocumentStoreOptions {
  readonly connectionString: string;
  /** Schema holding one table per collection (default `read_docs`). */
  readonly schema?: string;
  readonly maxConnections?: number;
}

/**
 * The document store on PostgreSQL JSONB (embedded topology): one table per collection,
 * `(id text primary key, doc jsonb, position text)`, the position guard in the `on conflict … where` clause.
 * Text is compared with collation "C" (bytewise), as MongoDB compares strings.
 */
export function createPostgresDocumentStore(options: PostgresDocumentStoreOptions): DocumentStore {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
  pool.on('error', () => undefined);
  const schema = pg.escapeIdentifier(checkCollectionName(options.schema ?? 'read_docs'));
  const table = (name: string) => `${schema}.${pg.escapeIdentifier(checkCollectionName(name))}`;

  return {
    kind: 'postgres',
    collection: <T extends StoredDocument>(name: string, collectionOptions: CollectionOptions<T>) =>
      postgresCollection<T>(pool, schema, name, table(name), collectionOptions),

    async swap(source, target) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(`drop table if exists ${table(target)}`);
        await client.query(`alter table ${table(source)} rename to ${pg.escapeIdentifier(checkCollectionName(target))}`);
        // Index names carry the table name; rename them, or the next shadow's indexes would collide.
        const { rows } = await client.query<{ name: string }>(
          `select indexname as name from pg_indexes where schemaname = $1 and tablename = $2`,
          [unquote(schema), target],
        );
        for (const { name } of rows)
          if (name.startsWith(`${source}_`))
            await client.query(
              `alter index ${schema}.${pg.escapeIdentifier(name)} rename to ${pg.escapeIdentifier(target + name.slice(source.length))}`,
            );
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },

    close: () => pool.end(),
  };
}

function unquote(identifier: string): string {
  return identifier.slice(1, -1).replaceAll('""', '"');
}

/** `doc->>'field'` compared bytewise; the same expression in indexes and queries, so the planner matches them. */
const member = (field: string) => `((doc->>'${checkFieldName(field)}') collate "C")`;

function postgresCollection<T extends StoredDocument>(
  pool: pg.Pool,
  schema: string,
  name: string,
  table: string,
  { idField, positionField }: CollectionOptions<T>,
): DocumentCollection<T> {
  const where = (filter: Where | undefined, values: unknown[]): string[] =>
    Object.entries(filter ?? {}).map(([field, value]) => {
      values.push(String(value));
      return `${member(field)} = $${values.length}`;
    });

  return {
    name,

    async get(id) {
      const { rows } = await pool.query<{ doc: T }>({ ...prepared(`select doc from ${table} where id = $1`), values: [id] });
      return rows[0]?.doc;
    },

    async getMany(ids) {
      if (ids.length === 0) return [];
      const { rows } = await pool.query<{ doc: T }>({
        ...prepared(`select doc from ${table} where id = any($1::text[])`),
        values: [textArray(ids)],
      });
      return rows.map((r) => r.doc);
    },

    async find(query: FindQuery) {
      const values: unknown[] = [];
      const conditions = where(query.where, values);
      const sort = member(query.sort.field);
      const desc = query.sort.direction === 'desc';
      if (query.range?.from !== undefined) conditions.push(`${sort} >= $${values.push(query.range.from)}`);
      if (query.range?.to !== undefined) conditions.push(`${sort} < $${values.push(query.range.to)}`);
      if (query.after !== undefined)
        conditions.push(`(${sort}, id) ${desc ? '<' : '>'} ($${values.push(query.after.value)}, $${values.push(query.after.id)})`);
      const order = desc ? 'desc' : 'asc';
      const { rows } = await pool.query<{ doc: T }>(
        `select doc from ${table} ${conditions.length === 0 ? '' : `where ${conditions.join(' and ')}`}
          order by ${sort} ${order}, id ${order} limit ${checkLimit(query.limit)}`,
        values,
      );
      return rows.map((r) => r.doc);
    },

    async count(filter) {
      const values: unknown[] = [];
      const conditions = where(filter, values);
      const { rows } = await pool.query<{ n: string }>(
        `select count(*) as n from ${table} ${conditions.length === 0 ? '' : `where ${conditions.join(' and ')}`}`,
        values,
      );
      return Number(rows[0]?.n ?? 0);
    },

    async upsertMany(documents, options = {}) {
      if (documents.length === 0) return { written: 0 };
      const keep = (options.insertOnly ?? []).map(
        // The stored member wins; without one the incoming document's stands (no member is added as null).
        (field) => `case when t.doc ? '${checkFieldName(field)}' then jsonb_build_object('${field}', t.doc->'${field}') else '{}' end`,
      );
      // One JSON array for the whole batch: documents inside arrays of text would each be escaped again as elements.
      const rows = documents.map((doc) => ({ id: String(doc[idField]), doc, position: String(doc[positionField]) }));
      const result = await pool.query({
        ...prepared(`insert into ${table} as t (id, doc, position)
         select * from jsonb_to_recordset($1::jsonb) as u(id text, doc jsonb, position text)
         on conflict (id) do update set doc = excluded.doc${keep.map((k) => ` || ${k}`).join('')},
           position = excluded.position
         where t.position < excluded.position`),
        values: [JSON.stringify(rows)],
      });
      return { written: result.rowCount ?? 0 };
    },

    async update(id, set) {
      const result = await pool.query(`update ${table} set doc = doc || $2::jsonb where id = $1`, [id, JSON.stringify(set)]);
      return result.rowCount === 1;
    },

    async ensure(indexes: readonly IndexSpec[] = []) {
      await pool.query(`create schema if not exists ${schema}`).catch(ignoreConcurrentCreate);
      await pool
        .query(
          `create table if not exists ${table} (id text collate "C" primary key, doc jsonb not null, position text collate "C" not null)`,
        )
        .catch(ignoreConcurrentCreate);
      for (const index of indexes) {
        const columns = index.fields.map((f) => `${member(f.field)} ${f.direction}`);
        const last = index.fields.at(-1)?.direction ?? 'asc';
        await pool
          .query(
            `create index if not exists ${pg.escapeIdentifier(`${name}_${checkFieldName(index.name)}`)} on ${table} (${columns.join(', ')}, id ${last})`,
          )
          .catch(ignoreConcurrentCreate);
      }
    },

    async clear() {
      await pool.query(`truncate ${table}`);
    },

    async drop() {
      await pool.query(`drop table if exists ${table}`);
    },
  };
}

/** Two processes creating the same schema, table or index at once: one of them gets a unique violation; both are fine. */
function ignoreConcurrentCreate(err: unknown): void {
  if (err instanceof pg.DatabaseError && (err.code === '23505' || err.code === '42P07')) return;
  throw err;
}
