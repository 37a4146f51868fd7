import type { FastifyInstance } from 'fastify';
import type { RunningProcessor } from '../processing/types.js';
import { HttpProblem, problemContentType, toProblemBody } from './problem.js';

/** One dependency `/readyz` asks about: resolves when it is usable; rejects, or resolves `false`, when not. */
export interface ReadinessCheck {
  /** Named in the answer: `postgres`, `migrations`, `eventstore`, `processor:order-history`, … */
  readonly name: string;
  readonly check: () => Promise<unknown>;
  /** A check slower than this fails (default 2000 ms). */
  readonly timeoutMs?: number;
}

export type CheckOutcome = 'ok' | 'failed' | 'timeout';

declare module 'fastify' {
  interface FastifyInstance {
    /** Adds a `/readyz` check after the app is built (e.g. "processors owned" once the runtime started). */
    addReadinessCheck(check: ReadinessCheck): void;
  }
}

async function run(check: ReadinessCheck, log: FastifyInstance['log']): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, check.timeoutMs ?? 2_000);
  });
  try {
    const passed = check.check().then((value): CheckOutcome => (value === false ? 'failed' : 'ok'));
    const outcome = await Promise.race([passed, timeout]);
    if (outcome !== 'ok') log.warn({ check: check.name, outcome }, 'readiness check failed');
    return outcome;
  } catch (err) {
    log.warn({ err, check: check.name }, 'readiness check failed');
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/healthz`: the process is up (no dependency asked, so a restart loop never starts over a database outage).
 * `/readyz`: every check passes → 200 `{ status: 'ready', checks }`; otherwise 503 problem+json `not_ready` naming
 * the failing checks (errors are logged, never sent: the route is unauthenticated).
 */
export function installHealth(app: FastifyInstance, initial: readonly ReadinessCheck[] = []): void {
  const checks = [...initial];
  app.decorate('addReadinessCheck', (check: ReadinessCheck) => {
    checks.push(check);
  });
  const ops = { schema: { hide: true }, config: { rateLimit: false } } as const;
  app.get('/healthz', ops, () => ({ status: 'ok' }));
  app.get('/readyz', ops, async (request, reply) => {
    const outcomes = await Promise.all(checks.map(async (c) => [c.name, await run(c, request.log)] as const));
    const failing = outcomes.filter(([, outcome]) => outcome !== 'ok').map(([name]) => name);
    const body = Object.fromEntries(outcomes);
    if (failing.length === 0) return reply.send({ status: 'ready', checks: body });
    const problem = new HttpProblem(503, 'not_ready', 'Not ready', `failing: ${failing.join(', ')}`, { failing, checks: body });
    return reply.status(503).type(problemContentType).send(toProblemBody(problem, request.url));
  });
}

/**
 * `/readyz` check `processors`: every processor of this process is still running — holding its lease, or standing by
 * to take over when the holder dies (a standby is ready: scaling out must not turn instances unready). Fails once one
 * has ended (stopped, or gave up on a poison event in strict mode).
 */
export function processorsReadiness(processors: readonly Pick<RunningProcessor, 'name' | 'finished'>[]): ReadinessCheck {
  const ended = new Set<string>();
  for (const processor of processors)
    void processor.finished.then(() => {
      ended.add(processor.name);
    });
  return { name: 'processors', check: () => Promise.resolve(ended.size === 0) };
}
