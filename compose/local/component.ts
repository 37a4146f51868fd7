/** Where the local infrastructure keeps its state; everything lives under `<repo>/.infra` (git-ignored). */
export interface InfraContext {
  readonly root: string;
  readonly stateDir: string;
  readonly logDir: string;
  readonly log: (message: string) => void;
}

export interface ComponentStatus {
  readonly name: string;
  readonly running: boolean;
  readonly listen: string;
  readonly logFile: string;
  readonly version: string;
  /** Connection settings written to the env file for tests and scripts. */
  readonly env: Readonly<Record<string, string>>;
}

export interface InfraComponent {
  readonly name: string;
  /** Provisions (once) and starts the server; a no-op when it is already running and healthy. */
  up(ctx: InfraContext): Promise<ComponentStatus & { readonly alreadyRunning: boolean }>;
  down(ctx: InfraContext): Promise<string>;
  status(ctx: InfraContext): Promise<ComponentStatus>;
}

export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number.parseInt(raw, 10);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`${name}=${raw} is not a TCP port`);
  return port;
}
