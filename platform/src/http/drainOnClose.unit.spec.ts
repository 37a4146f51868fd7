import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './createHttpApp.js';

const auth = { secret: 'a-development-secret-of-at-least-32-bytes', issuer: 'orderflow-test', audience: 'orderflow-api' };

function get(port: number, agent: Agent, path: string): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('closing the HTTP skeleton while clients keep connections alive', () => {
  it('lets a running request finish, then closes its keep-alive connection instead of waiting for the client', async () => {
    const app = await createHttpApp({ title: 'test', version: '0.0.0', auth, logger: false });
    // The slow request is held in its handler until the server has begun to close.
    let reached: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (reached = resolve));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    app.get('/slow', async () => {
      reached();
      await released;
      return { ok: true };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    // A keep-alive client that never hangs up on its own within the test.
    const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    expect((await get(address.port, agent, '/healthz')).status).toBe(200);
    const running = get(address.port, agent, '/slow');
    await inHandler;

    const started = Date.now();
    const closing = app.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await closing;
    const answer = await running;
    agent.destroy();

    expect(answer.status).toBe(200);
    // Not the client's keep-alive (60 s): the server closed the connection once the request was answered.
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
