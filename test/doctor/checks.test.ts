// The doctor's checks as plain functions of an env map (and a temp working folder), no network.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastDriverCheck, dbConnectionCheck, envFileCheck, laravelConfigCacheCheck, queueCheck, valuesCheck } from '../../src/doctor/config.js';
import { createContext, maskSecret, redactText } from '../../src/doctor/context.js';
import {
  clusterCheck,
  DASHBOARD_HINT,
  exposureCheck,
  formatCheck,
  hostSchemePortCheck,
  looksSwapped,
  presentCheck,
  swappedCheck,
} from '../../src/doctor/credentials.js';
import { databaseFileCheck, LATEST_SCHEMA_VERSION, schemaCheck, walCheck } from '../../src/doctor/database.js';
import { credentialsModeCheck, embeddedCredentialsCheck, readOpenFileLimit } from '../../src/doctor/embedded.js';
import { describeClockSkew } from '../../src/doctor/connectivity.js';
import { parseCategories, runChecks, selectChecks } from '../../src/doctor/runner.js';
import { renderHuman, toJson } from '../../src/doctor/render.js';
import type { Check } from '../../src/doctor/types.js';

let root: string;
let counter = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'chatctl-doctor-unit-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh empty working folder (no .env) unless `files` are given. */
function folder(files: Record<string, string> = {}): string {
  const dir = join(root, `case-${++counter}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function run(check: Check, env: Record<string, string>, cwd = folder()) {
  return check.run(createContext({ cwd, env }));
}

const CLOUD = { BROADCAST_DRIVER: 'pusher', PUSHER_APP_ID: '1234567', PUSHER_APP_KEY: '278d425bdf160c739803', PUSHER_APP_SECRET: '7ad3773142a6692b25b8', PUSHER_APP_CLUSTER: 'eu' };

describe('placeholders and missing credentials', () => {
  it("the seed's placeholders fail with the dashboard hint, never showing the secret's value", async () => {
    const result = await run(presentCheck, {
      BROADCAST_DRIVER: 'pusher',
      PUSHER_APP_ID: 'your_app_id_here',
      PUSHER_APP_KEY: 'your_app_key_here',
      PUSHER_APP_SECRET: 'your_app_secret_here',
    });
    expect(result).toEqual({
      status: 'fail',
      detail: 'BROADCAST_DRIVER=pusher but not filled in: PUSHER_APP_ID=your_app_id_here, PUSHER_APP_KEY=your_app_key_here, PUSHER_APP_SECRET (a placeholder)',
      fix: 'copy them from the Pusher dashboard → Channels → App Keys',
    });
    expect(DASHBOARD_HINT).toBe(result.fix);
  });

  it('empty values, `null` and missing variables are not credentials either', async () => {
    const result = await run(presentCheck, { BROADCAST_CONNECTION: 'pusher', PUSHER_APP_ID: '', PUSHER_APP_KEY: 'null' });
    expect(result.status).toBe('fail');
    expect(result.detail).toBe('BROADCAST_CONNECTION=pusher but not filled in: PUSHER_APP_ID (empty); not set: PUSHER_APP_KEY, PUSHER_APP_SECRET');
  });

  it('with a custom PUSHER_HOST the hint names that host', async () => {
    const result = await run(presentCheck, { BROADCAST_DRIVER: 'pusher', PUSHER_HOST: 'soketi.internal', PUSHER_APP_ID: '1', PUSHER_APP_KEY: 'k' });
    expect(result).toMatchObject({ status: 'fail', fix: 'set them to the app id, key and secret configured on soketi.internal' });
  });

  it('embedded: placeholders would become the credentials (warn), partial ones are ignored (warn)', async () => {
    const placeholders = await run(presentCheck, { PUSHER_APP_ID: 'your_app_id_here', PUSHER_APP_KEY: 'your_app_key_here', PUSHER_APP_SECRET: 'your_app_secret_here' });
    expect(placeholders.status).toBe('warn');
    expect(placeholders.detail).toContain('the embedded server would use these well-known placeholders');
    const partial = await run(presentCheck, { PUSHER_APP_KEY: 'abc' });
    expect(partial).toMatchObject({ status: 'warn', detail: 'not set: PUSHER_APP_ID, PUSHER_APP_SECRET: the embedded server needs all three, so it uses its generated credentials instead' });
  });

  it('log driver: incomplete credentials are a warning, not a failure', async () => {
    const result = await run(presentCheck, { BROADCAST_DRIVER: 'log', PUSHER_APP_ID: 'your_app_id_here' });
    expect(result.status).toBe('warn');
    expect(result.detail).toMatch(/\(needed once BROADCAST_DRIVER=pusher\)$/);
  });

  it('real credentials are ok and the secret is masked to its length and last two characters', async () => {
    const result = await run(presentCheck, CLOUD);
    expect(result).toEqual({ status: 'ok', detail: 'app 1234567, key 278d425bdf160c739803, secret ********b8 (20 chars)' });
  });

  it('no driver and no PUSHER_* at all: the credential checks are skipped', async () => {
    expect(await run(presentCheck, {})).toEqual({ status: 'skip', detail: 'the driver is embedded (default) and no PUSHER_* variable is set' });
  });
});

describe('swapped key and secret', () => {
  it('flags a chatctl-style pair (40-hex secret) put the wrong way round', async () => {
    const key = 'a'.repeat(40);
    const secret = 'b'.repeat(20);
    expect(looksSwapped(key, secret)).toBe(true);
    expect(looksSwapped(secret, key)).toBe(false);
    const ctx = createContext({ cwd: folder(), env: { PUSHER_APP_ID: '1', PUSHER_APP_KEY: key, PUSHER_APP_SECRET: secret } });
    const result = await swappedCheck.run(ctx);
    expect(result.status).toBe('warn');
    expect(result.detail).toBe('PUSHER_APP_KEY looks like a secret and PUSHER_APP_SECRET like a key: they seem swapped');
    // The "key" is really the secret now: it is masked like one.
    expect(ctx.redact(`key ${key}`)).toBe('key ********aa (40 chars)');
  });

  it('flags soketi-style names the wrong way round, and identical values', async () => {
    expect((await run(swappedCheck, { BROADCAST_DRIVER: 'pusher', PUSHER_HOST: 'h', PUSHER_APP_ID: '1', PUSHER_APP_KEY: 'app-secret', PUSHER_APP_SECRET: 'app-key' })).status).toBe('warn');
    const same = await run(swappedCheck, { ...CLOUD, PUSHER_APP_SECRET: CLOUD.PUSHER_APP_KEY });
    expect(same).toMatchObject({ status: 'warn', detail: 'PUSHER_APP_KEY and PUSHER_APP_SECRET hold the same value' });
  });

  it('does not flag Pusher cloud credentials (both 20 hex) or the right order', async () => {
    expect((await run(swappedCheck, CLOUD)).status).toBe('ok');
    expect((await run(swappedCheck, { PUSHER_APP_ID: '1', PUSHER_APP_KEY: 'app-key', PUSHER_APP_SECRET: 'app-secret' })).status).toBe('ok');
  });

  it('a front-end variable holding the secret fails', async () => {
    const result = await run(exposureCheck, { ...CLOUD, VITE_PUSHER_APP_KEY: CLOUD.PUSHER_APP_SECRET, VITE_PUSHER_APP_CLUSTER: 'eu' });
    expect(result.status).toBe('fail');
    expect(result.detail).toBe('VITE_PUSHER_APP_KEY holds the app secret: front-end builds publish it to every visitor');
    expect((await run(exposureCheck, { ...CLOUD, VITE_PUSHER_APP_KEY: CLOUD.PUSHER_APP_KEY })).status).toBe('ok');
  });
});

describe('credential format and cluster (Pusher cloud only)', () => {
  it('warns about a non-numeric id and a key that is not 20 hex characters', async () => {
    const result = await run(formatCheck, { ...CLOUD, PUSHER_APP_ID: 'my-app', PUSHER_APP_KEY: 'not-a-pusher-key' });
    expect(result.status).toBe('warn');
    expect(result.detail).toBe(
      'PUSHER_APP_ID=my-app is not a number (Channels app ids look like 1234567); PUSHER_APP_KEY=not-a-pusher-key is not 20 hex characters, unlike Pusher Channels credentials',
    );
    expect((await run(formatCheck, CLOUD)).status).toBe('ok');
    expect((await run(formatCheck, { ...CLOUD, PUSHER_HOST: '127.0.0.1', PUSHER_APP_ID: 'x' })).status).toBe('skip');
  });

  it('recognises a Beams instance id', async () => {
    const result = await run(formatCheck, { ...CLOUD, PUSHER_APP_ID: '8a070eaa-033f-46d6-bb90-f4c15acc47e1' });
    expect(result).toMatchObject({ status: 'warn', detail: 'PUSHER_APP_ID looks like a Beams instance id, not a Channels app id' });
  });

  it('a missing cluster is a warning (Laravel falls back to mt1), an unknown one too', async () => {
    const { PUSHER_APP_CLUSTER: _, ...noCluster } = CLOUD;
    const missing = await run(clusterCheck, noCluster);
    expect(missing.status).toBe('warn');
    expect(missing.detail).toContain('PUSHER_APP_CLUSTER is not set: Laravel and chatctl use mt1');
    expect((await run(clusterCheck, { ...CLOUD, PUSHER_APP_CLUSTER: 'eu-west-1' })).status).toBe('warn');
    expect(await run(clusterCheck, CLOUD)).toEqual({ status: 'ok', detail: 'eu (api-eu.pusher.com, ws-eu.pusher.com)' });
  });
});

describe('host, scheme and port', () => {
  const SELF = { BROADCAST_DRIVER: 'pusher', PUSHER_APP_ID: '1', PUSHER_APP_KEY: 'app-key', PUSHER_APP_SECRET: 'app-secret' };

  it('https on port 80 and http on port 443 are warnings', async () => {
    expect(await run(hostSchemePortCheck, { ...SELF, PUSHER_HOST: 'ws.example.com', PUSHER_SCHEME: 'https', PUSHER_PORT: '80' })).toEqual({
      status: 'warn',
      detail: 'PUSHER_SCHEME=https with PUSHER_PORT=80: TLS is not served on port 80',
      fix: 'use PUSHER_PORT=443 with https, or PUSHER_SCHEME=http for port 80',
    });
    const http443 = await run(hostSchemePortCheck, { ...SELF, PUSHER_HOST: 'ws.example.com', PUSHER_SCHEME: 'HTTP', PUSHER_PORT: '443' });
    expect(http443).toMatchObject({ status: 'warn', detail: 'PUSHER_SCHEME=http with PUSHER_PORT=443: port 443 expects TLS' });
  });

  it('PUSHER_HOST without PUSHER_SCHEME: a note for a remote host, a warning for a local one', async () => {
    const remote = await run(hostSchemePortCheck, { ...SELF, PUSHER_HOST: 'ws.example.com' });
    expect(remote).toEqual({ status: 'ok', detail: 'ws.example.com:443; PUSHER_SCHEME is not set, so Laravel and chatctl use https (port 443 unless PUSHER_PORT says otherwise)' });
    const local = await run(hostSchemePortCheck, { ...SELF, PUSHER_HOST: '127.0.0.1', PUSHER_PORT: '6001' });
    expect(local).toMatchObject({ status: 'warn', fix: 'set PUSHER_SCHEME=http' });
    expect(local.detail).toContain('PUSHER_SCHEME is not set, so Laravel and chatctl use https on 127.0.0.1:6001');
    expect(await run(hostSchemePortCheck, { ...SELF, PUSHER_HOST: '127.0.0.1', PUSHER_PORT: '6001', PUSHER_SCHEME: 'http' })).toEqual({ status: 'ok', detail: 'http://127.0.0.1:6001' });
  });

  it('a URL in PUSHER_HOST fails with the three variables it should have been', async () => {
    const result = await run(hostSchemePortCheck, { ...SELF, PUSHER_HOST: 'https://soketi.example.com:6001' });
    expect(result).toMatchObject({ status: 'fail', fix: 'use PUSHER_HOST=soketi.example.com, PUSHER_PORT=6001, PUSHER_SCHEME=https' });
  });

  it('the embedded driver ignores PUSHER_HOST/PORT/SCHEME, and says so', async () => {
    const result = await run(hostSchemePortCheck, { PUSHER_HOST: '127.0.0.1', PUSHER_PORT: '6001' });
    expect(result).toMatchObject({ status: 'warn', detail: 'PUSHER_HOST, PUSHER_PORT are set but BROADCAST_DRIVER=embedded ignores them' });
  });
});

describe('broadcasting driver and its Laravel aliases', () => {
  it('BROADCAST_CONNECTION alone (Laravel 11) and BROADCAST_DRIVER alone (Laravel 10) are fine', async () => {
    expect(await run(broadcastDriverCheck, { BROADCAST_CONNECTION: 'pusher' })).toEqual({ status: 'ok', detail: 'pusher (from BROADCAST_CONNECTION)' });
    const legacy = await run(broadcastDriverCheck, { BROADCAST_DRIVER: 'Pusher' });
    expect(legacy.status).toBe('ok');
    expect(legacy.detail).toMatch(/^pusher \(from BROADCAST_DRIVER, the Laravel 10 name/);
    expect((await run(broadcastDriverCheck, {})).detail).toMatch(/^embedded \(default\)/);
  });

  it('both set and different: a warning naming what each Laravel version uses', async () => {
    const result = await run(broadcastDriverCheck, { BROADCAST_DRIVER: 'pusher', BROADCAST_CONNECTION: 'log' });
    expect(result.status).toBe('warn');
    expect(result.detail).toBe('BROADCAST_DRIVER=pusher and BROADCAST_CONNECTION=log disagree: chatctl and Laravel 10 use pusher, Laravel 11+ uses log');
    expect((await run(broadcastDriverCheck, { BROADCAST_DRIVER: 'pusher', BROADCAST_CONNECTION: 'pusher' })).status).toBe('ok');
  });

  it('log and null: events are not delivered to clients', async () => {
    const log = await run(broadcastDriverCheck, { BROADCAST_CONNECTION: 'log' });
    expect(log).toMatchObject({ status: 'warn', detail: 'BROADCAST_CONNECTION=log: events are not delivered to clients (they are only written to the log)' });
    const dropped = await run(broadcastDriverCheck, { BROADCAST_DRIVER: 'null' });
    expect(dropped).toMatchObject({ status: 'warn', detail: 'BROADCAST_DRIVER=null: events are not delivered to clients (they are dropped)' });
  });

  it("an unknown driver fails with loadConfig's sentence; Reverb gets a specific hint", async () => {
    const result = await run(broadcastDriverCheck, { BROADCAST_CONNECTION: 'reverb' });
    expect(result.status).toBe('fail');
    expect(result.detail).toBe('BROADCAST_CONNECTION=reverb is not a broadcasting driver chatctl knows; use one of: embedded, pusher, log, null.');
    expect(result.fix).toContain('set BROADCAST_DRIVER=pusher with PUSHER_HOST/PORT/SCHEME');
  });
});

describe('configuration values, database connection, Laravel leftovers', () => {
  it("reports every invalid value with loadConfig's sentences, not just the first", async () => {
    const result = await run(valuesCheck, { PORT: 'eighty', APP_LOCALE: 'fr' });
    expect(result.status).toBe('fail');
    expect(result.detail).toBe('PORT must be a port number between 0 and 65535 (and 1 more: APP_LOCALE).');
    expect((await run(valuesCheck, {})).status).toBe('ok');
  });

  it('DB_CONNECTION=mysql (the Laravel app\'s database) is a warning in its own check; the other values stay valid', async () => {
    const env = { DB_CONNECTION: 'mysql', DB_DATABASE: 'laravel' };
    const db = await run(dbConnectionCheck, env);
    expect(db.status).toBe('warn');
    expect(db.detail).toBe(
      "DB_CONNECTION=mysql is the Laravel app's database, which chatctl does not use; chatctl serve would refuse this .env as it stands (the Pusher checks below still apply)",
    );
    expect((await run(valuesCheck, env)).status).toBe('ok');
    expect(await run(databaseFileCheck, env)).toEqual({ status: 'skip', detail: "DB_CONNECTION=mysql is not chatctl's database (see Configuration)" });
  });

  it('a missing default .env is fine; a missing --env-file fails with the ConfigError sentence', async () => {
    const cwd = folder();
    expect((await envFileCheck.run(createContext({ cwd, env: {} }))).status).toBe('ok');
    const missing = await envFileCheck.run(createContext({ cwd, env: {}, envFile: 'nope.env' }));
    expect(missing).toMatchObject({ status: 'fail', detail: `The env file ${join(cwd, 'nope.env')} does not exist.` });
    const withFile = folder({ '.env': 'APP_LOCALE=ar\nPORT=9000\n' });
    expect(await envFileCheck.run(createContext({ cwd: withFile, env: {} }))).toEqual({ status: 'ok', detail: `${join(withFile, '.env')} (2 variables)` });
  });

  it('an unreadable .env fails, and the checks that need it are skipped', async () => {
    const cwd = folder();
    mkdirSync(join(cwd, '.env'));
    const ctx = createContext({ cwd, env: {} });
    expect((await envFileCheck.run(ctx)).status).toBe('fail');
    expect((await envFileCheck.run(ctx)).detail).toMatch(/could not be read/);
    expect((await valuesCheck.run(ctx)).status).toBe('skip');
    expect((await databaseFileCheck.run(ctx)).status).toBe('skip');
  });

  it('a cached Laravel configuration is a warning', async () => {
    const cwd = folder({ artisan: '', 'bootstrap/cache/config.php': '<?php return [];' });
    const result = await run(laravelConfigCacheCheck, {}, cwd);
    expect(result.status).toBe('warn');
    expect(result.fix).toBe('run php artisan config:clear after editing .env (and do not run config:cache in development)');
    expect((await run(laravelConfigCacheCheck, {}, folder({ artisan: '' }))).status).toBe('ok');
    expect((await run(laravelConfigCacheCheck, {})).status).toBe('skip');
  });

  it('QUEUE_CONNECTION: only looked at when present; a Laravel app here needs a worker', async () => {
    expect((await run(queueCheck, {})).status).toBe('skip');
    expect(await run(queueCheck, { QUEUE_CONNECTION: 'sync' })).toEqual({ status: 'ok', detail: 'sync: events are broadcast as they happen' });
    expect(await run(queueCheck, { QUEUE_CONNECTION: 'database' })).toEqual({
      status: 'ok',
      detail: 'QUEUE_CONNECTION=database: chatctl broadcasts synchronously and needs no queue worker',
    });
    expect((await run(queueCheck, { QUEUE_CONNECTION: 'redis' }, folder({ artisan: '' }))).status).toBe('warn');
  });
});

describe('database file', () => {
  it('a Laravel database is not a chatctl database', async () => {
    const cwd = folder();
    const file = join(cwd, 'laravel.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE migrations (id INTEGER PRIMARY KEY); CREATE TABLE users (id INTEGER PRIMARY KEY)');
    db.close();
    const result = await run(schemaCheck, { DB_DATABASE: file }, cwd);
    expect(result.status).toBe('fail');
    expect(result.detail).toBe('not a chatctl database (it looks like a Laravel database): it has tables (migrations, users) but no schema_migrations');
    expect((await run(walCheck, { DB_DATABASE: file }, cwd)).status).toBe('warn');
  });

  it('a newer schema fails, a text file is not a database, an empty file is fine', async () => {
    const cwd = folder({ 'notes.sqlite': 'hello, this is not SQLite'.repeat(40) });
    const newer = join(cwd, 'newer.sqlite');
    const db = new Database(newer);
    db.pragma('journal_mode = WAL');
    db.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT); INSERT INTO schema_migrations VALUES (99, 'x', 'now')");
    db.close();
    expect(await run(schemaCheck, { DB_DATABASE: newer }, cwd)).toMatchObject({ status: 'fail', detail: `schema version 99 is newer than this chatctl knows (${LATEST_SCHEMA_VERSION})` });
    expect(await run(walCheck, { DB_DATABASE: newer }, cwd)).toEqual({ status: 'ok', detail: 'WAL, synchronous FULL' });
    const notes = await run(schemaCheck, { DB_DATABASE: 'notes.sqlite' }, cwd);
    expect(notes).toMatchObject({ status: 'fail', detail: `${join(cwd, 'notes.sqlite')} is not a SQLite database` });
    expect(await run(databaseFileCheck, { DB_DATABASE: cwd }, cwd)).toMatchObject({ status: 'fail', detail: `${cwd} is a folder, not a database file` });
  });

  it('a database that does not exist yet is not created by doctor', async () => {
    const cwd = folder();
    const result = await run(databaseFileCheck, {}, cwd);
    expect(result).toEqual({ status: 'ok', detail: `${join(cwd, 'database/chat.sqlite')} does not exist yet: chatctl serve creates it (the folder is writable)` });
    expect((await run(schemaCheck, {}, cwd)).status).toBe('skip');
    expect(existsSync(join(cwd, 'database'))).toBe(false);
  });
});

describe('embedded credentials file', () => {
  it('a world-readable credentials file is a warning; invalid JSON fails (serve would not start)', async () => {
    const cwd = folder({ 'database/pusher-app.json': JSON.stringify({ id: '1', key: 'k'.repeat(20), secret: 's'.repeat(40) }) });
    chmodSync(join(cwd, 'database/pusher-app.json'), 0o644);
    const mode = await run(credentialsModeCheck, {}, cwd);
    expect(mode).toMatchObject({ status: 'warn', fix: `chmod 600 ${join(cwd, 'database/pusher-app.json')}` });
    expect(mode.detail).toContain('has mode 0644: other users on this machine can read the secret');
    const broken = folder({ 'database/pusher-app.json': '{"id":' });
    expect((await run(embeddedCredentialsCheck, {}, broken)).status).toBe('fail');
  });

  it('the stored secret is masked in the report even where a check would print it', async () => {
    const secret = 'f'.repeat(38) + '3f';
    const cwd = folder({ 'database/pusher-app.json': JSON.stringify({ id: '1', key: 'k'.repeat(20), secret }) });
    const ctx = createContext({ cwd, env: {} });
    const echo: Check = { id: 'test.echo', category: 'config', title: 'Echo', run: async () => ({ status: 'ok', detail: `leak ${secret}` }) };
    const report = await runChecks(ctx, [echo, embeddedCredentialsCheck]);
    expect(report.checks[0]!.detail).toBe('leak ********3f (40 chars)');
    expect(report.checks[1]!.detail).toContain('secret ********3f (40 chars)');
    expect(JSON.stringify(report)).not.toContain(secret);
  });

  it('parses the Max open files line of /proc/self/limits', () => {
    const text = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n';
    expect(readOpenFileLimit(text)).toEqual({ soft: 1024, hard: 524288 });
    expect(readOpenFileLimit('nothing')).toBeUndefined();
  });
});

describe('masking, clock skew, categories, rendering', () => {
  it('masks a secret to its length and at most its last two characters', () => {
    expect(maskSecret('7ad3773142a6692b25b8')).toBe('********b8 (20 chars)');
    expect(maskSecret('short-secret')).toBe('******** (12 chars)');
    expect(redactText('a sekrit-value-1234 and sekrit-value-1234', ['sekrit-value-1234'])).toBe('a ********34 (17 chars) and ********34 (17 chars)');
  });

  it('secret-looking variables from the environment are masked wherever they would appear', () => {
    const ctx = createContext({ cwd: folder(), env: { PUSHER_APP_SECRET: 'the-real-secret-value', CHATCTL_TOKEN: '1|abcdefghijklmnopqrstuvwxyz', DB_PASSWORD: 'hunter2hunter2' } });
    expect(ctx.redact('x the-real-secret-value 1|abcdefghijklmnopqrstuvwxyz hunter2hunter2')).toBe('x ********ue (21 chars) ********yz (28 chars) ******** (14 chars)');
  });

  it('describes clock skew from the Date header', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(describeClockSkew(now, 'Thu, 01 Jan 2026 11:00:00 GMT')).toBe("this machine's clock is 3600 s ahead of the host's (Pusher allows 600 s)");
    expect(describeClockSkew(now, 'Thu, 01 Jan 2026 12:20:00 GMT')).toBe("this machine's clock is 1200 s behind the host's (Pusher allows 600 s)");
    expect(describeClockSkew(now, undefined)).toBe("the host rejected the request's timestamp: check this machine's clock");
  });

  it('--only names categories (and the pusher alias), in run order; unknown names are one sentence', () => {
    expect(parseCategories('server,config')).toEqual(['config', 'server']);
    expect(parseCategories('pusher')).toEqual(['credentials', 'connectivity']);
    expect(() => parseCategories('config,nope')).toThrow(
      '--only "nope" is not a check category; use one or more of: config, database, credentials, connectivity, clients, laravel, embedded, server (pusher means credentials,connectivity; frontend means clients).',
    );
    expect(selectChecks(['config']).map((c) => c.id)).toEqual([
      'config.env-file',
      'config.values',
      'config.broadcast-driver',
      'config.db-connection',
      'config.laravel-cache',
      'config.queue',
    ]);
  });

  it('renders ASCII markers and a footer counting problems and warnings', () => {
    const report = {
      ok: false,
      checks: [
        { id: 'a', category: 'config' as const, status: 'ok' as const, title: 'A', detail: 'fine' },
        { id: 'b', category: 'config' as const, status: 'warn' as const, title: 'B', detail: 'hmm', fix: 'do x' },
        { id: 'c', category: 'credentials' as const, status: 'fail' as const, title: 'C', detail: 'bad', fix: 'do y' },
        { id: 'd', category: 'server' as const, status: 'skip' as const, title: 'D', detail: 'no server' },
      ],
    };
    expect(renderHuman(report, 'Doctor summary for /x', { fancy: false })).toBe(
      [
        'Doctor summary for /x',
        '',
        'Configuration',
        '[ok]   A',
        '       • fine',
        '[warn] B',
        '       • hmm',
        '       → do x',
        '',
        'Pusher credentials',
        '[FAIL] C',
        '       • bad',
        '       → do y',
        '',
        'Running server',
        '[skip] D: no server',
        '',
        'Doctor found 2 problems (1 warning).',
        '',
      ].join('\n'),
    );
    const fancy = renderHuman(report, 'h', { fancy: true });
    expect(fancy).toContain('[✓] A\n    • fine');
    expect(fancy).toContain('[!] B');
    expect(fancy).toContain('[✗] C');
    expect(fancy).toContain('[-] D: no server');
    expect(renderHuman({ ok: true, checks: [report.checks[0]!] }, 'h', { fancy: false })).toMatch(/\nNo issues found\.\n$/);
    expect(toJson(report).checks[0]).toEqual({ id: 'a', category: 'config', status: 'ok', title: 'A', detail: 'fine' });
  });
});
