import type { FastifyInstance } from 'fastify';

/**
 * Lets `app.close()` finish while clients hold keep-alive connections. Fastify closes the connections that are idle
 * when it starts closing; one whose request was still running becomes idle a moment later and would keep the server
 * open until the client's keep-alive timeout (72 s with Node's defaults). While closing, every response says
 * `Connection: close`, and connections that went idle are closed every 100 ms until the server has closed.
 */
export function drainOnClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('onRequest', (_request, reply, done) => {
    if (closing) void reply.header('connection', 'close');
    done();
  });
  app.addHook('preClose', (done) => {
    closing = true;
    const sweep = setInterval(() => {
      app.server.closeIdleConnections();
    }, 100);
    sweep.unref();
    app.server.once('close', () => {
      clearInterval(sweep);
    });
    done();
  });
}
