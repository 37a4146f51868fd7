import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * kafkajs logs through pino at debug level: while a broker is down it logs every failed connection, and the
 * components above it already log the outage once, with its backoff, at warn.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  const log = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log: { message, ...extra } }: LogEntry) => {
      if (level === logLevel.NOTHING) return;
      log.debug({ kafkaLevel: logLevel[level], ...extra }, message);
    };
}
