import type { Logger } from 'pino';

/**
 * The end of every process entry: on the first SIGINT or SIGTERM run `close` (drain, stop subscriptions, close
 * stores), then exit 0; exit 1 when closing fails.
 */
export function closeOnSignals(logger: Pick<Logger, 'info' | 'error'>, close: () => Promise<unknown>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      logger.info({ signal }, 'draining');
      close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
}
