import { describe, expect, it } from 'vitest';
import { formatLogLine } from './ttyFormat.js';

describe('the terminal log format', () => {
  it('prints time, level, service, message and the remaining fields, the stack under the line', () => {
    const line = JSON.stringify({
      level: 50,
      time: Date.parse('2025-01-02T03:04:05.678Z'),
      pid: 1,
      hostname: 'h',
      service: 'command-service',
      msg: 'append failed',
      orderId: 'o-1',
      attempts: 3,
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' },
    });
    expect(formatLogLine(line, false)).toBe(
      '03:04:05.678 ERROR command-service  append failed  orderId=o-1 attempts=3\nError: boom\n    at x\n',
    );
    expect(formatLogLine(line, true)).toContain('\u001b[31mERROR\u001b[0m');
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(formatLogLine('plain text\n', false)).toBe('plain text\n');
  });
});
