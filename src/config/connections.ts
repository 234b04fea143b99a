// The networked services chatctl can scale out on, read with Laravel's variable names:
// PostgreSQL (config/database.php `pgsql`), Redis (`redis.default`) and TRUSTED_PROXIES.
import { isIP } from 'node:net';
import type { EnvSource } from './env.js';
import { ConfigError } from './errors.js';

export const PG_SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type PgSslMode = (typeof PG_SSL_MODES)[number];

export interface PostgresSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  sslmode: PgSslMode;
  /** Which variables it came from, for messages (never the password). */
  source: 'DB_URL' | 'DATABASE_URL' | 'DB_HOST';
}

export interface RedisSettings {
  /** redis:// or rediss:// URL for the client, password included (never print it: see maskUrl). */
  url: string;
  /** Prefix for every key and bus channel, as Laravel's REDIS_PREFIX. */
  prefix: string;
}

const nonBlank = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

function parsePort(variable: string, value: string | undefined, fallback: number): number {
  const raw = nonBlank(value);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw new ConfigError(`${variable} must be a port number between 1 and 65535.`);
  }
  return Number(raw);
}

function parseUrl(variable: string, value: string, schemes: readonly string[], example: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${variable} is not a URL; use the form ${example}.`);
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (!schemes.includes(scheme)) {
    throw new ConfigError(`${variable} must start with ${schemes.map((s) => `${s}://`).join(', ')} (for example ${example}), not ${scheme}://.`);
  }
  return url;
}

const decode = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

function sslMode(variable: string, value: string | undefined): PgSslMode {
  const raw = nonBlank(value)?.toLowerCase() ?? 'prefer';
  if (!(PG_SSL_MODES as readonly string[]).includes(raw)) {
    throw new ConfigError(`${variable} must be one of: ${PG_SSL_MODES.join(', ')}.`);
  }
  return raw as PgSslMode;
}

/** DB_URL (Laravel 11+) or DATABASE_URL win part by part over DB_HOST, DB_PORT, ... as in Laravel. */
export function postgresSettings(env: EnvSource): PostgresSettings {
  const urlVariable = nonBlank(env.DB_URL) !== undefined ? 'DB_URL' : nonBlank(env.DATABASE_URL) !== undefined ? 'DATABASE_URL' : undefined;
  const settings: PostgresSettings = {
    host: nonBlank(env.DB_HOST) ?? '127.0.0.1',
    port: parsePort('DB_PORT', env.DB_PORT, 5432),
    database: nonBlank(env.DB_DATABASE) ?? 'laravel',
    user: nonBlank(env.DB_USERNAME) ?? 'root',
    ...(env.DB_PASSWORD !== undefined && env.DB_PASSWORD !== '' ? { password: env.DB_PASSWORD } : {}),
    sslmode: sslMode('DB_SSLMODE', env.DB_SSLMODE),
    source: urlVariable ?? 'DB_HOST',
  };
  if (!urlVariable) return settings;
  const url = parseUrl(urlVariable, nonBlank(env[urlVariable]) as string, ['postgres', 'postgresql', 'pgsql'], 'postgres://user:password@127.0.0.1:5432/chat');
  if (url.hostname) settings.host = decode(url.hostname.replace(/^\[|\]$/g, ''));
  if (url.port) settings.port = parsePort(urlVariable, url.port, settings.port);
  const database = decode(url.pathname.replace(/^\//, ''));
  if (database) settings.database = database;
  if (url.username) settings.user = decode(url.username);
  if (url.password) settings.password = decode(url.password);
  const mode = url.searchParams.get('sslmode');
  if (mode !== null) settings.sslmode = sslMode(`${urlVariable}'s sslmode`, mode);
  return settings;
}

/** Laravel's default prefix: Str::slug(APP_NAME, '_').'_database_'. */
function defaultRedisPrefix(appName: string | undefined): string {
  const slug = (nonBlank(appName) ?? 'Laravel')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `${slug || 'laravel'}_database_`;
}

export function redisSettings(env: EnvSource): RedisSettings {
  const prefix = env.REDIS_PREFIX !== undefined ? env.REDIS_PREFIX.trim() : defaultRedisPrefix(env.APP_NAME);
  const dbRaw = nonBlank(env.REDIS_DB);
  if (dbRaw !== undefined && !/^\d{1,5}$/.test(dbRaw)) throw new ConfigError('REDIS_DB must be a database number such as 0.');
  const rawUrl = nonBlank(env.REDIS_URL);
  const url = rawUrl
    ? parseUrl('REDIS_URL', rawUrl, ['redis', 'rediss'], 'redis://127.0.0.1:6379')
    : new URL(`redis://${bracket(nonBlank(env.REDIS_HOST) ?? '127.0.0.1')}:${parsePort('REDIS_PORT', env.REDIS_PORT, 6379)}`);
  // Separate variables fill what the URL leaves out (Laravel merges them the same way).
  if (!url.username && nonBlank(env.REDIS_USERNAME)) url.username = encodeURIComponent(nonBlank(env.REDIS_USERNAME) as string);
  if (!url.password && env.REDIS_PASSWORD !== undefined && env.REDIS_PASSWORD !== '') url.password = encodeURIComponent(env.REDIS_PASSWORD);
  if ((url.pathname === '' || url.pathname === '/') && dbRaw !== undefined) url.pathname = `/${Number(dbRaw)}`;
  return { url: url.toString(), prefix };
}

function bracket(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** `*` trusts every hop (behind a balancer you control); otherwise addresses or CIDR ranges. */
export function trustedProxies(value: string | undefined): true | string[] | undefined {
  const raw = nonBlank(value);
  if (raw === undefined) return undefined;
  if (raw === '*' || raw === '**') return true;
  const entries = raw.split(',').map((part) => part.trim()).filter((part) => part !== '');
  for (const entry of entries) {
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (family === 0 || !validBits || extra !== undefined) {
      throw new ConfigError(`TRUSTED_PROXIES must be * or a comma-separated list of addresses or CIDR ranges (e.g. 10.0.0.0/8,127.0.0.1), not "${entry.slice(0, 60)}".`);
    }
  }
  return entries.length > 0 ? entries : undefined;
}

/** A URL for messages: the password replaced by ***. */
export function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value.replace(/:\/\/([^:/@]*):[^@/]*@/, '://$1:***@');
  }
}
