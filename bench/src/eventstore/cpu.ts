import { readFile } from 'node:fs/promises';
import { round } from '../stats.js';
import { withAdmin } from '../database.js';

/** CPU time spent on a phase's operations, per operation: it holds still when other work shares the machine. */
export interface CpuFigures {
  /** This worker process (the store's client, plus the benchmark's own small part: events, timing). */
  nodeUs: number;
  /** The server processes of the phase's database; absent when the server is not on this machine. */
  serverUs?: number;
}

export interface CpuSampler {
  stop(operations: number): Promise<CpuFigures>;
}

const ticksPerSecond = 100; // USER_HZ on Linux

/**
 * Starts counting CPU time: this process through `process.cpuUsage()`, and the server's backends connected to the
 * database of `url` through /proc/<pid>/stat, which works when PostgreSQL runs on this machine (the embedded and
 * local-infrastructure servers). Backends that end during the phase are not counted.
 */
export async function startCpuSampler(url: string): Promise<CpuSampler> {
  const node = process.cpuUsage();
  const before = await serverTicks(url);
  return {
    async stop(operations) {
      const used = process.cpuUsage(node);
      const after = await serverTicks(url);
      const figures: CpuFigures = { nodeUs: round((used.user + used.system) / Math.max(1, operations)) };
      if (before !== undefined && after !== undefined) {
        let ticks = 0;
        for (const [pid, total] of after) ticks += total - (before.get(pid) ?? 0);
        figures.serverUs = round((ticks * (1_000_000 / ticksPerSecond)) / Math.max(1, operations));
      }
      return figures;
    },
  };
}

async function serverTicks(url: string): Promise<Map<number, number> | undefined> {
  const pids = await withAdmin(url, async (client) => {
    const { rows } = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    return rows.map((row) => row.pid);
  });
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) continue;
    // A pid of a server on another machine may name an unrelated process here.
    if (!stat.includes('(postgres)')) continue;
    // Fields after the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks.set(pid, Number(fields[11]) + Number(fields[12]));
  }
  return pids.length > 0 && ticks.size === 0 ? undefined : ticks;
}
