import { buildSandboxApp, type SandboxControls, type SandboxOptions } from './sandboxApp.js';
import type { HttpApp } from '@orderflow/platform';

export interface StartSandboxOptions extends SandboxOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly host?: string;
}

export interface RunningSandboxGateway extends SandboxControls {
  /** `http://host:port`, the client's `baseUrl`. */
  readonly url: string;
  readonly port: number;
  readonly app: HttpApp;
  close(): Promise<void>;
}

/** Starts the sandbox payment gateway on a port (embedded in `orderflow start`, or alone via its server.ts). */
export async function startSandboxGateway(options: StartSandboxOptions): Promise<RunningSandboxGateway> {
  const { app, controls } = await buildSandboxApp(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return { ...controls, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, app, close: () => app.close() };
}
