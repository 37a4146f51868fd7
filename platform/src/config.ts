import { z } from 'zod';

/** Used only outside production, so that `pnpm start` and `orderflow token` work with nothing configured. */
export const developmentJwtSecret = 'orderflow-development-secret-not-for-production';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

/** The environment every process reads once at boot (DESIGN.md §3); unset URLs mean the embedded defaults. */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    EVENTSTORE_URL: z
      .string()
      .regex(/^(esdb|kurrentdb|postgres|postgresql)(\+discover)?:\/\//, 'must be esdb:// or postgres://')
      .optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be postgres://')
      .optional(),
    MONGO_URL: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must be mongodb://')
      .optional(),
    KAFKA_BROKERS: list,
    HOST: z.string().default('127.0.0.1'),
    COMMAND_PORT: port(3000),
    QUERY_PORT: port(3001),
    GATEWAY_PORT: port(3002),
    /** The payment gateway the saga calls; unset in the embedded topology, which starts the sandbox on GATEWAY_PORT. */
    PAYMENT_GATEWAY_URL: z.url().optional(),
    /** The projection service's operational HTTP (/healthz, /readyz, /metrics) when it runs alone. */
    PROJECTION_PORT: port(3003),
    JWT_SECRET: z.string().min(32, 'must be at least 32 bytes').optional(),
    JWKS_URL: z.url().optional(),
    JWT_ISSUER: z.string().min(1).default('orderflow'),
    JWT_AUDIENCE: z.string().min(1).default('orderflow-api'),
    CORS_ORIGINS: list,
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .max(10 * 1024 * 1024)
      .default(64 * 1024),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** `auto`: compact human lines on a terminal, JSON otherwise. */
    LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
    /** Where spans go; `none` (the default) still puts trace ids in logs and event metadata. */
    OTEL_TRACES_EXPORTER: z.enum(['none', 'console', 'otlp']).default('none'),
    /** OTLP/HTTP base URL, e.g. `http://jaeger:4318` (`/v1/traces` is appended). */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    /** Overrides the service name a process reports its spans under. */
    OTEL_SERVICE_NAME: z.string().min(1).optional(),
  })
  .transform((env, ctx) => {
    const secret = env.JWT_SECRET ?? (env.JWKS_URL === undefined && env.NODE_ENV !== 'production' ? developmentJwtSecret : undefined);
    if (secret === undefined && env.JWKS_URL === undefined)
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'JWT_SECRET or JWKS_URL is required in production' });
    return {
      ...env,
      auth: {
        ...(secret === undefined ? {} : { secret }),
        ...(env.JWKS_URL === undefined ? {} : { jwksUrl: env.JWKS_URL }),
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
      },
      usesDevelopmentSecret: secret === developmentJwtSecret,
    };
  });

export type Config = z.output<typeof configSchema>;

/** Parses the environment once; a bad value stops the process with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(configSchema, env, 'configuration');
}

/**
 * `schema` applied to the environment (a component's own variables, beside `loadConfig`'s); a bad value throws one
 * error naming every problem: `invalid <what>:` then a line per variable.
 */
export function parseEnv<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv, what: string): z.output<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
  throw new Error(`invalid ${what}:\n${problems}`);
}
