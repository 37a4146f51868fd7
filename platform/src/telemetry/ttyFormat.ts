import type { DestinationStream } from 'pino';

const levels: Record<number, [label: string, color: number]> = {
  10: ['TRACE', 90],
  20: ['DEBUG', 36],
  30: ['INFO ', 32],
  40: ['WARN ', 33],
  50: ['ERROR', 31],
  60: ['FATAL', 35],
};
const hidden = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'err']);

/**
 * One pino JSON line as a compact human line: `12:00:01.234 INFO  command-service  message  key=value …`, the error
 * stack under it. Written here rather than adding pino-pretty (and its dozen dependencies) for a development nicety.
 */
export function formatLogLine(line: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const [label, code] = levels[Number(entry.level)] ?? ['LOG  ', 0];
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const fields = Object.entries(entry)
    .filter(([key]) => !hidden.has(key))
    .map(([key, value]) => `${paint(90, `${key}=`)}${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const service = typeof entry.service === 'string' ? `${paint(90, entry.service)}  ` : '';
  const msg = typeof entry.msg === 'string' ? entry.msg : '';
  const err = entry.err as { stack?: unknown } | undefined;
  const stack = typeof err?.stack === 'string' ? `\n${paint(90, err.stack)}` : '';
  return `${paint(90, time)} ${paint(code, label)} ${service}${msg}${fields.length === 0 ? '' : `  ${fields.join(' ')}`}${stack}\n`;
}

/** A pino destination that writes formatted lines to a terminal stream. */
export function ttyDestination(out: NodeJS.WriteStream = process.stdout): DestinationStream {
  return { write: (line: string) => out.write(formatLogLine(line, out.hasColors())) };
}
