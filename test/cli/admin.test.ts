// The admin CLI run as a real child process against a real SQLite file, then used over HTTP.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe, type ServeProcess } from '../helpers/cli.js';

describe('chatctl admin commands', () => {
  let dir: string;
  let db: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatctl-cli-'));
    db = join(dir, 'admin.sqlite');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('user create --json prints the user as one JSON document', async () => {
    const res = await runCli(['user', 'create', '--db', db, '--name', 'Ann', '--email', 'ann@example.com', '--password', 'secret123', '--json']);
    expect(res).toEqual({ code: 0, stdout: '{"id":1,"name":"Ann","email":"ann@example.com","avatar":null}\n', stderr: '' });
  });

  it('a duplicate e-mail (any case) exits non-zero with one clear sentence', async () => {
    const res = await runCli(['user', 'create', '--db', db, '--name', 'Ann 2', '--email', 'ANN@example.com', '--password', 'secret123', '--json']);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe('chatctl: A user with the e-mail ANN@example.com already exists.\n');
  });

  it('rejects bad input with one sentence and exit 1 (2 for a usage error, as every verb)', async () => {
    const bad = await runCli(['user', 'create', '--db', db, '--name', 'X', '--email', 'not-an-email', '--password', 'secret123']);
    expect(bad).toMatchObject({ code: 1, stdout: '', stderr: 'chatctl: --email "not-an-email" is not a valid e-mail address.\n' });
    const short = await runCli(['user', 'create', '--db', db, '--name', 'X', '--email', 'x@example.com', '--password', 'short']);
    expect(short).toMatchObject({ code: 1, stderr: 'chatctl: --password must be at least 8 characters.\n' });
    const missing = await runCli(['user', 'create', '--db', db, '--name', 'X']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("error: required option '--email <email>' not specified\n");
    const unknownUser = await runCli(['token', 'create', '--db', db, '--email', 'ghost@example.com']);
    expect(unknownUser).toMatchObject({ code: 1, stdout: '', stderr: 'chatctl: No user has the e-mail ghost@example.com; create one with chatctl user create.\n' });
    const badId = await runCli(['token', 'revoke', 'abc', '--db', db]);
    expect(badId).toMatchObject({ code: 1, stderr: 'chatctl: "abc" is not a token id; token ids are positive integers (see chatctl token list).\n' });
  });

  it('user list --json lists the users', async () => {
    const res = await runCli(['user', 'list', '--db', db, '--json']);
    expect(res.code).toBe(0);
    const users = JSON.parse(res.stdout);
    expect(users).toEqual([{ id: 1, name: 'Ann', email: 'ann@example.com', avatar: null, created_at: expect.any(String) }]);
  });

  describe('tokens against a running server', () => {
    let serve: ServeProcess;
    beforeAll(async () => {
      serve = await startServe(['--port', '0', '--db', db]);
    });
    afterAll(async () => {
      await serve.stop();
    });

    it('token create prints the plain token alone, and the API accepts it', async () => {
      const created = await runCli(['token', 'create', '--db', db, '--email', 'ann@example.com']);
      expect(created.code).toBe(0);
      expect(created.stderr).toBe('');
      expect(created.stdout).toMatch(/^\d+\|[A-Za-z0-9_-]{40}\n$/);
      const token = created.stdout.trim();

      const me = await fetch(`${serve.url}/api/user`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { data: unknown }).data).toMatchObject({ id: 1, name: 'Ann', email: 'ann@example.com' });

      const list = await runCli(['token', 'list', '--db', db, '--json']);
      const tokens = JSON.parse(list.stdout) as Array<{ id: number; name: string; last_used_at: string | null }>;
      const id = Number(token.split('|')[0]);
      expect(tokens.find((t) => t.id === id)).toMatchObject({ id, user_id: 1, name: 'cli', revoked_at: null, last_used_at: expect.any(String) });
      expect(list.stdout).not.toContain(token.split('|')[1]);

      const revoked = await runCli(['token', 'revoke', String(id), '--db', db]);
      expect(revoked).toEqual({ code: 0, stdout: `Revoked token ${id}.\n`, stderr: '' });
      const after = await fetch(`${serve.url}/api/user`, { headers: { authorization: `Bearer ${token}` } });
      expect(after.status).toBe(401);
      const again = await runCli(['token', 'revoke', String(id), '--db', db]);
      expect(again.code).toBe(1);
    });
  });
});

describe('chatctl serve configuration errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatctl-cfg-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, Record<string, string>, string]> = [
    ['PORT=abc', { PORT: 'abc' }, 'chatctl: PORT must be a port number between 0 and 65535.\n'],
    ['PORT=70000', { PORT: '70000' }, 'chatctl: PORT must be a port number between 0 and 65535.\n'],
    ['unknown driver', { BROADCAST_DRIVER: 'carrier-pigeon' }, 'chatctl: BROADCAST_DRIVER=carrier-pigeon is not a broadcasting driver chatctl knows; use one of: embedded, pusher, log, null.\n'],
    ['Laravel 11 name', { BROADCAST_CONNECTION: 'reverb' }, 'chatctl: BROADCAST_CONNECTION=reverb is not a broadcasting driver chatctl knows; use one of: embedded, pusher, log, null.\n'],
    ['mysql connection', { DB_CONNECTION: 'mysql', DB_DATABASE: 'laravel' }, 'chatctl: DB_CONNECTION=mysql is not supported: chatctl stores data in SQLite or PostgreSQL, so set DB_CONNECTION=sqlite (and DB_DATABASE to a file path), DB_CONNECTION=pgsql (and DB_URL or DB_HOST, DB_DATABASE, ...) or remove it.\n'],
    ['scaled without shared credentials', { REALTIME_SCALING: 'redis' }, 'chatctl: REALTIME_SCALING=redis needs the same PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET on every instance (missing: PUSHER_APP_ID, PUSHER_APP_KEY, PUSHER_APP_SECRET); set them in .env (run `chatctl doctor` to check).\n'],
    ['bad locale', { APP_LOCALE: 'fr' }, 'chatctl: APP_LOCALE must be one of: en, ar.\n'],
    ['pusher without credentials', { BROADCAST_DRIVER: 'pusher' }, 'chatctl: BROADCAST_DRIVER=pusher needs PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET; set them (run `chatctl doctor` to check) or use BROADCAST_DRIVER=embedded.\n'],
  ];

  for (const [name, env, message] of cases) {
    it(`${name} stops serve with one sentence and exit 1`, async () => {
      const res = await runCli(['serve', '--port', '0'], { cwd: dir, env });
      expect(res).toEqual({ code: 1, stdout: '', stderr: message });
    });
  }

  it('an unreadable database path stops serve with one sentence', async () => {
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const res = await runCli(['serve', '--port', '0', '--db', join(dir, 'not-a-dir', 'chat.sqlite')], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^chatctl: Cannot open the database .*not-a-dir\/chat\.sqlite: .+\.\n$/);
    expect(res.stderr.split('\n').length).toBe(2);
  });

  it('reads .env from the working directory, and the environment wins over it', async () => {
    writeFileSync(join(dir, '.env'), 'APP_LOCALE=fr\n');
    const fromFile = await runCli(['serve', '--port', '0'], { cwd: dir });
    expect(fromFile.stderr).toBe('chatctl: APP_LOCALE must be one of: en, ar.\n');
    const serve = await startServe(['--port', '0', '--db', join(dir, 'env.sqlite')], { cwd: dir, env: { APP_LOCALE: 'ar' } });
    const res = await fetch(`${serve.url}/api/nope`);
    expect(((await res.json()) as { message: string }).message).toBe('غير متوفر');
    expect(await serve.stop('SIGINT')).toBe(0);
    rmSync(join(dir, '.env'));
  });

  it('a missing --env-file is one sentence and exit 1', async () => {
    const res = await runCli(['serve', '--port', '0', '--env-file', join(dir, 'nope.env')], { cwd: dir });
    expect(res).toEqual({ code: 1, stdout: '', stderr: `chatctl: The env file ${join(dir, 'nope.env')} does not exist.\n` });
  });

  it('--env-file supplies configuration', async () => {
    writeFileSync(join(dir, 'custom.env'), 'APP_LOCALE=de\n');
    const res = await runCli(['serve', '--port', '0', '--env-file', join(dir, 'custom.env')], { cwd: dir });
    expect(res).toEqual({ code: 1, stdout: '', stderr: 'chatctl: APP_LOCALE must be one of: en, ar.\n' });
  });

  it('serve with no .env prints the ready line with the real port and stops cleanly on SIGTERM', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'chatctl-fresh-'));
    const serve = await startServe(['--port', '0'], { cwd: fresh });
    expect(serve.readyLine).toMatch(
      /^chatctl ready on http:\/\/127\.0\.0\.1:(\d+) {2}\(broadcasting embedded, realtime ws:\/\/127\.0\.0\.1:\1\/app\/([0-9a-f]{20}) key \2, database .*\/database\/chat\.sqlite\)$/,
    );
    const health = await fetch(`${serve.url}/health`);
    expect(health.status).toBe(200);
    expect(await serve.stop('SIGTERM')).toBe(0);
    rmSync(fresh, { recursive: true, force: true });
  });

  it('--verbose logs one line per request, without the token or the query string', async () => {
    const serve = await startServe(['--port', '0', '--verbose', '--db', join(dir, 'verbose.sqlite')], { cwd: dir });
    await fetch(`${serve.url}/api/user?token=leak-me`, { headers: { authorization: 'Bearer secret-token-value' } });
    await expect.poll(() => serve.stderr(), { timeout: 3000 }).toMatch(/^\S+Z GET \/api\/user 401 \d+\.\dms$/m);
    expect(serve.stderr()).not.toContain('secret-token-value');
    expect(serve.stderr()).not.toContain('leak-me');
    expect(await serve.stop()).toBe(0);
  });

  it('--help loads neither the database nor Ink and shows examples', async () => {
    const res = await runCli(['serve', '--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Examples:');
    expect(res.stdout).toContain('--port <port>');
    const top = await runCli(['--help']);
    expect(top.stdout).toContain('chatctl serve');
    const version = await runCli(['--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
