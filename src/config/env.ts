// Reads chatctl's configuration: process environment first, then `.env` (or --env-file),
// using Laravel's variable names so an existing Laravel `.env` works unchanged.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { postgresSettings, redisSettings, trustedProxies, type PostgresSettings, type RedisSettings } from './connections.js';
import { ConfigError } from './errors.js';
import { BooleanValueError, laravelValues, parseBoolean } from './laravel-values.js';
import { connectionLimitsFrom, limitsEnvSchema, type ConnectionLimits } from './limits.js';
import { realtimeLimitsEnv, realtimeLimitsFrom, type RealtimeLimits } from './realtime-limits.js';

export { ConfigError };
export type { PostgresSettings, RedisSettings };
export const DB_CONNECTIONS = ['sqlite', 'pgsql'] as const;
export type DbConnection = (typeof DB_CONNECTIONS)[number];

export const BROADCAST_DRIVERS = ['embedded', 'pusher', 'log', 'null'] as const;
export type BroadcastDriverName = (typeof BROADCAST_DRIVERS)[number];
export const LOCALES = ['en', 'ar'] as const;
export type AppLocale = (typeof LOCALES)[number];

export interface PusherSettings {
  appId?: string;
  key?: string;
  secret?: string;
  cluster?: string;
  host?: string;
  port?: number;
  scheme?: 'http' | 'https';
}

export interface AppConfig {
  host: string;
  port: number;
  /** Public base URL clients use (links, auth endpoint); defaults to http://host:port. */
  appUrl?: string;
  locale: AppLocale;
  /** `sqlite` (the zero-setup default) or `pgsql` (several instances on one database). */
  dbConnection: DbConnection;
  /** The SQLite file; unused with pgsql. */
  databasePath: string;
  postgres?: PostgresSettings;
  /** `redis`: the embedded Pusher servers of all instances share channels and presence through Redis. */
  realtimeScaling: 'none' | 'redis';
  redis?: RedisSettings;
  /** fastify's trustProxy: request.ip is then the client behind these balancers. */
  trustedProxies?: true | string[];
  /** Uploaded attachments; several instances must share it (UPLOADS_PATH). */
  uploadsDir: string;
  /** Holds uploads and the embedded Pusher app credentials; defaults to the database's folder. */
  dataDir: string;
  /** `FULL` fsyncs every commit so an acknowledged message survives power loss too. */
  synchronous: 'FULL' | 'NORMAL';
  broadcastDriver: BroadcastDriverName;
  pusher: PusherSettings;
  maxUploadBytes: number;
  /** HTTP timeouts and connection caps (CHATCTL_MAX_CONNECTIONS, …_PER_IP, CHATCTL_*_TIMEOUT). */
  connections: ConnectionLimits;
  /** Embedded Pusher server limits (CHATCTL_WS_*). */
  realtimeLimits: RealtimeLimits;
  /** Where the values came from, for `doctor` and the ready line. */
  envFile?: string;
}

export type EnvSource = Record<string, string | undefined>;

export interface LoadConfigOptions {
  /** Explicit --env-file; a missing explicit file is an error, a missing default `.env` is not. */
  envFile?: string;
  cwd?: string;
  env?: EnvSource;
  /** Command-line flags win over everything. */
  overrides?: Partial<Pick<AppConfig, 'host' | 'port' | 'databasePath'>>;
}

/** Reads `.env` into a plain map; unreadable explicit files are a ConfigError. */
export function readEnvFile(path: string, required: boolean): EnvSource {
  if (!existsSync(path)) {
    if (required) throw new ConfigError(`The env file ${path} does not exist.`);
    return {};
  }
  try {
    return expandReferences(parseEnv(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new ConfigError(`The env file ${path} could not be read: ${(error as Error).message}.`);
  }
}

/** Laravel's .env allows `${OTHER}` references (e.g. VITE_PUSHER_APP_KEY="${PUSHER_APP_KEY}"). */
function expandReferences(values: EnvSource): EnvSource {
  const out: EnvSource = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = value?.replace(/\$\{([A-Z0-9_]+)\}/gi, (_, name: string) => values[name] ?? process.env[name] ?? '');
  }
  return out;
}

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;

const portSchema = (variable: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d+$/, `${variable} must be a port number between 0 and 65535`)
      .transform(Number)
      .refine((n) => n >= 0 && n <= 65535, `${variable} must be a port number between 0 and 65535`)
      .optional(),
  );

const optionalString = z.preprocess(blankToUndefined, z.string().optional());

const envSchema = z.object({
  HOST: optionalString,
  PORT: portSchema('PORT'),
  APP_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((v) => /^https?:\/\/[^\s/]+/.test(v), 'APP_URL must be an http(s) URL such as http://localhost:8000')
      .optional(),
  ),
  APP_LOCALE: z.preprocess(
    blankToUndefined,
    z.enum(LOCALES, { error: () => `APP_LOCALE must be one of: ${LOCALES.join(', ')}` }).default('en'),
  ),
  DB_CONNECTION: z.preprocess(blankToUndefined, z.string().default('sqlite')),
  DB_DATABASE: optionalString,
  DB_SYNCHRONOUS: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toUpperCase()) : v),
    z.enum(['FULL', 'NORMAL'], { error: () => 'DB_SYNCHRONOUS must be FULL or NORMAL' }).default('FULL'),
  ),
  CHATCTL_DATA_DIR: optionalString,
  UPLOADS_PATH: optionalString,
  CHATCTL_MAX_UPLOAD_MB: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'CHATCTL_MAX_UPLOAD_MB must be a number of megabytes, e.g. 10')
      .transform(Number)
      .refine((n) => n > 0 && n <= 1024, 'CHATCTL_MAX_UPLOAD_MB must be between 0 and 1024')
      .default(10),
  ),
  ...limitsEnvSchema,
  BROADCAST_DRIVER: optionalString,
  BROADCAST_CONNECTION: optionalString,
  PUSHER_APP_ID: optionalString,
  PUSHER_APP_KEY: optionalString,
  PUSHER_APP_SECRET: optionalString,
  PUSHER_APP_CLUSTER: optionalString,
  PUSHER_HOST: optionalString,
  PUSHER_PORT: portSchema('PUSHER_PORT'),
  PUSHER_SCHEME: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(['http', 'https'], { error: () => 'PUSHER_SCHEME must be http or https' }).optional(),
  ),
  ...realtimeLimitsEnv,
});

/** Merges sources: explicit env wins over .env, as Laravel's dotenv never overwrites real env vars. */
export function collectEnv(options: LoadConfigOptions = {}): { values: EnvSource; envFile?: string } {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const envFile = resolve(cwd, options.envFile ?? '.env');
  const fileValues = readEnvFile(envFile, options.envFile !== undefined);
  const values: EnvSource = { ...fileValues };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) values[key] = value;
  // null, empty, true, false (and their parenthesised forms) as Laravel's env() reads them.
  return { values: laravelValues(values), envFile: existsSync(envFile) ? envFile : undefined };
}

export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const cwd = options.cwd ?? process.cwd();
  const { values, envFile } = collectEnv(options);
  const parsed = envSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${issue?.message ?? 'Invalid configuration'}.`);
  }
  const env = parsed.data;

  if (!(DB_CONNECTIONS as readonly string[]).includes(env.DB_CONNECTION)) {
    throw new ConfigError(
      `DB_CONNECTION=${env.DB_CONNECTION} is not supported: chatctl stores data in SQLite or PostgreSQL, so set DB_CONNECTION=sqlite (and DB_DATABASE to a file path), DB_CONNECTION=pgsql (and DB_URL or DB_HOST, DB_DATABASE, ...) or remove it.`,
    );
  }
  const dbConnection = env.DB_CONNECTION as DbConnection;
  const scaling = readScaling(values);

  const driverValue = (env.BROADCAST_DRIVER ?? env.BROADCAST_CONNECTION ?? 'embedded').toLowerCase();
  const driverVariable = env.BROADCAST_DRIVER !== undefined ? 'BROADCAST_DRIVER' : 'BROADCAST_CONNECTION';
  if (!(BROADCAST_DRIVERS as readonly string[]).includes(driverValue)) {
    throw new ConfigError(
      `${driverVariable}=${driverValue} is not a broadcasting driver chatctl knows; use one of: ${BROADCAST_DRIVERS.join(', ')}.`,
    );
  }

  // With pgsql, DB_DATABASE names the PostgreSQL database, not a file.
  const sqliteFile = dbConnection === 'sqlite' ? env.DB_DATABASE : undefined;
  const databasePath = resolve(cwd, options.overrides?.databasePath ?? sqliteFile ?? 'database/chat.sqlite');
  const dataDir = resolve(cwd, env.CHATCTL_DATA_DIR ?? dirname(databasePath));
  return {
    host: options.overrides?.host ?? env.HOST ?? '127.0.0.1',
    port: options.overrides?.port ?? env.PORT ?? 8000,
    appUrl: env.APP_URL?.replace(/\/+$/, ''),
    locale: env.APP_LOCALE,
    dbConnection,
    databasePath,
    ...(dbConnection === 'pgsql' ? { postgres: postgresSettings(values) } : {}),
    realtimeScaling: scaling,
    ...(scaling === 'redis' ? { redis: redisSettings(values) } : {}),
    ...(() => {
      const proxies = trustedProxies(values.TRUSTED_PROXIES);
      return proxies === undefined ? {} : { trustedProxies: proxies };
    })(),
    uploadsDir: resolve(cwd, env.UPLOADS_PATH ?? join(dataDir, 'uploads')),
    dataDir,
    synchronous: env.DB_SYNCHRONOUS,
    broadcastDriver: driverValue as BroadcastDriverName,
    pusher: {
      appId: env.PUSHER_APP_ID,
      key: env.PUSHER_APP_KEY,
      secret: env.PUSHER_APP_SECRET,
      cluster: env.PUSHER_APP_CLUSTER,
      host: env.PUSHER_HOST,
      port: env.PUSHER_PORT,
      scheme: env.PUSHER_SCHEME,
    },
    maxUploadBytes: Math.round(env.CHATCTL_MAX_UPLOAD_MB * 1024 * 1024),
    connections: connectionLimitsFrom(env),
    realtimeLimits: realtimeLimitsFrom(env),
    envFile,
  };
}

/** REALTIME_SCALING=redis, or Reverb's REVERB_SCALING_ENABLED=true, shares realtime through Redis. */
function readScaling(values: EnvSource): AppConfig['realtimeScaling'] {
  const mode = values.REALTIME_SCALING?.trim().toLowerCase() ?? '';
  if (mode !== '' && !['redis', 'none', 'false'].includes(mode)) {
    throw new ConfigError(`REALTIME_SCALING=${mode} is not a scaling mode chatctl knows; use redis, or none for one instance.`);
  }
  let reverb: boolean | undefined;
  try {
    reverb = parseBoolean('REVERB_SCALING_ENABLED', values.REVERB_SCALING_ENABLED);
  } catch (error) {
    if (error instanceof BooleanValueError) throw new ConfigError(`${error.message}.`);
    throw error;
  }
  return mode === 'redis' || (mode === '' && reverb === true) ? 'redis' : 'none';
}
