import { z } from 'zod';

/**
 * Environment variables understood by every process. This is the only module that reads
 * `process.env`; entry points call {@link loadConfig} once at start-up and pass the result on.
 */
export const envSchema = z.object({
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. For Redis Cluster: comma-separated node URLs with REDIS_CLUSTER=true. */
  REDIS_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).default('redis://127.0.0.1:6379')),
  /** Treat REDIS_URL as a list of Redis Cluster seed nodes. Default false. */
  REDIS_CLUSTER: z.stringbool().default(false),
  /** Prefix of every key this system writes (datasets, models, uploads). Default `ml`. */
  KEY_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default('ml'),
  /** Log level for pino. Default `info`. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Workers touch this file while healthy (container health checks read its age). Default: none. */
  HEARTBEAT_FILE: z.string().min(1).optional(),
});

/** Parsed configuration shared by all processes. */
export type BaseConfig = z.infer<typeof envSchema>;

/** Raised when the environment is invalid; the message lists every bad variable. */
export class ConfigError extends Error {}

/**
 * Parses `env` against `schema` and fails fast with one line per bad variable.
 * @param schema - a zod object schema (extend {@link envSchema} for a process's own variables)
 * @param env - the environment; default `process.env`
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/**
 * {@link loadConfig} for an entry point: on a bad environment it prints the one-line-per-
 * variable message (no stack trace) to stderr and exits with code 2.
 */
export function loadConfigOrExit<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}
