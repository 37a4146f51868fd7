/**
 * The ceiling of `pnpm bench query`: fastify's own hello-world (its benchmark's `{ hello: 'world' }` route, no
 * plugins, no logger), on the port given as the first argument; reports readiness over IPC.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', () => ({ hello: 'world' }));
await app.listen({ host: '127.0.0.1', port: Number(process.argv[2]) });
process.send?.('ready');
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
