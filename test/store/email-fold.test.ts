// Issue 7 item 10: e-mails are unique after NFC normalisation and a full case fold, through a
// stored key (schema version 2); a database that already holds such duplicates is migrated
// without touching them, and they are reported instead of failing on a constraint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { foldEmail } from '../../src/shared/email.js';
import { EmailTakenError, SqliteStore } from '../../src/server/store/index.js';
import { MIGRATIONS } from '../../src/server/store/sqlite/migrations.js';
import { api, startTestServer } from '../helpers/server.js';

const PAIRS: Array<[string, string]> = [
  ['zoë@example.test', 'ZOË@example.test'],
  ['straße@example.de', 'STRASSE@example.de'],
  ['jos\u00e9@example.test', 'jose\u0301@example.test'], // NFC and NFD
  ['ANN@Example.Test', 'ann@example.test'],
];

describe('e-mail folding', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatctl-fold-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(PAIRS)('foldEmail(%s) equals foldEmail(%s)', (a, b) => {
    expect(foldEmail(a)).toBe(foldEmail(b));
  });

  it.each(PAIRS)('the store refuses %s after %s is taken, and finds it by either form', async (first, second) => {
    const store = new SqliteStore(':memory:');
    const user = await store.createUser({ name: 'A', email: first, passwordHash: 'x' });
    await expect(store.createUser({ name: 'B', email: second, passwordHash: 'x' })).rejects.toBeInstanceOf(EmailTakenError);
    expect((await store.findUserByEmail(second))?.id).toBe(user.id);
    expect((await store.findUserByEmail(first))?.email).toBe(first); // stored as typed
    expect((await store.listUsers({ search: second, limit: 5 })).map((u) => u.id)).toEqual([user.id]);
    await store.close();
  });

  it('over HTTP: register ZOË after zoë is a 422, and login works with any form', async () => {
    const server = await startTestServer();
    try {
      const first = await api(server, 'POST', '/api/register', { json: { name: 'Zoë', email: 'zoë@fold.test', password: 'secret-password' } });
      expect(first.status).toBe(201);
      for (const email of ['ZOË@fold.test', 'zoe\u0308@fold.test']) {
        const dup = await api(server, 'POST', '/api/register', { json: { name: 'Other', email, password: 'secret-password' } });
        expect(dup.status).toBe(422);
        expect(dup.body.errors).toEqual({ email: ['The email has already been taken.'] });
        const login = await api(server, 'POST', '/api/login', { json: { email, password: 'secret-password' } });
        expect(login.status).toBe(200);
        expect(login.body.data.user.id).toBe(first.body.data.user.id);
      }
    } finally {
      await server.stop();
    }
  });

  it('migrating a version-1 database with colliding e-mails keeps every row, reports them, and serve warns', async () => {
    const path = join(dir, 'v1.sqlite');
    const v1 = new Database(path);
    v1.exec(MIGRATIONS[0]!.sql);
    v1.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
             INSERT INTO schema_migrations VALUES (1, 'v1', '2026-01-01T00:00:00Z');`);
    const insert = v1.prepare(`INSERT INTO users (name, email, password_hash, created_at, updated_at) VALUES (?, ?, 'x', '2026-01-01', '2026-01-01')`);
    for (const [name, email] of [['Zoë', 'zoë@old.test'], ['Zoe2', 'ZOË@old.test'], ['José', 'jos\u00e9@old.test'], ['Jose2', 'jose\u0301@old.test'], ['Solo', 'solo@old.test']]) {
      insert.run(name, email);
    }
    v1.close();

    const store = new SqliteStore(path);
    expect((store.db.prepare('SELECT email FROM users ORDER BY id').all() as Array<{ email: string }>).map((r) => r.email)).toEqual([
      'zoë@old.test', 'ZOË@old.test', 'jos\u00e9@old.test', 'jose\u0301@old.test', 'solo@old.test',
    ]);
    expect(await store.emailCollisions()).toEqual([
      { id: 2, email: 'ZOË@old.test', sameAs: { id: 1, email: 'zoë@old.test' } },
      { id: 4, email: 'jose\u0301@old.test', sameAs: { id: 3, email: 'jos\u00e9@old.test' } },
    ]);
    // Each keeps signing in: the exact spelling finds the newer one, any other form the older one.
    expect((await store.findUserByEmail('ZOË@old.test'))?.id).toBe(2);
    expect((await store.findUserByEmail('zoë@old.test'))?.id).toBe(1);
    expect((await store.findUserByEmail('Zoë@OLD.test'))?.id).toBe(1);
    await expect(store.createUser({ name: 'New', email: 'zoe\u0308@old.test', passwordHash: 'x' })).rejects.toBeInstanceOf(EmailTakenError);
    expect((store.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBeGreaterThanOrEqual(2);
    await store.close();

    const warnings: string[] = [];
    const server = await startTestServer({ DB_DATABASE: path }, { dir, log: (level, message) => level === 'warn' && warnings.push(message) });
    await server.close();
    expect(warnings).toEqual([
      'users 1 <zoë@old.test> and 2 <ZOË@old.test> have the same e-mail once case and Unicode form are ignored; user 2 can sign in only with exactly that spelling until one address is changed.',
      'users 3 <jos\u00e9@old.test> and 4 <jose\u0301@old.test> have the same e-mail once case and Unicode form are ignored; user 4 can sign in only with exactly that spelling until one address is changed.',
    ]);
  });
});
