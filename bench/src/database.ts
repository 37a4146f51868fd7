import pg from 'pg';

export interface ScratchDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A fresh database on the server of `adminUrl`, dropped (with its connections) by `drop`. */
export async function createScratchDatabase(adminUrl: string, name: string): Promise<ScratchDatabase> {
  await withAdmin(adminUrl, (client) => client.query(`create database ${client.escapeIdentifier(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      await withAdmin(adminUrl, (client) => client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`));
    },
  };
}

export async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(adminUrl);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** After a bulk load: fresh statistics and visibility map, and no checkpoint left pending for the next phase. */
export async function settleDatabase(url: string): Promise<void> {
  await withAdmin(url, async (client) => {
    await client.query('vacuum (analyze)');
    // CHECKPOINT needs superuser or pg_checkpoint; without it the next phase may just meet one.
    await client.query('checkpoint').catch(() => undefined);
  });
}
