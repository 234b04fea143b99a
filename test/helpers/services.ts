// The throwaway PostgreSQL and Redis that scripts/test-services.mjs starts for the suite.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

function required(name: 'CHATCTL_TEST_PG_URL' | 'CHATCTL_TEST_REDIS_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through vitest (its globalSetup starts PostgreSQL and Redis).`);
  return value;
}

export const testRedisUrl = (): string => required('CHATCTL_TEST_REDIS_URL');

/** A fresh, empty database for one test (or one e2e cluster); returns its URL and a drop function. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const admin = required('CHATCTL_TEST_PG_URL');
  const name = `chatctl_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
