// Configuration for several instances: Laravel's names and literal values, read exactly as Laravel does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { maskUrl } from '../../src/config/connections.js';
import { missingSharedCredentials } from '../../src/server/scale/shared-credentials.js';

const dir = mkdtempSync(join(tmpdir(), 'chatctl-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const load = (env: Record<string, string>) => loadConfig({ cwd: dir, env });

describe('DB_CONNECTION=pgsql', () => {
  it('stays SQLite with no setup', () => {
    const config = load({});
    expect(config.dbConnection).toBe('sqlite');
    expect(config.postgres).toBeUndefined();
    expect(config.realtimeScaling).toBe('none');
    expect(config.redis).toBeUndefined();
    expect(config.databasePath).toBe(join(dir, 'database/chat.sqlite'));
    expect(config.uploadsDir).toBe(join(dir, 'database/uploads'));
  });

  it('reads DB_HOST, DB_PORT, DB_DATABASE, DB_USERNAME, DB_PASSWORD, DB_SSLMODE with Laravel defaults', () => {
    expect(load({ DB_CONNECTION: 'pgsql' }).postgres).toEqual({
      host: '127.0.0.1', port: 5432, database: 'laravel', user: 'root', sslmode: 'prefer', source: 'DB_HOST',
    });
    const config = load({
      DB_CONNECTION: 'pgsql', DB_HOST: 'db.internal', DB_PORT: '6432', DB_DATABASE: 'chat', DB_USERNAME: 'app', DB_PASSWORD: 's3cret', DB_SSLMODE: 'require',
    });
    expect(config.postgres).toEqual({ host: 'db.internal', port: 6432, database: 'chat', user: 'app', password: 's3cret', sslmode: 'require', source: 'DB_HOST' });
    // DB_DATABASE names the PostgreSQL database here, not a file.
    expect(config.databasePath).toBe(join(dir, 'database/chat.sqlite'));
  });

  it.each(['postgres', 'postgresql', 'pgsql'])('accepts DB_URL with the %s:// scheme, winning over DB_* part by part', (scheme) => {
    const config = load({ DB_CONNECTION: 'pgsql', DB_URL: `${scheme}://chat%40app:p%3Ass@10.0.0.5/chatdb?sslmode=verify-full`, DB_PORT: '7000', DB_USERNAME: 'ignored' });
    expect(config.postgres).toEqual({ host: '10.0.0.5', port: 7000, database: 'chatdb', user: 'chat@app', password: 'p:ss', sslmode: 'verify-full', source: 'DB_URL' });
  });

  it('falls back to DATABASE_URL, and DB_URL wins over it', () => {
    expect(load({ DB_CONNECTION: 'pgsql', DATABASE_URL: 'postgres://u@h:1234/d' }).postgres).toMatchObject({ host: 'h', port: 1234, database: 'd', user: 'u', source: 'DATABASE_URL' });
    expect(load({ DB_CONNECTION: 'pgsql', DATABASE_URL: 'postgres://u@h/d', DB_URL: 'postgres://v@k/e' }).postgres).toMatchObject({ host: 'k', user: 'v', source: 'DB_URL' });
  });

  it.each([
    [{ DB_URL: 'mysql://u@h/d' }, 'DB_URL must start with postgres://, postgresql://, pgsql:// (for example postgres://user:password@127.0.0.1:5432/chat), not mysql://.'],
    [{ DB_URL: 'not a url' }, 'DB_URL is not a URL; use the form postgres://user:password@127.0.0.1:5432/chat.'],
    [{ DB_PORT: 'abc' }, 'DB_PORT must be a port number between 1 and 65535.'],
    [{ DB_SSLMODE: 'sometimes' }, 'DB_SSLMODE must be one of: disable, allow, prefer, require, verify-ca, verify-full.'],
  ])('refuses %j in one sentence', (env, message) => {
    expect(() => load({ DB_CONNECTION: 'pgsql', ...env })).toThrow(message);
  });

  it('names both engines for an unknown connection', () => {
    expect(() => load({ DB_CONNECTION: 'mysql' })).toThrow(
      'DB_CONNECTION=mysql is not supported: chatctl stores data in SQLite or PostgreSQL, so set DB_CONNECTION=sqlite (and DB_DATABASE to a file path), DB_CONNECTION=pgsql (and DB_URL or DB_HOST, DB_DATABASE, ...) or remove it.',
    );
  });
});

describe('REALTIME_SCALING=redis', () => {
  it('reads REDIS_HOST, REDIS_PORT, REDIS_USERNAME, REDIS_PASSWORD, REDIS_DB and Laravel’s default prefix', () => {
    expect(load({ REALTIME_SCALING: 'redis' }).redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'laravel_database_' });
    expect(load({ REALTIME_SCALING: 'redis', APP_NAME: 'My Chat', REDIS_HOST: 'cache', REDIS_PORT: '6380', REDIS_USERNAME: 'app', REDIS_PASSWORD: 'p@ss', REDIS_DB: '2' }).redis).toEqual({
      url: 'redis://app:p%40ss@cache:6380/2', prefix: 'my_chat_database_',
    });
  });

  it('prefers REDIS_URL and keeps an explicit REDIS_PREFIX, even an empty one', () => {
    expect(load({ REALTIME_SCALING: 'redis', REDIS_URL: 'rediss://:pw@r.example:6390/1', REDIS_HOST: 'ignored', REDIS_PREFIX: 'chat:' }).redis).toEqual({
      url: 'rediss://:pw@r.example:6390/1', prefix: 'chat:',
    });
    expect(load({ REALTIME_SCALING: 'redis', REDIS_PREFIX: '' }).redis?.prefix).toBe('');
  });

  it('is also turned on by Reverb’s REVERB_SCALING_ENABLED=true, and off by none', () => {
    expect(load({ REVERB_SCALING_ENABLED: 'true' }).realtimeScaling).toBe('redis');
    expect(load({ REVERB_SCALING_ENABLED: '(true)' }).realtimeScaling).toBe('redis');
    expect(load({ REVERB_SCALING_ENABLED: 'false' }).realtimeScaling).toBe('none');
    expect(load({ REALTIME_SCALING: 'none', REVERB_SCALING_ENABLED: 'true' }).realtimeScaling).toBe('none');
    expect(() => load({ REVERB_SCALING_ENABLED: 'maybe' })).toThrow('REVERB_SCALING_ENABLED must be true or false, not "maybe".');
    expect(() => load({ REALTIME_SCALING: 'kafka' })).toThrow('REALTIME_SCALING=kafka is not a scaling mode chatctl knows; use redis, or none for one instance.');
    expect(() => load({ REALTIME_SCALING: 'redis', REDIS_URL: 'http://x' })).toThrow('REDIS_URL must start with redis://, rediss://');
  });

  it('refuses a scaled instance without explicit, shared Pusher credentials', () => {
    const scaled = load({ REALTIME_SCALING: 'redis', PUSHER_APP_ID: '1', PUSHER_APP_KEY: 'k' });
    expect(missingSharedCredentials(scaled)).toBe(
      'REALTIME_SCALING=redis needs the same PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET on every instance (missing: PUSHER_APP_SECRET); set them in .env (run `chatctl doctor` to check).',
    );
    expect(missingSharedCredentials(load({ REALTIME_SCALING: 'redis', PUSHER_APP_ID: '1', PUSHER_APP_KEY: 'k', PUSHER_APP_SECRET: 's' }))).toBeUndefined();
    expect(missingSharedCredentials(load({}))).toBeUndefined();
  });

  it('masks passwords in URLs', () => {
    expect(maskUrl('redis://app:p%40ss@cache:6380/2')).toBe('redis://app:***@cache:6380/2');
    expect(maskUrl('postgres://u:secret@h/d')).toBe('postgres://u:***@h/d');
    expect(maskUrl('redis://cache:6379')).toBe('redis://cache:6379');
  });
});

describe('Laravel .env literals', () => {
  it('reads null, (null), empty, (empty), true, false as Laravel does, in .env files and the environment', () => {
    const envDir = mkdtempSync(join(dir, 'envfile-'));
    writeFileSync(join(envDir, '.env'), 'REALTIME_SCALING=redis\nREDIS_PASSWORD=null\nREDIS_USERNAME=(null)\nREDIS_PREFIX=(empty)\nPUSHER_APP_CLUSTER=empty\nAPP_URL=null\n');
    const config = loadConfig({ cwd: envDir, env: {} });
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: '' });
    expect(config.pusher.cluster).toBeUndefined();
    expect(config.appUrl).toBeUndefined();
    expect(loadConfig({ cwd: envDir, env: { REDIS_PASSWORD: 'NULL', REVERB_SCALING_ENABLED: '(false)', REALTIME_SCALING: '(null)' } }).realtimeScaling).toBe('none');
  });
});

describe('driver names', () => {
  it('keeps null as a driver name where it is one (BROADCAST_DRIVER=null is the null broadcaster)', () => {
    expect(load({ BROADCAST_DRIVER: 'null' }).broadcastDriver).toBe('null');
    expect(load({ BROADCAST_CONNECTION: '(null)' }).broadcastDriver).toBe('null');
  });
});

describe('TRUSTED_PROXIES and UPLOADS_PATH', () => {
  it('reads * and address lists, refusing anything else', () => {
    expect(load({}).trustedProxies).toBeUndefined();
    expect(load({ TRUSTED_PROXIES: '*' }).trustedProxies).toBe(true);
    expect(load({ TRUSTED_PROXIES: ' 10.0.0.0/8, 127.0.0.1 ,::1' }).trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(() => load({ TRUSTED_PROXIES: 'balancer.local' })).toThrow(
      'TRUSTED_PROXIES must be * or a comma-separated list of addresses or CIDR ranges (e.g. 10.0.0.0/8,127.0.0.1), not "balancer.local".',
    );
    expect(() => load({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow('not "10.0.0.0/33"');
  });

  it('puts uploads in UPLOADS_PATH when set', () => {
    expect(load({ UPLOADS_PATH: '/srv/shared/uploads' }).uploadsDir).toBe('/srv/shared/uploads');
    expect(load({ UPLOADS_PATH: 'shared' }).uploadsDir).toBe(join(dir, 'shared'));
  });
});
