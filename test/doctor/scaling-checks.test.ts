// doctor for several instances: PostgreSQL connection and schema, Redis, shared Pusher credentials,
// against the real throwaway services; passwords in URLs never printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresSettings } from '../../src/config/connections.js';
import { createContext } from '../../src/doctor/context.js';
import { postgresCheck } from '../../src/doctor/postgres.js';
import { redisCheck, sharedCredentialsCheck } from '../../src/doctor/redis.js';
import { runChecks, selectChecks } from '../../src/doctor/runner.js';
import { toJson } from '../../src/doctor/render.js';
import { PostgresStore } from '../../src/server/store/index.js';
import { PG_SCHEMA_VERSION } from '../../src/server/store/postgres/migrations.js';
import type { Check } from '../../src/doctor/types.js';
import { closedPort } from '../helpers/net.js';
import { createTestDatabase, testRedisUrl } from '../helpers/services.js';

const cwd = mkdtempSync(join(tmpdir(), 'chatctl-doctor-scale-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const run = (check: Check, env: Record<string, string>) => check.run(createContext({ cwd, env, timeoutMs: 3000 }));
const SHARED = { PUSHER_APP_ID: '42', PUSHER_APP_KEY: 'shared-key', PUSHER_APP_SECRET: 'shared-secret-value' };

describe('doctor: PostgreSQL', () => {
  it('skips with SQLite, reports a fresh database and then the current schema', async () => {
    expect(await run(postgresCheck, {})).toEqual({ status: 'skip', detail: 'DB_CONNECTION is sqlite' });
    const database = await createTestDatabase();
    try {
      const env = { DB_CONNECTION: 'pgsql', DB_URL: database.url };
      const fresh = await run(postgresCheck, env);
      expect(fresh.status).toBe('ok');
      expect(fresh.detail).toMatch(new RegExp(`^postgres@127\\.0\\.0\\.1:\\d+/${database.name} \\(PostgreSQL 1\\d\\.\\d+\\): no chatctl schema yet; chatctl serve creates it \\(version ${PG_SCHEMA_VERSION}\\)$`));
      const store = await PostgresStore.open(postgresSettings(env));
      await store.close();
      expect((await run(postgresCheck, env)).detail).toMatch(/, schema version \d+ \(current\)$/);
    } finally {
      await database.drop();
    }
  });

  it('fails with a fix when nothing listens, never printing the password', async () => {
    const port = await closedPort();
    const env = { DB_CONNECTION: 'pgsql', DB_URL: `postgres://app:hunter2secret@127.0.0.1:${port}/chat` };
    const result = await run(postgresCheck, env);
    expect(result).toEqual({
      status: 'fail',
      detail: expect.stringMatching(new RegExp(`^cannot use app@127\\.0\\.0\\.1:${port}/chat: `)),
      fix: 'start PostgreSQL, or point DB_URL (or DB_HOST and DB_PORT) at it',
    });
    const report = toJson(await runChecks(createContext({ cwd, env, timeoutMs: 3000 }), selectChecks(['config', 'database'])));
    expect(JSON.stringify(report)).not.toContain('hunter2secret');
  });
});

describe('doctor: Redis', () => {
  it('skips on one instance and answers PING on the configured Redis', async () => {
    expect(await run(redisCheck, {})).toEqual({ status: 'skip', detail: 'REALTIME_SCALING is not redis (one instance)' });
    const result = await run(redisCheck, { REALTIME_SCALING: 'redis', REDIS_URL: testRedisUrl(), REDIS_PREFIX: 'app_', ...SHARED });
    expect(result.status).toBe('ok');
    expect(result.detail).toMatch(/^redis:\/\/127\.0\.0\.1:\d+ answers PONG \(Redis \d+\.[\d.]+\); keys and bus channels under "app_chatctl:"$/);
  });

  it('fails with a fix when Redis is down, masking the password in the URL', async () => {
    const port = await closedPort();
    const env = { REALTIME_SCALING: 'redis', REDIS_URL: `redis://:s3cretpass@127.0.0.1:${port}`, ...SHARED };
    const result = await run(redisCheck, env);
    expect(result).toMatchObject({ status: 'fail', fix: 'start redis-server, or point REDIS_URL (or REDIS_HOST and REDIS_PORT) at it' });
    expect(result.detail).toMatch(new RegExp(`^cannot reach redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}: `));
    const report = JSON.stringify(toJson(await runChecks(createContext({ cwd, env, timeoutMs: 3000 }), selectChecks(['embedded']))));
    expect(report).not.toContain('s3cretpass');
    expect(report).not.toContain('shared-secret-value');
  });

  it('requires the same explicit Pusher credentials on every scaled instance', async () => {
    expect(await run(sharedCredentialsCheck, { REALTIME_SCALING: 'redis', PUSHER_APP_KEY: 'k' })).toEqual({
      status: 'fail',
      detail: 'REALTIME_SCALING=redis needs the same PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET on every instance (missing: PUSHER_APP_ID, PUSHER_APP_SECRET)',
      fix: 'set PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET to the same values on every instance',
    });
    expect((await run(sharedCredentialsCheck, { REALTIME_SCALING: 'redis', ...SHARED })).status).toBe('ok');
  });
});
