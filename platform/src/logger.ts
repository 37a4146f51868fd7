import { pino, type Logger } from 'pino';

/** pino JSON logs, one object per line; credentials never reach them. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.secret'], censor: '[redacted]' },
  });
}
